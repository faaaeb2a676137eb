//! Go parse tree in, Tera text out, keeping Go's meaning:
//! - the dot is always a named Tera value: `_root` in a file, `_dot` in a define, a fresh
//!   name where `with` or `range` rebinds it; `$` is the dot a template started with;
//! - every Go variable gets a Tera name of its own, set with `set_global`, so that Go's
//!   lexical scopes (a `:=` in a branch shadows, a `=` in a loop reaches the variable
//!   outside it) hold whatever Tera's scopes do;
//! - `range` iterates what `_values`/`_pairs` give (maps in key order, integers as Go
//!   1.22 does), `with` is a test of a named value, `define` is a Tera component taking the
//!   dot, `include`/`template` call it by name at run time;
//! - a printed value goes through `_p` (Go's printing, `<no value>` for nothing) unless
//!   the function that made it always returns a string;
//! - text keeps its lines, and every Go action starts on the Tera line its source starts
//!   on: whitespace that Go's trim markers remove becomes newlines inside Tera tags.
//!
//! Each translated expression is anchored in a [`SourceMap`] to its Go position.

use super::ast::{Arg, Branch, Command, Define, Else, List, Node, Number, Pipe, Span};
use super::funcs::{self, Form};

/// A translated template.
#[derive(Debug, Clone)]
pub struct Translation {
    pub tera: String,
    pub map: SourceMap,
    /// The defines of the file, in order.
    pub defines: Vec<Defined>,
    /// Long runs of text lifted out of the Tera text (see [`LIFT_BYTES`]), by index.
    pub texts: Vec<String>,
    /// Long branch bodies moved out of the Tera text (see [`defer`]), by index: each a
    /// Tera template of its own, with its source map.
    pub chunks: Vec<(String, SourceMap)>,
}

/// Text runs this long or longer are lifted out of the Tera text when lifting is asked
/// for: `{{ _text(_0="prefix", _1=n) }}` prints run `n` of the file. Tera's lexer walks
/// text a character at a time, so a chart's megabytes of CRDs cost more to compile than
/// to print; a lifted run keeps its lines as newlines inside the tag.
pub const LIFT_BYTES: usize = 256;

/// A `define` (or `block`) of a file and the component it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defined {
    pub name: String,
    pub component: String,
    /// Whitespace and comments only: it does not replace an earlier define (Go's rule).
    pub empty: bool,
}

/// Tera positions (line from 1, column in characters from 0) to Go byte offsets.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    anchors: Vec<(u32, u32, u32)>,
}

impl SourceMap {
    /// The Go offset of the expression at or before Tera's `line`:`col`.
    pub fn go_offset(&self, line: usize, col: usize) -> Option<usize> {
        let key = (line as u32, col as u32);
        let at = self.anchors.partition_point(|&(l, c, _)| (l, c) <= key);
        let (l, _, offset) = *self.anchors.get(at.checked_sub(1)?)?;
        (l as usize == line).then_some(offset as usize)
    }
}

/// A construct that cannot be translated, at a Go byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub pos: usize,
    pub message: String,
}

type Result<T> = std::result::Result<T, Error>;

/// The name of the dot in a file's body: the render puts the template's root there.
pub const ROOT: &str = "_root";
/// The name of the dot a component (a `define`) takes.
pub const DOT: &str = "_dot";

/// Translates the parsed template `root` of source `src`; its defines become components
/// named `{prefix}{n}`. With `sync`, a map that an included template changes is taken
/// back after the include (see [`crate::translate::changes_dot`]).
pub fn generate(src: &str, root: &List, prefix: &str, sync: bool, lift: bool) -> Result<Translation> {
    let mut line_starts = vec![0];
    line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
    let mut g = Gen {
        line_starts,
        out: String::with_capacity(src.len() * 2),
        line: 1,
        col: 0,
        anchors: Vec::new(),
        counter: 0,
        vars: Vec::new(),
        dot: ROOT.into(),
        root: ROOT.into(),
        prefix: prefix.into(),
        defines: Vec::new(),
        list_depth: 0,
        loop_vars: Vec::new(),
        sync,
        synced: Vec::new(),
        lift,
        texts: Vec::new(),
        made: Vec::new(),
        assigned: Vec::new(),
        chunks: Vec::new(),
        bodies: 0,
    };
    g.list(root)?;
    if sync {
        // Helm's values are one set of maps that every template of the render shares: what
        // this one changed under `.Values`, the templates rendered after it see.
        g.out.push_str(&format!("{{{{ _keep(_0={ROOT}) }}}}"));
    }
    let mut anchors = g.anchors;
    anchors.sort_unstable();
    Ok(Translation {
        tera: g.out,
        map: SourceMap { anchors },
        defines: g.defines,
        texts: g.texts,
        chunks: g.chunks,
    })
}

struct Gen {
    line_starts: Vec<usize>,
    out: String,
    /// The Tera line being written, from 1.
    line: usize,
    /// Characters written on it.
    col: usize,
    anchors: Vec<(u32, u32, u32)>,
    counter: usize,
    /// Go variables in scope, innermost last: (Go name, Tera name).
    vars: Vec<(String, String)>,
    dot: String,
    root: String,
    prefix: String,
    defines: Vec<Defined>,
    /// How deep list literals nest where the one being written goes (Tera allows 2).
    list_depth: usize,
    /// Names bound by the Tera `for` loops around the code being written.
    loop_vars: Vec<String>,
    /// Whether includes may change the map they are given (see [`generate`]).
    sync: bool,
    /// The variables passed to includes in the tag being written.
    synced: Vec<String>,
    /// Whether long text runs are lifted out (see [`LIFT_BYTES`]), and those lifted.
    lift: bool,
    texts: Vec<String>,
    /// Every Tera name made so far, and every name assigned, in order (see [`defer`]).
    made: Vec<String>,
    assigned: Vec<String>,
    chunks: Vec<(String, SourceMap)>,
    /// How many branch bodies that may move out of line enclose the code being written.
    bodies: usize,
}

