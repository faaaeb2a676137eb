//! Reading a chart directory: a sorted walk confined to the chart root, with Helm's size
//! limits, `.helmignore`, and subcharts from `charts/` and `file://` dependencies.

use super::{Chart, Ignore, MAX_CHART_SIZE, MAX_FILE_SIZE, Metadata, Subchart, TemplateSource};
use anyhow::{Context, Result, anyhow, bail};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Loads the chart at `dir`; `stack` holds the charts being loaded above it, to catch
/// `file://` cycles.
pub(super) fn load_dir(dir: &Path, stack: &mut Vec<PathBuf>) -> Result<Chart> {
    let root =
        fs::canonicalize(dir).with_context(|| format!("cannot open chart directory {}", dir.display()))?;
    if !root.is_dir() {
        bail!("{} is not a chart directory", dir.display());
    }
    if stack.contains(&root) {
        let chain: Vec<String> = stack.iter().chain([&root]).map(|p| p.display().to_string()).collect();
        bail!("dependency cycle: {}", chain.join(" -> "));
    }
    stack.push(root.clone());
    let result = load_root(dir, &root, stack);
    stack.pop();
    result
}

fn load_root(dir: &Path, root: &Path, stack: &mut Vec<PathBuf>) -> Result<Chart> {
    let chart_yaml_path = dir.join("Chart.yaml");
    let chart_yaml = read_text(&root.join("Chart.yaml"), &chart_yaml_path)?;
    let meta =
        Metadata::parse(&chart_yaml).with_context(|| format!("invalid {}", chart_yaml_path.display()))?;
    let ignore = match fs::read_to_string(root.join(".helmignore")) {
        Ok(text) => {
            Ignore::parse(&text).with_context(|| format!("invalid {}", dir.join(".helmignore").display()))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ignore::parse("")?,
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", dir.join(".helmignore").display()));
        }
    };
    let walked = walk(dir, root, &ignore)?;
    let values = serde_yaml::Mapping::new();
    let mut chart = Chart {
        meta,
        dir: dir.to_path_buf(),
        chart_yaml,
        values_yaml: String::new(),
        values,
        templates: Vec::new(),
        files: Default::default(),
        subcharts: Vec::new(),
    };
    sort_files(&mut chart, walked, dir)?;
    if chart.meta.is_library() {
        chart.templates.retain(|t| !t.is_rendered());
    }
    chart.subcharts = load_subcharts(&chart, root, &ignore, stack)?;
    Ok(chart)
}

/// Puts each walked file where it belongs: values, templates, or the other files.
fn sort_files(chart: &mut Chart, walked: Vec<(String, Vec<u8>)>, dir: &Path) -> Result<()> {
    let mut files = BTreeMap::new();
    for (path, bytes) in walked {
        let shown = dir.join(&path);
        match path.as_str() {
            "Chart.yaml" | "Chart.lock" | "values.schema.json" => {}
            "values.yaml" => {
                let text = utf8(bytes, &shown)?;
                chart.values = crate::yaml::parse_mapping(&text)
                    .with_context(|| format!("invalid {}", shown.display()))?;
                chart.values_yaml = text;
            }
            _ => match path.strip_prefix("templates/") {
                Some(rel) => {
                    chart.templates.push(TemplateSource { path: rel.to_string(), text: utf8(bytes, &shown)? })
                }
                None => {
                    files.insert(path, bytes);
                }
            },
        }
    }
    chart.files = std::sync::Arc::new(files);
    Ok(())
}

/// Every file of the chart except `charts/`, sorted by path, with its bytes.
fn walk(dir: &Path, root: &Path, ignore: &Ignore) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let mut total = 0u64;
    let walker = WalkDir::new(root).follow_links(true).sort_by_file_name().min_depth(1).into_iter();
    let walker = walker.filter_entry(|entry| {
        let rel = relative(root, entry.path());
        let is_dir = entry.file_type().is_dir();
        let vendored_charts = is_dir && rel == "charts";
        !vendored_charts && !ignore.is_ignored(&rel, is_dir)
    });
    for entry in walker {
        let entry = entry.map_err(|e| walk_error(dir, root, e))?;
        let rel = relative(root, entry.path());
        let shown = dir.join(&rel);
        if entry.path_is_symlink() {
            ensure_inside(root, entry.path(), &shown)?;
        }
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            bail!(
                "{}: not a regular file (devices, sockets and FIFOs are not allowed in charts)",
                shown.display()
            );
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        check_size(size, &mut total, &shown)?;
        let bytes = fs::read(entry.path()).with_context(|| format!("cannot read {}", shown.display()))?;
        files.push((rel, bytes));
    }
    Ok(files)
}

fn walk_error(dir: &Path, root: &Path, error: walkdir::Error) -> anyhow::Error {
    let path = error.path().map(|p| dir.join(relative(root, p)));
    let shown = path.map(|p| p.display().to_string()).unwrap_or_else(|| dir.display().to_string());
    match error.loop_ancestor() {
        Some(_) => anyhow!("{shown}: symlink loop"),
        None => anyhow!(
            "{shown}: {}",
            error.io_error().map(ToString::to_string).unwrap_or_else(|| error.to_string())
        ),
    }
}

