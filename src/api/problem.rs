//! RFC 9457 problem details: every error the API returns.
//!
//! Each kind of error has a stable `type` URI (`urn:tiezheng:problem:<slug>`)
//! that clients may match on; `detail` is for people and may change. Where a
//! request field is at fault, `field` names it as the JSON API spells it
//! (`statement.event_date`, `signatures[1]`). 5xx problems never carry
//! internal details: those go to the log.

use crate::error::{AppendError, ReadError};
use crate::registry::RegistryError;
use crate::statement::SignatureError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Prefix of every problem `type`.
pub const TYPE_PREFIX: &str = "urn:tiezheng:problem:";

/// The kinds of problem, each with its status and stable type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The body is not JSON.
    MalformedJson,
    /// The JSON does not have the expected shape or encoding (a missing member, bad hex).
    MalformedEncoding,
    /// A query or path parameter is unusable.
    BadRequest,
    /// The body is larger than the limit.
    BodyTooLarge,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// A field breaks a rule.
    InvalidField,
    /// A signature is missing, repeated or does not verify.
    BadSignature,
    /// A signer is not in the registry.
    UnknownKey,
    /// A signer was revoked.
    RevokedKey,
    /// A signer is outside its validity period.
    ExpiredKey,
    /// A signer may not sign this kind.
    OutOfScope,
    /// The registry's order was broken (no genesis yet, or a second one).
    RegistrySequence,
    /// The entry conflicts with the registry's state.
    RegistryConflict,
    /// A reference names no entry in this ledger.
    MissingReference,
    /// The same statement is recorded with other signatures.
    ConflictingDuplicate,
    /// No such entry or key.
    NotFound,
    /// No such route.
    NoRoute,
    /// The route exists but not for this method.
    MethodNotAllowed,
    /// The ledger halted after a storage failure.
    Halted,
    /// The server is shutting down.
    ShuttingDown,
    /// The request took longer than the server allows.
    Timeout,
    /// Something failed inside the server.
    Internal,
}

impl Kind {
    /// The slug after [`TYPE_PREFIX`].
    pub fn slug(self) -> &'static str {
        match self {
            Kind::MalformedJson => "malformed-json",
            Kind::MalformedEncoding => "malformed-encoding",
            Kind::BadRequest => "bad-request",
            Kind::BodyTooLarge => "body-too-large",
            Kind::UnsupportedMediaType => "unsupported-media-type",
            Kind::InvalidField => "invalid-field",
            Kind::BadSignature => "bad-signature",
            Kind::UnknownKey => "unknown-key",
            Kind::RevokedKey => "revoked-key",
            Kind::ExpiredKey => "expired-key",
            Kind::OutOfScope => "out-of-scope",
            Kind::RegistrySequence => "registry-sequence",
            Kind::RegistryConflict => "registry-conflict",
            Kind::MissingReference => "missing-reference",
            Kind::ConflictingDuplicate => "conflicting-duplicate",
            Kind::NotFound => "not-found",
            Kind::NoRoute => "no-route",
            Kind::MethodNotAllowed => "method-not-allowed",
            Kind::Halted => "halted",
            Kind::ShuttingDown => "shutting-down",
            Kind::Timeout => "timeout",
            Kind::Internal => "internal",
        }
    }

    /// The HTTP status.
    pub fn status(self) -> StatusCode {
        use Kind::*;
        match self {
            MalformedJson | MalformedEncoding | BadRequest => StatusCode::BAD_REQUEST,
            BadSignature => StatusCode::UNAUTHORIZED,
            UnknownKey | RevokedKey | ExpiredKey | OutOfScope => StatusCode::FORBIDDEN,
            NotFound | NoRoute => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            RegistrySequence | RegistryConflict | MissingReference | ConflictingDuplicate => {
                StatusCode::CONFLICT
            }
            BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            InvalidField => StatusCode::UNPROCESSABLE_ENTITY,
            Halted | ShuttingDown | Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The full `type` URI.
    pub fn type_uri(self) -> String {
        format!("{TYPE_PREFIX}{}", self.slug())
    }
}

/// A problem details document (RFC 9457), as sent and as the client reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable identifier of the kind of problem.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short summary of the kind (the status reason).
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, for people.
    pub detail: String,
    /// The offending request field, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Problem {
    /// A problem of `kind` with `detail`.
    pub fn new(kind: Kind, detail: impl Into<String>) -> Self {
        let status = kind.status();
        Problem {
            type_uri: kind.type_uri(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
        }
    }

    /// Names the offending field.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// A 500 whose cause is logged, never sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Problem::new(
            Kind::Internal,
            "the server failed to handle this request; the cause is in its log",
        )
    }

    /// The slug of this problem's type, if it is one of ours.
    pub fn slug(&self) -> Option<&str> {
        self.type_uri.strip_prefix(TYPE_PREFIX)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut resp = (status, body).into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            // 401 must say how to authenticate: by signing the statement.
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Tiezheng-Statement-Signature"),
            );
        }
        resp
    }
}

