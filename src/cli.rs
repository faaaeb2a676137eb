//! The command line: clap definitions only. Flag names and meanings follow Helm's.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Render Helm-style Kubernetes charts per environment with Tera.
#[derive(Debug, Parser)]
#[command(name = "rudder", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Raise (or lower) a budget for this run: NAME=VALUE, e.g. yaml-nodes=2000000 or
    /// file-bytes=20Mi; repeatable. The budgets are listed in docs/security.md.
    #[arg(long = "limit", value_name = "NAME=VALUE", global = true)]
    pub limits: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a chart's templates to Kubernetes YAML on stdout.
    #[command(
        visible_alias = "template",
        after_help = "Examples:\n  rudder render --env dev\n  rudder render journal charts/journal -f values/prod.yaml --set frontend.replicas=3\n  rudder render --env prod -s charts/redis/templates/statefulset.yaml"
    )]
    Render(RenderArgs),
    /// Compare a new render with a baseline (exit 0: no changes, 2: changes, 1: error).
    ///
    /// The baseline is the environment's last render (rendered/NAME.yaml, written by
    /// `render --write`), or a file, directory, stdin, another environment or a git revision.
    #[command(
        after_help = "Examples:\n  rudder diff --env prod\n  rudder diff --all-envs --output markdown\n  rudder diff --env dev --against-env prod\n  rudder diff --env prod --against-ref origin/main\n  rudder render --env prod | rudder diff --env prod --against -\n  rudder diff --env dev --set frontend.replicas=4 --update\n\nExit codes: 0 no changes, 2 changes, 1 error."
    )]
    Diff(DiffArgs),
    /// Package chart directories as reproducible Helm chart archives (<name>-<version>.tgz).
    #[command(
        disable_version_flag = true,
        after_help = "Examples:\n  rudder package charts/journal -d dist\n  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) rudder package charts/* -d dist\n  rudder package charts/journal --version 1.2.0 --app-version 2.0.1\n\nPrints each archive's sha256 and path (sha256sum format). Every entry's time is\nSOURCE_DATE_EPOCH, or 1980-01-01 when unset."
    )]
    Package(PackageArgs),
    /// Write a Helm chart (Go templates) out as a rudder chart in Tera.
    #[command(
        after_help = "Examples:\n  rudder convert ./ingress-nginx ./ingress-nginx-tera\n  rudder convert podinfo-6.7.0.tgz ./podinfo --verify -f ci/prod.yaml\n\nExit status: 0 converted cleanly, 3 converted with places left for a person (each printed\nas file:line:col), 1 error. --verify renders the Helm chart with helm and the converted one\nwith rudder and compares them as resources, and exits 1 if any value set differs."
    )]
    Convert(ConvertArgs),
    /// Chart repository commands.
    #[command(after_help = "Example:\n  rudder repo index dist --url https://charts.example.com")]
    Repo {
        #[command(subcommand)]
        what: RepoCommand,
    },
    /// Print the final merged values of a chart as YAML.
    #[command(
        after_help = "Examples:\n  rudder values --env prod\n  rudder values charts/journal -f values/dev.yaml --set redis.replicas=5"
    )]
    Values(ValuesArgs),
    /// Print a chart's Chart.yaml, values, README or CRDs, or all of them, as helm show does.
    #[command(
        after_help = "Examples:\n  rudder show chart charts/journal\n  rudder show values charts/redis\n  rudder show readme charts/redis\n  rudder show crds charts/operator\n  rudder show all charts/journal"
    )]
    Show {
        #[command(subcommand)]
        what: ShowCommand,
    },
}

