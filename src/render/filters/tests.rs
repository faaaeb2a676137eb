//! One test per filter and function, through a real Tera instance.

use super::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use tera::Context;

fn tera() -> Tera {
    let mut files = BTreeMap::new();
    files.insert("config/a.conf".to_string(), b"a=1\n".to_vec());
    files.insert("config/b.conf".to_string(), b"b=2\n".to_vec());
    files.insert("config/deep/c.conf".to_string(), b"c=3\n".to_vec());
    files.insert("other/a.conf".to_string(), b"other\n".to_vec());
    files.insert("bin.dat".to_string(), vec![0xff, 0xfe]);
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    register(&mut tera, Arc::new(files));
    tera
}

fn render(template: &str, values: &str) -> Result<String, String> {
    let values: serde_yaml::Value = serde_yaml::from_str(values).unwrap();
    let mut context = Context::new();
    context.insert("v", &values);
    tera().render_str(template, &context, false).map_err(|e| e.to_string())
}

fn ok(template: &str, values: &str) -> String {
    render(template, values).unwrap_or_else(|e| panic!("{template}: {e}"))
}

#[test]
fn to_yaml_quotes_yaml_1_1_scalars_and_keeps_order() {
    let out = ok("{{ v | to_yaml }}", "{b: 'yes', a: [1, 'on'], c: {d: '007'}}");
    assert_eq!(out, "b: \"yes\"\na:\n- 1\n- \"on\"\nc:\n  d: \"007\"");
    assert_eq!(ok("{{ v.s | to_yaml }}", "{s: plain}"), "plain");
    assert!(render("{{ v.missing | to_yaml }}", "{}").unwrap_err().contains("undefined"));
}

