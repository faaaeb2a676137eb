//! Go-template (Helm) charts through every command: a chart directory or archive, as the
//! root or as a subchart under a Tera parent (and the other way round), with hooks,
//! `--show-only`, `diff`, `values` and `package`, and errors that name the Go template's
//! own file:line:col. The expected renders are helm's (committed, re-checked with the
//! real helm by `.ci/helm-charts.sh` and `.ci/helm-renders.sh`) or, for a tree helm
//! cannot read (a Tera chart in it), written by hand.

use crate::harness::{fails, fixture, ok, run};
use std::path::Path;

const AS_HELM: [&str; 3] = ["--release-service", "Helm", "--no-inject-namespace"];

fn corpus(name: &str) -> std::path::PathBuf {
    fixture("helm-charts").join(name)
}

#[test]
fn go_charts_that_pin_a_helm_behaviour_render_byte_for_byte_as_helm() {
    // tests/fixtures/go-charts/<name>: a small chart and helm's render of it (helm.yaml).
    let charts = crate::ported::sorted_dir(&fixture("go-charts"));
    assert!(!charts.is_empty());
    for dir in charts {
        let helm = std::fs::read_to_string(dir.join("helm.yaml")).unwrap();
        let mut args = vec!["render", "demo", "chart"];
        args.extend_from_slice(&AS_HELM);
        let out = run(&dir, &args);
        assert_eq!(out.code, 0, "{}: {}", dir.display(), out.stderr);
        assert_eq!(out.stdout.trim_end(), helm.trim_end(), "{}", dir.display());
    }
}

#[test]
fn a_packaged_go_chart_says_so_and_renders_from_the_archive_as_from_the_directory() {
    let dir = corpus("kube-state-metrics");
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().to_str().unwrap();
    ok(&dir, &["package", "chart", "-d", dist]);
    let archive = std::fs::read_dir(out.path()).unwrap().next().unwrap().unwrap().path();
    let archive = archive.to_str().unwrap();
    let render = |chart: &str| {
        let mut args = vec!["render", "demo", chart, "-n", "demo-ns"];
        args.extend_from_slice(&AS_HELM);
        ok(&dir, &args)
    };
    let from_archive = render(archive);
    assert_eq!(from_archive, render("chart"));
    assert!(from_archive.contains("kind: Deployment"), "{from_archive}");
    let shown = ok(&dir, &["show", "chart", archive]);
    assert!(shown.contains("rudder.dev/templates: go"), "{shown}");
}

#[test]
fn diff_of_a_go_chart_against_helms_render_counts_no_change() {
    let dir = corpus("ingress-nginx");
    let mut args = vec!["diff", "demo", "chart", "-n", "demo-ns", "--against", "helm/default.yaml"];
    args.extend_from_slice(&AS_HELM);
    let out = run(&dir, &args);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.starts_with("0 changed, 0 added, 0 removed"), "{}", out.stdout);
    // A change is seen: one more replica.
    args.extend_from_slice(&["--set", "controller.replicaCount=2"]);
    let out = run(&dir, &args);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Deployment/demo-ingress-nginx-controller"), "{}", out.stdout);
    assert!(out.stdout.contains("-  replicas: 1\n+  replicas: 2"), "{}", out.stdout);
}

