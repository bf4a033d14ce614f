//! Shared fixtures for the HTTP API tests: a real server on 127.0.0.1 port 0
//! (in process, through `server::run`), keys, statements, raw requests.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::sync::Arc;
use tiezheng::api::problem::Problem;
use tiezheng::builders;
use tiezheng::client::Client;
use tiezheng::keys::{Keypair, PublicKey};
use tiezheng::ledger::{Ledger, LedgerConfig, Receipt};
use tiezheng::policy::{AnyKind, RecordPolicy};
use tiezheng::registry::{EnrolmentPayload, Identity};
use tiezheng::server::{self, ServerConfig};
use tiezheng::statement::{SignedStatementJson, StatementJson};
use tiezheng::store::{MemoryStore, Store};

/// The origin every test ledger uses.
pub const ORIGIN: &str = "tiezheng.test/api";

/// A running server and what the test needs to talk to it.
pub struct TestServer {
    pub url: String,
    pub client: Client,
    pub ledger: Ledger,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

/// The ledger's own checkpoint key (fixed, so runs are reproducible).
pub fn ledger_key() -> Keypair {
    Keypair::from_seed([9; 32])
}

/// The root authority.
pub fn root() -> Keypair {
    Keypair::from_seed([1; 32])
}

/// Officer keys, by number.
pub fn officer(n: u8) -> Keypair {
    Keypair::from_seed([10 + n; 32])
}

pub fn identity(person: &str) -> Identity {
    Identity {
        person: person.into(),
        unit: "博乐市应急管理局".into(),
        role: "执法人员".into(),
    }
}

impl TestServer {
    /// An empty in-memory ledger accepting any record kind, default limits.
    pub fn start() -> Self {
        Self::start_with(
            Arc::new(MemoryStore::new()),
            Arc::new(AnyKind),
            ServerConfig::default(),
        )
    }

