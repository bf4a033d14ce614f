//! Bad input through a ledger with the record rules: each is refused, the
//! refusal names the field and the rule, and the ledger does not grow.

use serde_json::{json, Value};
use std::sync::Arc;
use tiezheng::builders;
use tiezheng::error::AppendError;
use tiezheng::ids::{EventDate, Kind};
use tiezheng::keys::Keypair;
use tiezheng::records::RecordRules;
use tiezheng::registry::{EnrolmentPayload, Identity, RegistryError};
use tiezheng::statement::{SignedStatementJson, StatementJson};
use tiezheng::store::MemoryStore;
use tiezheng::{Ledger, LedgerConfig, Receipt};

const ORIGIN: &str = "refusals.tiezheng.test/ledger";

struct Bureau {
    ledger: Ledger,
    officer: Keypair,
    /// A recorded penalty decision: 何某, 30880 yuan.
    decision: Receipt,
    /// A recorded case entry (a kind a payment may not reference).
    case: Receipt,
}

fn identity(unit: &str) -> Identity {
    Identity {
        person: "演示签名人".into(),
        unit: unit.into(),
        role: "officer".into(),
    }
}

fn statement(kind: &str, date: &str, refs: &[&Receipt], payload: Value) -> StatementJson {
    StatementJson {
        kind: kind.into(),
        case: "bole-2024-11-25".into(),
        subject: "何某".into(),
        event_date: date.into(),
        refs: refs.iter().map(|r| r.body_hash.to_hex()).collect(),
        signed_at_ms: builders::now_ms(),
        payload,
    }
}

/// Signs and appends. A statement too malformed to sign (a date that does
/// not exist, a float) goes to the ledger unsigned: it checks fields first.
fn append(ledger: &Ledger, key: &Keypair, s: &StatementJson) -> Result<Receipt, AppendError> {
    let signed = builders::sign(ORIGIN, s, &[key]).unwrap_or_else(|_| SignedStatementJson {
        statement: s.clone(),
        signatures: vec![],
    });
    ledger.append(&signed)
}

/// A ledger under the record rules with one officer of 博乐市应急管理局,
/// enrolled for fines, payments and discipline, and one government key for cases.
fn bureau() -> Bureau {
    let ledger = Ledger::open(
        Arc::new(MemoryStore::new()),
        LedgerConfig {
            origin: ORIGIN.into(),
            checkpoint_key: Keypair::generate(),
            policy: Arc::new(RecordRules),
        },
    )
    .expect("open");
    let root = Keypair::generate();
    let g = builders::genesis(ORIGIN, &[(root.public(), identity("市安委会"))], "test");
    append(&ledger, &root, &g).expect("genesis");
    let enrol = |key: &Keypair, unit: &str, kinds: &[&str]| {
        let p = EnrolmentPayload {
            public_key: key.public(),
            identity: identity(unit),
            kinds: kinds.iter().map(|k| Kind::new(k).unwrap()).collect(),
            may_enrol: false,
            valid_from: EventDate::new("2020-01-01").unwrap(),
            valid_until: None,
        };
        append(&ledger, &root, &builders::enrolment(&p)).expect("enrol");
    };
    let officer = Keypair::generate();
    enrol(
        &officer,
        "博乐市应急管理局",
        &["penalty_decision", "payment_receipt", "disciplinary_action"],
    );
    let government = Keypair::generate();
    enrol(&government, "博乐市人民政府", &["case"]);
    let case = append(
        &ledger,
        &government,
        &statement(
            "case",
            "2024-11-25",
            &[],
            json!({"name": "11·25", "accident_type": "高处坠落", "grade": "ordinary",
                   "place": "博乐市 XXXX 有限责任公司", "deaths": 1}),
        ),
    )
    .expect("case");
    let decision = append(
        &ledger,
        &officer,
        &statement(
            "penalty_decision",
            "2025-06-05",
            &[],
            json!({"issuer": "博乐市应急管理局", "party": {"party_type": "person", "name": "何某"},
                   "amount_fen": 3_088_000, "amount_capitals": "叁万零捌佰捌拾元整"}),
        ),
    )
    .expect("decision");
    Bureau {
        ledger,
        officer,
        decision,
        case,
    }
}

/// Appends `s` signed by the officer, expects a refusal at `field`, and
/// checks that nothing was stored.
#[track_caller]
fn refused_at(b: &Bureau, s: &StatementJson, field: &str) -> String {
    let before = b.ledger.size();
    let err = append(&b.ledger, &b.officer, s).expect_err("must be refused");
    assert_eq!(b.ledger.size(), before, "the ledger grew on a refusal");
    match err {
        AppendError::Field(f) => {
            assert_eq!(f.field, field, "rule was: {}", f.rule);
            f.rule
        }
        other => panic!("expected a refusal at {field}, got {other}"),
    }
}

fn payment(amount: Value) -> Value {
    json!({"payer": "何某", "amount_fen": amount, "bank": "指定银行"})
}

