//! Chart loading: a chart directory or archive becomes an in-memory [`Chart`] with its
//! metadata, default values, templates, other files and resolved subcharts. Nothing
//! after this stage touches the chart's directory again.

mod archive;
mod dialect;
mod ignore;
mod load;
mod metadata;

pub use archive::{
    ArchiveFiles, Budget as ArchiveBudget, MAX_ENTRIES, entry_problem, is_gzip, read as read_archive,
};
pub use dialect::{ANNOTATION as DIALECT_ANNOTATION, Dialect};
pub use ignore::Ignore;
pub use load::SourceFile;
pub use metadata::{
    Dependency, ImportValue, Maintainer, Metadata, lenient_version, parse_constraint, satisfies,
    validate_name,
};

use serde_yaml::Mapping;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How many charts (subcharts included) this process has loaded, for `--debug`.
static LOADS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many charts (subcharts included) this process has loaded so far.
pub fn loads() -> usize {
    LOADS.load(std::sync::atomic::Ordering::Relaxed)
}

/// A chart's files other than templates, values and `Chart.yaml`, by `/`-separated path.
pub type Files = Arc<BTreeMap<String, Vec<u8>>>;

/// Largest file a chart may hold, as in Helm.
pub fn max_file_size() -> u64 {
    crate::limits::FILE_BYTES.get()
}
/// Largest total size of a chart's files, subcharts included, as in Helm.
pub fn max_chart_size() -> u64 {
    crate::limits::CHART_BYTES.get()
}

/// A loaded chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Parsed `Chart.yaml`; for an aliased subchart `name` is the alias.
    pub meta: Metadata,
    /// Where the chart was loaded from, for messages.
    pub dir: PathBuf,
    /// `Chart.yaml` as written.
    pub chart_yaml: String,
    /// `values.yaml` as written (empty if the chart has none).
    pub values_yaml: String,
    /// `values.yaml` parsed.
    pub values: Mapping,
    /// `values.schema.json` as written, if the chart has one.
    pub schema: Option<Vec<u8>>,
    /// Every file under `templates/`, partials included, sorted by path.
    pub templates: Vec<TemplateSource>,
    /// The chart's other files (readable from templates), keyed by `/`-separated path.
    pub files: Files,
    /// Subcharts, in `dependencies` order, then unlisted `charts/` directories by name.
    pub subcharts: Vec<Subchart>,
    /// The chart's own files as loaded (`.helmignore` applied, `charts/` left out), with
    /// their execute bits: what `package` archives.
    pub sources: std::sync::Arc<Vec<SourceFile>>,
    /// The archive's bytes, for a chart loaded from a `.tgz`.
    pub archive: Option<std::sync::Arc<Vec<u8>>>,
    /// The entries under `charts/` that loading used, by name.
    pub vendored: Vec<String>,
    /// What loading this chart has to tell the user (a Helm 2 chart, `requirements.yaml`).
    pub notices: Vec<String>,
}

/// One file under `templates/`.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Path relative to `templates/`, `/`-separated.
    pub path: String,
    pub text: String,
}

impl TemplateSource {
    /// Partials (basename starting with `_`) and `NOTES.txt` are not rendered on their own.
    pub fn is_rendered(&self) -> bool {
        let basename = self.path.rsplit('/').next().unwrap_or(&self.path);
        !basename.starts_with('_') && !basename.ends_with("NOTES.txt")
    }
}

/// A subchart and the switches its parent's `dependencies` entry gives it.
#[derive(Debug, Clone)]
pub struct Subchart {
    pub chart: Chart,
    /// Comma-separated value paths; the first that holds a boolean decides.
    pub condition: Option<String>,
    /// Tag names looked up under the top-level `tags:` values.
    pub tags: Vec<String>,
    /// Its entry under the parent's `charts/` (a directory or a `.tgz`), or `None` for a
    /// `file://` dependency.
    pub entry: Option<String>,
    /// True if the parent's `Chart.yaml` lists it under `dependencies` (false for a
    /// chart that is only in `charts/`). Helm pre-merges the defaults of a chart that has
    /// listed dependencies, which decides some `null` and `global` outcomes.
    pub listed: bool,
    /// The entry's `import-values` rules (none for an unlisted chart).
    pub imports: Vec<ImportValue>,
}

/// Reads a text file with the chart size limit ([`max_file_size`]), dropping a UTF-8 BOM;
/// errors name the file. Values files given on the command line are read with it too.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    load::read_text(path, path)
}

impl Chart {
    /// Loads the chart at `path`, a directory or a `.tgz` archive (read in memory),
    /// resolving `charts/` subcharts and `file://` dependencies.
    pub fn load(path: &Path) -> anyhow::Result<Chart> {
        load::load_path(path, &mut Vec::new())
    }

    /// A chart with `meta`, loaded from `dir`, that holds nothing yet.
    pub fn empty(meta: Metadata, dir: &Path) -> Chart {
        Chart {
            meta,
            dir: dir.to_path_buf(),
            chart_yaml: String::new(),
            values_yaml: String::new(),
            values: Mapping::new(),
            schema: None,
            templates: Vec::new(),
            files: Default::default(),
            subcharts: Vec::new(),
            sources: Default::default(),
            archive: None,
            vendored: Vec::new(),
            notices: Vec::new(),
        }
    }

    /// The notices of the chart and its subcharts, in load order.
    pub fn all_notices(&self) -> Vec<&str> {
        let mut found: Vec<&str> = self.notices.iter().map(String::as_str).collect();
        for sub in &self.subcharts {
            found.extend(sub.chart.all_notices());
        }
        found
    }

    /// The chart's name (its alias when it is an aliased subchart).
    pub fn name(&self) -> &str {
        &self.meta.name
    }

    /// The CustomResourceDefinition files of the chart and its subcharts, as Helm's
    /// `CRDObjects`: every `crds/` file ending in `.yaml`, `.yml` or `.json` (any case),
    /// the chart's own sorted by path, then each subchart's in subchart order; each with
    /// its path as `<chart>/crds/x.yaml` (`<chart>/charts/<sub>/crds/...` for a subchart).
    pub fn crds(&self) -> Vec<(String, &[u8])> {
        self.crds_of_enabled(&|_| true)
    }

    /// [`Chart::crds`] of the chart and the subcharts whose value path (`sub`,
    /// `sub.nested`) `enabled` accepts, as a render with `--include-crds` prints them.
    pub fn crds_of_enabled(&self, enabled: &dyn Fn(&str) -> bool) -> Vec<(String, &[u8])> {
        let mut found = Vec::new();
        self.collect_crds(self.name(), "", enabled, &mut found);
        found
    }

    fn collect_crds<'c>(
        &'c self,
        base: &str,
        value_path: &str,
        enabled: &dyn Fn(&str) -> bool,
        found: &mut Vec<(String, &'c [u8])>,
    ) {
        for (path, bytes) in self.files.iter() {
            let lower = path.to_ascii_lowercase();
            let manifest = [".yaml", ".yml", ".json"].iter().any(|ext| lower.ends_with(ext));
            if path.starts_with("crds/") && manifest {
                found.push((format!("{base}/{path}"), bytes.as_slice()));
            }
        }
        for sub in &self.subcharts {
            let name = sub.chart.name();
            let path = if value_path.is_empty() { name.to_string() } else { format!("{value_path}.{name}") };
            if enabled(&path) {
                sub.chart.collect_crds(&format!("{base}/charts/{name}"), &path, enabled, found);
            }
        }
    }
}
