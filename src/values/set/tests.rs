//! The `--set` examples of Helm's reference table (helm-semantics.md §2.2 and §2.3),
//! each checked against the YAML Helm prints for it.

use super::*;

#[derive(Clone, Copy)]
enum Flag {
    Set,
    Str,
    Json,
}

fn run(flags: &[(Flag, &str)]) -> Result<String> {
    let mut data = Mapping::new();
    for (flag, input) in flags {
        let kind = match flag {
            Flag::Set => SetKind::Typed,
            Flag::Str => SetKind::String,
            Flag::Json => SetKind::Json,
        };
        apply(&mut data, input, kind, &mut usize::MAX.clone())?;
    }
    Ok(crate::yaml::to_string(&Value::Mapping(data)))
}

fn set(input: &str) -> String {
    run(&[(Flag::Set, input)]).unwrap()
}

fn error(input: &str) -> String {
    run(&[(Flag::Set, input)]).unwrap_err().to_string()
}

#[test]
fn helm_examples_1_to_27() {
    let cases: &[(&str, &str)] = &[
        ("a=1", "a: 1\n"),
        ("a=1.5,b=007,i=1e3", "a: \"1.5\"\nb: \"007\"\ni: \"1e3\"\n"),
        ("c=true,d=TRUE,d2=True", "c: true\nd: true\nd2: true\n"),
        ("e=null,f=0,g=-5,h=+5", "e: null\nf: 0\ng: -5\nh: 5\n"),
        ("j=9223372036854775808", "j: \"9223372036854775808\"\n"),
        ("k=,l=\"q\"", "k: \"\"\nl: '\"q\"'\n"),
        ("a.b.c=1", "a:\n  b:\n    c: 1\n"),
        ("a[0]=x,a[2]=z", "a:\n- x\n- null\n- z\n"),
        ("a[0].b=c,a[0].d=e", "a:\n- b: c\n  d: e\n"),
        ("a={x,y,z}", "a:\n- x\n- \"y\"\n- z\n"),
        ("a={}", "a:\n- \"\"\n"),
        ("a={ x , y }", "a:\n- ' x '\n- ' y '\n"),
        ("a={1,true,null,007}", "a:\n- 1\n- true\n- null\n- \"007\"\n"),
        ("a=b\\,c", "a: b,c\n"),
        ("a\\.b=c", "a.b: c\n"),
        ("a=x=y", "a: x=y\n"),
        ("a[0][1]=x", "a:\n- - null\n  - x\n"),
        ("a.b=1,a=2", "a: 2\n"),
        ("a b=1", "a b: 1\n"),
        ("a={a\\,b,c}", "a:\n- a,b\n- c\n"),
        ("a=\\{x\\}", "a: '{x}'\n"),
        ("a=-0,b=0x10,c=1_000,e=~,f=01", "a: 0\nb: \"0x10\"\nc: \"1_000\"\ne: \"~\"\nf: \"01\"\n"),
    ];
    for (input, expected) in cases {
        assert_eq!(set(input), *expected, "--set {input}");
    }
}

#[test]
fn helm_examples_across_flags() {
    let two = |a, b| run(&[(Flag::Set, a), (Flag::Set, b)]).unwrap();
    assert_eq!(two("a=b", "a=c"), "a: c\n");
    assert_eq!(two("a.b=1", "a.c=2"), "a:\n  b: 1\n  c: 2\n");
    assert_eq!(two("a={x}", "a[2]=z"), "a:\n- x\n- null\n- z\n");
    assert_eq!(two("a[1]=y", "a={x}"), "a:\n- x\n");
}

