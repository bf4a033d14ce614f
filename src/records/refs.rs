//! What a statement may reference, kind by kind.
//!
//! A statement's `refs` are earlier entries, named by body hash; the core
//! resolves them and hands this module a [`ReferencedEntry`] for each, in the
//! statement's order. Whether the hash resolves at all is the core's check;
//! whether the kind fits is this module's.

use serde_json::Value;

use super::error::{fail, RecordError};

/// What the core tells the validator about each entry a statement references.
#[derive(Debug, Clone, Copy)]
pub struct ReferencedEntry<'a> {
    /// The referenced entry's kind: `penalty_decision`, `key_enrolment`, …
    pub kind: &'a str,
    /// Its position in the ledger.
    pub seq: u64,
    /// Its event date, `YYYY-MM-DD`.
    pub event_date: &'a str,
    /// Its payload.
    pub payload: &'a Value,
}

/// Which entries, and how many, a kind may reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefRule {
    /// The fewest references.
    pub min: usize,
    /// The most references.
    pub max: usize,
    /// The kinds they may have; `None` means any kind.
    pub kinds: Option<&'static [&'static str]>,
}

const MANY: usize = usize::MAX;

/// The reference rule of a record kind, or `None` for a kind this module does not know.
pub fn ref_rule(kind: &str) -> Option<RefRule> {
    let rule = |min, max, kinds| Some(RefRule { min, max, kinds });
    match kind {
        "case" | "directive" => rule(0, 0, Some(&[])),
        "recommendation" => rule(0, 1, Some(&["case"])),
        "penalty_decision" | "disciplinary_action" | "criminal_referral" => {
            rule(0, 1, Some(&["recommendation"]))
        }
        "payment_deferral" | "payment_receipt" => rule(1, 1, Some(&["penalty_decision"])),
        "prosecution_outcome" => rule(1, 1, Some(&["criminal_referral"])),
        "rectification_report" => rule(
            0,
            MANY,
            Some(&[
                "case",
                "directive",
                "recommendation",
                "verification_finding",
            ]),
        ),
        "verification_finding" => rule(0, MANY, Some(super::RECORD_KINDS)),
        "correction" => rule(1, 1, None),
        _ => None,
    }
}

impl RefRule {
    /// The rule in words: "exactly one penalty_decision", "at most one recommendation".
    pub fn describe(&self) -> String {
        let kinds = match self.kinds {
            None => "entry of any kind".to_string(),
            Some([]) => return "nothing".to_string(),
            Some([one]) => (*one).to_string(),
            Some(many) if many.len() > 6 => "entries of the record kinds".to_string(),
            Some(many) => many.join(" or "),
        };
        match (self.min, self.max) {
            (1, 1) => format!("exactly one {kinds}"),
            (0, 1) => format!("at most one {kinds}"),
            (0, MANY) => format!("any number of {kinds}"),
            (min, MANY) => format!("at least {min} of {kinds}"),
            (min, max) => format!("{min} to {max} of {kinds}"),
        }
    }

    /// Checks `refs` of a statement of `kind` against this rule, in order.
    ///
    /// # Errors
    /// At `refs[i]` for a wrong kind, a repeated entry or one too many; at
    /// `refs` when too few are given.
    pub fn check(&self, kind: &str, refs: &[ReferencedEntry<'_>]) -> Result<(), RecordError> {
        for (i, r) in refs.iter().enumerate() {
            let field = format!("refs[{i}]");
            if let Some(kinds) = self.kinds {
                if !kinds.contains(&r.kind) {
                    return fail(
                        field,
                        format!(
                            "is a {} (seq {}), but a {kind} may reference {}",
                            r.kind,
                            r.seq,
                            self.describe()
                        ),
                    );
                }
            }
            if let Some(j) = refs[..i].iter().position(|e| e.seq == r.seq) {
                return fail(
                    field,
                    format!("is the same entry as refs[{j}] (seq {})", r.seq),
                );
            }
            if i >= self.max {
                return fail(
                    field,
                    format!(
                        "one reference too many: a {kind} references {}",
                        self.describe()
                    ),
                );
            }
        }
        if refs.len() < self.min {
            let given = match refs.len() {
                0 => "none is given".to_string(),
                n => format!("{n} given"),
            };
            return fail(
                "refs",
                format!("a {kind} must reference {}; {given}", self.describe()),
            );
        }
        Ok(())
    }
}
