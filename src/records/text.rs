//! Checked text: names as written, document numbers, and legal bases to the article.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use super::date::StrVisitor;

/// The longest text a field may hold, in characters.
pub const MAX_TEXT_CHARS: usize = 8_000;

/// Non-empty text, kept exactly as written: no leading or trailing white
/// space, no control characters other than line breaks, at most
/// [`MAX_TEXT_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(String);

impl Text {
    /// Checks `s`.
    ///
    /// # Errors
    /// The rule it breaks, in words.
    pub fn new(s: &str) -> Result<Text, String> {
        if s.trim().is_empty() {
            return Err("must not be empty".to_string());
        }
        if s.trim() != s {
            return Err(format!("{s:?} has white space at its start or end"));
        }
        if s.chars().any(|c| c.is_control() && c != '\n') {
            return Err("holds a control character".to_string());
        }
        let n = s.chars().count();
        if n > MAX_TEXT_CHARS {
            return Err(format!(
                "is {n} characters long; the limit is {MAX_TEXT_CHARS}"
            ));
        }
        Ok(Text(s.to_string()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Serializes any string-shaped type through `Display`-free `as_ref`.
macro_rules! string_serde {
    ($ty:ty, $what:literal, $parse:expr, $show:expr) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let show: fn(&$ty) -> &str = $show;
                s.serialize_str(show(self))
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                d.deserialize_str(StrVisitor($what, $parse))
            }
        }
    };
}

string_serde!(Text, "a string", Text::new, |t| t.as_str());

/// An official document number (文号) as written: `长府批复〔2019〕36号`,
/// `长监立【2019】151号`, `长净检一部刑不诉【2020】50号`, `高政发〔2024〕1号`.
///
/// The shape is: an issuer code, the year in brackets (〔〕, 【】, [], ［］ or
/// （）/()), an optional 第, the serial number in digits, then 号. One number per
/// field: “50号、56号” are two documents.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocNumber {
    as_written: String,
    year: u16,
    serial: u32,
}

const BRACKETS: [(char, char); 6] = [
    ('〔', '〕'),
    ('【', '】'),
    ('[', ']'),
    ('［', '］'),
    ('（', '）'),
    ('(', ')'),
];

impl DocNumber {
    /// Parses a document number.
    ///
    /// # Errors
    /// The rule in words, with an example of the expected shape.
    pub fn parse(s: &str) -> Result<DocNumber, String> {
        Text::new(s)?;
        let bad = || {
            format!("{s:?} is not a document number like 长府批复〔2019〕36号 (issuer code, year in brackets, number, 号)")
        };
        let body = s.strip_suffix('号').ok_or_else(bad)?;
        let digits_at = body.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let serial: u32 = body[digits_at..].parse().map_err(|_| bad())?;
        let head = body[..digits_at]
            .strip_suffix('第')
            .unwrap_or(&body[..digits_at]);
        let mut chars = head.chars().rev();
        let close = chars.next().ok_or_else(bad)?;
        let (open, _) = BRACKETS.iter().find(|(_, c)| *c == close).ok_or_else(bad)?;
        let year: String = chars
            .by_ref()
            .take(4)
            .collect::<Vec<char>>()
            .into_iter()
            .rev()
            .collect();
        let year: u16 = (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
            .then(|| year.parse().ok())
            .flatten()
            .ok_or_else(bad)?;
        if chars.next() != Some(*open) || chars.next().is_none() {
            return Err(bad());
        }
        if !(1949..=2100).contains(&year) {
            return Err(format!("{s}: year {year} is outside 1949–2100"));
        }
        Ok(DocNumber {
            as_written: s.to_string(),
            year,
            serial,
        })
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.as_written
    }
    /// The year in its brackets.
    pub fn year(&self) -> u16 {
        self.year
    }
    /// The serial number before 号.
    pub fn serial(&self) -> u32 {
        self.serial
    }
}

string_serde!(
    DocNumber,
    "a document number like 长府批复〔2019〕36号",
    DocNumber::parse,
    |d| d.as_str()
);

/// A numbered provision as written, `第一百四十九条`, `第二款`, `第十一项`
/// (also `一百三十三条`, `第149条`); `UNIT` is 条, 款 or 项.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Provision<const UNIT: char> {
    as_written: String,
    number: u32,
}

/// An article (条).
pub type Article = Provision<'条'>;
/// A paragraph (款).
pub type Paragraph = Provision<'款'>;
/// An item (项).
pub type Item = Provision<'项'>;

impl<const UNIT: char> Provision<UNIT> {
    /// Parses a provision ending in `UNIT`.
    ///
    /// # Errors
    /// The rule in words when the text is not `第<number>UNIT`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not written like 第十一{UNIT} or 第11{UNIT}");
        let body = s.strip_suffix(UNIT).ok_or_else(bad)?;
        let body = body.strip_prefix('第').unwrap_or(body);
        let number = cn_number(body).filter(|n| *n > 0).ok_or_else(bad)?;
        Ok(Provision {
            as_written: s.to_string(),
            number,
        })
    }
    /// The provision as written.
    pub fn as_str(&self) -> &str {
        &self.as_written
    }
    /// Its number: 149 for 第一百四十九条.
    pub fn number(&self) -> u32 {
        self.number
    }
}

impl<const UNIT: char> Serialize for Provision<UNIT> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_written)
    }
}

impl<'de, const UNIT: char> Deserialize<'de> for Provision<UNIT> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrVisitor("a provision like 第十一条", Self::parse))
    }
}

/// Reads a number in digits or in Chinese numerals below 10,000:
/// `149`, `一百四十九`, `十一`, `一百零五`.
pub(crate) fn cn_number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    const DIGITS: &str = "零一二三四五六七八九";
    let (mut total, mut digit, mut last_unit) = (0u32, None::<u32>, u32::MAX);
    for (i, c) in s.chars().enumerate() {
        if let Some(d) = DIGITS
            .chars()
            .position(|x| x == c)
            .or((c == '两').then_some(2))
            .or((c == '〇').then_some(0))
        {
            if digit.is_some() && d != 0 {
                return None;
            }
            digit = (d != 0).then_some(d as u32);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        };
        if unit >= last_unit {
            return None;
        }
        let d = digit.take().or((unit == 10 && i == 0).then_some(1))?;
        total += d * unit;
        last_unit = unit;
    }
    (!s.is_empty()).then_some(total + digit.unwrap_or(0))
}

/// The legal basis of a decision, to the article: 《中国共产党纪律处分条例》
/// 第一百五十八条第二款 is `{law: "中国共产党纪律处分条例", article: "第一百五十八条",
/// paragraph: "第二款"}`; 2018年《中国共产党纪律处分条例》一百三十三条 adds `edition: "2018年"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    /// The title without 《》: `中国共产党问责条例`.
    pub law: Text,
    /// Which version, when the document names one: `2018年`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<Text>,
    /// The article: `第七条`.
    pub article: Article,
    /// The paragraph: `第二款`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<Paragraph>,
    /// The item: `第十一项`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
}

impl LegalBasis {
    /// Checks rules across fields: the law title without 《》.
    ///
    /// # Errors
    /// At `{path}.law` when the title carries 《 or 》.
    pub(crate) fn check(&self, path: &str) -> Result<(), super::RecordError> {
        if self.law.contains(['《', '》']) {
            return super::error::fail(
                super::error::at(path, "law"),
                format!(
                    "write the title without 《》: {}",
                    self.law.trim_matches(['《', '》'])
                ),
            );
        }
        Ok(())
    }
}
