//! The Markdown report, for a pull-request comment: a summary table, then one
//! collapsible section per differing resource with its diff, the whole kept under
//! GitHub's comment size limit (sections that do not fit are left out with a note).

use super::text::{header, unified};
use super::{Palette, Report};
use std::io::{self, Write};

/// The largest report written, in bytes (GitHub rejects comments over 65,536
/// characters).
pub const MARKDOWN_LIMIT: usize = 65_000;

/// Room kept for the truncation note.
const NOTE_ROOM: usize = 400;

/// Writes the reports as Markdown of at most `limit` bytes.
pub fn write_markdown(
    reports: &[Report],
    context: usize,
    limit: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut doc = String::from("### rudder diff\n\n");
    doc.push_str(
        "| Environment | Changed | Added | Removed | Unchanged |\n| --- | ---: | ---: | ---: | ---: |\n",
    );
    for report in reports {
        let counts = report.counts();
        let name = report.label.as_deref().unwrap_or(&report.baseline);
        doc.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            escape(name).replace('|', "\\|"),
            counts.changed,
            counts.added,
            counts.removed,
            counts.unchanged
        ));
    }
    let total: usize = reports.iter().map(|r| r.entries.len()).sum();
    if total == 0 {
        doc.push_str("\nNo changes.\n");
    }
    let mut shown = 0;
    'reports: for report in reports {
        for entry in &report.entries {
            let section = section(&header(report, entry), &unified(entry, context, Palette::default()));
            if doc.len() + section.len() + NOTE_ROOM <= limit {
                doc.push_str(&section);
                shown += 1;
                continue;
            }
            let room = limit.saturating_sub(doc.len() + NOTE_ROOM);
            if let Some(cut) = truncated_section(report, entry, context, room) {
                doc.push_str(&cut);
                shown += 1;
            }
            break 'reports;
        }
    }
    if shown < total {
        doc.push_str(&format!(
            "\n> **Note:** this report is cut to stay under {limit} characters: {} of {total} resources are \
             not shown in full. Run `rudder diff` locally, or see the CI log, for the whole diff.\n",
            total - shown
        ));
    }
    out.write_all(doc.as_bytes())
}

/// The section of an entry whose diff is cut to fit `room` bytes, if a useful part fits.
fn truncated_section(report: &Report, entry: &super::Entry, context: usize, room: usize) -> Option<String> {
    let title = header(report, entry);
    let empty = section(&title, "").len() + "… (diff cut)\n".len();
    if room < empty + 200 {
        return None;
    }
    let diff = unified(entry, context, Palette::default());
    let mut body = String::new();
    for line in diff.split_inclusive('\n') {
        if empty + body.len() + line.len() > room {
            break;
        }
        body.push_str(line);
    }
    body.push_str("… (diff cut)\n");
    Some(section(&title, &body))
}

fn section(title: &str, diff: &str) -> String {
    let fence = fence_for(diff);
    format!("\n<details><summary>{}</summary>\n\n{fence}diff\n{diff}{fence}\n\n</details>\n", escape(title))
}

/// A code fence longer than any run of backticks in `text`.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
