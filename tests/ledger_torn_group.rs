//! A crash in the middle of writing a group commit.
//!
//! The writer stores a group key by key, the tree size last, and the store
//! keeps a prefix of those writes after a crash. These tests record the exact
//! writes of a real six-entry group, build the store a crash could leave
//! after each prefix of them (and after other subsets), open the ledger on it
//! and check that the torn group is gone without a trace: the store holds
//! exactly what it held before the group (bar the group marker and the
//! checkpoint), everything verifies, every index lists only entries that
//! exist, the registry forgets the group's enrolment, and the group's
//! statements can be appended again as new entries.

mod common;

use common::*;
use parking_lot::{Condvar, Mutex};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use tiezheng::builders;
use tiezheng::keys::Keypair;
use tiezheng::ledger::Query;
use tiezheng::statement::StatementJson;
use tiezheng::store::{MemoryStore, Pair, SledStore, Store, StoreError, WriteBatch};
use tiezheng::Ledger;

/// A memory store for these tests. It can hold the writer in `sync`,
/// record each group it writes together with the whole store as it was
/// before that group, and fail ordered writes after a given number of keys
/// (as a disk that fills up in the middle of a group would).
#[derive(Default)]
struct Recording {
    inner: MemoryStore,
    hold: Mutex<bool>,
    released: Condvar,
    record: AtomicBool,
    groups: Mutex<Vec<(Vec<Pair>, WriteBatch)>>,
    keys_left: Mutex<Option<usize>>,
}

impl Recording {
    fn set_hold(&self, hold: bool) {
        *self.hold.lock() = hold;
        self.released.notify_all();
    }
}

impl Store for Recording {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get(key)
    }
    fn scan(&self, s: &[u8], e: &[u8], rev: bool, limit: usize) -> Result<Vec<Pair>, StoreError> {
        self.inner.scan(s, e, rev, limit)
    }
    fn commit(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.inner.commit(batch)
    }
    fn apply_in_order(&self, batch: WriteBatch) -> Result<(), StoreError> {
        if self.record.load(SeqCst) {
            let before = everything(&self.inner);
            self.groups.lock().push((before, batch.clone()));
        }
        for pair in batch {
            let mut left = self.keys_left.lock();
            if *left == Some(0) {
                return Err(StoreError::Io(
                    "No space left on device (os error 28)".into(),
                ));
            }
            if let Some(n) = left.as_mut() {
                *n -= 1;
            }
            self.inner.apply_in_order(vec![pair])?;
        }
        Ok(())
    }
    fn sync(&self) -> Result<(), StoreError> {
        let mut hold = self.hold.lock();
        while *hold {
            self.released.wait(&mut hold);
        }
        Ok(())
    }
    fn remove(&self, keys: &[Vec<u8>]) -> Result<(), StoreError> {
        self.inner.remove(keys)
    }
}

fn everything(store: &dyn Store) -> Vec<Pair> {
    store.scan(b"", &[0xff], false, usize::MAX).unwrap()
}

/// Statement `n`: two cases and three subjects, so that a group writes
/// several postings and some of them list more than one entry.
fn statement(n: u64) -> StatementJson {
    let mut s = penalty(n);
    s.case = format!("case-{}", n % 2);
    s.subject = format!("subject-{}", n % 3);
    s
}

/// Polls until `done`; a writer that never gets there fails the test
/// instead of hanging it. The deadline guards against a hang, it does not
/// measure anything.
fn wait_for(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "never saw {what}");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// What a crash test starts from: the store before a seven-entry group (six
/// penalty decisions and an enrolment), that group's writes in order, and the
/// ledger's keys.
struct Torn {
    before: Vec<Pair>,
    writes: WriteBatch,
    size_before: u64,
    statements: Vec<StatementJson>,
    /// Enrolled by the group.
    officer2: Keypair,
    /// The seq each statement got in the group (the writer takes them in the
    /// order they queued).
    original_seqs: Vec<u64>,
    f: Fixture,
}

