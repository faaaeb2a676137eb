//! Diff: compares a new render with a baseline, resource by resource, and writes the
//! report as text, a summary, JSON or Markdown.
//!
//! A resource is identified by API group, kind, namespace and name, so an apiVersion
//! bump is a change. Both sides are parsed and normalised (see [`align`]) so formatting
//! is never a change; Secrets are masked unless asked otherwise; ignore rules from
//! `rudder.yaml` remove fields or whole resources before anything is compared, so they
//! change neither the report nor the exit code.

mod align;
mod fields;
mod ignore;
mod json;
mod load;
mod markdown;
mod path;
mod removed;
mod secrets;
mod stream;
mod text;

pub use fields::FieldChange;
pub use json::write_json;
pub use load::{from_documents, index, parse_stream, read_path, read_stream_file, relocate};
pub use markdown::{MARKDOWN_LIMIT, write_markdown};
pub use removed::Removed;
pub use stream::{Sides, against_stream};
pub use text::{write_summary, write_text};

pub use crate::manifest::ResourceId;

use crate::project::IgnoreRule;
use serde::Serialize;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::fmt;

/// One parsed document with its identity.
#[derive(Debug, Clone)]
pub struct Resource {
    pub id: ResourceId,
    pub api_version: String,
    /// Its value; `Null` on both sides of a pair whose texts are the same (see
    /// [`against_stream`]).
    pub value: Value,
    /// Where it came from, for messages: a template path or `file:line`.
    pub origin: String,
}

/// How a resource or a field differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        })
    }
}

/// One resource that differs.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: ResourceId,
    pub change: Change,
    /// The baseline's `apiVersion` (absent when added).
    pub old_api_version: Option<String>,
    /// The new render's `apiVersion` (absent when removed).
    pub new_api_version: Option<String>,
    /// The baseline's version as normalised YAML (empty when added).
    pub old_text: String,
    /// The new version as normalised YAML (empty when removed).
    pub new_text: String,
    /// The changed fields (empty when the whole resource was added or removed).
    pub fields: Vec<FieldChange>,
}

/// The comparison of one render with its baseline.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// What is compared, e.g. the environment name; prefixes every header.
    pub label: Option<String>,
    /// What the render was compared with, e.g. `rendered/prod.yaml`.
    pub baseline: String,
    /// The release namespace; headers name other namespaces.
    pub namespace: String,
    /// The resources that differ, in install order.
    pub entries: Vec<Entry>,
    /// How many resources are the same on both sides (ignored differences included).
    pub unchanged: usize,
    /// Resources of a baseline stream that the render does not have, whose entries are
    /// made when they are shown ([`Report::each_entry`]).
    pub removed: Removed,
}

/// Counts of a report, as printed in its summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
    pub unchanged: usize,
}

impl Report {
    pub fn counts(&self) -> Counts {
        let count = |change| self.entries.iter().filter(|e| e.change == change).count();
        Counts {
            changed: count(Change::Changed),
            added: count(Change::Added),
            removed: count(Change::Removed) + self.removed.len(),
            unchanged: self.unchanged,
        }
    }

    pub fn has_changes(&self) -> bool {
        !self.entries.is_empty() || !self.removed.is_empty()
    }

    /// Adds the removed resources of a baseline stream, but those the ignore rules name.
    pub fn with_removed(mut self, mut removed: Removed, options: &Options) -> Report {
        removed.retain(|id| !ignore::ignores_resource(options.ignore, id));
        removed.sort_by(|a, b| order_of(a).cmp(&order_of(b)));
        self.removed = removed;
        self
    }

    /// Every entry, in install order: [`Report::entries`] and the [`Report::removed`]
    /// resources, whose entries are made here, one at a time (with their text, or
    /// `headers` only: identity and apiVersion, nothing read again).
    pub fn each_entry(
        &self,
        headers: bool,
    ) -> impl Iterator<Item = std::io::Result<std::borrow::Cow<'_, Entry>>> {
        let mut made = (0..self.removed.len()).peekable();
        let mut entries = self.entries.iter().peekable();
        std::iter::from_fn(move || {
            let take_removed = match (entries.peek(), made.peek()) {
                (Some(entry), Some(&n)) => self.removed.id(n).is_some_and(|id| order(&id) < order(&entry.id)),
                (None, Some(_)) => true,
                (_, None) => false,
            };
            if take_removed {
                let n = made.next()?;
                let entry = match headers {
                    true => self.removed.head(n),
                    false => self.removed.entry(n),
                };
                Some(entry.map(std::borrow::Cow::Owned).map_err(std::io::Error::other))
            } else {
                entries.next().map(|entry| Ok(std::borrow::Cow::Borrowed(entry)))
            }
        })
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} changed, {} added, {} removed, {} unchanged",
            self.changed, self.added, self.removed, self.unchanged
        )
    }
}

