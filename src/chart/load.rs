//! Reading a chart from a directory (a sorted walk confined to the chart root, with Helm's
//! size limits and `.helmignore`) or from a `.tgz` archive (in memory), with subcharts
//! from `charts/` (directories or archives) and `file://` dependencies.

use super::archive;
use super::{Chart, Dependency, Ignore, Metadata, Subchart, TemplateSource, max_chart_size, max_file_size};
use anyhow::{Context, Result, anyhow, bail};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Loads the chart at `path`: a directory, or a file holding a chart archive.
pub(super) fn load_path(path: &Path, stack: &mut Vec<PathBuf>) -> Result<Chart> {
    if !path.exists() {
        let what = match looks_like_archive(path) {
            true => "chart archive",
            false => "chart directory",
        };
        bail!("{}: no such {what}", path.display());
    }
    if path.is_file() { load_archive_file(path) } else { load_dir(path, stack) }
}

/// True for a path named as a chart archive is (`.tgz`, `.tar.gz`).
fn looks_like_archive(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

/// Loads a chart archive file, in memory.
fn load_archive_file(path: &Path) -> Result<Chart> {
    let size = fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len();
    if size > max_chart_size() {
        bail!(
            "{}: the archive is {size} bytes, over the limit of {} bytes",
            path.display(),
            max_chart_size()
        );
    }
    let bytes = crate::input::read(path, path, max_chart_size())?;
    let shown = path.display().to_string();
    if !archive::is_gzip(&bytes) {
        let hint = if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            " (it looks like a YAML file; pass the chart's directory or a .tgz archive)"
        } else {
            ""
        };
        bail!("{shown}: not a chart directory or a gzipped chart archive{hint}");
    }
    let mut budget = archive::Budget::default();
    let files = archive::read(&bytes, &shown, &mut budget)?;
    let mut chart = load_files(path, files.files, &mut budget)?;
    chart.archive = Some(std::sync::Arc::new(bytes));
    Ok(chart)
}

/// Loads a chart from files in memory (the contents of an archive, below its top
/// directory). `.helmignore` is not applied, as in Helm; subcharts come from
/// `charts/<name>/` and `charts/*.tgz`.
fn load_files(shown: &Path, files: Vec<(String, Vec<u8>)>, budget: &mut archive::Budget) -> Result<Chart> {
    budget.take_chart(&shown.display().to_string())?;
    let mut own = Vec::new();
    let mut sub_dirs: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    let mut sub_archives = Vec::new();
    for (path, bytes) in files {
        let Some(rest) = path.strip_prefix("charts/") else {
            own.push((path, bytes));
            continue;
        };
        match rest.split_once('/') {
            Some((name, _)) if name.starts_with(['_', '.']) => {}
            Some((name, inner)) => {
                sub_dirs.entry(name.to_string()).or_default().push((inner.to_string(), bytes))
            }
            None if rest.ends_with(".tgz") && !rest.starts_with(['_', '.']) => {
                sub_archives.push((rest.to_string(), bytes))
            }
            None => {}
        }
    }
    own.sort_by(|a, b| a.0.cmp(&b.0));
    let chart_yaml = match own.iter().find(|(path, _)| path == "Chart.yaml") {
        Some((_, bytes)) => utf8(bytes.clone(), &shown.join("Chart.yaml"))?,
        None => bail!("{}: Chart.yaml is missing", shown.display()),
    };
    let meta = parse_metadata(&chart_yaml, shown)?;
    let mut chart = assemble(shown, chart_yaml, meta, own, None)?;
    let mut vendored = Vec::new();
    for (name, files) in sub_dirs {
        vendored.push((name.clone(), load_files(&shown.join("charts").join(name), files, budget)?));
    }
    sub_archives.sort();
    for (name, bytes) in sub_archives {
        let nested = shown.join("charts").join(&name);
        let files = archive::read(&bytes, &nested.display().to_string(), budget)?;
        let mut sub = load_files(&nested, files.files, budget)?;
        sub.archive = Some(std::sync::Arc::new(bytes));
        vendored.push((name, sub));
    }
    chart.subcharts = resolve_subcharts(&chart, vendored, &mut |_, _| Ok(None))?;
    Ok(chart)
}

fn parse_metadata(chart_yaml: &str, dir: &Path) -> Result<Metadata> {
    Metadata::parse(chart_yaml, &dir.join("Chart.yaml").display().to_string())
}

