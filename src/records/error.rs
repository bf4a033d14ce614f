//! The one error this module reports: which field, and which rule it breaks.

/// A rejection of a statement: the offending field and the rule broken.
///
/// `field` is a JSON-pointer-ish path in the form the API reports it:
/// `kind`, `event_date`, `refs`, `refs[0]`, `payload`, `payload.amount_fen`,
/// `payload.tasks[3].units`. `rule` is plain English, naming the value when
/// that helps ("capitals 伍拾万元整 mean 500000.00 yuan but amount_fen is 400000.00 yuan").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct RecordError {
    /// Where: `payload.amount_fen`, `refs[0]`, `event_date`, …
    pub field: String,
    /// What rule the value breaks, in plain English.
    pub rule: String,
}

impl RecordError {
    /// An error at `field` breaking `rule`.
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        RecordError {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

/// Builds the path of a payload field: `at("payload.tasks[3]", "units")`.
pub(crate) fn at(parent: &str, field: &str) -> String {
    format!("{parent}.{field}")
}

/// Shorthand for an `Err` at `field`.
pub(crate) fn fail<T>(field: impl Into<String>, rule: impl Into<String>) -> Result<T, RecordError> {
    Err(RecordError::new(field, rule))
}
