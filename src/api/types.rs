//! Request and response bodies of the API that are not core types. The
//! client reads the same types, so both sides agree on every field.

use crate::hash::Digest;
use crate::ids::Seq;
use crate::ledger::EntryView;
use crate::registry::KeyRecord;
use serde::{Deserialize, Serialize};

/// `GET /v1/ledger`: who this ledger is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerInfo {
    /// The origin (first line of every checkpoint).
    pub origin: String,
    /// The checkpoint verifier key (C2SP `origin+hash+base64`). Pin it out of band.
    pub verifier_key: String,
    /// Committed entries.
    pub size: u64,
    /// Whether the ledger halted after a storage failure.
    pub halted: bool,
}

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok` or `halted`.
    pub status: String,
    /// Committed entries.
    pub entries: u64,
}

/// `GET /v1/entries`: one page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntriesPage {
    /// Matching entries in ledger order.
    pub entries: Vec<EntryView>,
    /// Opaque cursor for the next page (`cursor=`); absent on the last page.
    pub next_cursor: Option<String>,
}

/// Filters of `GET /v1/entries`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Case id.
    pub case: Option<String>,
    /// Entry kind.
    pub kind: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Signer public key (hex).
    pub signer: Option<String>,
    /// Recorded at or after: RFC 3339 time or Unix ms.
    pub from: Option<String>,
    /// Recorded before: RFC 3339 time or Unix ms.
    pub to: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<usize>,
}

/// `GET /v1/proofs/inclusion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    /// The entry.
    pub seq: Seq,
    /// The tree size the proof is for.
    pub tree_size: u64,
    /// The entry's leaf hash.
    #[serde(with = "crate::hash::hex_digest")]
    pub leaf_hash: Digest,
    /// The root of that tree (check it against a signed checkpoint).
    #[serde(with = "crate::hash::hex_digest")]
    pub root: Digest,
    /// RFC 6962 audit path, leaf's sibling first.
    #[serde(with = "crate::hash::hex_digests")]
    pub proof: Vec<Digest>,
}

/// Query of `GET /v1/proofs/inclusion`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionParams {
    /// The entry.
    pub seq: Seq,
    /// Tree size (default: the latest checkpoint's).
    pub size: Option<u64>,
}

/// `GET /v1/proofs/consistency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyProof {
    /// Older tree size.
    pub from: u64,
    /// Newer tree size.
    pub to: u64,
    /// Root of the older tree.
    #[serde(with = "crate::hash::hex_digest")]
    pub from_root: Digest,
    /// Root of the newer tree.
    #[serde(with = "crate::hash::hex_digest")]
    pub to_root: Digest,
    /// RFC 6962 consistency proof.
    #[serde(with = "crate::hash::hex_digests")]
    pub proof: Vec<Digest>,
}

/// Query of `GET /v1/proofs/consistency`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyParams {
    /// Older tree size.
    pub from: u64,
    /// Newer tree size (default: the latest checkpoint's).
    pub to: Option<u64>,
}

/// A registry key with whether it may sign now.
#[derive(Debug, Clone, Serialize)]
pub struct KeyView {
    /// Enrolment, validity and revocation, as recorded.
    #[serde(flatten)]
    pub record: KeyRecord,
    /// Not revoked and inside its validity period at the time of the request.
    pub active: bool,
}

impl KeyView {
    /// The view of `record` at `now_ms`.
    pub fn new(record: KeyRecord, now_ms: i64) -> Self {
        let in_period =
            now_ms >= record.valid_from_ms && record.valid_until_ms.is_none_or(|u| now_ms < u);
        let active = record.revoked.is_none() && in_period;
        KeyView { record, active }
    }
}

/// `GET /v1/keys`.
#[derive(Debug, Clone, Serialize)]
pub struct KeyList {
    /// Every key, ordered by public key.
    pub keys: Vec<KeyView>,
}
