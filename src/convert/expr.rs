//! Go operands and pipelines as Tera expressions: fields of the dot and of variables as
//! paths, literals in Tera's syntax, and each command of a pipeline as the filter or call
//! [`funcs`](super::funcs) gives for its function, the piped value as its subject.

use super::emit::{Dot, Emitter};
use super::funcs;
use crate::translate::ast::{Arg, Command, Number, Pipe};

/// A Tera expression and how tightly it binds, so that an operand is parenthesised only
/// where Tera would read it otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    pub text: String,
    pub prec: Prec,
}

/// Binding strength, loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prec {
    Or,
    And,
    Not,
    Compare,
    Concat,
    /// `x | f`: a filter chain, itself a subject for another filter.
    Filter,
    /// A path, a literal, a call or anything in brackets.
    Atom,
}

impl Expr {
    pub fn atom(text: impl Into<String>) -> Expr {
        Expr { text: text.into(), prec: Prec::Atom }
    }

    pub fn new(text: impl Into<String>, prec: Prec) -> Expr {
        Expr { text: text.into(), prec }
    }

    /// The text, bracketed unless it binds at least as tightly as `at`.
    pub fn at(&self, at: Prec) -> String {
        if self.prec >= at { self.text.clone() } else { format!("({})", self.text) }
    }

    /// `self | filter`
    pub fn filter(&self, filter: &str) -> Expr {
        Expr::new(format!("{} | {filter}", self.at(Prec::Filter)), Prec::Filter)
    }
}

/// A construct with no Tera counterpart the converter knows: what it is.
pub type Unknown = String;

/// The names a template's dot and `$` have in Tera, for the root context.
pub const CONTEXT: [&str; 5] = ["Values", "Chart", "Release", "Capabilities", "Template"];

/// The root context as a value: a map of its parts.
pub fn context_map() -> Expr {
    let parts: Vec<String> = CONTEXT.iter().map(|name| format!("\"{name}\": {name}")).collect();
    Expr::atom(format!("{{ {} }}", parts.join(", ")))
}

/// What a variable that holds `.Files` is bound to: never written out, its methods are.
pub const FILES: &str = "\u{2}Files";

/// A Tera string literal.
pub fn string(text: &str) -> Expr {
    Expr::atom(crate::translate::tera_string(text))
}

