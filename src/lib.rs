//! Tiezheng (铁证): an immutable audit ledger for accountability and evidence
//! records.
//!
//! Every fact is a statement, signed by the officers who certify it
//! ([`statement`]), sequenced into a hash chain and an RFC 6962 Merkle tree
//! ([`entry`], [`merkle`]), stored durably in sled ([`store`]), and covered by
//! signed C2SP checkpoints ([`checkpoint`]). Who may sign what is itself
//! recorded in the ledger ([`registry`]). Anyone can replay and check all of it
//! ([`verify`]) without trusting the server.
//!
//! This crate's core knows nothing of HTTP or the command line: `api` and the
//! binary are thin layers over [`Ledger`].

pub mod api;
pub mod builders;
pub mod canonical_json;
pub mod certify;
pub mod checkpoint;
pub mod client;
pub mod codec;
pub mod demo;
pub mod dossier;
pub mod entry;
pub mod error;
pub mod export;
pub mod hash;
pub mod ids;
pub mod keys;
pub mod ledger;
pub mod merkle;
pub mod policy;
pub mod records;
pub mod registry;
pub mod server;
pub mod statement;
pub mod store;
pub mod verify;

pub use ledger::{Ledger, LedgerConfig, Receipt};
