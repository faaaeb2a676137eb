//! The control structures of a Go template in Tera: `if`/`with` chains, `range`,
//! `define`, and the `set`/`merge` family's in-place changes and variable declarations.

use super::*;

impl Gen {
    /// For `{{ $_ := set $d "k" v }}` and kin (a pipeline of one call of a function that
    /// changes its first argument, a map reached from a variable or the dot): the Tera
    /// variable holding that map and the path from it.
    pub(super) fn mutation_target(&self, pipe: &Pipe) -> Result<Option<(String, Vec<String>)>> {
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
    pub(super) fn mutation(
        &mut self,
        span: Span,
        pipe: &Pipe,
        (base, path): (String, Vec<String>),
    ) -> Result<()> {
        self.open("{%", span.start);
        let result = match pipe.decl.is_empty() {
            true => self.fresh("m", ""),
            false => self.declare(pipe)?,
        };
        let keyword =
            |name: &str, loops: &[String]| if loops.iter().any(|l| l == name) { "set" } else { "set_global" };
        self.assigns(&result);
        self.assigns(&base);
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
    pub(super) fn declare(&mut self, pipe: &Pipe) -> Result<String> {
        let var = &pipe.decl[0];
        if pipe.is_assign {
            return self.resolve(&var.name, var.pos);
        }
        let name = self.fresh("v", &var.name[1..]);
        self.vars.push((var.name.clone(), name.clone()));
        Ok(name)
    }

    pub(super) fn if_chain(&mut self, branch: &Branch, ends: usize) -> Result<()> {
        let mark = self.vars.len();
        self.condition(branch, "if")?;
        self.body(&branch.list)?;
        self.chain_rest(branch, ends + 1)?;
        self.vars.truncate(mark);
        Ok(())
    }

    /// What follows an `if` or `elif` link: its own else, or the next link.
    pub(super) fn chain_rest(&mut self, link: &Branch, ends: usize) -> Result<()> {
        match &link.otherwise {
            None => self.ends(link.close, ends, "endif"),
            Some(Else::List { span, list }) => {
                self.tag("else", *span);
                self.body(list)?;
                self.ends(link.close, ends, "endif");
            }
            Some(Else::Chain(next)) => match next.as_ref() {
                Node::If(after) if after.pipe.decl.is_empty() => {
                    self.open("{%", after.open.start);
                    self.push("elif ");
                    self.pipe_value(&after.pipe)?;
                    self.close("%}", after.open.end);
                    let mark = self.vars.len();
                    self.body(&after.list)?;
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
    pub(super) fn chained(&mut self, node: &Node, ends: usize) -> Result<()> {
        match node {
            Node::If(branch) => self.if_chain(branch, ends),
            Node::With(branch) => self.with_chain(branch, ends),
            _ => unreachable!("only if and with chain"),
        }
    }

    /// `{% set_global v = … %}{% if v %}` or `{% if … %}`; returns the tested name.
    pub(super) fn condition(&mut self, branch: &Branch, keyword: &str) -> Result<Option<String>> {
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
        self.assigns(&name);
        self.open("{%", open.start);
        self.push(&format!("set_global {name} = "));
        self.pipe_value(&branch.pipe)?;
        self.push(" %}{% if ");
        self.push(&name);
        self.close("%}", open.end);
        Ok(Some(name))
    }

    /// `ends` closing tags in the span of one `{{ end }}`.
    pub(super) fn ends(&mut self, span: Span, ends: usize, word: &str) {
        self.open("{%", span.start);
        for i in 0..ends {
            if i > 0 {
                self.push(" %}{% ");
            }
            self.push(word);
        }
        self.close("%}", span.end);
    }

    pub(super) fn with_chain(&mut self, branch: &Branch, ends: usize) -> Result<()> {
        let mark = self.vars.len();
        let name = self.condition(branch, "with")?.unwrap_or_default();
        let outer = std::mem::replace(&mut self.dot, name);
        self.body(&branch.list)?;
        self.dot = outer;
        let ends = ends + 1;
        match &branch.otherwise {
            None => self.ends(branch.close, ends, "endif"),
            Some(Else::List { span, list }) => {
                self.tag("else", *span);
                self.body(list)?;
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

    pub(super) fn range(&mut self, branch: &Branch) -> Result<()> {
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
                let target = self.resolve(&var.name, var.pos)?;
                self.assigns(&target);
                sets.push(format!("set_global {target} = {value}"));
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
            self.body(list)?;
        }
        self.ends(branch.close, 1, "endfor");
        self.vars.truncate(mark);
        Ok(())
    }

    pub(super) fn define(&mut self, define: &Define) -> Result<()> {
        let component = format!("{}{}", self.prefix, self.defines.len());
        self.defines.push(Defined {
            name: define.name.clone(),
            component: component.clone(),
            empty: crate::translate::ast::is_empty(&define.body),
        });
        self.tag(&format!("component {component}({DOT})"), define.open);
        let vars = std::mem::take(&mut self.vars);
        let dot = std::mem::replace(&mut self.dot, DOT.into());
        let root = std::mem::replace(&mut self.root, DOT.into());
        self.body(&define.body)?;
        self.vars = vars;
        self.dot = dot;
        self.root = root;
        self.tag(&format!("endcomponent {component}"), define.close);
        Ok(())
    }
}

/// The `open` span of an `if`/`with` link.
fn branch_open(node: &Node) -> Span {
    match node {
        Node::If(b) | Node::With(b) => b.open,
        _ => unreachable!("only if and with chain"),
    }
}

/// Sprig functions that change the map they are given (Go maps are shared): the
/// translation stores the changed map back where it came from.
const MUTATORS: &[&str] = &["set", "unset", "merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite"];
