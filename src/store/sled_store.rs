//! The sled store, made durable.
//!
//! sled 0.34's `flush()` writes its log with `sync_file_range` on Linux, which
//! flushes neither the drive's write cache nor the file's metadata (sled issue
//! 1452). So after every `flush()` we `fsync` sled's log file ourselves, and
//! also any blob file sled created since the last commit together with the
//! blob directory. A commit returns `Ok` only after those calls succeed: that
//! is the moment an append is durable (docs/durability.md).

use super::{Pair, Store, StoreError, WriteBatch};
use parking_lot::Mutex;
use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};

/// sled in a directory, with fsync after every commit.
pub struct SledStore {
    db: sled::Db,
    tree: sled::Tree,
    dir: PathBuf,
    /// sled's log file, opened once so each commit costs one `fsync`.
    log_file: File,
    /// Blob files already synced.
    synced_blobs: Mutex<HashSet<std::ffi::OsString>>,
    /// The blob directory's modification time when last listed: listing it
    /// on every commit cost more than the fsync itself, and a new blob file
    /// always changes it.
    blobs_seen: Mutex<Option<std::time::SystemTime>>,
}

const TREE: &str = "ledger";

impl SledStore {
    /// Opens (or creates) the store in `dir`.
    ///
    /// # Errors
    /// sled failed to open, e.g. a corrupt or locked store.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)?;
        let db = open_db(dir)?;
        let tree = db.open_tree(TREE).map_err(sled_err)?;
        // Make the freshly created files and their directory entries durable too.
        db.flush().map_err(sled_err)?;
        let log_file = File::open(dir.join("db"))?;
        log_file.sync_all()?;
        sync_dir(dir)?;
        let store = SledStore {
            db,
            tree,
            dir: dir.to_path_buf(),
            log_file,
            synced_blobs: Mutex::new(HashSet::new()),
            blobs_seen: Mutex::new(None),
        };
        store.sync_new_blobs()?;
        Ok(store)
    }

    /// The sled tree (tamper tests rewrite entries through sled's own API).
    pub fn tree(&self) -> &sled::Tree {
        &self.tree
    }

    fn sync_new_blobs(&self) -> Result<(), StoreError> {
        let blob_dir = self.dir.join("blobs");
        let mtime = match std::fs::metadata(&blob_dir) {
            Ok(m) => m.modified().ok(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        if mtime.is_some() && *self.blobs_seen.lock() == mtime {
            return Ok(());
        }
        let rd = match std::fs::read_dir(&blob_dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let mut synced = self.synced_blobs.lock();
        let mut any = false;
        for ent in rd {
            let ent = ent?;
            let name = ent.file_name();
            if synced.contains(&name) {
                continue;
            }
            // sled deletes a blob file once nothing points to it any more,
            // and may do so between the listing and this open: such a file
            // needs no fsync.
            let file = match File::open(ent.path()) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e.into()),
            };
            file.sync_all()?;
            synced.insert(name);
            any = true;
        }
        if any {
            sync_dir(&blob_dir)?;
        }
        *self.blobs_seen.lock() = mtime;
        Ok(())
    }
}

/// How long opening waits for sled's file lock to be released.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Opens sled, waiting a little for its lock. With upstream sled, a store
/// just dropped kept its lock file a moment longer (its I/O threads held
/// handles to it), so a quick reopen in the same process (tests, restarts)
/// could find it still held. The vendored sled has no such threads; whether
/// anything else still delays the release is not measured, and the wait
/// costs nothing when the lock is free, so it stays. Another process holding
/// the lock for longer gets a clear error.
fn open_db(dir: &Path) -> Result<sled::Db, StoreError> {
    let started = std::time::Instant::now();
    loop {
        let opened = sled::Config::new()
            .path(dir)
            .mode(sled::Mode::HighThroughput)
            // We flush ourselves on every commit; sled's timer would only add work.
            .flush_every_ms(None)
            .open();
        match opened {
            Ok(db) => return Ok(db),
            Err(sled::Error::Io(e)) if e.to_string().contains("could not acquire lock") => {
                if started.elapsed() >= LOCK_WAIT {
                    return Err(StoreError::Io(format!(
                        "the store in {} is in use by another process (sled's lock is held): {e}",
                        dir.display()
                    )));
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(sled_err(e)),
        }
    }
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

fn sled_err(e: sled::Error) -> StoreError {
    match e {
        sled::Error::Io(io) => StoreError::Io(io.to_string()),
        sled::Error::Corruption { .. } => StoreError::Corrupt(e.to_string()),
        other => StoreError::Io(other.to_string()),
    }
}

impl Store for SledStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree.get(key).map_err(sled_err)?.map(|v| v.to_vec()))
    }

    fn scan(
        &self,
        start: &[u8],
        end: &[u8],
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<Pair>, StoreError> {
        let range = self.tree.range(start..end);
        let mut out = Vec::new();
        let mut push = |r: sled::Result<(sled::IVec, sled::IVec)>| -> Result<bool, StoreError> {
            let (k, v) = r.map_err(sled_err)?;
            out.push((k.to_vec(), v.to_vec()));
            Ok(out.len() < limit)
        };
        if limit == 0 {
            return Ok(vec![]);
        }
        if reverse {
            for r in range.rev() {
                if !push(r)? {
                    break;
                }
            }
        } else {
            for r in range {
                if !push(r)? {
                    break;
                }
            }
        }
        Ok(out)
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.apply(batch)?;
        self.sync()
    }

    fn apply(&self, mut batch: WriteBatch) -> Result<(), StoreError> {
        // One key needs no batch: a single insert is atomic already, and
        // sled's `apply_batch` seals and writes its I/O buffer twice (before
        // and after the batch manifest), each a wake-up of its whole I/O
        // thread pool. The writer stores one checkpoint per fsync this way.
        if batch.len() == 1 {
            if let Some((k, v)) = batch.pop() {
                return self.tree.insert(k, v).map(drop).map_err(sled_err);
            }
        }
        let mut b = sled::Batch::default();
        for (k, v) in batch {
            b.insert(k, v);
        }
        self.tree.apply_batch(b).map_err(sled_err)
    }

    fn apply_in_order(&self, batch: WriteBatch) -> Result<(), StoreError> {
        // Plain inserts, each its own log record in this order: sled's
        // recovery replays its log up to the first record that is missing or
        // torn (`pagecache/iterator.rs`), so a crash keeps a prefix. A batch
        // would make the group atomic but costs two extra seals and writes
        // of sled's I/O buffer per group; docs/performance.md has the
        // measurement, docs/durability.md how a torn group is rolled back.
        for (k, v) in batch {
            self.tree.insert(k, v).map_err(sled_err)?;
        }
        Ok(())
    }

    fn remove(&self, keys: &[Vec<u8>]) -> Result<(), StoreError> {
        for k in keys {
            self.tree.remove(k).map_err(sled_err)?;
        }
        self.sync()
    }

    fn sync(&self) -> Result<(), StoreError> {
        // sled's flush writes everything applied so far to its log (and has
        // written any blob file a log record points to)...
        self.db.flush().map_err(sled_err)?;
        // ...new blob files go to the device before the log records that
        // point to them, so a power cut between the two fsyncs cannot leave
        // a durable pointer to a blob that is not (sled's recovery skips
        // such a record)...
        self.sync_new_blobs()?;
        // ...and this closes the gap sled leaves: data and metadata to the device.
        self.log_file.sync_data()?;
        Ok(())
    }

    fn disk_bytes(&self) -> Option<u64> {
        self.db.size_on_disk().ok()
    }
}