#[derive(Debug, Args)]
pub struct PackageArgs {
    /// Chart directories to package.
    #[arg(required = true, value_name = "CHART")]
    pub charts: Vec<PathBuf>,
    /// Directory to write the archives to.
    #[arg(short = 'd', long, value_name = "DIR", default_value = ".")]
    pub destination: PathBuf,
    /// Set the chart's version (semver) in the archive.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// Set the chart's appVersion in the archive.
    #[arg(long, value_name = "VERSION")]
    pub app_version: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The Helm chart: a directory or a .tgz archive.
    #[arg(value_name = "SRC")]
    pub source: PathBuf,
    /// The directory to write the rudder chart to (must not exist, unless --force).
    #[arg(value_name = "DEST")]
    pub destination: PathBuf,
    /// Replace DEST if it exists.
    #[arg(long)]
    pub force: bool,
    /// Render SRC with helm and DEST with rudder, for the default values, each ci/*.yaml
    /// of the chart and each -f, and compare them as resources.
    #[arg(long)]
    pub verify: bool,
    /// The helm binary --verify runs (default: helm on PATH).
    #[arg(long, value_name = "PATH", requires = "verify")]
    pub helm: Option<PathBuf>,
    /// A values file --verify renders with, besides the chart's defaults and ci/ files.
    #[arg(short = 'f', long = "values", value_name = "FILE", requires = "verify")]
    pub values: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RepoCommand {
    /// Write DIR/index.yaml for the chart archives in DIR (and its subdirectories, one level).
    #[command(
        after_help = "Examples:\n  rudder repo index dist\n  rudder repo index dist --url https://charts.example.com --merge old-index.yaml\n\nAn entry whose archive is unchanged keeps its created date, so indexing twice gives the same file."
    )]
    Index {
        /// The directory holding the archives.
        dir: PathBuf,
        /// URL prefix of the archives (default: paths relative to the index).
        #[arg(long)]
        url: Option<String>,
        /// Keep this index's entries that no archive in DIR replaces.
        #[arg(long, value_name = "FILE")]
        merge: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ShowCommand {
    /// Print the chart's Chart.yaml.
    #[command(after_help = "Example:\n  rudder show chart charts/journal")]
    Chart {
        /// The chart directory or .tgz archive (default: the chart named in rudder.yaml).
        chart: Option<PathBuf>,
    },
    /// Print the chart's README (README.md, README.txt or README, any case), as helm show readme.
    #[command(after_help = "Example:\n  rudder show readme charts/redis")]
    Readme {
        /// The chart directory or .tgz archive (default: the chart named in rudder.yaml).
        chart: Option<PathBuf>,
    },
    /// Print the CustomResourceDefinitions under crds/ of the chart and its subcharts, as helm show crds.
    #[command(after_help = "Example:\n  rudder show crds charts/operator")]
    Crds {
        /// The chart directory or .tgz archive (default: the chart named in rudder.yaml).
        chart: Option<PathBuf>,
    },
    /// Print Chart.yaml, values.yaml, the README and the CRDs, separated by `---`, as helm show all.
    #[command(after_help = "Example:\n  rudder show all charts/redis")]
    All {
        /// The chart directory or .tgz archive (default: the chart named in rudder.yaml).
        chart: Option<PathBuf>,
    },
    /// Print the chart's values.yaml as written.
    #[command(after_help = "Example:\n  rudder show values charts/redis")]
    Values {
        /// The chart directory or .tgz archive (default: the chart named in rudder.yaml).
        chart: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("write_target").args(["env", "all_envs"])))]
pub struct RenderArgs {
    /// [NAME] CHART: the release name (optional) and the chart directory or .tgz (default: the
    /// chart named in rudder.yaml).
    #[arg(value_name = "NAME_OR_CHART", num_args = 0..=2)]
    pub positional: Vec<String>,
    #[command(flatten)]
    pub values: ValueArgs,
    #[command(flatten)]
    pub manifest: ManifestArgs,
    /// Only print the documents of templates matching this path (e.g. templates/ingress.yaml); repeatable.
    #[arg(short = 's', long = "show-only", value_name = "PATH")]
    pub show_only: Vec<String>,
    /// Write one file per template under this directory instead of printing.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Kubernetes version for Capabilities and kubeVersion checks (default v1.35.0).
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Extra API versions for Capabilities.APIVersions; repeatable or comma-separated.
    #[arg(short = 'a', long = "api-versions", value_name = "VERSION")]
    pub api_versions: Vec<String>,
    /// Write the render to the environment's baseline (rudder.yaml `rendered`, default
    /// rendered/NAME.yaml) instead of printing it; needs --env or --all-envs.
    #[arg(long, requires = "write_target", conflicts_with_all = ["output_dir", "show_only"])]
    pub write: bool,
    /// With --write: render every environment of rudder.yaml (one chart load, in
    /// parallel) and write each one's baseline.
    #[arg(long, requires = "write", conflicts_with = "env")]
    pub all_envs: bool,
    /// After the manifests, print the root chart's rendered templates/NOTES.txt on
    /// stderr, as `helm install` prints it.
    #[arg(long, conflicts_with = "all_envs")]
    pub notes: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// [NAME] CHART, as for render: the release name (optional) and the chart directory or
    /// .tgz (default: the chart named in rudder.yaml).
    #[arg(value_name = "NAME_OR_CHART", num_args = 0..=2)]
    pub positional: Vec<String>,
    #[command(flatten)]
    pub values: ValueArgs,
    #[command(flatten)]
    pub manifest: ManifestArgs,
    /// Compare with this multi-document YAML file, directory of YAML files, or - (stdin).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["against_env", "against_ref", "all_envs"])]
    pub against: Option<PathBuf>,
    /// Compare with another environment's render.
    #[arg(long, value_name = "ENV", conflicts_with_all = ["against_ref", "all_envs"])]
    pub against_env: Option<String>,
    /// Compare with the render of the same chart and environment at a git revision.
    #[arg(long, value_name = "GITREF")]
    pub against_ref: Option<String>,
    /// Diff every environment of rudder.yaml (rendered in parallel).
    #[arg(long, conflicts_with = "env")]
    pub all_envs: bool,
    /// Report format.
    #[arg(short = 'o', long, value_enum, default_value_t = DiffFormat::Text)]
    pub output: DiffFormat,
    /// Lines of context around each change.
    #[arg(short = 'C', long, value_name = "N", default_value_t = 3)]
    pub context: usize,
    /// Colour the text report: auto (when stdout is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Show Secret values (by default only changed keys and sizes are shown).
    #[arg(long)]
    pub show_secrets: bool,
    /// After showing the diff, replace the baseline with the new render (the default
    /// baseline or an --against file), atomically.
    #[arg(long, conflicts_with_all = ["against_env", "against_ref"])]
    pub update: bool,
    /// Kubernetes version for Capabilities and kubeVersion checks, on both sides.
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Extra API versions for Capabilities.APIVersions, on both sides.
    #[arg(short = 'a', long = "api-versions", value_name = "VERSION")]
    pub api_versions: Vec<String>,
}

