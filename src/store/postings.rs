//! Index postings: one key per indexed value per group commit.
//!
//! A group commit that adds entries 40, 41 and 45 for one case writes one key,
//! `C len case 40`, whose value lists the others, `41 45` (u64 BE each,
//! strictly ascending, all greater than the key's own number). An empty value
//! is a posting of the key's entry alone. One key per value per group instead
//! of one per entry: sled's cost per append grows with the keys it inserts,
//! and under load a group shares its kind, its signers and often its case
//! (docs/performance.md has the measurement).
//!
//! A posting lists at most [`MAX_PER_KEY`] entries; a group with more under
//! one value writes several keys. Uncapped, a group of 4,096 entries of one
//! kind made a 32 KiB value, and a sled node of such values can exceed the
//! size at which sled moves it to a separate blob file (docs/durability.md).

use super::{prefix_end, Index};
use super::{Store, StoreError};
use std::collections::VecDeque;

/// The value of a posting: the group's entries after the one its key names.
pub fn encode_rest(rest: &[u64]) -> Vec<u8> {
    rest.iter().flat_map(|s| s.to_be_bytes()).collect()
}

/// The most entries one posting lists: its value is then at most 4 KiB, so
/// seventeen of them (a sled leaf splits above sixteen items) stay well
/// under sled's 128 KiB blob threshold.
pub const MAX_PER_KEY: usize = 512;

/// The posting keys and values for a group's entries `seqs` (ascending)
/// under `prefix`: one per [`MAX_PER_KEY`] entries.
pub fn for_group<'a>(
    prefix: &'a [u8],
    seqs: &'a [u64],
) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> + 'a {
    seqs.chunks(MAX_PER_KEY).filter_map(move |chunk| {
        let (first, rest) = chunk.split_first()?;
        Some((super::seq_key(prefix, *first), encode_rest(rest)))
    })
}

/// Every sequence number of one stored posting, ascending.
///
/// # Errors
/// The key has no sequence number, or the value is not a list of larger
/// sequence numbers in ascending order.
pub fn decode(key: &[u8], value: &[u8]) -> Result<Vec<u64>, StoreError> {
    let corrupt = |what: &str| {
        StoreError::Corrupt(format!(
            "index posting {}: {what}",
            hex::encode(&key[..key.len().min(48)])
        ))
    };
    let first = Index::seq_of(key).ok_or_else(|| corrupt("the key is too short"))?;
    if value.len() % 8 != 0 {
        return Err(corrupt("the value is not a list of 8-byte numbers"));
    }
    let mut out = Vec::with_capacity(1 + value.len() / 8);
    out.push(first);
    for chunk in value.chunks_exact(8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        let s = u64::from_be_bytes(b);
        if out.last().is_some_and(|last| s <= *last) {
            return Err(corrupt("the numbers are not strictly ascending"));
        }
        out.push(s);
    }
    Ok(out)
}

/// The sequence numbers under `prefix` (an [`Index::prefix`]) from `from` on,
/// ascending, read a few keys at a time.
pub struct Postings<'a> {
    store: &'a dyn Store,
    end: Vec<u8>,
    /// Where the next forward scan starts; `None` once the index is exhausted.
    cursor: Option<Vec<u8>>,
    from: u64,
    buf: VecDeque<u64>,
}

/// Keys read per scan.
const KEYS_PER_SCAN: usize = 64;

impl<'a> Postings<'a> {
    /// Postings of `prefix` with sequence numbers of at least `from`.
    ///
    /// # Errors
    /// The store could not be read, or the posting that may straddle `from`
    /// is corrupt.
    pub fn new(store: &'a dyn Store, prefix: &[u8], from: u64) -> Result<Self, StoreError> {
        let start = super::seq_key(prefix, from);
        // A posting keyed before `from` may still list numbers from `from` on.
        let mut buf = VecDeque::new();
        if let Some((k, v)) = store.scan(prefix, &start, true, 1)?.pop() {
            buf.extend(decode(&k, &v)?.into_iter().filter(|s| *s >= from));
        }
        Ok(Postings {
            store,
            end: prefix_end(prefix),
            cursor: Some(start),
            from,
            buf,
        })
    }

