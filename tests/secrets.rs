//! No Secret text in any message, and nothing hidden that is not secret: value text that
//! reaches a possible Secret is hidden in errors; the chart's own source never is.

use crate::harness::run;
use std::path::{Path, PathBuf};

/// Every value of the chart holds this; no output may.
const MARKER: &str = "SECRETMARKER";

fn chart(dir: &Path, templates: &[(&str, &str)]) -> PathBuf {
    let chart = crate::harness::new_chart(dir, "chart", templates);
    std::fs::write(
        chart.join("values.yaml"),
        format!(
            "pw: {MARKER}-pw\nnum: \"{MARKER}1\"\nlist: [{MARKER}-a, {MARKER}-b]\nmap: {{key: {MARKER}-v}}\nyaml: \"{MARKER}: [\"\n"
        ),
    )
    .unwrap();
    chart
}

/// A Secret template whose `data.x` is `expression`.
fn secret_with(expression: &str) -> String {
    format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  x: {{{{ {expression} }}}}\n")
}

/// Each filter and function rudder provides (its own, then Tera's), called on secret
/// values so that it fails.
const FAILING: &[(&str, &str)] = &[
    ("adler32sum", "Values.pw | adler32sum ~ Values.pw | int"),
    ("append", "Values.pw | append(value=1)"),
    ("as_config", "Values.pw | as_config"),
    ("as_secrets", "Values.pw | as_secrets"),
    ("b64dec", "Values.pw | b64dec"),
    ("b64enc", "Values.pw | b64enc | int"),
    ("camelcase", "Values.pw | camelcase | int"),
    ("compact", "Values.pw | compact"),
    ("concat", "Values.pw | concat(with=Values.pw)"),
    ("contains", "Values.pw | contains(value=Values.map) | int"),
    ("deep_copy", "Values.pw | deep_copy | int"),
    ("default_if_empty", "Values.nope | default_if_empty(value=Values.pw) | int"),
    ("dig", "Values.pw | dig(keys=[Values.pw])"),
    ("empty", "Values.pw | empty | concat(with=Values.pw)"),
    ("float64", "Values.pw | float64 ~ Values.pw | int"),
    ("from_json", "Values.yaml | from_json"),
    ("from_yaml", "Values.yaml | from_yaml"),
    ("has", "Values.pw | has(value=Values.pw)"),
    ("has_key", "Values.pw | has_key(key=Values.pw)"),
    ("has_prefix", "Values.pw | has_prefix(prefix=Values.pw) ~ Values.pw | int"),
    ("has_suffix", "Values.pw | has_suffix(suffix=Values.pw) ~ Values.pw | int"),
    ("int64", "Values.pw | int64 ~ Values.pw | int"),
    ("kebabcase", "Values.pw | kebabcase | int"),
    ("kind_is", "Values.pw | kind_is(kind=Values.map)"),
    ("kind_of", "Values.pw | kind_of | int"),
    ("merge", "Values.pw | merge(with=Values.pw)"),
    ("merge_overwrite", "Values.pw | merge_overwrite(with=Values.pw)"),
    ("nindent", "Values.pw | nindent(width=Values.pw)"),
    ("nospace", "Values.pw | nospace | int"),
    ("omit", "Values.pw | omit(keys=Values.pw)"),
    ("pick", "Values.pw | pick(keys=Values.pw)"),
    ("plural", "Values.list | length | plural(one=Values.pw, many=Values.pw) | int"),
    ("prepend", "Values.pw | prepend(value=1)"),
    ("quote", "Values.pw | quote | int"),
    ("regex_find", "Values.pw | regex_find(regex=Values.pw ~ \"[\")"),
    ("regex_match", "Values.pw | regex_match(regex=Values.pw ~ \"[\")"),
    ("regex_replace_all", "Values.pw | regex_replace_all(regex=Values.pw ~ \"(\", replace=Values.pw)"),
    ("repeat", "Values.pw | repeat(count=Values.pw)"),
    ("required", "Values.nope | required(message=\"missing\") ~ Values.pw"),
    ("set_key", "Values.pw | set_key(key=Values.pw, value=1)"),
    ("sha1sum", "Values.pw | sha1sum ~ Values.pw | int"),
    ("sha256sum", "Values.pw | sha256sum ~ Values.pw | int"),
    ("snakecase", "Values.pw | snakecase | int"),
    ("split_list", "Values.pw | split_list(sep=\"-\") | first | int"),
    ("squote", "Values.pw | squote | int"),
    ("substr", "Values.pw | substr(start=Values.pw)"),
    ("ternary", "Values.pw | ternary(true_value=Values.pw, false_value=1) | int"),
    ("to_int", "Values.pw | to_int ~ Values.pw | int"),
    ("to_json", "Values.pw | to_json | int"),
    ("to_string", "Values.pw | to_string | int"),
    ("to_yaml", "Values.pw | to_yaml | int"),
    ("trim_prefix", "Values.map | trim_prefix(prefix=Values.pw)"),
    ("trim_suffix", "Values.map | trim_suffix(suffix=Values.pw)"),
    ("trunc", "Values.pw | trunc(length=Values.pw)"),
    ("type_of", "Values.pw | type_of | int"),
    ("uniq", "Values.pw | uniq"),
    ("unset_key", "Values.pw | unset_key(key=Values.pw)"),
    ("without", "Values.pw | without(values=Values.pw)"),
    ("wrap", "Values.pw | wrap(width=Values.pw)"),
    ("coalesce", "coalesce(values=[Values.pw]) | int"),
    ("fail", "fail(message=\"no: \" ~ Values.pw | length)"),
    ("file", "file(path=Values.pw)"),
    ("file_lines", "file_lines(path=Values.pw) | concat(with=Values.list) | last | int"),
    ("files", "files(glob=Values.pw ~ \"[\")"),
    ("htpasswd", "htpasswd(user=Values.pw ~ \":\", password=Values.pw)"),
    ("lookup", "lookup(api_version=Values.pw, kind=Values.pw, namespace=Values.pw, name=Values.pw) | int"),
    ("printf", "printf(format=\"%d\", args=[Values.pw])"),
    ("semver_compare", "semver_compare(version=Values.pw, constraint=\">=1\")"),
    ("tpl", "tpl(template=\"{{ \" ~ Values.pw ~ \" | int }}\")"),
    ("until", "until(count=Values.pw)"),
    ("uuidv4", "uuidv4() ~ Values.pw | int"),
    ("gen_ca", "gen_ca(cn=Values.pw)"),
    ("gen_self_signed_cert", "gen_self_signed_cert(cn=Values.pw)"),
    ("gen_signed_cert", "gen_signed_cert(cn=Values.pw)"),
    ("gen_private_key", "gen_private_key(algorithm=Values.pw)"),
    ("randAlpha", "rand_alpha(count=Values.pw)"),
    // Tera's own.
    ("int", "Values.pw | int"),
    ("float", "Values.num | float"),
    ("round", "Values.pw | round"),
    ("first", "Values.pw | first"),
    ("join", "Values.map | join(sep=Values.pw)"),
    ("split", "Values.map | split(pat=Values.pw)"),
    ("replace", "Values.map | replace(from=Values.pw, to=Values.pw)"),
    ("get", "Values.map | get(key=Values.pw)"),
    ("slice", "Values.list | slice(start=Values.pw)"),
    ("date", "Values.pw | date"),
    ("plus", "Values.pw + 1"),
    ("times", "Values.num * 2"),
    ("index", "Values.list[Values.pw]"),
    ("field", "Values.map[Values.pw]"),
    ("range", "range(end=Values.pw)"),
];

