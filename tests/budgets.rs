//! Every budget: hostile input ends with exit code 1 and one clear error naming the input
//! and the limit, never an abort or a hang (docs/security.md lists the limits).

use crate::harness::{fixture, journal_copy, run, run_with};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A chart `c` in `dir/chart` with one template, `templates/s.yaml`.
fn chart_with(dir: &Path, template: &str) -> PathBuf {
    crate::harness::new_chart(dir, "chart", &[("s.yaml", template)])
}

/// Runs `rudder ARGS` in `dir` through `sh -c`, after the shell command `setup` (a
/// `ulimit`, or joining a cgroup); its exit code and standard error.
fn run_after(dir: &Path, setup: &str, args: &[&str]) -> (i32, String) {
    let script = format!("{setup} && exec \"$0\" \"$@\"");
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("sh runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

const DOUBLE_A_STRING: &str = "{% set s = \"xxxxxxxxxxxxxxxx\" %}{% for i in range(end=60) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}\n";
const DOUBLE_A_LIST: &str = "{% set l = [1, 2, 3, 4] %}{% for i in range(end=60) %}{% set_global l = l | concat(with=l) %}{% endfor %}{{ l | length }}\n";
/// The same two in a Helm chart's Go templates, which rudder translates and renders.
const GO_DOUBLE_A_STRING: &str =
    "{{ $s := \"xxxxxxxxxxxxxxxx\" }}{{ range until 60 }}{{ $s = print $s $s }}{{ end }}{{ len $s }}\n";
const GO_DOUBLE_A_LIST: &str =
    "{{ $l := list 1 2 3 4 }}{{ range until 60 }}{{ $l = concat $l $l }}{{ end }}{{ len $l }}\n";

#[test]
fn a_string_or_list_grown_in_a_template_stops_at_the_memory_budget() {
    // Doubling 60 times would need an exabyte; the budget is checked before each
    // allocation, so the run ends with an error naming the template, not an abort.
    for template in [DOUBLE_A_STRING, DOUBLE_A_LIST, GO_DOUBLE_A_STRING, GO_DOUBLE_A_LIST] {
        let dir = tempfile::tempdir().unwrap();
        chart_with(dir.path(), template);
        let out = run(dir.path(), &["render", "chart", "--limit", "memory-bytes=256Mi"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.stderr.starts_with("error: the run would pass its memory budget of 256 MiB ("),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(") while rendering c/templates/s.yaml\n"), "{}", out.stderr);
        assert!(
            out.stderr.ends_with("\nhint: the budget is limit memory-bytes; raise it with --limit memory-bytes=N (or `limits:` in rudder.yaml)\n"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn the_memory_budget_sits_below_the_address_space_limit() {
    // Where the process may use 2 GB of address space, the budget is a quarter of it: the
    // allocator (which would abort) never sees a request past it.
    let dir = tempfile::tempdir().unwrap();
    chart_with(dir.path(), DOUBLE_A_STRING);
    let (code, stderr) = run_after(dir.path(), "ulimit -v 2000000", &["render", "chart"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("error: the run would pass its memory budget of 488.3 MiB ("), "{stderr}");
    assert!(stderr.contains("while rendering c/templates/s.yaml\nhint: the budget is a quarter of the process's address-space limit (`ulimit -v`)"), "{stderr}");
}

#[test]
fn the_memory_budget_sits_below_the_cgroup_memory_limit() {
    // A CI container's cgroup: its OOM killer would end the process (exit 137) unless
    // rudder's budget, three quarters of the limit, comes first.
    let Some(cgroup) = Cgroup::new(300 << 20) else {
        eprintln!("skipped: no cgroup could be made here (needs a writable memory controller)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    chart_with(dir.path(), DOUBLE_A_STRING);
    let (code, stderr) = run_after(dir.path(), &cgroup.join_command(), &["render", "chart"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("error: the run would pass its memory budget of 225 MiB ("), "{stderr}");
    assert!(
        stderr.contains("hint: the budget is three quarters of the memory limit of the process's cgroup"),
        "{stderr}"
    );
}

/// A memory cgroup of this machine's (v2, or v1's memory controller), removed on drop.
struct Cgroup {
    dir: PathBuf,
}

impl Cgroup {
    fn new(limit: u64) -> Option<Cgroup> {
        let name = format!("rudder-test-{}", std::process::id());
        let v2 = Path::new("/sys/fs/cgroup/cgroup.subtree_control");
        let (dir, file) = match std::fs::read_to_string(v2) {
            Ok(controllers) if controllers.split_whitespace().any(|c| c == "memory") => {
                (Path::new("/sys/fs/cgroup").join(name), "memory.max")
            }
            _ => (Path::new("/sys/fs/cgroup/memory").join(name), "memory.limit_in_bytes"),
        };
        std::fs::create_dir(&dir).ok()?;
        let cgroup = Cgroup { dir };
        std::fs::write(cgroup.dir.join(file), limit.to_string()).ok()?;
        Some(cgroup)
    }

    /// The shell command that moves the shell into the cgroup.
    fn join_command(&self) -> String {
        format!("echo $$ > {}/cgroup.procs", self.dir.display())
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[test]
fn memory_bytes_below_what_rudder_needs_is_refused() {
    let dir = journal_copy();
    let out = run(dir.path(), &["render", "--env", "dev", "--limit", "memory-bytes=1"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "error: limit memory-bytes: \"1\" is below 16 MiB, the least rudder needs to start\n")
    );
    let rudder_yaml = dir.path().join("rudder.yaml");
    let text = std::fs::read_to_string(&rudder_yaml).unwrap();
    std::fs::write(&rudder_yaml, format!("{text}limits:\n  memory-bytes: 1\n")).unwrap();
    let out = run(dir.path(), &["render", "--env", "dev"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            format!(
                "error: {}: limit memory-bytes: \"1\" is below 16 MiB, the least rudder needs to start\n",
                rudder_yaml.display()
            )
            .as_str()
        )
    );
}

/// `n` ConfigMaps as a baseline stream.
fn config_maps(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i:06}\ndata:\n  key: value-{i:06}\n")
        })
        .collect()
}

#[test]
fn a_big_baseline_is_read_in_memory_linear_in_its_size() {
    // 50,000 ConfigMaps the render does not have, 4.4 MB: read within four times their
    // size (each is kept as its identity and its place in the stream, not a parsed tree).
    let dir = journal_copy();
    let baseline = config_maps(50_000);
    std::fs::write(dir.path().join("base.yaml"), &baseline).unwrap();
    let budget = format!("memory-bytes={}", 4 * baseline.len());
    let out = run(
        dir.path(),
        &["diff", "--env", "dev", "--against", "base.yaml", "-o", "summary", "--limit", &budget],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.ends_with("dev: 0 changed, 11 added, 50000 removed, 0 unchanged\n"), "{}", out.stdout);
}

#[test]
fn a_baseline_is_refused_at_its_first_bad_document() {
    let dir = journal_copy();
    let baseline = format!("apiVersion: v1\nmetadata:\n  name: a\n{}", config_maps(45_000));
    std::fs::write(dir.path().join("base.yaml"), &baseline).unwrap();
    // Not even the memory of reading the whole stream (about 200 MiB) is spent.
    let out =
        run(dir.path(), &["diff", "--env", "dev", "--against", "base.yaml", "--limit", "memory-bytes=24Mi"]);
    assert_eq!((out.code, out.stderr.as_str()), (1, "error: base.yaml:1:1: the document has no kind\n"));
}

#[test]
fn a_stream_of_bare_markers_is_refused_past_its_document_budget() {
    // 25 million `---` lines, 100 MB: within stream-bytes, and refused after one pass.
    let dir = journal_copy();
    std::fs::write(dir.path().join("base.yaml"), "---\n".repeat(25_000_000)).unwrap();
    let out =
        run(dir.path(), &["diff", "--env", "dev", "--against", "base.yaml", "--limit", "memory-bytes=256Mi"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "error: base.yaml:1000001:1: more than 1000000 YAML documents in one stream (limit stream-documents; raise it with --limit stream-documents=N); refusing it\n"
        )
    );
}
#[test]
fn a_template_has_an_output_budget() {
    let dir = tempfile::tempdir().unwrap();
    chart_with(
        dir.path(),
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}xxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}\n",
    );
    let out = run(dir.path(), &["render", "chart"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "error: c/templates/s.yaml: the render produces more than 64 MiB (limit template-output); refusing it\n"
        )
    );
}

#[test]
fn limits_are_raised_by_flag_or_rudder_yaml_and_the_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    chart_with(dir.path(), "a: {{ Values.big | length }}\n");
    let values = format!("big: &b \"{}\"\nlist: [{}]\n", "x".repeat(1000), vec!["*b"; 200].join(", "));
    std::fs::write(dir.path().join("v.yaml"), &values).unwrap();
    let refused = run(dir.path(), &["values", "chart", "-f", "v.yaml", "--limit", "yaml-bytes=100Ki"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("more than 102400 bytes of text"), "{}", refused.stderr);
    assert_eq!(run(dir.path(), &["values", "chart", "-f", "v.yaml"]).code, 0, "the default budget is larger");
    std::fs::write(dir.path().join("rudder.yaml"), "chart: chart\nlimits:\n  yaml-bytes: 100Ki\n").unwrap();
    let out = run(dir.path(), &["values", "-f", "v.yaml"]);
    assert_eq!(out.code, 1, "rudder.yaml lowers it");
    let out = run(dir.path(), &["values", "-f", "v.yaml", "--limit", "yaml-bytes=1Mi"]);
    assert_eq!(out.code, 0, "the flag wins: {}", out.stderr);
    let out = run(dir.path(), &["values", "-f", "v.yaml", "--limit", "nope=1"]);
    assert!(
        out.stderr.starts_with("error: unknown limit \"nope\"; the limits are file-bytes,"),
        "{}",
        out.stderr
    );
}

#[test]
fn template_work_that_writes_nothing_is_bounded_in_time() {
    let dir = tempfile::tempdir().unwrap();
    chart_with(
        dir.path(),
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n",
    );
    let out = run(dir.path(), &["render", "chart", "--limit", "render-seconds=1"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "error: the run takes more than 1 s (limit render-seconds); rendering c/templates/s.yaml\n")
    );
    std::fs::write(dir.path().join("rudder.yaml"), "chart: chart\nlimits:\n  render-seconds: 1\n").unwrap();
    let out = run(dir.path(), &["render"]);
    assert_eq!(out.code, 1, "rudder.yaml sets it too: {}", out.stderr);
}

#[test]
fn set_flags_cannot_build_unbounded_lists_or_nesting() {
    let chart = fixture("plain");
    let chart = chart.to_str().unwrap();
    // 1,000 keys each padded to 65,536 slots, in one flag and in a thousand: refused before
    // the lists are built (once 3.5 GB, then an abort), within a small memory budget.
    let pairs: Vec<String> = (0..1000).map(|i| format!("k{i}[65535]=1")).collect();
    let one_flag = pairs.join(",");
    let mut many_flags = vec!["values", chart, "--limit", "memory-bytes=256Mi"];
    for pair in &pairs {
        many_flags.extend(["--set", pair.as_str()]);
    }
    for args in [vec!["values", chart, "--limit", "memory-bytes=256Mi", "--set", &one_flag], many_flags] {
        let out = run(&fixture("plain"), &args);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.stderr.ends_with("caused by: the --set flags create more than 1000000 list slots in all (an index such as a[65536] pads a list with nulls; limit set-list-items, raise it with --limit set-list-items=N)\n"),
            "{}",
            out.stderr
        );
        // The flag is quoted in part, not 8 KB of it.
        assert!(out.stderr.lines().next().unwrap().len() < 300, "{}", out.stderr);
    }
    let deep = format!("a{}=1", "[0]".repeat(10_000));
    let out = run(&fixture("plain"), &["values", chart, "--set", &deep]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("nested level is greater than maximum supported nested level of 30"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_fifo_as_a_values_file_is_refused_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let chart = fixture("plain");
    let chart = chart.to_str().unwrap();
    let fifo = dir.path().join("values.fifo");
    let status = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(status.success());
    let fifo = fifo.to_str().unwrap();
    let set_file = format!("k={fifo}");
    for args in [["values", chart, "-f", fifo], ["values", chart, "--set-file", &set_file]] {
        // Nobody ever writes to it: without the check, the run would block forever.
        let out = run(dir.path(), &args);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stderr.contains(&format!("{fifo}: not a regular file (a FIFO)")), "{}", out.stderr);
    }
    // Values piped in are read: standard input, or a descriptor (`-f <(command)`).
    let out = crate::harness::run_with_stdin(dir.path(), &["values", chart, "-f", "-"], "piped: text\n");
    assert!(out.stdout.contains("piped: text"), "{}", out.stderr);
    let out =
        crate::harness::run_with_stdin(dir.path(), &["values", chart, "-f", "/dev/stdin"], "piped: text\n");
    assert!(out.stdout.contains("piped: text"), "{}", out.stderr);
}

/// A chart whose `templates/cm.yaml` includes `_p0.tpl`, and `partial(i)` is the text of
/// `_p{i}.tpl` for `i` in `0..n`.
fn chart_of_partials(dir: &Path, n: usize, partial: impl Fn(usize) -> String) {
    let chart = chart_with(dir, "");
    std::fs::remove_file(chart.join("templates/s.yaml")).unwrap();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: \"{% include \"_p0.tpl\" %}\"\n",
    )
    .unwrap();
    for i in 0..n {
        std::fs::write(chart.join(format!("templates/_p{i}.tpl")), partial(i)).unwrap();
    }
}

#[test]
fn long_and_fanned_out_include_chains_are_refused_before_compiling() {
    // 10,000 distinct partials, each including the next: no cycle, but Tera's own check
    // of the chain took minutes (and rendering it overflowed the stack).
    let dir = tempfile::tempdir().unwrap();
    let n = 10_000;
    chart_of_partials(dir.path(), n, |i| match i + 1 < n {
        true => format!("{{% include \"_p{}.tpl\" %}}", i + 1),
        false => "end".into(),
    });
    let out = run(dir.path(), &["render", "chart"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.starts_with("error: c/templates/_p0.tpl: includes nest more than 100 deep (c/templates/_p0.tpl → c/templates/_p1.tpl → "), "{}", out.stderr);
    assert!(
        out.stderr
            .ends_with("(10000 templates); limit include-depth, raise it with --limit include-depth=N)\n"),
        "{}",
        out.stderr
    );
    // 30 partials each including the next twice: 2^30 includes, no cycle.
    let dir = tempfile::tempdir().unwrap();
    chart_of_partials(dir.path(), 30, |i| match i + 1 < 30 {
        true => format!("{{% include \"_p{0}.tpl\" %}}{{% include \"_p{0}.tpl\" %}}", i + 1),
        false => "e".into(),
    });
    let out = run(dir.path(), &["render", "chart"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("the chart's templates expand more than 1000000 includes in all"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("limit include-calls, raise it with --limit include-calls=N"),
        "{}",
        out.stderr
    );
    // Within the limits, a chain renders.
    let dir = tempfile::tempdir().unwrap();
    chart_of_partials(dir.path(), 100, |i| match i + 1 < 100 {
        true => format!("{{% include \"_p{}.tpl\" %}}", i + 1),
        false => "end".into(),
    });
    let out = run(dir.path(), &["render", "chart"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("x: \"end\""), "{}", out.stdout);
}

#[test]
fn rudder_limits_pins_the_budgets_a_pull_request_could_raise() {
    // A CI job sets RUDDER_LIMITS; rudder.yaml, which the pull request's author writes,
    // may then lower a budget but not raise one.
    let dir = tempfile::tempdir().unwrap();
    chart_with(
        dir.path(),
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n",
    );
    let rudder_yaml = dir.path().join("rudder.yaml");
    std::fs::write(&rudder_yaml, "chart: chart\nlimits:\n  render-seconds: 100000\n").unwrap();
    let out = run_with(dir.path(), &["render"], "", &[("RUDDER_LIMITS", "render-seconds=1")]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "warning: {}: limits.render-seconds: 100000 would raise the budget of 1 that RUDDER_LIMITS pins; keeping it (a project may only lower a pinned budget)\nerror: the run takes more than 1 s (limit render-seconds); rendering c/templates/s.yaml\n",
            rudder_yaml.display()
        )
    );
    // Pinned with nothing named, the defaults hold against rudder.yaml too.
    let values = format!("big: &b \"{}\"\nlist: [{}]\n", "x".repeat(1000), vec!["*b"; 200].join(", "));
    std::fs::write(dir.path().join("v.yaml"), &values).unwrap();
    std::fs::write(&rudder_yaml, "chart: chart\nlimits:\n  yaml-bytes: 1Ki\n").unwrap();
    let lowered = run_with(dir.path(), &["values", "-f", "v.yaml"], "", &[("RUDDER_LIMITS", "")]);
    assert_eq!(lowered.code, 1, "rudder.yaml may lower a budget: {}", lowered.stderr);
    assert!(lowered.stderr.contains("more than 1024 bytes of text"), "{}", lowered.stderr);
    std::fs::write(&rudder_yaml, "chart: chart\nlimits:\n  yaml-nodes: 1000000000\n").unwrap();
    let out = run_with(dir.path(), &["values", "-f", "v.yaml"], "", &[("RUDDER_LIMITS", "")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("limits.yaml-nodes: 1000000000 would raise the budget of 1000000"),
        "{}",
        out.stderr
    );
    // The job's own flag still wins; a malformed variable is an error.
    let out = run_with(
        dir.path(),
        &["render", "--limit", "render-seconds=2"],
        "",
        &[("RUDDER_LIMITS", "render-seconds=1,yaml-depth=50")],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.ends_with(
            "error: the run takes more than 2 s (limit render-seconds); rendering c/templates/s.yaml\n"
        ),
        "{}",
        out.stderr
    );
    let out = run_with(dir.path(), &["values"], "", &[("RUDDER_LIMITS", "render-seconds")]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "error: RUDDER_LIMITS: \"render-seconds\" is not NAME=VALUE\n")
    );
}

#[test]
fn a_value_nested_past_any_stack_ends_with_an_error_not_an_abort() {
    // Tera prints and drops values by recursion, with no limit on their depth.
    let dir = tempfile::tempdir().unwrap();
    chart_with(
        dir.path(),
        "{% set d = {\"a\": 1} %}{% for i in range(end=100000) %}{% set_global d = {\"a\": d} %}{% endfor %}a: {{ d }}\n",
    );
    let out = run(dir.path(), &["render", "chart"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "error: the render nests too deep: a thread's stack overflowed (a value built inside itself in a loop, or templates nested past what a stack holds)\n"
        )
    );
}
