//! Chinese capital numerals for amounts (金额大写): generating and parsing.
//!
//! The standard form follows the bank rules for writing 大写金额 (中国人民银行
//! 《正确填写票据和结算凭证的基本规定》): digits 零壹贰叁肆伍陆柒捌玖, units
//! 拾佰仟万亿, 元角分; a single 零 for any run of skipped places; 整 after 元
//! when there are no jiao or fen; 零 before 分 when jiao is zero.

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SECTION_UNITS: [(char, u64); 3] = [('仟', 1000), ('佰', 100), ('拾', 10)];
const WAN: u64 = 10_000;
const YI: u64 = 100_000_000;

/// The standard capitals of `fen`.
pub(crate) fn to_capitals(fen: u64) -> String {
    let yuan = fen / 100;
    let jiao = ((fen / 10) % 10) as usize;
    let fen_digit = (fen % 10) as usize;
    let mut out = String::new();
    if yuan > 0 {
        out.push_str(&integer(yuan));
        out.push('元');
    }
    if jiao == 0 && fen_digit == 0 {
        if yuan == 0 {
            return "零元整".to_string();
        }
        out.push('整');
        return out;
    }
    if jiao > 0 {
        out.push(DIGITS[jiao]);
        out.push('角');
    } else if yuan > 0 {
        out.push('零');
    }
    if fen_digit > 0 {
        out.push(DIGITS[fen_digit]);
        out.push('分');
    }
    out
}

/// Capitals of a positive whole number.
fn integer(n: u64) -> String {
    if n >= YI {
        let (hi, lo) = (n / YI, n % YI);
        let mut s = integer(hi);
        s.push('亿');
        if lo > 0 {
            if lo < YI / 10 {
                s.push('零');
            }
            s.push_str(&integer(lo));
        }
        s
    } else if n >= WAN {
        let (hi, lo) = (n / WAN, n % WAN);
        let mut s = section(hi);
        s.push('万');
        if lo > 0 {
            if lo < WAN / 10 {
                s.push('零');
            }
            s.push_str(&section(lo));
        }
        s
    } else {
        section(n)
    }
}

/// Capitals of 1..=9999.
fn section(n: u64) -> String {
    let mut s = String::new();
    let mut started = false;
    let mut zero_pending = false;
    let places = [(n / 1000) % 10, (n / 100) % 10, (n / 10) % 10, n % 10];
    for (i, d) in places.into_iter().enumerate() {
        if d == 0 {
            zero_pending = started;
            continue;
        }
        if zero_pending {
            s.push('零');
            zero_pending = false;
        }
        s.push(DIGITS[d as usize]);
        if let Some((unit, _)) = SECTION_UNITS.get(i) {
            s.push(*unit);
        }
        started = true;
    }
    s
}

/// Parses capitals into fen (without the [`super::money::Fen::MAX`] bound).
pub(crate) fn parse_capitals(text: &str) -> Result<u64, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut s = compact.as_str();
    s = s.strip_prefix("人民币").unwrap_or(s);
    s = s.strip_suffix("人民币").unwrap_or(s);
    s = s
        .strip_suffix('整')
        .or_else(|| s.strip_suffix('正'))
        .unwrap_or(s);
    if s.is_empty() {
        return Err(format!("{text:?} holds no amount"));
    }
    let chars: Vec<char> = s.chars().collect();
    // The capitals of Fen::MAX take 40-odd characters; a longer text is no amount.
    if chars.len() > 64 {
        return Err(format!(
            "{} characters are too many for an amount in capitals",
            chars.len()
        ));
    }
    if let Some(c) = chars.iter().find(|c| !is_capitals_char(**c)) {
        return Err(format!(
            "{text} has '{c}', which is not a capital numeral; capitals use 零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整"
        ));
    }
    let (yuan, fraction) = match chars.iter().position(|c| *c == '元' || *c == '圆') {
        Some(pos) => {
            let int = &chars[..pos];
            let yuan = if int.iter().all(|c| *c == '零') && !int.is_empty() {
                0
            } else {
                parse_integer(int).map_err(|e| format!("{text}: {e}"))?
            };
            (yuan, &chars[pos + 1..])
        }
        None if chars.iter().any(|c| matches!(c, '角' | '分')) => (0, &chars[..]),
        None => return Err(format!("{text} has no 元; write it like 伍拾万元整")),
    };
    let (jiao, fen) = parse_fraction(fraction).map_err(|e| format!("{text}: {e}"))?;
    yuan.checked_mul(100)
        .and_then(|f| f.checked_add(jiao * 10 + fen))
        .ok_or_else(|| format!("{text} is too large"))
}

fn is_capitals_char(c: char) -> bool {
    digit(c).is_some() || "零〇拾佰仟万亿元圆角分".contains(c)
}

