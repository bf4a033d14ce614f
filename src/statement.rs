//! Statements: what a client submits and its signers sign.
//!
//! A statement's body is encoded once, canonically (bincode 1.3.3, see
//! docs/format.md), and everything else commits to the body's hash: each
//! signature signs `STATEMENT_SIGNATURE_DOMAIN || bincode((origin, body_hash))`,
//! and the Merkle leaf carries the body hash and the signatures. A body can
//! therefore be withheld later without breaking the chain or the signatures.

use crate::canonical_json::canonical_payload;
use crate::hash::{body_hash, Digest, STATEMENT_SIGNATURE_DOMAIN};
use crate::ids::{CaseId, EventDate, Kind};
use crate::keys::{Keypair, PublicKey, Signature};
use serde::{Deserialize, Serialize};

/// At most this many references per statement.
pub const MAX_REFS: usize = 256;
/// At most this many signatures per statement.
pub const MAX_SIGNATURES: usize = 32;
/// The largest canonical payload, in bytes. Keeps every entry far below
/// sled's blob threshold, so each entry lives in sled's log file.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// The longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 512;

/// A field that breaks a rule. Field names are those of the JSON API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct FieldError {
    /// e.g. `statement.event_date`, `payload.amount_fen`, `signatures[1].public_key`.
    pub field: String,
    /// The rule broken, in plain words.
    pub rule: String,
}

impl FieldError {
    /// A new field error.
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

/// A statement as clients write it (JSON form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementJson {
    /// Entry kind, e.g. `penalty_decision`.
    pub kind: String,
    /// The case this fact belongs to.
    pub case: String,
    /// Who or what the fact is about.
    pub subject: String,
    /// When the fact happened (YYYY-MM-DD, Asia/Shanghai calendar).
    pub event_date: String,
    /// Body hashes of earlier entries this one refers to.
    #[serde(default)]
    pub refs: Vec<String>,
    /// The signer's own clock, Unix milliseconds. Recorded, never trusted.
    pub signed_at_ms: i64,
    /// Kind-specific content: a JSON object.
    pub payload: serde_json::Value,
}

/// A validated statement with its canonical body.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Entry kind.
    pub kind: Kind,
    /// Case id.
    pub case: CaseId,
    /// Subject.
    pub subject: String,
    /// Event date.
    pub event_date: EventDate,
    /// References (body hashes).
    pub refs: Vec<Digest>,
    /// The signer's clock.
    pub signed_at_ms: i64,
    /// The payload, parsed.
    pub payload: serde_json::Value,
    /// The canonical payload text.
    pub payload_text: String,
}

/// The canonical body, in field order. Its bincode encoding is what is hashed.
#[derive(Serialize, Deserialize)]
struct BodyV1 {
    kind: String,
    case: String,
    subject: String,
    event_date: String,
    refs: Vec<Digest>,
    signed_at_ms: i64,
    payload: String,
}

impl Statement {
    /// Validates a JSON statement.
    ///
    /// # Errors
    /// The first field that breaks a rule, named as in the JSON API.
    pub fn from_json(j: &StatementJson) -> Result<Self, FieldError> {
        let f = |name: &str| format!("statement.{name}");
        let kind = Kind::new(&j.kind).map_err(|r| FieldError::new(f("kind"), r))?;
        let case = CaseId::new(&j.case).map_err(|r| FieldError::new(f("case"), r))?;
        let subject = j.subject.trim();
        if subject.is_empty() || subject.chars().count() > MAX_SUBJECT_CHARS {
            return Err(FieldError::new(
                f("subject"),
                format!("must be 1 to {MAX_SUBJECT_CHARS} characters"),
            ));
        }
        if subject != j.subject || subject.chars().any(char::is_control) {
            return Err(FieldError::new(
                f("subject"),
                "must not have leading/trailing white space or control characters",
            ));
        }
        let event_date =
            EventDate::new(&j.event_date).map_err(|r| FieldError::new(f("event_date"), r))?;
        if j.refs.len() > MAX_REFS {
            return Err(FieldError::new(
                f("refs"),
                format!("at most {MAX_REFS} references"),
            ));
        }
        let mut refs = Vec::with_capacity(j.refs.len());
        for (i, r) in j.refs.iter().enumerate() {
            let d: Digest = r
                .parse()
                .map_err(|e| FieldError::new(format!("statement.refs[{i}]"), format!("{e}")))?;
            if refs.contains(&d) {
                return Err(FieldError::new(
                    format!("statement.refs[{i}]"),
                    "duplicate reference",
                ));
            }
            refs.push(d);
        }
        if j.signed_at_ms < 0 {
            return Err(FieldError::new(f("signed_at_ms"), "must not be negative"));
        }
        let payload_text = canonical_payload(&j.payload)
            .map_err(|e| FieldError::new(format!("statement.{}", e.path), e.rule))?;
        if payload_text.len() > MAX_PAYLOAD_BYTES {
            return Err(FieldError::new(
                f("payload"),
                format!(
                    "canonical payload is {} bytes; the limit is {MAX_PAYLOAD_BYTES}",
                    payload_text.len()
                ),
            ));
        }
        Ok(Statement {
            kind,
            case,
            subject: j.subject.clone(),
            event_date,
            refs,
            signed_at_ms: j.signed_at_ms,
            payload: j.payload.clone(),
            payload_text,
        })
    }

