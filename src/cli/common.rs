//! Helpers shared by the commands: output, key files, origin and trust.

use super::Global;
use anyhow::{anyhow, bail, Context as _, Result};
use serde::Serialize;
use std::io::Write as _;
use std::path::Path;
use tiezheng::client::{check, Client, ClientError};
use tiezheng::keys::{Keypair, PublicKey};
use tiezheng::ledger::Receipt;
use tiezheng::statement::{SignedStatementJson, StatementJson};

/// Prints `value` as JSON with `--json`, else the text `human` makes.
pub fn emit<T: Serialize>(g: &Global, value: &T, human: impl FnOnce() -> String) -> Result<()> {
    let text = if g.json {
        serde_json::to_string_pretty(value)?
    } else {
        human()
    };
    // A closed pipe (`| head`) is not worth a panic.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    Ok(())
}

/// Prints an error once, whole: JSON on stdout with `--json`, text on stderr.
pub fn print_error(g: &Global, e: &anyhow::Error) {
    let problem = e
        .chain()
        .find_map(|c| match c.downcast_ref::<ClientError>() {
            Some(ClientError::Problem(p)) => Some(p.clone()),
            _ => None,
        });
    if g.json {
        let v = serde_json::json!({"ok": false, "error": format!("{e:#}"), "problem": problem});
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
    } else {
        eprintln!("error: {e:#}");
    }
}

/// Reads a private key file.
pub fn read_key(path: &Path) -> Result<Keypair> {
    Ok(Keypair::read(path)?)
}

/// A public key given as 64 hex digits, or as a key file whose public half is taken.
pub fn public_key(arg: &str) -> Result<PublicKey> {
    if let Ok(pk) = arg.parse::<PublicKey>() {
        return Ok(pk);
    }
    let p = Path::new(arg);
    if p.exists() {
        return Ok(Keypair::read(p)?.public());
    }
    bail!("{arg:?} is neither a 64-hex-digit public key nor a key file")
}

/// The verifier key to check the server against: the pinned one, or else the
/// server's own (with a warning: that only proves the server agrees with itself).
pub fn verifier_key(g: &Global, client: &Client) -> Result<(String, bool)> {
    if let Some(k) = &g.verifier_key {
        return Ok((k.clone(), true));
    }
    let info = client.info()?;
    if !g.json {
        eprintln!(
            "warning: no --verifier-key pinned; checking against the key the server reports ({})",
            info.verifier_key
        );
    }
    Ok((info.verifier_key, false))
}

/// The origin to sign for: `--origin`, else the pinned verifier key's name,
/// else (online only) the server's.
pub fn origin(g: &Global, explicit: Option<&str>, client: Option<&Client>) -> Result<String> {
    if let Some(o) = explicit {
        return Ok(o.to_string());
    }
    if let Some(k) = &g.verifier_key {
        let (name, _, _) = tiezheng::checkpoint::parse_verifier_key(k)?;
        return Ok(name);
    }
    match client {
        Some(c) => Ok(c.info()?.origin),
        None => Err(anyhow!(
            "the ledger's origin is needed to sign: pass --origin or --verifier-key"
        )),
    }
}

/// Reads a statement file (`-` for stdin): either a signed statement
/// `{"statement": …, "signatures": […]}` or a bare statement, whose
/// `signed_at_ms` is filled in with the current time if absent.
pub fn read_statement(path: &Path) -> Result<SignedStatementJson> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
    };
    let mut v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    if v.get("statement").is_some() {
        return serde_json::from_value(v)
            .with_context(|| format!("{} is not a signed statement", path.display()));
    }
    if let Some(obj) = v.as_object_mut() {
        obj.entry("signed_at_ms")
            .or_insert_with(|| serde_json::json!(tiezheng::builders::now_ms()));
    }
    let statement: StatementJson = serde_json::from_value(v)
        .with_context(|| format!("{} is not a statement", path.display()))?;
    Ok(SignedStatementJson {
        statement,
        signatures: vec![],
    })
}

/// Writes JSON to `path`.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)? + "\n";
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Submits `signed`, then checks the receipt against the verifier key
/// before reporting success.
pub fn submit_checked(g: &Global, client: &Client, signed: &SignedStatementJson) -> Result<()> {
    let receipt: Receipt = client.append(signed)?;
    let (vkey, pinned) = verifier_key(g, client)?;
    let entry = client.entry(receipt.seq)?;
    let cp = check::check_receipt(&receipt, signed, entry.prev, &vkey)
        .context("the server's receipt does NOT check out; do not rely on this entry")?;
    let out = serde_json::json!({"ok": true, "receipt": receipt, "checked": {
        "checkpoint_signature": true, "inclusion_proof": true, "pinned_key": pinned}});
    emit(g, &out, || {
        let what = if receipt.duplicate {
            "already recorded as"
        } else {
            "recorded"
        };
        format!(
            "{what} entry {}\n  body hash    {}\n  leaf hash    {}\n  recorded at  {}\n  receipt      checkpoint of {} entries signed by {}{}; inclusion proof verified",
            receipt.seq, receipt.body_hash, receipt.leaf_hash, receipt.recorded_at, cp.size, vkey,
            if pinned { " (pinned)" } else { " (NOT pinned)" }
        )
    })
}
