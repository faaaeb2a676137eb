#!/usr/bin/env bash
# Crash safety, proved by killing: runs each writing command and kills it with SIGKILL at a
# random point of its run, COUNT times per command (default 10, as CI runs it; a long run
# is `.ci/crash-loops.sh 250`), and checks after every kill that the target is the complete
# old output or the complete new one, never a mix, and that the next run leaves no
# temporary entry behind. Commands: `render --write`, `render --output-dir`, `package`,
# `repo index`, and two `render --write` of different values to one file at once (one of
# them killed at random, or both finishing). Prints, per command, how many kills landed
# before the new output was in place, and how many left a temporary entry until the next
# run (a staging directory of --output-dir, or a file killed between being named and
# renamed).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10}
cargo build --locked --quiet
rudder=$PWD/target/debug/rudder
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# A chart of 400 templates, each naming a value that differs between a.yaml and b.yaml, so
# a mix of two runs would show.
mkdir -p chart/templates
printf 'apiVersion: v2\nname: crash\nversion: 0.1.0\n' > chart/Chart.yaml
for i in $(seq -w 1 400); do
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%s\ndata:\n  run: "{{ Values.run }}"\n  text: "%s"\n' "$i" "$(head -c 600 /dev/zero | tr '\0' x)" \
    > "chart/templates/cm-$i.yaml"
done
printf 'run: a\n' > a.yaml
printf 'run: b\n' > b.yaml
printf 'chart: chart\nrelease: crash\nenvironments:\n  x:\n    values: []\n' > rudder.yaml

millis() { date +%s%3N; }
# A random pause within a run that takes $1 milliseconds.
pause() { local ms=$(( (RANDOM * 32768 + RANDOM) % ($1 + 1) )); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }
leftovers() { find "$1" \( -name '.rudder-tmp-*' -o -name '.rudder-staging-*' \) | wc -l; }
fail() { echo "FAIL $*"; exit 1; }

# Runs "$@" and kills it at a random point of a run of $duration ms; returns whether it was
# killed before it ended.
kill_at_random() {
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "$(pause "$duration")"
  local killed=0
  kill -9 "$pid" 2>/dev/null && killed=1
  wait "$pid" 2>/dev/null || true
  echo "$killed"
}

# loop NAME TARGET CHECK RUN-A RUN-B: kills alternating runs, checks TARGET after each with
# CHECK, then a full run, then no leftovers.
report() { echo "$1: $count kills, $2 before the end of the run, $3 left a temporary entry until the next run; target always complete"; }

# --- render --write
$rudder render --env x -f a.yaml > expected-a.yaml
$rudder render --env x -f b.yaml > expected-b.yaml
start=$(millis); $rudder render --env x -f a.yaml --write >/dev/null; duration=$(( $(millis) - start ))
killed=0; left=0
for n in $(seq 1 "$count"); do
  values=$([ $((n % 2)) = 0 ] && echo a.yaml || echo b.yaml)
  killed=$((killed + $(kill_at_random $rudder render --env x -f "$values" --write)))
  cmp -s rendered/x.yaml expected-a.yaml || cmp -s rendered/x.yaml expected-b.yaml \
    || fail "render --write: rendered/x.yaml is neither complete render after kill $n"
  [ "$(leftovers rendered)" = 0 ] || left=$((left + 1))
  $rudder render --env x -f a.yaml --write >/dev/null
  [ "$(leftovers rendered)" = 0 ] || fail "render --write: a temporary entry outlived the next run"
done
report "render --write" "$killed" "$left"

# --- render --output-dir
$rudder render chart -f a.yaml --output-dir tree-a >/dev/null
$rudder render chart -f b.yaml --output-dir tree-b >/dev/null
start=$(millis); $rudder render chart -f a.yaml --output-dir out >/dev/null; duration=$(( $(millis) - start ))
killed=0; left=0
for n in $(seq 1 "$count"); do
  values=$([ $((n % 2)) = 0 ] && echo a.yaml || echo b.yaml)
  killed=$((killed + $(kill_at_random $rudder render chart -f "$values" --output-dir out)))
  diff -rq --exclude='.rudder-*' out/crash tree-a/crash >/dev/null || diff -rq --exclude='.rudder-*' out/crash tree-b/crash >/dev/null \
    || fail "render --output-dir: out/ is neither complete render after kill $n"
  [ "$(leftovers out)" = 0 ] || left=$((left + 1))
  $rudder render chart -f a.yaml --output-dir out >/dev/null
  [ "$(leftovers out)" = 0 ] || fail "render --output-dir: a temporary entry outlived the next run"
