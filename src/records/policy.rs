//! The record rules as the ledger's [`RecordPolicy`]: how `records` plugs into
//! the core without the core knowing any record kind.

use super::{validate, ReferencedEntry};
use crate::policy::{RecordPolicy, RefView};
use crate::statement::{FieldError, Statement};

/// Validates every non-core statement with [`validate`]; unknown kinds are refused.
pub struct RecordRules;

impl RecordPolicy for RecordRules {
    fn check(&self, s: &Statement, refs: &[RefView<'_>]) -> Result<(), FieldError> {
        let dates: Vec<String> = refs
            .iter()
            .map(|r| r.statement.event_date.to_string())
            .collect();
        let views: Vec<ReferencedEntry<'_>> = refs
            .iter()
            .zip(&dates)
            .map(|(r, d)| ReferencedEntry {
                kind: r.statement.kind.as_str(),
                seq: r.seq,
                event_date: d,
                payload: &r.statement.payload,
            })
            .collect();
        validate(
            s.kind.as_str(),
            &s.event_date.to_string(),
            &s.payload,
            &views,
        )
        .map_err(|e| FieldError::new(format!("statement.{}", e.field), e.rule))
    }
}
