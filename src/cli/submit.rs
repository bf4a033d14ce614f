//! `sign` (offline) and `append` (sign, submit, check the receipt).

use super::common::{emit, origin, read_key, read_statement, submit_checked, write_json};
use super::Global;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use tiezheng::builders;
use tiezheng::client::Client;
use tiezheng::keys::Keypair;

/// `sign`.
#[derive(Args)]
pub struct SignArgs {
    /// Statement file (`-` for stdin): a bare statement or one already signed.
    file: PathBuf,
    /// Private key file to sign with; repeat for several signers.
    #[arg(long = "key", required = true)]
    keys: Vec<PathBuf>,
    /// The ledger's origin (default: from --verifier-key).
    #[arg(long, env = "TIEZHENG_ORIGIN")]
    origin: Option<String>,
    /// Where to write the signed statement (may be the input file); default stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Adds signatures to a statement, offline.
pub fn sign(g: &Global, a: SignArgs) -> Result<()> {
    let signed = read_statement(&a.file)?;
    let origin = origin(g, a.origin.as_deref(), None)?;
    let signed = cosign_with_files(&origin, signed, &a.keys)?;
    match &a.out {
        Some(path) => {
            write_json(path, &signed)?;
            if !g.json {
                eprintln!(
                    "wrote {} with {} signature(s)",
                    path.display(),
                    signed.signatures.len()
                );
            }
            Ok(())
        }
        None => emit(g, &signed, || {
            serde_json::to_string_pretty(&signed).unwrap_or_default()
        }),
    }
}

/// `append`.
#[derive(Args)]
pub struct AppendArgs {
    /// Statement file (`-` for stdin): a bare statement or one already signed.
    file: PathBuf,
    /// Private key file to sign with before submitting; repeat for several.
    #[arg(long = "key")]
    keys: Vec<PathBuf>,
    /// The ledger's origin (default: from --verifier-key, else the server's).
    #[arg(long, env = "TIEZHENG_ORIGIN")]
    origin: Option<String>,
}

/// Signs (if keys are given), submits and checks the receipt.
pub fn append(g: &Global, a: AppendArgs) -> Result<()> {
    let client = Client::new(&g.url);
    let mut signed = read_statement(&a.file)?;
    if !a.keys.is_empty() {
        let origin = origin(g, a.origin.as_deref(), Some(&client))?;
        signed = cosign_with_files(&origin, signed, &a.keys)?;
    }
    submit_checked(g, &client, &signed)
}

/// Adds a signature by each private key file in `paths`.
fn cosign_with_files(
    origin: &str,
    signed: tiezheng::statement::SignedStatementJson,
    paths: &[PathBuf],
) -> Result<tiezheng::statement::SignedStatementJson> {
    let keys = paths
        .iter()
        .map(|p| read_key(p))
        .collect::<Result<Vec<Keypair>>>()?;
    let refs: Vec<&Keypair> = keys.iter().collect();
    Ok(builders::cosign(origin, signed, &refs)?)
}
