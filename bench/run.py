"""The bench harness (not a test, not part of CI): rudder against the real helm v4, side
by side in one run, interleaved, with the medians of wall time and peak RSS and their
ratios. Before anything is timed, it checks that both tools produce the same resources
(parsed and compared as data). Run it with bench/run.sh; it prints a Markdown table.

Cases: the journal app in each environment (rudder's charts against their Go-template twin
in tests/bench/helm/journal); generated charts of N components and umbrella charts of N
subcharts (bench/gen.py, both dialects); --show-only of one template; diff of two renders
differing in 1% of the components; package against helm package; real Helm charts as they
are (Go templates, which rudder translates to Tera as it renders): the corpus's largest
chart (cert-manager), its umbrella (prometheus, with four subcharts) and an umbrella of
nine corpus charts (tests/fixtures/helm-charts).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUDDER = os.path.join(ROOT, "target", "release", "rudder")


def wall_time(cmd, cwd):
    """Wall seconds of one run of cmd, output discarded."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 2):
        sys.exit("failed: %s\n%s" % (" ".join(cmd), done.stderr.decode(errors="replace")))
    return wall


def peak_rss(cmd, cwd):
    """Peak RSS (KiB) of one run of cmd, read by /usr/bin/time: the kernel counts a child's
    memory before exec as its own, and a child of this Python starts as a copy of it, so
    the figure must come from a small parent."""
    with tempfile.NamedTemporaryFile("r") as out:
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + cmd, cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode not in (0, 2):
            sys.exit("failed: %s\n%s" % (" ".join(cmd), done.stderr.decode(errors="replace")))
        return int(out.read().split()[-1])


def output(cmd, cwd):
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), done.stderr))
    return done.stdout


def resources(text, ignore):
    """The documents of a stream as data, sorted by kind, namespace and name, with the
    fields `ignore` lists (paths of keys) removed."""
    docs = [d for d in yaml.safe_load_all(text) if d is not None]
    for doc in docs:
        for path in ignore:
            node = doc
            for key in path[:-1]:
                node = node.get(key) if isinstance(node, dict) else None
            if isinstance(node, dict):
                node.pop(path[-1], None)
    key = lambda d: (d.get("kind", ""), d.get("metadata", {}).get("namespace", ""), d.get("metadata", {}).get("name", ""))
    return sorted(docs, key=key)


def check_same(name, helm_cmd, rudder_cmd, cwd, ignore=()):
    helm = resources(output(helm_cmd, cwd), ignore)
    rudder = resources(output(rudder_cmd, cwd), ignore)
    if helm != rudder:
        sys.exit("%s: rudder's resources differ from helm's (%d against %d documents)" % (name, len(rudder), len(helm)))
    return len(helm)


def interleaved(commands, runs, cwd):
    """Runs each command `runs` times for its wall time and up to 3 times for its peak RSS,
    alternating between the commands (and which goes first), and returns each one's median
    wall seconds and median peak RSS."""
    walls = {name: [] for name, _ in commands}
    rss = {name: [] for name, _ in commands}
    for run in range(runs):
        order = commands if run % 2 == 0 else list(reversed(commands))
        for name, cmd in order:
            walls[name].append(wall_time(cmd, cwd))
            if run < 3:
                rss[name].append(peak_rss(cmd, cwd))
    return {name: (statistics.median(walls[name]), statistics.median(rss[name])) for name, _ in commands}


def ms(seconds):
    return "%.1f ms" % (seconds * 1000) if seconds < 10 else "%.2f s" % seconds


def mib(kib):
    return "%.0f MiB" % (kib / 1024) if kib >= 10240 else "%.1f MiB" % (kib / 1024)


class Report:
    def __init__(self):
        self.rows = []

    def against_helm(self, case, resources_count, result):
        helm_t, helm_m = result["helm"]
        rudder_t, rudder_m = result["rudder"]
        per = "%.1f µs" % (rudder_t * 1e6 / resources_count) if resources_count else ""
        self.rows.append(
            "| %s | %s | %s, %s | %s, %s | **%.1fx** | %.1fx | %s |"
            % (case, resources_count or "", ms(helm_t), mib(helm_m), ms(rudder_t), mib(rudder_m),
               helm_t / rudder_t, helm_m / rudder_m, per)
        )
        print(self.rows[-1], flush=True)

    def against_render(self, case, result, base):
        t, m = result
        bt, bm = base
        self.rows.append(
            "| %s | | (one render: %s, %s) | %s, %s | %.2fx the time | %.2fx the memory | |"
            % (case, ms(bt), mib(bm), ms(t), mib(m), t / bt, m / bm)
        )
        print(self.rows[-1], flush=True)


