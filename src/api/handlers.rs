//! Thin handlers: parse the request, call the ledger off the async executor,
//! shape the answer. Every rule lives in the library.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::problem::{Kind, Problem};
use super::types::{
    ConsistencyParams, ConsistencyProof, EntriesPage, Health, InclusionParams, InclusionProof,
    KeyList, KeyView, LedgerInfo, ListParams,
};
use super::AppState;
use crate::keys::PublicKey;
use crate::ledger::{Ledger, Query};
use crate::statement::SignedStatementJson;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Runs store work on the blocking pool: sled reads may touch the disk and
/// appends wait for an fsync, neither of which may hold up an executor thread.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, Problem>
where
    F: FnOnce() -> Result<T, Problem> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Problem::internal(format!("blocking task failed: {e}")))?
}

/// `POST /v1/entries`.
pub async fn append(
    State(st): State<AppState>,
    ApiJson(signed): ApiJson<SignedStatementJson>,
) -> Result<Response, Problem> {
    // Async all the way: the checks run on this task and no thread waits for
    // the fsync (docs/performance.md measures the difference).
    let receipt = st.ledger.append_async(&signed).await?;
    let status = if receipt.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let location = format!("/v1/entries/{}", receipt.seq);
    Ok((status, [(header::LOCATION, location)], Json(receipt)).into_response())
}

/// `GET /v1/entries/{seq}`.
pub async fn entry(
    State(st): State<AppState>,
    ApiPath(seq): ApiPath<u64>,
) -> Result<Response, Problem> {
    let ledger = st.ledger.clone();
    let view = blocking(move || ledger.entry(seq).map_err(Problem::from)).await?;
    Ok(Json(view).into_response())
}

fn parse_time(name: &str, s: &str) -> Result<i64, Problem> {
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| {
            Problem::new(
                Kind::BadRequest,
                format!("{name} must be an RFC 3339 time or Unix milliseconds"),
            )
            .with_field(name)
        })
}

fn to_query(p: ListParams) -> Result<Query, Problem> {
    let signer = match p.signer.as_deref() {
        None => None,
        Some(s) => Some(
            s.parse::<PublicKey>()
                .map_err(|e| Problem::new(Kind::BadRequest, e.to_string()).with_field("signer"))?,
        ),
    };
    let after = match p.cursor.as_deref() {
        None => None,
        Some(c) => Some(c.parse::<u64>().map_err(|_| {
            Problem::new(Kind::BadRequest, "cursor is not one this server issued")
                .with_field("cursor")
        })?),
    };
    let limit = p.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(Problem::new(Kind::BadRequest, "limit must be 1 to 1000").with_field("limit"));
    }
    Ok(Query {
        case: p.case,
        kind: p.kind,
        subject: p.subject,
        signer,
        from_ms: p
            .from
            .as_deref()
            .map(|s| parse_time("from", s))
            .transpose()?,
        to_ms: p.to.as_deref().map(|s| parse_time("to", s)).transpose()?,
        after,
        limit,
    })
}

