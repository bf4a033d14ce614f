//! The demo ledger against its documents: every case's dossier checked
//! against what the document in shared/seeds/ says — counts, amounts, dates,
//! measures, verdicts, the 000 payment anomaly and its correction, balances
//! and deadlines — and the whole ledger verified.
//!
//! The expected values here are copied from the documents, not from the
//! demo's data files, so a transcription slip in either shows up.

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use tiezheng::demo::{self, DemoReport};
use tiezheng::dossier::{
    self, AnomalyKind, Dossier, DossierEntry, PenaltyState, RecommendationState,
};
use tiezheng::keys::Keypair;
use tiezheng::records::{RecordRules, Verdict};
use tiezheng::registry::KeyStatus;
use tiezheng::store::MemoryStore;
use tiezheng::{Ledger, LedgerConfig};

const ORIGIN: &str = "demo.tiezheng.test/ledger";
const BOLE: &str = "bole-2024-11-25";
const MIDONG: &str = "midong-2020-11-24";
const WULATE: &str = "wulatehouqi-2024-08-31";
const GAOPING: &str = "gaoping-2024-safety-notice";
const CHANGCHUN: &str = "changchun-2019-07-12";

fn open() -> Ledger {
    Ledger::open(
        Arc::new(MemoryStore::new()),
        LedgerConfig {
            origin: ORIGIN.into(),
            checkpoint_key: Keypair::generate(),
            policy: Arc::new(RecordRules),
        },
    )
    .expect("open")
}

/// One demo ledger for the whole test binary: building it is the slow part.
fn demo() -> &'static (Ledger, DemoReport) {
    static DEMO: OnceLock<(Ledger, DemoReport)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let ledger = open();
        let report = demo::build_demo(&ledger).expect("the demo builds under RecordRules");
        (ledger, report)
    })
}

fn case(id: &str) -> Dossier {
    dossier::dossier(&demo().0, id).expect("dossier")
}

fn counts(d: &Dossier) -> BTreeMap<&str, usize> {
    d.counts.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

fn of_kind<'d>(d: &'d Dossier, kind: &str) -> Vec<&'d DossierEntry> {
    d.entries.iter().filter(|e| e.kind == kind).collect()
}

/// The entry of `kind` whose subject is `subject`.
fn find<'d>(d: &'d Dossier, kind: &str, subject: &str) -> &'d DossierEntry {
    d.entries
        .iter()
        .find(|e| e.kind == kind && e.subject == subject)
        .unwrap_or_else(|| panic!("no {kind} about {subject}"))
}

