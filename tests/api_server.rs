//! Server behaviour over real HTTP: graceful shutdown finishes appends in
//! flight, a storage failure halts appends (503, no internals leaked), and a
//! request that is too slow times out as a problem document.

#[path = "api_support/mod.rs"]
mod support;

use std::io::{Read as _, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;
use tiezheng::server::ServerConfig;
use tiezheng::store::{MemoryStore, Pair, Store, StoreError, WriteBatch};

/// A memory store whose commits can be made slow or failing.
#[derive(Default)]
struct Flaky {
    inner: MemoryStore,
    slow: AtomicBool,
    fail: AtomicBool,
}

impl Store for Flaky {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get(key)
    }
    fn scan(
        &self,
        start: &[u8],
        end: &[u8],
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<Pair>, StoreError> {
        self.inner.scan(start, end, reverse, limit)
    }
    fn commit(&self, batch: WriteBatch) -> Result<(), StoreError> {
        if self.fail.load(Ordering::SeqCst) {
            return Err(StoreError::Io(
                "/srv/secret/disk0: No space left on device".into(),
            ));
        }
        if self.slow.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(400));
        }
        self.inner.commit(batch)
    }
}

fn flaky_server(config: ServerConfig) -> (TestServer, Arc<Flaky>) {
    let store = Arc::new(Flaky::default());
    let s = TestServer::start_with(store.clone(), Arc::new(tiezheng::policy::AnyKind), config);
    s.genesis();
    s.enrol(&officer(1), &["penalty_decision"], "2020-01-01", None);
    (s, store)
}