fn signature_field(e: &SignatureError) -> Option<String> {
    match e {
        SignatureError::None | SignatureError::TooMany => Some("signatures".into()),
        SignatureError::DuplicateSigner { index, .. } | SignatureError::Invalid { index, .. } => {
            Some(format!("signatures[{index}]"))
        }
    }
}

impl From<AppendError> for Problem {
    fn from(e: AppendError) -> Self {
        let detail = e.to_string();
        match e {
            AppendError::Field(f) => Problem::new(Kind::InvalidField, detail).with_field(f.field),
            AppendError::Signature(s) => {
                let p = Problem::new(Kind::BadSignature, detail);
                match signature_field(&s) {
                    Some(f) => p.with_field(f),
                    None => p,
                }
            }
            AppendError::Registry(r) => match r {
                RegistryError::UnknownKey(_) => Problem::new(Kind::UnknownKey, detail),
                RegistryError::RevokedKey { .. } => Problem::new(Kind::RevokedKey, detail),
                RegistryError::ExpiredKey { .. } => Problem::new(Kind::ExpiredKey, detail),
                RegistryError::OutOfScope { .. } => Problem::new(Kind::OutOfScope, detail),
                RegistryError::Unsigned => {
                    Problem::new(Kind::BadSignature, detail).with_field("signatures")
                }
                RegistryError::Sequence(_) => Problem::new(Kind::RegistrySequence, detail),
                RegistryError::Conflict(_) => Problem::new(Kind::RegistryConflict, detail),
                RegistryError::Field(f) => {
                    Problem::new(Kind::InvalidField, detail).with_field(f.field)
                }
            },
            AppendError::MissingRef { index, .. } => Problem::new(Kind::MissingReference, detail)
                .with_field(format!("statement.refs[{index}]")),
            AppendError::ConflictingDuplicate { .. } => {
                Problem::new(Kind::ConflictingDuplicate, detail)
            }
            AppendError::Halted(why) => {
                tracing::error!(reason = %why, "append refused: ledger halted");
                Problem::new(
                    Kind::Halted,
                    "the ledger halted after a storage failure and acknowledges no appends; see the server log",
                )
            }
            AppendError::ShuttingDown => Problem::new(Kind::ShuttingDown, detail),
        }
    }
}

impl From<ReadError> for Problem {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::NotFound(d) => Problem::new(Kind::NotFound, d),
            ReadError::BadRequest(d) => Problem::new(Kind::BadRequest, d),
            ReadError::Storage(d) => Problem::internal(format!("storage: {d}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_distinct_slug() {
        use Kind::*;
        let all = [
            MalformedJson,
            MalformedEncoding,
            BadRequest,
            BodyTooLarge,
            UnsupportedMediaType,
            InvalidField,
            BadSignature,
            UnknownKey,
            RevokedKey,
            ExpiredKey,
            OutOfScope,
            RegistrySequence,
            RegistryConflict,
            MissingReference,
            ConflictingDuplicate,
            NotFound,
            NoRoute,
            MethodNotAllowed,
            Halted,
            ShuttingDown,
            Timeout,
            Internal,
        ];
        let slugs: std::collections::BTreeSet<_> = all.iter().map(|k| k.slug()).collect();
        assert_eq!(slugs.len(), all.len());
    }

    #[test]
    fn a_storage_failure_does_not_leak_its_cause() {
        let p = Problem::from(ReadError::Storage("/secret/path/db: EIO".into()));
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("secret"));
    }
}
