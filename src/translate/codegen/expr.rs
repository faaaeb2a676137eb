//! Go pipelines in Tera: commands, function calls with their arguments turned Tera's
//! way, `dict`, comparisons, methods, fields and literals, and the include calls that take
//! back what an included template changed.

use super::*;

impl Gen {
    /// Notes a variable an include is given, to take its changes back after the tag.
    pub(super) fn note_place(&mut self, arg: &Arg) -> Result<()> {
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
    pub(super) fn take_back(&mut self) {
        for place in std::mem::take(&mut self.synced) {
            self.assigns(&place);
            let keyword = if self.loop_vars.contains(&place) { "set" } else { "set_global" };
            let report = if place == DOT || place == ROOT { ", _1=true" } else { "" };
            self.push(&format!("{{% {keyword} {place} = _sync(_0={place}{report}) %}}"));
        }
    }

    /// `include(_0="name", _1=dot)` for `{{ template "name" pipe }}`.
    pub(super) fn include_call(&mut self, name: &str, pipe: Option<&Pipe>, pos: usize) -> Result<()> {
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
    pub(super) fn pipe_value(&mut self, pipe: &Pipe) -> Result<bool> {
        self.commands(&pipe.cmds)
    }

    /// The value of `cmds`: the last command with the value of the others as its last
    /// argument. True if it is always a string.
    pub(super) fn commands(&mut self, cmds: &[Command]) -> Result<bool> {
        let (last, before) = cmds.split_last().expect("a pipeline has a command");
        self.command(last, before)
    }

    pub(super) fn command(&mut self, cmd: &Command, piped: &[Command]) -> Result<bool> {
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
    pub(super) fn call(&mut self, pos: usize, name: &str, args: &[Arg], piped: &[Command]) -> Result<bool> {
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
    pub(super) fn dict(&mut self, args: &[Arg], piped: &[Command]) -> Result<()> {
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
    pub(super) fn operands(
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
    pub(super) fn method(&mut self, operand: &Arg, args: &[Arg], piped: &[Command]) -> Result<bool> {
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

    pub(super) fn arg(&mut self, arg: &Arg) -> Result<()> {
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
    pub(super) fn path(&mut self, base: &str, idents: &[String]) {
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
    pub(super) fn string(&mut self, s: &str) {
        self.push(&crate::translate::tera_string(s));
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
