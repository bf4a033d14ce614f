//! Verifying a ledger stored on disk: the same replay as for an export,
//! reading chunks from the store on a second thread.

use super::{problem, report, Problem, ProblemKind, Replay, Trust, VerifyReport, CHUNK};
use crate::checkpoint::verify_checkpoint;
use crate::store::runs::Stop;
use crate::store::Store;

/// Verifies the ledger stored in `store`.
pub fn verify_store(store: &dyn Store, trust: Trust, progress: &dyn Fn(u64, u64)) -> VerifyReport {
    let started = std::time::Instant::now();
    let mut replay = Replay::new(trust, Some(store));
    let result = (|| -> Result<(u64, Option<u64>), Problem> {
        // The checkpoint first: it is stored only after the fsync of the
        // groups it covers, so every entry it covers is there even if appends
        // continue while we read.
        let note = store
            .get(&crate::store::meta_key("checkpoint"))
            .map_err(|e| problem(None, ProblemKind::Storage, e.to_string()))?
            .map(|n| String::from_utf8_lossy(&n).into_owned());
        if let Some(n) = &note {
            let cp = verify_checkpoint(n, &replay.trust.verifier_key)
                .map_err(|e| problem(None, ProblemKind::Checkpoint, e.to_string()))?;
            replay.want_root_at(cp.size);
        }
        let size = crate::ledger::stored_size_of(store)
            .map_err(|e| problem(None, ProblemKind::Storage, e))?;
        // A reader thread fetches the next chunk from the store while this
        // one is checked: reading and checking no longer take turns.
        let read = std::thread::scope(|scope| -> Result<(), Problem> {
            let (tx, rx) = std::sync::mpsc::sync_channel(2);
            scope.spawn(move || {
                let mut next = 0u64;
                while next < size {
                    let end = (next + CHUNK).min(size);
                    let chunk = read_chunk(store, next, end);
                    let last = !matches!(chunk, Ok((_, None)));
                    if tx.send((chunk, end)).is_err() || last {
                        return;
                    }
                    next = end;
                }
            });
            let mut next = 0u64;
            while next < size {
                let Ok((chunk, end)) = rx.recv() else {
                    return Err(problem(
                        Some(next),
                        ProblemKind::Storage,
                        "the store reader stopped",
                    ));
                };
                let (rows, stop) = chunk?;
                replay.feed(rows)?;
                if let Some(stop) = stop {
                    let (seq, kind) = match stop {
                        Stop::Missing(seq) => (seq, ProblemKind::Missing),
                        Stop::StoredTwice(seq) => (seq, ProblemKind::Storage),
                    };
                    return Err(problem(
                        Some(seq),
                        kind,
                        format!("{stop} (tree size is {size})"),
                    ));
                }
                next = end;
                progress(next, size);
            }
            Ok(())
        });
        // Problems in entries already read come before whatever stopped the
        // reading: replay the chunk still in flight first.
        replay.finish()?;
        read?;
        let cp_size = match note {
            Some(n) => Some(replay.check_checkpoint(&n)?),
            None if size == 0 => None,
            None => {
                return Err(problem(
                    None,
                    ProblemKind::Checkpoint,
                    "the store holds entries but no checkpoint",
                ))
            }
        };
        Ok((size, cp_size))
    })();
    report(&replay, result, started)
}

type Chunk = crate::store::runs::Scanned;

/// Entries `from..to` as stored, stopping at the first gap (returned too).
fn read_chunk(store: &dyn Store, from: u64, to: u64) -> Result<Chunk, Problem> {
    crate::store::runs::scan(store, from, to)
        .map_err(|e| problem(Some(from), ProblemKind::Storage, e.to_string()))
}
