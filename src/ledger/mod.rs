//! The ledger: sequencing, group-committed durable appends, reads and proofs.
//!
//! One writer thread owns sequencing. Appenders verify their signatures (and
//! the record rules, when their references are committed) on their own
//! threads, in parallel, then hand the verified statement to the writer,
//! which takes every statement waiting at that moment as one group: it checks
//! each against the registry and references, assigns sequence numbers, times,
//! chain links and tree hashes, and writes the group to the store key by key,
//! the tree size last (a group a crash tears is rolled back on open: see
//! `repair`). Then it makes the group durable with one flush and fsync,
//! signs one checkpoint, publishes the new head and answers the appenders.
//! What arrives meanwhile forms the next group: under load, one fsync per
//! several dozen entries, never one per entry. See docs/durability.md.

mod open;
mod query;
mod repair;
mod writer;

pub use query::{EntryView, Page, Query};

use crate::checkpoint::{LedgerSigner, SignedCheckpoint};
use crate::error::{AppendError, ReadError};
use crate::hash::Digest;
use crate::ids::Seq;
use crate::merkle::{self, StoreHashes};
use crate::policy::RecordPolicy;
use crate::registry::Registry;
use crate::statement::{verify_signatures, SignedStatementJson, Statement, VerifiedStatement};
use crate::store::Store;
use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The committed size recorded in `store` (0 for an empty store).
///
/// # Errors
/// The stored size is unreadable.
pub fn stored_size_of(store: &dyn Store) -> Result<u64, String> {
    open::stored_size(store).map_err(|e| e.to_string())
}

/// What the ledger needs to open.
pub struct LedgerConfig {
    /// The ledger's name: origin line of its checkpoints, bound into every signature.
    pub origin: String,
    /// Key that signs checkpoints.
    pub checkpoint_key: crate::keys::Keypair,
    /// Kind-specific rules.
    pub policy: Arc<dyn RecordPolicy>,
}

/// What a client gets back for an append: enough to check offline that the
/// entry is in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Sequence number.
    pub seq: Seq,
    /// The entry's leaf hash.
    #[serde(with = "crate::hash::hex_digest")]
    pub leaf_hash: Digest,
    /// Body hash (how other entries refer to it).
    #[serde(with = "crate::hash::hex_digest")]
    pub body_hash: Digest,
    /// Recorded-at time (ledger clock), Unix ms.
    pub recorded_at_ms: i64,
    /// The same, RFC 3339 in Asia/Shanghai.
    pub recorded_at: String,
    /// Signed checkpoint note that includes the entry.
    pub checkpoint: String,
    /// Its tree size.
    pub tree_size: u64,
    /// Inclusion proof of the entry in that checkpoint.
    #[serde(with = "crate::hash::hex_digests")]
    pub inclusion_proof: Vec<Digest>,
    /// True when the statement was already recorded and this is the original receipt.
    pub duplicate: bool,
}

/// The committed head of the ledger.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub size: u64,
    pub checkpoint: SignedCheckpoint,
}

pub(crate) struct Inner {
    pub store: Arc<dyn Store>,
    pub signer: LedgerSigner,
    pub policy: Arc<dyn RecordPolicy>,
    pub head: RwLock<Head>,
    pub registry: RwLock<Registry>,
    pub halted: RwLock<Option<String>>,
    pub jobs: Mutex<Option<std::sync::mpsc::SyncSender<writer::Job>>>,
    /// The writer thread, joined on shutdown.
    pub writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    pub metrics: Metrics,
    /// Recent tree hashes, so receipts need no store reads.
    pub hashes: merkle::HashCache,
}

impl Inner {
    /// The store's tree hashes, through the cache of recent ones.
    pub(crate) fn tree_hashes(&self) -> StoreHashes<'_> {
        StoreHashes::new(&*self.store).cache(&self.hashes)
    }
}

/// Counters for /metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Entries appended since start.
    pub appended: std::sync::atomic::AtomicU64,
    /// Group commits since start.
    pub commits: std::sync::atomic::AtomicU64,
    /// Time spent making group commits durable (store flush and fsync), in
    /// microseconds, since start.
    pub sync_micros: std::sync::atomic::AtomicU64,
    /// Appends refused since start.
    pub refused: std::sync::atomic::AtomicU64,
    /// Duplicates answered since start.
    pub duplicates: std::sync::atomic::AtomicU64,
    /// Appends handed to the writer that it has not yet taken into a group.
    /// Counted after the hand-over, so it can dip below zero for a moment
    /// when the writer takes a job first; read it through [`Metrics::queue`].
    pub queued: std::sync::atomic::AtomicI64,
}

impl Metrics {
    /// Appends waiting for the writer, never below zero.
    pub fn queue(&self) -> u64 {
        u64::try_from(self.queued.load(std::sync::atomic::Ordering::Relaxed)).unwrap_or(0)
    }
}

/// A handle to an open ledger. Cheap to clone; all clones share one writer.
#[derive(Clone)]
pub struct Ledger {
    pub(crate) inner: Arc<Inner>,
}

impl Ledger {
    /// The ledger's origin.
    pub fn origin(&self) -> &str {
        self.inner.signer.origin()
    }

    /// The checkpoint verifier key (C2SP `origin+hash+base64`).
    pub fn verifier_key(&self) -> String {
        self.inner.signer.verifier_key()
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        &*self.inner.store
    }

    /// Counters.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Why the ledger halted, if it did.
    pub fn halted(&self) -> Option<String> {
        self.inner.halted.read().clone()
    }

