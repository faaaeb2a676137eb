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
    };
    g.list(root)?;
    if sync {
        // Helm's values are one set of maps that every template of the render shares: what
        // this one changed under `.Values`, the templates rendered after it see.
        g.out.push_str(&format!("{{{{ _keep(_0={ROOT}) }}}}"));
    }
    let mut anchors = g.anchors;
    anchors.sort_unstable();
    Ok(Translation { tera: g.out, map: SourceMap { anchors }, defines: g.defines, texts: g.texts })
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
        match suffix.is_empty() {
            true => format!("{kind}{}", self.counter),
            false => format!("{kind}{}_{suffix}", self.counter),
        }
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
            self.push(&format!("set_global {name} = "));
            self.pipe_value(pipe)?;
            self.close("%}", span.end);
        }
        self.take_back();
        Ok(())
    }

    /// For `{{ $_ := set $d "k" v }}` and kin (a pipeline of one call of a function that
    /// changes its first argument, a map reached from a variable or the dot): the Tera
    /// variable holding that map and the path from it.
    fn mutation_target(&self, pipe: &Pipe) -> Result<Option<(String, Vec<String>)>> {
        let [cmd] = pipe.cmds.as_slice() else { return Ok(None) };
        let Some(Arg::Identifier(_, name)) = cmd.args.first() else { return Ok(None) };
        if !MUTATORS.contains(&name.as_str()) {
            return Ok(None);
        }
        Ok(match cmd.args.get(1) {
            Some(Arg::Dot(_)) => Some((self.dot.clone(), Vec::new())),
            Some(Arg::Field(_, idents)) => Some((self.dot.clone(), idents.clone())),
            Some(Arg::Variable(pos, var, idents)) => Some((self.resolve(var, *pos)?, idents.clone())),
            _ => None,
        })
    }

    /// `{% set_global t = set(…) %}{% set_global base = _put(…, t) %}`: the call, then the
    /// changed map stored back into the variable it was reached from (and, for a define's
    /// dot, reported to the include that passed it).
    fn mutation(&mut self, span: Span, pipe: &Pipe, (base, path): (String, Vec<String>)) -> Result<()> {
        self.open("{%", span.start);
        let result = match pipe.decl.is_empty() {
            true => self.fresh("m", ""),
            false => self.declare(pipe)?,
        };
        let keyword =
            |name: &str, loops: &[String]| if loops.iter().any(|l| l == name) { "set" } else { "set_global" };
        self.push(&format!("{} {result} = ", keyword(&result, &self.loop_vars)));
        self.pipe_value(pipe)?;
        self.push(&format!(" %}}{{% {} {base} = ", keyword(&base, &self.loop_vars)));
        if path.is_empty() {
            self.push(&result);
        } else {
            self.push(&format!("_put(_0={base}, _1=["));
            for (i, step) in path.iter().enumerate() {
                if i > 0 {
                    self.push(", ");
                }
                self.string(step);
            }
            self.push(&format!("], _2={result})"));
        }
        let mut last = "%}";
        if self.sync && (base == DOT || base == ROOT) {
            self.push(" %}{{ _dot_changed(_0=_dot)");
            last = "}}";
        }
        if pipe.decl.is_empty() {
            // A bare `{{ merge $a $b }}` prints the map too.
            self.push(&format!(" {last}{{{{ {result} | _p"));
            last = "}}";
        }
        self.close(last, span.end);
        Ok(())
    }

    /// The Tera name of the variable `pipe` declares (a new one) or assigns (its own).
    fn declare(&mut self, pipe: &Pipe) -> Result<String> {
        let var = &pipe.decl[0];
        if pipe.is_assign {
            return self.resolve(&var.name, var.pos);
        }
        let name = self.fresh("v", &var.name[1..]);
        self.vars.push((var.name.clone(), name.clone()));
        Ok(name)
    }

    fn if_chain(&mut self, branch: &Branch, ends: usize) -> Result<()> {
        let mark = self.vars.len();
        self.condition(branch, "if")?;
        self.list(&branch.list)?;
        let ends = ends + 1;
        match &branch.otherwise {
            None => self.ends(branch.close, ends, "endif"),
            Some(Else::List { span, list }) => {
                self.tag("else", *span);
                self.list(list)?;
                self.ends(branch.close, ends, "endif");
            }
            Some(Else::Chain(link)) => match link.as_ref() {
                Node::If(next) if next.pipe.decl.is_empty() => {
                    self.open("{%", next.open.start);
                    self.push("elif ");
                    self.pipe_value(&next.pipe)?;
                    self.close("%}", next.open.end);
                    let mark = self.vars.len();
                    self.list(&next.list)?;
                    self.vars.truncate(mark);
                    self.chain_rest(next, ends)?;
                }
                other => {
                    let at = Span { start: branch_open(other).start, end: branch_open(other).start };
                    self.tag("else", at);
                    self.chained(other, ends)?;
                }
            },
        }
        self.vars.truncate(mark);
        Ok(())
    }

    /// What follows an `elif` link: its own else, or the next link.
    fn chain_rest(&mut self, link: &Branch, ends: usize) -> Result<()> {
        match &link.otherwise {
            None => self.ends(link.close, ends, "endif"),
            Some(Else::List { span, list }) => {
                self.tag("else", *span);
                self.list(list)?;
                self.ends(link.close, ends, "endif");
            }
            Some(Else::Chain(next)) => match next.as_ref() {
                Node::If(after) if after.pipe.decl.is_empty() => {
                    self.open("{%", after.open.start);
                    self.push("elif ");
                    self.pipe_value(&after.pipe)?;
                    self.close("%}", after.open.end);
                    let mark = self.vars.len();
                    self.list(&after.list)?;
                    self.vars.truncate(mark);
                    self.chain_rest(after, ends)?;
                }
                other => {
                    let at = Span { start: branch_open(other).start, end: branch_open(other).start };
                    self.tag("else", at);
                    self.chained(other, ends)?;
                }
            },
        }
        Ok(())
    }

    /// A link of an `else if`/`else with` chain written inside an `else`: the enclosing
    /// constructs' `ends` are closed by the chain's one `{{ end }}`.
    fn chained(&mut self, node: &Node, ends: usize) -> Result<()> {
        match node {
            Node::If(branch) => self.if_chain(branch, ends),
            Node::With(branch) => self.with_chain(branch, ends),
            _ => unreachable!("only if and with chain"),
        }
    }

    /// `{% set_global v = … %}{% if v %}` or `{% if … %}`; returns the tested name.
    fn condition(&mut self, branch: &Branch, keyword: &str) -> Result<Option<String>> {
        let open = branch.open;
        if branch.pipe.decl.is_empty() && keyword == "if" {
            self.open("{%", open.start);
            self.push("if ");
            self.pipe_value(&branch.pipe)?;
            self.close("%}", open.end);
            return Ok(None);
        }
        let name = match branch.pipe.decl.is_empty() {
            true => self.fresh("w", ""),
            false => self.declare(&branch.pipe)?,
        };
        self.open("{%", open.start);
        self.push(&format!("set_global {name} = "));
        self.pipe_value(&branch.pipe)?;
        self.push(" %}{% if ");
        self.push(&name);
        self.close("%}", open.end);
        Ok(Some(name))
    }

    /// `ends` closing tags in the span of one `{{ end }}`.
    fn ends(&mut self, span: Span, ends: usize, word: &str) {
        self.open("{%", span.start);
        for i in 0..ends {
            if i > 0 {
                self.push(" %}{% ");
            }
            self.push(word);
        }
        self.close("%}", span.end);
    }

    fn with_chain(&mut self, branch: &Branch, ends: usize) -> Result<()> {
        let mark = self.vars.len();
        let name = self.condition(branch, "with")?.unwrap_or_default();
        let outer = std::mem::replace(&mut self.dot, name);
        self.list(&branch.list)?;
        self.dot = outer;
        let ends = ends + 1;
        match &branch.otherwise {
            None => self.ends(branch.close, ends, "endif"),
            Some(Else::List { span, list }) => {
                self.tag("else", *span);
                self.list(list)?;
                self.ends(branch.close, ends, "endif");
            }
            Some(Else::Chain(link)) => {
                let at = Span { start: branch_open(link).start, end: branch_open(link).start };
                self.tag("else", at);
                self.chained(link, ends)?;
            }
        }
        self.vars.truncate(mark);
        Ok(())
    }

    fn range(&mut self, branch: &Branch) -> Result<()> {
        let mark = self.vars.len();
        let pipe = &branch.pipe;
        let element = self.fresh("e", "");
        let key = (pipe.decl.len() == 2).then(|| self.fresh("k", ""));
        self.open("{%", branch.open.start);
        match &key {
            Some(key) => self.push(&format!("for {key}, {element} in _pairs(_0=")),
            None => self.push(&format!("for {element} in _values(_0=")),
        }
        self.pipe_value(pipe)?;
        self.push(")");
        // Declared variables name the loop's own; assigned ones are set from them.
        let bound: Vec<String> = match &key {
            Some(key) => vec![key.clone(), element.clone()],
            None => vec![element.clone()],
        };
        let mut sets = Vec::new();
        for (var, value) in pipe.decl.iter().zip(bound) {
            if pipe.is_assign {
                sets.push(format!("set_global {} = {value}", self.resolve(&var.name, var.pos)?));
            } else {
                self.vars.push((var.name.clone(), value));
            }
        }
        for set in sets {
            self.push(&format!(" %}}{{% {set}"));
        }
        self.close("%}", branch.open.end);
        let bound = self.loop_vars.len();
        self.loop_vars.extend(key.iter().cloned().chain([element.clone()]));
        let outer = std::mem::replace(&mut self.dot, element);
        self.list(&branch.list)?;
        self.dot = outer;
        self.loop_vars.truncate(bound);
        if let Some(Else::List { span, list }) = &branch.otherwise {
            self.tag("else", *span);
            self.list(list)?;
        }
        self.ends(branch.close, 1, "endfor");
        self.vars.truncate(mark);
        Ok(())
    }

    fn define(&mut self, define: &Define) -> Result<()> {
        let component = format!("{}{}", self.prefix, self.defines.len());
        self.defines.push(Defined {
            name: define.name.clone(),
            component: component.clone(),
            empty: super::ast::is_empty(&define.body),
        });
        self.tag(&format!("component {component}({DOT})"), define.open);
        let vars = std::mem::take(&mut self.vars);
        let dot = std::mem::replace(&mut self.dot, DOT.into());
        let root = std::mem::replace(&mut self.root, DOT.into());
        self.list(&define.body)?;
        self.vars = vars;
        self.dot = dot;
        self.root = root;
        self.tag(&format!("endcomponent {component}"), define.close);
        Ok(())
    }

    /// Notes a variable an include is given, to take its changes back after the tag.
    fn note_place(&mut self, arg: &Arg) -> Result<()> {
        if !self.sync {
            return Ok(());
        }
        let place = match arg {
            Arg::Dot(_) => self.dot.clone(),
            Arg::Variable(pos, name, idents) if idents.is_empty() => self.resolve(name, *pos)?,
            _ => return Ok(()),
        };
        if !self.synced.contains(&place) {
            self.synced.push(place);
        }
        Ok(())
    }

    /// `{% set_global v = _sync(_0=v) %}` for each variable an include of the tag just
    /// written was given: the map as the included template left it.
    fn take_back(&mut self) {
        for place in std::mem::take(&mut self.synced) {
            let keyword = if self.loop_vars.contains(&place) { "set" } else { "set_global" };
            let report = if place == DOT || place == ROOT { ", _1=true" } else { "" };
            self.push(&format!("{{% {keyword} {place} = _sync(_0={place}{report}) %}}"));
        }
    }

    /// `include(_0="name", _1=dot)` for `{{ template "name" pipe }}`.
    fn include_call(&mut self, name: &str, pipe: Option<&Pipe>, pos: usize) -> Result<()> {
        if let Some([Command { args, .. }]) = pipe.map(|p| p.cmds.as_slice())
            && let [arg] = args.as_slice()
        {
            self.note_place(arg)?;
        }
        self.anchor(pos);
        self.push("include(_0=");
        self.string(name);
        self.push(", _1=");
        match pipe {
            Some(pipe) => {
                self.pipe_value(pipe)?;
            }
            None => self.push("none"),
        }
        self.push(")");
        Ok(())
    }

    /// The value of a pipeline (its declarations aside); true if it is a string.
    fn pipe_value(&mut self, pipe: &Pipe) -> Result<bool> {
        self.commands(&pipe.cmds)
    }

    /// The value of `cmds`: the last command with the value of the others as its last
    /// argument. True if it is always a string.
    fn commands(&mut self, cmds: &[Command]) -> Result<bool> {
        let (last, before) = cmds.split_last().expect("a pipeline has a command");
        self.command(last, before)
    }

    fn command(&mut self, cmd: &Command, piped: &[Command]) -> Result<bool> {
        let extra = usize::from(!piped.is_empty());
        match &cmd.args[0] {
            Arg::Identifier(pos, name) => self.call(*pos, name, &cmd.args[1..], piped),
            operand if cmd.args.len() + extra == 1 => {
                self.arg(operand)?;
                Ok(false)
            }
            operand => self.method(operand, &cmd.args[1..], piped),
        }
    }

    /// A call of function `name` with `args`, then the value of `piped` if any.
    fn call(&mut self, pos: usize, name: &str, args: &[Arg], piped: &[Command]) -> Result<bool> {
        let Some((form, string)) = funcs::lookup(name) else {
            return Err(Error { pos, message: format!("function {name:?} not defined") });
        };
        let count = args.len() + usize::from(!piped.is_empty());
        self.anchor(pos);
        if name == "include"
            && let Some(arg) = args.get(1)
        {
            self.note_place(arg)?;
        }
        if form == Form::Call {
            self.push(name);
            self.push("(");
            self.operands(args, piped, ", ", Some(0))?;
            self.push(")");
            return Ok(string);
        }
        match name {
            "and" | "or" => {
                if count == 0 {
                    let message = format!("wrong number of args for {name}: want at least 1 got 0");
                    return Err(Error { pos, message });
                }
                self.push("(");
                self.operands(args, piped, if name == "and" { " and " } else { " or " }, None)?;
                self.push(")");
            }
            "not" => {
                if count != 1 {
                    return Err(Error {
                        pos,
                        message: format!("wrong number of args for not: want 1 got {count}"),
                    });
                }
                self.push("(not ");
                self.operands(args, piped, "", None)?;
                self.push(")");
            }
            "list" | "tuple" if self.list_depth < 2 => {
                self.list_depth += 1;
                self.push("[");
                self.operands(args, piped, ", ", None)?;
                self.push("]");
                self.list_depth -= 1;
            }
            "list" | "tuple" => {
                self.push("list(");
                self.operands(args, piped, ", ", Some(0))?;
                self.push(")");
            }
            _ => self.dict(args, piped)?,
        }
        Ok(false)
    }

    /// `dict "a" 1 "b" 2` as a map literal when its keys are strings written out; else a
    /// call of `dict`, which does what Sprig does with other keys.
    fn dict(&mut self, args: &[Arg], piped: &[Command]) -> Result<()> {
        let literal = piped.is_empty()
            && args.len().is_multiple_of(2)
            && args.iter().step_by(2).all(|key| matches!(key, Arg::String(..)));
        if !literal {
            self.push("dict(");
            self.operands(args, piped, ", ", Some(0))?;
            self.push(")");
            return Ok(());
        }
        // `{ … }` with spaces: `}}` would end a Tera tag.
        self.push("{ ");
        for (i, pair) in args.chunks(2).enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.arg(&pair[0])?;
            self.push(": ");
            let depth = std::mem::take(&mut self.list_depth);
            self.arg(&pair[1])?;
            self.list_depth = depth;
        }
        self.push(" }");
        Ok(())
    }

    /// `args` then `piped`, separated; as keyword arguments `_n=` numbered from `named`'s
    /// value when it has one.
    fn operands(
        &mut self,
        args: &[Arg],
        piped: &[Command],
        separator: &str,
        named: Option<usize>,
    ) -> Result<()> {
        let mut n = 0;
        for arg in args {
            if n > 0 {
                self.push(separator);
            }
            if let Some(first) = named {
                self.push(&format!("_{}=", first + n));
            }
            let depth = match named {
                Some(_) => std::mem::take(&mut self.list_depth),
                None => self.list_depth,
            };
            self.arg(arg)?;
            self.list_depth = depth;
            n += 1;
        }
        if !piped.is_empty() {
            if n > 0 {
                self.push(separator);
            }
            if let Some(first) = named {
                self.push(&format!("_{}=", first + n));
            }
            let depth = std::mem::take(&mut self.list_depth);
            let parenthesised = named.is_none();
            if parenthesised {
                self.push("(");
            }
            self.commands(piped)?;
            if parenthesised {
                self.push(")");
            }
            self.list_depth = depth;
        }
        Ok(())
    }

    /// `.Files.Get "x"`, `.Capabilities.APIVersions.Has "v"`, `(.Files.Glob "*").AsConfig`:
    /// the last field names a method of the value before it.
    fn method(&mut self, operand: &Arg, args: &[Arg], piped: &[Command]) -> Result<bool> {
        let (object, name): (Arg, &str) = match operand {
            Arg::Field(pos, idents) => match idents.split_last() {
                Some((name, [])) => (Arg::Dot(*pos), name),
                Some((name, rest)) => (Arg::Field(*pos, rest.to_vec()), name),
                None => unreachable!(),
            },
            Arg::Variable(pos, var, idents) => match idents.split_last() {
                Some((name, rest)) => (Arg::Variable(*pos, var.clone(), rest.to_vec()), name),
                None => {
                    let message = format!("can't give argument to non-function {var}");
                    return Err(Error { pos: *pos, message });
                }
            },
            Arg::Chain(pos, term, fields) => match fields.split_last() {
                Some((name, [])) => ((**term).clone(), name),
                Some((name, rest)) => (Arg::Chain(*pos, term.clone(), rest.to_vec()), name),
                None => unreachable!(),
            },
            other => {
                let message = format!("can't give argument to non-function {}", describe(other));
                return Err(Error { pos: other.pos(), message });
            }
        };
        self.anchor(operand.pos());
        self.push("_method(_0=");
        let depth = std::mem::take(&mut self.list_depth);
        self.arg(&object)?;
        self.list_depth = depth;
        self.push(", _1=");
        self.string(name);
        if !args.is_empty() || !piped.is_empty() {
            self.push(", ");
            self.operands(args, piped, ", ", Some(2))?;
        }
        self.push(")");
        Ok(matches!(name, "Get" | "AsConfig" | "AsSecrets"))
    }

    fn arg(&mut self, arg: &Arg) -> Result<()> {
        match arg {
            Arg::Dot(pos) => {
                self.anchor(*pos);
                let dot = self.dot.clone();
                self.push(&dot);
            }
            Arg::Nil(_) => self.push("none"),
            Arg::Bool(_, b) => self.push(if *b { "true" } else { "false" }),
            Arg::Number(_, n) => self.push(&number(*n)),
            Arg::String(_, s) => self.string(s),
            Arg::Field(_, idents) | Arg::Variable(_, _, idents) | Arg::Chain(_, _, idents)
                if idents.last().is_some_and(|last| NILADIC_METHODS.contains(&last.as_str())) =>
            {
                self.method(arg, &[], &[])?;
            }
            Arg::Field(pos, idents) => {
                self.anchor(*pos);
                let dot = self.dot.clone();
                self.path(&dot, idents);
            }
            Arg::Variable(pos, name, idents) => {
                self.anchor(*pos);
                let base = self.resolve(name, *pos)?;
                self.path(&base, idents);
            }
            Arg::Identifier(pos, name) => {
                self.call(*pos, name, &[], &[])?;
            }
            Arg::Pipe(pipe) => {
                if !pipe.decl.is_empty() {
                    let message = "a declaration inside parentheses cannot be translated; declare the variable in an action of its own before".to_string();
                    return Err(Error { pos: pipe.pos, message });
                }
                // A call is already one term; anything else is parenthesised.
                let atomic = pipe.cmds.len() == 1 && matches!(pipe.cmds[0].args[0], Arg::Identifier(..));
                if !atomic {
                    self.push("(");
                }
                self.pipe_value(pipe)?;
                if !atomic {
                    self.push(")");
                }
            }
            Arg::Chain(pos, term, fields) => {
                self.anchor(*pos);
                self.push("_field(_0=");
                let depth = std::mem::take(&mut self.list_depth);
                self.arg(term)?;
                self.list_depth = depth;
                for (i, field) in fields.iter().enumerate() {
                    self.push(&format!(", _{}=", i + 1));
                    self.string(field);
                }
                self.push(")");
            }
        }
        Ok(())
    }

    /// `base.a.b`, with `["key"]` for keys Tera cannot write after a dot.
    fn path(&mut self, base: &str, idents: &[String]) {
        self.push(base);
        for ident in idents {
            if is_tera_ident(ident) {
                self.push(".");
                self.push(ident);
            } else {
                self.push("[");
                self.string(ident);
                self.push("]");
            }
        }
    }

    /// A Tera string literal on one line.
    fn string(&mut self, s: &str) {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
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
        self.push(&out);
    }
}

