//! The include graph of a chart's templates, checked before Tera compiles them: how deep
//! includes nest (`include-depth`) and how many includes the templates expand in all
//! (`include-calls`, each template counted as a render would start it). Tera's own check
//! walks every chain from every template, which is cubic in a chain's length (10,000
//! partials each including the next took minutes), and 30 partials each including the
//! next twice expand 2^30 includes; both are refused here in one linear pass.
//!
//! Include names are read as Tera's lexer reads them: from `{% include "name" %}` tags
//! outside comments, `{% raw %}` blocks and strings, resolved as Tera resolves them (the
//! name, then each fallback prefix and the name).

use anyhow::{Result, bail};
use std::collections::HashMap;

/// Refuses `sources` (template name and text) whose includes nest deeper than
/// `include-depth` or expand more than `include-calls` in all.
pub fn check(sources: &[(String, &str)], prefixes: &[String]) -> Result<()> {
    let max_depth = crate::limits::INCLUDE_DEPTH.get();
    let max_calls = crate::limits::INCLUDE_CALLS.get();
    let index: HashMap<&str, usize> =
        sources.iter().enumerate().map(|(i, (name, _))| (name.as_str(), i)).collect();
    let resolve = |name: &str| {
        index
            .get(name)
            .copied()
            .or_else(|| prefixes.iter().find_map(|p| index.get(format!("{p}{name}").as_str()).copied()))
    };
    let edges: Vec<Vec<usize>> = sources
        .iter()
        .map(|(_, text)| names(text).iter().filter_map(|name| resolve(name)).collect())
        .collect();
    let measured = measure(&edges);
    let mut total: u64 = 0;
    for (at, (name, _)) in sources.iter().enumerate() {
        let Some(Measure { depth, calls, .. }) = measured[at] else { continue };
        if depth > max_depth {
            bail!(
                "{name}: includes nest more than {max_depth} deep ({}; limit include-depth, raise it with --limit include-depth=N)",
                chain(at, &measured, sources)
            );
        }
        total = total.saturating_add(calls);
        if total > max_calls {
            bail!(
                "{name}: the chart's templates expand more than {max_calls} includes in all ({name} alone expands {}; limit include-calls, raise it with --limit include-calls=N)",
                shown_count(calls)
            );
        }
    }
    Ok(())
}

/// A template's deepest include chain, the includes its render expands, and the include
/// that starts its deepest chain.
#[derive(Clone, Copy)]
struct Measure {
    depth: u64,
    calls: u64,
    deepest: Option<usize>,
}

/// Each template's measure, in one depth-first pass with an explicit stack; `None` for
/// templates on an include cycle (Tera reports those).
fn measure(edges: &[Vec<usize>]) -> Vec<Option<Measure>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; edges.len()];
    let mut measured: Vec<Option<Measure>> = vec![None; edges.len()];
    for start in 0..edges.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // (template, next edge to follow)
        let mut stack = vec![(start, 0)];
        marks[start] = Mark::Open;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&child) = edges[node].get(*next) {
                *next += 1;
                if marks[child] == Mark::New {
                    marks[child] = Mark::Open;
                    stack.push((child, 0));
                }
                continue;
            }
            stack.pop();
            marks[node] = Mark::Done;
            let mut own = Measure { depth: 0, calls: 0, deepest: None };
            for &child in &edges[node] {
                let Some(inner) = measured[child] else { continue };
                own.calls = own.calls.saturating_add(inner.calls.saturating_add(1));
                if inner.depth + 1 > own.depth {
                    own.depth = inner.depth + 1;
                    own.deepest = Some(child);
                }
            }
            let on_cycle = edges[node].iter().any(|&child| marks[child] == Mark::Open);
            measured[node] = (!on_cycle).then_some(own);
        }
    }
    measured
}

/// The deepest include chain from `at`, its start and end shown.
fn chain(at: usize, measured: &[Option<Measure>], sources: &[(String, &str)]) -> String {
    let mut names = vec![sources[at].0.as_str()];
    let mut node = at;
    while let Some(next) = measured[node].and_then(|m| m.deepest) {
        names.push(sources[next].0.as_str());
        node = next;
    }
    match names.len() {
        0..=6 => names.join(" → "),
        n => format!("{} → … → {} ({n} templates)", names[..3].join(" → "), names[n - 2..].join(" → ")),
    }
}

fn shown_count(calls: u64) -> String {
    match calls {
        u64::MAX => "more than 18 quintillion".to_string(),
        n => n.to_string(),
    }
}

/// The names of the templates `text` includes, in order, read as Tera's lexer reads them.
pub fn names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    if !text.contains("include") {
        return names;
    }
    let mut rest = text;
    while let Some(at) = find_start(rest) {
        let marker = &rest[at..at + 2];
        rest = &rest[at + 2..];
        match marker {
            "{#" => match rest.find("#}") {
                Some(end) => rest = &rest[end + 2..],
                None => break,
            },
            "{{" => rest = after_expression(rest, "}}"),
            _ => {
                if let Some(after) = raw_block(rest) {
                    rest = after;
                    continue;
                }
                let tag = rest.strip_prefix('-').unwrap_or(rest).trim_start();
                if let Some(after) = tag.strip_prefix("include")
                    && after.starts_with(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '`')
                    && let Some((name, _)) = string(after.trim_start())
                {
                    names.push(name);
                }
                rest = after_expression(rest, "%}");
            }
        }
    }
    names
}

/// Where the next `{{`, `{%` or `{#` starts.
fn find_start(text: &str) -> Option<usize> {
    text.as_bytes().windows(2).position(|w| w[0] == b'{' && matches!(w[1], b'{' | b'%' | b'#'))
}

/// The text after the `end` (`}}` or `%}`) that closes an expression or tag, strings
/// skipped; empty when it never closes.
pub(super) fn after_expression<'t>(text: &'t str, end: &str) -> &'t str {
    let mut rest = text;
    loop {
        let Some(at) = rest.find(|c| c == '"' || c == '\'' || c == '`' || c == end.as_bytes()[0] as char)
        else {
            return "";
        };
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix(end) {
            return after;
        }
        match string(rest) {
            Some((_, after)) => rest = after,
            None if rest.starts_with(['"', '\'', '`']) => return "",
            None => rest = &rest[1..],
        }
    }
}

/// A string literal at the start of `text` (`"…"`, `'…'` or `` `…` ``, with `\` escapes)
/// and the text after it.
fn string(text: &str) -> Option<(String, &str)> {
    let quote = text.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let mut value = String::new();
    let mut chars = text[1..].char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                other => value.push(other),
            },
            c if c == quote => return Some((value, &text[1 + at + 1..])),
            c => value.push(c),
        }
    }
    None
}

/// After `{%`: the text after its `{% endraw %}` when the tag is `raw`.
fn raw_block(after_open: &str) -> Option<&str> {
    let tag_end = |text: &str, name: &str| -> Option<usize> {
        let body = text.strip_prefix('-').unwrap_or(text).trim_start();
        let body = body.strip_prefix(name)?.trim_start();
        let body = body.strip_prefix('-').unwrap_or(body);
        body.strip_prefix("%}").map(|after| text.len() - after.len())
    };
    let mut rest = &after_open[tag_end(after_open, "raw")?..];
    loop {
        let at = rest.find("{%")?;
        rest = &rest[at + 2..];
        if let Some(end) = tag_end(rest, "endraw") {
            return Some(&rest[end..]);
        }
    }
}

#[cfg(test)]
mod tests;
