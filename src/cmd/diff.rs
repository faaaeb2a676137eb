//! `rudder diff`: renders each environment asked for, loads its baseline, compares,
//! prints the report, and optionally replaces the baseline.

use super::{choices, render_release, values_read_stdin};
use crate::cli::{ColorChoice, DiffArgs, DiffFormat};
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use rudder::diff::{Options, Report, Resource};
use rudder::git::Snapshot;
use rudder::manifest::Detail;
use rudder::present::Palette;
use rudder::release::{Release, Workspace};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// One environment's comparison, and the new render if the baseline is to be updated.
struct Outcome {
    report: Report,
    update: Option<(PathBuf, Vec<u8>)>,
}

/// What the new render is compared with.
enum Baseline {
    /// The environment's last render (`rendered/NAME.yaml`).
    LastRender,
    File(PathBuf),
    Stdin(Arc<String>),
    Environment(String),
    /// The workspace as it was at a git revision (its chart loaded once).
    Revision {
        revision: String,
        workspace: Box<Workspace>,
        _snapshot: Snapshot,
    },
}

pub fn run(args: DiffArgs) -> Result<ExitCode> {
    rudder::parallel::pool();
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let baseline_stdin = read_baseline_stdin(&args)?;
    let (release_name, chart) = super::name_and_chart(&args.positional);
    let mut choices = choices(chart, release_name, &args.values, args.manifest)?;
    choices.kube_version = args.kube_version.clone();
    choices.api_versions = args.api_versions.clone();
    let workspace = Workspace::open(&cwd, None, choices.clone())?;
    super::print_workspace_notes(&workspace);
    let baseline = baseline(&args, &cwd, baseline_stdin, choices)?;
    let envs: Vec<Option<String>> = if args.all_envs {
        let names = workspace.environment_names();
        if names.is_empty() {
            bail!("--all-envs needs a {} with environments", rudder::project::FILE_NAME);
        }
        names.into_iter().map(Some).collect()
    } else {
        vec![args.values.env.clone()]
    };
    let ignore = workspace.project.as_ref().map(|p| p.file.diff.ignore.clone()).unwrap_or_default();
    let options = Options { show_secrets: args.show_secrets, ignore: &ignore, values: None };
    let outcomes: Vec<Outcome> = envs
        .par_iter()
        .map(|env| diff_environment(&workspace, env.as_deref(), &args, &baseline, &options))
        .collect::<Result<_>>()?;
    super::debug_loads(args.values.debug);
    let (reports, updates): (Vec<Report>, Vec<_>) =
        outcomes.into_iter().map(|o| (o.report, o.update)).unzip();
    write_report(&reports, &args)?;
    for (path, bytes) in updates.iter().flatten() {
        rudder::atomic::write(path, bytes)?;
        eprintln!("updated {}", path.display());
    }
    let changed = reports.iter().any(Report::has_changes);
    Ok(if changed { ExitCode::from(rudder::present::EXIT_CHANGES) } else { ExitCode::SUCCESS })
}

/// Standard input as the baseline (`--against -`), read before anything else.
fn read_baseline_stdin(args: &DiffArgs) -> Result<Option<Arc<String>>> {
    if args.against.as_deref() != Some(Path::new("-")) {
        return Ok(None);
    }
    if values_read_stdin(&args.values) {
        bail!("standard input cannot be both the baseline (--against -) and a values file");
    }
    if args.update {
        bail!("--update cannot write to standard input (--against -)");
    }
    rudder::input::read_stdin(rudder::input::stream_limit()).map(|text| Some(Arc::new(text)))
}

fn baseline(
    args: &DiffArgs,
    cwd: &Path,
    stdin: Option<Arc<String>>,
    choices: rudder::release::Choices,
) -> Result<Baseline> {
    if let Some(text) = stdin {
        return Ok(Baseline::Stdin(text));
    }
    if let Some(path) = &args.against {
        if args.update && path.is_dir() {
            bail!("--update cannot replace a directory baseline ({}); use a file", path.display());
        }
        return Ok(Baseline::File(path.clone()));
    }
    if let Some(env) = &args.against_env {
        return Ok(Baseline::Environment(env.clone()));
    }
    if let Some(revision) = &args.against_ref {
        let snapshot = Snapshot::extract(cwd, revision)?;
        let mut choices = choices;
        choices.chart = super::name_and_chart(&args.positional).1.map(|c| snapshot.map(&c));
        let workspace = Workspace::open(&snapshot.cwd(), Some(snapshot.root()), choices)
            .with_context(|| format!("cannot render at {revision}"))?;
        return Ok(Baseline::Revision {
            revision: revision.clone(),
            workspace: Box::new(workspace),
            _snapshot: snapshot,
        });
    }
    Ok(Baseline::LastRender)
}

