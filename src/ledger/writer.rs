//! The single writer and its group commit.

use super::open::{read_entry, META_CHECKPOINT, META_GROUP, META_ORIGIN, META_SIZE};
use super::{Head, Inner};
use crate::entry::{Leaf, StoredEntry};
use crate::error::AppendError;
use crate::hash::Digest;
use crate::merkle;
use crate::policy::RefView;
use crate::registry::Registry;
use crate::statement::{FieldError, Statement, VerifiedStatement};
use crate::store::{body_key, entry_key, hash_key, meta_key, postings, runs, Index, WriteBatch};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Weak};
use tlog_tiles::Hash;

/// Appends that may wait for the writer before appenders block.
pub(crate) const QUEUE_DEPTH: usize = 8192;
/// The most appends in one group commit.
const MAX_GROUP: usize = 4096;

pub(crate) struct Job {
    verified: VerifiedStatement,
    /// The record rules already passed against committed references.
    prechecked: bool,
    /// Emptied when answered.
    reply: Pending,
}

/// Where an appender waits for its answer.
pub(crate) enum Reply {
    /// A thread blocked in `Ledger::append`.
    Thread(SyncSender<Result<Done, AppendError>>),
    /// A task awaiting `Ledger::append_async`: no thread waits for the disk.
    Task(tokio::sync::oneshot::Sender<Result<Done, AppendError>>),
}

impl Reply {
    /// Answers; an appender that gave up waiting is no error.
    fn send(self, r: Result<Done, AppendError>) {
        match self {
            Reply::Thread(s) => {
                let _ = s.send(r);
            }
            Reply::Task(s) => {
                let _ = s.send(r);
            }
        }
    }
}

/// Why the ledger halts when the writer thread panics; clients see this,
/// the panic message goes to the server's stderr only.
const WRITER_PANICKED: &str = "the writer thread panicked (the server log says where)";

/// A reply the writer has not sent yet, if any. Dropped unsent while the
/// writer thread unwinds from a panic, it tells its appender that the ledger
/// halted, rather than leaving the closed channel to read as "shutting down".
pub(crate) struct Pending(Option<Reply>);

impl Pending {
    /// Answers, unless already answered.
    fn answer(&mut self, r: Result<Done, AppendError>) {
        if let Some(reply) = self.0.take() {
            reply.send(r);
        }
    }

    /// Moves the reply out, leaving this one answered.
    fn take(&mut self) -> Option<Pending> {
        self.0.take().map(|r| Pending(Some(r)))
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(reply) = self.0.take() {
            if std::thread::panicking() {
                reply.send(Err(AppendError::Halted(WRITER_PANICKED.into())));
            }
        }
    }
}

impl Job {
    fn answer(&mut self, r: Result<Done, AppendError>) {
        self.reply.answer(r);
    }
}

/// Where an append ended up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Done {
    pub seq: u64,
    pub duplicate: bool,
    pub leaf_hash: Digest,
    pub body_hash: Digest,
    pub recorded_at_ms: i64,
}

/// The writer's view of the tip of the ledger.
pub(crate) struct WriterState {
    next: u64,
    last_hash: Digest,
    last_time: i64,
    registry: Registry,
}

impl WriterState {
    pub(crate) fn new(next: u64, last_hash: Digest, last_time: i64, registry: Registry) -> Self {
        WriterState {
            next,
            last_hash,
            last_time,
            registry,
        }
    }
}

/// Hands a verified statement to the writer and waits until it is durable.
pub(crate) fn submit(inner: &Inner, verified: VerifiedStatement) -> Result<Done, AppendError> {
    let (reply, rx) = std::sync::mpsc::sync_channel(1);
    enqueue(inner, verified, Reply::Thread(reply))?;
    rx.recv().map_err(|_| gone(inner))?
}

/// Hands a verified statement to the writer; the receiver answers once it is
/// durable. Enqueueing blocks only if [`QUEUE_DEPTH`] appends are already
/// waiting for the writer; the HTTP API admits at most 1,024 requests at once.
pub(crate) fn submit_async(
    inner: &Inner,
    verified: VerifiedStatement,
) -> Result<tokio::sync::oneshot::Receiver<Result<Done, AppendError>>, AppendError> {
    let (reply, rx) = tokio::sync::oneshot::channel();
    enqueue(inner, verified, Reply::Task(reply))?;
    Ok(rx)
}

