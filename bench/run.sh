#!/usr/bin/env bash
# The bench harness, one command from a fresh clone: installs helm v4 (.ci/install-helm.sh)
# and a Python with PyYAML (.ci/python.sh), builds rudder in release mode, generates the
# bench charts (bench/gen.py) and runs bench/run.py, which checks that rudder and helm
# render the same resources, then times both, interleaved, and prints a Markdown table.
# Usage: bench/run.sh [--quick]      (--quick: small charts, few runs; a smoke test)
set -euo pipefail
cd "$(dirname "$0")/.."
helm=$(.ci/install-helm.sh)
python=$(.ci/python.sh)
cargo build --quiet --locked --release
echo "machine: $(nproc) cores, $(uname -sr); $("$helm" version --short); rudder $(git rev-parse --short HEAD)"
exec "$python" bench/run.py --helm "$helm" "$@"
