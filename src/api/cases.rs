//! Case dossiers over HTTP: thin handlers over [`crate::dossier`].

use super::extract::ApiPath;
use super::handlers::blocking;
use super::problem::Problem;
use super::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// `GET /v1/cases`: every case with its counts and open items.
pub async fn list(State(st): State<AppState>) -> Result<Response, Problem> {
    let ledger = st.ledger.clone();
    let cases = blocking(move || crate::dossier::cases(&ledger).map_err(Problem::from)).await?;
    Ok(Json(serde_json::json!({ "cases": cases })).into_response())
}

/// `GET /v1/cases/{id}`: the case's dossier, reconciled as of today.
pub async fn show(
    State(st): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    let ledger = st.ledger.clone();
    let d = blocking(move || crate::dossier::dossier(&ledger, &id).map_err(Problem::from)).await?;
    Ok(Json(d).into_response())
}