/// A chart (without subcharts yet) from its metadata and its files: values, templates
/// (only partials for a library chart) and the other files.
fn assemble(
    dir: &Path,
    chart_yaml: String,
    mut meta: Metadata,
    files: Vec<(String, Vec<u8>)>,
    early: Option<EarlyValues>,
) -> Result<Chart> {
    super::LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut notices = Vec::new();
    if let Some((_, bytes)) = files.iter().find(|(path, _)| path == "requirements.yaml") {
        let shown = dir.join("requirements.yaml");
        meta.read_requirements(&utf8(bytes.clone(), &shown)?, &shown.display().to_string())?;
        notices.push(requirements_notice(&meta, dir));
    } else if meta.is_v1() {
        notices.push(format!(
            "{}: an apiVersion v1 (Helm 2) chart; rudder reads it as Helm does, and `apiVersion: v2` is the current format",
            dir.join("Chart.yaml").display()
        ));
    }
    let mut chart = Chart { chart_yaml, notices, ..Chart::empty(meta, dir) };
    sort_files(&mut chart, files, dir, early)?;
    if chart.meta.is_library() {
        chart.templates.retain(|t| !t.is_rendered());
    }
    Ok(chart)
}

/// What to tell the user about a chart whose dependencies come from `requirements.yaml`.
fn requirements_notice(meta: &Metadata, dir: &Path) -> String {
    let file = dir.join("requirements.yaml");
    match meta.is_v1() {
        true => format!(
            "{}: an apiVersion v1 (Helm 2) chart: its dependencies are read from requirements.yaml, as Helm reads them; with `apiVersion: v2` they belong under `dependencies` in Chart.yaml",
            file.display()
        ),
        false => format!(
            "{}: dependencies are handled in Chart.yaml since apiVersion v2; rudder reads these, as Helm does, but they should move to Chart.yaml",
            file.display()
        ),
    }
}

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
    let ignore = read_ignore(dir, root)?;
    let (sources, early) = match early_values_file(root) {
        Some(file) => {
            crate::parallel::pool();
            rayon::join(|| walk(dir, root, &ignore), || EarlyValues::read(&file, dir))
        }
        None => (walk(dir, root, &ignore), None),
    };
    let sources = sources?;
    let walked: Vec<(String, Vec<u8>)> = sources.iter().map(|f| (f.path.clone(), f.bytes.clone())).collect();
    let chart_yaml = match walked.iter().find(|(path, _)| path == "Chart.yaml") {
        Some((_, bytes)) => utf8(bytes.clone(), &dir.join("Chart.yaml"))?,
        None => read_text(&root.join("Chart.yaml"), &dir.join("Chart.yaml"))?,
    };
    let meta = parse_metadata(&chart_yaml, dir)?;
    let mut chart = assemble(dir, chart_yaml, meta, walked, early)?;
    chart.sources = std::sync::Arc::new(sources);
    chart.vendored = vendored_names(dir, root, &ignore)?;
    chart.subcharts = load_subcharts(&chart, root, &ignore, stack)?;
    Ok(chart)
}

fn read_ignore(dir: &Path, root: &Path) -> Result<Ignore> {
    let (path, shown) = (root.join(".helmignore"), dir.join(".helmignore"));
    if !path.exists() {
        return Ignore::parse("", ".helmignore");
    }
    Ignore::parse(&read_text(&path, &shown)?, &shown.display().to_string())
}

