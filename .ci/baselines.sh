#!/usr/bin/env bash
# Keeps the diff baselines of tests/fixtures/baselines honest: each is the committed render
# (render.yaml, rudder's render of chart/) written again by another YAML emitter: PyYAML
# (block and flow styles, sorted and unsorted keys, reversed order, explicit document
# ends with a %YAML directive, canonical form, JSON) and kubectl (`kubectl kustomize`,
# Go's kyaml). The integration tests diff the chart against each and expect no change.
# This script writes them again with the real tools and fails if any differs from what is
# committed; `--update` rewrites them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(.ci/python.sh)
helm=$(.ci/install-helm.sh)
kubectl=$(dirname "$helm")/kubectl
dir=tests/fixtures/baselines
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$python" - "$dir/render.yaml" "$out" <<'PY'
import json, sys, yaml
render, out = sys.argv[1], sys.argv[2]
docs = [d for d in yaml.safe_load_all(open(render, encoding="utf-8")) if d is not None]
variants = {
    "pyyaml-block.yaml": yaml.safe_dump_all(docs, default_flow_style=False),
    "pyyaml-flow.yaml": yaml.safe_dump_all(docs, default_flow_style=True),
    "pyyaml-reversed.yaml": yaml.safe_dump_all(
        list(reversed(docs)), sort_keys=False, explicit_start=True, explicit_end=True,
        version=(1, 1), allow_unicode=True, width=40),
    "pyyaml-canonical.yaml": yaml.safe_dump_all(docs, canonical=True),
    "json-list.json": json.dumps({"apiVersion": "v1", "kind": "List", "items": docs}, indent=2) + "\n",
}
for name, text in variants.items():
    with open(f"{out}/{name}", "w", encoding="utf-8") as f:
        f.write(text)
PY
kz=$(mktemp -d)
cp "$dir/render.yaml" "$kz/render.yaml"
printf 'resources:\n- render.yaml\n' > "$kz/kustomization.yaml"
"$kubectl" kustomize "$kz" > "$out/kubectl-kustomize.yaml"
rm -rf "$kz"
status=0
for file in "$out"/*; do
  name=$(basename "$file")
  if [ "${1:-}" = "--update" ]; then
    cp "$file" "$dir/baselines/$name"
    echo "wrote $dir/baselines/$name"
  elif ! cmp -s "$file" "$dir/baselines/$name"; then
    echo "FAIL $dir/baselines/$name is not what its emitter writes:"
    diff "$dir/baselines/$name" "$file" | head -20 || true
    status=1
  fi
done
[ "$status" = 0 ] && [ "${1:-}" != "--update" ] && echo "every baseline is what its emitter writes"
exit "$status"
