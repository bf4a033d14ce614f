//! Verification findings: each item's verdict and the entries it rests on.

use serde::Serialize;

use super::reconcile::{kind_label, Item, Items};
use super::summary;
use crate::ids::Seq;
use crate::records::{FindingArea, Record, Verdict};

/// An entry a finding item rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestsOn {
    /// The entry, when the reference resolves.
    pub seq: Option<Seq>,
    /// Its kind, when it is in this case.
    pub kind: Option<String>,
    /// Its kind in Chinese.
    pub kind_label: Option<String>,
    /// One line in Chinese, when it is in this case.
    pub summary: Option<String>,
}

/// One item an assessment checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingItemView {
    /// What was checked.
    pub subject: String,
    /// Accountability or rectification.
    pub area: FindingArea,
    /// The area in Chinese.
    pub area_label: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// The verdict in Chinese: 落实到位, 基本落实, 未落实.
    pub verdict_label: &'static str,
    /// A remark as written.
    pub note: Option<String>,
    /// The entries the verdict rests on.
    pub rests_on: Vec<RestsOn>,
}

/// One verification finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingView {
    /// The finding entry.
    pub seq: Seq,
    /// The assessment group.
    pub group: String,
    /// Who led it.
    pub led_by: String,
    /// Its member units.
    pub member_units: Vec<String>,
    /// The date of the findings.
    pub event_date: String,
    /// The overall verdict, when stated.
    pub overall_verdict: Option<Verdict>,
    /// The overall verdict in Chinese.
    pub overall_verdict_label: Option<&'static str>,
    /// The conclusion as written.
    pub conclusion: String,
    /// Each item and its verdict.
    pub items: Vec<FindingItemView>,
    /// The problem list.
    pub problems: Vec<String>,
    /// The recommendation list.
    pub recommendations: Vec<String>,
    /// The good-practice list.
    pub good_practices: Vec<String>,
}

fn rests_on(it: &Item, index: u32, items: &Items) -> RestsOn {
    let link = it.refs.get(index as usize);
    let target = link
        .filter(|l| l.in_case)
        .and_then(|l| l.seq)
        .and_then(|s| items.get(s));
    RestsOn {
        seq: link.and_then(|l| l.seq),
        kind: target.map(|t| t.kind.clone()),
        kind_label: target.map(|t| kind_label(&t.kind)),
        summary: target.map(|t| summary::line(t, items)),
    }
}

fn strings(v: &[crate::records::Text]) -> Vec<String> {
    v.iter().map(|t| t.to_string()).collect()
}

/// Every verification finding in the case.
pub(crate) fn views(items: &Items) -> Vec<FindingView> {
    items
        .list
        .iter()
        .filter_map(|it| match &it.record {
            Some(Record::VerificationFinding(f)) => Some((it, f)),
            _ => None,
        })
        .map(|(it, f)| FindingView {
            seq: it.seq,
            group: f.group.to_string(),
            led_by: f.led_by.to_string(),
            member_units: strings(&f.member_units),
            event_date: it.effective_date.clone(),
            overall_verdict: f.overall_verdict,
            overall_verdict_label: f.overall_verdict.map(Verdict::label),
            conclusion: f.conclusion.to_string(),
            items: f
                .items
                .iter()
                .map(|i| FindingItemView {
                    subject: i.subject.to_string(),
                    area: i.area,
                    area_label: i.area.label(),
                    verdict: i.verdict,
                    verdict_label: i.verdict.label(),
                    note: i.note.as_ref().map(|n| n.to_string()),
                    rests_on: i.rests_on.iter().map(|r| rests_on(it, *r, items)).collect(),
                })
                .collect(),
            problems: strings(&f.problems),
            recommendations: strings(&f.recommendations),
            good_practices: strings(&f.good_practices),
        })
        .collect()
}
