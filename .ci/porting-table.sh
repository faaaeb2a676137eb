#!/usr/bin/env bash
# Checks the porting table's rows (docs/porting.yaml) against the real helm: see
# .ci/porting-table.py.
set -euo pipefail
cd "$(dirname "$0")/.."
helm=$(.ci/install-helm.sh)
python=$(.ci/python.sh)
"$python" .ci/porting-table.py "$helm" "$@"
