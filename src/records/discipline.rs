//! `disciplinary_action`, `criminal_referral`, `prosecution_outcome`.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::enums::{DateBasis, Measure, OutcomeKind};
use super::error::{fail, RecordError};
use super::party::Party;
use super::record::Rules;
use super::text::{DocNumber, LegalBasis, Text};

/// A disciplinary, accountability or internal measure taken against a person
/// or unit. Event date: the day of the decision (or of the talk). References:
/// at most one `recommendation` it carries out.
///
/// ```json
/// {"authority": "米东区纪委监委", "deciding_body": "米东区纪委常委会",
///  "subject": {"party_type": "person", "name": "任**", "position": "时任…党组成员、副局长"},
///  "measures": ["serious_party_warning"],
///  "legal_basis": [{"law": "中国共产党纪律处分条例", "article": "第一百五十八条", "paragraph": "第二款"}]}
/// {"authority": "博乐市 XXXX 有限责任公司", "subject": {"party_type": "person", "name": "何某", "position": "安全副厂长"},
///  "measures": ["internal_sanction"], "internal_measure": "撤职处分"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisciplinaryAction {
    /// The authority that acted: `区纪委监委`, `长春市纪委监委`, a bureau, a
    /// company; absent when the document does not name it (document 002's counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<Text>,
    /// The body that decided (经…研究): `米东区纪委常委会`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deciding_body: Option<Text>,
    /// For a talk: who held it, as written: `区委常委、纪委书记王*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conducted_by: Option<Text>,
    /// Who is disciplined, with position at the time; a group for counts only.
    pub subject: Party,
    /// The measures, at least one, each once: `["admonishment_talk", "written_self_criticism"]`.
    pub measures: Vec<Measure>,
    /// The internal measure as written (`警告处分一次并向总公司作深刻检讨一份`);
    /// required exactly when `measures` holds `internal_sanction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_measure: Option<Text>,
    /// The provisions it rests on, to the article.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<LegalBasis>,
    /// The decision's document number: `长监立【2019】151号`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<DocNumber>,
    /// What the subject was required to do, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<Text>,
    /// Whether the event date is the stated decision date or only a bound.
    #[serde(default, skip_serializing_if = "DateBasis::is_stated")]
    pub event_date_basis: DateBasis,
}

impl Rules for DisciplinaryAction {
    /// Rules: the subject's own rules; at least one measure, none twice;
    /// `internal_measure` exactly with `internal_sanction`; legal bases well formed.
    fn check(&self, _event_date: Option<Date>) -> Result<(), RecordError> {
        self.subject.check("payload.subject")?;
        if self.measures.is_empty() {
            return fail("payload.measures", "name at least one measure");
        }
        for (i, m) in self.measures.iter().enumerate() {
            if self.measures[..i].contains(m) {
                return fail(
                    format!("payload.measures[{i}]"),
                    format!("{} is listed twice", m.name()),
                );
            }
        }
        let internal = self.measures.contains(&Measure::InternalSanction);
        match (internal, &self.internal_measure) {
            (true, None) => {
                return fail(
                    "payload.internal_measure",
                    "internal_sanction needs the internal measure as written",
                )
            }
            (false, Some(_)) => {
                return fail(
                    "payload.internal_measure",
                    "given, but measures do not include internal_sanction",
                )
            }
            _ => {}
        }
        for (i, basis) in self.legal_basis.iter().enumerate() {
            basis.check(&format!("payload.legal_basis[{i}]"))?;
        }
        Ok(())
    }
}

/// A referral to the judicial organs (移送司法机关). Event date: the day of
/// the referral. References: at most one `recommendation` it carries out.
///
/// ```json
/// {"referred_by": "事故调查组", "subject": {"party_type": "group", "count": 2,
///  "description": "吉林省中奥能源电力工程有限公司涉嫌犯罪的事故责任人员"}}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriminalReferral {
    /// Who referred (`事故调查组`, `市应急管理局`); absent when the document does not name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referred_by: Option<Text>,
    /// Who received the referral: `公安机关`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_by: Option<Text>,
    /// Who is referred: a person, or a group known only by count.
    pub subject: Party,
    /// The suspected offence as written: `重大责任事故罪`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspected_offence: Option<Text>,
    /// The referral's document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<DocNumber>,
    /// Whether the event date is the stated referral date or only a bound.
    #[serde(default, skip_serializing_if = "DateBasis::is_stated")]
    pub event_date_basis: DateBasis,
}

impl Rules for CriminalReferral {
    /// Rules: the subject's own rules.
    fn check(&self, _event_date: Option<Date>) -> Result<(), RecordError> {
        self.subject.check("payload.subject")
    }
}

/// What came of a referral: a non-prosecution decision, a prosecution, a
/// judgment. Event date: the day of the decision. References: exactly one
/// `criminal_referral` (several outcomes may answer one referral of a group).
///
/// ```json
/// {"outcome": "non_prosecution", "document_number": "长净检一部刑不诉【2020】50号",
///  "subject": {"party_type": "group", "count": 1, "description": "涉嫌犯罪的事故责任人员"}}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProsecutionOutcome {
    /// The procuratorate or court, when the document names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<Text>,
    /// What was decided.
    pub outcome: OutcomeKind,
    /// Whom it concerns.
    pub subject: Party,
    /// The decision's document number: `长净检一部刑不诉【2020】50号`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<DocNumber>,
    /// The provisions it rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<LegalBasis>,
    /// The sentence as written; only for `convicted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence: Option<Text>,
    /// Whether the event date is the stated decision date or only a bound.
    #[serde(default, skip_serializing_if = "DateBasis::is_stated")]
    pub event_date_basis: DateBasis,
}

impl Rules for ProsecutionOutcome {
    /// Rules: the subject's own rules (a unit may be prosecuted too, 单位犯罪);
    /// a sentence only on conviction; legal bases well formed.
    fn check(&self, _event_date: Option<Date>) -> Result<(), RecordError> {
        self.subject.check("payload.subject")?;
        if self.sentence.is_some() && self.outcome != OutcomeKind::Convicted {
            return fail(
                "payload.sentence",
                format!("a sentence needs a conviction, not {}", self.outcome.name()),
            );
        }
        for (i, basis) in self.legal_basis.iter().enumerate() {
            basis.check(&format!("payload.legal_basis[{i}]"))?;
        }
        Ok(())
    }
}
