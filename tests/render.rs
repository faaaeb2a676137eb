//! Rendering the `app` fixture: subcharts from charts/ and file://, an alias, a library
//! chart, conditions and tags, globals, null deletion, ordering, .helmignore.

use crate::harness::{fixture, ok};

#[test]
fn renders_the_fixture_tree() {
    insta::assert_snapshot!(ok(&fixture("app"), &["render", "--env", "base"]));
}

#[test]
fn condition_switches_a_subchart_off() {
    let out = ok(&fixture("app"), &["render", "--env", "base", "--set", "optional.enabled=false"]);
    assert!(!out.contains("parent/charts/optional/"), "{out}");
}

#[test]
fn condition_wins_over_tags_and_tags_decide_without_one() {
    // tags.extras is false in the parent's values, but the condition says true.
    let out = ok(&fixture("app"), &["render", "--env", "base"]);
    assert!(out.contains("# Source: parent/charts/optional/templates/configmap.yaml"));
    // Without a boolean at the condition path, the false tag decides.
    let out = ok(&fixture("app"), &["render", "--env", "base", "--set", "optional.enabled=maybe"]);
    assert!(!out.contains("parent/charts/optional/"), "{out}");
    let out =
        ok(&fixture("app"), &["render", "--env", "base", "--set", "optional.enabled=maybe,tags.extras=true"]);
    assert!(out.contains("parent/charts/optional/"));
}

#[test]
fn ignored_and_hidden_templates_are_not_rendered() {
    let out = ok(&fixture("app"), &["render", "--env", "base"]);
    assert!(!out.contains("ignored.bak") && !out.contains(".hidden") && !out.contains("NOTES"));
}

#[test]
fn release_name_and_namespace_flags() {
    let out =
        ok(&fixture("app"), &["render", "rel", "parent", "-n", "other", "-s", "templates/configmap.yaml"]);
    assert!(out.contains("name: rel-parent\n  namespace: other\n"), "{out}");
    let out =
        ok(&fixture("app"), &["render", "parent", "--release", "flagged", "-s", "templates/configmap.yaml"]);
    assert!(out.contains("name: flagged-parent\n  namespace: default\n"), "{out}");
}

#[test]
fn kube_version_and_api_versions_reach_capabilities() {
    let args = [
        "render",
        "--env",
        "base",
        "--kube-version",
        "v1.30.4-gke.1",
        "-a",
        "example.com/v1",
        "-s",
        "templates/configmap.yaml",
    ];
    let out = ok(&fixture("app"), &args);
    assert!(out.contains("kube: v1.30.4-gke.1 1.30\n"), "{out}");
    assert!(out.contains("hasCustom: true\n"), "{out}");
}

#[test]
fn api_versions_answer_group_version_and_group_version_kind_tests() {
    // As helm v4: the defaults are group/versions only; `-a apps/v1/Deployment` adds a
    // Kind form that charts test with `.Capabilities.APIVersions.Has`.
    let (dir, chart) = scratch_chart();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  gv: \"{{ \"apps/v1\" in Capabilities.APIVersions }}\"\n  gvk: \"{{ \"apps/v1/Deployment\" in Capabilities.APIVersions }}\"\n  beta: \"{{ \"policy/v1beta1\" in Capabilities.APIVersions }}\"\n",
    )
    .unwrap();
    let out = crate::harness::ok(dir.path(), &["render", "c"]);
    assert!(out.contains("gv: \"true\"\n  gvk: \"false\"\n  beta: \"false\"\n"), "{out}");
    let out = crate::harness::ok(dir.path(), &["render", "c", "-a", "apps/v1/Deployment,policy/v1beta1"]);
    assert!(out.contains("gv: \"true\"\n  gvk: \"true\"\n  beta: \"true\"\n"), "{out}");
}