fn measures(e: &DossierEntry) -> Vec<&str> {
    e.payload["measures"]
        .as_array()
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

// ---------- the ledger as a whole ----------

#[test]
fn the_demo_ledger_verifies_in_full() {
    let (ledger, report) = demo();
    let v = ledger.verify_full(&|_, _| {});
    assert!(v.ok, "{:?}", v.problem);
    assert_eq!(v.entries, report.entries);
    assert_eq!(report.entries, 1 + report.signers.len() as u64 + 61);
}

#[test]
fn the_demo_needs_an_empty_ledger() {
    let (ledger, _) = demo();
    assert!(matches!(
        demo::build_demo(ledger),
        Err(demo::DemoError::NotEmpty { .. })
    ));
}

#[test]
fn every_document_contributes_its_facts() {
    let (_, report) = demo();
    let facts: Vec<(&str, &str, usize)> = report
        .documents
        .iter()
        .map(|d| (d.document.as_str(), d.case_id.as_str(), d.facts))
        .collect();
    assert_eq!(
        facts,
        [
            ("000", BOLE, 17),
            ("001", MIDONG, 13),
            ("002", WULATE, 12),
            ("003", GAOPING, 1),
            ("004", CHANGCHUN, 18)
        ]
    );
    let cases: Vec<String> = dossier::cases(&demo().0)
        .expect("cases")
        .into_iter()
        .map(|c| c.case_id)
        .collect();
    assert_eq!(cases.len(), 5, "{cases:?}: the registry is not a case");
}

#[test]
fn each_unit_has_one_key_enrolled_for_exactly_the_kinds_it_signs() {
    let (_, report) = demo();
    assert_eq!(report.signers.len(), 43);
    let yjj = report.signers.iter().find(|s| s.id == "bole_yjj").unwrap();
    assert_eq!(
        (yjj.identity.person.as_str(), yjj.identity.unit.as_str()),
        ("崔鑫", "博乐市应急管理局")
    );
    assert_eq!(
        yjj.kinds,
        [
            "correction",
            "payment_deferral",
            "payment_receipt",
            "penalty_decision",
            "verification_finding"
        ]
    );
    let cdi = report.signers.iter().find(|s| s.id == "md_cdi").unwrap();
    assert_eq!(cdi.identity.unit, "区纪委监委");
    assert_eq!(cdi.kinds, ["disciplinary_action", "verification_finding"]);
    let gaoping = report.signers.iter().find(|s| s.id == "gp_gov").unwrap();
    assert_eq!(gaoping.kinds, ["directive"]);
    assert!(report.signers.iter().all(|s| !s.kinds.is_empty()));
    assert!(report
        .signers
        .iter()
        .all(|s| s.public_key != report.root_public_key));
}

#[test]
fn every_fact_names_who_certified_it_with_a_key_active_when_signed() {
    for id in [BOLE, MIDONG, WULATE, GAOPING, CHANGCHUN] {
        for e in &case(id).entries {
            assert!(!e.certified_by.is_empty(), "{id} entry {}", e.seq);
            for c in &e.certified_by {
                assert_eq!(
                    c.status_when_signed,
                    KeyStatus::Active,
                    "{id} entry {}",
                    e.seq
                );
                assert!(c.unit.is_some() && !c.root, "{id} entry {}", e.seq);
            }
        }
    }
}

#[test]
fn every_source_quote_is_in_its_document() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!("skipped: {} is not here", seeds.display());
        return;
    }
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for doc in demo::documents().expect("data") {
        let text = std::fs::read_to_string(seeds.join(&doc.file)).expect("read document");
        let text = squash(&text);
        for f in &doc.facts {
            let mut from = 0;
            for fragment in f.source.split('…').map(squash).filter(|s| !s.is_empty()) {
                let at = text[from..].find(&fragment).unwrap_or_else(|| {
                    panic!(
                        "{} {}: {fragment:?} is not in {}",
                        doc.document, f.id, doc.file
                    )
                });
                from += at + fragment.len();
            }
        }
    }
}

// ---------- 000 博乐 “11·25” ----------

#[test]
fn case_000_records_the_accident_as_written() {
    let d = case(BOLE);
    assert_eq!(
        d.title.as_deref(),
        Some("博乐市XXXX有限责任公司“11·25”一般高处坠落事故")
    );
    let c = &of_kind(&d, "case")[0];
    assert_eq!(c.event_date, "2024-11-25");
    assert_eq!(c.payload["time_of_day"], "11时15分许");
    assert_eq!(c.payload["deaths"], 1);
    assert_eq!(c.payload["direct_economic_loss"]["amount_fen"], 138_000_000);
    assert_eq!(c.payload["investigation"]["approved_on"], "2025-04-01");
    assert_eq!(c.payload["investigation"]["published_on"], "2025-04-18");
    assert_eq!(
        counts(&d),
        BTreeMap::from([
            ("case", 1),
            ("recommendation", 3),
            ("penalty_decision", 2),
            ("payment_deferral", 1),
            ("payment_receipt", 2),
            ("correction", 1),
            ("disciplinary_action", 3),
            ("rectification_report", 3),
            ("verification_finding", 1),
        ])
    );
}