fn digit(c: char) -> Option<u64> {
    DIGITS
        .iter()
        .skip(1)
        .position(|d| *d == c)
        .map(|i| i as u64 + 1)
}

/// The whole-yuan part: `叁万零捌佰捌拾`.
fn parse_integer(chars: &[char]) -> Result<u64, String> {
    if chars.is_empty() {
        return Err("no digits before 元".to_string());
    }
    if let Some(pos) = chars.iter().rposition(|c| *c == '亿') {
        let hi = parse_integer(&chars[..pos]).map_err(|e| format!("before 亿: {e}"))?;
        let lo = parse_lower(&chars[pos + 1..], YI, '亿')?;
        return hi
            .checked_mul(YI)
            .and_then(|v| v.checked_add(lo))
            .ok_or_else(|| "too large".to_string());
    }
    if let Some(pos) = chars.iter().rposition(|c| *c == '万') {
        let hi = parse_section(&chars[..pos]).map_err(|e| format!("before 万: {e}"))?;
        if hi == 0 {
            return Err("万 needs a digit before it".to_string());
        }
        let lo = parse_lower(&chars[pos + 1..], WAN, '万')?;
        return Ok(hi * WAN + lo);
    }
    parse_section(chars)
}

/// The part after 万 or 亿, which must stay below `limit`.
fn parse_lower(chars: &[char], limit: u64, unit: char) -> Result<u64, String> {
    let rest: Vec<char> = chars
        .iter()
        .copied()
        .skip_while(|c| *c == '零' || *c == '〇')
        .collect();
    let had_zero = rest.len() < chars.len();
    if rest.is_empty() {
        return Ok(0);
    }
    if rest.len() == 1 && !had_zero {
        return Err(format!(
            "a bare digit after {unit} is ambiguous (write 零 before it if it means ones, or give its unit)"
        ));
    }
    let v = parse_integer(&rest)?;
    if v >= limit {
        return Err(format!("the part after {unit} is too large for its place"));
    }
    Ok(v)
}

/// 1..=9999 with 仟佰拾 units in falling order.
fn parse_section(chars: &[char]) -> Result<u64, String> {
    if chars.is_empty() {
        return Err("no digits".to_string());
    }
    let mut value = 0u64;
    let mut pending: Option<u64> = None;
    let mut last_unit = u64::MAX;
    let mut saw_zero = false;
    for &c in chars {
        if c == '零' || c == '〇' {
            if pending.is_some() {
                return Err("零 follows a digit that has no unit".to_string());
            }
            saw_zero = true;
        } else if let Some(d) = digit(c) {
            if pending.is_some() {
                return Err("two digits in a row without a unit between them".to_string());
            }
            pending = Some(d);
        } else if let Some((_, unit)) = SECTION_UNITS.iter().find(|(u, _)| *u == c) {
            if *unit >= last_unit {
                return Err(format!("unit {c} is out of order"));
            }
            let d = match pending.take() {
                Some(d) => d,
                None if c == '拾' && value == 0 && !saw_zero => 1,
                None => return Err(format!("unit {c} has no digit before it")),
            };
            value += d * unit;
            last_unit = *unit;
            saw_zero = false;
        } else {
            return Err(format!("unexpected {c}"));
        }
    }
    if let Some(d) = pending {
        let unambiguous = last_unit == u64::MAX || last_unit == 10 || saw_zero;
        if !unambiguous {
            let unit = SECTION_UNITS
                .iter()
                .find(|(_, v)| *v == last_unit)
                .map_or('?', |(u, _)| *u);
            return Err(format!(
                "a bare digit after {unit} is ambiguous (write 零 before it if it means ones, or give its unit)"
            ));
        }
        value += d;
    }
    Ok(value)
}

/// The part after 元: `伍角`, `零贰分`, `叁角贰分`, or nothing.
fn parse_fraction(chars: &[char]) -> Result<(u64, u64), String> {
    let mut i = 0;
    let jiao = take_place(chars, '角', &mut i).unwrap_or(0);
    let fen = take_place(chars, '分', &mut i).unwrap_or(0);
    while chars.get(i) == Some(&'零') {
        i += 1;
    }
    if i != chars.len() {
        let rest: String = chars[i..].iter().collect();
        return Err(format!(
            "cannot read {rest} after 元 (expected 角 and 分 only)"
        ));
    }
    Ok((jiao, fen))
}

/// Reads `<digit><unit>` at `*i`, skipping 零 before it.
fn take_place(chars: &[char], unit: char, i: &mut usize) -> Option<u64> {
    while chars.get(*i) == Some(&'零') {
        *i += 1;
    }
    let d = chars.get(*i).copied().and_then(digit)?;
    if chars.get(*i + 1) == Some(&unit) {
        *i += 2;
        Some(d)
    } else {
        None
    }
}
