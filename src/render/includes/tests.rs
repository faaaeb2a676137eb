use super::*;

#[test]
fn include_names_are_read_as_teras_lexer_reads_them() {
    let text = r#"a {% include "one.yaml" %} {%- include 'two' -%}
{# {% include "commented" %} #}
{{ "{% include 'in a string' %}" }} {% set x = "%}" %}{% include `three` %}
{% raw %}{% include "raw" %}{% endraw %}{%- raw -%} {% include "raw too" %} {%- endraw %}
{% include "esc\"aped" %}{% includes "not a tag" %}{% if x %}{% include "four" %}{% endif %}"#;
    assert_eq!(names(text), ["one.yaml", "two", "three", "esc\"aped", "four"]);
    assert_eq!(names("{% include \"unclosed"), Vec::<String>::new());
    assert_eq!(names("{{ unclosed"), Vec::<String>::new());
}

fn chain(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let body = if i + 1 < n { format!("{{% include \"_p{}.tpl\" %}}", i + 1) } else { "end".into() };
            (format!("c/templates/_p{i}.tpl"), body)
        })
        .collect()
}

fn borrowed(sources: &[(String, String)]) -> Vec<(String, &str)> {
    sources.iter().map(|(name, text)| (name.clone(), text.as_str())).collect()
}

#[test]
fn deep_include_chains_are_refused() {
    let prefixes = ["c/templates/".to_string()];
    let ok = chain(100);
    assert!(check(&borrowed(&ok), &prefixes).is_ok());
    let deep = chain(10_000);
    let err = check(&borrowed(&deep), &prefixes).unwrap_err().to_string();
    assert_eq!(
        err,
        "c/templates/_p0.tpl: includes nest more than 100 deep (c/templates/_p0.tpl → c/templates/_p1.tpl → c/templates/_p2.tpl → … → c/templates/_p9998.tpl → c/templates/_p9999.tpl (10000 templates); limit include-depth, raise it with --limit include-depth=N)"
    );
}

#[test]
fn fanned_out_includes_are_refused() {
    let prefixes = ["c/templates/".to_string()];
    let fan = |n: usize| -> Vec<(String, String)> {
        (0..n)
            .map(|i| {
                let next = format!("{{% include \"_f{}.tpl\" %}}", i + 1);
                let body = if i + 1 < n { format!("{next}{next}") } else { "e".into() };
                (format!("c/templates/_f{i}.tpl"), body)
            })
            .collect()
    };
    assert!(check(&borrowed(&fan(10)), &prefixes).is_ok());
    let err = check(&borrowed(&fan(30)), &prefixes).unwrap_err().to_string();
    assert!(err.starts_with("c/templates/_f0.tpl: the chart's templates expand more than 1000000 includes in all (c/templates/_f0.tpl alone expands 1073741822;"), "{err}");
}

#[test]
fn cycles_and_unknown_names_are_left_to_tera() {
    let prefixes = ["c/templates/".to_string()];
    let sources = [
        ("c/templates/a".to_string(), "{% include \"b\" %}{% include \"nowhere\" %}"),
        ("c/templates/b".to_string(), "{% include \"c/templates/a\" %}"),
    ];
    assert!(check(&sources, &prefixes).is_ok());
}
