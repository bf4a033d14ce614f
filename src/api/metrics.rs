//! `/metrics` in the Prometheus text format (version 0.0.4), and the
//! middleware that counts requests.

use super::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 13] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Request counters kept by the middleware.
#[derive(Debug, Default)]
pub struct HttpMetrics {
    by_status: Mutex<BTreeMap<u16, u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    sum_micros: AtomicU64,
    count: AtomicU64,
    in_flight: AtomicI64,
}

impl HttpMetrics {
    fn observe(&self, status: u16, secs: f64) {
        *self.by_status.lock().entry(status).or_insert(0) += 1;
        for (b, le) in self.buckets.iter().zip(BUCKETS) {
            if secs <= le {
                b.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.sum_micros
            .fetch_add((secs * 1e6) as u64, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }
}

/// Middleware: counts each response by status and times it (to the response
/// head; a streamed body is not included).
pub async fn track(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let m = &st.http;
    m.in_flight.fetch_add(1, Ordering::Relaxed);
    let t = std::time::Instant::now();
    let resp = next.run(req).await;
    m.in_flight.fetch_sub(1, Ordering::Relaxed);
    m.observe(resp.status().as_u16(), t.elapsed().as_secs_f64());
    resp
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// `GET /metrics`.
pub async fn metrics(State(st): State<AppState>) -> Response {
    let l = &st.ledger;
    let lm = l.metrics();
    let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let mut o = String::new();
    family(
        &mut o,
        "tiezheng_entries",
        "gauge",
        "Committed entries (tree size).",
    );
    let _ = writeln!(o, "tiezheng_entries {}", l.size());
    for (name, help, v) in [
        (
            "tiezheng_appended_total",
            "Entries appended since start.",
            load(&lm.appended),
        ),
        (
            "tiezheng_group_commits_total",
            "Group commits (one fsync each) since start.",
            load(&lm.commits),
        ),
        (
            "tiezheng_refused_total",
            "Appends refused since start.",
            load(&lm.refused),
        ),
        (
            "tiezheng_duplicates_total",
            "Duplicate appends answered with the original receipt.",
            load(&lm.duplicates),
        ),
    ] {
        family(&mut o, name, "counter", help);
        let _ = writeln!(o, "{name} {v}");
    }
    family(
        &mut o,
        "tiezheng_sync_seconds_total",
        "counter",
        "Time spent making group commits durable (store flush and fsync).",
    );
    let _ = writeln!(
        o,
        "tiezheng_sync_seconds_total {}",
        load(&lm.sync_micros) as f64 / 1e6
    );
    family(
        &mut o,
        "tiezheng_append_queue",
        "gauge",
        "Appends waiting for the writer to take them into a group commit.",
    );
    let _ = writeln!(o, "tiezheng_append_queue {}", lm.queue());
    family(
        &mut o,
        "tiezheng_halted",
        "gauge",
        "1 if the ledger halted after a storage failure.",
    );
    let _ = writeln!(o, "tiezheng_halted {}", u8::from(l.halted().is_some()));
    if let Some(b) = l.store().disk_bytes() {
        family(
            &mut o,
            "tiezheng_store_bytes",
            "gauge",
            "Bytes the store occupies on disk.",
        );
        let _ = writeln!(o, "tiezheng_store_bytes {b}");
    }
    let h = &st.http;
    family(
        &mut o,
        "tiezheng_http_requests_total",
        "counter",
        "HTTP responses by status code.",
    );
    for (code, n) in h.by_status.lock().iter() {
        let _ = writeln!(o, "tiezheng_http_requests_total{{code=\"{code}\"}} {n}");
    }
    family(
        &mut o,
        "tiezheng_http_in_flight",
        "gauge",
        "Requests being handled.",
    );
    let _ = writeln!(
        o,
        "tiezheng_http_in_flight {}",
        h.in_flight.load(Ordering::Relaxed)
    );
    let name = "tiezheng_http_request_duration_seconds";
    family(&mut o, name, "histogram", "Time to the response head.");
    for (b, le) in h.buckets.iter().zip(BUCKETS) {
        let _ = writeln!(o, "{name}_bucket{{le=\"{le}\"}} {}", load(b));
    }
    let count = load(&h.count);
    let _ = writeln!(o, "{name}_bucket{{le=\"+Inf\"}} {count}");
    let _ = writeln!(o, "{name}_sum {}", load(&h.sum_micros) as f64 / 1e6);
    let _ = writeln!(o, "{name}_count {count}");
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        o,
    )
        .into_response()
}
