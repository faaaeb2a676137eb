//! The project file `rudder.yaml`: the default chart and release, and the environments
//! (values files, namespace, kube version, `extends`) that `--env NAME` selects.
//!
//! It also says where each environment's last render is kept (`rendered`) and which
//! differences `rudder diff` ignores (`diff.ignore`).
//!
//! Without a project file, `--env NAME` means the values file `values/NAME.yaml`.

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The project file's name.
pub const FILE_NAME: &str = "rudder.yaml";

/// Where renders are kept when `rudder.yaml` does not say.
pub const DEFAULT_RENDERED_DIR: &str = "rendered";

/// A parsed `rudder.yaml`, with the directory it was found in.
#[derive(Debug, Clone)]
pub struct Project {
    /// The directory holding `rudder.yaml`; relative paths in it start here.
    pub root: PathBuf,
    pub file: ProjectFile,
}

/// The contents of `rudder.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProjectFile {
    /// The chart rendered when no CHART argument is given.
    pub chart: Option<PathBuf>,
    /// The release name used when none is given.
    pub release: Option<String>,
    /// `Release.Service` (default `rudder`); `Helm` keeps a ported chart's
    /// `app.kubernetes.io/managed-by: Helm` labels, so migrating rolls no pod.
    pub release_service: Option<String>,
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentSpec>,
    /// The directory holding each environment's last render as `NAME.yaml`; default
    /// `rendered`.
    pub rendered: Option<PathBuf>,
    #[serde(default)]
    pub diff: DiffSettings,
    /// Budgets raised or lowered for this project (`limits: {yaml-nodes: 2000000}`); a
    /// `--limit` flag wins. See docs/security.md.
    #[serde(default)]
    pub limits: BTreeMap<String, serde_yaml::Value>,
    /// Custom kinds whose resources have no namespace, so the environment's namespace
    /// is never given to them (built-in kinds and `scope: Cluster` CRDs of the render
    /// are known without it).
    #[serde(default)]
    pub cluster_scoped: Vec<ClusterScopedKind>,
}

/// A cluster-scoped kind: `{kind: ClusterIssuer, group: cert-manager.io}`; without a
/// group it matches the kind in every group.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ClusterScopedKind {
    pub group: Option<String>,
    pub kind: String,
}

/// The `diff:` section of `rudder.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffSettings {
    /// Differences that `rudder diff` neither shows nor counts.
    #[serde(default)]
    pub ignore: Vec<IgnoreRule>,
}

/// One ignore rule: a resource selector (every field optional, `*` matches any run of
/// characters) and field paths. Without paths the whole resource is ignored.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IgnoreRule {
    /// API group, without version; `""` is the core group.
    pub group: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// Field paths such as `metadata.annotations.checksum/*` or
    /// `spec.template.spec.containers[name=frontend].image`; in a path `*` matches within
    /// one segment and `**` across segments.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// One environment as written in `rudder.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnvironmentSpec {
    /// Another environment whose values files come first.
    pub extends: Option<String>,
    /// Values files; default `values/NAME.yaml`.
    pub values: Option<Vec<PathBuf>>,
    pub namespace: Option<String>,
    pub kube_version: Option<String>,
    /// Give the namespace to namespaced resources without one (default true).
    pub inject_namespace: Option<bool>,
    /// Leave out every Helm hook, as `--no-hooks`.
    pub no_hooks: Option<bool>,
    /// Leave out Helm test hooks, as `--skip-tests`.
    pub skip_tests: Option<bool>,
}

/// An environment with `extends` resolved and paths made relative to the working
/// directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Environment {
    pub name: String,
    pub values_files: Vec<PathBuf>,
    pub namespace: Option<String>,
    pub kube_version: Option<String>,
    /// `injectNamespace`, if the environment (or one it extends) says.
    pub inject_namespace: Option<bool>,
    pub no_hooks: bool,
    pub skip_tests: bool,
    /// The values files it (or one it extends) has by default, having no `values:` list:
    /// (that environment's name, its file).
    pub default_values: Vec<(String, PathBuf)>,
}

impl Environment {
    /// An error naming the environment when a values file it has by default is missing
    /// (instead of a bare "cannot read values/NAME.yaml"); `project_file` is `rudder.yaml`.
    pub fn check_default_values(&self, project_file: &Path) -> Result<()> {
        for (name, file) in &self.default_values {
            if !file.exists() {
                let shown =
                    project_file.parent().and_then(|root| file.strip_prefix(root).ok()).unwrap_or(file);
                bail!(
                    "{}: environment {name:?} has no `values:` list, and its default values file {} does not exist; create it, or list the environment's files under `values:` (`values: []` for none)",
                    project_file.display(),
                    shown.display()
                );
            }
        }
        Ok(())
    }
}

