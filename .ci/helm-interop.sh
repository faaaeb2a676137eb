#!/usr/bin/env bash
# Helm interoperability of rudder's archives and index, with the real helm v4 (installed
# by .ci/install-helm.sh): packages the journal charts, then checks that
#   - `helm show chart|values|readme` read every archive (values and readme byte for byte);
#   - tests/fixtures/crds/helm-show-*.txt are what `helm show crds|all` print;
#   - `helm repo add` + `helm search repo` + `helm pull` work against `rudder repo index`
#     served over HTTP, and the pulled archive is the one rudder wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
helm=$(.ci/install-helm.sh)
cargo build --quiet --locked --release
rudder=$PWD/target/release/rudder
work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export HELM_CONFIG_HOME=$work/helm/config HELM_CACHE_HOME=$work/helm/cache HELM_DATA_HOME=$work/helm/data

charts=(journal frontend redis fileserver)
for chart in "${charts[@]}"; do
  "$rudder" package "charts/$chart" -d "$work/repo" >/dev/null
done
for chart in "${charts[@]}"; do
  archive=$work/repo/$chart-0.1.0.tgz
  "$helm" show chart "$archive" | grep -qx "name: $chart" || { echo "helm show chart $chart: wrong name" >&2; exit 1; }
  "$helm" show chart "$archive" | grep -qx "  rudder.dev/templates: tera" \
    || { echo "helm show chart $chart: no rudder.dev/templates annotation" >&2; exit 1; }
  cmp <("$helm" show values "$archive") <(cat "charts/$chart/values.yaml"; echo) \
    || { echo "helm show values $chart differs from values.yaml" >&2; exit 1; }
  cmp <("$helm" show readme "$archive") <(cat "charts/$chart/README.md"; echo) \
    || { echo "helm show readme $chart differs from README.md" >&2; exit 1; }
  echo "helm show chart|values|readme: $chart ok"
done

# The show crds/all fixtures are helm's own output.
for what in crds all; do
  cmp <("$helm" show "$what" tests/fixtures/crds/chart) "tests/fixtures/crds/helm-show-$what.txt" \
    || { echo "helm show $what differs from tests/fixtures/crds/helm-show-$what.txt" >&2; exit 1; }
done
echo "helm show crds|all: fixtures ok"
cmp <("$helm" template r tests/fixtures/crds/app --include-crds) tests/fixtures/crds/helm-template-include-crds.txt \
  || { echo "helm template --include-crds differs from tests/fixtures/crds/helm-template-include-crds.txt" >&2; exit 1; }
echo "helm template --include-crds: fixture ok"

# tests/fixtures/schema/helm-invalid.txt is helm's verdict on invalid.yaml (the templates,
# Tera, are left out: only the values are checked), and helm accepts the other value sets.
mkdir -p "$work/schema"
cp -r tests/fixtures/schema/chart "$work/schema/chart"
find "$work/schema/chart" -type d -name templates -prune -exec rm -rf {} +
! "$helm" template r "$work/schema/chart" -f tests/fixtures/schema/invalid.yaml >/dev/null 2>"$work/schema/err"
# helm lists the failures in Go map order, which varies from run to run: compare sorted.
cmp <(sort "$work/schema/err") <(sort tests/fixtures/schema/helm-invalid.txt) \
  || { echo "helm's schema errors differ from tests/fixtures/schema/helm-invalid.txt" >&2; exit 1; }
"$helm" template r "$work/schema/chart" >/dev/null
"$helm" template r "$work/schema/chart" -f tests/fixtures/schema/cache-off.yaml >/dev/null
echo "values.schema.json: helm's verdicts ok"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$rudder" repo index "$work/repo" --url "http://127.0.0.1:$port" >/dev/null
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/repo" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/index.yaml')" 2>/dev/null && break; sleep 0.1; done
"$helm" repo add rudder-ci "http://127.0.0.1:$port" >/dev/null
found=$("$helm" search repo rudder-ci/ -o json | python3 -c 'import json,sys; print(" ".join(sorted(c["name"] for c in json.load(sys.stdin))))')
[ "$found" = "rudder-ci/fileserver rudder-ci/frontend rudder-ci/journal rudder-ci/redis" ] \
  || { echo "helm search repo found: $found" >&2; exit 1; }
mkdir -p "$work/pulled"
"$helm" pull rudder-ci/journal --version 0.1.0 -d "$work/pulled"
cmp "$work/pulled/journal-0.1.0.tgz" "$work/repo/journal-0.1.0.tgz"
echo "helm repo add/search/pull against rudder repo index: ok"