#[test]
fn shutdown_finishes_every_append_in_flight_before_the_server_stops() {
    let (mut s, store) = flaky_server(ServerConfig::default());
    let before = s.size();
    let commits = |l: &tiezheng::Ledger| l.metrics().commits.load(Ordering::SeqCst);
    let commits_before = commits(&s.ledger);
    store.slow.store(true, Ordering::SeqCst);
    let senders: Vec<_> = (0..8)
        .map(|i| {
            let url = s.url.clone();
            std::thread::spawn(move || {
                let st = signed(&decision(&format!("单位{i}")), &[&officer(1)]);
                post(&url, "/v1/entries", "application/json", &body(&st)).status
            })
        })
        .collect();
    // Wait (however long the machine needs) until all eight are inside the
    // server: the in-flight gauge counts them plus this metrics request.
    let until = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let m = get(&s.url, "/metrics").body;
        let in_flight = m
            .lines()
            .find_map(|l| l.strip_prefix("tiezheng_http_in_flight "))
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(0);
        if in_flight >= 9 {
            break;
        }
        assert!(
            std::time::Instant::now() < until,
            "the eight appends never all arrived"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    s.signal_shutdown();
    let statuses: Vec<u16> = senders.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(
        statuses,
        vec![201; 8],
        "every append in flight is committed and answered"
    );
    let url = s.url.clone();
    let ledger = s.ledger.clone();
    s.stop().expect("clean stop");
    assert_eq!(ledger.size(), before + 8);
    let groups = commits(&ledger) - commits_before;
    assert!(
        groups <= 3,
        "eight appends from eight connections shared fsyncs: {groups} group commits"
    );
    let after = ureq::get(&format!("{url}/healthz")).call();
    assert!(
        matches!(after, Err(ureq::Error::Transport(_))),
        "no new connections after shutdown"
    );
}

#[test]
fn no_input_makes_the_server_fail() {
    use proptest::prelude::*;
    let (s, _) = flaky_server(ServerConfig::default());
    let valid = String::from_utf8(body(&signed(&decision("何某"), &[&officer(1)]))).unwrap();
    let cfg = ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(cfg, |(cut in 0..valid.len(), junk in "\\PC{0,12}", raw in proptest::collection::vec(any::<u8>(), 0..64))| {
        // A valid body with a slice replaced by junk, and raw bytes.
        let start = valid.char_indices().map(|(i, _)| i).find(|&i| i >= cut).unwrap_or(valid.len());
        let mutated = format!("{}{junk}{}", &valid[..start], valid.get(start + junk.len().min(valid.len() - start)..).unwrap_or(""));
        for b in [mutated.as_bytes(), &raw[..]] {
            let before = s.size();
            let r = post(&s.url, "/v1/entries", "application/json", b);
            prop_assert!(r.status < 500, "{} for {:?}: {}", r.status, String::from_utf8_lossy(b), r.body);
            prop_assert!(r.status == 201 || s.size() == before);
        }
        let encoded: String = raw.iter().map(|b| format!("%{b:02X}")).collect();
        let path = format!("/v1/entries/{encoded}");
        prop_assert!(request(&s.url, "GET", &path).status < 500);
    });
    assert_eq!(get(&s.url, "/healthz").status, 200);
}

#[test]
fn a_storage_failure_halts_appends_with_503_and_leaks_nothing() {
    let (s, store) = flaky_server(ServerConfig::default());
    store.fail.store(true, Ordering::SeqCst);
    let p = assert_refused(
        &s,
        &body(&signed(&decision("何某"), &[&officer(1)])),
        503,
        "halted",
    );
    assert!(
        !p.detail.contains("secret") && !p.detail.contains("space"),
        "{}",
        p.detail
    );
    let h = get(&s.url, "/healthz");
    assert_eq!(
        (h.status, h.json()["status"].as_str()),
        (503, Some("halted"))
    );
    store.fail.store(false, Ordering::SeqCst);
    assert_refused(
        &s,
        &body(&signed(&decision("某"), &[&officer(1)])),
        503,
        "halted",
    );
    assert_eq!(get(&s.url, "/v1/ledger").json()["halted"], true);
}

#[test]
fn a_request_slower_than_the_timeout_gets_a_503_timeout_problem() {
    let mut config = ServerConfig::default();
    config.api.request_timeout = Duration::from_millis(300);
    let (s, _) = flaky_server(config);
    let before = s.size();
    let addr = s.url.trim_start_matches("http://");
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // Promise 100 bytes of body, send one, and stall.
    let head = "POST /v1/entries HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";
    tcp.write_all(head.as_bytes()).unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tcp.read(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert!(
        text.contains("application/problem+json") && text.contains("urn:tiezheng:problem:timeout"),
        "{text}"
    );
    assert_eq!(s.size(), before);
}

#[test]
fn requests_beyond_the_concurrency_limit_wait_for_a_slot() {
    let mut config = ServerConfig::default();
    config.api.concurrency_limit = 1;
    let (s, store) = flaky_server(config);
    let commits = || s.ledger.metrics().commits.load(Ordering::SeqCst);
    let before = commits();
    store.slow.store(true, Ordering::SeqCst);
    let senders: Vec<_> = (0..3)
        .map(|i| {
            let url = s.url.clone();
            std::thread::spawn(move || {
                let st = signed(&decision(&format!("排队{i}")), &[&officer(1)]);
                post(&url, "/v1/entries", "application/json", &body(&st)).status
            })
        })
        .collect();
    let statuses: Vec<u16> = senders.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(statuses, vec![201, 201, 201]);
    // One request at a time: no two appends could wait for the same (slow)
    // commit, so each had a group commit of its own. Without the limit the
    // two that arrive during the first commit would share the second.
    assert_eq!(commits() - before, 3);
}

#[test]
fn a_client_that_never_finishes_its_request_head_is_disconnected() {
    let config = ServerConfig {
        header_read_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    };
    let (s, _) = flaky_server(config);
    let addr = s.url.trim_start_matches("http://");
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    tcp.write_all(b"POST /v1/entries HTTP/1.1\r\nHost: t\r\n")
        .unwrap();
    let t = std::time::Instant::now();
    let mut buf = vec![0u8; 4096];
    let closed = match tcp.read(&mut buf) {
        Ok(n) => n == 0 || String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 408"),
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    assert!(
        closed && t.elapsed() < Duration::from_secs(3),
        "{:?}",
        t.elapsed()
    );
}
