//! The Helm chart corpus (`tests/fixtures/helm-charts/<chart>`, real public charts copied
//! unchanged into `chart/`, see each `ORIGIN`): rudder renders each chart's Go templates as
//! they are, for its default values, each `ci/` value set and each `values/` set, and must
//! hold what helm v4 rendered (`helm/<set>.yaml`, or `helm/<set>.error` where helm refuses
//! the set, and then rudder must refuse it too), compared as data: same resources, same
//! fields, apart from those the chart's `differences.yaml` lists with a reason. Every
//! listed difference must still be seen, and the table of results is the one in
//! `docs/porting.md`. `.ci/helm-charts.sh` re-renders with the real helm and points
//! `RUDDER_HELM_CHARTS_DIR` at that fresh render.

use crate::harness::{fixture, repo, run};
use crate::ported::{forget, resources, sorted_dir};
use serde::Deserialize;
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Difference {
    /// The value sets it shows in (`*`: all).
    sets: Vec<String>,
    /// `kind/name` and the field path, for a field that differs.
    #[serde(default)]
    resource: String,
    #[serde(default)]
    field: Vec<String>,
    /// `random`: helm's own output there changes from run to run (checked when a fresh
    /// helm render is at hand); `refused`: rudder refuses the set where helm renders it.
    why: Why,
    reason: String,
}

#[derive(Deserialize, PartialEq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Why {
    Random,
    Refused,
}

impl Difference {
    fn covers(&self, stem: &str) -> bool {
        self.sets.iter().any(|s| s == stem || s == "*")
    }
}

/// One chart's tally of value sets: all, refused by both, equal as data, equal apart from
/// helm's random output, different (listed with the reason).
#[derive(Default)]
pub(crate) struct Tally {
    pub sets: usize,
    pub both_refuse: usize,
    pub equal: usize,
    pub random: usize,
    pub differ: usize,
}

/// The differences a corpus chart lists (`differences.yaml`).
pub(crate) fn differences(chart: &Path) -> Vec<Difference> {
    match std::fs::read_to_string(chart.join("differences.yaml")) {
        Ok(text) => serde_yaml::from_str(&text).unwrap(),
        Err(_) => Vec::new(),
    }
}

/// The value sets of a chart: `(stem, values file)`, `default` first.
pub(crate) fn value_sets(chart: &Path) -> Vec<(String, Option<PathBuf>)> {
    let mut sets = vec![("default".to_string(), None)];
    for (dir, prefix) in [("chart/ci", ""), ("values", "values-")] {
        if chart.join(dir).is_dir() {
            for file in sorted_dir(&chart.join(dir)) {
                let name = file.file_name().unwrap().to_str().unwrap();
                let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
                sets.push((format!("{prefix}{stem}"), Some(file)));
            }
        }
    }
    sets
}

/// `rudder render demo TARGET -n demo-ns [-f VALUES]` in `chart`, as `helm template`
/// renders.
fn render(chart: &Path, target: &Path, values: Option<&Path>) -> crate::harness::Output {
    let mut args = vec!["render", "demo", target.to_str().unwrap(), "-n", "demo-ns"];
    if let Some(values) = values {
        args.extend_from_slice(&["-f", values.to_str().unwrap()]);
    }
    args.extend_from_slice(&["--release-service", "Helm", "--no-inject-namespace"]);
    run(chart, &args)
}

