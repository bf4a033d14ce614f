//! Fines: amount due, deferrals, payments, balance, deadline, on time or not.
//!
//! A fine is due 15 days after the decision (《中华人民共和国行政处罚法》
//! 第六十七条) unless the decision states a deadline; a granted deferral
//! moves the deadline to its new date (the latest deferral in ledger order
//! wins). A payment made on the deadline is on time. Dates that are only
//! bounds (`no_later_than`, `no_earlier_than`) decide "on time" or "late"
//! only when every day they allow gives the same answer.

use serde::Serialize;

use super::anomaly::{Anomaly, AnomalyKind, Span};
use super::reconcile::{Item, Items};
use crate::ids::Seq;
use crate::records::{Date, DateBasis, Fen, PaymentDeferral, PaymentReceipt, Record};

/// Days allowed to pay a fine when the decision states no deadline.
pub const DEFAULT_DAYS_TO_PAY: i64 = 15;

/// Where a fine stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyState {
    /// Paid in full by the deadline.
    PaidOnTime,
    /// Paid in full, after the deadline.
    PaidLate,
    /// Paid in full; the dates recorded cannot tell whether on time.
    Paid,
    /// Not paid in full, and not (certainly) past its deadline.
    Outstanding,
    /// Not paid in full, and past its deadline.
    Overdue,
    /// The decision records no amount (document 002: “进行行政处罚”).
    AmountNotStated,
}

impl PenaltyState {
    /// The state in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            PenaltyState::PaidOnTime => "已按期缴清",
            PenaltyState::PaidLate => "已缴清（逾期缴纳）",
            PenaltyState::Paid => "已缴清（是否按期无法判断）",
            PenaltyState::Outstanding => "未缴清",
            PenaltyState::Overdue => "逾期未缴清",
            PenaltyState::AmountNotStated => "未载明罚款金额",
        }
    }
}

/// A deferral as the penalty's reconciliation uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeferralView {
    /// The deferral entry.
    pub seq: Seq,
    /// Applied for on.
    pub applied_on: String,
    /// Approved on (the event date).
    pub approved_on: String,
    /// Whether that date is stated or a bound.
    pub approved_on_basis: DateBasis,
    /// The new deadline.
    pub new_deadline: String,
}

/// A payment as the penalty's reconciliation uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentView {
    /// The payment entry.
    pub seq: Seq,
    /// Who paid.
    pub payer: String,
    /// Paid on (the event date).
    pub paid_on: String,
    /// Whether that date is stated or a bound.
    pub paid_on_basis: DateBasis,
    /// The amount, after any correction, in fen.
    pub amount_fen: Fen,
    /// The same in yuan: `500000.00`.
    pub amount_yuan: String,
    /// The same in capitals: `伍拾万元整`.
    pub amount_capitals: String,
    /// The amount as recorded, before corrections.
    pub amount_fen_as_recorded: Fen,
    /// The corrections applied to this payment.
    pub corrected_by: Vec<Seq>,
    /// Whether it was made by the deadline; `None` when the dates cannot tell.
    pub on_time: Option<bool>,
}

/// One penalty decision, reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PenaltyStatus {
    /// The decision entry.
    pub decision: Seq,
    /// Who decided it.
    pub issuer: Option<String>,
    /// Who is fined (a group as “8名责任人员”).
    pub party: String,
    /// Decided on (the event date).
    pub decided_on: String,
    /// Whether that date is stated or a bound.
    pub decided_on_basis: DateBasis,
    /// The fine, in fen; absent when the decision records none.
    pub amount_due_fen: Option<Fen>,
    /// The fine in yuan.
    pub amount_due_yuan: Option<String>,
    /// The fine in capitals.
    pub amount_due_capitals: Option<String>,
    /// The deadline in force (YYYY-MM-DD); a bound when the decision date is.
    pub deadline: Option<String>,
    /// How the deadline was set, in words.
    pub deadline_rule: String,
    /// Whether the deadline is a known day (not derived from a bound).
    pub deadline_exact: bool,
    /// Deferrals granted, in ledger order.
    pub deferrals: Vec<DeferralView>,
    /// Payments, in ledger order.
    pub payments: Vec<PaymentView>,
    /// Total paid, after corrections.
    pub paid_fen: Fen,
    /// The same in yuan.
    pub paid_yuan: String,
    /// What remains to pay; absent without an amount due.
    pub balance_fen: Option<Fen>,
    /// The same in yuan.
    pub balance_yuan: Option<String>,
    /// What was paid beyond the amount due, if anything.
    pub overpaid_fen: Option<Fen>,
    /// Where it stands.
    pub state: PenaltyState,
    /// The state in Chinese.
    pub state_label: &'static str,
}

