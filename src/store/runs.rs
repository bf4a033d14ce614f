//! Entries stored in runs: one key per group commit, not one per entry.
//!
//! `E` first_seq (u64 BE) holds the encodings (docs/format.md, "Entries") of
//! entries `first_seq, first_seq + 1, …` back to back. Each encoding says its
//! own length, so a run needs no framing, and a run of one entry is byte for
//! byte the layout from before runs existed: stores written then read
//! unchanged.
//!
//! Why: sled 0.34 splits a leaf node every 16 keys and writes both halves to
//! its log, so its cost grows with the number of keys written. With
//! `TIEZHENG_BENCH_ONLY=appends64 TIEZHENG_BENCH_ENTRIES=30000`, alternating
//! runs gave 9,227 / 10,338 / 11,404 appends/s with runs against 9,695 /
//! 9,555 / 8,983 with one key per entry.
//!
//! A run holds at most [`MAX_RUN_BYTES`] (or one entry, if that is larger),
//! so that a leaf of 17 runs stays under sled's blob threshold (a quarter of
//! its 512 KiB segment): sled writes a larger node to a separate blob file
//! without fsync, and its recovery skips a blob file that is missing. A
//! 30,000-entry HTTP run with uncapped runs left 7 blob files
//! (docs/performance.md has the commands); tests/
//! store_blobs.rs shows the cap keeps them out and 20 KiB runs do not.

use super::{entry_key, Store, StoreError};

/// The most bytes of entries one run holds, unless its single entry is
/// larger. 17 of them, with keys and sled's framing, stay under sled's blob
/// threshold of 128 KiB less a header.
pub const MAX_RUN_BYTES: usize = 6 * 1024;

/// A run being built: stored under `entry_key(first)`.
#[derive(Debug, Default)]
pub struct Run {
    /// Its first entry.
    pub first: u64,
    /// How many entries it holds.
    pub entries: u64,
    /// Their encodings, back to back.
    pub bytes: Vec<u8>,
}

/// Adds entry `seq`'s encoding to the last run, or starts a new run if that
/// would pass [`MAX_RUN_BYTES`] or `seq` does not follow it.
pub fn push(runs: &mut Vec<Run>, seq: u64, encoded: Vec<u8>) {
    if let Some(run) = runs.last_mut() {
        if run.first + run.entries == seq && run.bytes.len() + encoded.len() <= MAX_RUN_BYTES {
            run.bytes.extend_from_slice(&encoded);
            run.entries += 1;
            return;
        }
    }
    runs.push(Run {
        first: seq,
        entries: 1,
        bytes: encoded,
    });
}

/// Leaf fields before the signature count: seq, recorded_at_ms, prev, body_hash.
const LEAF_FIXED: usize = 8 + 8 + 32 + 32;
/// One signature: public key and signature.
const SIGNATURE: usize = 32 + 64;

/// The length of the entry encoding at the start of `b`, read from its
/// length fields, or `None` if they do not fit in `b`.
///
/// This reads the layout docs/format.md gives for `StoredEntry` rather than
/// decoding with `crate::codec`: verification decodes each entry anyway, and
/// a split that decoded too would do it twice on the verify path. The
/// `entry_len_reads_the_encodings_own_lengths` test ties the two together.
fn entry_len(b: &[u8]) -> Option<usize> {
    let u64_at = |at: usize| -> Option<usize> {
        let raw = b.get(at..at.checked_add(8)?)?;
        usize::try_from(u64::from_le_bytes(raw.try_into().ok()?)).ok()
    };
    let signatures = u64_at(LEAF_FIXED)?;
    let mut at = (LEAF_FIXED + 8).checked_add(signatures.checked_mul(SIGNATURE)?)?;
    match *b.get(at)? {
        0 => at += 1,
        1 => {
            let body = u64_at(at + 1)?;
            at = (at + 9).checked_add(body)?;
        }
        _ => return None,
    }
    (at <= b.len()).then_some(at)
}

/// Splits run `v`, which starts at entry `first`, into `(seq, bytes)`. If
/// the rest of a run cannot be split, that rest is returned as one entry:
/// decoding it then names the entry where the damage starts.
pub fn split(first: u64, v: &[u8]) -> Vec<(u64, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = v;
    let mut seq = first;
    while !rest.is_empty() {
        let n = entry_len(rest).unwrap_or(rest.len());
        out.push((seq, rest[..n].to_vec()));
        rest = &rest[n..];
        seq = seq.saturating_add(1);
    }
    out
}

