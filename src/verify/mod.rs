//! Full verification: replay the ledger and check everything.
//!
//! The same [`Replay`] runs over a store on disk ([`verify_store`]) and over a
//! downloaded export ([`crate::export`]): it recomputes every body hash, chain
//! link, leaf and stored tree hash, the root, every signature (batch
//! verification on all cores) and every registry rule, then checks the
//! checkpoint against the pinned verifier key. It stops at the first problem
//! and names the entry and what is wrong.

mod report;
pub mod sigs;
mod store;

pub use report::{Problem, ProblemKind, VerifyReport};
pub use store::verify_store;

use crate::checkpoint::verify_checkpoint;
use crate::entry::StoredEntry;
use crate::hash::{body_hash, Digest};
use crate::keys::PublicKey;
use crate::merkle::CompactRange;
use crate::registry::Registry;
use crate::statement::{signing_message, Statement};
use crate::store::{hash_key, Store};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

/// What the verifier trusts: nothing from the server but these.
#[derive(Debug, Clone)]
pub struct Trust {
    /// The ledger's origin.
    pub origin: String,
    /// The pinned checkpoint verifier key (`origin+hash+base64`).
    pub verifier_key: String,
    /// Pinned root authority keys; if given, genesis must name exactly these.
    pub roots: Option<BTreeSet<PublicKey>>,
}

/// Replays entries in order, chunk by chunk.
pub struct Replay<'a> {
    trust: Trust,
    registry: Registry,
    tree: CompactRange,
    prev: Digest,
    last_time: i64,
    signatures: u64,
    store_hashes: Option<&'a dyn Store>,
    /// Stored tree hashes of the current chunk: (first index, hashes).
    prefetched: (u64, Vec<Option<Vec<u8>>>),
    /// Root at each size a caller wants to compare (e.g. an old checkpoint).
    roots_at: Vec<(u64, Option<Digest>)>,
    /// The chunk whose order-free checks are done, replayed with the next feed.
    pending: Option<Checked>,
}

fn problem(seq: Option<u64>, kind: ProblemKind, detail: impl Into<String>) -> Problem {
    Problem {
        seq,
        kind,
        detail: detail.into(),
    }
}

/// Per-entry work done in parallel.
struct Prepared {
    seq: u64,
    entry: StoredEntry,
    leaf_hash: Digest,
    /// The kind, when the body is present.
    kind: Option<crate::ids::Kind>,
    /// The full statement, for the kinds the registry interprets.
    statement: Option<Statement>,
}

impl<'a> Replay<'a> {
    /// A replay from entry 0. With `store_hashes`, stored tree hashes are checked too.
    pub fn new(trust: Trust, store_hashes: Option<&'a dyn Store>) -> Self {
        let registry = Registry::new(&trust.origin);
        Replay {
            trust,
            registry,
            tree: CompactRange::new(),
            prev: Digest::ZERO,
            last_time: i64::MIN,
            signatures: 0,
            store_hashes,
            prefetched: (0, Vec::new()),
            roots_at: Vec::new(),
            pending: None,
        }
    }

    /// Also record the root when the replay reaches `size`.
    pub fn want_root_at(&mut self, size: u64) {
        self.roots_at.push((
            size,
            if size == 0 {
                Some(self.tree.root())
            } else {
                None
            },
        ));
    }

    /// The recorded root at `size`, if reached.
    pub fn root_at(&self, size: u64) -> Option<Digest> {
        self.roots_at
            .iter()
            .find(|(s, _)| *s == size)
            .and_then(|(_, r)| *r)
    }

    /// Entries replayed.
    pub fn size(&self) -> u64 {
        self.tree.size()
    }

    /// Signatures checked.
    pub fn signatures(&self) -> u64 {
        self.signatures
    }

    /// The root of everything replayed.
    pub fn root(&self) -> Digest {
        self.tree.root()
    }

