//! Checkpoints: C2SP tlog-checkpoint bodies in C2SP signed notes.
//!
//! ```text
//! <origin>
//! <tree size, decimal>
//! <root hash, base64>
//!
//! — <origin> <base64(key id (4 bytes) || Ed25519 signature)>
//! ```
//! The key id is the first 4 bytes of `SHA-256(origin || "\n" || 0x01 || public key)`,
//! and the verifier key is written `origin+<key id hex>+<base64(0x01 || public key)>`,
//! so Go's golang.org/x/mod/sumdb/note verifies these notes unchanged.

use crate::hash::Digest;
use crate::keys::Keypair;
use ed25519_dalek::Signer as _;
use signed_note::{Note, Signer, Verifier, VerifierList};
use tlog_tiles::Checkpoint as TlogCheckpoint;

/// Why a checkpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Not a signed note, or not a checkpoint.
    #[error("malformed checkpoint: {0}")]
    Malformed(String),
    /// The verifier key is malformed.
    #[error("malformed verifier key: {0}")]
    BadVerifierKey(String),
    /// No signature by the expected key verifies.
    #[error("checkpoint is not signed by {0}")]
    NotSigned(String),
    /// The origin line is not ours.
    #[error("checkpoint origin is {found:?}, expected {expected:?}")]
    WrongOrigin {
        /// Expected.
        expected: String,
        /// Found.
        found: String,
    },
}

/// The ledger's checkpoint signer.
pub struct LedgerSigner {
    origin: String,
    id: u32,
    key: Keypair,
}

impl LedgerSigner {
    /// A signer named `origin`.
    ///
    /// # Errors
    /// An origin that is not a valid note key name (empty, spaces or `+`).
    pub fn new(origin: &str, key: Keypair) -> Result<Self, CheckpointError> {
        if !signed_note::is_key_name_valid(origin) {
            return Err(CheckpointError::Malformed(format!(
                "origin {origin:?} must be non-empty with no spaces or '+'"
            )));
        }
        let id = key_id(origin, key.public().as_bytes());
        Ok(LedgerSigner {
            origin: origin.to_string(),
            id,
            key,
        })
    }

    /// The C2SP verifier key `origin+hash+base64`.
    pub fn verifier_key(&self) -> String {
        signed_note::new_ed25519_verifier_key(&self.origin, &self.key.signing_key().verifying_key())
    }

    /// The origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Signs a checkpoint of `size` entries with root `root`.
    pub fn sign(&self, size: u64, root: Digest) -> SignedCheckpoint {
        let text = checkpoint_text(&self.origin, size, root);
        let mut note = match Note::new(text.as_bytes(), &[]) {
            Ok(n) => n,
            // checkpoint_text only writes printable lines ending in "\n".
            Err(_) => {
                return SignedCheckpoint {
                    size,
                    root,
                    note: text,
                }
            }
        };
        // Our signer cannot fail and the name was validated in new().
        let _ = note.add_sigs(&[self]);
        SignedCheckpoint {
            size,
            root,
            note: String::from_utf8_lossy(&note.to_bytes()).into_owned(),
        }
    }
}

impl Signer for LedgerSigner {
    fn name(&self) -> &str {
        &self.origin
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, signature::Error> {
        Ok(self.key.signing_key().sign(msg).to_bytes().to_vec())
    }
}

fn key_id(name: &str, pk: &[u8; 32]) -> u32 {
    let mut enc = vec![0x01];
    enc.extend_from_slice(pk);
    signed_note::key_id(name, &enc)
}

/// The checkpoint body (the signed text).
pub fn checkpoint_text(origin: &str, size: u64, root: Digest) -> String {
    use base64::Engine as _;
    format!(
        "{origin}\n{size}\n{}\n",
        base64::engine::general_purpose::STANDARD.encode(root.0)
    )
}

/// A signed checkpoint and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Digest,
    /// The signed note text.
    pub note: String,
}

