//! Calendar dates and approximate times of day, as the documents give them.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The earliest year a date may carry (the documents' legal order starts here).
pub const MIN_YEAR: i32 = 1949;
/// The latest year a date may carry; later years are typos in this domain.
pub const MAX_YEAR: i32 = 2100;

/// A real calendar date, written `YYYY-MM-DD` (Asia/Shanghai calendar).
///
/// `2023-02-29` is refused: "2023-02-29 does not exist: February 2023 has 28 days".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

impl Date {
    /// Parses `YYYY-MM-DD`.
    ///
    /// # Errors
    /// The rule in words: the shape, a month or day that does not exist, or
    /// a year outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn parse(s: &str) -> Result<Date, String> {
        // The shape and the calendar are the core's rule (one parser for every
        // date in the ledger); records add the plausible range of years.
        let date = crate::ids::EventDate::new(s)?;
        Date::within_years(date).ok_or_else(|| {
            format!(
                "{s}: year {} is outside {MIN_YEAR}–{MAX_YEAR}",
                date.date().year()
            )
        })
    }

    /// A core date, if its year is in [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn within_years(d: crate::ids::EventDate) -> Option<Date> {
        (MIN_YEAR..=MAX_YEAR)
            .contains(&d.date().year())
            .then_some(Date(d.date()))
    }

    /// The date as a [`time::Date`].
    pub fn get(self) -> time::Date {
        self.0
    }

    /// The date `days` later (or earlier, if negative), within the allowed years.
    pub fn plus_days(self, days: i64) -> Option<Date> {
        let d = self.0.checked_add(time::Duration::days(days))?;
        (MIN_YEAR..=MAX_YEAR).contains(&d.year()).then_some(Date(d))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One way to write a date: the core's.
        crate::ids::EventDate::from_date(self.0).fmt(f)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        d.deserialize_str(StrVisitor("a date written YYYY-MM-DD", Date::parse))
    }
}

/// A visitor for string-shaped types, parsed by `.1`, described by `.0`.
pub(crate) struct StrVisitor<T>(pub &'static str, pub fn(&str) -> Result<T, String>);

impl<T> Visitor<'_> for StrVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.1)(v).map_err(E::custom)
    }
}

/// A time of day as written, with the hour and minute read from it:
/// `11时15分许` (about 11:15), `10时许`, `8时13分许`, `上午10时许`, `下午3时`, `14:30`.
///
/// In JSON it is the text as written; the parsed parts are derived from it, so
/// they can never disagree with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApproxTime {
    as_written: String,
    hour: u8,
    minute: Option<u8>,
    approximate: bool,
}

impl ApproxTime {
    /// Parses a time of day as the documents write it.
    ///
    /// # Errors
    /// The rule in words when no hour can be read or a part is out of range.
    pub fn parse(text: &str) -> Result<ApproxTime, String> {
        let s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let (mut approximate, mut rest) = match s.strip_prefix('约') {
            Some(r) => (true, r),
            None => (false, s.as_str()),
        };
        for suffix in ["许", "左右", "前后"] {
            if let Some(r) = rest.strip_suffix(suffix) {
                approximate = true;
                rest = r;
            }
        }
        let (pm, body) = period(rest);
        let (hour, minute) = clock(body).ok_or_else(|| {
            format!("{text:?} is not a time of day like 11时15分许, 上午10时许 or 14:30")
        })?;
        if hour > 23 || (pm.is_some() && hour > 12) {
            return Err(format!("{text}: there is no hour {hour}"));
        }
        if minute.is_some_and(|m| m > 59) {
            return Err(format!("{text}: a minute runs from 0 to 59"));
        }
        let hour = match pm {
            Some(true) if hour < 12 => hour + 12,
            _ => hour,
        };
        Ok(ApproxTime {
            as_written: text.to_string(),
            hour,
            minute,
            approximate,
        })
    }

    /// The text as the document wrote it.
    pub fn as_written(&self) -> &str {
        &self.as_written
    }
    /// The hour, 0–23.
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// The minute, if the document gave one.
    pub fn minute(&self) -> Option<u8> {
        self.minute
    }
    /// Whether the document marked the time as approximate (许, 约, 左右).
    pub fn is_approximate(&self) -> bool {
        self.approximate
    }
}

/// Splits off a period word: `Some(true)` for afternoon/evening words.
fn period(s: &str) -> (Option<bool>, &str) {
    const PM: [&str; 5] = ["下午", "傍晚", "晚上", "晚间", "中午"];
    const AM: [&str; 5] = ["凌晨", "早上", "早晨", "清晨", "上午"];
    for w in PM {
        if let Some(r) = s.strip_prefix(w) {
            return (Some(true), r);
        }
    }
    for w in AM {
        if let Some(r) = s.strip_prefix(w) {
            return (Some(false), r);
        }
    }
    (None, s)
}

/// Reads `11时15分`, `11时`, `11点15分`, `11点半` or `11:15`.
fn clock(s: &str) -> Option<(u8, Option<u8>)> {
    if let Some((h, m)) = s.split_once(':') {
        let m = (m.len() == 2).then(|| m.parse::<u8>().ok()).flatten()?;
        return Some((small(h)?, Some(m)));
    }
    let pos = s.find(['时', '点'])?;
    let hour = small(&s[..pos])?;
    let mut after = s[pos..].chars();
    after.next();
    let rest = after.as_str();
    let minute = match rest {
        "" => None,
        "半" => Some(30),
        r => Some(small(r.strip_suffix('分')?)?),
    };
    Some((hour, minute))
}

fn small(s: &str) -> Option<u8> {
    ((1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl fmt::Display for ApproxTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_written)
    }
}

impl Serialize for ApproxTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_written)
    }
}

impl<'de> Deserialize<'de> for ApproxTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ApproxTime, D::Error> {
        d.deserialize_str(StrVisitor(
            "a time of day like 11时15分许",
            ApproxTime::parse,
        ))
    }
}
