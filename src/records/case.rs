//! `case`: the accident (事故) and its investigation report.

use serde::{Deserialize, Serialize};

use super::approx::AmountApprox;
use super::date::{ApproxTime, Date};
use super::enums::{Grade, Qualifier};
use super::error::{fail, RecordError};
use super::money::Fen;
use super::record::Rules;
use super::text::{DocNumber, Text};

/// An accident. Event date: the day it happened. References: none.
///
/// ```json
/// {"name": "11·25", "accident_type": "高处坠落", "grade": "ordinary",
///  "time_of_day": "11时15分许", "place": "博乐市 XXXX 有限责任公司棉包装车作业现场",
///  "deaths": 1, "direct_economic_loss": {"amount_fen": 138000000, "qualifier": "exact", "as_written": "138万元"},
///  "investigation": {"approved_on": "2025-04-01", "approved_by": "博乐市人民政府", "published_on": "2025-04-18"}}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The accident's short name as the documents give it: `11·25`, `7.12`, `8·31`.
    pub name: Text,
    /// The full name: `博乐市XXXX有限责任公司“11·25”一般高处坠落事故`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// The type as written (GB 6441 categories): 高处坠落, 灼烫, 中毒窒息, 坍塌.
    pub accident_type: Text,
    /// The grade: ordinary (一般), larger (较大), major (重大), extraordinary (特别重大).
    pub grade: Grade,
    /// The time of day as written: `11时15分许`, `上午10时许`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_of_day: Option<ApproxTime>,
    /// Where, as written.
    pub place: Text,
    /// The unit where it happened (事故发生单位).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
    /// Persons killed.
    pub deaths: u32,
    /// Persons injured, when the document says (absent is not zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injuries: Option<u32>,
    /// Direct economic loss, as exact or approximate as the document gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_economic_loss: Option<AmountApprox>,
    /// The investigation and its report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investigation: Option<Investigation>,
}

/// The investigation (事故调查) and the approval of its report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Investigation {
    /// Who formed the investigation group: `博乐市人民政府`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organised_by: Option<Text>,
    /// The units that sent members, as written: 应急管理, 公安, 工会, …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_units: Vec<Text>,
    /// Oversight, as written: `自治区安委办对事故查处挂牌督办`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oversight: Option<Text>,
    /// The report's title, without 《》.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_title: Option<Text>,
    /// The day the government approved the report (批复).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<Date>,
    /// Who approved it: `长春市人民政府`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<Text>,
    /// The approval's document number: `长府批复〔2019〕36号`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_document_number: Option<DocNumber>,
    /// The day the report was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<Date>,
}

/// Upper bounds (exclusive) of deaths and of direct loss in yuan for each
/// grade, from 《生产安全事故报告和调查处理条例》第三条.
fn grade_limits(grade: Grade) -> Option<(u32, u64)> {
    match grade {
        Grade::Ordinary => Some((3, 10_000_000)),
        Grade::Larger => Some((10, 50_000_000)),
        Grade::Major => Some((30, 100_000_000)),
        Grade::Extraordinary => None,
    }
}

/// Reads a name of the form month·day (`11·25`, `7.12`, `8·31`).
fn name_month_day(name: &str) -> Option<(u8, u8)> {
    let (m, d) = name.split_once(['·', '.', '•', '・', '．'])?;
    let num = |s: &str| {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    Some((num(m)?, num(d)?))
}

impl Rules for Case {
    /// Rules: a month·day name agreeing with the event date; deaths and a
    /// loss not marked approximate within the grade's bounds; the loss as
    /// written meaning its figure; the report approved no earlier than the
    /// accident, and published no earlier than approved.
    fn check(&self, event_date: Option<Date>) -> Result<(), RecordError> {
        if let (Some((m, d)), Some(date)) = (name_month_day(&self.name), event_date) {
            let day = date.get();
            if (m, d) != (u8::from(day.month()), day.day()) {
                return fail(
                    "payload.name",
                    format!(
                        "the name {} gives the day {m}·{d}, but the event date is {date}",
                        self.name
                    ),
                );
            }
        }
        if let Some(loss) = &self.direct_economic_loss {
            loss.check("payload.direct_economic_loss")?;
        }
        if let Some((max_deaths, max_yuan)) = grade_limits(self.grade) {
            if self.deaths >= max_deaths {
                return fail(
                    "payload.deaths",
                    format!(
                        "a {} ({}) has fewer than {max_deaths} deaths (生产安全事故报告和调查处理条例 第三条); {} given",
                        self.grade.name(),
                        self.grade.label(),
                        self.deaths
                    ),
                );
            }
            if let Some(loss) = &self.direct_economic_loss {
                let limit = Fen::from_yuan(max_yuan).unwrap_or(Fen::MAX);
                if loss.qualifier != Qualifier::About && loss.amount_fen >= limit {
                    return fail(
                        "payload.direct_economic_loss.amount_fen",
                        format!(
                            "a {} ({}) has a direct loss below {} yuan (生产安全事故报告和调查处理条例 第三条)",
                            self.grade.name(),
                            self.grade.label(),
                            limit.display_yuan()
                        ),
                    );
                }
            }
        }
        let Some(inv) = &self.investigation else {
            return Ok(());
        };
        if let (Some(accident), Some(approved)) = (event_date, inv.approved_on) {
            if approved < accident {
                return fail(
                    "payload.investigation.approved_on",
                    format!(
                        "the report was approved on {approved}, before the accident on {accident}"
                    ),
                );
            }
        }
        if let (Some(approved), Some(published)) = (inv.approved_on, inv.published_on) {
            if published < approved {
                return fail(
                    "payload.investigation.published_on",
                    format!("the report was published on {published}, before it was approved on {approved}"),
                );
            }
        }
        Ok(())
    }
}
