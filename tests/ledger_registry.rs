//! Who may certify what: the registry rules, at append time and in replay.

mod common;

use common::*;
use tiezheng::builders;
use tiezheng::error::AppendError;
use tiezheng::keys::Keypair;
use tiezheng::registry::{KeyStatus, RegistryError};

fn refused(f: &Fixture, s: &tiezheng::statement::SignedStatementJson) -> AppendError {
    let size = f.ledger.size();
    let e = f.ledger.append(s).unwrap_err();
    assert_eq!(f.ledger.size(), size, "a refused entry must not be stored");
    e
}

#[test]
fn the_first_entry_must_be_a_genesis() {
    let ledger = open(
        std::sync::Arc::new(tiezheng::store::MemoryStore::new()),
        [1; 32],
    );
    let k = Keypair::generate();
    let e = ledger.append(&signed(&penalty(0), &[&k])).unwrap_err();
    assert!(
        matches!(e, AppendError::Registry(RegistryError::Sequence(_))),
        "{e}"
    );
    assert_eq!(ledger.size(), 0);
}

#[test]
fn a_second_genesis_is_refused() {
    let f = memory();
    let g = builders::genesis(
        ORIGIN,
        &[(f.root.public(), identity("r", "u", "root"))],
        "again",
    );
    let e = refused(&f, &builders::sign(ORIGIN, &g, &[&f.root]).unwrap());
    assert!(
        matches!(e, AppendError::Registry(RegistryError::Sequence(_))),
        "{e}"
    );
}

#[test]
fn genesis_must_be_signed_by_every_root_it_names() {
    let ledger = open(
        std::sync::Arc::new(tiezheng::store::MemoryStore::new()),
        [1; 32],
    );
    let (a, b) = (Keypair::generate(), Keypair::generate());
    let g = builders::genesis(
        ORIGIN,
        &[
            (a.public(), identity("a", "u", "r")),
            (b.public(), identity("b", "u", "r")),
        ],
        "",
    );
    let e = ledger
        .append(&builders::sign(ORIGIN, &g, &[&a]).unwrap())
        .unwrap_err();
    assert!(
        matches!(e, AppendError::Registry(RegistryError::Conflict(_))),
        "{e}"
    );
    assert!(ledger
        .append(&builders::sign(ORIGIN, &g, &[&a, &b]).unwrap())
        .is_ok());
}

#[test]
fn an_unknown_key_is_refused_and_named() {
    let f = memory();
    let stranger = Keypair::generate();
    match refused(&f, &signed(&penalty(1), &[&stranger])) {
        AppendError::Registry(RegistryError::UnknownKey(k)) => assert_eq!(k, stranger.public()),
        e => panic!("{e}"),
    }
}

#[test]
fn a_key_may_sign_only_the_kinds_it_was_enrolled_for() {
    let f = memory();
    let mut s = penalty(2);
    s.kind = "disciplinary_action".into();
    match refused(&f, &signed(&s, &[&f.officer])) {
        AppendError::Registry(RegistryError::OutOfScope { kind, .. }) => {
            assert_eq!(kind, "disciplinary_action")
        }
        e => panic!("{e}"),
    }
}

#[test]
fn root_authorities_enrol_but_do_not_certify_records() {
    let f = memory();
    let e = refused(&f, &signed(&penalty(3), &[&f.root]));
    assert!(
        matches!(e, AppendError::Registry(RegistryError::OutOfScope { .. })),
        "{e}"
    );
}

#[test]
fn an_expired_key_is_refused() {
    let f = memory();
    let old = Keypair::generate();
    enrol(
        &f.ledger,
        &f.root,
        &old,
        &["penalty_decision"],
        false,
        "2019-01-01",
        Some("2020-12-31"),
    )
    .unwrap();
    let e = refused(&f, &signed(&penalty(4), &[&old]));
    assert!(
        matches!(e, AppendError::Registry(RegistryError::ExpiredKey { .. })),
        "{e}"
    );
}

