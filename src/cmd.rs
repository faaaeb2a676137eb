//! One function per command, gluing the library stages; no logic of its own beyond
//! choosing defaults from flags, the environment and `rudder.yaml`.

use crate::cli::{Command, RenderArgs, ShowCommand, ValueArgs, ValuesArgs};
use anyhow::{Context, Result, anyhow};
use rudder::chart::Chart;
use rudder::project::{Environment, Project};
use rudder::render::{Capabilities, Release};
use rudder::values::{ValueOptions, Values};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Render(args) => render(args),
        Command::Values(args) => values(args),
        Command::Show { what } => show(what),
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

/// Everything the render and values commands agree on before rendering.
struct Setup {
    chart: Chart,
    values: Values,
    release: Release,
    environment: Environment,
}

fn setup(chart: Option<PathBuf>, release_name: Option<String>, args: &ValueArgs) -> Result<Setup> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let project = Project::find(&cwd)?;
    let environment = match (&args.env, &project) {
        (None, _) => Environment::default(),
        (Some(name), Some(project)) => project.environment(name)?,
        (Some(name), None) => rudder::project::environment_without_project(&cwd, name)?,
    };
    let chart_dir = chart.or_else(|| project.as_ref().and_then(Project::chart)).ok_or_else(|| {
        anyhow!(
            "no chart given: pass a chart directory, or run where a {} names one",
            rudder::project::FILE_NAME
        )
    })?;
    let chart = Chart::load(&chart_dir)?;
    let name = release_name
        .or_else(|| args.release.clone())
        .or_else(|| project.as_ref().and_then(|p| p.file.release.clone()))
        .unwrap_or_else(|| "release-name".to_string());
    rudder::render::validate_release_name(&name)?;
    let release = Release {
        name,
        namespace: args
            .namespace
            .clone()
            .or_else(|| environment.namespace.clone())
            .unwrap_or_else(|| "default".into()),
        environment: environment.name.clone(),
    };
    let options = ValueOptions {
        files: environment.values_files.iter().chain(&args.files).cloned().collect(),
        set_json: args.set_json.clone(),
        set: args.set.clone(),
        set_string: args.set_string.clone(),
        set_file: args.set_file.clone(),
    };
    let user = rudder::values::user_values(&options, &mut std::io::stdin().lock())?;
    let values = rudder::values::resolve(&chart, user)?;
    Ok(Setup { chart, values, release, environment })
}

fn render(args: RenderArgs) -> Result<()> {
    let (release_name, chart) = match args.positional.as_slice() {
        [] => (None, None),
        [chart] => (None, Some(PathBuf::from(chart))),
        [name, chart] => (Some(name.clone()), Some(PathBuf::from(chart))),
        _ => unreachable!("clap allows at most two"),
    };
    let setup = setup(chart, release_name, &args.values)?;
    let kube_version = args.kube_version.as_deref().or(setup.environment.kube_version.as_deref());
    let caps = Capabilities::new(kube_version, &args.api_versions)?;
    let files = rudder::render::render(&setup.chart, &setup.values, &setup.release, &caps)?;
    let documents = rudder::manifest::documents(&files)?;
    let documents = rudder::output::show_only(documents, &args.show_only)?;
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
    let setup = setup(args.chart, None, &args.values)?;
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
