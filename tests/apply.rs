//! What `rudder render | kubectl apply -f -` applies, over the fixture project
//! `tests/fixtures/apply`: the namespace in force given to namespaced resources, and
//! Helm hooks kept or left out as `helm template` does. Its chart's templates are plain
//! YAML, so helm renders the very same chart: `helm/*.yaml` hold helm's output
//! (checked in CI by `.ci/helm-renders.sh`).

use crate::harness::{fails, fixture, run};
use std::path::PathBuf;

fn project() -> PathBuf {
    fixture("apply")
}

fn helm(name: &str) -> String {
    std::fs::read_to_string(project().join("helm").join(format!("{name}.yaml"))).unwrap()
}

const UNKNOWN_HOOKS: &str = "warning: shop/templates/hooks.yaml: ConfigMap/old-crd-hook is left out: its helm.sh/hook \"crd-install\" names an event Helm does not know, and Helm leaves it out too\nwarning: shop/templates/hooks.yaml: Pod/old-failure-test is left out: its helm.sh/hook \"test-failure\" names an event Helm does not know, and Helm leaves it out too\n";

/// Renders and returns stdout; the only thing on stderr is the unknown-hook warnings.
fn render(args: &[&str]) -> String {
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    let out = run(&project(), &all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, UNKNOWN_HOOKS);
    out.stdout
}

#[test]
fn without_a_namespace_in_force_the_render_is_helms() {
    assert_eq!(render(&["chart"]), helm("template"));
}

#[test]
fn no_hooks_and_skip_tests_are_helms() {
    assert_eq!(render(&["chart", "--no-hooks"]), helm("no-hooks"));
    assert_eq!(render(&["chart", "--skip-tests"]), helm("skip-tests"));
    // Hooks come last, by kind, then as they come: z-migrate (weight 5) before a-seed
    // (weight -5), as in helm's output.
    let all = helm("template");
    let order: Vec<&str> = all.lines().filter_map(|l| l.strip_prefix("  name: ")).collect();
    assert_eq!(
        order[order.len() - 5..],
        ["pre-secret", "shop-test-connection", "shop-test-legacy", "z-migrate", "a-seed"]
    );
}

#[test]
fn hooks_switches_per_environment() {
    assert_eq!(render(&["--env", "no-hooks", "--no-inject-namespace"]), helm("no-hooks"));
    assert_eq!(render(&["--env", "no-tests", "--no-inject-namespace"]), helm("skip-tests"));
    assert_eq!(render(&["--env", "prod", "--no-hooks", "--no-inject-namespace"]), helm("no-hooks"));
}

/// `(kind, name, namespace)` of every document of a render.
fn placements(stream: &str) -> Vec<(String, String, Option<String>)> {
    rudder::diff::parse_stream(stream, "render", "")
        .unwrap()
        .into_iter()
        .map(|r| {
            let namespace = r.value["metadata"].get("namespace").and_then(|n| n.as_str()).map(str::to_string);
            (r.id.kind, r.id.name, namespace)
        })
        .collect()
}

