//! The one place that decides what text of a possible Secret may be shown. What is secret
//! is value text that reaches a Secret; the chart's own source (its field names, template
//! text, excerpts of it) is in the repository and is always shown.
//!
//! - A document is a Secret by its parsed kind ([`is_secret`]); a template might render
//!   one by a precise reading of its source ([`template_may_render_secret`]); a document
//!   that cannot be parsed and has no template (a baseline) might be one by its text
//!   ([`unparsed_may_be_secret`]).
//! - Messages mark the value text they quote with [`value`]; [`shown`] hides the marked
//!   text, and the quoted parts of Tera's messages that are not in the template's source,
//!   when the error comes from a possible Secret, and shows them otherwise.
//! - Diff reports mask a Secret's values (`diff::secrets`).
//!
//! A leaf: every stage asks it.

/// Opens value text inside a message (a private-use character, never shown).
const VALUE_START: char = '\u{E000}';
/// Closes value text inside a message.
const VALUE_END: char = '\u{E001}';

/// True for a `Secret`, whose `data` and `stringData` hold secrets: the core group's, and
/// conservatively a kind of that name in any group.
pub fn is_secret(_group: &str, kind: &str) -> bool {
    kind == "Secret"
}

/// `text` marked as value text for a message: [`shown`] hides it in errors about a
/// possible Secret and shows it (unmarked) elsewhere.
pub fn value(text: &str) -> String {
    let clean: String = text.chars().filter(|c| *c != VALUE_START && *c != VALUE_END).collect();
    format!("{VALUE_START}{clean}{VALUE_END}")
}

/// `message` as it may be shown. When `secret` (the error comes from a template or
/// document that may render a Secret), the value text it marks is hidden, and so is each
/// `quoted` part (Tera quotes names and values so) that is neither on `source_line` (the
/// line of the template's source the error points at) nor a type name, and the operands
/// Tera prints unquoted; each reads `<hidden: N bytes>`. Otherwise only the marks go.
pub fn shown(message: &str, secret: bool, source_line: Option<&str>) -> String {
    if !secret {
        return unmarked(message);
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        let next = rest.find([VALUE_START, '`']);
        let Some(at) = next else { break };
        out.push_str(&rest[..at]);
        let opener = rest[at..].chars().next().unwrap_or('`');
        let closer = if opener == VALUE_START { VALUE_END } else { '`' };
        let body_start = at + opener.len_utf8();
        let Some(len) = rest[body_start..].find(closer) else {
            out.push_str(&hidden_if(&rest[at..], opener == VALUE_START));
            rest = "";
            break;
        };
        let body = &rest[body_start..body_start + len];
        match opener == VALUE_START || !is_source_name(body, source_line) {
            true => {
                let quote = quote(opener);
                out.push_str(&format!("{quote}<hidden: {} bytes>{quote}", unmarked(body).len()));
            }
            false => out.push_str(&format!("`{body}`")),
        }
        rest = &rest[body_start + len + closer.len_utf8()..];
    }
    out.push_str(rest);
    hide_unquoted_operands(&unmarked(&out))
}

fn quote(opener: char) -> &'static str {
    if opener == '`' { "`" } else { "" }
}

/// An unclosed tail: hidden when it is value text.
fn hidden_if(tail: &str, is_value: bool) -> String {
    match is_value {
        true => format!("<hidden: {} bytes>", unmarked(tail).len()),
        false => tail.to_string(),
    }
}

/// `text` without value marks.
pub fn unmarked(text: &str) -> String {
    text.chars().filter(|c| *c != VALUE_START && *c != VALUE_END).collect()
}

/// Type names Tera quotes in its messages.
const TYPE_NAMES: &[&str] = &[
    "undefined",
    "none",
    "bool",
    "u64",
    "i64",
    "u128",
    "i128",
    "f64",
    "f32",
    "string",
    "array",
    "map",
    "bytes",
    "&str",
    "String",
    "Number",
    "Map",
    "Vec<Value>",
    "&[Value]",
    "Value",
    "integer",
    "float",
];

/// True when `quoted` is a type name, or a name written on `source_line` (a field,
/// variable, filter, function or template name the template itself spells).
fn is_source_name(quoted: &str, source_line: Option<&str>) -> bool {
    if TYPE_NAMES.contains(&quoted) {
        return true;
    }
    let Some(line) = source_line else { return false };
    let word = |c: char| c.is_alphanumeric() || c == '_';
    !quoted.is_empty()
        && line.match_indices(quoted).any(|(at, _)| {
            let before = line[..at].chars().next_back();
            let after = line[at + quoted.len()..].chars().next();
            before.is_none_or(|c| !word(c)) && after.is_none_or(|c| !word(c))
        })
}

/// Tera's messages that print a value unquoted: the text between each opening and its
/// closing (the end of the line for `""`) is hidden.
const UNQUOTED: &[(&str, &str)] = &[
    ("Unable to perform ", ""),
    ("The float ", " cannot be converted"),
    ("must be between 2 and 36, got ", ""),
    ("Invalid argument for `method`: ", ". "),
    ("Map does not have a key ", " and no default"),
    ("does not have an attribute at path: ", ""),
    ("Exponent ", " is out of range"),
    ("Cannot negate ", ": result"),
    ("would produce ", " elements"),
];

/// `message` with the operands of [`UNQUOTED`] hidden.
fn hide_unquoted_operands(message: &str) -> String {
    let mut out = message.to_string();
    for (open, close) in UNQUOTED {
        let Some(at) = out.find(open) else { continue };
        let start = at + open.len();
        let line_end = out[start..].find('\n').map_or(out.len(), |end| start + end);
        let end = match close.is_empty() {
            true => line_end,
            false => out[start..line_end].find(close).map_or(line_end, |end| start + end),
        };
        if out[start..end].starts_with("<hidden: ") {
            continue;
        }
        out = format!("{}<hidden: {} bytes>{}", &out[..start], end - start, &out[end..]);
    }
    out
}

