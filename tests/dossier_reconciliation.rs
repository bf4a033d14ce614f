//! The reconciliation of a case, one rule per test, on small hand-built
//! entry lists (no ledger): deadlines, deferrals, payments, balances,
//! recommendations, findings, corrections and every anomaly type.

use serde_json::{json, Value};
use tiezheng::dossier::{
    reconcile, AnomalyKind, CaseEntry, Dossier, PenaltyState, RecommendationState,
};
use tiezheng::records::Date;
use tiezheng::statement::StatementJson;

/// 2026-01-01 12:00 in Asia/Shanghai: when these entries were "recorded".
const RECORDED_MS: i64 = 1_767_240_000_000;

fn entry(seq: u64, kind: &str, date: &str, refs: &[u64], payload: Value) -> CaseEntry {
    CaseEntry {
        seq,
        body_hash: format!("h{seq}"),
        recorded_at_ms: RECORDED_MS + seq as i64,
        statement: Some(StatementJson {
            kind: kind.into(),
            case: "case".into(),
            subject: "subject".into(),
            event_date: date.into(),
            refs: refs.iter().map(|r| format!("h{r}")).collect(),
            signed_at_ms: 0,
            payload,
        }),
        ref_seqs: vec![],
        certified_by: vec![],
    }
}

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn dossier(entries: &[CaseEntry], today: &str) -> Dossier {
    reconcile("case", entries, day(today))
}

fn fine(fen: u64) -> Value {
    json!({"issuer": "博乐市应急管理局", "party": {"party_type": "person", "name": "何某"}, "amount_fen": fen})
}

fn paid(fen: u64) -> Value {
    json!({"payer": "何某", "amount_fen": fen, "bank": "指定银行"})
}

fn kinds(d: &Dossier) -> Vec<AnomalyKind> {
    d.anomalies.iter().map(|a| a.kind).collect()
}

// ---------- deadlines and payments ----------

#[test]
fn a_fine_is_due_15_days_after_the_decision() {
    let d = dossier(
        &[entry(
            1,
            "penalty_decision",
            "2025-06-05",
            &[],
            fine(3_088_000),
        )],
        "2025-06-10",
    );
    let p = &d.penalties[0];
    assert_eq!(p.deadline.as_deref(), Some("2025-06-20"));
    assert!(p.deadline_exact);
    assert_eq!(p.state, PenaltyState::Outstanding);
    assert_eq!(p.balance_fen.map(|f| f.as_u64()), Some(3_088_000));
    assert_eq!(p.amount_due_yuan.as_deref(), Some("30880.00"));
    assert_eq!(p.amount_due_capitals.as_deref(), Some("叁万零捌佰捌拾元整"));
    assert!(d.anomalies.is_empty());
}

#[test]
fn a_payment_on_the_deadline_is_on_time() {
    let d = dossier(
        &[
            entry(1, "penalty_decision", "2025-06-05", &[], fine(3_088_000)),
            entry(2, "payment_receipt", "2025-06-20", &[1], paid(3_088_000)),
        ],
        "2026-01-01",
    );
    let p = &d.penalties[0];
    assert_eq!(p.state, PenaltyState::PaidOnTime);
    assert_eq!(p.payments[0].on_time, Some(true));
    assert_eq!(p.balance_fen.map(|f| f.as_u64()), Some(0));
    assert!(d.anomalies.is_empty());
}

#[test]
fn a_fine_paid_after_its_deadline_is_paid_late() {
    let d = dossier(
        &[
            entry(1, "penalty_decision", "2025-06-05", &[], fine(3_088_000)),
            entry(2, "payment_receipt", "2025-06-27", &[1], paid(3_088_000)),
        ],
        "2026-01-01",
    );
    assert_eq!(d.penalties[0].state, PenaltyState::PaidLate);
    assert_eq!(kinds(&d), [AnomalyKind::FinePaidLate]);
    assert_eq!(
        (d.anomalies[0].entry, &d.anomalies[0].related[..]),
        (1, &[2][..])
    );
}

