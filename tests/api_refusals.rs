//! Every refusal of `POST /v1/entries`, over real HTTP: the status, the
//! stable problem `type`, the field where there is one, and that the ledger
//! did not grow. Also the one non-refusal that returns an old receipt: a
//! duplicate.

#[path = "api_support/mod.rs"]
mod support;

use std::sync::Arc;
use support::*;
use tiezheng::store::MemoryStore;

#[test]
fn a_new_statement_is_201_and_the_same_again_is_200_with_the_original_receipt() {
    let s = TestServer::with_officer();
    let st = signed(&decision("何某"), &[&officer(1)]);
    let first = post(&s.url, "/v1/entries", "application/json", &body(&st));
    assert_eq!(first.status, 201);
    let size = s.size();
    let again = post(&s.url, "/v1/entries", "application/json", &body(&st));
    assert_eq!(again.status, 200);
    assert_eq!(s.size(), size, "a duplicate stores nothing");
    let (a, b) = (first.json(), again.json());
    assert_eq!(
        (a["seq"].clone(), a["leaf_hash"].clone()),
        (b["seq"].clone(), b["leaf_hash"].clone())
    );
    assert_eq!(b["duplicate"], true);
}

#[test]
fn malformed_json_is_400() {
    let s = TestServer::with_officer();
    assert_refused(&s, b"{\"statement\": ", 400, "malformed-json");
    assert_refused(&s, b"not json at all", 400, "malformed-json");
}

#[test]
fn a_bad_encoding_is_400_naming_the_member() {
    let s = TestServer::with_officer();
    let mut v = serde_json::to_value(signed(&decision("何某"), &[&officer(1)])).unwrap();
    v["signatures"][0]["signature"] = "zz".into();
    let p = assert_refused(&s, v.to_string().as_bytes(), 400, "malformed-encoding");
    assert_eq!(p.field.as_deref(), Some("signatures[0].signature"));
    let missing = serde_json::json!({"statement": {"kind": "penalty_decision"}, "signatures": []});
    assert_refused(
        &s,
        missing.to_string().as_bytes(),
        400,
        "malformed-encoding",
    );
}

#[test]
fn a_wrong_media_type_is_415() {
    let s = TestServer::with_officer();
    let b = body(&signed(&decision("何某"), &[&officer(1)]));
    assert_refused_as(&s, "text/plain", &b, 415, "unsupported-media-type");
}

#[test]
fn a_body_over_the_limit_is_413() {
    let s = TestServer::with_officer();
    let mut v = serde_json::to_value(signed(&decision("何某"), &[&officer(1)])).unwrap();
    v["statement"]["payload"]["note"] = "字".repeat(400_000).into(); // 1.2 MB of UTF-8
    assert_refused(&s, v.to_string().as_bytes(), 413, "body-too-large");
}

#[test]
fn an_invalid_field_is_422_naming_it() {
    let s = TestServer::with_officer();
    let mut st = decision("何某");
    st.event_date = "2023-02-29".into();
    // Signed over a statement that does not validate: sign the raw JSON by hand.
    let mut signed_ok = signed(&decision("何某"), &[&officer(1)]);
    signed_ok.statement = st;
    let p = assert_refused(&s, &body(&signed_ok), 422, "invalid-field");
    assert_eq!(p.field.as_deref(), Some("statement.event_date"));
}

#[test]
fn a_record_the_policy_refuses_is_422_naming_the_field() {
    let policy = Arc::new(tiezheng::records::RecordRules);
    let s = TestServer::start_with(Arc::new(MemoryStore::new()), policy, Default::default());
    s.genesis();
    s.enrol(&officer(1), &["penalty_decision"], "2020-01-01", None);
    let mut st = decision("何某");
    st.payload.as_object_mut().unwrap().remove("party");
    let p = assert_refused(
        &s,
        &body(&signed(&st, &[&officer(1)])),
        422,
        "invalid-field",
    );
    assert!(
        p.field
            .as_deref()
            .is_some_and(|f| f.starts_with("statement.payload")),
        "{p:?}"
    );
}

#[test]
fn a_signature_that_does_not_verify_is_401() {
    let s = TestServer::with_officer();
    let mut st = signed(&decision("何某"), &[&officer(1)]);
    st.signatures[0].signature.0[10] ^= 1;
    let p = assert_refused(&s, &body(&st), 401, "bad-signature");
    assert_eq!(p.field.as_deref(), Some("signatures[0]"));
}

#[test]
fn no_signature_is_401() {
    let s = TestServer::with_officer();
    let mut st = signed(&decision("何某"), &[&officer(1)]);
    st.signatures.clear();
    assert_refused(&s, &body(&st), 401, "bad-signature");
}

