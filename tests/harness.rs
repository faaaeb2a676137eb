//! Runs the built binary in a directory and captures what it prints.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root (where `rudder.yaml` of the journal app lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture directory under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// What one run of the binary printed.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `rudder ARGS` in `dir` with `stdin` as standard input.
pub fn run_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    run_with(dir, args, stdin, &[])
}

/// Runs `rudder ARGS` in `dir` with `stdin` as standard input and the environment
/// variables `env` set (the environment is otherwise the test's, without `NO_COLOR` and
/// `RUDDER_LIMITS`).
pub fn run_with(dir: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("RUDDER_LIMITS")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the rudder binary runs");
    child.stdin.take().expect("piped").write_all(stdin.as_bytes()).expect("stdin accepted");
    let output = child.wait_with_output().expect("rudder finishes");
    Output {
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        code: output.status.code().unwrap_or(-1),
    }
}

/// Runs `rudder ARGS` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_with_stdin(dir, args, "")
}

/// Runs and expects success; returns stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert_eq!(out.code, 0, "rudder {args:?} failed:\n{}", out.stderr);
    assert_eq!(out.stderr, "", "rudder {args:?} wrote to stderr");
    out.stdout
}

/// Runs and expects failure with exit code 1 and nothing on stdout; returns stderr with
/// `dir` replaced by `[DIR]`.
pub fn fails(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert_eq!(out.code, 1, "rudder {args:?} should fail, printed:\n{}", out.stdout);
    assert_eq!(out.stdout, "", "a failed rudder {args:?} printed to stdout");
    out.stderr.replace(&dir.display().to_string(), "[DIR]")
}

/// Runs `rudder diff ...` and expects exit code 2 (changes found) and nothing on stderr;
/// returns stdout.
pub fn changes(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert_eq!(out.code, 2, "rudder {args:?} should find changes:\n{}{}", out.stdout, out.stderr);
    assert_eq!(out.stderr, "", "rudder {args:?} wrote to stderr");
    out.stdout
}

/// A copy of the journal project (rudder.yaml, charts, values) in a fresh directory.
pub fn journal_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for entry in ["rudder.yaml", "charts", "values"] {
        let status = Command::new("cp")
            .args(["-r", repo().join(entry).to_str().unwrap(), dir.path().to_str().unwrap()])
            .status()
            .expect("cp runs");
        assert!(status.success());
    }
    dir
}

/// Copies a fixture directory into a fresh temporary directory (for tests that write).
pub fn scratch_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let source = fixture(name);
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.expect("fixture readable");
        let target = dir.path().join(entry.path().strip_prefix(&source).expect("under the fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("directory created");
        } else {
            std::fs::copy(entry.path(), &target).expect("file copied");
        }
    }
    dir
}

/// A new chart named `c` in `dir/<folder>` (Chart.yaml, an empty `templates/`) with the
/// `templates` given (name under `templates/`, text); returns its directory.
pub fn new_chart(dir: &Path, folder: &str, templates: &[(&str, &str)]) -> PathBuf {
    let chart = dir.join(folder);
    std::fs::create_dir_all(chart.join("templates")).expect("a chart directory");
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n")
        .expect("Chart.yaml");
    for (name, text) in templates {
        std::fs::write(chart.join("templates").join(name), text).expect("a template");
    }
    chart
}
