//! Reading and proving: get, list, prove, checkpoint, certification.

use super::common::{emit, verifier_key};
use super::Global;
use anyhow::{bail, Context as _, Result};
use clap::Args;
use std::path::PathBuf;
use tiezheng::client::{check, Client};
use tiezheng::hash::Digest;

/// An entry number.
#[derive(Args)]
pub struct GetArgs {
    /// Sequence number.
    seq: u64,
}

/// `get`.
pub fn get(g: &Global, a: GetArgs) -> Result<()> {
    let e = Client::new(&g.url).entry(a.seq)?;
    emit(g, &e, || {
        let body = e.statement.as_ref().map_or("(body withheld)".into(), |s| {
            serde_json::to_string_pretty(s).unwrap_or_default()
        });
        let signers: Vec<String> = e.signatures.iter().map(|s| s.public_key.to_hex()).collect();
        format!(
            "entry {}  recorded {}\n  leaf hash {}\n  body hash {}\n  signed by {}\n{body}",
            e.seq,
            e.recorded_at,
            e.leaf_hash,
            e.body_hash,
            signers.join(", ")
        )
    })
}

/// `list`.
#[derive(Args)]
pub struct ListArgs {
    /// Case id.
    #[arg(long)]
    case: Option<String>,
    /// Entry kind.
    #[arg(long)]
    kind: Option<String>,
    /// Subject.
    #[arg(long)]
    subject: Option<String>,
    /// Signer public key (hex).
    #[arg(long)]
    signer: Option<String>,
    /// Recorded at or after (RFC 3339 or Unix ms).
    #[arg(long)]
    from: Option<String>,
    /// Recorded before (RFC 3339 or Unix ms).
    #[arg(long)]
    to: Option<String>,
    /// Cursor from the previous page.
    #[arg(long)]
    cursor: Option<String>,
    /// Page size (1-1000).
    #[arg(long, default_value_t = 100)]
    limit: usize,
}

/// `list`.
pub fn list(g: &Global, a: ListArgs) -> Result<()> {
    let params = tiezheng::api::types::ListParams {
        case: a.case,
        kind: a.kind,
        subject: a.subject,
        signer: a.signer,
        from: a.from,
        to: a.to,
        cursor: a.cursor,
        limit: Some(a.limit),
    };
    let query = serde_urlencoded::to_string(&params)?;
    let page = Client::new(&g.url).entries(&query)?;
    emit(g, &page, || {
        let mut lines: Vec<String> = page
            .entries
            .iter()
            .map(|e| {
                let (kind, case, subject) = e.statement.as_ref().map_or(("-", "-", "-"), |s| {
                    (s.kind.as_str(), s.case.as_str(), s.subject.as_str())
                });
                format!("{:>8}  {}  {kind}  {case}  {subject}", e.seq, e.recorded_at)
            })
            .collect();
        if let Some(c) = &page.next_cursor {
            lines.push(format!("(more: --cursor {c})"));
        }
        lines.join("\n")
    })
}

/// `prove`.
#[derive(Args)]
pub struct ProveArgs {
    /// Prove that this entry is in the latest checkpoint.
    seq: Option<u64>,
    /// Prove that the latest checkpoint extends this saved checkpoint file.
    #[arg(long)]
    since: Option<PathBuf>,
}

