#!/usr/bin/env bash
# Real public charts ported to rudder (tests/fixtures/ported/<chart>): renders each
# original with the real helm v4 for every value set of its ci/ directory, then runs the
# integration test that compares the port's renders with those, as data (tests/ported.rs).
# Value sets: the original's own ci/*.yaml, and values/*.yaml added here for what those
# leave out.
# Without arguments helm's fresh output is compared (and must also equal the committed
# helm/ files, apart from the fields differences.yaml lists); `--update` rewrites helm/.
set -euo pipefail
cd "$(dirname "$0")/.."
helm=$(.ci/install-helm.sh)
update=${1:-}
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
for chart in tests/fixtures/ported/*/; do
  chart=${chart%/}
  name=$(basename "$chart")
  mkdir -p "$fresh/$name"
  for set in "$chart"/original/ci/*.yaml "$chart"/values/*.yaml; do
    [ -f "$set" ] || continue
    out="$fresh/$name/$(basename "$set")"
    "$helm" template pg "$chart/original" -n monitoring -f "$set" > "$out"
    [ "$update" = "--update" ] && { mkdir -p "$chart/helm"; cp "$out" "$chart/helm/"; }
  done
  echo "helm rendered $name for $(ls "$fresh/$name" | wc -l) value sets"
done
RUDDER_PORTED_HELM_DIR=$fresh cargo test --quiet --locked --test integration ported