impl Emitter<'_> {
    /// A whole pipeline: each command's value is the last argument of the next.
    pub fn pipe(&mut self, pipe: &Pipe) -> Result<Expr, Unknown> {
        let mut value: Option<Expr> = None;
        for command in &pipe.cmds {
            value = Some(self.command(command, value)?);
        }
        value.ok_or_else(|| "an empty pipeline".to_string())
    }

    fn command(&mut self, command: &Command, piped: Option<Expr>) -> Result<Expr, Unknown> {
        match command.args.first() {
            Some(Arg::Identifier(_, name)) if name == "include" => {
                self.include(&command.args[1..], piped.is_some())
            }
            Some(Arg::Identifier(_, name)) => {
                let mut args = Vec::with_capacity(command.args.len());
                for arg in &command.args[1..] {
                    args.push(self.arg(arg)?);
                }
                args.extend(piped);
                self.call(name, &command.args[1..], args)
            }
            Some(first)
                if self.method_path(first).is_some() && (command.args.len() > 1 || piped.is_some()) =>
            {
                let path = self.method_path(first).expect("a method");
                let mut args = Vec::new();
                for arg in &command.args[1..] {
                    args.push(self.arg(arg)?);
                }
                args.extend(piped);
                self.method(&path, args)
            }
            Some(arg) if command.args.len() == 1 && piped.is_none() => self.arg(arg),
            _ => Err("a value given arguments".to_string()),
        }
    }

    /// Function `name` with its converted arguments (`raw`: as written, for those whose
    /// form matters, such as the dot given to `include`).
    fn call(&mut self, name: &str, raw: &[Arg], args: Vec<Expr>) -> Result<Expr, Unknown> {
        match name {
            "tpl" => self.tpl(raw, args),
            "nindent" if self.checksummed && args.len() == 2 => {
                Ok(args[1].filter(&format!("nindent(width={}, blank=true)", args[0].text)))
            }
            _ => funcs::call(name, args),
        }
    }

    /// `include "name" DOT` as a component call.
    fn include(&mut self, raw: &[Arg], piped: bool) -> Result<Expr, Unknown> {
        if let (Some(Arg::Pipe(name)), Some(dot), false) = (raw.first(), raw.get(1), piped)
            && let Some(file) = self.template_file(name)
            && self.is_root(dot)
        {
            return Ok(self.capture_file(&file));
        }
        let Some(Arg::String(_, name)) = raw.first() else {
            return Err("an include of a name computed at run time".to_string());
        };
        match (raw.get(1), raw.len(), piped) {
            (Some(dot), 2, false) => self.component_call(name, Some(dot)),
            _ => Err("an include with its dot given through a pipe or more arguments".to_string()),
        }
    }

    /// The file `(print $.Template.BasePath "/x.yaml")` names, under `templates/`.
    fn template_file(&self, name: &Pipe) -> Option<String> {
        let [command] = name.cmds.as_slice() else { return None };
        let [Arg::Identifier(_, f), base, Arg::String(_, rest)] = command.args.as_slice() else {
            return None;
        };
        let base_path = |path: &[String]| path == ["Template", "BasePath"];
        let is_base = match base {
            Arg::Field(_, path) => {
                matches!(self.dot(), Dot::Root) && self.root_is_context() && base_path(path)
            }
            Arg::Variable(_, v, path) => v == "$" && self.root_is_context() && base_path(path),
            _ => false,
        };
        (f == "print" && is_base && rest.starts_with('/')).then(|| rest[1..].to_string())
    }

    /// A rendered file as a string: set before the tag that uses it.
    fn capture_file(&mut self, file: &str) -> Expr {
        let stem = file.rsplit('/').next().unwrap_or(file).split('.').next().unwrap_or("rendered");
        let name = self.fresh(stem);
        self.bind_expr("", Expr::atom(name.clone()));
        let include = string(file).text;
        self.preludes.push(format!("set {name} %}}{{% include {include} %}}{{% endset"));
        Expr::atom(name)
    }

    /// `tpl TEXT DOT`: rudder's `tpl` renders with the template's own context.
    fn tpl(&mut self, raw: &[Arg], args: Vec<Expr>) -> Result<Expr, Unknown> {
        let root = raw.get(1).is_some_and(|arg| self.is_root(arg));
        self.uses_tpl = true;
        match (args.as_slice(), root) {
            ([text, _], true) => Ok(Expr::atom(format!("tpl(template={})", text.text))),
            ([text, context], false) => {
                Ok(Expr::atom(format!("tpl(template={}, context={})", text.text, context.text)))
            }
            _ => Err(format!("tpl with {} arguments", args.len())),
        }
    }

    /// Whether `arg` is the root context: the dot where it is the root, or `$`.
    pub fn is_root(&self, arg: &Arg) -> bool {
        match arg {
            Arg::Dot(_) => matches!(self.dot(), Dot::Root),
            Arg::Variable(_, name, fields) => name == "$" && fields.is_empty() && self.root_is_context(),
            _ => false,
        }
    }

    /// An operand.
    pub fn arg(&mut self, arg: &Arg) -> Result<Expr, Unknown> {
        match arg {
            Arg::Dot(_) => Ok(self.dot_value()),
            Arg::Nil(_) => Ok(Expr::atom("none")),
            Arg::Bool(_, b) => Ok(Expr::atom(b.to_string())),
            Arg::Number(_, n) => Ok(Expr::atom(number(*n))),
            Arg::String(_, text) => Ok(string(text)),
            Arg::Field(_, path) => self.field(path),
            Arg::Variable(_, name, fields) => self.variable(name, fields),
            Arg::Identifier(_, name) => self.call(name, &[], Vec::new()),
            Arg::Pipe(pipe) => {
                let expr = self.pipe(pipe)?;
                Ok(Expr::atom(expr.at(Prec::Atom)))
            }
            Arg::Chain(_, inner, fields) => {
                if let (Arg::Pipe(pipe), [field]) = (inner.as_ref(), fields.as_slice())
                    && let Some(expr) = self.files_chain(pipe, field)?
                {
                    return Ok(expr);
                }
                // Go reads a field of nothing as nothing after brackets: `(.a.b).c`.
                let base = self.arg(inner)?;
                Ok(optional_path(base, fields))
            }
        }
    }

    /// `.a.b` of the current dot.
    fn field(&mut self, path: &[String]) -> Result<Expr, Unknown> {
        match self.dot().clone() {
            Dot::Root => self.context_path(path),
            Dot::Value(expr) => Ok(path_of(expr, path)),
        }
    }

    /// `.Values.x` and the like, read from the root context.
    pub fn context_path(&mut self, path: &[String]) -> Result<Expr, Unknown> {
        let Some(first) = path.first() else { return Ok(context_map()) };
        // Helm's context is a map of these and `Files`, `Subcharts`: any other key is nil.
        if path.len() == 1
            && !CONTEXT.contains(&first.as_str())
            && !["Files", "Subcharts"].contains(&first.as_str())
        {
            return Ok(Expr::atom("none"));
        }
        if !CONTEXT.contains(&first.as_str()) {
            return Err(format!("`.{}` of the context", path.join(".")));
        }
        self.note_context(first);
        Ok(Expr::atom(path.join(".")))
    }

    /// `$x.a.b`, `$.a.b`
    fn variable(&mut self, name: &str, fields: &[String]) -> Result<Expr, Unknown> {
        if name == "$" {
            if self.root_is_context() {
                return self.context_path(fields);
            }
            let base = Expr::atom(super::emit::DOT_PARAM);
            return Ok(path_of(base, fields));
        }
        let base = self.lookup(name).ok_or_else(|| format!("variable {name} is not declared"))?;
        if base.text == FILES {
            return Err(format!("{name}, the chart's files, used as a value"));
        }
        Ok(path_of(base, fields))
    }
}

