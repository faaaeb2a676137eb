//! Packaging: a chart directory becomes a Helm chart archive, `<name>-<version>.tgz`,
//! that is the same byte for byte whenever the same chart is packaged, on any machine.
//!
//! Layout: one top directory `<name>/` with the chart's files (`.helmignore` applied),
//! its `charts/` subcharts, and each `file://` dependency vendored under
//! `charts/<alias or name>/`, so the archive is self-contained. Entries are sorted by
//! path; each is a regular file with uid/gid 0, no user or group names, mode 0644 (0755
//! if executable) and one fixed modification time; there are no directory entries. The
//! gzip header has no time and no file name.

use crate::chart::{Chart, Metadata};
use anyhow::{Context, Result, anyhow, bail};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Modification time of every entry when `SOURCE_DATE_EPOCH` is not set:
/// 1980-01-01T00:00:00Z, the earliest time ZIP-based tools accept.
pub const DEFAULT_MTIME: u64 = 315_532_800;

/// How to package.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Replaces the chart's `version` (must be semver).
    pub version: Option<String>,
    /// Replaces the chart's `appVersion`.
    pub app_version: Option<String>,
    /// Modification time of every entry, in seconds since the epoch.
    pub mtime: u64,
}

/// A written archive.
#[derive(Debug, Clone, PartialEq)]
pub struct Packaged {
    pub path: PathBuf,
    /// Hex sha256 of the archive.
    pub sha256: String,
}

/// One file of the archive, below the top directory.
#[derive(Debug, Clone)]
struct Entry {
    bytes: Vec<u8>,
    executable: bool,
}

/// Packages the chart in `dir` into `dest` and returns the archive's path and digest.
pub fn package(dir: &Path, dest: &Path, options: &Options) -> Result<Packaged> {
    let (name, bytes) = archive(dir, options)?;
    let path = dest.join(name);
    crate::atomic::write(&path, &bytes)?;
    Ok(Packaged { path, sha256: hex_sha256(&bytes) })
}

/// The archive of the chart in `dir`: its file name and its bytes, built from the
/// loaded chart (one walk: the loader's `.helmignore`, confinement and size rules).
pub fn archive(dir: &Path, options: &Options) -> Result<(String, Vec<u8>)> {
    if dir.is_file() {
        bail!("{}: already an archive; package a chart directory", dir.display());
    }
    let chart = Chart::load(dir)?;
    let mut entries = BTreeMap::new();
    collect(&chart, "", &mut entries)?;
    let chart_yaml = chart_yaml(&chart, options)?;
    let meta = Metadata::parse(&chart_yaml, &dir.join("Chart.yaml").display().to_string())?;
    entries.insert("Chart.yaml".to_string(), Entry { bytes: chart_yaml.into_bytes(), executable: false });
    let file_name = archive_name(&meta)?;
    let tar = write_tar(&meta.name, &entries, options.mtime)?;
    Ok((file_name, gzip(&tar)?))
}

/// `Chart.yaml` as written (or rewritten with `--version` / `--app-version`, comments
/// then lost), with the annotation that says its template dialect
/// (`rudder.dev/templates: tera` or `go`), for other tools and people (`helm show chart`
/// prints it) and so that the archive is read in the dialect it was packaged in.
fn chart_yaml(chart: &Chart, options: &Options) -> Result<String> {
    let text = versioned_chart_yaml(chart, options)?;
    annotate(&text, &chart.dir.join("Chart.yaml").display().to_string(), chart.dialect()?.name())
}

/// `text` with the dialect annotation set to `value`: a line added to a block
/// `annotations:` map or a new map at the end, so the rest stays as written; a
/// flow-style map is written out again.
fn annotate(text: &str, shown: &str, value: &str) -> Result<String> {
    let key = crate::chart::DIALECT_ANNOTATION;
    let mut map = crate::yaml::parse_mapping(text, crate::yaml::Schema::Core, shown)?;
    let annotations = map.get("annotations");
    if annotations.and_then(|a| a.get(key)).and_then(|v| v.as_str()) == Some(value) {
        return Ok(text.to_string());
    }
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("annotations:") && l[12..].trim_start().is_empty());
    let edited = match (annotations, at) {
        (None | Some(serde_yaml::Value::Null), None) => {
            let end = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
            Some(format!("{text}{end}annotations:\n  {key}: {value}\n"))
        }
        (Some(serde_yaml::Value::Mapping(_)), Some(at)) => {
            let next =
                lines[at + 1..].iter().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
            let indent = next.map_or(0, |l| l.len() - l.trim_start().len());
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            out.insert(at + 1, format!("{}{key}: {value}", " ".repeat(indent.max(1))));
            Some(out.join("\n") + "\n")
        }
        _ => None,
    };
    if let Some(edited) = edited
        && crate::yaml::parse_mapping(&edited, crate::yaml::Schema::Core, shown).is_ok_and(|m| {
            m.get("annotations").and_then(|a| a.get(key)).and_then(|v| v.as_str()) == Some(value)
        })
    {
        return Ok(edited);
    }
    let mut annotations = match map.get("annotations") {
        Some(serde_yaml::Value::Mapping(existing)) => existing.clone(),
        _ => serde_yaml::Mapping::new(),
    };
    annotations.insert(key.into(), value.into());
    map.insert("annotations".into(), serde_yaml::Value::Mapping(annotations));
    Ok(crate::yaml::to_string(&serde_yaml::Value::Mapping(map)))
}

