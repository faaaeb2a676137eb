//! One Go template file written out as Tera for people: the source's text, layout and
//! comments are copied as they are, every Go action becomes the Tera tag of the same
//! meaning with the same trim markers (Go's and Tera's markers both remove all the
//! whitespace on their side), and what has no Tera counterpart yet is kept as a marker
//! comment at its place and reported.

use super::expr::{CONTEXT, Expr, Unknown};
use super::names::{Class, Components};
use crate::translate::ast::{List, Node, Span};
use crate::translate::lex::is_space;
use std::collections::{BTreeMap, BTreeSet};

/// The parameter a component that takes any dot has.
pub const DOT_PARAM: &str = "dot";

/// Start of the placeholder for a component's parameters, filled in once every file of
/// the chart is written and what each component reads is known.
pub const PARAMS: char = '\u{1}';

/// What the dot is.
#[derive(Debug, Clone)]
pub enum Dot {
    /// The template's context: `.Values` is `Values`.
    Root,
    /// A value with a Tera name or path.
    Value(Expr),
}

/// What a component reads from the context, and which components it calls.
#[derive(Debug, Default, Clone)]
pub struct Usage {
    pub context: BTreeSet<String>,
    pub calls: BTreeSet<String>,
}

/// A Go variable in scope: its Tera expression and the loop depth it was declared at.
struct Variable {
    go: String,
    tera: Expr,
    loops: usize,
}

/// Sprig's functions that change the map given first.
pub(super) const CHANGES_IN_PLACE: &[&str] = &["set", "unset", "merge", "mergeOverwrite"];

/// Writes one file; see the module docs.
pub struct Emitter<'a> {
    pub(super) src: &'a str,
    /// The file's path in the chart, to tell which define of a name Helm keeps.
    pub(super) file: &'a str,
    pub(super) out: String,
    pub(super) pos: usize,
    /// Places left for a person: byte offset of the marker in `out`, what.
    pub places: Vec<(usize, String)>,
    pub(super) components: &'a Components,
    pub(super) values: &'a serde_yaml::Mapping,
    dots: Vec<Dot>,
    scopes: Vec<Vec<Variable>>,
    pub(super) loops: usize,
    /// Declarations a deeper range assigns (see [`super::globals`]).
    globals: std::collections::HashSet<usize>,
    /// Statements the next tag needs first (a file captured as a string).
    pub(super) preludes: Vec<String>,
    /// Whether the file calls `tpl` (its strings are Go text in the chart's values).
    pub uses_tpl: bool,
    /// Whether another template takes a checksum of this one's text, which must then be
    /// helm's byte for byte (Sprig's `nindent` pads blank lines).
    pub(super) checksummed: bool,
    /// The component being written, and what it uses.
    pub(super) current: Option<(String, Class)>,
    pub usage: BTreeMap<String, Usage>,
}

/// A Go action's delimiters: where it starts and ends (`}}` included, the whitespace its
/// ` -}}` trims not) and its trim markers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tag {
    pub start: usize,
    pub end: usize,
    pub left: bool,
    pub right: bool,
}

/// What writing a component's body sets aside.
pub(super) struct Saved {
    dots: Vec<Dot>,
    scopes: Vec<Vec<Variable>>,
    loops: usize,
    current: Option<(String, Class)>,
}

