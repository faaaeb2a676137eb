//! `rudder values`: the merged values for every kind of value flag, on the `plain`
//! fixture (defaults: top.list [1,2,3], top.keep 1, top.remove x, replicas 1).

use crate::harness::{fixture, ok, run_with_stdin};

fn values(args: &[&str]) -> String {
    let mut all = vec!["values", "."];
    all.extend_from_slice(args);
    ok(&fixture("plain"), &all)
}

#[test]
fn defaults_alone() {
    assert_eq!(
        values(&[]),
        "top:\n  list:\n  - 1\n  - 2\n  - 3\n  keep: 1\n  remove: x\n  nested:\n    deep: true\nreplicas: 1\n"
    );
}

#[test]
fn set_forms() {
    insta::assert_snapshot!(values(&[
        "--set",
        "replicas=3,top.keep=null,top.list={a,b},new.path[1].name=x",
        "--set-string",
        "str=007,flag=true",
        "--set-json",
        r#"json={"n":1000000,"f":1.5,"l":[true,null]}"#,
        "--set",
        r#"esc\.key=a\,b,big=12345678901234567890"#,
    ]));
}

#[test]
fn set_kinds_apply_in_helms_order_whatever_the_command_line_order() {
    // --set-json < --set < --set-string < --set-file
    let out = values(&["--set-string", "a=str", "--set", "a=2", "--set-json", "a=[1]"]);
    assert!(out.ends_with("a: str\n"), "{out}");
}

#[test]
fn later_files_win_and_set_wins_over_files() {
    let dir = fixture("plain");
    let out = run_with_stdin(
        &dir,
        &["values", ".", "-f", "-", "--set", "replicas=9"],
        "replicas: 5\ntop: {keep: 2}\n",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("  keep: 2\n") && out.stdout.ends_with("replicas: 9\n"), "{}", out.stdout);
}

#[test]
fn null_in_a_values_file_deletes_a_default_and_lists_replace() {
    let dir = fixture("plain");
    let out = run_with_stdin(
        &dir,
        &["values", ".", "-f", "-"],
        "top:\n  remove: null\n  list: [9]\n  nested: {deep: false}\n",
    );
    assert_eq!(out.stdout, "top:\n  list:\n  - 9\n  keep: 1\n  nested:\n    deep: false\nreplicas: 1\n");
}

#[test]
fn set_index_on_a_default_list_replaces_it_as_in_helm() {
    assert!(values(&["--set", "top.list[1]=9"]).contains("  list:\n  - null\n  - 9\n"));
}

#[test]
fn integers_keep_their_precision() {
    let dir = fixture("plain");
    let out = run_with_stdin(
        &dir,
        &["values", ".", "-f", "-"],
        "big: 1000000\nhuge: 12345678901234567890\nf: 1.0\n",
    );
    assert!(out.stdout.contains("big: 1000000\nhuge: 12345678901234567890\nf: 1.0\n"), "{}", out.stdout);
}

#[test]
fn yaml_1_1_scalars_are_quoted_in_output() {
    let dir = fixture("plain");
    let out = run_with_stdin(&dir, &["values", ".", "-f", "-"], "country: 'NO'\nflag: 'on'\nmode: '0777'\n");
    assert!(out.stdout.contains("country: \"NO\"\nflag: \"on\"\nmode: \"0777\"\n"), "{}", out.stdout);
}

#[test]
fn subchart_values_globals_and_aliases() {
    insta::assert_snapshot!(ok(&fixture("app"), &["values", "--env", "extended"]));
}

#[test]
fn set_file_reads_stdin_with_a_dash() {
    let dir = fixture("plain");
    let out = run_with_stdin(&dir, &["values", ".", "--set-file", "cert=-"], "line one\nline two\n");
    assert!(out.stdout.ends_with("cert: |\n  line one\n  line two\n"), "{}", out.stdout);
}

/// The failing values of helm's schema report, as `chart value.path` lines: the leaves of
/// its `- at '/pointer': …` tree, a subchart's paths under the subchart's name.
fn helm_schema_failures(report: &str) -> Vec<String> {
    let lines: Vec<&str> = report.lines().collect();
    let mut chart = String::new();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if let Some(name) = line.strip_suffix(':').filter(|l| !l.starts_with(' ') && !l.starts_with('-')) {
            chart = name.to_string();
            continue;
        }
        let Some(rest) = line.trim_start().strip_prefix("- at '") else { continue };
        let depth = line.len() - line.trim_start().len();
        let next_depth = lines.get(index + 1).map(|l| l.len() - l.trim_start().len());
        if next_depth.is_some_and(|d| d > depth) {
            continue; // "validation failed": its children say what failed
        }
        let pointer = &rest[..rest.find('\'').unwrap()];
        let mut path = if chart == "app" { String::new() } else { chart.clone() };
        for step in pointer.split('/').skip(1) {
            if step.bytes().all(|b| b.is_ascii_digit()) {
                path.push_str(&format!("[{step}]"));
            } else {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(step);
            }
        }
        found.push(format!("{chart} {path}"));
    }
    found.sort();
    found
}

