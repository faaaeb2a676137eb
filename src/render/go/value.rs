//! Go's view of a Tera value: its kind (`string`, `int64`, `float64`, `map`…), Go's
//! emptiness, Sprig's conversions (`strval`, cast's `ToInt64`/`ToFloat64`), and values
//! as Helm reads them (every number of a values file is a `float64`).

use tera::value::{Key, ValueKind};
use tera::{Map, Value};

/// A Go `int64` (what Sprig's arithmetic returns): a 128-bit Tera integer, so that
/// `kindOf`/`typeOf` tell it from an `int` (a 64-bit Tera integer: constants, `len`).
pub fn int64(n: i64) -> Value {
    Value::from(n as i128)
}

/// Go's kinds as the template functions tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `nil` or a missing value.
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    String,
    Slice,
    Map,
    Bytes,
}

pub fn kind(value: &Value) -> Kind {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => Kind::Invalid,
        ValueKind::Bool => Kind::Bool,
        ValueKind::I64 | ValueKind::I128 => Kind::Int,
        ValueKind::U64 | ValueKind::U128 => Kind::Uint,
        ValueKind::F64 => Kind::Float,
        ValueKind::String => Kind::String,
        ValueKind::Array => Kind::Slice,
        ValueKind::Map => Kind::Map,
        ValueKind::Bytes => Kind::Bytes,
        _ => Kind::Invalid,
    }
}

pub fn is_nil(value: &Value) -> bool {
    value.is_undefined() || value.is_none()
}

/// Go's (and Sprig's `empty`) idea of an empty value: nil, false, 0, "", and empty lists
/// and maps.
pub fn is_empty(value: &Value) -> bool {
    !value.is_truthy()
}

/// Go's `reflect.Kind` name of a value, as Sprig's `kindOf` prints it.
pub fn kind_name(value: &Value) -> &'static str {
    match kind(value) {
        Kind::Invalid => "invalid",
        Kind::Bool => "bool",
        Kind::Int if value.is_i64() => "int",
        Kind::Int => "int64",
        Kind::Uint => "uint64",
        Kind::Float => "float64",
        Kind::String => "string",
        Kind::Slice | Kind::Bytes => "slice",
        Kind::Map => "map",
    }
}

/// Go's type name of a value, as Sprig's `typeOf` prints it (`%T`).
pub fn type_name(value: &Value) -> &'static str {
    match kind(value) {
        Kind::Invalid => "<nil>",
        Kind::Bool => "bool",
        Kind::Int if value.is_i64() => "int",
        Kind::Int => "int64",
        Kind::Uint => "uint64",
        Kind::Float => "float64",
        Kind::String => "string",
        Kind::Slice => "[]interface {}",
        Kind::Bytes => "[]uint8",
        Kind::Map => "map[string]interface {}",
    }
}

/// Sprig's `strval`: a string as it is, bytes as text, anything else as `%v` prints it
/// (nil as `<nil>`).
pub fn strval(value: &Value) -> String {
    match value.as_str() {
        Some(s) => s.to_string(),
        None => match value.as_bytes() {
            Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            None => super::fmt::sprint_value(value),
        },
    }
}

/// cast's `ToInt64`: whole numbers as they are, floats truncated, booleans 1 or 0,
/// strings parsed as Go's `strconv.ParseInt(s, 0, 64)` reads them (after dropping a
/// `.000` tail); anything else, or what does not parse, is 0.
pub fn to_int64(value: &Value) -> i64 {
    match kind(value) {
        Kind::Int => value.as_i128().map_or(0, |i| i as i64),
        Kind::Uint => value.as_u128().map_or(0, |u| u as i64),
        Kind::Float => value.as_f64().map_or(0, |f| f as i64),
        Kind::Bool => i64::from(value.as_bool() == Some(true)),
        Kind::String => parse_int(trim_zero_decimal(value.as_str().unwrap_or_default())).unwrap_or(0),
        _ => 0,
    }
}

