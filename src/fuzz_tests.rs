//! Fuzzing without a nightly toolchain: each target mutates valid seed inputs with a
//! seeded generator (bit flips, YAML and `--set` syntax spliced in, truncation,
//! repetition) and requires that the code under test returns `Ok` or `Err` and never
//! panics. `cargo test` runs a short smoke of every target; `.ci/fuzz.sh SECONDS` runs
//! each for longer (`RUDDER_FUZZ_SECONDS`, `RUDDER_FUZZ_SEED`). A failure prints the input,
//! which then becomes a regression test.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Fragments that steer mutations towards the grammars under test.
const SPLICES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    ",",
    "\n",
    "\n  ",
    "- ",
    "&a ",
    "*a",
    "<<: ",
    "!!str ",
    "!t ",
    "'",
    "\"",
    "\\",
    "#",
    "---\n",
    "|\n  ",
    ">-\n",
    "~",
    "null",
    "0644",
    "1_000",
    "=",
    ".",
    "[0]",
    "[65536]",
    "\u{feff}",
    "\u{1b}",
    "\t",
    "?",
    "%YAML 1.1\n",
    "é",
    "\u{0}",
    // Go template syntax, for the Go dialect's targets.
    "{{",
    "}}",
    "{{- ",
    " -}}",
    "{{ end }}",
    "{{ else }}",
    "{{ range . }}",
    "{{ with $ }}",
    "$x := ",
    "$x = ",
    " | ",
    "(",
    ")",
    "`",
    "/*",
    "*/",
    " include \"d\" . ",
    " tpl ",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
            1 => {
                let splice = SPLICES[rng.below(SPLICES.len())].as_bytes();
                bytes.splice(at..at, splice.iter().copied());
            }
            2 => bytes.truncate(at),
            3 if !bytes.is_empty() => {
                let end = (at + rng.below(32)).min(bytes.len());
                let piece: Vec<u8> = bytes[at.min(end)..end].to_vec();
                for _ in 0..rng.below(8) {
                    bytes.splice(at..at, piece.iter().copied());
                }
            }
            4 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes.remove(i);
            }
            _ => bytes.push(rng.below(256) as u8),
        }
    }
    bytes
}

