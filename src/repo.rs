//! Chart repository index: `index.yaml` for a directory of chart archives, readable by
//! `helm repo add` and `helm search repo`.
//!
//! Unlike `helm repo index`, an entry whose archive is unchanged (same name, version and
//! digest as in the previous index or the `--merge` file) keeps its `created` date, and
//! `generated` is the newest `created`, so indexing the same archives twice gives the
//! same file.

use crate::chart::{Metadata, max_chart_size, read_archive};
use crate::package::hex_sha256;
use anyhow::{Context, Result, anyhow, bail};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The index file's name.
pub const INDEX_FILE: &str = "index.yaml";

/// How to index.
#[derive(Debug, Clone, Default)]
pub struct IndexOptions {
    /// Prefix of every archive's URL; without it URLs are relative paths.
    pub url: Option<String>,
    /// An index whose entries are kept where no local archive has the same name and
    /// version.
    pub merge: Option<PathBuf>,
    /// The `created` date of new entries (RFC 3339).
    pub now: String,
}

/// Writes `DIR/index.yaml` for the archives `DIR/*.tgz` and `DIR/*/*.tgz` and returns
/// its path.
pub fn write_index(dir: &Path, options: &IndexOptions) -> Result<PathBuf> {
    let path = dir.join(INDEX_FILE);
    let previous = if path.is_file() { read_index(&path)? } else { Mapping::new() };
    let merged = match &options.merge {
        Some(file) => read_index(file)?,
        None => Mapping::new(),
    };
    let mut entries: BTreeMap<String, Vec<Mapping>> = BTreeMap::new();
    for archive in archives(dir)? {
        let entry = entry_for(dir, &archive, options, &[&previous, &merged])?;
        let name = entry.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let list = entries.entry(name).or_default();
        if list.iter().any(|e| e.get("version") == entry.get("version")) {
            bail!(
                "{}: a second archive of {} version {}",
                archive.display(),
                field(&entry, "name"),
                field(&entry, "version")
            );
        }
        list.push(entry);
    }
    for (name, versions) in entries_of(&merged) {
        let list = entries.entry(name).or_default();
        for entry in versions {
            if !list.iter().any(|e| e.get("version") == entry.get("version")) {
                list.push(sorted(entry));
            }
        }
    }
    let mut document = Mapping::new();
    document.insert("apiVersion".into(), "v1".into());
    let mut newest = String::new();
    let mut by_name = Mapping::new();
    for (name, mut list) in entries {
        list.sort_by(|a, b| {
            version_of(b).cmp(&version_of(a)).then_with(|| field(b, "version").cmp(&field(a, "version")))
        });
        for entry in &list {
            newest = newest.max(field(entry, "created"));
        }
        by_name.insert(name.into(), Value::Sequence(list.into_iter().map(Value::Mapping).collect()));
    }
    document.insert("entries".into(), Value::Mapping(by_name));
    document.insert("generated".into(), if newest.is_empty() { options.now.clone() } else { newest }.into());
    crate::atomic::write(&path, crate::yaml::to_string(&Value::Mapping(document)).as_bytes())?;
    Ok(path)
}

/// `DIR/*.tgz` and `DIR/*/*.tgz`, sorted by path (as `helm repo index` finds them).
fn archives(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).max_depth(2).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "tgz") {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

/// The index entry of one archive: its Chart.yaml fields, `created`, `digest`, `urls`,
/// keys sorted.
fn entry_for(dir: &Path, archive: &Path, options: &IndexOptions, earlier: &[&Mapping]) -> Result<Mapping> {
    let shown = archive.display().to_string();
    let bytes = crate::input::read(archive, archive, max_chart_size())?;
    let digest = hex_sha256(&bytes);
    let files = read_archive(&bytes, &shown, &mut crate::chart::ArchiveBudget::default())?;
    let chart_yaml = files
        .files
        .iter()
        .find(|(path, _)| path == "Chart.yaml")
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .ok_or_else(|| anyhow!("{shown}: the archive has no {}/Chart.yaml", files.top))?;
    let meta = Metadata::parse(&chart_yaml, &format!("{shown}/{}/Chart.yaml", files.top))?;
    let fields = crate::yaml::parse_mapping(
        &chart_yaml,
        crate::yaml::Schema::Core,
        &format!("{shown}/{}/Chart.yaml", files.top),
    )?;
    let relative = archive.strip_prefix(dir).unwrap_or(archive);
    let relative =
        relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    let url = match &options.url {
        Some(base) => format!("{}/{relative}", base.trim_end_matches('/')),
        None => relative,
    };
    let created = earlier
        .iter()
        .flat_map(|index| entries_of(index))
        .filter(|(name, _)| *name == meta.name)
        .flat_map(|(_, list)| list)
        .find(|e| field(e, "version") == meta.version && field(e, "digest") == digest)
        .map(|e| field(&e, "created"))
        .unwrap_or_else(|| options.now.clone());
    let mut entry = fields;
    entry.insert("created".into(), created.into());
    entry.insert("digest".into(), digest.into());
    entry.insert("urls".into(), Value::Sequence(vec![url.into()]));
    Ok(sorted(entry))
}

/// The entry with its keys in alphabetical order, as Helm writes them.
fn sorted(entry: Mapping) -> Mapping {
    let mut pairs: Vec<(Value, Value)> = entry.into_iter().collect();
    pairs.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
    pairs.into_iter().collect()
}

fn read_index(path: &Path) -> Result<Mapping> {
    let text = crate::input::read_text(path, path, crate::input::stream_limit())?;
    crate::yaml::parse_mapping(&text, crate::yaml::Schema::Core, &path.display().to_string())
}

/// The `entries` of an index: chart name to its version entries.
fn entries_of(index: &Mapping) -> Vec<(String, Vec<Mapping>)> {
    let Some(Value::Mapping(entries)) = index.get("entries") else { return Vec::new() };
    entries
        .iter()
        .filter_map(|(name, list)| {
            let list = list.as_sequence()?.iter().filter_map(|e| e.as_mapping().cloned()).collect();
            Some((name.as_str()?.to_string(), list))
        })
        .collect()
}

fn field(entry: &Mapping, key: &str) -> String {
    match entry.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn version_of(entry: &Mapping) -> Option<semver::Version> {
    semver::Version::parse(&field(entry, "version")).ok()
}