#[test]
fn an_unpaid_fine_past_its_deadline_is_overdue() {
    let d = dossier(
        &[entry(
            1,
            "penalty_decision",
            "2025-06-05",
            &[],
            fine(3_088_000),
        )],
        "2025-06-21",
    );
    assert_eq!(d.penalties[0].state, PenaltyState::Overdue);
    assert_eq!(kinds(&d), [AnomalyKind::FineOverdue]);
    assert!(d.anomalies[0]
        .message
        .contains("30880.00 yuan of 30880.00 yuan is unpaid"));
}

#[test]
fn a_deadline_stated_in_the_decision_replaces_the_15_days() {
    let mut p = fine(10_000);
    p["payment_deadline"] = json!("2025-07-31");
    let d = dossier(
        &[entry(1, "penalty_decision", "2025-06-05", &[], p)],
        "2025-07-01",
    );
    assert_eq!(d.penalties[0].deadline.as_deref(), Some("2025-07-31"));
    assert_eq!(d.penalties[0].deadline_rule, "stated in the decision");
    assert_eq!(d.penalties[0].state, PenaltyState::Outstanding);
}

#[test]
fn a_granted_deferral_moves_the_deadline() {
    let deferral = json!({"applied_on": "2025-06-18", "new_deadline": "2025-10-30"});
    let d = dossier(
        &[
            entry(1, "penalty_decision", "2025-06-05", &[], fine(50_000_000)),
            entry(2, "payment_deferral", "2025-06-20", &[1], deferral),
            entry(3, "payment_receipt", "2025-10-30", &[1], paid(50_000_000)),
        ],
        "2026-01-01",
    );
    let p = &d.penalties[0];
    assert_eq!(p.deadline.as_deref(), Some("2025-10-30"));
    assert_eq!(p.deferrals.len(), 1);
    assert_eq!(p.deferrals[0].applied_on, "2025-06-18");
    assert_eq!(p.state, PenaltyState::PaidOnTime);
    assert!(d.anomalies.is_empty());
}

#[test]
fn the_latest_deferral_sets_the_deadline() {
    let d = dossier(
        &[
            entry(1, "penalty_decision", "2025-06-05", &[], fine(100)),
            entry(
                2,
                "payment_deferral",
                "2025-06-20",
                &[1],
                json!({"applied_on": "2025-06-18", "new_deadline": "2025-08-01"}),
            ),
            entry(
                3,
                "payment_deferral",
                "2025-07-30",
                &[1],
                json!({"applied_on": "2025-07-25", "new_deadline": "2025-09-01"}),
            ),
        ],
        "2025-08-15",
    );
    assert_eq!(d.penalties[0].deadline.as_deref(), Some("2025-09-01"));
    assert_eq!(d.penalties[0].state, PenaltyState::Outstanding);
}

#[test]
fn instalments_add_up_and_leave_a_balance_until_paid() {
    let entries = [
        entry(1, "penalty_decision", "2025-06-05", &[], fine(100_000)),
        entry(2, "payment_receipt", "2025-06-10", &[1], paid(40_000)),
    ];
    let d = dossier(&entries, "2025-06-15");
    assert_eq!(d.penalties[0].balance_fen.map(|f| f.as_u64()), Some(60_000));
    assert_eq!(d.penalties[0].state, PenaltyState::Outstanding);
    let mut all = entries.to_vec();
    all.push(entry(
        3,
        "payment_receipt",
        "2025-06-12",
        &[1],
        paid(60_000),
    ));
    let d = dossier(&all, "2025-06-15");
    assert_eq!(d.penalties[0].paid_yuan, "1000.00");
    assert_eq!(d.penalties[0].state, PenaltyState::PaidOnTime);
    assert!(d.anomalies.is_empty());
}

#[test]
fn dates_that_are_only_bounds_do_not_decide_on_time() {
    let mut p = fine(60_000_000);
    p["event_date_basis"] = json!("no_later_than");
    let mut r = paid(60_000_000);
    r["event_date_basis"] = json!("no_later_than");
    let d = dossier(
        &[
            entry(1, "penalty_decision", "2020-11-30", &[], p),
            entry(2, "payment_receipt", "2020-11-30", &[1], r),
        ],
        "2026-01-01",
    );
    assert_eq!(d.penalties[0].state, PenaltyState::Paid);
    assert_eq!(d.penalties[0].payments[0].on_time, None);
    assert!(!d.penalties[0].deadline_exact);
    assert!(d.anomalies.is_empty());
}

