#!/usr/bin/env python3
"""Differential check of rudder's merged values against the real helm on generated
charts: a parent, a subchart and a grandchild (listed in Chart.yaml or only in charts/),
each with random `global` maps, scalars and nulls, and random user values (globals set,
nulled or made scalar; subchart keys nulled). For each case it compares helm's
`toJson .Values` with `rudder values` as data. Seeded, so a failure reproduces; failing
cases are kept under the work directory.

Usage: helm-values-fuzz.py HELM RUDDER [SEED] [CASES]"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

import yaml


def numbers_as_floats(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return {str(k): numbers_as_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [numbers_as_floats(v) for v in value]
    return value


def random_global(rng):
    # Keys and values avoid y/n/yes/no/on/off, which YAML 1.1 (helm) reads as booleans.
    return {
        key: rng.choice(["p", "q", 1, None, {"x": rng.choice([1, None, "z"])}, {"w": 2}])
        for key in ["a", "b", "c"]
        if rng.random() >= 0.4
    }


def write_case(rng, root):
    def chart(path, name, dependency=None):
        os.makedirs(path, exist_ok=True)
        text = f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n"
        if dependency:
            text += f"dependencies:\n- name: {dependency}\n  version: 0.1.0\n"
        with open(os.path.join(path, "Chart.yaml"), "w") as f:
            f.write(text)

    chart(f"{root}/c", "c", "s" if rng.random() < 0.5 else None)
    chart(f"{root}/c/charts/s", "s", "g" if rng.random() < 0.5 else None)
    chart(f"{root}/c/charts/s/charts/g", "g")
    parent = {"global": random_global(rng)}
    if rng.random() < 0.5:
        parent["s"] = {"k": rng.choice([1, None, "p"]), "global": random_global(rng)}
    if rng.random() < 0.3:
        parent["global"] = rng.choice(["str", None])
    sub = {"global": random_global(rng), "k": "s", "g": {"m": rng.choice([1, None])}}
    if rng.random() < 0.2:
        sub["global"] = rng.choice([5, None])
    grandchild = {"global": random_global(rng), "m": "g", "z": None}
    user = {}
    if rng.random() < 0.7:
        user["global"] = random_global(rng)
    if rng.random() < 0.2:
        user["global"] = rng.choice([7, None])
    if rng.random() < 0.5:
        user["s"] = {"k": rng.choice([None, 2]), "g": {"m": rng.choice([None, 3])}}
    for path, values in [
        ("c/values.yaml", parent),
        ("c/charts/s/values.yaml", sub),
        ("c/charts/s/charts/g/values.yaml", grandchild),
        ("user.yaml", user),
    ]:
        with open(os.path.join(root, path), "w") as f:
            yaml.safe_dump(values, f)


def main():
    helm, rudder = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    cases = int(sys.argv[4]) if len(sys.argv) > 4 else 60
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="helm-values-fuzz-")
    failures = 0
    for n in range(cases):
        root = os.path.join(work, f"case-{n}")
        write_case(rng, root)
        shutil.copytree(f"{root}/c", f"{root}/helm-chart")
        os.makedirs(f"{root}/helm-chart/templates", exist_ok=True)
        with open(f"{root}/helm-chart/templates/values.yaml", "w") as f:
            f.write("{{ toJson .Values }}\n")
        h = subprocess.run([helm, "template", "helm-chart", "-f", "user.yaml"], cwd=root, capture_output=True, text=True)
        r = subprocess.run([rudder, "values", "c", "-f", "user.yaml"], cwd=root, capture_output=True, text=True)
        if h.returncode or r.returncode:
            same = bool(h.returncode) == bool(r.returncode)
            if not same:
                failures += 1
                print(f"FAIL {root}: helm exit {h.returncode} {h.stderr.strip()[:200]}; rudder exit {r.returncode} {r.stderr.strip()[:200]}")
            continue
        theirs = numbers_as_floats(json.loads(h.stdout.strip().split("\n")[-1]))
        ours = numbers_as_floats(yaml.safe_load(r.stdout))
        if theirs != ours:
            failures += 1
            print(f"FAIL {root}:\n  helm:   {json.dumps(theirs, sort_keys=True)}\n  rudder: {json.dumps(ours, sort_keys=True)}")
        else:
            shutil.rmtree(root)
    print(f"{cases - failures} of {cases} generated cases: rudder's values are helm's (seed {seed})")
    if failures:
        sys.exit(1)
    shutil.rmtree(work)


main()
