#!/usr/bin/env bash
# `rudder convert --verify` with the real helm: corpus charts that convert equal to helm
# must verify every value set (exit 0 clean, 3 with places left), helm's random outputs
# reported as such, and a chart
# that converts with differences must fail the verification (exit 1).
set -euo pipefail
cd "$(dirname "$0")/.."
helm=$(.ci/install-helm.sh)
cargo build --release --locked --quiet
rudder=$PWD/target/release/rudder
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
check() { # chart, expected exit
  set +e
  "$rudder" convert "tests/fixtures/helm-charts/$1/chart" "$out/$1" --verify --helm "$helm" > "$out/$1.log" 2>&1
  rc=$?
  set -e
  if [ "$rc" != "$2" ]; then
    echo "$1: convert --verify exits $rc, expected $2"; cat "$out/$1.log"; exit 1
  fi
  echo "$1: exit $rc, $(tail -1 "$out/$1.log")"
}
check alertmanager 0
check external-dns 0
check prometheus-blackbox-exporter 0
check ingress-nginx 0
check kube-state-metrics 0
check vault 1
# helm's random outputs (a generated password, the checksum of its Secret) are told apart:
# bitnami-redis verifies (exit 3: places left where no default set reaches).
check bitnami-redis 3
grep -q "^default values: equal but for helm's random outputs: changed Secret/demo-redis (core): data.redis-password" "$out/bitnami-redis.log" \
  || { echo "bitnami-redis: helm's random password not reported as such"; cat "$out/bitnami-redis.log"; exit 1; }
