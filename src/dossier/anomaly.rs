//! Anomalies: what does not add up in a case, and the date bounds used to
//! decide it only when it is certain.

use serde::Serialize;

use crate::ids::Seq;
use crate::records::{Date, DateBasis};

macro_rules! anomaly_kinds {
    ($( $(#[$m:meta])* $variant:ident = $name:literal, $label:literal; )+) => {
        /// What kind of anomaly.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum AnomalyKind {
            $( $(#[$m])* $variant, )+
        }

        impl AnomalyKind {
            /// Every kind.
            pub const ALL: &'static [AnomalyKind] = &[$(AnomalyKind::$variant),+];

            /// The stable English name used in JSON.
            pub fn name(self) -> &'static str {
                match self { $(AnomalyKind::$variant => $name),+ }
            }

            /// The Chinese label.
            pub fn label(self) -> &'static str {
                match self { $(AnomalyKind::$variant => $label),+ }
            }
        }
    };
}

anomaly_kinds! {
    /// A payment larger than what was outstanding on its decision.
    PaymentMismatch = "payment_mismatch", "缴款金额与处罚决定不符";
    /// A payment dated before the decision it pays.
    PaymentBeforeDecision = "payment_before_decision", "缴款日期早于处罚决定";
    /// An event date later than the day the ledger recorded the entry.
    EventAfterRecorded = "event_after_recorded", "事件日期晚于记录时间";
    /// A fine not paid in full by its deadline, as of the dossier's date.
    FineOverdue = "fine_overdue", "罚款逾期未缴清";
    /// A fine paid in full, but after its deadline.
    FinePaidLate = "fine_paid_late", "罚款逾期缴纳";
    /// An entry that a later correction changes.
    CorrectedEntry = "corrected_entry", "记录已更正";
    /// A reference to an entry outside the case, or to none at all.
    RefOutsideCase = "ref_outside_case", "引用记录不在本案卷中";
    /// A payload that breaks the rules of its kind (a ledger without record rules).
    InvalidRecord = "invalid_record", "记录不符合类型规范";
}

impl Serialize for AnomalyKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// One anomaly: which entry, which others it involves, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// What kind.
    pub kind: AnomalyKind,
    /// The kind in Chinese.
    pub label: &'static str,
    /// The entry it is about (a payment, a decision, a corrected entry).
    pub entry: Seq,
    /// The other entries involved (the decision a payment pays, the correction).
    pub related: Vec<Seq>,
    /// What is wrong, in words, with the figures.
    pub message: String,
    /// The correction after which the figures add up, if one does.
    pub resolved_by: Option<Seq>,
}

impl Anomaly {
    /// An unresolved anomaly.
    pub fn new(kind: AnomalyKind, entry: Seq, related: Vec<Seq>, message: String) -> Self {
        Anomaly {
            kind,
            label: kind.label(),
            entry,
            related,
            message,
            resolved_by: None,
        }
    }
}

/// What a recorded date says about when something happened: on a day, on or
/// before it, or on or after it. `None` ends are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The earliest day it can have happened.
    pub lo: Option<Date>,
    /// The latest day it can have happened.
    pub hi: Option<Date>,
}

impl Span {
    /// The span of a recorded date and its basis; unknown if the date is unreadable.
    pub fn of(date: &str, basis: DateBasis) -> Span {
        let Ok(d) = Date::parse(date) else {
            return Span { lo: None, hi: None };
        };
        match basis {
            DateBasis::Stated => Span {
                lo: Some(d),
                hi: Some(d),
            },
            DateBasis::NoLaterThan => Span {
                lo: None,
                hi: Some(d),
            },
            DateBasis::NoEarlierThan => Span {
                lo: Some(d),
                hi: None,
            },
        }
    }

    /// A stated day.
    pub fn day(d: Date) -> Span {
        Span {
            lo: Some(d),
            hi: Some(d),
        }
    }

    /// The same span `days` later.
    pub fn plus_days(self, days: i64) -> Span {
        Span {
            lo: self.lo.and_then(|d| d.plus_days(days)),
            hi: self.hi.and_then(|d| d.plus_days(days)),
        }
    }

    /// Whether this certainly lies before `other` (every day of it earlier).
    pub fn surely_before(self, other: Span) -> bool {
        matches!((self.hi, other.lo), (Some(a), Some(b)) if a < b)
    }

    /// Whether this certainly lies after `other`.
    pub fn surely_after(self, other: Span) -> bool {
        other.surely_before(self)
    }

    /// Whether this certainly lies on or before `other`'s earliest day.
    pub fn surely_no_later_than(self, other: Span) -> bool {
        matches!((self.hi, other.lo), (Some(a), Some(b)) if a <= b)
    }

    /// Whether both ends are the same known day.
    pub fn is_exact(self) -> bool {
        self.lo.is_some() && self.lo == self.hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn a_bound_is_only_surely_before_what_starts_after_it() {
        let paid = Span::of("2020-11-30", DateBasis::NoLaterThan);
        assert!(!paid.surely_before(Span::day(d("2020-11-30"))));
        assert!(paid.surely_before(Span::day(d("2020-12-01"))));
        let after = Span::of("2024-07-05", DateBasis::NoEarlierThan);
        assert!(!after.surely_after(Span::day(d("2024-07-05"))));
        assert!(after.surely_after(Span::day(d("2024-07-04"))));
        assert!(!after.surely_before(Span::day(d("2099-01-01"))));
    }

    #[test]
    fn an_unreadable_date_is_never_surely_anything() {
        let s = Span::of("not a date", DateBasis::Stated);
        assert!(!s.surely_before(Span::day(d("2100-01-01"))));
        assert!(!s.surely_after(Span::day(d("1949-01-01"))));
    }
}
