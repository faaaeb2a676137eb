use super::*;

#[test]
fn secrets_are_secrets_in_any_group() {
    assert!(is_secret("", "Secret"));
    assert!(is_secret("example.com", "Secret"), "conservatively");
    assert!(!is_secret("", "ConfigMap"));
}

#[test]
fn values_are_hidden_in_a_possible_secret_and_shown_elsewhere() {
    let message = format!("printf: %d needs an integer, got {}", value("hunter2"));
    assert_eq!(shown(&message, false, None), "printf: %d needs an integer, got hunter2");
    assert_eq!(shown(&message, true, None), "printf: %d needs an integer, got <hidden: 7 bytes>");
    // A value cannot close its own mark.
    let sneaky = format!("got {}", value("a\u{E001}b"));
    assert_eq!(shown(&sneaky, true, None), "got <hidden: 2 bytes>");
}

#[test]
fn teras_quoted_names_are_shown_and_quoted_values_hidden() {
    let line = Some("      imagePullSecrets: {{ Values.imagePullSecret }}");
    assert_eq!(
        shown("Field `imagePullSecret` is not defined. Available fields: pw", true, line),
        "Field `imagePullSecret` is not defined. Available fields: pw"
    );
    let line = Some("  n: {{ Values.pw | int }}");
    assert_eq!(
        shown("The string `hunter2` cannot be converted to an int in base 10", true, line),
        "The string `<hidden: 7 bytes>` cannot be converted to an int in base 10"
    );
    // A value that is only part of a word on the line is still hidden.
    assert_eq!(
        shown("Value `pw` is out of range", true, Some("{{ Values.pwd }}")),
        "Value `<hidden: 2 bytes>` is out of range"
    );
    assert_eq!(shown("expected `&str` got `map`", true, None), "expected `&str` got `map`");
    assert_eq!(shown("Unable to perform 1234 + \"x\"", true, None), "Unable to perform <hidden: 10 bytes>");
    assert_eq!(
        shown("Map does not have a key hunter2 and no default values were defined", true, None),
        "Map does not have a key <hidden: 7 bytes> and no default values were defined"
    );
    assert_eq!(
        shown("The float 3.14 cannot be converted to an int", true, None),
        "The float <hidden: 4 bytes> cannot be converted to an int"
    );
    assert_eq!(shown("unclosed `quote", true, None), "unclosed `quote");
}

#[test]
fn a_template_may_render_a_secret_by_its_kind_lines() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      imagePullSecrets: {{ Values.x }}\n      containers:\n        - env:\n            - valueFrom:\n                secretKeyRef: {name: s, key: k}\n";
    assert!(!template_may_render_secret("c/templates/d.yaml", deployment));
    for secret in [
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
        "kind: \"Secret\" # a comment\n",
        "kind: {{ Values.kind }}\n",
        "kind: {% if x %}Secret{% else %}ConfigMap{% endif %}\n",
        "kind: !!str Secret\n",
        "kind: &k Secret\n",
        "kind: |-\n  Secret\n",
        "kind: \"Sec\\x72et\"\n",
        "apiVersion: v1\nkind: List\nitems: []\n",
        // A document without a literal kind: it comes from values or an include.
        "kind: ConfigMap\n---\n{{ Values.extra | to_yaml }}\n",
        "{% include \"_secret.yaml\" %}\n",
        "{\"apiVersion\": \"v1\", \"kind\": \"Secret\"}\n",
        "kind: ConfigMap\ndata: {}\n{{ tpl(template=Values.extraManifests) }}\n",
    ] {
        assert!(template_may_render_secret("c/templates/x.yaml", secret), "{secret}");
    }
    assert!(template_may_render_secret("c/templates/NOTES.txt", "Thanks!"));
    // Control tags and comments between documents are not content.
    let two = "{{- if x }}\nkind: ConfigMap\n{{- end }}\n---\n{% if y %}\n# only a comment\n{# tera #}\n{% endif %}\n";
    assert!(!template_may_render_secret("c/templates/x.yaml", two));
    // A helper partial has no kind; nested `kind:` keys are not the document's.
    assert!(!partial_may_render_secret("{{- define }}\napp: web\n  kind: Secret\n"));
    assert!(partial_may_render_secret("kind: Secret\n"));
}

#[test]
fn unparsed_text_is_suspect_in_every_spelling() {
    for text in [
        "kind: Secret",
        "kind: \"Secret\"",
        "kind: 'Secret' # c",
        "{\"kind\": \"Secret\"}",
        "kind: \"Sec\\x72et\"",
        "kind: !!str Secret",
    ] {
        assert!(unparsed_may_be_secret(text), "{text}");
    }
    assert!(!unparsed_may_be_secret("kind: ConfigMap\ndata:\n  a: [b"));
}