/// Runs `target` on mutations of `seeds` for the fuzzing time, failing on a panic.
fn fuzz(name: &str, seeds: &[&[u8]], target: impl Fn(&[u8])) {
    let seconds: f64 = std::env::var("RUDDER_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(0.3);
    let seed: u64 =
        std::env::var("RUDDER_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x9e37_79b9);
    let mut rng = Rng(seed ^ name.len() as u64 ^ 0x5555);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut runs = 0u64;
    while Instant::now() < deadline || runs < 200 {
        let pick = rng.below(seeds.len());
        let input = mutate(&mut rng, seeds[pick]);
        if catch_unwind(AssertUnwindSafe(|| target(&input))).is_err() {
            panic!("fuzz target {name} panicked on input {:?}", String::from_utf8_lossy(&input));
        }
        runs += 1;
    }
    eprintln!("fuzz {name}: {runs} inputs, no panic");
}

/// The release and capabilities the rendering targets use.
fn release() -> (crate::render::Release, crate::render::Capabilities) {
    let release = crate::render::Release {
        name: "r".into(),
        namespace: "n".into(),
        environment: "e".into(),
        service: "rudder".into(),
    };
    (release, crate::render::Capabilities::new(None, &[]).unwrap())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn fuzz_set_parser() {
    let seeds: &[&[u8]] =
        &[b"a.b=1,c[0]=x,d={x,y}", b"a\\.b=c\\,d", b"x[1].y[2]=z", b"json={\"a\":[1,{\"b\":null}]}"];
    fuzz("set", seeds, |input| {
        let input = text(input);
        for kind in
            [crate::values::SetKind::Typed, crate::values::SetKind::String, crate::values::SetKind::Json]
        {
            let mut data = serde_yaml::Mapping::new();
            let _ = crate::values::apply_set(&mut data, &input, kind, &mut 100_000);
        }
    });
}

#[test]
fn fuzz_values_parse_and_merge() {
    let seeds: &[&[u8]] = &[
        b"a: 1\nb:\n  c: [1, 2]\n  d: {e: f}\nbase: &b {x: 1}\nd: {<<: *b, y: 2}\n",
        b"global:\n  g: 1\nsub:\n  k: null\nlist:\n- a\n- {b: 0644}\n",
        b"---\na: 1\n---\nb: 2\n",
    ];
    let chart = crate::chart::Chart::load(std::path::Path::new("tests/fixtures/app/parent")).unwrap();
    fuzz("values", seeds, |input| {
        if let Ok(user) = crate::yaml::parse_mapping(&text(input), crate::yaml::Schema::Kube, "v.yaml") {
            let _ = crate::values::resolve(&chart, user);
        }
    });
}

#[test]
fn fuzz_chart_yaml() {
    let seeds: &[&[u8]] = &[
        b"apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: s\n  version: ^1.0.0\n  alias: t\n  condition: s.enabled\n",
        b"apiVersion: v2\nname: c\nversion: 1.2.3-rc.1\nkubeVersion: '>=1.20.0-0'\ntype: library\n",
    ];
    fuzz("chart-yaml", seeds, |input| {
        let _ = crate::chart::Metadata::parse(&text(input), "Chart.yaml");
    });
}

#[test]
fn fuzz_baseline_streams() {
    let seeds: &[&[u8]] = &[
        b"---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  s: |\n    x\n",
        b"apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}, data: {p: eA==}}\n",
    ];
    fuzz("stream", seeds, |input| {
        let _ = crate::manifest::read_stream(&text(input), "base.yaml");
    });
}

#[test]
fn fuzz_archives() {
    let archive =
        crate::package::archive(std::path::Path::new("tests/fixtures/app/parent"), &Default::default())
            .unwrap()
            .1;
    let seeds: &[&[u8]] = &[&archive];
    fuzz("archive", seeds, |input| {
        let _ = crate::chart::read_archive(input, "a.tgz", &mut crate::chart::ArchiveBudget::default());
    });
}

#[test]
fn fuzz_render_over_values() {
    let chart = crate::chart::Chart::load(std::path::Path::new("charts/journal")).unwrap();
    let seeds: &[&[u8]] = &[
        b"frontend:\n  replicas: 2\n  image: {repository: r, tag: t}\nredis:\n  password: p\n  replicas: 3\n",
        b"global: {x: 1}\nfileserver: {enabled: false}\nredis: {createSecret: false}\n",
    ];
    let (release, caps) = release();
    fuzz("render", seeds, |input| {
        let Ok(user) = crate::yaml::parse_mapping(&text(input), crate::yaml::Schema::Kube, "v.yaml") else {
            return;
        };
        let Ok(values) = crate::values::resolve(&chart, user) else { return };
        if let Ok(files) = crate::render::render(&chart, &values, &release, &caps, None) {
            let _ = crate::manifest::documents(&files, &Default::default());
        }
    });
}

#[test]
fn fuzz_diff_against_baseline_streams() {
    // The render's documents, read as `rudder diff` reads them (text only), against a
    // fuzzed baseline: pairing by text, removed resources kept small, their entries made.
    let rendered: Vec<crate::manifest::Document> = [
        ("c/templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v"),
        ("c/templates/s.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  p: x"),
    ]
    .iter()
    .map(|(path, text)| crate::manifest::parse_rendered(path, text, 1).unwrap().unwrap())
    .collect();
    let seeds: &[&[u8]] = &[
        b"---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n--- {apiVersion: v1, kind: ConfigMap, metadata: {name: gone}}\n...\n%YAML 1.2\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s2}, data: {p: eA==}}\n",
    ];
    fuzz("diff-stream", seeds, |input| {
        let options = crate::diff::Options::default();
        let Ok(sides) = crate::diff::against_stream(
            rendered.clone(),
            std::sync::Arc::new(text(input)),
            "base.yaml",
            "ns",
            &options,
        ) else {
            return;
        };
        let (Ok(old), Ok(new)) = (crate::diff::index(sides.old), crate::diff::index(sides.new)) else {
            return;
        };
        let report = crate::diff::compare(old, new, &options).with_removed(sides.removed, &options);
        for entry in report.each_entry(false) {
            let _ = entry;
        }
    });
}

#[test]
fn fuzz_templates() {
    // A fuzzed template through the include checks, Tera, the manifest stage, the secret
    // reading of its source and, on invalid YAML, the tracer of its lines.
    let mut chart = crate::chart::Chart::load(std::path::Path::new("tests/fixtures/plain")).unwrap();
    chart.templates.retain(|t| t.path.starts_with('_'));
    chart.templates.push(crate::chart::TemplateSource {
        path: "_p.tpl".into(),
        text: "p: {{ Values.replicas }}".into(),
    });
    let seeds: &[&[u8]] = &[
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    {%- for k in [1, 2] %}\n    k{{ k }}: \"{{ k }}\"\n    {%- endfor %}\ndata:\n  {% include \"_p.tpl\" %}\n  {# c #}{% raw %}{{ x }}{% endraw %}\n",
        b"---\n{% if true -%}\nkind: Secret\n{%- endif %}\napiVersion: v1\nmetadata: {name: s}\nstringData: {a: {{ Values.replicas | int }}}\n",
    ];
    let (release, caps) = release();
    let Ok(values) = crate::values::resolve(&chart, serde_yaml::Mapping::new()) else {
        panic!("the fixture's values")
    };
    fuzz("templates", seeds, |input| {
        let mut chart = chart.clone();
        let source = text(input);
        let _ = crate::secret::template_may_render_secret("plain/templates/t.yaml", &source);
        chart.templates.push(crate::chart::TemplateSource { path: "t.yaml".into(), text: source });
        let Ok(files) = crate::render::render(&chart, &values, &release, &caps, None) else { return };
        if let Err(error) = crate::manifest::documents(&files, &Default::default()) {
            let message = error.to_string();
            let position = message.strip_prefix("plain/templates/t.yaml:").and_then(|rest| {
                let mut numbers = rest.splitn(3, ':');
                Some((numbers.next()?.parse().ok()?, numbers.next()?.parse().ok()?))
            });
            if let Some(position) = position {
                let _ = crate::render::template_line(
                    &chart,
                    &values,
                    &release,
                    &caps,
                    "plain/templates/t.yaml",
                    position,
                );
            }
        }
    });
}

/// Seeds in Helm's Go dialect: every kind of action the translator knows.
const GO_SEEDS: &[&[u8]] = &[
    b"{{- if .Values.crds }}\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\nspec:\n  group: example.com\n  names: {kind: Thing, plural: things}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        description: 'a {% tag %} and a {# comment #} that are text'\n        type: object\n  labels: {{ .Release.Name }}\n{{- end }}\n",
    b"{{- define \"d\" -}}\nname: {{ .name | quote }}\n{{- end }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"d\" (dict \"name\" .Release.Name) | trim }}\n  labels:\n    {{- range $k, $v := .Values.labels }}\n    {{ $k }}: {{ $v | quote }}\n    {{- else }}\n    none: \"1\"\n    {{- end }}\ndata:\n  {{- with .Values.data }}\n  {{- toYaml . | nindent 2 }}\n  {{- else if eq 1 2 3 }}\n  x: {{ printf \"%s-%d\" \"a\" 3 }}\n  {{- end }}\n",
    b"{{/* c */}}{{ $x := 1 }}{{ range $i, $e := until 3 }}{{ if and $e (not (lt $i 1)) }}{{ $x = add $x $e }}{{ break }}{{ else }}{{ continue }}{{ end }}{{ end }}{{ $x }}\n{{ `raw {{` }} {{ tpl \"{{ .Values.a }}\" $ }} {{ (index .Values \"a\") | default \"z\" | upper }}\n{{ block \"b\" . }}{{ .Chart.Name }}{{ end }}{{ template \"b\" $ }}{{ set . \"k\" 1 | toJson }}\n",
];

#[test]
fn fuzz_go_translator() {
    // Go template text through the lexer, parser and code generator, and every error's
    // position back to a line and column: an error or a translation, never a panic.
    fuzz("go_translator", GO_SEEDS, |input| {
        let source = text(input);
        for (sync, lift) in [(false, false), (true, true)] {
            match crate::translate::translate_with(&source, "D", sync, lift) {
                Ok(translation) => {
                    let lines = translation.tera.lines().count();
                    for line in [1, lines / 2 + 1, lines + 1] {
                        let _ = translation.map.go_offset(line, 1);
                    }
                }
                Err(error) => {
                    let _ = crate::translate::line_col(&source, error.pos);
                }
            }
        }
        let _ = crate::translate::changes_dot(&source);
    });
}

#[test]
fn fuzz_go_render() {
    // A fuzzed Go template in a Helm chart (its includes, shared values and dialect
    // detection) through translation, the Go runtime and the manifest stage.
    let root = std::path::Path::new("tests/fixtures/go-charts/shared-values/chart");
    let chart = crate::chart::Chart::load(root).unwrap();
    let (release, caps) = release();
    let Ok(values) = crate::values::resolve(&chart, serde_yaml::Mapping::new()) else {
        panic!("the fixture's values")
    };
    fuzz("go_render", GO_SEEDS, |input| {
        let mut chart = chart.clone();
        chart.templates.push(crate::chart::TemplateSource { path: "t.yaml".into(), text: text(input) });
        if let Ok(files) = crate::render::render(&chart, &values, &release, &caps, None) {
            let _ = crate::manifest::documents(&files, &Default::default());
        }
    });
}

#[test]
fn fuzz_convert() {
    // A fuzzed Go template in a Helm chart written out as Tera (`rudder convert`), and the
    // converted template rendered by the Tera dialect: a conversion or an error, never a
    // panic, and every place's line and column inside the converted file.
    let root = std::path::Path::new("tests/fixtures/go-charts/shared-values/chart");
    let chart = crate::chart::Chart::load(root).unwrap();
    let (release, caps) = release();
    fuzz("convert", GO_SEEDS, |input| {
        let mut chart = chart.clone();
        chart.templates.push(crate::chart::TemplateSource { path: "t.yaml".into(), text: text(input) });
        let Ok(conversion) = crate::convert::convert(&chart) else { return };
        for place in &conversion.places {
            let file = &conversion.files[&place.file];
            assert!(place.line >= 1 && place.line <= file.split(|b| *b == b'\n').count());
        }
        let Some(tera) = conversion.files.get("templates/t.yaml") else { return };
        let mut converted = chart.clone();
        converted.templates = vec![crate::chart::TemplateSource {
            path: "t.yaml".into(),
            text: String::from_utf8_lossy(tera).into_owned(),
        }];
        converted.meta.annotations.insert("rudder.dev/templates".into(), "tera".into());
        if let Ok(values) = crate::values::resolve(&converted, serde_yaml::Mapping::new()) {
            let _ = crate::render::render(&converted, &values, &release, &caps, None);
        }
    });
}
