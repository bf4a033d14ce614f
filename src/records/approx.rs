//! Figures as the documents write them: “138万元”, “115万余元”, “约450万元”,
//! “420.24万元”, “500000 万元”, “360余人次”.
//!
//! The structured value (fen or count, and a [`Qualifier`]) is what the ledger
//! computes with; the text as written is kept beside it and must mean the same.

use serde::{Deserialize, Serialize};

use super::enums::Qualifier;
use super::error::{at, fail, RecordError};
use super::money::Fen;
use super::text::Text;

/// An amount of money that may be approximate, as accident losses are:
/// `{"amount_fen": 115000000, "qualifier": "over", "as_written": "115万余元"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountApprox {
    /// The figure in fen (for “115万余元”, 1150000.00 yuan).
    pub amount_fen: Fen,
    /// Exact, over (余/多/以上) or about (约/左右).
    pub qualifier: Qualifier,
    /// The text as the document wrote it; must mean `amount_fen` and `qualifier`.
    pub as_written: Text,
}

impl AmountApprox {
    /// Checks that `as_written` means the figure and qualifier.
    ///
    /// # Errors
    /// At `{path}.as_written`, naming both readings.
    pub(crate) fn check(&self, path: &str) -> Result<(), RecordError> {
        check_as_written(
            &self.as_written,
            self.amount_fen,
            self.qualifier,
            &at(path, "as_written"),
            "amount_fen",
        )
    }
}

/// Checks that an amount as written means `fen` with `qualifier`; `field` names
/// the structured field in the message.
pub(crate) fn check_as_written(
    text: &str,
    fen: Fen,
    qualifier: Qualifier,
    path: &str,
    field: &str,
) -> Result<(), RecordError> {
    let (read, read_q) = match parse_amount(text) {
        Ok(v) => v,
        Err(e) => return fail(path, e),
    };
    if read != fen || read_q != qualifier {
        return fail(
            path,
            format!(
                "{text} means {} yuan{} but {field} is {} yuan{}",
                read.display_yuan(),
                qualifier_words(read_q),
                fen.display_yuan(),
                qualifier_words(qualifier),
            ),
        );
    }
    Ok(())
}

fn qualifier_words(q: Qualifier) -> &'static str {
    match q {
        Qualifier::Exact => "",
        Qualifier::Over => " or more (over)",
        Qualifier::About => " approximately (about)",
    }
}

/// Reads an amount as written: Arabic digits with an optional decimal part,
/// optional 万 or 亿, optional 元 and 人民币, qualifiers 约/近/大约, 余/多, 以上/左右;
/// or Chinese capitals (伍拾万元整), which are exact.
///
/// # Errors
/// The rule in words when the text is not an amount or is finer than a fen.
pub fn parse_amount(text: &str) -> Result<(Fen, Qualifier), String> {
    if text.chars().any(|c| "壹贰叁肆伍陆柒捌玖".contains(c)) {
        return Fen::parse_capitals(text).map(|f| (f, Qualifier::Exact));
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut s = compact.as_str();
    let mut qualifier = Qualifier::Exact;
    s = s.strip_prefix("人民币").unwrap_or(s);
    s = s.strip_suffix("人民币").unwrap_or(s);
    for p in ["大约", "约", "近"] {
        if let Some(r) = s.strip_prefix(p) {
            qualifier = Qualifier::About;
            s = r;
            break;
        }
    }
    for (suffix, q) in [("以上", Qualifier::Over), ("左右", Qualifier::About)] {
        if let Some(r) = s.strip_suffix(suffix) {
            qualifier = q;
            s = r;
        }
    }
    s = s.strip_suffix('元').unwrap_or(s);
    let number_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, tail) = s.split_at(number_end);
    let (over_before, tail) = strip_over(tail);
    let (scale, tail) = match tail.chars().next() {
        Some(unit @ ('万' | '亿')) => {
            (if unit == '万' { 4 } else { 8 }, &tail[unit.len_utf8()..])
        }
        _ => (0, tail),
    };
    let (over_after, rest) = strip_over(tail);
    if over_before || over_after {
        qualifier = Qualifier::Over;
    }
    if !rest.is_empty() || number.is_empty() {
        return Err(format!(
            "{text:?} is not an amount like 138万元, 115万余元, 约450万元 or 500000.00"
        ));
    }
    let fen = scaled_fen(number, scale + 2).ok_or_else(|| {
        format!("{text}: not a plain decimal number, finer than a fen, or too large")
    })?;
    Ok((fen, qualifier))
}

/// Strips a leading 余 or 多 (“115万余元”, “100多万元”).
fn strip_over(t: &str) -> (bool, &str) {
    match t.strip_prefix('余').or_else(|| t.strip_prefix('多')) {
        Some(r) => (true, r),
        None => (false, t),
    }
}

/// `number` × 10^`scale`, exactly, as fen (scale already includes yuan→fen).
fn scaled_fen(number: &str, scale: u32) -> Option<Fen> {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.is_empty() || frac.contains('.') || (number.contains('.') && frac.is_empty()) {
        return None;
    }
    let frac_len = u32::try_from(frac.len()).ok()?;
    if frac_len > scale && frac[scale as usize..].bytes().any(|b| b != b'0') {
        return None;
    }
    let kept = &frac[..frac.len().min(scale as usize)];
    let digits = format!("{int}{kept}");
    let value: u64 = digits.parse().ok()?;
    let shift = scale - frac_len.min(scale);
    value
        .checked_mul(10u64.checked_pow(shift)?)
        .and_then(Fen::new)
}

/// A counted figure from a report: `{"what": "安全生产工作培训例会", "value": 12, "unit": "场"}`,
/// `{"what": "参训", "value": 360, "unit": "人次", "qualifier": "over", "as_written": "参训360余人次"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    /// What was counted.
    pub what: Text,
    /// The figure.
    pub value: u64,
    /// The measure word as written: 场, 人次, 家次, 项, 篇.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
    /// Exact unless the document says 余/约.
    #[serde(default, skip_serializing_if = "is_exact")]
    pub qualifier: Qualifier,
    /// The phrase as written; its first number must be `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_written: Option<Text>,
}

pub(crate) fn is_exact(q: &Qualifier) -> bool {
    *q == Qualifier::Exact
}

impl Tally {
    /// Checks `as_written` against `value` and `qualifier`.
    ///
    /// # Errors
    /// At `{path}.as_written` when its number or qualifier differ.
    pub(crate) fn check(&self, path: &str) -> Result<(), RecordError> {
        let Some(text) = &self.as_written else {
            return Ok(());
        };
        let digits: String = text
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let path = at(path, "as_written");
        if digits.parse::<u64>().ok() != Some(self.value) {
            return fail(
                path,
                format!("{text} does not give the value {}", self.value),
            );
        }
        let written = if text.contains(['余', '多']) || text.contains("以上") {
            Qualifier::Over
        } else if text.contains('约') || text.contains("左右") {
            Qualifier::About
        } else {
            Qualifier::Exact
        };
        if written != self.qualifier {
            return fail(
                path,
                format!(
                    "{text} reads as {} but qualifier is {}",
                    written.name(),
                    self.qualifier.name()
                ),
            );
        }
        Ok(())
    }
}
