//! Reading over real HTTP: entries, filters and cursors, certification,
//! checkpoint, proofs, keys, export, verification jobs, health, metrics and
//! the OpenAPI document kept in step with the routes.

#[path = "api_support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use support::*;
use tiezheng::client::check;
use tiezheng::store::Store as _;
use tiezheng::verify::Trust;

fn trust(s: &TestServer) -> Trust {
    Trust {
        origin: ORIGIN.into(),
        verifier_key: s.ledger.verifier_key(),
        roots: Some([root().public()].into()),
    }
}

/// with_officer plus `n` decisions by officer 1 (subjects 单位0..).
fn with_decisions(n: usize) -> TestServer {
    let s = TestServer::with_officer();
    for i in 0..n {
        s.append(&signed(&decision(&format!("单位{i}")), &[&officer(1)]));
    }
    s
}

#[test]
fn an_entry_reads_back_as_it_was_signed() {
    let s = with_decisions(1);
    let e = s.client.entry(2).unwrap();
    assert_eq!(
        e.statement.as_ref().map(|st| st.subject.as_str()),
        Some("单位0")
    );
    assert_eq!(e.signatures[0].public_key, officer(1).public());
    let missing = get(&s.url, "/v1/entries/99");
    assert_eq!(
        (missing.status, missing.problem().slug()),
        (404, Some("not-found"))
    );
    let bad = get(&s.url, "/v1/entries/abc");
    assert_eq!(
        (bad.status, bad.problem().slug()),
        (400, Some("bad-request"))
    );
}

#[test]
fn entries_filter_by_case_kind_subject_and_signer_and_page_with_a_cursor() {
    let s = with_decisions(5);
    let page = s.client.entries("kind=penalty_decision&limit=2").unwrap();
    assert_eq!(
        page.entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![2, 3]
    );
    let cursor = page.next_cursor.expect("more pages");
    let next = s
        .client
        .entries(&format!("kind=penalty_decision&limit=2&cursor={cursor}"))
        .unwrap();
    assert_eq!(
        next.entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![4, 5]
    );
    let all = s.client.entries("case=registry").unwrap();
    assert_eq!(all.entries.len(), 2);
    assert!(all.next_cursor.is_none());
    let one = s.client.entries(&format!("subject={}", "单位3")).unwrap();
    assert_eq!(
        one.entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![5]
    );
    let by_root = s
        .client
        .entries(&format!("signer={}", root().public()))
        .unwrap();
    assert_eq!(by_root.entries.len(), 2);
    let later = s.client.entries("from=2100-01-01T00:00:00Z").unwrap();
    assert!(later.entries.is_empty());
    let bad = get(&s.url, "/v1/entries?limit=0");
    assert_eq!(
        (bad.status, bad.problem().field.as_deref()),
        (400, Some("limit"))
    );
    let unknown = get(&s.url, "/v1/entries?colour=red");
    assert_eq!(unknown.problem().slug(), Some("bad-request"));
}

#[test]
fn a_certification_names_the_signer_and_its_proof_verifies() {
    let s = with_decisions(1);
    let c = s.client.certification(2).unwrap();
    let signer = &c["signers"][0];
    assert_eq!(signer["identity"]["person"], "李某");
    assert_eq!(signer["status_when_signed"]["status"], "active");
    assert_eq!(signer["enrolment_seq"], 1);
    let cp =
        check::checkpoint(c["checkpoint"].as_str().unwrap(), &s.ledger.verifier_key()).unwrap();
    let p = s.client.inclusion(2, Some(cp.size)).unwrap();
    assert_eq!(p.leaf_hash.to_hex(), c["leaf_hash"].as_str().unwrap());
    check::inclusion(&p, &cp).unwrap();
}

#[test]
fn the_checkpoint_is_a_signed_note_in_text() {
    let s = with_decisions(2);
    let r = get(&s.url, "/v1/checkpoint");
    assert_eq!((r.status, r.content_type.as_str()), (200, "text/plain"));
    let cp = check::checkpoint(&r.body, &s.ledger.verifier_key()).unwrap();
    assert_eq!(cp.size, s.size());
    let info = s.client.info().unwrap();
    assert_eq!(
        (info.origin.as_str(), info.verifier_key),
        (ORIGIN, s.ledger.verifier_key())
    );
}

