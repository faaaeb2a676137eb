#!/usr/bin/env python3
"""Renders the Helm side of every row of docs/porting.yaml with the real helm and
compares what it prints with tests/fixtures/porting/helm.json (the integration tests
compare rudder's Tera side with that file). With --update, rewrites the file instead.
Usage: .ci/porting-table.py HELM [--update]"""
import base64
import json
import os
import subprocess
import sys
import tempfile

import yaml

WRAPPER = """{{- define "row" }}%s{{ end -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: row
data:
  out: {{ include "row" . | b64enc | quote }}
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def render(helm, row, values):
    with tempfile.TemporaryDirectory() as d:
        chart = os.path.join(d, "row")
        write(os.path.join(chart, "Chart.yaml"), "apiVersion: v2\nname: row\nversion: 0.1.0\n")
        write(os.path.join(chart, "values.yaml"), yaml.safe_dump(values))
        for path, text in (row.get("files") or {}).items():
            write(os.path.join(chart, path), text)
        for path, text in (row.get("helm_templates") or {}).items():
            write(os.path.join(chart, "templates", path), text)
        write(os.path.join(chart, "templates", "row.yaml"), WRAPPER % row["helm"])
        done = subprocess.run([helm, "template", "row", chart], capture_output=True, text=True)
        if done.returncode != 0:
            return {"fails": True}
        for doc in yaml.safe_load_all(done.stdout):
            if doc and doc.get("kind") == "ConfigMap" and doc["metadata"]["name"] == "row":
                return {"out": base64.b64decode(doc["data"]["out"]).decode()}
        raise SystemExit(f"no output for {row['helm']}")


def main():
    helm, update = sys.argv[1], "--update" in sys.argv[2:]
    with open("docs/porting.yaml") as f:
        rows = yaml.safe_load(f)
    results = [
        {"helm": row["helm"], "outputs": [render(helm, row, case) for case in (row.get("cases") or [{}])]}
        for row in rows
    ]
    for row, result in zip(rows, results):
        failed = any(o.get("fails") for o in result["outputs"])
        if failed != bool(row.get("fails")):
            raise SystemExit(f"helm {'failed' if failed else 'did not fail'} on {row['helm']}: {result}")
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    path = "tests/fixtures/porting/helm.json"
    if update:
        write(path, text)
        print(f"wrote {path}")
    elif not os.path.exists(path) or open(path).read() != text:
        raise SystemExit(f"{path} is not what helm prints for docs/porting.yaml: rerun .ci/porting-table.sh --update")
    else:
        print(f"ok   {len(rows)} rows of docs/porting.yaml render as {path} says")


main()
