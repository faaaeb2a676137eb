//! The Markdown report, for a pull-request comment: a summary table, then one
//! collapsible section per differing resource with its diff, the whole kept under
//! GitHub's comment size limit (sections that do not fit are left out with a note).

use super::Report;
use super::text::{header, unified};
use crate::present::{Palette, markdown_safe};
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
            markdown_safe(name),
            counts.changed,
            counts.added,
            counts.removed,
            counts.unchanged
        ));
    }
    let total: usize = reports.iter().map(|r| r.entries.len() + r.removed.len()).sum();
    if total == 0 {
        doc.push_str("\nNo changes.\n");
    }
    let mut shown = 0;
    'reports: for report in reports {
        for entry in report.each_entry(false) {
            let entry = entry?;
            let entry = &*entry;
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
    format!(
        "\n<details><summary>{}</summary>\n\n{fence}diff\n{diff}{fence}\n\n</details>\n",
        markdown_safe(title)
    )
}

/// A code fence longer than any run of backticks in `text`.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Change, Entry, ResourceId};

    fn entry(name: &str, lines: usize) -> Entry {
        let text: String = (0..lines).map(|i| format!("line{i}: {name}\n")).collect();
        Entry {
            id: ResourceId {
                group: String::new(),
                kind: "ConfigMap".into(),
                namespace: "ns".into(),
                name: name.into(),
            },
            change: Change::Added,
            old_api_version: None,
            new_api_version: Some("v1".into()),
            old_text: String::new(),
            new_text: text,
            fields: Vec::new(),
        }
    }

    fn markdown(report: &Report, limit: usize) -> String {
        let mut out = Vec::new();
        write_markdown(std::slice::from_ref(report), 3, limit, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn report(entries: Vec<Entry>) -> Report {
        Report { label: Some("prod".into()), namespace: "ns".into(), entries, ..Report::default() }
    }

    #[test]
    fn small_reports_are_whole() {
        let text = markdown(&report(vec![entry("a", 3)]), MARKDOWN_LIMIT);
        assert!(text.starts_with("### rudder diff\n\n| Environment |"), "{text}");
        assert!(text.contains("| prod | 0 | 1 | 0 | 0 |\n"), "{text}");
        assert!(
            text.contains(
                "<details><summary>prod: ConfigMap/a (core) added</summary>\n\n```diff\n+line0: a\n"
            )
        );
        assert!(!text.contains("Note"), "{text}");
    }

    #[test]
    fn big_reports_are_cut_under_the_limit_with_a_note() {
        let big = report((0..50).map(|i| entry(&format!("cm{i}"), 400)).collect());
        let limit = 20_000;
        let text = markdown(&big, limit);
        assert!(text.len() <= limit, "{} bytes", text.len());
        assert!(text.contains("| prod | 0 | 50 | 0 | 0 |"), "the table always lists every count");
        assert!(text.contains("… (diff cut)\n```"), "the last section is cut inside its fence");
        assert!(text.trim_end().ends_with("for the whole diff."), "{}", &text[text.len() - 300..]);
        assert!(text.contains("resources are not shown in full"));
        let sections = text.matches("<details>").count();
        assert_eq!(text.matches("</details>").count(), sections, "every section is closed");
    }

    #[test]
    fn fences_outlast_backticks_in_the_diff() {
        let mut e = entry("a", 1);
        e.new_text = "script: |\n  ```sh\n  echo\n".into();
        let text = markdown(&report(vec![e]), MARKDOWN_LIMIT);
        assert!(text.contains("````diff\n"), "{text}");
    }
}
