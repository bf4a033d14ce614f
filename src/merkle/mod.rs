//! The RFC 6962 Merkle tree, through `tlog_tiles` (a port of Go's sumdb/tlog).
//!
//! Tree hashes are stored at tlog's stored-hash indexes (about two per entry),
//! so a root or a proof reads O(log n) hashes and start-up never rebuilds the
//! tree. [`StoreHashes`] backs tlog's `HashReader` with any [`Store`], with an
//! overlay for hashes written in the group commit that is not yet on disk.

mod cache;

pub use cache::HashCache;

use crate::hash::Digest;
use crate::store::{hash_key, Store};
use std::collections::HashMap;
use tlog_tiles::{Hash, HashReader};

/// Why a tree operation failed.
#[derive(Debug, thiserror::Error)]
pub enum MerkleError {
    /// A stored hash is missing or unreadable.
    #[error("tree hash {index} is missing or unreadable: {why}")]
    Missing {
        /// Stored-hash index.
        index: u64,
        /// Why.
        why: String,
    },
    /// Asked for a proof that cannot exist.
    #[error("{0}")]
    BadRequest(String),
    /// tlog refused.
    #[error("merkle: {0}")]
    Tlog(String),
}

/// Reads tree hashes from a store, with an in-memory overlay on top.
///
/// The store keeps the hashes that entry `n` completes (its leaf hash, then
/// each perfect subtree it closes: tlog's stored hashes for record `n`) under
/// one key, `H` + n. Stored-hash index `i` is hash number `level` of record
/// `((k + 1) << level) - 1`, where `(level, k) = split_stored_hash_index(i)`.
/// One key per entry instead of about two keeps sled's write load down.
pub struct StoreHashes<'a> {
    store: &'a dyn Store,
    overlay: Option<&'a HashMap<u64, Vec<Hash>>>,
    cache: Option<&'a HashCache>,
}

impl<'a> StoreHashes<'a> {
    /// Hashes from `store` only.
    pub fn new(store: &'a dyn Store) -> Self {
        StoreHashes {
            store,
            overlay: None,
            cache: None,
        }
    }
    /// Also looks in `overlay` (record number → its hashes), before anything else.
    #[must_use]
    pub fn overlay(mut self, overlay: &'a HashMap<u64, Vec<Hash>>) -> Self {
        self.overlay = Some(overlay);
        self
    }
    /// Also looks in `cache`, before the store.
    #[must_use]
    pub fn cache(mut self, cache: &'a HashCache) -> Self {
        self.cache = Some(cache);
        self
    }

    fn record_hashes(&self, n: u64) -> Result<Vec<Hash>, tlog_tiles::Error> {
        if let Some(h) = self.overlay.and_then(|o| o.get(&n)) {
            return Ok(h.clone());
        }
        if let Some(h) = self.cache.and_then(|c| c.get(n)) {
            return Ok(h);
        }
        let v = self
            .store
            .get(&hash_key(n))
            .map_err(|e| tlog_tiles::Error::InvalidInput(format!("hashes of entry {n}: {e}")))?
            .ok_or_else(|| {
                tlog_tiles::Error::InvalidInput(format!("hashes of entry {n} are missing"))
            })?;
        let hashes = decode_record_hashes(&v).ok_or_else(|| {
            tlog_tiles::Error::InvalidInput(format!("hashes of entry {n} are corrupt"))
        })?;
        if let Some(c) = self.cache {
            c.read_back(n, &hashes);
        }
        Ok(hashes)
    }
}

/// The stored value of a record's hashes: their concatenation.
pub fn encode_record_hashes(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.0).collect()
}

/// Splits a stored value back into hashes (`None` unless a whole number of them).
pub fn decode_record_hashes(v: &[u8]) -> Option<Vec<Hash>> {
    if v.is_empty() || v.len() % 32 != 0 {
        return None;
    }
    Some(
        v.chunks_exact(32)
            .filter_map(|c| c.try_into().ok().map(Hash))
            .collect(),
    )
}

/// The record whose append stored hash index `i`, and the hash's position in it.
fn locate(i: u64) -> Option<(u64, usize)> {
    let (level, k) = tlog_tiles::split_stored_hash_index(i);
    let n = k
        .checked_add(1)?
        .checked_shl(u32::from(level))?
        .checked_sub(1)?;
    Some((n, usize::from(level)))
}

impl HashReader for StoreHashes<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        let mut out = Vec::with_capacity(indexes.len());
        let mut last: Option<(u64, Vec<Hash>)> = None;
        for &i in indexes {
            let (n, pos) = locate(i).ok_or(tlog_tiles::Error::IndexesNotInTree)?;
            if last.as_ref().map(|(m, _)| *m) != Some(n) {
                last = Some((n, self.record_hashes(n)?));
            }
            let h = last
                .as_ref()
                .and_then(|(_, hs)| hs.get(pos))
                .copied()
                .ok_or_else(|| {
                    tlog_tiles::Error::InvalidInput(format!(
                        "entry {n} stores no hash at level {pos}"
                    ))
                })?;
            out.push(h);
        }
        Ok(out)
    }
}

