//! `values.schema.json`: the final values of each chart checked against its schema, as
//! helm v4's `ValidateAgainstSchema` checks them (the root chart against the root values,
//! each enabled subchart against the values under its name, recursively), with every
//! violation of every chart reported in one error. Schemas are read offline: an external
//! `$ref` is refused.

use super::Values;
use crate::chart::Chart;
use anyhow::{Result, anyhow, bail};
use serde_json::{Map, Value as Json};
use serde_yaml::{Mapping, Value};
use std::fmt::Write as _;

/// The file a chart's schema is read from.
pub const SCHEMA_FILE: &str = "values.schema.json";

/// Whether `chart` or any chart under it has a schema to check values against.
pub fn any_schema(chart: &Chart) -> bool {
    chart.schema.is_some() || chart.subcharts.iter().any(|sub| any_schema(&sub.chart))
}

/// Checks `values` against the schemas of `chart` and its enabled subcharts (the
/// schemas compiled and checked in parallel: compiling a big one is most of the check).
pub fn validate(chart: &Chart, values: &Values) -> Result<()> {
    let mut checks = Vec::new();
    collect(chart, &values.root, values, "", &mut checks);
    let weight = |check: &Check| match check {
        Check::Schema { chart, .. } => 1 + chart.schema.as_ref().map_or(0, |bytes| bytes.len() / 4096),
        Check::NotAMap { .. } => 1,
    };
    let found = crate::parallel::map_weighted(&checks, weight, |check| match check {
        Check::Schema { chart, own, shown, .. } => {
            violations(chart.schema.as_deref().unwrap_or_default(), own, shown)
        }
        Check::NotAMap { .. } => Ok(Vec::new()),
    });
    let mut report = String::new();
    let mut failed = 0;
    for (check, problems) in checks.iter().zip(found) {
        let problems = problems?;
        match check {
            Check::Schema { chart, prefix, shown, .. } if !problems.is_empty() => {
                failed += 1;
                let _ = writeln!(report, "{} ({shown}):", chart.name());
                for (path, message, rule) in problems {
                    let at = dotted(prefix, &path);
                    let _ = writeln!(report, "  - {at}: {message} (rule {rule})");
                }
            }
            Check::Schema { .. } => {}
            Check::NotAMap { name, path, kind } => {
                failed += 1;
                let _ = writeln!(report, "{name}:\n  - {path}: the values must be a map, found {kind}");
            }
        }
    }
    if failed > 0 {
        let charts = if failed == 1 { "chart" } else { "charts" };
        bail!(
            "values do not meet the schema of {failed} {charts} (--skip-schema-validation skips the check):\n{}",
            report.trim_end()
        );
    }
    Ok(())
}

/// One check of [`validate`], in the order the report lists them.
enum Check<'a> {
    /// A chart's schema (the file `shown`) against its values (`prefix`: where they sit in
    /// the root's).
    Schema { chart: &'a Chart, own: &'a Mapping, prefix: String, shown: String },
    /// A subchart whose values are not a map.
    NotAMap { name: String, path: String, kind: &'static str },
}

/// The checks of `chart` (its values `own`) and of its enabled subcharts, depth first.
fn collect<'a>(
    chart: &'a Chart,
    own: &'a Mapping,
    values: &Values,
    prefix: &str,
    checks: &mut Vec<Check<'a>>,
) {
    if chart.schema.is_some() {
        let shown = chart.dir.join(SCHEMA_FILE).display().to_string();
        checks.push(Check::Schema { chart, own, prefix: prefix.to_string(), shown });
    }
    for sub in &chart.subcharts {
        let name = sub.chart.name();
        let path = super::join(prefix, name);
        if !values.is_enabled(&path) {
            continue;
        }
        match own.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::Mapping(sub_values)) => collect(&sub.chart, sub_values, values, &path, checks),
            Some(other) => {
                let kind = crate::yaml::kind_name(other);
                checks.push(Check::NotAMap { name: name.to_string(), path, kind });
            }
        }
    }
}

/// The violations of `values` against the schema text `bytes`, as (JSON pointer of the
/// value, message without the value itself (values may hold secrets), schema path of
/// the failed rule).
fn violations(bytes: &[u8], values: &Mapping, shown: &str) -> Result<Vec<(String, String, String)>> {
    let schema: Json = serde_json::from_slice(bytes)
        .map_err(|e| anyhow!("{shown}:{}:{}: not valid JSON: {e}", e.line(), e.column()))?;
    let validator = jsonschema::options()
        .with_retriever(RefuseExternal)
        .build(&schema)
        .map_err(|e| anyhow!("{shown}: not a usable JSON Schema: {e}"))?;
    let instance = map_to_json(values);
    Ok(validator
        .iter_errors(&instance)
        .map(|error| {
            let message = error.masked().to_string();
            (error.instance_path().to_string(), message, error.schema_path().to_string())
        })
        .collect())
}