#[test]
fn a_decision_without_an_amount_is_not_reconciled_as_money() {
    let group = json!({"issuer": "乌拉特后旗应急管理局",
        "party": {"party_type": "group", "count": 8, "description": "责任人员"}});
    let d = dossier(
        &[entry(1, "penalty_decision", "2025-02-24", &[], group)],
        "2026-01-01",
    );
    assert_eq!(d.penalties[0].state, PenaltyState::AmountNotStated);
    assert_eq!(d.penalties[0].party, "8名责任人员");
    assert!(d.anomalies.is_empty());
}

// ---------- anomalies ----------

#[test]
fn a_payment_larger_than_its_decision_is_a_mismatch() {
    let d = dossier(
        &[
            entry(1, "penalty_decision", "2025-06-05", &[], fine(50_000_000)),
            entry(
                2,
                "payment_receipt",
                "2025-06-10",
                &[1],
                paid(500_000_000_000),
            ),
        ],
        "2026-01-01",
    );
    assert_eq!(kinds(&d), [AnomalyKind::PaymentMismatch]);
    let a = &d.anomalies[0];
    assert_eq!(
        (a.entry, &a.related[..], a.resolved_by),
        (2, &[1][..], None)
    );
    assert!(
        a.message.contains("5000000000.00 yuan (伍拾亿元整)"),
        "{}",
        a.message
    );
    assert_eq!(
        d.penalties[0].overpaid_fen.map(|f| f.as_u64()),
        Some(499_950_000_000)
    );
}

#[test]
fn a_correction_resolves_the_mismatch_and_readers_see_both_values() {
    let correction = json!({"corrected_field": "payload.amount_fen", "corrected_value": 50_000_000,
        "reason": "原文“500000 万元”系笔误"});
    let d = dossier(
        &[
            entry(1, "penalty_decision", "2025-06-05", &[], fine(50_000_000)),
            entry(
                2,
                "payment_receipt",
                "2025-06-10",
                &[1],
                paid(500_000_000_000),
            ),
            entry(3, "correction", "2026-01-01", &[2], correction),
        ],
        "2026-01-01",
    );
    assert_eq!(
        kinds(&d),
        [AnomalyKind::PaymentMismatch, AnomalyKind::CorrectedEntry]
    );
    assert_eq!(d.anomalies[0].resolved_by, Some(3));
    assert_eq!(d.anomalies[1].related, [3]);
    let pay = &d.penalties[0].payments[0];
    assert_eq!(
        (pay.amount_fen.as_u64(), pay.amount_fen_as_recorded.as_u64()),
        (50_000_000, 500_000_000_000)
    );
    assert_eq!(pay.corrected_by, [3]);
    assert_eq!(d.penalties[0].state, PenaltyState::PaidOnTime);
    let shown = d.entry(2).unwrap();
    assert_eq!(shown.payload["amount_fen"], json!(500_000_000_000u64));
    assert_eq!(shown.corrections[0].before, Some(json!(500_000_000_000u64)));
    assert_eq!(shown.corrections[0].corrected, json!(50_000_000));
    assert_eq!(d.entry(3).unwrap().corrects, Some(2));
}

#[test]
fn a_payment_dated_before_its_decision_is_flagged() {
    let d = dossier(
        &[
            entry(1, "penalty_decision", "2025-06-05", &[], fine(100)),
            entry(2, "payment_receipt", "2025-06-01", &[1], paid(100)),
        ],
        "2026-01-01",
    );
    assert_eq!(kinds(&d), [AnomalyKind::PaymentBeforeDecision]);
    assert_eq!(
        (d.anomalies[0].entry, &d.anomalies[0].related[..]),
        (2, &[1][..])
    );
}