/// cast's `ToFloat64`.
pub fn to_float64(value: &Value) -> f64 {
    match kind(value) {
        Kind::Int | Kind::Uint | Kind::Float => value.as_f64().unwrap_or(0.0),
        Kind::Bool => f64::from(u8::from(value.as_bool() == Some(true))),
        Kind::String => value.as_str().unwrap_or_default().trim().parse::<f64>().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// `10.00` → `10` (cast drops a decimal part of zeros before parsing an integer).
fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, c) in s.char_indices().rev() {
        match c {
            '.' if found_zero => return &s[..i],
            '.' => return s,
            '0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Go's `strconv.ParseInt(s, 0, 64)`: a sign, then decimal, `0x`, `0o`, `0b` or a
/// leading-`0` octal; `_` only after a base prefix.
pub fn parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    if digits.is_empty() || (!prefixed && digits.contains('_')) {
        return None;
    }
    let digits = digits.replace('_', "");
    let magnitude = u64::from_str_radix(&digits, radix).ok()?;
    if negative {
        if magnitude == 1u64 << 63 {
            return Some(i64::MIN);
        }
        i64::try_from(magnitude).ok().map(|m| -m)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// A map key from a string.
pub fn key(s: &str) -> Key<'static> {
    Key::String(s.into())
}

/// The text of a map key, as Go prints it.
pub fn key_text(key: &Key) -> String {
    match key.as_str() {
        Some(s) => s.to_string(),
        None => key.to_string(),
    }
}

/// A value of a values file as a Helm template sees it: numbers are `float64` (Helm
/// reads values through JSON), unless `exact` (numbers the template made itself, or
/// `--set` integers, stay integers).
pub fn from_yaml(value: &serde_yaml::Value, exact: bool) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::none(),
        Y::Bool(b) => Value::from(*b),
        Y::Number(n) => {
            if !exact {
                return Value::from(n.as_f64().unwrap_or(0.0));
            }
            match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Value::from(i),
                (None, Some(u)) => Value::from(u),
                _ => Value::from(n.as_f64().unwrap_or(0.0)),
            }
        }
        Y::String(s) => Value::from(s.as_str()),
        Y::Sequence(items) => Value::from(items.iter().map(|v| from_yaml(v, exact)).collect::<Vec<_>>()),
        Y::Mapping(map) => from_yaml_map(map, exact),
        Y::Tagged(tagged) => match crate::yaml::as_big_number(value) {
            Some(digits) => match exact {
                true => Value::from(digits),
                false => Value::from(digits.parse::<f64>().unwrap_or(0.0)),
            },
            None => from_yaml(&tagged.value, exact),
        },
    }
}

/// A values mapping as a template sees it (see [`from_yaml`]).
pub fn from_yaml_map(map: &serde_yaml::Mapping, exact: bool) -> Value {
    let mut out = Map::with_capacity(map.len());
    for (k, v) in map {
        out.insert(key(&yaml_key(k)), from_yaml(v, exact));
    }
    Value::from(out)
}

/// A YAML key as text (Helm's values keys are strings).
fn yaml_key(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        other => crate::yaml::scalar_text(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_read_as_cast_does() {
        assert_eq!(to_int64(&Value::from("0x1F")), 31);
        assert_eq!(to_int64(&Value::from("010")), 8);
        assert_eq!(to_int64(&Value::from("10.00")), 10);
        assert_eq!(to_int64(&Value::from("10.5")), 0);
        assert_eq!(to_int64(&Value::from(-3.9)), -3);
        assert_eq!(to_int64(&Value::from(true)), 1);
        assert_eq!(to_float64(&Value::from("1.5")), 1.5);
        assert_eq!(parse_int("1_000"), None);
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
    }

    #[test]
    fn values_numbers_are_floats() {
        let yaml: serde_yaml::Value = serde_yaml::from_str("{a: 1, b: [2, x], c: null}").unwrap();
        let value = from_yaml(&yaml, false);
        let map = value.as_map().unwrap();
        assert_eq!(kind(&map[&key("a")]), Kind::Float);
        assert_eq!(kind_name(&map[&key("b")]), "slice");
        assert!(is_nil(&map[&key("c")]));
        assert_eq!(kind(&from_yaml(&yaml, true).as_map().unwrap()[&key("a")]), Kind::Int);
    }
}
