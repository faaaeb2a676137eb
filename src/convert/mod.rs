//! `rudder convert`'s library side: a Helm chart (Go templates) written out as a rudder
//! chart in Tera that people keep. Every file of the chart is carried over as it is but
//! the templates ([`emit`]: text, layout and comments kept, each action as the Tera of
//! the same meaning, [`names`]: defines as components) and `Chart.yaml`, which gains the
//! annotation `rudder.dev/templates: tera`; subcharts are converted in turn. What has no
//! Tera counterpart yet stays as a marker comment at its place, listed in
//! [`Conversion::places`].

mod control;
mod emit;
mod expr;
mod funcs;
mod globals;
mod names;

use crate::chart::{Chart, Dialect};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};

/// A converted chart tree.
#[derive(Debug, Default)]
pub struct Conversion {
    /// Every file of the converted chart, by path under its directory.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Places left for a person, in file order.
    pub places: Vec<Place>,
}

/// A marker the conversion left: where (the converted file, line and column from 1) and
/// what the Go template does there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub what: String,
}

/// The annotation that names a chart's template dialect.
const DIALECT_KEY: &str = crate::chart::DIALECT_ANNOTATION;

/// Converts `chart` and its subcharts. A chart already in Tera is carried over as it is,
/// so converting a converted chart changes nothing.
pub fn convert(chart: &Chart) -> Result<Conversion> {
    let mut conversion = Conversion::default();
    convert_into(chart, "", &mut conversion)?;
    Ok(conversion)
}

fn convert_into(chart: &Chart, prefix: &str, out: &mut Conversion) -> Result<()> {
    // Helm gives every template the defines of every chart; rudder's Tera instance of a
    // chart holds its library subcharts' templates too, so a chart and its libraries in
    // Go are converted together: one table of components, names unique across them.
    // Each member: the chart, its place under `charts/`, whether it is in Go.
    let mut members = vec![(chart, String::new(), chart.dialect()? == Dialect::Go)];
    let mut rest = Vec::new();
    for sub in &chart.subcharts {
        let Some(entry) = &sub.entry else { continue };
        let dir = entry.strip_suffix(".tgz").map_or(entry.as_str(), |_| sub.chart.meta.name.as_str());
        let at = format!("charts/{dir}/");
        match sub.chart.meta.is_library() && sub.chart.dialect()? == Dialect::Go {
            true => members.push((&sub.chart, at, true)),
            false => rest.push((&sub.chart, at)),
        }
    }
    let mut parsed = Vec::new();
    for (member, at, go) in &members {
        if *go {
            parsed.extend(parse_templates(member, at)?);
        }
    }
    let lists: Vec<(String, &crate::translate::ast::List)> =
        parsed.iter().map(|(path, _, _, root)| (path.clone(), root)).collect();
    let components = names::components(&lists);
    let mut usage = BTreeMap::new();
    let mut uses_tpl = false;
    let mut written: BTreeMap<String, String> = BTreeMap::new();
    let checksummed = checksummed(&parsed);
    for (path, values, text, root) in &parsed {
        let emitter =
            emit::Emitter::new(path, text, &components, values).file(root, checksummed.contains(path));
        for (at, what) in &emitter.places {
            let (line, column) = crate::translate::line_col(&emitter.out, *at);
            out.places.push(Place { file: format!("{prefix}{path}"), line, column, what: what.clone() });
        }
        usage.extend(emitter.usage);
        uses_tpl |= emitter.uses_tpl;
        written.insert(path.clone(), emitter.out);
    }
    let params = parameters(&components, &usage);
    for (member, at, go) in &members {
        for source in member.sources.iter() {
            let path = format!("{at}{}", source.path);
            let bytes = if let Some(text) = written.remove(&path) {
                fill_parameters(&text, &params).into_bytes()
            } else if source.path == "Chart.yaml" && *go {
                mark_tera(&member.chart_yaml, uses_tpl)
                    .with_context(|| format!("{}/Chart.yaml", member.dir.display()))?
                    .into_bytes()
            } else {
                source.bytes.clone()
            };
            out.files.insert(format!("{prefix}{path}"), bytes);
        }
    }
    // Templates that came from no file of the chart's own (a chart built in memory).
    for (path, text) in written {
        out.files.insert(format!("{prefix}{path}"), fill_parameters(&text, &params).into_bytes());
    }
    for (sub, at) in rest {
        convert_into(sub, &format!("{prefix}{at}"), out)?;
    }
    Ok(())
}

/// The templates whose text another one checksums, `include (print $.Template.BasePath
/// "/x.yaml") . | sha256sum`: a text search, so a mention counts too (which only makes
/// that file's `nindent` write what Sprig's writes).
fn checksummed(
    parsed: &[(String, &serde_yaml::Mapping, &str, crate::translate::ast::List)],
) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (path, _, text, _) in parsed {
        let base = path.find("templates/").map_or("", |at| &path[..at + "templates/".len()]);
        for (at, _) in text.match_indices("Template.BasePath \"/") {
            let rest = &text[at + "Template.BasePath \"/".len()..];
            if let Some(end) = rest.find('"') {
                found.insert(format!("{base}{}", &rest[..end]));
            }
        }
    }
    found
}