#[test]
fn the_environments_namespace_goes_to_namespaced_resources_only() {
    let out = render(&["--env", "prod"]);
    let ns = |n: &str| Some(n.to_string());
    for (kind, name, namespace) in placements(&out) {
        let expected = match (kind.as_str(), name.as_str()) {
            ("ConfigMap", "elsewhere") => ns("monitoring"),
            (
                "PriorityClass"
                | "Namespace"
                | "StorageClass"
                | "CustomResourceDefinition"
                | "ClusterRole"
                | "ClusterRoleBinding"
                | "IngressClass"
                | "ValidatingWebhookConfiguration"
                | "ClusterIssuer"
                | "Widget",
                _,
            ) => None,
            _ => ns("shop-prod"),
        };
        assert_eq!(namespace, expected, "{kind}/{name}");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn the_text_keeps_its_comments_and_gets_one_line() {
    let out = render(&["--env", "prod"]);
    assert!(
        out.contains("# Namespaced resources: one without a namespace, one with its own, one with an empty one.\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: shop-prod\n  labels:\n"),
        "{out}"
    );
    // 10 namespaced resources without a namespace of their own.
    let given = |text: &str| text.lines().filter(|l| *l == "  namespace: shop-prod").count();
    assert_eq!((given(&helm("template")), given(&out)), (0, 10), "{out}");
    // The flow-style metadata is written out again, in block style.
    assert!(out.contains("kind: Service\nmetadata:\n  name: flow\n  namespace: shop-prod\n  labels:\n    app: shop\nspec:\n  ports:\n  - port: 80\n"), "{out}");
}

#[test]
fn injection_is_switched_off_per_environment_and_per_command() {
    assert_eq!(render(&["--env", "as-written"]), helm("template"));
    assert_eq!(render(&["--env", "prod", "--no-inject-namespace"]), helm("template"));
    assert_eq!(render(&["--env", "as-written", "--inject-namespace"]), render(&["--env", "prod"]));
    assert_eq!(
        render(&["--env", "prod", "--no-inject-namespace", "--inject-namespace"]),
        render(&["--env", "prod"])
    );
}

#[test]
fn a_namespace_flag_is_a_namespace_in_force() {
    let out = render(&["chart", "-n", "team-a"]);
    assert!(out.contains("  name: plain\n  namespace: team-a\n"), "{out}");
    assert!(render(&["--env", "prod", "-n", "team-b"]).contains("  name: plain\n  namespace: team-b\n"));
}

#[test]
fn an_invalid_namespace_is_refused() {
    let err = fails(&project(), &["render", "chart", "-n", "Team_A"]);
    assert_eq!(
        err,
        format!(
            "error: invalid namespace \"Team_A\": a namespace is at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit\n"
        )
    );
}

#[test]
fn output_dir_and_diff_see_the_same_namespaces() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&project(), &["render", "--env", "prod", "--output-dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(dir.path().join("shop/templates/config.yaml")).unwrap();
    assert!(written.contains("  name: plain\n  namespace: shop-prod\n"), "{written}");
    // Against its own render: nothing; against helm's (no namespaces): every resource
    // that got one is a change of metadata.namespace.
    let baseline = dir.path().join("prod.yaml");
    std::fs::write(&baseline, render(&["--env", "prod"])).unwrap();
    let out =
        run(&project(), &["diff", "--env", "prod", "--against", baseline.to_str().unwrap(), "-o", "summary"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "prod: 0 changed, 0 added, 0 removed, 22 unchanged\n"));
    let helm_render = project().join("helm/template.yaml");
    let report = changes_with_warnings(&[
        "diff",
        "--env",
        "prod",
        "--against",
        helm_render.to_str().unwrap(),
        "-o",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let resources = report["reports"][0]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 10, "{report:#}");
    for resource in resources {
        let fields = resource["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 1, "{resource:#}");
        assert_eq!(fields[0]["path"], "metadata.namespace", "{resource:#}");
    }
}

/// `changes`, but the unknown-hook warnings are expected on stderr.
fn changes_with_warnings(args: &[&str]) -> String {
    let out = run(&project(), args);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stderr, UNKNOWN_HOOKS);
    out.stdout
}

#[test]
fn diff_takes_the_hook_flags() {
    let helm_render = project().join("helm/template.yaml");
    let out = changes_with_warnings(&[
        "diff",
        "chart",
        "--against",
        helm_render.to_str().unwrap(),
        "--skip-tests",
        "-o",
        "summary",
    ]);
    assert_eq!(
        out,
        "Pod/shop-test-connection (core) removed\nPod/shop-test-legacy (core) removed\n0 changed, 0 added, 2 removed, 20 unchanged\n"
    );
}

#[test]
fn two_resources_with_one_identity_are_a_warning_in_render_and_an_error_in_diff() {
    let dir = tempfile::tempdir().unwrap();
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n";
    let other = format!("{cm}data: {{x: y}}\n");
    crate::harness::new_chart(dir.path(), "c", &[("a.yaml", cm), ("b.yaml", &other)]);
    let out = crate::harness::run(dir.path(), &["render", "c", "-n", "ns"]);
    assert_eq!(out.code, 0, "helm template prints both too");
    assert_eq!(out.stdout.matches("name: same").count(), 2);
    assert_eq!(
        out.stderr,
        "warning: c/templates/b.yaml:1: duplicate resource ConfigMap/same (core) in namespace ns (first at c/templates/a.yaml:1); both are printed, and kubectl apply would apply the last\n"
    );
    let out = crate::harness::run(dir.path(), &["diff", "c", "-n", "ns", "--against", "/dev/null"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "duplicate resource ConfigMap/same (core) in namespace ns (first at c/templates/a.yaml"
        ),
        "{}",
        out.stderr
    );
}