/// The `open` span of an `if`/`with` link.
fn branch_open(node: &Node) -> Span {
    match node {
        Node::If(b) | Node::With(b) => b.open,
        _ => unreachable!("only if and with chain"),
    }
}

fn describe(arg: &Arg) -> &'static str {
    match arg {
        Arg::Dot(_) => "dot",
        Arg::Nil(_) => "nil",
        Arg::Bool(..) => "a boolean",
        Arg::Number(..) => "a number",
        Arg::String(..) => "a string",
        _ => "a value",
    }
}

/// Methods of Helm's objects that take no argument (`(.Files.Glob "x").AsConfig`): a
/// field of that name is a call.
const NILADIC_METHODS: &[&str] = &["AsConfig", "AsSecrets"];

/// Sprig functions that change the map they are given (Go maps are shared): the
/// translation stores the changed map back where it came from.
const MUTATORS: &[&str] = &["set", "unset", "merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite"];

/// Whether Tera reads `name` as an attribute after a dot.
fn is_tera_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(name, "true" | "True" | "false" | "False")
}

/// A number as a Tera literal: integers as they are, floats with a decimal point and no
/// exponent (Tera reads no exponent).
fn number(n: Number) -> String {
    match n {
        Number::Int(i) => i.to_string(),
        Number::Uint(u) => u.to_string(),
        Number::Float(f) => {
            let text = format!("{f}");
            if text.contains('.') { text } else { format!("{text}.0") }
        }
    }
}

#[cfg(test)]
mod tests;
