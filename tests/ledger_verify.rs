//! Full verification: a clean ledger passes; every kind of tampering with the
//! store (done through sled's own API, so sled sees nothing wrong) is found
//! and the first bad entry named.

mod common;

use common::*;
use std::sync::Arc;
use tiezheng::entry::StoredEntry;
use tiezheng::store::{entry_key, meta_key, SledStore};
use tiezheng::verify::ProblemKind;

/// A sled ledger of `n` penalties, closed; returns the directory and the
/// checkpoint seed to reopen it.
fn closed_ledger(n: u64) -> (tempfile::TempDir, [u8; 32]) {
    let dir = tempfile::tempdir().unwrap();
    let f = sled(dir.path());
    for i in 0..n {
        f.ledger
            .append(&signed(&penalty(i), &[&f.officer]))
            .unwrap();
    }
    let report = f.ledger.verify_full(&|_, _| {});
    assert!(report.ok, "{:?}", report.problem);
    f.ledger.shutdown();
    (dir, f.checkpoint_seed)
}

/// Rewrites entry `seq` through sled's API, then verifies.
fn tamper(seq: u64, edit: impl FnOnce(&mut StoredEntry)) -> tiezheng::verify::VerifyReport {
    let (dir, seed) = closed_ledger(20);
    {
        let store = SledStore::open(dir.path()).unwrap();
        let key = entry_key(seq);
        let mut e = StoredEntry::decode(&store.tree().get(&key).unwrap().unwrap()).unwrap();
        edit(&mut e);
        store.tree().insert(key, e.encode()).unwrap();
        store.tree().flush().unwrap();
    }
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    ledger.verify_full(&|_, _| {})
}

fn problem(r: &tiezheng::verify::VerifyReport) -> (Option<u64>, ProblemKind) {
    assert!(!r.ok);
    let p = r.problem.as_ref().expect("a problem");
    (p.seq, p.kind)
}

#[test]
fn an_untouched_ledger_verifies() {
    let (dir, seed) = closed_ledger(50);
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    let r = ledger.verify_full(&|_, _| {});
    assert!(r.ok, "{:?}", r.problem);
    assert_eq!(r.entries, ledger.size());
    assert_eq!(r.checkpoint_size, Some(ledger.size()));
    assert_eq!(r.root, Some(ledger.checkpoint().root.to_hex()));
}

#[test]
fn a_rewritten_body_is_named() {
    let r = tamper(9, |e| {
        let mut s = tiezheng::statement::Statement::from_body_bytes(e.body.as_ref().unwrap())
            .unwrap()
            .to_json();
        s.payload = serde_json::json!({"amount_fen": 1});
        e.body = Some(
            tiezheng::statement::Statement::from_json(&s)
                .unwrap()
                .body_bytes(),
        );
    });
    assert_eq!(problem(&r), (Some(9), ProblemKind::BodyHashMismatch));
}

#[test]
fn a_rewritten_body_with_a_matching_body_hash_breaks_the_signature() {
    let r = tamper(10, |e| {
        let mut s = tiezheng::statement::Statement::from_body_bytes(e.body.as_ref().unwrap())
            .unwrap()
            .to_json();
        s.subject = "someone else".into();
        let b = tiezheng::statement::Statement::from_json(&s)
            .unwrap()
            .body_bytes();
        e.leaf.body_hash = tiezheng::hash::body_hash(&b);
        e.body = Some(b);
    });
    assert_eq!(problem(&r), (Some(10), ProblemKind::BadSignature));
}

#[test]
fn a_backdated_recorded_time_is_named() {
    let r = tamper(12, |e| e.leaf.recorded_at_ms -= 86_400_000);
    // The leaf hash changes, so either the clock or the stored tree hash catches it first.
    let (seq, kind) = problem(&r);
    assert_eq!(seq, Some(12));
    assert!(
        matches!(
            kind,
            ProblemKind::TimeReversed | ProblemKind::TreeHashMismatch
        ),
        "{kind:?}"
    );
}

#[test]
fn a_broken_chain_link_is_named() {
    let r = tamper(7, |e| e.leaf.prev.0[0] ^= 1);
    assert_eq!(problem(&r), (Some(7), ProblemKind::ChainBroken));
}

