//! Every error case prints one `error:` line, its causes, and where: file, line and
//! column when known. Each message is a snapshot.

use crate::harness::{fails, fixture, run_with_stdin};

fn error(case: &str, extra: &[&str]) -> String {
    let mut args = vec!["render", case];
    args.extend_from_slice(extra);
    fails(&fixture("errors"), &args)
}

#[test]
fn undefined_variable_names_template_line_and_column() {
    insta::assert_snapshot!(error("missing-var", &[]));
}

#[test]
fn template_syntax_error() {
    insta::assert_snapshot!(error("syntax", &[]));
}

#[test]
fn every_template_that_does_not_compile_is_reported_in_one_run() {
    // a.yaml and b.yaml break Tera's syntax (b includes a, which must not add a second
    // error); the subchart's template names an unknown filter; c.yaml compiles.
    insta::assert_snapshot!(error("many-syntax", &[]));
}

#[test]
fn a_component_without_an_implicit_parameter_says_how_to_pass_it() {
    insta::assert_snapshot!(error("component-implicit", &[]));
}

#[test]
fn invalid_rendered_yaml_names_template_and_line() {
    insta::assert_snapshot!(error("bad-yaml", &[]));
}

#[test]
fn invalid_rendered_yaml_with_debug_prints_the_whole_render() {
    insta::assert_snapshot!(error("bad-yaml", &["--debug"]));
}

