"""Interleaved medians of `helm template` and rudder builds on Helm charts of the corpus.

    python3 bench/compare.py helm,target/release/rudder,OTHER/rudder cert-manager,prometheus 15

Each run renders the chart with every command in turn (so that the machine's drift falls on
all of them alike) and prints each command's median in ms. A chart is a corpus name
(tests/fixtures/helm-charts/NAME/chart) or a path; `helm` is .tools/bin/helm (bench/run.sh
installs it). rudder renders as the bench does: `--release-service Helm --no-inject-namespace`.
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELM = os.path.join(ROOT, ".tools", "bin", "helm")


def command(binary, chart):
    if binary == "helm":
        return [HELM, "template", "demo", chart, "-n", "demo-ns"]
    return [binary, "render", "demo", chart, "-n", "demo-ns", "--release-service", "Helm",
            "--no-inject-namespace"]


def main():
    binaries = sys.argv[1].split(",")
    charts = sys.argv[2].split(",")
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    for chart in charts:
        path = chart if os.sep in chart else os.path.join(ROOT, "tests", "fixtures", "helm-charts", chart, "chart")
        commands = [command(b, path) for b in binaries]
        times = [[] for _ in commands]
        for _ in range(runs):
            for cmd, acc in zip(commands, times):
                start = time.perf_counter()
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                acc.append(time.perf_counter() - start)
        medians = ["%s %.1f ms" % (b, statistics.median(t) * 1000) for b, t in zip(binaries, times)]
        print("%-16s %s" % (os.path.basename(chart.rstrip("/")), "  ".join(medians)))


if __name__ == "__main__":
    main()
