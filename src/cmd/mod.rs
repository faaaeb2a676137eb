//! One function per command, gluing the library stages; no logic of its own beyond
//! choosing defaults from flags, the environment and `rudder.yaml`.

mod diff;
mod package;

use crate::cli::{Command, ManifestArgs, RenderArgs, ShowCommand, ValueArgs, ValuesArgs};
use anyhow::{Context, Result, anyhow};
use rudder::chart::Chart;
use rudder::manifest::Document;
use rudder::project::{Environment, Project};
use rudder::render::{Capabilities, Release};
use rudder::values::{ValueOptions, Values};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs a command; its exit code (`diff` exits 2 when it finds changes).
pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Render(args) => render(args).map(|()| ExitCode::SUCCESS),
        Command::Diff(args) => diff::run(args),
        Command::Package(args) => package::package(args).map(|()| ExitCode::SUCCESS),
        Command::Repo { what } => package::repo(what).map(|()| ExitCode::SUCCESS),
        Command::Values(args) => values(args).map(|()| ExitCode::SUCCESS),
        Command::Show { what } => show(what).map(|()| ExitCode::SUCCESS),
    }
}

/// The error and its causes, each once: `error: ...` then `caused by: ...` lines.
pub fn describe(error: &anyhow::Error) -> String {
    let mut text = format!("error: {error}");
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        text.push_str(&format!("\ncaused by: {}", cause.strip_prefix("error: ").unwrap_or(&cause)));
    }
    text
}

/// Everything the render, diff and values commands agree on before rendering.
struct Setup {
    project: Option<Project>,
    chart: Chart,
    values: Values,
    release: Release,
    environment: Environment,
    /// The namespace given by `-n` or the environment, if any (else the release
    /// namespace is Helm's `default` and nothing is injected).
    namespace_in_force: Option<String>,
}

/// What to set up: where to start looking for `rudder.yaml` and resolving the chart
/// argument, and the choices from the command line.
struct Request<'a> {
    dir: PathBuf,
    chart: Option<PathBuf>,
    release: Option<String>,
    env: Option<&'a str>,
    args: &'a ValueArgs,
    /// Standard input, read once up front when a flag asks for it (`-f -`).
    stdin: &'a str,
    /// Where the search for `rudder.yaml` stops (a git snapshot's root).
    top: Option<&'a Path>,
}

impl<'a> Request<'a> {
    /// A request in the working directory with the flags as given.
    fn here(
        chart: Option<PathBuf>,
        release: Option<String>,
        args: &'a ValueArgs,
        stdin: &'a str,
    ) -> Result<Self> {
        let dir = std::env::current_dir().context("cannot read the working directory")?;
        Ok(Request { dir, chart, release, env: args.env.as_deref(), args, stdin, top: None })
    }
}

fn setup(request: Request) -> Result<Setup> {
    let Request { dir, chart, release, env, args, stdin, top } = request;
    let project = Project::find_within(&dir, top)?;
    let environment = match (env, &project) {
        (None, _) => Environment::default(),
        (Some(name), Some(project)) => project.environment(name)?,
        (Some(name), None) => rudder::project::environment_without_project(&dir, name)?,
    };
    let chart_dir = chart
        .map(|c| dir.join(c))
        .or_else(|| project.as_ref().and_then(Project::chart))
        .ok_or_else(|| {
            anyhow!(
                "no chart given: pass a chart directory, or run where a {} names one",
                rudder::project::FILE_NAME
            )
        })?;
    let chart = Chart::load(&relative_to_cwd(&chart_dir))?;
    let name = release
        .or_else(|| args.release.clone())
        .or_else(|| project.as_ref().and_then(|p| p.file.release.clone()))
        .unwrap_or_else(|| "release-name".to_string());
    rudder::render::validate_release_name(&name)?;
    let namespace_in_force = args.namespace.clone().or_else(|| environment.namespace.clone());
    let release = Release {
        name,
        namespace: namespace_in_force.clone().unwrap_or_else(|| "default".into()),
        environment: environment.name.clone(),
    };
    let options = ValueOptions {
        files: environment
            .values_files
            .iter()
            .map(|f| relative_to_cwd(f))
            .chain(args.files.iter().cloned())
            .collect(),
        set_json: args.set_json.clone(),
        set: args.set.clone(),
        set_string: args.set_string.clone(),
        set_file: args.set_file.clone(),
    };
    let user = rudder::values::user_values(&options, &mut stdin.as_bytes())?;
    let values = rudder::values::resolve(&chart, user)?;
    for warning in &values.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(Setup { project, chart, values, release, environment, namespace_in_force })
}