/// `GET /v1/entries?case=&kind=&subject=&signer=&from=&to=&cursor=&limit=`.
pub async fn entries(
    State(st): State<AppState>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Response, Problem> {
    let q = to_query(p)?;
    let ledger = st.ledger.clone();
    let page = blocking(move || ledger.query(&q).map_err(Problem::from)).await?;
    Ok(Json(EntriesPage {
        entries: page.entries,
        next_cursor: page.next_cursor.map(|c| c.to_string()),
    })
    .into_response())
}

/// `GET /v1/entries/{seq}/certification`.
pub async fn certification(
    State(st): State<AppState>,
    ApiPath(seq): ApiPath<u64>,
) -> Result<Response, Problem> {
    let ledger = st.ledger.clone();
    let c = blocking(move || ledger.certification(seq).map_err(Problem::from)).await?;
    Ok(Json(c).into_response())
}

/// `GET /v1/checkpoint`: the C2SP signed note, as text.
pub async fn checkpoint(State(st): State<AppState>) -> Response {
    let note = st.ledger.checkpoint().note;
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response()
}

/// `GET /v1/ledger`.
pub async fn ledger_info(State(st): State<AppState>) -> Json<LedgerInfo> {
    let l = &st.ledger;
    Json(LedgerInfo {
        origin: l.origin().to_string(),
        verifier_key: l.verifier_key(),
        size: l.size(),
        halted: l.halted().is_some(),
    })
}

/// `GET /v1/proofs/inclusion?seq=&size=`.
pub async fn inclusion(
    State(st): State<AppState>,
    ApiQuery(p): ApiQuery<InclusionParams>,
) -> Result<Response, Problem> {
    let ledger = st.ledger.clone();
    let proof = blocking(move || inclusion_of(&ledger, p.seq, p.size)).await?;
    Ok(Json(proof).into_response())
}

fn inclusion_of(ledger: &Ledger, seq: u64, size: Option<u64>) -> Result<InclusionProof, Problem> {
    let size = size.unwrap_or_else(|| ledger.checkpoint().size);
    let proof = ledger.inclusion_proof(seq, size)?;
    let root = ledger.root(size)?;
    let leaf_hash = ledger.stored_entry(seq)?.leaf.hash();
    Ok(InclusionProof {
        seq,
        tree_size: size,
        leaf_hash,
        root,
        proof,
    })
}

/// `GET /v1/proofs/consistency?from=&to=`.
pub async fn consistency(
    State(st): State<AppState>,
    ApiQuery(p): ApiQuery<ConsistencyParams>,
) -> Result<Response, Problem> {
    let ledger = st.ledger.clone();
    let proof = blocking(move || {
        let to = p.to.unwrap_or_else(|| ledger.checkpoint().size);
        let proof = ledger.consistency_proof(p.from, to)?;
        Ok(ConsistencyProof {
            from: p.from,
            to,
            from_root: ledger.root(p.from)?,
            to_root: ledger.root(to)?,
            proof,
        })
    })
    .await?;
    Ok(Json(proof).into_response())
}

/// `GET /v1/keys`.
pub async fn keys(State(st): State<AppState>) -> Json<KeyList> {
    let now = crate::builders::now_ms();
    let keys = st
        .ledger
        .registry()
        .keys()
        .map(|k| KeyView::new(k.clone(), now))
        .collect();
    Json(KeyList { keys })
}

/// `GET /v1/keys/{id}` (the id is the public key in hex).
pub async fn key(
    State(st): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    let pk: PublicKey = id
        .parse()
        .map_err(|e: crate::keys::KeyError| Problem::new(Kind::BadRequest, e.to_string()))?;
    let reg = st.ledger.registry();
    let rec = reg
        .key(&pk)
        .ok_or_else(|| Problem::new(Kind::NotFound, format!("key {pk} is not in the registry")))?;
    Ok(Json(KeyView::new(rec.clone(), crate::builders::now_ms())).into_response())
}

/// `GET /v1/export`: the whole ledger at the current checkpoint, streamed.
pub async fn export(State(st): State<AppState>) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, std::io::Error>>(4);
    let ledger = st.ledger.clone();
    // The export reads the store: produce it on the blocking pool, a few chunks ahead.
    tokio::task::spawn_blocking(move || {
        for chunk in crate::export::ExportStream::new(ledger) {
            let item = chunk.map(axum::body::Bytes::from).map_err(|e| {
                tracing::error!(error = %e, "export failed; the stream is cut short");
                std::io::Error::other("export failed")
            });
            let failed = item.is_err();
            if tx.blocking_send(item).is_err() || failed {
                break;
            }
        }
    });
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tiezheng.export\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// `GET /healthz`: 200 while appends are accepted, 503 once halted.
pub async fn healthz(State(st): State<AppState>) -> Response {
    let halted = st.ledger.halted().is_some();
    let body = Health {
        status: if halted { "halted" } else { "ok" }.into(),
        entries: st.ledger.size(),
    };
    let status = if halted {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (status, Json(body)).into_response()
}

/// `GET /v1/openapi.json`.
pub async fn openapi() -> Response {
    Json(super::openapi::document()).into_response()
}

/// Fallback for unknown paths.
pub async fn no_route() -> Problem {
    Problem::new(Kind::NoRoute, "no such route; see /v1/openapi.json")
}

/// Fallback for a known path with another method.
pub async fn method_not_allowed() -> Problem {
    Problem::new(
        Kind::MethodNotAllowed,
        "this route does not take that method; see /v1/openapi.json",
    )
}
