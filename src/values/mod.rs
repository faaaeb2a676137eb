//! Values: the user's values (values files, then the `--set` family) coalesced with the
//! charts' defaults by Helm's rules, and the subcharts that conditions and tags leave on.
//!
//! Precedence, lowest first: subchart `values.yaml` < parent `values.yaml` under the
//! subchart's key < environment values files < `-f` files < `--set-json` < `--set` <
//! `--set-string` < `--set-file`. Maps merge deeply, lists and scalars replace, and a
//! user `null` deletes a chart default.

mod coalesce;
mod schema;
mod set;

pub use crate::yaml::merge_maps;
pub use coalesce::{Tree, coalesce};
pub use schema::{SCHEMA_FILE, any_schema, validate as validate_schemas};
pub use set::{MAX_INDEX, MAX_NESTED_LEVEL, SetKind, apply as apply_set};

use crate::chart::{Chart, Subchart};
use anyhow::{Context, Result};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where the user's values come from, in the order they apply.
#[derive(Debug, Default, Clone)]
pub struct ValueOptions {
    /// Values files in order (environment files first, then `-f`); `-` is stdin.
    pub files: Vec<PathBuf>,
    pub set_json: Vec<String>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_file: Vec<String>,
    /// `--set-literal`: applied last, the value taken whole.
    pub set_literal: Vec<String>,
}

/// The final values of a release.
#[derive(Debug, Clone)]
pub struct Values {
    /// The root chart's `.Values`; a subchart's are under its name.
    pub root: Mapping,
    /// Value paths (`sub` or `sub.nested`) of the subcharts that are switched off.
    pub disabled: BTreeSet<String>,
    /// What Helm would have warned about, for the user to see.
    pub warnings: Vec<String>,
}

impl Values {
    /// True if the subchart at value path `path` renders.
    pub fn is_enabled(&self, path: &str) -> bool {
        !self.disabled.contains(path)
    }
}

/// Reads the user's values: files merged in order, then the `--set` family on top.
pub fn user_values(options: &ValueOptions, stdin: &mut dyn Read) -> Result<Mapping> {
    let mut stdin_text: Option<String> = None;
    let mut read_stdin = |stdin: &mut dyn Read| -> Result<String> {
        if stdin_text.is_none() {
            let mut text = String::new();
            stdin.read_to_string(&mut text).context("cannot read values from standard input")?;
            stdin_text = Some(text);
        }
        Ok(stdin_text.clone().unwrap_or_default())
    };
    let mut values = Mapping::new();
    for path in &options.files {
        let (text, shown) = if path == Path::new("-") {
            (read_stdin(stdin)?, "<stdin>".to_string())
        } else {
            (crate::chart::read_text(path)?, path.display().to_string())
        };
        let map = crate::yaml::parse_mapping(&text, crate::yaml::Schema::Kube, &shown)?;
        merge_maps(&mut values, map);
    }
    let mut slots = crate::limits::SET_LIST_ITEMS.get_usize();
    apply_all(&mut values, &options.set_json, "--set-json", &mut slots, || SetKind::Json)?;
    apply_all(&mut values, &options.set, "--set", &mut slots, || SetKind::Typed)?;
    apply_all(&mut values, &options.set_string, "--set-string", &mut slots, || SetKind::String)?;
    let mut read_file = |path: &str| -> Result<String> {
        if path == "-" {
            return read_stdin(stdin);
        }
        crate::chart::read_text(Path::new(path))
    };
    for input in &options.set_file {
        set::apply(&mut values, input, SetKind::File(&mut read_file), &mut slots)
            .with_context(|| format!("failed parsing --set-file data {}", shown_flag(input)))?;
    }
    apply_all(&mut values, &options.set_literal, "--set-literal", &mut slots, || SetKind::Literal)?;
    Ok(values)
}

fn apply_all(
    values: &mut Mapping,
    inputs: &[String],
    flag: &str,
    slots: &mut usize,
    kind: impl Fn() -> SetKind<'static>,
) -> Result<()> {
    for input in inputs {
        set::apply(values, input, kind(), slots)
            .with_context(|| format!("failed parsing {flag} data {}", shown_flag(input)))?;
    }
    Ok(())
}

