//! The built `tiezheng` binary, end to end: a real `serve` process on port 0
//! and the commands a user runs against it, as in the README walk-through.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_tiezheng");
const ORIGIN: &str = "tiezheng.test/cli";

/// A running `tiezheng serve`.
struct Serve {
    child: Child,
    url: String,
    vkey: String,
    first_start: bool,
    drain: Option<std::thread::JoinHandle<()>>,
}

fn serve(cmd: &mut Command) -> Serve {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let (mut vkey, mut url, mut first_start) = (String::new(), String::new(), false);
    for line in lines.by_ref() {
        let line = line.expect("line");
        if line.starts_with("created a new ledger") {
            first_start = true;
        } else if let Some(k) = line.strip_prefix("verifier key:") {
            vkey = k.trim().to_string();
        } else if let Some(u) = line.strip_prefix("listening on ") {
            url = u.trim().to_string();
            break;
        }
    }
    assert!(!url.is_empty() && !vkey.is_empty(), "serve did not start");
    // Keep reading so the server never writes into a closed pipe.
    let drain = std::thread::spawn(move || lines.for_each(drop));
    Serve {
        child,
        url,
        vkey,
        first_start,
        drain: Some(drain),
    }
}

fn serve_dir(dir: &Path) -> Serve {
    serve(
        Command::new(BIN)
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--origin",
                ORIGIN,
                "--data",
            ])
            .arg(dir),
    )
}

impl Serve {
    /// SIGTERM, and the server must exit cleanly.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(killed.success());
        let status = self.child.wait().expect("wait");
        assert!(status.success(), "serve exited with {status}");
        if let Some(d) = self.drain.take() {
            let _ = d.join();
        }
    }

    /// Runs `tiezheng ARGS` in `cwd` against this server with its key pinned.
    fn tz(&self, cwd: &Path, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(cwd)
            .env("TIEZHENG_URL", &self.url)
            .env("TIEZHENG_VERIFIER_KEY", &self.vkey)
            .output()
            .expect("run tiezheng")
    }

    /// As `tz`, asserting success; returns stdout.
    fn ok(&self, cwd: &Path, args: &[&str]) -> String {
        let o = self.tz(cwd, args);
        assert!(
            o.status.success(),
            "tiezheng {args:?} failed:\n{}\n{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        text(&o.stdout)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

const DECISION: &str = r#"{"kind": "penalty_decision", "case": "bole-2024-11-25", "subject": "何某",
 "event_date": "2025-06-05", "payload": {"issuer": "博乐市应急管理局",
 "party": {"party_type": "person", "name": "何某", "position": "主要负责人"},
 "amount_fen": 3088000, "amount_capitals": "叁万零捌佰捌拾元整"}}"#;

/// keygen, genesis, enrol; returns (work dir, officer public key).
fn set_up(s: &Serve, work: &Path) -> String {
    s.ok(work, &["keygen", "root.key"]);
    s.ok(
        work,
        &[
            "genesis",
            "--root",
            "root.key,崔某,博乐市应急管理局,局长",
            "--description",
            "CLI test",
        ],
    );
    let officer = json(&s.ok(work, &["keygen", "officer.key", "--json"]))["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    s.ok(
        work,
        &[
            "key",
            "enroll",
            "--key",
            "root.key",
            "--public-key",
            &officer,
            "--person",
            "何某某",
            "--unit",
            "博乐市应急管理局",
            "--role",
            "执法人员",
            "--kinds",
            "penalty_decision,payment_receipt",
            "--valid-from",
            "2025-01-01",
        ],
    );
    std::fs::write(work.join("decision.json"), DECISION).unwrap();
    officer
}

fn root_public(work: &Path) -> String {
    std::fs::read_to_string(work.join("root.key"))
        .unwrap()
        .lines()
        .nth(2)
        .unwrap()
        .to_string()
}

#[test]
fn walkthrough_from_keys_to_verifying_the_whole_ledger_from_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, work) = (tmp.path().join("data"), tmp.path().to_path_buf());
    let s = serve_dir(&data);
    assert!(s.first_start);
    let officer = set_up(&s, &work);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in [work.join("root.key"), data.join("ledger.key")] {
            assert_eq!(
                std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
                0o600,
                "{f:?}"
            );
        }
    }
    let again = s.tz(&work, &["keygen", "root.key"]);
    assert!(!again.status.success(), "keygen must refuse to overwrite");

    let out = s.ok(&work, &["append", "decision.json", "--key", "officer.key"]);
    assert!(
        out.contains("recorded entry 2") && out.contains("inclusion proof verified"),
        "{out}"
    );
    // Sign offline into a file, then submit it twice: the second is the original receipt.
    s.ok(
        &work,
        &[
            "sign",
            "decision.json",
            "--key",
            "officer.key",
            "--out",
            "signed.json",
        ],
    );
    let first = json(&s.ok(&work, &["append", "signed.json", "--json"]));
    let second = json(&s.ok(&work, &["append", "signed.json", "--json"]));
    assert_eq!(first["receipt"]["seq"], second["receipt"]["seq"]);
    assert_eq!(second["receipt"]["duplicate"], true);

    let cert = s.ok(&work, &["certification", "2"]);
    assert!(
        cert.contains("何某某") && cert.contains("active when signed") && cert.contains("verified"),
        "{cert}"
    );
    assert!(s.ok(&work, &["get", "2"]).contains("叁万零捌佰捌拾元整"));
    assert!(s
        .ok(&work, &["list", "--case", "bole-2024-11-25"])
        .contains("penalty_decision"));
    assert!(s.ok(&work, &["key", "list"]).contains(&officer));
    assert!(s.ok(&work, &["prove", "2"]).contains("is included"));
    s.ok(&work, &["checkpoint", "--out", "cp.txt"]);
    s.ok(&work, &["append", "decision.json", "--key", "officer.key"]);
    assert!(s
        .ok(&work, &["prove", "--since", "cp.txt"])
        .contains("extends"));

    let root = root_public(&work);
    let v = json(&s.ok(
        &work,
        &["verify", "--root", &root, "--since", "cp.txt", "--json"],
    ));
    assert_eq!(
        (v["ok"].as_bool(), v["report"]["entries"].as_u64()),
        (Some(true), Some(5))
    );
    let other = tiezheng::checkpoint::LedgerSigner::new(
        ORIGIN,
        tiezheng::keys::Keypair::from_seed([3; 32]),
    )
    .unwrap();
    let wrong_key = s.tz(&work, &["verify", "--verifier-key", &other.verifier_key()]);
    assert!(!wrong_key.status.success());
    let wrong_root = s.tz(&work, &["verify", "--root", &officer]);
    assert!(
        !wrong_root.status.success(),
        "genesis does not name the pinned root"
    );
    let vkey = s.vkey.clone();
    s.stop();

    let d = data.to_str().unwrap();
    let off = Command::new(BIN)
        .args([
            "verify",
            "--data",
            d,
            "--since",
            "cp.txt",
            "--verifier-key",
            &vkey,
        ])
        .current_dir(&work)
        .output()
        .unwrap();
    assert!(
        off.status.success(),
        "{}{}",
        text(&off.stdout),
        text(&off.stderr)
    );
}

