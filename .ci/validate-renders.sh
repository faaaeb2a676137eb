#!/usr/bin/env bash
# Renders the journal app for every environment of rudder.yaml and checks the output
# with kubernetes-validate --strict (offline Kubernetes JSON schemas, from PyPI).
# Installs kubernetes-validate into .tools/venv on first use.
# Usage: .ci/validate-renders.sh [KUBE_VERSION]   (default: the validator's newest)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.tools/venv
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'kubernetes-validate>=1.30'
fi
cargo build --quiet --locked --release
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
version_args=()
[ $# -gt 0 ] && version_args=(-k "$1")
status=0
for env in dev cp-dev prod; do
  target/release/rudder render --env "$env" > "$out/$env.yaml"
  if "$venv/bin/kubernetes-validate" --strict --quiet "${version_args[@]}" "$out/$env.yaml"; then
    echo "kubernetes-validate --strict: $env ok ($(grep -c '^kind:' "$out/$env.yaml") resources)"
  else
    echo "kubernetes-validate --strict: $env FAILED" >&2
    status=1
  fi
done
exit $status
