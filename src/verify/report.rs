//! What a verification found.

use serde::Serialize;

/// What is wrong, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Storage could not be read.
    Storage,
    /// An entry is missing: the store or export is truncated.
    Missing,
    /// Stored bytes do not decode.
    Undecodable,
    /// The leaf's sequence number is not its position.
    SequenceMismatch,
    /// The chain link does not name the previous leaf.
    ChainBroken,
    /// The ledger clock went backwards.
    TimeReversed,
    /// The body does not hash to the leaf's body hash.
    BodyHashMismatch,
    /// The body is not a valid canonical statement.
    BodyInvalid,
    /// A signature does not verify.
    BadSignature,
    /// A registry rule is broken.
    Registry,
    /// A stored tree hash differs from the recomputed one.
    TreeHashMismatch,
    /// The recomputed root differs from the checkpoint's.
    RootMismatch,
    /// The checkpoint is missing, malformed or not signed by the pinned key.
    Checkpoint,
    /// The genesis roots differ from the pinned root keys.
    UntrustedRoots,
    /// The ledger does not extend an earlier checkpoint.
    NotAnExtension,
}

/// The first problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The first bad entry, where there is one.
    pub seq: Option<u64>,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// Details, in words.
    pub detail: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.seq {
            Some(s) => write!(f, "entry {s}: {:?}: {}", self.kind, self.detail),
            None => write!(f, "{:?}: {}", self.kind, self.detail),
        }
    }
}

/// The result of a full verification.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// True only if every check passed.
    pub ok: bool,
    /// Entries replayed.
    pub entries: u64,
    /// Signatures checked.
    pub signatures: u64,
    /// Tree size claimed by the store or export.
    pub tree_size: u64,
    /// Recomputed root at `tree_size` (hex), if reached.
    pub root: Option<String>,
    /// Size of the verified checkpoint.
    pub checkpoint_size: Option<u64>,
    /// The first problem.
    pub problem: Option<Problem>,
    /// Wall time, ms.
    pub elapsed_ms: u64,
}
