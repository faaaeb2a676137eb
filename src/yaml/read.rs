//! The YAML reader: every YAML text rudder reads as data (values files, rendered documents,
//! diff baselines, `from_yaml`) goes through [`parse_documents`], which builds trees in one
//! pass with a budget on the nodes that aliases expand to.
//!
//! Under [`Schema::Kube`] scalars and keys are typed as Helm and kubectl type them
//! (sigs.k8s.io/yaml, go-yaml v2): plain `0644` is 420, `1_000` is 1000, `08` is 8.0,
//! `0x_1F` is 31; map keys become strings (`80: http` is `"80": http`); `<<` merge keys are
//! applied in go-yaml v2's order (later entries overwrite earlier ones, and in a list of
//! merged maps the first wins). Quoted and tagged scalars are never retyped. Booleans stay
//! YAML 1.2 (`yes` is a string): a deliberate difference, see docs/values.md.
//!
//! Under [`Schema::Core`] the tree is what serde_yaml itself reads (for files kept as
//! written, such as Chart.yaml rewritten by `package`).

use serde::de::{self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Number, Value};
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;

/// Most nodes a YAML text may expand to through aliases. A 100 KB text can reference a
/// 6,000-key anchor 6,000 times; expanded, that is 36 million nodes and gigabytes of
/// memory (serde_yaml's own guard counts alias jumps, not nodes).
pub const MAX_EXPANDED_NODES: usize = 1_000_000;

/// How scalars and keys are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// As Helm and kubectl read values and manifests (see the module docs).
    Kube,
    /// As serde_yaml reads YAML 1.2: no retyping, keys as written, `<<` a plain key.
    Core,
}

/// Parses every document of a YAML stream. A stream without documents gives none.
pub fn parse_documents(text: &str, schema: Schema) -> Result<Vec<Value>, serde_yaml::Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let nodes = Cell::new(0);
    let reader = Reader { text, schema, nodes: &nodes };
    let mut documents = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        documents.push(Seed { reader, role: Role::Node }.deserialize(document)?.into_value());
    }
    Ok(documents)
}

/// Parses a text that holds at most one document; an empty one is `null`.
pub fn parse_document(text: &str, schema: Schema) -> Result<Value, serde_yaml::Error> {
    let mut documents = parse_documents(text, schema)?;
    if documents.len() > 1 {
        return Err(de::Error::custom("expected one YAML document, found several"));
    }
    Ok(documents.pop().unwrap_or(Value::Null))
}

/// Splits a multi-document YAML stream as kubectl's reader does: at lines that start
/// with `---` followed by nothing, blanks or a comment. Each document keeps its text as
/// written, final line break included (so a last block scalar keeps its chomping), with
/// the 1-based line it starts on. Blank and comment-only documents are yielded too; they
/// parse to `null`.
pub fn split_stream(text: &str) -> Vec<(usize, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut documents = Vec::new();
    let (mut start, mut start_line, mut offset) = (0, 1, 0);
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if is_separator(line) {
            documents.push((start_line, &text[start..offset]));
            start = offset + line.len();
            start_line = index + 2;
        }
        offset += line.len();
    }
    documents.push((start_line, &text[start..]));
    documents
}

fn is_separator(line: &str) -> bool {
    line.strip_prefix("---").is_some_and(|rest| {
        let rest = rest.trim_start_matches([' ', '\t']);
        rest.is_empty() || rest.starts_with(['\n', '\r', '#'])
    })
}

/// Refuses a YAML text whose aliases would expand it past [`MAX_EXPANDED_NODES`] (for
/// texts that are then deserialized into typed structs). Syntax errors are left to the
/// real parse.
pub fn check_aliases(text: &str) -> anyhow::Result<()> {
    if !(text.contains('&') && text.contains('*')) {
        return Ok(());
    }
    match parse_documents(text, Schema::Core) {
        Err(error) if error.to_string().contains(BUDGET_MESSAGE) => {
            Err(anyhow::anyhow!("{}", super::error_message(&error)))
        }
        _ => Ok(()),
    }
}

const BUDGET_MESSAGE: &str = "nodes through its aliases";

#[derive(Clone, Copy)]
struct Reader<'t> {
    /// The whole text, to tell plain scalars from quoted ones by what precedes them.
    text: &'t str,
    schema: Schema,
    nodes: &'t Cell<usize>,
}

