//! The hook through which typed record rules reach the core.
//!
//! The core knows the registry kinds (genesis, enrolment, revocation) and
//! nothing of accountability records; `records` plugs its validation in here,
//! so the core never changes when a record kind does.

use crate::hash::Digest;
use crate::ids::Seq;
use crate::statement::{FieldError, Statement};

/// An earlier entry that a statement refers to.
#[derive(Debug, Clone, Copy)]
pub struct RefView<'a> {
    /// Its sequence number.
    pub seq: Seq,
    /// Its body hash (how it is referred to).
    pub body_hash: Digest,
    /// Its statement.
    pub statement: &'a Statement,
}

/// Kind-specific checks run before anything is stored.
pub trait RecordPolicy: Send + Sync + 'static {
    /// Checks a statement of a non-core kind against its references.
    ///
    /// # Errors
    /// The first field that breaks a rule.
    fn check(&self, statement: &Statement, refs: &[RefView<'_>]) -> Result<(), FieldError>;
}

/// Accepts any well-formed statement of any kind: the core alone.
pub struct AnyKind;

impl RecordPolicy for AnyKind {
    fn check(&self, _: &Statement, _: &[RefView<'_>]) -> Result<(), FieldError> {
        Ok(())
    }
}