#[test]
fn a_dropped_signature_is_named() {
    let r = tamper(5, |e| e.leaf.signatures.clear());
    assert_eq!(problem(&r), (Some(5), ProblemKind::Registry));
}

#[test]
fn garbage_bytes_are_named_not_a_panic() {
    let (dir, seed) = closed_ledger(20);
    {
        let store = SledStore::open(dir.path()).unwrap();
        store.tree().insert(entry_key(4), vec![0xde, 0xad]).unwrap();
        store.tree().flush().unwrap();
    }
    // Opening reads only the head and registry entries; verification finds it.
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    assert_eq!(
        problem(&ledger.verify_full(&|_, _| {})),
        (Some(4), ProblemKind::Undecodable)
    );
}

#[test]
fn a_missing_entry_is_named() {
    let (dir, seed) = closed_ledger(20);
    {
        let store = SledStore::open(dir.path()).unwrap();
        store.tree().remove(entry_key(15)).unwrap();
        store.tree().flush().unwrap();
    }
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    assert_eq!(
        problem(&ledger.verify_full(&|_, _| {})),
        (Some(15), ProblemKind::Missing)
    );
}

#[test]
fn a_checkpoint_signed_by_another_key_is_refused() {
    let (dir, _) = closed_ledger(3);
    // Reopened with another checkpoint key: the stored checkpoint is not ours.
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), [9; 32]);
    let r = ledger.verify_full(&|_, _| {});
    assert_eq!(problem(&r).1, ProblemKind::Checkpoint);
}

#[test]
fn a_swapped_tree_size_is_found() {
    let (dir, seed) = closed_ledger(20);
    {
        let store = SledStore::open(dir.path()).unwrap();
        store
            .tree()
            .insert(meta_key("size"), 40u64.to_be_bytes().to_vec())
            .unwrap();
        store.tree().flush().unwrap();
    }
    let store: Arc<dyn tiezheng::store::Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    // The head names an entry that does not exist: opening is refused, not a panic.
    assert!(tiezheng::Ledger::open(
        store.clone(),
        tiezheng::LedgerConfig {
            origin: ORIGIN.into(),
            checkpoint_key: tiezheng::keys::Keypair::from_seed(seed),
            policy: Arc::new(tiezheng::policy::AnyKind),
        }
    )
    .is_err());
    let trust = tiezheng::verify::Trust {
        origin: ORIGIN.into(),
        verifier_key: tiezheng::checkpoint::LedgerSigner::new(
            ORIGIN,
            tiezheng::keys::Keypair::from_seed(seed),
        )
        .unwrap()
        .verifier_key(),
        roots: None,
    };
    let r = tiezheng::verify::verify_store(&*store, trust, &|_, _| {});
    assert_eq!(problem(&r).1, ProblemKind::Missing);
}

#[test]
fn an_export_verifies_and_proves_it_extends_an_old_checkpoint() {
    let f = memory();
    for i in 0..30 {
        f.ledger
            .append(&signed(&penalty(i), &[&f.officer]))
            .unwrap();
    }
    let old = f.ledger.checkpoint().note;
    for i in 30..45 {
        f.ledger
            .append(&signed(&penalty(i), &[&f.officer]))
            .unwrap();
    }
    let bytes: Vec<u8> = tiezheng::export::ExportStream::new(f.ledger.clone())
        .flat_map(|c| c.unwrap())
        .collect();
    let trust = tiezheng::verify::Trust {
        origin: ORIGIN.into(),
        verifier_key: f.ledger.verifier_key(),
        roots: Some([f.root.public()].into_iter().collect()),
    };
    let r = tiezheng::export::verify_export(
        &mut bytes.as_slice(),
        trust.clone(),
        Some(&old),
        &|_, _| {},
    );
    assert!(r.ok, "{:?}", r.problem);
    // Truncated export: named, not a panic.
    let cut = &bytes[..bytes.len() - 10];
    let r = tiezheng::export::verify_export(&mut &cut[..], trust.clone(), None, &|_, _| {});
    assert_eq!(problem(&r).1, ProblemKind::Missing);
    // Pinned roots that differ: refused.
    let mut other = trust.clone();
    other.roots = Some(
        [tiezheng::keys::Keypair::generate().public()]
            .into_iter()
            .collect(),
    );
    let r = tiezheng::export::verify_export(&mut bytes.as_slice(), other, None, &|_, _| {});
    assert_eq!(problem(&r), (Some(0), ProblemKind::UntrustedRoots));
}