#[test]
fn to_json_is_compact_and_ordered() {
    assert_eq!(ok("{{ v | to_json }}", "{b: 1, a: [true, null, 'x']}"), r#"{"b":1,"a":[true,null,"x"]}"#);
}

#[test]
fn from_yaml_and_from_json_parse_or_fail() {
    assert_eq!(ok("{% set x = v.s | from_yaml %}{{ x.a.b }}", "{s: 'a: {b: 5}'}"), "5");
    assert_eq!(ok("{% set x = v.s | from_json %}{{ x.x[1] }}", "{s: '{\"x\": [1, 2]}'}"), "2");
    assert!(render("{{ v.s | from_yaml }}", "{s: 'a: [unclosed'}").unwrap_err().contains("from_yaml"));
    assert!(render("{{ v.s | from_json }}", "{s: '{nope'}").unwrap_err().contains("from_json"));
    let several = "{s: \"a: 1\\n---\\na: 2\\n\"}";
    assert!(render("{{ v.s | from_yaml }}", several).unwrap_err().contains("several"));
    assert_eq!(ok("{% set x = v.s | from_yaml(helm=true) %}{{ x.a }}", several), "1");
    assert_eq!(ok("{{ v.s | from_yaml(helm=true) | length }}", "{s: ''}"), "0");
}

#[test]
fn nindent_adds_a_newline_and_indents_non_empty_lines() {
    assert_eq!(ok("x:{{ v.s | nindent(width=2) }}", "{s: \"a: 1\\n\\nb: 2\"}"), "x:\n  a: 1\n\n  b: 2");
    assert_eq!(ok("x:{{ v.s | nindent(width=2, blank=true) }}", "{s: \"a\\n\\nb\"}"), "x:\n  a\n  \n  b");
    assert!(render("{{ v.s | nindent }}", "{s: a}").unwrap_err().contains("width"));
}

#[test]
fn indent_is_teras_own() {
    assert_eq!(ok("{{ v.s | indent(width=2) }}", "{s: \"a\\nb\"}"), "a\n  b");
}

#[test]
fn quote_and_squote() {
    assert_eq!(ok("{{ v.s | quote }}", r#"{s: "say \"hi\"\n"}"#), r#""say \"hi\"\n""#);
    assert_eq!(ok("{{ v.n | quote }}", "{n: 5}"), "\"5\"");
    assert_eq!(ok("{{ v.b | quote }}", "{b: true}"), "\"true\"");
    assert_eq!(ok("{{ v.s | squote }}", "{s: \"it's\"}"), "'it''s'");
}

#[test]
fn base64_round_trip() {
    assert_eq!(ok("{{ v.s | b64enc }}", "{s: hunter2}"), "aHVudGVyMg==");
    assert_eq!(ok("{{ v.s | b64dec }}", "{s: aHVudGVyMg==}"), "hunter2");
    assert!(render("{{ v.s | b64dec }}", "{s: '%%%'}").unwrap_err().contains("invalid base64"));
}

#[test]
fn sha256sum_is_hex() {
    assert_eq!(
        ok("{{ v.s | sha256sum }}", "{s: abc}"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn required_fails_on_missing_null_and_empty_only() {
    for values in ["{}", "{x: null}", "{x: ''}"] {
        let err = render("{{ v.x | required(message='x is required') }}", values).unwrap_err();
        assert!(err.contains("x is required"), "{values}: {err}");
    }
    assert_eq!(ok("{{ v.x | required(message='m') }}", "{x: 0}"), "0");
    assert_eq!(ok("{{ v.x | required(message='m') }}", "{x: false}"), "false");
}

#[test]
fn fail_stops_the_render() {
    assert!(render("{{ fail(message='boom') }}", "{}").unwrap_err().contains("boom"));
}

#[test]
fn trunc_keeps_the_start_or_the_end() {
    assert_eq!(ok("{{ v.s | trunc(length=3) }}", "{s: abcdef}"), "abc");
    assert_eq!(ok("{{ v.s | trunc(length=-3) }}", "{s: abcdef}"), "def");
    assert_eq!(ok("{{ v.s | trunc(length=63) }}", "{s: short}"), "short");
    assert_eq!(ok("{{ v.s | trunc(length=-63) }}", "{s: short}"), "short");
}

#[test]
fn trim_prefix_and_suffix() {
    assert_eq!(ok("{{ v.s | trim_prefix(prefix='v') }}", "{s: v1.2}"), "1.2");
    assert_eq!(ok("{{ v.s | trim_suffix(suffix='-') }}", "{s: name-}"), "name");
    assert_eq!(ok("{{ v.s | trim_suffix(suffix='x') }}", "{s: name-}"), "name-");
}

#[test]
fn file_reads_chart_files_only() {
    assert_eq!(ok("{{ file(path='config/a.conf') }}", "{}"), "a=1\n");
    assert!(render("{{ file(path='/etc/passwd') }}", "{}").unwrap_err().contains("not in the chart"));
    assert!(render("{{ file(path='../x') }}", "{}").unwrap_err().contains("not in the chart"));
    assert!(render("{{ file(path='bin.dat') }}", "{}").unwrap_err().contains("not UTF-8"));
}

#[test]
fn files_globs_in_path_order() {
    assert_eq!(
        ok("{% for k, c in files(glob='config/*') %}{{ k }}={{ c }}{% endfor %}", "{}"),
        "config/a.conf=a=1\nconfig/b.conf=b=2\n"
    );
    assert_eq!(ok("{{ files(glob='config/**') | length }}", "{}"), "3");
}

#[test]
fn file_lines_drops_one_trailing_newline() {
    assert_eq!(ok("{{ file_lines(path='config/a.conf') | to_json }}", "{}"), "[\"a=1\"]");
    assert_eq!(ok("{{ file_lines(path='missing') | length }}", "{}"), "0");
    assert!(render("{{ file_lines(path='bin.dat') }}", "{}").unwrap_err().contains("not UTF-8"));
}

#[test]
fn as_config_and_as_secrets_key_by_base_name() {
    assert_eq!(ok("{{ files(glob='config/*') | as_config }}", "{}"), "a.conf: |\n  a=1\nb.conf: |\n  b=2");
    assert_eq!(ok("{{ files(glob='config/*') | as_secrets }}", "{}"), "a.conf: YT0xCg==\nb.conf: Yj0yCg==");
    assert_eq!(ok("{{ files(glob='none/*') | as_config }}", "{}"), "{}");
    assert!(render("{{ files(glob='config/**') | as_config }}", "{}").is_ok(), "distinct base names");
    let clash = render("{{ files(glob='**/a.conf') | as_config }}", "{}").unwrap_err();
    assert!(clash.contains("two files are named \"a.conf\""), "{clash}");
    assert!(render("{{ v | as_config }}", "{x: [1]}").unwrap_err().contains("not a file"));
    assert!(render("{{ v.x | as_secrets }}", "{x: 1}").unwrap_err().contains("takes the map"));
}

#[test]
fn default_if_empty_replaces_what_helm_calls_empty() {
    for empty in ["{x: null}", "{x: ''}", "{x: 0}", "{x: 0.0}", "{x: false}", "{x: []}", "{x: {}}", "{}"] {
        assert_eq!(ok("{{ v.x | default_if_empty(value='d') }}", empty), "d", "{empty}");
    }
    for kept in ["{x: a}", "{x: 1}", "{x: true}", "{x: ' '}"] {
        assert_ne!(ok("{{ v.x | default_if_empty(value='d') }}", kept), "d", "{kept}");
    }
    // Tera's own default replaces only what is undefined.
    assert_eq!(ok("[{{ v.x | default(value='d') }}]", "{x: ''}"), "[]");
}
