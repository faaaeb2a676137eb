#!/usr/bin/env bash
# Prints the path of a Python with PyYAML (the venv .tools/venv, made on first use), for
# the CI scripts that read YAML.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.tools/venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
"$venv/bin/python" -c 'import yaml' 2>/dev/null \
  || "$venv/bin/pip" install --quiet --disable-pip-version-check pyyaml >&2
echo "$PWD/$venv/bin/python"
