//! One function per command, gluing the library stages; no logic of its own beyond
//! choosing defaults from flags, the environment and `rudder.yaml`.

mod convert;
mod diff;
mod package;

use crate::cli::{Command, ManifestArgs, RenderArgs, ShowCommand, ValueArgs, ValuesArgs};
use anyhow::{Context, Result};
use rudder::chart::Chart;
use rudder::manifest::{Detail, Document, HookFilter};
use rudder::release::{Choices, Release, Workspace};
use rudder::values::ValueOptions;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs a command; its exit code (`diff` exits 2 when it finds changes).
pub fn run(command: Command) -> Result<ExitCode> {
    if matches!(command, Command::Render(_) | Command::Diff(_)) {
        watchdog();
    }
    match command {
        Command::Render(args) => render(args).map(|()| ExitCode::SUCCESS),
        Command::Diff(args) => diff::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Package(args) => package::package(args).map(|()| ExitCode::SUCCESS),
        Command::Repo { what } => package::repo(what).map(|()| ExitCode::SUCCESS),
        Command::Values(args) => values(args).map(|()| ExitCode::SUCCESS),
        Command::Show { what } => show(what).map(|()| ExitCode::SUCCESS),
    }
}

/// Ends the process with an error once a rendering command has run past its budget of
/// time (`render-seconds`): Tera has no fuel, so this bounds template work that writes
/// nothing (loops, fan-out, growing strings).
fn watchdog() {
    let started = std::time::Instant::now();
    std::thread::spawn(move || {
        // The limit is read as time passes: rudder.yaml can still change it.
        let seconds = loop {
            std::thread::sleep(std::time::Duration::from_millis(100));
            let seconds = rudder::limits::RENDER_SECONDS.get();
            if started.elapsed().as_secs() >= seconds {
                break seconds;
            }
        };
        let now = rudder::render::rendering_now();
        let at = if now.is_empty() { String::new() } else { format!("; rendering {}", now.join(", ")) };
        let message = format!("error: the run takes more than {seconds} s (limit render-seconds){at}");
        eprintln!("{}", rudder::present::terminal_safe(&message));
        std::process::exit(i32::from(rudder::present::EXIT_ERROR));
    });
}

/// The error and its causes, each once: `error: ...` then `caused by: ...` lines. Value
/// text that no decision hid is shown (its marks go, see `rudder::secret`).
pub fn describe(error: &anyhow::Error) -> String {
    let mut text = format!("error: {error}");
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        text.push_str(&format!("\ncaused by: {}", cause.strip_prefix("error: ").unwrap_or(&cause)));
    }
    rudder::secret::unmarked(&text)
}

/// The command line's choices for every environment a command renders.
fn choices(
    chart: Option<PathBuf>,
    release: Option<String>,
    args: &ValueArgs,
    flags: ManifestArgs,
) -> Result<Choices> {
    let inject_namespace = match (flags.inject_namespace, flags.no_inject_namespace) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    Ok(Choices {
        chart,
        release: release.or_else(|| args.release.clone()),
        namespace: args.namespace.clone(),
        values: ValueOptions {
            files: args.files.clone(),
            set_json: args.set_json.clone(),
            set: args.set.clone(),
            set_string: args.set_string.clone(),
            set_file: args.set_file.clone(),
            set_literal: args.set_literal.clone(),
        },
        kube_version: None,
        api_versions: Vec::new(),
        hooks: HookFilter { no_hooks: flags.no_hooks, skip_tests: flags.skip_tests },
        inject_namespace,
        stdin: rudder::release::read_stdin_if(values_read_stdin(args))?,
        allow_rendered_outside: flags.allow_rendered_outside,
        release_service: args.release_service.clone(),
        skip_schema_validation: args.skip_schema_validation,
        include_crds: flags.include_crds,
        debug: args.debug,
        show_only: Vec::new(),
    })
}

/// Opens the workspace in the working directory, printing what loading its chart has to
/// say (a Helm 2 chart).
fn open(choices: Choices) -> Result<Workspace> {
    let dir = std::env::current_dir().context("cannot read the working directory")?;
    let workspace = Workspace::open(&dir, None, choices)?;
    print_workspace_notes(&workspace);
    Ok(workspace)
}

/// What opening a workspace has to say: a Helm 2 chart, a budget `rudder.yaml` may not
/// raise.
fn print_workspace_notes(workspace: &Workspace) {
    for notice in workspace.chart.all_notices() {
        eprintln!("notice: {notice}");
    }
    for warning in &workspace.warnings {
        eprintln!("warning: {warning}");
    }
}

/// Resolves and renders one release, printing its warnings; `detail` says whether the
/// documents keep their parsed values (diff) or only their text (printing).
fn render_release(release: &Release, detail: Detail) -> Result<Vec<Document>> {
    for warning in &release.values.warnings {
        eprintln!("warning: {warning}");
    }
    let manifest = release.render(detail)?;
    for warning in &manifest.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(manifest.documents)
}

/// With `--debug`, says how many charts were loaded (subcharts included) on stderr.
fn debug_loads(debug: bool) {
    if debug {
        eprintln!("debug: charts loaded: {}", rudder::chart::loads());
    }
}

/// True if a value flag reads standard input (`-f -`, `--set-file k=-`).
fn values_read_stdin(args: &ValueArgs) -> bool {
    args.files.iter().any(|f| f == Path::new("-")) || args.set_file.iter().any(|s| s.ends_with("=-"))
}

/// `[NAME] CHART` positionals: the release name and the chart.
fn name_and_chart(positional: &[String]) -> (Option<String>, Option<PathBuf>) {
    match positional {
        [] => (None, None),
        [chart] => (None, Some(PathBuf::from(chart))),
        [name, chart, ..] => (Some(name.clone()), Some(PathBuf::from(chart))),
    }
}

