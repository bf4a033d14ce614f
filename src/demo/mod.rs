//! The demo ledger: every fact of the five source documents, certified.
//!
//! [`build_demo`] fills a fresh ledger (opened with the
//! [`RecordRules`](crate::records::RecordRules) policy) with:
//!
//! 1. a genesis entry naming a demo root authority whose key is generated
//!    now and dropped when the build ends;
//! 2. one enrolment per unit or person that certifies facts in the
//!    documents (市应急管理局, 区纪委监委, each assessment group's member
//!    units, 高平市人民政府, the companies that report rectification, …),
//!    each enrolled for exactly the kinds it signs;
//! 3. every fact the documents report, document by document, each signed by
//!    the keys of the units that issued it (an assessment finding by all the
//!    group's member units), with its references to the facts it rests on.
//!
//! The facts are data ([`data`]), transcribed from the documents with the
//! documents' own names, amounts, dates, document numbers and counts, each
//! with a quote. Where a document contradicts itself (000: a fine of
//! 500000.00 元 that “500000 万元” paid), the fact is recorded as written, the
//! reconciliation flags it, and a correction signed by the issuer follows.
//!
//! ```
//! use std::sync::Arc;
//! use tiezheng::{demo, dossier, Ledger, LedgerConfig};
//! use tiezheng::keys::Keypair;
//! use tiezheng::records::RecordRules;
//! use tiezheng::store::MemoryStore;
//!
//! let ledger = Ledger::open(Arc::new(MemoryStore::new()), LedgerConfig {
//!     origin: "demo.tiezheng.example/ledger".into(),
//!     checkpoint_key: Keypair::generate(),
//!     policy: Arc::new(RecordRules),
//! }).unwrap();
//! let report = demo::build_demo(&ledger).unwrap();
//! assert_eq!(report.documents.len(), 5);
//! let d = dossier::dossier(&ledger, "bole-2024-11-25").unwrap();
//! assert!(d.anomalies.iter().any(|a| a.kind == dossier::AnomalyKind::PaymentMismatch));
//! ```

pub mod data;
mod signers;

pub use data::{documents, SourceDocument, SourceFact, SourceSigner};
pub use signers::{root_identity, DemoSigner};

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use crate::builders;
use crate::error::AppendError;
use crate::ids::EventDate;
use crate::keys::{Keypair, PublicKey};
use crate::ledger::Ledger;
use crate::statement::StatementJson;

/// Why the demo could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The ledger already holds entries; the demo needs a fresh one.
    #[error("the demo needs an empty ledger; this one has {size} entries")]
    NotEmpty {
        /// Its size.
        size: u64,
    },
    /// A data file is malformed or inconsistent.
    #[error("demo data {document}: {reason}")]
    Data {
        /// `000` … `004`.
        document: String,
        /// What is wrong.
        reason: String,
    },
    /// A statement could not be built or signed.
    #[error("{what}: {reason}")]
    Build {
        /// Which entry.
        what: String,
        /// Why.
        reason: String,
    },
    /// The ledger refused an entry.
    #[error("{what}: the ledger refused it: {source}")]
    Append {
        /// Which entry: `000: payment_company`.
        what: String,
        /// The refusal (boxed: it is large, and rare).
        source: Box<AppendError>,
    },
}

/// What one document contributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentReport {
    /// `000` … `004`.
    pub document: String,
    /// The file under `shared/seeds/`.
    pub file: String,
    /// Its title.
    pub title: String,
    /// The case id its facts are filed under.
    pub case_id: String,
    /// Facts appended.
    pub facts: usize,
    /// Facts appended per kind.
    pub kinds: BTreeMap<String, usize>,
    /// Keys enrolled for it.
    pub signers: usize,
    /// Sequence numbers of its facts, by fact id.
    pub seqs: BTreeMap<String, u64>,
}

/// What the demo built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoReport {
    /// The ledger's origin.
    pub origin: String,
    /// The demo root authority's public key (its private key is gone).
    pub root_public_key: PublicKey,
    /// Entries appended: genesis, enrolments, facts.
    pub entries: u64,
    /// Per document.
    pub documents: Vec<DocumentReport>,
    /// Every enrolled key.
    pub signers: Vec<DemoSigner>,
}

