//! The pure reconciliation: a case's entries in, a [`Dossier`] out.
//!
//! Each entry is read twice: *as recorded*, which is what the dossier shows
//! and what validity is judged on, and *effective*, with every correction
//! that references it applied in ledger order, which is what balances,
//! deadlines and statuses are computed from. An anomaly found on the
//! recorded values that the corrected ones no longer show is reported with
//! the correction that resolves it.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

use super::anomaly::{Anomaly, AnomalyKind, Span};
use super::model::{AppliedCorrection, CaseEntry, Dossier, DossierEntry, RefLink};
use super::{findings, penalties, recommendations, summary};
use crate::ids::Seq;
use crate::records::{self, Date, DateBasis, Record};

/// One entry while it is being reconciled.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub seq: Seq,
    pub kind: String,
    pub subject: String,
    pub recorded_at_ms: i64,
    pub event_date: String,
    pub payload: Value,
    /// Event date with corrections applied.
    pub effective_date: String,
    /// Payload with corrections applied.
    pub effective: Value,
    /// The effective payload read as its kind, shape only (no cross-field
    /// rules: a corrected figure may leave its text as written behind).
    pub record: Option<Record>,
    pub basis: DateBasis,
    pub refs: Vec<RefLink>,
    pub corrections: Vec<AppliedCorrection>,
    pub problem: Option<String>,
}

impl Item {
    /// When the fact happened, as far as the effective date and basis say.
    pub fn span(&self) -> Span {
        Span::of(&self.effective_date, self.basis)
    }

    /// When the fact happened, as far as the recorded date and basis say.
    pub fn recorded_span(&self) -> Span {
        Span::of(&self.event_date, basis_of(&self.payload))
    }

    /// The last correction applied to it, if any.
    pub fn last_correction(&self) -> Option<Seq> {
        self.corrections.last().map(|c| c.correction)
    }

    /// The entries of this case it references, in order.
    pub fn case_refs(&self) -> impl Iterator<Item = Seq> + '_ {
        self.refs.iter().filter(|r| r.in_case).filter_map(|r| r.seq)
    }
}

/// The case's items, found by sequence number.
pub(crate) struct Items {
    pub list: Vec<Item>,
    index: HashMap<Seq, usize>,
}

impl Items {
    /// The item at `seq`, if it is in the case.
    pub fn get(&self, seq: Seq) -> Option<&Item> {
        self.index.get(&seq).map(|i| &self.list[*i])
    }

    /// The items referencing `seq`, in ledger order.
    pub fn referencing(&self, seq: Seq) -> impl Iterator<Item = &Item> {
        self.list
            .iter()
            .filter(move |it| it.case_refs().any(|r| r == seq))
    }
}

/// Reads a payload as its kind's struct, checking shape only.
pub(crate) fn typed(kind: &str, payload: &Value) -> Option<Record> {
    fn de<T: serde::de::DeserializeOwned>(v: &Value) -> Option<T> {
        serde_json::from_value(v.clone()).ok()
    }
    Some(match kind {
        "case" => Record::Case(de(payload)?),
        "directive" => Record::Directive(de(payload)?),
        "recommendation" => Record::Recommendation(de(payload)?),
        "penalty_decision" => Record::PenaltyDecision(de(payload)?),
        "payment_deferral" => Record::PaymentDeferral(de(payload)?),
        "payment_receipt" => Record::PaymentReceipt(de(payload)?),
        "disciplinary_action" => Record::DisciplinaryAction(de(payload)?),
        "criminal_referral" => Record::CriminalReferral(de(payload)?),
        "prosecution_outcome" => Record::ProsecutionOutcome(de(payload)?),
        "rectification_report" => Record::RectificationReport(de(payload)?),
        "verification_finding" => Record::VerificationFinding(de(payload)?),
        "correction" => Record::Correction(de(payload)?),
        _ => return None,
    })
}

fn basis_of(payload: &Value) -> DateBasis {
    payload
        .get("event_date_basis")
        .and_then(Value::as_str)
        .and_then(DateBasis::from_name)
        .unwrap_or_default()
}