/// The registered names that are Tera's own or have no failing call of their own here.
fn registered_names() -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(crate::harness::repo().join("src/render")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        for kind in ["register_filter(\"", "register_function(\""] {
            for (at, _) in text.match_indices(kind) {
                let name: String = text[at + kind.len()..].chars().take_while(|c| *c != '"').collect();
                names.push(name);
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_filter_and_function_failing_on_a_secret_value_keeps_it_hidden() {
    let tested: Vec<&str> = FAILING.iter().map(|(name, _)| *name).collect();
    let untested: Vec<String> =
        registered_names().into_iter().filter(|n| !tested.contains(&n.as_str())).collect();
    assert!(untested.is_empty(), "registered but not called here: {untested:?}");
    let mut leaks = Vec::new();
    for (name, expression) in FAILING {
        let dir = tempfile::tempdir().unwrap();
        chart(dir.path(), &[("s.yaml", &secret_with(expression))]);
        let out = run(dir.path(), &["render", "chart"]);
        if out.code != 1 {
            leaks.push(format!("{name}: `{expression}` did not fail: {}{}", out.stdout, out.stderr));
        }
        if out.stdout.contains(MARKER) || out.stderr.contains(MARKER) {
            leaks.push(format!("{name}: {}", out.stderr));
        }
        // And in diff's reports.
        for format in ["text", "json", "markdown"] {
            let out = run(dir.path(), &["diff", "chart", "--against", "/dev/null", "-o", format]);
            if out.stdout.contains(MARKER) || out.stderr.contains(MARKER) {
                leaks.push(format!("{name} (diff -o {format}): {}{}", out.stdout, out.stderr));
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n\n"));
}

#[test]
fn a_template_error_in_a_secret_hides_the_value_and_shows_the_source() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), &[("s.yaml", &secret_with("Values.pw | int"))]);
    let out = run(dir.path(), &["render", "chart"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "error: c/templates/s.yaml:6:21: the string <hidden: 15 bytes> cannot be converted to an integer in base 10\n  |\n6 |   x: {{ Values.pw | int }}\n  |                     ^^^\n"
        )
    );
}

#[test]
fn a_typo_in_a_deployment_shows_the_field_and_the_source() {
    // `imagePullSecrets` in almost every real Deployment once hid the whole error.
    let dir = tempfile::tempdir().unwrap();
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      imagePullSecrets: {{ Values.imagePullSecret }}\n      containers: []\n";
    chart(dir.path(), &[("d.yaml", deployment)]);
    let out = run(dir.path(), &["render", "chart"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "error: c/templates/d.yaml:8:35: Field `imagePullSecret` is not defined. Available fields: list, map, num, pw, yaml\n  |\n8 |       imagePullSecrets: {{ Values.imagePullSecret }}\n  |                                   ^^^^^^^^^^^^^^^\n"
        )
    );
}

#[test]
fn the_documented_example_error_comes_out_as_documented() {
    let docs = std::fs::read_to_string(crate::harness::repo().join("docs/charts.md")).unwrap();
    let start =
        docs.find("```text\nerror: journal/charts/frontend/templates/deployment.yaml").expect("the example");
    let example = &docs[start + "```text\n".len()..];
    let example = &example[..example.find("```").unwrap()];
    let dir = crate::harness::journal_copy();
    let template = dir.path().join("charts/frontend/templates/deployment.yaml");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, text.replace("{{ Values.replicas }}", "{{ Values.replica }}")).unwrap();
    let out = run(dir.path(), &["render", "--env", "dev"]);
    assert_eq!((out.code, out.stderr.as_str()), (1, example));
}

#[test]
fn notes_errors_hide_values() {
    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    for (notes, hidden) in [
        ("Your password: {{ Values.pw | int }}\n", "the string <hidden: 15 bytes> cannot be converted"),
        (
            "Your password: {{ Values.map | get(key=Values.pw) }}\n",
            "Map does not have a key <hidden: 15 bytes>",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        chart(dir.path(), &[("c.yaml", config), ("NOTES.txt", notes)]);
        let out = run(dir.path(), &["render", "chart", "--notes"]);
        assert_eq!(out.code, 1);
        assert!(!out.stderr.contains(MARKER), "{}", out.stderr);
        assert!(out.stderr.contains(hidden), "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!("1 | {}", notes.trim_end())),
            "the source is shown: {}",
            out.stderr
        );
    }
}

#[test]
fn a_secret_value_used_as_a_key_is_hidden_in_the_duplicate_key_error() {
    let template = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  {{ Values.pw }}: a\n  {{ Values.pw }}: b\n";
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), &[("s.yaml", template)]);
    let out = run(dir.path(), &["render", "chart"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "error: c/templates/s.yaml:7:20: not valid YAML: duplicate entry with key <hidden: 17 bytes>\nmade by line 7 of the template:\n7 |   {{ Values.pw }}: b\n(--debug prints the whole render of c/templates/s.yaml)\n"
        )
    );
    // A baseline's Secret, read by diff: no template says what it is, its text does.
    let baseline = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  {MARKER}: a\n  {MARKER}: b\n"
    );
    std::fs::write(dir.path().join("base.yaml"), baseline).unwrap();
    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    std::fs::write(dir.path().join("chart/templates/s.yaml"), config).unwrap();
    let out = run(dir.path(), &["diff", "chart", "--against", "base.yaml"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "error: base.yaml:7:17: not valid YAML: duplicate entry with key <hidden: 14 bytes>\n")
    );
    // Elsewhere the key is shown, with where it is.
    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1\n  a: 2\n";
    std::fs::write(dir.path().join("chart/templates/s.yaml"), config).unwrap();
    let out = run(dir.path(), &["render", "chart"]);
    assert!(
        out.stderr.starts_with(
            "error: c/templates/s.yaml:7:6: not valid YAML: data.a: duplicate entry with key \"a\"\n5 | data:"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_secret_value_used_as_a_key_is_masked_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let secret =
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  {{ Values.pw }}: a\n  plain: b\n";
    chart(dir.path(), &[("s.yaml", secret)]);
    let baseline = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  {MARKER}-pw: changed\n  plain: b\n"
    );
    std::fs::write(dir.path().join("base.yaml"), baseline).unwrap();
    for format in ["text", "summary", "json", "markdown"] {
        let out = run(dir.path(), &["diff", "chart", "--against", "base.yaml", "-o", format]);
        assert_eq!(out.code, 2, "{format}: {}", out.stderr);
        assert!(!out.stdout.contains(MARKER), "{format}:\n{}", out.stdout);
        if format != "summary" {
            assert!(out.stdout.contains("<masked key: 15 bytes, #"), "{format}:\n{}", out.stdout);
        }
    }
    let out = run(dir.path(), &["diff", "chart", "--against", "base.yaml"]);
    assert!(
        out.stdout.contains("plain: '<masked: 1 bytes>'"),
        "the chart's own key is shown:\n{}",
        out.stdout
    );
}