/// How to compare.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Show Secret values instead of their sizes.
    pub show_secrets: bool,
    /// The text of the release's values: a Secret's key equal to one is masked too (a
    /// value used as a key).
    pub values: Option<&'a crate::secret::ValueTexts>,
    /// Ignore rules from `rudder.yaml`.
    pub ignore: &'a [IgnoreRule],
}

/// Compares the `new` render with the `old` baseline, both indexed by identity.
pub fn compare(
    old: BTreeMap<ResourceId, Resource>,
    new: BTreeMap<ResourceId, Resource>,
    options: &Options,
) -> Report {
    let mut report = Report::default();
    let mut old = old;
    for (id, new) in new {
        let old = old.remove(&id);
        if ignore::ignores_resource(options.ignore, &id) {
            continue;
        }
        match old {
            Some(old) => match changed(old, new, options) {
                Some(entry) => report.entries.push(entry),
                None => report.unchanged += 1,
            },
            None => report.entries.push(one_sided(new, Change::Added, options)),
        }
    }
    for (id, old) in old {
        if !ignore::ignores_resource(options.ignore, &id) {
            report.entries.push(one_sided(old, Change::Removed, options));
        }
    }
    report.entries.sort_by(|a, b| order(&a.id).cmp(&order(&b.id)));
    report
}

/// Where a resource comes in a report: Helm's install order of kinds, then kind,
/// namespace, name and group.
fn order(id: &ResourceId) -> (usize, [&str; 4]) {
    order_of([&id.group, &id.kind, &id.namespace, &id.name])
}

/// [`order`] of an identity's group, kind, namespace and name.
fn order_of([group, kind, namespace, name]: [&str; 4]) -> (usize, [&str; 4]) {
    (crate::manifest::rank(kind).0, [kind, namespace, name, group])
}

fn is_secret(id: &ResourceId) -> bool {
    crate::secret::is_secret(&id.group, &id.kind)
}

fn prepare(value: &mut Value, id: &ResourceId, options: &Options) {
    ignore::strip(value, &ignore::path_patterns(options.ignore, id));
}

fn changed(old: Resource, new: Resource, options: &Options) -> Option<Entry> {
    let (mut old_value, mut new_value) = (old.value, new.value);
    prepare(&mut old_value, &new.id, options);
    prepare(&mut new_value, &new.id, options);
    if is_secret(&new.id) && !options.show_secrets {
        secrets::mask(Some(&mut old_value), Some(&mut new_value), options.values);
    }
    if old_value == new_value {
        return None; // most resources of a diff: no need to align and walk them
    }
    align::align(&mut old_value, &new_value);
    let fields = fields::changes(&old_value, &new_value);
    if fields.is_empty() {
        return None;
    }
    Some(Entry {
        id: new.id,
        change: Change::Changed,
        old_api_version: Some(old.api_version),
        new_api_version: Some(new.api_version),
        old_text: crate::yaml::to_string(&old_value),
        new_text: crate::yaml::to_string(&new_value),
        fields,
    })
}

pub(crate) fn one_sided(resource: Resource, change: Change, options: &Options) -> Entry {
    let mut value = resource.value;
    prepare(&mut value, &resource.id, options);
    if is_secret(&resource.id) && !options.show_secrets {
        secrets::mask(None, Some(&mut value), options.values);
    }
    let text = crate::yaml::to_string(&value);
    let (old_text, new_text, old_api_version, new_api_version) = match change {
        Change::Added => (String::new(), text, None, Some(resource.api_version)),
        _ => (text, String::new(), Some(resource.api_version), None),
    };
    Entry {
        id: resource.id,
        change,
        old_api_version,
        new_api_version,
        old_text,
        new_text,
        fields: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