impl DemoReport {
    /// The report for document `n` (`"000"`).
    pub fn document(&self, n: &str) -> Option<&DocumentReport> {
        self.documents.iter().find(|d| d.document == n)
    }
}

/// Builds the demo on `ledger`, which must be empty.
///
/// # Errors
/// [`DemoError::NotEmpty`] for a used ledger; [`DemoError::Data`] for
/// inconsistent data; [`DemoError::Append`] if the ledger refuses an entry
/// (which the tests make sure it does not, under [`RecordRules`](crate::records::RecordRules)).
pub fn build_demo(ledger: &Ledger) -> Result<DemoReport, DemoError> {
    if ledger.size() != 0 {
        return Err(DemoError::NotEmpty {
            size: ledger.size(),
        });
    }
    let docs = documents()?;
    let today = EventDate::today();
    let root = signers::genesis(ledger)?;
    let ring = signers::enrol_all(ledger, root, &docs, today)?;
    let mut reports = Vec::new();
    for doc in &docs {
        reports.push(append_document(ledger, doc, &ring.keys, today)?);
    }
    Ok(DemoReport {
        origin: ledger.origin().to_string(),
        root_public_key: ring.root.public(),
        entries: ledger.size(),
        documents: reports,
        signers: ring.signers,
    })
}

fn append_document(
    ledger: &Ledger,
    doc: &SourceDocument,
    keys: &BTreeMap<String, Keypair>,
    today: EventDate,
) -> Result<DocumentReport, DemoError> {
    let data_err = |reason: String| DemoError::Data {
        document: doc.document.clone(),
        reason,
    };
    let mut hashes: HashMap<&str, String> = HashMap::new();
    let mut report = DocumentReport {
        document: doc.document.clone(),
        file: doc.file.clone(),
        title: doc.title.clone(),
        case_id: doc.case.clone(),
        facts: 0,
        kinds: BTreeMap::new(),
        signers: doc.signers.len(),
        seqs: BTreeMap::new(),
    };
    for f in &doc.facts {
        let what = format!("{}: {}", doc.document, f.id);
        let (payload, mut ref_ids) = if f.kind == "verification_finding" {
            data::finding_refs(&f.payload).map_err(|e| data_err(format!("{}: {e}", f.id)))?
        } else {
            (f.payload.clone(), Vec::new())
        };
        ref_ids.splice(0..0, f.refs.iter().cloned());
        let refs = ref_ids
            .iter()
            .map(|id| {
                hashes.get(id.as_str()).cloned().ok_or_else(|| {
                    data_err(format!(
                        "{} references {id}, which is not an earlier fact",
                        f.id
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let signing: Vec<&Keypair> = f
            .signers
            .iter()
            .map(|s| {
                keys.get(s)
                    .ok_or_else(|| data_err(format!("{} is signed by unknown signer {s}", f.id)))
            })
            .collect::<Result<_, _>>()?;
        let event_date = if f.event_date == data::TODAY {
            today.to_string()
        } else {
            f.event_date.clone()
        };
        let stmt = StatementJson {
            kind: f.kind.clone(),
            case: doc.case.clone(),
            subject: f.subject.clone(),
            event_date,
            refs,
            signed_at_ms: builders::now_ms(),
            payload,
        };
        let receipt = sign_and_append(ledger, &stmt, &signing, what)?;
        hashes.insert(f.id.as_str(), receipt.body_hash.to_hex());
        report.seqs.insert(f.id.clone(), receipt.seq);
        report.facts += 1;
        *report.kinds.entry(f.kind.clone()).or_insert(0) += 1;
    }
    Ok(report)
}

/// Signs `stmt` with `keys` and appends it; `what` names it in errors.
pub(crate) fn sign_and_append(
    ledger: &Ledger,
    stmt: &StatementJson,
    keys: &[&Keypair],
    what: String,
) -> Result<crate::ledger::Receipt, DemoError> {
    let signed = builders::sign(ledger.origin(), stmt, keys).map_err(|e| DemoError::Build {
        what: what.clone(),
        reason: e.to_string(),
    })?;
    ledger.append(&signed).map_err(|e| DemoError::Append {
        what,
        source: Box::new(e),
    })
}
