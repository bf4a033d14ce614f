//! Validation of the typed record kinds, built from the facts of the five
//! source documents in shared/seeds/ (000 博乐 “11·25”, 001 米东 “11·24”,
//! 002 乌拉特后旗 “8·31”, 003 高政发〔2024〕1号, 004 长春 “7.12”).

use proptest::prelude::*;
use serde_json::{json, Value};
use tiezheng::records::{
    field_label, kind_label, parse_amount, validate, ApproxTime, Date, Fen, Measure,
    PenaltyDecision, Qualifier, Record, RecordError, ReferencedEntry, RECORD_KINDS,
};

// ---------- fixtures: real facts from the seed documents ----------

fn entry<'a>(
    kind: &'a str,
    seq: u64,
    event_date: &'a str,
    payload: &'a Value,
) -> ReferencedEntry<'a> {
    ReferencedEntry {
        kind,
        seq,
        event_date,
        payload,
    }
}

fn case_000() -> Value {
    json!({
        "name": "11·25",
        "title": "博乐市XXXX有限责任公司“11·25”一般高处坠落事故",
        "accident_type": "高处坠落", "grade": "ordinary", "time_of_day": "11时15分许",
        "place": "博乐市 XXXX 有限责任公司", "unit": "博乐市 XXXX 有限责任公司", "deaths": 1,
        "direct_economic_loss": {"amount_fen": 138_000_000u64, "qualifier": "exact", "as_written": "138万元"},
        "investigation": {
            "organised_by": "博乐市人民政府",
            "member_units": ["应急管理", "公安", "工会", "发改", "财政", "人社", "供销社", "贝林哈日莫墩乡"],
            "report_title": "博乐市XXXX有限责任公司“11·25”一般高处坠落事故调查报告",
            "approved_on": "2025-04-01", "approved_by": "博乐市人民政府", "published_on": "2025-04-18"
        }
    })
}

fn case_001() -> Value {
    json!({
        "name": "11·24", "accident_type": "灼烫", "grade": "ordinary", "time_of_day": "上午10时许",
        "place": "乌鲁木齐市米东区东瑞北路104号", "unit": "米东区市政市容环卫管理站", "deaths": 1,
        "direct_economic_loss": {"amount_fen": 115_000_000u64, "qualifier": "over", "as_written": "人民币115万余元"}
    })
}

fn case_004() -> Value {
    json!({
        "name": "7.12", "accident_type": "坍塌", "grade": "larger", "time_of_day": "4时许",
        "place": "长春市净月经济开发区天泽大路与金棕榈街交汇处", "unit": "吉林省中奥能源电力工程有限公司",
        "deaths": 3, "injuries": 2,
        "direct_economic_loss": {"amount_fen": 450_000_000u64, "qualifier": "about", "as_written": "约450万元人民币"},
        "investigation": {"organised_by": "长春市人民政府", "approved_on": "2019-12-16", "approved_by": "长春市人民政府",
                          "approval_document_number": "长府批复〔2019〕36号"}
    })
}

fn directive_003() -> Value {
    let section = "七、严格巡查考核和调查评估，倒逼制度措施落实落细";
    json!({
        "issuer": "高平市人民政府", "document_number": "高政发〔2024〕1号",
        "title": "高平市人民政府关于做好2024年安全生产工作的通知", "publicly_released": true,
        "tasks": [
            {"number": 16, "title": "经营性自建房", "lead_unit": "市住建局",
             "units": ["市住建局", "市审批服务管理局", "市公安局", "市自然资源局", "市农业农村局", "市应急局", "市市场监管局", "市消防救援大队"],
             "responsibility_as_written": "〔市住建局牵头，市审批服务管理局、市公安局、市自然资源局、市农业农村局、市应急局、市市场监管局、市消防救援大队等部门（单位）分工负责〕"},
            {"number": 30, "section": section, "title": "从严开展事故调查和灾害评估", "units": ["市应急局"],
             "responsibility_as_written": "〔市应急局等部门负责〕"},
            {"number": 31, "section": section, "title": "加大考核巡查力度", "units": ["市安委办", "市有关部门"],
             "responsibility_as_written": "〔市安委办和市有关部门负责〕"},
            {"number": 32, "section": section, "title": "严格责任倒查追究", "units": ["市安委办", "市有关部门"],
             "responsibility_as_written": "〔市安委办和市有关部门负责〕"}
        ]
    })
}

fn recommendation_001_sun() -> Value {
    json!({
        "party": {"party_type": "person", "name": "孙**", "position": "时任乌鲁木齐市米东区市政市容环卫管理站实际负责人"},
        "handling": "accountability", "measure": "interview",
        "handling_as_written": "由乌鲁木齐市米东区城市管理局（城市管理行政执法局）对其进行约谈",
        "authority": "乌鲁木齐市米东区城市管理局（城市管理行政执法局）"
    })
}

fn recommendation_000_ha() -> Value {
    json!({
        "party": {"party_type": "person", "name": "哈某", "position": "事故直接责任人"},
        "handling": "not_pursued", "handling_as_written": "不予追究其责任",
        "not_pursued_reason": "鉴于哈某已在此次事故中死亡"
    })
}

fn penalty_000_company() -> Value {
    json!({
        "issuer": "博乐市应急管理局", "party": {"party_type": "unit", "name": "博乐市 XXXX 有限责任公司"},
        "amount_fen": 50_000_000u64, "amount_as_written": "500000.00", "amount_capitals": "伍拾万元整"
    })
}

