//! Every budget rudder applies to its inputs, in one place: each has a name, a default and
//! a reason, and can be raised (or lowered) for one run with `--limit NAME=VALUE`, by the
//! environment with `RUDDER_LIMITS`, or for a project with `limits:` in `rudder.yaml`.
//!
//! A flag wins over the rest. When `RUDDER_LIMITS` is set (a CI job that runs rudder on
//! a pull request sets it, even empty), the budgets it does not name keep their defaults,
//! and `rudder.yaml`, which the pull request's author controls, may only lower a budget.
//! See docs/security.md.

pub mod memory;

use anyhow::{Result, anyhow, bail};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};

/// One budget.
#[derive(Debug)]
pub struct Limit {
    pub name: &'static str,
    pub default: u64,
    pub about: &'static str,
    /// 0 means the default.
    value: AtomicU64,
    /// Who set `value`: one of the `BY_` constants.
    by: AtomicU8,
}

const BY_DEFAULT: u8 = 0;
const BY_PROJECT: u8 = 1;
const BY_ENVIRONMENT: u8 = 2;
const BY_FLAG: u8 = 3;

/// Set when `RUDDER_LIMITS` is: the project may then only lower a budget.
static PINNED: AtomicBool = AtomicBool::new(false);

/// The environment variable that pins the budgets (see the module docs).
pub const ENVIRONMENT_VARIABLE: &str = "RUDDER_LIMITS";

impl Limit {
    const fn new(name: &'static str, default: u64, about: &'static str) -> Limit {
        Limit { name, default, about, value: AtomicU64::new(0), by: AtomicU8::new(BY_DEFAULT) }
    }

    /// The budget in force.
    pub fn get(&self) -> u64 {
        match self.value.load(Ordering::Relaxed) {
            0 => self.default,
            value => value,
        }
    }

    /// The budget in force, as a count or size in memory.
    pub fn get_usize(&self) -> usize {
        usize::try_from(self.get()).unwrap_or(usize::MAX)
    }
}

const MIB: u64 = 1024 * 1024;

pub static FILE_BYTES: Limit =
    Limit::new("file-bytes", 5 * MIB, "one file: a chart's file, a values file, rudder.yaml, --set-file");
pub static STREAM_BYTES: Limit =
    Limit::new("stream-bytes", 100 * MIB, "one stream: standard input, a diff baseline, an index");
pub static STREAM_DOCUMENTS: Limit = Limit::new(
    "stream-documents",
    1_000_000,
    "YAML documents with content in one stream: a baseline, standard input, a template's output",
);
pub static CHART_BYTES: Limit =
    Limit::new("chart-bytes", 100 * MIB, "a chart's files in all, and an archive with its nested archives");
pub static ARCHIVE_ENTRIES: Limit =
    Limit::new("archive-entries", 100_000, "entries of an archive and its nested archives in all");
pub static ARCHIVE_CHARTS: Limit =
    Limit::new("archive-charts", 10_000, "charts in an archive, its nested charts/*.tgz included");
pub static YAML_NODES: Limit =
    Limit::new("yaml-nodes", 1_000_000, "nodes a YAML text expands to through aliases");
pub static YAML_BYTES: Limit =
    Limit::new("yaml-bytes", 128 * MIB, "bytes of scalar text a YAML text expands to through aliases");
pub static YAML_DEPTH: Limit = Limit::new("yaml-depth", 1000, "flow nesting of a YAML text");
pub static SET_LIST_ITEMS: Limit =
    Limit::new("set-list-items", 1_000_000, "list items the --set flags build in all");
pub static PATTERN_LENGTH: Limit = Limit::new(
    "pattern-length",
    4096,
    "characters of a glob pattern (.helmignore, files(glob=), --show-only)",
);
pub static INCLUDE_DEPTH: Limit = Limit::new(
    "include-depth",
    100,
    "how deep includes nest: a template including one that includes one ...",
);
pub static INCLUDE_CALLS: Limit = Limit::new(
    "include-calls",
    1_000_000,
    "includes a chart's templates expand in all, counted before rendering (30 partials each including the next twice: 2^30)",
);
pub static TEMPLATE_OUTPUT: Limit = Limit::new("template-output", 64 * MIB, "bytes one template may render");
pub static RENDER_OUTPUT: Limit =
    Limit::new("render-output", 512 * MIB, "bytes all the templates of one render may produce");
pub static MEMORY_BYTES: Limit = Limit::new(
    "memory-bytes",
    8 * 1024 * MIB,
    "heap memory in use: a string or list grown in a template stops here, with an error naming the template",
);

/// The least `memory-bytes` rudder accepts: what it needs to start and read a small chart.
pub const MIN_MEMORY_BYTES: u64 = 16 * MIB;
pub static RENDER_SECONDS: Limit =
    Limit::new("render-seconds", 120, "seconds a command that renders may run: the budget of template work");

/// Every limit, in the order the docs list them.
pub static ALL: [&Limit; 17] = [
    &FILE_BYTES,
    &STREAM_BYTES,
    &STREAM_DOCUMENTS,
    &CHART_BYTES,
    &ARCHIVE_ENTRIES,
    &ARCHIVE_CHARTS,
    &YAML_NODES,
    &YAML_BYTES,
    &YAML_DEPTH,
    &SET_LIST_ITEMS,
    &PATTERN_LENGTH,
    &INCLUDE_DEPTH,
    &INCLUDE_CALLS,
    &TEMPLATE_OUTPUT,
    &RENDER_OUTPUT,
    &RENDER_SECONDS,
    &MEMORY_BYTES,
];

/// Puts `memory-bytes` in force (see [`memory`]), below the process's own limits on
/// Linux: its address-space limit (`ulimit -v`) and its cgroup's memory limit.
pub fn apply_memory() {
    let (address_space, cgroup) = process_limits();
    memory::set_budget(MEMORY_BYTES.get(), address_space, cgroup);
}

