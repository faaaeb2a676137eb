//! Rendering: each chart's templates are compiled once into its own Tera instance and
//! rendered against its scoped values, in parallel, into one text per template file.
//!
//! Templates are named by their Helm source path (`journal/charts/redis/templates/x.yaml`),
//! so every error points at that path with line and column; within a chart they include
//! each other by their path under `templates/` (`{% include "_config.yaml" %}`), and they
//! can also include the partials of their library-type subcharts.

mod context;
mod convert;
mod credentials;
mod errors;
mod filters;
mod go;
mod helpers;
mod hints;
mod includes;
mod lists;
mod numbers;
mod random;
mod strings;
mod tpl;
mod trace;
mod types;

pub use trace::template_line;

pub use context::{
    Capabilities, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION, KubeVersion, Release, validate_release_name,
};

use crate::chart::Chart;
use crate::values::Values;
use anyhow::{Result, anyhow, bail};
use errors::{add_templates, all_or_every_error, located, may_render_secret, template_text};
use serde_yaml::Mapping;
use std::sync::atomic::{AtomicUsize, Ordering};
use tera::{Context, Kwargs, State, Tera};

/// One rendered template file.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedFile {
    /// Helm's source path: `<chart>/templates/<file>` or
    /// `<chart>/charts/<subchart>/templates/<file>`.
    pub path: String,
    pub text: String,
}

/// A chart of the tree with the values it sees.
struct Unit<'c> {
    chart: &'c Chart,
    /// `journal` or `journal/charts/frontend`.
    base: String,
    values: &'c Mapping,
    is_root: bool,
}

/// The annotation that says a Tera chart's `tpl` strings are Go templates (`go`), as the
/// values of a chart `rudder convert` wrote still hold them.
pub const TPL_ANNOTATION: &str = "rudder.dev/tpl";

/// Which templates a render renders: `None` for all, or a predicate on a template's path
/// under the root chart (`templates/x.yaml`, `charts/sub/templates/y.yaml`), as
/// `--show-only` names them.
pub type Selection<'a> = Option<&'a (dyn Fn(&str) -> bool + Sync)>;