fn penalty_000_he() -> Value {
    json!({
        "issuer": "博乐市应急管理局",
        "party": {"party_type": "person", "name": "何某", "position": "博乐市 XXXX 有限责任公司主要负责人"},
        "amount_fen": 3_088_000u64, "amount_as_written": "30880 元", "amount_capitals": "叁万零捌佰捌拾元整"
    })
}

fn deferral_000() -> Value {
    json!({"applicant": "博乐市 XXXX 有限责任公司", "applied_on": "2025-06-18",
           "approved_by": "博乐市应急管理局", "new_deadline": "2025-10-30"})
}

fn receipt_000_he() -> Value {
    json!({"payer": "何某", "amount_fen": 3_088_000u64, "bank": "指定银行"})
}

/// Document 000 says the company paid “500000 万元”: recorded as certified.
fn receipt_000_company() -> Value {
    json!({"payer": "博乐市 XXXX 有限责任公司", "amount_fen": 500_000_000_000u64,
           "amount_as_written": "500000 万元", "bank": "指定银行"})
}

fn discipline_001_ren() -> Value {
    json!({
        "authority": "米东区纪委监委", "deciding_body": "米东区纪委常委会",
        "subject": {"party_type": "person", "name": "任**",
                    "position": "时任乌鲁木齐市米东区城市管理局（城市管理行政执法局）党组成员、副局长，乌鲁木齐市米东区市政市容环卫管理站法定代表人"},
        "measures": ["serious_party_warning"],
        "legal_basis": [
            {"law": "中国共产党纪律处分条例", "article": "第一百四十九条"},
            {"law": "中国共产党纪律处分条例", "article": "第一百五十八条", "paragraph": "第二款"},
            {"law": "中国共产党纪律处分条例", "edition": "2018年", "article": "一百三十三条"}
        ]
    })
}

fn discipline_001_zhang() -> Value {
    json!({
        "authority": "米东区纪委监委", "deciding_body": "米东区纪委常委会",
        "subject": {"party_type": "person", "name": "张*",
                    "position": "时任乌鲁木齐市米东区城市管理局（城市管理行政执法局）党组副书记、局长"},
        "measures": ["party_warning"],
        "legal_basis": [
            {"law": "中国共产党问责条例", "article": "第七条", "item": "第十一项"},
            {"law": "中国共产党问责条例", "article": "第八条", "paragraph": "第二款", "item": "第四项"},
            {"law": "中国共产党纪律处分条例", "article": "第一百五十八条", "paragraph": "第二款"},
            {"law": "中国共产党纪律处分条例", "edition": "2018年", "article": "一百三十三条"}
        ]
    })
}

fn discipline_001_xu() -> Value {
    json!({
        "authority": "米东区纪委监委", "conducted_by": "区委常委、纪委书记王*",
        "subject": {"party_type": "person", "name": "许**",
                    "position": "时任乌鲁木齐市米东区城市管理局（城市管理行政执法局）党组书记"},
        "measures": ["reminder_talk"],
        "requirements": "要求正视问题、从严整改，落实本单位第一责任人责任，督促班子成员严格落实各项工作，杜绝同类事故的再次发生"
    })
}

fn discipline_000_internal() -> Value {
    json!({
        "authority": "博乐市 XXXX 有限责任公司",
        "subject": {"party_type": "person", "name": "何某", "position": "安全副厂长"},
        "measures": ["internal_sanction"], "internal_measure": "撤职处分",
        "event_date_basis": "no_later_than"
    })
}

fn referral_004() -> Value {
    json!({"referred_by": "事故调查组",
           "subject": {"party_type": "group", "count": 2, "description": "吉林省中奥能源电力工程有限公司涉嫌犯罪的事故责任人员"},
           "event_date_basis": "no_later_than"})
}

fn outcome_004() -> Value {
    json!({"outcome": "non_prosecution", "document_number": "长净检一部刑不诉【2020】50号",
           "subject": {"party_type": "group", "count": 1, "description": "涉嫌犯罪的事故责任人员"},
           "event_date_basis": "no_later_than"})
}

fn rectification_001_station() -> Value {
    json!({
        "unit": "乌鲁木齐市米东区市政市容环卫管理站",
        "requirement": "加强本单位风险辨识管控和隐患排查治理，完善各项安全措施，及时消除生产安全事故隐患。",
        "period_as_written": "2024年以来",
        "actions": ["加强风险辨识和隐患排查治理", "加强安全生产教育和培训", "严格执行领导带班制度"],
        "hazards": [{"scope": "每月对三家社会化管理维护公司进行安全生产检查", "found": 65, "fixed": 64, "in_progress": 1,
                     "as_written": "共发现隐患65项，64项已完成整改，1项正在整改中"}],
        "tallies": [{"what": "安全生产工作培训例会", "value": 12, "unit": "场"},
                    {"what": "参训", "value": 360, "unit": "人次", "qualifier": "over", "as_written": "参训360余人次"}]
    })
}

fn rectification_002_company() -> Value {
    json!({
        "unit": "内蒙古国城资源综合利用有限公司",
        "actions": ["修订完善了全员安全生产责任制等73项规章制度", "按照相关规定提取420.24万元安全生产专项费用"],
        "tallies": [{"what": "规章制度", "value": 73, "unit": "项"}, {"what": "内部安全培训", "value": 23, "unit": "场次"}],
        "amounts": [
            {"what": "安全生产专项费用", "amount": {"amount_fen": 420_240_000u64, "qualifier": "exact", "as_written": "420.24万元"}},
            {"what": "“啄木鸟计划”奖励", "amount": {"amount_fen": 2_500_000u64, "qualifier": "exact", "as_written": "25000元"}}
        ]
    })
}

