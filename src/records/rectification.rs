//! `rectification_report`: what a unit did against a requirement of the report.

use serde::{Deserialize, Serialize};

use super::approx::{AmountApprox, Tally};
use super::date::Date;
use super::enums::DateBasis;
use super::error::{fail, RecordError};
use super::record::Rules;
use super::text::Text;

/// A unit's report of the rectification it carried out (整改措施落实情况).
/// Event date: the day of the report, or the day the state it reports held.
/// References: any number of `case`, `directive`, `recommendation` or
/// `verification_finding` entries it answers.
///
/// ```json
/// {"unit": "乌鲁木齐市米东区市政市容环卫管理站",
///  "requirement": "加强本单位风险辨识管控和隐患排查治理，完善各项安全措施，及时消除生产安全事故隐患。",
///  "period_as_written": "2024年以来",
///  "actions": ["加强风险辨识和隐患排查治理", "加强安全生产教育和培训", "严格执行领导带班制度"],
///  "hazards": [{"found": 65, "fixed": 64, "in_progress": 1,
///               "as_written": "共发现隐患65项，64项已完成整改，1项正在整改中"}],
///  "tallies": [{"what": "安全生产工作培训例会", "value": 12, "unit": "场"},
///              {"what": "参训", "value": 360, "unit": "人次", "qualifier": "over", "as_written": "参训360余人次"}]}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationReport {
    /// The reporting unit.
    pub unit: Text,
    /// The requirement of the investigation report it answers, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Text>,
    /// The period covered, as written: `2024年以来`, `从2019年7月至今`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_as_written: Option<Text>,
    /// What was done, one measure per element, as written; at least one.
    pub actions: Vec<Text>,
    /// Hazard counts: found, fixed, still open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hazards: Vec<HazardTally>,
    /// Other counts: trainings, person-times, inspections, rules revised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tallies: Vec<Tally>,
    /// Sums of money reported: safety funds drawn, rewards paid, fines imposed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amounts: Vec<NamedAmount>,
    /// Whether the event date is the stated report date or only a bound.
    #[serde(default, skip_serializing_if = "DateBasis::is_stated")]
    pub event_date_basis: DateBasis,
}

/// Hazards found and fixed in one campaign: “发现隐患65项，64项已完成整改，1项正在整改中”.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HazardTally {
    /// Which inspection or campaign, as written: `治本攻坚三年行动`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Text>,
    /// Hazards found.
    pub found: u64,
    /// Hazards fixed, when stated (“均已完成整改” means all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<u64>,
    /// Hazards still being fixed, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_progress: Option<u64>,
    /// Of the hazards found, the major ones (重大隐患), when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub major: Option<u64>,
    /// The sentence as written; every figure above must appear in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_written: Option<Text>,
}

/// A sum of money a report gives: `{"what": "安全生产专项费用", "amount": {"amount_fen": 420240000, "qualifier": "exact", "as_written": "420.24万元"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedAmount {
    /// What the money is.
    pub what: Text,
    /// How much, as exact as the document gives it.
    pub amount: AmountApprox,
}

impl HazardTally {
    fn check(&self, path: &str) -> Result<(), RecordError> {
        let exceeds = |field: &str, n: u64| {
            fail(
                format!("{path}.{field}"),
                format!("{n} is more than the {} hazards found", self.found),
            )
        };
        if let Some(n) = self.fixed.filter(|n| *n > self.found) {
            return exceeds("fixed", n);
        }
        if let Some(n) = self.in_progress.filter(|n| *n > self.found) {
            return exceeds("in_progress", n);
        }
        if let (Some(f), Some(p)) = (self.fixed, self.in_progress) {
            if f.saturating_add(p) > self.found {
                return fail(
                    format!("{path}.in_progress"),
                    format!(
                        "{f} fixed and {p} in progress make more than the {} found",
                        self.found
                    ),
                );
            }
        }
        if let Some(n) = self.major.filter(|n| *n > self.found) {
            return exceeds("major", n);
        }
        if let Some(text) = &self.as_written {
            let numbers = numbers_in(text);
            let figures = [
                ("found", Some(self.found)),
                ("fixed", self.fixed),
                ("in_progress", self.in_progress),
                ("major", self.major),
            ];
            for (field, value) in figures {
                if let Some(v) = value.filter(|v| !numbers.contains(v)) {
                    return fail(
                        format!("{path}.as_written"),
                        format!("{text} does not give {field} = {v}"),
                    );
                }
            }
        }
        Ok(())
    }
}

/// The runs of ASCII digits in `text`, as numbers.
fn numbers_in(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect()
}

impl Rules for RectificationReport {
    /// Rules: at least one action; per hazard tally, fixed and in progress
    /// within found, major within found, its figures in its text; tallies and
    /// amounts matching their text.
    fn check(&self, _event_date: Option<Date>) -> Result<(), RecordError> {
        if self.actions.is_empty() {
            return fail(
                "payload.actions",
                "a rectification report states at least one action",
            );
        }
        for (i, h) in self.hazards.iter().enumerate() {
            h.check(&format!("payload.hazards[{i}]"))?;
        }
        for (i, t) in self.tallies.iter().enumerate() {
            t.check(&format!("payload.tallies[{i}]"))?;
        }
        for (i, a) in self.amounts.iter().enumerate() {
            a.amount.check(&format!("payload.amounts[{i}].amount"))?;
        }
        Ok(())
    }
}
