//! The JSON report: per report its counts and, per differing resource, its identity,
//! apiVersions and changed fields with their old and new values (Secrets masked).

use super::{Change, Counts, Entry, FieldChange, Report};
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

#[derive(Serialize)]
struct Document<'r> {
    summary: Counts,
    reports: Vec<ReportJson<'r>>,
}

#[derive(Serialize)]
struct ReportJson<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'r str>,
    baseline: &'r str,
    namespace: &'r str,
    summary: Counts,
    resources: Vec<ResourceJson<'r>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceJson<'r> {
    change: Change,
    group: Cow<'r, str>,
    kind: Cow<'r, str>,
    namespace: Cow<'r, str>,
    name: Cow<'r, str>,
    api_version: ApiVersions<'r>,
    fields: Cow<'r, [FieldChange]>,
}

#[derive(Serialize)]
struct ApiVersions<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    old: Option<Cow<'r, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<Cow<'r, str>>,
}

impl<'r> ResourceJson<'r> {
    /// An entry as JSON, borrowing what a borrowed entry holds.
    fn of(entry: Cow<'r, Entry>) -> ResourceJson<'r> {
        match entry {
            Cow::Borrowed(entry) => ResourceJson {
                change: entry.change,
                group: Cow::Borrowed(&entry.id.group),
                kind: Cow::Borrowed(&entry.id.kind),
                namespace: Cow::Borrowed(&entry.id.namespace),
                name: Cow::Borrowed(&entry.id.name),
                api_version: ApiVersions {
                    old: entry.old_api_version.as_deref().map(Cow::Borrowed),
                    new: entry.new_api_version.as_deref().map(Cow::Borrowed),
                },
                fields: Cow::Borrowed(&entry.fields),
            },
            Cow::Owned(entry) => ResourceJson {
                change: entry.change,
                group: Cow::Owned(entry.id.group),
                kind: Cow::Owned(entry.id.kind),
                namespace: Cow::Owned(entry.id.namespace),
                name: Cow::Owned(entry.id.name),
                api_version: ApiVersions {
                    old: entry.old_api_version.map(Cow::Owned),
                    new: entry.new_api_version.map(Cow::Owned),
                },
                fields: Cow::Owned(entry.fields),
            },
        }
    }
}

/// Writes all reports as one pretty-printed JSON document.
pub fn write_json(reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
    let mut total = Counts::default();
    let mut json = Vec::with_capacity(reports.len());
    for report in reports {
        let counts = report.counts();
        total.changed += counts.changed;
        total.added += counts.added;
        total.removed += counts.removed;
        total.unchanged += counts.unchanged;
        json.push(ReportJson {
            environment: report.label.as_deref(),
            baseline: &report.baseline,
            namespace: &report.namespace,
            summary: counts,
            resources: report
                .each_entry(true)
                .map(|entry| entry.map(ResourceJson::of))
                .collect::<io::Result<_>>()?,
        });
    }
    serde_json::to_writer_pretty(&mut *out, &Document { summary: total, reports: json })?;
    writeln!(out)
}
