//! Key layout in the single ordered keyspace.
//!
//! Everything lives in one sled tree. A group of appends is written key by
//! key, in the order of `ledger::writer::apply_group`: its group marker first
//! and the tree size last, so the size never counts an entry whose keys are
//! not all stored, and opening the ledger removes the keys of a group a crash
//! tore (`ledger::repair`).
//!
//! | key | value |
//! |---|---|
//! | `E` seq(u64 BE) | a run: bincode [`crate::entry::StoredEntry`] of entries `seq`, `seq + 1`, … of one group commit, back to back (see [`super::runs`]) |
//! | `H` seq(u64 BE) | the tree hashes entry `seq` completes, concatenated (see `merkle::StoreHashes`) |
//! | `B` body_hash(32) | seq (u64 BE) |
//! | `C` len(u32 BE) case seq | case index: the group's other entries of that case (see [`super::postings`]) |
//! | `S` len(u32 BE) subject seq | subject index, likewise |
//! | `K` len(u32 BE) kind seq | kind index, likewise |
//! | `G` public_key(32) seq | signer index, likewise |
//! | `M` name | metadata: `Msize`, `Mcheckpoint`, `Morigin`, `Mgroup` (the last group's first and end seq, u64 BE each) |
//!
//! There is no time index: the ledger clock never decreases along the
//! sequence, so a recorded-at range is found by binary search over entries.

/// Key of the entry run (see [`super::runs`]) that starts at entry `seq`.
pub fn entry_key(seq: u64) -> Vec<u8> {
    prefixed(b'E', &seq.to_be_bytes())
}
/// Key of the tree hashes stored with entry `seq`.
pub fn hash_key(index: u64) -> Vec<u8> {
    prefixed(b'H', &index.to_be_bytes())
}
/// Body-hash index key.
pub fn body_key(h: &[u8; 32]) -> Vec<u8> {
    prefixed(b'B', h)
}
/// Metadata key.
pub fn meta_key(name: &str) -> Vec<u8> {
    prefixed(b'M', name.as_bytes())
}

/// A secondary index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// By case id.
    Case,
    /// By subject.
    Subject,
    /// By kind.
    Kind,
    /// By signer public key (32 raw bytes).
    Signer,
}

impl Index {
    /// The first byte of every key of this index.
    pub fn tag(self) -> u8 {
        match self {
            Index::Case => b'C',
            Index::Subject => b'S',
            Index::Kind => b'K',
            Index::Signer => b'G',
        }
    }

    /// The prefix shared by every key of `value` in this index.
    pub fn prefix(self, value: &[u8]) -> Vec<u8> {
        let mut k = vec![self.tag()];
        match self {
            Index::Signer => {}
            _ => k.extend_from_slice(&(value.len() as u32).to_be_bytes()),
        }
        k.extend_from_slice(value);
        k
    }

    /// The sequence number at the end of an index key.
    pub fn seq_of(key: &[u8]) -> Option<u64> {
        let tail: [u8; 8] = key.get(key.len().checked_sub(8)?..)?.try_into().ok()?;
        Some(u64::from_be_bytes(tail))
    }
}

/// `prefix` followed by `seq` (u64 BE): an index posting's key, or where a
/// scan of that index from `seq` starts.
pub fn seq_key(prefix: &[u8], seq: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(prefix.len() + 8);
    k.extend_from_slice(prefix);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// The smallest key greater than every key starting with `prefix`.
pub fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0xff; prefix.len() + 1]
}

fn prefixed(tag: u8, rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + rest.len());
    k.push(tag);
    k.extend_from_slice(rest);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_prefix_never_matches_a_longer_case() {
        let a = seq_key(&Index::Case.prefix(b"ab"), 1);
        assert!(!a.starts_with(&Index::Case.prefix(b"a")));
        assert!(a.starts_with(&Index::Case.prefix(b"ab")));
        assert_eq!(Index::seq_of(&a), Some(1));
    }
}