/// Refuses every schema a `$ref` names outside the schema file: rendering stays offline.
struct RefuseExternal;

impl jsonschema::Retrieve for RefuseExternal {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Json, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("external $ref {:?} refused: rudder reads no schema from outside the chart; put its definitions under $defs", uri.as_str()).into())
    }
}

/// A JSON pointer into the values (`/a/0/b`) as a dotted values path under `prefix`
/// (`sub.a[0].b`); the whole values are the chart's path, or `(root)`.
fn dotted(prefix: &str, pointer: &str) -> String {
    let mut path = prefix.to_string();
    for step in pointer.split('/').skip(1) {
        let step = step.replace("~1", "/").replace("~0", "~");
        if !step.is_empty() && step.bytes().all(|b| b.is_ascii_digit()) {
            let _ = write!(path, "[{step}]");
        } else if path.is_empty() {
            path = step;
        } else {
            let _ = write!(path, ".{step}");
        }
    }
    if path.is_empty() { "(root)".into() } else { path }
}

/// Values as JSON, as helm hands them to its validator: keys as text.
fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Number(number) => serde_json::to_value(number).unwrap_or(Json::Null),
        Value::String(text) => Json::String(text.clone()),
        Value::Sequence(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Mapping(map) => map_to_json(map),
        Value::Tagged(tagged) => match crate::yaml::as_big_number(value) {
            // Checked as the number it is, to a float's precision.
            Some(digits) => digits
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(Json::Null, Json::Number),
            None => to_json(&tagged.value),
        },
    }
}

fn map_to_json(map: &Mapping) -> Json {
    let entries = map.iter().map(|(key, value)| {
        let key = crate::yaml::scalar_text(key).unwrap_or_else(|| to_json(key).to_string());
        (key, to_json(value))
    });
    Json::Object(entries.collect::<Map<_, _>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_dotted_values_paths() {
        assert_eq!(dotted("", ""), "(root)");
        assert_eq!(dotted("", "/a/0/b"), "a[0].b");
        assert_eq!(dotted("redis", "/replicas"), "redis.replicas");
        assert_eq!(dotted("", "/a~1b/c~0d"), "a/b.c~d");
    }

    fn problems(schema: &str, values: &str) -> Result<Vec<(String, String, String)>> {
        let values = crate::yaml::parse_mapping(values, crate::yaml::Schema::Kube, "v").unwrap();
        violations(schema.as_bytes(), &values, "values.schema.json")
    }

    #[test]
    fn every_violation_is_reported() {
        let schema = r#"{"type":"object","required":["name"],"properties":{"replicas":{"type":"integer","minimum":1}}}"#;
        let found = problems(schema, "replicas: 0\n").unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found.iter().any(|(path, _, rule)| path == "/replicas" && rule == "/properties/replicas/minimum")
        );
        assert!(found.iter().any(|(path, _, rule)| path.is_empty() && rule == "/required"));
    }

    #[test]
    fn yaml_numbers_meet_integer_and_number_types() {
        let schema = r#"{"properties":{"a":{"type":"integer"},"b":{"type":"number"}}}"#;
        assert!(problems(schema, "a: 3\nb: 1.5\n").unwrap().is_empty());
    }

    #[test]
    fn drafts_4_6_7_and_2020_12_are_read_by_their_schema_uri() {
        for uri in [
            "http://json-schema.org/draft-04/schema#",
            "http://json-schema.org/draft-06/schema#",
            "http://json-schema.org/draft-07/schema#",
            "https://json-schema.org/draft/2020-12/schema",
        ] {
            let schema = format!(r#"{{"$schema":"{uri}","properties":{{"a":{{"type":"string"}}}}}}"#);
            assert_eq!(problems(&schema, "a: 1\n").unwrap().len(), 1, "{uri}");
        }
        // Draft 4's boolean exclusiveMaximum against 6's numeric one.
        let draft4 = r#"{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"a":{"maximum":3,"exclusiveMaximum":true}}}"#;
        assert_eq!(problems(draft4, "a: 3\n").unwrap().len(), 1);
    }

    #[test]
    fn external_refs_are_refused() {
        let schema = r#"{"properties":{"a":{"$ref":"https://example.com/s.json"}}}"#;
        let error = problems(schema, "a: 1\n").unwrap_err().to_string();
        assert!(error.contains("refused"), "{error}");
        let schema = r#"{"properties":{"a":{"$ref":"file:///etc/passwd"}}}"#;
        assert!(problems(schema, "a: 1\n").unwrap_err().to_string().contains("refused"));
    }

    #[test]
    fn a_schema_that_is_not_json_names_its_line() {
        let error = problems("{\n  \"type\": }\n", "a: 1\n").unwrap_err().to_string();
        assert!(error.starts_with("values.schema.json:2:"), "{error}");
    }
}