#[test]
fn case_000_company_fine_is_deferred_to_october_and_paid_on_time_once_corrected() {
    let d = case(BOLE);
    let p = d
        .penalties
        .iter()
        .find(|p| p.party == "博乐市 XXXX 有限责任公司")
        .unwrap();
    assert_eq!(p.issuer.as_deref(), Some("博乐市应急管理局"));
    assert_eq!(p.decided_on, "2025-06-05");
    assert_eq!(p.amount_due_fen.map(|f| f.as_u64()), Some(50_000_000));
    assert_eq!(p.amount_due_yuan.as_deref(), Some("500000.00"));
    assert_eq!(p.amount_due_capitals.as_deref(), Some("伍拾万元整"));
    assert_eq!(p.deferrals.len(), 1);
    assert_eq!(
        (
            p.deferrals[0].applied_on.as_str(),
            p.deferrals[0].approved_on.as_str(),
            p.deferrals[0].new_deadline.as_str()
        ),
        ("2025-06-18", "2025-06-20", "2025-10-30")
    );
    assert_eq!(p.deadline.as_deref(), Some("2025-10-30"));
    let pay = &p.payments[0];
    assert_eq!(pay.paid_on, "2025-10-30");
    assert_eq!(
        pay.amount_fen_as_recorded.as_u64(),
        500_000_000_000,
        "“500000 万元” as written"
    );
    assert_eq!(pay.amount_fen.as_u64(), 50_000_000, "after the correction");
    assert_eq!(pay.on_time, Some(true));
    assert_eq!(p.balance_fen.map(|f| f.as_u64()), Some(0));
    assert_eq!(p.state, PenaltyState::PaidOnTime);
}

#[test]
fn case_000_payment_of_500000_wan_is_flagged_and_resolved_by_the_issuers_correction() {
    let d = case(BOLE);
    let payment = find(&d, "payment_receipt", "博乐市 XXXX 有限责任公司");
    let correction = &of_kind(&d, "correction")[0];
    assert_eq!(correction.corrects, Some(payment.seq));
    assert_eq!(correction.payload["corrected_field"], "payload.amount_fen");
    assert_eq!(correction.payload["corrected_value"], 50_000_000);
    let signer = &correction.certified_by[0];
    assert_eq!(signer.unit.as_deref(), Some("博乐市应急管理局"));
    assert_eq!(
        signer.public_key, payment.certified_by[0].public_key,
        "signed by the issuer"
    );
    let mismatch = d
        .anomalies
        .iter()
        .find(|a| a.kind == AnomalyKind::PaymentMismatch)
        .unwrap();
    assert_eq!(mismatch.entry, payment.seq);
    assert_eq!(mismatch.resolved_by, Some(correction.seq));
    let corrected = d
        .anomalies
        .iter()
        .find(|a| a.kind == AnomalyKind::CorrectedEntry)
        .unwrap();
    assert_eq!(
        (corrected.entry, &corrected.related[..]),
        (payment.seq, &[correction.seq][..])
    );
    assert_eq!(
        payment.payload["amount_as_written"], "500000 万元",
        "the original stays"
    );
    assert_eq!(payment.corrections.len(), 1);
}

#[test]
fn case_000_principal_paid_30880_yuan_a_week_after_the_15_days() {
    let d = case(BOLE);
    let p = d.penalties.iter().find(|p| p.party == "何某").unwrap();
    assert_eq!(p.amount_due_fen.map(|f| f.as_u64()), Some(3_088_000));
    assert_eq!(p.amount_due_capitals.as_deref(), Some("叁万零捌佰捌拾元整"));
    assert_eq!(p.deadline.as_deref(), Some("2025-06-20"));
    assert_eq!(p.payments[0].paid_on, "2025-06-27");
    assert_eq!(p.state, PenaltyState::PaidLate);
    let late = d
        .anomalies
        .iter()
        .find(|a| a.kind == AnomalyKind::FinePaidLate)
        .unwrap();
    assert_eq!(
        (late.entry, late.related[0]),
        (p.decision, p.payments[0].seq)
    );
    assert_eq!(
        d.anomalies
            .iter()
            .filter(|a| a.resolved_by.is_none())
            .count(),
        2,
        "paid late and the corrected entry stay; the mismatch is resolved"
    );
}

