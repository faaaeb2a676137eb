use super::*;

#[test]
fn helm_names_and_calls_get_rudders_spelling() {
    assert_eq!(
        unknown_name("Unknown filter `toYaml`"),
        Some(
            "\nhint: Helm's `toYaml` is `x | to_yaml` in rudder's Tera templates; see docs/porting.md".into()
        )
    );
    assert_eq!(unknown_name("Unknown filter `nope`"), None);
    let include = helm_call("Found string but expected identifier.", "a: {{ include(\"x\") }}").unwrap();
    assert!(include.contains("`{% include \"_name.yaml\" %}` (a tag"), "{include}");
    let default = helm_call("Found string but expected }}.", "{{ default \"a\" Values.x }}").unwrap();
    assert!(default.contains("default_if_empty(value=...)"), "{default}");
    assert_eq!(helm_call("Found string but expected }}.", "{{ Values.x }} included"), None);
}

#[test]
fn a_block_left_open_is_named_with_its_line() {
    let source = "a: 1\n{% for i in l %}\n{%- if x -%}\nb\n{% endif %}\n{% set s %}x{% endset %}\n";
    assert_eq!(
        unclosed_block("Unexpected end of input", source),
        Some("\nhint: the `{% for %}` opened on line 2 is not closed: add `{% endfor %}`".into())
    );
    assert_eq!(
        unclosed_block("Unexpected end of input", "{% set s %}\nx\n"),
        Some("\nhint: the `{% set %}` opened on line 1 is not closed: add `{% endset %}`".into())
    );
    assert_eq!(unclosed_block("Unexpected end of input", "{% set a = 1 %}"), None);
}

/// Every Helm function of the porting table has a spelling here.
#[test]
fn the_porting_table_knows_every_pair() {
    let table = include_str!("../../../docs/porting.yaml");
    let mut missing = std::collections::BTreeSet::new();
    for line in table.lines().filter_map(|l| l.trim_start().strip_prefix("- helm: ")) {
        for (at, _) in line.match_indices(|c: char| c.is_ascii_lowercase()) {
            let before = line[..at].trim_end();
            let introduced = before.ends_with("{{")
                || before.ends_with("{{-")
                || before.ends_with('|')
                || before.ends_with('(');
            if !introduced
                || line[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '.' || c == '$')
            {
                continue;
            }
            let name: String = line[at..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            let keyword =
                ["if", "else", "end", "range", "with", "and", "or", "not", "eq", "ne", "define", "print"]
                    .contains(&name.as_str());
            if !keyword && !HELM_NAMES.iter().any(|(helm, _)| *helm == name) {
                missing.insert(name);
            }
        }
    }
    assert!(missing.is_empty(), "Helm functions of docs/porting.yaml without a hint: {missing:?}");
}
