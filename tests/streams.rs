//! YAML streams read by `rudder diff`: one reader for renders and baselines alike, which
//! reads what other emitters write, and bounds what hostile streams cost.

use crate::harness::{fixture, ok, run, run_with_stdin};

/// The baselines under `tests/fixtures/baselines/baselines`: the chart's render written
/// again by PyYAML and kubectl (`.ci/baselines.sh` checks they are what those tools write).
fn emitted_baselines() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(fixture("baselines/baselines"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 6, "{files:?}");
    files
        .into_iter()
        .map(|path| {
            (path.file_name().unwrap().to_str().unwrap().to_string(), std::fs::read_to_string(path).unwrap())
        })
        .collect()
}

#[test]
fn baselines_written_by_other_emitters_diff_as_unchanged() {
    let dir = fixture("baselines");
    // The baselines are the committed render, written again.
    let render = std::fs::read_to_string(dir.join("render.yaml")).unwrap();
    assert_eq!(ok(&dir, &["render", "chart"]), render);
    for (name, text) in emitted_baselines() {
        let path = format!("baselines/{name}");
        let out = run(&dir, &["diff", "chart", "--against", &path, "-o", "summary"]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, "0 changed, 0 added, 0 removed, 4 unchanged\n", ""),
            "{name}"
        );
        let out = run_with_stdin(&dir, &["diff", "chart", "--against", "-", "-o", "summary"], &text);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, "0 changed, 0 added, 0 removed, 4 unchanged\n"),
            "{name}"
        );
    }
}

#[test]
fn a_change_in_a_baseline_written_by_another_emitter_is_seen() {
    let dir = fixture("baselines");
    for (name, text) in emitted_baselines() {
        // The Deployment's replicas, 3, become 4: the first `3` after the key.
        let key = text.find("replicas").unwrap_or_else(|| panic!("{name}: no replicas"));
        let three = key + text[key..].find('3').unwrap();
        let changed = format!("{}4{}", &text[..three], &text[three + 1..]);
        let out = run_with_stdin(&dir, &["diff", "chart", "--against", "-", "-o", "summary"], &changed);
        assert_eq!(out.code, 2, "{name}: {}{}", out.stdout, out.stderr);
        assert!(out.stdout.contains("1 changed, 0 added, 0 removed, 3 unchanged"), "{name}: {}", out.stdout);
    }
}

#[test]
fn render_and_diff_read_markers_the_same_way() {
    // A template whose output carries content on its `---` lines and a `...` end.
    let dir = tempfile::tempdir().unwrap();
    let stream = "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n--- !!map\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n...\n%YAML 1.2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
    crate::harness::new_chart(dir.path(), "chart", &[("cms.yaml", stream)]);
    let rendered = ok(dir.path(), &["render", "chart"]);
    assert_eq!(rendered.matches("kind: ConfigMap").count(), 3, "{rendered}");
    std::fs::write(dir.path().join("base.yaml"), stream).unwrap();
    let out = run(dir.path(), &["diff", "chart", "--against", "base.yaml", "-o", "summary"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "0 changed, 0 added, 0 removed, 3 unchanged\n"),
        "{}",
        out.stderr
    );
}
