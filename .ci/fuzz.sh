#!/usr/bin/env bash
# Runs every fuzz target (src/fuzz_tests.rs) for SECONDS each (default 60); release mode
# unless `--debug` (what CI runs: it reuses the test build instead of a release build, so
# it tries fewer inputs in its time). RUDDER_FUZZ_SEED picks another sequence of inputs. A
# panic prints the input. `cargo test` runs a short smoke of the same targets.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=--release
[ "${2:-}" = "--debug" ] && profile=
RUDDER_FUZZ_SECONDS=${1:-60} cargo test --locked $profile --lib fuzz_tests -- --nocapture --test-threads=1