CORPUS = os.path.join(ROOT, "tests", "fixtures", "helm-charts")
# The corpus charts of the umbrella: each renders equal to helm with its defaults and
# nothing random (prometheus brings alertmanager and kube-state-metrics as subcharts).
UMBRELLA_OF = ["bitnami-memcached", "cert-manager", "cluster-autoscaler", "ingress-nginx", "metrics-server",
               "prometheus", "prometheus-blackbox-exporter", "traefik", "vault"]


def corpus_umbrella(work):
    """An umbrella chart whose subcharts are the corpus charts of UMBRELLA_OF, as they are."""
    base = os.path.join(work, "corpus-umbrella")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "charts"))
    deps = []
    for name in UMBRELLA_OF:
        chart = os.path.join(CORPUS, name, "chart")
        with open(os.path.join(chart, "Chart.yaml")) as f:
            meta = yaml.safe_load(f)
        shutil.copytree(chart, os.path.join(base, "charts", meta["name"]), symlinks=True)
        deps.append({"name": meta["name"], "version": str(meta["version"])})
    with open(os.path.join(base, "Chart.yaml"), "w") as f:
        yaml.safe_dump({"apiVersion": "v2", "name": "corpus-umbrella", "version": "0.1.0",
                        "dependencies": deps}, f)
    return base


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--helm", required=True)
    parser.add_argument("--quick", action="store_true", help="small N and few runs: a smoke test")
    args = parser.parse_args()
    helm = args.helm
    quick = args.quick
    work = tempfile.mkdtemp(prefix="rudder-bench-")
    singles = [10, 100] if quick else [10, 100, 1000, 5000]
    umbrellas = [10, 100] if quick else [10, 100, 1000, 3000]
    big_single, big_umbrella = singles[-1], umbrellas[-2 if not quick else -1]
    cases = ["single-%d" % n for n in singles] + ["umbrella-%d" % n for n in umbrellas]
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), work] + cases, check=True)

    def runs(n):
        if quick:
            return 3
        return 15 if n <= 100 else 5 if n <= 1000 else 3

    report = Report()
    print("| case | resources | helm (median time, peak RSS) | rudder | faster | less memory | rudder per resource |")
    print("|---|---|---|---|---|---|---|")

    # 1. The journal app, each environment.
    for env in ["dev", "cp-dev", "prod"]:
        values = os.path.join(work, "journal-%s.yaml" % env)
        with open(values, "w") as f:
            f.write(output([RUDDER, "values", "--env", env], ROOT))
        ns = {"dev": "journal-dev", "cp-dev": "journal-cp-dev", "prod": "journal"}[env]
        helm_cmd = [helm, "template", "journal", "tests/bench/helm/journal", "-n", ns, "-f", values]
        rudder_cmd = [RUDDER, "render", "--env", env]
        # The Go twin's checksum/config hashes its own template text; rudder adds the
        # namespace (helm template leaves it to kubectl's context).
        count = check_same(
            "journal " + env, helm_cmd, rudder_cmd + ["--no-inject-namespace"], ROOT,
            ignore=[("spec", "template", "metadata", "annotations", "checksum/config")],
        )
        result = interleaved([("helm", helm_cmd), ("rudder", rudder_cmd)], 5 if quick else 30, ROOT)
        report.against_helm("journal, %s" % env, count, result)

    # 2. Generated charts.
    for case in cases:
        n = int(case.rsplit("-", 1)[1])
        base = os.path.join(work, case)
        helm_cmd = [helm, "template", "r", os.path.join(base, "helm")]
        rudder_cmd = [RUDDER, "render", "r", os.path.join(base, "rudder")]
        count = check_same(case, helm_cmd, rudder_cmd, ROOT)
        result = interleaved([("helm", helm_cmd), ("rudder", rudder_cmd)], runs(n), ROOT)
        report.against_helm(case.replace("-", ", N = ").replace("single", "one chart").replace("umbrella", "umbrella"), count, result)

    # 3. --show-only of one template of the biggest chart.
    base = os.path.join(work, "single-%d" % big_single)
    helm_cmd = [helm, "template", "r", os.path.join(base, "helm"), "-s", "templates/c1.yaml"]
    rudder_cmd = [RUDDER, "render", "r", os.path.join(base, "rudder"), "-s", "templates/c1.yaml"]
    count = check_same("show-only", helm_cmd, rudder_cmd, ROOT)
    full = [RUDDER, "render", "r", os.path.join(base, "rudder")]
    result = interleaved([("helm", helm_cmd), ("rudder", rudder_cmd), ("full", full)], runs(big_single), ROOT)
    report.against_helm("--show-only of 1 of %d templates" % big_single, count, result)
    report.against_render("--show-only against rudder's full render", result["rudder"], result["full"])

    # 4. diff of two renders differing in 1% of the components.
    baseline = os.path.join(work, "baseline.yaml")
    with open(baseline, "w") as f:
        f.write(output(full, ROOT))
    changed = os.path.join(base, "changed.yaml")
    render_changed = full + ["-f", changed]
    diff = [RUDDER, "diff", "r", os.path.join(base, "rudder"), "-f", changed, "--against", baseline, "-o", "summary"]
    result = interleaved([("render", render_changed), ("diff", diff)], runs(big_single), ROOT)
    report.against_render("diff, N = %d, 1%% changed, against one render" % big_single, result["diff"], result["render"])

    # 5. Real Helm charts as they are: rudder translates their Go templates as it renders.
    for name, chart in [
        ("cert-manager (the corpus's largest chart)", os.path.join(CORPUS, "cert-manager", "chart")),
        ("prometheus (an umbrella of 4 charts)", os.path.join(CORPUS, "prometheus", "chart")),
        ("an umbrella of %d corpus charts" % len(UMBRELLA_OF), corpus_umbrella(work)),
    ]:
        helm_cmd = [helm, "template", "demo", chart, "-n", "demo-ns"]
        rudder_cmd = [RUDDER, "render", "demo", chart, "-n", "demo-ns", "--release-service", "Helm",
                      "--no-inject-namespace"]
        count = check_same(name, helm_cmd, rudder_cmd, ROOT)
        result = interleaved([("helm", helm_cmd), ("rudder", rudder_cmd)], 5 if quick else 30, ROOT)
        report.against_helm("Helm chart: %s" % name, count, result)

    # 6. rudder convert of each corpus chart (no helm counterpart: milliseconds per chart).
    print("\n| rudder convert | templates | median time |\n|---|---:|---:|", flush=True)
    for name in sorted(os.listdir(CORPUS)):
        chart = os.path.join(CORPUS, name, "chart")
        if not os.path.isdir(chart):
            continue
        dest = os.path.join(work, "converted", name)
        convert = [RUDDER, "convert", chart, dest, "--force"]
        times = []
        for _ in range(3 if quick else 15):
            start = time.perf_counter()
            done = subprocess.run(convert, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
            if done.returncode not in (0, 3):
                sys.exit("rudder convert %s exited %d" % (name, done.returncode))
        templates = sum(len(files) for _, _, files in os.walk(os.path.join(chart, "templates")))
        print("| %s | %d | %s |" % (name, templates, ms(statistics.median(times))), flush=True)

    # 7. package against helm package.
    out = os.path.join(work, "packages")
    for name, helm_chart, rudder_chart in [
        ("package, journal", "tests/bench/helm/journal", "charts/journal"),
        ("package, umbrella N = %d" % big_umbrella, os.path.join(work, "umbrella-%d" % big_umbrella, "helm"),
         os.path.join(work, "umbrella-%d" % big_umbrella, "rudder")),
    ]:
        helm_cmd = [helm, "package", helm_chart, "-d", out]
        rudder_cmd = [RUDDER, "package", rudder_chart, "-d", out]
        result = interleaved([("helm", helm_cmd), ("rudder", rudder_cmd)], 5 if quick else 10, ROOT)
        report.against_helm(name, 0, result)


if __name__ == "__main__":
    main()
