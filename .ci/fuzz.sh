#!/usr/bin/env bash
# Runs every fuzz target (src/fuzz_tests.rs) for SECONDS each (default 60) in release
# mode; RUDDER_FUZZ_SEED picks another sequence of inputs. A panic prints the input.
# `cargo test` runs a short smoke of the same targets.
set -euo pipefail
cd "$(dirname "$0")/.."
RUDDER_FUZZ_SECONDS=${1:-60} cargo test --locked --release --lib fuzz_tests -- --nocapture --test-threads=1
