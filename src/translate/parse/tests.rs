use super::*;

fn error(src: &str) -> String {
    parse(src).unwrap_err().message
}

#[test]
fn actions_pipelines_and_fields() {
    let t = parse("a{{ .Values.x | default \"d\" | quote }}b").unwrap();
    let Node::Action { pipe, span } = &t.root[1] else { panic!("{:?}", t.root) };
    assert_eq!(*span, Span { start: 1, end: 38 });
    assert_eq!(pipe.cmds.len(), 3);
    assert_eq!(pipe.cmds[0].args, vec![Arg::Field(4, vec!["Values".into(), "x".into()])]);
    assert_eq!(pipe.cmds[1].args[1], Arg::String(24, "d".into()));
}

#[test]
fn control_structures_and_variables() {
    let src = "{{ $x := 1 }}{{ range $i, $v := .l }}{{ $x = $v }}{{ else }}e{{ end }}{{ $x }}";
    let t = parse(src).unwrap();
    assert_eq!(t.root.len(), 3);
    let Node::Range(branch) = &t.root[1] else { panic!() };
    assert_eq!(branch.pipe.decl.len(), 2);
    assert!(matches!(branch.otherwise, Some(Else::List { .. })));
    let chain = parse("{{ if .a }}1{{ else if .b }}2{{ else }}3{{ end }}").unwrap();
    let Node::If(branch) = &chain.root[0] else { panic!() };
    let Some(Else::Chain(link)) = &branch.otherwise else { panic!() };
    let Node::If(link) = link.as_ref() else { panic!() };
    assert_eq!(link.close, branch.close);
    assert!(matches!(link.otherwise, Some(Else::List { .. })));
}

#[test]
fn defines_blocks_and_templates() {
    let t = parse("{{ define \"a\" }}x{{ end }}{{ template \"a\" . }}{{ block \"b\" . }}y{{ end }}").unwrap();
    assert!(matches!(&t.root[0], Node::Define(d) if d.name == "a"));
    assert!(matches!(&t.root[1], Node::Template { name, pipe: Some(_), .. } if name == "a"));
    assert!(matches!(&t.root[2], Node::Block { define, .. } if define.name == "b"));
}

#[test]
fn numbers_strings_and_chains() {
    assert_eq!(parse_number("0x1F"), Some(Number::Int(31)));
    assert_eq!(parse_number("1_000"), Some(Number::Int(1000)));
    assert_eq!(parse_number("1e3"), Some(Number::Float(1000.0)));
    assert_eq!(parse_number("-2.5"), Some(Number::Float(-2.5)));
    assert_eq!(parse_number("017"), Some(Number::Int(15)));
    assert_eq!(parse_number("0x1p60"), Some(Number::Float(1152921504606846976.0)));
    assert_eq!(parse_number("0x1.8p1"), Some(Number::Float(3.0)));
    assert_eq!(unquote(r#""a\tb\x41\u00e9\"""#).unwrap(), "a\tbAé\"");
    let t = parse("{{ (index .a 0).name }}{{ 'a' }}").unwrap();
    let Node::Action { pipe, .. } = &t.root[0] else { panic!() };
    assert!(matches!(&pipe.cmds[0].args[0], Arg::Chain(_, _, fields) if fields == &["name".to_string()]));
    let Node::Action { pipe, .. } = &t.root[1] else { panic!() };
    assert_eq!(pipe.cmds[0].args[0], Arg::Number(26, Number::Int(97)));
}

#[test]
fn errors_read_as_go_writes_them() {
    assert_eq!(error("{{ $y }}"), "undefined variable \"$y\"");
    assert_eq!(error("{{ range .l }}{{ $y := 1 }}{{ end }}{{ $y }}"), "undefined variable \"$y\"");
    assert_eq!(error("{{ break }}"), "{{break}} outside {{range}}");
    assert_eq!(error("{{ if .a }}"), "unexpected EOF");
    assert_eq!(error("{{ end }}"), "unexpected {{end}}");
    assert_eq!(error("{{ .a | \"x\" }}"), "non executable command in pipeline stage 2");
    assert_eq!(error("{{ }}"), "missing value for command");
    assert_eq!(error("{{ \"x\".a }}"), "unexpected . after term \"\\\"x\\\"\"");
    assert_eq!(
        error("{{ define \"a\" }}1{{ end }}{{ define \"a\" }}2{{ end }}"),
        "template: multiple definition of template \"a\""
    );
    assert!(parse("{{ define \"a\" }}1{{ end }}{{ define \"a\" }} {{ end }}").is_ok());
    assert_eq!(error("{{ if true }}{{ define \"a\" }}{{ end }}{{ end }}"), "unexpected <define> in command");
    assert_eq!(
        error(&format!("{{{{ {}1{} }}}}", "(".repeat(200), ")".repeat(200))),
        "max expression depth exceeded"
    );
    // A block that fails inside a range (found by fuzz_go_translator: the range's count
    // of open loops was lost with the block's error, then went below zero).
    assert_eq!(error("{{ range .l }}{{ block \"b\" . }}{ end }}"), "unexpected EOF");
}
