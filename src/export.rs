//! The export stream: the whole ledger as one byte stream for offline verifiers.
//!
//! ```text
//! "tiezheng-export-v1\n"
//! u32 BE length, origin (UTF-8)
//! u32 BE length, signed checkpoint note (UTF-8)
//! u64 BE n: the checkpoint's tree size
//! n × (u32 BE length, bincode StoredEntry), entries 0..n in order
//! ```

use crate::ledger::Ledger;
use crate::store::runs;
use crate::verify::{report, Problem, ProblemKind, Replay, Trust, VerifyReport, CHUNK};
use std::io::Read;

/// First bytes of every export.
pub const MAGIC: &[u8] = b"tiezheng-export-v1\n";
/// The largest record we read from an export.
const MAX_RECORD: u32 = 16 * 1024 * 1024;

fn push_framed(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_be_bytes());
    out.extend_from_slice(b);
}

/// A snapshot export of `ledger`, produced lazily in pieces of about `CHUNK` entries.
pub struct ExportStream {
    ledger: Ledger,
    next: u64,
    size: u64,
    header: Option<Vec<u8>>,
}

impl ExportStream {
    /// Starts an export at the current checkpoint.
    pub fn new(ledger: Ledger) -> Self {
        let cp = ledger.checkpoint();
        let mut header = MAGIC.to_vec();
        push_framed(&mut header, ledger.origin().as_bytes());
        push_framed(&mut header, cp.note.as_bytes());
        header.extend_from_slice(&cp.size.to_be_bytes());
        ExportStream {
            ledger,
            next: 0,
            size: cp.size,
            header: Some(header),
        }
    }
}

impl Iterator for ExportStream {
    type Item = Result<Vec<u8>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(h) = self.header.take() {
            return Some(Ok(h));
        }
        if self.next >= self.size {
            return None;
        }
        let end = (self.next + CHUNK).min(self.size);
        let rows = match runs::scan(self.ledger.store(), self.next, end) {
            Ok((rows, None)) => rows,
            Ok((_, Some(stop))) => {
                return Some(Err(format!(
                    "entries {}..{end} cannot be exported: {stop}",
                    self.next
                )))
            }
            Err(e) => return Some(Err(e.to_string())),
        };
        let mut out = Vec::new();
        for (_, v) in rows {
            push_framed(&mut out, &v);
        }
        self.next = end;
        Some(Ok(out))
    }
}

fn read_exact<R: Read>(r: &mut R, n: usize, what: &str) -> Result<Vec<u8>, Problem> {
    let mut b = vec![0u8; n];
    r.read_exact(&mut b).map_err(|e| Problem {
        seq: None,
        kind: ProblemKind::Missing,
        detail: format!("export ends early reading {what}: {e}"),
    })?;
    Ok(b)
}

fn read_framed<R: Read>(r: &mut R, what: &str) -> Result<Vec<u8>, Problem> {
    let len = u32::from_be_bytes(read_exact(r, 4, what)?.try_into().unwrap_or([0; 4]));
    if len > MAX_RECORD {
        return Err(Problem {
            seq: None,
            kind: ProblemKind::Undecodable,
            detail: format!("{what} claims {len} bytes, more than the {MAX_RECORD} allowed"),
        });
    }
    read_exact(r, len as usize, what)
}

/// The header of an export.
pub struct ExportHeader {
    /// Origin.
    pub origin: String,
    /// Checkpoint note.
    pub checkpoint: String,
    /// Number of entries that follow.
    pub size: u64,
}

/// Reads the header.
///
/// # Errors
/// Not an export, or truncated.
pub fn read_header<R: Read>(r: &mut R) -> Result<ExportHeader, Problem> {
    let magic = read_exact(r, MAGIC.len(), "the header")?;
    if magic != MAGIC {
        return Err(Problem {
            seq: None,
            kind: ProblemKind::Undecodable,
            detail: "not a tiezheng export (bad magic)".into(),
        });
    }
    let origin = String::from_utf8_lossy(&read_framed(r, "the origin")?).into_owned();
    let checkpoint = String::from_utf8_lossy(&read_framed(r, "the checkpoint")?).into_owned();
    let size = u64::from_be_bytes(read_exact(r, 8, "the size")?.try_into().unwrap_or([0; 8]));
    Ok(ExportHeader {
        origin,
        checkpoint,
        size,
    })
}

/// Verifies an export against `trust`. With `since` (a checkpoint saved
/// earlier), also proves that this ledger extends it: the entries must give
/// that checkpoint's root at its size.
pub fn verify_export<R: Read>(
    r: &mut R,
    trust: Trust,
    since: Option<&str>,
    progress: &dyn Fn(u64, u64),
) -> VerifyReport {
    let started = std::time::Instant::now();
    let mut replay = Replay::new(trust.clone(), None);
    let result = (|| -> Result<(u64, Option<u64>), Problem> {
        let h = read_header(r)?;
        if h.origin != trust.origin {
            return Err(Problem {
                seq: None,
                kind: ProblemKind::Checkpoint,
                detail: format!(
                    "export is of ledger {:?}, expected {:?}",
                    h.origin, trust.origin
                ),
            });
        }
        let old = match since {
            Some(note) => {
                let cp = crate::checkpoint::verify_checkpoint(note, &trust.verifier_key).map_err(
                    |e| Problem {
                        seq: None,
                        kind: ProblemKind::Checkpoint,
                        detail: format!("the saved checkpoint: {e}"),
                    },
                )?;
                replay.want_root_at(cp.size);
                Some(cp)
            }
            None => None,
        };
        let read = (|| {
            let mut next = 0u64;
            while next < h.size {
                let end = (next + CHUNK).min(h.size);
                let mut chunk = Vec::new();
                for seq in next..end {
                    // The problem carries the seq; no per-entry label to format.
                    match read_framed(r, "the entry") {
                        Ok(b) => chunk.push((seq, b)),
                        Err(mut p) => {
                            replay.feed(chunk)?;
                            p.seq = Some(seq);
                            return Err(p);
                        }
                    }
                }
                replay.feed(chunk)?;
                next = end;
                progress(next, h.size);
            }
            Ok(())
        })();
        // Problems in entries already read come before whatever stopped the
        // reading: replay the chunk still in flight first.
        replay.finish()?;
        read?;
        let cp_size = replay.check_checkpoint(&h.checkpoint)?;
        if let Some(old) = old {
            if old.size > h.size {
                return Err(Problem {
                    seq: None,
                    kind: ProblemKind::NotAnExtension,
                    detail: format!("the saved checkpoint has {} entries but the ledger now has only {}: rolled back", old.size, h.size),
                });
            }
            if replay.root_at(old.size) != Some(old.root) {
                return Err(Problem {
                    seq: None,
                    kind: ProblemKind::NotAnExtension,
                    detail: format!("the first {} entries no longer give the saved checkpoint's root {}: the ledger was rewritten", old.size, old.root),
                });
            }
        }
        Ok((h.size, Some(cp_size)))
    })();
    report(&replay, result, started)
}
