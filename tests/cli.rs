//! The command line itself: help texts and `show`.

use crate::harness::{fixture, ok, repo, run};

#[test]
fn every_command_has_help_with_an_example() {
    for command in
        [&["render"][..], &["diff"], &["values"], &["show"], &["show", "chart"], &["show", "values"]]
    {
        let mut args = command.to_vec();
        args.push("--help");
        let out = ok(&repo(), &args);
        assert!(out.contains("Example"), "{command:?} --help:\n{out}");
    }
}

#[test]
fn render_help_lists_helms_flags() {
    let out = ok(&repo(), &["render", "--help"]);
    for flag in [
        "--values",
        "--set ",
        "--set-string",
        "--set-json",
        "--set-file",
        "--namespace",
        "--release",
        "--show-only",
        "--output-dir",
        "--kube-version",
        "--api-versions",
        "--env",
    ] {
        assert!(out.contains(flag), "missing {flag}");
    }
}

#[test]
fn show_chart_and_values_print_the_files() {
    let chart = fixture("plain");
    assert_eq!(
        ok(&repo(), &["show", "chart", chart.to_str().unwrap()]),
        std::fs::read_to_string(chart.join("Chart.yaml")).unwrap()
    );
    assert_eq!(
        ok(&repo(), &["show", "values", chart.to_str().unwrap()]),
        std::fs::read_to_string(chart.join("values.yaml")).unwrap()
    );
}

#[test]
fn three_positionals_are_refused() {
    // Usage errors exit 1 like every other error: 2 is `rudder diff`'s "changes found".
    let out = run(&repo(), &["render", "a", "b", "c"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("error: unexpected value 'c'"), "{}", out.stderr);
}

#[test]
fn help_and_version_exit_0() {
    assert_eq!(run(&repo(), &["--version"]).code, 0);
    assert_eq!(run(&repo(), &["diff", "--help"]).code, 0);
}

#[test]
fn show_defaults_to_the_projects_chart() {
    let repo = crate::harness::repo();
    let values = crate::harness::ok(&repo, &["show", "values"]);
    assert_eq!(values, std::fs::read_to_string(repo.join("charts/journal/values.yaml")).unwrap());
    let chart = crate::harness::ok(&repo, &["show", "chart"]);
    assert_eq!(chart, std::fs::read_to_string(repo.join("charts/journal/Chart.yaml")).unwrap());
}

#[test]
fn diff_takes_render_positionals() {
    // The release name changes the render (labels), so `diff NAME CHART` against the
    // render with that name is no change, and against another name is one.
    let repo = crate::harness::repo();
    let render = crate::harness::ok(&repo, &["render", "other", "charts/journal", "-f", "values/dev.yaml"]);
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("base.yaml");
    std::fs::write(&baseline, render).unwrap();
    let base = baseline.to_str().unwrap();
    let same = crate::harness::run(
        &repo,
        &["diff", "other", "charts/journal", "-f", "values/dev.yaml", "--against", base, "-o", "summary"],
    );
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
    let changed = crate::harness::run(
        &repo,
        &["diff", "journal", "charts/journal", "-f", "values/dev.yaml", "--against", base, "-o", "summary"],
    );
    assert_eq!(changed.code, 2, "{}{}", changed.stdout, changed.stderr);
}

#[test]
fn show_readme_prints_what_helm_show_readme_prints() {
    // .ci/helm-interop.sh checks that helm prints README.md and a line break.
    let repo = crate::harness::repo();
    for chart in ["journal", "redis"] {
        let out = crate::harness::ok(&repo, &["show", "readme", &format!("charts/{chart}")]);
        let readme = std::fs::read_to_string(repo.join(format!("charts/{chart}/README.md"))).unwrap();
        assert_eq!(out, format!("{readme}\n"), "{chart}");
    }
    let err = crate::harness::fails(&crate::harness::fixture("plain"), &["show", "readme", "."]);
    assert_eq!(err, "error: .: the chart has no README\n");
}

/// The documents of a YAML stream as data, in order, empty ones left out.
fn stream_data(text: &str) -> Vec<serde_yaml::Value> {
    use serde::Deserialize;
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| serde_yaml::Value::deserialize(doc).unwrap())
        .filter(|value| !value.is_null())
        .collect()
}

#[test]
fn include_crds_puts_the_enabled_charts_crds_first_as_helm_template_does() {
    // helm-template-include-crds.txt is `helm template r app --include-crds` (helm v4,
    // re-checked by .ci/helm-interop.sh): crds/ of the chart, then of enabled subcharts
    // (the disabled `cog`'s left out), then the templates in install order.
    let fixtures = crate::harness::fixture("crds");
    let helm = std::fs::read_to_string(fixtures.join("helm-template-include-crds.txt")).unwrap();
    let out = crate::harness::ok(&fixtures, &["render", "r", "app", "--include-crds"]);
    assert_eq!(stream_data(&out), stream_data(&helm));
    assert!(out.contains("# Widgets: kept as written."), "{out}");
    let without = crate::harness::ok(&fixtures, &["render", "r", "app"]);
    assert!(!without.contains("CustomResourceDefinition"), "{without}");
    let skipped = crate::harness::ok(&fixtures, &["render", "r", "app", "--include-crds", "--skip-crds"]);
    assert_eq!(skipped, without);
}

#[test]
fn show_crds_and_show_all_print_what_helm_prints() {
    // The expected files are helm's own output (.ci/helm-interop.sh checks they still are):
    // crds/ files of the chart then its subchart, `.yaml`/`.yml`/`.json` in any case,
    // a `---` line before each that lacks one.
    let fixtures = crate::harness::fixture("crds");
    for what in ["crds", "all"] {
        let out = crate::harness::ok(&fixtures, &["show", what, "chart"]);
        let helm = std::fs::read_to_string(fixtures.join(format!("helm-show-{what}.txt"))).unwrap();
        assert_eq!(out, helm, "show {what}");
    }
}

#[test]
fn show_help_names_every_part_it_shows() {
    let help = crate::harness::ok(&crate::harness::repo(), &["show", "--help"]);
    let about = help.lines().next().unwrap();
    for part in ["Chart.yaml", "values", "README", "CRDs", "all"] {
        assert!(about.contains(part), "{about}");
    }
    for example in ["show readme", "show crds", "show all"] {
        assert!(help.contains(example), "{help}");
    }
}
