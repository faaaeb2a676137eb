#!/usr/bin/env bash
# Checks the porting table's rows (docs/porting.yaml) against the real helm: see
# .ci/porting-table.py. Installs PyYAML into .tools/venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
helm=$(.ci/install-helm.sh)
venv=.tools/venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import yaml' 2>/dev/null || "$venv/bin/pip" install --quiet --disable-pip-version-check pyyaml
"$venv/bin/python" .ci/porting-table.py "$helm" "$@"
