use crate::translate::translate;

fn tera(src: &str) -> String {
    translate(src, "D", false).unwrap().tera
}

#[test]
fn actions_print_through_go_printing_unless_a_string() {
    assert_eq!(tera("a {{ .Values.x }} b"), "a {{ _root.Values.x | _p }} b");
    assert_eq!(tera("{{ .Values.x | quote }}"), "{{ quote(_0=_root.Values.x) }}");
    assert_eq!(
        tera("{{ include \"x\" . | nindent 4 }}"),
        "{{ nindent(_0=4, _1=include(_0=\"x\", _1=_root)) }}"
    );
}

#[test]
fn trimmed_whitespace_keeps_the_lines() {
    let src = "a:\n  {{- if .x }}\n  b\n  {{- end }}\n";
    let out = tera(src);
    assert_eq!(out.lines().count(), src.lines().count(), "{out}");
    assert_eq!(out, "a:{%\n if _root.x %}\n  b{%\n endif %}\n");
}

#[test]
fn variables_get_names_of_their_own() {
    let out = tera(
        "{{ $x := 1 }}{{ if .a }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}{{ range .l }}{{ $x = . }}{{ end }}",
    );
    assert_eq!(
        out,
        "{% set_global v1_x = 1 %}{% if _root.a %}{% set_global v2_x = 2 %}{{ v2_x | _p }}{% endif %}{{ v1_x | _p }}\
         {% for e3 in _values(_0=_root.l) %}{% set_global v1_x = e3 %}{% endfor %}"
    );
}

#[test]
fn with_range_and_else_chains() {
    assert_eq!(
        tera("{{ with .a }}{{ .b }}{{ else with .c }}{{ . }}{{ else }}n{{ end }}"),
        "{% set_global w1 = _root.a %}{% if w1 %}{{ w1.b | _p }}{% else %}{% set_global w2 = _root.c %}{% if w2 %}{{ w2 | _p }}{% else %}n{% endif %}{% endif %}"
    );
    assert_eq!(
        tera("{{ if .a }}1{{ else if .b }}2{{ else }}3{{ end }}"),
        "{% if _root.a %}1{% elif _root.b %}2{% else %}3{% endif %}"
    );
    assert_eq!(
        tera("{{ range $k, $v := .m }}{{ $k }}={{ $v }}{{ else }}none{{ end }}"),
        "{% for k2, e1 in _pairs(_0=_root.m) %}{{ k2 | _p }}={{ e1 | _p }}{% else %}none{% endfor %}"
    );
}

#[test]
fn defines_become_components_taking_the_dot() {
    let t =
        translate("{{- define \"a.b\" -}}{{ .Values.x }}{{ $.Chart.Name }}{{- end }}", "F3_", false).unwrap();
    assert_eq!(
        t.tera,
        "{% component F3_0(_dot) %}{{ _dot.Values.x | _p }}{{ _dot.Chart.Name | _p }}{% endcomponent F3_0 %}"
    );
    assert_eq!(t.defines[0].name, "a.b");
}

#[test]
fn functions_operators_and_literals() {
    assert_eq!(
        tera("{{ and .a (or .b \"x\") (not .c) }}"),
        "{{ (_root.a and (_root.b or \"x\") and (not _root.c)) | _p }}"
    );
    assert_eq!(tera("{{ dict \"a\" 1 \"b\" (list 1 2.5) }}"), "{{ { \"a\": 1, \"b\": [1, 2.5] } | _p }}");
    assert_eq!(tera("{{ .Files.Get \"f\" }}"), "{{ _method(_0=_root.Files, _1=\"Get\", _2=\"f\") }}");
    assert_eq!(tera("{{ (index .a 0).name }}"), "{{ _field(_0=index(_0=_root.a, _1=0), _1=\"name\") | _p }}");
    assert_eq!(tera("{{ .Values.true }}"), "{{ _root.Values[\"true\"] | _p }}");
    assert_eq!(tera("x{%y{#z"), "{{ \"x{%y{#z\" }}");
}

#[test]
fn errors_point_at_the_go_source() {
    let e = translate("{{ .a }}\n{{ nope 1 }}", "D", false).unwrap_err();
    assert_eq!((e.pos, e.message.as_str()), (12, "function \"nope\" not defined"));
    assert_eq!(crate::translate::line_col("{{ .a }}\n{{ nope 1 }}", e.pos), (2, 4));
}

