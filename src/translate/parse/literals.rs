//! Go's constants: numbers (`0x`, `0o`, `0b`, octal, `_`, hex floats) and quoted
//! strings and characters with Go's escapes.

use super::*;

/// A number constant as Go reads it: an integer (decimal, `0x`, `0o`, `0b`, a leading `0`
/// for octal, `_` separators) when it is one, else a float.
pub fn parse_number(text: &str) -> Option<Number> {
    let clean = text.replace('_', "");
    let (negative, digits) = match clean.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let radix_digits = |radix: u32, body: &str| u64::from_str_radix(body, radix).ok();
    let lower = digits.to_ascii_lowercase();
    let unsigned = if let Some(hex) = lower.strip_prefix("0x") {
        if hex.contains(['.', 'p']) { None } else { radix_digits(16, hex) }
    } else if let Some(oct) = lower.strip_prefix("0o") {
        radix_digits(8, oct)
    } else if let Some(bin) = lower.strip_prefix("0b") {
        radix_digits(2, bin)
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit()) {
        radix_digits(8, &lower[1..])
    } else if lower.bytes().all(|b| b.is_ascii_digit()) && !lower.is_empty() {
        lower.parse::<u64>().ok()
    } else {
        None
    };
    if let Some(n) = unsigned {
        if negative {
            return i64::try_from(n)
                .ok()
                .map(|n| Number::Int(-n))
                .or_else(|| (n == 1u64 << 63).then_some(Number::Int(i64::MIN)));
        }
        return Some(match i64::try_from(n) {
            Ok(n) => Number::Int(n),
            Err(_) => Number::Uint(n),
        });
    }
    if let Some(hex) = lower.strip_prefix("0x") {
        return hex_float(hex).map(|f| Number::Float(if negative { -f } else { f }));
    }
    if lower.ends_with('i') {
        return None;
    }
    let value: f64 = digits.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    Some(Number::Float(if negative { -value } else { value }))
}

/// A hexadecimal float's digits after `0x`: `1p60`, `1.8p1`, `ap-2`.
pub(super) fn hex_float(text: &str) -> Option<f64> {
    let (mantissa, exponent) = text.split_once('p')?;
    let exponent: i32 = exponent.parse().ok()?;
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut value = 0f64;
    for c in whole.chars().chain(fraction.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    value /= 16f64.powi(fraction.len() as i32);
    let result = value * 2f64.powi(exponent);
    result.is_finite().then_some(result)
}

/// Go's `strconv.Unquote` of a double-quoted string.
pub fn unquote(text: &str) -> std::result::Result<String, String> {
    let invalid = || "invalid syntax".to_string();
    let inner = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).ok_or_else(invalid)?;
    let mut out = String::with_capacity(inner.len());
    let mut bytes: Vec<u8> = Vec::new();
    let mut chars = inner.chars().peekable();
    let flush = |bytes: &mut Vec<u8>, out: &mut String| {
        if !bytes.is_empty() {
            out.push_str(&String::from_utf8_lossy(bytes));
            bytes.clear();
        }
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut bytes, &mut out);
            out.push(c);
            continue;
        }
        let e = chars.next().ok_or_else(invalid)?;
        let mut hex = |n: usize| -> std::result::Result<u32, String> {
            let digits: String = (0..n).filter_map(|_| chars.next()).collect();
            if digits.len() != n {
                return Err(invalid());
            }
            u32::from_str_radix(&digits, 16).map_err(|_| invalid())
        };
        let c = match e {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            '\\' => '\\',
            '"' => '"',
            'x' => {
                bytes.push(hex(2)? as u8);
                continue;
            }
            'u' => char::from_u32(hex(4)?).ok_or_else(invalid)?,
            'U' => char::from_u32(hex(8)?).ok_or_else(invalid)?,
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let d = chars.next().and_then(|c| c.to_digit(8)).ok_or_else(invalid)?;
                    value = value * 8 + d;
                }
                if value > 255 {
                    return Err(invalid());
                }
                bytes.push(value as u8);
                continue;
            }
            _ => return Err(invalid()),
        };
        flush(&mut bytes, &mut out);
        out.push(c);
    }
    flush(&mut bytes, &mut out);
    Ok(out)
}

/// The value of a character constant `'a'`, `'\n'`, `'\x41'`, `'\u00e9'`.
pub(super) fn unquote_char(text: &str) -> Option<char> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    if inner == "\"" {
        return Some('"');
    }
    if inner == "\\'" {
        return Some('\'');
    }
    let decoded = unquote(&format!("\"{inner}\"")).ok()?;
    let mut chars = decoded.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}