impl Project {
    /// Finds `rudder.yaml` in `start` or the nearest directory above it.
    pub fn find(start: &Path) -> Result<Option<Project>> {
        Self::find_within(start, None)
    }

    /// Like [`Project::find`], but never looks above `top` (when given).
    pub fn find_within(start: &Path, top: Option<&Path>) -> Result<Option<Project>> {
        for dir in start.ancestors() {
            if top.is_some_and(|top| !dir.starts_with(top)) {
                break;
            }
            let path = dir.join(FILE_NAME);
            if path.is_file() {
                return Project::load(&path).map(Some);
            }
        }
        Ok(None)
    }

    /// Loads the project file at `path`.
    pub fn load(path: &Path) -> Result<Project> {
        let text = crate::input::read_text(path, path, crate::input::file_limit())?;
        let file = Self::parse(&text, &path.display().to_string())?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Project { root, file })
    }

    /// Parses project file text read from `path`; errors read `path:line:col: message`.
    pub fn parse(text: &str, path: &str) -> Result<ProjectFile> {
        if text.trim().is_empty() {
            return Ok(ProjectFile::default());
        }
        crate::yaml::check_strict(text, path)?;
        let file: ProjectFile =
            serde_yaml::from_str(text).map_err(|e| anyhow!("{}", crate::yaml::located(path, &e)))?;
        for name in file.environments.keys() {
            validate_environment_name(name).map_err(|e| anyhow!("{path}: {e}"))?;
        }
        Ok(file)
    }

    /// The default chart directory, if the project names one.
    pub fn chart(&self) -> Option<PathBuf> {
        self.file.chart.as_ref().map(|chart| self.root.join(chart))
    }

    /// The names of the environments, sorted.
    pub fn environment_names(&self) -> Vec<String> {
        self.file.environments.keys().cloned().collect()
    }

    /// Where environment `name`'s last render is kept: `<rendered>/<name>.yaml`.
    pub fn rendered_path(&self, name: &str) -> PathBuf {
        let dir = self.file.rendered.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_RENDERED_DIR));
        self.root.join(dir).join(format!("{name}.yaml"))
    }

    /// Resolves environment `name`, following `extends`.
    pub fn environment(&self, name: &str) -> Result<Environment> {
        let mut chain: Vec<&str> = Vec::new();
        let mut current = name;
        loop {
            if chain.contains(&current) {
                chain.push(current);
                bail!("environment {name:?}: cycle in extends: {}", chain.join(" -> "));
            }
            let spec = self.spec(current, chain.last().copied())?;
            chain.push(current);
            match &spec.extends {
                Some(parent) => current = parent,
                None => break,
            }
        }
        let mut env = Environment { name: name.to_string(), ..Environment::default() };
        for link in chain.iter().rev() {
            let spec = &self.file.environments[*link];
            let files = match &spec.values {
                Some(files) => files.clone(),
                None => {
                    let default = default_values_file(link);
                    env.default_values.push((link.to_string(), self.root.join(&default)));
                    vec![default]
                }
            };
            env.values_files.extend(files.iter().map(|f| self.root.join(f)));
            env.namespace = spec.namespace.clone().or(env.namespace);
            env.kube_version = spec.kube_version.clone().or(env.kube_version);
            env.inject_namespace = spec.inject_namespace.or(env.inject_namespace);
            env.no_hooks = spec.no_hooks.unwrap_or(env.no_hooks);
            env.skip_tests = spec.skip_tests.unwrap_or(env.skip_tests);
        }
        Ok(env)
    }

    fn spec(&self, name: &str, child: Option<&str>) -> Result<&EnvironmentSpec> {
        self.file.environments.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.file.environments.keys().map(String::as_str).collect();
            let by = child.map(|c| format!(" (extended by {c:?})")).unwrap_or_default();
            anyhow!("unknown environment {name:?}{by}; known environments: {}", known.join(", "))
        })
    }
}

/// An environment name names files (`values/NAME.yaml`, `rendered/NAME.yaml`): it must be
/// one safe path segment.
pub fn validate_environment_name(name: &str) -> Result<()> {
    let safe = !name.is_empty()
        && name.len() <= 253
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !safe {
        bail!(
            "environment name {name:?} is not a single safe path segment (letters, digits, '.', '_' and '-', not starting with '.')"
        );
    }
    Ok(())
}