#[test]
fn a_rewritten_history_does_not_extend_the_saved_checkpoint() {
    // Two ledgers with the same keys but different histories: the second's
    // export must not pass as an extension of the first's checkpoint.
    let a = memory();
    a.ledger
        .append(&signed(&penalty(1), &[&a.officer]))
        .unwrap();
    let saved = a.ledger.checkpoint().note;
    let b = memory(); // same checkpoint key seed, different root and entries
    for i in 0..5 {
        b.ledger
            .append(&signed(&penalty(100 + i), &[&b.officer]))
            .unwrap();
    }
    let bytes: Vec<u8> = tiezheng::export::ExportStream::new(b.ledger.clone())
        .flat_map(|c| c.unwrap())
        .collect();
    let trust = tiezheng::verify::Trust {
        origin: ORIGIN.into(),
        verifier_key: b.ledger.verifier_key(),
        roots: None,
    };
    let r = tiezheng::export::verify_export(&mut bytes.as_slice(), trust, Some(&saved), &|_, _| {});
    assert_eq!(problem(&r).1, ProblemKind::NotAnExtension);
}

#[test]
fn a_rewritten_stored_tree_hash_is_named() {
    let (dir, seed) = closed_ledger(20);
    {
        let store = SledStore::open(dir.path()).unwrap();
        let key = tiezheng::store::hash_key(13);
        let mut v = store.tree().get(&key).unwrap().unwrap().to_vec();
        v[0] ^= 1;
        store.tree().insert(key, v).unwrap();
        store.tree().flush().unwrap();
    }
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    assert_eq!(
        problem(&ledger.verify_full(&|_, _| {})),
        (Some(13), ProblemKind::TreeHashMismatch)
    );
}

/// A sled ledger written by 16 threads at once (group commits of several
/// entries, stored in runs), closed.
fn concurrent_ledger() -> (tempfile::TempDir, [u8; 32]) {
    let dir = tempfile::tempdir().unwrap();
    let seed = {
        let f = sled(dir.path());
        append_concurrently(&f.ledger, &f.officer, 16, 25, |t, i| penalty(t * 1000 + i));
        f.ledger.shutdown();
        f.checkpoint_seed
    };
    (dir, seed)
}

/// A closed sled ledger of `n` penalties whose entries are stored in runs of
/// five (store::runs), whatever group commits wrote them: the layout is
/// rewritten through sled's API, so these tests do not depend on how many
/// appends happened to share a commit. Verification passes on it.
fn ledger_in_runs(n: u64) -> (tempfile::TempDir, [u8; 32]) {
    let (dir, seed) = closed_ledger(n);
    {
        let store = SledStore::open(dir.path()).unwrap();
        let mut entries = Vec::new();
        let mut batch = sled::Batch::default();
        for kv in store.tree().scan_prefix(b"E") {
            let (k, v) = kv.unwrap();
            let first = u64::from_be_bytes(k[1..].try_into().unwrap());
            batch.remove(k);
            entries.extend(tiezheng::store::runs::split(first, &v));
        }
        for run in entries.chunks(5) {
            let bytes: Vec<u8> = run.iter().flat_map(|(_, b)| b.clone()).collect();
            batch.insert(entry_key(run[0].0), bytes);
        }
        store.tree().apply_batch(batch).unwrap();
        store.tree().flush().unwrap();
    }
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    let r = ledger.verify_full(&|_, _| {});
    assert!(r.ok, "{:?}", r.problem);
    assert_eq!(ledger.entry(n - 1).unwrap().seq, n - 1);
    ledger.shutdown();
    (dir, seed)
}

/// Run `first`'s entries, as `ledger_in_runs` stored them.
fn run_entries(store: &SledStore, first: u64) -> Vec<Vec<u8>> {
    let v = store.tree().get(entry_key(first)).unwrap().unwrap();
    tiezheng::store::runs::split(first, &v)
        .into_iter()
        .map(|(_, b)| b)
        .collect()
}