/// A verifier for our notes using `verify_strict`.
struct StrictVerifier {
    name: String,
    id: u32,
    key: ed25519_dalek::VerifyingKey,
}

impl Verifier for StrictVerifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(bytes) = <[u8; 64]>::try_from(sig) else {
            return false;
        };
        self.key
            .verify_strict(msg, &ed25519_dalek::Signature::from_bytes(&bytes))
            .is_ok()
    }
}

/// Parses a C2SP verifier key `name+hash+base64(0x01||key)`.
///
/// # Errors
/// Malformed key, wrong key id, or a weak key.
pub fn parse_verifier_key(
    vkey: &str,
) -> Result<(String, u32, crate::keys::PublicKey), CheckpointError> {
    let bad = |why: &str| {
        CheckpointError::BadVerifierKey(format!("{why}: {:?}", crate::hash::truncate(vkey)))
    };
    let std = signed_note::StandardVerifier::new(vkey.trim()).map_err(|e| bad(&e.to_string()))?;
    let (_, rest) = vkey.trim().split_once('+').ok_or_else(|| bad("no '+'"))?;
    let (_, b64) = rest.split_once('+').ok_or_else(|| bad("no second '+'"))?;
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| bad("key is not base64"))?;
    let pk: [u8; 32] = raw
        .get(1..)
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| bad("key is not 0x01 + 32 bytes"))?;
    let pk = crate::keys::PublicKey::from_bytes(pk).map_err(|e| bad(&e.to_string()))?;
    Ok((std.name().to_string(), std.key_id(), pk))
}

/// Verifies a signed checkpoint note against a pinned verifier key.
///
/// # Errors
/// Malformed note, wrong origin, or no valid signature by that key.
pub fn verify_checkpoint(note: &str, vkey: &str) -> Result<SignedCheckpoint, CheckpointError> {
    let (name, id, pk) = parse_verifier_key(vkey)?;
    let n =
        Note::from_bytes(note.as_bytes()).map_err(|e| CheckpointError::Malformed(e.to_string()))?;
    let v = StrictVerifier {
        name: name.clone(),
        id,
        key: pk.verifying_key(),
    };
    let list = VerifierList::new(vec![Box::new(v)]);
    n.verify(&list)
        .map_err(|e| CheckpointError::NotSigned(format!("{name}+{id:08x}: {e}")))?;
    let cp = TlogCheckpoint::from_bytes(n.text())
        .map_err(|e| CheckpointError::Malformed(e.to_string()))?;
    if cp.origin() != name {
        return Err(CheckpointError::WrongOrigin {
            expected: name,
            found: cp.origin().to_string(),
        });
    }
    Ok(SignedCheckpoint {
        size: cp.size(),
        root: Digest(cp.hash().0),
        note: note.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_checkpoint_verifies_with_its_verifier_key_only() {
        let s = LedgerSigner::new("tiezheng.test/a", Keypair::from_seed([3; 32])).unwrap();
        let cp = s.sign(5, Digest([9; 32]));
        let got = verify_checkpoint(&cp.note, &s.verifier_key()).unwrap();
        assert_eq!((got.size, got.root), (5, Digest([9; 32])));
        let other = LedgerSigner::new("tiezheng.test/a", Keypair::from_seed([4; 32])).unwrap();
        assert!(verify_checkpoint(&cp.note, &other.verifier_key()).is_err());
        let tampered = cp.note.replacen("\n5\n", "\n6\n", 1);
        assert!(verify_checkpoint(&tampered, &s.verifier_key()).is_err());
    }

    #[test]
    fn our_key_id_matches_signed_note() {
        let s = LedgerSigner::new("o", Keypair::from_seed([3; 32])).unwrap();
        let (_, id, _) = parse_verifier_key(&s.verifier_key()).unwrap();
        assert_eq!(id, s.id);
    }
}
