//! Releases: a project's environments resolved into everything a render needs.
//!
//! A [`Workspace`] finds `rudder.yaml` once and loads the chart once; each
//! [`Workspace::release`] then resolves one environment (its values files, namespace,
//! kube version and switches, under the command line's choices) into merged values,
//! `Release`, `Capabilities` and the manifest stage's options, and renders it. Rendering
//! every environment shares the one chart.

use crate::chart::Chart;
use crate::manifest::{HookFilter, Manifest};
use crate::project::{Environment, Project};
use crate::render::{Capabilities, Release as ReleaseInfo};
use crate::values::{ValueOptions, Values};
use anyhow::{Result, anyhow};
use std::path::{Path, PathBuf};

/// What the command line decides for every environment it renders.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// The chart directory or archive (default: the project's).
    pub chart: Option<PathBuf>,
    /// The release name (default: the project's, else `release-name`).
    pub release: Option<String>,
    /// `-n` (default: the environment's namespace, else `default`).
    pub namespace: Option<String>,
    /// `-f` files and the `--set` family, applied after the environment's files.
    pub values: ValueOptions,
    /// `--kube-version` (default: the environment's).
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    /// `--no-hooks` / `--skip-tests`, added to the environment's switches.
    pub hooks: HookFilter,
    /// `--inject-namespace` (`Some(true)`) or `--no-inject-namespace` (`Some(false)`).
    pub inject_namespace: Option<bool>,
    /// Standard input, read once up front when a values flag names it.
    pub stdin: String,
    /// Lets `rendered:` in rudder.yaml point outside the project (`--allow-rendered-outside`).
    pub allow_rendered_outside: bool,
    /// `--release-service`: `Release.Service` (default the project's, else `rudder`).
    pub release_service: Option<String>,
    /// `--skip-schema-validation`: values are not checked against `values.schema.json`.
    pub skip_schema_validation: bool,
    /// `--include-crds`: the charts' `crds/` files go first in the render.
    pub include_crds: bool,
    /// `--debug`: an error in a rendered document comes with the template's whole render.
    pub debug: bool,
    /// `--show-only` patterns: only the templates they match are compiled and rendered
    /// (the output stage checks that each matched one).
    pub show_only: Vec<String>,
}

/// A project (if any) and its chart, loaded once.
#[derive(Debug)]
pub struct Workspace {
    /// Where relative paths of the command line start (the working directory, or its
    /// counterpart in a git snapshot).
    pub dir: PathBuf,
    pub project: Option<Project>,
    pub chart: Chart,
    pub choices: Choices,
    /// What the user should hear about the project file (a budget it may not raise).
    pub warnings: Vec<String>,
}

/// One environment of a workspace, ready to render.
#[derive(Debug)]
pub struct Release<'w> {
    pub workspace: &'w Workspace,
    pub environment: Environment,
    pub values: Values,
    pub info: ReleaseInfo,
    pub capabilities: Capabilities,
    /// The namespace given by `-n` or the environment, if any.
    pub namespace_in_force: Option<String>,
    /// True if the values are still to be checked against the charts' schemas: then
    /// [`Release::render`] checks them while it renders.
    schema_pending: bool,
}

impl Workspace {
    /// Finds `rudder.yaml` from `dir` upwards (never above `top`) and loads the chart.
    pub fn open(dir: &Path, top: Option<&Path>, choices: Choices) -> Result<Workspace> {
        let project = Project::find_within(dir, top)?;
        let mut warnings = Vec::new();
        if let Some(project) = &project {
            for (name, value) in &project.file.limits {
                let value = match value {
                    serde_yaml::Value::String(s) => s.clone(),
                    other => crate::yaml::to_string(other).trim_end().to_string(),
                };
                let file = project.root.join(crate::project::FILE_NAME);
                let refused = crate::limits::set_from_project(name, &value)
                    .map_err(|e| anyhow!("{}: {e}", file.display()))?;
                warnings.extend(refused.map(|warning| format!("{}: {warning}", file.display())));
            }
            crate::limits::apply_memory();
        }
        let from_project = choices.chart.is_none();
        let chart_dir = choices
            .chart
            .as_ref()
            .map(|c| dir.join(c))
            .or_else(|| project.as_ref().and_then(Project::chart))
            .ok_or_else(|| {
                anyhow!(
                    "no chart given: pass a chart directory, or run where a {} names one",
                    crate::project::FILE_NAME
                )
            })?;
        let chart = Chart::load(&shorten(&chart_dir)).map_err(|error| match (&project, from_project) {
            (Some(project), true) if !chart_dir.exists() => anyhow!(
                "{}: `chart:` names {}, which does not exist",
                project.root.join(crate::project::FILE_NAME).display(),
                shorten(&chart_dir).display()
            ),
            _ => error,
        })?;
        Ok(Workspace { dir: dir.to_path_buf(), project, chart, choices, warnings })
    }