fn diff_environment(
    workspace: &Workspace,
    env: Option<&str>,
    args: &DiffArgs,
    baseline: &Baseline,
    options: &Options,
) -> Result<Outcome> {
    let new = workspace.release_to_render(env)?;
    let namespace = new.info.namespace.clone();
    let values = rudder::secret::ValueTexts::new(value_texts(&new.values.root));
    let options = &Options { values: Some(&values), ..*options };
    let (rendered, old, new_resources, removed) = match stream_baseline(baseline, env, &new)? {
        // A baseline stream: the render keeps only its text, documents printed the same
        // on both sides are not parsed again, and resources only the stream has are kept
        // as their identity.
        Some(stream) => {
            let documents = render_release(&new, Detail::Text)?;
            let printed = printed_if(args.update, &documents)?;
            let sides =
                rudder::diff::against_stream(documents, stream.text, &stream.shown, &namespace, options)?;
            let old = Loaded::new(sides.old, stream.shown, stream.update_path);
            (printed, old, sides.new, sides.removed)
        }
        None => {
            // The render and the baseline are independent: read the baseline while
            // rendering (the render's loading and compiling are largely one-threaded).
            let (documents, old) =
                rayon::join(|| render_release(&new, Detail::Full), || load_baseline(baseline, env, &new));
            let documents = documents?;
            let printed = printed_if(args.update, &documents)?;
            (printed, old?, rudder::diff::from_documents(documents, &namespace)?, Default::default())
        }
    };
    let report = Report {
        label: env.map(str::to_string),
        baseline: old.shown,
        namespace: namespace.clone(),
        ..rudder::diff::compare(
            rudder::diff::index(old.resources)?,
            rudder::diff::index(new_resources)?,
            options,
        )
        .with_removed(removed, options)
    };
    let update = match old.update_path {
        Some(path) if args.update => Some((path, rendered)),
        _ => None,
    };
    Ok(Outcome { report, update })
}

/// Every string and number of `values`, as text.
fn value_texts(values: &serde_yaml::Mapping) -> Vec<String> {
    let mut texts = Vec::new();
    let mut todo: Vec<&serde_yaml::Value> = values.values().collect();
    while let Some(value) = todo.pop() {
        match value {
            serde_yaml::Value::Mapping(map) => todo.extend(map.values()),
            serde_yaml::Value::Sequence(items) => todo.extend(items),
            scalar => texts.extend(rudder::yaml::scalar_text(scalar)),
        }
    }
    texts
}

/// The render as `--update` writes it, when it does.
fn printed_if(update: bool, documents: &[rudder::manifest::Document]) -> Result<Vec<u8>> {
    let mut printed = Vec::new();
    if update {
        rudder::output::write_stream(documents, &mut printed)?;
    }
    Ok(printed)
}

/// A baseline that is one YAML stream, as text (standard input's is shared).
struct Stream {
    text: Arc<String>,
    /// How reports and errors name it.
    shown: String,
    /// The file `--update` would replace, if any.
    update_path: Option<PathBuf>,
}

/// The baseline's text when it is one existing file or standard input; `None` for the
/// others (a directory, a missing last render, another environment, a revision), which
/// [`load_baseline`] reads.
fn stream_baseline(baseline: &Baseline, env: Option<&str>, new: &Release) -> Result<Option<Stream>> {
    let path = match (baseline, env) {
        (Baseline::Stdin(text), _) => {
            return Ok(Some(Stream { text: text.clone(), shown: "<stdin>".into(), update_path: None }));
        }
        (Baseline::File(path), _) => path.clone(),
        (Baseline::LastRender, Some(env)) => new.workspace.baseline_path(env)?,
        _ => return Ok(None),
    };
    if !path.exists() {
        return Ok(None);
    }
    Ok(rudder::diff::read_stream_file(&path)?.map(|text| Stream {
        text: Arc::new(text),
        shown: path.display().to_string(),
        update_path: Some(path),
    }))
}

