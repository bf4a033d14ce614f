//! Appending: sequencing, receipts, duplicates, references, signatures.

mod common;

use common::*;
use tiezheng::checkpoint::verify_checkpoint;
use tiezheng::error::AppendError;
use tiezheng::merkle::check_inclusion;
use tiezheng::statement::SignatureError;

#[test]
fn appends_get_contiguous_numbers_and_a_hash_chain() {
    let f = memory();
    let base = f.ledger.size();
    let mut prev = f.ledger.entry(base - 1).unwrap().leaf_hash;
    for n in 0..10 {
        let r = f
            .ledger
            .append(&signed(&penalty(n), &[&f.officer]))
            .unwrap();
        assert_eq!(r.seq, base + n);
        let e = f.ledger.entry(r.seq).unwrap();
        assert_eq!(e.prev, prev);
        prev = e.leaf_hash;
    }
    assert_eq!(f.ledger.size(), base + 10);
}

#[test]
fn a_receipt_verifies_offline_against_its_checkpoint() {
    let f = memory();
    let r = f
        .ledger
        .append(&signed(&penalty(1), &[&f.officer]))
        .unwrap();
    let cp = verify_checkpoint(&r.checkpoint, &f.ledger.verifier_key()).unwrap();
    assert_eq!(cp.size, r.tree_size);
    assert!(r.seq < cp.size);
    assert!(check_inclusion(
        &r.inclusion_proof,
        cp.size,
        cp.root,
        r.seq,
        r.leaf_hash
    ));
    assert!(!check_inclusion(
        &r.inclusion_proof,
        cp.size,
        cp.root,
        r.seq,
        r.body_hash
    ));
}

#[test]
fn recorded_at_comes_from_the_ledger_clock_and_never_decreases() {
    let f = memory();
    let mut last = i64::MIN;
    for n in 0..5 {
        let r = f
            .ledger
            .append(&signed(&penalty(n), &[&f.officer]))
            .unwrap();
        assert!(r.recorded_at_ms >= last);
        // The client's signed_at_ms (2025) is kept in the body, not used as the time.
        assert_ne!(r.recorded_at_ms, penalty(n).signed_at_ms);
        last = r.recorded_at_ms;
    }
}

#[test]
fn the_same_signed_statement_twice_is_stored_once() {
    let f = memory();
    let s = signed(&penalty(7), &[&f.officer]);
    let first = f.ledger.append(&s).unwrap();
    let size = f.ledger.size();
    let again = f.ledger.append(&s).unwrap();
    assert!(again.duplicate && !first.duplicate);
    assert_eq!((again.seq, again.leaf_hash), (first.seq, first.leaf_hash));
    assert_eq!(f.ledger.size(), size);
}

#[test]
fn the_same_body_with_other_signatures_is_a_conflict() {
    let f = memory();
    let other = tiezheng::keys::Keypair::generate();
    enrol(
        &f.ledger,
        &f.root,
        &other,
        &["penalty_decision"],
        false,
        "2020-01-01",
        None,
    )
    .unwrap();
    f.ledger
        .append(&signed(&penalty(8), &[&f.officer]))
        .unwrap();
    let size = f.ledger.size();
    let err = f
        .ledger
        .append(&signed(&penalty(8), &[&f.officer, &other]))
        .unwrap_err();
    assert!(
        matches!(err, AppendError::ConflictingDuplicate { .. }),
        "{err}"
    );
    assert_eq!(f.ledger.size(), size);
}

#[test]
fn several_officers_can_sign_one_statement() {
    let f = memory();
    let second = tiezheng::keys::Keypair::generate();
    enrol(
        &f.ledger,
        &f.root,
        &second,
        &["penalty_decision"],
        false,
        "2020-01-01",
        None,
    )
    .unwrap();
    let r = f
        .ledger
        .append(&signed(&penalty(9), &[&f.officer, &second]))
        .unwrap();
    assert_eq!(f.ledger.entry(r.seq).unwrap().signatures.len(), 2);
}

#[test]
fn a_reference_to_a_missing_entry_is_refused_and_nothing_stored() {
    let f = memory();
    let mut s = penalty(10);
    s.refs = vec!["ab".repeat(32)];
    let size = f.ledger.size();
    let err = f.ledger.append(&signed(&s, &[&f.officer])).unwrap_err();
    assert!(
        matches!(err, AppendError::MissingRef { index: 0, .. }),
        "{err}"
    );
    assert_eq!(f.ledger.size(), size);
}

