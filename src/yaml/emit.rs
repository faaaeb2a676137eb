//! The YAML writer: block-style YAML that is safe for YAML 1.1 readers such as kubectl.
//!
//! It exists because serde_yaml writes `yes`, `on` or `007` unquoted, which Kubernetes
//! tooling (YAML 1.1) reads back as booleans or octal numbers. Here every string that a
//! YAML 1.1 or 1.2 reader could take for anything but a string is quoted, key order is
//! kept, and lists are not indented under their key (as `helm template`).

use serde_yaml::{Mapping, Value};
use std::fmt::Write;

/// Writes `value` as block-style YAML, ending with a newline unless the value is a
/// scalar (scalars are written bare, as Helm's `toYaml` with its trailing newline
/// trimmed would print them).
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Mapping(map) if !map.is_empty() => write_mapping(&mut out, map, 0),
        Value::Sequence(seq) if !seq.is_empty() => write_sequence(&mut out, seq, 0),
        other => {
            write_scalar(&mut out, other, 2);
            out.push('\n');
        }
    }
    out
}

fn write_mapping(out: &mut String, map: &Mapping, indent: usize) {
    for (key, value) in map {
        push_indent(out, indent);
        write_key(out, key);
        out.push(':');
        write_nested(out, value, indent, false);
    }
}

fn write_sequence(out: &mut String, seq: &[Value], indent: usize) {
    for item in seq {
        push_indent(out, indent);
        out.push('-');
        write_nested(out, item, indent, true);
    }
}

/// Writes what follows `key:` or `-`: a scalar on the same line, or a block below.
fn write_nested(out: &mut String, value: &Value, indent: usize, in_sequence: bool) {
    match untag(value) {
        Value::Mapping(map) if !map.is_empty() => {
            if in_sequence {
                // `- a: 1` then the other keys aligned under `a`.
                out.push(' ');
                let mut first = String::new();
                write_mapping(&mut first, map, indent + 2);
                out.push_str(&first[indent + 2..]);
            } else {
                out.push('\n');
                write_mapping(out, map, indent + 2);
            }
        }
        Value::Sequence(seq) if !seq.is_empty() => {
            if in_sequence {
                out.push(' ');
                let mut first = String::new();
                write_sequence(&mut first, seq, indent + 2);
                out.push_str(&first[indent + 2..]);
            } else {
                out.push('\n');
                write_sequence(out, seq, indent);
            }
        }
        _ => {
            out.push(' ');
            write_scalar(out, value, indent + 2);
            out.push('\n');
        }
    }
}

fn untag(value: &Value) -> &Value {
    match value {
        Value::Tagged(tagged) => untag(&tagged.value),
        other => other,
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn write_key(out: &mut String, key: &Value) {
    match untag(key) {
        Value::String(s) => write_string(out, s, 0, false),
        Value::Mapping(_) | Value::Sequence(_) => {
            let flow = serde_json::to_string(key).unwrap_or_default();
            write_string(out, &flow, 0, false);
        }
        scalar => write_scalar(out, scalar, 0),
    }
}

/// Writes a scalar; `block_indent` is the indentation of a literal block's lines.
fn write_scalar(out: &mut String, value: &Value, block_indent: usize) {
    if let Some(digits) = super::as_big_number(value) {
        out.push_str(digits);
        return;
    }
    match untag(value) {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s, block_indent, true),
        Value::Mapping(_) => out.push_str("{}"),
        Value::Sequence(_) => out.push_str("[]"),
        Value::Tagged(_) => unreachable!("untag removes tags"),
    }
}

fn write_number(out: &mut String, n: &serde_yaml::Number) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        write_float(out, f);
    }
}

/// Floats keep a fractional part so they read back as floats (`1.0`, not `1`).
fn write_float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str(".nan");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { ".inf" } else { "-.inf" });
    } else {
        let text = format!("{f:?}");
        out.push_str(&text);
    }
}

fn write_string(out: &mut String, s: &str, block_indent: usize, allow_block: bool) {
    let multi_line = s.contains('\n');
    if multi_line && allow_block && !needs_escapes(s) && !has_trailing_blanks(s) {
        write_literal_block(out, s, block_indent);
    } else if multi_line || needs_escapes(s) {
        write_double_quoted(out, s);
    } else if is_ambiguous(s) {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else if needs_quotes(s) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        out.push_str(s);
    }
}

/// `|`, `|-` or `|+` literal block, with an indentation indicator when the first line
/// starts with a space.
fn write_literal_block(out: &mut String, s: &str, indent: usize) {
    out.push('|');
    if s.starts_with(' ') {
        out.push('2');
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            push_indent(out, indent);
            out.push_str(line);
        }
    }
    // `|+` keeps the extra blank lines: write them as empty lines.
    for _ in 1..trailing {
        out.push('\n');
    }
}

fn needs_escapes(s: &str) -> bool {
    s.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}')
}

/// Lines ending in blanks would survive in a literal block, but invisibly: such strings
/// are double-quoted instead.
fn has_trailing_blanks(s: &str) -> bool {
    s.split('\n').any(|line| line.ends_with([' ', '\t']))
}