/// The first entry of the run stored under `key`, if it is an entry key.
fn first_of(key: &[u8]) -> Option<u64> {
    match key {
        [b'E', seq @ ..] => Some(u64::from_be_bytes(seq.try_into().ok()?)),
        _ => None,
    }
}

/// Keys under the entry prefix that are not entry keys (only a tampered store
/// has them) that a lookup steps over before it gives up.
const STRAY_KEYS: usize = 16;

/// The run holding entry `seq`, if any: the last entry key at or before it.
fn run_at(store: &dyn Store, seq: u64) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    let end = match seq.checked_add(1) {
        Some(s) => entry_key(s),
        None => vec![b'F'],
    };
    // One key is what an intact store needs; read more only past a stray.
    for limit in [1, 1 + STRAY_KEYS] {
        let found = store.scan(&entry_key(0), &end, true, limit)?;
        let n = found.len();
        if let Some(run) = found
            .into_iter()
            .find_map(|(k, v)| first_of(&k).map(|first| (first, v)))
        {
            return Ok(Some(run));
        }
        if n < limit {
            break;
        }
    }
    Ok(None)
}

/// Entry `seq`'s bytes within run `v` starting at `first`, without copying
/// the others. Past damage in the run, the damaged rest stands for the entry
/// where it starts, as in [`split`].
fn nth(first: u64, v: &[u8], seq: u64) -> Option<Vec<u8>> {
    let mut rest = v;
    let mut at = first;
    while !rest.is_empty() {
        let n = entry_len(rest).unwrap_or(rest.len());
        if at == seq {
            return Some(rest[..n].to_vec());
        }
        rest = &rest[n..];
        at = at.checked_add(1)?;
    }
    None
}

/// The stored bytes of entry `seq`, or `None` if it is not stored.
///
/// # Errors
/// The store fails.
pub fn get(store: &dyn Store, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
    Reader::new(store).get(seq)
}

/// Reads entries one at a time, keeping the last run it read: a page or a
/// case reads entries that mostly share runs, and [`get`] alone costs a
/// missed exact read plus a scan for each entry that is not first in its run.
///
/// In an intact store it returns exactly what [`get`] returns. A store with
/// overlapping runs (only tampering makes them; verification reports them as
/// entries stored twice) holds two copies of some entry, and a reader may
/// return the copy in the run it already holds.
pub struct Reader<'a> {
    store: &'a dyn Store,
    /// The last run read: its first entry and its bytes. Runs never change
    /// once written (each group writes new keys), so it stays valid.
    run: Option<(u64, Vec<u8>)>,
}

impl<'a> Reader<'a> {
    /// A reader with nothing read yet.
    pub fn new(store: &'a dyn Store) -> Self {
        Reader { store, run: None }
    }

    /// The stored bytes of entry `seq`, or `None` if it is not stored.
    ///
    /// # Errors
    /// The store fails.
    pub fn get(&mut self, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some((first, v)) = &self.run {
            if seq >= *first {
                if let Some(bytes) = nth(*first, v, seq) {
                    return Ok(Some(bytes));
                }
            }
        }
        // Most reads hit the first entry of a run (every entry, in a store
        // written one at a time): an exact read, no scan.
        let run = match self.store.get(&entry_key(seq))? {
            Some(v) => Some((seq, v)),
            None => run_at(self.store, seq)?,
        };
        let Some((first, v)) = run else {
            return Ok(None);
        };
        let bytes = nth(first, &v, seq);
        self.run = Some((first, v));
        Ok(bytes)
    }
}

/// Why a scan stopped before `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// This entry is not stored.
    Missing(u64),
    /// A run claims this entry although an earlier run already holds it:
    /// a run with bytes past its last entry, or a second copy.
    StoredTwice(u64),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Missing(seq) => write!(f, "entry {seq} is missing from the store"),
            Stop::StoredTwice(seq) => write!(
                f,
                "entry {seq} is stored twice: under its own key and in the run before it"
            ),
        }
    }
}

/// Entries `(seq, bytes)` read in order, and why reading stopped early, if
/// it did.
pub type Scanned = (Vec<(u64, Vec<u8>)>, Option<Stop>);

