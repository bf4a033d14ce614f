//! `tiezheng-stress`: appends signed statements from many threads to a ledger
//! on disk and prints one line per acknowledged (durable) entry:
//! `ack <seq> <body hash>`. The crash test kills it with SIGKILL mid-run and
//! checks that every acknowledged entry survived.
//!
//! Usage: `tiezheng-stress DATA_DIR THREADS COUNT [PAD_BYTES]`
//!
//! `PAD_BYTES` adds that many bytes to each payload: larger entries fill
//! sled's log buffers in the middle of a group commit, so a kill can tear a
//! group (docs/durability.md).
//!
//! Keys for this throw-away ledger are kept in DATA_DIR (mode 0600): it is a
//! test tool, not a way to run a real ledger.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use tiezheng::builders;
use tiezheng::ids::{EventDate, Kind};
use tiezheng::keys::Keypair;
use tiezheng::registry::{EnrolmentPayload, Identity};
use tiezheng::statement::StatementJson;
use tiezheng::store::SledStore;
use tiezheng::{Ledger, LedgerConfig};

const ORIGIN: &str = "tiezheng.test/stress";

fn key(dir: &Path, name: &str) -> Result<Keypair, String> {
    let p = dir.join(name);
    if p.exists() {
        Keypair::read(&p).map_err(|e| e.to_string())
    } else {
        let k = Keypair::generate();
        k.write_new(&p).map_err(|e| e.to_string())?;
        Ok(k)
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (dir, threads, count, pad) = match args.as_slice() {
        [_, dir, threads, count] => (dir, threads, count, "0"),
        [_, dir, threads, count, pad] => (dir, threads, count, pad.as_str()),
        _ => return Err("usage: tiezheng-stress DATA_DIR THREADS COUNT [PAD_BYTES]".into()),
    };
    let pad: usize = pad.parse().map_err(|_| "PAD_BYTES must be a number")?;
    let pad = Arc::new("x".repeat(pad));
    let dir = Path::new(dir);
    let threads: usize = threads.parse().map_err(|_| "THREADS must be a number")?;
    let count: u64 = count.parse().map_err(|_| "COUNT must be a number")?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let (cp, root, officer) = (
        key(dir, "checkpoint.key")?,
        key(dir, "root.key")?,
        key(dir, "officer.key")?,
    );
    let store = Arc::new(SledStore::open(&dir.join("store")).map_err(|e| e.to_string())?);
    let ledger = Ledger::open(
        store,
        LedgerConfig {
            origin: ORIGIN.into(),
            checkpoint_key: cp,
            policy: Arc::new(tiezheng::policy::AnyKind),
        },
    )
    .map_err(|e| e.to_string())?;
    if ledger.size() == 0 {
        let who = Identity {
            person: "stress".into(),
            unit: "test".into(),
            role: "root".into(),
        };
        let g = builders::genesis(ORIGIN, &[(root.public(), who.clone())], "stress test");
        ledger
            .append(&builders::sign(ORIGIN, &g, &[&root]).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        let e = EnrolmentPayload {
            public_key: officer.public(),
            identity: who,
            kinds: vec![Kind::new("stress").map_err(|e| e.to_string())?],
            may_enrol: false,
            valid_from: EventDate::new("2020-01-01").map_err(|e| e.to_string())?,
            valid_until: None,
        };
        ledger
            .append(
                &builders::sign(ORIGIN, &builders::enrolment(&e), &[&root])
                    .map_err(|e| e.to_string())?,
            )
            .map_err(|e| e.to_string())?;
    }
    let officer = Arc::new(officer);
    let nonce = builders::now_ms();
    let out = Arc::new(std::sync::Mutex::new(std::io::stdout()));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (ledger, officer, out, pad) =
                (ledger.clone(), officer.clone(), out.clone(), pad.clone());
            std::thread::spawn(move || -> Result<(), String> {
                for i in 0..count {
                    let s = StatementJson {
                        kind: "stress".into(),
                        case: format!("case-{}", i % 16),
                        subject: format!("thread {t}"),
                        event_date: "2025-01-01".into(),
                        refs: vec![],
                        signed_at_ms: nonce,
                        payload: serde_json::json!({
                            "thread": t, "i": i, "nonce": nonce, "pad": pad.as_str()
                        }),
                    };
                    let signed =
                        builders::sign(ORIGIN, &s, &[&officer]).map_err(|e| e.to_string())?;
                    let r = ledger.append(&signed).map_err(|e| e.to_string())?;
                    let mut o = out.lock().map_err(|_| "stdout lock poisoned")?;
                    writeln!(o, "ack {} {}", r.seq, r.body_hash).map_err(|e| e.to_string())?;
                    o.flush().map_err(|e| e.to_string())?;
                }
                Ok(())
            })
        })
        .collect();
    for h in handles {
        h.join().map_err(|_| "appender thread panicked")??;
    }
    ledger.shutdown();
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tiezheng-stress: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