#[test]
fn case_000_recommendations_are_carried_out_or_not_pursued() {
    let d = case(BOLE);
    let by: BTreeMap<&str, (RecommendationState, Vec<&str>)> = d
        .recommendations
        .iter()
        .map(|r| {
            let kinds = r.carried_out_by.iter().map(|c| c.kind.as_str()).collect();
            (r.party.as_str(), (r.status, kinds))
        })
        .collect();
    assert_eq!(by["哈某"], (RecommendationState::NotPursued, vec![]));
    assert_eq!(
        by["博乐市 XXXX 有限责任公司"],
        (RecommendationState::CarriedOut, vec!["penalty_decision"])
    );
    assert_eq!(
        by["何某"],
        (RecommendationState::CarriedOut, vec!["penalty_decision"])
    );
}

#[test]
fn case_000_internal_sanctions_rectifications_and_finding() {
    let d = case(BOLE);
    let internal: Vec<(&str, &str)> = of_kind(&d, "disciplinary_action")
        .iter()
        .map(|e| {
            (
                e.subject.as_str(),
                e.payload["internal_measure"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        internal,
        [
            ("何某", "撤职处分"),
            ("何某", "警告处分一次并向总公司作深刻检讨一份"),
            ("王某", "警告处分一次")
        ]
    );
    let units: Vec<&str> = of_kind(&d, "rectification_report")
        .iter()
        .map(|e| e.subject.as_str())
        .collect();
    assert_eq!(
        units,
        [
            "博乐市 XXXX 有限责任公司",
            "贝林哈日莫墩乡",
            "博乐市财政局（国有资产监督管理委员会）"
        ]
    );
    assert!(of_kind(&d, "rectification_report")
        .iter()
        .all(|e| e.event_date == "2026-05-22" && e.event_date_basis_label.starts_with("不晚于")));
    let f = &d.findings[0];
    assert_eq!(f.event_date, "2026-05-22");
    assert_eq!(f.overall_verdict, Some(Verdict::BasicallyImplemented));
    let verdicts: Vec<&str> = f.items.iter().map(|i| i.verdict_label).collect();
    assert_eq!(verdicts, ["落实到位", "落实到位", "落实到位", "基本落实"]);
    assert_eq!(f.recommendations.len(), 3);
    let e = d.entry(f.seq).unwrap();
    assert_eq!(e.payload["document_number"], "博市应急发〔2026〕15号");
    assert_eq!(e.payload["started_on"], "2026-05-07");
    assert_eq!(
        e.certified_by.len(),
        8,
        "the lead and the group's member units"
    );
    assert!(e
        .certified_by
        .iter()
        .any(|c| c.person.as_deref() == Some("崔鑫")));
    let rests: Vec<usize> = f.items.iter().map(|i| i.rests_on.len()).collect();
    assert_eq!(rests, [1, 4, 3, 6]);
}

// ---------- 001 米东 “11·24” ----------

#[test]
fn case_001_every_recommendation_is_carried_out_by_its_measure_on_its_date() {
    let d = case(MIDONG);
    assert_eq!(
        counts(&d),
        BTreeMap::from([
            ("case", 1),
            ("recommendation", 4),
            ("disciplinary_action", 4),
            ("rectification_report", 3),
            ("verification_finding", 1),
        ])
    );
    let got: Vec<(&str, &str, &str, Vec<&str>)> = d
        .recommendations
        .iter()
        .map(|r| {
            assert_eq!(r.status, RecommendationState::CarriedOut);
            let act = d.entry(r.carried_out_by[0].seq).unwrap();
            (
                r.party.as_str(),
                r.handling_as_written.as_str(),
                act.event_date.as_str(),
                measures(act),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "孙**",
                "由乌鲁木齐市米东区城市管理局（城市管理行政执法局）对其进行约谈",
                "2024-07-05",
                vec!["interview"]
            ),
            (
                "任**",
                "由区纪委监委依据相关规定进行责任追究",
                "2024-05-31",
                vec!["serious_party_warning"]
            ),
            (
                "张*",
                "由区纪委监委依据相关规定进行责任追究",
                "2024-05-17",
                vec!["party_warning"]
            ),
            (
                "许**",
                "由区纪委监委依据相关规定进行责任追究",
                "2024-05-29",
                vec!["reminder_talk"]
            ),
        ]
    );
    assert!(d.penalties.is_empty() && d.anomalies.is_empty());
}

#[test]
fn case_001_sanctions_cite_their_articles() {
    let d = case(MIDONG);
    let articles = |name: &str| -> Vec<String> {
        find(&d, "disciplinary_action", name).payload["legal_basis"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                ["edition", "law", "article", "paragraph", "item"]
                    .iter()
                    .filter_map(|k| b[*k].as_str())
                    .collect::<String>()
            })
            .collect()
    };
    assert_eq!(
        articles("任**"),
        [
            "中国共产党纪律处分条例第一百四十九条",
            "中国共产党纪律处分条例第一百五十八条第二款",
            "2018年中国共产党纪律处分条例一百三十三条"
        ]
    );
    assert_eq!(
        articles("张*"),
        [
            "中国共产党问责条例第七条第十一项",
            "中国共产党问责条例第八条第二款第四项",
            "中国共产党纪律处分条例第一百五十八条第二款",
            "2018年中国共产党纪律处分条例一百三十三条"
        ]
    );
    assert_eq!(
        find(&d, "disciplinary_action", "任**").payload["deciding_body"],
        "米东区纪委常委会"
    );
    assert_eq!(
        find(&d, "disciplinary_action", "许**").payload["conducted_by"],
        "区委常委、纪委书记王*"
    );
}

#[test]
fn case_001_rectification_counts_and_finding() {
    let d = case(MIDONG);
    let c = &of_kind(&d, "case")[0];
    assert_eq!(
        c.payload["direct_economic_loss"]["as_written"],
        "人民币115万余元"
    );
    assert_eq!(c.payload["time_of_day"], "上午10时许");
    let station = find(
        &d,
        "rectification_report",
        "乌鲁木齐市米东区市政市容环卫管理站",
    );
    let h = &station.payload["hazards"][0];
    assert_eq!(
        (
            h["found"].as_u64(),
            h["fixed"].as_u64(),
            h["in_progress"].as_u64()
        ),
        (Some(65), Some(64), Some(1))
    );
    let township = find(&d, "rectification_report", "芦草沟乡人民政府");
    assert_eq!(township.payload["hazards"][0]["found"], 1796);
    assert_eq!(township.payload["tallies"][1]["value"], 1896);
    let f = &d.findings[0];
    assert_eq!(f.items.len(), 5);
    assert!(f
        .items
        .iter()
        .all(|i| i.verdict == Verdict::FullyImplemented));
    assert!(f.problems.is_empty());
    assert_eq!(f.good_practices.len(), 3);
    assert_eq!(f.member_units.len(), 8);
    assert_eq!(d.entry(f.seq).unwrap().certified_by.len(), 9);
}

// ---------- 002 乌拉特后旗 “8·31” ----------

#[test]
fn case_002_accountability_is_recorded_as_counts() {
    let d = case(WULATE);
    let c = &of_kind(&d, "case")[0];
    assert_eq!(
        (
            c.event_date.as_str(),
            &c.payload["deaths"],
            &c.payload["time_of_day"]
        ),
        ("2024-08-31", &Value::from(3), &Value::from("8时13分许"))
    );
    assert_eq!(c.payload["investigation"]["approved_on"], "2025-02-24");
    let persons = |kind: &str| -> Vec<u64> {
        of_kind(&d, kind)
            .iter()
            .map(|e| {
                let p = if e.payload["party"].is_object() {
                    &e.payload["party"]
                } else {
                    &e.payload["subject"]
                };
                p["count"].as_u64().unwrap_or(0)
            })
            .collect()
    };
    assert_eq!(persons("criminal_referral"), [1]);
    assert_eq!(
        persons("penalty_decision"),
        [8, 0],
        "8 persons, and the company"
    );
    assert_eq!(persons("disciplinary_action"), [2, 5]);
    let talks = &of_kind(&d, "disciplinary_action")[1];
    assert_eq!(measures(talks), ["admonishment_talk", "reminder_talk"]);
    assert!(d
        .penalties
        .iter()
        .all(|p| p.state == PenaltyState::AmountNotStated
            && p.issuer.as_deref() == Some("乌拉特后旗应急管理局")));
    assert!(d.anomalies.is_empty());
}

#[test]
fn case_002_rectification_figures_and_finding() {
    let d = case(WULATE);
    assert_eq!(of_kind(&d, "rectification_report").len(), 5);
    let company = find(&d, "rectification_report", "内蒙古国城资源综合利用有限公司");
    assert_eq!(company.payload["actions"].as_array().map(Vec::len), Some(8));
    assert_eq!(company.payload["tallies"][0]["value"], 73);
    assert_eq!(
        company.payload["amounts"][0]["amount"]["amount_fen"],
        420_240_000
    );
    let banner = find(&d, "rectification_report", "乌拉特后旗政府");
    assert_eq!(banner.payload["hazards"][0]["found"], 9029);
    assert_eq!(banner.payload["hazards"][0]["major"], 61);
    assert_eq!(
        banner.payload["amounts"][0]["amount"]["amount_fen"], 469_320_000,
        "469.32万元"
    );
    assert_eq!(
        banner.payload["amounts"][1]["amount"]["amount_fen"], 23_022_600,
        "23.0226万元"
    );
    let f = &d.findings[0];
    assert_eq!(f.overall_verdict, Some(Verdict::FullyImplemented));
    assert_eq!(
        f.conclusion,
        "各被评估对象均落实了事故责任追究和事故防范整改措施建议。"
    );
    assert_eq!(f.recommendations.len(), 4);
    assert_eq!(d.entry(f.seq).unwrap().certified_by.len(), 6);
    assert!(d
        .entries
        .iter()
        .skip(1)
        .all(|e| e.event_date_basis_label.starts_with("不早于")));
}

// ---------- 003 高平 高政发〔2024〕1号 ----------

#[test]
fn document_003_is_a_directive_with_all_32_tasks_and_their_units() {
    let d = case(GAOPING);
    assert_eq!(counts(&d), BTreeMap::from([("directive", 1)]));
    let e = &d.entries[0];
    assert_eq!(e.event_date, "2024-02-04");
    assert_eq!(e.payload["document_number"], "高政发〔2024〕1号");
    assert_eq!(e.payload["issuer"], "高平市人民政府");
    assert_eq!(e.certified_by[0].unit.as_deref(), Some("高平市人民政府"));
    let tasks = e.payload["tasks"].as_array().unwrap();
    let numbers: Vec<u64> = tasks.iter().filter_map(|t| t["number"].as_u64()).collect();
    assert_eq!(numbers, (1..=32).collect::<Vec<u64>>());
    let units = |n: usize| -> Vec<&str> {
        tasks[n - 1]["units"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect()
    };
    assert_eq!(units(1), ["市安委办", "各乡镇人民政府（街道办事处）"]);
    assert_eq!(units(30), ["市应急局", "各乡镇人民政府（街道办事处）"]);
    assert_eq!(
        units(32),
        ["市安委办", "市有关部门", "各乡镇人民政府（街道办事处）"]
    );
    assert_eq!(tasks[15]["lead_unit"], "市住建局");
    assert_eq!(tasks[29]["title"], "从严开展事故调查和灾害评估");
    assert_eq!(
        tasks[31]["responsibility_as_written"],
        "〔市安委办和市有关部门负责〕"
    );
    assert_eq!(
        tasks[12]["units"].as_array().map(Vec::len),
        Some(9),
        "危险化学品: 8 units and the townships"
    );
}

// ---------- 004 长春 “7.12” ----------

#[test]
fn case_004_fine_of_600000_yuan_is_paid_and_referrals_end_in_non_prosecution() {
    let d = case(CHANGCHUN);
    assert_eq!(
        counts(&d),
        BTreeMap::from([
            ("case", 1),
            ("penalty_decision", 1),
            ("payment_receipt", 1),
            ("recommendation", 1),
            ("criminal_referral", 1),
            ("prosecution_outcome", 2),
            ("disciplinary_action", 5),
            ("rectification_report", 5),
            ("verification_finding", 1),
        ])
    );
    let c = &of_kind(&d, "case")[0];
    assert_eq!(
        (&c.payload["deaths"], &c.payload["injuries"]),
        (&Value::from(3), &Value::from(2))
    );
    assert_eq!(
        c.payload["direct_economic_loss"]["as_written"],
        "约450万元人民币"
    );
    assert_eq!(
        c.payload["investigation"]["approval_document_number"],
        "长府批复〔2019〕36号"
    );
    let p = &d.penalties[0];
    assert_eq!(p.amount_due_fen.map(|f| f.as_u64()), Some(60_000_000));
    assert_eq!(p.amount_due_capitals.as_deref(), Some("陆拾万元整"));
    assert_eq!(
        (p.balance_fen.map(|f| f.as_u64()), p.state),
        (Some(0), PenaltyState::Paid)
    );
    let r = &d.recommendations[0];
    assert_eq!(
        (r.status, r.carried_out_by[0].kind.as_str()),
        (RecommendationState::CarriedOut, "criminal_referral")
    );
    let numbers: Vec<&str> = of_kind(&d, "prosecution_outcome")
        .iter()
        .map(|e| {
            assert_eq!(e.payload["outcome"], "non_prosecution");
            e.payload["document_number"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        numbers,
        [
            "长净检一部刑不诉【2020】50号",
            "长净检一部刑不诉【2020】56号"
        ]
    );
    assert!(d.anomalies.is_empty());
}

#[test]
fn case_004_discipline_by_the_city_commission_and_the_finding() {
    let d = case(CHANGCHUN);
    let got: Vec<(&str, Vec<&str>)> = of_kind(&d, "disciplinary_action")
        .iter()
        .map(|e| (e.subject.as_str(), measures(e)))
        .collect();
    assert_eq!(
        got,
        [
            ("曹阳", vec!["government_warning"]),
            ("李弘旸", vec!["government_warning"]),
            ("张磊", vec!["admonishment_talk", "written_self_criticism"]),
            (
                "黄天柱",
                vec!["criticism_and_education", "written_self_criticism"]
            ),
            (
                "李晓宇",
                vec!["criticism_and_education", "written_self_criticism"]
            ),
        ]
    );
    assert!(of_kind(&d, "disciplinary_action")
        .iter()
        .all(|e| e.certified_by[0].unit.as_deref() == Some("长春市纪委监委")));
    let sanitation = find(&d, "rectification_report", "净月开发区市容环境卫生管理局");
    assert_eq!(sanitation.payload["tallies"][0]["value"], 21);
    assert_eq!(
        sanitation.payload["amounts"][0]["amount"]["amount_fen"],
        3_300_000
    );
    let f = &d.findings[0];
    assert_eq!(f.event_date, "2020-11-30");
    assert_eq!(f.items.len(), 5);
    assert!(f
        .items
        .iter()
        .all(|i| i.verdict == Verdict::FullyImplemented));
    assert_eq!(f.problems, ["相关部门安全管理工作仍存在薄弱环节"]);
    assert_eq!(f.recommendations.len(), 4);
    assert!(f.items[2]
        .note
        .as_deref()
        .unwrap_or("")
        .contains("长监立【2019】151号、152号"));
    assert_eq!(d.entry(f.seq).unwrap().certified_by.len(), 4);
}

#[test]
fn the_case_list_summarises_each_case() {
    let list = dossier::cases(&demo().0).expect("cases");
    let bole = list.iter().find(|c| c.case_id == BOLE).unwrap();
    assert_eq!(
        (
            bole.entries,
            bole.penalties,
            bole.recommendations,
            bole.findings
        ),
        (17, 2, 3, 1)
    );
    assert_eq!(
        (
            bole.anomalies,
            bole.unresolved_anomalies,
            bole.open_recommendations
        ),
        (3, 2, 0)
    );
    assert_eq!(bole.first_event_date.as_deref(), Some("2024-11-25"));
    let gaoping = list.iter().find(|c| c.case_id == GAOPING).unwrap();
    assert_eq!(
        gaoping.title.as_deref(),
        Some("高平市人民政府关于做好2024年安全生产工作的通知")
    );
}

#[test]
fn an_unknown_case_is_not_found() {
    let err = dossier::dossier(&demo().0, "no-such-case").unwrap_err();
    assert!(
        matches!(err, tiezheng::error::ReadError::NotFound(_)),
        "{err}"
    );
}
