//! Closed vocabularies: each value has an English JSON name and a Chinese label.
//!
//! An unknown name is refused with the list of allowed values and their
//! labels, e.g. `"warning" is not a known measure; allowed: party_warning
//! (党内警告), serious_party_warning (党内严重警告), …`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::date::StrVisitor;

macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $json:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = $label] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The English name used in JSON.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $json),+ }
            }

            /// The Chinese display label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The value with this JSON name.
            pub fn from_name(name: &str) -> Option<$name> {
                match name { $($json => Some($name::$variant),)+ _ => None }
            }

            fn parse(name: &str) -> Result<$name, String> {
                $name::from_name(name).ok_or_else(|| {
                    let allowed: Vec<String> = $name::ALL
                        .iter()
                        .map(|v| format!("{} ({})", v.name(), v.label()))
                        .collect();
                    format!("{name:?} is not a known {}; allowed: {}", $what, allowed.join(", "))
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                d.deserialize_str(StrVisitor($what, $name::parse))
            }
        }
    };
}

labelled_enum! {
    /// Who a party is: a named person, a named unit, or people known only by count.
    PartyType, "party type" {
        Person = "person", "个人";
        Unit = "unit", "单位";
        /// Persons the document gives only as a count (“8名责任人员”).
        Group = "group", "人员（仅载明人数）";
    }
}

labelled_enum! {
    /// Accident grade (事故等级) under the 生产安全事故报告和调查处理条例.
    Grade, "accident grade" {
        Ordinary = "ordinary", "一般事故";
        Larger = "larger", "较大事故";
        Major = "major", "重大事故";
        Extraordinary = "extraordinary", "特别重大事故";
    }
}

labelled_enum! {
    /// How exact a written figure is: “138万元”, “115万余元”, “约450万元”.
    #[derive(Default)]
    Qualifier, "qualifier" {
        #[default]
        Exact = "exact", "确数";
        /// “余”, “多”, “以上”: more than the figure.
        Over = "over", "余（多于）";
        /// “约”, “左右”: about the figure.
        About = "about", "约";
    }
}

labelled_enum! {
    /// What the event date of a statement means.
    #[derive(Default)]
    DateBasis, "date basis" {
        /// The document states this date for the fact.
        #[default]
        Stated = "stated", "文件载明日期";
        /// The document does not date the fact; it happened no later than this
        /// date (the date of the report that states it).
        NoLaterThan = "no_later_than", "不晚于（以报告日期计）";
        /// The document does not date the fact and is itself undated; the
        /// fact happened no earlier than this date (the latest date the
        /// document gives for what precedes it).
        NoEarlierThan = "no_earlier_than", "不早于（文件未载明日期，以文件所载最晚日期计）";
    }
}

impl DateBasis {
    /// Whether this is the default, [`DateBasis::Stated`].
    pub fn is_stated(&self) -> bool {
        *self == DateBasis::Stated
    }
}

labelled_enum! {
    /// How an investigation report recommends a party be handled (处理建议).
    HandlingKind, "handling" {
        AdministrativePenalty = "administrative_penalty", "行政处罚";
        /// Accountability by a 纪委监委, Party organisation or superior (处分、问责).
        Accountability = "accountability", "追责问责";
        CriminalReferral = "criminal_referral", "移送司法机关";
        InternalSanction = "internal_sanction", "单位内部处理";
        /// Not pursued, e.g. because the person died in the accident.
        NotPursued = "not_pursued", "不予追究";
        Other = "other", "其他";
    }
}

labelled_enum! {
    /// A disciplinary, accountability or internal measure (处分、问责、处理措施).
    Measure, "measure" {
        PartyWarning = "party_warning", "党内警告";
        SeriousPartyWarning = "serious_party_warning", "党内严重警告";
        RemovalFromPartyPosts = "removal_from_party_posts", "撤销党内职务";
        PartyProbation = "party_probation", "留党察看";
        ExpulsionFromParty = "expulsion_from_party", "开除党籍";
        GovernmentWarning = "government_warning", "政务警告";
        GovernmentDemerit = "government_demerit", "政务记过";
        GovernmentMajorDemerit = "government_major_demerit", "政务记大过";
        GovernmentDemotion = "government_demotion", "政务降级";
        DismissalFromPost = "dismissal_from_post", "撤职";
        GovernmentExpulsion = "government_expulsion", "开除（公职）";
        AdmonishmentTalk = "admonishment_talk", "诫勉谈话";
        ReminderTalk = "reminder_talk", "提醒谈话";
        Interview = "interview", "约谈";
        CriticismAndEducation = "criticism_and_education", "批评教育";
        WrittenSelfCriticism = "written_self_criticism", "书面检查";
        CirculatedCriticism = "circulated_criticism", "通报批评";
        SuspensionForInspection = "suspension_for_inspection", "停职检查";
        OrderedResignation = "ordered_resignation", "责令辞职";
        RemovalFromOffice = "removal_from_office", "免职";
        Demotion = "demotion", "降职";
        /// A sanction the document names only as 纪律处分, without its kind.
        DisciplinarySanctionUnspecified = "disciplinary_sanction_unspecified", "纪律处分（种类未载明）";
        /// A unit's or company's own sanction; its wording goes in `internal_measure`.
        InternalSanction = "internal_sanction", "单位内部处理";
    }
}

impl Measure {
    /// Whether this is a formal Party or government sanction (党纪处分/政务处分),
    /// as opposed to a talk, criticism, organisational step or internal measure.
    pub fn is_formal_sanction(self) -> bool {
        use Measure::*;
        matches!(
            self,
            PartyWarning
                | SeriousPartyWarning
                | RemovalFromPartyPosts
                | PartyProbation
                | ExpulsionFromParty
                | GovernmentWarning
                | GovernmentDemerit
                | GovernmentMajorDemerit
                | GovernmentDemotion
                | DismissalFromPost
                | GovernmentExpulsion
                | DisciplinarySanctionUnspecified
        )
    }
}

labelled_enum! {
    /// What the judicial side decided on a referral.
    OutcomeKind, "prosecution outcome" {
        /// 不起诉决定, e.g. 长净检一部刑不诉【2020】50号.
        NonProsecution = "non_prosecution", "不起诉";
        Prosecuted = "prosecuted", "提起公诉";
        Convicted = "convicted", "有罪判决";
        Acquitted = "acquitted", "无罪判决";
        CaseDropped = "case_dropped", "撤销案件";
        Other = "other", "其他";
    }
}

labelled_enum! {
    /// An assessment group's verdict on one item (评估结论).
    Verdict, "verdict" {
        FullyImplemented = "fully_implemented", "落实到位";
        BasicallyImplemented = "basically_implemented", "基本落实";
        NotImplemented = "not_implemented", "未落实";
    }
}

labelled_enum! {
    /// Which half of an assessment an item belongs to.
    FindingArea, "finding area" {
        Accountability = "accountability", "责任追究落实";
        Rectification = "rectification", "整改措施落实";
        Other = "other", "其他";
    }
}
