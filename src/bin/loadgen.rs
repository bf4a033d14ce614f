//! HTTP load generator: pre-signs N statements, sends them over K keep-alive
//! connections, and reports durable appends per second and latency.
//!
//! ```text
//! cargo run --release --bin loadgen -- --url http://127.0.0.1:8080 --root-key root.key -n 100000 -k 64
//! ```
//!
//! On an empty ledger it first appends a genesis entry naming `--root-key`
//! as the only root; it then enrols a fresh signer key for `penalty_decision`
//! and pre-signs every statement before the clock starts. Each reply is a
//! 201 with a receipt, sent only after the entry is durable, so the rate is
//! one of durable appends. The generator runs on one thread (tokio
//! current-thread runtime with hyper's HTTP/1 client), leaving the other
//! cores to the server.

use anyhow::{anyhow, bail, Context as _, Result};
use clap::Parser;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tiezheng::builders;
use tiezheng::client::Client;
use tiezheng::keys::Keypair;
use tiezheng::registry::{EnrolmentPayload, Identity};
use tiezheng::statement::StatementJson;

/// Load generator for `POST /v1/entries`.
#[derive(Parser)]
struct Args {
    /// Server URL (http only).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// A root (or enrolling) authority's key file; on an empty ledger it becomes the genesis root.
    #[arg(long)]
    root_key: PathBuf,
    /// Statements to send.
    #[arg(short, default_value_t = 10_000)]
    n: usize,
    /// Connections.
    #[arg(short, default_value_t = 64)]
    k: usize,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

fn identity(person: &str) -> Identity {
    Identity {
        person: person.into(),
        unit: "负载测试组".into(),
        role: "测试".into(),
    }
}

/// Genesis (if needed) and a fresh signer enrolled for penalty decisions.
fn prepare(client: &Client, root: &Keypair) -> Result<(String, Keypair)> {
    let info = client.info()?;
    if info.size == 0 {
        let g = builders::genesis(
            &info.origin,
            &[(root.public(), identity("根"))],
            "load test",
        );
        client.append(&builders::sign(&info.origin, &g, &[root])?)?;
    }
    let signer = Keypair::generate();
    let p = EnrolmentPayload {
        public_key: signer.public(),
        identity: identity("loadgen"),
        kinds: vec![tiezheng::ids::Kind::new("penalty_decision").map_err(|e| anyhow!(e))?],
        may_enrol: false,
        valid_from: tiezheng::ids::EventDate::new("2020-01-01").map_err(|e| anyhow!(e))?,
        valid_until: None,
    };
    client.append(&builders::sign(
        &info.origin,
        &builders::enrolment(&p),
        &[root],
    )?)?;
    Ok((info.origin, signer))
}

fn presign(origin: &str, signer: &Keypair, n: usize) -> Result<Vec<Bytes>> {
    let run = builders::now_ms();
    (0..n)
        .map(|i| {
            let st = StatementJson {
                kind: "penalty_decision".into(),
                case: format!("loadgen-{run}"),
                subject: format!("负载测试单位 {i}"),
                event_date: "2025-06-05".into(),
                refs: vec![],
                signed_at_ms: run,
                payload: serde_json::json!({"issuer": "博乐市应急管理局",
                    "party": {"party_type": "person", "name": format!("测试对象{i}")},
                    "amount_fen": 3_088_000, "amount_capitals": "叁万零捌佰捌拾元整"}),
            };
            let signed = builders::sign(origin, &st, &[signer])?;
            Ok(Bytes::from(serde_json::to_vec(&signed)?))
        })
        .collect()
}

async fn connection(
    addr: String,
    bodies: Arc<Vec<Bytes>>,
    next: Arc<AtomicUsize>,
) -> Result<Vec<Duration>> {
    let stream = tokio::net::TcpStream::connect(&addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut lat = Vec::new();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(body) = bodies.get(i) else { break };
        let req = hyper::Request::post("/v1/entries")
            .header(hyper::header::HOST, addr.as_str())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(body.clone()))?;
        sender.ready().await?;
        let t = Instant::now();
        let resp = sender.send_request(req).await?;
        let status = resp.status();
        let text = resp.into_body().collect().await?.to_bytes();
        lat.push(t.elapsed());
        if status != hyper::StatusCode::CREATED {
            bail!(
                "statement {i}: status {status}: {}",
                String::from_utf8_lossy(&text)
            );
        }
    }
    Ok(lat)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn main() -> Result<()> {
    let a = Args::parse();
    let addr = a
        .url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow!("--url must be http://HOST:PORT"))?
        .trim_end_matches('/')
        .to_string();
    let root = Keypair::read(&a.root_key).context("reading --root-key")?;
    let client = Client::new(&a.url);
    let (origin, signer) = prepare(&client, &root)?;
    let t = Instant::now();
    let bodies = Arc::new(presign(&origin, &signer, a.n)?);
    eprintln!(
        "pre-signed {} statements in {:.1} s; sending over {} connections",
        a.n,
        t.elapsed().as_secs_f64(),
        a.k
    );
    let before = client.info()?.size;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut lat: Vec<Duration> = rt.block_on(async {
        let tasks: Vec<_> = (0..a.k)
            .map(|_| tokio::spawn(connection(addr.clone(), bodies.clone(), next.clone())))
            .collect();
        let mut all = Vec::with_capacity(a.n);
        for t in tasks {
            all.extend(t.await??);
        }
        Ok::<_, anyhow::Error>(all)
    })?;
    let secs = start.elapsed().as_secs_f64();
    lat.sort_unstable();
    let after = client.info()?.size;
    let out = serde_json::json!({
        "n": lat.len(), "connections": a.k, "seconds": secs, "appends_per_sec": lat.len() as f64 / secs,
        "p50_ms": pct(&lat, 0.50), "p90_ms": pct(&lat, 0.90), "p99_ms": pct(&lat, 0.99),
        "max_ms": pct(&lat, 1.0), "ledger_size_before": before, "ledger_size_after": after,
    });
    if a.json {
        println!("{out}");
    } else {
        println!(
            "{} appends over {} connections in {:.2} s: {:.0} appends/s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; ledger {} -> {} entries",
            lat.len(), a.k, secs, lat.len() as f64 / secs, pct(&lat, 0.5), pct(&lat, 0.9), pct(&lat, 0.99), pct(&lat, 1.0), before, after
        );
    }
    Ok(())
}
