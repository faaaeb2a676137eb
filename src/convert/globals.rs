//! Which variables a deeper range assigns. Go's `$x = …` changes the variable where it
//! was declared; Tera's `set` inside a loop binds a name local to that loop, and
//! `set_global` reaches the outermost frame only. A variable declared inside one range
//! and assigned inside a range nested in it is therefore declared with `set_global`
//! (its name is unique in scope, so nothing else is overwritten).

use crate::translate::ast::{Branch, Else, List, Node, Pipe};
use std::collections::HashSet;

/// The positions of the declarations (`$x :=`) that a range nested deeper assigns.
pub fn assigned_from_deeper(list: &List) -> HashSet<usize> {
    let mut walk = Walk { scopes: vec![Vec::new()], loops: 0, found: HashSet::new() };
    walk.list(list);
    walk.found
}

struct Walk {
    /// Per scope: Go name, loop depth and position of each declaration.
    scopes: Vec<Vec<(String, usize, usize)>>,
    loops: usize,
    found: HashSet<usize>,
}

impl Walk {
    fn list(&mut self, list: &List) {
        for node in list {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Action { pipe, .. } => self.pipe(pipe),
            Node::If(branch) | Node::With(branch) => self.branch(branch, false),
            Node::Range(branch) => self.branch(branch, true),
            Node::Define(define) | Node::Block { define, .. } => {
                let saved = (std::mem::replace(&mut self.scopes, vec![Vec::new()]), self.loops);
                self.loops = 0;
                self.list(&define.body);
                (self.scopes, self.loops) = saved;
            }
            Node::Text { .. }
            | Node::Comment { .. }
            | Node::Template { .. }
            | Node::Break(_)
            | Node::Continue(_) => {}
        }
    }

    fn branch(&mut self, branch: &Branch, range: bool) {
        self.scopes.push(Vec::new());
        self.loops += usize::from(range);
        if range {
            // The range's own variables are bound anew on each pass.
            for variable in &branch.pipe.decl {
                self.scopes.last_mut().expect("a scope").push((
                    variable.name.clone(),
                    self.loops,
                    variable.pos,
                ));
            }
        } else {
            self.pipe(&branch.pipe);
        }
        self.scopes.push(Vec::new());
        self.list(&branch.list);
        self.scopes.pop();
        self.loops -= usize::from(range);
        self.scopes.pop();
        match &branch.otherwise {
            Some(Else::List { list, .. }) => {
                self.scopes.push(Vec::new());
                self.list(list);
                self.scopes.pop();
            }
            Some(Else::Chain(node)) => self.node(node),
            None => {}
        }
    }

    fn pipe(&mut self, pipe: &Pipe) {
        for variable in &pipe.decl {
            if !pipe.is_assign {
                self.scopes.last_mut().expect("a scope").push((
                    variable.name.clone(),
                    self.loops,
                    variable.pos,
                ));
                continue;
            }
            let declared =
                self.scopes.iter().rev().flat_map(|scope| scope.iter().rev()).find(|v| v.0 == variable.name);
            if let Some(&(_, loops, pos)) = declared
                && loops > 0
                && loops < self.loops
            {
                self.found.insert(pos);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_declarations_a_nested_range_assigns() {
        let src = r#"{{ $top := 1 }}{{ range .a }}{{ $x := "" }}{{ $y := 0 }}{{ range .b }}{{ $x = . }}{{ $top = 2 }}{{ end }}{{ $y = 1 }}{{ end }}"#;
        let tree = crate::translate::parse::parse(src).unwrap();
        let found = super::assigned_from_deeper(&tree.root);
        assert_eq!(found, [src.find("$x :=").unwrap()].into_iter().collect());
    }
}