    /// The JSON form.
    pub fn to_json(&self) -> StatementJson {
        StatementJson {
            kind: self.kind.to_string(),
            case: self.case.to_string(),
            subject: self.subject.clone(),
            event_date: self.event_date.to_string(),
            refs: self.refs.iter().map(Digest::to_hex).collect(),
            signed_at_ms: self.signed_at_ms,
            payload: self.payload.clone(),
        }
    }

    /// The canonical body bytes (bincode 1.3.3 of the body fields).
    pub fn body_bytes(&self) -> Vec<u8> {
        let body = BodyV1 {
            kind: self.kind.to_string(),
            case: self.case.to_string(),
            subject: self.subject.clone(),
            event_date: self.event_date.to_string(),
            refs: self.refs.clone(),
            signed_at_ms: self.signed_at_ms,
            payload: self.payload_text.clone(),
        };
        crate::codec::encode(&body)
    }

    /// Decodes and re-validates stored body bytes.
    ///
    /// # Errors
    /// Bytes that are not a body, or a body that breaks a rule, or that is
    /// not in canonical form.
    pub fn from_body_bytes(bytes: &[u8]) -> Result<Self, FieldError> {
        let b: BodyV1 = crate::codec::decode(bytes)
            .map_err(|e| FieldError::new("body", format!("not a canonical body: {e}")))?;
        let payload: serde_json::Value = serde_json::from_str(&b.payload)
            .map_err(|e| FieldError::new("body.payload", format!("not JSON: {e}")))?;
        let j = StatementJson {
            kind: b.kind,
            case: b.case,
            subject: b.subject,
            event_date: b.event_date,
            refs: b.refs.iter().map(Digest::to_hex).collect(),
            signed_at_ms: b.signed_at_ms,
            payload,
        };
        let s = Statement::from_json(&j)?;
        if s.payload_text != b.payload {
            return Err(FieldError::new(
                "body.payload",
                "payload text is not canonical",
            ));
        }
        Ok(s)
    }

    /// The kind of a stored body, decoding only its first field: a replay
    /// needs no more for entries the registry does not interpret.
    ///
    /// # Errors
    /// Bytes that do not start with a valid kind.
    pub fn kind_of_body(bytes: &[u8]) -> Result<Kind, FieldError> {
        use bincode::Options as _;
        #[derive(Deserialize)]
        struct Head {
            kind: String,
        }
        let h: Head = bincode::options()
            .with_fixint_encoding()
            .with_little_endian()
            .allow_trailing_bytes()
            .with_limit(crate::codec::MAX_DECODE_BYTES)
            .deserialize(bytes)
            .map_err(|e| FieldError::new("body", format!("not a canonical body: {e}")))?;
        Kind::new(&h.kind).map_err(|r| FieldError::new("body.kind", r))
    }

    /// `SHA-256(BODY_HASH_DOMAIN || body_bytes)`.
    pub fn body_hash(&self) -> Digest {
        body_hash(&self.body_bytes())
    }
}

/// The exact message a signer signs for a body in the ledger named `origin`.
pub fn signing_message(origin: &str, body_hash: &Digest) -> Vec<u8> {
    let mut m = STATEMENT_SIGNATURE_DOMAIN.to_vec();
    m.extend_from_slice(&crate::codec::encode(&(origin, body_hash)));
    m
}

/// One signer's signature (JSON and bincode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StatementSignature {
    /// The signer's public key.
    pub public_key: PublicKey,
    /// Ed25519 over [`signing_message`].
    pub signature: Signature,
}

/// A statement with its signatures, as submitted (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedStatementJson {
    /// The statement.
    pub statement: StatementJson,
    /// One or more signatures.
    pub signatures: Vec<StatementSignature>,
}