/// Appends a little history, then makes the writer commit statements
/// 100..106 and an enrolment of a second officer as one group, and records
/// that group's writes.
fn record_a_group() -> Torn {
    let store = Arc::new(Recording::default());
    let f = with_store(store.clone());
    for n in 0..3 {
        f.ledger
            .append(&signed(&statement(n), &[&f.officer]))
            .unwrap();
    }
    let size_before = f.ledger.size() + 1;
    let statements: Vec<_> = (100..106).map(statement).collect();
    let officer2 = Keypair::generate();
    let mut original_seqs = Vec::new();
    store.record.store(true, SeqCst);
    store.set_hold(true);
    std::thread::scope(|scope| {
        // The writer takes this one alone and stops in its fsync...
        let ledger = &f.ledger;
        let officer = &f.officer;
        let first =
            scope.spawn(move || ledger.append(&signed(&statement(99), &[officer])).unwrap());
        wait_for("the first group written", || store.groups.lock().len() == 1);
        // ...while seven more queue up behind it and so form the next group.
        let rest: Vec<_> = statements
            .iter()
            .map(|s| scope.spawn(move || ledger.append(&signed(s, &[officer])).unwrap()))
            .collect();
        let (root, officer2) = (&f.root, &officer2);
        let enrolment = scope.spawn(move || {
            enrol(
                ledger,
                root,
                officer2,
                &["penalty_decision"],
                false,
                "2020-01-01",
                None,
            )
            .unwrap()
        });
        wait_for("seven appends queued", || ledger.metrics().queue() == 7);
        store.set_hold(false);
        assert_eq!(first.join().unwrap().seq, size_before - 1);
        let seqs: Vec<_> = rest.into_iter().map(|h| h.join().unwrap().seq).collect();
        original_seqs.clone_from(&seqs);
        let mut seqs = seqs;
        seqs.push(enrolment.join().unwrap().seq);
        seqs.sort_unstable();
        assert_eq!(seqs, (size_before..size_before + 7).collect::<Vec<_>>());
    });
    let mut groups = store.groups.lock();
    assert_eq!(
        groups.len(),
        2,
        "the appends formed other groups than planned"
    );
    let (before, writes) = groups.pop().unwrap();
    Torn {
        before,
        writes,
        size_before,
        statements,
        officer2,
        original_seqs,
        f,
    }
}

/// The store's contents without the two keys a roll-back may rewrite: the
/// group marker and the stored checkpoint (re-signed on open).
fn contents(pairs: impl IntoIterator<Item = Pair>) -> BTreeMap<Vec<u8>, Vec<u8>> {
    pairs
        .into_iter()
        .filter(|(k, _)| k.as_slice() != b"Mgroup" && k.as_slice() != b"Mcheckpoint")
        .collect()
}

/// Every seq a filtered listing returns, paged 2 at a time.
fn listed(ledger: &Ledger, q: Query) -> Vec<u64> {
    let mut q = Query { limit: 2, ..q };
    let mut out = Vec::new();
    loop {
        let page = ledger.query(&q).unwrap();
        out.extend(page.entries.iter().map(|e| e.seq));
        match page.next_cursor {
            Some(c) => q.after = Some(c),
            None => return out,
        }
    }
}

