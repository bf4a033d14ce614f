//! Offline checks of what a server hands out: receipts, inclusion and
//! consistency proofs. Each trusts only a pinned checkpoint verifier key.

use crate::api::types::{ConsistencyProof, InclusionProof};
use crate::checkpoint::{verify_checkpoint, SignedCheckpoint};
use crate::entry::Leaf;
use crate::hash::Digest;
use crate::ledger::Receipt;
use crate::merkle::{check_consistency, check_inclusion};
use crate::statement::{SignedStatementJson, Statement};

/// Why something a server sent does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The checkpoint's signature or form.
    #[error("checkpoint: {0}")]
    Checkpoint(String),
    /// The receipt is for another statement or another set of signatures.
    #[error("receipt does not match the statement: {0}")]
    Mismatch(String),
    /// A proof does not verify.
    #[error("{0}")]
    Proof(String),
}

/// Verifies a signed checkpoint note against the pinned `verifier_key`.
///
/// # Errors
/// A bad signature, wrong key or malformed note.
pub fn checkpoint(note: &str, verifier_key: &str) -> Result<SignedCheckpoint, CheckError> {
    verify_checkpoint(note, verifier_key).map_err(|e| CheckError::Checkpoint(e.to_string()))
}

/// Checks a receipt for `signed`: the checkpoint is signed by the pinned key,
/// the leaf it proves carries this statement's body hash and exactly these
/// signatures, and the inclusion proof leads from that leaf to the root.
/// `prev` is the previous leaf hash the server stored in the entry (the leaf
/// commits to it; it cannot be derived from the statement).
///
/// # Errors
/// The first thing that does not check out.
pub fn check_receipt(
    receipt: &Receipt,
    signed: &SignedStatementJson,
    prev: Digest,
    verifier_key: &str,
) -> Result<SignedCheckpoint, CheckError> {
    let st =
        Statement::from_json(&signed.statement).map_err(|e| CheckError::Mismatch(e.to_string()))?;
    let body_hash = st.body_hash();
    if body_hash != receipt.body_hash {
        return Err(CheckError::Mismatch(format!(
            "body hash is {} but the statement hashes to {body_hash}",
            receipt.body_hash
        )));
    }
    let cp = checkpoint(&receipt.checkpoint, verifier_key)?;
    if cp.size != receipt.tree_size {
        return Err(CheckError::Mismatch(format!(
            "receipt says tree size {} but its checkpoint has {}",
            receipt.tree_size, cp.size
        )));
    }
    let mut signatures = signed.signatures.clone();
    signatures.sort();
    let leaf = Leaf {
        seq: receipt.seq,
        recorded_at_ms: receipt.recorded_at_ms,
        prev,
        body_hash,
        signatures,
    };
    if leaf.hash() != receipt.leaf_hash {
        return Err(CheckError::Mismatch(
            "the leaf hash is not that of this statement with these signatures".into(),
        ));
    }
    if !check_inclusion(
        &receipt.inclusion_proof,
        cp.size,
        cp.root,
        receipt.seq,
        receipt.leaf_hash,
    ) {
        return Err(CheckError::Proof(format!(
            "inclusion proof of entry {} does not lead to the checkpoint's root",
            receipt.seq
        )));
    }
    Ok(cp)
}

/// Checks an inclusion proof against a verified checkpoint of the same size.
///
/// # Errors
/// Sizes or roots differ, or the proof does not verify.
pub fn inclusion(p: &InclusionProof, cp: &SignedCheckpoint) -> Result<(), CheckError> {
    if p.tree_size != cp.size || p.root != cp.root {
        return Err(CheckError::Proof(format!(
            "proof is for tree size {} root {}, the checkpoint has size {} root {}",
            p.tree_size, p.root, cp.size, cp.root
        )));
    }
    if !check_inclusion(&p.proof, cp.size, cp.root, p.seq, p.leaf_hash) {
        return Err(CheckError::Proof(format!(
            "inclusion proof of entry {} does not verify",
            p.seq
        )));
    }
    Ok(())
}

/// Checks that the verified checkpoint `new` extends the verified `old`.
///
/// # Errors
/// The proof does not verify, or `new` is smaller (a rollback).
pub fn consistency(
    p: &ConsistencyProof,
    old: &SignedCheckpoint,
    new: &SignedCheckpoint,
) -> Result<(), CheckError> {
    if new.size < old.size {
        return Err(CheckError::Proof(format!(
            "the ledger has {} entries, fewer than the {} of the saved checkpoint: rolled back",
            new.size, old.size
        )));
    }
    if (p.from, p.to, p.from_root, p.to_root) != (old.size, new.size, old.root, new.root) {
        return Err(CheckError::Proof(
            "the consistency proof is not between these two checkpoints".into(),
        ));
    }
    if !check_consistency(&p.proof, old.size, old.root, new.size, new.root) {
        return Err(CheckError::Proof(format!(
            "the ledger at {} entries does not extend the saved checkpoint of {}: rewritten",
            new.size, old.size
        )));
    }
    Ok(())
}