#[test]
fn values_breaking_the_charts_schemas_fail_with_every_violation_helm_finds() {
    let fixtures = fixture("schema");
    let err = crate::harness::fails(&fixtures, &["render", "chart", "-f", "invalid.yaml"]);
    insta::assert_snapshot!(err);
    let mut chart = String::new();
    let mut rudder: Vec<String> = Vec::new();
    for line in err.lines() {
        if let Some(rest) = line.strip_prefix("  - ") {
            rudder.push(format!("{chart} {}", rest.split_once(':').unwrap().0));
        } else if let Some((name, _)) = line.split_once(" (") {
            chart = name.to_string();
        }
    }
    rudder.sort();
    let helm = std::fs::read_to_string(fixtures.join("helm-invalid.txt")).unwrap();
    assert_eq!(rudder, helm_schema_failures(&helm));
}

#[test]
fn schemas_pass_valid_values_and_skip_disabled_subcharts_as_helm_does() {
    let fixtures = fixture("schema");
    ok(&fixtures, &["render", "chart"]);
    ok(&fixtures, &["render", "chart", "-f", "cache-off.yaml"]);
    ok(&fixtures, &["render", "chart", "-f", "invalid.yaml", "--skip-schema-validation"]);
}

#[test]
fn a_schema_violation_is_the_error_even_where_a_template_fails_too() {
    // The schemas are checked while the templates render (render and diff); a violation
    // is still the error reported, as it is where the schema is checked first.
    let dir = crate::harness::scratch_copy("schema");
    std::fs::write(dir.path().join("chart/templates/zz-fails.yaml"), "{{ fail(message=\"boom\") }}\n")
        .unwrap();
    // Enough templates for the render to use threads, beside which the check runs.
    for n in 0..40 {
        let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{n}\n");
        std::fs::write(dir.path().join(format!("chart/templates/c{n}.yaml")), text).unwrap();
    }
    let expected = crate::harness::fails(&fixture("schema"), &["render", "chart", "-f", "invalid.yaml"]);
    for args in [
        &["render", "chart", "-f", "invalid.yaml"][..],
        &["diff", "chart", "-f", "invalid.yaml", "--against", "-"][..],
    ] {
        let err = crate::harness::fails(dir.path(), args);
        assert_eq!(err, expected, "{args:?}");
    }
    let err = crate::harness::fails(dir.path(), &["render", "chart"]);
    assert!(err.contains("boom"), "{err}");
}

#[test]
fn a_schema_error_never_shows_the_value() {
    let fixtures = fixture("schema");
    let err = crate::harness::fails(&fixtures, &["values", "chart", "--set", "password=hunter2"]);
    assert!(err.contains("password: value is shorter than 8 characters"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn numbers_beyond_64_bits_pass_through_as_written_and_arithmetic_refuses_them() {
    let dir = tempfile::tempdir().unwrap();
    let chart = crate::harness::new_chart(dir.path(), "chart", &[]);
    let digits = "123456789012345678901234567890123456789";
    std::fs::write(chart.join("values.yaml"), format!("big: {digits}\nhuge: 1e400\n")).unwrap();
    let template =
        |data: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n{data}");
    let write = |text: String| std::fs::write(chart.join("templates/cm.yaml"), text).unwrap();
    // Passed through: every digit as written, in values and in a render.
    let values = crate::harness::ok(dir.path(), &["values", "chart"]);
    assert_eq!(values, format!("big: {digits}\nhuge: 1e400\n"));
    write(template("  n: \"{{ Values.big }}\"\n  huge: \"{{ Values.huge }}\"\n"));
    let out = crate::harness::ok(dir.path(), &["render", "chart"]);
    assert!(out.contains(&format!("n: \"{digits}\"\n  huge: \"1e400\"")), "{out}");
    // Arithmetic refuses them, at the template's line and column.
    write(template("  n: \"{{ Values.big + 1 }}\"\n"));
    let err = crate::harness::fails(dir.path(), &["render", "chart"]);
    assert!(
        err.starts_with("error: c/templates/cm.yaml:6:10: `+` requires both operands to be numbers"),
        "{err}"
    );
    write(template("  n: \"{{ '99999999999999999999999' | int }}\"\n"));
    let err = crate::harness::fails(dir.path(), &["render", "chart"]);
    assert!(
        err.starts_with("error: c/templates/cm.yaml:6:38: 99999999999999999999999 is beyond the 64-bit integers Helm and Kubernetes use"),
        "{err}"
    );
    write(template("  n: \"{{ Values.huge | float }}\"\n"));
    let err = crate::harness::fails(dir.path(), &["render", "chart"]);
    assert!(err.contains("1e400 is past the largest float"), "{err}");
}