/// Compares one value set of `chart` (a corpus directory) rendered from `target` (its
/// `chart/`, or a conversion of it); returns the failures and adds to the tally.
pub(crate) fn compare_set(
    chart: &Path,
    target: &Path,
    stem: &str,
    values: Option<&Path>,
    differences: &[Difference],
    seen: &mut BTreeSet<usize>,
    tally: &mut Tally,
) -> Vec<String> {
    let name = chart.file_name().unwrap().to_str().unwrap();
    let out = render(chart, target, values);
    tally.sets += 1;
    let listed: Vec<(usize, &Difference)> =
        differences.iter().enumerate().filter(|(_, d)| d.covers(stem)).collect();
    if let Some((at, refusal)) = listed.iter().find(|(_, d)| d.why == Why::Refused) {
        tally.differ += 1;
        if out.code == 1 && out.stderr.contains(&refusal.reason) {
            seen.insert(*at);
            return Vec::new();
        }
        return vec![format!(
            "{stem}: listed as refused ({:?}), rudder exits {}: {}",
            refusal.reason, out.code, out.stderr
        )];
    }
    let committed = chart.join("helm");
    if committed.join(format!("{stem}.error")).exists() {
        tally.both_refuse += 1;
        return match out.code == 1 && out.stdout.is_empty() {
            true => Vec::new(),
            false => vec![format!("{stem}: helm refuses it, rudder exits {}", out.code)],
        };
    }
    if out.code != 0 {
        return vec![format!("{stem}: rudder failed: {}", out.stderr)];
    }
    let read = |dir: &Path, what: &str| {
        let mut found = resources(&std::fs::read_to_string(dir.join(format!("{stem}.yaml"))).unwrap(), what);
        for (_, difference) in &listed {
            rekey(&mut found, &difference.resource);
        }
        found
    };
    let rudder = {
        let mut found = resources(&out.stdout, &format!("{name} {stem} rudder"));
        for (_, difference) in &listed {
            rekey(&mut found, &difference.resource);
        }
        found
    };
    let helm = read(&committed, &format!("{name} {stem} helm"));
    let fresh = std::env::var_os("RUDDER_HELM_CHARTS_DIR")
        .map(|dir| read(&PathBuf::from(dir).join(name), &format!("{name} {stem} fresh helm")));
    let mut failures = Vec::new();
    let (mut helm_left, mut rudder_left) = (helm.clone(), rudder.clone());
    for (at, difference) in &listed {
        let (resource, field) = (&difference.resource, &difference.field);
        if pick(&helm, resource, field) != pick(&rudder, resource, field) {
            seen.insert(*at);
        }
        if let Some(fresh) = &fresh
            && pick(&helm, resource, field) == pick(fresh, resource, field)
        {
            failures.push(format!(
                "{stem}: {resource} {field:?} is listed as random, yet helm rendered it twice alike"
            ));
        }
        forget(&mut helm_left, resource, field);
        forget(&mut rudder_left, resource, field);
    }
    if helm == rudder {
        tally.equal += 1;
    } else if helm_left == rudder_left {
        tally.random += 1;
    } else {
        failures.push(unequal(stem, "committed", &helm_left, &rudder_left));
    }
    if let Some(mut fresh) = fresh {
        let mut rudder = rudder;
        for (_, difference) in &listed {
            forget(&mut fresh, &difference.resource, &difference.field);
            forget(&mut rudder, &difference.resource, &difference.field);
        }
        if fresh != rudder {
            failures.push(unequal(stem, "fresh", &fresh, &rudder));
        }
    }
    failures
}

/// For a listed resource whose name ends in `*` (a random name): the resources so named
/// filed under that pattern instead.
fn rekey(resources: &mut BTreeMap<String, Value>, resource: &str) {
    let Some((kind, prefix)) = resource.split_once('/').and_then(|(k, n)| Some((k, n.strip_suffix('*')?)))
    else {
        return;
    };
    let keys: Vec<String> = resources.keys().cloned().collect();
    for key in keys {
        let parts: Vec<&str> = key.split(' ').collect();
        if let Some((namespace, name)) = parts[2].split_once('/')
            && parts[1] == kind
            && name.starts_with(prefix)
        {
            let value = resources.remove(&key).unwrap();
            resources.insert(format!("{} {} {namespace}/{prefix}*", parts[0], parts[1]), value);
        }
    }
}

/// The values at `field` of the resources `kind/name` (as `forget` finds them).
fn pick(resources: &BTreeMap<String, Value>, resource: &str, field: &[String]) -> Vec<Option<Value>> {
    let (kind, name) = resource.split_once('/').unwrap();
    resources
        .iter()
        .filter(|(key, _)| {
            let parts: Vec<&str> = key.split(' ').collect();
            parts[1] == kind && parts[2].ends_with(&format!("/{name}"))
        })
        .map(|(_, value)| field.iter().try_fold(value, |v, k| v.get(k.as_str())).cloned())
        .collect()
}

