//! The command line: clap definitions and dispatch.
//!
//! Every command prints for people by default and JSON with `--json`, and
//! exits non-zero on any failure (1; 2 for a usage error). Online commands
//! talk to `--url`; what the server says is checked against the pinned
//! `--verifier-key` where one is given.

mod cases;
mod common;
mod keys;
mod read;
mod serve;
mod submit;
mod verify;

use clap::{Args, Parser, Subcommand};
use std::process::ExitCode;

/// Tiezheng (铁证): an immutable, signed, hash-chained audit ledger.
#[derive(Parser)]
#[command(name = "tiezheng", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Args, Clone)]
pub struct Global {
    /// Server URL.
    #[arg(
        long,
        global = true,
        env = "TIEZHENG_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    url: String,
    /// The ledger's checkpoint verifier key (`origin+hash+base64`), pinned: what
    /// the server sends is checked against it.
    #[arg(long, global = true, env = "TIEZHENG_VERIFIER_KEY")]
    verifier_key: Option<String>,
    /// Print JSON for scripts instead of text for people.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the ledger server.
    Serve(serve::ServeArgs),
    /// Build a fresh ledger from the five source documents and serve it.
    Demo(serve::DemoArgs),
    /// Make a new signing key (file mode 0600; never overwrites).
    Keygen(keys::KeygenArgs),
    /// Create the genesis entry naming the root authorities, and submit it.
    Genesis(keys::GenesisArgs),
    /// Enrol, revoke and list signer keys.
    #[command(subcommand)]
    Key(keys::KeyCommand),
    /// Sign a statement file offline (signers can add signatures in turn).
    Sign(submit::SignArgs),
    /// Sign (optionally) and submit a statement, then check the receipt.
    Append(submit::AppendArgs),
    /// Show one entry.
    Get(read::GetArgs),
    /// List entries by case, kind, subject, signer or time.
    List(read::ListArgs),
    /// Prove an entry is in the ledger, or that it extends a saved checkpoint.
    Prove(read::ProveArgs),
    /// Fetch, check and optionally save the latest signed checkpoint.
    Checkpoint(read::CheckpointArgs),
    /// Show who certified an entry, with its checked inclusion proof.
    Certification(read::GetArgs),
    /// Verify the whole ledger offline, from the server's export or a store on disk.
    Verify(verify::VerifyArgs),
    /// List the cases with their counts and open items.
    Cases,
    /// Show a case's dossier: every entry, penalties, recommendations, findings, anomalies.
    Case(cases::CaseArgs),
}

/// An error already printed in full (e.g. a failed verification report).
#[derive(Debug)]
pub struct Reported;

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failure reported above")
    }
}
impl std::error::Error for Reported {}

/// Parses the command line, runs it, and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let g = cli.global;
    let r = match cli.command {
        Command::Serve(a) => serve::run(&g, a),
        Command::Demo(a) => serve::demo(&g, a),
        Command::Cases => cases::list(&g),
        Command::Case(a) => cases::show(&g, a),
        Command::Keygen(a) => keys::keygen(&g, a),
        Command::Genesis(a) => keys::genesis(&g, a),
        Command::Key(c) => keys::key(&g, c),
        Command::Sign(a) => submit::sign(&g, a),
        Command::Append(a) => submit::append(&g, a),
        Command::Get(a) => read::get(&g, a),
        Command::List(a) => read::list(&g, a),
        Command::Prove(a) => read::prove(&g, a),
        Command::Checkpoint(a) => read::checkpoint(&g, a),
        Command::Certification(a) => read::certification(&g, a),
        Command::Verify(a) => verify::run(&g, a),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.downcast_ref::<Reported>().is_none() {
                common::print_error(&g, &e);
            }
            ExitCode::FAILURE
        }
    }
}