#[test]
fn a_key_not_yet_valid_is_refused() {
    let f = memory();
    let future = Keypair::generate();
    enrol(
        &f.ledger,
        &f.root,
        &future,
        &["penalty_decision"],
        false,
        "2099-01-01",
        None,
    )
    .unwrap();
    let e = refused(&f, &signed(&penalty(5), &[&future]));
    assert!(
        matches!(e, AppendError::Registry(RegistryError::ExpiredKey { .. })),
        "{e}"
    );
}

#[test]
fn a_revoked_key_is_refused_but_its_earlier_entries_stay_valid() {
    let f = memory();
    let before = f
        .ledger
        .append(&signed(&penalty(6), &[&f.officer]))
        .unwrap();
    let rev = builders::sign(
        ORIGIN,
        &builders::revocation(f.officer.public(), "left the bureau"),
        &[&f.root],
    )
    .unwrap();
    let r = f.ledger.append(&rev).unwrap();
    match refused(&f, &signed(&penalty(7), &[&f.officer])) {
        AppendError::Registry(RegistryError::RevokedKey { seq, .. }) => assert_eq!(seq, r.seq),
        e => panic!("{e}"),
    }
    let c = f.ledger.certification(before.seq).unwrap();
    assert_eq!(c.signers[0].status_when_signed, KeyStatus::Active);
    assert_eq!(
        c.signers[0].revoked_later.as_ref().map(|r| r.seq),
        Some(r.seq)
    );
    let report = f.ledger.verify_full(&|_, _| {});
    assert!(report.ok, "{:?}", report.problem);
}

#[test]
fn only_keys_with_the_right_to_enrol_may_enrol() {
    let f = memory();
    let newcomer = Keypair::generate();
    let e = enrol(
        &f.ledger,
        &f.officer,
        &newcomer,
        &["penalty_decision"],
        false,
        "2020-01-01",
        None,
    )
    .unwrap_err();
    assert!(
        matches!(e, AppendError::Registry(RegistryError::OutOfScope { .. })),
        "{e}"
    );
}

#[test]
fn a_delegate_enrols_only_within_its_own_kinds() {
    let f = memory();
    let delegate = Keypair::generate();
    enrol(
        &f.ledger,
        &f.root,
        &delegate,
        &["payment_receipt"],
        true,
        "2020-01-01",
        None,
    )
    .unwrap();
    let clerk = Keypair::generate();
    assert!(enrol(
        &f.ledger,
        &delegate,
        &clerk,
        &["payment_receipt"],
        false,
        "2020-01-01",
        None
    )
    .is_ok());
    let other = Keypair::generate();
    let e = enrol(
        &f.ledger,
        &delegate,
        &other,
        &["penalty_decision"],
        false,
        "2020-01-01",
        None,
    )
    .unwrap_err();
    assert!(
        matches!(e, AppendError::Registry(RegistryError::OutOfScope { .. })),
        "{e}"
    );
    // The clerk can sign what it was enrolled for.
    let mut s = penalty(8);
    s.kind = "payment_receipt".into();
    assert!(f.ledger.append(&signed(&s, &[&clerk])).is_ok());
}

#[test]
fn a_key_is_enrolled_only_once() {
    let f = memory();
    let e = enrol(
        &f.ledger,
        &f.root,
        &f.officer,
        &["penalty_decision"],
        false,
        "2020-01-01",
        None,
    )
    .unwrap_err();
    assert!(
        matches!(e, AppendError::Registry(RegistryError::Conflict(_))),
        "{e}"
    );
}

#[test]
fn the_registry_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (officer_pk, seed) = {
        let f = sled(dir.path());
        let pk = f.officer.public();
        let seed = f.checkpoint_seed;
        f.ledger.shutdown();
        (pk, seed)
    };
    let store = std::sync::Arc::new(tiezheng::store::SledStore::open(dir.path()).unwrap());
    let ledger = open(store, seed);
    assert!(ledger.registry().key(&officer_pk).is_some());
}
