//! Recent tree hashes in memory, so receipts and roots need no store reads.
//!
//! Every append is answered with an inclusion proof against the newest
//! checkpoint, and the writer reads the left edge of the tree for every leaf
//! it adds. Both touch the same few records: the newest ones (subtrees near
//! the right edge) and the ones that close big subtrees (the left siblings
//! high up). Reading them from sled made 64 appenders spin on sled's reader
//! lock while the writer held it for a batch (docs/performance.md). The
//! writer puts each record's hashes here once they are applied; readers fall
//! back to the store for anything else, so a cold cache is only slower. A
//! record read back from the store that closes a big subtree is kept too
//! ([`HashCache::read_back`]): after a restart the left edge of the tree was
//! written by an earlier process, and every root and receipt needs it.

use parking_lot::RwLock;
use std::collections::HashMap;
use tlog_tiles::Hash;

/// Records kept because they are recent.
const WINDOW: u64 = 8192;
/// Records that close a subtree of at least 2^PIN_LEVEL leaves (they carry
/// more than PIN_LEVEL hashes) are kept for good: one in 1,024 entries.
const PIN_LEVEL: usize = 10;

/// Record number → the hashes it stored (see [`super::StoreHashes`]).
#[derive(Default)]
pub struct HashCache {
    records: RwLock<HashMap<u64, Vec<Hash>>>,
}

impl HashCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The hashes record `n` stored, if cached.
    pub fn get(&self, n: u64) -> Option<Vec<Hash>> {
        self.records.read().get(&n).cloned()
    }

    /// Adds records that are applied to the store (never any that might not
    /// be), and forgets recent ones that fell out of the window.
    pub fn insert(&self, records: impl IntoIterator<Item = (u64, Vec<Hash>)>) {
        let mut map = self.records.write();
        for (n, hashes) in records {
            map.insert(n, hashes);
            if let Some(old) = n.checked_sub(WINDOW) {
                if map.get(&old).is_some_and(|h| h.len() <= PIN_LEVEL) {
                    map.remove(&old);
                }
            }
        }
    }

    /// A record read from the store (so applied): kept if it closes a big
    /// subtree, as if the writer had inserted it.
    pub fn read_back(&self, n: u64, hashes: &[Hash]) {
        if hashes.len() > PIN_LEVEL {
            self.records.write().insert(n, hashes.to_vec());
        }
    }

    /// How many records are cached.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.records.read().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_window_and_the_records_that_close_big_subtrees() {
        let c = HashCache::new();
        let n = 3 * WINDOW + 5;
        // Record n stores 1 + trailing ones of n hashes, as tlog does.
        c.insert((0..n).map(|i| (i, vec![Hash([0; 32]); 1 + i.trailing_ones() as usize])));
        for i in 0..n {
            let recent = i >= n - WINDOW;
            let big = 1 + i.trailing_ones() as usize > PIN_LEVEL;
            assert_eq!(c.get(i).is_some(), recent || big, "record {i}");
        }
        assert!(c.len() < (WINDOW + n / 1000) as usize);
    }

    #[test]
    fn records_read_back_are_kept_only_if_they_close_a_big_subtree() {
        let c = HashCache::new();
        c.read_back(1023, &[Hash([1; 32]); PIN_LEVEL + 1]);
        c.read_back(5, &[Hash([1; 32]); 3]);
        assert!(c.get(1023).is_some());
        assert!(c.get(5).is_none());
    }
}
