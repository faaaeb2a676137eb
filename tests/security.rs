//! Hostile and careless input: no Secret text in any error or report, nothing written
//! outside its target, every input bounded.

use crate::harness::{fixture, journal_copy, run, run_with_stdin};
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

#[test]
fn environment_names_are_single_safe_path_segments() {
    let dir = journal_copy();
    let rudder_yaml = dir.path().join("rudder.yaml");
    let text = std::fs::read_to_string(&rudder_yaml).unwrap();
    std::fs::write(&rudder_yaml, text.replace("  prod:\n", "  ../../escape:\n")).unwrap();
    let out = run(dir.path(), &["render", "--all-envs", "--write"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: ./rudder.yaml: environment name \"../../escape\" is not a single safe path segment (letters, digits, '.', '_' and '-', not starting with '.')\n"
            .replace("./rudder.yaml", &rudder_yaml.display().to_string())
    );
    let dir = journal_copy();
    let out = run(dir.path(), &["render", "--env", "../../x", "--write"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with("error: environment name \"../../x\" is not a single safe path segment"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().parent().unwrap().join("x.yaml").exists());
}

#[test]
fn rendered_stays_in_the_project_unless_allowed() {
    let dir = journal_copy();
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    for entry in ["rudder.yaml", "charts", "values"] {
        std::fs::rename(dir.path().join(entry), project.join(entry)).unwrap();
    }
    let rudder_yaml = project.join("rudder.yaml");
    let text = std::fs::read_to_string(&rudder_yaml).unwrap();
    std::fs::write(&rudder_yaml, text.replace("rendered: rendered", "rendered: ../outside")).unwrap();
    let out = run(&project, &["render", "--env", "dev", "--write"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("rendered: ../outside leads outside the project; pass --allow-rendered-outside"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("outside").exists());
    let out = run(&project, &["render", "--env", "dev", "--write", "--allow-rendered-outside"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(dir.path().join("outside/dev.yaml").is_file());
}

#[test]
fn nothing_is_written_through_a_symlinked_directory() {
    let dir = journal_copy();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("rendered")).unwrap();
    let out = run(dir.path(), &["render", "--env", "dev", "--write"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "error: rendered: refusing to write through a symlinked directory\n")
    );
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(out_dir.join("journal")).unwrap();
    std::os::unix::fs::symlink(outside.path(), out_dir.join("journal/charts")).unwrap();
    let out = run(dir.path(), &["render", "--env", "dev", "--output-dir", "out"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.ends_with("out/journal/charts: refusing to write through a symlinked directory\n"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing written outside");
}

#[test]
fn package_refuses_names_its_reader_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let chart = chart_with(dir.path(), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
    std::fs::write(chart.join("a\\..\\..\\b.yaml"), "x: 1\n").unwrap();
    let out = run(dir.path(), &["package", "chart", "-d", "dist"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("a\\..\\..\\b.yaml: cannot be archived: backslashes are not allowed in paths"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("dist/c-0.1.0.tgz").exists());
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn outputs_keep_the_mode_of_what_they_replace_and_honour_the_umask() {
    let dir = journal_copy();
    let rudder = env!("CARGO_BIN_EXE_rudder");
    let sh = |command: &str| {
        let status =
            std::process::Command::new("sh").arg("-c").arg(command).current_dir(dir.path()).status().unwrap();
        assert!(status.success(), "{command}");
    };
    sh(&format!(
        "umask 022 && {rudder} render --env dev --write >/dev/null && {rudder} package charts/redis -d dist >/dev/null && {rudder} repo index dist"
    ));
    assert_eq!(mode(&dir.path().join("rendered/dev.yaml")), 0o644);
    assert_eq!(mode(&dir.path().join("dist/redis-0.1.0.tgz")), 0o644);
    assert_eq!(mode(&dir.path().join("dist/index.yaml")), 0o644);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path().join("rendered/dev.yaml"), std::fs::Permissions::from_mode(0o664))
        .unwrap();
    sh(&format!("umask 077 && {rudder} render --env dev --write >/dev/null"));
    assert_eq!(mode(&dir.path().join("rendered/dev.yaml")), 0o664, "the replaced file's mode is kept");
}

/// Entries of `dir` left by a killed run.
fn leftovers(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".rudder-"))
        .collect()
}

#[test]
fn killed_runs_leave_one_complete_output_and_no_leftovers_after_the_next_run() {
    // A chart of 400 templates, so that writing takes most of a run, and two value
    // sets alternating, so that a mix of two runs in the output would show.
    let dir = tempfile::tempdir().unwrap();
    let chart = chart_with(dir.path(), "");
    for i in 0..400 {
        let template = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  run: {{{{ Values.run }}}}\n  pad: {}\n",
            "x".repeat(2000)
        );
        std::fs::write(chart.join(format!("templates/cm-{i:03}.yaml")), template).unwrap();
    }
    std::fs::write(chart.join("templates/s.yaml"), "").unwrap();
    std::fs::create_dir_all(dir.path().join("values")).unwrap();
    std::fs::write(dir.path().join("values/dev.yaml"), "run: dev\n").unwrap();
    std::fs::write(dir.path().join("values/prod.yaml"), "run: prod\n").unwrap();
    std::fs::write(dir.path().join("rudder.yaml"), "chart: chart\nenvironments:\n  dev: {}\n  prod: {}\n")
        .unwrap();
    let rudder = env!("CARGO_BIN_EXE_rudder");
    let run_to_end = |args: &[&str]| {
        let out = run(dir.path(), args);
        assert_eq!(out.code, 0, "{}", out.stderr);
    };
    let mut expected = Vec::new();
    for env in ["dev", "prod"] {
        let reference = tempfile::tempdir().unwrap();
        run_to_end(&["render", "--env", env, "--output-dir", reference.path().to_str().unwrap()]);
        expected.push(snapshot(reference.path()));
    }
    // Kill points spread over a whole run's duration.
    let started = std::time::Instant::now();
    run_to_end(&["render", "--env", "dev", "--output-dir", "probe"]);
    let span = started.elapsed().as_micros().max(1) as u64;
    let (mut killed_with_leftovers, mut seed) = (0, 0x2545_f491_4f6c_dd1du64);
    for round in 0..24 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = std::time::Duration::from_micros(seed % span);
        let env = ["dev", "prod"][round % 2];
        for args in
            [&["render", "--env", env, "--output-dir", "out"][..], &["package", "chart", "-d", "dist"][..]]
        {
            let mut child = std::process::Command::new(rudder)
                .args(args)
                .current_dir(dir.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(delay);
            let _ = child.kill();
            let _ = child.wait();
        }
        let out = dir.path().join("out");
        if !leftovers(&out).is_empty() || !leftovers(&dir.path().join("dist")).is_empty() {
            killed_with_leftovers += 1;
        }
        if out.join("c").exists() {
            let now = snapshot(&out);
            assert!(expected.contains(&now), "round {round}: the output is not one complete run");
        }
    }
    eprintln!("{killed_with_leftovers} of 24 rounds were killed while writing");
    run_to_end(&["render", "--env", "dev", "--output-dir", "out"]);
    run_to_end(&["package", "chart", "-d", "dist"]);
    assert_eq!(snapshot(&dir.path().join("out")), expected[0]);
    assert_eq!(leftovers(&dir.path().join("out")), Vec::<String>::new());
    assert_eq!(leftovers(&dir.path().join("dist")), Vec::<String>::new());
}

/// Every file under `dir` (leftovers aside), with its bytes, sorted.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with(".rudder-"))
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let chart = chart_with(dir.path(), "");
    for i in 0..3000 {
        let template = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n");
        std::fs::write(chart.join(format!("templates/cm-{i:04}.yaml")), template).unwrap();
    }
    std::fs::write(chart.join("templates/s.yaml"), "").unwrap();
    for args in [&["render", "chart", "--output-dir", "out"][..], &["render", "chart"][..]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rudder"))
            .args(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// A gzipped chart archive `name/Chart.yaml` with `children` as `charts/cN.tgz`.
fn chart_archive(name: &str, children: &[Vec<u8>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut add = |path: String, data: &[u8]| {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, path, data).unwrap();
    };
    add(format!("{name}/Chart.yaml"), format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n").as_bytes());
    for (i, child) in children.iter().enumerate() {
        add(format!("{name}/charts/c{i}.tgz"), child);
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &tar).unwrap();
    gz.finish().unwrap()
}

#[test]
fn nested_archives_share_one_budget_of_charts() {
    // Four copies of the level below, ten levels deep: about a million charts in 3 KB.
    let mut archive = chart_archive("leaf", &[]);
    for level in 0..10 {
        archive = chart_archive(
            &format!("l{level}"),
            &[archive.clone(), archive.clone(), archive.clone(), archive],
        );
    }
    assert!(archive.len() < 4096, "{}", archive.len());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.tgz"), &archive).unwrap();
    let out = run(dir.path(), &["render", "bomb.tgz"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("more than 10000 charts in one archive"), "{}", out.stderr);
}

#[test]
fn chart_text_keeps_its_place_in_reports_and_streams() {
    // A control character in a template's file name is refused at load; a newline in a
    // resource name stays on its header's line in every report.
    let dir = tempfile::tempdir().unwrap();
    let chart =
        chart_with(dir.path(), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"a\\nb\\u001b[2J\"\n");
    std::fs::write(chart.join("templates/evil\u{1b}[31m.yaml"), "").unwrap();
    let out = run(dir.path(), &["render", "chart"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("evil\\u{1b}[31m.yaml: control characters are not allowed in file names"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(chart.join("templates/evil\u{1b}[31m.yaml")).unwrap();
    for format in ["text", "summary", "markdown"] {
        let out = run(dir.path(), &["diff", "chart", "--against", "/dev/null", "-o", format]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(!out.stdout.contains('\x1b'), "{format}: {:?}", out.stdout);
        assert!(out.stdout.contains("a\\u{a}b\\u{1b}[2J"), "{format}: {}", out.stdout);
    }
}

#[test]
fn repeated_keys_are_refused_in_rudder_yaml_and_chart_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let chart = chart_with(dir.path(), "");
    std::fs::write(
        dir.path().join("rudder.yaml"),
        "chart: chart\nenvironments:\n  dev: {}\n  dev: {namespace: x}\n",
    )
    .unwrap();
    let out = run(dir.path(), &["values", "--env", "dev"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.ends_with("rudder.yaml:4:8: environments.dev: duplicate entry with key \"dev\"\n"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(dir.path().join("rudder.yaml")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\nversion: 9.9.9\n")
        .unwrap();
    let out = run(dir.path(), &["values", "chart"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, "error: chart/Chart.yaml:4:10: version: duplicate entry with key \"version\"\n");
}

#[test]
fn yaml_tags_are_refused_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    chart_with(dir.path(), "");
    std::fs::write(dir.path().join("v.yaml"), "a: !!python/object:os.system [ls]\n").unwrap();
    let out = run(dir.path(), &["values", "chart", "-f", "v.yaml"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: v.yaml: the YAML tag !!python/object:os.system (line 1) is not supported (kubectl and Helm drop it); remove it or quote the value\n"
    );
}