/// Opens the ledger on a store a crash left and checks all of it; `whole`
/// says whether the store holds the whole group.
fn check_recovery(t: &Torn, store: Arc<dyn Store>, whole: bool, what: &str) {
    let ledger = open(store.clone(), t.f.checkpoint_seed);
    let size = ledger.size();
    let expected = t.size_before + if whole { 7 } else { 0 };
    assert_eq!(size, expected, "{what}: size");
    // Byte for byte the store before the group, or before it plus the group.
    let mut want = contents(t.before.iter().cloned());
    if whole {
        want.extend(contents(t.writes.iter().cloned()));
    }
    assert!(
        contents(everything(&*store)) == want,
        "{what}: the store differs"
    );
    assert_eq!(
        ledger.registry().key(&t.officer2.public()).is_some(),
        whole,
        "{what}: the group's enrolment"
    );
    let r = ledger.verify_full(&|_, _| {});
    assert!(r.ok, "{what}: {:?}", r.problem);
    assert_eq!(ledger.checkpoint().size, size, "{what}: checkpoint");
    // Every index lists exactly the entries there are, from the entries.
    let all: Vec<_> = (0..size).map(|s| ledger.entry(s).unwrap()).collect();
    let naive = |pred: &dyn Fn(&StatementJson) -> bool| -> Vec<u64> {
        all.iter()
            .filter(|e| e.statement.as_ref().is_some_and(pred))
            .map(|e| e.seq)
            .collect()
    };
    for c in ["case-0", "case-1"] {
        let q = Query {
            case: Some(c.into()),
            ..Default::default()
        };
        assert_eq!(listed(&ledger, q), naive(&|s| s.case == c), "{what}: {c}");
    }
    for subject in ["subject-0", "subject-1", "subject-2"] {
        let q = Query {
            subject: Some(subject.into()),
            ..Default::default()
        };
        let want = naive(&|s| s.subject == subject);
        assert_eq!(listed(&ledger, q), want, "{what}: {subject}");
    }
    let q = Query {
        kind: Some("penalty_decision".into()),
        ..Default::default()
    };
    let want = naive(&|s| s.kind == "penalty_decision");
    assert_eq!(listed(&ledger, q), want, "{what}: kind");
    let q = Query {
        signer: Some(t.f.officer.public()),
        ..Default::default()
    };
    let signed_by: Vec<u64> = all
        .iter()
        .filter(|e| {
            e.signatures
                .iter()
                .any(|s| s.public_key == t.f.officer.public())
        })
        .map(|e| e.seq)
        .collect();
    assert_eq!(listed(&ledger, q), signed_by, "{what}: signer");
    let q = Query {
        kind: Some("key_enrolment".into()),
        ..Default::default()
    };
    let want = naive(&|s| s.kind == "key_enrolment");
    assert_eq!(listed(&ledger, q), want, "{what}: enrolments");
    // A statement of the group appended again: a new entry right after the
    // tree if the group was rolled back, else its original receipt.
    let again = ledger
        .append(&signed(&t.statements[3], &[&t.f.officer]))
        .unwrap();
    assert_eq!(again.duplicate, whole, "{what}");
    if whole {
        assert_eq!(again.seq, t.original_seqs[3], "{what}");
    } else {
        assert_eq!(again.seq, size, "{what}");
        assert_eq!(ledger.size(), size + 1, "{what}");
    }
    let r = ledger.verify_full(&|_, _| {});
    assert!(r.ok, "{what}, after appending: {:?}", r.problem);
    ledger.shutdown();
    drop(ledger);
    // Opening once more finds nothing left to roll back.
    let again = open(store, t.f.checkpoint_seed);
    assert_eq!(
        again.size(),
        expected + u64::from(!whole),
        "{what}: reopened"
    );
}

fn memory_store(pairs: impl IntoIterator<Item = Pair>) -> Arc<dyn Store> {
    let store = MemoryStore::new();
    for (k, v) in pairs {
        store.raw_put(k, v);
    }
    Arc::new(store)
}