done
report "render --output-dir" "$killed" "$left"

# --- package (the app version differs: same archive name, other bytes)
mkdir -p pa pb dist
$rudder package chart -d pa --app-version 1.0.0 >/dev/null
$rudder package chart -d pb --app-version 2.0.0 >/dev/null
start=$(millis); $rudder package chart -d dist --app-version 1.0.0 >/dev/null; duration=$(( $(millis) - start ))
killed=0; left=0
for n in $(seq 1 "$count"); do
  version=$([ $((n % 2)) = 0 ] && echo 1.0.0 || echo 2.0.0)
  killed=$((killed + $(kill_at_random $rudder package chart -d dist --app-version "$version")))
  cmp -s dist/crash-0.1.0.tgz pa/crash-0.1.0.tgz || cmp -s dist/crash-0.1.0.tgz pb/crash-0.1.0.tgz \
    || fail "package: the archive is neither complete archive after kill $n"
  [ "$(leftovers dist)" = 0 ] || left=$((left + 1))
  $rudder package chart -d dist --app-version 1.0.0 >/dev/null
  [ "$(leftovers dist)" = 0 ] || fail "package: a temporary entry outlived the next run"
done
report "package" "$killed" "$left"

# --- repo index (the URL differs)
$rudder repo index pa --url https://a.example.com >/dev/null; cp pa/index.yaml index-a.yaml
$rudder repo index pa --url https://b.example.com >/dev/null; cp pa/index.yaml index-b.yaml
start=$(millis); $rudder repo index pa --url https://a.example.com >/dev/null; duration=$(( $(millis) - start ))
killed=0; left=0
for n in $(seq 1 "$count"); do
  url=$([ $((n % 2)) = 0 ] && echo https://a.example.com || echo https://b.example.com)
  killed=$((killed + $(kill_at_random $rudder repo index pa --url "$url")))
  cmp -s pa/index.yaml index-a.yaml || cmp -s pa/index.yaml index-b.yaml \
    || fail "repo index: index.yaml is neither complete index after kill $n"
  [ "$(leftovers pa)" = 0 ] || left=$((left + 1))
  $rudder repo index pa --url https://a.example.com >/dev/null
  [ "$(leftovers pa)" = 0 ] || fail "repo index: a temporary entry outlived the next run"
done
report "repo index" "$killed" "$left"

# --- two render --write of different values to one file at once
start=$(millis); $rudder render --env x -f a.yaml --write >/dev/null; duration=$(( $(millis) - start ))
killed=0; left=0
for n in $(seq 1 "$count"); do
  $rudder render --env x -f a.yaml --write >/dev/null 2>&1 &
  first=$!
  if [ $((n % 2)) = 0 ]; then
    killed=$((killed + $(kill_at_random $rudder render --env x -f b.yaml --write)))
  else
    $rudder render --env x -f b.yaml --write >/dev/null 2>&1
  fi
  wait "$first" || fail "concurrent render --write: a run failed"
  cmp -s rendered/x.yaml expected-a.yaml || cmp -s rendered/x.yaml expected-b.yaml \
    || fail "concurrent render --write: rendered/x.yaml is neither complete render after round $n"
  [ "$(leftovers rendered)" = 0 ] || left=$((left + 1))
  $rudder render --env x -f a.yaml --write >/dev/null
  [ "$(leftovers rendered)" = 0 ] || fail "concurrent render --write: a temporary entry outlived the next run"
done
echo "two render --write at once: $count rounds, every other one with a kill at random ($killed killed before the end of the run), $left left a temporary entry until the next run; target always complete"
echo "every kill left one complete output"