#[test]
fn a_corrected_payment_date_resolves_payment_before_decision() {
    let fix = json!({"corrected_field": "event_date", "corrected_value": "2025-06-11", "reason": "日期笔误"});
    let d = dossier(
        &[
            entry(1, "penalty_decision", "2025-06-05", &[], fine(100)),
            entry(2, "payment_receipt", "2025-06-01", &[1], paid(100)),
            entry(3, "correction", "2025-07-01", &[2], fix),
        ],
        "2026-01-01",
    );
    let before = d
        .anomalies
        .iter()
        .find(|a| a.kind == AnomalyKind::PaymentBeforeDecision)
        .unwrap();
    assert_eq!(before.resolved_by, Some(3));
    assert_eq!(d.penalties[0].payments[0].paid_on, "2025-06-11");
    assert_eq!(d.entry(2).unwrap().event_date, "2025-06-01");
}

#[test]
fn a_payment_bounded_before_its_decision_is_flagged_only_when_certain() {
    let mut r = paid(100);
    r["event_date_basis"] = json!("no_later_than");
    let certain = dossier(
        &[
            entry(1, "penalty_decision", "2025-06-05", &[], fine(100)),
            entry(2, "payment_receipt", "2025-06-04", &[1], r.clone()),
        ],
        "2026-01-01",
    );
    assert!(kinds(&certain).contains(&AnomalyKind::PaymentBeforeDecision));
    let unsure = dossier(
        &[
            entry(1, "penalty_decision", "2025-06-05", &[], fine(100)),
            entry(2, "payment_receipt", "2025-06-30", &[1], r),
        ],
        "2026-01-01",
    );
    assert!(!kinds(&unsure).contains(&AnomalyKind::PaymentBeforeDecision));
}

#[test]
fn an_event_date_after_its_recording_is_flagged() {
    let d = dossier(
        &[entry(1, "penalty_decision", "2026-03-01", &[], fine(100))],
        "2026-03-02",
    );
    assert!(kinds(&d).contains(&AnomalyKind::EventAfterRecorded));
    assert!(
        d.anomalies[0].message.contains("2026-01-01"),
        "{}",
        d.anomalies[0].message
    );
}

#[test]
fn an_event_on_the_day_it_was_recorded_is_not_flagged() {
    let d = dossier(
        &[entry(1, "penalty_decision", "2026-01-01", &[], fine(100))],
        "2026-01-02",
    );
    assert!(!kinds(&d).contains(&AnomalyKind::EventAfterRecorded));
}

#[test]
fn a_reference_outside_the_case_is_flagged() {
    let mut e = entry(2, "payment_receipt", "2025-06-10", &[9], paid(100));
    e.ref_seqs = vec![Some(9)];
    let d = dossier(&[e], "2026-01-01");
    assert_eq!(kinds(&d), [AnomalyKind::RefOutsideCase]);
    assert_eq!(d.anomalies[0].related, [9]);
    assert!(!d.entries[0].refs[0].in_case);
}

#[test]
fn a_payload_that_breaks_its_kind_is_flagged_not_fatal() {
    let d = dossier(
        &[
            entry(
                1,
                "penalty_decision",
                "2025-06-05",
                &[],
                json!({"amount_fen": -5}),
            ),
            entry(
                2,
                "payment_receipt",
                "2025-06-10",
                &[1],
                json!("not an object"),
            ),
            entry(3, "case", "2025-06-10", &[], Value::Null),
        ],
        "2026-01-01",
    );
    assert_eq!(kinds(&d), [AnomalyKind::InvalidRecord; 3]);
    assert!(d.penalties.is_empty());
    assert!(d.entries[0]
        .problem
        .as_deref()
        .unwrap_or("")
        .contains("payload"));
}

#[test]
fn a_withheld_body_is_shown_as_withheld() {
    let mut e = entry(1, "penalty_decision", "2025-06-05", &[], fine(100));
    e.statement = None;
    let d = dossier(&[e], "2026-01-01");
    assert_eq!(d.entries[0].kind, "withheld");
    assert!(d.anomalies.is_empty());
}

// ---------- recommendations and findings ----------