/// What differs between helm's and rudder's resources, by resource and top-level field.
fn unequal(
    stem: &str,
    side: &str,
    helm: &BTreeMap<String, Value>,
    rudder: &BTreeMap<String, Value>,
) -> String {
    let only_helm: Vec<_> = helm.keys().filter(|k| !rudder.contains_key(*k)).collect();
    let only_rudder: Vec<_> = rudder.keys().filter(|k| !helm.contains_key(*k)).collect();
    let mut fields = Vec::new();
    for (key, value) in helm {
        if let Some(other) = rudder.get(key).filter(|r| *r != value) {
            let mut paths = Vec::new();
            differing_paths(value, other, String::new(), &mut paths);
            fields.push(format!("{key}: {}", paths.join(", ")));
        }
    }
    format!("{stem} ({side} helm): only helm {only_helm:?}, only rudder {only_rudder:?}, unequal {fields:#?}")
}

/// The paths (`a.b.0.c`) where two values differ.
fn differing_paths(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Mapping(x), Value::Mapping(y)) => {
            let keys: BTreeSet<String> = x
                .keys()
                .chain(y.keys())
                .map(|k| serde_yaml::to_string(k).unwrap().trim().to_string())
                .collect();
            for key in keys {
                let (p, q) = (x.get(key.as_str()), y.get(key.as_str()));
                if p != q {
                    match (p, q) {
                        (Some(p), Some(q)) => differing_paths(p, q, format!("{at}.{key}"), out),
                        _ => out.push(format!("{at}.{key}")),
                    }
                }
            }
        }
        (Value::Sequence(x), Value::Sequence(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                if p != q {
                    differing_paths(p, q, format!("{at}.{i}"), out);
                }
            }
        }
        _ => out.push(format!("{at}: helm {a:?} rudder {b:?}").chars().take(400).collect()),
    }
}

#[test]
fn helm_charts_render_as_helm_renders_them() {
    let mut failures = Vec::new();
    let mut table = String::from(
        "| chart | value sets | equal as data | equal apart from helm's random output | differ | refused by both | differences and why |\n\
         |---|---:|---:|---:|---:|---:|---|\n",
    );
    let mut total = Tally::default();
    let charts = sorted_dir(&fixture("helm-charts"));
    for chart in &charts {
        let name = chart.file_name().unwrap().to_str().unwrap().to_string();
        let differences = differences(chart);
        let mut seen = BTreeSet::new();
        let mut tally = Tally::default();
        for (stem, values) in value_sets(chart) {
            let target = chart.join("chart");
            let found =
                compare_set(chart, &target, &stem, values.as_deref(), &differences, &mut seen, &mut tally);
            failures.extend(found.into_iter().map(|f| format!("{name} {f}")));
        }
        for (at, difference) in differences.iter().enumerate() {
            if !seen.contains(&at) {
                failures.push(format!(
                    "{name}: listed difference not seen: {} {:?}",
                    difference.resource, difference.field
                ));
            }
        }
        let why: Vec<String> = differences
            .iter()
            .map(|d| match d.why {
                Why::Random => {
                    format!("`{}` of {} (random in helm: {})", d.field.join("."), d.resource, d.reason)
                }
                Why::Refused => format!("{}: rudder refuses it ({})", d.sets.join(", "), d.reason),
            })
            .collect();
        table.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} |\n",
            tally.sets,
            tally.equal,
            tally.random,
            tally.differ,
            tally.both_refuse,
            if why.is_empty() { "none".to_string() } else { why.join("; ") }
        ));
        total.sets += tally.sets;
        total.equal += tally.equal;
        total.random += tally.random;
        total.differ += tally.differ;
        total.both_refuse += tally.both_refuse;
    }
    let share = |n: usize| 100.0 * n as f64 / total.sets as f64;
    let alike = total.equal + total.random + total.both_refuse;
    table.push_str(&format!(
        "| **{} charts** | {} | {} | {} | {} | {} | {:.1}% of the value sets render as helm renders them |\n",
        charts.len(),
        total.sets,
        total.equal,
        total.random,
        total.differ,
        total.both_refuse,
        share(alike)
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(share(alike) >= 95.0, "only {:.1}% of the value sets render as helm renders them", share(alike));
    let docs = std::fs::read_to_string(repo().join("docs/porting.md")).unwrap();
    assert!(docs.contains(&table), "docs/porting.md lacks the corpus table as it now is:\n{table}");
}
