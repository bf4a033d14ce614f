//! A crash in the middle of writing a group commit.
//!
//! The writer stores a group key by key, the tree size last, and the store
//! keeps a prefix of those writes after a crash. These tests record the exact
//! writes of a real six-entry group, build the store a crash could leave
//! after each prefix of them (and after other subsets), open the ledger on it
//! and check that the torn group is gone without a trace: the size is the
//! one before it, no key of its entries is left, everything verifies, every
//! index lists only entries that exist, and the group's statements can be
//! appended again as new entries.

mod common;

use common::*;
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use tiezheng::ledger::Query;
use tiezheng::statement::StatementJson;
use tiezheng::store::{
    entry_key, hash_key, prefix_end, Index, MemoryStore, Pair, SledStore, Store, StoreError,
    WriteBatch,
};
use tiezheng::Ledger;

/// A memory store that can hold the writer in `sync` and records each group
/// it writes together with the whole store as it was before that group.
#[derive(Default)]
struct Recording {
    inner: MemoryStore,
    hold: Mutex<bool>,
    released: Condvar,
    record: AtomicBool,
    groups: Mutex<Vec<(Vec<Pair>, WriteBatch)>>,
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
        self.inner.apply_in_order(batch)
    }
    fn sync(&self) -> Result<(), StoreError> {
        let mut hold = self.hold.lock();
        while *hold {
            self.released.wait(&mut hold);
        }
        Ok(())
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

/// What a crash test starts from: the store before a six-entry group, that
/// group's writes in order, and the ledger's keys.
struct Torn {
    before: Vec<Pair>,
    writes: WriteBatch,
    size_before: u64,
    statements: Vec<StatementJson>,
    /// The seq each statement got in the group (the writer takes them in the
    /// order they queued).
    original_seqs: Vec<u64>,
    f: Fixture,
}

/// Appends a little history, then makes the writer commit statements
/// 100..106 as one group and records that group's writes.
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
        // ...while six more queue up behind it and so form the next group.
        let rest: Vec<_> = statements
            .iter()
            .map(|s| scope.spawn(move || ledger.append(&signed(s, &[officer])).unwrap()))
            .collect();
        wait_for("six appends queued", || {
            ledger.metrics().queued.load(SeqCst) == 6
        });
        store.set_hold(false);
        assert_eq!(first.join().unwrap().seq, size_before - 1);
        let seqs: Vec<_> = rest.into_iter().map(|h| h.join().unwrap().seq).collect();
        original_seqs.clone_from(&seqs);
        let mut seqs = seqs;
        seqs.sort_unstable();
        assert_eq!(seqs, (size_before..size_before + 6).collect::<Vec<_>>());
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
        original_seqs,
        f,
    }
}

/// Every key of an entry numbered `size` or more.
fn keys_at_or_past(store: &dyn Store, size: u64) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for (start, tag) in [(entry_key(size), b'E'), (hash_key(size), b'H')] {
        let found = store
            .scan(&start, &prefix_end(&[tag]), false, usize::MAX)
            .unwrap();
        out.extend(found.into_iter().map(|(k, _)| k));
    }
    for (k, v) in store.scan(b"B", b"C", false, usize::MAX).unwrap() {
        if u64::from_be_bytes(v.as_slice().try_into().unwrap()) >= size {
            out.push(k);
        }
    }
    for index in [Index::Case, Index::Subject, Index::Kind, Index::Signer] {
        let tag = [index.tag()];
        for (k, _) in store
            .scan(&tag, &prefix_end(&tag), false, usize::MAX)
            .unwrap()
        {
            if Index::seq_of(&k).unwrap() >= size {
                out.push(k);
            }
        }
    }
    out
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
    let expected = t.size_before + if whole { 6 } else { 0 };
    assert_eq!(size, expected, "{what}: size");
    assert_eq!(
        keys_at_or_past(&*store, size),
        Vec::<Vec<u8>>::new(),
        "{what}"
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
    let signed_by = listed(&ledger, q);
    assert_eq!(signed_by.last(), Some(&(size - 1)), "{what}: signer");
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
    marker.extend_from_slice(&(t.size_before + 6).to_be_bytes());
    assert_eq!(w.first().unwrap().1, marker);
    assert_eq!(w.last().unwrap().0, b"Msize");
    assert_eq!(w.last().unwrap().1, (t.size_before + 6).to_be_bytes());
    let position = |tag: u8| w.iter().position(|(k, _)| k[0] == tag).unwrap();
    let last = |tag: u8| w.iter().rposition(|(k, _)| k[0] == tag).unwrap();
    assert!(
        last(b'E') < position(b'B'),
        "an entry run after a body-index key"
    );
    assert!(last(b'E') < position(b'H'));
    // Six entries, but postings shared by the group: fewer keys than entries
    // for the kind and the signer.
    assert_eq!(w.iter().filter(|(k, _)| k[0] == b'B').count(), 6);
    assert_eq!(w.iter().filter(|(k, _)| k[0] == b'K').count(), 1);
    assert_eq!(w.iter().filter(|(k, _)| k[0] == b'C').count(), 2);
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
