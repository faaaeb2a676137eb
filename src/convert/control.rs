//! Go's control structures as Tera's: `if`/`else if` as `if`/`elif`, `with` as an `if`
//! on the value (named where it is more than a path), `range` as `for` (a map's keys in
//! Go's sorted order), `define` as a component and `include` as its call.

use super::emit::{CHANGES_IN_PLACE, DOT_PARAM, Dot, Emitter, PARAMS, Tag};
use super::expr::{Expr, Prec, Unknown, context_map};
use super::names::Class;
use crate::translate::ast::{Arg, Branch, Define, Else, Node, Pipe};

/// What a `range` walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    List,
    Map,
}

impl Emitter<'_> {
    /// `if` (or, `chained`, the `elif` of an `else if`); returns how many more `endif`s
    /// the chain's end must write (one per `else with` in it).
    pub(super) fn if_chain(&mut self, branch: &Branch, chained: bool) -> usize {
        let tag = self.tag(branch.open);
        let keyword = if chained { "elif" } else { "if" };
        let cond = self.condition(&branch.pipe);
        self.open_or_mark(tag, cond.map(|c| format!("{keyword} {}", c.text)), keyword);
        self.push_scope(None);
        self.list(&branch.list);
        self.pop_scope();
        let extra = self.otherwise(&branch.otherwise);
        if !chained {
            self.end(branch, "endif", extra);
        }
        extra
    }

    /// `with`: the body sees the value as its dot; returns as [`Self::if_chain`] does.
    pub(super) fn with(&mut self, branch: &Branch, chained: bool) -> usize {
        let tag = self.tag(branch.open);
        let lead = if chained { "else %}{% " } else { "" };
        self.push_scope(None);
        let head = self.with_head(&branch.pipe);
        let dot = head.as_ref().map(|(_, dot)| dot.clone()).unwrap_or(Dot::Root);
        self.open_or_mark(tag, head.map(|(text, _)| format!("{lead}{text}")), "if");
        self.push_scope(Some(dot));
        self.list(&branch.list);
        self.pop_scope();
        self.pop_scope();
        let extra = self.otherwise(&branch.otherwise) + usize::from(chained);
        if !chained {
            self.end(branch, "endif", extra);
        }
        extra
    }

    /// A `with`'s test and the dot of its body: the path itself where the value is one,
    /// else a name set first.
    fn with_head(&mut self, pipe: &Pipe) -> Result<(String, Dot), Unknown> {
        let value = self.pipe_value(pipe)?;
        if let [variable] = pipe.decl.as_slice() {
            let (name, _) = self.bind(&variable.name);
            return Ok((
                format!("set {name} = {} %}}{{% if {name}", value.text),
                Dot::Value(Expr::atom(name)),
            ));
        }
        if is_path(pipe) {
            return Ok((format!("if {}", value.text), Dot::Value(value)));
        }
        let name = self.fresh(&last_field(pipe).unwrap_or_else(|| "value".to_string()));
        self.bind_expr("", Expr::atom(name.clone()));
        Ok((format!("set {name} = {} %}}{{% if {name}", value.text), Dot::Value(Expr::atom(name))))
    }

    /// `range` as `for`.
    pub(super) fn range(&mut self, branch: &Branch) {
        let tag = self.tag(branch.open);
        self.push_scope(None);
        self.loops += 1;
        let head = self.range_head(&branch.pipe, &branch.list);
        let dot = head.as_ref().map(|(_, dot)| dot.clone()).unwrap_or(Dot::Root);
        if head.is_err() {
            self.bind_expr("", Expr::atom("item"));
        }
        self.open_or_mark(tag, head.map(|(text, _)| text), "for item in []");
        self.push_scope(Some(dot));
        self.list(&branch.list);
        self.pop_scope();
        self.loops -= 1;
        self.pop_scope();
        self.otherwise(&branch.otherwise);
        self.end(branch, "endfor", 0);
    }

    fn range_head(&mut self, pipe: &Pipe, body: &[Node]) -> Result<(String, Dot), Unknown> {
        if pipe.is_assign {
            return Err("a range that assigns variables declared before it".to_string());
        }
        let target = self.pipe_value(pipe)?;
        // Go 1.22 ranges over an integer: 0 to n-1.
        let target = match pipe.cmds.as_slice() {
            [command] if matches!(command.args.as_slice(), [Arg::Number(..)]) => {
                Expr::atom(format!("range(end={})", target.text))
            }
            _ => target,
        };
        let walk = self.walk(pipe);
        // Go ranges zero times over a value a values file unset (`x: null`); Tera's `for`
        // stops at an undefined value.
        let from_values = super::expr::is_plain_path(&target.text)
            && (target.text.starts_with("Values.") || target.text.contains(".Values."));
        let walked = match (from_values, &walk) {
            (true, Walk::Map) => target.filter("default(value={})"),
            (true, Walk::List) => target.filter("default(value=[])"),
            (false, _) => target.clone(),
        };
        let (index, element) = match pipe.decl.as_slice() {
            [] => (None, None),
            [element] => (None, Some(element.name.as_str())),
            [index, element] => (Some(index.name.as_str()), Some(element.name.as_str())),
            _ => return Err("a range with three variables".to_string()),
        };
        match walk {
            Walk::List => {
                let name = match element {
                    Some(go) => self.bind(go).0,
                    None => {
                        let name = self.fresh(&singular(last_field(pipe).as_deref()));
                        self.bind_expr("", Expr::atom(name.clone()));
                        name
                    }
                };
                if let Some(index) = index {
                    self.bind_expr(index, Expr::atom("loop.index0"));
                }
                Ok((format!("for {name} in {}", walked.text), Dot::Value(Expr::atom(name))))
            }
            Walk::Map => {
                let key = match index {
                    Some(go) => self.bind(go).0,
                    None => {
                        let name = self.fresh("key");
                        self.bind_expr("", Expr::atom(name.clone()));
                        name
                    }
                };
                let value = Expr::atom(format!("{}[{key}]", target.at(Prec::Atom)));
                // The value of a pass reads the map itself: there is none when it is unset.
                let head = format!("for {key} in {} | keys | sort", walked.at(Prec::Filter));
                match element {
                    // Go changes the map in place; Tera changes a variable of the pass.
                    Some(element) if changes_in_place(body, element) => {
                        let name = self.bind(element).0;
                        Ok((
                            format!("{head} %}}{{% set {name} = {}", value.text),
                            Dot::Value(Expr::atom(name)),
                        ))
                    }
                    Some(element) => {
                        self.bind_expr(element, value.clone());
                        Ok((head, Dot::Value(value)))
                    }
                    None => Ok((head, Dot::Value(value))),
                }
            }
        }
    }

    /// Whether a range walks a list or a map: the type of the default in values.yaml for
    /// a value, what a function returns, else a map when it declares a key and a value.
    fn walk(&self, pipe: &Pipe) -> Walk {
        let [command] = pipe.cmds.as_slice() else {
            return self.walk_of_last(pipe);
        };
        match command.args.as_slice() {
            [Arg::Field(_, path)] if matches!(self.dot(), Dot::Root) => self.walk_of_value(path, pipe),
            [Arg::Variable(_, name, path)] if name == "$" => self.walk_of_value(path, pipe),
            // `index .Values "grafana.ini"`: a value by its keys.
            [Arg::Identifier(_, index), base, keys @ ..]
                if index == "index" && keys.iter().all(|k| matches!(k, Arg::String(..))) =>
            {
                let mut path = match base {
                    Arg::Field(_, path) if matches!(self.dot(), Dot::Root) => path.clone(),
                    Arg::Variable(_, name, path) if name == "$" => path.clone(),
                    _ => return self.walk_of_last(pipe),
                };
                path.extend(keys.iter().filter_map(|k| match k {
                    Arg::String(_, key) => Some(key.clone()),
                    _ => None,
                }));
                self.walk_of_value(&path, pipe)
            }
            _ => self.walk_of_last(pipe),
        }
    }

    fn walk_of_value(&self, path: &[String], pipe: &Pipe) -> Walk {
        if path.first().is_some_and(|f| f == "Values") {
            let mut value: Option<&serde_yaml::Value> = None;
            let mut map = Some(self.values);
            for key in &path[1..] {
                value = map.and_then(|m| m.get(key.as_str()));
                map = value.and_then(|v| v.as_mapping());
            }
            match value {
                Some(serde_yaml::Value::Mapping(_)) => return Walk::Map,
                Some(serde_yaml::Value::Sequence(_)) => return Walk::List,
                _ => {}
            }
        }
        self.walk_of_last(pipe)
    }

    fn walk_of_last(&self, pipe: &Pipe) -> Walk {
        let function = pipe.cmds.last().and_then(|c| match c.args.first() {
            Some(Arg::Identifier(_, name)) => Some(name.as_str()),
            _ => None,
        });
        match function {
            Some("dict" | "fromYaml" | "fromJson" | "pick" | "omit" | "merge" | "mergeOverwrite") => {
                Walk::Map
            }
            Some(
                "list" | "tuple" | "until" | "untilStep" | "seq" | "splitList" | "split" | "keys"
                | "sortAlpha" | "uniq" | "compact" | "append" | "prepend" | "without" | "concat" | "reverse"
                | "fromYamlArray" | "fromJsonArray" | "regexFindAll" | "initial" | "rest",
            ) => Walk::List,
            // The names a chart gives the two variables tell: `$i, $x` walk a list.
            _ if pipe.decl.len() == 2 => {
                let first = pipe.decl[0].name.trim_start_matches('$');
                if ["i", "idx", "index", "n", "_"].contains(&first) { Walk::List } else { Walk::Map }
            }
            _ => Walk::List,
        }
    }

    /// The value of a pipeline that may declare variables (declared by the caller).
    fn pipe_value(&mut self, pipe: &Pipe) -> Result<Expr, Unknown> {
        let bare = Pipe { decl: Vec::new(), ..pipe.clone() };
        self.pipe(&bare)
    }

    fn condition(&mut self, pipe: &Pipe) -> Result<Expr, Unknown> {
        if !pipe.decl.is_empty() {
            return Err("an if that declares a variable".to_string());
        }
        self.pipe(pipe)
    }

    /// Writes the opening tag, or a marker and `fallback` (so the body still compiles).
    fn open_or_mark(&mut self, tag: Tag, head: Result<String, Unknown>, fallback: &str) {
        match head {
            Ok(head) => self.write_tag(tag, "{%", &head, "%}"),
            Err(what) => {
                let fallback = if fallback == "for item in []" {
                    fallback.to_string()
                } else {
                    format!("{fallback} false")
                };
                self.marker(Tag { right: false, ..tag }, &what);
                self.out.push_str(&format!("{{% {fallback} {}%}}", if tag.right { "-" } else { "" }));
            }
        }
    }

    /// `else`, `else if`, `else with`; returns the extra `endif`s of the chain.
    fn otherwise(&mut self, otherwise: &Option<Else>) -> usize {
        match otherwise {
            None => 0,
            Some(Else::List { span, list }) => {
                self.statement(*span, "else");
                self.push_scope(None);
                self.list(list);
                self.pop_scope();
                0
            }
            Some(Else::Chain(node)) => match node.as_ref() {
                Node::If(branch) => self.if_chain(branch, true),
                Node::With(branch) => self.with(branch, true),
                _ => 0,
            },
        }
    }

    /// The end of a branch: `keyword`, then `extra` `endif`s.
    fn end(&mut self, branch: &Branch, keyword: &str, extra: usize) {
        let tag = self.tag(branch.close);
        let mut body = keyword.to_string();
        for _ in 0..extra {
            body.push_str(" %}{% endif");
        }
        self.write_tag(tag, "{%", &body, "%}");
    }

    /// `define` as a component; a define another file replaces stays as a comment.
    pub(super) fn define(&mut self, define: &Define) {
        let open = self.tag(define.open);
        let winner = self.components.get(&define.name).filter(|c| c.file == self.file);
        let Some(component) = winner.cloned() else {
            let close_end =
                self.src[define.close.start..define.close.end].trim_end().len() + define.close.start;
            let go = self.src[open.start..close_end].replace("#}", "# }");
            self.out.push_str(&format!(
                "{{# rudder convert: Helm uses another file's define of this name:\n{go} #}}"
            ));
            self.pos = close_end;
            return;
        };
        let saved = self.enter(&component.name, component.class);
        self.out.push_str(if open.left { "{#- " } else { "{# " });
        self.out.push_str(&format!("{} #}}", define.name.replace("#}", "# }")));
        let header = format!("component {}({PARAMS}{}{PARAMS})", component.name, component.name);
        self.write_tag(Tag { left: false, ..open }, "{%", &header, "%}");
        self.list(&define.body);
        let close = self.tag(define.close);
        self.write_tag(close, "{%", &format!("endcomponent {}", component.name), "%}");
        self.leave(saved);
    }

    /// A call of the component of define `name`, given `dot` (`None`: no dot).
    pub(super) fn component_call(&mut self, name: &str, dot: Option<&Arg>) -> Result<Expr, Unknown> {
        let component = self
            .components
            .get(name)
            .ok_or_else(|| format!("a call of \"{name}\", which no template of this chart defines"))?
            .clone();
        if let Some((current, _)) = &self.current {
            self.usage.entry(current.clone()).or_default().calls.insert(component.name.clone());
        }
        match component.class {
            Class::Context => Ok(Expr::atom(format!("<{} />", component.name))),
            Class::Value => {
                let value = match dot {
                    Some(arg) if self.is_root(arg) => {
                        super::expr::CONTEXT.iter().for_each(|part| self.note_context(part));
                        context_map()
                    }
                    Some(arg) => self.arg(arg)?,
                    None => Expr::atom("none"),
                };
                Ok(Expr::atom(format!("<{} {DOT_PARAM}={{ {} }} />", component.name, value.text)))
            }
        }
    }
}

