//! `serve`: open (or create) the data directory and run the server.

use super::Global;
use anyhow::{Context as _, Result};
use clap::Args;
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

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// Opens the ledger and serves until Ctrl-C or SIGTERM.
pub fn run(_g: &Global, a: ServeArgs) -> Result<()> {
    init_logging(a.log_json);
    // Typed accountability records: every non-core kind is validated.
    let policy = Arc::new(tiezheng::records::RecordRules);
    let opened = server::open_ledger(&a.data, a.origin.as_deref(), policy)
        .with_context(|| format!("opening the ledger in {}", a.data.display()))?;
    let l = &opened.ledger;
    if opened.created {
        println!("created a new ledger in {}", a.data.display());
        println!(
            "  its checkpoint key is {} (mode 0600): back it up, keep it secret",
            a.data.join(server::KEY_FILE).display()
        );
    }
    println!("origin:        {}", l.origin());
    println!("verifier key:  {}", l.verifier_key());
    println!("entries:       {}", l.size());
    let config = ServerConfig {
        api: tiezheng::api::ApiConfig {
            body_limit: a.body_limit,
            request_timeout: Duration::from_secs(a.request_timeout),
            concurrency_limit: a.concurrency_limit,
        },
        ..ServerConfig::default()
    };
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(&a.addr)
            .await
            .with_context(|| format!("listening on {}", a.addr))?;
        let addr = listener.local_addr()?;
        println!("listening on http://{addr}");
        tracing::info!(%addr, origin = l.origin(), entries = l.size(), "serving");
        server::run(listener, opened.ledger.clone(), config, shutdown_signal()).await?;
        Ok::<(), anyhow::Error>(())
    })?;
    println!("stopped; {} entries", opened.ledger.size());
    Ok(())
}