#[test]
fn the_group_is_written_marker_first_entries_before_their_index_and_size_last() {
    let t = record_a_group();
    let w = &t.writes;
    assert_eq!(w.first().unwrap().0, b"Mgroup");
    let mut marker = t.size_before.to_be_bytes().to_vec();
    marker.extend_from_slice(&(t.size_before + 7).to_be_bytes());
    assert_eq!(w.first().unwrap().1, marker);
    assert_eq!(w.last().unwrap().0, b"Msize");
    assert_eq!(w.last().unwrap().1, (t.size_before + 7).to_be_bytes());
    let position = |tag: u8| w.iter().position(|(k, _)| k[0] == tag).unwrap();
    let last = |tag: u8| w.iter().rposition(|(k, _)| k[0] == tag).unwrap();
    assert!(
        last(b'E') < position(b'B'),
        "an entry run after a body-index key"
    );
    assert!(last(b'E') < position(b'H'));
    // Seven entries, each its own body-index key, but postings shared by the
    // group: one per kind (penalty decision, enrolment), not one per entry.
    assert_eq!(w.iter().filter(|(k, _)| k[0] == b'B').count(), 7);
    assert_eq!(w.iter().filter(|(k, _)| k[0] == b'K').count(), 2);
}

#[test]
fn a_crash_after_any_prefix_of_a_group_leaves_the_ledger_before_it() {
    let t = record_a_group();
    for cut in 0..=t.writes.len() {
        let store = memory_store(t.before.iter().cloned().chain(t.writes[..cut].to_vec()));
        let whole = cut == t.writes.len();
        check_recovery(&t, store, whole, &format!("first {cut} writes"));
    }
}

/// Not a crash sled can produce (it keeps a prefix), but the roll-back does
/// not depend on the order inside the group: any subset of the keys between
/// the marker and the size goes.
#[test]
fn any_subset_of_a_groups_keys_without_its_size_is_rolled_back() {
    let t = record_a_group();
    let middle = &t.writes[1..t.writes.len() - 1];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..40 {
        // xorshift64: a fixed, reproducible sequence of subsets.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let kept: Vec<Pair> = middle
            .iter()
            .enumerate()
            .filter(|(i, _)| (x >> (i % 64)) & 1 == 1)
            .map(|(_, p)| p.clone())
            .collect();
        let store = memory_store(
            t.before
                .iter()
                .cloned()
                .chain(std::iter::once(t.writes[0].clone()))
                .chain(kept),
        );
        check_recovery(&t, store, false, &format!("subset {round} ({x:#x})"));
    }
}

/// The same on sled: the group written with the store's own ordered write,
/// the store closed and opened again, as after a crash.
#[test]
fn sled_rolls_back_a_torn_group_when_opened_again() {
    let t = record_a_group();
    let n = t.writes.len();
    for cut in [0, 1, 2, n / 2, n - 1, n] {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = SledStore::open(dir.path()).unwrap();
            store.commit(t.before.clone()).unwrap();
            store.apply_in_order(t.writes[..cut].to_vec()).unwrap();
            store.sync().unwrap();
        }
        let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
        check_recovery(&t, store, cut == n, &format!("sled, first {cut} writes"));
    }
}

/// The first group stores the origin too; torn, it must not bind the store
/// to a ledger nobody heard of, and genesis appends again as entry 0.
#[test]
fn a_torn_first_group_leaves_an_empty_store() {
    let store = Arc::new(Recording::default());
    store.record.store(true, SeqCst);
    let f = with_store(store.clone());
    let (before, writes) = store.groups.lock()[0].clone();
    assert!(before.is_empty());
    assert!(writes.iter().any(|(k, _)| k.as_slice() == b"Morigin"));
    let genesis = builders::genesis(
        ORIGIN,
        &[(
            f.root.public(),
            identity("root", "市安委会", "root authority"),
        )],
        "test ledger, second try",
    );
    for cut in 0..writes.len() {
        let torn = memory_store(writes[..cut].to_vec());
        let ledger = open(torn.clone(), f.checkpoint_seed);
        assert_eq!(ledger.size(), 0, "first {cut} writes");
        assert!(
            contents(everything(&*torn)).is_empty(),
            "first {cut} writes: {:?}",
            contents(everything(&*torn)).keys().collect::<Vec<_>>()
        );
        let r = ledger
            .append(&builders::sign(ORIGIN, &genesis, &[&f.root]).unwrap())
            .unwrap();
        assert_eq!((r.seq, r.duplicate), (0, false), "first {cut} writes");
    }
}

