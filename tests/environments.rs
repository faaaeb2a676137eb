//! `--env` with and without `rudder.yaml`: default files, `extends`, namespaces,
//! unknown environments and cycles.

use crate::harness::{fails, fixture, ok};

#[test]
fn extends_applies_the_parents_files_first() {
    let out = ok(&fixture("app"), &["values", "--env", "extended"]);
    assert!(out.contains("fromEnv: extended"), "{out}");
    let out = ok(&fixture("app"), &["render", "--env", "extended", "-s", "templates/configmap.yaml"]);
    assert!(out.contains("namespace: extended-ns") && out.contains("kube: v1.28.2"), "{out}");
}

#[test]
fn unknown_environment_lists_known_ones() {
    insta::assert_snapshot!(fails(&fixture("app"), &["render", "--env", "qa"]));
}

#[test]
fn extends_cycle_is_an_error() {
    insta::assert_snapshot!(fails(&fixture("app"), &["render", "--env", "loop-a"]));
}

#[test]
fn without_a_project_file_env_means_values_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("values")).unwrap();
    std::fs::write(dir.path().join("values/qa.yaml"), "replicas: 4\n").unwrap();
    let chart = fixture("plain");
    let out = ok(dir.path(), &["values", chart.to_str().unwrap(), "--env", "qa"]);
    assert!(out.ends_with("replicas: 4\n"), "{out}");
    let err = fails(dir.path(), &["values", chart.to_str().unwrap(), "--env", "nope"]);
    assert!(err.contains("unknown environment \"nope\": there is no rudder.yaml and no"), "{err}");
}

/// The journal app is four charts (journal, frontend, redis, fileserver).
const JOURNAL_CHARTS: &str = "debug: charts loaded: 4\n";

#[test]
fn every_environment_shares_one_chart_load() {
    let out =
        crate::harness::run(&crate::harness::repo(), &["diff", "--all-envs", "--debug", "-o", "summary"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, JOURNAL_CHARTS), "{}", out.stdout);
    let out = crate::harness::run(
        &crate::harness::repo(),
        &["diff", "--env", "prod", "--against-env", "dev", "--debug", "-o", "summary"],
    );
    assert_eq!(out.stderr, JOURNAL_CHARTS);
}

#[test]
fn render_all_envs_writes_every_baseline_from_one_chart_load() {
    let dir = crate::harness::journal_copy();
    let out = crate::harness::run(dir.path(), &["render", "--all-envs", "--write", "--debug"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, JOURNAL_CHARTS), "{}", out.stdout);
    assert_eq!(out.stdout, "wrote rendered/cp-dev.yaml\nwrote rendered/dev.yaml\nwrote rendered/prod.yaml\n");
    for env in ["cp-dev", "dev", "prod"] {
        let written = std::fs::read_to_string(dir.path().join(format!("rendered/{env}.yaml"))).unwrap();
        let committed =
            std::fs::read_to_string(crate::harness::repo().join(format!("rendered/{env}.yaml"))).unwrap();
        assert_eq!(written, committed, "{env}");
    }
}
