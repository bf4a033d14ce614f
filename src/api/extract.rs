//! Extractors whose rejections are problem documents too.
//!
//! axum's own `Json`, `Query` and `Path` answer a bad request in plain text;
//! these wrap the same work so a client sees one error format everywhere.

use super::problem::{Kind, Problem};
use axum::async_trait;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use http_body_util::BodyExt as _;
use serde::de::DeserializeOwned;

/// The largest JSON body accepted, put in each request's extensions by the
/// router (`ApiConfig::body_limit`).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// How much beyond the limit a body is still read and thrown away before the
/// 413 goes out. A server that answers while the client is still sending and
/// then closes makes many clients see a broken pipe or a reset instead of the
/// answer; reading to the end lets them read the 413. Bodies beyond this get
/// the 413 at once (and the connection closes under them).
const DRAIN_CAP: usize = 16 * 1024 * 1024;

fn too_large(limit: usize) -> Problem {
    Problem::new(
        Kind::BodyTooLarge,
        format!("the body is larger than this server accepts ({limit} bytes)"),
    )
}

/// Reads `body` up to `limit` bytes; past it, drains up to [`DRAIN_CAP`] more
/// and refuses.
async fn read_limited(
    mut body: Body,
    declared: Option<usize>,
    limit: usize,
) -> Result<Vec<u8>, Problem> {
    let cap = limit.saturating_add(DRAIN_CAP);
    if declared.is_some_and(|n| n > cap) {
        return Err(too_large(limit));
    }
    let mut buf = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            Problem::new(Kind::BadRequest, format!("the body could not be read: {e}"))
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen > cap {
            return Err(too_large(limit));
        }
        if seen <= limit {
            buf.extend_from_slice(&data);
        }
    }
    if seen > limit {
        return Err(too_large(limit));
    }
    Ok(buf)
}

/// A JSON body: `application/json` (or any `+json` type), within the body limit.
pub struct ApiJson<T>(pub T);

fn is_json(ct: Option<&header::HeaderValue>) -> bool {
    let Some(ct) = ct.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[async_trait]
impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Problem> {
        if !is_json(req.headers().get(header::CONTENT_TYPE)) {
            return Err(Problem::new(
                Kind::UnsupportedMediaType,
                "the body must be sent as Content-Type: application/json",
            ));
        }
        let limit = req
            .extensions()
            .get::<BodyLimit>()
            .map_or(super::ApiConfig::default().body_limit, |l| l.0);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let bytes = read_limited(req.into_body(), declared, limit).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON body; a syntax error is `malformed-json`, a wrong shape or
/// encoding is `malformed-encoding` with the path of the offending member.
///
/// # Errors
/// The problem to send.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            return Err(match inner.classify() {
                serde_json::error::Category::Data => {
                    let p = Problem::new(Kind::MalformedEncoding, format!("{path}: {inner}"));
                    if path == "." {
                        p
                    } else {
                        p.with_field(path)
                    }
                }
                _ => Problem::new(
                    Kind::MalformedJson,
                    format!("the body is not valid JSON: {inner}"),
                ),
            });
        }
    };
    de.end().map_err(|e| {
        Problem::new(
            Kind::MalformedJson,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    Ok(value)
}

/// Query parameters, parsed with serde; a bad one is `bad-request`.
pub struct ApiQuery<T>(pub T);

#[async_trait]
impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q)
            .map(ApiQuery)
            .map_err(|e| Problem::new(Kind::BadRequest, format!("query parameters: {e}")))
    }
}

/// Path parameters; a bad one is `bad-request`.
pub struct ApiPath<T>(pub T);

#[async_trait]
impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| Problem::new(Kind::BadRequest, format!("path: {}", e.body_text())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct T {
        a: u8,
    }

    #[test]
    fn syntax_and_shape_errors_are_told_apart() {
        assert_eq!(
            parse_json::<T>(b"{").unwrap_err().slug(),
            Some("malformed-json")
        );
        assert_eq!(
            parse_json::<T>(br#"{"a": 1} x"#).unwrap_err().slug(),
            Some("malformed-json")
        );
        let p = parse_json::<T>(br#"{"a": "x"}"#).unwrap_err();
        assert_eq!(
            (p.slug(), p.field.as_deref()),
            (Some("malformed-encoding"), Some("a"))
        );
    }

    #[test]
    fn json_media_types() {
        let v = |s: &'static str| header::HeaderValue::from_static(s);
        assert!(is_json(Some(&v("application/json; charset=utf-8"))));
        assert!(is_json(Some(&v("application/vnd.tiezheng+json"))));
        assert!(!is_json(Some(&v("text/plain"))));
        assert!(!is_json(None));
    }
}
