#!/usr/bin/env bash
# Checks that tests/fixtures/apply/helm/*.yaml (and tests/fixtures/go-charts/*/helm.yaml) are what the real helm v4 prints for the
# fixture chart (plain YAML templates, so helm and rudder render the same chart): the
# integration tests compare rudder's renders with them byte for byte. `--update`
# rewrites them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
helm=$(.ci/install-helm.sh)
dir=tests/fixtures/apply
status=0
check() { # NAME FLAGS...
  local name=$1; shift
  local out
  out=$(cd "$dir" && "$helm" template chart "$@" 2>/dev/null)
  if [ "${update:-}" = 1 ]; then
    printf '%s\n' "$out" > "$dir/helm/$name.yaml"; echo "wrote $dir/helm/$name.yaml"
  elif [ "$(cat "$dir/helm/$name.yaml")" != "$out" ]; then
    echo "FAIL $dir/helm/$name.yaml is not what helm template $* prints"; status=1
  else
    echo "ok   helm template $*"
  fi
}
[ "${1:-}" = "--update" ] && update=1 && mkdir -p "$dir/helm"
check template
check no-hooks --no-hooks
check skip-tests --skip-tests
# Go-template charts that pin one Helm behaviour each (tests/fixtures/go-charts/*/helm.yaml).
for chart in tests/fixtures/go-charts/*/; do
  out=$("$helm" template demo "$chart/chart" 2>/dev/null)
  if [ "${update:-}" = 1 ]; then
    printf '%s\n' "$out" > "$chart/helm.yaml"; echo "wrote $chart/helm.yaml"
  elif [ "$(cat "$chart/helm.yaml")" != "$out" ]; then
    echo "FAIL $chart/helm.yaml is not what helm template prints"; status=1
  else
    echo "ok   helm template $chart"
  fi
done
exit $status