fn deadline_of(
    decision: &Item,
    stated: Option<Date>,
    deferrals: &[(&Item, &PaymentDeferral)],
) -> (Span, String) {
    if let Some((d, p)) = deferrals.last() {
        let rule = format!(
            "moved to {} by the deferral approved on {} (entry {})",
            p.new_deadline, d.effective_date, d.seq
        );
        return (Span::day(p.new_deadline), rule);
    }
    if let Some(day) = stated {
        return (Span::day(day), "stated in the decision".into());
    }
    let span = decision.span().plus_days(DEFAULT_DAYS_TO_PAY);
    let bound = match decision.basis {
        DateBasis::Stated => "",
        DateBasis::NoLaterThan => "; the decision date is only an upper bound, so is the deadline",
        DateBasis::NoEarlierThan => "; the decision date is only a lower bound, so is the deadline",
    };
    let rule = format!(
        "{DEFAULT_DAYS_TO_PAY} days after the decision (《中华人民共和国行政处罚法》第六十七条){bound}"
    );
    (span, rule)
}

fn on_time(paid: Span, deadline: Span) -> Option<bool> {
    if paid.surely_no_later_than(deadline) {
        Some(true)
    } else if paid.surely_after(deadline) {
        Some(false)
    } else {
        None
    }
}

fn yuan(f: Fen) -> String {
    f.display_yuan()
}

/// Reconciles every penalty decision of the case, adding payment and
/// deadline anomalies to `out`.
pub(crate) fn reconcile(items: &Items, today: Date, out: &mut Vec<Anomaly>) -> Vec<PenaltyStatus> {
    items
        .list
        .iter()
        .filter_map(|it| match &it.record {
            Some(Record::PenaltyDecision(p)) => Some((it, p)),
            _ => None,
        })
        .map(|(it, p)| {
            let deferrals: Vec<(&Item, &PaymentDeferral)> = items
                .referencing(it.seq)
                .filter_map(|d| match &d.record {
                    Some(Record::PaymentDeferral(p)) => Some((d, p)),
                    _ => None,
                })
                .collect();
            let payments: Vec<(&Item, &PaymentReceipt)> = items
                .referencing(it.seq)
                .filter_map(|d| match &d.record {
                    Some(Record::PaymentReceipt(p)) => Some((d, p)),
                    _ => None,
                })
                .collect();
            let (deadline, deadline_rule) = deadline_of(it, p.payment_deadline, &deferrals);
            reconcile_one(
                it,
                p,
                &deferrals,
                &payments,
                (deadline, deadline_rule),
                today,
                out,
            )
        })
        .collect()
}

fn recorded_amount(pay: &Item) -> Option<Fen> {
    let fen = pay.payload.get("amount_fen")?.as_u64()?;
    Fen::new(fen)
}

