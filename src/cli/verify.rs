//! `verify`: replay and check the whole ledger outside the server, trusting
//! only the pinned verifier key (and, if given, the pinned root keys).

use super::common::emit;
use super::{Global, Reported};
use anyhow::{anyhow, bail, Context as _, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeSet;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use tiezheng::checkpoint::SignedCheckpoint;
use tiezheng::client::{check, Client};
use tiezheng::keys::PublicKey;
use tiezheng::merkle::{self, StoreHashes};
use tiezheng::store::SledStore;
use tiezheng::verify::{Trust, VerifyReport};

/// `verify`.
#[derive(Args)]
pub struct VerifyArgs {
    /// Verify the store in this data directory (or store folder) instead of
    /// the server at --url. Stop the server first: sled locks its store.
    #[arg(long)]
    data: Option<PathBuf>,
    /// A pinned root authority public key (hex); repeat for each. Genesis
    /// must then name exactly these.
    #[arg(long = "root")]
    roots: Vec<String>,
    /// A checkpoint saved earlier: also prove the ledger still extends it
    /// (a rewritten or rolled-back ledger fails).
    #[arg(long)]
    since: Option<PathBuf>,
}

fn progress_bar(g: &Global) -> ProgressBar {
    if g.json {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(0);
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} verifying [{bar:40}] {pos}/{len} entries ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb
}

/// Runs the verification and reports; exit status 0 only if all of it passed.
pub fn run(g: &Global, a: VerifyArgs) -> Result<()> {
    let vkey = g
        .verifier_key
        .clone()
        .ok_or_else(|| anyhow!("verify trusts only a pinned ledger key: pass --verifier-key (or set TIEZHENG_VERIFIER_KEY)"))?;
    let (origin, _, _) = tiezheng::checkpoint::parse_verifier_key(&vkey)?;
    let roots = if a.roots.is_empty() {
        None
    } else {
        Some(
            a.roots
                .iter()
                .map(|r| r.parse::<PublicKey>())
                .collect::<Result<BTreeSet<_>, _>>()?,
        )
    };
    let trust = Trust {
        origin,
        verifier_key: vkey.clone(),
        roots,
    };
    let since = match &a.since {
        Some(p) => {
            let note =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            Some((
                check::checkpoint(&note, &vkey)
                    .with_context(|| format!("the saved checkpoint {}", p.display()))?,
                note,
            ))
        }
        None => None,
    };
    let pb = progress_bar(g);
    let progress = |done: u64, total: u64| {
        pb.set_length(total);
        pb.set_position(done);
    };
    let (report, extra) = match &a.data {
        Some(dir) => verify_data(dir, trust, since.as_ref().map(|s| &s.0), &progress)?,
        None => verify_url(
            g,
            &vkey,
            trust,
            since.as_ref().map(|s| s.1.as_str()),
            &progress,
        )?,
    };
    pb.finish_and_clear();
    let ok = report.ok && extra.is_ok();
    let out = serde_json::json!({"ok": ok, "report": report, "extends": extra.as_ref().ok(), "error": extra.as_ref().err()});
    emit(g, &out, || {
        human(&report, &extra, a.since.is_some(), roots_pinned(&a))
    })?;
    if ok {
        Ok(())
    } else {
        Err(Reported.into())
    }
}

fn roots_pinned(a: &VerifyArgs) -> bool {
    !a.roots.is_empty()
}

fn human(r: &VerifyReport, extra: &Result<String, String>, since: bool, roots: bool) -> String {
    if let Some(p) = &r.problem {
        let at = p.seq.map(|s| format!(" at entry {s}")).unwrap_or_default();
        return format!(
            "FAILED{at}: {:?}: {}\n({} entries checked before it)",
            p.kind, p.detail, r.entries
        );
    }
    let mut s = format!(
        "verified {} entries and {} signatures in {} ms\n  root {}\n  checkpoint of {} entries signed by the pinned key{}",
        r.entries,
        r.signatures,
        r.elapsed_ms,
        r.root.as_deref().unwrap_or("-"),
        r.checkpoint_size.unwrap_or(0),
        if roots { "; genesis names exactly the pinned roots" } else { "" }
    );
    match extra {
        Ok(m) if !m.is_empty() => s.push_str(&format!("\n  {m}")),
        Ok(_) => {}
        Err(e) => {
            s = format!(
                "FAILED: {e}\n(the entries themselves verified: {} entries)",
                r.entries
            )
        }
    }
    if since && extra.is_ok() {
        s.push_str("\n  the ledger extends the saved checkpoint");
    }
    s
}

type Outcome = (VerifyReport, Result<String, String>);

fn verify_url(
    g: &Global,
    vkey: &str,
    trust: Trust,
    since: Option<&str>,
    progress: &dyn Fn(u64, u64),
) -> Result<Outcome> {
    let client = Client::new(&g.url);
    let mut reader = BufReader::with_capacity(1 << 20, client.export()?);
    let report = tiezheng::export::verify_export(&mut reader, trust, since, progress);
    if !report.ok {
        return Ok((report, Ok(String::new())));
    }
    // The export is a snapshot; the server's latest checkpoint must extend it.
    let latest = check::checkpoint(&client.checkpoint()?, vkey)?;
    let root = report
        .root
        .as_deref()
        .unwrap_or("")
        .parse()
        .map_err(|e| anyhow!("{e}"))?;
    let exported = SignedCheckpoint {
        size: report.tree_size,
        root,
        note: String::new(),
    };
    let extra = if latest.size < exported.size {
        Err(format!(
            "the latest checkpoint has {} entries, fewer than the export's {}: rolled back",
            latest.size, exported.size
        ))
    } else if exported.size == 0 || latest.size == exported.size {
        if latest.size == exported.size && latest.root != exported.root {
            Err("the latest checkpoint has the export's size but another root".to_string())
        } else {
            Ok(format!(
                "the latest checkpoint ({} entries) matches the export",
                latest.size
            ))
        }
    } else {
        let p = client.consistency(exported.size, Some(latest.size))?;
        check::consistency(&p, &exported, &latest)
            .map(|()| format!("the latest checkpoint ({} entries) extends the export (consistency proof verified)", latest.size))
            .map_err(|e| e.to_string())
    };
    Ok((report, extra))
}

fn verify_data(
    dir: &Path,
    trust: Trust,
    since: Option<&SignedCheckpoint>,
    progress: &dyn Fn(u64, u64),
) -> Result<Outcome> {
    if !dir.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    let store_dir = dir.join(tiezheng::server::STORE_DIR);
    let store_dir = if store_dir.is_dir() {
        store_dir
    } else {
        dir.to_path_buf()
    };
    let store = SledStore::open(&store_dir).with_context(|| {
        format!(
            "opening the store in {} (is a server still running on it?)",
            store_dir.display()
        )
    })?;
    let report = tiezheng::verify::verify_store(&store, trust, progress);
    let extra = match since {
        Some(old) if report.ok => {
            if old.size > report.tree_size {
                Err(format!(
                    "the store has {} entries, fewer than the saved checkpoint's {}: rolled back",
                    report.tree_size, old.size
                ))
            } else {
                // The replay checked every stored tree hash, so the stored root at the old size is sound.
                let root = merkle::root(old.size, &StoreHashes::new(&store))
                    .map_err(|e| anyhow!("{e}"))?;
                if root == old.root {
                    Ok(String::new())
                } else {
                    Err(format!("the first {} entries no longer give the saved checkpoint's root: the ledger was rewritten", old.size))
                }
            }
        }
        _ => Ok(String::new()),
    };
    Ok((report, extra))
}
