//! `penalty_decision`, `payment_deferral`, `payment_receipt`: a fine and how it was paid.

use serde::{Deserialize, Serialize};

use super::approx::check_as_written;
use super::date::Date;
use super::enums::{DateBasis, Qualifier};
use super::error::{fail, RecordError};
use super::money::Fen;
use super::party::Party;
use super::record::Rules;
use super::text::{DocNumber, LegalBasis, Text};

/// An administrative penalty decision (行政处罚决定). Event date: the day of
/// the decision. References: at most one `recommendation` it carries out.
///
/// ```json
/// {"issuer": "博乐市应急管理局", "party": {"party_type": "unit", "name": "博乐市 XXXX 有限责任公司"},
///  "amount_fen": 50000000, "amount_as_written": "500000.00", "amount_capitals": "伍拾万元整"}
/// ```
///
/// Without `payment_deadline` the fine is due 15 days after the decision
/// (《行政处罚法》第六十七条); that rule is reconciliation's, not validation's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltyDecision {
    /// The deciding authority (`博乐市应急管理局`); absent when the document does not name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Text>,
    /// Who is penalised.
    pub party: Party,
    /// The fine, in fen; absent when the document does not state it. Never 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_fen: Option<Fen>,
    /// The fine in capitals as written (`伍拾万元整`); must equal `amount_fen`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_capitals: Option<Text>,
    /// The fine in figures as written (`500000.00`, `30880 元`); must equal `amount_fen`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_as_written: Option<Text>,
    /// Penalties other than the fine, as written: `责令停产整顿`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_measures: Vec<Text>,
    /// The provisions it rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<LegalBasis>,
    /// The decision's document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<DocNumber>,
    /// The payment deadline, when the decision states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_deadline: Option<Date>,
    /// Whether the event date is the stated decision date or only a bound.
    #[serde(default, skip_serializing_if = "DateBasis::is_stated")]
    pub event_date_basis: DateBasis,
}

/// Checks a fine or payment: never 0, and its capitals and figures as written
/// meaning the same amount.
fn check_amount(
    amount: Fen,
    capitals: Option<&Text>,
    as_written: Option<&Text>,
) -> Result<(), RecordError> {
    if amount == Fen::ZERO {
        return fail("payload.amount_fen", "an amount of 0 fen records no money");
    }
    if let Some(cap) = capitals {
        let meant =
            Fen::parse_capitals(cap).map_err(|e| RecordError::new("payload.amount_capitals", e))?;
        if meant != amount {
            return fail(
                "payload.amount_capitals",
                format!(
                    "capitals {cap} mean {} yuan but amount_fen is {} yuan ({})",
                    meant.display_yuan(),
                    amount.display_yuan(),
                    amount.to_capitals()
                ),
            );
        }
    }
    if let Some(text) = as_written {
        check_as_written(
            text,
            amount,
            Qualifier::Exact,
            "payload.amount_as_written",
            "amount_fen",
        )?;
    }
    Ok(())
}

impl Rules for PenaltyDecision {
    /// Rules: the party's own rules; an amount, if given, not 0 and matching
    /// its capitals and figures as written; capitals, figures or a deadline
    /// only with an amount; legal bases well formed; a stated decision date
    /// no later than the deadline.
    fn check(&self, event_date: Option<Date>) -> Result<(), RecordError> {
        self.party.check("payload.party")?;
        match self.amount_fen {
            Some(amount) => check_amount(
                amount,
                self.amount_capitals.as_ref(),
                self.amount_as_written.as_ref(),
            )?,
            None => {
                for (field, given) in [
                    ("amount_capitals", self.amount_capitals.is_some()),
                    ("amount_as_written", self.amount_as_written.is_some()),
                    ("payment_deadline", self.payment_deadline.is_some()),
                ] {
                    if given {
                        return fail(format!("payload.{field}"), "given without amount_fen");
                    }
                }
            }
        }
        for (i, basis) in self.legal_basis.iter().enumerate() {
            basis.check(&format!("payload.legal_basis[{i}]"))?;
        }
        if let (Some(decided), Some(deadline), DateBasis::Stated) =
            (event_date, self.payment_deadline, self.event_date_basis)
        {
            if deadline < decided {
                return fail(
                    "payload.payment_deadline",
                    format!("the deadline {deadline} falls before the decision of {decided}"),
                );
            }
        }
        Ok(())
    }
}

