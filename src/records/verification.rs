//! `verification_finding`: an assessment group's findings (评估报告).

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::enums::{DateBasis, FindingArea, Verdict};
use super::error::{fail, RecordError};
use super::record::Rules;
use super::refs::ReferencedEntry;
use super::text::{DocNumber, Text};

/// An assessment group's findings on whether accountability and
/// rectification were carried out. Event date: the day of the report (the
/// date under the seal). References: the entries its items rest on, any
/// record kind; every reference must be rested on by some item.
///
/// Each item's `rests_on` lists indices into the statement's `refs`
/// (`[0, 2]` = the first and third referenced entries). Indices, not hashes:
/// the hashes are already in `refs`, and an index cannot dangle unseen.
///
/// ```json
/// {"group": "博乐市 XXXX 有限责任公司“11·25”一般高处坠落生产安全事故评估组",
///  "led_by": "博乐市应急管理局", "member_units": ["原事故调查组组成单位"],
///  "methods": ["调阅事故原始档案", "查阅相关文件资料", "现场检查", "听取汇报"],
///  "started_on": "2026-05-07",
///  "items": [{"subject": "对博乐市 XXXX 有限责任公司罚款500000.00元", "area": "accountability",
///             "verdict": "fully_implemented", "rests_on": [0, 1]}],
///  "conclusion": "综上，事故报告中提出的整改措施基本落实。", "overall_verdict": "basically_implemented",
///  "issued_by": "崔鑫", "sealed_by": "博乐市应急管理局代章", "document_number": "博市应急发〔2026〕15号"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationFinding {
    /// The assessment group's name as written.
    pub group: Text,
    /// Who led it: `市应急管理局`, `区安委办`.
    pub led_by: Text,
    /// Its member units as written, at least one: 区纪委监委, 米东公安分局, …
    pub member_units: Vec<Text>,
    /// What it assessed against: the investigation report, the assessment rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<Text>,
    /// How it worked, as written, at least one: 调阅事故档案, 现场核验, 听取汇报.
    pub methods: Vec<Text>,
    /// The day the group was formed or started, no later than the event date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_on: Option<Date>,
    /// Each item checked, at least one.
    pub items: Vec<FindingItem>,
    /// The problem list (问题清单); empty for “无”.
    #[serde(default)]
    pub problems: Vec<Text>,
    /// The recommendation list (工作建议清单); empty for “无”.
    #[serde(default)]
    pub recommendations: Vec<Text>,
    /// The good-practice list (经验做法清单).
    #[serde(default)]
    pub good_practices: Vec<Text>,
    /// The overall conclusion as written.
    pub conclusion: Text,
    /// The overall verdict, when the conclusion states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall_verdict: Option<Verdict>,
    /// Who signed it off (签发).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_by: Option<Text>,
    /// Whose seal it bears: `博乐市应急管理局代章`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_by: Option<Text>,
    /// The covering document's number: `博市应急发〔2026〕15号`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<DocNumber>,
    /// Whether the event date is the report's stated date or only a bound
    /// (documents 001 and 002 are undated).
    #[serde(default, skip_serializing_if = "DateBasis::is_stated")]
    pub event_date_basis: DateBasis,
}

/// One item an assessment checked, and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingItem {
    /// What was checked, as written or summarised.
    pub subject: Text,
    /// Accountability or rectification.
    pub area: FindingArea,
    /// 落实到位, 基本落实 or 未落实.
    pub verdict: Verdict,
    /// Indices into the statement's `refs` of the entries the verdict rests
    /// on; at least one unless the verdict is `not_implemented`.
    #[serde(default)]
    pub rests_on: Vec<u32>,
    /// A remark as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

impl Rules for VerificationFinding {
    /// Rules: member units, methods and items non-empty; started no later
    /// than the event date (unless that is only a lower bound); a favourable verdict rests on some entry, no
    /// index twice; an overall `fully_implemented` only if every item is.
    fn check(&self, event_date: Option<Date>) -> Result<(), RecordError> {
        for (field, empty) in [
            ("member_units", self.member_units.is_empty()),
            ("methods", self.methods.is_empty()),
            ("items", self.items.is_empty()),
        ] {
            if empty {
                return fail(format!("payload.{field}"), "must list at least one");
            }
        }
        let upper_bound = self.event_date_basis != DateBasis::NoEarlierThan;
        if let (Some(started), Some(issued), true) = (self.started_on, event_date, upper_bound) {
            if started > issued {
                return fail(
                    "payload.started_on",
                    format!("{started} is after the findings' date {issued}"),
                );
            }
        }
        for (i, item) in self.items.iter().enumerate() {
            let path = format!("payload.items[{i}].rests_on");
            if item.rests_on.is_empty() && item.verdict != Verdict::NotImplemented {
                return fail(
                    path,
                    format!(
                        "a verdict of {} ({}) must rest on at least one entry",
                        item.verdict.name(),
                        item.verdict.label()
                    ),
                );
            }
            for (j, r) in item.rests_on.iter().enumerate() {
                if item.rests_on[..j].contains(r) {
                    return fail(format!("{path}[{j}]"), format!("refs[{r}] is listed twice"));
                }
            }
        }
        if self.overall_verdict == Some(Verdict::FullyImplemented) {
            if let Some(i) = self
                .items
                .iter()
                .position(|it| it.verdict != Verdict::FullyImplemented)
            {
                return fail(
                    "payload.overall_verdict",
                    format!(
                        "fully_implemented overall, but items[{i}] is {}",
                        self.items[i].verdict.name()
                    ),
                );
            }
        }
        Ok(())
    }

    /// Rules: every `rests_on` index points into `refs`, and every ref is rested on.
    fn check_refs(
        &self,
        refs: &[ReferencedEntry<'_>],
        _event_date: Date,
    ) -> Result<(), RecordError> {
        for (i, item) in self.items.iter().enumerate() {
            for (j, r) in item.rests_on.iter().enumerate() {
                if *r as usize >= refs.len() {
                    return fail(
                        format!("payload.items[{i}].rests_on[{j}]"),
                        format!(
                            "refs[{r}] does not exist: the statement has {} refs",
                            refs.len()
                        ),
                    );
                }
            }
        }
        for (k, r) in refs.iter().enumerate() {
            if !self
                .items
                .iter()
                .any(|it| it.rests_on.contains(&(k as u32)))
            {
                return fail(
                    format!("refs[{k}]"),
                    format!(
                        "the {} (seq {}) is not rested on by any item",
                        r.kind, r.seq
                    ),
                );
            }
        }
        Ok(())
    }
}
