//! Money: an exact whole number of fen (分, 1/100 yuan) in CNY.
//!
//! In JSON an amount is an integer in a field whose name ends in `_fen`:
//! `"amount_fen": 50000000` is 500000.00 yuan. Floats, fractions, strings and
//! negative numbers are refused, naming the field. The largest amount is
//! [`Fen::MAX`] = 2^53 − 1 fen, so that every amount survives a round trip
//! through readers that hold JSON numbers as doubles (JavaScript).
//!
//! ```
//! use tiezheng::records::Fen;
//! let fine = Fen::new(50_000_000).unwrap();
//! assert_eq!(fine.display_yuan(), "500000.00");
//! assert_eq!(fine.to_capitals(), "伍拾万元整");
//! assert_eq!(Fen::parse_capitals("叁万零捌佰捌拾元整").unwrap(), Fen::new(3_088_000).unwrap());
//! ```

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use super::capitals;

/// An exact amount of money in fen (分). Never negative, never fractional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(u64);

impl Fen {
    /// The largest amount accepted: 2^53 − 1 fen (about 90 trillion yuan), the
    /// largest integer a JSON reader using doubles still holds exactly.
    pub const MAX: Fen = Fen((1 << 53) - 1);
    /// Nothing.
    pub const ZERO: Fen = Fen(0);

    /// An amount of `fen`, or `None` above [`Fen::MAX`].
    pub fn new(fen: u64) -> Option<Fen> {
        (fen <= Self::MAX.0).then_some(Fen(fen))
    }

    /// An amount of whole yuan, or `None` above [`Fen::MAX`].
    pub fn from_yuan(yuan: u64) -> Option<Fen> {
        yuan.checked_mul(100).and_then(Fen::new)
    }

    /// The number of fen.
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// Whole yuan (元), discarding jiao and fen.
    pub fn yuan(self) -> u64 {
        self.0 / 100
    }

    /// The jiao digit (角, tenths of a yuan).
    pub fn jiao(self) -> u8 {
        ((self.0 / 10) % 10) as u8
    }

    /// The fen digit (分, hundredths of a yuan).
    pub fn fen_digit(self) -> u8 {
        (self.0 % 10) as u8
    }

    /// Sum, or `None` above [`Fen::MAX`].
    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).and_then(Fen::new)
    }

    /// Difference, or `None` if it would be negative.
    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// The amount in yuan with two decimals, as documents print it: `500000.00`.
    pub fn display_yuan(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }

    /// The amount in Chinese capital numerals (金额大写), standard form:
    /// `伍拾万元整`, `叁万零捌佰捌拾元整`, `壹佰元伍角`, `壹万陆仟肆佰零玖元零贰分`, `零元整`.
    ///
    /// Follows the bank rules for 大写金额: one 零 for any run of skipped places,
    /// 壹拾 written out, 整 after 元 when there are no jiao or fen, no 整 after 角 or 分.
    pub fn to_capitals(self) -> String {
        capitals::to_capitals(self.0)
    }

    /// Parses an amount in Chinese capital numerals.
    ///
    /// Accepts the standard form and its common variants: an optional 人民币
    /// before or after, 圆 for 元, 正 for 整, a missing or extra 零 where the
    /// value stays unambiguous, 拾 for 壹拾 at the start.
    ///
    /// # Errors
    /// A rule in words when the text is not a capitals amount, is ambiguous
    /// (`壹佰伍元`: 105 or 150?), or exceeds [`Fen::MAX`].
    pub fn parse_capitals(text: &str) -> Result<Fen, String> {
        let fen = capitals::parse_capitals(text)?;
        Fen::new(fen)
            .ok_or_else(|| format!("{text} exceeds the largest amount ({} fen)", Fen::MAX.0))
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_yuan())
    }
}

impl Serialize for Fen {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl<'de> Deserialize<'de> for Fen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Fen, D::Error> {
        d.deserialize_u64(FenVisitor)
    }
}

struct FenVisitor;

impl Visitor<'_> for FenVisitor {
    type Value = Fen;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON integer number of fen")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Fen, E> {
        Fen::new(v).ok_or_else(|| {
            E::custom(format!(
                "{v} fen exceeds the largest amount the ledger accepts ({} fen)",
                Fen::MAX.0
            ))
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Fen, E> {
        match u64::try_from(v) {
            Ok(u) => self.visit_u64(u),
            Err(_) => Err(E::custom(format!(
                "{v} is negative; an amount of money is never negative"
            ))),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Fen, E> {
        Err(E::custom(format!(
            "{v} is not a whole number of fen; write amounts as JSON integers of fen (1 yuan = 100 fen)"
        )))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Fen, E> {
        Err(E::custom(format!(
            "{v:?} is a string; write amounts as JSON integers of fen (1 yuan = 100 fen)"
        )))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Fen, E> {
        Err(E::custom(format!(
            "{v} is a boolean, not a JSON integer of fen"
        )))
    }
}
