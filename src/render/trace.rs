//! Which line of a template made a line of its render, for an error about the render
//! (invalid YAML at `service.yaml:13:4` whose fault is on the template's line 11). Tera
//! keeps no such map, so on such an error the template is rendered once more with a mark
//! naming its line after each run of text and before each tag that trims nothing: marks
//! sit next to text that is not blank, so no whitespace control (`{%-`, `-%}`) trims
//! differently, and the render has the same lines. The line that made a point of the
//! render is the last mark at or before it.

use super::{Capabilities, Release, Sources, Unit, collect_units, compile, render_one};
use crate::chart::Chart;
use crate::values::Values;
use std::sync::atomic::AtomicUsize;

/// Opens a mark; the template's line number and [`MARK_END`] follow.
const MARK_START: char = '\u{E010}';
const MARK_END: char = '\u{E011}';

/// The line of template `path` (its Helm path) that made line `line`, column `column`
/// of its render (both 1-based), with that line's text; `None` when the template cannot
/// be traced.
pub fn template_line(
    chart: &Chart,
    values: &Values,
    release: &Release,
    caps: &Capabilities,
    path: &str,
    (line, column): (usize, usize),
) -> Option<(usize, String)> {
    let mut units = Vec::new();
    collect_units(chart, &values.root, values, chart.name().to_string(), "", true, &mut units);
    let unit: &Unit = units.iter().find(|u| path.starts_with(&format!("{}/templates/", u.base)))?;
    let file = path.strip_prefix(&format!("{}/templates/", unit.base))?;
    let source = unit.chart.templates.iter().find(|t| t.path == file)?.text.as_str();
    let marked = mark(source);
    let compiled = compile(unit, release, caps, false, Sources::Traced(path, &marked)).ok()?;
    let total = AtomicUsize::new(crate::limits::RENDER_OUTPUT.get_usize());
    let rendered = render_one(&compiled, unit, file, &total).ok()?.text;
    let number = line_at(&rendered, line, column)?;
    Some((number, source.lines().nth(number - 1)?.to_string()))
}

/// `source` with a mark of its line after each run of text that is not blank and before
/// each tag that does not trim what precedes it.
fn mark(source: &str) -> String {
    let mut out = String::with_capacity(source.len() * 2);
    let mut line = 1;
    let mut rest = source;
    let marker = |line: usize| format!("{MARK_START}{line}{MARK_END}");
    while !rest.is_empty() {
        let tag = rest.find("{{").into_iter().chain(rest.find("{%")).chain(rest.find("{#")).min();
        let text = &rest[..tag.unwrap_or(rest.len())];
        // The text, a mark after the last character of each of its lines that is not blank.
        for piece in text.split_inclusive('\n') {
            let body = piece.trim_end();
            out.push_str(body);
            if !body.trim_start().is_empty() {
                out.push_str(&marker(line));
            }
            out.push_str(&piece[body.len()..]);
            line += piece.matches('\n').count();
        }
        let Some(at) = tag else { break };
        rest = &rest[at..];
        let trims_before = rest[2..].starts_with('-');
        if !rest.starts_with("{#") && !trims_before && !out.ends_with(MARK_END) {
            out.push_str(&marker(line));
        }
        let close = match &rest[..2] {
            "{{" => "}}",
            "{%" => "%}",
            _ => "#}",
        };
        let end = match close {
            "#}" => rest[2..].find(close).map_or(rest.len(), |e| 2 + e + close.len()),
            _ => rest.len() - super::includes::after_expression(&rest[2..], close).len(),
        };
        let tag_text = match raw_block_end(&rest[..end], rest) {
            Some(raw_end) => &rest[..raw_end],
            None => &rest[..end],
        };
        out.push_str(tag_text);
        line += tag_text.matches('\n').count();
        rest = &rest[tag_text.len()..];
    }
    out
}

/// For a `{% raw %}` tag, where its `{% endraw %}` ends (its body is copied unmarked).
fn raw_block_end(tag: &str, rest: &str) -> Option<usize> {
    let word = tag.trim_start_matches("{%").trim_start_matches('-').trim();
    if !word.trim_end_matches("%}").trim_end_matches('-').trim().eq("raw") {
        return None;
    }
    let after = rest[tag.len()..].find("endraw")?;
    let close = rest[tag.len() + after..].find("%}")?;
    Some(tag.len() + after + close + 2)
}

/// The template line of the point `line`:`column` of `rendered`: the first mark after it
/// on its line (marks follow the text they name), else the last mark before it (a line
/// an expression or include made belongs to the line that holds it).
fn line_at(rendered: &str, line: usize, column: usize) -> Option<usize> {
    let start = rendered.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
    let text = rendered[start.min(rendered.len())..].split_inclusive('\n').next().unwrap_or("");
    // The byte where the column (counted in characters other than marks) is.
    let mut shown = 0;
    let mut in_mark = false;
    let mut point = text.len();
    for (at, c) in text.char_indices() {
        match c {
            MARK_START => in_mark = true,
            MARK_END => in_mark = false,
            _ if !in_mark => {
                shown += 1;
                if shown == column {
                    point = at;
                    break;
                }
            }
            _ => {}
        }
    }
    let after = text[point..].find(MARK_START).map(|at| start + point + at);
    let at = after.or_else(|| rendered[..start + point].rfind(MARK_START))?;
    let digits: String =
        rendered[at + MARK_START.len_utf8()..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_keep_whitespace_control_and_name_lines() {
        let source = "a: 1\n{%- if true -%}\n  b: {{ x }}\n{% endif %}\nc: d\n";
        let marked = mark(source);
        assert_eq!(
            marked.replace(MARK_START, "<").replace(MARK_END, ">"),
            "a: 1<1>\n{%- if true -%}\n  b:<3> <3>{{ x }}\n<4>{% endif %}\nc: d<5>\n"
        );
    }

    #[test]
    fn a_rendered_point_maps_to_the_last_mark_before_it() {
        let m = |n: usize| format!("{MARK_START}{n}{MARK_END}");
        let rendered = format!("a: 1{}\nb:{} x: y\n  from: include\nc: d{}\n", m(1), m(3), m(5));
        assert_eq!(line_at(&rendered, 2, 6), Some(3), "after the line's mark: an expression on it");
        assert_eq!(line_at(&rendered, 3, 3), Some(3), "a line with no mark: the one before");
        assert_eq!(line_at(&rendered, 4, 1), Some(5), "the line's own mark follows its text");
        assert_eq!(line_at(&rendered, 1, 2), Some(1));
    }
}
