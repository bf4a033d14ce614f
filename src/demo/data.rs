//! The facts transcribed from the five source documents, as data.
//!
//! Each file in `src/demo/data/` holds one document: its case id, the units
//! and persons that certify its facts (signers), and the facts in the order
//! they are appended. Every fact carries a `source` quote from the document
//! (fragments joined by `…`) and, where a choice had to be made, a `note`;
//! neither goes into the ledger. The files are generated once from the
//! documents and checked by hand; `tests/demo_dossiers.rs` checks that each
//! quote is in its document when `../shared/seeds/` is present.
//!
//! Two conventions stand in for what JSON cannot say directly:
//! - a fact's `event_date` of `@today` is the day the demo is built (the
//!   correction the demo adds to document 000);
//! - in a `verification_finding`, `items[].rests_on` names facts by id; the
//!   loader turns them into the statement's `refs` (in order of first
//!   mention) and the indices into them that the record kind expects.

use serde::Deserialize;
use serde_json::Value;

use super::DemoError;

/// The source documents, in order: (document number, file contents).
pub const DOCUMENTS: [(&str, &str); 5] = [
    ("000", include_str!("data/000.json")),
    ("001", include_str!("data/001.json")),
    ("002", include_str!("data/002.json")),
    ("003", include_str!("data/003.json")),
    ("004", include_str!("data/004.json")),
];

/// The event date that stands for the day the demo is built.
pub const TODAY: &str = "@today";

/// One source document and the facts transcribed from it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDocument {
    /// `000` … `004`.
    pub document: String,
    /// The file name under `shared/seeds/`.
    pub file: String,
    /// The document's title as written.
    pub title: String,
    /// Its document number (文号), when it has one.
    pub document_number: Option<String>,
    /// Its date, when it has one.
    pub document_date: Option<String>,
    /// How undated facts were dated, in words.
    pub date_note: String,
    /// The case id its facts are filed under.
    pub case: String,
    /// Who certifies its facts.
    pub signers: Vec<SourceSigner>,
    /// The facts, in the order they are appended.
    pub facts: Vec<SourceFact>,
}

/// A unit or person whose key certifies facts of a document.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSigner {
    /// Unique across all documents: `bole_yjj`.
    pub id: String,
    /// The person, or a placeholder when the document names nobody.
    pub person: String,
    /// The unit as the document writes it.
    pub unit: String,
    /// Their role in the case.
    pub role: String,
    /// A remark.
    pub note: Option<String>,
}

/// One fact the document reports.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFact {
    /// Unique within its document: `penalty_company`.
    pub id: String,
    /// The record kind.
    pub kind: String,
    /// The statement's subject.
    pub subject: String,
    /// `YYYY-MM-DD`, or [`TODAY`].
    pub event_date: String,
    /// Ids of earlier facts of the same document it references.
    pub refs: Vec<String>,
    /// Ids of the signers who certify it.
    pub signers: Vec<String>,
    /// The record's payload (for a finding, `rests_on` by fact id).
    pub payload: Value,
    /// A quote from the document; fragments joined by `…`.
    pub source: String,
    /// Why the fact reads as it does, where the document leaves a choice.
    pub note: Option<String>,
}

/// Every source document, parsed.
///
/// # Errors
/// [`DemoError::Data`] when a file does not parse.
pub fn documents() -> Result<Vec<SourceDocument>, DemoError> {
    DOCUMENTS
        .iter()
        .map(|(name, text)| {
            serde_json::from_str(text).map_err(|e| DemoError::Data {
                document: (*name).to_string(),
                reason: e.to_string(),
            })
        })
        .collect()
}

/// A finding's payload with `rests_on` turned from fact ids into indices,
/// and the fact ids its refs must name, in order.
///
/// # Errors
/// The rule in words when an item's `rests_on` is not a list of ids.
pub(crate) fn finding_refs(payload: &Value) -> Result<(Value, Vec<String>), String> {
    let mut payload = payload.clone();
    let mut refs: Vec<String> = Vec::new();
    let Some(items) = payload.get_mut("items").and_then(Value::as_array_mut) else {
        return Ok((payload, refs));
    };
    for (i, item) in items.iter_mut().enumerate() {
        let Some(ids) = item.get("rests_on").and_then(Value::as_array) else {
            continue;
        };
        let mut indices = Vec::with_capacity(ids.len());
        for id in ids {
            let id = id
                .as_str()
                .ok_or_else(|| format!("items[{i}].rests_on names facts by id (strings)"))?;
            let at = match refs.iter().position(|r| r == id) {
                Some(at) => at,
                None => {
                    refs.push(id.to_string());
                    refs.len() - 1
                }
            };
            indices.push(Value::from(at));
        }
        item["rests_on"] = Value::Array(indices);
    }
    Ok((payload, refs))
}