/// A flag's argument as an error quotes it: whole up to 200 characters, else its start
/// and its size.
fn shown_flag(input: &str) -> String {
    const SHOWN: usize = 200;
    match input.char_indices().nth(SHOWN) {
        None => format!("{input:?}"),
        Some((cut, _)) => format!("{:?}… ({} bytes in all)", &input[..cut], input.len()),
    }
}

/// Coalesces `user` values with the chart tree's defaults as Helm v4 does: conditions
/// and tags are evaluated on the values coalesced with every subchart, then the enabled
/// charts' defaults are pre-merged (`ProcessDependencies`) and coalesced under the
/// user's values (`CoalesceValues`).
pub fn resolve(chart: &Chart, user: Mapping) -> Result<Values> {
    let mut everything = user.clone();
    coalesce(&Tree::new(chart, &BTreeSet::new(), false)?, &mut everything, false)?;
    let mut found = Disabled::default();
    let tags = everything.get("tags").and_then(Value::as_mapping).cloned().unwrap_or_default();
    found.walk(chart, &everything, &tags, "");
    let mut root = user;
    let tree = Tree::new(chart, &found.paths, true)?;
    coalesce(&tree, &mut root, false)?;
    found.warnings.extend(tree.warnings.iter().cloned());
    Ok(Values { root, disabled: found.paths, warnings: found.warnings })
}

/// The subcharts that tags and conditions switch off, by value path.
#[derive(Default)]
struct Disabled {
    paths: BTreeSet<String>,
    warnings: Vec<String>,
}

impl Disabled {
    /// `tags` is the top-level `tags` map as Helm sees it at this level: the user's and
    /// root's, filled with each ancestor chart's own `tags` defaults.
    fn walk(&mut self, chart: &Chart, top: &Mapping, tags: &Mapping, prefix: &str) {
        for sub in &chart.subcharts {
            let path = join(prefix, sub.chart.name());
            if !self.is_enabled(chart, sub, top, tags, prefix) {
                self.paths.insert(path);
                continue;
            }
            let mut sub_tags = tags.clone();
            if let Some(Value::Mapping(own)) = sub.chart.values.get("tags") {
                for (key, value) in own {
                    sub_tags.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
            self.walk(&sub.chart, top, &sub_tags, &path);
        }
    }

    /// Helm's rule: tags first (any `true` tag enables; otherwise any `false`
    /// disables), then the first condition path holding a boolean overrides. The
    /// condition is trimmed as a whole and split at commas, its paths not trimmed
    /// (`"a.x, s.enabled"` never matches its second path, in Helm too: warned about).
    fn is_enabled(
        &mut self,
        parent: &Chart,
        sub: &Subchart,
        top: &Mapping,
        tags: &Mapping,
        prefix: &str,
    ) -> bool {
        let mut enabled = true;
        let tag_values: Vec<bool> =
            sub.tags.iter().filter_map(|tag| tags.get(tag.as_str()).and_then(Value::as_bool)).collect();
        if !tag_values.is_empty() {
            enabled = tag_values.contains(&true);
        }
        let conditions = sub.condition.as_deref().unwrap_or("").trim();
        for condition in conditions.split(',').filter(|c| !c.is_empty()) {
            if condition.trim() != condition {
                self.warnings.push(format!(
                    "{}: the condition of dependency {:?} has the path {condition:?}, with spaces that Helm does not trim: it never matches",
                    parent.dir.join("Chart.yaml").display(),
                    sub.chart.name()
                ));
            }
            if let Some(flag) = lookup(top, &join(prefix, condition)).and_then(Value::as_bool) {
                return flag;
            }
        }
        enabled
    }
}

/// The value at a dotted path, if every step exists.
fn lookup<'a>(map: &'a Mapping, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut current = map.get(parts.next()?)?;
    for part in parts {
        current = current.as_mapping()?.get(part)?;
    }
    Some(current)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") }
}
