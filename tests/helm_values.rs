//! Merged values against helm's: every case under `tests/fixtures/helm-values/` holds a
//! chart tree, the value flags (`args`, one per line) and `helm.json`, what helm v4.1.4
//! printed for `toJson .Values` with those flags (written and checked in CI by
//! `.ci/helm-values.sh`). `rudder values` must give the same data.

use crate::harness::{fixture, run};
use serde_json::Value;

fn cases() -> Vec<std::path::PathBuf> {
    let mut cases: Vec<_> = std::fs::read_dir(fixture("helm-values"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// Differences between helm's and rudder's values, as `path: helm … rudder …` lines.
/// Numbers compare by value (helm's are all float64).
fn differences(path: &str, helm: &Value, rudder: &Value, out: &mut Vec<String>) {
    match (helm, rudder) {
        (Value::Object(h), Value::Object(r)) => {
            for (key, value) in h {
                match r.get(key) {
                    Some(other) => differences(&format!("{path}.{key}"), value, other, out),
                    None => out.push(format!("{path}.{key}: helm {value}, rudder has no such key")),
                }
            }
            for key in r.keys().filter(|k| !h.contains_key(*k)) {
                out.push(format!("{path}.{key}: helm has no such key, rudder {}", r[key]));
            }
        }
        (Value::Array(h), Value::Array(r)) if h.len() == r.len() => {
            for (index, (a, b)) in h.iter().zip(r).enumerate() {
                differences(&format!("{path}[{index}]"), a, b, out);
            }
        }
        (Value::Number(h), Value::Number(r)) if h.as_f64() == r.as_f64() => {}
        (h, r) if h == r => {}
        (h, r) => out.push(format!("{path}: helm {h}, rudder {r}")),
    }
}

#[test]
fn merged_values_are_helms() {
    let mut failures = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let args = std::fs::read_to_string(case.join("args")).unwrap_or_default();
        let mut command = vec!["values", "chart"];
        command.extend(args.lines());
        let out = run(&case, &command);
        if out.code != 0 {
            failures.push(format!("{name}: rudder failed: {}", out.stderr));
            continue;
        }
        let helm: Value =
            serde_json::from_str(&std::fs::read_to_string(case.join("helm.json")).unwrap()).unwrap();
        let rudder: Value = serde_yaml::from_str(&out.stdout).unwrap();
        let mut found = Vec::new();
        differences("", &helm, &rudder, &mut found);
        failures.extend(found.into_iter().map(|d| format!("{name}: {d}")));
    }
    assert!(failures.is_empty(), "rudder's values differ from helm's:\n{}", failures.join("\n"));
}

#[test]
fn json_negative_zero_prints_as_helm_prints_it() {
    let out = crate::harness::ok(&fixture("helm-values/numbers"), &["values", "chart", "--set-json", "z=-0"]);
    assert!(out.ends_with("\nz: 0\n"), "{out}");
}

#[test]
fn a_condition_path_with_spaces_is_kept_as_helm_keeps_it_and_warned_about() {
    let out = run(&fixture("helm-values/condition-with-space"), &["values", "chart"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "warning: chart/Chart.yaml: the condition of dependency \"sub\" has the path \" sub.enabled\", with spaces that Helm does not trim: it never matches\n"
    );
}

#[test]
fn a_missing_import_values_table_is_skipped_with_a_warning_as_helm_warns() {
    // helm v4.1.4 logs: level=WARN msg="ImportValues missing table from chart" chart=db
    let out = run(&fixture("helm-values/import-values"), &["values", "chart"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "warning: chart/Chart.yaml: import-values of dependency \"db\": \"missing.table\" is not a table in its values, nothing imported\n"
    );
}

#[test]
fn a_helm_2_chart_loads_with_a_notice() {
    let out = run(&fixture("helm-values/api-v1-requirements"), &["values", "chart"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "notice: chart/requirements.yaml: an apiVersion v1 (Helm 2) chart: its dependencies are read from requirements.yaml, as Helm reads them; with `apiVersion: v2` they belong under `dependencies` in Chart.yaml\n\
         notice: chart/charts/db/Chart.yaml: an apiVersion v1 (Helm 2) chart; rudder reads it as Helm does, and `apiVersion: v2` is the current format\n\
         notice: chart/charts/cache/Chart.yaml: an apiVersion v1 (Helm 2) chart; rudder reads it as Helm does, and `apiVersion: v2` is the current format\n"
    );
}

#[test]
fn duplicate_keys_in_a_values_file_are_refused_where_they_repeat() {
    // Helm keeps the last; rudder refuses (docs/values.md, deliberate differences).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dup.yaml"), "a: 1\nb:\n  c: 1\n  c: 2\n").unwrap();
    let chart = fixture("plain");
    let err = crate::harness::fails(dir.path(), &["values", chart.to_str().unwrap(), "-f", "dup.yaml"]);
    assert_eq!(err, "error: dup.yaml:4:6: b.c: duplicate entry with key \"c\"\n");
}

#[test]
fn nested_globals_do_not_leak_between_charts() {
    // A deliberate difference (docs/values.md): helm v4.1.4 prints
    // {"global":{"m":{"inner":{"a":1,"b":2}}},"s1":{…"b":2…},"s2":{"global":{"m":{"inner":{"a":1,"b":2}}}}}:
    // s1's own nested global `b` leaks into the parent's global and into s2.
    let out = crate::harness::ok(&fixture("global-leak"), &["values", "chart"]);
    assert_eq!(
        out,
        "global:\n  m:\n    inner:\n      a: 1\ns1:\n  global:\n    m:\n      inner:\n        b: 2\n        a: 1\ns2:\n  global:\n    m:\n      inner:\n        a: 1\n"
    );
}
