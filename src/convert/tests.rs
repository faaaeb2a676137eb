use super::*;

#[test]
fn chart_yaml_gains_the_annotation_and_keeps_its_comments() {
    let marked = mark_tera("# top\napiVersion: v2\nname: x\nversion: 1.0.0\n").unwrap();
    assert_eq!(
        marked,
        "# top\napiVersion: v2\nname: x\nversion: 1.0.0\nannotations:\n  rudder.dev/templates: tera\n"
    );
    let marked = mark_tera("name: x\nannotations:\n    a: b\nversion: 1.0.0\n").unwrap();
    assert_eq!(marked, "name: x\nannotations:\n    rudder.dev/templates: tera\n    a: b\nversion: 1.0.0\n");
    let marked = mark_tera("name: x\nannotations:\n  rudder.dev/templates: go\n").unwrap();
    assert_eq!(marked, "name: x\nannotations:\n  rudder.dev/templates: tera\n");
}