/// Whether a pipeline is one operand that names a value: a field path or a variable.
fn is_path(pipe: &Pipe) -> bool {
    matches!(pipe.cmds.as_slice(), [command] if matches!(command.args.as_slice(),
        [Arg::Field(..) | Arg::Variable(..) | Arg::Dot(_)]))
}

/// The last field a pipeline's value is read from: `.Values.hosts` → `hosts`.
fn last_field(pipe: &Pipe) -> Option<String> {
    let command = pipe.cmds.last()?;
    match command.args.last()? {
        Arg::Field(_, path) | Arg::Variable(_, _, path) | Arg::Chain(_, _, path) => path.last().cloned(),
        _ => None,
    }
}

/// `hosts` → `host`, `entries` → `entry`; `item` where there is no plural.
fn singular(name: Option<&str>) -> String {
    match name {
        Some(n) if n.ends_with("ies") && n.len() > 4 => format!("{}y", &n[..n.len() - 3]),
        Some(n) if n.ends_with('s') && !n.ends_with("ss") && n.len() > 3 => n[..n.len() - 1].to_string(),
        _ => "item".to_string(),
    }
}

/// Whether `list` (outside its defines) changes the map variable `go` holds with one of
/// [`CHANGES_IN_PLACE`] (`set $v …`).
fn changes_in_place(list: &[Node], go: &str) -> bool {
    let changes = |pipe: &Pipe| {
        pipe.cmds.iter().any(|command| {
            matches!(command.args.as_slice(),
                [Arg::Identifier(_, f), Arg::Variable(_, v, fields), ..]
                    if v == go && fields.is_empty() && CHANGES_IN_PLACE.contains(&f.as_str()))
        })
    };
    let branch = |b: &Branch| {
        changes(&b.pipe)
            || changes_in_place(&b.list, go)
            || match &b.otherwise {
                Some(Else::List { list, .. }) => changes_in_place(list, go),
                Some(Else::Chain(node)) => changes_in_place(std::slice::from_ref(node.as_ref()), go),
                None => false,
            }
    };
    list.iter().any(|node| match node {
        Node::Action { pipe, .. } => changes(pipe),
        Node::If(b) | Node::With(b) | Node::Range(b) => branch(b),
        _ => false,
    })
}