/// `prove`: checks everything locally against the verifier key.
pub fn prove(g: &Global, a: ProveArgs) -> Result<()> {
    if a.seq.is_none() && a.since.is_none() {
        bail!("give an entry number, --since FILE, or both");
    }
    let client = Client::new(&g.url);
    let (vkey, pinned) = verifier_key(g, &client)?;
    let cp = check::checkpoint(&client.checkpoint()?, &vkey)?;
    let mut out = serde_json::json!({"ok": true, "checkpoint_size": cp.size, "pinned_key": pinned});
    let mut lines = vec![format!(
        "checkpoint of {} entries: signature verified",
        cp.size
    )];
    if let Some(seq) = a.seq {
        let p = client.inclusion(seq, Some(cp.size))?;
        check::inclusion(&p, &cp)?;
        out["inclusion"] = serde_json::to_value(&p)?;
        lines.push(format!(
            "entry {seq} (leaf {}) is included: proof of {} hashes verified",
            p.leaf_hash,
            p.proof.len()
        ));
    }
    if let Some(path) = &a.since {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let old = check::checkpoint(&text, &vkey)
            .with_context(|| format!("the saved checkpoint {}", path.display()))?;
        if old.size > 0 {
            if cp.size < old.size {
                bail!(
                    "the ledger has {} entries, fewer than the {} of the saved checkpoint: it was rolled back",
                    cp.size,
                    old.size
                );
            }
            let p = client.consistency(old.size, Some(cp.size))?;
            check::consistency(&p, &old, &cp)?;
            out["consistency"] = serde_json::to_value(&p)?;
        }
        lines.push(format!(
            "the ledger extends the saved checkpoint of {} entries",
            old.size
        ));
    }
    emit(g, &out, || lines.join("\n"))
}

/// `checkpoint`.
#[derive(Args)]
pub struct CheckpointArgs {
    /// Save the note to this file (for `verify --since` / `prove --since` later).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// `checkpoint`.
pub fn checkpoint(g: &Global, a: CheckpointArgs) -> Result<()> {
    let client = Client::new(&g.url);
    let (vkey, pinned) = verifier_key(g, &client)?;
    let note = client.checkpoint()?;
    let cp = check::checkpoint(&note, &vkey)?;
    if let Some(p) = &a.out {
        std::fs::write(p, &note).with_context(|| format!("writing {}", p.display()))?;
    }
    let out = serde_json::json!({"ok": true, "size": cp.size, "root": cp.root.to_hex(), "note": note, "pinned_key": pinned});
    emit(g, &out, || {
        let saved = a
            .out
            .as_ref()
            .map(|p| format!("\nsaved to {}", p.display()))
            .unwrap_or_default();
        format!(
            "{note}\nsignature verified: {} entries, root {}{saved}",
            cp.size, cp.root
        )
    })
}

/// `certification`: who certified an entry; the inclusion proof is checked.
pub fn certification(g: &Global, a: GetArgs) -> Result<()> {
    let client = Client::new(&g.url);
    let (vkey, _) = verifier_key(g, &client)?;
    let v = client.certification(a.seq)?;
    let note = v["checkpoint"].as_str().unwrap_or_default();
    let cp = check::checkpoint(note, &vkey)?;
    let proof = tiezheng::api::types::InclusionProof {
        seq: a.seq,
        tree_size: v["tree_size"].as_u64().unwrap_or(u64::MAX),
        leaf_hash: v["leaf_hash"].as_str().unwrap_or("").parse()?,
        root: cp.root,
        proof: serde_json::from_value::<Vec<String>>(v["inclusion_proof"].clone())?
            .iter()
            .map(|h| h.parse())
            .collect::<Result<Vec<Digest>, _>>()?,
    };
    check::inclusion(&proof, &cp)?;
    emit(g, &v, || {
        let mut lines = vec![format!(
            "entry {} ({} in case {}), recorded {}; inclusion in checkpoint of {} entries verified",
            a.seq,
            v["kind"].as_str().unwrap_or("?"),
            v["case"].as_str().unwrap_or("?"),
            v["recorded_at"].as_str().unwrap_or("?"),
            cp.size
        )];
        for s in v["signers"].as_array().into_iter().flatten() {
            let id = &s["identity"];
            let revoked = if s["revoked_later"].is_null() {
                String::new()
            } else {
                format!("; revoked later by entry {}", s["revoked_later"]["seq"])
            };
            lines.push(format!(
                "  certified by {} ({}, {}), key {}: {} when signed; enrolled by entry {}{revoked}",
                id["person"].as_str().unwrap_or("unknown"),
                id["unit"].as_str().unwrap_or("?"),
                id["role"].as_str().unwrap_or("?"),
                s["public_key"].as_str().unwrap_or("?"),
                s["status_when_signed"]["status"].as_str().unwrap_or("?"),
                s["enrolment_seq"],
            ));
        }
        lines.join("\n")
    })
}