impl Gen {
    fn line_of(&self, pos: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= pos)
    }

    fn push(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' {
                self.line += 1;
                self.col = 0;
            } else {
                self.col += 1;
            }
        }
        self.out.push_str(text);
    }

    /// Newlines (inside a tag) until the Tera line is that of Go offset `pos`.
    fn pad_to(&mut self, pos: usize) {
        let target = self.line_of(pos);
        while self.line < target {
            self.push("\n");
        }
    }

    fn anchor(&mut self, pos: usize) {
        self.anchors.push((self.line as u32, self.col as u32, pos as u32));
    }

    /// `{%`/`{{`/`{#`, on the line of Go offset `start`.
    fn open(&mut self, delim: &str, start: usize) {
        self.push(delim);
        self.pad_to(start);
        self.push(" ");
        self.anchor(start);
    }

    /// `%}`/`}}`/`#}`, on the line of Go offset `end`.
    fn close(&mut self, delim: &str, end: usize) {
        self.push(" ");
        self.pad_to(end);
        self.push(delim);
    }

    /// One whole statement tag.
    fn tag(&mut self, statement: &str, span: Span) {
        self.open("{%", span.start);
        self.push(statement);
        self.close("%}", span.end);
    }

    fn fresh(&mut self, kind: &str, go_name: &str) -> String {
        self.counter += 1;
        let suffix: String = go_name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let name = match suffix.is_empty() {
            true => format!("{kind}{}", self.counter),
            false => format!("{kind}{}_{suffix}", self.counter),
        };
        self.made.push(name.clone());
        name
    }

    /// Notes that the tag being written assigns Tera variable `name`.
    fn assigns(&mut self, name: &str) {
        self.assigned.push(name.to_string());
    }

    fn resolve(&self, name: &str, pos: usize) -> Result<String> {
        if name == "$" {
            return Ok(self.root.clone());
        }
        match self.vars.iter().rev().find(|(go, _)| go == name) {
            Some((_, tera)) => Ok(tera.clone()),
            None => Err(Error { pos, message: format!("undefined variable {name:?}") }),
        }
    }

    fn list(&mut self, list: &List) -> Result<()> {
        for node in list {
            self.node(node)?;
        }
        Ok(())
    }

    fn node(&mut self, node: &Node) -> Result<()> {
        match node {
            Node::Text { text, .. } => self.text(text),
            Node::Comment { span, .. } => {
                self.open("{#", span.start);
                self.close("#}", span.end);
            }
            Node::Action { span, pipe } => self.action(*span, pipe)?,
            Node::If(branch) => self.if_chain(branch, 0)?,
            Node::Range(branch) => self.range(branch)?,
            Node::With(branch) => self.with_chain(branch, 0)?,
            Node::Template { span, name, pipe } => {
                self.open("{{", span.start);
                self.include_call(name, pipe.as_ref(), span.start)?;
                self.close("}}", span.end);
                self.take_back();
            }
            Node::Break(span) => self.tag("break", *span),
            Node::Continue(span) => self.tag("continue", *span),
            Node::Define(define) => self.define(define)?,
            Node::Block { define, pipe } => {
                self.define(define)?;
                let at = Span { start: define.close.end, end: define.close.end };
                self.open("{{", define.open.start);
                self.include_call(&define.name, Some(pipe), define.open.start)?;
                self.close("}}", at.end);
            }
        }
        Ok(())
    }

    /// Text as it is, unless Tera would read some of it as a tag: then as a literal.
    fn text(&mut self, text: &str) {
        if self.lift && text.len() >= LIFT_BYTES {
            let tag = format!("{{{{ _text(_0=\"{}\", _1={})", self.prefix, self.texts.len());
            self.push(&tag);
            let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
            self.out.extend(std::iter::repeat_n('\n', lines));
            self.line += lines;
            self.col = if lines > 0 { 0 } else { self.col };
            self.push(" }}");
            self.texts.push(text.to_string());
            return;
        }
        let tag_like = ["{{", "{%", "{#"].iter().any(|open| text.contains(open)) || text.ends_with('{');
        if !tag_like {
            self.push(text);
            return;
        }
        self.push("{{ \"");
        self.push(&text.replace('\\', "\\\\").replace('"', "\\\""));
        self.push("\" }}");
    }

    fn action(&mut self, span: Span, pipe: &Pipe) -> Result<()> {
        if let Some(target) = self.mutation_target(pipe)? {
            self.mutation(span, pipe, target)?;
        } else if pipe.decl.is_empty() {
            self.open("{{", span.start);
            let string = self.pipe_value(pipe)?;
            if !string {
                self.push(" | _p");
            }
            self.close("}}", span.end);
        } else {
            self.open("{%", span.start);
            let name = self.declare(pipe)?;
            self.assigns(&name);
            self.push(&format!("set_global {name} = "));
            self.pipe_value(pipe)?;
            self.close("%}", span.end);
        }
        self.take_back();
        Ok(())
    }
}

mod control;
mod defer;
mod expr;

#[cfg(test)]
mod tests;
