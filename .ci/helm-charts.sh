#!/usr/bin/env bash
# The Helm chart corpus (tests/fixtures/helm-charts/<chart>: real public charts, copied
# unchanged into chart/, see each ORIGIN): renders every chart with the real helm v4 for its
# default values, each value set of its own ci/ directory and each set of values/ (added
# here for what ci/ leaves out), then runs the integration test that renders the same with
# rudder, which reads the Go templates as they are, and compares the two as data
# (tests/helm_charts.rs; the differences it finds are the table in docs/porting.md).
# A set helm refuses is kept as <set>.error; rudder must refuse it too.
# Without arguments rudder's render must hold both helm's fresh render and the committed
# helm/ files (charts with random output differ there from run to run, so the two are not
# compared byte for byte); `--update` rewrites helm/.
set -euo pipefail
cd "$(dirname "$0")/.."
helm=$(.ci/install-helm.sh)
update=${1:-}
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
for chart in tests/fixtures/helm-charts/*/; do
  chart=${chart%/}
  name=$(basename "$chart")
  mkdir -p "$fresh/$name"
  sets=(default)
  for set in "$chart"/chart/ci/*.y*ml "$chart"/values/*.yaml; do
    [ -f "$set" ] && sets+=("$set")
  done
  for set in "${sets[@]}"; do
    args=()
    [ "$set" = default ] || args=(-f "$set")
    stem=$(basename "$set"); stem=${stem%.yaml}; stem=${stem%.yml}
    case $set in "$chart"/values/*) stem=values-$stem ;; esac
    if "$helm" template demo "$chart/chart" -n demo-ns "${args[@]}" > "$fresh/$name/$stem.yaml" 2> "$fresh/$name/$stem.err"; then
      rm "$fresh/$name/$stem.err"
    else
      rm "$fresh/$name/$stem.yaml"
      mv "$fresh/$name/$stem.err" "$fresh/$name/$stem.error"
    fi
  done
  if [ "$update" = "--update" ]; then
    rm -rf "$chart/helm" && cp -r "$fresh/$name" "$chart/helm"
  fi
  echo "helm rendered $name for ${#sets[@]} value sets"
done
RUDDER_HELM_CHARTS_DIR=$fresh cargo test --quiet --locked --test integration helm_charts