/// The Asia/Shanghai calendar day of a Unix-ms time.
pub(crate) fn shanghai_day(ms: i64) -> Option<Date> {
    Date::within_years(crate::ids::EventDate::of_ms(ms)?)
}

fn build_items(entries: &[CaseEntry]) -> Items {
    let by_hash: HashMap<&str, (Seq, &str)> = entries
        .iter()
        .map(|e| {
            let kind = e.statement.as_ref().map_or("withheld", |s| s.kind.as_str());
            (e.body_hash.as_str(), (e.seq, kind))
        })
        .collect();
    let list: Vec<Item> = entries
        .iter()
        .map(|e| {
            let Some(s) = &e.statement else {
                return withheld(e);
            };
            let refs = s
                .refs
                .iter()
                .enumerate()
                .map(|(i, h)| match by_hash.get(h.as_str()) {
                    Some((seq, kind)) => RefLink {
                        body_hash: h.clone(),
                        seq: Some(*seq),
                        kind: Some((*kind).to_string()),
                        in_case: true,
                    },
                    None => RefLink {
                        body_hash: h.clone(),
                        seq: e.ref_seqs.get(i).copied().flatten(),
                        kind: None,
                        in_case: false,
                    },
                })
                .collect();
            let problem = records::RECORD_KINDS
                .contains(&s.kind.as_str())
                .then(|| Record::parse(&s.kind, &s.payload).err())
                .flatten()
                .map(|err| err.to_string());
            Item {
                seq: e.seq,
                kind: s.kind.clone(),
                subject: s.subject.clone(),
                recorded_at_ms: e.recorded_at_ms,
                event_date: s.event_date.clone(),
                payload: s.payload.clone(),
                effective_date: s.event_date.clone(),
                effective: s.payload.clone(),
                record: typed(&s.kind, &s.payload),
                basis: basis_of(&s.payload),
                refs,
                corrections: Vec::new(),
                problem,
            }
        })
        .collect();
    let index = list.iter().enumerate().map(|(i, it)| (it.seq, i)).collect();
    Items { list, index }
}

fn withheld(e: &CaseEntry) -> Item {
    Item {
        seq: e.seq,
        kind: "withheld".into(),
        subject: String::new(),
        recorded_at_ms: e.recorded_at_ms,
        event_date: String::new(),
        payload: Value::Null,
        effective_date: String::new(),
        effective: Value::Null,
        record: None,
        basis: DateBasis::Stated,
        refs: Vec::new(),
        corrections: Vec::new(),
        problem: Some("the entry's body is withheld".into()),
    }
}

/// Applies every correction to the entry it references, in ledger order.
fn apply_corrections(items: &mut Items) {
    for i in 0..items.list.len() {
        let (seq, date) = (items.list[i].seq, items.list[i].event_date.clone());
        let Some(Record::Correction(c)) = items.list[i].record.clone() else {
            continue;
        };
        let Some(target) = items.list[i].case_refs().next() else {
            continue;
        };
        let Some(&t) = items.index.get(&target) else {
            continue;
        };
        let target = &mut items.list[t];
        match c.apply(&target.effective_date, &target.effective) {
            Ok((new_date, new_payload)) => {
                target.corrections.push(AppliedCorrection {
                    correction: seq,
                    event_date: date,
                    field: c.corrected_field.to_string(),
                    before: c.current_value(&target.effective_date, &target.effective),
                    corrected: c.corrected_value.clone(),
                    reason: c.reason.to_string(),
                });
                target.record = typed(&target.kind, &new_payload);
                target.basis = basis_of(&new_payload);
                target.effective_date = new_date;
                target.effective = new_payload;
            }
            Err(why) => {
                items.list[i].problem = Some(format!("the correction cannot be applied: {why}"));
            }
        }
    }
}