fn enqueue(inner: &Inner, verified: VerifiedStatement, reply: Reply) -> Result<(), AppendError> {
    let prechecked = precheck(inner, &verified)?;
    let jobs = inner.jobs.lock().clone().ok_or_else(|| gone(inner))?;
    jobs.send(Job {
        verified,
        prechecked,
        reply: Pending(Some(reply)),
    })
    .map_err(|_| gone(inner))?;
    // Counted once it is in the queue, so a count of n means n jobs are
    // there; the writer may take this one first (Metrics::queued).
    inner.metrics.queued.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

/// A group applied to the store (visible, not yet durable), to be made
/// durable before anyone hears of it.
pub(crate) struct Applied {
    /// Entries the group added.
    new_entries: u64,
    /// The tree size after it, if it added entries.
    size: Option<u64>,
    /// The registry after it, if the group changed it.
    registry: Option<Registry>,
    /// Appenders to answer once durable.
    replies: Vec<(Pending, Done)>,
}

/// Halts the ledger if the writer thread unwinds from a panic while it holds
/// a group.
///
/// sled writes its log buffers on the thread that seals them, which is
/// mostly this one (vendor/sled/TIEZHENG.md), so a panic inside sled's write
/// path, or our own, unwinds here. After it the store is in an unknown state,
/// and the ledger halts as after a failed commit. The unwinding itself does
/// the rest, no `catch_unwind` needed:
/// - the group's appenders hear "halted" as their [`Pending`] replies drop in
///   the frames below this guard; none of them was acknowledged;
/// - this guard, dropped next, records the halt, so every later append,
///   `/healthz` and the log say so, and leaks a handle on the store: sled's
///   `Drop` flushes its log and would wait forever for the buffer write the
///   panic cut off, hanging the server's shutdown. The store stays as a crash
///   would leave it, and the next start recovers it (docs/durability.md).
///   It is leaked here, before `run` drops its handle on the ledger, which
///   may be the last one;
/// - it then empties the queue: each job leaves the queued gauge and, as its
///   reply drops, answers "halted" the same way.
///
/// The panic message goes to stderr (Rust's panic hook).
struct HaltOnPanic<'a> {
    inner: &'a Inner,
    queue: &'a Receiver<Job>,
}

impl Drop for HaltOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            tracing::error!("the writer thread panicked (message above, on stderr)");
            halt(self.inner, WRITER_PANICKED);
            std::mem::forget(Arc::clone(&self.inner.store));
            for job in self.queue.try_iter() {
                self.inner.metrics.queued.fetch_sub(1, Ordering::Relaxed);
                drop(job);
            }
        }
    }
}

/// What an appender whose answer channel closed unanswered is told: the
/// halt, if the ledger halted (the writer panicked, and this append was
/// admitted just before), else shutting down.
pub(crate) fn gone(inner: &Inner) -> AppendError {
    match inner.halted.read().clone() {
        Some(why) => AppendError::Halted(why),
        None => AppendError::ShuttingDown,
    }
}

/// The writer thread: takes every append waiting at that moment as one group,
/// sequences it and applies it to the store, makes it durable
/// with one flush and fsync, publishes the new head and answers the group's
/// appenders. Appends that arrive meanwhile wait in the queue and form the
/// next group, so under load each fsync covers everything that arrived during
/// the previous one.
///
/// One thread does both halves on purpose. Until 2026-11-23 a second thread
/// synced while the writer applied the next groups. That let the writer apply
/// two or three small groups per fsync, and each sled batch (as groups were
/// then written) cost two writes of sled's I/O buffer, each waking all of
/// sled's idle I/O threads; and every group crossed two threads, each
/// hand-off waiting for a core that 64 busy appenders hold.
/// docs/performance.md has the measurements.
pub(crate) fn run(inner: Weak<Inner>, rx: Receiver<Job>, mut state: WriterState) {
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(j) => group.push(j),
                Err(_) => break,
            }
        }
        let Some(inner) = inner.upgrade() else { return };
        let _halt = HaltOnPanic {
            inner: &inner,
            queue: &rx,
        };
        inner.metrics.queued.fetch_sub(
            i64::try_from(group.len()).unwrap_or(i64::MAX),
            Ordering::Relaxed,
        );
        if let Some(applied) = commit_group(&inner, &mut state, group) {
            make_durable(&inner, applied);
        }
    }
}

