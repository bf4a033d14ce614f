//! Keys and the registry: keygen, genesis, enrol, revoke, list, show.

use super::common::{emit, origin, public_key, read_key, submit_checked, write_json};
use super::Global;
use anyhow::{anyhow, bail, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use tiezheng::builders;
use tiezheng::client::Client;
use tiezheng::ids::{EventDate, Kind};
use tiezheng::keys::{Keypair, PublicKey};
use tiezheng::registry::{EnrolmentPayload, Identity};
use tiezheng::statement::StatementJson;

/// `keygen`.
#[derive(Args)]
pub struct KeygenArgs {
    /// Where to write the private key (refuses to overwrite).
    path: PathBuf,
}

/// Writes a new key and prints its public half.
pub fn keygen(g: &Global, a: KeygenArgs) -> Result<()> {
    let k = Keypair::generate();
    k.write_new(&a.path)?;
    let pk = k.public().to_hex();
    let out = serde_json::json!({"path": a.path, "public_key": pk, "key_id": pk});
    emit(g, &out, || {
        format!(
            "wrote {} (mode 0600)\npublic key: {pk}\nkey id:     {pk} (the registry and /v1/keys/{{id}} name keys by their public key)",
            a.path.display()
        )
    })
}

/// Where a built statement goes: submitted (default) or written to a file.
#[derive(Args)]
pub struct Output {
    /// Write the signed statement to this file instead of submitting it (for
    /// more signatures with `tiezheng sign`, then `tiezheng append`).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The ledger's origin (default: from --verifier-key, else the server's).
    #[arg(long, env = "TIEZHENG_ORIGIN")]
    origin: Option<String>,
}

/// `genesis`.
#[derive(Args)]
pub struct GenesisArgs {
    /// A root authority: `KEY,PERSON,UNIT,ROLE`, where KEY is a private key
    /// file (it signs now) or a public key in hex (it signs later with
    /// `tiezheng sign`). Repeat for several roots.
    #[arg(long = "root", required = true)]
    roots: Vec<String>,
    /// What this ledger records.
    #[arg(long, default_value = "")]
    description: String,
    #[command(flatten)]
    output: Output,
}

/// Builds, signs and submits (or writes) the genesis entry.
pub fn genesis(g: &Global, a: GenesisArgs) -> Result<()> {
    let mut roots = Vec::new();
    let mut signers = Vec::new();
    for spec in &a.roots {
        let parts: Vec<&str> = spec.splitn(4, ',').map(str::trim).collect();
        let [key, person, unit, role] = parts[..] else {
            bail!("--root {spec:?} must be KEY,PERSON,UNIT,ROLE");
        };
        let identity = Identity {
            person: person.into(),
            unit: unit.into(),
            role: role.into(),
        };
        let pk = match key.parse::<PublicKey>() {
            Ok(pk) => pk,
            Err(_) => {
                let k = read_key(key.as_ref())?;
                let pk = k.public();
                signers.push(k);
                pk
            }
        };
        roots.push((pk, identity));
    }
    let client = Client::new(&g.url);
    let origin = origin(
        g,
        a.output.origin.as_deref(),
        a.output.out.is_none().then_some(&client),
    )?;
    let st = builders::genesis(&origin, &roots, &a.description);
    finish(g, &client, &origin, &st, &signers, &a.output)
}

fn finish(
    g: &Global,
    client: &Client,
    origin: &str,
    st: &StatementJson,
    keys: &[Keypair],
    out: &Output,
) -> Result<()> {
    let refs: Vec<&Keypair> = keys.iter().collect();
    let signed = builders::sign(origin, st, &refs)?;
    match &out.out {
        Some(path) => {
            write_json(path, &signed)?;
            emit(
                g,
                &serde_json::json!({"ok": true, "written": path, "signatures": signed.signatures.len()}),
                || {
                    format!(
                        "wrote {} with {} signature(s)",
                        path.display(),
                        signed.signatures.len()
                    )
                },
            )
        }
        None => submit_checked(g, client, &signed),
    }
}

/// `key …`.
#[derive(Subcommand)]
pub enum KeyCommand {
    /// Enrol a key: bind it to a person, unit and role, the kinds it may sign and a validity period.
    Enroll(EnrollArgs),
    /// Revoke a key from now on (earlier entries stay valid).
    Revoke(RevokeArgs),
    /// List the registry.
    List,
    /// Show one key with its enrolment and revocation.
    Show {
        /// Public key (hex) or a key file.
        key: String,
    },
}

/// `key enroll`.
#[derive(Args)]
pub struct EnrollArgs {
    /// The enrolling authority's private key file.
    #[arg(long)]
    key: PathBuf,
    /// The key to enrol: 64 hex digits, or a key file (its public half is used).
    #[arg(long)]
    public_key: String,
    /// The holder's name.
    #[arg(long)]
    person: String,
    /// The holder's unit, e.g. 米东区纪委监委.
    #[arg(long)]
    unit: String,
    /// The holder's role, e.g. 审理室主任.
    #[arg(long)]
    role: String,
    /// Record kinds it may sign, comma-separated.
    #[arg(long, value_delimiter = ',')]
    kinds: Vec<String>,
    /// May enrol and revoke other keys.
    #[arg(long)]
    may_enrol: bool,
    /// First day it may sign (YYYY-MM-DD, default today).
    #[arg(long)]
    valid_from: Option<String>,
    /// Last day it may sign.
    #[arg(long)]
    valid_until: Option<String>,
    #[command(flatten)]
    output: Output,
}

/// `key revoke`.
#[derive(Args)]
pub struct RevokeArgs {
    /// The revoking authority's private key file (or the key's own).
    #[arg(long)]
    key: PathBuf,
    /// The key to revoke: 64 hex digits, or a key file.
    #[arg(long)]
    public_key: String,
    /// Why.
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    output: Output,
}

fn date(s: &str) -> Result<EventDate> {
    EventDate::new(s).map_err(|e| anyhow!(e))
}

/// Dispatches `key …`.
pub fn key(g: &Global, c: KeyCommand) -> Result<()> {
    let client = Client::new(&g.url);
    match c {
        KeyCommand::Enroll(a) => {
            let kinds = a
                .kinds
                .iter()
                .map(|k| Kind::new(k).map_err(|e| anyhow!(e)))
                .collect::<Result<Vec<_>>>()?;
            let p = EnrolmentPayload {
                public_key: public_key(&a.public_key)?,
                identity: Identity {
                    person: a.person,
                    unit: a.unit,
                    role: a.role,
                },
                kinds,
                may_enrol: a.may_enrol,
                valid_from: a
                    .valid_from
                    .as_deref()
                    .map(date)
                    .transpose()?
                    .unwrap_or_else(EventDate::today),
                valid_until: a.valid_until.as_deref().map(date).transpose()?,
            };
            let k = read_key(&a.key)?;
            let origin = origin(
                g,
                a.output.origin.as_deref(),
                a.output.out.is_none().then_some(&client),
            )?;
            finish(
                g,
                &client,
                &origin,
                &builders::enrolment(&p),
                &[k],
                &a.output,
            )
        }
        KeyCommand::Revoke(a) => {
            let k = read_key(&a.key)?;
            let origin = origin(
                g,
                a.output.origin.as_deref(),
                a.output.out.is_none().then_some(&client),
            )?;
            let st = builders::revocation(public_key(&a.public_key)?, &a.reason);
            finish(g, &client, &origin, &st, &[k], &a.output)
        }
        KeyCommand::List => {
            let v = client.get_value("/v1/keys")?;
            emit(g, &v, || {
                let keys = v["keys"].as_array().cloned().unwrap_or_default();
                keys.iter().map(key_line).collect::<Vec<_>>().join("\n")
            })
        }
        KeyCommand::Show { key } => {
            let pk = public_key(&key)?;
            let v = client.get_value(&format!("/v1/keys/{pk}"))?;
            emit(g, &v, || {
                serde_json::to_string_pretty(&v).unwrap_or_default()
            })
        }
    }
}

fn key_line(k: &serde_json::Value) -> String {
    let s = |f: &str| k[f].as_str().unwrap_or("").to_string();
    let id = &k["identity"];
    let status = if !k["revoked"].is_null() {
        format!("revoked by entry {}", k["revoked"]["seq"])
    } else if k["active"].as_bool() == Some(true) {
        "active".into()
    } else {
        "outside its validity period".into()
    };
    format!(
        "{}  {} ({}, {})  {}{}",
        s("public_key"),
        id["person"].as_str().unwrap_or(""),
        id["unit"].as_str().unwrap_or(""),
        id["role"].as_str().unwrap_or(""),
        if k["root"].as_bool() == Some(true) {
            "root, "
        } else {
            ""
        },
        status
    )
}
