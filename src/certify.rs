//! "Who certified this?": each signer of an entry, their identity and standing.

use crate::error::ReadError;
use crate::hash::Digest;
use crate::ids::Seq;
use crate::keys::{PublicKey, Signature};
use crate::ledger::Ledger;
use crate::registry::{Identity, KeyStatus, RevocationRecord};
use serde::Serialize;

/// One signer of an entry.
#[derive(Debug, Clone, Serialize)]
pub struct SignerCertification {
    /// The key.
    pub public_key: PublicKey,
    /// The signature on the entry.
    pub signature: Signature,
    /// Who holds the key, as enrolled.
    pub identity: Option<Identity>,
    /// A root authority.
    pub root: bool,
    /// The entry that enrolled the key (0: genesis).
    pub enrolment_seq: Option<Seq>,
    /// Who signed that enrolment.
    pub enrolled_by: Vec<PublicKey>,
    /// The key's standing when it signed this entry.
    pub status_when_signed: KeyStatus,
    /// A revocation after this entry (it does not invalidate it).
    pub revoked_later: Option<RevocationRecord>,
}

/// Everything that certifies one entry, with its proof.
#[derive(Debug, Clone, Serialize)]
pub struct Certification {
    /// The entry.
    pub seq: Seq,
    /// Its kind, if the body is present.
    pub kind: Option<String>,
    /// Its case, if the body is present.
    pub case: Option<String>,
    /// Leaf hash.
    #[serde(with = "crate::hash::hex_digest")]
    pub leaf_hash: Digest,
    /// Body hash.
    #[serde(with = "crate::hash::hex_digest")]
    pub body_hash: Digest,
    /// When the ledger recorded it (RFC 3339, Asia/Shanghai).
    pub recorded_at: String,
    /// Unix ms.
    pub recorded_at_ms: i64,
    /// The signers.
    pub signers: Vec<SignerCertification>,
    /// Latest signed checkpoint.
    pub checkpoint: String,
    /// Its tree size.
    pub tree_size: u64,
    /// Inclusion proof of the entry in that checkpoint.
    #[serde(with = "crate::hash::hex_digests")]
    pub inclusion_proof: Vec<Digest>,
}

impl Ledger {
    /// Who certified entry `seq`.
    ///
    /// # Errors
    /// No such entry, or storage failure.
    pub fn certification(&self, seq: Seq) -> Result<Certification, ReadError> {
        let view = self.entry(seq)?;
        let kind = view.statement.as_ref().map(|s| s.kind.clone());
        let registry = self.registry();
        let signers = view
            .signatures
            .iter()
            .map(|s| {
                let rec = registry.key(&s.public_key);
                let status = registry.status(
                    &s.public_key,
                    kind.as_deref().unwrap_or(""),
                    seq,
                    view.recorded_at_ms,
                );
                SignerCertification {
                    public_key: s.public_key,
                    signature: s.signature,
                    identity: rec.map(|r| r.identity.clone()),
                    root: rec.is_some_and(|r| r.root),
                    enrolment_seq: rec.map(|r| r.enrolled_seq),
                    enrolled_by: rec.map(|r| r.enrolled_by.clone()).unwrap_or_default(),
                    status_when_signed: status,
                    revoked_later: rec.and_then(|r| r.revoked.clone()).filter(|r| r.seq > seq),
                }
            })
            .collect();
        let cp = self.checkpoint();
        let proof = self.inclusion_proof(seq, cp.size)?;
        Ok(Certification {
            seq,
            kind,
            case: view.statement.as_ref().map(|s| s.case.clone()),
            leaf_hash: view.leaf_hash,
            body_hash: view.body_hash,
            recorded_at: view.recorded_at,
            recorded_at_ms: view.recorded_at_ms,
            signers,
            checkpoint: cp.note,
            tree_size: cp.size,
            inclusion_proof: proof,
        })
    }
}