fn finding_000() -> Value {
    json!({
        "group": "博乐市 XXXX 有限责任公司 “11·25”一般高处坠落生产安全事故评估组",
        "led_by": "博乐市应急管理局", "member_units": ["原事故调查组组成单位有关人员"],
        "basis": ["博乐市XXXX有限责任公司“11·25”一般高处坠落事故调查报告"],
        "methods": ["调阅事故原始档案", "查阅相关文件资料", "现场检查", "听取汇报"],
        "started_on": "2026-05-07",
        "items": [
            {"subject": "事故直接责任人哈某不予追究", "area": "accountability", "verdict": "fully_implemented", "rests_on": [0]},
            {"subject": "对博乐市 XXXX 有限责任公司罚款500000.00元", "area": "accountability",
             "verdict": "fully_implemented", "rests_on": [1, 2, 3]},
            {"subject": "事故防范和整改措施", "area": "rectification", "verdict": "basically_implemented", "rests_on": [4]}
        ],
        "recommendations": ["要较真碰硬，确保事故整改和防范措施切实落地"],
        "conclusion": "综上，事故报告中提出的整改措施基本落实。", "overall_verdict": "basically_implemented",
        "issued_by": "崔鑫", "sealed_by": "博乐市应急管理局代章", "document_number": "博市应急发〔2026〕15号"
    })
}

struct FindingRefs {
    payloads: [Value; 5],
}

impl FindingRefs {
    fn new() -> Self {
        FindingRefs {
            payloads: [
                recommendation_000_ha(),
                penalty_000_company(),
                deferral_000(),
                receipt_000_company(),
                rectification_001_station(),
            ],
        }
    }
    fn refs(&self) -> Vec<ReferencedEntry<'_>> {
        let kinds = [
            "recommendation",
            "penalty_decision",
            "payment_deferral",
            "payment_receipt",
            "rectification_report",
        ];
        let dates = [
            "2025-04-01",
            "2025-06-05",
            "2025-06-20",
            "2025-10-30",
            "2026-05-01",
        ];
        (0..5)
            .map(|i| entry(kinds[i], 10 + i as u64, dates[i], &self.payloads[i]))
            .collect()
    }
}

fn correction_000() -> Value {
    json!({"corrected_field": "payload.amount_fen", "corrected_value": 50_000_000u64,
           "reason": "缴纳金额应为500000.00元（伍拾万元整），原文“500000 万元”系笔误"})
}

/// Validates a payment-like statement against the company's penalty decision.
fn with_decision(kind: &str, date: &str, payload: &Value) -> Result<(), RecordError> {
    let decision = penalty_000_company();
    validate(
        kind,
        date,
        payload,
        &[entry("penalty_decision", 3, "2025-06-05", &decision)],
    )
}

#[track_caller]
fn refused(result: Result<(), RecordError>, field: &str) -> RecordError {
    match result {
        Ok(()) => panic!("expected an error at {field}, but it was accepted"),
        Err(e) => {
            assert_eq!(e.field, field, "wrong field; rule was: {}", e.rule);
            e
        }
    }
}

