"""Generates the bench charts, each in rudder's Tera dialect and in Helm's Go templates:

  single-N/   one chart of N components (a ConfigMap, a Deployment and a Service each, one
              template file per component, a shared label helper, `to_yaml` of a resources
              block from the values)
  umbrella-N/ a chart with N subcharts listed as dependencies (with a condition each), one
              component per subchart

Each case is written as CASE/rudder and CASE/helm (the chart), plus CASE/changed.yaml, a
values file that changes 1% of the components (for the diff case).

Usage: gen.py OUT_DIR CASE...   (CASE: single-10, umbrella-1000, ...)
"""

import os
import sys

LABELS_TERA = """{#- The labels every resource carries: `{{ <Labels component="x" /> }}`. -#}
{%- component Labels(@Chart, @Release, component) -%}
app.kubernetes.io/name: {{ component }}
app.kubernetes.io/instance: {{ Release.Name }}
app.kubernetes.io/part-of: {{ Chart.Name }}
helm.sh/chart: {{ Chart.Name }}-{{ Chart.Version }}
{%- endcomponent Labels -%}
"""

LABELS_GO = """{{- define "bench.labels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: {{ .root.Chart.Name }}
helm.sh/chart: {{ .root.Chart.Name }}-{{ .root.Chart.Version }}
{{- end -}}
"""

COMPONENT_TERA = """{%- set c = VALUES -%}
apiVersion: v1
kind: ConfigMap
metadata:
  name: NAME-config
  labels:
    {{- <Labels component="NAME" /> | nindent(width=4) }}
data:
  greeting: {{ c.greeting | quote }}
  replicas: {{ c.replicas | quote }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
  labels:
    {{- <Labels component="NAME" /> | nindent(width=4) }}
spec:
  replicas: {{ c.replicas }}
  selector:
    matchLabels:
      {{- <Labels component="NAME" /> | nindent(width=6) }}
  template:
    metadata:
      labels:
        {{- <Labels component="NAME" /> | nindent(width=8) }}
    spec:
      containers:
        - name: app
          image: "{{ c.image.repository }}:{{ c.image.tag }}"
          ports:
            - name: http
              containerPort: {{ c.port }}
          envFrom:
            - configMapRef:
                name: NAME-config
          resources:
            {{- c.resources | to_yaml | nindent(width=12) }}
---
apiVersion: v1
kind: Service
metadata:
  name: NAME
  labels:
    {{- <Labels component="NAME" /> | nindent(width=4) }}
spec:
  selector:
    {{- <Labels component="NAME" /> | nindent(width=4) }}
  ports:
    - name: http
      port: 80
      targetPort: {{ c.port }}
"""

COMPONENT_GO = """{{- $c := VALUES -}}
{{- $labels := include "bench.labels" (dict "component" "NAME" "root" $) -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: NAME-config
  labels:
    {{- $labels | nindent 4 }}
data:
  greeting: {{ $c.greeting | quote }}
  replicas: {{ $c.replicas | quote }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
  labels:
    {{- $labels | nindent 4 }}
spec:
  replicas: {{ $c.replicas }}
  selector:
    matchLabels:
      {{- $labels | nindent 6 }}
  template:
    metadata:
      labels:
        {{- $labels | nindent 8 }}
    spec:
      containers:
        - name: app
          image: "{{ $c.image.repository }}:{{ $c.image.tag }}"
          ports:
            - name: http
              containerPort: {{ $c.port }}
          envFrom:
            - configMapRef:
                name: NAME-config
          resources:
            {{- toYaml $c.resources | nindent 12 }}
---
apiVersion: v1
kind: Service
metadata:
  name: NAME
  labels:
    {{- $labels | nindent 4 }}
spec:
  selector:
    {{- $labels | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: {{ $c.port }}
"""


def component_values(i, indent, changed=False):
    pad = " " * indent
    tag = "1.28.%d" % (i % 7) if changed else "1.27.%d" % (i % 7)
    return "".join(
        pad + line + "\n"
        for line in [
            "greeting: hello from c%d" % i,
            "replicas: %d" % (1 + i % 3),
            "port: %d" % (8000 + i % 100),
            "image:",
            "  repository: registry.example.com/team/app-%d" % (i % 50),
            "  tag: \"%s\"" % tag,
            "resources:",
            "  requests: {cpu: %dm, memory: %dMi}" % (50 + i % 5 * 10, 64 + i % 4 * 32),
            "  limits: {memory: %dMi}" % (128 + i % 4 * 64),
        ]
    )


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def chart_yaml(name, dependencies=()):
    text = "apiVersion: v2\nname: %s\nversion: 1.0.0\n" % name
    if dependencies:
        text += "dependencies:\n"
        for dep in dependencies:
            text += "  - name: %s\n    version: 1.0.0\n    condition: %s.enabled\n" % (dep, dep)
    return text


def single(out, n):
    for dialect, labels, component in (("rudder", LABELS_TERA, COMPONENT_TERA), ("helm", LABELS_GO, COMPONENT_GO)):
        root = os.path.join(out, "single-%d" % n, dialect)
        write(os.path.join(root, "Chart.yaml"), chart_yaml("single"))
        values = "components:\n" + "".join("  c%d:\n%s" % (i, component_values(i, 4)) for i in range(n))
        write(os.path.join(root, "values.yaml"), values)
        helper = "_labels.yaml" if dialect == "rudder" else "_helpers.tpl"
        write(os.path.join(root, "templates", helper), labels)
        for i in range(n):
            access = ("Values.components.c%d" if dialect == "rudder" else ".Values.components.c%d") % i
            text = component.replace("VALUES", access).replace("NAME", "c%d" % i)
            write(os.path.join(root, "templates", "c%d.yaml" % i), text)
    changed = "components:\n" + "".join(
        "  c%d:\n%s" % (i, component_values(i, 4, True)) for i in range(0, n, 100)
    )
    write(os.path.join(out, "single-%d" % n, "changed.yaml"), changed)


def umbrella(out, n):
    subs = ["s%d" % i for i in range(n)]
    for dialect, labels, component in (("rudder", LABELS_TERA, COMPONENT_TERA), ("helm", LABELS_GO, COMPONENT_GO)):
        root = os.path.join(out, "umbrella-%d" % n, dialect)
        write(os.path.join(root, "Chart.yaml"), chart_yaml("umbrella", subs))
        write(os.path.join(root, "values.yaml"), "".join("%s:\n  enabled: true\n" % s for s in subs))
        for i, sub in enumerate(subs):
            base = os.path.join(root, "charts", sub)
            write(os.path.join(base, "Chart.yaml"), chart_yaml(sub))
            write(os.path.join(base, "values.yaml"), "component:\n" + component_values(i, 2))
            helper = "_labels.yaml" if dialect == "rudder" else "_helpers.tpl"
            write(os.path.join(base, "templates", helper), labels)
            access = "Values.component" if dialect == "rudder" else ".Values.component"
            text = component.replace("VALUES", access).replace("NAME", sub)
            write(os.path.join(base, "templates", "component.yaml"), text)
    changed = "".join("s%d:\n  component:\n%s" % (i, component_values(i, 4, True)) for i in range(0, n, 100))
    write(os.path.join(out, "umbrella-%d" % n, "changed.yaml"), changed)


def main():
    out, cases = sys.argv[1], sys.argv[2:]
    for case in cases:
        kind, n = case.rsplit("-", 1)
        {"single": single, "umbrella": umbrella}[kind](out, int(n))


if __name__ == "__main__":
    main()
