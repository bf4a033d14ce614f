//! A blocking HTTP client for the API, used by the command line and tests.
//!
//! Built on `ureq`: a small blocking client (no async runtime in the command
//! line), rustls for https, and a response body that is a plain `Read`, so
//! the export streams straight into the offline verifier. What the server
//! says is never trusted: [`check`] verifies receipts and proofs against a
//! pinned verifier key.

pub mod check;

use crate::api::problem::Problem;
use crate::api::types::{ConsistencyProof, EntriesPage, InclusionProof, LedgerInfo};
use crate::ledger::{EntryView, Receipt};
use crate::statement::SignedStatementJson;
use serde::de::DeserializeOwned;
use std::io::Read;
use std::time::Duration;

/// What went wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No answer (connection refused, timeout, TLS).
    #[error("{url}: {why}")]
    Transport {
        /// The URL.
        url: String,
        /// What failed.
        why: String,
    },
    /// The server refused, with a problem document.
    #[error("{} ({}): {}", .0.title, .0.type_uri, .0.detail)]
    Problem(Problem),
    /// An answer we could not read.
    #[error("{url}: unexpected answer: {why}")]
    Decode {
        /// The URL.
        url: String,
        /// What was wrong.
        why: String,
    },
}

/// A client of one server.
#[derive(Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    /// A client of the server at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Self {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .timeout_read(Duration::from_secs(120))
            .build();
        Client {
            base: base.trim_end_matches('/').to_string(),
            agent,
        }
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn answer(
        &self,
        url: &str,
        r: Result<ureq::Response, ureq::Error>,
    ) -> Result<ureq::Response, ClientError> {
        match r {
            Ok(resp) => Ok(resp),
            Err(ureq::Error::Status(code, resp)) => {
                let text = resp.into_string().unwrap_or_default();
                match serde_json::from_str::<Problem>(&text) {
                    Ok(p) => Err(ClientError::Problem(p)),
                    Err(_) => Err(ClientError::Decode {
                        url: url.into(),
                        why: format!(
                            "status {code}: {}",
                            text.chars().take(200).collect::<String>()
                        ),
                    }),
                }
            }
            Err(ureq::Error::Transport(t)) => Err(ClientError::Transport {
                url: url.into(),
                why: t.to_string(),
            }),
        }
    }

    fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let url = self.url(path);
        let resp = self.answer(&url, self.agent.get(&url).call())?;
        resp.into_json().map_err(|e| ClientError::Decode {
            url,
            why: e.to_string(),
        })
    }

    /// `GET path` as JSON of any shape.
    ///
    /// # Errors
    /// Transport, refusal or an unreadable answer.
    pub fn get_value(&self, path: &str) -> Result<serde_json::Value, ClientError> {
        self.get_json(path)
    }

    /// Origin, verifier key and size.
    ///
    /// # Errors
    /// Transport, refusal or an unreadable answer.
    pub fn info(&self) -> Result<LedgerInfo, ClientError> {
        self.get_json("/v1/ledger")
    }

    /// The latest signed checkpoint note (unverified).
    ///
    /// # Errors
    /// Transport, refusal or an unreadable answer.
    pub fn checkpoint(&self) -> Result<String, ClientError> {
        let url = self.url("/v1/checkpoint");
        let resp = self.answer(&url, self.agent.get(&url).call())?;
        resp.into_string().map_err(|e| ClientError::Decode {
            url,
            why: e.to_string(),
        })
    }

    /// Submits a signed statement; the receipt is not yet checked (see
    /// [`check::check_receipt`]).
    ///
    /// # Errors
    /// Transport, refusal (a problem) or an unreadable answer.
    pub fn append(&self, signed: &SignedStatementJson) -> Result<Receipt, ClientError> {
        let url = self.url("/v1/entries");
        let body = serde_json::to_vec(signed).map_err(|e| ClientError::Decode {
            url: url.clone(),
            why: e.to_string(),
        })?;
        let r = self
            .agent
            .post(&url)
            .set("Content-Type", "application/json")
            .send_bytes(&body);
        let resp = self.answer(&url, r)?;
        resp.into_json().map_err(|e| ClientError::Decode {
            url,
            why: e.to_string(),
        })
    }

    /// One entry.
    ///
    /// # Errors
    /// Transport, refusal or an unreadable answer.
    pub fn entry(&self, seq: u64) -> Result<EntryView, ClientError> {
        self.get_json(&format!("/v1/entries/{seq}"))
    }

    /// A page of entries; `query` is the URL query without `?`.
    ///
    /// # Errors
    /// Transport, refusal or an unreadable answer.
    pub fn entries(&self, query: &str) -> Result<EntriesPage, ClientError> {
        self.get_json(&format!("/v1/entries?{query}"))
    }

    /// Who certified entry `seq`, as the server tells it.
    ///
    /// # Errors
    /// Transport, refusal or an unreadable answer.
    pub fn certification(&self, seq: u64) -> Result<serde_json::Value, ClientError> {
        self.get_json(&format!("/v1/entries/{seq}/certification"))
    }

    /// Inclusion proof of `seq` in the tree of `size` (default: latest).
    ///
    /// # Errors
    /// Transport, refusal or an unreadable answer.
    pub fn inclusion(&self, seq: u64, size: Option<u64>) -> Result<InclusionProof, ClientError> {
        let size = size.map(|s| format!("&size={s}")).unwrap_or_default();
        self.get_json(&format!("/v1/proofs/inclusion?seq={seq}{size}"))
    }

    /// Consistency proof from `from` to `to` (default: latest).
    ///
    /// # Errors
    /// Transport, refusal or an unreadable answer.
    pub fn consistency(&self, from: u64, to: Option<u64>) -> Result<ConsistencyProof, ClientError> {
        let to = to.map(|s| format!("&to={s}")).unwrap_or_default();
        self.get_json(&format!("/v1/proofs/consistency?from={from}{to}"))
    }

    /// The export stream.
    ///
    /// # Errors
    /// Transport or refusal.
    pub fn export(&self) -> Result<Box<dyn Read + Send + Sync + 'static>, ClientError> {
        let url = self.url("/v1/export");
        let resp = self.answer(&url, self.agent.get(&url).call())?;
        Ok(resp.into_reader())
    }
}
