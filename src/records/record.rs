//! [`Record`]: one typed payload of any record kind.

use serde_json::Value;

use super::case::Case;
use super::correction::Correction;
use super::date::Date;
use super::de;
use super::directive::Directive;
use super::discipline::{CriminalReferral, DisciplinaryAction, ProsecutionOutcome};
use super::error::RecordError;
use super::penalty::{PaymentDeferral, PaymentReceipt, PenaltyDecision};
use super::recommendation::Recommendation;
use super::rectification::RectificationReport;
use super::refs::ReferencedEntry;
use super::verification::VerificationFinding;

/// The rules of a kind beyond its shape.
pub(crate) trait Rules {
    /// Rules across the payload's fields, and with the event date when known.
    fn check(&self, event_date: Option<Date>) -> Result<(), RecordError>;

    /// Rules that need the referenced entries, beyond their kinds and count
    /// (which [`super::refs::RefRule`] checks first).
    fn check_refs(
        &self,
        _refs: &[ReferencedEntry<'_>],
        _event_date: Date,
    ) -> Result<(), RecordError> {
        Ok(())
    }
}

macro_rules! records {
    ($( $variant:ident($ty:ty) = $kind:literal ),+ $(,)?) => {
        /// A typed payload of one of the record kinds.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Record {
            $(
                #[doc = concat!("A `", $kind, "` payload.")]
                $variant($ty),
            )+
        }

        impl Record {
            /// The kind's name: `penalty_decision`, …
            pub fn kind(&self) -> &'static str {
                match self { $(Record::$variant(_) => $kind),+ }
            }

            /// The payload as JSON, in its canonical field names.
            ///
            /// # Errors
            /// Only if serde_json fails, which these types do not make it do.
            pub fn to_payload(&self) -> Result<Value, serde_json::Error> {
                match self { $(Record::$variant(r) => serde_json::to_value(r)),+ }
            }

            pub(crate) fn parse_dated(kind: &str, payload: &Value, event_date: Option<Date>) -> Result<Record, RecordError> {
                de::object(payload, "payload")?;
                let record = match kind {
                    $($kind => Record::$variant(de::from_value::<$ty>(payload, "payload")?),)+
                    other => return Err(unknown_kind(other)),
                };
                record.rules().check(event_date)?;
                Ok(record)
            }

            fn rules(&self) -> &dyn Rules {
                match self { $(Record::$variant(r) => r),+ }
            }
        }
    };
}

records! {
    Case(Case) = "case",
    Directive(Directive) = "directive",
    Recommendation(Recommendation) = "recommendation",
    PenaltyDecision(PenaltyDecision) = "penalty_decision",
    PaymentDeferral(PaymentDeferral) = "payment_deferral",
    PaymentReceipt(PaymentReceipt) = "payment_receipt",
    DisciplinaryAction(DisciplinaryAction) = "disciplinary_action",
    CriminalReferral(CriminalReferral) = "criminal_referral",
    ProsecutionOutcome(ProsecutionOutcome) = "prosecution_outcome",
    RectificationReport(RectificationReport) = "rectification_report",
    VerificationFinding(VerificationFinding) = "verification_finding",
    Correction(Correction) = "correction",
}

impl Record {
    /// Parses a payload of `kind` and checks every rule that needs neither the
    /// event date nor the references: shape, field types, money, capitals,
    /// dates, vocabularies and the rules across fields.
    ///
    /// # Errors
    /// The first rule broken, at its field (`payload.amount_fen`, …), or at
    /// `kind` for a kind that is not a record kind.
    pub fn parse(kind: &str, payload: &Value) -> Result<Record, RecordError> {
        Record::parse_dated(kind, payload, None)
    }

    pub(crate) fn check_refs(
        &self,
        refs: &[ReferencedEntry<'_>],
        event_date: Date,
    ) -> Result<(), RecordError> {
        self.rules().check_refs(refs, event_date)
    }
}

pub(crate) fn unknown_kind(kind: &str) -> RecordError {
    if super::CORE_KINDS.contains(&kind) {
        return RecordError::new(
            "kind",
            format!("{kind} is handled by the ledger core, not by record validation"),
        );
    }
    RecordError::new(
        "kind",
        format!(
            "{kind:?} is not a record kind; the kinds are {}",
            super::RECORD_KINDS.join(", ")
        ),
    )
}