#[test]
fn includes_take_back_what_the_included_template_changes() {
    let t = translate(
        "{{- define \"x\" }}{{ $_ := set . \"k\" 1 }}{{ end }}{{ template \"x\" . }}{{ .k }}",
        "D",
        true,
    )
    .unwrap();
    assert!(t.tera.contains("_dot_changed(_0=_dot)"), "{}", t.tera);
    // A file's own dot is reported on too (to a template that includes the file), and
    // what the file leaves in its values is kept for the files rendered after it.
    assert!(t.tera.contains("{% set_global _root = _sync(_0=_root, _1=true) %}"), "{}", t.tera);
    assert!(t.tera.ends_with("{{ _keep(_0=_root) }}"), "{}", t.tera);
    assert!(crate::translate::changes_dot("{{ $_ := set . \"k\" 1 }}"));
    assert!(crate::translate::changes_dot("{{- $_ := set $ \"k\" 1 }}"));
    assert!(!crate::translate::changes_dot("{{ $x := dict }}{{ reset .a }}"));
}

#[test]
fn long_text_runs_are_lifted_out_keeping_their_lines() {
    // A CRD's text: Tera would lex it a character at a time; lifted, it is printed by
    // `_text`, and its lines stay inside the tag so that later actions keep their lines.
    let long = "spec:\n  description: {% not a tag %} {# nor this #}\n".repeat(8);
    let src = format!("a: {{{{ .x }}}}\n{long}b: {{{{ .y }}}}\n");
    let lifted = crate::translate::translate_with(&src, "D7_", false, true).unwrap();
    assert_eq!(lifted.texts, vec![format!("\n{long}b: ")]);
    assert_eq!(lifted.tera.lines().count(), src.lines().count(), "{}", lifted.tera);
    assert!(lifted.tera.starts_with("a: {{ _root.x | _p }}{{ _text(_0=\"D7_\", _1=0)\n"), "{}", lifted.tera);
    assert!(lifted.tera.ends_with("\n }}{{ _root.y | _p }}\n"), "{}", lifted.tera);
    // The action after the run maps back to its Go line and column.
    let line = src.lines().count();
    let col = lifted.tera.lines().last().unwrap().find("_root.y").unwrap();
    let at = lifted.map.go_offset(line, col).unwrap();
    assert_eq!(crate::translate::line_col(&src, at), (line, 7));
    // Short runs, and every run without lifting, stay in the Tera text.
    let kept = translate(&src, "D7_", false).unwrap();
    assert!(kept.texts.is_empty() && kept.tera.contains("{{ \"\nspec:"), "{}", kept.tera);
}

#[test]
fn long_branch_bodies_become_chunks_compiled_when_they_run() {
    let long: String = (0..40).map(|i| format!("{{{{ $.Values.s }}}}-{i};\n")).collect();
    let src = format!(
        "{{{{ $x := 1 }}}}{{{{ $u := 2 }}}}{{{{ if .a }}}}\n{long}{{{{ $x = 2 }}}}{{{{ $y := 3 }}}}{{{{ $y }}}}{{{{ end }}}}{{{{ $x }}}}\
         {{{{ if .b }}}}short{{{{ end }}}}{{{{ range .l }}}}{{{{ if . }}}}{long}{{{{ end }}}}{{{{ end }}}}"
    );
    let t = crate::translate::translate_with(&src, "D7_", false, true).unwrap();
    assert_eq!(t.chunks.len(), 1, "{}", t.tera);
    // The call passes what the body reads ($ and $x, not $u) and takes back $x, which it
    // assigns and which lives outside it; $y is its own.
    assert!(
        t.tera.contains(
            "{{ _defer(_0=\"D7_\", _1=0, _root=_root, v1_x=v1_x) }}{% set_global v1_x = _deferred(_0=\"v1_x\") %}"
        ),
        "{}",
        t.tera
    );
    let (chunk, map) = &t.chunks[0];
    assert!(chunk.ends_with("{{ _export(v1_x=v1_x) }}"), "{chunk}");
    assert!(!chunk.contains("v2_u"), "{chunk}");
    // A short body, and a body inside a loop, stay where they are.
    assert!(t.tera.contains("short"), "{}", t.tera);
    assert_eq!(t.tera.matches("_defer(").count(), 1, "{}", t.tera);
    // The chunk's own map leads its positions back to the Go source: the chunk starts
    // where the body does, on the first Go line, so its third line is the third Go line.
    let line = 3;
    let col = chunk.lines().nth(line - 1).unwrap().find("_root.Values.s").unwrap();
    let at = map.go_offset(line, col).unwrap();
    assert_eq!(crate::translate::line_col(&src, at), (3, 4));
    // Without lifting (a `tpl` text), nothing moves out.
    assert!(translate(&src, "T", false).unwrap().chunks.is_empty());
}

#[test]
fn a_long_body_with_a_block_stays_in_line() {
    // Other files include a block's define by name from the file's own instance.
    let long: String = (0..40).map(|i| format!("{{{{ $.Values.s }}}}-{i};")).collect();
    let src = format!("{{{{ if .a }}}}{long}{{{{ block \"b\" . }}}}x{{{{ end }}}}{{{{ end }}}}");
    let t = crate::translate::translate_with(&src, "D7_", false, true).unwrap();
    assert!(t.chunks.is_empty(), "{}", t.tera);
    assert_eq!(t.defines.len(), 1);
}