impl<'a> Emitter<'a> {
    pub fn new(
        file: &'a str,
        src: &'a str,
        components: &'a Components,
        values: &'a serde_yaml::Mapping,
    ) -> Emitter<'a> {
        Emitter {
            src,
            file,
            out: String::with_capacity(src.len() + src.len() / 4),
            pos: 0,
            places: Vec::new(),
            components,
            values,
            dots: vec![Dot::Root],
            scopes: vec![Vec::new()],
            loops: 0,
            globals: Default::default(),
            preludes: Vec::new(),
            uses_tpl: false,
            checksummed: false,
            current: None,
            usage: BTreeMap::new(),
        }
    }

    /// Writes `list`, the whole file, and the text after its last action; `checksummed`:
    /// see [`Emitter::checksummed`].
    pub fn file(mut self, list: &List, checksummed: bool) -> Self {
        self.checksummed = checksummed;
        self.globals = super::globals::assigned_from_deeper(list);
        self.list(list);
        self.copy_to(self.src.len());
        self
    }

    pub(super) fn list(&mut self, list: &List) {
        for node in list {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Text { .. } => {}
            Node::Comment { span, .. } => self.comment(*span),
            Node::Action { span, pipe } => {
                let tag = self.tag(*span);
                let written = if pipe.decl.is_empty() {
                    self.pipe(pipe).map(|expr| ("{{", expr.text, "}}", None))
                } else if let Some(go) = self.files_alias(pipe) {
                    // Tera reaches the chart's files through functions, not a value.
                    self.bind_expr(&go, Expr::atom(super::expr::FILES));
                    Ok(("{#", format!("{go}: the chart's files (.Files)"), "#}", None))
                } else {
                    self.declare(pipe).map(|(set, note)| ("{%", set, "%}", note))
                };
                match written {
                    Ok((open, body, close, note)) => {
                        let tag = self.note(tag, note);
                        self.write_tag(tag, open, &body, close)
                    }
                    Err(what) => self.marker(tag, &what),
                }
            }
            Node::If(branch) => {
                self.if_chain(branch, false);
            }
            Node::With(branch) => {
                self.with(branch, false);
            }
            Node::Range(branch) => self.range(branch),
            Node::Template { span, name, pipe } => {
                let tag = self.tag(*span);
                let dot = pipe.as_ref().and_then(|p| match p.cmds.as_slice() {
                    [command] if command.args.len() == 1 && p.decl.is_empty() => Some(&command.args[0]),
                    _ => None,
                });
                let call = match (pipe, dot) {
                    (Some(_), None) => Err("a template given a pipeline".to_string()),
                    _ => self.component_call(name, dot),
                };
                match call {
                    Ok(expr) => self.write_tag(tag, "{{", &expr.text, "}}"),
                    Err(what) => self.marker(tag, &what),
                }
            }
            Node::Break(span) => self.statement(*span, "break"),
            Node::Continue(span) => self.statement(*span, "continue"),
            Node::Define(define) => self.define(define),
            Node::Block { define, .. } => {
                let (open, close) = (self.tag(define.open), self.tag(define.close));
                self.marker(open, "a block (a define called in place)");
                self.copy_to(close.start);
                self.pos = close.end;
            }
        }
    }

    /// `{{ $x := p }}` / `{{ $x = p }}` as `{% set x = … %}`.
    fn declare(&mut self, pipe: &crate::translate::ast::Pipe) -> Result<(String, Option<String>), Unknown> {
        let [variable] = pipe.decl.as_slice() else {
            return Err("a declaration of two variables outside range".to_string());
        };
        if variable.name == "$_"
            && let Some(change) = self.change_in_place(pipe)
        {
            return change.map(|set| (set, None));
        }
        let value = self.pipe(pipe);
        if !pipe.is_assign && self.lookup(&variable.name).is_none() {
            // Later uses still convert when this declaration is left for a person.
            if value.is_err() {
                self.bind(&variable.name);
            }
        }
        let value = value?;
        if pipe.is_assign {
            let (tera, loops) = self.variable_of(&variable.name)?;
            let keyword = if loops == self.loops {
                "set"
            } else if loops == 0 {
                "set_global"
            } else {
                return Err("an assignment to a variable of an outer range".to_string());
            };
            return Ok((format!("{keyword} {} = {}", tera.text, value.text), None));
        }
        let (name, note) = self.bind(&variable.name);
        if self.globals.contains(&variable.pos) {
            let scope = self.scopes.last_mut().expect("a scope");
            if let Some(bound) = scope.iter_mut().rev().find(|v| v.go == variable.name) {
                bound.loops = 0;
            }
            return Ok((format!("set_global {name} = {}", value.text), note));
        }
        Ok((format!("set {name} = {}", value.text), note))
    }

    /// `$_ := set $d "k" v` (and the rest of [`CHANGES_IN_PLACE`]): Go changes the map
    /// `$d` holds; Tera sets `d` to the changed copy. `None` where the pipeline is not one.
    fn change_in_place(&mut self, pipe: &crate::translate::ast::Pipe) -> Option<Result<String, Unknown>> {
        use crate::translate::ast::Arg;
        let [command] = pipe.cmds.as_slice() else { return None };
        let [Arg::Identifier(_, function), Arg::Variable(_, target, fields), rest @ ..] =
            command.args.as_slice()
        else {
            return None;
        };
        if !CHANGES_IN_PLACE.contains(&function.as_str()) || target == "$" || !fields.is_empty() {
            return None;
        }
        Some((|| {
            let (tera, loops) = self.variable_of(target)?;
            if !tera.text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("{function} of a map reached through {target}"));
            }
            let mut args = Vec::new();
            for arg in rest {
                args.push(self.arg(arg)?);
            }
            let filter = match (function.as_str(), args.as_slice()) {
                ("set", [key, value]) => format!("set_key(key={}, value={})", key.text, value.text),
                ("unset", [key]) => format!("unset_key(key={})", key.text),
                ("merge", [other]) => format!("merge(with={})", other.text),
                ("mergeOverwrite", [other]) => format!("merge_overwrite(with={})", other.text),
                _ => return Err(format!("{function} with {} arguments", args.len() + 1)),
            };
            let keyword = match loops {
                l if l == self.loops => "set",
                0 => "set_global",
                _ => return Err("a change to a map of an outer range".to_string()),
            };
            Ok(format!("{keyword} {} = {}", tera.text, tera.filter(&filter).text))
        })())
    }

    /// Declares Go variable `go` in the innermost scope and returns its Tera name: its own
    /// name without `$`, unless a variable still in scope has that name (then a fresh one,
    /// and the note that says why).
    pub(super) fn bind(&mut self, go: &str) -> (String, Option<String>) {
        let base = sanitize(go.trim_start_matches('$'));
        let again = self.scopes.last().and_then(|scope| scope.iter().rev().find(|v| v.go == go));
        if let Some(variable) = again {
            return (variable.tera.text.clone(), None);
        }
        let name = self.fresh(&base);
        let note = (name != base).then(|| format!("{go} is {name} here: {base} is taken"));
        self.bind_expr(go, Expr::atom(name.clone()));
        (name, note)
    }

    /// Binds Go variable `go` (empty: a name of the converter's own) to an expression.
    pub(super) fn bind_expr(&mut self, go: &str, tera: Expr) {
        let scope = self.scopes.last_mut().expect("a scope");
        scope.push(Variable { go: go.to_string(), tera, loops: self.loops });
    }

    /// A Tera name starting with `base` that no variable in scope, context part or Tera
    /// keyword has.
    pub(super) fn fresh(&mut self, base: &str) -> String {
        let base = sanitize(base);
        let taken = |name: &str| {
            CONTEXT.contains(&name)
                || RESERVED.contains(&name)
                || self.scopes.iter().flatten().any(|v| v.tera.text == name)
        };
        let mut name = base.clone();
        let mut n = 2;
        while taken(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }

    pub(super) fn lookup(&self, go: &str) -> Option<Expr> {
        self.variable_of(go).ok().map(|(tera, _)| tera)
    }

    fn variable_of(&self, go: &str) -> Result<(Expr, usize), Unknown> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|v| v.go == go)
            .map(|v| (v.tera.clone(), v.loops))
            .ok_or_else(|| format!("variable {go} is not declared"))
    }

    /// Starts writing the body of component `name`: its dot, no variables but `$`.
    pub(super) fn enter(&mut self, name: &str, class: Class) -> Saved {
        let dot = match class {
            Class::Context => Dot::Root,
            Class::Value => Dot::Value(Expr::atom(DOT_PARAM)),
        };
        self.usage.entry(name.to_string()).or_default();
        Saved {
            dots: std::mem::replace(&mut self.dots, vec![dot]),
            scopes: std::mem::replace(&mut self.scopes, vec![Vec::new()]),
            loops: std::mem::replace(&mut self.loops, 0),
            current: self.current.replace((name.to_string(), class)),
        }
    }

    pub(super) fn leave(&mut self, saved: Saved) {
        self.dots = saved.dots;
        self.scopes = saved.scopes;
        self.loops = saved.loops;
        self.current = saved.current;
    }

    pub(super) fn push_scope(&mut self, dot: Option<Dot>) {
        self.scopes.push(Vec::new());
        let dot = dot.unwrap_or_else(|| self.dot().clone());
        self.dots.push(dot);
    }

    pub(super) fn pop_scope(&mut self) {
        self.scopes.pop();
        self.dots.pop();
    }

    pub(super) fn dot(&self) -> &Dot {
        self.dots.last().expect("a dot")
    }

    /// The dot as a value.
    pub(super) fn dot_value(&mut self) -> Expr {
        match self.dot().clone() {
            Dot::Root if self.root_is_context() => {
                CONTEXT.iter().for_each(|name| self.note_context(name));
                super::expr::context_map()
            }
            Dot::Root => Expr::atom(DOT_PARAM),
            Dot::Value(expr) => expr,
        }
    }

    /// Whether `$` is the template's context (not the dot of a component that takes any).
    pub(super) fn root_is_context(&self) -> bool {
        !matches!(self.current, Some((_, Class::Value)))
    }

    pub(super) fn note_context(&mut self, name: &str) {
        if let Some((component, _)) = &self.current {
            self.usage.entry(component.clone()).or_default().context.insert(name.to_string());
        }
    }

    /// The tag of the action at `span`, with the text before it written.
    pub(super) fn tag(&mut self, span: Span) -> Tag {
        let raw = &self.src[span.start..span.end];
        let body = raw.trim_end_matches(is_space);
        let left = raw.starts_with("{{-") && raw[3..].starts_with(is_space);
        let right = body.ends_with("-}}") && body[..body.len() - 3].ends_with(is_space);
        let tag = Tag { start: span.start, end: span.start + body.len(), left, right };
        self.copy_to(tag.start);
        tag
    }

    /// Writes a Tera tag in place of Go's: `{{`, `{%` with the same markers.
    pub(super) fn write_tag(&mut self, tag: Tag, open: &str, body: &str, close: &str) {
        self.write_open(tag, open, body);
        self.write_close(tag, close);
    }

    /// The first half of a tag: its opening, left marker and body.
    pub(super) fn write_open(&mut self, tag: Tag, open: &str, body: &str) {
        let mut left = tag.left;
        for prelude in std::mem::take(&mut self.preludes) {
            self.out.push_str(if left { "{%- " } else { "{% " });
            self.out.push_str(&prelude);
            self.out.push_str(" %}");
            left = false;
        }
        self.out.push_str(open);
        self.out.push_str(if left { "- " } else { " " });
        self.out.push_str(body);
    }

    /// The second half: right marker and closing; the source continues after Go's tag.
    pub(super) fn write_close(&mut self, tag: Tag, close: &str) {
        self.out.push_str(if tag.right { " -" } else { " " });
        self.out.push_str(close);
        self.pos = tag.end;
    }

    /// Writes `note` as a comment that takes the tag's left marker, so that the text
    /// around keeps its whitespace; returns the tag left to write.
    pub(super) fn note(&mut self, mut tag: Tag, note: Option<String>) -> Tag {
        if let Some(note) = note {
            self.out.push_str(if tag.left { "{#- " } else { "{# " });
            self.out.push_str(&note.replace("#}", "# }"));
            self.out.push_str(" #}");
            tag.left = false;
        }
        tag
    }

    /// A tag of Go's with no Tera output: `{% keyword %}`.
    pub(super) fn statement(&mut self, span: Span, keyword: &str) {
        let tag = self.tag(span);
        self.write_tag(tag, "{%", keyword, "%}");
    }

    /// Where a Go action has no Tera counterpart yet: a comment that names it and keeps
    /// the Go source, for a person to finish.
    pub(super) fn marker(&mut self, tag: Tag, what: &str) {
        let go = self.src[tag.start..tag.end].replace("#}", "# }");
        self.preludes.clear();
        self.places.push((self.out.len(), what.to_string()));
        self.write_tag(tag, "{#", &format!("rudder convert: {what}: {go}"), "#}");
    }

    fn comment(&mut self, span: Span) {
        let tag = self.tag(span);
        let raw = &self.src[tag.start..tag.end];
        let inner = raw.find("/*").zip(raw.rfind("*/")).map_or("", |(a, b)| &raw[a + 2..b.max(a + 2)]);
        self.out.push_str(if tag.left { "{#-" } else { "{#" });
        self.out.push_str(&inner.replace("#}", "# }"));
        self.out.push_str(if tag.right { "-#}" } else { "#}" });
        self.pos = tag.end;
    }

    /// Copies the source's text up to `at`, with what Tera would read as a tag escaped.
    pub(super) fn copy_to(&mut self, at: usize) {
        if at <= self.pos {
            return;
        }
        let text = &self.src[self.pos..at];
        let mut rest = text;
        while let Some(i) = rest.find(['{']) {
            self.out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            if after.starts_with(['%', '#']) {
                self.out.push_str(&format!("{{{{ \"{{{}\" }}}}", &after[..1]));
                rest = &after[1..];
            } else {
                self.out.push('{');
                rest = after;
            }
        }
        self.out.push_str(rest);
        self.pos = at;
    }
}

/// Names Tera reads as its own.
const RESERVED: [&str; 16] = [
    "loop", "in", "and", "or", "not", "true", "false", "none", "is", "if", "for", "set", "dot", "self",
    "super", "block",
];

/// A Tera identifier from a Go name.
pub(super) fn sanitize(name: &str) -> String {
    let mut out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'v');
    }
    out
}
