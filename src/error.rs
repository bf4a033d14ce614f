//! The ledger layer's errors.

use crate::registry::RegistryError;
use crate::statement::{FieldError, SignatureError};

/// Why an append was refused or failed. Nothing is stored on any of these.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppendError {
    /// A field breaks a rule.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A signature is missing or does not verify.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The registry refused a signer, or the entry conflicts with it.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// A reference names no entry in this ledger.
    #[error("statement.refs[{index}]: no entry with body hash {hash} in this ledger")]
    MissingRef {
        /// Position in refs.
        index: usize,
        /// The hash.
        hash: String,
    },
    /// The same body was recorded with different signatures.
    #[error(
        "this statement is already recorded as entry {seq} with a different set of signatures"
    )]
    ConflictingDuplicate {
        /// The entry holding the body.
        seq: u64,
    },
    /// The ledger stopped acknowledging writes after a storage failure.
    #[error("the ledger has halted and accepts no appends: {0}")]
    Halted(String),
    /// The ledger is shutting down.
    #[error("the ledger is shutting down")]
    ShuttingDown,
}

/// Why a read failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadError {
    /// Nothing there.
    #[error("{0}")]
    NotFound(String),
    /// A request that cannot be answered (e.g. a proof for a size beyond the tree).
    #[error("{0}")]
    BadRequest(String),
    /// Storage failed or holds something unreadable.
    #[error("storage: {0}")]
    Storage(String),
}

impl From<crate::store::StoreError> for ReadError {
    fn from(e: crate::store::StoreError) -> Self {
        ReadError::Storage(e.to_string())
    }
}

impl From<crate::merkle::MerkleError> for ReadError {
    fn from(e: crate::merkle::MerkleError) -> Self {
        match e {
            crate::merkle::MerkleError::BadRequest(s) => ReadError::BadRequest(s),
            other => ReadError::Storage(other.to_string()),
        }
    }
}

/// Why a ledger could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The store is not a ledger we can serve (wrong origin, corrupt head).
    #[error("{0}")]
    Invalid(String),
    /// The checkpoint key is unusable.
    #[error(transparent)]
    Checkpoint(#[from] crate::checkpoint::CheckpointError),
}
