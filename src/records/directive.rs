//! `directive`: a government work plan with numbered tasks (document 003).

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::error::{fail, RecordError};
use super::record::Rules;
use super::text::{DocNumber, Text};

/// A government work plan such as 高政发〔2024〕1号: who issued it, and its
/// numbered tasks with the units responsible for each. Event date: the day
/// it was issued. References: none.
///
/// ```json
/// {"issuer": "高平市人民政府", "document_number": "高政发〔2024〕1号",
///  "title": "高平市人民政府关于做好2024年安全生产工作的通知",
///  "tasks": [{"number": 30, "title": "从严开展事故调查和灾害评估", "units": ["市应急局"],
///             "responsibility_as_written": "〔市应急局等部门负责〕"}]}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directive {
    /// The issuing body: `高平市人民政府`.
    pub issuer: Text,
    /// The document number: `高政发〔2024〕1号`.
    pub document_number: DocNumber,
    /// The title as written.
    pub title: Text,
    /// To whom it is addressed, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addressees: Option<Text>,
    /// Whether the document says it is published (此件公开发布).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_released: Option<bool>,
    /// The numbered tasks, in the document's order; at least one.
    pub tasks: Vec<DirectiveTask>,
}

/// One numbered task of a directive: `（三十）从严开展事故调查和灾害评估 …〔市应急局等部门负责〕`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectiveTask {
    /// The task's number: 30 for （三十）. Numbers rise through the list.
    pub number: u32,
    /// The chapter it sits in, as written: `七、严格巡查考核和调查评估，倒逼制度措施落实落细`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Text>,
    /// The task's heading: `从严开展事故调查和灾害评估`.
    pub title: Text,
    /// What it requires, as written (may be abridged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Text>,
    /// The units responsible, each once; at least one (`市应急局`, or a class
    /// as written: `负有安全监管职责的部门`).
    pub units: Vec<Text>,
    /// The lead unit (牵头), which must be among `units`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_unit: Option<Text>,
    /// The responsibility clause as written: `〔市应急局、市能源局等部门分工负责〕`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibility_as_written: Option<Text>,
}

impl Rules for Directive {
    /// Rules: at least one task; task numbers from 1, strictly rising; each
    /// task names at least one unit, none twice, and its lead among them.
    fn check(&self, _event_date: Option<Date>) -> Result<(), RecordError> {
        if self.tasks.is_empty() {
            return fail("payload.tasks", "a directive lists at least one task");
        }
        let mut previous = 0;
        for (i, task) in self.tasks.iter().enumerate() {
            let path = format!("payload.tasks[{i}]");
            if task.number == 0 || task.number <= previous {
                return fail(
                    format!("{path}.number"),
                    format!(
                        "task numbers start at 1 and rise; {} follows {previous}",
                        task.number
                    ),
                );
            }
            previous = task.number;
            if task.units.is_empty() {
                return fail(
                    format!("{path}.units"),
                    "a task names at least one responsible unit",
                );
            }
            for (j, unit) in task.units.iter().enumerate() {
                if task.units[..j].contains(unit) {
                    return fail(
                        format!("{path}.units[{j}]"),
                        format!("{unit} is listed twice"),
                    );
                }
            }
            if let Some(lead) = &task.lead_unit {
                if !task.units.contains(lead) {
                    return fail(
                        format!("{path}.lead_unit"),
                        format!("the lead unit {lead} is not among the units"),
                    );
                }
            }
        }
        Ok(())
    }
}
