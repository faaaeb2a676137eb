//! The command line: clap definitions only. Flag names and meanings follow Helm's.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Render Helm-style Kubernetes charts per environment with Tera.
#[derive(Debug, Parser)]
#[command(name = "rudder", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a chart's templates to Kubernetes YAML on stdout.
    #[command(
        visible_alias = "template",
        after_help = "Examples:\n  rudder render --env dev\n  rudder render journal charts/journal -f values/prod.yaml --set frontend.replicas=3\n  rudder render --env prod -s charts/redis/templates/statefulset.yaml"
    )]
    Render(RenderArgs),
    /// Print the final merged values of a chart as YAML.
    #[command(
        after_help = "Examples:\n  rudder values --env prod\n  rudder values charts/journal -f values/dev.yaml --set redis.replicas=5"
    )]
    Values(ValuesArgs),
    /// Print a chart's Chart.yaml or its default values.
    #[command(
        after_help = "Examples:\n  rudder show chart charts/journal\n  rudder show values charts/redis"
    )]
    Show {
        #[command(subcommand)]
        what: ShowCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ShowCommand {
    /// Print the chart's Chart.yaml.
    #[command(after_help = "Example:\n  rudder show chart charts/journal")]
    Chart { chart: PathBuf },
    /// Print the chart's values.yaml as written.
    #[command(after_help = "Example:\n  rudder show values charts/redis")]
    Values { chart: PathBuf },
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// [NAME] CHART: the release name (optional) and the chart directory (default: the
    /// chart named in rudder.yaml).
    #[arg(value_name = "NAME_OR_CHART", num_args = 0..=2)]
    pub positional: Vec<String>,
    #[command(flatten)]
    pub values: ValueArgs,
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
}

#[derive(Debug, Args)]
pub struct ValuesArgs {
    /// The chart directory (default: the chart named in rudder.yaml).
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
}