/// `s` as a double-quoted scalar, escaped so YAML and JSON readers read it back exactly.
pub fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// True for strings a YAML 1.1 or 1.2 reader would resolve to a non-string:
/// booleans (`yes`, `on`, `y`, ...), nulls, numbers in any base or notation,
/// and dates. These get double quotes, as Helm's `toYaml` gives them.
fn is_ambiguous(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
        "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let lower = unsigned.to_ascii_lowercase();
    if lower == ".inf" || lower == ".nan" {
        return true;
    }
    // Anything made only of number characters that starts like a number: decimals,
    // `.5`, `0x1F`, `0o17`, `0b101`, `1e3`, `1_000`, `12:30` (YAML 1.1 sexagesimal) and
    // dates such as `2024-01-01`. Over-quoting (`1.0.3`) is harmless; `50m`, `64Mi` and
    // `1.2.3-alpine` stay plain.
    let mut chars = unsigned.chars();
    let starts_like_a_number = match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('.') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    starts_like_a_number && unsigned.chars().all(|c| c.is_ascii_hexdigit() || "xXoObB_.:+-TtZz ".contains(c))
}

/// True for strings that a plain scalar cannot carry as they are.
fn needs_quotes(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    let last = s.chars().last().unwrap_or(' ');
    "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || first.is_whitespace()
        || last.is_whitespace()
        || last == ':'
        || s.contains(": ")
        || s.contains(" #")
        || s.contains('\t')
        || s == "<<"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> String {
        to_string(&serde_yaml::from_str::<Value>(text).unwrap())
    }

    #[test]
    fn yaml_1_1_booleans_and_nulls_are_quoted() {
        for word in ["yes", "no", "on", "off", "y", "n", "Y", "NO", "true", "null", "~", ""] {
            let value = Value::String(word.to_string());
            assert_eq!(to_string(&value), format!("\"{word}\"\n"), "{word}");
        }
    }

    #[test]
    fn number_like_strings_are_quoted() {
        for word in
            ["007", "1e3", "0x1F", "1_000", "1.5", ".5", "-1", "+1", "2024-01-01", "12:30", ".inf", "-.NaN"]
        {
            let value = Value::String(word.to_string());
            assert_eq!(to_string(&value), format!("\"{word}\"\n"), "{word}");
        }
    }

    #[test]
    fn plain_strings_stay_plain() {
        for word in ["hello", "v1.2.3", "redis-0.redis", "a-b", "yesterday", "nginx:1.25", "x y"] {
            let value = Value::String(word.to_string());
            assert_eq!(to_string(&value), format!("{word}\n"), "{word}");
        }
    }

    #[test]
    fn indicators_get_single_quotes() {
        assert_eq!(to_string(&Value::String("a: b".into())), "'a: b'\n");
        assert_eq!(to_string(&Value::String(" lead".into())), "' lead'\n");
        assert_eq!(to_string(&Value::String("*x".into())), "'*x'\n");
        assert_eq!(to_string(&Value::String("it's: x".into())), "'it''s: x'\n");
        assert_eq!(to_string(&Value::String("a #b".into())), "'a #b'\n");
    }

    #[test]
    fn mappings_keep_order_and_lists_are_not_indented() {
        let out = yaml("b: 1\na:\n  - x\n  - k: 2\n    z: [3]\nc: {}\nd: []\n");
        assert_eq!(out, "b: 1\na:\n- x\n- k: 2\n  z:\n  - 3\nc: {}\nd: []\n");
    }

    #[test]
    fn nested_sequences_and_maps() {
        assert_eq!(yaml("a: [[1, 2], [3]]"), "a:\n- - 1\n  - 2\n- - 3\n");
        assert_eq!(yaml("a: {b: {c: 1}}"), "a:\n  b:\n    c: 1\n");
    }

    #[test]
    fn multi_line_strings_use_literal_blocks() {
        let value: Value = serde_yaml::from_str("a: \"x\\ny\\n\"\nb: \"x\\ny\"\nc: \"x\\n\\n\"").unwrap();
        assert_eq!(to_string(&value), "a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\n");
        let round: Value = serde_yaml::from_str(&to_string(&value)).unwrap();
        assert_eq!(round, value);
    }

    #[test]
    fn leading_space_block_gets_an_indentation_indicator() {
        let value = Value::String("  indented\nnext\n".into());
        let text = format!("k: {}", to_string(&value));
        assert_eq!(text, "k: |2\n    indented\n  next\n");
        let round: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(round.get("k").unwrap(), &value);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(to_string(&Value::String("a\u{1b}b".into())), "\"a\\u001bb\"\n");
        assert_eq!(to_string(&Value::String("trailing \nspace".into())), "\"trailing \\nspace\"\n");
    }

    #[test]
    fn numbers_keep_their_type() {
        assert_eq!(
            yaml("a: 1000000\nb: 1.0\nc: 12345678901234567890\nd: -3\ne: .inf"),
            "a: 1000000\nb: 1.0\nc: 12345678901234567890\nd: -3\ne: .inf\n"
        );
    }

    #[test]
    fn ambiguous_keys_are_quoted() {
        assert_eq!(yaml("\"on\": 1\n\"1\": 2\nx: 3"), "\"on\": 1\n\"1\": 2\nx: 3\n");
    }

    #[test]
    fn every_output_reads_back_equal() {
        let text = "a: \"yes\"\nb: [\"007\", \"x: y\", \"-\", \"#c\", \"\\ttab\"]\nc: {\"\": 1}\n";
        let value: Value = serde_yaml::from_str(text).unwrap();
        let round: Value = serde_yaml::from_str(&to_string(&value)).unwrap();
        assert_eq!(round, value);
    }
}
