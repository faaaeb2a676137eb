//! `rudder convert` over the Helm chart corpus (`tests/fixtures/helm-charts`): every chart
//! converts (exit 0, or 3 with places left for a person), converting the result again
//! changes nothing, and each value set of the converted chart is compared as data with
//! what helm rendered from the original (`helm/<set>.yaml`, the random fields the chart's
//! `differences.yaml` lists set aside); so is each original of the two hand-ported charts
//! (`tests/fixtures/ported/<chart>/original`, compared with helm as the port is). The
//! tally is the table in docs/porting.md.

use crate::harness::{fixture, repo, run};
use crate::helm_charts::{Tally, compare_set, differences, value_sets};
use crate::ported::{check_sets, sorted_dir};
use std::collections::BTreeSet;
use std::path::Path;

/// Every file under `dir`, by relative path, with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let path = entry.path().strip_prefix(dir).unwrap().to_string_lossy().to_string();
            files.push((path, std::fs::read(entry.path()).unwrap()));
        }
    }
    files
}

#[test]
fn converted_helm_charts_render_as_helm_renders_the_originals() {
    let scratch = tempfile::tempdir().unwrap();
    let mut table = String::from(
        "| chart | value sets | equal to helm after convert | places left for a person |\n|---|---:|---:|---:|\n",
    );
    let (mut sets, mut alike, mut clean, mut failures) = (0, 0, 0, Vec::new());
    let charts = sorted_dir(&fixture("helm-charts"));
    for chart in &charts {
        let name = chart.file_name().unwrap().to_str().unwrap().to_string();
        let dest = scratch.path().join(&name);
        let places = match convert_twice(&chart.join("chart"), &dest, &name) {
            Ok(places) => places,
            Err(failure) => {
                failures.push(failure);
                continue;
            }
        };
        let differences = differences(chart);
        let mut tally = Tally::default();
        for (stem, values) in value_sets(chart) {
            compare_set(
                chart,
                &dest,
                &stem,
                values.as_deref(),
                &differences,
                &mut BTreeSet::new(),
                &mut tally,
            );
        }
        let equal = tally.equal + tally.random + tally.both_refuse;
        table.push_str(&format!("| {name} | {} | {equal} | {places} |\n", tally.sets));
        sets += tally.sets;
        alike += equal;
        clean += usize::from(places == 0);
    }
    let ported = sorted_dir(&fixture("ported"));
    for chart in &ported {
        let name = chart.file_name().unwrap().to_str().unwrap().to_string();
        let dest = scratch.path().join(&name);
        let places = match convert_twice(&chart.join("original"), &dest, &name) {
            Ok(places) => places,
            Err(failure) => {
                failures.push(failure);
                continue;
            }
        };
        let (checked, differ) = check_sets(chart, &dest, false);
        table.push_str(&format!(
            "| {name} (the original of a port) | {checked} | {} | {places} |\n",
            checked - differ.len()
        ));
        sets += checked;
        alike += checked - differ.len();
        clean += usize::from(places == 0);
    }
    table.push_str(&format!(
        "| **{} charts** | {sets} | {alike} ({:.1}%) | none in {clean} charts |\n",
        charts.len() + ported.len(),
        100.0 * alike as f64 / sets as f64
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let docs = std::fs::read_to_string(repo().join("docs/porting.md")).unwrap();
    assert!(docs.contains(&table), "docs/porting.md lacks the convert table as it now is:\n{table}");
}

/// Converts `src` into `dest`, then `dest` again, which must change nothing: the places
/// left for a person (exit 3 exactly when there are some).
fn convert_twice(src: &Path, dest: &Path, name: &str) -> Result<usize, String> {
    let out = run(src, &["convert", ".", dest.to_str().unwrap()]);
    if out.code != 0 && out.code != 3 {
        return Err(format!("{name}: convert exits {}: {}", out.code, out.stderr));
    }
    let places =
        out.stderr.lines().filter(|l| l.ends_with("write it in Tera by hand (docs/porting.md)")).count();
    assert_eq!(out.code == 3, places > 0, "{name}: exit {} with {places} places", out.code);
    let again = dest.with_file_name(format!("{name}-again"));
    let second = run(src, &["convert", dest.to_str().unwrap(), again.to_str().unwrap()]);
    assert_eq!(second.code, 0, "{name}: converting the converted chart: {}", second.stderr);
    assert!(tree(dest) == tree(&again), "{name}: converting the converted chart changed it");
    Ok(places)
}

#[test]
fn convert_refuses_an_existing_destination_and_writes_a_tera_chart() {
    let scratch = tempfile::tempdir().unwrap();
    let chart = fixture("helm-charts").join("podinfo");
    let dest = scratch.path().join("podinfo");
    std::fs::create_dir(&dest).unwrap();
    let refused = run(&chart, &["convert", "chart", dest.to_str().unwrap()]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("already exists; pass --force to replace it"), "{}", refused.stderr);
    let out = run(&chart, &["convert", "chart", dest.to_str().unwrap(), "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let chart_yaml = std::fs::read_to_string(dest.join("Chart.yaml")).unwrap();
    assert!(chart_yaml.contains("rudder.dev/templates: tera"), "{chart_yaml}");
    let helpers = std::fs::read_to_string(dest.join("templates/_helpers.tpl")).unwrap();
    assert!(helpers.contains("{% component Fullname(@Values, @Chart, @Release) -%}"), "{helpers}");
    assert!(helpers.contains("Create a default fully qualified app name."), "comments are kept: {helpers}");
    assert!(!helpers.contains("{{ define"), "{helpers}");
}

#[test]
fn verify_without_helm_says_what_to_pass() {
    let scratch = tempfile::tempdir().unwrap();
    let chart = fixture("helm-charts").join("podinfo");
    let dest = scratch.path().join("podinfo");
    let missing = scratch.path().join("no-helm-here");
    let out = run(
        &chart,
        &["convert", "chart", dest.to_str().unwrap(), "--verify", "--helm", missing.to_str().unwrap()],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("no-helm-here (--helm PATH names another)"), "{}", out.stderr);
}