    fn refill(&mut self) -> Result<(), StoreError> {
        while self.buf.is_empty() {
            let Some(start) = self.cursor.take() else {
                return Ok(());
            };
            let chunk = self.store.scan(&start, &self.end, false, KEYS_PER_SCAN)?;
            if let Some((last, _)) = chunk.last() {
                if chunk.len() == KEYS_PER_SCAN {
                    let mut next = last.clone();
                    next.push(0);
                    self.cursor = Some(next);
                }
            }
            for (k, v) in &chunk {
                let from = self.from;
                self.buf
                    .extend(decode(k, v)?.into_iter().filter(|s| *s >= from));
            }
        }
        Ok(())
    }
}

impl Iterator for Postings<'_> {
    type Item = Result<u64, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Err(e) = self.refill() {
            self.cursor = None;
            return Some(Err(e));
        }
        self.buf.pop_front().map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    fn store_with(groups: &[&[u64]]) -> MemoryStore {
        let s = MemoryStore::new();
        let p = Index::Case.prefix("甘孜".as_bytes());
        let batch = groups
            .iter()
            .map(|g| (crate::store::seq_key(&p, g[0]), encode_rest(&g[1..])))
            .collect();
        s.commit(batch).expect("commit");
        s
    }

    fn read(s: &MemoryStore, from: u64) -> Vec<u64> {
        let p = Index::Case.prefix("甘孜".as_bytes());
        Postings::new(s, &p, from)
            .expect("open")
            .collect::<Result<_, _>>()
            .expect("read")
    }

    #[test]
    fn reads_every_number_in_order_from_any_point() {
        let groups: Vec<Vec<u64>> = (0..200u64)
            .map(|g| (0..(g % 5 + 1)).map(|i| g * 10 + i * 2).collect())
            .collect();
        let refs: Vec<&[u64]> = groups.iter().map(Vec::as_slice).collect();
        let s = store_with(&refs);
        let all: Vec<u64> = groups.iter().flatten().copied().collect();
        for from in [0, 1, 2, 3, 11, 13, 500, 1_991, 1_999, 5_000] {
            let want: Vec<u64> = all.iter().copied().filter(|x| *x >= from).collect();
            assert_eq!(read(&s, from), want, "from {from}");
        }
    }

    #[test]
    fn a_large_group_is_split_into_capped_postings_that_read_back_whole() {
        let p = Index::Kind.prefix(b"penalty_decision");
        let seqs: Vec<u64> = (0..1_300u64).map(|i| 5 + i * 3).collect();
        let keys: Vec<_> = for_group(&p, &seqs).collect();
        assert_eq!(keys.len(), 3);
        assert!(keys.iter().all(|(_, v)| v.len() <= (MAX_PER_KEY - 1) * 8));
        let decoded: Vec<u64> = keys
            .iter()
            .flat_map(|(k, v)| decode(k, v).expect("decodes"))
            .collect();
        assert_eq!(decoded, seqs);
        let s = MemoryStore::new();
        s.commit(keys).expect("commit");
        for from in [0, 5, 6, 1_541, 1_542, 1_543, 3_902, 3_903, 10_000] {
            let want: Vec<u64> = seqs.iter().copied().filter(|x| *x >= from).collect();
            let got: Vec<u64> = Postings::new(&s, &p, from)
                .expect("open")
                .collect::<Result<_, _>>()
                .expect("read");
            assert_eq!(got, want, "from {from}");
        }
        assert_eq!(for_group(&p, &[]).count(), 0);
    }

    #[test]
    fn a_longer_value_does_not_match_a_prefix() {
        let s = store_with(&[&[1, 2]]);
        let p = Index::Case.prefix("甘".as_bytes());
        assert_eq!(Postings::new(&s, &p, 0).expect("open").count(), 0);
        assert_eq!(read(&s, 0), vec![1, 2]);
    }

    #[test]
    fn corrupt_postings_are_named_not_trusted() {
        let k = super::super::seq_key(&Index::Kind.prefix(b"x"), 9);
        assert!(decode(&k, &[1, 2, 3]).is_err());
        assert!(decode(&k, &encode_rest(&[8])).is_err());
        assert!(decode(&k, &encode_rest(&[10, 10])).is_err());
        assert_eq!(
            decode(&k, &encode_rest(&[10, 12])).expect("ok"),
            vec![9, 10, 12]
        );
        assert_eq!(decode(&k, &[]).expect("ok"), vec![9]);
    }
}