/// `--env NAME` without a project file: `values/NAME.yaml` under `dir`.
pub fn environment_without_project(dir: &Path, name: &str) -> Result<Environment> {
    let file = dir.join(default_values_file(name));
    if !file.is_file() {
        bail!("unknown environment {name:?}: there is no {FILE_NAME} and no {}", file.display());
    }
    Ok(Environment { name: name.to_string(), values_files: vec![file], ..Environment::default() })
}

fn default_values_file(name: &str) -> PathBuf {
    Path::new("values").join(format!("{name}.yaml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(text: &str) -> Project {
        Project { root: PathBuf::from("p"), file: Project::parse(text, FILE_NAME).unwrap() }
    }

    const ENVS: &str = "chart: charts/app\nrelease: app\nenvironments:\n  dev:\n    namespace: app-dev\n    kubeVersion: 1.29.0\n  cp-dev:\n    extends: dev\n    namespace: app-cp\n  prod:\n    values: [values/prod.yaml, values/prod-secrets.yaml]\n";

    #[test]
    fn default_files_and_extends() {
        let p = project(ENVS);
        let env = p.environment("cp-dev").unwrap();
        assert_eq!(
            env.values_files,
            vec![PathBuf::from("p/values/dev.yaml"), PathBuf::from("p/values/cp-dev.yaml")]
        );
        assert_eq!(env.namespace.as_deref(), Some("app-cp"));
        assert_eq!(env.kube_version.as_deref(), Some("1.29.0"));
        assert_eq!(p.environment("prod").unwrap().values_files.len(), 2);
        assert_eq!(p.chart(), Some(PathBuf::from("p/charts/app")));
    }

    #[test]
    fn switches_are_inherited_through_extends() {
        let p = project(
            "clusterScoped: [{kind: ClusterIssuer, group: cert-manager.io}]\nenvironments:\n  a: {injectNamespace: false, noHooks: true}\n  b: {extends: a, skipTests: true}\n  c: {extends: b, injectNamespace: true, noHooks: false}\n",
        );
        let b = p.environment("b").unwrap();
        assert_eq!((b.inject_namespace, b.no_hooks, b.skip_tests), (Some(false), true, true));
        let c = p.environment("c").unwrap();
        assert_eq!((c.inject_namespace, c.no_hooks, c.skip_tests), (Some(true), false, true));
        assert_eq!(p.file.cluster_scoped[0].kind, "ClusterIssuer");
    }

    #[test]
    fn unknown_environment_lists_the_known_ones() {
        let err = project(ENVS).environment("qa").unwrap_err().to_string();
        assert_eq!(err, "unknown environment \"qa\"; known environments: cp-dev, dev, prod");
    }

    #[test]
    fn extends_cycles_and_dangling_parents_are_errors() {
        let p = project("environments:\n  a: {extends: b}\n  b: {extends: a}\n  c: {extends: nope}\n");
        assert_eq!(
            p.environment("a").unwrap_err().to_string(),
            "environment \"a\": cycle in extends: a -> b -> a"
        );
        assert!(
            p.environment("c")
                .unwrap_err()
                .to_string()
                .contains("unknown environment \"nope\" (extended by \"c\")")
        );
    }

    #[test]
    fn rendered_path_and_ignore_rules() {
        let p = project(
            "rendered: out\ndiff:\n  ignore:\n    - kind: Secret\n      name: s\n    - paths: [a.b]\n",
        );
        assert_eq!(p.rendered_path("dev"), PathBuf::from("p/out/dev.yaml"));
        assert_eq!(p.file.diff.ignore.len(), 2);
        assert_eq!(p.file.diff.ignore[0].kind.as_deref(), Some("Secret"));
        assert_eq!(p.file.diff.ignore[1].paths, ["a.b"]);
        assert_eq!(project(ENVS).rendered_path("prod"), PathBuf::from("p/rendered/prod.yaml"));
    }

    #[test]
    fn the_search_for_the_project_file_can_be_bounded() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "release: outer\n").unwrap();
        let inner = dir.path().join("snapshot/sub");
        std::fs::create_dir_all(&inner).unwrap();
        let found = Project::find(&inner).unwrap().unwrap();
        assert_eq!(found.file.release.as_deref(), Some("outer"));
        assert!(Project::find_within(&inner, Some(&dir.path().join("snapshot"))).unwrap().is_none());
    }

    #[test]
    fn typos_in_the_project_file_are_errors() {
        assert!(
            Project::parse("environments:\n  dev: {namspace: x}\n", FILE_NAME)
                .unwrap_err()
                .to_string()
                .contains("namspace")
        );
    }
}