#[test]
fn a_negative_amount_is_refused() {
    let b = bureau();
    let s = statement(
        "payment_receipt",
        "2025-06-27",
        &[&b.decision],
        payment(json!(-3_088_000)),
    );
    let rule = refused_at(&b, &s, "statement.payload.amount_fen");
    assert!(rule.contains("negative"), "{rule}");
}

#[test]
fn a_fractional_fen_is_refused() {
    let b = bureau();
    let s = statement(
        "payment_receipt",
        "2025-06-27",
        &[&b.decision],
        payment(json!(3_088_000.5)),
    );
    let rule = refused_at(&b, &s, "statement.payload.amount_fen");
    assert!(rule.contains("fen"), "{rule}");
}

#[test]
fn capitals_that_do_not_match_the_amount_are_refused() {
    let b = bureau();
    let mut p = payment(json!(3_088_000));
    p["amount_capitals"] = json!("叁万零捌佰元整");
    let s = statement("payment_receipt", "2025-06-27", &[&b.decision], p);
    let rule = refused_at(&b, &s, "statement.payload.amount_capitals");
    assert!(
        rule.contains("叁万零捌佰捌拾元整"),
        "the rule gives the right capitals: {rule}"
    );
}

#[test]
fn an_unknown_measure_is_refused() {
    let b = bureau();
    let p = json!({"authority": "区纪委监委", "subject": {"party_type": "person", "name": "张*"},
                   "measures": ["warning"]});
    let s = statement("disciplinary_action", "2024-05-17", &[], p);
    let rule = refused_at(&b, &s, "statement.payload.measures[0]");
    assert!(rule.contains("party_warning (党内警告)"), "{rule}");
}

#[test]
fn an_event_date_that_does_not_exist_is_refused() {
    let b = bureau();
    let s = statement(
        "payment_receipt",
        "2025-02-29",
        &[&b.decision],
        payment(json!(3_088_000)),
    );
    refused_at(&b, &s, "statement.event_date");
}

#[test]
fn a_payload_date_that_does_not_exist_is_refused() {
    let b = bureau();
    let mut p = json!({"issuer": "博乐市应急管理局", "party": {"party_type": "person", "name": "何某"},
                       "amount_fen": 100});
    p["payment_deadline"] = json!("2025-06-31");
    let s = statement("penalty_decision", "2025-06-05", &[], p);
    let rule = refused_at(&b, &s, "statement.payload.payment_deadline");
    assert!(rule.contains("does not exist"), "{rule}");
}

#[test]
fn a_reference_to_a_missing_entry_is_refused() {
    let b = bureau();
    let mut s = statement(
        "payment_receipt",
        "2025-06-27",
        &[],
        payment(json!(3_088_000)),
    );
    s.refs = vec!["ab".repeat(32)];
    let before = b.ledger.size();
    let err = append(&b.ledger, &b.officer, &s).expect_err("refused");
    assert!(
        matches!(err, AppendError::MissingRef { index: 0, .. }),
        "{err}"
    );
    assert!(err.to_string().starts_with("statement.refs[0]"), "{err}");
    assert_eq!(b.ledger.size(), before);
}

#[test]
fn a_reference_to_the_wrong_kind_is_refused() {
    let b = bureau();
    let s = statement(
        "payment_receipt",
        "2025-06-27",
        &[&b.case],
        payment(json!(3_088_000)),
    );
    let rule = refused_at(&b, &s, "statement.refs[0]");
    assert!(rule.contains("exactly one penalty_decision"), "{rule}");
}

#[test]
fn a_payment_without_its_decision_is_refused() {
    let b = bureau();
    let s = statement(
        "payment_receipt",
        "2025-06-27",
        &[],
        payment(json!(3_088_000)),
    );
    refused_at(&b, &s, "statement.refs");
}

#[test]
fn a_kind_the_signer_is_not_enrolled_for_is_refused() {
    let b = bureau();
    let s = statement(
        "case",
        "2024-11-25",
        &[],
        json!({"name": "11·25", "accident_type": "高处坠落", "grade": "ordinary",
               "place": "博乐市 XXXX 有限责任公司", "deaths": 1, "injuries": 0}),
    );
    let before = b.ledger.size();
    let err = append(&b.ledger, &b.officer, &s).expect_err("refused");
    match &err {
        AppendError::Registry(RegistryError::OutOfScope { kind, unit, .. }) => {
            assert_eq!((kind.as_str(), unit.as_str()), ("case", "博乐市应急管理局"));
        }
        other => panic!("expected OutOfScope, got {other}"),
    }
    assert!(
        err.to_string()
            .contains("is not enrolled to sign case entries"),
        "{err}"
    );
    assert_eq!(b.ledger.size(), before);
}

#[test]
fn the_valid_payment_is_accepted_after_all() {
    let b = bureau();
    let s = statement(
        "payment_receipt",
        "2025-06-27",
        &[&b.decision],
        payment(json!(3_088_000)),
    );
    let before = b.ledger.size();
    append(&b.ledger, &b.officer, &s).expect("accepted");
    assert_eq!(b.ledger.size(), before + 1);
}