#[test]
fn as_secrets_encodes_binary_files_as_helm_does() {
    // helm v4.1.4, `(.Files.Glob "certs/*").AsSecrets` over the same two files, printed
    // `a.txt: dGV4dAo=` and `key.der: AP/+IGJpbmFyeQ==`.
    let (dir, chart) = scratch_chart();
    std::fs::create_dir_all(chart.join("certs")).unwrap();
    std::fs::write(chart.join("certs/key.der"), b"\x00\xff\xfe binary").unwrap();
    std::fs::write(chart.join("certs/a.txt"), "text\n").unwrap();
    std::fs::write(
        chart.join("templates/s.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\ndata:\n  {{- files(glob=\"certs/*\") | as_secrets | nindent(width=2) }}\n",
    )
    .unwrap();
    let out = crate::harness::ok(dir.path(), &["render", "c"]);
    assert!(out.ends_with("data:\n  a.txt: dGV4dAo=\n  key.der: AP/+IGJpbmFyeQ==\n"), "{out}");
    std::fs::write(
        chart.join("templates/s.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  {{- files(glob=\"certs/*\") | as_config | nindent(width=2) }}\n",
    )
    .unwrap();
    let err = crate::harness::fails(dir.path(), &["render", "c"]);
    assert!(err.contains("\"certs/key.der\" is not UTF-8 text; a binary file belongs in a Secret"), "{err}");
}

#[test]
fn show_only_compiles_and_renders_only_the_selected_templates() {
    // a.yaml includes b.yaml (not a partial): compiling a.yaml alone fails, so rudder
    // compiles the whole chart; c.yaml does not compile and is never selected.
    let (dir, chart) = scratch_chart();
    let cm = |name: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n");
    std::fs::write(chart.join("templates/_name.tpl"), "{{ Release.Name }}").unwrap();
    std::fs::write(chart.join("templates/a.yaml"), format!("{}---\n{{% include \"b.yaml\" %}}", cm("a")))
        .unwrap();
    std::fs::write(chart.join("templates/b.yaml"), cm("b-{% include \"_name.tpl\" %}")).unwrap();
    std::fs::write(chart.join("templates/d.yaml"), cm("d-{% include \"_name.tpl\" %}")).unwrap();
    std::fs::write(chart.join("templates/c.yaml"), "{{ broken").unwrap();
    let out = crate::harness::ok(dir.path(), &["render", "r", "c", "-s", "templates/d.yaml"]);
    assert_eq!(
        out,
        "---\n# Source: c/templates/d.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d-r\n"
    );
    let err = crate::harness::fails(dir.path(), &["render", "r", "c", "-s", "templates/a.yaml"]);
    assert!(err.starts_with("error: c/templates/c.yaml:1:"), "the fallback compiles every template: {err}");
    std::fs::remove_file(chart.join("templates/c.yaml")).unwrap();
    let out = crate::harness::ok(dir.path(), &["render", "r", "c", "-s", "templates/a.yaml"]);
    assert!(out.contains("name: a\n") && out.contains("name: b-r\n"), "{out}");
    assert!(
        crate::harness::fails(dir.path(), &["render", "r", "c", "-s", "templates/nope.yaml"])
            .contains("could not find template templates/nope.yaml")
    );
}

#[test]
fn a_big_chart_compiled_in_shares_renders_and_reports_as_one() {
    // 150 templates: compiled as one Tera instance per thread. t000 includes t149 (in
    // another share), so its share falls back to the whole chart.
    let (dir, chart) = scratch_chart();
    let cm = |i: usize| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t{i:03}\n");
    for i in 0..150 {
        let include = if i == 0 { "---\n{% include \"t149.yaml\" %}" } else { "" };
        std::fs::write(chart.join(format!("templates/t{i:03}.yaml")), format!("{}{include}", cm(i))).unwrap();
    }
    let out = crate::harness::run(dir.path(), &["render", "r", "c"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("kind: ConfigMap").count(), 151, "{}", out.stdout);
    // t149's ConfigMap twice, its own and t000's copy.
    assert!(
        out.stderr.starts_with("warning: c/templates/t149.yaml:1: duplicate resource ConfigMap/t149"),
        "{}",
        out.stderr
    );
    std::fs::write(chart.join("templates/t010.yaml"), "{{ broken").unwrap();
    std::fs::write(chart.join("templates/t140.yaml"), "{% if %}").unwrap();
    let err = crate::harness::fails(dir.path(), &["render", "r", "c"]);
    assert!(err.starts_with("error: 2 templates do not compile:"), "{err}");
    assert_eq!(err.matches("c/templates/t010.yaml:1:").count(), 1, "{err}");
    assert_eq!(err.matches("c/templates/t140.yaml:1:").count(), 1, "{err}");
}

#[test]
fn set_file_and_stdin_values_reach_templates() {
    let dir = fixture("plain");
    let out = crate::harness::run_with_stdin(
        &dir,
        &["render", ".", "-f", "-", "--set-file", "top.text=../app/parent/files/greeting.txt"],
        "replicas: 7\n",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("    replicas: 7\n"), "{}", out.stdout);
    assert!(out.stdout.contains("      text: |\n        hello from a chart file\n"), "{}", out.stdout);
}

#[test]
fn tpl_renders_a_value_as_a_template_of_the_chart_one_level_deep() {
    let (dir, chart) = scratch_chart();
    std::fs::write(
        chart.join("values.yaml"),
        "host: \"{{ Release.Name }}.{{ Values.domain }}\"\ndomain: example.com\nnested: \"{{ tpl(template='x') }}\"\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  host: {{ tpl(template=Values.host) }}\n",
    )
    .unwrap();
    let out = crate::harness::ok(dir.path(), &["render", "r1", "c"]);
    assert!(out.ends_with("data:\n  host: r1.example.com\n"), "{out}");
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  n: {{ tpl(template=Values.nested) }}\n",
    )
    .unwrap();
    let err = crate::harness::fails(dir.path(), &["render", "r1", "c"]);
    assert!(err.starts_with("error: c/templates/cm.yaml:6:"), "{err}");
    assert!(
        err.contains(
            "tpl: tpl cannot be called from inside tpl (at 1:4 of the template string, the value at Values.nested)"
        ),
        "{err}"
    );
}

#[test]
fn release_service_can_be_set_and_notes_are_never_compiled() {
    let (dir, chart) = scratch_chart();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app.kubernetes.io/managed-by: {{ Release.Service }}\n",
    )
    .unwrap();
    // Not valid Tera: never compiled, so the render works.
    std::fs::write(chart.join("templates/NOTES.txt"), "{{ .Release.Name }} is installed\n").unwrap();
    let out = crate::harness::ok(dir.path(), &["render", "c"]);
    assert!(out.ends_with("managed-by: rudder\n"), "{out}");
    let out = crate::harness::ok(dir.path(), &["render", "c", "--release-service", "Helm"]);
    assert!(out.ends_with("managed-by: Helm\n"), "{out}");
    std::fs::write(dir.path().join("rudder.yaml"), "chart: c\nreleaseService: Helm\n").unwrap();
    assert!(crate::harness::ok(dir.path(), &["render"]).ends_with("managed-by: Helm\n"));
}

#[test]
fn notes_print_on_stderr_after_the_manifests_with_the_root_charts_context() {
    let (dir, chart) = scratch_chart();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    )
    .unwrap();
    std::fs::write(chart.join("templates/_name.tpl"), "{{ Release.Name }}-{{ Chart.Name }}").unwrap();
    std::fs::write(
        chart.join("templates/NOTES.txt"),
        "Installed {% include \"_name.tpl\" %} in {{ Release.Namespace }}.\n",
    )
    .unwrap();
    // A subchart's notes are not printed (helm install without --render-subchart-notes),
    // so they are never compiled.
    std::fs::create_dir_all(chart.join("charts/sub/templates")).unwrap();
    std::fs::write(chart.join("charts/sub/Chart.yaml"), "apiVersion: v2\nname: sub\nversion: 0.1.0\n")
        .unwrap();
    std::fs::write(chart.join("charts/sub/templates/NOTES.txt"), "{{ .Go }}").unwrap();
    let out = crate::harness::run(dir.path(), &["render", "web", "c", "-n", "shop", "--notes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, crate::harness::ok(dir.path(), &["render", "web", "c", "-n", "shop"]));
    assert_eq!(out.stderr, "NOTES:\nInstalled web-c in shop.\n");
    std::fs::write(chart.join("templates/NOTES.txt"), "line one\n{{ Values.missing.deep }}\n").unwrap();
    let err = crate::harness::fails(dir.path(), &["render", "c", "--notes"]);
    assert!(err.starts_with("error: c/templates/NOTES.txt:2:"), "{err}");
}

#[test]
fn random_values_are_fixed_per_release_template_and_call_site() {
    let (dir, chart) = scratch_chart();
    for name in ["a", "b"] {
        std::fs::write(
            chart.join(format!("templates/{name}.yaml")),
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  one: {{{{ rand_alpha_num(count=12) }}}}\n  two: {{{{ rand_alpha_num(count=12) }}}}\n  id: {{{{ uuidv4() }}}}\n"),
        )
        .unwrap();
    }
    let render = |release: &str| crate::harness::ok(dir.path(), &["render", release, "c"]);
    let first = render("r1");
    let values: Vec<&str> = first
        .lines()
        .filter_map(|l| l.strip_prefix("  one: ").or(l.strip_prefix("  two: ")).or(l.strip_prefix("  id: ")))
        .collect();
    assert_eq!(values.len(), 6, "{first}");
    let mut distinct = values.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 6, "every call site its own value: {first}");
    assert_eq!(render("r1"), first, "the same release renders the same values");
    assert_ne!(render("r2"), first, "another release, other values");
}

/// An empty chart `c` (Chart.yaml, `templates/`) in a new directory.
fn scratch_chart() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
    (dir, chart)
}

