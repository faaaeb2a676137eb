//! Hostile and careless input: no Secret text in any error or report, nothing written
//! outside its target, every input bounded.

use crate::harness::{fixture, run, run_with_stdin};
use std::path::Path;

const SECRET: &str = "hunter2";

/// Every spelling of a Secret whose document is not valid YAML; the offending line holds
/// the secret value.
fn broken_secrets() -> Vec<String> {
    let kinds = [
        "kind: Secret",
        "kind: \"Secret\"",
        "kind: 'Secret'",
        "kind: Secret # comment",
        "kind: !!str Secret",
        "kind: &k Secret",
        "kind: |-\n  Secret",
        "kind: \"Sec\\x72et\"",
    ];
    let mut documents: Vec<String> = kinds
        .iter()
        .map(|kind| {
            format!("apiVersion: v1\n{kind}\nmetadata:\n  name: s\nstringData:\n  password: {SECRET}: [\n")
        })
        .collect();
    documents.push(format!("{{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {{\"name\": \"s\"}}, \"data\": {{\"p\": \"{SECRET}\" \"q\"}}}}\n"));
    documents
        .push(format!("{{apiVersion: v1, kind: Secret, metadata: {{name: s}}, data: {{p: {SECRET}: x}}}}\n"));
    documents
}

fn chart_with(dir: &Path, template: &str) -> std::path::PathBuf {
    let chart = dir.join("chart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
    std::fs::write(chart.join("values.yaml"), format!("password: {SECRET}\n")).unwrap();
    std::fs::write(chart.join("templates/s.yaml"), template).unwrap();
    chart
}

#[test]
fn an_invalid_secret_is_never_quoted_by_render() {
    for document in broken_secrets() {
        let dir = tempfile::tempdir().unwrap();
        // The value comes from the values, so the template's own text holds no secret.
        let template = document.replace(SECRET, "{{ Values.password }}");
        chart_with(dir.path(), &template);
        let out = run(dir.path(), &["render", "chart"]);
        assert_eq!(out.code, 1, "{document}");
        assert!(!out.stderr.contains(SECRET), "{document}\n{}", out.stderr);
        assert!(out.stderr.starts_with("error: c/templates/s.yaml:"), "{}", out.stderr);
    }
}

#[test]
fn an_invalid_secret_is_never_quoted_by_diff() {
    let dir = tempfile::tempdir().unwrap();
    chart_with(dir.path(), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
    for document in broken_secrets() {
        std::fs::write(dir.path().join("base.yaml"), &document).unwrap();
        let out = run(dir.path(), &["diff", "chart", "--against", "base.yaml"]);
        assert_eq!(out.code, 1, "{document}");
        assert!(!out.stderr.contains(SECRET), "{document}\n{}", out.stderr);
        let out = run_with_stdin(dir.path(), &["diff", "chart", "--against", "-"], &document);
        assert!(!out.stderr.contains(SECRET), "{document}\n{}", out.stderr);
    }
}

#[test]
fn a_template_error_in_a_secret_does_not_quote_the_value() {
    let dir = tempfile::tempdir().unwrap();
    chart_with(
        dir.path(),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  n: {{ Values.password | int }}\n",
    );
    let out = run(dir.path(), &["render", "chart"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: c/templates/s.yaml:6:27: The string `<hidden: 7 bytes>` cannot be converted to an int in base 10\n  (the source is not shown: the template may render a Secret)\n"
    );
}

#[test]
fn secret_data_in_any_shape_is_masked_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    chart_with(
        dir.path(),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata: {{ Values.password }}\nstringData:\n- {{ Values.password }}\n",
    );
    let baseline = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{{\"data\":\"{SECRET}\"}}'\ndata: other-{SECRET}\nstringData: [{SECRET}-old, 1234567890123456789012345678901234567890]\n"
    );
    std::fs::write(dir.path().join("base.yaml"), baseline).unwrap();
    for format in ["text", "summary", "json", "markdown"] {
        let out =
            run(dir.path(), &["diff", "chart", "--against", "base.yaml", "-o", format, "--color", "always"]);
        assert_eq!(out.code, 2, "{format}: {}", out.stderr);
        assert!(!out.stdout.contains(SECRET) && !out.stderr.contains(SECRET), "{format}:\n{}", out.stdout);
        assert!(!out.stdout.contains("1234567890123"), "{format}:\n{}", out.stdout);
    }
    let shown = run(dir.path(), &["diff", "chart", "--against", "base.yaml", "--show-secrets"]);
    assert!(shown.stdout.contains(SECRET), "--show-secrets shows them:\n{}", shown.stdout);
    let _ = fixture;
}