/// The flags that decide what a render holds beyond its templates, shared by render and
/// diff (each also settable per environment in rudder.yaml).
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct ManifestArgs {
    /// Leave out every Helm hook (resources with a helm.sh/hook annotation).
    #[arg(long)]
    pub no_hooks: bool,
    /// Leave out Helm test hooks (helm.sh/hook: test or test-success).
    #[arg(long)]
    pub skip_tests: bool,
    /// Give the namespace in force (-n, or the environment's) to every namespaced
    /// resource without one: the default; overrides `injectNamespace: false`.
    #[arg(long, overrides_with = "no_inject_namespace")]
    pub inject_namespace: bool,
    /// Leave metadata.namespace as the templates render it (like helm template).
    #[arg(long, overrides_with = "inject_namespace")]
    pub no_inject_namespace: bool,
    /// Let rudder.yaml's `rendered:` directory lie outside the project (for --write and
    /// the default diff baseline).
    #[arg(long)]
    pub allow_rendered_outside: bool,
    /// Put the CustomResourceDefinitions of the charts' crds/ directories (enabled
    /// subcharts included) first in the output, as written, as helm template does.
    #[arg(long, overrides_with = "skip_crds")]
    pub include_crds: bool,
    /// Leave crds/ out (the default; overrides --include-crds).
    #[arg(long, overrides_with = "include_crds")]
    pub skip_crds: bool,
}

/// Formats of the diff report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Headers, unified diffs and a summary line.
    Text,
    /// One line per changed resource and the summary line.
    Summary,
    /// Machine-readable: identities, field paths, old and new values.
    Json,
    /// A pull-request comment: summary table and a collapsible section per resource.
    Markdown,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ValuesArgs {
    /// The chart directory or .tgz archive (default: the chart named in rudder.yaml).
    pub chart: Option<PathBuf>,
    #[command(flatten)]
    pub values: ValueArgs,
}

/// The flags that decide a release's values, shared by render and values.
#[derive(Debug, Args)]
pub struct ValueArgs {
    /// Environment from rudder.yaml (or values/NAME.yaml without one).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Values file, applied after the environment's; repeatable; - reads stdin.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Set values: a.b=1,c[0]=x,d={x,y}; repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Set values as strings, whatever they look like; repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub set_string: Vec<String>,
    /// Set a value to the literal string after the first `=` (commas and braces
    /// included); applied last; repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub set_literal: Vec<String>,
    /// Set values from JSON: a={"b":1} or a whole JSON object; repeatable.
    #[arg(long, value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set a value to the contents of a file; repeatable.
    #[arg(long, value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Release namespace (default: the environment's, else "default").
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Release name (also accepted as the first of two positional arguments).
    #[arg(long, value_name = "NAME")]
    pub release: Option<String>,
    /// Also print what was loaded (the number of charts read) on stderr, and with an
    /// invalid rendered document, the whole render of its template.
    #[arg(long)]
    pub debug: bool,
    /// Release.Service (default: rudder.yaml's releaseService, else "rudder"); `Helm`
    /// keeps a ported chart's managed-by labels.
    #[arg(long, value_name = "NAME")]
    pub release_service: Option<String>,
    /// Do not check the values against the charts' values.schema.json files.
    #[arg(long)]
    pub skip_schema_validation: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }

    #[test]
    fn every_command_and_argument_has_help_text() {
        use clap::CommandFactory;
        fn missing(command: &clap::Command, path: &str, out: &mut Vec<String>) {
            let path = format!("{path} {}", command.get_name()).trim().to_string();
            if command.get_about().is_none() && path != "rudder" {
                out.push(format!("{path}: no about"));
            }
            for arg in command.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                if !builtin && arg.get_help().is_none() && arg.get_long_help().is_none() {
                    out.push(format!("{path}: --{} has no help", arg.get_id()));
                }
            }
            for sub in command.get_subcommands() {
                missing(sub, &path, out);
            }
        }
        let mut out = Vec::new();
        missing(&super::Cli::command(), "", &mut out);
        assert!(out.is_empty(), "{}", out.join("\n"));
    }
}