    /// Replays the next chunk: `(position, stored bytes)` in order.
    ///
    /// Pipelined: this chunk's order-free checks (decoding, hashing, batch
    /// signature verification, on every core) run while the previous chunk
    /// goes through the checks that depend on order (chain, clock, registry,
    /// tree) on this thread. Call [`Replay::finish`] after the last chunk.
    ///
    /// # Errors
    /// The first problem found so far, in ledger order.
    pub fn feed(&mut self, chunk: Vec<(u64, Vec<u8>)>) -> Result<(), Problem> {
        let origin = self.trust.origin.clone();
        let pending = self.pending.take();
        // rayon::join, not a thread of our own: both halves stay in the
        // caller's rayon pool, which the HTTP server sizes to leave a core
        // free for appends (api/verify.rs).
        let (replayed, checked) = rayon::join(
            || pending.map_or(Ok(()), |p| self.replay_checked(p)),
            || check_chunk(&origin, chunk),
        );
        replayed?;
        self.pending = Some(checked);
        Ok(())
    }

    /// Replays the chunk still in flight. Needed before reading the size, the
    /// root, or checking a checkpoint.
    ///
    /// # Errors
    /// The first problem in that chunk.
    pub fn finish(&mut self) -> Result<(), Problem> {
        match self.pending.take() {
            Some(p) => self.replay_checked(p),
            None => Ok(()),
        }
    }

