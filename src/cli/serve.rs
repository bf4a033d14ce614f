//! `serve`: open (or create) the data directory and run the server.

use super::Global;
use anyhow::{Context as _, Result};
use clap::Args;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tiezheng::server::{self, ServerConfig};

/// `serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TIEZHENG_ADDR", default_value = "127.0.0.1:8080")]
    addr: String,
    /// Data directory (created on first start, with the ledger key).
    #[arg(long, env = "TIEZHENG_DATA", default_value = "data")]
    data: PathBuf,
    /// The ledger's origin, fixed on first start (default: tiezheng.localhost/<key id>).
    #[arg(long, env = "TIEZHENG_ORIGIN")]
    origin: Option<String>,
    /// Largest request body, bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    body_limit: usize,
    /// Longest time to answer a request, seconds.
    #[arg(long, default_value_t = 30)]
    request_timeout: u64,
    /// Requests handled at once.
    #[arg(long, default_value_t = 1024)]
    concurrency_limit: usize,
    /// Log as JSON lines (default: text). Filter with TIEZHENG_LOG (default info).
    #[arg(long)]
    log_json: bool,
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TIEZHENG_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        b.json().init();
    } else {
        b.init();
    }
}

/// Ctrl-C or SIGTERM. The handlers are installed when this is called (not
/// when first polled), so a signal sent right after "listening on" is caught.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! { () = wait(term) => {}, () = wait(int) => {} }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Prints a line for the operator; a closed stdout is no reason to stop serving.
fn say(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Opens the ledger and serves until Ctrl-C or SIGTERM.
pub fn run(_g: &Global, a: ServeArgs) -> Result<()> {
    init_logging(a.log_json);
    // Typed accountability records: every non-core kind is validated.
    let policy = Arc::new(tiezheng::records::RecordRules);
    let opened = server::open_ledger(&a.data, a.origin.as_deref(), policy)
        .with_context(|| format!("opening the ledger in {}", a.data.display()))?;
    let config = ServerConfig {
        api: tiezheng::api::ApiConfig {
            body_limit: a.body_limit,
            request_timeout: Duration::from_secs(a.request_timeout),
            concurrency_limit: a.concurrency_limit,
        },
        ..ServerConfig::default()
    };
    serve_opened(&opened, &a.data, &a.addr, config)
}

/// `demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// Data directory for the new demo ledger (must not hold a ledger yet).
    #[arg(long, env = "TIEZHENG_DATA", default_value = "demo-data")]
    data: PathBuf,
    /// Address to listen on.
    #[arg(long, env = "TIEZHENG_ADDR", default_value = "127.0.0.1:8080")]
    addr: String,
    /// The demo ledger's origin (default: tiezheng.localhost/<key id>).
    #[arg(long, env = "TIEZHENG_ORIGIN")]
    origin: Option<String>,
    /// Log as JSON lines.
    #[arg(long)]
    log_json: bool,
}

/// Builds a fresh ledger from the five source documents, then serves it.
pub fn demo(_g: &Global, a: DemoArgs) -> Result<()> {
    init_logging(a.log_json);
    let opened = server::open_ledger(
        &a.data,
        a.origin.as_deref(),
        Arc::new(tiezheng::records::RecordRules),
    )
    .with_context(|| format!("opening the ledger in {}", a.data.display()))?;
    let report = tiezheng::demo::build_demo(&opened.ledger)
        .with_context(|| format!("building the demo ledger in {}", a.data.display()))?;
    say(&format!(
        "demo ledger: {} entries from {} source documents, {} signing keys (demo root {}; its private key is gone)",
        report.entries,
        report.documents.len(),
        report.signers.len(),
        report.root_public_key
    ));
    for d in &report.documents {
        say(&format!(
            "  {} {}: {} facts in case {}",
            d.document, d.title, d.facts, d.case_id
        ));
    }
    serve_opened(&opened, &a.data, &a.addr, ServerConfig::default())
}

/// Prints the ledger's identity and serves it.
fn serve_opened(
    opened: &server::Opened,
    data: &std::path::Path,
    addr: &str,
    config: ServerConfig,
) -> Result<()> {
    let l = &opened.ledger;
    if opened.created {
        say(&format!("created a new ledger in {}", data.display()));
        say(&format!(
            "  its checkpoint key is {} (mode 0600): back it up, keep it secret",
            data.join(server::KEY_FILE).display()
        ));
    }
    say(&format!("origin:        {}", l.origin()));
    say(&format!("verifier key:  {}", l.verifier_key()));
    say(&format!("entries:       {}", l.size()));
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let shutdown = shutdown_signal();
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let local = listener.local_addr()?;
        say(&format!("listening on http://{local}"));
        tracing::info!(addr = %local, origin = l.origin(), entries = l.size(), "serving");
        server::run(listener, l.clone(), config, shutdown).await?;
        Ok::<(), anyhow::Error>(())
    })?;
    // A verification job still running on the blocking pool must not hold the exit up.
    rt.shutdown_timeout(Duration::from_secs(5));
    say(&format!("stopped; {} entries", l.size()));
    Ok(())
}
