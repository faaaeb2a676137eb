//! `rudder diff` over the fixture project `tests/fixtures/diff` (chart `shop`, environments
//! staging and prod, baselines under `baselines/`, ignore rules in its rudder.yaml) and the
//! journal app's committed renders.

use crate::harness::{changes, fails, fixture, ok, repo, run, run_with_stdin, scratch_copy};
use std::path::Path;
use std::process::Command;

const CHANGED: &str = "baselines/changed.yaml";

fn project() -> std::path::PathBuf {
    fixture("diff")
}

#[test]
fn formatting_reordered_items_and_ignored_changes_are_not_changes() {
    // baselines/prod.yaml differs from the render only in formatting, key order, the
    // order of named containers, env entries and ports, an ignored checksum and an
    // ignored ConfigMap.
    assert_eq!(
        ok(&project(), &["diff", "--env", "prod"]),
        "prod: 0 changed, 0 added, 0 removed, 5 unchanged\n"
    );
}

#[test]
fn ignore_rules_are_what_hides_the_checksum_and_the_generated_config_map() {
    let dir = scratch_copy("diff");
    let rules = std::fs::read_to_string(dir.path().join("rudder.yaml")).unwrap();
    let without_rules = &rules[..rules.find("diff:").unwrap()];
    std::fs::write(dir.path().join("rudder.yaml"), without_rules).unwrap();
    let out = changes(dir.path(), &["diff", "--env", "prod"]);
    insta::assert_snapshot!(out);
}

#[test]
fn text_report_against_a_file() {
    let out = changes(&project(), &["diff", "--env", "prod", "--against", CHANGED]);
    // apiVersion bump: one change, not a removal and an addition.
    assert!(out.contains("prod: Ingress/shop (networking.k8s.io) changed\n"), "{out}");
    assert!(out.contains("-apiVersion: networking.k8s.io/v1beta1\n+apiVersion: networking.k8s.io/v1\n"));
    // A multi-line string gets a line diff inside.
    assert!(out.contains("-    workers = 2\n+    workers = 4\n"), "{out}");
    // The reordered env list is not a change.
    assert!(!out.contains("WORKERS"), "{out}");
    assert!(out.ends_with("prod: 4 changed, 1 added, 1 removed, 0 unchanged\n"));
    insta::assert_snapshot!(out);
}

#[test]
fn summary_report() {
    insta::assert_snapshot!(changes(
        &project(),
        &["diff", "--env", "prod", "--against", CHANGED, "-o", "summary"]
    ));
}