/// Makes an applied group durable, publishes it and answers its appenders;
/// on failure halts the ledger and answers them with the reason.
fn make_durable(inner: &Inner, applied: Applied) {
    match sync_and_publish(inner, applied.size, applied.registry) {
        Ok(()) => {
            inner
                .metrics
                .appended
                .fetch_add(applied.new_entries, Ordering::Relaxed);
            inner.metrics.commits.fetch_add(1, Ordering::Relaxed);
            for (mut reply, done) in applied.replies {
                reply.answer(Ok(done));
            }
        }
        Err(why) => {
            halt(inner, &why);
            refuse(applied.replies, &why);
        }
    }
}

/// One flush and fsync for everything applied, then the new registry, one
/// checkpoint for tree size `size` and the new head. Nothing is published
/// before the fsync that covers it has returned. Only this thread halts the
/// ledger, and it does not sync a group once halted (`commit_group`).
fn sync_and_publish(
    inner: &Inner,
    size: Option<u64>,
    registry: Option<Registry>,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    let synced = inner.store.sync();
    inner.metrics.sync_micros.fetch_add(
        u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
    synced.map_err(|e| format!("making appended entries durable failed: {e}"))?;
    if let Some(r) = registry {
        *inner.registry.write() = r;
    }
    if let Some(size) = size {
        // The checkpoint is stored now and made durable by the next fsync;
        // until then a restart re-signs it from the durable tree
        // (Ledger::open).
        let root = merkle::root(size, &inner.tree_hashes())
            .map_err(|e| format!("computing the root of {size} entries failed: {e}"))?;
        let checkpoint = inner.signer.sign(size, root);
        inner
            .store
            .apply(vec![(
                meta_key(META_CHECKPOINT),
                checkpoint.note.clone().into_bytes(),
            )])
            .map_err(|e| format!("storing the checkpoint failed: {e}"))?;
        *inner.head.write() = Head { size, checkpoint };
    }
    Ok(())
}

/// Answers appenders waiting for a commit that will not happen.
fn refuse(replies: Vec<(Pending, Done)>, why: &str) {
    for (mut reply, _) in replies {
        reply.answer(Err(AppendError::Halted(why.to_string())));
    }
}

/// What the group has sequenced but not yet committed.
#[derive(Default)]
struct GroupWork {
    /// Tree hashes and body-index keys, in sequence order.
    batch: WriteBatch,
    overlay: HashMap<u64, Vec<Hash>>,
    local: HashMap<Digest, Local>,
    /// Index prefix -> the group's entries under it, ascending: one posting
    /// key each (store::postings).
    postings: HashMap<Vec<u8>, Vec<u64>>,
    registry_changed: bool,
    /// The group's new entries, encoded back to back in runs of at most
    /// [`runs::MAX_RUN_BYTES`], one key each (store::runs).
    runs: Vec<runs::Run>,
}

impl GroupWork {
    fn post(&mut self, prefix: Vec<u8>, seq: u64) {
        let seqs = self.postings.entry(prefix).or_default();
        // One signer signing twice still posts the entry once.
        if seqs.last() != Some(&seq) {
            seqs.push(seq);
        }
    }
}

/// An entry sequenced in this group: where it went, and which job it came from.
struct Local {
    done: Done,
    job: usize,
}

enum Outcome {
    /// Answer now: refused, or a duplicate of a committed entry.
    Now(Result<Done, AppendError>),
    /// Answer after the commit.
    AfterCommit(Done),
}

fn commit_group(
    inner: &Arc<Inner>,
    state: &mut WriterState,
    mut group: Vec<Job>,
) -> Option<Applied> {
    if let Some(why) = inner.halted.read().clone() {
        for j in &mut group {
            j.answer(Err(AppendError::Halted(why.clone())));
        }
        return None;
    }
    let first_new = state.next;
    let mut work = GroupWork::default();
    let mut waiting = Vec::new();
    for i in 0..group.len() {
        match sequence_one(inner, state, &mut work, &group, i) {
            Ok(Outcome::Now(r)) => group[i].answer(r),
            Ok(Outcome::AfterCommit(d)) => waiting.push((i, d)),
            Err(fatal) => {
                halt(inner, &fatal);
                // Nothing of this group is stored: tell everyone not yet answered.
                for j in &mut group {
                    j.answer(Err(AppendError::Halted(fatal.clone())));
                }
                return None;
            }
        }
    }
    let replies: Vec<_> = waiting
        .into_iter()
        .filter_map(|(i, d)| group[i].reply.take().map(|r| (r, d)))
        .collect();
    let new_entries = state.next - first_new;
    let mut applied = Applied {
        new_entries,
        size: None,
        registry: None,
        replies,
    };
    if new_entries > 0 {
        let registry_changed = work.registry_changed;
        match apply_group(inner, state, work, first_new) {
            Ok(size) => applied.size = Some(size),
            Err(fatal) => {
                halt(inner, &fatal);
                refuse(applied.replies, &fatal);
                return None;
            }
        }
        if registry_changed {
            applied.registry = Some(state.registry.clone());
        }
    }
    (!applied.replies.is_empty() || applied.size.is_some()).then_some(applied)
}

fn halt(inner: &Inner, why: &str) {
    tracing::error!(
        reason = why,
        "ledger halted: no further appends are acknowledged"
    );
    let mut h = inner.halted.write();
    if h.is_none() {
        *h = Some(why.to_string());
    }
}

/// Applies the sequenced group to the store (visible, not yet durable);
/// returns the new tree size.
///
/// The keys go in key by key ([`crate::store::Store::apply_in_order`]), in
/// an order a crash may cut anywhere:
/// 1. the group marker (`Mgroup`: first and end seq), so that opening the
///    store knows which entries a torn group may have left (`super::repair`);
/// 2. the origin, with the first group;
/// 3. the entry runs, before anything that points at them, so a reader that
///    finds a body-index key also finds its entry;
/// 4. tree hashes and body-index keys, then the index postings;
/// 5. the tree size, last: once it is stored, every key of the group is.
fn apply_group(
    inner: &Inner,
    state: &WriterState,
    work: GroupWork,
    first_new: u64,
) -> Result<u64, String> {
    let end = state.next;
    let mut keys = Vec::with_capacity(work.batch.len() + work.runs.len() + work.postings.len() + 3);
    keys.push((
        meta_key(META_GROUP),
        super::repair::encode_marker(first_new, end),
    ));
    if first_new == 0 {
        keys.push((
            meta_key(META_ORIGIN),
            inner.signer.origin().as_bytes().to_vec(),
        ));
    }
    for run in work.runs {
        keys.push((entry_key(run.first), run.bytes));
    }
    keys.extend(work.batch);
    for (prefix, seqs) in work.postings {
        keys.extend(postings::for_group(&prefix, &seqs));
    }
    keys.push((meta_key(META_SIZE), end.to_be_bytes().to_vec()));
    inner
        .store
        .apply_in_order(keys)
        .map_err(|e| format!("writing entries {first_new}..{end} failed: {e}"))?;
    // Applied: from now on the store would return these same hashes.
    inner.hashes.insert(work.overlay);
    Ok(end)
}

/// Decides one statement. `Err` is a storage failure that halts the ledger.
fn sequence_one(
    inner: &Inner,
    state: &mut WriterState,
    work: &mut GroupWork,
    group: &[Job],
    index: usize,
) -> Result<Outcome, String> {
    let (v, prechecked) = (&group[index].verified, group[index].prechecked);
    let store = &*inner.store;
    let bh = v.body_hash();
    // Already recorded (in this group or before)?
    if let Some(l) = work.local.get(&bh) {
        return Ok(if group[l.job].verified.signatures() == v.signatures() {
            Outcome::AfterCommit(Done {
                duplicate: true,
                ..l.done
            })
        } else {
            Outcome::Now(Err(AppendError::ConflictingDuplicate { seq: l.done.seq }))
        });
    }
    if let Some(seq) = lookup_body(store, &bh)? {
        let e = read_entry(store, seq)?;
        inner.metrics.duplicates.fetch_add(1, Ordering::Relaxed);
        // The original is durable already (each group is synced before the
        // next is sequenced); it is answered with its group all the same.
        return Ok(if e.leaf.signatures == v.signatures() {
            Outcome::AfterCommit(Done {
                seq,
                duplicate: true,
                leaf_hash: e.leaf.hash(),
                body_hash: bh,
                recorded_at_ms: e.leaf.recorded_at_ms,
            })
        } else {
            Outcome::Now(Err(AppendError::ConflictingDuplicate { seq }))
        });
    }
    let s = v.statement();
    if !prechecked {
        let refs = match resolve_refs(store, work, group, s)? {
            Ok(r) => r,
            Err(e) => return Ok(Outcome::Now(Err(e))),
        };
        if let Err(e) = check_policy(inner, s, &refs) {
            return Ok(Outcome::Now(Err(e)));
        }
    }
    let seq = state.next;
    let at = crate::ids::now_ms().max(state.last_time);
    let signers: Vec<_> = v.signatures().iter().map(|s| s.public_key).collect();
    if let Err(e) = state.registry.admit(seq, at, s, &signers) {
        return Ok(Outcome::Now(Err(e.into())));
    }
    work.registry_changed |= s.kind.is_core();
    let leaf = Leaf {
        seq,
        recorded_at_ms: at,
        prev: state.last_hash,
        body_hash: bh,
        signatures: v.signatures().to_vec(),
    };
    let lh = leaf.hash();
    let hashes = merkle::hashes_for_leaf(seq, lh, &inner.tree_hashes().overlay(&work.overlay))
        .map_err(|e| format!("reading tree hashes for entry {seq} failed: {e}"))?;
    work.batch
        .push((hash_key(seq), merkle::encode_record_hashes(&hashes)));
    work.overlay.insert(seq, hashes);
    work.batch
        .push((body_key(&bh.0), seq.to_be_bytes().to_vec()));
    work.post(Index::Case.prefix(s.case.as_str().as_bytes()), seq);
    work.post(Index::Subject.prefix(s.subject.as_bytes()), seq);
    work.post(Index::Kind.prefix(s.kind.as_str().as_bytes()), seq);
    for pk in &signers {
        work.post(Index::Signer.prefix(pk.as_bytes()), seq);
    }
    let stored = StoredEntry {
        leaf,
        body: Some(v.body().to_vec()),
    };
    runs::push(&mut work.runs, seq, stored.encode());
    let done = Done {
        seq,
        duplicate: false,
        leaf_hash: lh,
        body_hash: bh,
        recorded_at_ms: at,
    };
    work.local.insert(bh, Local { done, job: index });
    state.next += 1;
    state.last_hash = lh;
    state.last_time = at;
    Ok(Outcome::AfterCommit(done))
}

fn lookup_body(store: &dyn crate::store::Store, h: &Digest) -> Result<Option<u64>, String> {
    let v = store.get(&body_key(&h.0)).map_err(|e| e.to_string())?;
    match v {
        None => Ok(None),
        Some(b) => b
            .as_slice()
            .try_into()
            .map(|a| Some(u64::from_be_bytes(a)))
            .map_err(|_| format!("body index for {h} is corrupt")),
    }
}

type Resolved = Vec<(u64, Digest, Statement)>;

/// Runs the record rules on the appender's own thread when every reference
/// is already committed (entries never change once committed, so the answer
/// stays right). Returns whether it ran: if a reference is not committed yet
/// (it may be in the group being written), the writer checks instead. This
/// keeps the payload parsing off the single writer thread.
fn precheck(inner: &Inner, v: &VerifiedStatement) -> Result<bool, AppendError> {
    let s = v.statement();
    if s.kind.is_core() {
        // No record rules to run: do not read the references at all.
        return Ok(true);
    }
    let mut refs = Vec::with_capacity(s.refs.len());
    for r in &s.refs {
        match load_ref(&*inner.store, r) {
            Ok(Stored::Found(seq, st)) => refs.push((seq, *r, st)),
            // In flight, withheld or unreadable: the writer decides.
            _ => return Ok(false),
        }
    }
    check_policy(inner, s, &refs)?;
    Ok(true)
}

/// A reference looked up among committed (applied) entries.
enum Stored {
    Found(u64, Statement),
    Missing,
    Withheld(u64),
}

/// Looks a reference up in the store. `Err` is a storage failure.
fn load_ref(store: &dyn crate::store::Store, r: &Digest) -> Result<Stored, String> {
    let Some(seq) = lookup_body(store, r)? else {
        return Ok(Stored::Missing);
    };
    let Some(body) = read_entry(store, seq)?.body else {
        return Ok(Stored::Withheld(seq));
    };
    let st = Statement::from_body_bytes(&body).map_err(|e| format!("stored entry {seq}: {e}"))?;
    Ok(Stored::Found(seq, st))
}

fn check_policy(inner: &Inner, s: &Statement, refs: &Resolved) -> Result<(), AppendError> {
    if s.kind.is_core() {
        return Ok(());
    }
    let views: Vec<RefView<'_>> = refs
        .iter()
        .map(|(seq, h, st)| RefView {
            seq: *seq,
            body_hash: *h,
            statement: st,
        })
        .collect();
    inner.policy.check(s, &views).map_err(AppendError::from)
}

/// Finds each referenced entry. Outer `Err` is a storage failure.
fn resolve_refs(
    store: &dyn crate::store::Store,
    work: &GroupWork,
    group: &[Job],
    s: &Statement,
) -> Result<Result<Resolved, AppendError>, String> {
    let mut out = Vec::with_capacity(s.refs.len());
    for (index, r) in s.refs.iter().enumerate() {
        if let Some(l) = work.local.get(r) {
            out.push((l.done.seq, *r, group[l.job].verified.statement().clone()));
            continue;
        }
        match load_ref(store, r)? {
            Stored::Found(seq, st) => out.push((seq, *r, st)),
            Stored::Missing => {
                return Ok(Err(AppendError::MissingRef {
                    index,
                    hash: r.to_hex(),
                }))
            }
            Stored::Withheld(seq) => {
                return Ok(Err(FieldError::new(
                    format!("statement.refs[{index}]"),
                    format!("entry {seq}'s body is withheld; it cannot be checked as a reference"),
                )
                .into()))
            }
        }
    }
    Ok(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pending reply, and where its appender waits.
    fn pending() -> (
        Pending,
        std::sync::mpsc::Receiver<Result<Done, AppendError>>,
    ) {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        (Pending(Some(Reply::Thread(tx))), rx)
    }

    #[test]
    fn a_reply_dropped_while_the_writer_unwinds_says_the_ledger_halted() {
        let (reply, rx) = pending();
        let panicked = std::thread::spawn(move || {
            let _held = reply;
            panic!("a bug in the writer");
        })
        .join();
        assert!(panicked.is_err());
        match rx.recv() {
            Ok(Err(AppendError::Halted(why))) => assert_eq!(why, WRITER_PANICKED),
            other => panic!("expected the halt, got {other:?}"),
        }
    }

    #[test]
    fn a_reply_dropped_otherwise_is_not_answered() {
        let (reply, rx) = pending();
        drop(reply);
        assert!(rx.recv().is_err());
    }

    #[test]
    fn an_answered_reply_is_answered_once() {
        let (mut reply, rx) = pending();
        reply.answer(Err(AppendError::ShuttingDown));
        drop(reply);
        assert!(matches!(rx.recv(), Ok(Err(AppendError::ShuttingDown))));
        assert!(rx.recv().is_err());
    }
}