    /// Number of committed entries.
    pub fn size(&self) -> u64 {
        self.inner.head.read().size
    }

    /// The latest signed checkpoint.
    pub fn checkpoint(&self) -> SignedCheckpoint {
        self.inner.head.read().checkpoint.clone()
    }

    /// A snapshot of the registry at the head.
    pub fn registry(&self) -> Registry {
        self.inner.registry.read().clone()
    }

    /// Validates, verifies and appends a signed statement; blocks until the
    /// entry is durable. Run it off async executors (it fsyncs).
    ///
    /// # Errors
    /// Any refusal (nothing stored) or a halted ledger.
    pub fn append(&self, signed: &SignedStatementJson) -> Result<Receipt, AppendError> {
        let result = self
            .admit(signed)
            .and_then(|v| writer::submit(&self.inner, v))
            .and_then(|d| self.receipt_for(d));
        self.count_refusal(result)
    }

    /// [`Ledger::append`] for async callers: the checks run on the calling
    /// task (tens of microseconds: parsing, signatures, record rules against
    /// committed references), then no thread waits while the group commit
    /// reaches the disk. The answer is the same as `append`'s.
    ///
    /// Not all of it is CPU work: the record rules read referenced entries
    /// from the store, the receipt's proof reads tree hashes the cache does
    /// not hold, and handing over blocks if 8,192 appends already wait for
    /// the writer. Those are sled reads from its page cache, short enough
    /// that the HTTP server calls this on its worker threads
    /// (docs/performance.md measures that against `spawn_blocking`).
    ///
    /// # Errors
    /// Any refusal (nothing stored) or a halted ledger.
    pub async fn append_async(&self, signed: &SignedStatementJson) -> Result<Receipt, AppendError> {
        let result = async {
            let rx = writer::submit_async(&self.inner, self.admit(signed)?)?;
            let d = rx.await.map_err(|_| writer::gone(&self.inner))??;
            self.receipt_for(d)
        }
        .await;
        self.count_refusal(result)
    }

    /// Counts a failed append in the metrics; passes the result on.
    fn count_refusal<T>(&self, result: Result<T, AppendError>) -> Result<T, AppendError> {
        if result.is_err() {
            self.inner
                .metrics
                .refused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        result
    }

    /// Parses and verifies a submitted statement.
    fn admit(&self, signed: &SignedStatementJson) -> Result<VerifiedStatement, AppendError> {
        if let Some(why) = self.halted() {
            return Err(AppendError::Halted(why));
        }
        let statement = Statement::from_json(&signed.statement)?;
        Ok(verify_signatures(
            self.origin(),
            statement,
            &signed.signatures,
        )?)
    }

    /// The receipt of a durable append.
    fn receipt_for(&self, d: writer::Done) -> Result<Receipt, AppendError> {
        // The writer hands back what the receipt needs, so the entry is not
        // read back and decoded; only the proof is read.
        let cp = self.checkpoint();
        let proof = self.inclusion_proof(d.seq, cp.size).map_err(|e| {
            AppendError::Halted(format!(
                "entry {} committed but its proof could not be read: {e}",
                d.seq
            ))
        })?;
        Ok(Receipt {
            seq: d.seq,
            leaf_hash: d.leaf_hash,
            body_hash: d.body_hash,
            recorded_at_ms: d.recorded_at_ms,
            recorded_at: crate::ids::rfc3339_ms(d.recorded_at_ms),
            checkpoint: cp.note,
            tree_size: cp.size,
            inclusion_proof: proof,
            duplicate: d.duplicate,
        })
    }

    /// Inclusion proof of `seq` in the tree of `size` (≤ the committed size).
    ///
    /// # Errors
    /// Bad sizes, or storage failure.
    pub fn inclusion_proof(&self, seq: Seq, size: u64) -> Result<Vec<Digest>, ReadError> {
        self.check_size(size)?;
        Ok(merkle::inclusion_proof(
            seq,
            size,
            &self.inner.tree_hashes(),
        )?)
    }

    /// Consistency proof from `from` to `to` (≤ the committed size).
    ///
    /// # Errors
    /// Bad sizes, or storage failure.
    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<Digest>, ReadError> {
        self.check_size(to)?;
        Ok(merkle::consistency_proof(
            from,
            to,
            &self.inner.tree_hashes(),
        )?)
    }

    /// The root of the tree of `size` entries.
    ///
    /// # Errors
    /// Bad size, or storage failure.
    pub fn root(&self, size: u64) -> Result<Digest, ReadError> {
        self.check_size(size)?;
        Ok(merkle::root(size, &self.inner.tree_hashes())?)
    }

    fn check_size(&self, size: u64) -> Result<(), ReadError> {
        let have = self.size();
        if size > have {
            return Err(ReadError::BadRequest(format!(
                "tree size {size} is larger than the ledger ({have} entries)"
            )));
        }
        Ok(())
    }

    /// Replays and checks the whole stored ledger (see [`crate::verify`]).
    pub fn verify_full(&self, progress: &dyn Fn(u64, u64)) -> crate::verify::VerifyReport {
        let trust = crate::verify::Trust {
            origin: self.origin().to_string(),
            verifier_key: self.verifier_key(),
            roots: None,
        };
        crate::verify::verify_store(self.store(), trust, progress)
    }

    /// Stops the writer after it has committed everything already submitted.
    pub fn shutdown(&self) {
        self.inner.jobs.lock().take();
        // The writer ends when its queue closes, after the groups it holds.
        let handle = self.inner.writer.lock().take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}