/// The anomalies that concern single entries: invalid payloads, refs
/// outside the case, dates after recording, corrections.
fn entry_anomalies(items: &Items, out: &mut Vec<Anomaly>) {
    for it in &items.list {
        if let (Some(p), true) = (&it.problem, it.kind != "withheld") {
            out.push(Anomaly::new(
                AnomalyKind::InvalidRecord,
                it.seq,
                vec![],
                p.clone(),
            ));
        }
        for (i, r) in it.refs.iter().enumerate().filter(|(_, r)| !r.in_case) {
            let whom = r
                .seq
                .map_or("no entry in this ledger".into(), |s| format!("entry {s}"));
            out.push(Anomaly::new(
                AnomalyKind::RefOutsideCase,
                it.seq,
                r.seq.into_iter().collect(),
                format!("refs[{i}] names {whom}, which is not in this case"),
            ));
        }
        if let Some(rec) = shanghai_day(it.recorded_at_ms) {
            let after = |span: Span| span.lo.is_some_and(|lo| lo > rec);
            if after(it.recorded_span()) {
                let mut a = Anomaly::new(
                    AnomalyKind::EventAfterRecorded,
                    it.seq,
                    vec![],
                    format!(
                        "event date {} is after the day it was recorded, {rec}",
                        it.event_date
                    ),
                );
                if !after(it.span()) {
                    a.resolved_by = it.last_correction();
                }
                out.push(a);
            }
        }
        for c in &it.corrections {
            let before = c.before.as_ref().map_or("nothing".into(), Value::to_string);
            out.push(Anomaly::new(
                AnomalyKind::CorrectedEntry,
                it.seq,
                vec![c.correction],
                format!(
                    "{} was {before}; entry {} corrects it to {} ({})",
                    c.field, c.correction, c.corrected, c.reason
                ),
            ));
        }
    }
}

fn title_of(items: &Items) -> Option<String> {
    items.list.iter().find_map(|it| match &it.record {
        Some(Record::Case(c)) => Some(c.title.as_deref().unwrap_or(&c.name).to_string()),
        Some(Record::Directive(d)) => Some(d.title.to_string()),
        _ => None,
    })
}

/// The Chinese label of any kind the ledger holds.
pub(crate) fn kind_label(kind: &str) -> String {
    let label = records::kind_label(kind).or(match kind {
        "genesis" => Some("创世记录"),
        "key_enrolment" => Some("密钥登记"),
        "key_revocation" => Some("密钥撤销"),
        "withheld" => Some("内容已隐去"),
        _ => None,
    });
    label.unwrap_or(kind).to_string()
}

/// Reconciles the entries of case `case_id` (in ledger order) as of `today`.
///
/// Never fails: what cannot be read is shown as such and flagged.
pub fn reconcile(case_id: &str, entries: &[CaseEntry], today: Date) -> Dossier {
    let mut items = build_items(entries);
    apply_corrections(&mut items);
    let mut anomalies = Vec::new();
    entry_anomalies(&items, &mut anomalies);
    let penalties = penalties::reconcile(&items, today, &mut anomalies);
    let recommendations = recommendations::statuses(&items);
    let findings = findings::views(&items);
    anomalies.sort_by_key(|a| (a.entry, a.kind));
    let mut counts = BTreeMap::new();
    for it in &items.list {
        *counts.entry(it.kind.clone()).or_insert(0) += 1;
    }
    let shown = entries
        .iter()
        .zip(&items.list)
        .map(|(e, it)| DossierEntry {
            seq: it.seq,
            kind: it.kind.clone(),
            kind_label: kind_label(&it.kind),
            subject: it.subject.clone(),
            event_date: it.event_date.clone(),
            event_date_basis: basis_of(&it.payload),
            event_date_basis_label: basis_of(&it.payload).label().to_string(),
            recorded_at: crate::ids::rfc3339_ms(it.recorded_at_ms),
            recorded_at_ms: it.recorded_at_ms,
            body_hash: e.body_hash.clone(),
            refs: it.refs.clone(),
            summary: summary::line(it, &items),
            payload: it.payload.clone(),
            corrections: it.corrections.clone(),
            corrects: matches!(it.record, Some(Record::Correction(_)))
                .then(|| it.case_refs().next())
                .flatten(),
            certified_by: e.certified_by.clone(),
            problem: it.problem.clone(),
        })
        .collect();
    Dossier {
        case_id: case_id.to_string(),
        as_of: today.to_string(),
        title: title_of(&items),
        counts,
        entries: shown,
        penalties,
        recommendations,
        findings,
        anomalies,
    }
}
