//! Running the ledger as a server: the data directory and the serve loop.
//!
//! [`open_ledger`] prepares a data directory (the sled store, the ledger's
//! own checkpoint key `ledger.key` with mode 0600, and `tiezheng.json` holding
//! the origin) and opens the ledger with the record policy it is given.
//! [`run`] serves an already opened ledger on a listener until `shutdown`
//! resolves, mini-redis style, so tests run the real server on port 0.

use crate::api::{self, ApiConfig};
use crate::keys::Keypair;
use crate::ledger::{Ledger, LedgerConfig};
use crate::policy::RecordPolicy;
use crate::store::SledStore;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// File name of the ledger's checkpoint key in the data directory.
pub const KEY_FILE: &str = "ledger.key";
/// File name of the ledger's settings in the data directory.
pub const CONFIG_FILE: &str = "tiezheng.json";
/// Folder of the sled store in the data directory.
pub const STORE_DIR: &str = "store";

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// File-system trouble with the data directory.
    #[error("data directory {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The settings file is unreadable or disagrees with the command line.
    #[error("{0}")]
    Config(String),
    /// The key file.
    #[error(transparent)]
    Key(#[from] crate::keys::KeyFileError),
    /// The store.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The ledger refused to open.
    #[error(transparent)]
    Open(#[from] crate::error::OpenError),
}

/// What `tiezheng.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// The ledger's origin; fixed at creation.
    pub origin: String,
}

/// An opened data directory.
pub struct Opened {
    /// The ledger.
    pub ledger: Ledger,
    /// True when this start created the ledger's key (first start).
    pub created: bool,
    /// The data directory.
    pub data_dir: PathBuf,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> ServerError + '_ {
    move |source| ServerError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Opens (creating on first start) the ledger in `data_dir`.
///
/// `origin` is required to match the stored one if the directory exists; on
/// first start it defaults to `tiezheng.localhost/<first 8 hex digits of the
/// ledger key>`, unique per ledger.
///
/// # Errors
/// File-system failures, a different origin than the stored one, or a store
/// the ledger refuses.
pub fn open_ledger(
    data_dir: &Path,
    origin: Option<&str>,
    policy: Arc<dyn RecordPolicy>,
) -> Result<Opened, ServerError> {
    std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The directory holds the ledger's private key: keep others out.
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))
            .map_err(io(data_dir))?;
    }
    let key_path = data_dir.join(KEY_FILE);
    let created = !key_path.exists();
    let key = if created {
        let k = Keypair::generate();
        k.write_new(&key_path)?;
        k
    } else {
        Keypair::read(&key_path)?
    };
    let cfg_path = data_dir.join(CONFIG_FILE);
    let origin = match std::fs::read(&cfg_path) {
        Ok(bytes) => {
            let cfg: DataConfig = serde_json::from_slice(&bytes)
                .map_err(|e| ServerError::Config(format!("{}: {e}", cfg_path.display())))?;
            if let Some(o) = origin.filter(|o| *o != cfg.origin) {
                return Err(ServerError::Config(format!(
                    "{} holds ledger {:?}; it cannot be served as {o:?}",
                    data_dir.display(),
                    cfg.origin
                )));
            }
            cfg.origin
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let origin = origin
                .map(str::to_string)
                .unwrap_or_else(|| format!("tiezheng.localhost/{}", &key.public().to_hex()[..8]));
            write_config(
                &cfg_path,
                &DataConfig {
                    origin: origin.clone(),
                },
            )?;
            origin
        }
        Err(e) => return Err(io(&cfg_path)(e)),
    };
    let store = SledStore::open(&data_dir.join(STORE_DIR))?;
    let ledger = Ledger::open(
        Arc::new(store),
        LedgerConfig {
            origin,
            checkpoint_key: key,
            policy,
        },
    )?;
    Ok(Opened {
        ledger,
        created,
        data_dir: data_dir.to_path_buf(),
    })
}

fn write_config(path: &Path, cfg: &DataConfig) -> Result<(), ServerError> {
    use std::io::Write as _;
    let text = serde_json::to_string_pretty(cfg).map_err(|e| ServerError::Config(e.to_string()))?;
    let mut f = std::fs::File::create(path).map_err(io(path))?;
    f.write_all(text.as_bytes()).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Router limits.
    pub api: ApiConfig,
    /// Longest time a client may take to send a request's head (slow-loris
    /// defence; the router's timeout starts once the head is in).
    pub header_read_timeout: Duration,
    /// After shutdown is asked for, how long open connections may take to
    /// finish before they are closed anyway.
    pub shutdown_grace: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            api: ApiConfig::default(),
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Serves `ledger` on `listener` (HTTP/1.1, keep-alive) until `shutdown` resolves.
///
/// Then it stops accepting connections, lets every request in flight finish
/// (an append in flight is committed and answered), closes idle
/// connections, waits at most `shutdown_grace` for busy ones, and finally
/// stops the ledger's writer after it has committed everything submitted.
///
/// # Errors
/// None yet: failed accepts are logged and retried. The signature leaves
/// room for listener errors that must stop the server.
pub async fn run(
    listener: tokio::net::TcpListener,
    ledger: Ledger,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = api::router(ledger.clone(), &config.api);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .keep_alive(true);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Responses are small and written whole: do not let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let conn = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!("shutdown asked: finishing requests in flight");
    let grace = config.shutdown_grace;
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {
            tracing::warn!(grace_secs = grace.as_secs(), "connections still open after the grace period; closing them");
        }
    }
    let l = ledger.clone();
    let _ = tokio::task::spawn_blocking(move || l.shutdown()).await;
    tracing::info!(entries = ledger.size(), "ledger closed");
    Ok(())
}
