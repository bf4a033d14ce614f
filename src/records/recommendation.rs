//! `recommendation`: how an investigation report says a party is to be handled.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::enums::{DateBasis, HandlingKind, Measure};
use super::error::{fail, RecordError};
use super::party::Party;
use super::record::Rules;
use super::text::Text;

/// One handling recommendation (处理建议) of an investigation report, or a
/// decision not to pursue. Event date: the day the report was approved.
/// References: at most one `case` (optional: the statement's case id already
/// ties it to its case).
///
/// ```json
/// {"party": {"party_type": "person", "name": "孙**", "position": "时任乌鲁木齐市米东区市政市容环卫管理站实际负责人"},
///  "handling": "accountability", "measure": "interview",
///  "handling_as_written": "由乌鲁木齐市米东区城市管理局（城市管理行政执法局）对其进行约谈",
///  "authority": "乌鲁木齐市米东区城市管理局（城市管理行政执法局）"}
/// {"party": {"party_type": "person", "name": "哈某", "position": "事故直接责任人"},
///  "handling": "not_pursued", "handling_as_written": "不予追究其责任",
///  "not_pursued_reason": "鉴于哈某已在此次事故中死亡"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// Who is to be handled, with position at the time.
    pub party: Party,
    /// The kind of handling recommended.
    pub handling: HandlingKind,
    /// The recommendation as written.
    pub handling_as_written: Text,
    /// The measure, when the report names one (约谈 → `interview`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
    /// The authority that is to carry it out; required unless not pursued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<Text>,
    /// Why it is not pursued; required exactly when `handling` is `not_pursued`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_pursued_reason: Option<Text>,
    /// The report's title, without 《》.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_title: Option<Text>,
    /// Where in the report, as written: `（一）`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Text>,
    /// Whether the event date is the stated approval date or only a bound
    /// (document 001 quotes the recommendations without dating the report).
    #[serde(default, skip_serializing_if = "DateBasis::is_stated")]
    pub event_date_basis: DateBasis,
}

impl Rules for Recommendation {
    /// Rules: the party's own rules; a reason exactly when not pursued; an
    /// authority unless not pursued; a measure only for accountability or an
    /// internal sanction, and `internal_sanction` only for the latter.
    fn check(&self, _event_date: Option<Date>) -> Result<(), RecordError> {
        self.party.check("payload.party")?;
        let not_pursued = self.handling == HandlingKind::NotPursued;
        match (not_pursued, &self.not_pursued_reason) {
            (true, None) => {
                return fail(
                    "payload.not_pursued_reason",
                    "a recommendation not to pursue must say why",
                )
            }
            (false, Some(_)) => {
                return fail(
                    "payload.not_pursued_reason",
                    format!(
                        "given, but the handling is {}, not not_pursued",
                        self.handling.name()
                    ),
                )
            }
            _ => {}
        }
        if !not_pursued && self.authority.is_none() {
            return fail(
                "payload.authority",
                "name the authority that is to carry out the recommendation",
            );
        }
        if let Some(measure) = self.measure {
            let fits = match self.handling {
                HandlingKind::Accountability => measure != Measure::InternalSanction,
                HandlingKind::InternalSanction => true,
                _ => false,
            };
            if !fits {
                return fail(
                    "payload.measure",
                    format!(
                        "{} does not fit a handling of {}",
                        measure.name(),
                        self.handling.name()
                    ),
                );
            }
        }
        Ok(())
    }
}