/// The text of a release's values (every string and number at least 4 characters long):
/// value text that may appear where a chart's names do, such as a Secret's keys.
#[derive(Debug, Clone, Default)]
pub struct ValueTexts(std::collections::HashSet<String>);

impl ValueTexts {
    /// The texts of `values`, a tree of scalars, lists and maps given by `leaves`.
    pub fn new(leaves: impl IntoIterator<Item = String>) -> ValueTexts {
        ValueTexts(leaves.into_iter().filter(|text| text.chars().count() >= 4).collect())
    }

    pub fn contains(&self, text: &str) -> bool {
        self.0.contains(text)
    }
}

/// A key that is value text, masked: its size and a fingerprint that is the same for the
/// same key within one run (so both sides of a diff line up) and says nothing between runs.
pub fn masked_key(key: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    static KEY: std::sync::OnceLock<std::collections::hash_map::RandomState> = std::sync::OnceLock::new();
    let mut hasher = KEY.get_or_init(Default::default).build_hasher();
    hasher.write(key.as_bytes());
    format!("<masked key: {} bytes, #{:08x}>", key.len(), hasher.finish() as u32)
}

/// True if a template (its path and source) may render a Secret, by a reading of its
/// source: it is `NOTES.txt` (printed to a terminal, where charts often show credentials),
/// or one of its documents (split at `---` lines) has a top-level `kind:` that is `Secret`,
/// a `...List` or not a plain word (an expression, a tag, an escape), or has content but no literal top-level
/// `kind:` (its kind comes from values, an include, a component or `tpl`), or starts a
/// line with `tpl(` (documents from values).
pub fn template_may_render_secret(path: &str, source: &str) -> bool {
    path.ends_with("NOTES.txt") || partial_may_render_secret(source) || documents_without_kind(source)
}

/// True if a partial (a template included by others) may put a Secret into what includes
/// it: a top-level `kind:` that is `Secret`, a `...List` or an expression, or a line that
/// starts with `tpl(`. A partial without either is a helper.
pub fn partial_may_render_secret(source: &str) -> bool {
    // A kind that is not a plain word (an expression, a tag, an anchor, an escape, a block
    // scalar) might read `Secret` once rendered and parsed.
    let secret_kind = |kind: &str| {
        let unquoted = match kind.as_bytes() {
            [b'"', .., b'"'] | [b'\'', .., b'\''] => &kind[1..kind.len() - 1],
            _ => kind,
        };
        let plain = unquoted.starts_with(|c: char| c.is_ascii_alphabetic())
            && unquoted.chars().all(|c| c.is_ascii_alphanumeric());
        !plain || unquoted == "Secret" || unquoted.ends_with("List")
    };
    source.lines().filter_map(top_level_kind).any(secret_kind) || source.lines().any(starts_with_tpl)
}

/// True for a line that starts with a `tpl(...)` expression: it renders text of the values
/// at the start of a line, whole documents perhaps.
fn starts_with_tpl(line: &str) -> bool {
    line.strip_prefix("{{")
        .map(|rest| rest.strip_prefix('-').unwrap_or(rest).trim_start())
        .is_some_and(|expression| expression.starts_with("tpl("))
}

/// True if a document of `source` has content but no literal top-level `kind:`.
fn documents_without_kind(source: &str) -> bool {
    let mut has_kind = false;
    let mut has_content = false;
    for line in source.lines().chain(std::iter::once("---")) {
        if line.starts_with("---") {
            if has_content && !has_kind {
                return true;
            }
            (has_kind, has_content) = (false, false);
            continue;
        }
        has_kind |= top_level_kind(line).is_some();
        has_content |= is_content(line);
    }
    false
}

/// The value of a top-level `kind:` key on `line` (block style, at column 0, quoted or
/// not), comment removed.
fn top_level_kind(line: &str) -> Option<&str> {
    let rest = ["kind:", "\"kind\":", "'kind':"].iter().find_map(|key| line.strip_prefix(key))?;
    let value = match rest.find(" #") {
        Some(comment) => &rest[..comment],
        None => rest,
    };
    Some(value.trim())
}

/// True for a line a document's text is made of: not blank, not a YAML comment, not only
/// Tera control tags (`{% if %}`) or comments (`{# #}`); an include is content.
fn is_content(line: &str) -> bool {
    let mut rest = line.trim();
    loop {
        if rest.is_empty() || rest.starts_with('#') {
            return false;
        }
        let (open, close) = match rest.get(..2) {
            Some("{%") => ("{%", "%}"),
            Some("{#") => ("{#", "#}"),
            _ => return true,
        };
        let tag = rest[2..].trim_start_matches('-').trim_start();
        if open == "{%" && tag.starts_with("include") {
            return true;
        }
        let Some(end) = rest[open.len()..].find(close) else { return true };
        rest = rest[open.len() + end + close.len()..].trim_start();
    }
}

/// True if a document that could not be parsed, and that no template of a chart made
/// (a baseline's), might be a Secret: conservatively, when its text mentions `Secret` in
/// any spelling YAML could decode to it (quoted, escaped, commented, tagged, in flow or
/// block style).
pub fn unparsed_may_be_secret(text: &str) -> bool {
    text.contains("Secret") || text.contains('\\') || text.contains('!') || text.contains('&')
}

#[cfg(test)]
mod tests;