#[test]
fn verify_since_catches_a_rolled_back_ledger() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, work) = (tmp.path().join("data"), tmp.path().to_path_buf());
    let s = serve_dir(&data);
    set_up(&s, &work);
    s.ok(&work, &["append", "decision.json", "--key", "officer.key"]);
    let vkey = s.vkey.clone();
    s.stop();
    let backup = tmp.path().join("backup");
    copy_dir(&data, &backup);
    let s = serve_dir(&data);
    s.ok(&work, &["append", "decision.json", "--key", "officer.key"]);
    s.ok(&work, &["checkpoint", "--out", "newer.txt"]);
    s.stop();
    let verify = |dir: &PathBuf| {
        Command::new(BIN)
            .args([
                "verify",
                "--since",
                "newer.txt",
                "--verifier-key",
                &vkey,
                "--data",
            ])
            .arg(dir)
            .current_dir(&work)
            .output()
            .unwrap()
    };
    assert!(verify(&data).status.success());
    let old = verify(&backup);
    assert!(!old.status.success());
    assert!(
        text(&old.stdout).contains("rolled back"),
        "{}",
        text(&old.stdout)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn serve_takes_its_settings_from_the_environment_and_defaults_its_origin() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("env-data");
    let start = || {
        serve(
            Command::new(BIN)
                .arg("serve")
                .env("TIEZHENG_ADDR", "127.0.0.1:0")
                .env("TIEZHENG_DATA", &data)
                .env_remove("TIEZHENG_ORIGIN"),
        )
    };
    let s = start();
    assert!(
        s.first_start && s.vkey.starts_with("tiezheng.localhost/"),
        "{}",
        s.vkey
    );
    let vkey = s.vkey.clone();
    s.stop();
    let s = start();
    assert_eq!(s.vkey, vkey, "the same ledger key and origin on restart");
    s.stop();
}

