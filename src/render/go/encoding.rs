//! Helm's and Sprig's encoders and decoders as Go writes and reads: `toYaml` (via
//! [`super::goyaml`]), `toJson` (Go's `encoding/json`: keys sorted, `<>&` escaped, floats
//! as Go writes them), `toRawJson`, `toPrettyJson`, `toToml`; `fromYaml`/`fromJson` (numbers
//! as `float64`, a failure as a map with an `Error` key, as Helm returns it) and their
//! array forms.

use super::args::register;
use super::value::{Kind, from_yaml, key, kind, to_float64};
use tera::{Map, Tera, Value};

pub fn register_all(tera: &mut Tera) {
    register(tera, "toYaml", 1, Some(1), |a| Ok(trimmed(super::goyaml::to_yaml(a.get(0), false)).into()));
    register(tera, "mustToYaml", 1, Some(1), |a| match super::goyaml::to_yaml(a.get(0), false) {
        Some(text) => Ok(trimmed(Some(text)).into()),
        None => Err("json: unsupported value: a NaN or infinite number".into()),
    });
    register(
        tera,
        "toYamlPretty",
        1,
        Some(1),
        |a| Ok(trimmed(super::goyaml::to_yaml(a.get(0), true)).into()),
    );
    for name in ["toJson", "mustToJson"] {
        register(tera, name, 1, Some(1), |a| Ok(json(a.get(0), true, None).unwrap_or_default().into()));
    }
    for name in ["toRawJson", "mustToRawJson"] {
        register(tera, name, 1, Some(1), |a| Ok(json(a.get(0), false, None).unwrap_or_default().into()));
    }
    for name in ["toPrettyJson", "mustToPrettyJson"] {
        register(tera, name, 1, Some(1), |a| Ok(json(a.get(0), true, Some(0)).unwrap_or_default().into()));
    }
    register(tera, "fromYaml", 1, Some(1), |a| Ok(from_yaml_text(a.str(0)?)));
    register(tera, "fromYamlArray", 1, Some(1), |a| Ok(from_yaml_array(a.str(0)?)));
    register(tera, "fromJson", 1, Some(1), |a| Ok(from_json_map(a.str(0)?)));
    register(tera, "fromJsonArray", 1, Some(1), |a| Ok(from_json_array(a.str(0)?)));
    register(tera, "mustFromJson", 1, Some(1), |a| {
        serde_json::from_str::<serde_json::Value>(a.str(0)?).map(|j| from_json(&j)).map_err(|e| e.to_string())
    });
    for name in ["toToml", "mustToToml"] {
        register(tera, name, 1, Some(1), |a| Ok(toml(a.get(0)).into()));
    }
    register(tera, "fromToml", 1, Some(1), |_| Err("fromToml is not supported by rudder".into()));
}

/// `toYaml`'s result: Helm trims the final newline; a value JSON cannot write is `""`.
fn trimmed(text: Option<String>) -> String {
    let mut text = text.unwrap_or_default();
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// Go's `json.Marshal` (`escape_html`) or `MarshalIndent` with two spaces (`indent`);
/// `None` for NaN and infinities, which Go refuses.
pub fn json(value: &Value, escape_html: bool, indent: Option<usize>) -> Option<String> {
    let mut out = String::new();
    write_json(value, escape_html, indent, &mut out)?;
    Some(out)
}

fn write_json(value: &Value, escape: bool, indent: Option<usize>, out: &mut String) -> Option<()> {
    let newline = |out: &mut String, level: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(level));
    };
    match kind(value) {
        Kind::Invalid => out.push_str("null"),
        Kind::Bool => out.push_str(if value.as_bool() == Some(true) { "true" } else { "false" }),
        Kind::Int | Kind::Uint => out.push_str(&value.as_i128()?.to_string()),
        Kind::Float => out.push_str(&json_float(value.as_f64()?)?),
        Kind::String => json_string(value.as_str()?, escape, out),
        Kind::Bytes => {
            use base64::Engine as _;
            json_string(&base64::engine::general_purpose::STANDARD.encode(value.as_bytes()?), escape, out)
        }
        Kind::Slice => {
            let items = value.as_array()?;
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(level) = indent {
                    newline(out, level + 1);
                }
                write_json(item, escape, indent.map(|l| l + 1), out)?;
            }
            if let (Some(level), false) = (indent, items.is_empty()) {
                newline(out, level);
            }
            out.push(']');
        }
        Kind::Map => {
            let mut entries: Vec<(String, &Value)> = super::fmt::sorted(value);
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(level) = indent {
                    newline(out, level + 1);
                }
                json_string(k, escape, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(v, escape, indent.map(|l| l + 1), out)?;
            }
            if let (Some(level), false) = (indent, entries.is_empty()) {
                newline(out, level);
            }
            out.push('}');
        }
    }
    Some(())
}

/// A float as Go's `encoding/json` writes it: `%f` form between 1e-6 and 1e21, else
/// the exponent form with `e-7` rather than `e-07`.
fn json_float(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        let text = format!("{f}");
        return Some(if text == "-0" { "-0".into() } else { text });
    }
    let g = format!("{f:e}");
    let (mantissa, exp) = g.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let sign = if exp < 0 { '-' } else { '+' };
    Some(format!("{mantissa}e{sign}{}", exp.abs()))
}