fn reconcile_one(
    it: &Item,
    p: &crate::records::PenaltyDecision,
    deferrals: &[(&Item, &PaymentDeferral)],
    payments: &[(&Item, &PaymentReceipt)],
    (deadline, deadline_rule): (Span, String),
    today: Date,
    out: &mut Vec<Anomaly>,
) -> PenaltyStatus {
    let due = p.amount_fen;
    let (mut paid, mut paid_as_recorded) = (Fen::ZERO, Fen::ZERO);
    let mut completed_by: Option<(Seq, Option<bool>)> = None;
    let mut views = Vec::new();
    for (pay, r) in payments {
        let as_recorded = recorded_amount(pay).unwrap_or(r.amount_fen);
        let timely = on_time(pay.span(), deadline);
        if pay.recorded_span().surely_before(it.recorded_span()) {
            let mut a = Anomaly::new(
                AnomalyKind::PaymentBeforeDecision,
                pay.seq,
                vec![it.seq],
                format!(
                    "paid on {} but the decision it pays (entry {}) is dated {}",
                    pay.event_date, it.seq, it.event_date
                ),
            );
            if !pay.span().surely_before(it.span()) {
                a.resolved_by = pay.last_correction().max(it.last_correction());
            }
            out.push(a);
        }
        if let Some(due) = due {
            let left = due.checked_sub(paid_as_recorded).unwrap_or(Fen::ZERO);
            if as_recorded > left {
                let left_after = due.checked_sub(paid).unwrap_or(Fen::ZERO);
                let mut a = Anomaly::new(
                    AnomalyKind::PaymentMismatch,
                    pay.seq,
                    vec![it.seq],
                    format!(
                        "pays {} yuan ({}) but only {} yuan of the {} yuan fine ({}) decided in entry {} was outstanding",
                        yuan(as_recorded),
                        as_recorded.to_capitals(),
                        yuan(left),
                        yuan(due),
                        due.to_capitals(),
                        it.seq
                    ),
                );
                if r.amount_fen <= left_after {
                    a.resolved_by = pay.last_correction();
                }
                out.push(a);
            }
            paid = paid.checked_add(r.amount_fen).unwrap_or(Fen::MAX);
            paid_as_recorded = paid_as_recorded
                .checked_add(as_recorded)
                .unwrap_or(Fen::MAX);
            if completed_by.is_none() && paid >= due {
                completed_by = Some((pay.seq, timely));
            }
        } else {
            paid = paid.checked_add(r.amount_fen).unwrap_or(Fen::MAX);
        }
        views.push(PaymentView {
            seq: pay.seq,
            payer: r.payer.to_string(),
            paid_on: pay.effective_date.clone(),
            paid_on_basis: pay.basis,
            amount_fen: r.amount_fen,
            amount_yuan: yuan(r.amount_fen),
            amount_capitals: r.amount_fen.to_capitals(),
            amount_fen_as_recorded: as_recorded,
            corrected_by: pay.corrections.iter().map(|c| c.correction).collect(),
            on_time: timely,
        });
    }
    let balance = due.map(|d| d.checked_sub(paid).unwrap_or(Fen::ZERO));
    let overpaid = due
        .and_then(|d| paid.checked_sub(d))
        .filter(|o| *o > Fen::ZERO);
    let state = match (balance, completed_by) {
        (None, _) => PenaltyState::AmountNotStated,
        (Some(_), Some((_, Some(true)))) => PenaltyState::PaidOnTime,
        (Some(_), Some((_, Some(false)))) => PenaltyState::PaidLate,
        (Some(_), Some((_, None))) => PenaltyState::Paid,
        (Some(_), None) if deadline.hi.is_some_and(|d| today > d) => PenaltyState::Overdue,
        (Some(_), None) => PenaltyState::Outstanding,
    };
    let party = p.party.display_name();
    match (state, completed_by) {
        (PenaltyState::PaidLate, Some((last, _))) => out.push(Anomaly::new(
            AnomalyKind::FinePaidLate,
            it.seq,
            vec![last],
            format!(
                "the fine on {party} was due by {}; it was paid in full on {} (entry {last})",
                deadline.hi.map_or("?".into(), |d| d.to_string()),
                items_date(payments, last)
            ),
        )),
        (PenaltyState::Overdue, _) => out.push(Anomaly::new(
            AnomalyKind::FineOverdue,
            it.seq,
            payments.iter().map(|(p, _)| p.seq).collect(),
            format!(
                "the fine on {party} was due by {}; as of {today} {} yuan of {} yuan is unpaid",
                deadline.hi.map_or("?".into(), |d| d.to_string()),
                yuan(balance.unwrap_or(Fen::ZERO)),
                yuan(due.unwrap_or(Fen::ZERO))
            ),
        )),
        _ => {}
    }
    PenaltyStatus {
        decision: it.seq,
        issuer: p.issuer.as_ref().map(|t| t.to_string()),
        party,
        decided_on: it.effective_date.clone(),
        decided_on_basis: it.basis,
        amount_due_fen: due,
        amount_due_yuan: due.map(yuan),
        amount_due_capitals: due.map(Fen::to_capitals),
        deadline: deadline.hi.or(deadline.lo).map(|d| d.to_string()),
        deadline_rule,
        deadline_exact: deadline.is_exact(),
        deferrals: deferrals
            .iter()
            .map(|(d, p)| DeferralView {
                seq: d.seq,
                applied_on: p.applied_on.to_string(),
                approved_on: d.effective_date.clone(),
                approved_on_basis: d.basis,
                new_deadline: p.new_deadline.to_string(),
            })
            .collect(),
        payments: views,
        paid_fen: paid,
        paid_yuan: yuan(paid),
        balance_fen: balance,
        balance_yuan: balance.map(yuan),
        overpaid_fen: overpaid,
        state,
        state_label: state.label(),
    }
}

fn items_date(payments: &[(&Item, &PaymentReceipt)], seq: Seq) -> String {
    payments
        .iter()
        .find(|(p, _)| p.seq == seq)
        .map_or(String::new(), |(p, _)| p.effective_date.clone())
}