#[test]
fn a_refused_append_exits_non_zero_and_names_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let s = serve_dir(&work.join("data"));
    set_up(&s, work);
    s.ok(work, &["keygen", "stranger.key"]);
    let o = s.tz(work, &["append", "decision.json", "--key", "stranger.key"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("urn:tiezheng:problem:unknown-key"),
        "{}",
        text(&o.stderr)
    );
    let j = s.tz(
        work,
        &["append", "decision.json", "--key", "stranger.key", "--json"],
    );
    assert_eq!(json(&text(&j.stdout))["problem"]["status"], 403);
    let unreachable = Command::new(BIN)
        .args(["checkpoint", "--url", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(1));
    s.stop();
}

#[test]
fn every_command_explains_itself_with_help() {
    let cmds: &[&[&str]] = &[
        &[],
        &["serve"],
        &["demo"],
        &["cases"],
        &["case"],
        &["keygen"],
        &["genesis"],
        &["key"],
        &["key", "enroll"],
        &["key", "revoke"],
        &["key", "list"],
        &["key", "show"],
        &["sign"],
        &["append"],
        &["get"],
        &["list"],
        &["prove"],
        &["checkpoint"],
        &["certification"],
        &["verify"],
    ];
    for c in cmds {
        let o = Command::new(BIN).args(*c).arg("--help").output().unwrap();
        assert!(
            o.status.success() && text(&o.stdout).contains("Usage"),
            "{c:?} --help"
        );
    }
    let bad = Command::new(BIN)
        .args(["get", "not-a-number"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

#[test]
fn demo_serves_the_five_documents_and_case_shows_a_dossier() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("demo");
    let s = serve(
        Command::new(BIN)
            .args(["demo", "--addr", "127.0.0.1:0", "--data"])
            .arg(&data),
    );
    let cases = s.ok(tmp.path(), &["cases"]);
    for id in [
        "bole-2024-11-25",
        "midong-2020-11-24",
        "gaoping-2024-safety-notice",
    ] {
        assert!(cases.contains(id), "{cases}");
    }
    let human = s.ok(tmp.path(), &["case", "bole-2024-11-25"]);
    assert!(
        human.contains("伍拾万元整") && human.contains("certified by"),
        "{human}"
    );
    let d = json(&s.ok(tmp.path(), &["case", "bole-2024-11-25", "--json"]));
    assert_eq!(d["penalties"].as_array().map(Vec::len), Some(2));
    assert!(!s.tz(tmp.path(), &["case", "no-such-case"]).status.success());
    s.stop();
    let again = Command::new(BIN)
        .args(["demo", "--addr", "127.0.0.1:0", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "the demo refuses a directory that already holds a ledger"
    );
}

#[test]
fn several_officers_sign_one_statement_in_turn() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let s = serve_dir(&work.join("data"));
    set_up(&s, work);
    s.ok(work, &["keygen", "officer2.key"]);
    s.ok(
        work,
        &[
            "key",
            "enroll",
            "--key",
            "root.key",
            "--public-key",
            "officer2.key",
            "--person",
            "王某某",
            "--unit",
            "博乐市应急管理局",
            "--role",
            "法制科科长",
            "--kinds",
            "penalty_decision",
        ],
    );
    s.ok(
        work,
        &[
            "sign",
            "decision.json",
            "--key",
            "officer.key",
            "--out",
            "joint.json",
        ],
    );
    s.ok(
        work,
        &[
            "sign",
            "joint.json",
            "--key",
            "officer2.key",
            "--out",
            "joint.json",
        ],
    );
    let signed = json(&std::fs::read_to_string(work.join("joint.json")).unwrap());
    assert_eq!(signed["signatures"].as_array().map(Vec::len), Some(2));
    let out = s.ok(work, &["append", "joint.json"]);
    assert!(out.contains("recorded entry 3"), "{out}");
    let cert = s.ok(work, &["certification", "3"]);
    assert!(cert.contains("何某某") && cert.contains("王某某"), "{cert}");
    s.stop();
}
