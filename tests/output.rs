//! `--output-dir` and `-s/--show-only`.

use crate::harness::{fails, fixture, ok};

#[test]
fn output_dir_writes_one_file_per_template() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let printed =
        ok(&fixture("app"), &["render", "--env", "base", "--output-dir", out_dir.to_str().unwrap()]);
    let shown = printed.replace(&out_dir.display().to_string(), "[OUT]");
    insta::assert_snapshot!(shown);
    let stream = ok(&fixture("app"), &["render", "--env", "base"]);
    let kinds = std::fs::read_to_string(out_dir.join("parent/templates/kinds.yaml")).unwrap();
    assert_eq!(kinds.matches("# Source: parent/templates/kinds.yaml").count(), 3);
    for document in kinds.split("---\n").filter(|d| !d.is_empty()) {
        assert!(stream.contains(document), "{document}");
    }
}

#[test]
fn failed_render_leaves_the_output_dir_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("keep.txt"), "untouched").unwrap();
    fails(&fixture("errors"), &["render", "bad-yaml", "--output-dir", out_dir.to_str().unwrap()]);
    let entries: Vec<_> = std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("keep.txt")]);
    assert_eq!(std::fs::read_to_string(out_dir.join("keep.txt")).unwrap(), "untouched");
}

#[test]
fn show_only_selects_templates_by_path() {
    let out = ok(
        &fixture("app"),
        &["render", "--env", "base", "-s", "charts/*/templates/configmap.yaml", "-s", "templates/kinds.yaml"],
    );
    let sources: Vec<&str> = out.lines().filter(|l| l.starts_with("# Source:")).collect();
    assert_eq!(
        sources,
        [
            "# Source: parent/templates/kinds.yaml",
            "# Source: parent/charts/child/templates/configmap.yaml",
            "# Source: parent/charts/optional/templates/configmap.yaml",
            "# Source: parent/charts/second/templates/configmap.yaml",
            "# Source: parent/templates/kinds.yaml",
            "# Source: parent/templates/kinds.yaml",
        ]
    );
}