fn set(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

// ---------- each kind accepts a realistic payload ----------

#[test]
fn case_accepts_the_boluo_fall_from_height() {
    validate("case", "2024-11-25", &case_000(), &[]).unwrap();
}

#[test]
fn case_accepts_a_loss_of_over_115_wan() {
    validate("case", "2020-11-24", &case_001(), &[]).unwrap();
}

#[test]
fn case_accepts_a_larger_collapse_with_a_loss_of_about_450_wan() {
    validate("case", "2019-07-12", &case_004(), &[]).unwrap();
}

#[test]
fn directive_accepts_the_gaoping_notice_tasks() {
    validate("directive", "2024-02-04", &directive_003(), &[]).unwrap();
}

#[test]
fn recommendation_accepts_an_interview_by_the_bureau() {
    validate(
        "recommendation",
        "2021-03-01",
        &recommendation_001_sun(),
        &[],
    )
    .unwrap();
}

#[test]
fn recommendation_accepts_not_pursued_because_the_person_died() {
    let case = case_000();
    let refs = [entry("case", 1, "2024-11-25", &case)];
    validate(
        "recommendation",
        "2025-04-01",
        &recommendation_000_ha(),
        &refs,
    )
    .unwrap();
}

#[test]
fn penalty_accepts_the_company_fine_with_figures_and_capitals() {
    validate(
        "penalty_decision",
        "2025-06-05",
        &penalty_000_company(),
        &[],
    )
    .unwrap();
}

#[test]
fn penalty_accepts_the_principal_fine_of_30880_yuan() {
    validate("penalty_decision", "2025-06-05", &penalty_000_he(), &[]).unwrap();
}

#[test]
fn penalty_accepts_capitals_without_zheng_and_with_renminbi() {
    let p = json!({"party": {"party_type": "unit", "name": "吉林省中奥能源电力工程有限公司"},
                   "amount_fen": 60_000_000u64, "amount_capitals": "陆拾万元人民币", "event_date_basis": "no_later_than"});
    validate("penalty_decision", "2020-11-30", &p, &[]).unwrap();
}

#[test]
fn penalty_accepts_eight_persons_fined_without_a_stated_amount() {
    let p = json!({"issuer": "乌拉特后旗应急管理局",
                   "party": {"party_type": "group", "count": 8, "description": "责任人员"},
                   "event_date_basis": "no_later_than"});
    validate("penalty_decision", "2025-09-30", &p, &[]).unwrap();
}

#[test]
fn deferral_accepts_the_boluo_deferral_to_october() {
    with_decision("payment_deferral", "2025-06-20", &deferral_000()).unwrap();
}

#[test]
fn receipt_accepts_the_principal_payment() {
    with_decision("payment_receipt", "2025-06-27", &receipt_000_he()).unwrap();
}

#[test]
fn receipt_accepts_500000_wan_as_certified_for_reconciliation_to_flag() {
    with_decision("payment_receipt", "2025-10-30", &receipt_000_company()).unwrap();
}

#[test]
fn discipline_accepts_a_serious_party_warning_with_articles_and_paragraphs() {
    validate(
        "disciplinary_action",
        "2024-05-31",
        &discipline_001_ren(),
        &[],
    )
    .unwrap();
}

#[test]
fn discipline_accepts_a_party_warning_under_the_accountability_regulation_items() {
    validate(
        "disciplinary_action",
        "2024-05-17",
        &discipline_001_zhang(),
        &[],
    )
    .unwrap();
}

#[test]
fn discipline_accepts_a_reminder_talk_by_the_commission_secretary() {
    validate(
        "disciplinary_action",
        "2024-05-29",
        &discipline_001_xu(),
        &[],
    )
    .unwrap();
}

#[test]
fn discipline_accepts_a_company_internal_sanction() {
    validate(
        "disciplinary_action",
        "2026-05-22",
        &discipline_000_internal(),
        &[],
    )
    .unwrap();
}

#[test]
fn discipline_accepts_a_government_warning_with_its_document_number() {
    let p = json!({"authority": "长春市纪委监委", "subject": {"party_type": "person", "name": "曹阳"},
                   "measures": ["government_warning"], "document_number": "长监立【2019】151号",
                   "event_date_basis": "no_later_than"});
    validate("disciplinary_action", "2020-11-30", &p, &[]).unwrap();
}

#[test]
fn discipline_accepts_admonishment_with_written_self_criticism() {
    let p = json!({"authority": "长春市纪委监委", "subject": {"party_type": "person", "name": "张磊"},
                   "measures": ["admonishment_talk", "written_self_criticism"],
                   "requirements": "向净月开发区管委会作出书面检查", "event_date_basis": "no_later_than"});
    validate("disciplinary_action", "2020-11-30", &p, &[]).unwrap();
}

#[test]
fn discipline_accepts_counts_only_as_document_002_gives_them() {
    let p = json!({"subject": {"party_type": "group", "count": 5, "description": "公职人员"},
                   "measures": ["admonishment_talk", "reminder_talk"], "event_date_basis": "no_later_than"});
    validate("disciplinary_action", "2025-09-30", &p, &[]).unwrap();
}

#[test]
fn referral_accepts_two_persons_referred_to_the_judicial_organs() {
    validate("criminal_referral", "2019-12-16", &referral_004(), &[]).unwrap();
}

#[test]
fn outcome_accepts_a_non_prosecution_decision() {
    let referral = referral_004();
    let refs = [entry("criminal_referral", 8, "2019-12-16", &referral)];
    validate("prosecution_outcome", "2020-11-30", &outcome_004(), &refs).unwrap();
}

#[test]
fn rectification_accepts_65_found_64_fixed_1_in_progress() {
    validate(
        "rectification_report",
        "2024-07-05",
        &rectification_001_station(),
        &[],
    )
    .unwrap();
}

#[test]
fn rectification_accepts_amounts_in_wan_with_decimals() {
    validate(
        "rectification_report",
        "2025-09-30",
        &rectification_002_company(),
        &[],
    )
    .unwrap();
}

#[test]
fn finding_accepts_the_boluo_assessment_resting_on_its_entries() {
    let r = FindingRefs::new();
    validate(
        "verification_finding",
        "2026-05-22",
        &finding_000(),
        &r.refs(),
    )
    .unwrap();
}

#[test]
fn correction_accepts_fixing_the_500000_wan_payment() {
    let receipt = receipt_000_company();
    let refs = [entry("payment_receipt", 9, "2025-10-30", &receipt)];
    validate("correction", "2026-06-01", &correction_000(), &refs).unwrap();
}

#[test]
fn every_fixture_round_trips_through_the_typed_structs() {
    let fixtures = [
        ("case", case_000()),
        ("case", case_004()),
        ("directive", directive_003()),
        ("recommendation", recommendation_000_ha()),
        ("penalty_decision", penalty_000_he()),
        ("payment_deferral", deferral_000()),
        ("payment_receipt", receipt_000_company()),
        ("disciplinary_action", discipline_001_zhang()),
        ("disciplinary_action", discipline_000_internal()),
        ("prosecution_outcome", outcome_004()),
        ("rectification_report", rectification_001_station()),
        ("verification_finding", finding_000()),
        ("correction", correction_000()),
    ];
    for (kind, payload) in fixtures {
        let record = Record::parse(kind, &payload).unwrap();
        assert_eq!(record.kind(), kind);
        let mut expected = payload.clone();
        if kind == "verification_finding" {
            // Empty lists are always written out for a finding's three lists.
            expected["problems"] = json!([]);
            expected["good_practices"] = json!([]);
        }
        assert_eq!(record.to_payload().unwrap(), expected, "{kind}");
    }
}

#[test]
fn plain_serde_reads_a_penalty_decision_too() {
    let p: PenaltyDecision = serde_json::from_value(penalty_000_company()).unwrap();
    assert_eq!(p.amount_fen, Fen::new(50_000_000));
    assert_eq!(
        p.amount_fen.map(Fen::to_capitals).as_deref(),
        Some("伍拾万元整")
    );
}

// ---------- bad input: each names its field ----------

#[test]
fn negative_amount_is_refused_at_amount_fen() {
    let e = refused(
        with_decision(
            "payment_receipt",
            "2025-06-27",
            &set(receipt_000_he(), "amount_fen", json!(-3_088_000)),
        ),
        "payload.amount_fen",
    );
    assert!(e.rule.contains("negative"), "{}", e.rule);
}

#[test]
fn fractional_fen_is_refused_at_amount_fen() {
    let e = refused(
        with_decision(
            "payment_receipt",
            "2025-06-27",
            &set(receipt_000_he(), "amount_fen", json!(100.5)),
        ),
        "payload.amount_fen",
    );
    assert!(e.rule.contains("100.5"), "{}", e.rule);
}

#[test]
fn amount_as_a_string_is_refused_at_amount_fen() {
    refused(
        with_decision(
            "payment_receipt",
            "2025-06-27",
            &set(receipt_000_he(), "amount_fen", json!("3088000")),
        ),
        "payload.amount_fen",
    );
}

#[test]
fn a_payment_of_zero_is_refused() {
    refused(
        with_decision(
            "payment_receipt",
            "2025-06-27",
            &set(receipt_000_he(), "amount_fen", json!(0)),
        ),
        "payload.amount_fen",
    );
}

#[test]
fn capitals_that_do_not_match_the_amount_are_refused_naming_both() {
    let p = set(penalty_000_company(), "amount_fen", json!(40_000_000u64));
    let p = set(p, "amount_as_written", Value::Null);
    let e = refused(
        validate("penalty_decision", "2025-06-05", &p, &[]),
        "payload.amount_capitals",
    );
    assert!(
        e.rule.starts_with(
            "capitals 伍拾万元整 mean 500000.00 yuan but amount_fen is 400000.00 yuan"
        ),
        "{}",
        e.rule
    );
}

#[test]
fn unreadable_capitals_are_refused() {
    let p = set(
        penalty_000_he(),
        "amount_capitals",
        json!("叁万捌佰捌拾元整伍"),
    );
    refused(
        validate("penalty_decision", "2025-06-05", &p, &[]),
        "payload.amount_capitals",
    );
}

#[test]
fn figures_as_written_that_do_not_match_are_refused() {
    let p = set(penalty_000_he(), "amount_as_written", json!("38080 元"));
    refused(
        validate("penalty_decision", "2025-06-05", &p, &[]),
        "payload.amount_as_written",
    );
}

#[test]
fn unknown_measure_is_refused_listing_the_allowed_ones() {
    let p = set(
        discipline_001_ren(),
        "measures",
        json!(["serious_party_warning", "severe_warning"]),
    );
    let e = refused(
        validate("disciplinary_action", "2024-05-31", &p, &[]),
        "payload.measures[1]",
    );
    assert!(
        e.rule.contains("party_warning (党内警告)") && e.rule.contains("interview (约谈)"),
        "{}",
        e.rule
    );
}

#[test]
fn internal_sanction_without_its_wording_is_refused() {
    let mut p = discipline_000_internal();
    p.as_object_mut().unwrap().remove("internal_measure");
    refused(
        validate("disciplinary_action", "2026-05-22", &p, &[]),
        "payload.internal_measure",
    );
}

#[test]
fn a_nonexistent_event_date_is_refused() {
    let e = refused(
        validate("case", "2023-02-29", &case_000(), &[]),
        "event_date",
    );
    assert!(e.rule.contains("February 2023 has 28 days"), "{}", e.rule);
}

#[test]
fn a_nonexistent_date_in_the_payload_is_refused() {
    let p = set(deferral_000(), "applied_on", json!("2025-06-31"));
    refused(
        with_decision("payment_deferral", "2025-06-20", &p),
        "payload.applied_on",
    );
}

#[test]
fn a_deferral_approved_before_it_was_applied_for_is_refused() {
    let e = refused(
        with_decision("payment_deferral", "2025-06-17", &deferral_000()),
        "payload.applied_on",
    );
    assert!(
        e.rule.contains("approval cannot precede application"),
        "{}",
        e.rule
    );
}

#[test]
fn a_payment_referencing_the_wrong_kind_is_refused_at_that_ref() {
    let action = discipline_001_ren();
    let refs = [entry("disciplinary_action", 4, "2024-05-31", &action)];
    let e = refused(
        validate("payment_receipt", "2025-06-27", &receipt_000_he(), &refs),
        "refs[0]",
    );
    assert!(
        e.rule.contains("is a disciplinary_action") && e.rule.contains("penalty_decision"),
        "{}",
        e.rule
    );
}

#[test]
fn a_payment_without_its_decision_is_refused_at_refs() {
    let e = refused(
        validate("payment_receipt", "2025-06-27", &receipt_000_he(), &[]),
        "refs",
    );
    assert!(
        e.rule.contains("exactly one penalty_decision"),
        "{}",
        e.rule
    );
}

#[test]
fn a_payment_with_two_decisions_is_refused_at_the_second() {
    let (a, b) = (penalty_000_company(), penalty_000_he());
    let refs = [
        entry("penalty_decision", 3, "2025-06-05", &a),
        entry("penalty_decision", 4, "2025-06-05", &b),
    ];
    refused(
        validate("payment_receipt", "2025-06-27", &receipt_000_he(), &refs),
        "refs[1]",
    );
}

#[test]
fn an_outcome_must_reference_a_criminal_referral() {
    let rec = recommendation_001_sun();
    let refs = [entry("recommendation", 2, "2021-03-01", &rec)];
    refused(
        validate("prosecution_outcome", "2020-11-30", &outcome_004(), &refs),
        "refs[0]",
    );
    refused(
        validate("prosecution_outcome", "2020-11-30", &outcome_004(), &[]),
        "refs",
    );
}

#[test]
fn an_unknown_field_is_refused_by_name() {
    let p = set(receipt_000_he(), "amont_fen", json!(1));
    let e = refused(
        with_decision("payment_receipt", "2025-06-27", &p),
        "payload.amont_fen",
    );
    assert!(e.rule.contains("not a field"), "{}", e.rule);
}

#[test]
fn a_missing_required_field_is_refused_by_name() {
    let mut p = receipt_000_he();
    p.as_object_mut().unwrap().remove("payer");
    refused(
        with_decision("payment_receipt", "2025-06-27", &p),
        "payload.payer",
    );
}

#[test]
fn nested_errors_name_the_list_element() {
    let mut d = directive_003();
    d["tasks"][2]["units"] = json!([]);
    refused(
        validate("directive", "2024-02-04", &d, &[]),
        "payload.tasks[2].units",
    );
    d["tasks"][2]["units"] = json!([31]);
    refused(
        validate("directive", "2024-02-04", &d, &[]),
        "payload.tasks[2].units[0]",
    );
}

#[test]
fn task_numbers_must_rise() {
    let mut d = directive_003();
    d["tasks"][3]["number"] = json!(30);
    refused(
        validate("directive", "2024-02-04", &d, &[]),
        "payload.tasks[3].number",
    );
}

#[test]
fn a_payload_that_is_not_an_object_is_refused() {
    refused(
        validate("case", "2024-11-25", &json!([1, 2]), &[]),
        "payload",
    );
}

#[test]
fn core_and_unknown_kinds_are_refused_at_kind() {
    let e = refused(validate("genesis", "2024-11-25", &json!({}), &[]), "kind");
    assert!(e.rule.contains("ledger core"), "{}", e.rule);
    refused(validate("fine", "2024-11-25", &json!({}), &[]), "kind");
}

#[test]
fn a_malformed_document_number_is_refused() {
    let p = set(
        outcome_004(),
        "document_number",
        json!("长净检一部刑不诉50号"),
    );
    let referral = referral_004();
    let refs = [entry("criminal_referral", 8, "2019-12-16", &referral)];
    refused(
        validate("prosecution_outcome", "2020-11-30", &p, &refs),
        "payload.document_number",
    );
}

#[test]
fn a_legal_basis_must_name_its_article() {
    let mut p = discipline_001_ren();
    p["legal_basis"][1]["article"] = json!("第一百五十八款");
    refused(
        validate("disciplinary_action", "2024-05-31", &p, &[]),
        "payload.legal_basis[1].article",
    );
}

#[test]
fn an_ordinary_accident_cannot_have_three_deaths() {
    refused(
        validate(
            "case",
            "2024-11-25",
            &set(case_000(), "deaths", json!(3)),
            &[],
        ),
        "payload.deaths",
    );
}

#[test]
fn a_case_named_for_another_day_is_refused() {
    let e = refused(
        validate("case", "2024-11-24", &case_000(), &[]),
        "payload.name",
    );
    assert!(e.rule.contains("11·25"), "{}", e.rule);
}

#[test]
fn a_report_published_before_its_approval_is_refused() {
    let mut c = case_000();
    c["investigation"]["published_on"] = json!("2025-03-18");
    refused(
        validate("case", "2024-11-25", &c, &[]),
        "payload.investigation.published_on",
    );
}

#[test]
fn an_approximate_loss_whose_text_disagrees_is_refused() {
    let mut c = case_001();
    c["direct_economic_loss"]["qualifier"] = json!("exact");
    let e = refused(
        validate("case", "2020-11-24", &c, &[]),
        "payload.direct_economic_loss.as_written",
    );
    assert!(e.rule.contains("over"), "{}", e.rule);
}

#[test]
fn a_group_needs_a_count() {
    let mut p = referral_004();
    p["subject"].as_object_mut().unwrap().remove("count");
    refused(
        validate("criminal_referral", "2019-12-16", &p, &[]),
        "payload.subject.count",
    );
}

#[test]
fn not_pursued_needs_a_reason() {
    let mut p = recommendation_000_ha();
    p.as_object_mut().unwrap().remove("not_pursued_reason");
    refused(
        validate("recommendation", "2025-04-01", &p, &[]),
        "payload.not_pursued_reason",
    );
}

#[test]
fn more_hazards_fixed_than_found_is_refused() {
    let mut p = rectification_001_station();
    p["hazards"][0]["fixed"] = json!(66);
    refused(
        validate("rectification_report", "2024-07-05", &p, &[]),
        "payload.hazards[0].fixed",
    );
}

#[test]
fn a_finding_item_resting_on_a_missing_ref_is_refused() {
    let r = FindingRefs::new();
    let mut f = finding_000();
    f["items"][2]["rests_on"] = json!([4, 5]);
    refused(
        validate("verification_finding", "2026-05-22", &f, &r.refs()),
        "payload.items[2].rests_on[1]",
    );
}

#[test]
fn a_finding_ref_that_no_item_rests_on_is_refused() {
    let r = FindingRefs::new();
    let mut f = finding_000();
    f["items"][1]["rests_on"] = json!([1, 2]);
    refused(
        validate("verification_finding", "2026-05-22", &f, &r.refs()),
        "refs[3]",
    );
}

#[test]
fn a_favourable_verdict_resting_on_nothing_is_refused() {
    let mut f = finding_000();
    f["items"][0]["rests_on"] = json!([]);
    refused(
        Record::parse("verification_finding", &f).map(|_| ()),
        "payload.items[0].rests_on",
    );
}

#[test]
fn an_unknown_verdict_is_refused() {
    let mut f = finding_000();
    f["items"][0]["verdict"] = json!("落实到位");
    let e = refused(
        Record::parse("verification_finding", &f).map(|_| ()),
        "payload.items[0].verdict",
    );
    assert!(
        e.rule.contains("fully_implemented (落实到位)"),
        "{}",
        e.rule
    );
}

#[test]
fn a_correction_must_change_the_value() {
    let receipt = receipt_000_company();
    let refs = [entry("payment_receipt", 9, "2025-10-30", &receipt)];
    let c = set(
        correction_000(),
        "corrected_value",
        json!(500_000_000_000u64),
    );
    refused(
        validate("correction", "2026-06-01", &c, &refs),
        "payload.corrected_value",
    );
}

#[test]
fn a_correction_to_an_invalid_value_is_refused() {
    let receipt = receipt_000_company();
    let refs = [entry("payment_receipt", 9, "2025-10-30", &receipt)];
    let c = set(correction_000(), "corrected_value", json!(-5));
    let e = refused(
        validate("correction", "2026-06-01", &c, &refs),
        "payload.corrected_value",
    );
    assert!(e.rule.contains("payload.amount_fen"), "{}", e.rule);
}

#[test]
fn a_correction_of_a_field_the_entry_lacks_is_refused() {
    let receipt = receipt_000_company();
    let refs = [entry("payment_receipt", 9, "2025-10-30", &receipt)];
    let c = set(
        correction_000(),
        "corrected_field",
        json!("payload.party.name"),
    );
    refused(
        validate("correction", "2026-06-01", &c, &refs),
        "payload.corrected_field",
    );
}

#[test]
fn a_correction_must_reference_exactly_one_entry() {
    refused(
        validate("correction", "2026-06-01", &correction_000(), &[]),
        "refs",
    );
}

// ---------- money, capitals, dates, labels ----------

/// Known answers: the seeds' amounts, and the examples of 中国人民银行
/// 《正确填写票据和结算凭证的基本规定》 (1409.50, 6007.14, 1680.32, 107000.53, 16409.02).
#[test]
fn capitals_follow_the_bank_rules() {
    let cases: [(u64, &str); 14] = [
        (140_950, "壹仟肆佰零玖元伍角"),
        (600_714, "陆仟零柒元壹角肆分"),
        (168_032, "壹仟陆佰捌拾元叁角贰分"),
        (10_700_053, "壹拾万柒仟元伍角叁分"),
        (50_000_000, "伍拾万元整"),
        (3_088_000, "叁万零捌佰捌拾元整"),
        (6_000_000 * 10, "陆拾万元整"),
        (10_050, "壹佰元伍角"),
        (1_640_902, "壹万陆仟肆佰零玖元零贰分"),
        (0, "零元整"),
        (1_000, "壹拾元整"),
        (10_000_000_500, "壹亿零伍元整"),
        (100_500_000, "壹佰万伍仟元整"),
        (500_000_000_000, "伍拾亿元整"),
    ];
    for (fen, text) in cases {
        assert_eq!(Fen::new(fen).unwrap().to_capitals(), text, "{fen}");
        assert_eq!(Fen::parse_capitals(text).unwrap().as_u64(), fen, "{text}");
    }
}

#[test]
fn the_largest_amount_round_trips_and_one_fen_more_is_refused() {
    assert_eq!(Fen::parse_capitals(&Fen::MAX.to_capitals()), Ok(Fen::MAX));
    assert_eq!(Fen::new(Fen::MAX.as_u64() + 1), None);
    let p = set(receipt_000_he(), "amount_fen", json!(Fen::MAX.as_u64() + 1));
    refused(
        with_decision("payment_receipt", "2025-06-27", &p),
        "payload.amount_fen",
    );
}

#[test]
fn capitals_parse_common_variants() {
    for (text, fen) in [
        ("陆拾万元", 60_000_000u64),
        ("人民币伍拾万元整", 50_000_000),
        ("拾万元整", 10_000_000),
        ("零元伍角", 50),
        ("伍角", 50),
        ("壹佰圆正", 10_000),
        ("壹佰万零伍仟元整", 100_500_000),
        ("壹仟陆佰捌拾元零叁角贰分", 168_032),
    ] {
        assert_eq!(Fen::parse_capitals(text).unwrap().as_u64(), fen, "{text}");
    }
}

#[test]
fn ambiguous_capitals_are_refused() {
    assert!(Fen::parse_capitals("壹佰伍元").is_err());
    assert!(Fen::parse_capitals("壹万伍元").is_err());
    assert!(Fen::parse_capitals("伍拾万").is_err());
}

#[test]
fn display_yuan_has_two_decimals() {
    assert_eq!(Fen::new(50_000_000).unwrap().display_yuan(), "500000.00");
    assert_eq!(Fen::new(5).unwrap().display_yuan(), "0.05");
}

#[test]
fn amounts_as_written_keep_their_qualifier() {
    assert_eq!(
        parse_amount("115万余元").unwrap(),
        (Fen::new(115_000_000).unwrap(), Qualifier::Over)
    );
    assert_eq!(
        parse_amount("约450万元").unwrap(),
        (Fen::new(450_000_000).unwrap(), Qualifier::About)
    );
    assert_eq!(
        parse_amount("420.24万元").unwrap(),
        (Fen::new(420_240_000).unwrap(), Qualifier::Exact)
    );
    assert_eq!(
        parse_amount("500000 万元").unwrap().0,
        Fen::new(500_000_000_000).unwrap()
    );
    assert_eq!(
        parse_amount("1.234567万元").unwrap().0,
        Fen::new(1_234_567).unwrap()
    );
    assert!(parse_amount("1.2345678万元").is_err(), "finer than a fen");
}

#[test]
fn approximate_times_keep_the_text_and_read_the_clock() {
    let t = ApproxTime::parse("11时15分许").unwrap();
    assert_eq!(
        (t.hour(), t.minute(), t.is_approximate(), t.as_written()),
        (11, Some(15), true, "11时15分许")
    );
    assert_eq!(ApproxTime::parse("上午10时许").unwrap().hour(), 10);
    assert_eq!(ApproxTime::parse("下午3时").unwrap().hour(), 15);
    assert!(!ApproxTime::parse("14:30").unwrap().is_approximate());
    assert!(ApproxTime::parse("25时许").is_err());
}

#[test]
fn dates_must_exist() {
    assert!(Date::parse("2024-02-29").is_ok());
    assert!(Date::parse("2023-02-29").is_err());
    assert!(Date::parse("2025-13-01").is_err());
    assert!(Date::parse("2025-6-5").is_err());
}

#[test]
fn every_kind_and_measure_has_a_chinese_label() {
    for kind in RECORD_KINDS {
        assert!(kind_label(kind).is_some(), "{kind}");
    }
    assert_eq!(kind_label("penalty_decision"), Some("行政处罚决定"));
    assert_eq!(kind_label("genesis"), None);
    assert_eq!(field_label("amount_capitals"), Some("金额大写"));
    assert_eq!(Measure::SeriousPartyWarning.label(), "党内严重警告");
}

#[test]
fn capitals_round_trip_for_every_amount_up_to_2000_yuan() {
    for fen in 0..=200_000 {
        let amount = Fen::new(fen).unwrap();
        assert_eq!(Fen::parse_capitals(&amount.to_capitals()), Ok(amount));
    }
}

/// Amounts up to 10^12 fen with most digits zeroed, where the 零 rules bite.
fn zero_heavy_fen() -> impl Strategy<Value = u64> {
    (0u64..=1_000_000_000_000, any::<u16>()).prop_map(|(fen, mask)| {
        let mut digits: Vec<u64> = (0..13).map(|i| (fen / 10u64.pow(i)) % 10).collect();
        for (i, d) in digits.iter_mut().enumerate() {
            if mask & (1 << i) != 0 {
                *d = 0;
            }
        }
        digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * 10u64.pow(i as u32))
            .sum::<u64>()
            .min(1_000_000_000_000)
    })
}