#[test]
fn debug_never_prints_the_render_of_a_possible_secret() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
    // The value comes from the values: the template's own text is the chart's, and shown.
    std::fs::write(chart.join("values.yaml"), "password: \"hunter2: x\"\n").unwrap();
    std::fs::write(
        chart.join("templates/s.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: {{ Values.password }}\n",
    )
    .unwrap();
    let err = fails(dir.path(), &["render", "c", "--debug"]);
    assert!(
        err.contains("--debug: the render of c/templates/s.yaml is not shown: it may hold a Secret"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("made by line 6 of the template:\n6 |   password: {{ Values.password }}"), "{err}");
}

#[test]
fn document_without_kind() {
    insta::assert_snapshot!(error("no-kind", &[]));
}

#[test]
fn non_semver_chart_version() {
    insta::assert_snapshot!(error("bad-version", &[]));
}

#[test]
fn unsafe_chart_name() {
    insta::assert_snapshot!(error("bad-name", &[]));
}

#[test]
fn library_chart_cannot_be_rendered() {
    insta::assert_snapshot!(error("library", &[]));
}

#[test]
fn kube_version_constraint() {
    insta::assert_snapshot!(error("kube-version", &[]));
}

#[test]
fn missing_dependency() {
    insta::assert_snapshot!(error("missing-dep", &[]));
}

#[test]
fn dependency_version_mismatch() {
    insta::assert_snapshot!(error("dep-version", &[]));
}

#[test]
fn dependency_cycle() {
    let err = error("dep-cycle-a", &[]);
    assert!(err.contains("dependency cycle:"), "{err}");
}

#[test]
fn subchart_values_must_be_a_map() {
    insta::assert_snapshot!(error("subchart-type", &[]));
}

#[test]
fn fail_function() {
    insta::assert_snapshot!(error("fail-fn", &[]));
}

#[test]
fn invalid_values_yaml_names_the_file_and_line() {
    insta::assert_snapshot!(error("bad-values", &[]));
}

#[test]
fn invalid_values_file_names_the_file_and_line() {
    insta::assert_snapshot!(error("fail-fn", &["-f", "bad-values-file.yaml"]));
}

#[test]
fn missing_values_file() {
    insta::assert_snapshot!(error("fail-fn", &["-f", "nope.yaml"]));
}

#[test]
fn set_errors_quote_the_input() {
    insta::assert_snapshot!(error("fail-fn", &["--set", "a[70000]=1"]));
    insta::assert_snapshot!("set_type_conflict", error("fail-fn", &["--set", "a=1,a.b=2"]));
    insta::assert_snapshot!("set_json_invalid", error("fail-fn", &["--set-json", "a=notjson"]));
    insta::assert_snapshot!("set_file_missing", error("fail-fn", &["--set-file", "a=/nonexistent/file"]));
}

#[test]
fn invalid_release_name() {
    insta::assert_snapshot!(fails(&fixture("errors"), &["render", "Bad_Name", "fail-fn"]));
}

#[test]
fn invalid_kube_version() {
    insta::assert_snapshot!(error("kube-version", &["--kube-version", "v2"]));
}

#[test]
fn show_only_without_a_match() {
    insta::assert_snapshot!(fails(
        &fixture("app"),
        &["render", "--env", "base", "-s", "templates/nope.yaml"]
    ));
}

#[test]
fn no_chart_and_no_project() {
    let dir = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(fails(dir.path(), &["render"]));
}

#[test]
fn not_a_chart_directory() {
    insta::assert_snapshot!(error("does-not-exist", &[]));
}

#[cfg(unix)]
#[test]
fn symlink_leading_out_of_the_chart_is_refused() {
    let (dir, chart) = scratch_chart();
    std::fs::write(dir.path().join("secret.txt"), "outside").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), chart.join("leak.txt")).unwrap();
    let err = fails(dir.path(), &["render", "chart"]);
    assert!(err.contains("chart/leak.txt: symlink leads outside the chart"), "{err}");
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_chart_is_followed() {
    let (dir, chart) = scratch_chart();
    std::os::unix::fs::symlink("configmap.yaml", chart.join("templates/link.yaml")).unwrap();
    let out = crate::harness::run(dir.path(), &["render", "chart"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("# Source: plain/templates/").count(), 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("duplicate resource ConfigMap/plain"),
        "the same ConfigMap twice: {}",
        out.stderr
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_an_error() {
    let (dir, chart) = scratch_chart();
    std::os::unix::fs::symlink(".", chart.join("templates/loop")).unwrap();
    let err = fails(dir.path(), &["render", "chart"]);
    assert!(err.contains("symlink loop"), "{err}");
}

#[test]
fn oversized_file_is_refused() {
    let (dir, chart) = scratch_chart();
    std::fs::write(chart.join("big.bin"), vec![b'x'; 5 * 1024 * 1024 + 1]).unwrap();
    let err = fails(dir.path(), &["render", "chart"]);
    assert!(err.contains("chart/big.bin: file is 5242881 bytes, over the limit of 5242880 bytes"), "{err}");
}

/// A copy of the `plain` fixture at `<tempdir>/chart`, to add hostile files to.
fn scratch_chart() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    let from = fixture("plain");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = chart.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    (dir, chart)
}

/// A small text whose aliases expand to millions of nodes.
fn alias_bomb() -> String {
    let keys: String = (0..1500).map(|i| format!("  k{i}: {i}\n")).collect();
    let refs: String = (0..1500).map(|i| format!("r{i}: *a\n")).collect();
    format!("base: &a\n{keys}{refs}")
}

#[test]
fn alias_bombs_are_refused_in_values_files_and_baselines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.yaml"), alias_bomb()).unwrap();
    let chart = fixture("plain");
    let err = fails(dir.path(), &["values", chart.to_str().unwrap(), "-f", "bomb.yaml"]);
    // Where the budget ran out, as a key path and a position.
    assert!(
        err.starts_with("error: bomb.yaml:167:9: r332.k165: the YAML expands to more than 1000000 nodes through its aliases (`*name` references to `&name` anchors; limit yaml-nodes); refusing it\n"),
        "{err}"
    );
    let baseline = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata:\n  {}",
        alias_bomb().replace('\n', "\n  ")
    );
    std::fs::write(dir.path().join("baseline.yaml"), baseline).unwrap();
    let err = fails(dir.path(), &["diff", chart.to_str().unwrap(), "--against", "baseline.yaml"]);
    assert!(
        err.starts_with("error: baseline.yaml:166:11: not valid YAML: data.r332.k160: the YAML expands to more than 1000000 nodes"),
        "{err}"
    );
}