fn render(args: RenderArgs) -> Result<()> {
    let (release_name, chart) = name_and_chart(&args.positional);
    let mut choices = choices(chart, release_name, &args.values, args.manifest)?;
    choices.kube_version = args.kube_version.clone();
    choices.api_versions = args.api_versions.clone();
    choices.show_only = args.show_only.clone();
    let workspace = open(choices)?;
    if args.all_envs {
        write_every_environment(&workspace)?;
        debug_loads(args.values.debug);
        return Ok(());
    }
    let release = workspace.release_to_render(args.values.env.as_deref())?;
    let documents = rudder::output::show_only(render_release(&release, Detail::Text)?, &args.show_only)?;
    let notes = if args.notes { release.notes()? } else { None };
    debug_loads(args.values.debug);
    if args.write {
        let path = workspace.baseline_path(&release.environment.name)?;
        write_baseline(&path, &documents)?;
    } else if let Some(dir) = &args.output_dir {
        for path in rudder::output::write_dir(&documents, dir)? {
            say(format_args!("wrote {}", path.display()))?;
        }
    } else {
        let mut out = BufWriter::new(std::io::stdout().lock());
        rudder::output::write_stream(&documents, &mut out)?;
        out.flush()?;
    }
    if let Some(notes) = notes {
        eprint!("NOTES:\n{}", rudder::present::terminal_safe(&notes));
    }
    // The process ends after this: freeing the chart, the values and every document one
    // allocation at a time would only cost time (a tenth of a big render, measured).
    std::mem::forget(documents);
    std::mem::forget(release);
    std::mem::forget(workspace);
    Ok(())
}

/// `render --all-envs --write`: every environment rendered (in parallel, one chart),
/// then each baseline written.
fn write_every_environment(workspace: &Workspace) -> Result<()> {
    use rayon::prelude::*;
    rudder::parallel::pool();
    let names = workspace.environment_names();
    if names.is_empty() {
        anyhow::bail!("--all-envs needs a {} with environments", rudder::project::FILE_NAME);
    }
    let rendered: Vec<(String, Vec<Document>)> = names
        .par_iter()
        .map(|env| {
            let release = workspace.release_to_render(Some(env))?;
            Ok((env.clone(), render_release(&release, Detail::Text)?))
        })
        .collect::<Result<_>>()?;
    for (env, documents) in rendered {
        write_baseline(&workspace.baseline_path(&env)?, &documents)?;
    }
    Ok(())
}

fn write_baseline(path: &Path, documents: &[Document]) -> Result<()> {
    let mut bytes = Vec::new();
    rudder::output::write_stream(documents, &mut bytes)?;
    rudder::atomic::write(path, &bytes)?;
    say(format_args!("wrote {}", path.display()))?;
    Ok(())
}

fn values(args: ValuesArgs) -> Result<()> {
    let workspace = open(choices(args.chart, None, &args.values, ManifestArgs::default())?)?;
    let release = workspace.release(args.values.env.as_deref())?;
    for warning in &release.values.warnings {
        eprintln!("warning: {warning}");
    }
    debug_loads(args.values.debug);
    print(&rudder::yaml::to_string(&serde_yaml::Value::Mapping(release.values.root)))
}

/// What `show` prints of a chart.
type ShowPart = fn(&Chart) -> Result<String>;

fn show(what: ShowCommand) -> Result<()> {
    let (chart, part): (Option<PathBuf>, ShowPart) = match what {
        ShowCommand::Chart { chart } => (chart, |c| Ok(c.chart_yaml.clone())),
        ShowCommand::Values { chart } => (chart, |c| Ok(c.values_yaml.clone())),
        ShowCommand::Readme { chart } => (chart, readme),
        ShowCommand::Crds { chart } => (chart, |c| Ok(crds(c))),
        ShowCommand::All { chart } => (chart, all),
    };
    let workspace = open(Choices { chart, ..Choices::default() })?;
    print(&part(&workspace.chart)?)
}

/// The CRD files as `helm show crds` prints them: each after a `---` line unless it starts
/// with `---`, then a line break.
fn crds(chart: &Chart) -> String {
    let mut out = String::new();
    for (_, bytes) in chart.crds() {
        if !bytes.starts_with(b"---") {
            out.push_str("---\n");
        }
        out.push_str(&String::from_utf8_lossy(bytes));
        out.push('\n');
    }
    out
}

/// `helm show all`: Chart.yaml, `---`, values.yaml, then `---` and the README when there
/// is one, then the CRDs. Chart.yaml is printed as written, as `show chart` prints it.
fn all(chart: &Chart) -> Result<String> {
    let mut out = format!("{}\n---\n{}\n", chart.chart_yaml, chart.values_yaml);
    if let Ok(readme) = readme(chart) {
        out.push_str("---\n");
        out.push_str(&readme);
    }
    out.push_str(&crds(chart));
    Ok(out)
}

/// The chart's README, found as helm finds it: `README.md`, `README.txt` or `README`, in
/// any case.
fn readme(chart: &Chart) -> Result<String> {
    let found = chart.files.iter().find(|(path, _)| {
        let lower = path.to_ascii_lowercase();
        ["readme.md", "readme.txt", "readme"].contains(&lower.as_str())
    });
    match found {
        // helm prints the README and a line break after it.
        Some((_, bytes)) => Ok(format!("{}\n", String::from_utf8_lossy(bytes))),
        None => anyhow::bail!("{}: the chart has no README", chart.dir.display()),
    }
}

/// One line on stdout; a closed pipe is an error that `main` turns into a quiet exit
/// (where `println!` would panic).
fn say(line: std::fmt::Arguments) -> Result<()> {
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(())
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
