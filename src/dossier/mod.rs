//! Case dossiers: everything recorded for a case, in order, reconciled.
//!
//! A dossier answers the questions an auditor asks of a case (DOMAIN.md):
//! has every recommendation been carried out, and by which entry; for each
//! fine, what was decided, deferred and paid, what is left and whether it was
//! paid by its deadline; what each assessment found and on what it rests;
//! who certified every fact and whether their key was valid when they did;
//! and what does not add up ([`Anomaly`]).
//!
//! The reconciliation itself is a pure function over a list of entries,
//! [`reconcile`], so it can be tested without a ledger; [`dossier`] and
//! [`cases`] read a ledger and call it. Nothing here fails on what is
//! stored: a payload that cannot be read as its kind is shown and flagged.
//!
//! ```
//! use serde_json::json;
//! use tiezheng::dossier::{reconcile, AnomalyKind, CaseEntry};
//! use tiezheng::records::Date;
//! use tiezheng::statement::StatementJson;
//!
//! let entry = |seq: u64, kind: &str, date: &str, refs: Vec<&str>, payload| CaseEntry {
//!     seq, body_hash: format!("h{seq}"), recorded_at_ms: 1_790_000_000_000,
//!     statement: Some(StatementJson { kind: kind.into(), case: "c".into(), subject: "何某".into(),
//!         event_date: date.into(), refs: refs.into_iter().map(String::from).collect(),
//!         signed_at_ms: 0, payload }),
//!     ref_seqs: vec![], certified_by: vec![],
//! };
//! let fine = json!({"party": {"party_type": "person", "name": "何某"}, "amount_fen": 3_088_000});
//! let paid = json!({"payer": "何某", "amount_fen": 3_088_000});
//! let d = reconcile("c", &[
//!     entry(1, "penalty_decision", "2025-06-05", vec![], fine),
//!     entry(2, "payment_receipt", "2025-06-27", vec!["h1"], paid),
//! ], Date::parse("2026-01-01").unwrap());
//! assert_eq!(d.penalties[0].deadline.as_deref(), Some("2025-06-20"));
//! assert_eq!(d.anomalies[0].kind, AnomalyKind::FinePaidLate);
//! ```

mod anomaly;
mod findings;
mod model;
mod penalties;
mod recommendations;
mod reconcile;
mod summary;

pub use anomaly::{Anomaly, AnomalyKind, Span};
pub use findings::{FindingItemView, FindingView, RestsOn};
pub use model::{
    AppliedCorrection, CaseEntry, CaseSummary, Certifier, Dossier, DossierEntry, RefLink,
};
pub use penalties::{DeferralView, PaymentView, PenaltyState, PenaltyStatus, DEFAULT_DAYS_TO_PAY};
pub use recommendations::{Carrier, RecommendationState, RecommendationStatus, CARRYING_KINDS};
pub use reconcile::reconcile;

use crate::error::ReadError;
use crate::hash::Digest;
use crate::ledger::{EntryView, Ledger, Query};
use crate::records::Date;
use crate::registry::Registry;

/// Today in Asia/Shanghai: the day overdue fines are judged against;
/// `None` if the system clock is outside the years dates may carry.
pub fn today() -> Option<Date> {
    reconcile::shanghai_day(crate::builders::now_ms())
}

fn today_or_err() -> Result<Date, ReadError> {
    today().ok_or_else(|| {
        ReadError::BadRequest("the system clock is outside the years 1949–2100".into())
    })
}

/// The dossier of case `case_id`, reconciled as of today.
///
/// # Errors
/// `NotFound` when the ledger holds no entry of that case; `Storage` when
/// the store cannot be read; `BadRequest` when the system clock is unusable.
pub fn dossier(ledger: &Ledger, case_id: &str) -> Result<Dossier, ReadError> {
    dossier_as_of(ledger, case_id, today_or_err()?)
}

/// The dossier of case `case_id`, reconciled as of `today`.
///
/// # Errors
/// As [`dossier`].
pub fn dossier_as_of(ledger: &Ledger, case_id: &str, today: Date) -> Result<Dossier, ReadError> {
    let entries = case_entries(ledger, case_id)?;
    if entries.is_empty() {
        return Err(ReadError::NotFound(format!(
            "no case {case_id:?}: the ledger holds no entry filed under it"
        )));
    }
    Ok(reconcile(case_id, &entries, today))
}

/// Every case in the ledger (except the registry's own entries), in brief.
///
/// # Errors
/// `Storage` when the store cannot be read; `BadRequest` when the system
/// clock is unusable.
pub fn cases(ledger: &Ledger) -> Result<Vec<CaseSummary>, ReadError> {
    let day = today_or_err()?;
    let mut out = Vec::new();
    for (case_id, _) in ledger.cases()? {
        if case_id == crate::builders::REGISTRY_CASE {
            continue;
        }
        let entries = case_entries(ledger, &case_id)?;
        if !entries.is_empty() {
            out.push(reconcile(&case_id, &entries, day).summary());
        }
    }
    Ok(out)
}

/// The committed entries of a case, in ledger order, with their certifiers.
///
/// # Errors
/// `Storage` when the store cannot be read.
pub fn case_entries(ledger: &Ledger, case_id: &str) -> Result<Vec<CaseEntry>, ReadError> {
    let mut views = Vec::new();
    let mut q = Query {
        case: Some(case_id.to_string()),
        limit: 1000,
        ..Query::default()
    };
    loop {
        let page = ledger.query(&q)?;
        views.extend(page.entries);
        match page.next_cursor {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    // Taken after the entries: it knows every key that signed them.
    let registry = ledger.registry();
    views
        .into_iter()
        .map(|v| to_case_entry(ledger, &registry, v))
        .collect()
}

fn to_case_entry(
    ledger: &Ledger,
    registry: &Registry,
    v: EntryView,
) -> Result<CaseEntry, ReadError> {
    let kind = v.statement.as_ref().map_or("", |s| s.kind.as_str());
    let certified_by = v
        .signatures
        .iter()
        .map(|s| {
            let rec = registry.key(&s.public_key);
            Certifier {
                public_key: s.public_key,
                person: rec.map(|r| r.identity.person.clone()),
                unit: rec.map(|r| r.identity.unit.clone()),
                role: rec.map(|r| r.identity.role.clone()),
                root: rec.is_some_and(|r| r.root),
                status_when_signed: registry.status(&s.public_key, kind, v.seq, v.recorded_at_ms),
            }
        })
        .collect();
    let mut ref_seqs = Vec::new();
    for r in v.statement.iter().flat_map(|s| &s.refs) {
        let seq = match r.parse::<Digest>() {
            Ok(d) => ledger.seq_of_body(&d)?,
            Err(_) => None,
        };
        ref_seqs.push(seq);
    }
    Ok(CaseEntry {
        seq: v.seq,
        body_hash: v.body_hash.to_hex(),
        recorded_at_ms: v.recorded_at_ms,
        statement: v.statement,
        ref_seqs,
        certified_by,
    })
}