/// Signs `stmt` for `origin` with `key`, adding to (or replacing in) `signed`.
pub fn add_signature(
    origin: &str,
    stmt: &Statement,
    key: &Keypair,
    sigs: &mut Vec<StatementSignature>,
) {
    let msg = signing_message(origin, &stmt.body_hash());
    let pk = key.public();
    sigs.retain(|s| s.public_key != pk);
    sigs.push(StatementSignature {
        public_key: pk,
        signature: key.sign(&msg),
    });
}

/// A statement whose every signature verified (`verify_strict`) for this
/// ledger's origin. Only [`verify_signatures`] constructs it: holding one
/// proves the check ran.
#[derive(Debug, Clone)]
pub struct VerifiedStatement {
    statement: Statement,
    body: Vec<u8>,
    body_hash: Digest,
    signatures: Vec<StatementSignature>,
}

impl VerifiedStatement {
    /// The statement.
    pub fn statement(&self) -> &Statement {
        &self.statement
    }
    /// Canonical body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// Body hash.
    pub fn body_hash(&self) -> Digest {
        self.body_hash
    }
    /// Signatures, sorted by public key.
    pub fn signatures(&self) -> &[StatementSignature] {
        &self.signatures
    }
}

/// Why signatures were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No signature at all.
    #[error("a statement needs at least one signature")]
    None,
    /// Too many.
    #[error("at most {MAX_SIGNATURES} signatures per statement")]
    TooMany,
    /// The same key signed twice.
    #[error("signatures[{index}]: key {key} signs more than once")]
    DuplicateSigner {
        /// Position in the submitted list.
        index: usize,
        /// The key.
        key: crate::keys::KeyId,
    },
    /// A signature that does not verify.
    #[error("signatures[{index}]: signature by {key} does not verify (verify_strict) over this statement for ledger {origin:?}")]
    Invalid {
        /// Position in the submitted list.
        index: usize,
        /// The key.
        key: crate::keys::KeyId,
        /// The ledger origin the signature was checked against.
        origin: String,
    },
}

/// Checks every signature with `verify_strict` over the origin-bound message.
///
/// # Errors
/// The first missing, duplicate or invalid signature.
pub fn verify_signatures(
    origin: &str,
    statement: Statement,
    sigs: &[StatementSignature],
) -> Result<VerifiedStatement, SignatureError> {
    if sigs.is_empty() {
        return Err(SignatureError::None);
    }
    if sigs.len() > MAX_SIGNATURES {
        return Err(SignatureError::TooMany);
    }
    let body = statement.body_bytes();
    let bh = body_hash(&body);
    let msg = signing_message(origin, &bh);
    for (index, s) in sigs.iter().enumerate() {
        if sigs[..index].iter().any(|o| o.public_key == s.public_key) {
            return Err(SignatureError::DuplicateSigner {
                index,
                key: s.public_key.id(),
            });
        }
        if !s.public_key.verify_strict(&msg, &s.signature) {
            return Err(SignatureError::Invalid {
                index,
                key: s.public_key.id(),
                origin: origin.to_string(),
            });
        }
    }
    let mut signatures = sigs.to_vec();
    signatures.sort();
    Ok(VerifiedStatement {
        statement,
        body,
        body_hash: bh,
        signatures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Statement {
        Statement::from_json(&StatementJson {
            kind: "penalty_decision".into(),
            case: "bole-2024-11-25".into(),
            subject: "博乐市XXXX有限责任公司".into(),
            event_date: "2025-04-10".into(),
            refs: vec![],
            signed_at_ms: 1_700_000_000_000,
            payload: json!({"amount_fen": 50_000_000}),
        })
        .unwrap()
    }

    #[test]
    fn body_round_trips_through_its_canonical_bytes() {
        let s = sample();
        assert_eq!(Statement::from_body_bytes(&s.body_bytes()).unwrap(), s);
    }

    #[test]
    fn a_signature_for_one_origin_does_not_verify_for_another() {
        let kp = Keypair::from_seed([1; 32]);
        let s = sample();
        let mut sigs = vec![];
        add_signature("ledger-a", &s, &kp, &mut sigs);
        assert!(verify_signatures("ledger-a", s.clone(), &sigs).is_ok());
        assert!(matches!(
            verify_signatures("ledger-b", s, &sigs),
            Err(SignatureError::Invalid { index: 0, .. })
        ));
    }

    #[test]
    fn a_bad_date_is_named() {
        let mut j = sample().to_json();
        j.event_date = "2023-02-29".into();
        assert_eq!(
            Statement::from_json(&j).unwrap_err().field,
            "statement.event_date"
        );
    }
}