fn recommendation(handling: &str) -> Value {
    let mut r = json!({"party": {"party_type": "person", "name": "孙**"}, "handling": handling,
        "handling_as_written": "由…对其进行约谈", "authority": "米东区城市管理局"});
    if handling == "not_pursued" {
        r = json!({"party": {"party_type": "person", "name": "哈某"}, "handling": "not_pursued",
            "handling_as_written": "不予追究其责任", "not_pursued_reason": "已在此次事故中死亡"});
    }
    r
}

fn talk() -> Value {
    json!({"subject": {"party_type": "person", "name": "孙**"}, "measures": ["interview"]})
}

#[test]
fn a_recommendation_nothing_carried_out_is_open() {
    let d = dossier(
        &[entry(
            1,
            "recommendation",
            "2024-05-01",
            &[],
            recommendation("accountability"),
        )],
        "2026-01-01",
    );
    assert_eq!(d.recommendations[0].status, RecommendationState::Open);
    assert_eq!(d.recommendations[0].status_label, "未落实");
    assert_eq!(d.summary().open_recommendations, 1);
}

#[test]
fn a_recommendation_is_carried_out_by_the_entries_that_reference_it() {
    let d = dossier(
        &[
            entry(
                1,
                "recommendation",
                "2024-05-01",
                &[],
                recommendation("accountability"),
            ),
            entry(2, "disciplinary_action", "2024-07-05", &[1], talk()),
        ],
        "2026-01-01",
    );
    let r = &d.recommendations[0];
    assert_eq!(r.status, RecommendationState::CarriedOut);
    assert_eq!(
        r.carried_out_by.iter().map(|c| c.seq).collect::<Vec<_>>(),
        [2]
    );
    assert_eq!(r.carried_out_by[0].kind_label, "党纪政务处分及问责处理");
    assert_eq!(r.carried_out_by[0].event_date, "2024-07-05");
}

#[test]
fn a_finding_resting_on_a_recommendation_does_not_carry_it_out() {
    let finding = json!({"group": "评估组", "led_by": "区安委办", "member_units": ["区纪委监委"],
        "methods": ["查阅相关文件材料"], "conclusion": "已落实",
        "items": [{"subject": "孙**", "area": "accountability", "verdict": "fully_implemented", "rests_on": [0]}]});
    let d = dossier(
        &[
            entry(
                1,
                "recommendation",
                "2024-05-01",
                &[],
                recommendation("accountability"),
            ),
            entry(2, "verification_finding", "2024-08-01", &[1], finding),
        ],
        "2026-01-01",
    );
    assert_eq!(d.recommendations[0].status, RecommendationState::Open);
    let item = &d.findings[0].items[0];
    assert_eq!(
        (item.verdict_label, item.rests_on[0].seq),
        ("落实到位", Some(1))
    );
    assert_eq!(item.rests_on[0].kind.as_deref(), Some("recommendation"));
}

#[test]
fn not_pursued_is_its_own_state() {
    let d = dossier(
        &[entry(
            1,
            "recommendation",
            "2025-04-01",
            &[],
            recommendation("not_pursued"),
        )],
        "2026-01-01",
    );
    assert_eq!(d.recommendations[0].status, RecommendationState::NotPursued);
    assert_eq!(d.summary().open_recommendations, 0);
}

#[test]
fn entries_keep_ledger_order_counts_and_chinese_labels() {
    let d = dossier(
        &[
            entry(
                1,
                "recommendation",
                "2024-05-01",
                &[],
                recommendation("accountability"),
            ),
            entry(2, "disciplinary_action", "2024-07-05", &[1], talk()),
            entry(3, "disciplinary_action", "2024-05-17", &[], talk()),
        ],
        "2026-01-01",
    );
    assert_eq!(
        d.entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(d.counts["disciplinary_action"], 2);
    assert_eq!(d.entries[0].kind_label, "事故调查报告处理建议");
    assert_eq!(d.entries[1].summary, "对孙**：约谈");
    assert_eq!(d.summary().first_event_date.as_deref(), Some("2024-05-01"));
}
