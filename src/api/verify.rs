//! Full verification over HTTP, as a background job.
//!
//! `POST /v1/verify` starts a replay of the whole ledger and answers at once
//! (202, `Location: /v1/verify/{id}`); `GET /v1/verify/{id}` reports progress
//! and, when done, the report with the first bad entry. One job runs at a
//! time: asking again while one runs returns that job, so a client cannot
//! pile up CPU-heavy replays. The replay runs on the blocking pool in its own
//! rayon pool that leaves a core free, so other requests keep being served.

use super::extract::ApiPath;
use super::problem::{Kind, Problem};
use super::AppState;
use crate::verify::VerifyReport;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use parking_lot::Mutex;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Finished jobs kept for reading.
const KEEP: usize = 8;

/// One verification job.
#[derive(Debug)]
pub struct Job {
    id: u64,
    started_at: String,
    done: AtomicU64,
    total: AtomicU64,
    report: Mutex<Option<VerifyReport>>,
}

/// What `GET /v1/verify/{id}` returns.
#[derive(Debug, Serialize)]
pub struct JobView {
    /// Job id.
    pub id: u64,
    /// `running` or `done`.
    pub status: &'static str,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// Entries replayed so far.
    pub done: u64,
    /// Entries to replay.
    pub total: u64,
    /// The report, once done: `ok`, and the first problem with its entry.
    pub report: Option<VerifyReport>,
}

impl Job {
    fn view(&self) -> JobView {
        let report = self.report.lock().clone();
        JobView {
            id: self.id,
            status: if report.is_some() { "done" } else { "running" },
            started_at: self.started_at.clone(),
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            report,
        }
    }
}

/// The server's verification jobs.
#[derive(Debug, Default)]
pub struct Jobs {
    next_id: AtomicU64,
    jobs: Mutex<VecDeque<Arc<Job>>>,
}

fn verify_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

/// `POST /v1/verify`.
pub async fn start(State(st): State<AppState>) -> Response {
    let job = {
        let mut jobs = st.verify.jobs.lock();
        if let Some(running) = jobs.iter().find(|j| j.report.lock().is_none()) {
            return accepted(running);
        }
        let job = Arc::new(Job {
            id: st.verify.next_id.fetch_add(1, Ordering::Relaxed) + 1,
            started_at: crate::ids::rfc3339_ms(crate::builders::now_ms()),
            done: AtomicU64::new(0),
            total: AtomicU64::new(st.ledger.size()),
            report: Mutex::new(None),
        });
        jobs.push_back(job.clone());
        while jobs.len() > KEEP {
            jobs.pop_front();
        }
        job
    };
    let ledger = st.ledger.clone();
    let j = job.clone();
    tokio::task::spawn_blocking(move || {
        tracing::info!(job = j.id, "full verification started");
        let progress = |done: u64, total: u64| {
            j.done.store(done, Ordering::Relaxed);
            j.total.store(total, Ordering::Relaxed);
        };
        let report = match rayon::ThreadPoolBuilder::new()
            .num_threads(verify_threads())
            .build()
        {
            Ok(pool) => pool.install(|| ledger.verify_full(&progress)),
            Err(_) => ledger.verify_full(&progress),
        };
        if report.ok {
            tracing::info!(
                job = j.id,
                entries = report.entries,
                ms = report.elapsed_ms,
                "full verification passed"
            );
        } else {
            tracing::error!(job = j.id, problem = ?report.problem, "full verification FAILED");
        }
        *j.report.lock() = Some(report);
    });
    accepted(&job)
}

fn accepted(job: &Job) -> Response {
    let location = format!("/v1/verify/{}", job.id);
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(job.view()),
    )
        .into_response()
}

/// `GET /v1/verify/{id}`.
pub async fn status(
    State(st): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<JobView>, Problem> {
    let jobs = st.verify.jobs.lock();
    jobs.iter()
        .find(|j| j.id == id)
        .map(|j| Json(j.view()))
        .ok_or_else(|| {
            Problem::new(
                Kind::NotFound,
                format!("no verification job {id} (only the last {KEEP} are kept)"),
            )
        })
}