#[test]
fn helm_examples_set_string_and_json() {
    assert_eq!(
        run(&[(Flag::Str, "a=true,b=null,c={x,1}")]).unwrap(),
        "a: \"true\"\nb: \"null\"\nc:\n- x\n- \"1\"\n"
    );
    assert_eq!(
        run(&[(Flag::Json, r#"a={"b":[1,2.5,1000000],"c":null}"#)]).unwrap(),
        "a:\n  b:\n  - 1\n  - 2.5\n  - 1000000\n  c: null\n"
    );
    assert_eq!(run(&[(Flag::Json, r#"{"a":{"b":1}}"#)]).unwrap(), "a:\n  b: 1\n");
    assert_eq!(run(&[(Flag::Json, r#"a=[1,2],b="s""#)]).unwrap(), "a:\n- 1\n- 2\nb: s\n");
    assert_eq!(run(&[(Flag::Json, "a=")]).unwrap(), "a: null\n");
    assert_eq!(run(&[(Flag::Json, "a=1 ,b=true")]).unwrap(), "a: 1\nb: true\n");
    assert_eq!(run(&[(Flag::Json, "a[1]={\"x\":1}")]).unwrap(), "a:\n- null\n- x: 1\n");
}

#[test]
fn helm_example_set_file() {
    let mut data = Mapping::new();
    let mut read = |path: &str| -> Result<String> {
        assert_eq!(path, "content.txt");
        Ok("hello\n".to_string())
    };
    apply(&mut data, "a=content.txt", SetKind::File(&mut read), &mut usize::MAX.clone()).unwrap();
    assert_eq!(crate::yaml::to_string(&Value::Mapping(data)), "a: |\n  hello\n");
}

#[test]
fn helm_error_messages() {
    let cases = [
        ("a", "key \"a\" has no value"),
        ("a=b,c", "key \"c\" has no value"),
        ("a.b", "key \"b\" has no value"),
        ("a..b=1", "key map \"a\" has no value"),
        ("a=[1,2]", "key \"2]\" has no value"),
        ("a={x,y", "list must terminate with '}'"),
        ("a[x]=1", "error parsing index: \"x\" is not a whole number"),
        ("a[-1]=1", "negative -1 index not allowed"),
        ("a[70000]=1", "index of 70000 is greater than maximum supported index of 65536"),
        ("a[0]x=1", "unexpected data at end of array index: \"x\""),
        ("a=1,a.b=2", "unable to parse key \"a\": it already holds a number, not a map"),
        ("a=1,a[0]=2", "unable to parse key \"a\": it already holds a number, not a list"),
    ];
    for (input, expected) in cases {
        assert_eq!(error(input), expected, "--set {input}");
    }
    let deep = format!("{}=1", vec!["k"; 32].join("."));
    assert_eq!(error(&deep), "value name nested level is greater than maximum supported nested level of 30");
    let ok = format!("{}=1", vec!["k"; 31].join("."));
    assert!(run(&[(Flag::Set, &ok)]).is_ok());
    assert!(run(&[(Flag::Json, "a=notjson")]).unwrap_err().to_string().starts_with("invalid JSON value"));
}

#[test]
fn set_patches_lists_from_earlier_files() {
    let mut data: Mapping = serde_yaml::from_str("top: {list: [9]}").unwrap();
    apply(&mut data, "top.list[1]=8", SetKind::Typed, &mut usize::MAX.clone()).unwrap();
    assert_eq!(crate::yaml::to_string(&Value::Mapping(data)), "top:\n  list:\n  - 9\n  - 8\n");
}

#[test]
fn trailing_comma_is_fine_but_empty_keys_and_input_are_errors() {
    assert_eq!(set("a=1,"), "a: 1\n");
    // Helm ignores these; rudder refuses them (docs/values.md).
    assert_eq!(error(""), "nothing to set: expected KEY=VALUE");
    for input in ["=x", "[1]=x", ".a=1", "a=1,=2"] {
        assert!(error(input).starts_with("a key is empty before"), "{input}: {}", error(input));
    }
}

#[test]
fn nesting_is_bounded_for_lists_too() {
    let deep = format!("a{}=1", "[0]".repeat(10_000));
    assert!(error(&deep).contains("nested level is greater than maximum supported nested level of 30"));
    assert!(run(&[(Flag::Set, &format!("a{}=1", "[0]".repeat(30)))]).is_ok());
}

#[test]
fn typing_rules() {
    assert_eq!(typed_value("+5".into()), Value::Number(5.into()));
    assert_eq!(typed_value("FaLsE".into()), Value::Bool(false));
    assert_eq!(typed_value("NULL".into()), Value::Null);
    assert_eq!(typed_value("1_000".into()), Value::String("1_000".into()));
    assert_eq!(typed_value(" 5".into()), Value::String(" 5".into()));
}

#[test]
fn json_negative_zero_is_zero() {
    // helm v4.1.4: `--set-json a=-0` prints `a: 0` through toYaml.
    let json = |input: &str| run(&[(Flag::Json, input)]).unwrap();
    assert_eq!(json("a=-0"), "a: 0\n");
    assert_eq!(json(r#"{"b": [-0, -0.0, 1.5]}"#), "b:\n- 0\n- 0\n- 1.5\n");
}
