//! The Go dialect against helm: each case of `tests/helm_cases.json` is a template that
//! real helm (v4.1.4) rendered over the values there; rudder's translation must render the
//! same text. Regenerate the file with `.ci/go-cases.py` after adding a case.

use super::compile::{compile, render};
use super::root::{Root, capabilities, release};
use crate::render::context::{Capabilities, Release};

#[derive(serde::Deserialize)]
struct Cases {
    values: String,
    cases: std::collections::BTreeMap<String, Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    template: String,
    helm: String,
}

/// Renders Go template `text` as `o/templates/t.yaml` of chart `o` over `values`.
pub fn render_case(text: &str, values: &str) -> Result<String, String> {
    let values = crate::yaml::parse_mapping(values, crate::yaml::Schema::Kube, "values.yaml")
        .map_err(|e| e.to_string())?;
    let name = "o/templates/t.yaml";
    let source = format!("# START|{text}#END");
    let engine = compile(&[(name.to_string(), source.as_str())]).map_err(|e| e.join("\n"))?;
    let rel = Release {
        name: "r".into(),
        namespace: "ns".into(),
        environment: String::new(),
        service: "Helm".into(),
    };
    let caps = Capabilities::new(None, &[]).unwrap();
    let chart = serde_json::json!({"Name": "o", "Version": "0.1.0", "IsRoot": true});
    let mut files = std::collections::BTreeMap::new();
    files.insert("files/a.txt".to_string(), b"A1\nA2\n".to_vec());
    files.insert("files/b.txt".to_string(), b"B\n".to_vec());
    let root = Root::new(
        &values,
        &chart,
        &release(&rel),
        &capabilities(&caps),
        super::engine::files_value(&files),
        tera::Map::new(),
    );
    super::misc::begin_template("r", "ns", name);
    let mut out = Vec::new();
    render(&engine, name, root.for_template(name, "o"), &mut out).map_err(|e| format!("{e:?}"))?;
    let out = String::from_utf8(out).unwrap();
    Ok(out
        .strip_prefix("# START|")
        .unwrap_or(&out)
        .rsplit_once("#END")
        .map(|(a, _)| a.to_string())
        .unwrap_or(out))
}

#[test]
fn templates_render_as_helm_renders_them() {
    let cases: Cases = serde_json::from_str(include_str!("tests/helm_cases.json")).unwrap();
    let mut failed = Vec::new();
    for (name, case) in &cases.cases {
        let got = render_case(&case.template, &cases.values).unwrap_or_else(|e| format!("ERROR: {e}"));
        if got != case.helm {
            failed.push(format!(
                "{name}:\n  template: {}\n  helm:   {:?}\n  rudder: {:?}",
                case.template, case.helm, got
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases differ:\n{}",
        failed.len(),
        cases.cases.len(),
        failed.join("\n")
    );
}

#[test]
fn an_error_in_a_branch_compiled_out_of_line_names_its_go_line() {
    let long: String = (0..40).map(|i| format!("{{{{ $.Values.str }}}}-{i};\n")).collect();
    let text = format!("{{{{ if .Values.t }}}}\n{long}x: {{{{ index .Values.list 10 }}}}\n{{{{ end }}}}");
    let error = render_case(&text, "t: true\nstr: s\nlist: [a]\n").unwrap_err();
    assert!(error.contains("o/templates/t.yaml:42:7: "), "{error}");
    assert!(error.contains("index out of range"), "{error}");
}

#[test]
fn branches_out_of_line_nest_no_deeper_than_the_stack_allows() {
    // Tera refuses to nest more than 40 tags; each out-of-line branch is a render of its
    // own on the stack, so only the outer ones move.
    let long: String = (0..40).map(|i| format!("{{{{ $.Values.str }}}}-{i};")).collect();
    let depth = 38;
    let text =
        format!("{}{}", format!("{{{{ if .Values.t }}}}{long}").repeat(depth), "{{ end }}".repeat(depth));
    let out = render_case(&text, "t: true\nstr: s\n").unwrap();
    assert_eq!(out.matches("s-39;").count(), depth);
}

#[test]
fn a_branch_tera_cannot_compile_is_named_once_at_its_go_line() {
    // Tera nests 40 tags at most: the out-of-line branch that holds the deepest names the
    // Go line of the tag Tera refused, once.
    let long: String = (0..40).map(|i| format!("{{{{ $.Values.str }}}}-{i};")).collect();
    let text = format!(
        "{{{{ if .Values.t }}}}{long}\n{}{}",
        "{{ if .Values.t }}".repeat(45),
        "{{ end }}".repeat(46)
    );
    let error = render_case(&text, "t: true\nstr: s\n").unwrap_err();
    assert_eq!(error.matches("o/templates/t.yaml:").count(), 1, "{error}");
    assert!(error.contains("o/templates/t.yaml:2:"), "{error}");
    assert!(error.contains("nesting is too deep"), "{error}");
}