#[test]
fn an_entry_rewritten_inside_a_run_is_named() {
    let (dir, seed) = ledger_in_runs(22);
    {
        let store = SledStore::open(dir.path()).unwrap();
        let mut entries = run_entries(&store, 10);
        assert_eq!(entries.len(), 5);
        let mut e = StoredEntry::decode(&entries[2]).unwrap();
        e.leaf.signatures.clear();
        entries[2] = e.encode();
        store
            .tree()
            .insert(entry_key(10), entries.concat())
            .unwrap();
        store.tree().flush().unwrap();
    }
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    let (seq, kind) = problem(&ledger.verify_full(&|_, _| {}));
    assert_eq!(seq, Some(12), "{kind:?}");
}

#[test]
fn a_run_cut_short_or_removed_is_named_at_its_first_lost_entry() {
    let (dir, seed) = ledger_in_runs(22);
    {
        let store = SledStore::open(dir.path()).unwrap();
        let entries = run_entries(&store, 10);
        let mut cut = entries.concat();
        cut.truncate(entries[0].len() + entries[1].len() + 5);
        store.tree().insert(entry_key(10), cut).unwrap();
        store.tree().flush().unwrap();
    }
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    assert_eq!(
        problem(&ledger.verify_full(&|_, _| {})),
        (Some(12), ProblemKind::Undecodable)
    );
    ledger.shutdown();
    drop(ledger);
    {
        let store = SledStore::open(dir.path()).unwrap();
        store.tree().remove(entry_key(10)).unwrap();
        store.tree().flush().unwrap();
    }
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    assert_eq!(
        problem(&ledger.verify_full(&|_, _| {})),
        (Some(10), ProblemKind::Missing)
    );
}

#[test]
fn a_run_with_bytes_past_its_last_entry_is_named_where_it_overlaps() {
    let (dir, seed) = ledger_in_runs(22);
    {
        let store = SledStore::open(dir.path()).unwrap();
        // Run 5 claims a sixth entry: a copy of entry 10, which run 10 holds.
        let mut entries = run_entries(&store, 5);
        entries.push(run_entries(&store, 10)[0].clone());
        store.tree().insert(entry_key(5), entries.concat()).unwrap();
        store.tree().flush().unwrap();
    }
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    assert_eq!(
        problem(&ledger.verify_full(&|_, _| {})),
        (Some(10), ProblemKind::Storage)
    );
}

/// Proofs read from the store (no cached hashes: a freshly opened ledger)
/// after concurrent group commits verify against the ledger's roots.
#[test]
fn proofs_read_from_the_store_after_concurrent_groups_verify() {
    let (dir, seed) = concurrent_ledger();
    let ledger = open(Arc::new(SledStore::open(dir.path()).unwrap()), seed);
    let cp = ledger.checkpoint();
    assert_eq!(cp.size, 402);
    for seq in (0..cp.size).step_by(7) {
        let leaf = ledger.entry(seq).unwrap().leaf_hash;
        for size in [seq + 1, (seq + 50).min(cp.size), cp.size] {
            let proof = ledger.inclusion_proof(seq, size).unwrap();
            let root = ledger.root(size).unwrap();
            assert!(
                tiezheng::merkle::check_inclusion(&proof, size, root, seq, leaf),
                "entry {seq} in {size}"
            );
        }
    }
    assert_eq!(ledger.root(cp.size).unwrap(), cp.root);
    let r = ledger.verify_full(&|_, _| {});
    assert!(r.ok, "{:?}", r.problem);
}

