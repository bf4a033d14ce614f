//! Storage behind a small trait.
//!
//! The ledger needs few things from storage: read a key, scan a key range in
//! order, commit a batch of writes atomically and durably, write keys in
//! order so that a crash keeps a prefix of them, remove the keys of a group
//! a crash tore (and nothing else), and say how many bytes it occupies. [`MemoryStore`] serves tests and the offline verifier's
//! scratch space; [`SledStore`] is the real one.

mod layout;
mod memory;
pub mod postings;
pub mod runs;
mod sled_store;

pub use layout::*;
pub use memory::MemoryStore;
pub use sled_store::SledStore;

/// A storage failure. Once a commit fails the ledger halts: it never carries on
/// in an unknown state.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// I/O failure, e.g. a full disk.
    #[error("storage I/O failed: {0}")]
    Io(String),
    /// The store reported corruption.
    #[error("storage is corrupt: {0}")]
    Corrupt(String),
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e.to_string())
    }
}

/// A list of key/value writes committed together.
pub type WriteBatch = Vec<(Vec<u8>, Vec<u8>)>;

/// A key/value pair read from a scan.
pub type Pair = (Vec<u8>, Vec<u8>);

/// Ordered key/value storage.
pub trait Store: Send + Sync + 'static {
    /// The value at `key`.
    ///
    /// # Errors
    /// I/O or corruption.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// Up to `limit` pairs with `start <= key < end`, ascending (or descending
    /// when `reverse`).
    ///
    /// # Errors
    /// I/O or corruption.
    fn scan(
        &self,
        start: &[u8],
        end: &[u8],
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<Pair>, StoreError>;

    /// Writes every pair atomically. When this returns `Ok`, every byte is on
    /// stable storage (see docs/durability.md).
    ///
    /// # Errors
    /// I/O failure; the caller must then stop acknowledging writes.
    fn commit(&self, batch: WriteBatch) -> Result<(), StoreError>;

    /// Writes every pair atomically and makes them visible to reads, without
    /// waiting for stable storage; [`Store::sync`] makes them durable. The
    /// writer applies a group, then syncs it: appends that arrive meanwhile
    /// queue up and share the next group's sync.
    /// Stores that cannot separate the two commit here.
    ///
    /// # Errors
    /// I/O failure; the caller must then stop acknowledging writes.
    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.commit(batch)
    }

    /// Writes the pairs one after another, in order, visible to reads at
    /// once and durable at the next [`Store::sync`]. Not atomic: a crash
    /// before that sync may keep any prefix of them, but never a pair
    /// without every pair before it. The writer uses it for group commits,
    /// which are cheaper in sled this way, and repairs a torn group when the
    /// ledger is opened (`ledger::repair`).
    /// Stores without a cheaper unordered write apply the pairs atomically,
    /// which keeps a prefix too (none or all).
    ///
    /// # Errors
    /// I/O failure; the caller must then stop acknowledging writes.
    fn apply_in_order(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.apply(batch)
    }

    /// Removes `keys` and makes that durable. The ledger removes only the
    /// keys of a group that a crash tore before its last key was written, so
    /// of entries nobody was ever told of (`ledger::repair`); the store is
    /// otherwise append-only. Stores that cannot remove say so, and a ledger
    /// on them cannot open after such a crash.
    ///
    /// # Errors
    /// The store cannot remove keys, or I/O failure.
    fn remove(&self, keys: &[Vec<u8>]) -> Result<(), StoreError> {
        let _ = keys;
        Err(StoreError::Io(
            "this store cannot remove keys, so it cannot roll back a torn group".into(),
        ))
    }

    /// Makes everything applied so far durable.
    ///
    /// # Errors
    /// I/O failure; the caller must then stop acknowledging writes.
    fn sync(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Bytes the store occupies on disk, where that is meaningful.
    fn disk_bytes(&self) -> Option<u64> {
        None
    }
}
