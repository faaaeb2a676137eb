#!/usr/bin/env bash
# Checks that the expected values of every case under tests/fixtures/helm-values are
# helm's own: for each case, copies its chart, adds a template printing `toJson .Values`,
# runs the real helm v4 (`helm template`, with the case's `args`) and compares the result
# with the committed `helm.json`, which the integration tests compare rudder's merged
# values with. `--update` rewrites the helm.json files instead. Then compares rudder's
# values with helm's on 100 generated charts (.ci/helm-values-fuzz.py, fixed seed).
set -euo pipefail
cd "$(dirname "$0")/.."
helm=$(.ci/install-helm.sh)
update=${1:-}
status=0
for case in tests/fixtures/helm-values/*/; do
  case=${case%/}
  name=$(basename "$case")
  work=$(mktemp -d)
  cp -r "$case/chart" "$work/chart"
  mkdir -p "$work/chart/templates"
  printf '{{ toJson .Values }}\n' > "$work/chart/templates/zz-values.yaml"
  args=()
  if [ -f "$case/args" ]; then mapfile -t args < "$case/args"; fi
  if ! out=$(cd "$case" && "$helm" template release "$work/chart" "${args[@]}" 2>"$work/stderr"); then
    echo "FAIL $name: helm template failed:"; cat "$work/stderr"; status=1; rm -rf "$work"; continue
  fi
  json=$(printf '%s\n' "$out" | grep -v '^---$' | grep -v '^# Source:' | tail -n 1)
  if [ "$update" = "--update" ]; then
    printf '%s\n' "$json" > "$case/helm.json"
    echo "wrote $case/helm.json"
  elif [ "$(cat "$case/helm.json")" != "$json" ]; then
    echo "FAIL $name: $case/helm.json is not what helm prints:"
    echo "  committed: $(cat "$case/helm.json")"
    echo "  helm:      $json"
    status=1
  else
    echo "ok   $name"
  fi
  rm -rf "$work"
done
[ "$update" = "--update" ] && exit $status
cargo build --quiet --locked --release
"$(.ci/python.sh)" .ci/helm-values-fuzz.py "$helm" target/release/rudder 1 100 || status=1
exit $status
