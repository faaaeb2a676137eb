//! YAML in and out: one reader for every YAML text read as data ([`read`]), and one
//! writer whose output is safe for YAML 1.1 readers such as kubectl ([`emit`]).

mod emit;
mod read;
pub mod stream;

pub use emit::{to_string, write_double_quoted};
pub use read::{
    Schema, check_strict, is_yaml_style_float, max_expanded_nodes, parse_document, parse_documents,
    without_path,
};

use anyhow::{Result, anyhow};
use serde_yaml::{Mapping, Value};

/// Parses a values file read from `path`: a YAML stream whose documents are merged in
/// order (as Helm v4 does) into one mapping. An empty stream or an all-`null` stream is
/// an empty mapping. Errors read `path:line:col: message`.
pub fn parse_mapping(text: &str, schema: Schema, path: &str) -> Result<Mapping> {
    let mut merged = Mapping::new();
    for value in parse_documents(text, schema).map_err(|e| anyhow!("{}", located(path, &e)))? {
        match value {
            Value::Null => {}
            Value::Mapping(map) => merge_maps(&mut merged, map),
            other => {
                return Err(anyhow!(
                    "{path}:1:1: expected a mapping at the top level, found {}",
                    kind_name(&other)
                ));
            }
        }
    }
    Ok(merged)
}

/// A parse error as `path:line:col: message` (`path: message` when it has no position).
pub fn located(path: &str, error: &serde_yaml::Error) -> String {
    match error.location() {
        Some(at) => format!("{path}:{}:{}: {}", at.line(), at.column(), shown_message(error)),
        None => format!("{path}: {}", shown_message(error)),
    }
}

/// Helm's `MergeMaps`: merges `overlay` into `base`; maps merge recursively; lists,
/// scalars and `null` replace.
pub fn merge_maps(base: &mut Mapping, overlay: Mapping) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(Value::Mapping(existing)), Value::Mapping(incoming)) => merge_maps(existing, incoming),
            (Some(slot), value) => *slot = value,
            (None, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// A parser error's message with the value text it quotes unmarked: for files that are
/// not rendered documents (values files, Chart.yaml), whose errors show it.
fn shown_message(error: &serde_yaml::Error) -> String {
    crate::secret::unmarked(&error_message(error))
}

/// A parser error's message without the `at line L column C` parts (which callers put
/// before it as `path:line:col`), its value text marked for [`crate::secret::shown`].
pub fn error_message(error: &serde_yaml::Error) -> String {
    let message = error.to_string();
    let mut out = String::with_capacity(message.len());
    let mut rest = message.as_str();
    while let Some(start) = rest.find(" at line ") {
        out.push_str(&rest[..start]);
        let tail = &rest[start + " at line ".len()..];
        let skip = tail
            .find(" column ")
            .map(|c| c + " column ".len())
            .map(|c| c + tail[c..].find(|ch: char| !ch.is_ascii_digit()).unwrap_or(tail.len() - c))
            .unwrap_or(0);
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}

/// The tag of a number kept as written: a whole number beyond 64 bits (up to 39 digits),
/// a float past the largest one (`1e400`), infinity or not-a-number. It passes through as
/// written (`rudder values`, diffs), a template sees its text, and arithmetic refuses it:
/// Helm and Kubernetes have 64-bit integers and finite floats.
const BIG_NUMBER: &str = "rudder/number-as-written";

/// A number kept as written.
pub fn big_number(digits: String) -> Value {
    Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
        tag: serde_yaml::value::Tag::new(BIG_NUMBER),
        value: Value::String(digits),
    }))
}

/// The digits of a [`big_number`].
pub fn as_big_number(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == BIG_NUMBER => tagged.value.as_str(),
        _ => None,
    }
}

/// A scalar as plain text (strings bare, numbers and booleans as written); `None` for
/// anything else.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => as_big_number(other).map(str::to_string),
    }
}

/// A short English name of a value's type, for error messages.
pub fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_lose_their_positions() {
        let error = serde_yaml::from_str::<Value>("a: [1\n").unwrap_err();
        let message = error_message(&error);
        assert!(!message.contains("line"), "{message}");
        assert!(message.starts_with("did not find expected"), "{message}");
    }

    #[test]
    fn parse_mapping_merges_documents_and_strips_bom() {
        let map = parse_mapping("\u{feff}a: 1\nb: {c: 1}\n---\nb: {d: 2}\n", Schema::Kube, "v").unwrap();
        assert_eq!(serde_yaml::to_string(&map).unwrap(), "a: 1\nb:\n  c: 1\n  d: 2\n");
        assert!(parse_mapping("", Schema::Kube, "v").unwrap().is_empty());
        assert_eq!(
            parse_mapping("- a", Schema::Kube, "v.yaml").unwrap_err().to_string(),
            "v.yaml:1:1: expected a mapping at the top level, found a list"
        );
        assert_eq!(
            parse_mapping("a: [1\n", Schema::Kube, "v.yaml").unwrap_err().to_string(),
            "v.yaml:2:1: did not find expected ',' or ']', while parsing a flow sequence"
        );
    }

    #[test]
    fn merge_maps_recurses_into_maps_and_replaces_the_rest() {
        let map = |t: &str| parse_mapping(t, Schema::Kube, "v").unwrap();
        let mut base = map("a: {b: 1, c: [1, 2]}\nd: 1\n");
        merge_maps(&mut base, map("a: {c: [9], e: null}\nd: {x: 1}\n"));
        assert_eq!(base, map("a: {b: 1, c: [9], e: null}\nd: {x: 1}\n"));
    }
}
