//! Helm's `toYaml`, byte for byte: `sigs.k8s.io/yaml.Marshal` writes the value as JSON
//! (so integral floats become integers and keys are text) and reads that back with go-yaml
//! v2, whose emitter (a port of libyaml's) then decides every byte: keys in its "natural"
//! order, sequences not indented under their key, plain scalars where they read back as
//! strings, single or double quotes otherwise, `|` blocks for multi-line text, and lines
//! folded after column 80. Charts hash this text (`checksum/config` annotations), so the
//! port keeps libyaml's column arithmetic.

mod analyze;
mod resolve;
mod scalars;

use super::value::{Kind, kind};
use analyze::{analyze, is_break, is_printable};
use resolve::is_base60_float;
pub use resolve::resolves_to_string;
use tera::Value;

/// A value as `toYaml` writes it, with its trailing newline (Helm trims one);
/// `indent_sequences` for `toYamlPretty` (go-yaml v3 style, lists indented under keys).
pub fn to_yaml(value: &Value, indent_sequences: bool) -> Option<String> {
    let node = node(value)?;
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        indent: -1,
        whitespace: true,
        indention: true,
        indent_sequences,
    };
    e.node(&node, Context::Root);
    e.write_indent();
    Some(e.out)
}

/// A value after Go's JSON round trip.
enum Node {
    Null,
    Bool(bool),
    /// Digits of an integer (int64 or uint64 range).
    Int(String),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

/// The value as JSON then go-yaml would read it back; `None` where `json.Marshal` fails
/// (NaN, infinities).
fn node(value: &Value) -> Option<Node> {
    Some(match kind(value) {
        Kind::Invalid => Node::Null,
        Kind::Bool => Node::Bool(value.as_bool() == Some(true)),
        Kind::Int | Kind::Uint => Node::Int(value.as_i128()?.to_string()),
        Kind::Float => float_node(value.as_f64()?)?,
        Kind::String => Node::Str(value.as_str()?.to_string()),
        Kind::Bytes => {
            use base64::Engine as _;
            Node::Str(base64::engine::general_purpose::STANDARD.encode(value.as_bytes()?))
        }
        Kind::Slice => Node::Seq(value.as_array()?.iter().map(node).collect::<Option<_>>()?),
        Kind::Map => {
            let mut entries = Vec::new();
            for (k, v) in value.as_map()? {
                entries.push((super::value::key_text(k), node(v)?));
            }
            entries.sort_by(|a, b| natural_order(&a.0, &b.0));
            Node::Map(entries)
        }
    })
}

/// A float as JSON writes it and go-yaml reads it back: an integer when JSON writes no
/// point or exponent and the digits fit 64 bits, else a float.
fn float_node(f: f64) -> Option<Node> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if f.fract() == 0.0 && abs < 1e21 {
        let digits = format!("{f:.0}");
        let fits = digits.parse::<i64>().is_ok() || digits.parse::<u64>().is_ok();
        if fits {
            return Some(Node::Int(if digits == "-0" { "0".into() } else { digits }));
        }
    }
    Some(Node::Float(f))
}

/// go-yaml v2's order of map keys (`keyList.Less`): letters after other characters, runs
/// of digits by their number.
pub fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl { Ordering::Less } else { Ordering::Greater };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    Root,
    Sequence,
    /// A mapping value.
    Mapping,
    /// A mapping key.
    Key,
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

const BEST_WIDTH: usize = 80;
const BEST_INDENT: i64 = 2;

struct Emitter {
    out: String,
    column: usize,
    indent: i64,
    whitespace: bool,
    indention: bool,
    indent_sequences: bool,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn indicator(&mut self, text: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in text.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) -> i64 {
        let saved = self.indent;
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
        saved
    }

    fn node(&mut self, node: &Node, context: Context) {
        match node {
            Node::Seq(items) if !items.is_empty() => self.sequence(items, context),
            Node::Map(entries) if !entries.is_empty() => self.mapping(entries),
            Node::Seq(_) => self.flow_empty("[]"),
            Node::Map(_) => self.flow_empty("{}"),
            scalar => {
                let (text, style) = scalar_text(scalar);
                self.scalar(&text, style, context);
            }
        }
    }

    fn flow_empty(&mut self, text: &str) {
        self.indicator(&text[..1], true, true, false);
        self.indicator(&text[1..], false, false, false);
    }

    fn sequence(&mut self, items: &[Node], context: Context) {
        let indentless = context == Context::Mapping && !self.indention && !self.indent_sequences;
        let saved = self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.indicator("-", true, false, true);
            self.node(item, Context::Sequence);
        }
        self.indent = saved;
    }

    fn mapping(&mut self, entries: &[(String, Node)]) {
        let saved = self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            let analysis = analyze(key);
            if analysis.multiline || key.len() > 128 {
                self.indicator("?", true, false, true);
                self.scalar(key, key_style(key), Context::Mapping);
                self.write_indent();
                self.indicator(":", true, false, true);
            } else {
                self.scalar(key, key_style(key), Context::Key);
                self.indicator(":", false, false, false);
            }
            self.node(value, Context::Mapping);
        }
        self.indent = saved;
    }

    fn scalar(&mut self, text: &str, requested: Style, context: Context) {
        let analysis = analyze(text);
        let simple_key = context == Context::Key;
        let mut style = requested;
        if simple_key && analysis.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!analysis.block_plain_allowed || (text.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !analysis.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!analysis.block_allowed || simple_key) {
            style = Style::Double;
        }
        let saved = self.increase_indent(true, false);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.plain(text, allow_breaks),
            Style::Single => self.single_quoted(text, allow_breaks),
            Style::Double => self.double_quoted(text, allow_breaks),
            Style::Literal => self.literal(text),
        }
        self.indent = saved;
    }
}

/// The text of a scalar and the style go-yaml's encoder asks for.
fn scalar_text(node: &Node) -> (String, Style) {
    match node {
        Node::Null => ("null".into(), Style::Plain),
        Node::Bool(b) => (b.to_string(), Style::Plain),
        Node::Int(digits) => (digits.clone(), Style::Plain),
        Node::Float(f) => (super::fmt::format_g(*f, None), Style::Plain),
        Node::Str(s) => (s.clone(), string_style(s)),
        Node::Seq(_) | Node::Map(_) => unreachable!("collections are not scalars"),
    }
}

/// go-yaml's `stringv`: `|` for multi-line text, plain where the text reads back as a
/// string, double quotes otherwise.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

fn key_style(key: &str) -> Style {
    match string_style(key) {
        Style::Literal => Style::Double,
        style => style,
    }
}

#[cfg(test)]
mod tests;
