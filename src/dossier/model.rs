//! The dossier's shapes: what the reconciliation reads (the entries of one
//! case) and what it answers (a [`Dossier`]).

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

use super::anomaly::Anomaly;
use super::findings::FindingView;
use super::penalties::PenaltyStatus;
use super::recommendations::RecommendationStatus;
use crate::ids::Seq;
use crate::keys::PublicKey;
use crate::records::DateBasis;
use crate::registry::KeyStatus;
use crate::statement::StatementJson;

/// One signer of an entry: who holds the key, and its standing when it signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certifier {
    /// The key.
    pub public_key: PublicKey,
    /// The person, as enrolled; absent for a key the registry does not know.
    pub person: Option<String>,
    /// Their unit: `博乐市应急管理局`.
    pub unit: Option<String>,
    /// Their role.
    pub role: Option<String>,
    /// A root authority named in the genesis entry.
    pub root: bool,
    /// The key's standing when it signed this entry.
    pub status_when_signed: KeyStatus,
}

/// One entry of a case as the reconciliation reads it. [`super::dossier`]
/// builds these from the ledger; tests build them by hand.
#[derive(Debug, Clone)]
pub struct CaseEntry {
    /// Its position in the ledger.
    pub seq: Seq,
    /// Its body hash, hex: how other entries' `refs` name it.
    pub body_hash: String,
    /// When the ledger recorded it, Unix ms.
    pub recorded_at_ms: i64,
    /// The statement; `None` when its body is withheld.
    pub statement: Option<StatementJson>,
    /// For each of the statement's refs, the entry it names when that entry
    /// is outside this case (the ledger resolves it); `None` or a short list
    /// leaves the ref to be found among the case's own entries.
    pub ref_seqs: Vec<Option<Seq>>,
    /// Who signed it.
    pub certified_by: Vec<Certifier>,
}

/// A reference from one entry to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefLink {
    /// The body hash as the statement gives it.
    pub body_hash: String,
    /// The entry it names, when known.
    pub seq: Option<Seq>,
    /// That entry's kind, when it is in this case.
    pub kind: Option<String>,
    /// Whether that entry belongs to this case.
    pub in_case: bool,
}

/// A correction applied to an entry: both values stay visible.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedCorrection {
    /// The correction entry.
    pub correction: Seq,
    /// Its date.
    pub event_date: String,
    /// The field corrected: `payload.amount_fen`, `event_date`.
    pub field: String,
    /// The value before this correction (as recorded, or as an earlier correction left it).
    pub before: Option<Value>,
    /// The value after it.
    pub corrected: Value,
    /// Why, as written.
    pub reason: String,
}

/// One entry as the dossier shows it, in ledger order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DossierEntry {
    /// Position in the ledger.
    pub seq: Seq,
    /// Kind: `penalty_decision`; `withheld` when the body is withheld.
    pub kind: String,
    /// Kind in Chinese: `行政处罚决定`.
    pub kind_label: String,
    /// Who or what it is about.
    pub subject: String,
    /// When the fact happened, as recorded (YYYY-MM-DD).
    pub event_date: String,
    /// Whether that date is stated or a bound.
    pub event_date_basis: DateBasis,
    /// The basis in Chinese.
    pub event_date_basis_label: String,
    /// When the ledger recorded it, RFC 3339 in Asia/Shanghai.
    pub recorded_at: String,
    /// The same, Unix ms.
    pub recorded_at_ms: i64,
    /// Body hash, hex.
    pub body_hash: String,
    /// What it references.
    pub refs: Vec<RefLink>,
    /// One line in Chinese: `博乐市应急管理局对博乐市 XXXX 有限责任公司罚款500000.00元（伍拾万元整）`.
    pub summary: String,
    /// The payload as recorded.
    pub payload: Value,
    /// The corrections later entries make to it, in order.
    pub corrections: Vec<AppliedCorrection>,
    /// For a correction: the entry it corrects.
    pub corrects: Option<Seq>,
    /// Who certified it.
    pub certified_by: Vec<Certifier>,
    /// Why the payload cannot be read as its kind, if it cannot.
    pub problem: Option<String>,
}

/// Everything recorded for one case, reconciled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dossier {
    /// The case id.
    pub case_id: String,
    /// The day overdue fines are judged against (YYYY-MM-DD, Asia/Shanghai).
    pub as_of: String,
    /// The accident's or directive's title, from its entry.
    pub title: Option<String>,
    /// Entries per kind.
    pub counts: BTreeMap<String, usize>,
    /// Every entry, in ledger order.
    pub entries: Vec<DossierEntry>,
    /// Every penalty decision, reconciled with its deferrals and payments.
    pub penalties: Vec<PenaltyStatus>,
    /// Every recommendation, with what carried it out.
    pub recommendations: Vec<RecommendationStatus>,
    /// Every verification finding, with what it rests on.
    pub findings: Vec<FindingView>,
    /// What does not add up.
    pub anomalies: Vec<Anomaly>,
}

/// A case in the list of cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    /// The case id.
    pub case_id: String,
    /// The accident's or directive's title.
    pub title: Option<String>,
    /// Number of entries.
    pub entries: usize,
    /// Entries per kind.
    pub counts: BTreeMap<String, usize>,
    /// Earliest event date recorded.
    pub first_event_date: Option<String>,
    /// When the latest entry was recorded (RFC 3339).
    pub last_recorded_at: Option<String>,
    /// Penalty decisions.
    pub penalties: usize,
    /// Recommendations.
    pub recommendations: usize,
    /// Recommendations nothing has carried out yet.
    pub open_recommendations: usize,
    /// Verification findings.
    pub findings: usize,
    /// Anomalies, including those a correction resolved.
    pub anomalies: usize,
    /// Anomalies no correction resolved.
    pub unresolved_anomalies: usize,
}

impl Dossier {
    /// The dossier in brief.
    pub fn summary(&self) -> CaseSummary {
        CaseSummary {
            case_id: self.case_id.clone(),
            title: self.title.clone(),
            entries: self.entries.len(),
            counts: self.counts.clone(),
            first_event_date: self.entries.iter().map(|e| e.event_date.clone()).min(),
            last_recorded_at: self.entries.last().map(|e| e.recorded_at.clone()),
            penalties: self.penalties.len(),
            recommendations: self.recommendations.len(),
            open_recommendations: self
                .recommendations
                .iter()
                .filter(|r| r.status == super::recommendations::RecommendationState::Open)
                .count(),
            findings: self.findings.len(),
            anomalies: self.anomalies.len(),
            unresolved_anomalies: self
                .anomalies
                .iter()
                .filter(|a| a.resolved_by.is_none())
                .count(),
        }
    }

    /// The entry at `seq`, if it is in this dossier.
    pub fn entry(&self, seq: Seq) -> Option<&DossierEntry> {
        self.entries.iter().find(|e| e.seq == seq)
    }
}