/// Renders every template of `chart` and its enabled subcharts (or those `selection`
/// accepts: a chart with none of them is not even compiled), sorted by path.
pub fn render(
    chart: &Chart,
    values: &Values,
    release: &Release,
    caps: &Capabilities,
    selection: Selection,
) -> Result<Vec<RenderedFile>> {
    if chart.meta.is_library() {
        bail!("{}: library charts are not installable (type: library)", chart.dir.display());
    }
    check_kube_version(chart, caps)?;
    let go = go::charts::GoCharts::prepare(chart, values, release, caps)?;
    let mut units = Vec::new();
    collect_units(chart, &values.root, values, chart.name().to_string(), "", true, &mut units);
    let root = chart.name();
    let selected =
        |unit: &Unit, path: &str| selection.is_none_or(|accepts| accepts(&under_root(root, unit, path)));
    units.retain(|unit| unit.chart.templates.iter().any(|t| t.is_rendered() && selected(unit, &t.path)));
    let (go_units, units): (Vec<Unit>, Vec<Unit>) =
        units.into_iter().partition(|unit| go.as_ref().is_some_and(|go| go.is_go(&unit.base)));
    let plans = plan_engines(&units, &selected, selection.is_some());
    let weight = |plan: &Plan| plan.templates.len();
    let compiled: Vec<Result<(Tera, Context)>> = crate::parallel::map_weighted(&plans, weight, |plan| {
        let unit = &units[plan.unit];
        match &plan.only {
            None => compile(unit, release, caps, false, Sources::All),
            Some(paths) => {
                compile(unit, release, caps, false, Sources::Only(&|path: &str| paths.contains(path)))
                    .or_else(|_| compile(unit, release, caps, false, Sources::All))
            }
        }
    });
    let compiled = all_or_every_error(compiled)?;
    let mut jobs: Vec<Job> = plans
        .iter()
        .enumerate()
        .flat_map(|(index, plan)| plan.templates.iter().map(move |path| Job::Tera(index, path.as_str())))
        .collect();
    let mut go_jobs = Vec::new();
    for (index, unit) in go_units.iter().enumerate() {
        let rendered = unit.chart.templates.iter().filter(|t| t.is_rendered() && selected(unit, &t.path));
        go_jobs.extend(rendered.map(|t| Job::Go(index, t.path.as_str())));
    }
    // Helm's order: deeper paths first, then by path, descending.
    let helm_path = |job: &Job| match *job {
        Job::Go(index, path) => format!("{}/templates/{path}", go_units[index].base),
        Job::Tera(..) => String::new(),
    };
    go_jobs.sort_by_cached_key(|job| {
        let path = helm_path(job);
        (std::cmp::Reverse(path.matches('/').count()), std::cmp::Reverse(path))
    });
    let tera_jobs = jobs.len();
    jobs.extend(go_jobs.iter().copied());
    let total = AtomicUsize::new(crate::limits::RENDER_OUTPUT.get_usize());
    // A rendered file, and whether it changed the values it was given.
    let run = |job: &Job, shared_values: bool| match *job {
        Job::Tera(index, path) => {
            (render_one(&compiled[index], &units[plans[index].unit], path, &total), false)
        }
        Job::Go(index, path) => {
            let go = go.as_ref().expect("Go charts were compiled");
            let file = render_go(go, &go_units[index], path, &total, shared_values);
            (file, go::engine::changed_values())
        }
    };
    // Every file renders in parallel, each from the values as given. Where a template may
    // change the values it is given (Helm's maps are shared) and one did, the Go files from
    // the first that did render again one at a time in Helm's order, each seeing what the
    // ones before it left.
    let rendered = crate::parallel::map(&jobs, |job| run(job, false));
    let first_change = rendered[tera_jobs..].iter().position(|(_, changed)| *changed);
    let mut results: Vec<Result<RenderedFile>> = rendered.into_iter().map(|(file, _)| file).collect();
    if let (Some(go), Some(first)) = (go.as_ref().filter(|go| go.in_order()), first_change) {
        for discarded in results.drain(tera_jobs + first..).flatten() {
            total.fetch_add(discarded.text.len(), std::sync::atomic::Ordering::Relaxed);
        }
        go.forget_changes();
        results.extend(go_jobs[first..].iter().map(|job| run(job, true).0));
    }
    crate::parallel::drop_aside(compiled, jobs.len());
    let mut files: Vec<RenderedFile> = results.into_iter().collect::<Result<_>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// One template to render: of Tera instance `.0`, or of Go chart `.0`.
#[derive(Clone, Copy)]
enum Job<'p> {
    Tera(usize, &'p str),
    Go(usize, &'p str),
}

/// Renders Go template `path` (under `templates/`) of `unit`'s chart.
fn render_go(
    go: &go::charts::GoCharts,
    unit: &Unit,
    path: &str,
    total: &AtomicUsize,
    shared_values: bool,
) -> Result<RenderedFile> {
    let name = format!("{}/templates/{path}", unit.base);
    let mut out =
        Budgeted { bytes: Vec::new(), left: crate::limits::TEMPLATE_OUTPUT.get_usize(), total, over: None };
    in_flight(&name, true);
    let rendered = go.render(&unit.base, &name, &mut out, shared_values);
    in_flight(&name, false);
    if let Err(e) = rendered {
        return Err(match (out.over, e) {
            (Some(limit), _) => anyhow!("{name}: the render produces more than {limit}; refusing it"),
            (None, go::compile::RenderError::Output(message)) => anyhow!("{name}: {message}"),
            (None, go::compile::RenderError::Template(message)) => {
                errors::go_located(&message, go, Some(may_render_secret(unit, &name)))
            }
        });
    }
    let text = String::from_utf8(out.bytes).map_err(|_| anyhow!("{name}: the render is not UTF-8"))?;
    Ok(RenderedFile { path: name, text })
}

/// One Tera instance to build: for chart `unit`, with all its templates (`only` is
/// `None`) or only its partials and `only`; it renders `templates`.
struct Plan {
    unit: usize,
    only: Option<std::collections::BTreeSet<String>>,
    templates: Vec<String>,
}

/// A chart with at least this many templates to render is compiled as several Tera
/// instances, one per thread, each with its share of the templates and all the partials.
const SPLIT_FROM: usize = 100;

/// The Tera instances a render builds: one per chart, several for a big chart (Tera
/// compiles one instance on one thread), each chart's selected templates only when a
/// selection is given. A share that does not compile alone (a template includes another)
/// falls back to the whole chart.
fn plan_engines(
    units: &[Unit],
    selected: &(dyn Fn(&Unit, &str) -> bool + Sync),
    selecting: bool,
) -> Vec<Plan> {
    let mut plans = Vec::new();
    for (index, unit) in units.iter().enumerate() {
        let templates: Vec<String> = unit
            .chart
            .templates
            .iter()
            .filter(|t| t.is_rendered() && selected(unit, &t.path))
            .map(|t| t.path.clone())
            .collect();
        // Asked only for a big chart: asking starts rayon's threads.
        let threads = || {
            crate::parallel::pool();
            rayon::current_num_threads()
        };
        if templates.len() >= SPLIT_FROM && threads() > 1 {
            let share = templates.len().div_ceil(threads());
            for chunk in templates.chunks(share) {
                let only = Some(chunk.iter().cloned().collect());
                plans.push(Plan { unit: index, only, templates: chunk.to_vec() });
            }
        } else {
            let only = selecting.then(|| templates.iter().cloned().collect());
            plans.push(Plan { unit: index, only, templates });
        }
    }
    plans
}

/// A template's path under the root chart: `templates/x.yaml` for the root's own,
/// `charts/sub/templates/y.yaml` for a subchart's.
fn under_root(root: &str, unit: &Unit, path: &str) -> String {
    match unit.base.strip_prefix(root).and_then(|rest| rest.strip_prefix('/')) {
        Some(charts) => format!("{charts}/templates/{path}"),
        None => format!("templates/{path}"),
    }
}

/// True if template `path` (its Helm path) of `chart` may render a Secret, by a reading of
/// its source and its includes ([`crate::secret::template_may_render_secret`]); asked only
/// about an error, since a render's documents are checked by their parsed kind.
pub fn may_render_secret_at(chart: &Chart, values: &Values, path: &str) -> bool {
    let mut units = Vec::new();
    collect_units(chart, &values.root, values, chart.name().to_string(), "", true, &mut units);
    match units.iter().find(|u| path.starts_with(&format!("{}/templates/", u.base))) {
        Some(unit) => may_render_secret(unit, path),
        None => true,
    }
}

/// The root chart's `templates/NOTES.txt` rendered as Helm renders it after an install
/// (with the root chart's context and partials; subcharts' notes are not), if it has one.
pub fn render_notes(
    chart: &Chart,
    values: &Values,
    release: &Release,
    caps: &Capabilities,
) -> Result<Option<String>> {
    if !chart.templates.iter().any(|t| t.path == NOTES) {
        return Ok(None);
    }
    let unit = Unit { chart, base: chart.name().to_string(), values: &values.root, is_root: true };
    let compiled = compile(&unit, release, caps, true, Sources::All)?;
    let total = AtomicUsize::new(crate::limits::RENDER_OUTPUT.get_usize());
    Ok(Some(render_one(&compiled, &unit, NOTES, &total)?.text))
}

/// The notes template's path under `templates/`.
const NOTES: &str = "NOTES.txt";

fn collect_units<'c>(
    chart: &'c Chart,
    scoped: &'c Mapping,
    values: &Values,
    base: String,
    value_path: &str,
    is_root: bool,
    units: &mut Vec<Unit<'c>>,
) {
    for sub in &chart.subcharts {
        let name = sub.chart.name();
        let path = if value_path.is_empty() { name.to_string() } else { format!("{value_path}.{name}") };
        if !values.is_enabled(&path) || sub.chart.meta.is_library() {
            continue;
        }
        let Some(sub_values) = scoped.get(name).and_then(serde_yaml::Value::as_mapping) else {
            continue;
        };
        collect_units(&sub.chart, sub_values, values, format!("{base}/charts/{name}"), &path, false, units);
    }
    units.push(Unit { chart, base, values: scoped, is_root });
}

/// Builds the chart's Tera instance (its templates, its `NOTES.txt` only `with_notes`,
/// plus its library subcharts' partials) and the context shared by its templates. With
/// `only`, the chart's own templates are its partials and those `only` accepts (a path
/// under `templates/`); a caller falls back to all when that does not compile (a
/// selected template includes another).
fn compile(
    unit: &Unit,
    release: &Release,
    caps: &Capabilities,
    with_notes: bool,
    which: Sources,
) -> Result<(Tera, Context)> {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    let mut sources: Vec<(String, &str)> = Vec::new();
    let mut prefixes = vec![format!("{}/templates/", unit.base)];
    add_sources(unit.chart, &unit.base, &mut sources);
    if let Some(notes) = unit.chart.templates.iter().find(|t| with_notes && t.path == NOTES) {
        sources.push((format!("{}/templates/{NOTES}", unit.base), notes.text.as_str()));
    }
    for library in unit.chart.subcharts.iter().filter(|s| s.chart.meta.is_library()) {
        let base = format!("{}/charts/{}", unit.base, library.chart.name());
        prefixes.push(format!("{base}/templates/"));
        add_sources(&library.chart, &base, &mut sources);
    }
    if sources.iter().any(|(_, text)| text.contains("tpl(")) {
        let owned = sources.iter().map(|(name, text)| (name.clone(), text.to_string())).collect();
        let go = unit.chart.meta.annotations.get(TPL_ANNOTATION).is_some_and(|v| v.trim() == "go");
        let chart = tpl::Chart::new(owned, prefixes.clone(), unit.chart.files.clone(), go);
        tera.register_function("tpl", move |kwargs: Kwargs, state: &State| tpl::tpl(&chart, &kwargs, state));
    }
    tera.set_fallback_prefixes(prefixes.clone()).map_err(|e| anyhow!("{e}"))?;
    register_all(&mut tera, unit.chart.files.clone());
    // `tpl` above sees every template; this instance compiles only its share.
    if let Sources::Traced(name, text) = which {
        for source in sources.iter_mut().filter(|(n, _)| n == name) {
            source.1 = text;
        }
    }
    if let Sources::Only(only) = which {
        let own = format!("{}/templates/", unit.base);
        sources.retain(|(name, _)| {
            let path = name.strip_prefix(&own).unwrap_or(name);
            path.rsplit('/').next().is_some_and(|base| base.starts_with('_')) || only(path)
        });
    }
    includes::check(&sources, &prefixes)?;
    add_templates(&mut tera, sources, unit)?;
    let mut context = Context::new();
    context.insert("Values", &context::TemplateValues(unit.values));
    context.insert("Chart", &context::chart_json(&unit.chart.meta, unit.is_root));
    context.insert("Release", &release.to_json());
    context.insert("Capabilities", &caps.to_json());
    context.insert("Environment", &serde_json::json!({ "Name": release.environment }));
    Ok((tera, context))
}

/// Which templates a chart's Tera instance compiles.
#[derive(Clone, Copy)]
enum Sources<'a> {
    All,
    /// Its partials and those the predicate accepts (a path under `templates/`).
    Only(&'a dyn Fn(&str) -> bool),
    /// All, with template `.0` (its Helm path) compiled from text `.1` ([`trace`]).
    Traced(&'a str, &'a str),
}

/// Every filter and function rudder adds to Tera.
fn register_all(tera: &mut Tera, files: crate::chart::Files) {
    filters::register(tera, files);
    helpers::register(tera);
    lists::register(tera);
    numbers::register(tera);
    strings::register(tera);
    credentials::register(tera);
    random::register(tera);
    types::register(tera);
}

/// A chart's templates to compile: every file under `templates/` but `NOTES.txt`, which a
/// render never prints (Helm prints notes on install only), so it is compiled only for
/// [`render_notes`].
fn add_sources<'c>(chart: &'c Chart, base: &str, sources: &mut Vec<(String, &'c str)>) {
    let compiled = chart.templates.iter().filter(|t| !t.path.ends_with("NOTES.txt"));
    sources.extend(compiled.map(|t| (format!("{base}/templates/{}", t.path), t.text.as_str())));
}

fn render_one(
    (tera, context): &(Tera, Context),
    unit: &Unit,
    path: &str,
    total: &AtomicUsize,
) -> Result<RenderedFile> {
    let base = &unit.base;
    let name = format!("{base}/templates/{path}");
    let mut context = context.clone();
    context.insert("Template", &serde_json::json!({ "Name": name, "BasePath": format!("{base}/templates") }));
    let mut out =
        Budgeted { bytes: Vec::new(), left: crate::limits::TEMPLATE_OUTPUT.get_usize(), total, over: None };
    in_flight(&name, true);
    random::begin_template();
    let rendered = tera.render_to(&name, &context, &mut out);
    in_flight(&name, false);
    if let Err(e) = rendered {
        return Err(match out.over {
            Some(limit) => anyhow!("{name}: the render produces more than {limit}; refusing it"),
            None => located(&e, &name, Some(may_render_secret(unit, &name)), &|n| template_text(unit, n)),
        });
    }
    let text = String::from_utf8(out.bytes).map_err(|_| anyhow!("{name}: the render is not UTF-8"))?;
    Ok(RenderedFile { path: name, text })
}

/// The templates being rendered right now, for a watchdog to name.
static IN_FLIGHT: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn in_flight(name: &str, started: bool) {
    let mut names = IN_FLIGHT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    match started {
        true => names.push(name.to_string()),
        false => {
            if let Some(at) = names.iter().position(|n| n == name) {
                names.swap_remove(at);
            }
        }
    }
}

/// The templates being rendered right now, sorted; `None` when the list is busy (the
/// caller may hold it: an allocation made while it is changed).
pub fn try_rendering_now() -> Option<Vec<String>> {
    let mut names = match IN_FLIGHT.try_lock() {
        Ok(names) => names.clone(),
        Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner().clone(),
        Err(std::sync::TryLockError::WouldBlock) => return None,
    };
    names.sort();
    Some(names)
}

/// The templates being rendered right now, sorted.
pub fn rendering_now() -> Vec<String> {
    let mut names = IN_FLIGHT.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
    names.sort();
    names
}

/// A template's output, refused past its budget and past the render's.
struct Budgeted<'t> {
    bytes: Vec<u8>,
    left: usize,
    total: &'t AtomicUsize,
    /// Which budget ran out, when one did.
    over: Option<String>,
}

impl std::io::Write for Budgeted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len();
        if n > self.left {
            let limit = crate::limits::TEMPLATE_OUTPUT.get();
            self.over = Some(format!("{} MiB (limit template-output)", limit >> 20));
        } else if self
            .total
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(n))
            .is_err()
        {
            let limit = crate::limits::RENDER_OUTPUT.get();
            self.over = Some(format!("{} MiB in all (limit render-output)", limit >> 20));
        }
        if self.over.is_some() {
            return Err(std::io::Error::other("output budget exceeded"));
        }
        self.left -= n;
        self.bytes.extend_from_slice(buf);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The root chart's `kubeVersion` constraint must admit the target version.
fn check_kube_version(chart: &Chart, caps: &Capabilities) -> Result<()> {
    let Some(constraint) = &chart.meta.kube_version else {
        return Ok(());
    };
    let parsed = crate::chart::parse_constraint(constraint)?;
    let version = caps.kube_version.semver();
    if !crate::chart::satisfies(&parsed, &version) {
        bail!(
            "chart {} requires kubeVersion {constraint} which is incompatible with Kubernetes {}",
            chart.name(),
            caps.kube_version.full
        );
    }
    Ok(())
}