/// Each template of `chart` parsed: its path under the converted tree (`at` before
/// `templates/`), the chart's values, its text and its tree.
fn parse_templates<'c>(
    chart: &'c Chart,
    at: &str,
) -> Result<Vec<(String, &'c serde_yaml::Mapping, &'c str, crate::translate::ast::List)>> {
    let mut parsed = Vec::new();
    for template in &chart.templates {
        let tree = crate::translate::parse::parse(&template.text).map_err(|e| {
            let (line, column) = crate::translate::line_col(&template.text, e.pos);
            anyhow::anyhow!(
                "{}/templates/{}:{line}:{column}: {}",
                chart.dir.display(),
                template.path,
                e.message
            )
        })?;
        let path = format!("{at}templates/{}", template.path);
        parsed.push((path, &chart.values, template.text.as_str(), tree.root));
    }
    Ok(parsed)
}

/// Each component's parameters: `dot`, or the parts of the context it and the
/// components it calls read, in the context's order.
fn parameters(
    components: &names::Components,
    usage: &BTreeMap<String, emit::Usage>,
) -> BTreeMap<String, String> {
    let mut reads: BTreeMap<&str, std::collections::BTreeSet<String>> =
        usage.iter().map(|(name, u)| (name.as_str(), u.context.clone())).collect();
    loop {
        let mut changed = false;
        for (name, u) in usage {
            for callee in &u.calls {
                let more = reads.get(callee.as_str()).cloned().unwrap_or_default();
                let own = reads.entry(name.as_str()).or_default();
                let before = own.len();
                own.extend(more);
                changed |= own.len() != before;
            }
        }
        if !changed {
            break;
        }
    }
    components
        .values()
        .map(|c| {
            let list = match c.class {
                names::Class::Value => emit::DOT_PARAM.to_string(),
                names::Class::Context => {
                    let own = reads.get(c.name.as_str()).cloned().unwrap_or_default();
                    let parts: Vec<String> =
                        expr::CONTEXT.iter().filter(|p| own.contains(**p)).map(|p| format!("@{p}")).collect();
                    parts.join(", ")
                }
            };
            (c.name.clone(), list)
        })
        .collect()
}

fn fill_parameters(text: &str, params: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // A placeholder is PARAMS, a component's name, PARAMS; the same character elsewhere
    // in a template's text is left as it is.
    while let Some(start) = rest.find(emit::PARAMS) {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find(emit::PARAMS).and_then(|end| Some((end, params.get(&after[..end])?))) {
            Some((end, list)) => {
                out.push_str(list);
                rest = &after[end + 1..];
            }
            None => {
                out.push(emit::PARAMS);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `Chart.yaml` with `rudder.dev/templates: tera` (and, for a chart whose templates call
/// `tpl`, `rudder.dev/tpl: go`: its values hold Go text), its comments and layout kept.
fn mark_tera(text: &str, tpl: bool) -> Result<String> {
    let text = mark(text, DIALECT_KEY, "tera")?;
    if tpl { mark(&text, crate::render::TPL_ANNOTATION, "go") } else { Ok(text) }
}

/// `text` with annotation `key: value`.
fn mark(text: &str, key: &str, value: &str) -> Result<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let existing = lines.iter().position(|l| l.trim_start().starts_with(&format!("{key}:")));
    if let Some(at) = existing {
        let indent = lines[at].len() - lines[at].trim_start().len();
        lines[at] = format!("{}{key}: {value}", " ".repeat(indent));
    } else if let Some(at) = lines.iter().position(|l| l.trim_end() == "annotations:") {
        let indent = lines[at + 1..]
            .iter()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|l| l.len() - l.trim_start().len())
            .filter(|n| *n > 0)
            .unwrap_or(2);
        lines.insert(at + 1, format!("{}{key}: {value}", " ".repeat(indent)));
    } else if let Some(at) = lines.iter().position(|l| l.starts_with("annotations:") && l.contains('{')) {
        let line = &lines[at];
        let brace = line.find('{').expect("a brace");
        let rest = line[brace + 1..].trim_start();
        let sep = if rest.starts_with('}') { "" } else { ", " };
        lines[at] = format!("{}{{{key}: {value}{sep}{rest}", &line[..brace]);
    } else if lines.iter().any(|l| l.starts_with("annotations:")) {
        bail!("annotations written in a style rudder cannot edit: add `{key}: {value}` to them by hand");
    } else {
        lines.push("annotations:".to_string());
        lines.push(format!("  {key}: {value}"));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    let meta = crate::yaml::parse_mapping(&out, crate::yaml::Schema::Core, "Chart.yaml")
        .context("not valid YAML once annotated")?;
    if meta.get("annotations").and_then(|a| a.get(key)).and_then(|v| v.as_str()) != Some(value) {
        bail!("the annotation `{key}: {value}` could not be added; add it by hand");
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
