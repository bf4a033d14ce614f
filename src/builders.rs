//! Building and signing statements: the registry statements, and signing any
//! statement for a ledger. Used by the command line, the demo and tests.

use crate::ids::core_kinds;
use crate::keys::{Keypair, PublicKey};
use crate::registry::{EnrolmentPayload, GenesisPayload, Identity, RevocationPayload, RootSpec};
use crate::statement::{add_signature, FieldError, SignedStatementJson, Statement, StatementJson};

pub use crate::ids::now_ms;

fn statement(kind: &str, case: &str, subject: &str, payload: serde_json::Value) -> StatementJson {
    StatementJson {
        kind: kind.into(),
        case: case.into(),
        subject: subject.into(),
        event_date: crate::ids::EventDate::today().to_string(),
        refs: vec![],
        signed_at_ms: now_ms(),
        payload,
    }
}

/// The case id under which registry entries are filed.
pub const REGISTRY_CASE: &str = "registry";

/// A genesis statement naming `roots`.
pub fn genesis(origin: &str, roots: &[(PublicKey, Identity)], description: &str) -> StatementJson {
    let p = GenesisPayload {
        origin: origin.into(),
        roots: roots
            .iter()
            .map(|(k, i)| RootSpec {
                public_key: *k,
                identity: i.clone(),
            })
            .collect(),
        description: description.into(),
    };
    statement(
        core_kinds::GENESIS,
        REGISTRY_CASE,
        origin,
        serde_json::to_value(p).unwrap_or_default(),
    )
}

/// An enrolment statement.
pub fn enrolment(p: &EnrolmentPayload) -> StatementJson {
    let subject = format!("{} ({})", p.identity.person, p.identity.unit);
    statement(
        core_kinds::KEY_ENROLMENT,
        REGISTRY_CASE,
        &subject,
        serde_json::to_value(p).unwrap_or_default(),
    )
}

/// A revocation statement.
pub fn revocation(key: PublicKey, reason: &str) -> StatementJson {
    let p = RevocationPayload {
        public_key: key,
        reason: reason.into(),
    };
    statement(
        core_kinds::KEY_REVOCATION,
        REGISTRY_CASE,
        &key.to_hex(),
        serde_json::to_value(p).unwrap_or_default(),
    )
}

/// Signs `stmt` for `origin` with each key, adding to existing signatures.
///
/// # Errors
/// The statement is invalid.
pub fn sign(
    origin: &str,
    stmt: &StatementJson,
    keys: &[&Keypair],
) -> Result<SignedStatementJson, FieldError> {
    cosign(
        origin,
        SignedStatementJson {
            statement: stmt.clone(),
            signatures: vec![],
        },
        keys,
    )
}

/// Adds signatures to an already (partly) signed statement.
///
/// # Errors
/// The statement is invalid.
pub fn cosign(
    origin: &str,
    mut signed: SignedStatementJson,
    keys: &[&Keypair],
) -> Result<SignedStatementJson, FieldError> {
    let s = Statement::from_json(&signed.statement)?;
    for k in keys {
        add_signature(origin, &s, k, &mut signed.signatures);
    }
    Ok(signed)
}