    /// The environments of `rudder.yaml`, sorted.
    pub fn environment_names(&self) -> Vec<String> {
        self.project.as_ref().map(Project::environment_names).unwrap_or_default()
    }

    /// Where environment `env`'s last render is kept. `rendered:` must stay inside the
    /// project (no absolute path, no `..`) unless the choices allow it.
    pub fn baseline_path(&self, env: &str) -> Result<PathBuf> {
        crate::project::validate_environment_name(env)?;
        let Some(project) = &self.project else {
            return Ok(Path::new(crate::project::DEFAULT_RENDERED_DIR).join(format!("{env}.yaml")));
        };
        if let Some(dir) = &project.file.rendered
            && !self.choices.allow_rendered_outside
            && !dir
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir))
        {
            anyhow::bail!(
                "{}: rendered: {} leads outside the project; pass --allow-rendered-outside to write there",
                project.root.join(crate::project::FILE_NAME).display(),
                dir.display()
            );
        }
        Ok(shorten(&project.rendered_path(env)))
    }

    /// Resolves environment `env` (or none) into a release, its values checked against
    /// the charts' schemas.
    pub fn release(&self, env: Option<&str>) -> Result<Release<'_>> {
        let mut release = self.release_to_render(env)?;
        release.check_schema()?;
        Ok(release)
    }

    /// As [`Workspace::release`] for a release about to be rendered: its values are
    /// checked against the charts' schemas while [`Release::render`] renders (compiling
    /// a schema costs as much as translating a chart's templates), and a violation is
    /// still the error reported.
    pub fn release_to_render(&self, env: Option<&str>) -> Result<Release<'_>> {
        if let Some(name) = env {
            crate::project::validate_environment_name(name)?;
        }
        let environment = match (env, &self.project) {
            (None, _) => Environment::default(),
            (Some(name), Some(project)) => project.environment(name)?,
            (Some(name), None) => crate::project::environment_without_project(&self.dir, name)?,
        };
        let choices = &self.choices;
        let name = choices
            .release
            .clone()
            .or_else(|| self.project.as_ref().and_then(|p| p.file.release.clone()))
            .unwrap_or_else(|| "release-name".to_string());
        crate::render::validate_release_name(&name)?;
        let namespace_in_force = choices.namespace.clone().or_else(|| environment.namespace.clone());
        let service = choices
            .release_service
            .clone()
            .or_else(|| self.project.as_ref().and_then(|p| p.file.release_service.clone()))
            .unwrap_or_else(|| "rudder".to_string());
        let info = ReleaseInfo {
            name,
            namespace: namespace_in_force.clone().unwrap_or_else(|| "default".into()),
            environment: environment.name.clone(),
            service,
        };
        if let Some(project) = &self.project {
            environment.check_default_values(&project.root.join(crate::project::FILE_NAME))?;
        }
        let mut options = choices.values.clone();
        options.files = environment.values_files.iter().map(|f| shorten(f)).chain(options.files).collect();
        let user = crate::values::user_values(&options, &mut choices.stdin.as_bytes())?;
        let values = crate::values::resolve(&self.chart, user)?;
        let kube_version = choices.kube_version.as_deref().or(environment.kube_version.as_deref());
        let capabilities = Capabilities::new(kube_version, &choices.api_versions)?;
        // A tree without a schema has nothing to check (and a small render starts no thread).
        let schema_pending = !choices.skip_schema_validation && crate::values::any_schema(&self.chart);
        Ok(Release {
            workspace: self,
            environment,
            values,
            info,
            capabilities,
            namespace_in_force,
            schema_pending,
        })
    }
}