/// `Chart.yaml` as written, or rewritten with `--version` / `--app-version`.
fn versioned_chart_yaml(chart: &Chart, options: &Options) -> Result<String> {
    if options.version.is_none() && options.app_version.is_none() {
        return Ok(chart.chart_yaml.clone());
    }
    let mut map = crate::yaml::parse_mapping(
        &chart.chart_yaml,
        crate::yaml::Schema::Core,
        &chart.dir.join("Chart.yaml").display().to_string(),
    )?;
    if let Some(version) = &options.version {
        semver::Version::parse(version)
            .map_err(|e| anyhow!("--version {version:?} is not a semantic version: {e}"))?;
        map.insert("version".into(), version.as_str().into());
    }
    if let Some(app_version) = &options.app_version {
        map.insert("appVersion".into(), app_version.as_str().into());
    }
    Ok(crate::yaml::to_string(&serde_yaml::Value::Mapping(map)))
}

/// `<name>-<version>.tgz`, refused unless it is a plain file name.
fn archive_name(meta: &Metadata) -> Result<String> {
    let name = format!("{}-{}.tgz", meta.name, meta.version);
    let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'));
    if !plain || name.starts_with('.') || name.contains("..") {
        bail!("the archive name {name:?} (from the chart's name and version) is not a plain file name");
    }
    Ok(name)
}

/// Adds the files of a loaded chart under `prefix`: its own files, its `charts/`
/// entries (directories recursively, archives as they are), and its `file://`
/// dependencies under `charts/<alias or name>/`.
fn collect(chart: &Chart, prefix: &str, entries: &mut BTreeMap<String, Entry>) -> Result<()> {
    for file in chart.sources.iter() {
        let entry = Entry { bytes: file.bytes.clone(), executable: file.executable };
        entries.insert(format!("{prefix}{}", file.path), entry);
    }
    for sub in &chart.subcharts {
        match (&sub.entry, &sub.chart.archive) {
            (Some(name), Some(bytes)) => {
                let entry = Entry { bytes: bytes.to_vec(), executable: false };
                entries.insert(format!("{prefix}charts/{name}"), entry);
            }
            (Some(name), None) => collect(&sub.chart, &format!("{prefix}charts/{name}/"), entries)?,
            (None, _) => {
                let key = sub.chart.name();
                if chart.vendored.iter().any(|name| name == key) {
                    bail!(
                        "{}: dependency {key:?} is both a file:// dependency and charts/{key}; remove one",
                        chart.dir.join("Chart.yaml").display()
                    );
                }
                collect(&sub.chart, &format!("{prefix}charts/{key}/"), entries)?;
            }
        }
    }
    Ok(())
}

fn write_tar(top: &str, entries: &BTreeMap<String, Entry>, mtime: u64) -> Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, entry) in entries {
        if let Some(problem) = crate::chart::entry_problem(&format!("{top}/{path}")) {
            bail!(
                "{path}: cannot be archived: {problem} (rudder and helm refuse such an entry when reading)"
            );
        }
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(if entry.executable { 0o755 } else { 0o644 });
        header.set_uid(0);
        header.set_gid(0);
        header.set_username("")?;
        header.set_groupname("")?;
        header.set_mtime(mtime);
        header.set_size(entry.bytes.len() as u64);
        builder
            .append_data(&mut header, format!("{top}/{path}"), entry.bytes.as_slice())
            .with_context(|| format!("cannot add {path} to the archive"))?;
    }
    Ok(builder.into_inner()?)
}

/// Gzip with a fixed header: no modification time, no file name, OS "unknown".
fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// Lowercase hex sha256 of `bytes`.
pub fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod annotation_tests {
    use super::annotate;

    fn annotated(text: &str) -> String {
        annotate(text, "Chart.yaml", "tera").unwrap()
    }

    #[test]
    fn the_engine_annotation_is_added_keeping_the_text() {
        assert_eq!(
            annotated("# mine\napiVersion: v2\nname: a\nversion: 1.0.0"),
            "# mine\napiVersion: v2\nname: a\nversion: 1.0.0\nannotations:\n  rudder.dev/templates: tera\n"
        );
        assert_eq!(
            annotated("name: a\nannotations:\n    # team\n    owner: x\nversion: 1.0.0\n"),
            "name: a\nannotations:\n    rudder.dev/templates: tera\n    # team\n    owner: x\nversion: 1.0.0\n"
        );
        let once = annotated("name: a\n");
        assert_eq!(annotated(&once), once, "already annotated: unchanged");
    }

    #[test]
    fn flow_and_other_annotation_values_are_written_out_again() {
        assert_eq!(
            annotated("name: a\nannotations: {owner: x}\n"),
            "name: a\nannotations:\n  owner: x\n  rudder.dev/templates: tera\n"
        );
        assert_eq!(
            annotated("name: a\nannotations:\n  rudder.dev/templates: go\n"),
            "name: a\nannotations:\n  rudder.dev/templates: tera\n"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_must_be_plain() {
        let meta = |name: &str, version: &str| Metadata {
            name: name.into(),
            version: version.into(),
            ..Metadata::default()
        };
        assert_eq!(archive_name(&meta("web", "1.2.3+build.1")).unwrap(), "web-1.2.3+build.1.tgz");
        assert!(archive_name(&meta("../web", "1.0.0")).is_err());
        assert!(archive_name(&meta("web", "1.0.0/../../x")).is_err());
        assert!(archive_name(&meta(".web", "1")).is_err());
    }

    #[test]
    fn gzip_header_has_no_time_or_name() {
        let bytes = gzip(b"hello").unwrap();
        assert_eq!(&bytes[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    }
}