#[test]
fn a_reference_to_an_existing_entry_is_accepted() {
    let f = memory();
    let a = f
        .ledger
        .append(&signed(&penalty(11), &[&f.officer]))
        .unwrap();
    let mut s = penalty(12);
    s.refs = vec![a.body_hash.to_hex()];
    assert!(f.ledger.append(&signed(&s, &[&f.officer])).is_ok());
}

#[test]
fn a_signature_made_for_another_ledger_is_refused() {
    let f = memory();
    let s = tiezheng::builders::sign("some.other/ledger", &penalty(13), &[&f.officer]).unwrap();
    let size = f.ledger.size();
    let err = f.ledger.append(&s).unwrap_err();
    assert!(
        matches!(
            err,
            AppendError::Signature(SignatureError::Invalid { index: 0, .. })
        ),
        "{err}"
    );
    assert_eq!(f.ledger.size(), size);
}

#[test]
fn a_statement_changed_after_signing_is_refused() {
    let f = memory();
    let mut s = signed(&penalty(14), &[&f.officer]);
    s.statement.payload = serde_json::json!({"amount_fen": 1});
    assert!(matches!(
        f.ledger.append(&s).unwrap_err(),
        AppendError::Signature(_)
    ));
}

#[test]
fn an_unsigned_statement_is_refused() {
    let f = memory();
    let s = tiezheng::statement::SignedStatementJson {
        statement: penalty(15),
        signatures: vec![],
    };
    assert!(matches!(
        f.ledger.append(&s).unwrap_err(),
        AppendError::Signature(SignatureError::None)
    ));
}

#[test]
fn a_float_in_the_payload_is_refused_naming_the_field() {
    let f = memory();
    let mut s = penalty(16);
    s.payload = serde_json::json!({"amount_fen": 10.5});
    match tiezheng::builders::sign(ORIGIN, &s, &[&f.officer]) {
        Err(e) => assert_eq!(e.field, "statement.payload.amount_fen"),
        Ok(_) => panic!("a float payload must not canonicalise"),
    }
}

/// A memory store that counts reads of stored tree hashes (`H` keys).
struct CountingHashReads {
    inner: std::sync::Arc<tiezheng::store::MemoryStore>,
    reads: std::sync::atomic::AtomicU64,
}

impl tiezheng::store::Store for CountingHashReads {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, tiezheng::store::StoreError> {
        if key.first() == Some(&b'H') {
            self.reads
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.inner.get(key)
    }
    fn scan(
        &self,
        start: &[u8],
        end: &[u8],
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<tiezheng::store::Pair>, tiezheng::store::StoreError> {
        self.inner.scan(start, end, reverse, limit)
    }
    fn commit(
        &self,
        batch: tiezheng::store::WriteBatch,
    ) -> Result<(), tiezheng::store::StoreError> {
        self.inner.commit(batch)
    }
}

/// After a restart, the records of the tree's left edge were written by the
/// earlier process; the hash cache must keep them once read, or every root
/// and receipt reads them from the store again.
#[test]
fn after_a_restart_appends_stop_reading_tree_hashes_from_the_store() {
    use std::sync::atomic::Ordering::Relaxed;
    let mem = std::sync::Arc::new(tiezheng::store::MemoryStore::new());
    let f = with_store(mem.clone());
    for i in 0..2100 {
        f.ledger
            .append(&signed(&penalty(i), &[&f.officer]))
            .unwrap();
    }
    f.ledger.shutdown();
    let counting = std::sync::Arc::new(CountingHashReads {
        inner: mem,
        reads: Default::default(),
    });
    let ledger = open(counting.clone(), f.checkpoint_seed);
    // Past the next 64-leaf boundary (2,112), no record from before the
    // restart but the left edge is needed any more.
    for i in 0..40 {
        ledger
            .append(&signed(&penalty(10_000 + i), &[&f.officer]))
            .unwrap();
    }
    let before = counting.reads.load(Relaxed);
    for i in 0..20 {
        let r = ledger
            .append(&signed(&penalty(20_000 + i), &[&f.officer]))
            .unwrap();
        assert!(check_inclusion(
            &r.inclusion_proof,
            r.tree_size,
            verify_checkpoint(&r.checkpoint, &ledger.verifier_key())
                .unwrap()
                .root,
            r.seq,
            r.leaf_hash
        ));
    }
    assert_eq!(counting.reads.load(Relaxed) - before, 0);
}
