//! Ledger benchmarks: durable appends/s with 1 and 64 appenders, full
//! verification in entries/s at 100,000 entries, and bytes on disk per entry.
//!
//! `cargo bench --bench ledger` (results go to docs/performance.md by hand,
//! with the machine). `TIEZHENG_BENCH_ENTRIES` changes the 100,000;
//! `TIEZHENG_BENCH_ONLY=appends64` or `verify` runs one phase alone.
//!
//! Not criterion: each measurement is one long durable run (fsyncs, a 100k
//! ledger), where criterion's repeated sampling would take hours and say no more.

use rayon::prelude::*;
use std::sync::Arc;
use std::time::Instant;
use tiezheng::builders;
use tiezheng::ids::{EventDate, Kind};
use tiezheng::keys::Keypair;
use tiezheng::registry::{EnrolmentPayload, Identity};
use tiezheng::statement::{SignedStatementJson, StatementJson};
use tiezheng::store::{SledStore, Store};
use tiezheng::{Ledger, LedgerConfig};

const ORIGIN: &str = "tiezheng.bench/ledger";

fn ledger(dir: &std::path::Path) -> (Ledger, Arc<SledStore>, Keypair) {
    let store = Arc::new(SledStore::open(dir).expect("open sled"));
    let ledger = Ledger::open(
        store.clone(),
        LedgerConfig {
            origin: ORIGIN.into(),
            checkpoint_key: Keypair::generate(),
            policy: Arc::new(tiezheng::records::RecordRules),
        },
    )
    .expect("open ledger");
    let root = Keypair::generate();
    let who = Identity {
        person: "bench".into(),
        unit: "博乐市应急管理局".into(),
        role: "bench".into(),
    };
    let g = builders::genesis(ORIGIN, &[(root.public(), who.clone())], "bench");
    ledger
        .append(&builders::sign(ORIGIN, &g, &[&root]).expect("sign"))
        .expect("genesis");
    let officer = Keypair::generate();
    let e = EnrolmentPayload {
        public_key: officer.public(),
        identity: who,
        kinds: vec![Kind::new("penalty_decision").expect("kind")],
        may_enrol: false,
        valid_from: EventDate::new("2020-01-01").expect("date"),
        valid_until: None,
    };
    ledger
        .append(&builders::sign(ORIGIN, &builders::enrolment(&e), &[&root]).expect("sign"))
        .expect("enrol");
    (ledger, store, officer)
}

/// A realistic penalty decision (document 000's fine), made unique by `n`.
fn presign(officer: &Keypair, n: usize, salt: u64) -> Vec<SignedStatementJson> {
    (0..n)
        .into_par_iter()
        .map(|i| {
            let s = StatementJson {
                kind: "penalty_decision".into(),
                case: format!("博乐11·25-{}", i % 100),
                subject: "博乐市XXXX有限责任公司".into(),
                event_date: "2025-04-10".into(),
                refs: vec![],
                signed_at_ms: 1_744_243_200_000 + i as i64,
                payload: serde_json::json!({
                    "issuer": "博乐市应急管理局",
                    "party": {"party_type": "unit", "name": format!("博乐市XXXX有限责任公司{salt}-{i}")},
                    "amount_fen": 50_000_000u64,
                    "amount_capitals": "伍拾万元整",
                    "legal_basis": [{"law": "中华人民共和国安全生产法", "article": "第一百一十四条"}],
                    "document_number": format!("博应急罚〔2025〕{}号", i + 1),
                }),
            };
            builders::sign(ORIGIN, &s, &[officer]).expect("sign")
        })
        .collect()
}

fn appends(appenders: usize, n: usize) -> f64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ledger, _, officer) = ledger(dir.path());
    let stmts = Arc::new(presign(&officer, n, appenders as u64));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let cpu_before = process_cpu_secs();
    let threads: Vec<_> = (0..appenders)
        .map(|_| {
            let (ledger, stmts, next) = (ledger.clone(), stmts.clone(), next.clone());
            std::thread::Builder::new()
                .name("appender".into())
                .spawn(move || loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= stmts.len() {
                        break;
                    }
                    ledger.append(&stmts[i]).expect("append");
                })
                .expect("spawn appender")
        })
        .collect();
    for t in threads {
        t.join().expect("appender");
    }
    let secs = start.elapsed().as_secs_f64();
    let writer_busy = writer_cpu_secs() / secs;
    let cores_used = (process_cpu_secs() - cpu_before) / secs;
    let commits = ledger
        .metrics()
        .commits
        .load(std::sync::atomic::Ordering::Relaxed);
    let sync_ms = ledger
        .metrics()
        .sync_micros
        .load(std::sync::atomic::Ordering::Relaxed) as f64
        / 1000.0
        / commits as f64;
    println!(
        "appends: {appenders:>2} appenders, {n} entries: {:.0} durable appends/s ({secs:.2} s, {commits} group commits, {:.1} entries per fsync, {sync_ms:.2} ms per sync (sled flush + fdatasync), writer thread on CPU {:.0}% of the time, {cores_used:.2} cores busy)",
        n as f64 / secs,
        n as f64 / commits as f64,
        100.0 * writer_busy
    );
    ledger.shutdown();
    n as f64 / secs
}

/// CPU seconds used so far by the whole process (Linux /proc; 0 elsewhere).
fn process_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// CPU seconds used so far by the live writer thread (Linux /proc; 0 elsewhere).
/// Tells whether the single writer, rather than the appenders, is the limit.
fn writer_cpu_secs() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    let mut best = 0.0f64;
    for t in tasks.filter_map(Result::ok) {
        let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
        if comm.trim() != "tiezheng-writer" {
            continue;
        }
        let stat = std::fs::read_to_string(t.path().join("stat")).unwrap_or_default();
        // Fields after the ")" that closes the command name: utime and stime are 12th and 13th.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
            + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        best = best.max(ticks / 100.0);
    }
    best
}

