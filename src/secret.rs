//! The one place that decides what text of a possible Secret may be shown: a document
//! that is a Secret (by its parsed kind) or might be one (when it cannot be parsed, or a
//! template that might render one) never has its text quoted in an error, and a
//! Secret's values are masked in reports. A leaf: every stage asks it.

/// True for a `Secret`, whose `data` and `stringData` hold secrets: the core group's, and
/// conservatively a kind of that name in any group.
pub fn is_secret(_group: &str, kind: &str) -> bool {
    kind == "Secret"
}

/// True if a document that could not be parsed might be a Secret: conservatively, when
/// its text mentions `Secret` in any spelling YAML could decode to it (quoted, escaped,
/// commented, tagged, in flow or block style).
pub fn may_be_secret_text(text: &str) -> bool {
    text.contains("Secret") || text.contains('\\') || text.contains('!') || text.contains('&')
}

/// `message` with every `quoted` part (Tera quotes values and names so) replaced by its
/// size: `<hidden: N bytes>`.
pub fn hide_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find('`') {
        let Some(len) = rest[start + 1..].find('`') else { break };
        out.push_str(&rest[..start]);
        out.push_str(&format!("`<hidden: {len} bytes>`"));
        rest = &rest[start + 1 + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_secrets_in_any_group() {
        assert!(is_secret("", "Secret"));
        assert!(is_secret("example.com", "Secret"), "conservatively");
        assert!(!is_secret("", "ConfigMap"));
    }

    #[test]
    fn quoted_parts_are_hidden() {
        assert_eq!(
            hide_quoted("The string `hunter2` cannot be converted to an int in `base` 10"),
            "The string `<hidden: 7 bytes>` cannot be converted to an int in `<hidden: 4 bytes>` 10"
        );
        assert_eq!(hide_quoted("no quotes, one ` left"), "no quotes, one ` left");
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
            assert!(may_be_secret_text(text), "{text}");
        }
        assert!(!may_be_secret_text("kind: ConfigMap\ndata:\n  a: [b"));
    }
}
