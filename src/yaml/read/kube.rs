//! How go-yaml v2 (Helm's and kubectl's reader) types what YAML 1.2 leaves alone: plain
//! numbers in its forms, map keys as JSON keys, and `<<` merges in its order.

use serde_yaml::{Mapping, Number, Value};
use std::collections::HashSet;

/// go-yaml v2's `<<`: a map's entries, or each map's of a list with the first winning,
/// overwrite what the mapping holds so far.
pub(super) fn merge(map: &mut Mapping, merged: &mut HashSet<Value>, value: Value) -> Result<(), String> {
    let sources = match value {
        Value::Mapping(source) => vec![source],
        Value::Sequence(items) => items
            .into_iter()
            .rev()
            .map(|item| match item {
                Value::Mapping(source) => Ok(source),
                _ => Err(MERGE_ERROR.to_string()),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(MERGE_ERROR.to_string()),
    };
    for source in sources {
        for (key, value) in source {
            merged.insert(key.clone());
            map.insert(key, value);
        }
    }
    Ok(())
}

pub(super) const MERGE_ERROR: &str = "map merge requires map or sequence of maps as the value";

/// A map key as sigs.k8s.io/yaml turns it into a JSON key.
pub(super) fn string_key(key: Value) -> Result<Value, String> {
    match key {
        Value::String(_) => Ok(key),
        Value::Bool(b) => Ok(Value::String(b.to_string())),
        Value::Number(n) => Ok(Value::String(match n.as_f64() {
            Some(f) if n.is_f64() => (f as f32).to_string(),
            _ => n.to_string(),
        })),
        Value::Tagged(tagged) => string_key(tagged.value),
        Value::Null => Err("unsupported map key: null".to_string()),
        other => Err(format!("invalid map key: {}", crate::yaml::kind_name(&other))),
    }
}

/// The number go-yaml v2 reads from a plain scalar that YAML 1.2 leaves a string
/// (`0644`, `1_000`, `08`, `0x_1F`, `+0644`), or `None`.
pub(super) fn go_yaml_number(s: &str) -> Option<Value> {
    if !s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    let plain = s.replace('_', "");
    if let Some(i) = go_parse_int(&plain) {
        return Some(match (i64::try_from(i), u64::try_from(i)) {
            (Ok(i), _) => Value::Number(Number::from(i)),
            (_, Ok(u)) => Value::Number(Number::from(u)),
            _ => super::super::big_number(i.to_string()),
        });
    }
    if is_yaml_style_float(&plain) {
        return plain.parse::<f64>().ok().map(|f| match f.is_finite() {
            true => Value::Number(f.into()),
            false => super::super::big_number(s.to_string()),
        });
    }
    None
}

/// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint` as go-yaml does.
fn go_parse_int(s: &str) -> Option<i128> {
    let (negative, unsigned) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = unsigned.to_ascii_lowercase();
    let (radix, digits) = if lower.len() >= 3 && lower.starts_with("0x") {
        (16, &unsigned[2..])
    } else if lower.len() >= 3 && lower.starts_with("0o") {
        (8, &unsigned[2..])
    } else if lower.len() >= 3 && lower.starts_with("0b") {
        (2, &unsigned[2..])
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (8, &unsigned[1..])
    } else {
        (10, unsigned)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()? as i128;
    let value = if negative { -magnitude } else { magnitude };
    let fits = if negative { value >= i64::MIN as i128 } else { value <= u64::MAX as i128 };
    fits.then_some(value)
}

/// go-yaml v2's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
pub fn is_yaml_style_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => digits(fraction),
        Some((whole, fraction)) => digits(whole) && (fraction.is_empty() || digits(fraction)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}