fn verification(n: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ledger, store, officer) = ledger(dir.path());
    let stmts = Arc::new(presign(&officer, n, 7));
    let chunks: Vec<_> = (0..64).collect();
    chunks.par_iter().for_each(|c| {
        for s in stmts.iter().skip(*c).step_by(64) {
            ledger.append(s).expect("append");
        }
    });
    let size = ledger.size();
    let start = Instant::now();
    let cpu_before = process_cpu_secs();
    let report = ledger.verify_full(&|_, _| {});
    let secs = start.elapsed().as_secs_f64();
    let cores_used = (process_cpu_secs() - cpu_before) / secs;
    assert!(report.ok, "{:?}", report.problem);
    println!(
        "verify: {size} entries, {} signatures in {secs:.2} s: {:.0} entries/s ({cores_used:.2} cores busy)",
        report.signatures,
        size as f64 / secs
    );
    ledger.shutdown();
    let sled_bytes = store.disk_bytes().unwrap_or(0);
    let du = dir_size(dir.path());
    // What the ledger asked sled to keep: every key and value, once.
    let logical: usize = store
        .scan(&[], &[0xff; 9], false, usize::MAX)
        .map(|rows| rows.iter().map(|(k, v)| k.len() + v.len()).sum())
        .unwrap_or(0);
    println!(
        "size: {size} entries: {du} bytes in the data directory ({:.0} bytes/entry), sled size_on_disk {sled_bytes} ({:.0} bytes/entry)",
        du as f64 / size as f64,
        sled_bytes as f64 / size as f64
    );
    let payload = stmts[0].statement.payload.to_string().len();
    println!(
        "      (each entry: ~{payload} bytes of canonical payload JSON, one signature; keys and values stored: {:.0} bytes/entry, so sled writes {:.1}x that)",
        logical as f64 / size as f64,
        du as f64 / logical.max(1) as f64
    );
}

/// One core: `verify_strict` one by one against `verify_batch` in batches of
/// 128 and of 1,024, and replay's own batches (grouped by key), over the same
/// signatures.
fn signatures(n: usize) {
    let key = Keypair::generate();
    let msgs: Vec<Vec<u8>> = (0..n)
        .map(|i| format!("message {i}").into_bytes())
        .collect();
    let sigs: Vec<tiezheng::keys::Signature> = msgs.iter().map(|m| key.sign(m)).collect();
    let pk = key.public();
    let start = Instant::now();
    assert!(msgs.iter().zip(&sigs).all(|(m, s)| pk.verify_strict(m, s)));
    let strict = n as f64 / start.elapsed().as_secs_f64();
    let dalek: Vec<ed25519_dalek::Signature> = sigs
        .iter()
        .map(|s| ed25519_dalek::Signature::from_bytes(&s.0))
        .collect();
    let keys = vec![pk.verifying_key(); 1024];
    let mut rates = Vec::new();
    for size in [128, 1024] {
        let start = Instant::now();
        for (m, s) in msgs.chunks(size).zip(dalek.chunks(size)) {
            let refs: Vec<&[u8]> = m.iter().map(|m| m.as_slice()).collect();
            ed25519_dalek::verify_batch(&refs, s, &keys[..s.len()]).expect("batch verifies");
        }
        rates.push(format!(
            "verify_batch ({size} per batch) {:.0}/s",
            n as f64 / start.elapsed().as_secs_f64()
        ));
    }
    // What replay runs: batches of up to 1,024 grouped by key (one key here).
    let jobs: Vec<tiezheng::verify::sigs::SigJob> = msgs
        .iter()
        .zip(&sigs)
        .enumerate()
        .map(|(entry, (m, s))| tiezheng::verify::sigs::SigJob {
            entry,
            key: pk,
            sig: *s,
            msg: Arc::new(m.clone()),
        })
        .collect();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let start = Instant::now();
    assert_eq!(
        one.install(|| tiezheng::verify::sigs::first_bad(&jobs)),
        None
    );
    rates.push(format!(
        "replay's batches grouped by key {:.0}/s",
        n as f64 / start.elapsed().as_secs_f64()
    ));
    println!(
        "signatures: one core, {n} signatures: verify_strict {strict:.0}/s, {}",
        rates.join(", ")
    );
}

/// The disk alone: appending `size` bytes to a file and fdatasync, as each
/// group commit does, without sled.
fn disk(size: usize) {
    use std::io::Write as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut f = std::fs::File::create(dir.path().join("probe")).expect("create");
    let buf = vec![0x5a_u8; size];
    let rounds = 200;
    let start = Instant::now();
    for _ in 0..rounds {
        f.write_all(&buf).expect("write");
        f.sync_data().expect("fdatasync");
    }
    let each = start.elapsed().as_secs_f64() / f64::from(rounds);
    println!(
        "disk: append {size} bytes + fdatasync: {:.3} ms each ({rounds} rounds)",
        each * 1000.0
    );
}

fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: keep that quick.
    let full = std::env::args().any(|a| a == "--bench");
    let n: usize = std::env::var("TIEZHENG_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 100_000 } else { 500 });
    println!(
        "machine: {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    // One phase alone, for profiling it (`perf record`, `vmstat`):
    // TIEZHENG_BENCH_ONLY=appends64 or verify.
    match std::env::var("TIEZHENG_BENCH_ONLY").as_deref() {
        Ok("appends64") => {
            appends(64, n);
        }
        Ok("verify") => verification(n),
        _ => {
            disk(100_000);
            signatures((n / 5).max(2048));
            appends(1, (n / 20).max(200));
            appends(64, n);
            verification(n);
        }
    }
}
