//! Glob patterns (`.helmignore`, `files(glob=...)`, `--show-only`): the one place they are
//! compiled, with a bound on their length (globset panics on very long patterns).

use anyhow::{Result, bail};
use globset::{GlobBuilder, GlobMatcher};

/// Compiles a `--show-only` pattern: a template's path under the root chart
/// (`templates/x.yaml`, `charts/sub/templates/*.yaml`), a leading `./` allowed.
pub fn template_matcher(pattern: &str) -> Result<GlobMatcher> {
    matcher(pattern.trim_start_matches("./"), false)
}

/// Compiles `pattern`: `*` never crosses `/`; with `backslash_escape`, `\` escapes the
/// next character (as in `.helmignore`).
pub fn matcher(pattern: &str, backslash_escape: bool) -> Result<GlobMatcher> {
    let limit = crate::limits::PATTERN_LENGTH.get_usize();
    if pattern.len() > limit {
        bail!(
            "the pattern is {} characters long, over the limit of {limit} (limit pattern-length)",
            pattern.len()
        );
    }
    let glob =
        GlobBuilder::new(pattern).literal_separator(true).backslash_escape(backslash_escape).build()?;
    Ok(glob.compile_matcher())
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_patterns_are_refused_not_panicked_on() {
        let long = "a".repeat(500_000);
        assert!(super::matcher(&long, true).unwrap_err().to_string().contains("over the limit of 4096"));
        assert!(super::matcher("templates/*.yaml", false).unwrap().is_match("templates/a.yaml"));
        assert!(!super::matcher("templates/*", false).unwrap().is_match("templates/a/b.yaml"));
    }
}
