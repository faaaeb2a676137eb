//! The reader's typing, merges, repeated keys, budget and stream splitting.
use super::kube::MERGE_ERROR;
use super::*;

fn kube(text: &str) -> Value {
    parse_document(text, Schema::Kube).unwrap()
}

fn json(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

#[test]
fn plain_numbers_are_read_as_go_yaml_reads_them() {
    // Each pair checked with helm v4.1.4 (`toJson .Values` of a values.yaml).
    let cases = [
        ("0644", "420"),
        ("1_000", "1000"),
        ("08", "8.0"),
        ("-0644", "-420"),
        ("1_000.5", "1000.5"),
        ("0b1_01", "5"),
        ("0x_1F", "31"),
        ("+0644", "420"),
        ("0o17", "15"),
        ("1.5e3", "1500.0"),
        ("-0", "0"),
    ];
    for (text, expected) in cases {
        assert_eq!(json(&kube(&format!("a: {text}"))["a"]), expected, "{text}");
    }
}

#[test]
fn quoted_tagged_and_non_numbers_stay_strings() {
    for text in
        ["\"0644\"", "'0644'", "!!str 0644", "1:30", "2024-01-01", "yes", "0x", "1.2.3", "+", "-.", "1e"]
    {
        let value = kube(&format!("a: {text}"));
        assert!(value["a"].is_string(), "{text}: {value:?}");
    }
    assert_eq!(kube("a: \"0644\"")["a"], Value::String("0644".into()));
    assert_eq!(kube("a: [0644, \"0644\", {b: 010}]"), kube("a: [420, \"0644\", {b: 8}]"));
}

#[test]
fn keys_become_strings() {
    assert_eq!(
        json(&kube("ports: {80: http, 1.5: x, true: t, 0644: o}")),
        r#"{"ports":{"80":"http","1.5":"x","true":"t","420":"o"}}"#
    );
    let err = parse_document("~: a", Schema::Kube).unwrap_err().to_string();
    assert!(err.contains("unsupported map key: null"), "{err}");
    let err = parse_document("? [1]\n: a\n", Schema::Kube).unwrap_err().to_string();
    assert!(err.contains("invalid map key: a list"), "{err}");
    // Core keeps keys as written.
    assert_eq!(
        parse_document("80: http", Schema::Core).unwrap().as_mapping().unwrap().keys().next(),
        Some(&Value::Number(80.into()))
    );
}

#[test]
fn merge_keys_follow_go_yaml_v2() {
    // Results checked with helm v4.1.4.
    let text = "base: &base {p: 1, q: 2}\nbase2: &b2 {q: 20, r: 30}\nd1: {<<: *base, q: 3}\nd2: {q: 3, <<: *base}\nd3: {<<: [*base, *b2]}\nd4:\n  <<: *base\n  <<: *b2\nlit: {\"<<\": 1}\n";
    let value = kube(text);
    assert_eq!(json(&value["d1"]), r#"{"p":1,"q":3}"#);
    assert_eq!(json(&value["d2"]), r#"{"q":2,"p":1}"#);
    assert_eq!(json(&value["d3"]), r#"{"q":2,"r":30,"p":1}"#);
    assert_eq!(json(&value["d4"]), r#"{"p":1,"q":20,"r":30}"#);
    assert_eq!(json(&value["lit"]), r#"{"<<":1}"#);
    let err = parse_document("a: {<<: 1}", Schema::Kube).unwrap_err().to_string();
    assert!(err.contains(MERGE_ERROR), "{err}");
    assert!(parse_document("a: {<<: 1}", Schema::Core).is_ok());
}

#[test]
fn duplicate_keys_are_refused_where_they_repeat() {
    let err = parse_document("a: 1\nb: 2\na: 3\n", Schema::Kube).unwrap_err();
    assert_eq!(
        crate::secret::unmarked(&err.to_string()),
        "a: duplicate entry with key \"a\" at line 3 column 4"
    );
    let err = parse_document("x:\n  1: a\n  \"1\": b\n", Schema::Kube).unwrap_err();
    let err = crate::secret::unmarked(&err.to_string());
    assert!(err.contains("duplicate entry with key \"1\" at line 3"), "{err}");
    // A key set by a merge may be set once explicitly.
    assert!(parse_document("b: &b {a: 1}\nc: {<<: *b, a: 2}\n", Schema::Kube).is_ok());
}

#[test]
fn alias_expansion_has_a_budget() {
    // 2,000 keys referenced 2,000 times: 4 million nodes once expanded, 60 KB of text.
    let keys: String = (0..2000).map(|i| format!("  k{i}: {i}\n")).collect();
    let refs: String = (0..2000).map(|i| format!("r{i}: *a\n")).collect();
    let bomb = format!("base: &a\n{keys}{refs}");
    let err = parse_documents(&bomb, Schema::Kube).unwrap_err().to_string();
    assert!(err.contains("more than 1000000 nodes through its aliases"), "{err}");
    assert!(check_strict(&bomb, "f").unwrap_err().to_string().contains("nodes through its aliases"));
    let ok = kube("base: &b {x: 1}\nuse: *b\nlist: [*b, *b]\n");
    assert_eq!(ok.get("use"), ok.get("base"));
    assert!(check_strict("q: a&b*c\n", "f").is_ok());
    assert_eq!(
        check_strict("a:\n  b: 1\n  b: 2\n", "Chart.yaml").unwrap_err().to_string(),
        "Chart.yaml:3:6: a.b: duplicate entry with key \"b\""
    );
}

#[test]
fn local_tags_are_refused_and_core_tags_read() {
    for text in ["a: !Ref x\n", "a: !!python/object:os.system [ls]\n", "a: !foo {b: 1}\n"] {
        let err = parse_document(text, Schema::Kube).unwrap_err().to_string();
        assert!(err.contains("is not supported (kubectl and Helm drop it)"), "{err}");
    }
    assert_eq!(kube("a: !!str 1\nb: !!int \"2\"\n"), kube("a: \"1\"\nb: 2\n"));
    assert_eq!(kube("a: Hello!!world\nb: '!!x'\n")["a"], Value::String("Hello!!world".into()));
    let core = parse_document("a: !Ref x\n", Schema::Core).unwrap();
    assert!(matches!(core["a"], Value::Tagged(_)), "{core:?}");
}

#[test]
fn documents_and_byte_order_marks() {
    assert_eq!(parse_documents("\u{feff}a: 1\n---\nb: 2\n", Schema::Kube).unwrap().len(), 2);
    assert_eq!(parse_document("", Schema::Kube).unwrap(), Value::Null);
    assert!(parse_document("a: 1\n---\nb: 2\n", Schema::Kube).is_err());
}

#[test]
fn expanded_text_and_flow_depth_have_budgets() {
    // A 1 MiB string referenced 200 times: 200 MiB once expanded, 1 MiB of text.
    let big = format!(
        "big: &b \"{}\"\n{}",
        "x".repeat(1 << 20),
        (0..200).map(|i| format!("r{i}: *b\n")).collect::<String>()
    );
    let err = parse_documents(&big, Schema::Kube).unwrap_err().to_string();
    assert!(err.contains("more than 134217728 bytes of text"), "{err}");
    let deep = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let err = parse_documents(&deep, Schema::Kube).unwrap_err().to_string();
    assert_eq!(
        err,
        "the YAML nests more than 1000 levels deep in flow style (line 1; limit yaml-depth); refusing it"
    );
    // Brackets inside quotes and comments do not count.
    let quoted = format!("a: \"{}\" # {}\nb: 1\n", "[".repeat(2000), "{".repeat(2000));
    assert!(parse_documents(&quoted, Schema::Kube).is_ok());
}

#[test]
fn numbers_beyond_64_bits_and_floats_are_kept_as_written() {
    let read = |text: &str| parse_document(text, Schema::Kube).unwrap()["a"].clone();
    let digits = "123456789012345678901234567890123456789";
    assert_eq!(crate::yaml::as_big_number(&read(&format!("a: {digits}\n"))), Some(digits));
    assert_eq!(
        crate::yaml::as_big_number(&read("a: -99999999999999999999\n")),
        Some("-99999999999999999999")
    );
    for (text, written) in
        [("a: 1e400\n", "1e400"), ("a: .inf\n", ".inf"), ("a: -.inf\n", "-.inf"), ("a: .nan\n", ".nan")]
    {
        assert_eq!(crate::yaml::as_big_number(&read(text)), Some(written), "{text}");
    }
    // Within 64 bits, numbers are numbers; quoted, text.
    assert_eq!(read("a: 18446744073709551615\n"), Value::Number(u64::MAX.into()));
    assert_eq!(read("a: \"1e400\"\n"), Value::String("1e400".into()));
    // Written back as they came.
    let value = parse_document(&format!("a: {digits}\nb: 1e400\n"), Schema::Kube).unwrap();
    assert_eq!(crate::yaml::to_string(&value), format!("a: {digits}\nb: 1e400\n"));
}
