//! The journal app from the repository root, per environment (`rudder render --env NAME`).

use crate::harness::{fails, ok, repo};

#[test]
fn renders_dev() {
    insta::assert_snapshot!(ok(&repo(), &["render", "--env", "dev"]));
}

#[test]
fn renders_cp_dev() {
    insta::assert_snapshot!(ok(&repo(), &["render", "--env", "cp-dev"]));
}

#[test]
fn renders_prod() {
    insta::assert_snapshot!(ok(&repo(), &["render", "--env", "prod"]));
}

#[test]
fn render_is_byte_for_byte_stable() {
    let first = ok(&repo(), &["render", "--env", "prod"]);
    for _ in 0..3 {
        assert_eq!(ok(&repo(), &["render", "--env", "prod"]), first);
    }
}

#[test]
fn template_is_an_alias_and_explicit_chart_matches_the_project_default() {
    let by_project = ok(&repo(), &["render", "--env", "dev"]);
    let explicit = ok(&repo(), &["template", "journal", "charts/journal", "--env", "dev"]);
    assert_eq!(by_project, explicit);
}

#[test]
fn missing_redis_password_is_a_clear_error() {
    insta::assert_snapshot!(fails(&repo(), &["render", "--env", "prod", "--set", "redis.createSecret=true"]));
}

#[test]
fn disabling_the_fileserver_drops_it_and_its_ingress_path() {
    let out = ok(&repo(), &["render", "--env", "dev", "--set", "fileserver.enabled=false"]);
    assert!(!out.contains("fileserver"), "{out}");
    assert!(out.contains("path: /api"));
}

#[test]
fn a_config_change_changes_the_rollout_checksum() {
    let checksum = |out: &str| out.lines().find(|l| l.contains("checksum/config")).map(str::to_string);
    let a = ok(&repo(), &["render", "--env", "dev", "-s", "charts/frontend/templates/deployment.yaml"]);
    let b = ok(
        &repo(),
        &[
            "render",
            "--env",
            "dev",
            "-s",
            "charts/frontend/templates/deployment.yaml",
            "--set",
            "frontend.config.journalEntries=99",
        ],
    );
    assert!(checksum(&a).is_some());
    assert_ne!(checksum(&a), checksum(&b));
}

#[test]
fn merged_values_for_prod() {
    insta::assert_snapshot!(ok(&repo(), &["values", "--env", "prod"]));
}