#[test]
fn chart_text_in_an_error_cannot_drive_the_terminal() {
    let (dir, chart) = scratch_chart();
    let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"{{ Values.nope }}\x1b]0;pwned\x07\x1b[2J\"\n";
    std::fs::write(chart.join("templates/evil.yaml"), template).unwrap();
    let err = fails(dir.path(), &["render", "chart"]);
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    assert!(err.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"), "{err}");
    // Bidirectional controls reorder what a terminal shows; zero-width ones hide text.
    let template = "{{ fail(message=\"deploy to \u{202e}dorp\u{202c} \u{2066}ok\u{2069}\u{200b}\") }}\n";
    std::fs::write(chart.join("templates/evil.yaml"), template).unwrap();
    let err = fails(dir.path(), &["render", "chart"]);
    for raw in ['\u{202e}', '\u{202c}', '\u{2066}', '\u{2069}', '\u{200b}'] {
        assert!(!err.contains(raw), "{err:?}");
    }
    assert!(err.contains("deploy to \\u{202e}dorp\\u{202c} \\u{2066}ok\\u{2069}\\u{200b}"), "{err}");
}

#[test]
fn devices_are_refused_and_endless_streams_read_only_up_to_the_limit() {
    let chart = fixture("plain");
    let chart = chart.to_str().unwrap();
    let err = fails(&fixture("plain"), &["values", chart, "-f", "/dev/zero"]);
    assert_eq!(
        err,
        "error: /dev/zero: not a regular file (a device); rudder reads only regular files here (pass `-` to read standard input)\n"
    );
    let err = fails(&fixture("plain"), &["diff", chart, "--against", "/dev/zero"]);
    assert!(err.starts_with("error: /dev/zero: not a regular file (a device)"), "{err}");
    // An inherited stream is read, up to its limit.
    let args = ["values", chart, "-f", "/dev/stdin", "--limit", "file-bytes=1Ki"];
    let out = run_with_stdin(&fixture("plain"), &args, &"#".repeat(2048));
    assert_eq!(out.stderr, "error: /dev/stdin: more than the limit of 1024 bytes\n");
}

#[test]
fn a_go_template_says_it_is_one_and_points_at_the_porting_guide() {
    let (dir, chart) = scratch_chart();
    std::fs::write(
        chart.join("templates/helm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
    )
    .unwrap();
    // Go and Tera templates in one chart: the chart must say which it is.
    let err = fails(dir.path(), &["render", "chart"]);
    assert!(
        err.contains("cannot tell whether the chart's templates are Go templates (templates/helm.yaml) or Tera (templates/configmap.yaml); say which with `annotations: {rudder.dev/templates: go}` (or `tera`) in Chart.yaml"),
        "{err}"
    );
    // A chart that says it is Tera gets Tera's error, with a hint for the Go template.
    let meta = std::fs::read_to_string(chart.join("Chart.yaml")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), format!("{meta}annotations:\n  rudder.dev/templates: tera\n"))
        .unwrap();
    let err = fails(dir.path(), &["render", "chart"]);
    assert!(err.starts_with("error: plain/templates/helm.yaml:4:12: "), "{err}");
    assert!(
        err.contains(
            "\nhint: this template is written in Helm's Go template syntax; rudder's templates are Tera"
        ),
        "{err}"
    );
    assert!(err.trim_end().ends_with("see docs/porting.md"), "{err}");
}

#[test]
fn newcomers_mistakes_say_where_they_come_from() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    // A Chart.yaml without a version.
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\n").unwrap();
    let err = fails(dir.path(), &["render", "c"]);
    assert_eq!(
        err,
        "error: c/Chart.yaml:1:1: version is required: the chart's SemVer 2 version (MAJOR.MINOR.PATCH, e.g. 0.1.0)\n"
    );
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
    // An archive that is not there is not called a directory.
    assert_eq!(fails(dir.path(), &["render", "c-0.1.0.tgz"]), "error: c-0.1.0.tgz: no such chart archive\n");
    // A chart named by rudder.yaml that does not exist.
    std::fs::write(dir.path().join("rudder.yaml"), "chart: charts/c\nenvironments:\n  dev: {}\n").unwrap();
    assert_eq!(
        fails(dir.path(), &["render", "--env", "dev"]),
        "error: [DIR]/rudder.yaml: `chart:` names charts/c, which does not exist\n"
    );
    // An environment without `values:` whose default file is missing.
    std::fs::write(
        dir.path().join("rudder.yaml"),
        "chart: c\nenvironments:\n  dev: {}\n  qa: {extends: dev, values: []}\n",
    )
    .unwrap();
    for env in ["dev", "qa"] {
        assert_eq!(
            fails(dir.path(), &["render", "--env", env]),
            "error: [DIR]/rudder.yaml: environment \"dev\" has no `values:` list, and its default values file values/dev.yaml does not exist; create it, or list the environment's files under `values:` (`values: []` for none)\n"
        );
    }
}