impl Reader<'_> {
    fn bump<E: de::Error>(&self) -> Result<(), E> {
        self.nodes.set(self.nodes.get() + 1);
        if self.nodes.get() > MAX_EXPANDED_NODES {
            return Err(E::custom(format!(
                "the YAML expands to more than {MAX_EXPANDED_NODES} {BUDGET_MESSAGE} (`*name` references to `&name` anchors); refusing it"
            )));
        }
        Ok(())
    }

    /// True if `s`, borrowed from the text, was written as a plain scalar: not quoted and
    /// not explicitly tagged (`!!str 0644`).
    fn is_plain(&self, s: &str) -> bool {
        let base = self.text.as_ptr() as usize;
        let start = s.as_ptr() as usize;
        if start < base || start + s.len() > base + self.text.len() {
            return false;
        }
        let before = &self.text[..start - base];
        if before.ends_with(['"', '\'']) {
            return false;
        }
        let token = before.trim_end_matches([' ', '\t']);
        let token = token.rsplit([' ', '\t', '\n', '\r', '[', '{', ',']).next().unwrap_or("");
        !token.starts_with('!')
    }
}

/// Where a node stands: a key (which may be the merge key `<<`), a value, or the value
/// of a key that repeats an earlier one (refused where the value starts, so the error
/// points at the repeated entry).
#[derive(Clone, Copy)]
enum Role<'k> {
    Node,
    Key,
    DuplicateOf(&'k Value),
}

#[derive(Clone, Copy)]
struct Seed<'t, 'k> {
    reader: Reader<'t>,
    role: Role<'k>,
}

enum Node {
    Value(Value),
    MergeKey,
}