/// Puts each walked file where it belongs: values, templates, or the other files.
fn sort_files(
    chart: &mut Chart,
    walked: Vec<(String, Vec<u8>)>,
    dir: &Path,
    mut early: Option<EarlyValues>,
) -> Result<()> {
    let mut files = BTreeMap::new();
    for (path, bytes) in walked {
        let shown = dir.join(&path);
        match path.as_str() {
            "Chart.yaml" | "Chart.lock" => {}
            "requirements.yaml" | "requirements.lock" if !chart.meta.is_v1() => {}
            "values.schema.json" => chart.schema = Some(bytes),
            "values.yaml" => {
                let text = utf8(bytes, &shown)?;
                chart.values = match early.take() {
                    Some(early) if early.bytes == text.as_bytes() => early.parsed?,
                    _ => parse_values(&text, &shown)?,
                };
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

fn parse_values(text: &str, shown: &Path) -> Result<serde_yaml::Mapping> {
    crate::yaml::parse_mapping(text, crate::yaml::Schema::Kube, &shown.display().to_string())
}

/// The smallest `values.yaml` worth parsing while the rest of its chart is read.
const EARLY_VALUES_FROM: u64 = 64 * 1024;

/// A chart directory's `values.yaml` read and parsed while the walk reads the chart's
/// other files (its parse is the longest single step of loading a big chart). The walk
/// still decides what the chart holds: the early parse is used only when the walk read
/// the same bytes.
struct EarlyValues {
    bytes: Vec<u8>,
    parsed: Result<serde_yaml::Mapping>,
}

/// `root/values.yaml` if it is a regular file (not a symlink) big enough to read early.
fn early_values_file(root: &Path) -> Option<PathBuf> {
    let path = root.join("values.yaml");
    let metadata = fs::symlink_metadata(&path).ok()?;
    let size = metadata.len();
    (metadata.is_file() && (EARLY_VALUES_FROM..=max_file_size()).contains(&size)).then_some(path)
}

impl EarlyValues {
    fn read(path: &Path, dir: &Path) -> Option<EarlyValues> {
        let shown = dir.join("values.yaml");
        let bytes = crate::input::read(path, &shown, max_file_size()).ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        let parsed = parse_values(text, &shown);
        Some(EarlyValues { bytes, parsed })
    }
}

/// A file of a chart directory, as packaging needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// `/`-separated path below the chart directory.
    pub path: String,
    pub bytes: Vec<u8>,
    /// True if any execute bit is set.
    pub executable: bool,
}

/// Every file of the chart except `charts/`, sorted by path, with its bytes.
fn walk(dir: &Path, root: &Path, ignore: &Ignore) -> Result<Vec<SourceFile>> {
    let mut found = Vec::new();
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
        if rel.chars().any(char::is_control) {
            bail!(
                "{}: control characters are not allowed in file names",
                crate::present::terminal_safe(&shown.display().to_string())
            );
        }
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
        let metadata = entry.metadata().ok();
        check_size(metadata.as_ref().map_or(0, fs::Metadata::len), &mut total, &shown)?;
        let executable = metadata.as_ref().is_some_and(is_executable);
        found.push((rel, entry.into_path(), shown, executable));
    }
    // Read in parallel (a big chart has thousands of files); errors in walk order.
    let read: Vec<Result<SourceFile>> =
        crate::parallel::map_owned(found, |(path, full, shown, executable)| {
            let bytes = crate::input::read(&full, &shown, max_file_size())?;
            Ok(SourceFile { path, bytes, executable })
        });
    read.into_iter().collect()
}

#[cfg(unix)]
fn is_executable(metadata: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &fs::Metadata) -> bool {
    false
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
    if size > max_file_size() {
        bail!("{}: file is {size} bytes, over the limit of {} bytes", shown.display(), max_file_size());
    }
    *total += size;
    if *total > max_chart_size() {
        bail!("{}: the chart's files exceed the limit of {} bytes", shown.display(), max_chart_size());
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
    crate::input::read_text(path, shown, max_file_size())
}

fn utf8(bytes: Vec<u8>, shown: &Path) -> Result<String> {
    crate::input::text(bytes, &shown.display().to_string())
}

/// Subcharts of a chart directory: `charts/` entries and `file://` dependencies.
fn load_subcharts(
    parent: &Chart,
    root: &Path,
    ignore: &Ignore,
    stack: &mut Vec<PathBuf>,
) -> Result<Vec<Subchart>> {
    let vendored = load_vendored(parent, root, ignore, stack)?;
    resolve_subcharts(parent, vendored, &mut |dep, path| {
        load_dir(&parent.dir.join(path), stack)
            .with_context(|| format!("cannot load dependency {:?} of {}", dep.name, parent.dir.display()))
            .map(Some)
    })
}

/// Matches `dependencies` with charts: each entry's `file://` chart (when
/// `load_file_dependency` loads one), else the vendored chart of that name; then every
/// vendored chart no entry names.
fn resolve_subcharts(
    parent: &Chart,
    vendored: Vec<(String, Chart)>,
    load_file_dependency: &mut dyn FnMut(&Dependency, &str) -> Result<Option<Chart>>,
) -> Result<Vec<Subchart>> {
    let mut subcharts = Vec::new();
    let dependencies = &parent.meta.dependencies;
    let mut slots: Vec<(String, Option<Chart>)> = vendored.into_iter().map(|(e, c)| (e, Some(c))).collect();
    for (index, dep) in dependencies.iter().enumerate() {
        let from_file = match dep.file_path() {
            Some(path) => load_file_dependency(dep, path)?,
            None => None,
        };
        // A vendored chart is moved to the last entry that may use it, cloned before.
        let used_later = dependencies[index + 1..].iter().any(|later| later.name == dep.name);
        let (mut chart, entry) = match from_file {
            Some(chart) => (chart, None),
            None => match slots.iter_mut().find(|(_, c)| c.as_ref().is_some_and(|c| c.meta.name == dep.name))
            {
                Some((entry, chart)) if used_later => (chart.clone().expect("found"), Some(entry.clone())),
                Some((entry, chart)) => (chart.take().expect("found"), Some(entry.clone())),
                None if dep.file_path().is_some() => bail!(
                    "{}: dependency {:?} ({}) is not vendored in the archive's charts/",
                    parent.dir.display(),
                    dep.name,
                    dep.repository.as_deref().unwrap_or_default()
                ),
                None => bail!(
                    "{}: dependency {:?} is listed in Chart.yaml but missing: not in charts/ and its repository is not file://",
                    parent.dir.display(),
                    dep.name
                ),
            },
        };
        check_version(dep, &chart, parent)?;
        chart.meta.name = dep.key().to_string();
        subcharts.push(Subchart {
            chart,
            condition: dep.condition.clone(),
            tags: dep.tags.clone(),
            listed: true,
            imports: dep.import_rules(),
            entry,
        });
    }
    let listed: std::collections::HashSet<&str> = dependencies.iter().map(|dep| dep.name.as_str()).collect();
    let unlisted = slots.into_iter().filter_map(|(entry, chart)| Some((entry, chart?)));
    let unlisted = unlisted.filter(|(_, chart)| !listed.contains(chart.meta.name.as_str()));
    subcharts.extend(unlisted.map(|(entry, chart)| Subchart {
        chart,
        condition: None,
        tags: Vec::new(),
        listed: false,
        imports: Vec::new(),
        entry: Some(entry),
    }));
    Ok(subcharts)
}

/// Unlike Helm, which silently drops the alias and condition of a dependency whose
/// version does not match, this is an error.
fn check_version(dep: &Dependency, chart: &Chart, parent: &Chart) -> Result<()> {
    let Some(range) = &dep.version else {
        return Ok(());
    };
    let constraint = super::parse_constraint(range)?;
    let version = super::lenient_version(&chart.meta.version)?;
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

/// The names under `charts/` that are subcharts: not starting with `_` or `.`, not
/// `.prov` files, not ignored; sorted.
fn vendored_names(dir: &Path, root: &Path, ignore: &Ignore) -> Result<Vec<String>> {
    let charts_dir = root.join("charts");
    if !charts_dir.is_dir() || ignore.is_ignored("charts", true) {
        return Ok(Vec::new());
    }
    let shown = dir.join("charts");
    let mut names: Vec<String> = fs::read_dir(&charts_dir)
        .with_context(|| format!("cannot read {}", shown.display()))?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot read {}", shown.display()))?;
    names.sort();
    names.retain(|name| {
        !name.starts_with(['_', '.'])
            && !name.ends_with(".prov")
            && !ignore.is_ignored(&format!("charts/{name}"), charts_dir.join(name).is_dir())
    });
    Ok(names)
}

/// The subcharts under `charts/`: directories and `.tgz` archives.
fn load_vendored(
    parent: &Chart,
    root: &Path,
    ignore: &Ignore,
    stack: &[PathBuf],
) -> Result<Vec<(String, Chart)>> {
    // Subcharts load in parallel (an umbrella may have thousands, or a few big ones: most of
    // a chart's load is parsing its values, so a subchart weighs a unit per 2 KiB of its
    // values.yaml or archive); errors in name order.
    let names = vendored_names(&parent.dir, root, ignore)?;
    let charts_dir = root.join("charts");
    let weight = |name: &String| {
        let file = match name.ends_with(".tgz") {
            true => charts_dir.join(name),
            false => charts_dir.join(name).join("values.yaml"),
        };
        // A symlink or anything odd weighs one; the load itself checks and refuses it.
        let bytes = fs::symlink_metadata(&file).ok().filter(fs::Metadata::is_file).map_or(0, |m| m.len());
        1 + usize::try_from(bytes / 2048).unwrap_or(usize::MAX)
    };
    let loaded: Vec<Result<(String, Chart)>> = crate::parallel::map_owned_weighted(names, weight, |name| {
        let shown = parent.dir.join("charts").join(&name);
        let path = root.join("charts").join(&name);
        ensure_inside(root, &path, &shown)?;
        if name.ends_with(".tgz") && path.is_file() {
            return Ok((name, load_archive_file(&shown)?));
        }
        if !path.is_dir() {
            bail!("{}: not a chart directory (expected charts/<name>/Chart.yaml)", shown.display());
        }
        let chart = load_dir(&shown, &mut stack.to_vec())?;
        Ok((name, chart))
    });
    loaded.into_iter().collect()
}
