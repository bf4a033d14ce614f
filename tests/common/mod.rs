//! Fixtures shared by the integration tests: a ledger with a genesis, a root
//! authority and enrolled officers. Keys here are generated per test run or
//! from fixed test seeds; none is a real key.
#![allow(dead_code)]

use std::sync::Arc;
use tiezheng::builders;
use tiezheng::ids::EventDate;
use tiezheng::keys::Keypair;
use tiezheng::policy::AnyKind;
use tiezheng::registry::{EnrolmentPayload, Identity};
use tiezheng::statement::{SignedStatementJson, StatementJson};
use tiezheng::store::{MemoryStore, SledStore, Store};
use tiezheng::{Ledger, LedgerConfig, Receipt};

pub const ORIGIN: &str = "tiezheng.test/ledger";

pub fn identity(person: &str, unit: &str, role: &str) -> Identity {
    Identity {
        person: person.into(),
        unit: unit.into(),
        role: role.into(),
    }
}

/// A ledger, its root authority and one officer enrolled for `penalty_decision`.
pub struct Fixture {
    pub ledger: Ledger,
    pub root: Keypair,
    pub officer: Keypair,
    pub checkpoint_seed: [u8; 32],
}

pub fn open(store: Arc<dyn Store>, seed: [u8; 32]) -> Ledger {
    Ledger::open(
        store,
        LedgerConfig {
            origin: ORIGIN.into(),
            checkpoint_key: Keypair::from_seed(seed),
            policy: Arc::new(AnyKind),
        },
    )
    .expect("open ledger")
}

pub fn memory() -> Fixture {
    with_store(Arc::new(MemoryStore::new()))
}

pub fn sled(dir: &std::path::Path) -> Fixture {
    with_store(Arc::new(SledStore::open(dir).expect("open sled")))
}

pub fn with_store(store: Arc<dyn Store>) -> Fixture {
    let seed = [42; 32];
    let ledger = open(store, seed);
    let root = Keypair::generate();
    let g = builders::genesis(
        ORIGIN,
        &[(
            root.public(),
            identity("root", "市安委会", "root authority"),
        )],
        "test ledger",
    );
    ledger
        .append(&builders::sign(ORIGIN, &g, &[&root]).unwrap())
        .expect("genesis");
    let officer = Keypair::generate();
    enrol(
        &ledger,
        &root,
        &officer,
        &["penalty_decision", "payment_receipt"],
        false,
        "2020-01-01",
        None,
    )
    .expect("enrol officer");
    Fixture {
        ledger,
        root,
        officer,
        checkpoint_seed: seed,
    }
}

pub fn enrol(
    ledger: &Ledger,
    by: &Keypair,
    key: &Keypair,
    kinds: &[&str],
    may_enrol: bool,
    from: &str,
    until: Option<&str>,
) -> Result<Receipt, tiezheng::error::AppendError> {
    let p = EnrolmentPayload {
        public_key: key.public(),
        identity: identity("崔鑫", "博乐市应急管理局", "局长"),
        kinds: kinds
            .iter()
            .map(|k| tiezheng::ids::Kind::new(k).unwrap())
            .collect(),
        may_enrol,
        valid_from: EventDate::new(from).unwrap(),
        valid_until: until.map(|u| EventDate::new(u).unwrap()),
    };
    ledger.append(&builders::sign(ORIGIN, &builders::enrolment(&p), &[by]).unwrap())
}

/// A penalty-decision statement; `n` makes it unique.
pub fn penalty(n: u64) -> StatementJson {
    StatementJson {
        kind: "penalty_decision".into(),
        case: "bole-11-25".into(),
        subject: "博乐市XXXX有限责任公司".into(),
        event_date: "2025-04-10".into(),
        refs: vec![],
        signed_at_ms: 1_744_000_000_000,
        payload: serde_json::json!({"amount_fen": 50_000_000u64, "n": n}),
    }
}

pub fn signed(stmt: &StatementJson, keys: &[&Keypair]) -> SignedStatementJson {
    builders::sign(ORIGIN, stmt, keys).expect("sign")
}

/// `threads` threads append at once, each `per_thread` statements
/// `make(thread, i)` signed by `signer`; returns every sequence number the
/// appends got, in no particular order.
pub fn append_concurrently(
    ledger: &Ledger,
    signer: &Keypair,
    threads: u64,
    per_thread: u64,
    make: fn(u64, u64) -> StatementJson,
) -> Vec<u64> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (0..per_thread)
                        .map(|i| ledger.append(&signed(&make(t, i), &[signer])).unwrap().seq)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}
