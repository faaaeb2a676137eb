//! Long branch bodies moved out of line: a chart's templates are mostly branches that its
//! values leave off (a feature disabled, a CRD not asked for), and compiling Tera costs
//! more than translating or rendering. A long body becomes a chunk of its own, compiled
//! the first time it runs: `{{ _defer(_0="prefix", _1=n, v=v…) }}` renders chunk `n` of
//! the file with the variables the body reads, and the variables it assigns that live
//! outside it are taken back after the call (`_deferred`).
//!
//! A chunk has a [`SourceMap`] of its own, the body's anchors moved to where the chunk
//! puts them.

use super::*;

/// Bodies whose Tera text is this long or longer are moved out of line (when lifting).
pub const DEFER_BYTES: usize = 1024;

/// Bodies nested deeper than this stay in line: each chunk nests a render on the stack.
/// The features a chart's values switch off sit in the outer branches.
pub const DEFER_DEPTH: usize = 3;

impl Gen {
    /// The statements of a branch body: a long one outside any loop becomes a chunk.
    pub(super) fn body(&mut self, list: &List) -> Result<()> {
        if !self.lift || !self.loop_vars.is_empty() || self.bodies >= DEFER_DEPTH {
            return self.list(list);
        }
        let (start, line, col) = (self.out.len(), self.line, self.col);
        let (made, assigned, anchored) = (self.made.len(), self.assigned.len(), self.anchors.len());
        let (defines, in_scope) = (self.defines.len(), self.vars.len());
        self.bodies += 1;
        let listed = self.list(list);
        self.bodies -= 1;
        listed?;
        // A `block` inside defines a component that other files include by name: it must
        // stay in the file's instance.
        if self.out.len() - start < DEFER_BYTES || self.defines.len() > defines {
            return Ok(());
        }
        let mut chunk = self.out.split_off(start);
        let made_inside = &self.made[made..];
        let mut escaped: Vec<String> = Vec::new();
        for name in &self.assigned[assigned..] {
            if !made_inside.contains(name) && !escaped.contains(name) {
                escaped.push(name.clone());
            }
        }
        let visible = self.visible(in_scope);
        let reads: Vec<&String> = visible.iter().filter(|name| mentions(&chunk, name)).collect();
        if !escaped.is_empty() {
            let exports: Vec<String> = escaped.iter().map(|name| format!("{name}={name}")).collect();
            chunk.push_str(&format!("{{{{ _export({}) }}}}", exports.join(", ")));
        }
        // The body's anchors, moved to the chunk's own positions (it starts at 1:0).
        let mut anchors: Vec<(u32, u32, u32)> = self.anchors.split_off(anchored);
        for (l, c, _) in &mut anchors {
            if *l as usize == line {
                *c -= col as u32;
            }
            *l -= line as u32 - 1;
        }
        anchors.sort_unstable();
        let mut call = format!("{{{{ _defer(_0=\"{}\", _1={}", self.prefix, self.chunks.len());
        for name in reads {
            call.push_str(&format!(", {name}={name}"));
        }
        call.push_str(") }}");
        for name in &escaped {
            call.push_str(&format!("{{% set_global {name} = _deferred(_0=\"{name}\") %}}"));
        }
        self.chunks.push((chunk, SourceMap { anchors }));
        self.line = line;
        self.col = col;
        self.push(&call);
        Ok(())
    }

    /// The Tera names a body may read: the dot, `$` and the first `in_scope` variables
    /// (those declared before it).
    fn visible(&self, in_scope: usize) -> Vec<String> {
        let mut names = vec![self.root.clone()];
        for name in std::iter::once(&self.dot).chain(self.vars[..in_scope].iter().map(|(_, tera)| tera)) {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }
}

/// Whether Tera text `text` mentions identifier `name` (not as part of a longer one).
fn mentions(text: &str, name: &str) -> bool {
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let bytes = text.as_bytes();
    text.match_indices(name).any(|(at, _)| {
        let end = at + name.len();
        (at == 0 || !ident(bytes[at - 1])) && (end == bytes.len() || !ident(bytes[end]))
    })
}