    /// A server over `store` with `policy` and `config`.
    pub fn start_with(
        store: Arc<dyn Store>,
        policy: Arc<dyn RecordPolicy>,
        config: ServerConfig,
    ) -> Self {
        let ledger = Ledger::open(
            store,
            LedgerConfig {
                origin: ORIGIN.into(),
                checkpoint_key: ledger_key(),
                policy,
            },
        )
        .expect("open ledger");
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let l = ledger.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                let _ = addr_tx.send(listener.local_addr()?);
                server::run(listener, l, config, async {
                    let _ = stop_rx.await;
                })
                .await
            })
        });
        let addr = addr_rx.recv().expect("server address");
        let url = format!("http://{addr}");
        TestServer {
            client: Client::new(&url),
            url,
            ledger,
            shutdown: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// A started server with genesis (root) and officer 1 enrolled for `penalty_decision`.
    pub fn with_officer() -> Self {
        let s = Self::start();
        s.genesis();
        s.enrol(&officer(1), &["penalty_decision"], "2020-01-01", None);
        s
    }

    /// Committed entries.
    pub fn size(&self) -> u64 {
        self.ledger.size()
    }

    /// Appends the genesis entry naming `root()`.
    pub fn genesis(&self) -> Receipt {
        let g = builders::genesis(
            ORIGIN,
            &[(root().public(), identity("崔某"))],
            "test ledger",
        );
        self.append(&builders::sign(ORIGIN, &g, &[&root()]).expect("sign"))
    }

    /// Enrols `key` by the root.
    pub fn enrol(&self, key: &Keypair, kinds: &[&str], from: &str, until: Option<&str>) -> Receipt {
        self.append(&enrolment(key.public(), kinds, from, until, &root()))
    }

    /// Appends and expects success.
    pub fn append(&self, s: &SignedStatementJson) -> Receipt {
        self.client.append(s).expect("append accepted")
    }

    /// Asks the server to stop and waits until it has.
    pub fn stop(mut self) -> std::io::Result<()> {
        self.stop_inner()
    }

    /// Sends the shutdown signal without waiting.
    pub fn signal_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    fn stop_inner(&mut self) -> std::io::Result<()> {
        self.signal_shutdown();
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("server thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.stop_inner();
    }
}

/// An enrolment of `pk` signed by `by`.
pub fn enrolment(
    pk: PublicKey,
    kinds: &[&str],
    from: &str,
    until: Option<&str>,
    by: &Keypair,
) -> SignedStatementJson {
    let p = EnrolmentPayload {
        public_key: pk,
        identity: identity("李某"),
        kinds: kinds
            .iter()
            .map(|k| tiezheng::ids::Kind::new(k).expect("kind"))
            .collect(),
        may_enrol: false,
        valid_from: tiezheng::ids::EventDate::new(from).expect("date"),
        valid_until: until.map(|u| tiezheng::ids::EventDate::new(u).expect("date")),
    };
    builders::sign(ORIGIN, &builders::enrolment(&p), &[by]).expect("sign")
}

/// A penalty decision about `subject`.
pub fn decision(subject: &str) -> StatementJson {
    StatementJson {
        kind: "penalty_decision".into(),
        case: "bole-2024-11-25".into(),
        subject: subject.into(),
        event_date: "2025-04-10".into(),
        refs: vec![],
        signed_at_ms: 1_750_000_000_000,
        payload: json!({"issuer": "博乐市应急管理局",
            "party": {"party_type": "person", "name": "何某", "position": "主要负责人"},
            "amount_fen": 3_088_000, "amount_capitals": "叁万零捌佰捌拾元整"}),
    }
}

/// `statement` signed by `keys`.
pub fn signed(statement: &StatementJson, keys: &[&Keypair]) -> SignedStatementJson {
    builders::sign(ORIGIN, statement, keys).expect("sign")
}

/// A raw response: status, content type, body.
pub struct Raw {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Raw {
    /// The body as a problem document (and checks its media type).
    pub fn problem(&self) -> Problem {
        assert_eq!(
            self.content_type, "application/problem+json",
            "body: {}",
            self.body
        );
        serde_json::from_str(&self.body).expect("problem document")
    }
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }
}

fn raw(r: Result<ureq::Response, ureq::Error>) -> Raw {
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    Raw {
        status: resp.status(),
        content_type: resp.content_type().to_string(),
        body: resp.into_string().unwrap_or_default(),
    }
}

/// `POST path` with this content type and body.
pub fn post(url: &str, path: &str, content_type: &str, body: &[u8]) -> Raw {
    raw(ureq::post(&format!("{url}{path}"))
        .set("Content-Type", content_type)
        .send_bytes(body))
}

/// `GET path`.
pub fn get(url: &str, path: &str) -> Raw {
    raw(ureq::get(&format!("{url}{path}")).call())
}

/// `method path` with no body.
pub fn request(url: &str, method: &str, path: &str) -> Raw {
    raw(ureq::request(method, &format!("{url}{path}")).call())
}

/// Posts `body` as JSON and asserts a refusal: status, problem type, and
/// that the ledger did not grow. Returns the problem.
pub fn assert_refused(s: &TestServer, body: &[u8], status: u16, slug: &str) -> Problem {
    assert_refused_as(s, "application/json", body, status, slug)
}

/// As [`assert_refused`], with a content type.
pub fn assert_refused_as(
    s: &TestServer,
    content_type: &str,
    body: &[u8],
    status: u16,
    slug: &str,
) -> Problem {
    let before = s.size();
    let r = post(&s.url, "/v1/entries", content_type, body);
    let p = r.problem();
    assert_eq!(
        (r.status, p.slug()),
        (status, Some(slug)),
        "detail: {}",
        p.detail
    );
    assert_eq!(p.status, status);
    assert!(!p.detail.is_empty());
    assert_eq!(s.size(), before, "a refused append must store nothing");
    p
}

/// JSON bytes of a signed statement.
pub fn body(s: &SignedStatementJson) -> Vec<u8> {
    serde_json::to_vec(s).expect("serialize")
}
