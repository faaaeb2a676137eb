//! The Go-template charts of a render, as Helm sees them: every enabled chart of the tree
//! whose dialect is Go (library charts with their `_` files only), their files compiled
//! into one engine (Helm's global namespace of defines spans them all), and the dot each
//! chart's templates start with.

use super::compile::{Engine, RenderError, compile};
use super::root::{Root, capabilities, release};
use crate::chart::{Chart, Dialect};
use crate::render::context::{Capabilities, Release};
use crate::values::Values;
use anyhow::{Result, anyhow};
use std::collections::HashMap;
use tera::{Map, Value};

/// The compiled Go templates of a render and the dot of each Go chart, by base path.
pub struct GoCharts {
    engine: Engine,
    roots: HashMap<String, Root>,
    /// The base paths of the Go charts (each chart's dialect is read once, here).
    go_bases: std::collections::HashSet<String>,
}

/// One chart of the tree: where it sits, what it sees.
struct Node<'c> {
    chart: &'c Chart,
    base: String,
    values: &'c serde_yaml::Mapping,
    is_root: bool,
    dialect: Dialect,
}

impl GoCharts {
    /// Compiles the Go charts of `chart`'s tree (`None` if it has none); every template
    /// that does not translate is reported.
    pub fn prepare(
        chart: &Chart,
        values: &Values,
        rel: &Release,
        caps: &Capabilities,
    ) -> Result<Option<GoCharts>> {
        let mut nodes = Vec::new();
        walk(chart, &values.root, values, chart.name().to_string(), "", true, &mut nodes)?;
        if !nodes.iter().any(|n| n.dialect == Dialect::Go) {
            return Ok(None);
        }
        let mut sources: Vec<(String, &str)> = Vec::new();
        for node in nodes.iter().filter(|n| n.dialect == Dialect::Go) {
            let library = node.chart.meta.is_library();
            for template in &node.chart.templates {
                let partial = template.path.rsplit('/').next().is_some_and(|b| b.starts_with('_'));
                if !library || partial {
                    sources
                        .push((format!("{}/templates/{}", node.base, template.path), template.text.as_str()));
                }
            }
        }
        let engine = compile(&sources).map_err(|errors| match errors.len() {
            1 => anyhow!("{}", errors[0]),
            n => anyhow!("{n} templates do not translate:\n\n{}", errors.join("\n\n")),
        })?;
        let (release, caps) = (release(rel), capabilities(caps));
        let mut roots = HashMap::new();
        root_of(&nodes, chart.name(), &release, &caps, &mut roots);
        let go_bases = nodes.iter().filter(|n| n.dialect == Dialect::Go).map(|n| n.base.clone()).collect();
        Ok(Some(GoCharts { engine, roots, go_bases }))
    }

    /// Whether the chart at `base` (`root/charts/sub`) is one of the Go charts.
    pub fn is_go(&self, base: &str) -> bool {
        self.go_bases.contains(base)
    }

    /// Renders the Go template `name` (a Helm path) of the chart at `base` into `out`;
    /// with `shared_values`, from the values as the templates rendered before it left them.
    /// Whether it changed them, [`super::engine::changed_values`] says after.
    pub fn render(
        &self,
        base: &str,
        name: &str,
        out: &mut impl std::io::Write,
        shared_values: bool,
    ) -> Result<(), RenderError> {
        let root =
            self.roots.get(base).ok_or_else(|| RenderError::Template(format!("{name}: no such Go chart")))?;
        let (release, namespace) = root_release(root);
        super::misc::begin_template(&release, &namespace, name);
        let mut dot = root.for_template(name, base);
        let kept = self.engine.shared.kept.lock().unwrap_or_else(|e| e.into_inner());
        let kept_values = kept.get(&format!("{base}/templates")).filter(|_| shared_values);
        if let (Some(values), Some(map)) = (kept_values, dot.as_map()) {
            let mut map = map.clone();
            map.insert(super::value::key("Values"), values.clone());
            dot = Value::from(map);
        }
        drop(kept);
        let values = dot.as_map().and_then(|m| m.get(&super::value::key("Values")).cloned());
        super::engine::begin_values(values);
        super::compile::render(&self.engine, name, dot, out)
    }

    /// True if a template may change the maps it is given (`set`, `merge`, ...): then, if
    /// one did, the files render one at a time in Helm's order, each seeing what the ones
    /// before it left in `.Values`, as in Helm.
    pub fn in_order(&self) -> bool {
        self.engine.shared.sync
    }

    /// Forgets the changes templates made to the values, to render them all again.
    pub fn forget_changes(&self) {
        self.engine.shared.kept.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The Go source of template `name`, if it is one of these charts'.
    pub fn source(&self, name: &str) -> Option<&str> {
        self.engine.shared.sources.get(name).map(|(_, text)| &**text)
    }
}

fn root_release(root: &Root) -> (String, String) {
    let field = |name: &str| {
        root.map
            .get(&super::value::key("Release"))
            .and_then(|r| r.as_map())
            .and_then(|r| r.get(&super::value::key(name)))
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    (field("Name"), field("Namespace"))
}

static EMPTY: std::sync::LazyLock<serde_yaml::Mapping> = std::sync::LazyLock::new(serde_yaml::Mapping::new);

/// Every enabled chart of the tree, with its scoped values and dialect.
fn walk<'c>(
    chart: &'c Chart,
    scoped: &'c serde_yaml::Mapping,
    values: &Values,
    base: String,
    value_path: &str,
    is_root: bool,
    nodes: &mut Vec<Node<'c>>,
) -> Result<()> {
    nodes.push(Node { chart, base: base.clone(), values: scoped, is_root, dialect: chart.dialect()? });
    for sub in &chart.subcharts {
        let name = sub.chart.name();
        let path = if value_path.is_empty() { name.to_string() } else { format!("{value_path}.{name}") };
        if !values.is_enabled(&path) {
            continue;
        }
        let sub_values = scoped.get(name).and_then(serde_yaml::Value::as_mapping).unwrap_or(&EMPTY);
        walk(&sub.chart, sub_values, values, format!("{base}/charts/{name}"), &path, false, nodes)?;
    }
    Ok(())
}

/// The dot of the chart at `base` (its subcharts' first, for `.Subcharts`).
fn root_of(
    nodes: &[Node],
    base: &str,
    release: &Value,
    caps: &Value,
    roots: &mut HashMap<String, Root>,
) -> Value {
    let node = nodes.iter().find(|n| n.base == base).expect("a walked chart");
    let mut subcharts = Map::new();
    let prefix = format!("{base}/charts/");
    for child in nodes.iter().filter(|n| n.base.strip_prefix(&prefix).is_some_and(|rest| !rest.contains('/')))
    {
        let value = root_of(nodes, &child.base, release, caps, roots);
        subcharts.insert(super::value::key(child.chart.name()), value);
    }
    let chart = crate::render::context::chart_json(&node.chart.meta, node.is_root);
    let files = match node.dialect {
        Dialect::Go => super::engine::files_value(&node.chart.files),
        Dialect::Tera => Value::from(Map::new()),
    };
    let root = Root::new(node.values, &chart, release, caps, files, subcharts);
    let value = root.value();
    roots.insert(base.to_string(), root);
    value
}