/// `path` without the working directory in front, so messages show short paths.
fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    match path.strip_prefix(&cwd) {
        Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
        Ok(relative) => relative.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// Renders a set-up release into checked, ordered documents; prints the warnings.
fn render_documents(
    setup: &Setup,
    kube_version: Option<&str>,
    api_versions: &[String],
    flags: ManifestArgs,
) -> Result<Vec<Document>> {
    let kube_version = kube_version.or(setup.environment.kube_version.as_deref());
    let caps = Capabilities::new(kube_version, api_versions)?;
    let files = rudder::render::render(&setup.chart, &setup.values, &setup.release, &caps)?;
    let manifest = rudder::manifest::documents(&files, &manifest_options(setup, flags))?;
    for warning in &manifest.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(manifest.documents)
}

/// The manifest stage's choices: flags first, then the environment, then defaults.
fn manifest_options(setup: &Setup, flags: ManifestArgs) -> rudder::manifest::Options<'_> {
    let env = &setup.environment;
    let inject = if flags.inject_namespace {
        true
    } else if flags.no_inject_namespace {
        false
    } else {
        env.inject_namespace.unwrap_or(true)
    };
    rudder::manifest::Options {
        namespace: setup.namespace_in_force.as_deref().filter(|_| inject),
        cluster_scoped: setup.project.as_ref().map_or(&[], |p| p.file.cluster_scoped.as_slice()),
        hooks: rudder::manifest::HookFilter {
            no_hooks: flags.no_hooks || env.no_hooks,
            skip_tests: flags.skip_tests || env.skip_tests,
        },
    }
}

/// True if a value flag reads standard input (`-f -`, `--set-file k=-`).
fn values_read_stdin(args: &ValueArgs) -> bool {
    args.files.iter().any(|f| f == Path::new("-")) || args.set_file.iter().any(|s| s.ends_with("=-"))
}

/// Reads standard input once, when a value flag names it.
fn read_stdin_if_needed(args: &ValueArgs) -> Result<String> {
    let mut text = String::new();
    if values_read_stdin(args) {
        std::io::stdin().read_to_string(&mut text).context("cannot read standard input")?;
    }
    Ok(text)
}

/// Where environment `env`'s last render is kept.
fn baseline_path(project: Option<&Project>, env: &str) -> PathBuf {
    match project {
        Some(project) => relative_to_cwd(&project.rendered_path(env)),
        None => Path::new(rudder::project::DEFAULT_RENDERED_DIR).join(format!("{env}.yaml")),
    }
}

fn render(args: RenderArgs) -> Result<()> {
    let (release_name, chart) = match args.positional.as_slice() {
        [] => (None, None),
        [chart] => (None, Some(PathBuf::from(chart))),
        [name, chart] => (Some(name.clone()), Some(PathBuf::from(chart))),
        _ => unreachable!("clap allows at most two"),
    };
    let stdin = read_stdin_if_needed(&args.values)?;
    let setup = setup(Request::here(chart, release_name, &args.values, &stdin)?)?;
    let documents =
        render_documents(&setup, args.kube_version.as_deref(), &args.api_versions, args.manifest)?;
    let documents = rudder::output::show_only(documents, &args.show_only)?;
    if args.write {
        let path = baseline_path(setup.project.as_ref(), &setup.environment.name);
        let mut bytes = Vec::new();
        rudder::output::write_stream(&documents, &mut bytes)?;
        rudder::atomic::write(&path, &bytes)?;
        println!("wrote {}", path.display());
        return Ok(());
    }
    match &args.output_dir {
        Some(dir) => {
            for path in rudder::output::write_dir(&documents, dir)? {
                println!("wrote {}", path.display());
            }
            Ok(())
        }
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            rudder::output::write_stream(&documents, &mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}

fn values(args: ValuesArgs) -> Result<()> {
    let stdin = read_stdin_if_needed(&args.values)?;
    let setup = setup(Request::here(args.chart, None, &args.values, &stdin)?)?;
    let text = rudder::yaml::to_string(&serde_yaml::Value::Mapping(setup.values.root));
    print(&text)
}

fn show(what: ShowCommand) -> Result<()> {
    match what {
        ShowCommand::Chart { chart } => print(&Chart::load(&chart)?.chart_yaml),
        ShowCommand::Values { chart } => print(&Chart::load(&chart)?.values_yaml),
    }
}

fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