#[test]
fn helm_spellings_and_open_blocks_get_a_hint() {
    let (dir, chart) = scratch_chart();
    for (template, hint) in [
        (
            "a: {{ Values | toYaml }}\n",
            "hint: Helm's `toYaml` is `x | to_yaml` in rudder's Tera templates; see docs/porting.md\n",
        ),
        (
            "a: {{ include(\"x\") }}\n",
            "hint: Helm's `include` is `{% include \"_name.yaml\" %}` (a tag: partials are files), or a component `{{ <Name arg=... /> }}` in rudder's Tera templates (Tera's functions take named arguments); see docs/porting.md\n",
        ),
        (
            "a: 1\n{% for i in [1] %}\n{% if true %}\nb: 2\n{% endif %}\n",
            "hint: the `{% for %}` opened on line 2 is not closed: add `{% endfor %}`\n",
        ),
    ] {
        std::fs::write(chart.join("templates/t.yaml"), template).unwrap();
        let err = fails(dir.path(), &["render", "chart"]);
        assert!(err.ends_with(hint), "{template}\n{err}");
    }
}

#[test]
fn invalid_rendered_yaml_names_the_template_line_that_made_it() {
    let (dir, chart) = scratch_chart();
    std::fs::write(chart.join("values.yaml"), "port: \"a: b\"\nlabels:\n  x: \"y: z\"\n").unwrap();
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  labels:\n    {%- for k, v in Values.labels %}\n    {{ k }}: {{ v }}\n    {%- endfor %}\nspec:\n  ports:\n    - name: http\n      port: {{ Values.port }}\n";
    std::fs::write(chart.join("templates/service.yaml"), service).unwrap();
    let err = fails(dir.path(), &["render", "chart"]);
    assert_eq!(
        err,
        "error: plain/templates/service.yaml:6:9: not valid YAML: mapping values are not allowed in this context\n4 |   name: svc\n5 |   labels:\n6 |     x: y: z\n  |         ^\n7 | spec:\nmade by line 7 of the template:\n7 |     {{ k }}: {{ v }}\n(--debug prints the whole render of plain/templates/service.yaml)\n"
    );
    // A Secret: its render is not shown, its template's line is (the chart's source).
    let secret = service.replace("{{ v }}", "{{ v | quote }}").replace("kind: Service", "kind: Secret");
    std::fs::write(chart.join("templates/service.yaml"), secret).unwrap();
    let err = fails(dir.path(), &["render", "chart"]);
    assert_eq!(
        err,
        "error: plain/templates/service.yaml:10:14: not valid YAML: mapping values are not allowed in this context\nmade by line 12 of the template:\n12 |       port: {{ Values.port }}\n(--debug prints the whole render of plain/templates/service.yaml)\n"
    );
}