/// Verification checks one chunk's order-free work while it replays the one
/// before: problems must still be named in ledger order, across chunks.
#[test]
fn problems_are_named_in_ledger_order_across_chunks() {
    use tiezheng::store::MemoryStore;
    let store = Arc::new(MemoryStore::new());
    let f = with_store(store.clone());
    append_concurrently(&f.ledger, &f.officer, 8, 540, |t, i| {
        penalty(t * 10_000 + i)
    });
    let size = f.ledger.size();
    assert!(size > tiezheng::verify::CHUNK + 200, "{size} entries");
    let r = f.ledger.verify_full(&|_, _| {});
    assert!(r.ok, "{:?}", r.problem);
    assert_eq!(r.entries, size);
    assert_eq!(r.signatures, size);

    // Whatever group commits wrote, store the entries in runs of seven, so
    // that every edited entry sits inside a run and a run spans the boundary
    // between the first two chunks.
    let mut runs = StoredRuns::load(&store);
    runs.relayout(&store, 7);
    assert!(runs
        .runs
        .iter()
        .any(|(f, n)| *f < tiezheng::verify::CHUNK && f + n > tiezheng::verify::CHUNK));
    assert!(f.ledger.verify_full(&|_, _| {}).ok);
    let original = |seq: u64| runs.entries[seq as usize].clone().unwrap();
    let late = tiezheng::verify::CHUNK + 100;
    let (a, b) = (original(late), original(late + 50));
    let (early, last) = (original(100), original(size - 3));
    // Two problems in the second chunk: the first is named.
    runs.set(&store, late, Some(vec![0xde, 0xad]));
    runs.set(&store, late + 50, Some(vec![0xbe, 0xef]));
    assert_eq!(
        problem(&f.ledger.verify_full(&|_, _| {})),
        (Some(late), ProblemKind::Undecodable)
    );
    // A bad signature in the first chunk comes before them.
    let mut e = StoredEntry::decode(&early).unwrap();
    e.leaf.signatures[0].signature.0[9] ^= 1;
    runs.set(&store, 100, Some(e.encode()));
    assert_eq!(
        problem(&f.ledger.verify_full(&|_, _| {})),
        (Some(100), ProblemKind::BadSignature)
    );
    // A missing entry late in the last chunk comes after a problem before it.
    runs.set(&store, 100, Some(early));
    runs.set(&store, late + 50, Some(b));
    runs.set(&store, size - 3, None);
    assert_eq!(
        problem(&f.ledger.verify_full(&|_, _| {})),
        (Some(late), ProblemKind::Undecodable)
    );
    runs.set(&store, late, Some(a));
    assert_eq!(
        problem(&f.ledger.verify_full(&|_, _| {})),
        (Some(size - 3), ProblemKind::Missing)
    );
    runs.set(&store, size - 3, Some(last));
    assert!(f.ledger.verify_full(&|_, _| {}).ok);
}

/// A memory store's entries and the runs (one key per group commit) they are
/// stored in, so a test can change one entry and write its run back.
struct StoredRuns {
    entries: Vec<Option<Vec<u8>>>,
    /// (first entry, entries) of each run.
    runs: Vec<(u64, u64)>,
}

impl StoredRuns {
    fn load(store: &tiezheng::store::MemoryStore) -> Self {
        use tiezheng::store::Store;
        let mut me = StoredRuns {
            entries: vec![],
            runs: vec![],
        };
        for (k, v) in store.scan(b"E", b"F", false, usize::MAX).unwrap() {
            let first = u64::from_be_bytes(k[1..].try_into().unwrap());
            assert_eq!(first, me.entries.len() as u64, "runs are contiguous");
            let split = tiezheng::store::runs::split(first, &v);
            me.runs.push((first, split.len() as u64));
            me.entries.extend(split.into_iter().map(|(_, b)| Some(b)));
        }
        me
    }

    /// Stores the same entries in runs of `len`.
    fn relayout(&mut self, store: &tiezheng::store::MemoryStore, len: u64) {
        for (first, _) in &self.runs {
            store.raw_remove(&entry_key(*first));
        }
        self.runs = (0..self.entries.len() as u64)
            .step_by(len as usize)
            .map(|f| (f, len.min(self.entries.len() as u64 - f)))
            .collect();
        for &(first, n) in &self.runs {
            let bytes: Vec<u8> = self.entries[first as usize..(first + n) as usize]
                .iter()
                .flat_map(|e| e.clone().unwrap())
                .collect();
            store.raw_put(entry_key(first), bytes);
        }
    }

    /// Sets (or, with `None`, removes) entry `seq` and rewrites its run: a run
    /// ends at its first removed entry.
    fn set(&mut self, store: &tiezheng::store::MemoryStore, seq: u64, bytes: Option<Vec<u8>>) {
        self.entries[seq as usize] = bytes;
        let &(first, len) = self
            .runs
            .iter()
            .find(|(f, n)| (*f..f + n).contains(&seq))
            .unwrap();
        let value: Vec<u8> = self.entries[first as usize..(first + len) as usize]
            .iter()
            .map_while(Clone::clone)
            .flatten()
            .collect();
        if value.is_empty() {
            store.raw_remove(&entry_key(first));
        } else {
            store.raw_put(entry_key(first), value);
        }
    }
}
