//! Recommendations: what carried each one out, or "open".
//!
//! An entry carries out a recommendation when it references it and is an act
//! of accountability or rectification: a penalty decision, a disciplinary
//! action, a criminal referral or a rectification report. A finding that
//! rests on a recommendation checks it; it does not carry it out.

use serde::Serialize;

use super::reconcile::{kind_label, Items};
use super::summary;
use crate::ids::Seq;
use crate::records::{HandlingKind, Record};

/// The kinds whose entries carry out a recommendation they reference.
pub const CARRYING_KINDS: &[&str] = &[
    "penalty_decision",
    "disciplinary_action",
    "criminal_referral",
    "rectification_report",
];

/// Whether a recommendation has been acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecommendationState {
    /// At least one entry carried it out.
    CarriedOut,
    /// The report recommended not pursuing the party, and nothing did.
    NotPursued,
    /// Nothing has carried it out yet.
    Open,
}

impl RecommendationState {
    /// The state in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            RecommendationState::CarriedOut => "已落实",
            RecommendationState::NotPursued => "不予追究",
            RecommendationState::Open => "未落实",
        }
    }
}

/// An entry that acted on a recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Carrier {
    /// The entry.
    pub seq: Seq,
    /// Its kind.
    pub kind: String,
    /// Its kind in Chinese.
    pub kind_label: String,
    /// Its event date.
    pub event_date: String,
    /// One line in Chinese.
    pub summary: String,
}

/// One recommendation and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecommendationStatus {
    /// The recommendation entry.
    pub seq: Seq,
    /// Who is to be handled.
    pub party: String,
    /// The party's position at the time.
    pub position: Option<String>,
    /// The handling recommended (`accountability`, …).
    pub handling: HandlingKind,
    /// The handling in Chinese.
    pub handling_label: &'static str,
    /// The recommendation as written.
    pub handling_as_written: String,
    /// Who is to carry it out.
    pub authority: Option<String>,
    /// Where it stands.
    pub status: RecommendationState,
    /// The state in Chinese.
    pub status_label: &'static str,
    /// The entries that carried it out, in ledger order.
    pub carried_out_by: Vec<Carrier>,
}

/// The status of every recommendation in the case.
pub(crate) fn statuses(items: &Items) -> Vec<RecommendationStatus> {
    items
        .list
        .iter()
        .filter_map(|it| match &it.record {
            Some(Record::Recommendation(r)) => Some((it, r)),
            _ => None,
        })
        .map(|(it, r)| {
            let carried_out_by: Vec<Carrier> = items
                .referencing(it.seq)
                .filter(|c| CARRYING_KINDS.contains(&c.kind.as_str()))
                .map(|c| Carrier {
                    seq: c.seq,
                    kind: c.kind.clone(),
                    kind_label: kind_label(&c.kind),
                    event_date: c.effective_date.clone(),
                    summary: summary::line(c, items),
                })
                .collect();
            let status = match (carried_out_by.is_empty(), r.handling) {
                (false, _) => RecommendationState::CarriedOut,
                (true, HandlingKind::NotPursued) => RecommendationState::NotPursued,
                (true, _) => RecommendationState::Open,
            };
            RecommendationStatus {
                seq: it.seq,
                party: r.party.display_name(),
                position: r.party.position.as_ref().map(|p| p.to_string()),
                handling: r.handling,
                handling_label: r.handling.label(),
                handling_as_written: r.handling_as_written.to_string(),
                authority: r.authority.as_ref().map(|a| a.to_string()),
                status,
                status_label: status.label(),
                carried_out_by,
            }
        })
        .collect()
}