    /// The order-dependent checks of a chunk whose order-free checks are done.
    fn replay_checked(&mut self, c: Checked) -> Result<(), Problem> {
        if let (Some(store), Some(first), Some(last)) =
            (self.store_hashes, c.ok.first(), c.ok.last())
        {
            self.prefetch_hashes(store, first.seq, last.seq + 1)?;
        }
        for (i, p) in c.ok.into_iter().enumerate() {
            if c.bad_sig == Some(i) {
                return Err(problem(
                    Some(p.seq),
                    ProblemKind::BadSignature,
                    format!(
                        "a signature does not verify over body hash {} for ledger {:?}",
                        p.entry.leaf.body_hash, self.trust.origin
                    ),
                ));
            }
            self.signatures += p.entry.leaf.signatures.len() as u64;
            self.sequential(p)?;
        }
        match c.first_err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Reads the stored tree hashes of entries `from..to` in one range scan.
    fn prefetch_hashes(&mut self, store: &dyn Store, from: u64, to: u64) -> Result<(), Problem> {
        let rows = store
            .scan(&hash_key(from), &hash_key(to), false, usize::MAX)
            .map_err(|e| problem(Some(from), ProblemKind::Storage, e.to_string()))?;
        let mut v = vec![None; (to - from) as usize];
        for (k, val) in rows {
            let seq = k
                .get(1..9)
                .and_then(|b| b.try_into().ok())
                .map(u64::from_be_bytes);
            if let Some(slot) = seq
                .and_then(|s| s.checked_sub(from))
                .and_then(|o| v.get_mut(o as usize))
            {
                *slot = Some(val);
            }
        }
        self.prefetched = (from, v);
        Ok(())
    }

    /// The checks that depend on order.
    fn sequential(&mut self, p: Prepared) -> Result<(), Problem> {
        let seq = p.seq;
        let leaf = &p.entry.leaf;
        let at = Some(seq);
        if leaf.seq != seq {
            return Err(problem(
                at,
                ProblemKind::SequenceMismatch,
                format!("stored at position {seq} but says it is entry {}", leaf.seq),
            ));
        }
        if leaf.prev != self.prev {
            return Err(problem(
                at,
                ProblemKind::ChainBroken,
                format!(
                    "prev is {} but entry {}'s leaf hash is {}",
                    leaf.prev,
                    seq.wrapping_sub(1),
                    self.prev
                ),
            ));
        }
        if leaf.recorded_at_ms < self.last_time {
            return Err(problem(
                at,
                ProblemKind::TimeReversed,
                format!(
                    "recorded at {} ms, before the previous entry ({} ms)",
                    leaf.recorded_at_ms, self.last_time
                ),
            ));
        }
        let signers: Vec<PublicKey> = leaf.signatures.iter().map(|s| s.public_key).collect();
        let registry = match (&p.statement, &p.kind) {
            (Some(s), _) => {
                if seq == 0 {
                    self.check_pinned_roots(s)?;
                }
                self.registry.admit(seq, leaf.recorded_at_ms, s, &signers)
            }
            (None, Some(kind)) => {
                self.registry
                    .authorize(seq, leaf.recorded_at_ms, kind.as_str(), &signers)
            }
            (None, None) => {
                return Err(problem(
                    at,
                    ProblemKind::BodyInvalid,
                    "body is withheld; a full verification needs every body",
                ));
            }
        };
        registry.map_err(|e| problem(at, ProblemKind::Registry, e.to_string()))?;
        let new_nodes = self.tree.push_nodes(p.leaf_hash);
        if self.store_hashes.is_some() {
            let stored = seq
                .checked_sub(self.prefetched.0)
                .and_then(|off| self.prefetched.1.get(off as usize))
                .and_then(|v| v.as_deref())
                .and_then(crate::merkle::decode_record_hashes);
            let want: Vec<tlog_tiles::Hash> = new_nodes.iter().map(|d| (*d).into()).collect();
            if stored.as_ref() != Some(&want) {
                return Err(problem(at, ProblemKind::TreeHashMismatch, format!("the tree hashes stored with this entry differ from the recomputed ones (leaf {})", p.leaf_hash)));
            }
        }
        self.prev = p.leaf_hash;
        self.last_time = leaf.recorded_at_ms;
        let size = self.tree.size();
        if self.roots_at.iter().any(|(s, _)| *s == size) {
            let r = self.tree.root();
            for slot in self.roots_at.iter_mut().filter(|(s, _)| *s == size) {
                slot.1 = Some(r);
            }
        }
        Ok(())
    }

    fn check_pinned_roots(&self, s: &Statement) -> Result<(), Problem> {
        let Some(pinned) = &self.trust.roots else {
            return Ok(());
        };
        let g: crate::registry::GenesisPayload = serde_json::from_value(s.payload.clone())
            .map_err(|e| {
                problem(
                    Some(0),
                    ProblemKind::Registry,
                    format!("genesis payload: {e}"),
                )
            })?;
        let named: BTreeSet<PublicKey> = g.roots.iter().map(|r| r.public_key).collect();
        if &named != pinned {
            return Err(problem(
                Some(0),
                ProblemKind::UntrustedRoots,
                "the genesis entry names root keys other than the pinned ones",
            ));
        }
        Ok(())
    }

    /// Checks a signed checkpoint against the replayed tree; `size` entries must
    /// have been replayed (or the root at its size recorded).
    ///
    /// # Errors
    /// A bad signature, a wrong origin, or a root that differs.
    pub fn check_checkpoint(&self, note: &str) -> Result<u64, Problem> {
        let cp = verify_checkpoint(note, &self.trust.verifier_key)
            .map_err(|e| problem(None, ProblemKind::Checkpoint, e.to_string()))?;
        if cp.size > self.size() {
            return Err(problem(
                None,
                ProblemKind::Missing,
                format!(
                    "the checkpoint covers {} entries but only {} were found",
                    cp.size,
                    self.size()
                ),
            ));
        }
        let root = if cp.size == self.size() {
            Some(self.root())
        } else {
            self.root_at(cp.size)
        };
        match root {
            Some(r) if r == cp.root => Ok(cp.size),
            Some(r) => Err(problem(
                None,
                ProblemKind::RootMismatch,
                format!(
                    "checkpoint of size {} has root {} but the entries give {r}",
                    cp.size, cp.root
                ),
            )),
            None => Err(problem(
                None,
                ProblemKind::Checkpoint,
                format!("no root was recorded at size {}", cp.size),
            )),
        }
    }
}

fn prepare(seq: u64, bytes: &[u8]) -> Result<Prepared, Problem> {
    let at = Some(seq);
    let entry = StoredEntry::decode(bytes).map_err(|e| {
        problem(
            at,
            ProblemKind::Undecodable,
            format!("stored entry does not decode: {e}"),
        )
    })?;
    let (kind, statement) = match &entry.body {
        None => (None, None),
        Some(b) => {
            let h = body_hash(b);
            if h != entry.leaf.body_hash {
                return Err(problem(
                    at,
                    ProblemKind::BodyHashMismatch,
                    format!(
                        "body hashes to {h} but the leaf says {}",
                        entry.leaf.body_hash
                    ),
                ));
            }
            // The body hash and signatures bind every byte; only registry
            // entries need their payload parsed to replay the rules.
            let kind = Statement::kind_of_body(b)
                .map_err(|e| problem(at, ProblemKind::BodyInvalid, e.to_string()))?;
            let statement = if kind.is_core() {
                Some(
                    Statement::from_body_bytes(b)
                        .map_err(|e| problem(at, ProblemKind::BodyInvalid, e.to_string()))?,
                )
            } else {
                None
            };
            (Some(kind), statement)
        }
    };
    let leaf_hash = entry.leaf.hash();
    Ok(Prepared {
        seq,
        entry,
        leaf_hash,
        kind,
        statement,
    })
}

/// A chunk after its order-free checks.
struct Checked {
    /// Entries before the first that failed to decode or hash.
    ok: Vec<Prepared>,
    /// Index in `ok` of the first entry with a bad signature.
    bad_sig: Option<usize>,
    /// The problem that ended `ok` early.
    first_err: Option<Problem>,
}

/// Decodes and hashes every entry and checks every signature, on all cores.
fn check_chunk(origin: &str, chunk: Vec<(u64, Vec<u8>)>) -> Checked {
    let prepared: Vec<Result<Prepared, Problem>> = chunk
        .into_par_iter()
        .map(|(seq, bytes)| prepare(seq, &bytes))
        .collect();
    let mut ok = Vec::with_capacity(prepared.len());
    let mut first_err = None;
    for p in prepared {
        match p {
            Ok(p) => ok.push(p),
            Err(e) => {
                first_err = Some(e);
                break;
            }
        }
    }
    // Signatures of everything before the first decode problem.
    let jobs: Vec<sigs::SigJob> = ok
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            let msg = Arc::new(signing_message(origin, &p.entry.leaf.body_hash));
            p.entry.leaf.signatures.iter().map(move |s| sigs::SigJob {
                entry: i,
                key: s.public_key,
                sig: s.signature,
                msg: msg.clone(),
            })
        })
        .collect();
    let bad_sig = sigs::first_bad(&jobs);
    Checked {
        ok,
        bad_sig,
        first_err,
    }
}

/// How many entries a replay reads at a time.
pub const CHUNK: u64 = 4096;

/// Builds the report from a replay's outcome.
pub fn report(
    replay: &Replay<'_>,
    result: Result<(u64, Option<u64>), Problem>,
    started: std::time::Instant,
) -> VerifyReport {
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok((size, cp)) => VerifyReport {
            ok: true,
            entries: replay.size(),
            signatures: replay.signatures(),
            tree_size: size,
            root: Some(replay.root().to_hex()),
            checkpoint_size: cp,
            problem: None,
            elapsed_ms,
        },
        Err(p) => VerifyReport {
            ok: false,
            entries: replay.size(),
            signatures: replay.signatures(),
            tree_size: replay.size(),
            root: None,
            checkpoint_size: None,
            problem: Some(p),
            elapsed_ms,
        },
    }
}
