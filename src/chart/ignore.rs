//! `.helmignore`: which chart files are left out when a chart directory is loaded.
//!
//! Helm's syntax: one glob per line, `#` comments; a pattern without `/` matches a
//! base name at any depth, a pattern with `/` matches the path from the chart root (a
//! leading `/` anchors it), a trailing `/` matches directories only, and `templates/.?*`
//! (dot files directly in `templates/`) is always ignored. Unlike Helm, `!pattern`
//! re-includes what an earlier line ignored and the last matching line decides, as in
//! `.gitignore` (Helm's negation ignores everything that does not match).

use anyhow::{Result, anyhow};
use globset::GlobMatcher;

/// The parsed rules of one chart's `.helmignore`.
#[derive(Debug, Default)]
pub struct Ignore {
    rules: Vec<Rule>,
}

#[derive(Debug)]
struct Rule {
    matcher: GlobMatcher,
    negate: bool,
    dirs_only: bool,
    on_basename: bool,
}

impl Ignore {
    /// Parses `.helmignore` text read from `path`; errors read `path:line:1: message`.
    pub fn parse(text: &str, path: &str) -> Result<Ignore> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut ignore = Ignore::default();
        ignore.add("templates/.?*").expect("the built-in rule is valid");
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            ignore.add(line).map_err(|e| anyhow!("{path}:{}:1: {e}", index + 1))?;
        }
        Ok(ignore)
    }

    fn add(&mut self, line: &str) -> Result<()> {
        let (negate, pattern) = match line.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let (dirs_only, pattern) = match pattern.strip_suffix('/') {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        let on_basename = !pattern.contains('/');
        let pattern = pattern.trim_start_matches('/');
        if pattern.is_empty() {
            return Err(anyhow!("empty pattern {line:?}"));
        }
        let matcher = crate::glob::matcher(pattern, true).map_err(|e| {
            let shown: String = line.chars().take(80).collect();
            anyhow!("invalid pattern {shown:?}: {e}")
        })?;
        self.rules.push(Rule { matcher, negate, dirs_only, on_basename });
        Ok(())
    }

    /// True if `path` (relative to the chart root, `/`-separated) is ignored.
    pub fn is_ignored(&self, path: &str, is_dir: bool) -> bool {
        let basename = path.rsplit('/').next().unwrap_or(path);
        let mut ignored = false;
        for rule in &self.rules {
            if rule.dirs_only && !is_dir {
                continue;
            }
            let subject = if rule.on_basename { basename } else { path };
            if rule.matcher.is_match(subject) {
                ignored = !rule.negate;
            }
        }
        ignored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> Ignore {
        Ignore::parse(text, ".helmignore").unwrap()
    }

    #[test]
    fn basename_patterns_match_at_any_depth() {
        let rules = ignore("*.bak\n# comment\n\ndocs/\n");
        assert!(rules.is_ignored("x.bak", false));
        assert!(rules.is_ignored("templates/deep/x.bak", false));
        assert!(rules.is_ignored("templates/docs", true));
        assert!(!rules.is_ignored("templates/docs", false));
        assert!(!rules.is_ignored("x.yaml", false));
    }

    #[test]
    fn path_patterns_are_anchored_and_star_stays_in_one_segment() {
        let rules = ignore("a/*.txt\n/top.txt\n");
        assert!(rules.is_ignored("a/x.txt", false));
        assert!(!rules.is_ignored("a/b/x.txt", false));
        assert!(!rules.is_ignored("b/a/x.txt", false));
        assert!(rules.is_ignored("top.txt", false));
        assert!(!rules.is_ignored("sub/top.txt", false));
    }

    #[test]
    fn dot_files_in_templates_are_always_ignored() {
        let rules = ignore("");
        assert!(rules.is_ignored("templates/.hidden.yaml", false));
        assert!(!rules.is_ignored("templates/shown.yaml", false));
        assert!(!rules.is_ignored(".helmignore", false));
    }

    #[test]
    fn negation_re_includes_like_gitignore() {
        let rules = ignore("*.txt\n!keep.txt\n");
        assert!(rules.is_ignored("drop.txt", false));
        assert!(!rules.is_ignored("keep.txt", false));
        assert!(!rules.is_ignored("Chart.yaml", false));
    }

    #[test]
    fn bad_patterns_name_the_line() {
        let err = Ignore::parse("ok\n[unclosed\n", ".helmignore").unwrap_err().to_string();
        assert!(err.starts_with(".helmignore:2:1: invalid pattern \"[unclosed\""), "{err}");
    }
}
