//! The JSON report: per report its counts and, per differing resource, its identity,
//! apiVersions and changed fields with their old and new values (Secrets masked).

use super::{Change, Counts, FieldChange, Report};
use serde::Serialize;
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
    group: &'r str,
    kind: &'r str,
    namespace: &'r str,
    name: &'r str,
    api_version: ApiVersions<'r>,
    fields: &'r [FieldChange],
}

#[derive(Serialize)]
struct ApiVersions<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    old: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<&'r str>,
}

/// Writes all reports as one pretty-printed JSON document.
pub fn write_json(reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
    let mut total = Counts::default();
    let reports: Vec<ReportJson> = reports
        .iter()
        .map(|report| {
            let counts = report.counts();
            total.changed += counts.changed;
            total.added += counts.added;
            total.removed += counts.removed;
            total.unchanged += counts.unchanged;
            ReportJson {
                environment: report.label.as_deref(),
                baseline: &report.baseline,
                namespace: &report.namespace,
                summary: counts,
                resources: report
                    .entries
                    .iter()
                    .map(|entry| ResourceJson {
                        change: entry.change,
                        group: &entry.id.group,
                        kind: &entry.id.kind,
                        namespace: &entry.id.namespace,
                        name: &entry.id.name,
                        api_version: ApiVersions {
                            old: entry.old_api_version.as_deref(),
                            new: entry.new_api_version.as_deref(),
                        },
                        fields: &entry.fields,
                    })
                    .collect(),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &Document { summary: total, reports })?;
    writeln!(out)
}
