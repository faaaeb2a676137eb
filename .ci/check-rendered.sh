#!/usr/bin/env bash
# Fails when the journal app's committed renders (rendered/ENV.yaml, see rudder.yaml) are
# stale: prints what a fresh render would change with `rudder diff --all-envs` and says
# how to refresh them.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --locked --release
status=0
target/release/rudder diff --all-envs --color never || status=$?
if [ "$status" -eq 2 ]; then
  echo "error: the committed renders under rendered/ are stale." >&2
  echo "Refresh them with 'rudder diff --all-envs --update' (or 'rudder render --env ENV --write') and commit rendered/." >&2
  exit 1
fi
exit "$status"