impl Release<'_> {
    /// Checks the values against the charts' schemas, if that is still to be done.
    fn check_schema(&mut self) -> Result<()> {
        if std::mem::take(&mut self.schema_pending) {
            crate::values::validate_schemas(&self.workspace.chart, &self.values)?;
        }
        Ok(())
    }

    /// The root chart's rendered `NOTES.txt`, if it has one.
    pub fn notes(&self) -> Result<Option<String>> {
        crate::render::render_notes(&self.workspace.chart, &self.values, &self.info, &self.capabilities)
    }

    /// Renders the release into checked, ordered documents.
    pub fn render(&self, detail: crate::manifest::Detail) -> Result<Manifest> {
        let patterns = &self.workspace.choices.show_only;
        let matchers: Vec<_> =
            patterns.iter().filter_map(|pattern| crate::glob::template_matcher(pattern).ok()).collect();
        let selected = |path: &str| matchers.iter().any(|m| m.is_match(path));
        let selection: crate::render::Selection = match patterns.is_empty() {
            true => None,
            false => Some(&selected),
        };
        let chart = &self.workspace.chart;
        let render = || crate::render::render(chart, &self.values, &self.info, &self.capabilities, selection);
        let check = || crate::values::validate_schemas(chart, &self.values);
        // Beside a render big enough to use the thread pool anyway (a small one starts none).
        let files = if self.schema_pending && templates_in(chart) >= crate::parallel::MIN_ITEMS {
            crate::parallel::pool();
            let (checked, files) = rayon::join(check, render);
            checked?;
            files?
        } else {
            if self.schema_pending {
                check()?;
            }
            render()?
        };
        let crds = self.crd_files()?;
        let options = crate::manifest::Options { crds: &crds, detail, ..self.manifest_options() };
        crate::manifest::documents(&files, &options).map_err(|error| self.with_render(error, &files))
    }

    /// An error about a rendered document, with the line of its template that made the
    /// faulty line, and with `--debug` the whole render of its template, numbered (unless
    /// it may be a Secret); without, a hint that `--debug` shows it.
    fn with_render(&self, error: anyhow::Error, files: &[crate::render::RenderedFile]) -> anyhow::Error {
        let mut message = error.to_string();
        let Some(file) = files.iter().find(|f| message.starts_with(&format!("{}:", f.path))) else {
            return error;
        };
        let chart = &self.workspace.chart;
        let secret = crate::render::may_render_secret_at(chart, &self.values, &file.path);
        if let Some(invalid) = error.downcast_ref::<crate::manifest::InvalidYaml>()
            && !secret
        {
            message = invalid.reveal().to_string();
        }
        let message = format!("{message}{}", self.template_line(&message, &file.path));
        if !self.workspace.choices.debug {
            return anyhow::anyhow!("{message}\n(--debug prints the whole render of {})", file.path);
        }
        if secret {
            return anyhow::anyhow!(
                "{message}\n--debug: the render of {} is not shown: it may hold a Secret",
                file.path
            );
        }
        let width = file.text.lines().count().to_string().len();
        let numbered: Vec<String> =
            file.text.lines().enumerate().map(|(i, line)| format!("{:>width$} | {line}", i + 1)).collect();
        anyhow::anyhow!("{message}\n--debug: the whole render of {}:\n{}", file.path, numbered.join("\n"))
    }

    /// For an error at `path:line:col` of a render that is not valid YAML: the template's
    /// line that made it, numbered (the template's source, shown for a Secret too).
    fn template_line(&self, message: &str, path: &str) -> String {
        let Some(position) = message.strip_prefix(&format!("{path}:")) else { return String::new() };
        let mut numbers = position.splitn(3, ':');
        let (Some(Ok(line)), Some(Ok(column)), Some(rest)) =
            (numbers.next().map(str::parse), numbers.next().map(str::parse), numbers.next())
        else {
            return String::new();
        };
        if !rest.starts_with(" not valid YAML") {
            return String::new();
        }
        let chart = &self.workspace.chart;
        match crate::render::template_line(
            chart,
            &self.values,
            &self.info,
            &self.capabilities,
            path,
            (line, column),
        ) {
            Some((number, text)) => {
                format!("\nmade by line {number} of the template:\n{number} | {}", text.trim_end())
            }
            None => String::new(),
        }
    }

    /// With `--include-crds`, the `crds/` files of the chart and its enabled subcharts.
    fn crd_files(&self) -> Result<Vec<crate::render::RenderedFile>> {
        if !self.workspace.choices.include_crds {
            return Ok(Vec::new());
        }
        let crds = self.workspace.chart.crds_of_enabled(&|path| self.values.is_enabled(path));
        crds.into_iter()
            .map(|(path, bytes)| {
                let text = crate::input::text(bytes.to_vec(), &path)?;
                Ok(crate::render::RenderedFile { path, text })
            })
            .collect()
    }

    /// The manifest stage's choices: the command line first, then the environment, then
    /// the defaults (inject the namespace in force; keep every hook).
    pub fn manifest_options(&self) -> crate::manifest::Options<'_> {
        let choices = &self.workspace.choices;
        let env = &self.environment;
        let inject = choices.inject_namespace.or(env.inject_namespace).unwrap_or(true);
        crate::manifest::Options {
            namespace: self.namespace_in_force.as_deref().filter(|_| inject),
            cluster_scoped: self.workspace.project.as_ref().map_or(&[], |p| p.file.cluster_scoped.as_slice()),
            hooks: HookFilter {
                no_hooks: choices.hooks.no_hooks || env.no_hooks,
                skip_tests: choices.hooks.skip_tests || env.skip_tests,
            },
            crds: &[],
            detail: crate::manifest::Detail::Full,
        }
    }
}

/// `path` without the working directory in front, so messages show short paths.
fn shorten(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    match path.strip_prefix(&cwd) {
        Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
        Ok(relative) => relative.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// Reads standard input when `needed` (a values flag names it), once.
pub fn read_stdin_if(needed: bool) -> Result<String> {
    if !needed {
        return Ok(String::new());
    }
    crate::input::read_stdin(crate::input::stream_limit())
}

/// How many templates `chart` and the charts under it have.
fn templates_in(chart: &crate::chart::Chart) -> usize {
    chart.templates.len() + chart.subcharts.iter().map(|sub| templates_in(&sub.chart)).sum::<usize>()
}
