//! The text report: a header per differing resource, a unified diff of its normalised
//! YAML (whole documents for added and removed resources), and a summary line.

use super::{Change, Entry, Report};
use crate::present::{Palette, one_line};
use similar::{ChangeTag, TextDiff};
use std::io::{self, Write};

/// A resource's header in its change's colour.
fn paint_header(palette: Palette, change: Change, text: &str) -> String {
    let code = match change {
        Change::Added => "1;32",
        Change::Removed => "1;31",
        Change::Changed => "1;33",
    };
    palette.paint(code, text)
}

/// A diff line with its `+`, `-` or ` ` and colour.
fn paint_line(palette: Palette, tag: ChangeTag, line: &str) -> String {
    match tag {
        ChangeTag::Insert => palette.paint("32", &format!("+{line}")),
        ChangeTag::Delete => palette.paint("31", &format!("-{line}")),
        ChangeTag::Equal => format!(" {line}"),
    }
}

/// The header of an entry: `prod: Deployment/frontend (apps) changed`, with the
/// namespace when it is not the report's.
pub fn header(report: &Report, entry: &Entry) -> String {
    let label = report.label.as_deref().map(|l| format!("{l}: ")).unwrap_or_default();
    let namespace = if entry.id.namespace != report.namespace {
        format!(" in namespace {}", entry.id.namespace)
    } else {
        String::new()
    };
    one_line(&format!("{label}{}{namespace} {}", entry.id, entry.change))
}

/// The summary line: `prod: 2 changed, 1 added, 0 removed, 8 unchanged`.
pub fn summary_line(report: &Report) -> String {
    let label = report.label.as_deref().map(|l| format!("{l}: ")).unwrap_or_default();
    format!("{label}{}", report.counts())
}

/// The unified diff of an entry's two versions, with `context` lines around changes;
/// without the `---`/`+++` file header. Every line ends with a newline.
pub fn unified(entry: &Entry, context: usize, palette: Palette) -> String {
    let prefix_whole =
        |text: &str, tag| text.lines().map(|line| paint_line(palette, tag, line) + "\n").collect::<String>();
    match entry.change {
        Change::Added => return prefix_whole(&entry.new_text, ChangeTag::Insert),
        Change::Removed => return prefix_whole(&entry.old_text, ChangeTag::Delete),
        Change::Changed => {}
    }
    let mut out = String::new();
    let diff = TextDiff::from_lines(&entry.old_text, &entry.new_text);
    for hunk in diff.unified_diff().context_radius(context).iter_hunks() {
        out.push_str(&palette.paint("36", &hunk.header().to_string()));
        out.push('\n');
        for change in hunk.iter_changes() {
            out.push_str(&paint_line(palette, change.tag(), change.value().trim_end_matches('\n')));
            out.push('\n');
        }
    }
    out
}

/// Writes every report: each entry's header and diff, then the report's summary line.
pub fn write_text(
    reports: &[Report],
    context: usize,
    palette: Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    for report in reports {
        for entry in report.each_entry(false) {
            let entry = entry?;
            writeln!(out, "{}", paint_header(palette, entry.change, &header(report, &entry)))?;
            write!(out, "{}", unified(&entry, context, palette))?;
            writeln!(out)?;
        }
        writeln!(out, "{}", summary_line(report))?;
    }
    Ok(())
}

/// Writes one line per differing resource and the summary line of each report.
pub fn write_summary(reports: &[Report], palette: Palette, out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        for entry in report.each_entry(true) {
            let entry = entry?;
            writeln!(out, "{}", paint_header(palette, entry.change, &header(report, &entry)))?;
        }
        writeln!(out, "{}", summary_line(report))?;
    }
    Ok(())
}
