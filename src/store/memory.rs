//! An in-memory store for tests and scratch work.

use super::{Pair, Store, StoreError, WriteBatch};
use parking_lot::RwLock;
use std::collections::BTreeMap;

/// A `BTreeMap` behind a lock. Commits are atomic; nothing is durable.
#[derive(Default)]
pub struct MemoryStore {
    map: RwLock<BTreeMap<Vec<u8>, Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overwrites one key outside any ledger logic (tamper tests).
    pub fn raw_put(&self, key: Vec<u8>, value: Vec<u8>) {
        self.map.write().insert(key, value);
    }

    /// Removes one key outside any ledger logic (tamper tests).
    pub fn raw_remove(&self, key: &[u8]) {
        self.map.write().remove(key);
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.map.read().get(key).cloned())
    }

    fn scan(
        &self,
        start: &[u8],
        end: &[u8],
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<Pair>, StoreError> {
        let map = self.map.read();
        let range = map.range(start.to_vec()..end.to_vec());
        let clone = |(k, v): (&Vec<u8>, &Vec<u8>)| (k.clone(), v.clone());
        Ok(if reverse {
            range.rev().take(limit).map(clone).collect()
        } else {
            range.take(limit).map(clone).collect()
        })
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let mut map = self.map.write();
        for (k, v) in batch {
            map.insert(k, v);
        }
        Ok(())
    }

    fn remove(&self, keys: &[Vec<u8>]) -> Result<(), StoreError> {
        let mut map = self.map.write();
        for k in keys {
            map.remove(k);
        }
        Ok(())
    }
}