#[test]
fn values_show_only_and_test_hooks_work_on_a_go_chart() {
    // podinfo is an apiVersion v1 chart: rudder notes that on stderr.
    let dir = corpus("podinfo");
    let stdout = |args: &[&str]| {
        let out = run(&dir, args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        out.stdout
    };
    let values = stdout(&["values", "chart", "--set", "replicaCount=3"]);
    assert!(values.contains("replicaCount: 3"), "{values}");
    let only = stdout(&["render", "demo", "chart", "-s", "templates/service.yaml"]);
    assert_eq!(only.matches("\nkind: ").count(), 1, "{only}");
    assert!(only.contains("kind: Service"), "{only}");
    let all = stdout(&["render", "demo", "chart"]);
    let no_tests = stdout(&["render", "demo", "chart", "--skip-tests"]);
    assert!(all.contains("\"helm.sh/hook\": test-success"), "{all}");
    assert!(!no_tests.contains("helm.sh/hook"), "{no_tests}");
    assert!(no_tests.contains("kind: Deployment"));
}

/// A Tera parent with a Go subchart, and a Go parent with a Tera subchart.
fn mixed_tree(root: &Path, parent: &str, child: &str) {
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("p/Chart.yaml", "apiVersion: v2\nname: p\nversion: 0.1.0\n");
    write("p/values.yaml", "name: parent\nglobal:\n  env: prod\nc:\n  name: from-parent\n");
    write("p/templates/cm.yaml", parent);
    write("p/charts/c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
    write("p/charts/c/values.yaml", "name: child\nport: 80\n");
    write("p/charts/c/templates/cm.yaml", child);
}

const GO_CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-{{ .Values.name }}\ndata:\n  env: {{ .Values.global.env | quote }}\n{{- with .Values.port }}\n  port: {{ . | quote }}\n{{- end }}\n";
const TERA_CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Chart.Name }}-{{ Values.name }}\ndata:\n  env: {{ Values.global.env | quote }}\n{%- if Values.port %}\n  port: {{ Values.port | quote }}\n{%- endif %}\n";

#[test]
fn a_tree_may_mix_go_and_tera_charts_either_way() {
    let expected = "---\n# Source: p/charts/c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-from-parent\ndata:\n  env: \"prod\"\n  port: \"80\"\n---\n# Source: p/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-parent\ndata:\n  env: \"prod\"\n";
    for (parent, child) in [(TERA_CM, GO_CM), (GO_CM, TERA_CM)] {
        let dir = tempfile::tempdir().unwrap();
        mixed_tree(dir.path(), parent, child);
        let mut args = vec!["render", "r", "p"];
        args.extend_from_slice(&AS_HELM);
        assert_eq!(ok(dir.path(), &args), expected);
    }
}

#[test]
fn a_go_template_error_names_the_go_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let chart = crate::harness::new_chart(
        dir.path(),
        "c",
        &[
            (
                "_helpers.tpl",
                "{{- define \"c.host\" -}}\n{{- required \"ingress.host is required\" .Values.ingress.host -}}\n{{- end -}}\n",
            ),
            (
                "ing.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  host: {{ include \"c.host\" . }}\n",
            ),
        ],
    );
    std::fs::write(chart.join("values.yaml"), "ingress: {}\n").unwrap();
    insta::assert_snapshot!(fails(dir.path(), &["render", "r", "c"]));
}

#[test]
fn the_ported_charts_originals_render_as_helm_renders_them() {
    // tests/fixtures/ported/<chart>/original is the Helm chart as published; helm/ holds
    // helm's renders of it (re-checked by .ci/ported-charts.sh).
    let mut checked = 0;
    for chart in crate::ported::sorted_dir(&fixture("ported")) {
        let listed = std::fs::read_to_string(chart.join("differences.yaml")).unwrap();
        let differences: Vec<crate::ported::Difference> = serde_yaml::from_str(&listed).unwrap();
        for set in crate::ported::sorted_dir(&chart.join("helm")) {
            let file = set.file_name().unwrap().to_str().unwrap();
            let values =
                ["original/ci", "values"].iter().map(|d| chart.join(d).join(file)).find(|p| p.exists());
            let values = values.unwrap();
            let mut args =
                vec!["render", "pg", "original", "-n", "monitoring", "-f", values.to_str().unwrap()];
            args.extend_from_slice(&AS_HELM);
            let out = run(&chart, &args);
            assert_eq!(out.code, 0, "{} {file}: {}", chart.display(), out.stderr);
            let helm = std::fs::read_to_string(&set).unwrap();
            let (mut helm, mut rudder) =
                (crate::ported::resources(&helm, file), crate::ported::resources(&out.stdout, file));
            let stem = file.trim_end_matches(".yaml");
            // Only helm's random bcrypt salts (the port's list, with the reason).
            for difference in differences.iter().filter(|d| d.sets.iter().any(|s| s == stem)) {
                crate::ported::forget(&mut helm, &difference.resource, &difference.field);
                crate::ported::forget(&mut rudder, &difference.resource, &difference.field);
            }
            assert!(helm == rudder, "{} {file}: the original renders otherwise than helm", chart.display());
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} value sets");
}