#[test]
fn json_report() {
    let out = changes(&project(), &["diff", "--env", "prod", "--against", CHANGED, "--output", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(json["summary"]["changed"], 4);
    insta::assert_snapshot!(out);
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(changes(
        &project(),
        &["diff", "--env", "prod", "--against", CHANGED, "-o", "markdown"]
    ));
}

#[test]
fn directory_and_stdin_baselines_read_like_the_file() {
    let file = changes(&project(), &["diff", "--env", "prod", "--against", CHANGED]);
    let dir = changes(&project(), &["diff", "--env", "prod", "--against", "baseline-dir"]);
    assert_eq!(dir, file);
    let text = std::fs::read_to_string(project().join(CHANGED)).unwrap();
    let stdin = run_with_stdin(&project(), &["diff", "--env", "prod", "--against", "-"], &text);
    assert_eq!((stdin.code, stdin.stdout.as_str(), stdin.stderr.as_str()), (2, file.as_str(), ""));
}

#[test]
fn against_another_environment() {
    insta::assert_snapshot!(changes(&project(), &["diff", "--env", "prod", "--against-env", "staging"]));
}

#[test]
fn context_lines_are_configurable() {
    let args = ["diff", "--env", "prod", "--against", CHANGED, "-o", "text"];
    let none = changes(&project(), &[&args[..], &["--context", "0"]].concat());
    assert!(
        none.contains("@@ -20 +20 @@\n-        image: shop:2.0.0\n+        image: shop:2.1.0\n\n"),
        "{none}"
    );
    let wide = changes(&project(), &[&args[..], &["-C", "30"]].concat());
    assert!(wide.contains("@@ -1,39 +1,39 @@\n apiVersion: apps/v1\n"), "{wide}");
}

#[test]
fn secrets_are_masked_in_every_format_unless_asked() {
    let secrets = ["prod-pass-0", "prod-pass-1", "prod-token-1", "cHJvZC10b2tlbi0x"];
    for format in ["text", "summary", "json", "markdown"] {
        let out = changes(&project(), &["diff", "--env", "prod", "--against", CHANGED, "-o", format]);
        for secret in secrets {
            assert!(!out.contains(secret), "{format} output shows {secret}:\n{out}");
        }
    }
    let out = changes(&project(), &["diff", "--env", "prod", "--against", CHANGED, "--show-secrets"]);
    assert!(out.contains("-  password: prod-pass-0\n+  password: prod-pass-1\n"), "{out}");
}

#[test]
fn invalid_baseline_is_an_error_naming_file_and_line_without_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("bad.yaml");
    std::fs::write(
        &baseline,
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: [hunter2\n",
    )
    .unwrap();
    let err = fails(&project(), &["diff", "--env", "prod", "--against", baseline.to_str().unwrap()]);
    assert!(!err.contains("hunter2"), "{err}");
    insta::assert_snapshot!(err.replace(&dir.path().display().to_string(), "[TMP]"));
}

#[test]
fn errors_exit_1_and_usage_errors_too() {
    let err = fails(&project(), &["diff", "--env", "prod", "--against", "no-such-file.yaml"]);
    assert!(err.starts_with("error: cannot read no-such-file.yaml"), "{err}");
    let out = run(&project(), &["diff", "--against", "x", "--against-env", "y"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
    let err = fails(&project(), &["diff", "chart"]);
    assert!(err.contains("nothing to compare with"), "{err}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let args = ["diff", "--env", "prod", "--against", CHANGED];
    assert!(!changes(&project(), &args).contains('\x1b'), "piped output is plain by default");
    assert!(!changes(&project(), &[&args[..], &["--color", "never"]].concat()).contains('\x1b'));
    let coloured = changes(&project(), &[&args[..], &["--color", "always"]].concat());
    assert!(coloured.contains("\x1b[1;33mprod: Secret/shop-secret (core) changed\x1b[0m"), "{coloured}");
    assert!(coloured.contains("\x1b[32m+        image: shop:2.1.0\x1b[0m"), "{coloured}");
}

#[test]
fn missing_baseline_then_update_then_no_changes() {
    let dir = scratch_copy("diff");
    let baseline = dir.path().join("baselines/staging.yaml");
    assert!(!baseline.exists());
    let first = run(dir.path(), &["diff", "--env", "staging", "-o", "summary", "--update"]);
    assert_eq!(first.code, 2);
    assert_eq!(
        first.stderr,
        "note: baselines/staging.yaml does not exist yet; every resource shows as added\nupdated baselines/staging.yaml\n"
    );
    assert!(
        first.stdout.ends_with("staging: 0 changed, 5 added, 0 removed, 0 unchanged\n"),
        "{}",
        first.stdout
    );
    assert_eq!(std::fs::read_to_string(&baseline).unwrap(), ok(dir.path(), &["render", "--env", "staging"]));
    assert_eq!(
        ok(dir.path(), &["diff", "--env", "staging"]),
        "staging: 0 changed, 0 added, 0 removed, 5 unchanged\n"
    );
    let leftovers: Vec<_> =
        std::fs::read_dir(dir.path().join("baselines")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 3, "no temporary files left: {leftovers:?}");
}

#[test]
fn render_write_stores_the_baseline_that_diff_reads() {
    let dir = scratch_copy("diff");
    assert_eq!(ok(dir.path(), &["render", "--env", "staging", "--write"]), "wrote baselines/staging.yaml\n");
    assert_eq!(
        ok(dir.path(), &["diff", "--env", "staging"]),
        "staging: 0 changed, 0 added, 0 removed, 5 unchanged\n"
    );
    let out = changes(dir.path(), &["diff", "--env", "staging", "--set", "replicas=7", "-o", "summary"]);
    assert_eq!(
        out,
        "staging: Deployment/shop (apps) changed\nstaging: 1 changed, 0 added, 0 removed, 4 unchanged\n"
    );
}

#[test]
fn update_of_an_against_file_and_refusals() {
    let dir = scratch_copy("diff");
    let out = run(dir.path(), &["diff", "--env", "prod", "--against", CHANGED, "--update", "-o", "summary"]);
    assert_eq!((out.code, out.stderr.as_str()), (2, "updated baselines/changed.yaml\n"));
    assert_eq!(
        ok(dir.path(), &["diff", "--env", "prod", "--against", CHANGED]),
        "prod: 0 changed, 0 added, 0 removed, 5 unchanged\n"
    );
    let err = fails(dir.path(), &["diff", "--env", "prod", "--against", "baseline-dir", "--update"]);
    assert!(err.contains("cannot replace a directory baseline"), "{err}");
}

#[test]
fn all_environments_in_one_run() {
    let dir = scratch_copy("diff");
    ok(dir.path(), &["render", "--env", "staging", "--write"]);
    let out = changes(dir.path(), &["diff", "--all-envs", "--set", "replicas=9", "-o", "summary"]);
    assert_eq!(
        out,
        "prod: Deployment/shop (apps) changed\nprod: 1 changed, 0 added, 0 removed, 4 unchanged\nstaging: Deployment/shop (apps) changed\nstaging: 1 changed, 0 added, 0 removed, 4 unchanged\n"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=rudder tests",
            "-c",
            "user.email=tests@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn against_a_git_revision() {
    let dir = scratch_copy("diff");
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    assert_eq!(
        ok(dir.path(), &["diff", "--env", "prod", "--against-ref", "HEAD"]),
        "prod: 0 changed, 0 added, 0 removed, 5 unchanged\n"
    );
    // Change the environment's values and the chart in the working tree only.
    std::fs::write(
        dir.path().join("values/prod.yaml"),
        "replicas: 5\npassword: prod-pass-1\napiToken: prod-token-1\n",
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("chart/templates/service.yaml")).unwrap();
    let out = changes(dir.path(), &["diff", "--env", "prod", "--against-ref", "HEAD"]);
    assert!(out.contains("-  replicas: 3\n+  replicas: 5\n"), "{out}");
    assert!(out.contains("prod: Service/shop (core) removed\n"), "{out}");
    assert!(out.ends_with("prod: 1 changed, 0 added, 1 removed, 3 unchanged\n"), "{out}");
    // From a subdirectory, paths still map into the revision.
    let sub = dir.path().join("values");
    let from_sub = changes(&sub, &["diff", "--env", "prod", "--against-ref", "HEAD", "-o", "summary"]);
    assert!(from_sub.ends_with("prod: 1 changed, 0 added, 1 removed, 3 unchanged\n"), "{from_sub}");
    // An environment added since the revision: everything is new.
    let project = std::fs::read_to_string(dir.path().join("rudder.yaml")).unwrap();
    let project = project.replace("  prod:\n", "  qa:\n    namespace: shop-qa\n  prod:\n");
    std::fs::write(dir.path().join("rudder.yaml"), project).unwrap();
    std::fs::write(dir.path().join("values/qa.yaml"), "replicas: 1\n").unwrap();
    let out = run(dir.path(), &["diff", "--env", "qa", "--against-ref", "HEAD", "-o", "summary"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "note: environment \"qa\" does not exist at HEAD; every resource shows as added\n"
    );
    assert!(out.stdout.ends_with("qa: 0 changed, 4 added, 0 removed, 0 unchanged\n"), "{}", out.stdout);
    let err = fails(dir.path(), &["diff", "--env", "prod", "--against-ref", "no-such-branch"]);
    assert!(err.contains("unknown git revision \"no-such-branch\""), "{err}");
}

#[test]
fn journal_committed_renders_are_up_to_date() {
    // The CI gate: every environment's committed render equals a fresh render.
    assert_eq!(
        ok(&repo(), &["diff", "--all-envs"]),
        "cp-dev: 0 changed, 0 added, 0 removed, 11 unchanged\ndev: 0 changed, 0 added, 0 removed, 11 unchanged\nprod: 0 changed, 0 added, 0 removed, 10 unchanged\n"
    );
    for env in ["dev", "cp-dev", "prod"] {
        let committed = std::fs::read_to_string(repo().join(format!("rendered/{env}.yaml"))).unwrap();
        assert_eq!(committed, ok(&repo(), &["render", "--env", env]), "rendered/{env}.yaml is stale");
    }
}

#[test]
fn writing_a_baseline_never_writes_through_a_symlink() {
    let dir = scratch_copy("diff");
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "precious\n").unwrap();
    let baseline = dir.path().join("baselines/staging.yaml");
    std::os::unix::fs::symlink(outside.path(), &baseline).unwrap();
    ok(dir.path(), &["render", "--env", "staging", "--write"]);
    assert_eq!(std::fs::read_to_string(outside.path()).unwrap(), "precious\n");
    assert!(!baseline.is_symlink(), "the link itself is replaced by the new file");
    assert_eq!(std::fs::read_to_string(&baseline).unwrap(), ok(dir.path(), &["render", "--env", "staging"]));
}

#[test]
fn windows_line_endings_in_a_baseline_are_not_changes() {
    let text = std::fs::read_to_string(project().join("baselines/prod.yaml")).unwrap();
    let crlf = text.replace('\n', "\r\n");
    let out = run_with_stdin(&project(), &["diff", "--env", "prod", "--against", "-"], &crlf);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "prod: 0 changed, 0 added, 0 removed, 5 unchanged\n"),
        "{}",
        out.stderr
    );
}

/// Baselines written from the journal's prod render by other emitters (PyYAML, Python's
/// json; `tests/fixtures/reserialized/generate.py`).
fn reserialized(name: &str) -> String {
    repo().join("tests/fixtures/reserialized").join(name).display().to_string()
}

#[test]
fn the_same_data_written_by_other_emitters_is_no_change() {
    for name in ["prod.pyyaml.yaml", "prod.json.yaml"] {
        let out = run(&repo(), &["diff", "--env", "prod", "--against", &reserialized(name)]);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, "prod: 0 changed, 0 added, 0 removed, 10 unchanged\n"),
            "{name} (stale? rerun tests/fixtures/reserialized/generate.py): {}",
            out.stderr
        );
    }
}

#[test]
fn a_changed_final_line_break_of_the_last_block_scalar_is_a_change() {
    // redis-config's launch.sh (`|`, the last key of its document) keeps its final line
    // break as kubectl reads the render; without it, or with one more, the applied
    // ConfigMap differs.
    for name in ["prod-launch-no-final-newline.pyyaml.yaml", "prod-launch-extra-newline.pyyaml.yaml"] {
        let out =
            changes(&repo(), &["diff", "--env", "prod", "--against", &reserialized(name), "-o", "json"]);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        let resources = report["reports"][0]["resources"].as_array().unwrap();
        assert_eq!(resources.len(), 1, "{name}: {out}");
        assert_eq!(resources[0]["name"], "redis-config", "{name}");
        let fields = resources[0]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 1, "{name}: {out}");
        assert_eq!(fields[0]["path"], "data.launch.sh", "{name}: {out}");
        assert!(fields[0]["new"].as_str().unwrap().ends_with("\"${PASSWORD}\"\nfi\n"), "{name}: {out}");
    }
}

#[test]
fn a_change_of_chomping_in_a_template_is_a_change() {
    let dir = scratch_copy("diff");
    let template = dir.path().join("chart/templates/configmap.yaml");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, text.replace("shop.conf: |\n", "shop.conf: |-\n")).unwrap();
    let out = changes(dir.path(), &["diff", "--env", "prod", "-o", "summary"]);
    assert_eq!(
        out,
        "prod: ConfigMap/shop-config (core) changed\nprod: 1 changed, 0 added, 0 removed, 4 unchanged\n"
    );
}