impl Node {
    fn into_value(self) -> Value {
        match self {
            Node::Value(value) => value,
            Node::MergeKey => Value::String("<<".into()),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_, '_> {
    type Value = Node;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Seed<'_, '_> {
    fn start<E: de::Error>(&self) -> Result<(), E> {
        if let Role::DuplicateOf(key) = self.role {
            return Err(E::custom(format!("duplicate entry with key {}", shown_key(key))));
        }
        self.reader.bump()
    }

    fn scalar<E: de::Error>(&self, value: Value) -> Result<Node, E> {
        self.start()?;
        Ok(Node::Value(value))
    }

    fn string<E: de::Error>(&self, s: &str, plain: bool) -> Result<Node, E> {
        self.start()?;
        if plain && self.reader.schema == Schema::Kube {
            if matches!(self.role, Role::Key) && s == "<<" {
                return Ok(Node::MergeKey);
            }
            if let Some(number) = go_yaml_number(s) {
                return Ok(Node::Value(number));
            }
        }
        Ok(Node::Value(Value::String(s.to_string())))
    }
}

fn shown_key(key: &Value) -> String {
    match key {
        Value::String(s) => format!("{s:?}"),
        other => super::emit::to_string(other).trim_end().to_string(),
    }
}

impl<'de> Visitor<'de> for Seed<'_, '_> {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Node, E> {
        self.scalar(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Node, E> {
        self.scalar(Value::Number(i.into()))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Node, E> {
        self.scalar(Value::Number(u.into()))
    }

    fn visit_i128<E: de::Error>(self, i: i128) -> Result<Node, E> {
        self.scalar(Value::Number(Number::from(i as f64)))
    }

    fn visit_u128<E: de::Error>(self, u: u128) -> Result<Node, E> {
        self.scalar(Value::Number(Number::from(u as f64)))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Node, E> {
        self.scalar(Value::Number(f.into()))
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Node, E> {
        self.string(s, self.reader.is_plain(s))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Node, E> {
        self.string(s, false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        self.scalar(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        self.scalar(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        self.start()?;
        Seed { reader: self.reader, role: Role::Node }.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        self.start()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(Seed { reader: self.reader, role: Role::Node })? {
            items.push(item.into_value());
        }
        Ok(Node::Value(Value::Sequence(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Node, A::Error> {
        self.start()?;
        let kube = self.reader.schema == Schema::Kube;
        let mut map = Mapping::new();
        // Keys that came from a merge and may still be set explicitly once.
        let mut merged: HashSet<Value> = HashSet::new();
        while let Some(key) = access.next_key_seed(Seed { reader: self.reader, role: Role::Key })? {
            let key = match key {
                Node::MergeKey => {
                    let value = access.next_value_seed(Seed { reader: self.reader, role: Role::Node })?;
                    merge(&mut map, &mut merged, value.into_value()).map_err(de::Error::custom)?;
                    continue;
                }
                Node::Value(key) if kube => string_key(key).map_err(de::Error::custom)?,
                Node::Value(key) => key,
            };
            let repeated = map.contains_key(&key) && !merged.remove(&key);
            let role = if repeated { Role::DuplicateOf(&key) } else { Role::Node };
            let value = access.next_value_seed(Seed { reader: self.reader, role })?.into_value();
            map.insert(key, value);
        }
        Ok(Node::Value(Value::Mapping(map)))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        self.start()?;
        let (tag, contents) = data.variant_seed(TagName)?;
        let value = contents.newtype_variant_seed(Seed { reader: self.reader, role: Role::Node })?;
        Ok(Node::Value(Value::Tagged(Box::new(TaggedValue {
            tag: Tag::new(tag),
            value: value.into_value(),
        }))))
    }
}

/// A tag's name, as serde_yaml hands it over.
struct TagName;

impl<'de> DeserializeSeed<'de> for TagName {
    type Value = String;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_string(self)
    }
}

impl Visitor<'_> for TagName {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML tag")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
        Ok(s.to_string())
    }
}

/// go-yaml v2's `<<`: a map's entries, or each map's of a list with the first winning,
/// overwrite what the mapping holds so far.
fn merge(map: &mut Mapping, merged: &mut HashSet<Value>, value: Value) -> Result<(), String> {
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

const MERGE_ERROR: &str = "map merge requires map or sequence of maps as the value";

/// A map key as sigs.k8s.io/yaml turns it into a JSON key.
fn string_key(key: Value) -> Result<Value, String> {
    match key {
        Value::String(_) => Ok(key),
        Value::Bool(b) => Ok(Value::String(b.to_string())),
        Value::Number(n) => Ok(Value::String(match n.as_f64() {
            Some(f) if n.is_f64() => (f as f32).to_string(),
            _ => n.to_string(),
        })),
        Value::Tagged(tagged) => string_key(tagged.value),
        Value::Null => Err("unsupported map key: null".to_string()),
        other => Err(format!("invalid map key: {}", super::kind_name(&other))),
    }
}

/// The number go-yaml v2 reads from a plain scalar that YAML 1.2 leaves a string
/// (`0644`, `1_000`, `08`, `0x_1F`, `+0644`), or `None`.
fn go_yaml_number(s: &str) -> Option<Value> {
    if !s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    let plain = s.replace('_', "");
    if let Some(i) = go_parse_int(&plain) {
        let number = match i64::try_from(i) {
            Ok(i) => Number::from(i),
            Err(_) => Number::from(i as u64),
        };
        return Some(Value::Number(number));
    }
    if is_yaml_style_float(&plain) {
        return plain.parse::<f64>().ok().map(|f| Value::Number(f.into()));
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
fn is_yaml_style_float(s: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kube(text: &str) -> Value {
        parse_document(text, Schema::Kube).unwrap()
    }

    fn json(value: &Value) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn plain_numbers_are_read_as_go_yaml_reads_them() {
        // Each pair checked with helm v4.1.4 (`toJson .Values` of a values.yaml).
        let cases = [
            ("0644", "420"),
            ("1_000", "1000"),
            ("08", "8.0"),
            ("-0644", "-420"),
            ("1_000.5", "1000.5"),
            ("0b1_01", "5"),
            ("0x_1F", "31"),
            ("+0644", "420"),
            ("0o17", "15"),
            ("1.5e3", "1500.0"),
            ("-0", "0"),
        ];
        for (text, expected) in cases {
            assert_eq!(json(&kube(&format!("a: {text}"))["a"]), expected, "{text}");
        }
    }

    #[test]
    fn quoted_tagged_and_non_numbers_stay_strings() {
        for text in
            ["\"0644\"", "'0644'", "!!str 0644", "1:30", "2024-01-01", "yes", "0x", "1.2.3", "+", "-.", "1e"]
        {
            let value = kube(&format!("a: {text}"));
            assert!(value["a"].is_string(), "{text}: {value:?}");
        }
        assert_eq!(kube("a: \"0644\"")["a"], Value::String("0644".into()));
        assert_eq!(kube("a: [0644, \"0644\", {b: 010}]"), kube("a: [420, \"0644\", {b: 8}]"));
    }

    #[test]
    fn keys_become_strings() {
        assert_eq!(
            json(&kube("ports: {80: http, 1.5: x, true: t, 0644: o}")),
            r#"{"ports":{"80":"http","1.5":"x","true":"t","420":"o"}}"#
        );
        let err = parse_document("~: a", Schema::Kube).unwrap_err().to_string();
        assert!(err.contains("unsupported map key: null"), "{err}");
        let err = parse_document("? [1]\n: a\n", Schema::Kube).unwrap_err().to_string();
        assert!(err.contains("invalid map key: a list"), "{err}");
        // Core keeps keys as written.
        assert_eq!(
            parse_document("80: http", Schema::Core).unwrap().as_mapping().unwrap().keys().next(),
            Some(&Value::Number(80.into()))
        );
    }

    #[test]
    fn merge_keys_follow_go_yaml_v2() {
        // Results checked with helm v4.1.4.
        let text = "base: &base {p: 1, q: 2}\nbase2: &b2 {q: 20, r: 30}\nd1: {<<: *base, q: 3}\nd2: {q: 3, <<: *base}\nd3: {<<: [*base, *b2]}\nd4:\n  <<: *base\n  <<: *b2\nlit: {\"<<\": 1}\n";
        let value = kube(text);
        assert_eq!(json(&value["d1"]), r#"{"p":1,"q":3}"#);
        assert_eq!(json(&value["d2"]), r#"{"q":2,"p":1}"#);
        assert_eq!(json(&value["d3"]), r#"{"q":2,"r":30,"p":1}"#);
        assert_eq!(json(&value["d4"]), r#"{"p":1,"q":20,"r":30}"#);
        assert_eq!(json(&value["lit"]), r#"{"<<":1}"#);
        let err = parse_document("a: {<<: 1}", Schema::Kube).unwrap_err().to_string();
        assert!(err.contains(MERGE_ERROR), "{err}");
        assert!(parse_document("a: {<<: 1}", Schema::Core).is_ok());
    }

    #[test]
    fn duplicate_keys_are_refused_where_they_repeat() {
        let err = parse_document("a: 1\nb: 2\na: 3\n", Schema::Kube).unwrap_err();
        assert_eq!(err.to_string(), "a: duplicate entry with key \"a\" at line 3 column 4");
        let err = parse_document("x:\n  1: a\n  \"1\": b\n", Schema::Kube).unwrap_err();
        assert!(err.to_string().contains("duplicate entry with key \"1\" at line 3"), "{err}");
        // A key set by a merge may be set once explicitly.
        assert!(parse_document("b: &b {a: 1}\nc: {<<: *b, a: 2}\n", Schema::Kube).is_ok());
    }

    #[test]
    fn alias_expansion_has_a_budget() {
        // 2,000 keys referenced 2,000 times: 4 million nodes once expanded, 60 KB of text.
        let keys: String = (0..2000).map(|i| format!("  k{i}: {i}\n")).collect();
        let refs: String = (0..2000).map(|i| format!("r{i}: *a\n")).collect();
        let bomb = format!("base: &a\n{keys}{refs}");
        let err = parse_documents(&bomb, Schema::Kube).unwrap_err().to_string();
        assert!(err.contains("more than 1000000 nodes through its aliases"), "{err}");
        assert!(check_aliases(&bomb).unwrap_err().to_string().contains("nodes through its aliases"));
        let ok = kube("base: &b {x: 1}\nuse: *b\nlist: [*b, *b]\n");
        assert_eq!(ok.get("use"), ok.get("base"));
        assert!(check_aliases("q: a&b*c\n").is_ok());
    }

    #[test]
    fn tags_are_kept() {
        let value = kube("a: !Ref x\n");
        assert!(matches!(value["a"], Value::Tagged(_)), "{value:?}");
    }

    #[test]
    fn streams_split_at_separator_lines_and_keep_line_breaks() {
        let stream = "a: |\n  x\n---\nb: 1\n--- # note\n\n---\n---x: 1\nc: |-\n  y\n";
        assert_eq!(
            split_stream(stream),
            vec![(1, "a: |\n  x\n"), (4, "b: 1\n"), (6, "\n"), (8, "---x: 1\nc: |-\n  y\n")]
        );
        assert_eq!(
            parse_document(split_stream(stream)[0].1, Schema::Kube).unwrap()["a"],
            Value::String("x\n".into())
        );
        assert_eq!(split_stream("---\na: 1"), vec![(1, ""), (2, "a: 1")]);
    }

    #[test]
    fn documents_and_byte_order_marks() {
        assert_eq!(parse_documents("\u{feff}a: 1\n---\nb: 2\n", Schema::Kube).unwrap().len(), 2);
        assert_eq!(parse_document("", Schema::Kube).unwrap(), Value::Null);
        assert!(parse_document("a: 1\n---\nb: 2\n", Schema::Kube).is_err());
    }
}