/// The process's address-space limit and its cgroup's memory limit, where set.
#[cfg(target_os = "linux")]
fn process_limits() -> (Option<u64>, Option<u64>) {
    let address_space = rustix::process::getrlimit(rustix::process::Resource::As).current;
    let cgroup = std::fs::read_to_string("/proc/self/cgroup")
        .ok()
        .and_then(|text| memory::cgroup_limit(&text, std::path::Path::new("/sys/fs/cgroup")));
    (address_space, cgroup)
}

#[cfg(not(target_os = "linux"))]
fn process_limits() -> (Option<u64>, Option<u64>) {
    (None, None)
}

/// Sets limit `name` to `value` (a whole number, with an optional `Ki`, `Mi` or `Gi`), as
/// a `--limit` flag does.
pub fn set(name: &str, value: &str) -> Result<()> {
    let (limit, number) = parsed(name, value)?;
    limit.value.store(number, Ordering::Relaxed);
    limit.by.store(BY_FLAG, Ordering::Relaxed);
    Ok(())
}

/// The limit named `name` and `value` read for it.
fn parsed(name: &str, value: &str) -> Result<(&'static Limit, u64)> {
    let limit = ALL.iter().find(|l| l.name == name).ok_or_else(|| {
        let known: Vec<&str> = ALL.iter().map(|l| l.name).collect();
        anyhow!("unknown limit {name:?}; the limits are {}", known.join(", "))
    })?;
    let number = parse(value).map_err(|e| anyhow!("limit {name}: {e}"))?;
    if limit.name == MEMORY_BYTES.name && number < MIN_MEMORY_BYTES {
        bail!(
            "limit memory-bytes: {value:?} is below {}, the least rudder needs to start",
            memory::human(MIN_MEMORY_BYTES as usize)
        );
    }
    Ok((limit, number))
}

/// Applies `RUDDER_LIMITS` (`NAME=VALUE` entries separated by commas, possibly none) and
/// pins every budget: `rudder.yaml` may only lower one from now on. Flags given after it
/// win, as always.
pub fn pin(specs: &str) -> Result<()> {
    PINNED.store(true, Ordering::Relaxed);
    for spec in specs.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, value) = spec
            .split_once('=')
            .ok_or_else(|| anyhow!("{ENVIRONMENT_VARIABLE}: {spec:?} is not NAME=VALUE"))?;
        let (limit, number) =
            parsed(name.trim(), value).map_err(|e| anyhow!("{ENVIRONMENT_VARIABLE}: {e}"))?;
        limit.value.store(number, Ordering::Relaxed);
        limit.by.store(BY_ENVIRONMENT, Ordering::Relaxed);
    }
    Ok(())
}

/// A limit's value: a whole number above 0, with an optional `Ki`, `Mi` or `Gi`.
fn parse(value: &str) -> Result<u64> {
    let (digits, unit) = match value.trim() {
        v if v.ends_with("Ki") => (&v[..v.len() - 2], 1024),
        v if v.ends_with("Mi") => (&v[..v.len() - 2], MIB),
        v if v.ends_with("Gi") => (&v[..v.len() - 2], 1024 * MIB),
        v => (v, 1),
    };
    let number: u64 =
        digits.parse().map_err(|_| anyhow!("{value:?} is not a whole number (Ki, Mi, Gi allowed)"))?;
    match number.checked_mul(unit) {
        Some(bytes) if bytes > 0 => Ok(bytes),
        _ => bail!("{value:?} must be above 0 and fit in 64 bits"),
    }
}

/// Sets limit `name` from a project file, unless a flag or an earlier project file set
/// it; when the budgets are pinned ([`pin`]), only to lower it. A value it may not take is
/// not an error: the warning to print is returned.
pub fn set_from_project(name: &str, value: &str) -> Result<Option<String>> {
    let (limit, number) = parsed(name, value)?;
    match limit.by.load(Ordering::Relaxed) {
        BY_FLAG | BY_PROJECT => return Ok(None),
        _ => {}
    }
    if PINNED.load(Ordering::Relaxed) && number > limit.get() {
        return Ok(Some(format!(
            "limits.{name}: {value} would raise the budget of {} that {ENVIRONMENT_VARIABLE} pins; keeping it (a project may only lower a pinned budget)",
            limit.get()
        )));
    }
    limit.value.store(number, Ordering::Relaxed);
    limit.by.store(BY_PROJECT, Ordering::Relaxed);
    Ok(None)
}

/// Applies `NAME=VALUE` (the `--limit` flag).
pub fn set_spec(spec: &str) -> Result<()> {
    let (name, value) =
        spec.split_once('=').ok_or_else(|| anyhow!("--limit {spec:?}: expected NAME=VALUE"))?;
    set(name.trim(), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse_and_name_the_known_ones() {
        // Only failing calls here: the limits are shared by the tests running beside it.
        let err = set("nope", "1").unwrap_err().to_string();
        assert!(err.starts_with("unknown limit \"nope\"; the limits are file-bytes, "), "{err}");
        assert!(set("yaml-depth", "x").is_err());
        assert!(set("yaml-depth", "0").is_err());
        assert!(set_spec("yaml-depth").is_err());
        assert_eq!(parse("8Ki").unwrap(), 8192);
        assert_eq!(parse("2Gi").unwrap(), 2 << 30);
        assert_eq!(parse("1000").unwrap(), 1000);
        assert!(parse("99999999999Gi").is_err());
        let err = set("memory-bytes", "1").unwrap_err().to_string();
        assert_eq!(err, "limit memory-bytes: \"1\" is below 16 MiB, the least rudder needs to start");
    }
}
