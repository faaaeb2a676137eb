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
pub fn max_expanded_nodes() -> usize {
    crate::limits::YAML_NODES.get_usize()
}

/// Most bytes of scalar text a YAML text may expand to through aliases: a 1 MB string
/// anchor referenced 1,000 times would otherwise take gigabytes.
fn max_expanded_bytes() -> usize {
    crate::limits::YAML_BYTES.get_usize()
}

/// Deepest flow nesting (`[[[…` or `{{{…`) accepted; the parser's own limit (128) applies
/// to block nesting and to what passes this early, linear check.
fn max_depth() -> usize {
    crate::limits::YAML_DEPTH.get_usize()
}

/// What a linear scan of the text refuses before parsing.
enum Found {
    /// Flow nesting past the flow-depth limit, at this line.
    TooDeep(usize),
    /// A `!!` tag that is not one of YAML's core types, at this line (Kube schema).
    Tag(usize, String),
}

/// YAML's own `!!` types, which the parser reads; any other `!!name` would be dropped.
const CORE_TAGS: &[&str] = &["str", "int", "float", "bool", "null", "map", "seq", "binary", "timestamp"];

/// Scans for flow nesting past the flow-depth limit and, under the Kube schema, for `!!` tags
/// other than YAML's core types (quotes and comments are skipped).
fn prescan(text: &str, schema: Schema) -> Option<Found> {
    let (mut depth, mut line, mut quote, mut comment) = (0usize, 1, None, false);
    let mut previous = ' ';
    for (at, c) in text.char_indices() {
        let token_start = previous.is_whitespace() || "[{,".contains(previous);
        if quote.is_none()
            && !comment
            && token_start
            && schema == Schema::Kube
            && text[at..].starts_with("!!")
        {
            let name: String =
                text[at + 2..].chars().take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c)).collect();
            if !CORE_TAGS.contains(&name.as_str()) {
                return Some(Found::Tag(line, format!("!!{name}")));
            }
        }
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                comment = false;
            }
            _ if comment => {}
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if previous.is_whitespace() => comment = true,
            (None, '[' | '{') => {
                depth += 1;
                if depth > max_depth() {
                    return Some(Found::TooDeep(line));
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
}

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
    match prescan(text, schema) {
        Some(Found::TooDeep(line)) => {
            return Err(de::Error::custom(format!(
                "the YAML nests more than {} levels deep in flow style (line {line}; limit yaml-depth); refusing it",
                max_depth()
            )));
        }
        Some(Found::Tag(line, tag)) => {
            return Err(de::Error::custom(format!(
                "{TAG_MESSAGE} {} (line {line}) is not supported (kubectl and Helm drop it); remove it or quote the value",
                crate::secret::value(&tag)
            )));
        }
        None => {}
    }
    let (nodes, bytes) = (Cell::new(0), Cell::new(0));
    let reader = Reader { text, schema, nodes: &nodes, bytes: &bytes };
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

/// Checks a text that is then deserialized into typed structs (`Chart.yaml`,
/// `rudder.yaml`): a key repeated in one mapping or aliases expanding past
/// the node limit are errors at `path:line:col`. Syntax errors are left to the
/// typed parse, which words them for its fields.
pub fn check_strict(text: &str, path: &str) -> anyhow::Result<()> {
    match parse_documents(text, Schema::Core) {
        Err(error) if error.to_string().contains(BUDGET_MESSAGE) || error.to_string().contains(REPEATED) => {
            Err(anyhow::anyhow!("{}", super::located(path, &error)))
        }
        _ => Ok(()),
    }
}

const REPEATED: &str = "duplicate entry with key";

const TAG_MESSAGE: &str = "the YAML tag";

/// A message of the reader without the path serde_yaml puts before it (`a.b: `), which
/// spells keys of the document: what may be shown of an error about a possible Secret.
pub fn without_path(message: &str) -> &str {
    [REPEATED, TAG_MESSAGE]
        .iter()
        .find_map(|head| message.find(head).map(|at| &message[at..]))
        .unwrap_or(message)
}

const BUDGET_MESSAGE: &str = "nodes through its aliases";

#[derive(Clone, Copy)]
struct Reader<'t> {
    /// The whole text, to tell plain scalars from quoted ones by what precedes them.
    text: &'t str,
    schema: Schema,
    nodes: &'t Cell<usize>,
    /// Bytes of scalars built so far, aliases expanded.
    bytes: &'t Cell<usize>,
}

impl Reader<'_> {
    /// Counts `len` more bytes of scalar text built, refusing past the text limit.
    fn add_bytes<E: de::Error>(&self, len: usize) -> Result<(), E> {
        self.bytes.set(self.bytes.get() + len);
        if self.bytes.get() > max_expanded_bytes() {
            return Err(E::custom(format!(
                "the YAML expands to more than {} bytes of text {BUDGET_MESSAGE} (`*name` references to `&name` anchors; limit yaml-bytes); refusing it",
                max_expanded_bytes()
            )));
        }
        Ok(())
    }

    fn bump<E: de::Error>(&self) -> Result<(), E> {
        self.nodes.set(self.nodes.get() + 1);
        if self.nodes.get() > max_expanded_nodes() {
            return Err(E::custom(format!(
                "the YAML expands to more than {} {BUDGET_MESSAGE} (`*name` references to `&name` anchors; limit yaml-nodes); refusing it",
                max_expanded_nodes()
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
            return Err(E::custom(format!("{REPEATED} {}", crate::secret::value(&shown_key(key)))));
        }
        self.reader.bump()
    }

    fn scalar<E: de::Error>(&self, value: Value) -> Result<Node, E> {
        self.start()?;
        Ok(Node::Value(value))
    }

    fn string<E: de::Error>(&self, s: &str, plain: bool) -> Result<Node, E> {
        self.start()?;
        self.reader.add_bytes(s.len())?;
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
        match i64::try_from(i) {
            Ok(i) => self.visit_i64(i),
            Err(_) if self.reader.schema == Schema::Kube => self.scalar(super::big_number(i.to_string())),
            Err(_) => self.scalar(Value::Number(Number::from(i as f64))),
        }
    }

    fn visit_u128<E: de::Error>(self, u: u128) -> Result<Node, E> {
        match u64::try_from(u) {
            Ok(u) => self.visit_u64(u),
            Err(_) if self.reader.schema == Schema::Kube => self.scalar(super::big_number(u.to_string())),
            Err(_) => self.scalar(Value::Number(Number::from(u as f64))),
        }
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Node, E> {
        if !f.is_finite() && self.reader.schema == Schema::Kube {
            let written = match (f.is_nan(), f.is_sign_negative()) {
                (true, _) => ".nan",
                (false, true) => "-.inf",
                (false, false) => ".inf",
            };
            return self.scalar(super::big_number(written.to_string()));
        }
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
        if self.reader.schema == Schema::Kube {
            // kubectl and Helm (go-yaml v2 through JSON) have no use for local tags: a value
            // would silently change type or vanish.
            return Err(de::Error::custom(format!(
                "{TAG_MESSAGE} {} is not supported (kubectl and Helm drop it); remove it or quote the value",
                crate::secret::value(&format!("!{tag}"))
            )));
        }
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

mod kube;

pub use kube::is_yaml_style_float;

use kube::{go_yaml_number, merge, string_key};

#[cfg(test)]
mod tests;