/// `base.a.b`; Tera reads fields only after a name, a field or a subscript, so the fields
/// of anything else (a call, a filter) are read with `get`.
pub fn path_of(base: Expr, fields: &[String]) -> Expr {
    if fields.is_empty() {
        return base;
    }
    if is_plain_path(&base.text) {
        return Expr::atom(format!("{}.{}", base.text, fields.join(".")));
    }
    fields.iter().fold(base, |acc, field| acc.filter(&format!("get(key={})", string(field).text)))
}

/// `base?.a?.b`: fields that may be missing, read as Go reads the fields of a value in
/// brackets (nothing where the value is nothing).
fn optional_path(base: Expr, fields: &[String]) -> Expr {
    if is_plain_path(&base.text) {
        let mut text = base.text;
        for field in fields {
            text.push_str("?.");
            text.push_str(field);
        }
        return Expr::atom(text);
    }
    fields
        .iter()
        .fold(base, |acc, field| acc.filter(&format!("get(key={}, default=none)", string(field).text)))
}

/// A name followed by fields and subscripts: `a.b["c"].d`.
pub fn is_plain_path(text: &str) -> bool {
    let mut depth = 0usize;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '?' => {}
            _ => return false,
        }
        if i == 0 && !(c.is_ascii_alphabetic() || c == '_') {
            return false;
        }
    }
    !text.is_empty()
}

impl Emitter<'_> {
    /// `$files := .Files`: the variable's name.
    pub(super) fn files_alias(&self, pipe: &Pipe) -> Option<String> {
        let ([variable], [command], false) = (pipe.decl.as_slice(), pipe.cmds.as_slice(), pipe.is_assign)
        else {
            return None;
        };
        let files = match command.args.as_slice() {
            [Arg::Field(_, path)] => {
                matches!(self.dot(), Dot::Root) && self.root_is_context() && path == &["Files"]
            }
            [Arg::Variable(_, name, path)] => name == "$" && self.root_is_context() && path == &["Files"],
            _ => false,
        };
        files.then(|| variable.name.clone())
    }

    /// The path of a method of the context this converter knows: `.Files.Get`,
    /// `.Capabilities.APIVersions.Has`.
    fn method_path(&self, arg: &Arg) -> Option<Vec<String>> {
        let aliased;
        let path = match arg {
            Arg::Field(_, path) if matches!(self.dot(), Dot::Root) && self.root_is_context() => path,
            Arg::Variable(_, name, path) if name == "$" && self.root_is_context() => path,
            Arg::Variable(_, name, path) if self.lookup(name).is_some_and(|e| e.text == FILES) => {
                aliased = [vec!["Files".to_string()], path.clone()].concat();
                &aliased
            }
            _ => return None,
        };
        let known = matches!(path.as_slice(), [files, m] if files == "Files" && ["Get", "Glob", "Lines"].contains(&m.as_str()))
            || matches!(path.as_slice(), [c, a, h] if c == "Capabilities" && a == "APIVersions" && h == "Has");
        known.then(|| path.clone())
    }

    fn method(&mut self, path: &[String], args: Vec<Expr>) -> Result<Expr, Unknown> {
        let [arg] = args.as_slice() else {
            return Err(format!(".{} with {} arguments", path.join("."), args.len()));
        };
        Ok(match path[path.len() - 1].as_str() {
            "Get" => Expr::atom(format!("file(path={})", arg.text)),
            "Glob" => Expr::atom(format!("files(glob={})", arg.text)),
            "Lines" => Expr::atom(format!("file_lines(path={})", arg.text)),
            _ => {
                self.note_context("Capabilities");
                Expr::new(format!("{} in Capabilities.APIVersions", arg.at(Prec::Concat)), Prec::Compare)
            }
        })
    }

    /// `(.Files.Glob "x").AsConfig` and `.AsSecrets`.
    fn files_chain(&mut self, pipe: &Pipe, field: &str) -> Result<Option<Expr>, Unknown> {
        let filter = match field {
            "AsConfig" => "as_config",
            "AsSecrets" => "as_secrets",
            _ => return Ok(None),
        };
        let files = self.pipe(pipe)?;
        Ok(files.text.starts_with("files(").then(|| files.filter(filter)))
    }
}

/// A Go numeric constant as Tera writes it.
fn number(n: Number) -> String {
    match n {
        Number::Int(i) => i.to_string(),
        Number::Uint(u) => u.to_string(),
        Number::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.1}"),
        Number::Float(f) => f.to_string(),
    }
}