/// A baseline as read.
struct Loaded {
    resources: Vec<Resource>,
    /// How reports name it.
    shown: String,
    /// The file `--update` would replace, if any.
    update_path: Option<PathBuf>,
}

impl Loaded {
    fn new(resources: Vec<Resource>, shown: impl Into<String>, update_path: Option<PathBuf>) -> Self {
        Loaded { resources, shown: shown.into(), update_path }
    }
}

/// The baselines [`stream_baseline`] does not read: a directory, a missing last render,
/// another environment, a revision.
fn load_baseline(baseline: &Baseline, env: Option<&str>, new: &Release) -> Result<Loaded> {
    let namespace = &new.info.namespace;
    match baseline {
        Baseline::LastRender => {
            let Some(env) = env else {
                bail!(
                    "nothing to compare with: pass --env NAME (to compare with its last render) or --against PATH"
                );
            };
            let path = new.workspace.baseline_path(env)?;
            let shown = path.display().to_string();
            if !path.exists() {
                eprintln!("note: {shown} does not exist yet; every resource shows as added");
                return Ok(Loaded::new(Vec::new(), shown, Some(path)));
            }
            Ok(Loaded::new(rudder::diff::read_path(&path, namespace)?, shown, Some(path)))
        }
        Baseline::File(path) => Ok(Loaded::new(
            rudder::diff::read_path(path, namespace)?,
            path.display().to_string(),
            Some(path.clone()),
        )),
        Baseline::Stdin(_) => unreachable!("standard input is always read as a stream (stream_baseline)"),
        Baseline::Environment(other) => {
            let old = new.workspace.release_to_render(Some(other))?;
            let resources = rendered_resources(&old, namespace)
                .with_context(|| format!("cannot render environment {other:?}"))?;
            // The other environment's namespace lines up with this one's: the diff shows
            // what differs in the resources, not that they live elsewhere.
            let resources = match &old.namespace_in_force {
                Some(from) => rudder::diff::relocate(resources, from, namespace),
                None => resources,
            };
            Ok(Loaded::new(resources, format!("environment {other}"), None))
        }
        Baseline::Revision { revision, workspace, .. } => {
            let shown = format!("revision {revision}");
            if let (Some(env), Some(project)) = (env, &workspace.project)
                && !project.file.environments.contains_key(env)
            {
                eprintln!(
                    "note: environment {env:?} does not exist at {revision}; every resource shows as added"
                );
                return Ok(Loaded::new(Vec::new(), shown, None));
            }
            let old =
                workspace.release_to_render(env).with_context(|| format!("cannot render at {revision}"))?;
            let resources = rendered_resources(&old, namespace)
                .with_context(|| format!("cannot render at {revision}"))?;
            Ok(Loaded::new(resources, shown, None))
        }
    }
}

/// A baseline that is itself a render (another environment, or a revision); documents
/// without a namespace count in the new render's `namespace`.
fn rendered_resources(release: &Release, namespace: &str) -> Result<Vec<Resource>> {
    rudder::diff::from_documents(render_release(release, Detail::Full)?, namespace)
}

fn write_report(reports: &[Report], args: &DiffArgs) -> Result<()> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    let palette = Palette { enabled: use_color(args.color) };
    match args.output {
        DiffFormat::Text => rudder::diff::write_text(reports, args.context, palette, &mut out)?,
        DiffFormat::Summary => rudder::diff::write_summary(reports, palette, &mut out)?,
        DiffFormat::Json => rudder::diff::write_json(reports, &mut out)?,
        DiffFormat::Markdown => {
            rudder::diff::write_markdown(reports, args.context, rudder::diff::MARKDOWN_LIMIT, &mut out)?
        }
    }
    out.flush()?;
    Ok(())
}

/// `--color` as the presentation module knows it.
fn use_color(choice: ColorChoice) -> bool {
    rudder::present::use_color(match choice {
        ColorChoice::Auto => rudder::present::ColorChoice::Auto,
        ColorChoice::Always => rudder::present::ColorChoice::Always,
        ColorChoice::Never => rudder::present::ColorChoice::Never,
    })
}