#[test]
fn receipts_check_out_offline_and_a_doctored_one_does_not() {
    let s = TestServer::with_officer();
    let st = signed(&decision("何某"), &[&officer(1)]);
    let r = s.append(&st);
    let prev = s.client.entry(r.seq).unwrap().prev;
    let vkey = s.ledger.verifier_key();
    check::check_receipt(&r, &st, prev, &vkey).unwrap();
    let other = signed(&decision("别人"), &[&officer(1)]);
    assert!(check::check_receipt(&r, &other, prev, &vkey).is_err());
    let mut bad = r.clone();
    bad.inclusion_proof[0].0[0] ^= 1;
    assert!(check::check_receipt(&bad, &st, prev, &vkey).is_err());
    let stranger = tiezheng::checkpoint::LedgerSigner::new(ORIGIN, officer(5))
        .unwrap()
        .verifier_key();
    assert!(check::check_receipt(&r, &st, prev, &stranger).is_err());
}

#[test]
fn proofs_refuse_sizes_beyond_the_ledger() {
    let s = with_decisions(1);
    for path in [
        "/v1/proofs/inclusion?seq=0&size=99",
        "/v1/proofs/inclusion?seq=5&size=3",
        "/v1/proofs/consistency?from=0&to=2",
        "/v1/proofs/consistency?from=2&to=99",
        "/v1/proofs/inclusion?seq=x",
    ] {
        let r = get(&s.url, path);
        assert_eq!(
            (r.status, r.problem().slug()),
            (400, Some("bad-request")),
            "{path}"
        );
    }
    let c = s.client.consistency(1, None).unwrap();
    assert_eq!(c.to, s.size());
}

#[test]
fn keys_show_enrolment_and_revocation() {
    let s = with_decisions(0);
    s.append(&signed(
        &tiezheng::builders::revocation(officer(1).public(), "调离"),
        &[&root()],
    ));
    let keys = get(&s.url, "/v1/keys").json();
    assert_eq!(keys["keys"].as_array().unwrap().len(), 2);
    let k = get(&s.url, &format!("/v1/keys/{}", officer(1).public())).json();
    assert_eq!(
        (
            k["enrolled_seq"].as_u64(),
            k["revoked"]["seq"].as_u64(),
            k["active"].as_bool()
        ),
        (Some(1), Some(2), Some(false))
    );
    assert_eq!(k["revoked"]["reason"], "调离");
    let unknown = get(&s.url, &format!("/v1/keys/{}", officer(6).public()));
    assert_eq!(
        (unknown.status, unknown.problem().slug()),
        (404, Some("not-found"))
    );
    assert_eq!(get(&s.url, "/v1/keys/nothex").status, 400);
}

#[test]
fn the_export_streams_a_ledger_the_offline_verifier_accepts() {
    let s = with_decisions(3);
    let saved = s.ledger.checkpoint().note;
    s.append(&signed(&decision("后来"), &[&officer(1)]));
    let mut r = std::io::BufReader::new(s.client.export().unwrap());
    let report = tiezheng::export::verify_export(&mut r, trust(&s), Some(&saved), &|_, _| {});
    assert!(report.ok, "{:?}", report.problem);
    assert_eq!(report.entries, s.size());
}