/// The hashes that entry `n` with leaf hash `leaf` stores: the leaf hash,
/// then each perfect subtree it completes, bottom up.
///
/// # Errors
/// An earlier hash could not be read.
pub fn hashes_for_leaf<R: HashReader>(
    n: u64,
    leaf: Digest,
    r: &R,
) -> Result<Vec<Hash>, MerkleError> {
    tlog_tiles::stored_hashes_for_record_hash(n, leaf.into(), r).map_err(tlog_err)
}

/// The root of the tree of the first `size` entries.
///
/// # Errors
/// A stored hash could not be read.
pub fn root<R: HashReader>(size: u64, r: &R) -> Result<Digest, MerkleError> {
    tlog_tiles::tree_hash(size, r)
        .map(Digest::from)
        .map_err(tlog_err)
}

/// The inclusion proof of entry `seq` in the tree of size `size` (RFC 6962
/// audit path, leaf's sibling first).
///
/// # Errors
/// `seq >= size`, or a hash could not be read.
pub fn inclusion_proof<R: HashReader>(
    seq: u64,
    size: u64,
    r: &R,
) -> Result<Vec<Digest>, MerkleError> {
    if seq >= size {
        return Err(MerkleError::BadRequest(format!(
            "entry {seq} is not in a tree of size {size}"
        )));
    }
    let p = tlog_tiles::prove_record(size, seq, r).map_err(tlog_err)?;
    Ok(p.into_iter().map(Digest::from).collect())
}

/// The consistency proof from size `from` to size `to` (RFC 6962).
///
/// # Errors
/// `from` is 0 or greater than `to`, or a hash could not be read.
pub fn consistency_proof<R: HashReader>(
    from: u64,
    to: u64,
    r: &R,
) -> Result<Vec<Digest>, MerkleError> {
    if from == 0 || from > to {
        return Err(MerkleError::BadRequest(format!(
            "no consistency proof from size {from} to size {to}: need 1 <= from <= to"
        )));
    }
    let p = tlog_tiles::prove_tree(to, from, r).map_err(tlog_err)?;
    Ok(p.into_iter().map(Digest::from).collect())
}

/// Checks an inclusion proof.
pub fn check_inclusion(proof: &[Digest], size: u64, root: Digest, seq: u64, leaf: Digest) -> bool {
    let p: Vec<Hash> = proof.iter().map(|d| (*d).into()).collect();
    seq < size && tlog_tiles::check_record(&p, size, root.into(), seq, leaf.into()).is_ok()
}

/// Checks a consistency proof between two roots.
pub fn check_consistency(
    proof: &[Digest],
    from: u64,
    from_root: Digest,
    to: u64,
    to_root: Digest,
) -> bool {
    if from == 0 || from > to {
        return false;
    }
    if from == to {
        return proof.is_empty() && from_root == to_root;
    }
    let p: Vec<Hash> = proof.iter().map(|d| (*d).into()).collect();
    tlog_tiles::check_tree(&p, to, to_root.into(), from, from_root.into()).is_ok()
}

fn tlog_err(e: tlog_tiles::Error) -> MerkleError {
    MerkleError::Tlog(e.to_string())
}

/// A root computed incrementally from leaf hashes in order, keeping only
/// O(log n) hashes: how a verifier recomputes the tree without storing it.
#[derive(Debug, Default, Clone)]
pub struct CompactRange {
    /// Roots of perfect subtrees, largest first, with their sizes.
    peaks: Vec<(u64, Digest)>,
    size: u64,
}

impl CompactRange {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a leaf hash.
    pub fn push(&mut self, leaf: Digest) {
        self.push_nodes(leaf);
    }

    /// Appends a leaf hash and returns the hashes it completes: the leaf, then
    /// each perfect subtree it closes, bottom up. These are exactly the hashes
    /// tlog stores for the leaf, in stored-hash-index order.
    pub fn push_nodes(&mut self, leaf: Digest) -> Vec<Digest> {
        let mut made = vec![leaf];
        let mut node = (1u64, leaf);
        while let Some(&(sz, h)) = self.peaks.last() {
            if sz != node.0 {
                break;
            }
            self.peaks.pop();
            node = (
                sz * 2,
                Digest::from(tlog_tiles::node_hash(h.into(), node.1.into())),
            );
            made.push(node.1);
        }
        self.peaks.push(node);
        self.size += 1;
        made
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The RFC 6962 root of the leaves pushed so far.
    pub fn root(&self) -> Digest {
        let mut it = self.peaks.iter().rev();
        let Some(&(_, mut acc)) = it.next() else {
            return Digest::from(tlog_tiles::EMPTY_HASH);
        };
        for &(_, h) in it {
            acc = Digest::from(tlog_tiles::node_hash(h.into(), acc.into()));
        }
        acc
    }
}
