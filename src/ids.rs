//! Validated identifiers: entry kinds, case ids, event dates, sequence numbers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A position in the ledger: contiguous from 0, never reused.
pub type Seq = u64;

/// An entry kind: `[a-z][a-z0-9_]{0,63}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Kind(String);

/// The core kinds that the registry interprets.
pub mod core_kinds {
    /// The first entry: names the ledger's origin and root authorities.
    pub const GENESIS: &str = "genesis";
    /// Binds a key to a person, unit, role, kinds and validity period.
    pub const KEY_ENROLMENT: &str = "key_enrolment";
    /// Ends a key's right to sign, from its recorded time on.
    pub const KEY_REVOCATION: &str = "key_revocation";
    /// All three.
    pub const ALL: [&str; 3] = [GENESIS, KEY_ENROLMENT, KEY_REVOCATION];
}

impl Kind {
    /// Validates a kind name.
    ///
    /// # Errors
    /// A rule, in words.
    pub fn new(s: &str) -> Result<Self, String> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.as_bytes()[0].is_ascii_lowercase()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Kind(s.to_string()))
        } else {
            Err(format!(
                "kind {:?} must be 1-64 characters of a-z, 0-9 and _, starting with a letter",
                crate::hash::truncate(s)
            ))
        }
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Whether this is one of [`core_kinds::ALL`].
    pub fn is_core(&self) -> bool {
        core_kinds::ALL.contains(&self.0.as_str())
    }
}

impl TryFrom<String> for Kind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Kind::new(&s)
    }
}
impl From<Kind> for String {
    fn from(k: Kind) -> String {
        k.0
    }
}
impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A case id: 1-128 characters, no control characters, no surrounding space.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseId(String);

impl CaseId {
    /// Validates a case id.
    ///
    /// # Errors
    /// A rule, in words.
    pub fn new(s: &str) -> Result<Self, String> {
        let n = s.chars().count();
        if n == 0 || n > 128 || s.trim() != s || s.chars().any(char::is_control) {
            return Err(format!(
                "case id {:?} must be 1-128 characters with no control characters or surrounding space",
                crate::hash::truncate(s)
            ));
        }
        Ok(CaseId(s.to_string()))
    }
    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for CaseId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        CaseId::new(&s)
    }
}
impl From<CaseId> for String {
    fn from(k: CaseId) -> String {
        k.0
    }
}
impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A real calendar date, written `YYYY-MM-DD` (Asia/Shanghai calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventDate(time::Date);

impl EventDate {
    /// Parses and checks a date.
    ///
    /// # Errors
    /// A rule, in words: the format or a day that does not exist.
    pub fn new(s: &str) -> Result<Self, String> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err(format!(
                "date {:?} must be written YYYY-MM-DD",
                crate::hash::truncate(s)
            ));
        }
        let num =
            |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u16>().ok()).unwrap_or(0);
        let (y, m, d) = (i32::from(num(0..4)), num(5..7), num(8..10));
        let month = u8::try_from(m)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .ok_or_else(|| format!("{s} does not exist: there is no month {m}"))?;
        let last = month.length(y);
        let day = u8::try_from(d)
            .ok()
            .filter(|d| (1..=last).contains(d))
            .ok_or_else(|| format!("{s} does not exist: {month} {y} has {last} days"))?;
        let date = time::Date::from_calendar_date(y, month, day)
            .map_err(|e| format!("{s} does not exist: {e}"))?;
        Ok(EventDate(date))
    }
    /// The date.
    pub fn date(&self) -> time::Date {
        self.0
    }
    /// A date already known to exist (from the calendar arithmetic of `time`).
    pub(crate) fn from_date(d: time::Date) -> Self {
        EventDate(d)
    }
    /// Unix milliseconds of 00:00 on this day in Asia/Shanghai (UTC+8, no DST).
    pub fn start_ms(&self) -> i64 {
        let midnight = self.0.midnight().assume_offset(shanghai());
        (midnight.unix_timestamp_nanos() / 1_000_000) as i64
    }
    /// Unix milliseconds just after the end of this day in Asia/Shanghai.
    pub fn end_ms(&self) -> i64 {
        self.start_ms() + 86_400_000
    }
}

/// The current time, Unix milliseconds: the one clock the ledger, signers'
/// tools and the dossiers read.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl EventDate {
    /// The Asia/Shanghai calendar day that contains Unix time `ms`.
    pub fn of_ms(ms: i64) -> Option<Self> {
        Some(EventDate(shanghai_time(ms)?.date()))
    }

    /// Today in Asia/Shanghai.
    pub fn today() -> Self {
        Self::of_ms(now_ms()).unwrap_or(EventDate(time::Date::MIN))
    }
}

/// The Asia/Shanghai offset: UTC+8 all year (China has no daylight saving since 1991).
pub fn shanghai() -> time::UtcOffset {
    time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC)
}

/// Unix milliseconds as a time in Asia/Shanghai (`None` out of `time`'s range).
fn shanghai_time(ms: i64) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .map(|t| t.to_offset(shanghai()))
}

/// Unix milliseconds as an RFC 3339 time in Asia/Shanghai, for display.
pub fn rfc3339_ms(ms: i64) -> String {
    let t =
        shanghai_time(ms).unwrap_or_else(|| time::OffsetDateTime::UNIX_EPOCH.to_offset(shanghai()));
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl fmt::Display for EventDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl Serialize for EventDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}
impl<'de> Deserialize<'de> for EventDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        EventDate::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_that_do_not_exist_are_refused() {
        assert!(EventDate::new("2024-02-29").is_ok());
        assert!(EventDate::new("2023-02-29")
            .unwrap_err()
            .contains("does not exist"));
        assert!(EventDate::new("2024-13-01").is_err());
        assert!(EventDate::new("2024-1-01").is_err());
    }

    #[test]
    fn shanghai_midnight_is_16_00_utc_the_day_before() {
        let d = EventDate::new("2024-11-25").unwrap();
        assert_eq!(rfc3339_ms(d.start_ms()), "2024-11-25T00:00:00+08:00");
    }

    #[test]
    fn kinds_are_checked() {
        assert!(Kind::new("penalty_decision").is_ok());
        assert!(Kind::new("Penalty").is_err());
        assert!(Kind::new("").is_err());
    }
}
