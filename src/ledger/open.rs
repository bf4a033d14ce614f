//! Opening a ledger: read the head, replay the registry, start the writer.

use super::{writer, Head, Inner, Ledger, LedgerConfig, Metrics};
use crate::checkpoint::LedgerSigner;
use crate::entry::StoredEntry;
use crate::error::OpenError;
use crate::ids::core_kinds;
use crate::merkle::{self, StoreHashes};
use crate::registry::Registry;
use crate::statement::Statement;
use crate::store::postings::Postings;
use crate::store::{meta_key, runs, Index, Store};
use parking_lot::{Mutex, RwLock};
use std::sync::Arc;

/// Metadata key of the tree size.
pub(crate) const META_SIZE: &str = "size";
/// Metadata key of the latest signed checkpoint.
pub(crate) const META_CHECKPOINT: &str = "checkpoint";
/// Metadata key of the origin.
pub(crate) const META_ORIGIN: &str = "origin";
/// Metadata key of the last group's marker (`super::repair`).
pub(crate) const META_GROUP: &str = "group";

/// Reads the committed size.
pub(crate) fn stored_size(store: &dyn Store) -> Result<u64, OpenError> {
    match store.get(&meta_key(META_SIZE))? {
        None => Ok(0),
        Some(v) => v
            .as_slice()
            .try_into()
            .map(u64::from_be_bytes)
            .map_err(|_| OpenError::Invalid("stored tree size is not 8 bytes".into())),
    }
}

/// Reads and decodes entry `seq`.
pub(crate) fn read_entry(store: &dyn Store, seq: u64) -> Result<StoredEntry, String> {
    read_entry_with(&mut runs::Reader::new(store), seq)
}

/// [`read_entry`] through a reader that keeps the last run it read, for
/// callers that read many entries near each other.
pub(crate) fn read_entry_with(
    reader: &mut runs::Reader<'_>,
    seq: u64,
) -> Result<StoredEntry, String> {
    let bytes = reader
        .get(seq)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("entry {seq} is missing"))?;
    StoredEntry::decode(&bytes).map_err(|e| format!("entry {seq} does not decode: {e}"))
}

impl Ledger {
    /// Opens the ledger in `store`, creating nothing until the first append.
    ///
    /// # Errors
    /// A store of another origin, an unreadable head or registry.
    pub fn open(store: Arc<dyn Store>, config: LedgerConfig) -> Result<Ledger, OpenError> {
        let signer = LedgerSigner::new(&config.origin, config.checkpoint_key)?;
        // A store of another ledger is refused untouched, unless all it
        // holds is a torn first group: then nothing was ever acknowledged,
        // and the roll-back removes its origin too.
        let check_origin = |store: &dyn Store| -> Result<(), OpenError> {
            match store.get(&meta_key(META_ORIGIN))? {
                Some(o) if o != config.origin.as_bytes() => Err(OpenError::Invalid(format!(
                    "this store belongs to ledger {:?}, not {:?}",
                    String::from_utf8_lossy(&o),
                    config.origin
                ))),
                _ => Ok(()),
            }
        };
        if stored_size(&*store)? > 0 {
            check_origin(&*store)?;
        }
        if let Some(r) = super::repair::roll_back_torn_group(&*store)? {
            tracing::warn!(
                entries = format!("{}..{}", r.size, r.end),
                keys_removed = r.keys,
                "rolled back the last group: a crash tore it before its tree size was \
                 stored, so none of its entries was acknowledged"
            );
        }
        check_origin(&*store)?;
        let size = stored_size(&*store)?;
        let (last_hash, last_time) = if size == 0 {
            (crate::hash::Digest::ZERO, i64::MIN)
        } else {
            let e = read_entry(&*store, size - 1).map_err(OpenError::Invalid)?;
            (e.leaf.hash(), e.leaf.recorded_at_ms)
        };
        let registry = replay_registry(&*store, &config.origin)?;
        // Computing the root reads the records of the tree's left edge; the
        // cache keeps them for every root and receipt after this.
        let hashes = merkle::HashCache::new();
        let root = merkle::root(size, &StoreHashes::new(&*store).cache(&hashes))
            .map_err(|e| OpenError::Invalid(format!("cannot compute the tree root: {e}")))?;
        let checkpoint = signer.sign(size, root);
        // The writer stores each checkpoint after the fsync that covers its
        // tree, and the next fsync makes it durable, so a crash can leave the
        // stored one behind the durable tree: store the one for the tree as
        // it is now.
        let stored = store.get(&meta_key(META_CHECKPOINT))?;
        let stored_size = stored
            .as_deref()
            .and_then(|n| std::str::from_utf8(n).ok())
            .and_then(|n| n.lines().nth(1))
            .and_then(|l| l.parse::<u64>().ok());
        if size > 0 && stored_size != Some(size) {
            store.commit(vec![(
                meta_key(META_CHECKPOINT),
                checkpoint.note.clone().into_bytes(),
            )])?;
        }
        let (tx, rx) = std::sync::mpsc::sync_channel(writer::QUEUE_DEPTH);
        let inner = Arc::new(Inner {
            store,
            signer,
            policy: config.policy,
            head: RwLock::new(Head { size, checkpoint }),
            registry: RwLock::new(registry.clone()),
            halted: RwLock::new(None),
            jobs: Mutex::new(Some(tx)),
            writer: Mutex::new(None),
            metrics: Metrics::default(),
            hashes,
        });
        let state = writer::WriterState::new(size, last_hash, last_time, registry);
        let weak = Arc::downgrade(&inner);
        let handle = std::thread::Builder::new()
            .name("tiezheng-writer".into())
            .spawn(move || writer::run(weak, rx, state))
            .map_err(|e| OpenError::Invalid(format!("cannot start the writer thread: {e}")))?;
        *inner.writer.lock() = Some(handle);
        Ok(Ledger { inner })
    }
}

/// Rebuilds the registry from the registry entries, in ledger order.
fn replay_registry(store: &dyn Store, origin: &str) -> Result<Registry, OpenError> {
    let mut seqs = Vec::new();
    for kind in core_kinds::ALL {
        let prefix = Index::Kind.prefix(kind.as_bytes());
        for seq in Postings::new(store, &prefix, 0)? {
            seqs.push(seq?);
        }
    }
    seqs.sort_unstable();
    let mut reg = Registry::new(origin);
    for seq in seqs {
        let e = read_entry(store, seq).map_err(OpenError::Invalid)?;
        let body = e.body.as_deref().ok_or_else(|| {
            OpenError::Invalid(format!(
                "registry entry {seq} has no body; the registry cannot be rebuilt"
            ))
        })?;
        let s = Statement::from_body_bytes(body)
            .map_err(|err| OpenError::Invalid(format!("registry entry {seq}: {err}")))?;
        let signers: Vec<_> = e.leaf.signatures.iter().map(|s| s.public_key).collect();
        reg.admit(seq, e.leaf.recorded_at_ms, &s, &signers)
            .map_err(|err| {
                OpenError::Invalid(format!(
                    "registry entry {seq} does not replay: {err}; run `tiezheng verify`"
                ))
            })?;
    }
    Ok(reg)
}