/// Entries `from..to` as stored, in order, stopping at the first one that is
/// missing or stored twice (the rows before it are returned).
///
/// A run that ends past `to` is not checked beyond it: the next scan's first
/// run is the one holding its `from`.
///
/// # Errors
/// The store fails.
pub fn scan(store: &dyn Store, from: u64, to: u64) -> Result<Scanned, StoreError> {
    let mut out = Vec::new();
    if from >= to {
        return Ok((out, None));
    }
    // The run holding `from` may start before it; every later run starts at
    // or after it, and each holds at least one entry.
    let start = match run_at(store, from)? {
        Some((first, _)) => first,
        None => from,
    };
    let keys = usize::try_from(to - start)
        .unwrap_or(usize::MAX)
        .saturating_add(STRAY_KEYS);
    let mut want = from;
    for (k, v) in store.scan(&entry_key(start), &entry_key(to), false, keys)? {
        // Not an entry key, so not part of the ledger.
        let Some(first) = first_of(&k) else { continue };
        if first > want {
            break;
        }
        if first < want && first >= from {
            return Ok((out, Some(Stop::StoredTwice(first))));
        }
        for (seq, bytes) in split(first, &v) {
            if seq >= to {
                break;
            }
            if seq == want {
                out.push((seq, bytes));
                want += 1;
            }
        }
    }
    Ok((out, (want < to).then_some(Stop::Missing(want))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Leaf, StoredEntry};
    use crate::hash::Digest;
    use crate::store::MemoryStore;

    fn entry(seq: u64, body: Option<&[u8]>) -> Vec<u8> {
        StoredEntry {
            leaf: Leaf {
                seq,
                recorded_at_ms: 1,
                prev: Digest::ZERO,
                body_hash: Digest::ZERO,
                signatures: vec![],
            },
            body: body.map(<[u8]>::to_vec),
        }
        .encode()
    }

    fn store_runs(runs: &[(u64, Vec<Vec<u8>>)]) -> MemoryStore {
        let s = MemoryStore::new();
        let batch = runs
            .iter()
            .map(|(first, es)| (entry_key(*first), es.concat()))
            .collect();
        s.commit(batch).expect("commit");
        s
    }

    /// Counts the reads that reach the store (gets and scans alike; the
    /// integration tests' `CountingHashReads` counts tree-hash gets only).
    struct Counting {
        inner: MemoryStore,
        reads: std::sync::atomic::AtomicUsize,
    }

    impl Store for Counting {
        fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
            self.reads
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.inner.get(key)
        }
        fn scan(
            &self,
            start: &[u8],
            end: &[u8],
            reverse: bool,
            limit: usize,
        ) -> Result<Vec<crate::store::Pair>, StoreError> {
            self.reads
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.inner.scan(start, end, reverse, limit)
        }
        fn commit(&self, batch: crate::store::WriteBatch) -> Result<(), StoreError> {
            self.inner.commit(batch)
        }
    }

    /// A reader returns what `get` returns, for every entry in any order,
    /// and reads each run from the store once when entries come in order.
    #[test]
    fn a_reader_reads_each_run_once_in_order() {
        let es: Vec<_> = (0..12).map(|i| entry(i, Some(&b"x"[..]))).collect();
        let s = Counting {
            inner: store_runs(&[
                (0, es[0..1].to_vec()),
                (1, es[1..6].to_vec()),
                (6, es[6..12].to_vec()),
            ]),
            reads: Default::default(),
        };
        let mut r = Reader::new(&s);
        for (i, e) in es.iter().enumerate() {
            assert_eq!(r.get(i as u64).unwrap().as_ref(), Some(e), "entry {i}");
        }
        // Three runs, each starting with an exact read that finds it.
        assert_eq!(s.reads.load(std::sync::atomic::Ordering::Relaxed), 3);
        assert_eq!(r.get(12).unwrap(), None);
        // Out of order, and inside a run first: same bytes as `get`.
        let mut r = Reader::new(&s);
        for i in [9u64, 3, 11, 0, 4, 6, 5, 10, 1, 2, 8, 7] {
            assert_eq!(r.get(i).unwrap(), get(&s, i).unwrap(), "entry {i}");
        }
    }

    #[test]
    fn entry_len_reads_the_encodings_own_lengths() {
        for body in [None, Some(&b""[..]), Some(&b"penalty"[..])] {
            let e = entry(3, body);
            assert_eq!(entry_len(&e), Some(e.len()));
            assert_eq!(entry_len(&e[..e.len() - 1]), None);
        }
    }

    #[test]
    fn runs_read_back_entry_by_entry() {
        let es: Vec<_> = (0..7).map(|i| entry(i, Some(&b"x"[..]))).collect();
        let s = store_runs(&[
            (0, es[0..1].to_vec()),
            (1, es[1..5].to_vec()),
            (5, es[5..7].to_vec()),
        ]);
        for (i, e) in es.iter().enumerate() {
            assert_eq!(get(&s, i as u64).unwrap().as_ref(), Some(e), "entry {i}");
        }
        assert_eq!(get(&s, 7).unwrap(), None);
        let (rows, missing) = scan(&s, 2, 6).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![2, 3, 4, 5]
        );
        assert_eq!(rows[1].1, es[3]);
        assert_eq!(missing, None);
        let (rows, missing) = scan(&s, 0, 9).unwrap();
        assert_eq!(rows.len(), 7);
        assert_eq!(missing, Some(Stop::Missing(7)));
    }

    #[test]
    fn a_missing_run_is_the_first_gap() {
        let es: Vec<_> = (0..6).map(|i| entry(i, None)).collect();
        let s = store_runs(&[(0, es[0..2].to_vec()), (4, es[4..6].to_vec())]);
        let (rows, missing) = scan(&s, 0, 6).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(missing, Some(Stop::Missing(2)));
        assert_eq!(get(&s, 3).unwrap(), None);
    }

    #[test]
    fn damage_inside_a_run_is_handed_on_at_the_entry_where_it_starts() {
        let es: Vec<_> = (0..3).map(|i| entry(i, Some(&b"body"[..]))).collect();
        let mut run = es.concat();
        let cut = es[0].len() + 3;
        run.truncate(cut);
        let parts = split(0, &run);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].1, es[0]);
        assert_eq!(parts[1], (1, es[1][..3].to_vec()));
        assert!(StoredEntry::decode(&parts[1].1).is_err());
    }

    #[test]
    fn runs_stop_at_the_byte_cap_and_a_large_entry_stands_alone() {
        let small = entry(0, Some(&[7u8; 500][..]));
        let large = entry(0, Some(&vec![7u8; MAX_RUN_BYTES][..]));
        let mut runs = Vec::new();
        let per_run = (MAX_RUN_BYTES / small.len()) as u64;
        for seq in 0..per_run + 1 {
            push(&mut runs, seq, small.clone());
        }
        push(&mut runs, per_run + 1, large.clone());
        push(&mut runs, per_run + 2, small.clone());
        push(&mut runs, per_run + 9, small.clone());
        let shape: Vec<_> = runs.iter().map(|r| (r.first, r.entries)).collect();
        assert_eq!(
            shape,
            vec![
                (0, per_run),
                (per_run, 1),
                (per_run + 1, 1),
                (per_run + 2, 1),
                (per_run + 9, 1)
            ]
        );
        assert!(runs
            .iter()
            .all(|r| r.bytes.len() <= MAX_RUN_BYTES || r.entries == 1));
        assert_eq!(runs[0].bytes.len() as u64, per_run * small.len() as u64);
    }

    #[test]
    fn an_entry_stored_twice_stops_the_scan_there() {
        let es: Vec<_> = (0..6).map(|i| entry(i, None)).collect();
        let s = store_runs(&[(0, es[0..4].to_vec()), (2, es[2..3].to_vec())]);
        let (rows, stop) = scan(&s, 0, 4).unwrap();
        assert_eq!(rows.len(), 4, "the rows before it are kept");
        assert_eq!(stop, Some(Stop::StoredTwice(2)));
        // A run with bytes past its last entry claims the next run's first.
        let mut long = es[0..3].concat();
        long.extend_from_slice(&es[5]);
        let s = store_runs(&[(0, vec![long]), (3, es[3..6].to_vec())]);
        let (rows, stop) = scan(&s, 0, 6).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(stop, Some(Stop::StoredTwice(3)));
    }

    #[test]
    fn get_reads_a_run_start_exactly_and_others_by_scan() {
        let es: Vec<_> = (0..5).map(|i| entry(i, Some(&b"b"[..]))).collect();
        let s = store_runs(&[(0, es[0..3].to_vec()), (3, es[3..5].to_vec())]);
        for (i, e) in es.iter().enumerate() {
            assert_eq!(get(&s, i as u64).unwrap().as_ref(), Some(e));
        }
        // A stray longer key before an entry does not hide it.
        s.commit(vec![([entry_key(3), vec![0]].concat(), vec![1])])
            .unwrap();
        assert_eq!(get(&s, 4).unwrap().as_ref(), Some(&es[4]));
    }
}