#[test]
fn a_signature_for_another_ledger_is_401() {
    let s = TestServer::with_officer();
    let st =
        tiezheng::builders::sign("another.ledger/x", &decision("何某"), &[&officer(1)]).unwrap();
    assert_refused(&s, &body(&st), 401, "bad-signature");
}

#[test]
fn an_unknown_key_is_403_unknown_key() {
    let s = TestServer::with_officer();
    assert_refused(
        &s,
        &body(&signed(&decision("何某"), &[&officer(7)])),
        403,
        "unknown-key",
    );
}

#[test]
fn a_revoked_key_is_403_revoked_key() {
    let s = TestServer::with_officer();
    let r = tiezheng::builders::revocation(officer(1).public(), "调离岗位");
    s.append(&signed(&r, &[&root()]));
    assert_refused(
        &s,
        &body(&signed(&decision("何某"), &[&officer(1)])),
        403,
        "revoked-key",
    );
}

#[test]
fn a_key_outside_its_validity_period_is_403_expired_key() {
    let s = TestServer::with_officer();
    s.enrol(
        &officer(2),
        &["penalty_decision"],
        "2020-01-01",
        Some("2020-12-31"),
    );
    assert_refused(
        &s,
        &body(&signed(&decision("何某"), &[&officer(2)])),
        403,
        "expired-key",
    );
}

#[test]
fn a_kind_the_key_may_not_sign_is_403_out_of_scope() {
    let s = TestServer::with_officer();
    let mut st = decision("何某");
    st.kind = "payment_receipt".into();
    assert_refused(&s, &body(&signed(&st, &[&officer(1)])), 403, "out-of-scope");
}

#[test]
fn a_missing_reference_is_409_naming_it() {
    let s = TestServer::with_officer();
    let mut st = decision("何某");
    st.refs = vec!["ab".repeat(32)];
    let p = assert_refused(
        &s,
        &body(&signed(&st, &[&officer(1)])),
        409,
        "missing-reference",
    );
    assert_eq!(p.field.as_deref(), Some("statement.refs[0]"));
}

#[test]
fn the_same_statement_with_other_signatures_is_409_conflicting_duplicate() {
    let s = TestServer::with_officer();
    s.enrol(&officer(2), &["penalty_decision"], "2020-01-01", None);
    s.append(&signed(&decision("何某"), &[&officer(1)]));
    let other = signed(&decision("何某"), &[&officer(2)]);
    assert_refused(&s, &body(&other), 409, "conflicting-duplicate");
}

#[test]
fn a_first_entry_that_is_not_genesis_is_409_registry_sequence() {
    let s = TestServer::start();
    let st = signed(&decision("何某"), &[&root()]);
    assert_refused(&s, &body(&st), 409, "registry-sequence");
}

#[test]
fn a_second_genesis_is_409_registry_sequence() {
    let s = TestServer::with_officer();
    let g = tiezheng::builders::genesis(ORIGIN, &[(officer(1).public(), identity("某"))], "again");
    assert_refused(
        &s,
        &body(&signed(&g, &[&officer(1)])),
        409,
        "registry-sequence",
    );
}

#[test]
fn enrolling_a_key_twice_is_409_registry_conflict() {
    let s = TestServer::with_officer();
    let again = enrolment(
        officer(1).public(),
        &["penalty_decision"],
        "2021-01-01",
        None,
        &root(),
    );
    assert_refused(&s, &body(&again), 409, "registry-conflict");
}

#[test]
fn a_genesis_not_signed_by_its_roots_is_409_registry_conflict() {
    let s = TestServer::start();
    let g = tiezheng::builders::genesis(ORIGIN, &[(root().public(), identity("崔某"))], "x");
    assert_refused(
        &s,
        &body(&signed(&g, &[&officer(1)])),
        409,
        "registry-conflict",
    );
}

#[test]
fn enrolling_for_a_core_kind_is_422() {
    let s = TestServer::with_officer();
    let bad = enrolment(
        officer(3).public(),
        &["genesis"],
        "2021-01-01",
        None,
        &root(),
    );
    let p = assert_refused(&s, &body(&bad), 422, "invalid-field");
    assert_eq!(p.field.as_deref(), Some("statement.payload.kinds"));
}

#[test]
fn appends_after_the_ledger_stopped_are_503_shutting_down() {
    let s = TestServer::with_officer();
    s.ledger.shutdown();
    assert_refused(
        &s,
        &body(&signed(&decision("何某"), &[&officer(1)])),
        503,
        "shutting-down",
    );
}
