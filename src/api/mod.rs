//! The HTTP API: an axum router over a [`Ledger`].
//!
//! Handlers are thin (see `handlers`); every error is an RFC 9457 problem
//! document ([`problem`]). The router carries a request body limit, a
//! request timeout, a global concurrency limit, request metrics and tracing.
//! [`routes`] lists every route; the OpenAPI document ([`openapi`]) is tested
//! against it so that the two stay in step.

mod cases;
pub mod extract;
mod handlers;
pub mod metrics;
pub mod openapi;
pub mod problem;
pub mod types;
pub mod verify;

use crate::ledger::Ledger;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use problem::{Kind, Problem};
use std::sync::Arc;
use std::time::Duration;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;

/// Limits the router enforces.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Largest request body, bytes (413 above it).
    pub body_limit: usize,
    /// Longest time to answer a request, including time queued for a
    /// concurrency slot (503 `timeout` after it). A streamed export only has
    /// to start within it.
    pub request_timeout: Duration,
    /// Requests handled at once; more wait for a slot.
    pub concurrency_limit: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            // The canonical payload is at most 64 KiB; its JSON, 32 signatures
            // and 256 references fit well inside 1 MiB.
            body_limit: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            concurrency_limit: 1024,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The ledger.
    pub ledger: Ledger,
    pub(crate) http: Arc<metrics::HttpMetrics>,
    pub(crate) verify: Arc<verify::Jobs>,
}

type Table = Vec<(Method, &'static str, MethodRouter<AppState>)>;

fn table() -> Table {
    use handlers as h;
    vec![
        (Method::POST, "/v1/entries", post(h::append)),
        (Method::GET, "/v1/entries", get(h::entries)),
        (Method::GET, "/v1/entries/{seq}", get(h::entry)),
        (
            Method::GET,
            "/v1/entries/{seq}/certification",
            get(h::certification),
        ),
        (Method::GET, "/v1/checkpoint", get(h::checkpoint)),
        (Method::GET, "/v1/ledger", get(h::ledger_info)),
        (Method::GET, "/v1/proofs/inclusion", get(h::inclusion)),
        (Method::GET, "/v1/proofs/consistency", get(h::consistency)),
        (Method::GET, "/v1/keys", get(h::keys)),
        (Method::GET, "/v1/keys/{id}", get(h::key)),
        (Method::GET, "/v1/cases", get(cases::list)),
        (Method::GET, "/v1/cases/{id}", get(cases::show)),
        (Method::POST, "/v1/verify", post(verify::start)),
        (Method::GET, "/v1/verify/{id}", get(verify::status)),
        (Method::GET, "/v1/export", get(h::export)),
        (Method::GET, "/v1/openapi.json", get(h::openapi)),
        (Method::GET, "/healthz", get(h::healthz)),
        (Method::GET, "/metrics", get(metrics::metrics)),
    ]
}

/// Every route as (method, OpenAPI path template).
pub fn routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// `/v1/entries/{seq}` in axum 0.7's syntax: `/v1/entries/:seq`.
fn axum_path(openapi_path: &str) -> String {
    openapi_path
        .split('/')
        .map(
            |seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => format!(":{name}"),
                None => seg.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

async fn on_layer_error(err: tower::BoxError) -> Problem {
    if err.is::<tower::timeout::error::Elapsed>() {
        Problem::new(
            Kind::Timeout,
            "the server did not answer in time; an append may still complete: send the same statement again to learn its outcome",
        )
    } else {
        Problem::internal(err)
    }
}

/// The router for `ledger`.
pub fn router(ledger: Ledger, config: &ApiConfig) -> Router {
    let state = AppState {
        ledger,
        http: Arc::default(),
        verify: Arc::default(),
    };
    let mut r = Router::new();
    for (_, path, handler) in table() {
        r = r.route(&axum_path(path), handler);
    }
    let limits = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(on_layer_error))
        .timeout(config.request_timeout)
        .layer(GlobalConcurrencyLimitLayer::new(config.concurrency_limit));
    let trace = tower_http::trace::TraceLayer::new_for_http()
        .make_span_with(tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::DEBUG))
        .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::DEBUG));
    r.method_not_allowed_fallback(handlers::method_not_allowed)
        .fallback(handlers::no_route)
        .layer(limits)
        // One limit, two readers: ApiJson (every body the API takes) reads it
        // from the extension so that it can drain and answer 413; axum's own
        // extractors, should a handler ever use one, obey DefaultBodyLimit.
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(axum::Extension(extract::BodyLimit(config.body_limit)))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(trace)
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_paths_become_axum_paths() {
        assert_eq!(
            axum_path("/v1/entries/{seq}/certification"),
            "/v1/entries/:seq/certification"
        );
        assert_eq!(axum_path("/healthz"), "/healthz");
    }
}
