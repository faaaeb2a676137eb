import subprocess, json, os, tempfile
VALUES = """big: 1000000
num: 5
half: 0.5
str: hello
empty: ""
zero: 0
f: false
t: true
list: [b, a, c]
nums: [3, 1, 2]
map: {z: 1, a: two, m: [x]}
nested: {a: {b: {c: deep}}}
text: "line1\\nline2\\n"
long: "the quick brown fox jumps over the lazy dog and keeps running far beyond the eighty column limit of yaml"
special: {"yes": "yes", "on": "on", num: "123", float: "1.5", date: "2024-01-01", colon: "a: b", hash: "a #b", lead: " lead", tilde: "~", nul: "null", tab: "a\\tb", quote: "it's", star: "*x", empty: "", dash: "- x", octal: "0777"}
"""
LONG = "".join("{{ $.Values.str }}-%d;" % i for i in range(40))
CASES = [
 ("print", '{{ .Values.big }}|{{ .Values.num }}|{{ .Values.half }}|{{ .Values.list }}|{{ .Values.map }}|{{ .Values.missing }}|{{ .Values.f }}'),
 ("printf", '{{ printf "%s-%d-%v-%q-%5.2f|%x" .Values.str 7 .Values.list .Values.str .Values.half 255 }}|{{ printf "%d" .Values.num }}|{{ print .Values.missing }}|{{ println 1 "a" }}'),
 ("vars", '{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}{{ range .Values.list }}{{ $x = . }}{{ end }}{{ $x }}'),
 ("range", '{{ range $i, $v := .Values.list }}{{ $i }}={{ $v }};{{ end }}|{{ range $k, $v := .Values.map }}{{ $k }}={{ $v }};{{ end }}|{{ range .Values.missing }}x{{ else }}none{{ end }}|{{ range 3 }}{{ . }}{{ end }}'),
 ("with", '{{ with .Values.nested.a }}{{ .b.c }}{{ end }}|{{ with .Values.empty }}x{{ else }}e:{{ .Values.str }}{{ end }}|{{ with $v := .Values.str }}{{ $v }}{{ . }}{{ end }}'),
 ("andor", '{{ and 1 "x" }}|{{ and 0 "x" }}|{{ or "" 0 "d" }}|{{ or .Values.list "no" }}|{{ not .Values.empty }}|{{ and .Values.t .Values.f }}'),
 ("compare", '{{ eq .Values.str "hello" }}|{{ eq .Values.str "a" "hello" }}|{{ ne .Values.str "x" }}|{{ lt 1 2 }}|{{ gt .Values.num 1.0 }}|{{ eq .Values.missing "x" }}|{{ ge "b" "a" }}'),
 ("default", '{{ .Values.empty | default "d" }}|{{ .Values.zero | default 9 }}|{{ .Values.f | default true }}|{{ .Values.str | default "x" }}|{{ default "m" .Values.missing }}|{{ coalesce .Values.empty .Values.zero "c" }}|{{ ternary "y" "n" .Values.t }}|{{ empty .Values.map }}'),
 ("strings", '{{ .Values.str | upper }}|{{ title "hello world" }}|{{ trunc 3 .Values.str }}|{{ trimSuffix "lo" .Values.str }}|{{ replace "l" "L" .Values.str }}|{{ .Values.str | quote }}|{{ squote .Values.num }}|{{ quote .Values.missing }}|{{ contains "ell" .Values.str }}|{{ substr 1 3 .Values.str }}|{{ nospace "a b c" }}|{{ repeat 2 "ab" }}|{{ cat "a" .Values.missing "b" 1 }}'),
 ("indent", 'a:{{ .Values.text | nindent 2 }}|{{ indent 3 "x\\ny" }}'),
 ("lists", '{{ list 1 "a" .Values.half }}|{{ join "," .Values.list }}|{{ .Values.list | sortAlpha }}|{{ first .Values.list }}|{{ last .Values.list }}|{{ rest .Values.list }}|{{ append .Values.list "d" }}|{{ has "a" .Values.list }}|{{ without .Values.list "a" }}|{{ uniq (list 1 1 2) }}|{{ len .Values.list }}|{{ index .Values.list 1 }}|{{ slice .Values.list 1 }}|{{ concat .Values.list (list "z") }}|{{ compact (list "" "a" 0 "b") }}|{{ reverse .Values.list }}'),
 ("dicts", '{{ $d := dict "b" 1 "a" "x" }}{{ $d }}|{{ get $d "a" }}|{{ get $d "q" }}|{{ hasKey $d "b" }}|{{ keys $d | sortAlpha }}|{{ $_ := set $d "c" 3 }}{{ $d }}|{{ $_ := unset $d "a" }}{{ $d }}|{{ pick .Values.map "a" }}|{{ omit .Values.map "a" }}|{{ dig "a" "b" "c" "none" .Values.nested }}|{{ dig "a" "x" "none" .Values.nested }}'),
 ("merge", '{{ $a := dict "x" 1 "y" (dict "p" 1) }}{{ $b := dict "x" 2 "y" (dict "q" 2) "z" 3 }}{{ merge $a $b }}|{{ mergeOverwrite (dict "x" 1 "y" (dict "p" 1)) $b }}|{{ $c := dict "e" "" }}{{ merge $c (dict "e" "filled") }}'),
 ("math", '{{ add 1 2 .Values.num }}|{{ sub 10 3 }}|{{ mul 2 3 4 }}|{{ div 7 2 }}|{{ mod 7 3 }}|{{ max 1 5 3 }}|{{ min 4 2 }}|{{ add1 .Values.half }}|{{ int .Values.big }}|{{ int "0x10" }}|{{ float64 "1.5" }}|{{ addf 1.1 2.2 }}|{{ mulf 1.5 2 }}|{{ round 2.567 2 }}|{{ ceil 1.2 }}|{{ floor 1.8 }}|{{ until 3 }}|{{ untilStep 0 10 3 }}|{{ seq 3 }}'),
 ("types", '{{ kindOf .Values.num }}|{{ kindOf .Values.list }}|{{ kindOf .Values.map }}|{{ typeOf .Values.num }}|{{ typeOf .Values.str }}|{{ kindIs "string" .Values.str }}|{{ typeOf 1 }}|{{ kindOf (add 1 1) }}|{{ typeOf .Values.list }}|{{ typeOf .Values.missing }}'),
 ("toyaml", 'a:\n{{ toYaml .Values.special | indent 2 }}\nb:\n{{ toYaml .Values.map | indent 2 }}\nc: {{ toYaml .Values.big }}\nd:\n{{ toYaml (dict "long" .Values.long "text" .Values.text "num" .Values.half "z10" 1 "z9" 2 "Z" 3 "-y" 4 "_x" 5 "a10" 6 "a9" 7 "a" (list)) | indent 2 }}'),
 ("tojson", '{{ toJson .Values.map }}|{{ toJson (dict "h" "<a&b>" "n" .Values.big "f" .Values.half) }}|{{ toRawJson (dict "h" "<a>") }}|{{ toPrettyJson (dict "a" (list 1 2) "b" (dict)) }}'),
 ("fromyaml", '{{ $m := fromYaml "a: 1\\nb: [x, z]\\nc: true" }}{{ $m.a }}|{{ $m.b }}|{{ $m.c }}|{{ kindOf $m.a }}|{{ hasKey (fromYaml "a: [") "Error" }}|{{ (fromJson "{\\"x\\": 2}").x }}|{{ fromYamlArray "- 1\\n- 2" }}'),
 ("regex", '{{ regexMatch "^h.*o$" .Values.str }}|{{ regexFind "l+" .Values.str }}|{{ regexReplaceAll "l(l)" .Values.str "${1}X" }}|{{ regexFindAll "[a-z]" "a1b2" -1 }}|{{ regexSplit "," "a,b,c" 2 }}'),
 ("encode", '{{ b64enc "hello" }}|{{ b64dec "aGVsbG8=" }}|{{ sha256sum "abc" }}|{{ sha1sum "abc" }}|{{ adler32sum "abc" }}|{{ b32enc "ab" }}|{{ urlquery "a b&c" }}'),
 ("semver", '{{ semverCompare ">=1.20.0-0" .Capabilities.KubeVersion.Version }}|{{ semverCompare "<1.21" "1.30" }}|{{ (semver "1.2.3-beta.1").Minor }}|{{ .Capabilities.KubeVersion.GitVersion }}|{{ .Capabilities.APIVersions.Has "apps/v1" }}|{{ .Capabilities.APIVersions.Has "nope/v1" }}|{{ .Capabilities.APIVersions.Has "policy/v1beta1" }}'),
 ("define", '{{- define "x.name" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}{{- define "x.labels" -}}app: {{ include "x.name" . }}\nv: {{ .Values.num | quote }}{{- end -}}[{{ include "x.labels" . | nindent 2 }}]|{{ template "x.name" . }}|{{ include "x.name" . | upper }}'),
 ("dotpass", '{{- define "x.ctx" -}}{{ .a }}-{{ .b.Values.str }}{{- end -}}{{ include "x.ctx" (dict "a" 1 "b" $) }}|{{ $ctx := dict "a" 2 "b" . }}{{ include "x.ctx" $ctx }}'),
 ("tpl", '{{ tpl "{{ .Values.str }}-{{ .Release.Name }}" . }}|{{ tpl (toYaml (dict "k" "{{ .Values.num }}")) . }}|{{ tpl "{{ .missing }}" (dict) }}'),
 ("trim", 'a\n  {{- if true }}\n  b\n  {{- end }}\nc {{- " d" -}} e\n{{/* comment */}}f\n  {{- /* x */ -}}\n  g'),
 ("breaks", '{{ range .Values.nums }}{{ if eq . 1.0 }}{{ continue }}{{ end }}{{ if eq . 2.0 }}{{ break }}{{ end }}{{ . }}{{ end }}'),
 ("nilchain", '{{ .Values.missing }}|{{ index .Values.map "nope" }}|{{ (index .Values.map "m") }}|{{ .Values.map.z }}'),
 ("elseif", '{{ if .Values.f }}1{{ else if .Values.empty }}2{{ else if .Values.str }}3{{ else }}4{{ end }}|{{ with .Values.missing }}a{{ else with .Values.str }}b{{ . }}{{ end }}'),
 ("files", '{{ .Files.Get "files/a.txt" }}|{{ range $p, $_ := .Files.Glob "files/*" }}{{ $p }};{{ end }}|{{ (.Files.Glob "files/*").AsConfig | indent 1 }}|{{ .Files.Lines "files/a.txt" }}|{{ .Files.Get "nope" }}'),
 # Bodies long enough to be compiled out of line (translate::codegen::defer): variables read
 # and assigned across the body, the dot of a with, maps changed inside, a long define.
 ("deferred", '{{ $x := 1 }}{{ $d := dict "k" 1 }}{{ if .Values.t }}' + LONG + '{{ $x = 2 }}{{ $y := 3 }}{{ $_ := set $d "k" 2 }}{{ $x }}{{ $y }}{{ end }}|{{ $x }}|{{ $d }}|{{ with .Values.nested.a }}' + LONG + '{{ .b.c }}{{ $.Values.num }}{{ end }}|{{ if .Values.f }}' + LONG + '{{ else if .Values.empty }}' + LONG + '{{ else }}' + LONG + 'else{{ end }}'),
 ("deferred-root", '{{ if .Values.t }}{{ $_ := set .Values "added" "yes" }}' + LONG + '{{ end }}{{ .Values.added }}|{{ define "o.long" }}' + LONG + '{{ .Values.num }}{{ end }}{{ include "o.long" . }}|{{ range .Values.list }}{{ if true }}' + LONG + '{{ . }}{{ end }}{{ end }}'),
 ("mutate", '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d.b }}|{{ $x := merge $d (dict "c" 3) }}{{ $d.c }}|{{ $_ := set .Values "newkey" "nv" }}{{ .Values.newkey }}'),
]
def oracle(tpl):
    d = tempfile.mkdtemp()
    os.makedirs(d + "/templates")
    os.makedirs(d + "/files")
    open(d + "/Chart.yaml", "w").write("apiVersion: v2\nname: o\nversion: 0.1.0\n")
    open(d + "/values.yaml", "w").write(VALUES)
    open(d + "/files/a.txt", "w").write("A1\nA2\n")
    open(d + "/files/b.txt", "w").write("B\n")
    open(d + "/templates/t.yaml", "w").write("# START|" + tpl + "#END")
    r = subprocess.run([os.environ.get("HELM", ".tools/bin/helm"), "template", "r", d, "-n", "ns", "--debug"], capture_output=True, text=True)
    out = r.stdout
    if "# START|" not in out:
        err = [l for l in r.stderr.splitlines() if not l.startswith("level=")]
        return "ERROR: " + "\n".join(err)
    return out.split("# START|", 1)[1].rsplit("#END", 1)[0]
res = {name: {"template": tpl, "helm": oracle(tpl)} for name, tpl in CASES}
json.dump({"values": VALUES, "cases": res}, open("src/render/go/tests/helm_cases.json", "w"), indent=1, sort_keys=True)
for k, v in res.items():
    print(k, "=>", repr(v["helm"])[:300])