/// A deferral of payment (延期缴纳罚款). Event date: the day it was approved.
/// References: exactly one `penalty_decision`, the fine deferred.
///
/// ```json
/// {"applicant": "博乐市 XXXX 有限责任公司", "applied_on": "2025-06-18",
///  "approved_by": "博乐市应急管理局", "new_deadline": "2025-10-30"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentDeferral {
    /// Who applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<Text>,
    /// The day of the application; never after the approval.
    pub applied_on: Date,
    /// Who approved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<Text>,
    /// The new deadline (延期至…前缴纳); after the application, and not before a stated approval.
    pub new_deadline: Date,
    /// The approval's document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<DocNumber>,
    /// Whether the event date is the stated approval date or only a bound.
    #[serde(default, skip_serializing_if = "DateBasis::is_stated")]
    pub event_date_basis: DateBasis,
}

impl Rules for PaymentDeferral {
    /// Rules: applied for no later than approved (the event date, unless that
    /// is only a lower bound); the new deadline after the application and, for
    /// a stated approval date, not before it.
    fn check(&self, event_date: Option<Date>) -> Result<(), RecordError> {
        // A lower bound on the approval says nothing against a later application.
        let approved = event_date.filter(|_| self.event_date_basis != DateBasis::NoEarlierThan);
        if let Some(approved) = approved {
            if self.applied_on > approved {
                return fail(
                    "payload.applied_on",
                    format!(
                        "applied for on {}, after the approval on {approved} (the event date): approval cannot precede application",
                        self.applied_on
                    ),
                );
            }
            if self.event_date_basis == DateBasis::Stated && self.new_deadline < approved {
                return fail(
                    "payload.new_deadline",
                    format!(
                        "the new deadline {} falls before the approval on {approved}",
                        self.new_deadline
                    ),
                );
            }
        }
        if self.new_deadline <= self.applied_on {
            return fail(
                "payload.new_deadline",
                format!(
                    "the new deadline {} is not after the application on {}",
                    self.new_deadline, self.applied_on
                ),
            );
        }
        Ok(())
    }
}

/// A fine paid (缴纳罚款). Event date: the day of payment. References: exactly
/// one `penalty_decision`, the fine paid.
///
/// ```json
/// {"payer": "何某", "amount_fen": 3088000, "amount_capitals": "叁万零捌佰捌拾元整", "bank": "指定银行"}
/// ```
///
/// The amount is recorded as certified, even when it does not match the
/// decision (document 000's “500000 万元”): reconciliation flags the
/// mismatch and a `correction` fixes it; validation does not refuse it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentReceipt {
    /// Who paid.
    pub payer: Text,
    /// The amount paid, in fen; more than 0.
    pub amount_fen: Fen,
    /// The amount in capitals as written; must equal `amount_fen`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_capitals: Option<Text>,
    /// The amount in figures as written (`500000 万元`); must equal `amount_fen`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_as_written: Option<Text>,
    /// The receiving bank as written: `指定银行`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<Text>,
    /// The receiving account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Text>,
    /// The receipt's number (缴款书号码).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_number: Option<Text>,
    /// Whether the event date is the stated payment date or only a bound.
    #[serde(default, skip_serializing_if = "DateBasis::is_stated")]
    pub event_date_basis: DateBasis,
}

impl Rules for PaymentReceipt {
    /// Rules: the amount more than 0 and matching its capitals and figures as written.
    fn check(&self, _event_date: Option<Date>) -> Result<(), RecordError> {
        check_amount(
            self.amount_fen,
            self.amount_capitals.as_ref(),
            self.amount_as_written.as_ref(),
        )
    }
}