/// A chart whose values.yaml is big enough to be parsed while the rest of the chart is
/// read: the walk still decides what the chart holds.
#[test]
fn a_big_values_file_reads_as_a_small_one() {
    use crate::harness::fails;
    let (dir, chart) = scratch_chart();
    let mut values = String::from("# many keys\n");
    for i in 0..4000 {
        values.push_str(&format!("k{i}:\n  text: \"value {i}\"\n  port: 0644\n"));
    }
    assert!(values.len() > 64 * 1024);
    std::fs::write(chart.join("values.yaml"), &values).unwrap();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  keys: \"{{ Values | length }}\"\n{%- if \"k3999\" in Values %}\n  last: {{ Values.k3999.text | quote }}\n  port: {{ Values.k3999.port | quote }}\n{%- endif %}\n",
    )
    .unwrap();
    let out = ok(dir.path(), &["render", "c"]);
    assert!(out.contains("keys: \"4000\"\n  last: \"value 3999\"\n  port: \"420\""), "{out}");
    // Ignored by .helmignore: the chart has no values.
    std::fs::write(chart.join(".helmignore"), "values.yaml\n").unwrap();
    let out = ok(dir.path(), &["render", "c"]);
    assert!(out.contains("keys: \"0\"\n---") || out.ends_with("keys: \"0\"\n"), "{out}");
    std::fs::remove_file(chart.join(".helmignore")).unwrap();
    // Not valid YAML: the error names the file and line.
    values.push_str("broken: [1\n");
    std::fs::write(chart.join("values.yaml"), &values).unwrap();
    let err = fails(dir.path(), &["render", "c"]);
    assert!(err.contains("c/values.yaml:12003:1: "), "{err}");
}