fn wait_for_job(s: &TestServer, location: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let j = get(&s.url, location).json();
        if j["status"] == "done" || Instant::now() > deadline {
            return j;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn verification_over_http_reports_the_first_bad_entry() {
    let store = std::sync::Arc::new(tiezheng::store::MemoryStore::new());
    let s = TestServer::start_with(
        store.clone(),
        std::sync::Arc::new(tiezheng::policy::AnyKind),
        Default::default(),
    );
    s.genesis();
    s.enrol(&officer(1), &["penalty_decision"], "2020-01-01", None);
    for i in 0..4 {
        s.append(&signed(&decision(&format!("单位{i}")), &[&officer(1)]));
    }
    let started = request(&s.url, "POST", "/v1/verify");
    assert_eq!(started.status, 202);
    let j = wait_for_job(&s, &format!("/v1/verify/{}", started.json()["id"]));
    assert_eq!(
        (j["report"]["ok"].as_bool(), j["done"].as_u64()),
        (Some(true), Some(6))
    );
    // Rewrite entry 3's stored bytes behind the ledger's back.
    let key = tiezheng::store::entry_key(3);
    let mut e = tiezheng::entry::StoredEntry::decode(&store.get(&key).unwrap().unwrap()).unwrap();
    e.leaf.recorded_at_ms += 1;
    store.raw_put(key, e.encode());
    let again = request(&s.url, "POST", "/v1/verify").json();
    let j = wait_for_job(&s, &format!("/v1/verify/{}", again["id"]));
    assert_eq!(j["report"]["ok"], false);
    assert_eq!(
        j["report"]["problem"]["seq"], 3,
        "the first bad entry is the rewritten one: {j}"
    );
    assert_eq!(get(&s.url, "/v1/verify/999").status, 404);
}

/// A memory store whose forward entry scans (what a verification reads; a
/// single entry is read with a reverse scan) wait at a gate, so a
/// verification can be held in the middle of its work.
#[derive(Default)]
struct Gated {
    inner: tiezheng::store::MemoryStore,
    closed: std::sync::atomic::AtomicBool,
    waiting: std::sync::atomic::AtomicBool,
}

impl tiezheng::store::Store for Gated {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, tiezheng::store::StoreError> {
        self.inner.get(key)
    }
    fn scan(
        &self,
        start: &[u8],
        end: &[u8],
        rev: bool,
        limit: usize,
    ) -> Result<Vec<tiezheng::store::Pair>, tiezheng::store::StoreError> {
        use std::sync::atomic::Ordering::SeqCst;
        if start.first() == Some(&b'E') && !rev {
            let until = Instant::now() + Duration::from_secs(60);
            while self.closed.load(SeqCst) && Instant::now() < until {
                self.waiting.store(true, SeqCst);
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        self.inner.scan(start, end, rev, limit)
    }
    fn commit(
        &self,
        batch: tiezheng::store::WriteBatch,
    ) -> Result<(), tiezheng::store::StoreError> {
        self.inner.commit(batch)
    }
}

#[test]
fn a_long_verification_does_not_stall_other_requests() {
    use std::sync::atomic::Ordering::SeqCst;
    let store = std::sync::Arc::new(Gated::default());
    let s = TestServer::start_with(
        store.clone(),
        std::sync::Arc::new(tiezheng::policy::AnyKind),
        Default::default(),
    );
    s.genesis();
    s.enrol(&officer(1), &["penalty_decision"], "2020-01-01", None);
    s.append(&signed(&decision("单位0"), &[&officer(1)]));
    // Hold the verification in the middle of reading the ledger.
    store.closed.store(true, SeqCst);
    let started = request(&s.url, "POST", "/v1/verify").json();
    let job = format!("/v1/verify/{}", started["id"]);
    let until = Instant::now() + Duration::from_secs(60);
    while !store.waiting.load(SeqCst) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        store.waiting.load(SeqCst),
        "the verification never started reading"
    );
    // While it is stuck there, the server still answers everything else.
    assert_eq!(get(&s.url, &job).json()["status"], "running");
    assert_eq!(get(&s.url, "/healthz").status, 200);
    assert_eq!(get(&s.url, "/v1/entries/2").status, 200);
    assert_eq!(get(&s.url, "/v1/checkpoint").status, 200);
    store.closed.store(false, SeqCst);
    let j = wait_for_job(&s, &job);
    assert_eq!(j["report"]["ok"], true, "{j}");
}

#[test]
fn health_and_metrics() {
    let s = with_decisions(1);
    let h = get(&s.url, "/healthz");
    assert_eq!((h.status, h.json()["status"].as_str()), (200, Some("ok")));
    let _ = post(&s.url, "/v1/entries", "application/json", b"{");
    let _ = post(
        &s.url,
        "/v1/entries",
        "application/json",
        &body(&signed(&decision("x"), &[&officer(8)])),
    );
    let m = get(&s.url, "/metrics");
    assert!(m.content_type.starts_with("text/plain"));
    for line in [
        "tiezheng_entries 3",
        "tiezheng_appended_total 3",
        "tiezheng_refused_total 1",
        // Every append was answered, so none waits for the writer.
        "tiezheng_append_queue 0",
        "tiezheng_http_requests_total{code=\"201\"} 3",
        "tiezheng_http_requests_total{code=\"400\"} 1",
        "tiezheng_http_request_duration_seconds_count",
    ] {
        assert!(m.body.contains(line), "missing {line:?} in\n{}", m.body);
    }
    // The time spent in syncs is exported as a number (this test's store is
    // in memory, so it may well be 0).
    let synced: f64 = m
        .body
        .lines()
        .find_map(|l| l.strip_prefix("tiezheng_sync_seconds_total "))
        .and_then(|v| v.parse().ok())
        .expect("tiezheng_sync_seconds_total");
    assert!(synced >= 0.0, "{synced}");
}

#[test]
fn unknown_routes_and_methods_are_problems() {
    let s = TestServer::start();
    let r = get(&s.url, "/v2/nothing");
    assert_eq!((r.status, r.problem().slug()), (404, Some("no-route")));
    let m = request(&s.url, "DELETE", "/v1/entries");
    assert_eq!(
        (m.status, m.problem().slug()),
        (405, Some("method-not-allowed"))
    );
}

#[test]
fn openapi_lists_exactly_the_routes_and_each_answers() {
    let s = with_decisions(1);
    let doc = get(&s.url, "/v1/openapi.json").json();
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let routed: BTreeSet<(String, String)> = tiezheng::api::routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, routed);
    for (method, path) in routed {
        let concrete = path
            .replace("{seq}", "2")
            .replace("{id}", &officer(1).public().to_hex());
        let concrete = if concrete.starts_with("/v1/proofs/inclusion") {
            format!("{concrete}?seq=2")
        } else {
            concrete
        };
        let concrete = if concrete.starts_with("/v1/proofs/consistency") {
            format!("{concrete}?from=1")
        } else {
            concrete
        };
        let r = if method == "POST" && path == "/v1/entries" {
            post(&s.url, &path, "application/json", b"{")
        } else {
            request(&s.url, &method, &concrete)
        };
        let slug = serde_json::from_str::<serde_json::Value>(&r.body)
            .ok()
            .and_then(|v| v["type"].as_str().map(String::from));
        assert!(
            !matches!(
                slug.as_deref(),
                Some("urn:tiezheng:problem:no-route" | "urn:tiezheng:problem:method-not-allowed")
            ),
            "{method} {concrete} is documented but not routed"
        );
    }
}

#[test]
fn case_dossiers_over_http_reconcile_the_demo_ledger() {
    let s = TestServer::start_with(
        std::sync::Arc::new(tiezheng::store::MemoryStore::new()),
        std::sync::Arc::new(tiezheng::records::RecordRules),
        Default::default(),
    );
    tiezheng::demo::build_demo(&s.ledger).unwrap();
    let cases = get(&s.url, "/v1/cases").json();
    let ids: Vec<&str> = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["case_id"].as_str())
        .collect();
    assert!(ids.contains(&"bole-2024-11-25"), "{ids:?}");
    let d = get(&s.url, "/v1/cases/bole-2024-11-25").json();
    assert_eq!(d["case_id"], "bole-2024-11-25");
    let paid_fines = d["penalties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["balance_fen"] == 0)
        .count();
    assert_eq!(paid_fines, 2, "both fines of document 000 are paid");
    assert!(
        d["anomalies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "payment_mismatch"),
        "{}",
        d["anomalies"]
    );
    let missing = get(&s.url, "/v1/cases/%E6%97%A0");
    assert_eq!(
        (missing.status, missing.problem().slug()),
        (404, Some("not-found"))
    );
}
