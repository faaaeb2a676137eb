use super::*;

#[test]
fn chart_yaml_gains_the_annotation_and_keeps_its_comments() {
    let marked = mark_tera("# top\napiVersion: v2\nname: x\nversion: 1.0.0\n", false).unwrap();
    assert_eq!(
        marked,
        "# top\napiVersion: v2\nname: x\nversion: 1.0.0\nannotations:\n  rudder.dev/templates: tera\n"
    );
    let marked = mark_tera("name: x\nannotations:\n    a: b\nversion: 1.0.0\n", false).unwrap();
    assert_eq!(marked, "name: x\nannotations:\n    rudder.dev/templates: tera\n    a: b\nversion: 1.0.0\n");
    let marked = mark_tera("name: x\nannotations:\n  rudder.dev/templates: go\n", false).unwrap();
    assert_eq!(marked, "name: x\nannotations:\n  rudder.dev/templates: tera\n");
}

#[test]
fn a_chart_that_calls_tpl_says_its_values_hold_go_text() {
    let marked = mark_tera("name: x\nannotations: {}\n", true).unwrap();
    assert_eq!(marked, "name: x\nannotations: {rudder.dev/tpl: go, rudder.dev/templates: tera}\n");
}
