//! The one place that decides what text of a possible Secret may be shown: a document
//! that is a Secret (by its parsed kind) or might be one (when it cannot be parsed) never
//! has its text quoted in an error, and a Secret's values are masked in reports.

/// True for the core group's `Secret` kind, whose `data` and `stringData` hold secrets.
pub fn is_secret(group: &str, kind: &str) -> bool {
    group.is_empty() && kind == "Secret"
}

/// True if a document that could not be parsed might be a Secret: conservatively, when
/// its text mentions `Secret` in any spelling YAML could decode to it (quoted, escaped,
/// commented, tagged, in flow or block style).
pub fn may_be_secret_text(text: &str) -> bool {
    text.contains("Secret") || text.contains('\\') || text.contains('!') || text.contains('&')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_core_secrets_are_secrets() {
        assert!(is_secret("", "Secret"));
        assert!(!is_secret("example.com", "Secret"));
        assert!(!is_secret("", "ConfigMap"));
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