proptest! {
    #[test]
    fn capitals_round_trip_for_every_amount_up_to_10_12_fen(fen in 0u64..=1_000_000_000_000) {
        let amount = Fen::new(fen).unwrap();
        prop_assert_eq!(Fen::parse_capitals(&amount.to_capitals()), Ok(amount));
    }

    #[test]
    fn capitals_round_trip_for_amounts_full_of_zeros(fen in zero_heavy_fen()) {
        let amount = Fen::new(fen).unwrap();
        prop_assert_eq!(Fen::parse_capitals(&amount.to_capitals()), Ok(amount));
    }
}

// ---------- undated documents: date bases on every dated kind ----------

#[test]
fn recommendation_accepts_a_bound_on_an_undated_report() {
    let p = set(
        recommendation_001_sun(),
        "event_date_basis",
        json!("no_later_than"),
    );
    validate("recommendation", "2024-05-17", &p, &[]).unwrap();
}

#[test]
fn finding_may_start_after_a_lower_bound_on_its_date() {
    let p = set(
        set(finding_000(), "event_date_basis", json!("no_earlier_than")),
        "started_on",
        json!("2026-05-07"),
    );
    let refs = FindingRefs::new();
    validate("verification_finding", "2026-05-01", &p, &refs.refs()).unwrap();
    let stated = set(finding_000(), "started_on", json!("2026-05-07"));
    refused(
        validate("verification_finding", "2026-05-01", &stated, &refs.refs()),
        "payload.started_on",
    );
}

#[test]
fn deferral_applied_after_a_lower_bound_on_its_approval_is_accepted() {
    let p = set(deferral_000(), "event_date_basis", json!("no_earlier_than"));
    with_decision("payment_deferral", "2025-06-10", &p).unwrap();
    refused(
        with_decision("payment_deferral", "2025-06-10", &deferral_000()),
        "payload.applied_on",
    );
}