fn check_size(size: u64, total: &mut u64, shown: &Path) -> Result<()> {
    if size > MAX_FILE_SIZE {
        bail!("{}: file is {size} bytes, over the limit of {MAX_FILE_SIZE} bytes", shown.display());
    }
    *total += size;
    if *total > MAX_CHART_SIZE {
        bail!("{}: the chart's files exceed the limit of {MAX_CHART_SIZE} bytes", shown.display());
    }
    Ok(())
}

/// A symlink may point anywhere inside the chart root, and nowhere else.
fn ensure_inside(root: &Path, path: &Path, shown: &Path) -> Result<()> {
    let target = fs::canonicalize(path).with_context(|| format!("{}: broken symlink", shown.display()))?;
    if !target.starts_with(root) {
        bail!("{}: symlink leads outside the chart (to {})", shown.display(), target.display());
    }
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

pub(super) fn read_text(path: &Path, shown: &Path) -> Result<String> {
    let metadata = fs::metadata(path).with_context(|| format!("cannot read {}", shown.display()))?;
    check_size(metadata.len(), &mut 0, shown)?;
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", shown.display()))?;
    utf8(bytes, shown)
}

fn utf8(bytes: Vec<u8>, shown: &Path) -> Result<String> {
    let mut text =
        String::from_utf8(bytes).map_err(|e| anyhow!("{}: not UTF-8 text ({e})", shown.display()))?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// Subcharts: each `dependencies` entry (from `file://` or `charts/`), then every
/// unlisted chart directory in `charts/`.
fn load_subcharts(
    parent: &Chart,
    root: &Path,
    ignore: &Ignore,
    stack: &mut Vec<PathBuf>,
) -> Result<Vec<Subchart>> {
    let mut vendored = load_vendored(parent, root, ignore, stack)?;
    let mut subcharts = Vec::new();
    for dep in &parent.meta.dependencies {
        let mut chart = match dep.file_path() {
            Some(path) => load_dir(&parent.dir.join(path), stack).with_context(|| {
                format!("cannot load dependency {:?} of {}", dep.name, parent.dir.display())
            })?,
            None => match vendored.iter().find(|c| c.meta.name == dep.name) {
                Some(chart) => chart.clone(),
                None => bail!(
                    "{}: dependency {:?} is listed in Chart.yaml but missing: not in charts/ and its repository is not file://",
                    parent.dir.display(),
                    dep.name
                ),
            },
        };
        check_version(dep, &chart, parent)?;
        chart.meta.name = dep.key().to_string();
        subcharts.push(Subchart { chart, condition: dep.condition.clone(), tags: dep.tags.clone() });
    }
    vendored.retain(|c| !parent.meta.dependencies.iter().any(|dep| dep.name == c.meta.name));
    subcharts.extend(vendored.into_iter().map(|chart| Subchart { chart, condition: None, tags: Vec::new() }));
    Ok(subcharts)
}

/// Unlike Helm, which silently drops the alias and condition of a dependency whose
/// version does not match, this is an error.
fn check_version(dep: &super::Dependency, chart: &Chart, parent: &Chart) -> Result<()> {
    let Some(range) = &dep.version else {
        return Ok(());
    };
    let constraint = super::parse_constraint(range)?;
    let version = semver::Version::parse(&chart.meta.version)?;
    if !super::satisfies(&constraint, &version) {
        bail!(
            "{}: dependency {:?} requires version {range:?}, but {} has version {}",
            parent.dir.join("Chart.yaml").display(),
            dep.name,
            chart.dir.display(),
            chart.meta.version
        );
    }
    Ok(())
}

/// The chart directories under `charts/` (names starting with `_` or `.` are skipped).
fn load_vendored(
    parent: &Chart,
    root: &Path,
    ignore: &Ignore,
    stack: &mut Vec<PathBuf>,
) -> Result<Vec<Chart>> {
    let charts_dir = root.join("charts");
    if !charts_dir.is_dir() || ignore.is_ignored("charts", true) {
        return Ok(Vec::new());
    }
    let mut names: Vec<String> = fs::read_dir(&charts_dir)
        .with_context(|| format!("cannot read {}", parent.dir.join("charts").display()))?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot read {}", parent.dir.join("charts").display()))?;
    names.sort();
    let mut charts = Vec::new();
    for name in names {
        let shown = parent.dir.join("charts").join(&name);
        let rel = format!("charts/{name}");
        if name.starts_with(['_', '.'])
            || ignore.is_ignored(&rel, charts_dir.join(&name).is_dir())
            || name.ends_with(".prov")
        {
            continue;
        }
        if name.ends_with(".tgz") {
            bail!(
                "{}: packaged subcharts (.tgz) are not supported yet; unpack it or use a file:// dependency",
                shown.display()
            );
        }
        let path = charts_dir.join(&name);
        ensure_inside(root, &path, &shown)?;
        if !path.is_dir() {
            bail!("{}: not a chart directory (expected charts/<name>/Chart.yaml)", shown.display());
        }
        charts.push(load_dir(&shown, stack)?);
    }
    Ok(charts)
}
