//! Typed accountability records and their validation.
//!
//! The ledger stores statements of a *kind* with an *event date*, a JSON
//! *payload* and *refs* to earlier entries. This module knows what each
//! record kind's payload must hold — the facts the source documents report
//! after a work-safety accident — and refuses a statement that breaks a rule,
//! naming the field and the rule. It knows nothing of HTTP, storage or the
//! ledger's internals; the core hands it each referenced entry as a
//! [`ReferencedEntry`].
//!
//! | kind | event date | refs |
//! |---|---|---|
//! | `case` | the accident | none |
//! | `directive` | issued | none |
//! | `recommendation` | report approved | at most one `case` |
//! | `penalty_decision` | decided | at most one `recommendation` |
//! | `payment_deferral` | approved | exactly one `penalty_decision` |
//! | `payment_receipt` | paid | exactly one `penalty_decision` |
//! | `disciplinary_action` | decided | at most one `recommendation` |
//! | `criminal_referral` | referred | at most one `recommendation` |
//! | `prosecution_outcome` | decided | exactly one `criminal_referral` |
//! | `rectification_report` | reported | any `case`, `directive`, `recommendation`, `verification_finding` |
//! | `verification_finding` | signed | any record kind, each rested on by an item |
//! | `correction` | corrected | exactly one entry of any kind |
//!
//! Rules on dates *across* entries (a payment before its decision, a fine
//! paid late) are reconciliation anomalies, not validation errors: the ledger
//! records what was certified and flags what does not add up. Rules *within*
//! a statement (a deferral approved before it was applied for, a report
//! published before it was approved) are refused.
//!
//! ```
//! use serde_json::json;
//! use tiezheng::records::{validate, ReferencedEntry};
//!
//! let decision = json!({"issuer": "博乐市应急管理局",
//!     "party": {"party_type": "person", "name": "何某", "position": "主要负责人"},
//!     "amount_fen": 3_088_000, "amount_capitals": "叁万零捌佰捌拾元整"});
//! assert!(validate("penalty_decision", "2025-06-05", &decision, &[]).is_ok());
//!
//! let paid = json!({"payer": "何某", "amount_fen": 3_088_000, "bank": "指定银行"});
//! let refs = [ReferencedEntry { kind: "penalty_decision", seq: 7, event_date: "2025-06-05", payload: &decision }];
//! assert!(validate("payment_receipt", "2025-06-27", &paid, &refs).is_ok());
//!
//! let err = validate("payment_receipt", "2025-06-27", &json!({"payer": "何某", "amount_fen": 100.5}), &refs).unwrap_err();
//! assert_eq!(err.field, "payload.amount_fen");
//! ```

mod approx;
mod capitals;
mod case;
mod correction;
mod date;
mod de;
mod directive;
mod discipline;
mod enums;
mod error;
mod labels;
mod money;
mod party;
mod penalty;
mod policy;
mod recommendation;
mod record;
mod rectification;
mod refs;
mod text;
mod verification;

pub use approx::{parse_amount, AmountApprox, Tally};
pub use case::{Case, Investigation};
pub use correction::Correction;
pub use date::{ApproxTime, Date, MAX_YEAR, MIN_YEAR};
pub use directive::{Directive, DirectiveTask};
pub use discipline::{CriminalReferral, DisciplinaryAction, ProsecutionOutcome};
pub use enums::{
    DateBasis, FindingArea, Grade, HandlingKind, Measure, OutcomeKind, PartyType, Qualifier,
    Verdict,
};
pub use error::RecordError;
pub use labels::{field_label, kind_label, FIELD_LABELS};
pub use money::Fen;
pub use party::Party;
pub use penalty::{PaymentDeferral, PaymentReceipt, PenaltyDecision};
pub use policy::RecordRules;
pub use recommendation::Recommendation;
pub use record::Record;
pub use rectification::{HazardTally, NamedAmount, RectificationReport};
pub use refs::{ref_rule, RefRule, ReferencedEntry};
pub use text::{Article, DocNumber, Item, LegalBasis, Paragraph, Provision, Text, MAX_TEXT_CHARS};
pub use verification::{FindingItem, VerificationFinding};

/// The record kinds this module validates. The core's own kinds
/// ([`CORE_KINDS`]) are not among them.
pub const RECORD_KINDS: &[&str] = &[
    "case",
    "directive",
    "recommendation",
    "penalty_decision",
    "payment_deferral",
    "payment_receipt",
    "disciplinary_action",
    "criminal_referral",
    "prosecution_outcome",
    "rectification_report",
    "verification_finding",
    "correction",
];

/// The kinds the ledger core handles itself; [`validate`] refuses them.
pub const CORE_KINDS: &[&str] = &["genesis", "key_enrolment", "key_revocation"];

/// Validates a statement of a record kind: its event date (`YYYY-MM-DD`), its
/// payload, and the kinds of the entries it references.
///
/// Checks run in a fixed order and the first broken rule is returned: the
/// kind; the event date; the payload's shape and field types (fields in
/// the payload's key order, missing fields after present ones); the rules
/// across fields and with the event date; the count and kinds of `refs`, in
/// order; the rules that need the referenced entries (`rests_on` indices,
/// what a correction changes).
///
/// # Errors
/// A [`RecordError`] naming the field (`kind`, `event_date`, `payload.…`,
/// `refs`, `refs[i]`) and the rule broken.
pub fn validate(
    kind: &str,
    event_date: &str,
    payload: &serde_json::Value,
    refs: &[ReferencedEntry<'_>],
) -> Result<(), RecordError> {
    let rule = ref_rule(kind).ok_or_else(|| record::unknown_kind(kind))?;
    let date = Date::parse(event_date).map_err(|e| RecordError::new("event_date", e))?;
    let record = Record::parse_dated(kind, payload, Some(date))?;
    rule.check(kind, refs)?;
    record.check_refs(refs, date)
}