fn json_string(s: &str, escape_html: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// JSON data as a template sees it: numbers as `float64`.
pub fn from_json(json: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match json {
        J::Null => Value::none(),
        J::Bool(b) => Value::from(*b),
        J::Number(n) => Value::from(n.as_f64().unwrap_or(0.0)),
        J::String(s) => Value::from(s.as_str()),
        J::Array(items) => Value::from(items.iter().map(from_json).collect::<Vec<_>>()),
        J::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                out.insert(key(k), from_json(v));
            }
            Value::from(out)
        }
    }
}

fn error_map(message: String) -> Value {
    let mut map = Map::new();
    map.insert(key("Error"), Value::from(message));
    Value::from(map)
}

fn from_json_map(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(json @ serde_json::Value::Object(_)) => from_json(&json),
        Ok(other) => error_map(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        )),
        Err(e) => error_map(e.to_string()),
    }
}

fn from_json_array(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(json @ serde_json::Value::Array(_)) => from_json(&json),
        Ok(other) => Value::from(vec![Value::from(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))]),
        Err(e) => Value::from(vec![Value::from(e.to_string())]),
    }
}

fn json_kind(json: &serde_json::Value) -> &'static str {
    match json {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// Helm's `fromYaml`: the first document as a map, numbers as `float64`; a failure as
/// `{Error: message}`.
fn from_yaml_text(text: &str) -> Value {
    match crate::yaml::parse_documents(text, crate::yaml::Schema::Kube) {
        Ok(documents) => match documents.into_iter().next() {
            None | Some(serde_yaml::Value::Null) => Value::from(Map::new()),
            Some(mapping @ serde_yaml::Value::Mapping(_)) => from_yaml(&mapping, false),
            Some(_) => error_map(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal non-object into Go value of type map[string]interface {}".into(),
            ),
        },
        Err(e) => error_map(format!("error converting YAML to JSON: {}", crate::yaml::error_message(&e))),
    }
}

/// Helm's `fromYamlArray`: the first document as a list; a failure as `[message]`.
fn from_yaml_array(text: &str) -> Value {
    match crate::yaml::parse_documents(text, crate::yaml::Schema::Kube) {
        Ok(documents) => match documents.into_iter().next() {
            None | Some(serde_yaml::Value::Null) => Value::from(Vec::<Value>::new()),
            Some(list @ serde_yaml::Value::Sequence(_)) => from_yaml(&list, false),
            Some(_) => Value::from(vec![Value::from(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}",
            )]),
        },
        Err(e) => Value::from(vec![Value::from(format!(
            "error converting YAML to JSON: {}",
            crate::yaml::error_message(&e)
        ))]),
    }
}

/// Helm's `toToml` (BurntSushi's encoder) for the tables charts write: scalars first,
/// then sub-tables, keys sorted; floats keep a decimal point (`9.0`).
fn toml(value: &Value) -> String {
    let mut out = String::new();
    if value.as_map().is_some() {
        toml_table(value, &mut Vec::new(), &mut out);
    }
    out
}

fn toml_table(value: &Value, path: &mut Vec<String>, out: &mut String) {
    let entries = super::fmt::sorted(value);
    for (k, v) in &entries {
        if kind(v) != Kind::Map && !is_table_array(v) {
            out.push_str(&format!("{} = {}\n", toml_key(k), toml_value(v)));
        }
    }
    for (k, v) in &entries {
        if kind(v) == Kind::Map {
            path.push(toml_key(k));
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("[{}]\n", path.join(".")));
            toml_table(v, path, out);
            path.pop();
        }
    }
}

fn is_table_array(value: &Value) -> bool {
    value.as_array().is_some_and(|items| !items.is_empty() && items.iter().all(|i| kind(i) == Kind::Map))
}

fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else {
        super::fmt::quote(k)
    }
}

fn toml_value(value: &Value) -> String {
    match kind(value) {
        Kind::String => super::fmt::quote(value.as_str().unwrap_or_default()),
        Kind::Float => {
            let f = to_float64(value);
            if f.fract() == 0.0 && f.abs() < 1e16 { format!("{f:.1}") } else { format!("{f}") }
        }
        Kind::Slice => {
            let items: Vec<String> = value.as_array().unwrap_or_default().iter().map(toml_value).collect();
            format!("[{}]", items.join(", "))
        }
        _ => super::fmt::sprint_value(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json as j;

    #[test]
    fn json_as_go_writes_it() {
        let v = Value::from_serializable(&j!({"b": [1, 2.5, null], "a": "<x&y>", "c": {}}));
        assert_eq!(json(&v, true, None).unwrap(), r#"{"a":"\u003cx\u0026y\u003e","b":[1,2.5,null],"c":{}}"#);
        assert_eq!(json(&v, false, None).unwrap(), r#"{"a":"<x&y>","b":[1,2.5,null],"c":{}}"#);
        assert_eq!(json(&Value::from(1e21), true, None).unwrap(), "1e+21");
        assert_eq!(json(&Value::from(1e-7), true, None).unwrap(), "1e-7");
        assert_eq!(json(&Value::from(1000000.0), true, None).unwrap(), "1000000");
        assert_eq!(json(&Value::from(f64::NAN), true, None), None);
        let pretty = json(&Value::from_serializable(&j!({"a": [1], "b": {}})), true, Some(0)).unwrap();
        assert_eq!(pretty, "{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}");
    }

    #[test]
    fn decoders_fail_into_an_error_key() {
        let bad = from_json_map("{x");
        assert!(bad.as_map().unwrap().contains_key(&key("Error")));
        let ok = from_yaml_text("a: 1\nb: [x]\n");
        assert_eq!(kind(&ok.as_map().unwrap()[&key("a")]), Kind::Float);
        assert_eq!(from_yaml_text("").as_map().unwrap().len(), 0);
    }
}