/// A write that fails part-way through a group halts the ledger; until the
/// restart, the half-written entry is not served, not counted and not named
/// by its body hash; the restart rolls it back.
#[test]
fn a_group_whose_write_fails_part_way_is_rolled_back_at_the_restart() {
    // One entry's group: marker, run, tree hashes, body index, four
    // postings, size.
    for written in 1..9 {
        let store = Arc::new(Recording::default());
        let f = with_store(store.clone());
        f.ledger
            .append(&signed(&statement(1), &[&f.officer]))
            .unwrap();
        let size = f.ledger.size();
        let before = contents(everything(&store.inner));
        *store.keys_left.lock() = Some(written);
        let e = f
            .ledger
            .append(&signed(&statement(2), &[&f.officer]))
            .unwrap_err();
        assert!(e.to_string().contains("No space left"), "{written}: {e}");
        assert_eq!(f.ledger.size(), size, "{written}");
        assert!(f.ledger.entry(size).is_err(), "{written}");
        // The body-index key may be in the store already: it names nothing.
        for (k, _) in store.inner.scan(b"B", b"C", false, usize::MAX).unwrap() {
            let h = tiezheng::hash::Digest(k[1..].try_into().unwrap());
            let seq = f.ledger.seq_of_body(&h).unwrap();
            assert!(seq.is_none_or(|s| s < size), "{written}: {seq:?}");
        }
        f.ledger.shutdown();
        drop(f.ledger);
        *store.keys_left.lock() = None;
        let ledger = open(store.clone(), f.checkpoint_seed);
        assert_eq!(ledger.size(), size, "{written}");
        assert!(
            contents(everything(&store.inner)) == before,
            "{written}: the store differs"
        );
        let r = ledger
            .append(&signed(&statement(2), &[&f.officer]))
            .unwrap();
        assert_eq!((r.seq, r.duplicate), (size, false), "{written}");
        let v = ledger.verify_full(&|_, _| {});
        assert!(v.ok, "{written}: {:?}", v.problem);
    }
}

fn open_as(store: Arc<dyn Store>, origin: &str) -> Result<Ledger, tiezheng::error::OpenError> {
    Ledger::open(
        store,
        tiezheng::LedgerConfig {
            origin: origin.into(),
            checkpoint_key: Keypair::from_seed([7; 32]),
            policy: Arc::new(tiezheng::policy::AnyKind),
        },
    )
}

/// Another ledger's store is refused and left as it is, torn group and all;
/// a store holding nothing but a torn first group belongs to no ledger yet.
#[test]
fn another_ledgers_store_is_refused_untouched_unless_nothing_was_acknowledged() {
    let t = record_a_group();
    let cut = t.writes.len() / 2;
    let torn = memory_store(t.before.iter().cloned().chain(t.writes[..cut].to_vec()));
    let untouched = everything(&*torn);
    let e = open_as(torn.clone(), "tiezheng.test/other").err().unwrap();
    assert!(
        e.to_string()
            .contains("belongs to ledger \"tiezheng.test/ledger\", not \"tiezheng.test/other\""),
        "{e}"
    );
    assert!(everything(&*torn) == untouched);

    let store = Arc::new(Recording::default());
    store.record.store(true, SeqCst);
    let _f = with_store(store.clone());
    let (_, first) = store.groups.lock()[0].clone();
    let torn = memory_store(first[..first.len() - 1].to_vec());
    let ledger = open_as(torn.clone(), "tiezheng.test/other").unwrap();
    assert_eq!(ledger.size(), 0);
    assert!(contents(everything(&*torn)).is_empty());
}
