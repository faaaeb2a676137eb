//! Real public charts ported to rudder (`tests/fixtures/ported/<chart>`, see its SOURCE):
//! the port, rendered with each value set of the original's `ci/` directory and of
//! `values/` (sets added for what `ci/` leaves out), or its Tera twin under
//! `port-values/`, must hold the resources helm renders from the original
//! (`helm/<set>.yaml`, written by helm v4 and re-checked by `.ci/ported-charts.sh`, which
//! points `RUDDER_PORTED_HELM_DIR` at a fresh helm render), compared as data: same
//! resources, same fields, apart from those `differences.yaml` lists with a reason.

use crate::harness::{fixture, run};
use serde::Deserialize;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
pub(crate) struct Difference {
    pub(crate) sets: Vec<String>,
    pub(crate) resource: String,
    pub(crate) field: Vec<String>,
}

pub(crate) fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths
}

/// The resources of a YAML stream by `apiVersion kind namespace/name`.
pub(crate) fn resources(text: &str, what: &str) -> BTreeMap<String, Value> {
    let mut found = BTreeMap::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = Value::deserialize(document).unwrap();
        if value.is_null() {
            continue;
        }
        let field = |path: &[&str]| {
            path.iter().try_fold(&value, |v, k| v.get(k)).and_then(Value::as_str).unwrap_or("").to_string()
        };
        let key = format!(
            "{} {} {}/{}",
            field(&["apiVersion"]),
            field(&["kind"]),
            field(&["metadata", "namespace"]),
            field(&["metadata", "name"])
        );
        assert!(found.insert(key.clone(), value).is_none(), "{what}: {key} twice");
    }
    found
}

/// Removes `field` from the resource `kind/name` among `resources`.
pub(crate) fn forget(resources: &mut BTreeMap<String, Value>, resource: &str, field: &[String]) {
    let (kind, name) = resource.split_once('/').unwrap();
    for (key, value) in resources.iter_mut() {
        let parts: Vec<&str> = key.split(' ').collect();
        if parts[1] != kind || !parts[2].ends_with(&format!("/{name}")) {
            continue;
        }
        let (last, path) = field.split_last().unwrap();
        let parent = path.iter().try_fold(&mut *value, |v, k| v.get_mut(k.as_str()));
        if let Some(Value::Mapping(map)) = parent {
            map.remove(last.as_str());
        }
    }
}

/// `rudder COMMAND pg TARGET -n monitoring -f VALUES EXTRA...` in the chart's fixture
/// directory, rendering as `helm template` does (managed-by Helm, namespaces as written).
fn run_port(
    dir: &Path,
    command: &str,
    target: &str,
    values: &Path,
    extra: &[&str],
) -> crate::harness::Output {
    let mut args = vec![command, "pg", target, "-n", "monitoring", "-f", values.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--release-service", "Helm", "--no-inject-namespace"]);
    run(dir, &args)
}

/// Renders `target` (the port, or a conversion of the original) with each value set of
/// the ported `chart` (`port-values/` twins in place of Go text when `twins`) and compares
/// it with helm's render of the original: the sets checked, and one line per set that differs.
pub(crate) fn check_sets(chart: &Path, target: &Path, twins: bool) -> (usize, Vec<String>) {
    let fresh = std::env::var_os("RUDDER_PORTED_HELM_DIR").map(PathBuf::from);
    let name = chart.file_name().unwrap().to_str().unwrap().to_string();
    let differences: Vec<Difference> =
        serde_yaml::from_str(&std::fs::read_to_string(chart.join("differences.yaml")).unwrap()).unwrap();
    let (mut checked, mut failures) = (0, Vec::new());
    let mut sets = sorted_dir(&chart.join("original/ci"));
    if chart.join("values").is_dir() {
        sets.extend(sorted_dir(&chart.join("values")));
    }
    for set in sets {
        let file = set.file_name().unwrap().to_str().unwrap();
        let stem = file.trim_end_matches(".yaml");
        let twin = chart.join("port-values").join(file);
        let values = if twins && twin.exists() { twin } else { set.clone() };
        checked += 1;
        let out = run_port(chart, "render", target.to_str().unwrap(), &values, &[]);
        if out.code != 0 {
            failures.push(format!("{stem}: rudder exits {}: {}", out.code, out.stderr));
            continue;
        }
        let committed = chart.join("helm").join(file);
        let mut helm_sides = vec![("committed", std::fs::read_to_string(&committed).unwrap())];
        if let Some(dir) = &fresh {
            helm_sides.push(("fresh", std::fs::read_to_string(dir.join(&name).join(file)).unwrap()));
        }
        for (side, helm_text) in helm_sides {
            let mut helm = resources(&helm_text, &format!("{name} {stem} helm"));
            let mut rudder = resources(&out.stdout, &format!("{name} {stem} rudder"));
            for difference in differences.iter().filter(|d| d.sets.iter().any(|s| s == stem)) {
                forget(&mut helm, &difference.resource, &difference.field);
                forget(&mut rudder, &difference.resource, &difference.field);
            }
            if helm != rudder {
                let only_helm: Vec<_> = helm.keys().filter(|k| !rudder.contains_key(*k)).collect();
                let only_rudder: Vec<_> = rudder.keys().filter(|k| !helm.contains_key(*k)).collect();
                let unequal: Vec<_> =
                    helm.keys().filter(|k| rudder.get(*k).is_some_and(|r| r != &helm[*k])).collect();
                failures.push(format!(
                    "{stem} ({side} helm): only helm {only_helm:?}, only rudder {only_rudder:?}, unequal {unequal:?}"
                ));
            }
        }
    }
    (checked, failures)
}

#[test]
fn ported_charts_render_the_resources_helm_renders_from_the_originals() {
    let mut checked = 0;
    for chart in sorted_dir(&fixture("ported")) {
        let name = chart.file_name().unwrap().to_str().unwrap().to_string();
        let (sets, failures) = check_sets(&chart, &chart.join("port"), true);
        assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
        checked += sets;
    }
    assert!(checked >= 30, "only {checked} value sets checked");
}

#[test]
fn the_documented_proof_of_a_port_reports_zero_changes() {
    // docs/porting.md: `rudder diff NAME PORT ... --against helm.yaml --release-service
    // Helm --no-inject-namespace` with helm's render of the original.
    for (chart, set) in [
        ("prometheus-pushgateway", "default-values.yaml"),
        ("prometheus-node-exporter", "sidecars-affinity-values.yaml"),
    ] {
        let dir = fixture("ported").join(chart);
        let values =
            ["original/ci", "values"].iter().map(|d| dir.join(d).join(set)).find(|p| p.exists()).unwrap();
        let helm = dir.join("helm").join(set);
        let out = run_port(&dir, "diff", "port", &values, &["--against", helm.to_str().unwrap()]);
        assert_eq!(out.code, 0, "{chart}: {}{}", out.stdout, out.stderr);
        assert!(out.stdout.starts_with("0 changed, 0 added, 0 removed, "), "{chart}: {}", out.stdout);
    }
}
