//! The translator: Go templates (Helm's dialect) in, Tera out. A Go template is lexed and
//! parsed as Go's `text/template/parse` does ([`lex`], [`parse`], [`ast`]), then written as
//! Tera that keeps Go's meaning ([`codegen`]) with the help of the functions the render
//! stage provides for Go templates. The Tera text keeps the Go source's lines, and a
//! [`SourceMap`] leads every Tera position back to the Go template's line and column.

pub mod ast;
pub mod codegen;
pub mod funcs;
pub mod lex;
pub mod parse;

pub use codegen::{DOT, Defined, ROOT, SourceMap, Translation};

/// A Go template that cannot be parsed or translated: what, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub pos: usize,
    pub message: String,
}

/// Translates Go template `src`; its defines become Tera components named `{prefix}{n}`.
/// With `sync`, includes take back the changes the included template makes to the map
/// they pass it (needed only where some template [`changes_dot`]).
pub fn translate(src: &str, prefix: &str, sync: bool) -> Result<Translation, Error> {
    translate_with(src, prefix, sync, false)
}

/// As [`translate`]; with `lift`, long text runs are lifted out of the Tera text into
/// [`Translation::texts`] (see [`codegen::LIFT_BYTES`]).
pub fn translate_with(src: &str, prefix: &str, sync: bool, lift: bool) -> Result<Translation, Error> {
    let tree = parse::parse(src).map_err(|e| Error { pos: e.pos, message: e.message })?;
    codegen::generate(src, &tree.root, prefix, sync, lift)
        .map_err(|e| Error { pos: e.pos, message: e.message })
}

/// Whether Go template `src` may change the map its dot holds (`set . "k" v`,
/// `merge $ …`): then the templates that include it must take the change back, as Go's
/// shared maps would show it.
pub fn changes_dot(src: &str) -> bool {
    const MUTATORS: [&str; 6] =
        ["set", "unset", "merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite"];
    MUTATORS.iter().any(|name| {
        src.match_indices(name).any(|(at, _)| {
            let before = src[..at].chars().next_back();
            let after = src[at + name.len()..].trim_start_matches([' ', '\t', '\n', '\r', '(']);
            before.is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != '.')
                && src[at + name.len()..].starts_with([' ', '\t', '\n', '\r'])
                && (after.starts_with('.') || after.starts_with('$'))
        })
    })
}

/// `text` as a Tera string literal: double-quoted, with `\\`, `"` and the line and tab
/// controls escaped (Tera's lexer reads the rest as written).
pub fn tera_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Line and column (both from 1, the column in characters) of byte offset `pos` of `src`.
pub fn line_col(src: &str, pos: usize) -> (usize, usize) {
    let pos = src.floor_char_boundary(pos.min(src.len()));
    let before = &src[..pos];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}
