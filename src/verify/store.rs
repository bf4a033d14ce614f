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
        // The checkpoint first: commits are atomic, so every entry it covers is
        // there even if appends continue while we read.
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
        std::thread::scope(|scope| -> Result<(), Problem> {
            let (tx, rx) = std::sync::mpsc::sync_channel(2);
            scope.spawn(move || {
                let mut next = 0u64;
                while next < size {
                    let end = (next + CHUNK).min(size);
                    let chunk = read_chunk(store, next, end);
                    let stop = chunk
                        .as_ref()
                        .map_or(true, |(rows, _)| rows.len() as u64 != end - next);
                    if tx.send((chunk, end)).is_err() || stop {
                        return;
                    }
                    next = end;
                }
            });
            let mut next = 0u64;
            while next < size {
                let Ok((chunk, end)) = rx.recv() else {
                    replay.finish()?;
                    return Err(problem(
                        Some(next),
                        ProblemKind::Storage,
                        "the store reader stopped",
                    ));
                };
                let (rows, stop) = match chunk {
                    Ok(c) => c,
                    Err(e) => {
                        // A problem in entries already read comes first.
                        replay.finish()?;
                        return Err(e);
                    }
                };
                let got = rows.len() as u64;
                replay.feed(rows)?;
                if got < end - next {
                    // The entries read before the stop are checked first.
                    replay.finish()?;
                    return Err(match stop.unwrap_or(Stop::Missing(next + got)) {
                        Stop::Missing(want) => problem(
                            Some(want),
                            ProblemKind::Missing,
                            format!("entry {want} is missing from the store (tree size is {size})"),
                        ),
                        Stop::StoredTwice(seq) => problem(
                            Some(seq),
                            ProblemKind::Storage,
                            format!(
                                "entry {seq} is stored twice: under its own key and in the run \
                                 before it (a run with bytes past its last entry, or a copy)"
                            ),
                        ),
                    });
                }
                next = end;
                progress(next, size);
            }
            replay.finish()
        })?;
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
