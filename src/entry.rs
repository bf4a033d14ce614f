//! Sequenced entries: the Merkle leaf and what is stored.
//!
//! The leaf is what the ledger commits to. It carries the sequence number, the
//! ledger's own recorded-at time, the previous leaf's hash (the hash chain),
//! the body hash and the signatures, but not the body itself: the body can be
//! withheld while the chain, the tree and every signature still verify.

use crate::hash::{leaf_hash, Digest};
use crate::ids::Seq;
use crate::statement::StatementSignature;
use serde::{Deserialize, Serialize};

/// The Merkle leaf (bincode-encoded after [`crate::hash::LEAF_DOMAIN`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaf {
    /// Sequence number.
    pub seq: Seq,
    /// The ledger's clock when sequenced, Unix ms; never decreases.
    pub recorded_at_ms: i64,
    /// Leaf hash of entry `seq - 1`, or all zeros for entry 0.
    pub prev: Digest,
    /// Hash of the statement body.
    pub body_hash: Digest,
    /// Signatures over the body hash, sorted by public key.
    pub signatures: Vec<StatementSignature>,
}

impl Leaf {
    /// The canonical encoding of the leaf.
    pub fn encode(&self) -> Vec<u8> {
        crate::codec::encode(self)
    }
    /// Its RFC 6962 leaf hash: the entry's hash.
    pub fn hash(&self) -> Digest {
        leaf_hash(&self.encode())
    }
}

/// What is stored per entry: the leaf and (unless withheld) the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEntry {
    /// The leaf.
    pub leaf: Leaf,
    /// The canonical body, or `None` where it was withheld.
    pub body: Option<Vec<u8>>,
}

impl StoredEntry {
    /// bincode of the stored entry.
    pub fn encode(&self) -> Vec<u8> {
        crate::codec::encode(self)
    }
    /// Decodes a stored entry.
    ///
    /// # Errors
    /// Malformed bytes.
    pub fn decode(b: &[u8]) -> Result<Self, bincode::Error> {
        crate::codec::decode(b)
    }
}
