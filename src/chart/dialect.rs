//! Which template language a chart is written in: Helm's Go templates or rudder's Tera.
//!
//! The rule, in order:
//! 1. `rudder.dev/templates: go` or `tera` in `Chart.yaml`'s annotations decides (any
//!    other value is an error);
//! 2. otherwise the templates tell: `{%` or `{#` tags, or `{{ <Component`, `{{ name(…`,
//!    `{{ Name.…` or any first word that is not a Go keyword or a Helm function (Tera's
//!    components, calls and variables) are Tera's; `{{ .`, `{{ $`, `{{/*`, or a Go keyword
//!    or Helm function (`{{ if`, `{{ define`, `{{ include`, `{{ end`…) as the first word
//!    are Go's; each `{{` is read with its trim marker (`{{-`); `NOTES.txt` is not read
//!    (a render never prints it);
//! 3. signs of both in one chart are an error that asks for the annotation; signs of
//!    neither (a chart of plain YAML) mean Tera, which renders such text as it is.

use super::Chart;
use anyhow::{Result, bail};

/// A chart's template language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Go templates, as Helm renders them: translated to Tera on the fly.
    Go,
    /// rudder's own Tera templates.
    Tera,
}

impl Dialect {
    /// The annotation's value for this dialect.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Go => "go",
            Dialect::Tera => "tera",
        }
    }
}

/// The annotation that says a chart's dialect.
pub const ANNOTATION: &str = "rudder.dev/templates";

/// Go's keywords as the first word of an action.
const GO_KEYWORDS: &[&str] =
    &["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"];

impl Chart {
    /// The chart's dialect by the rule of this module; an error names the chart, the
    /// annotation and, for a mixed chart, a template of each kind.
    pub fn dialect(&self) -> Result<Dialect> {
        if let Some(value) = self.meta.annotations.get(ANNOTATION) {
            return match value.trim() {
                "go" => Ok(Dialect::Go),
                "tera" => Ok(Dialect::Tera),
                other => bail!(
                    "{}: annotation {ANNOTATION} is {other:?}; it must be \"go\" or \"tera\"",
                    self.dir.join("Chart.yaml").display()
                ),
            };
        }
        let (mut go, mut tera) = (None, None);
        for template in self.templates.iter().filter(|t| !t.path.ends_with("NOTES.txt")) {
            let (is_go, is_tera) = signs(&template.text);
            if is_go && go.is_none() {
                go = Some(template.path.as_str());
            }
            if is_tera && tera.is_none() {
                tera = Some(template.path.as_str());
            }
        }
        match (go, tera) {
            (Some(g), Some(t)) => bail!(
                "{}: cannot tell whether the chart's templates are Go templates (templates/{g}) or Tera (templates/{t}); say which with `annotations: {{{ANNOTATION}: go}}` (or `tera`) in Chart.yaml",
                self.dir.display()
            ),
            (Some(_), None) => Ok(Dialect::Go),
            _ => Ok(Dialect::Tera),
        }
    }
}

/// Whether `text` shows signs of Go templates and of Tera. Each dialect's comments are
/// left out when looking for the other's signs (a Tera comment may quote Go, and back).
/// One pass of a substring searcher per question: a chart's CRDs run to megabytes.
pub fn signs(text: &str) -> (bool, bool) {
    let without_go_comments = without(text, "{{/*", "*/}}");
    let without_go_comments = without(&without_go_comments, "{{- /*", "*/");
    let tera = contains(&without_go_comments, "{%") || contains(&without_go_comments, "{#");
    let text = without(text, "{#", "#}");
    let mut go = false;
    let mut tera_action = false;
    for at in memchr::memmem::find_iter(text.as_bytes(), "{{") {
        let rest = &text[at + 2..];
        let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
        let word_end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let word = &rest[..word_end];
        let after = rest[word_end..].chars().next();
        if rest.starts_with('.') || rest.starts_with('$') || rest.starts_with("/*") {
            go = true;
        } else if GO_KEYWORDS.contains(&word) && matches!(after, Some('.' | '$')) {
            // `{{- range.spec.ports }}`: a Go keyword glued to its pipeline.
            go = true;
        } else if rest.starts_with('<') || (!word.is_empty() && matches!(after, Some('.' | '(' | '['))) {
            tera_action = true;
        } else if word.is_empty()
            || ["true", "false", "nil"].contains(&word)
            || word.chars().next().is_some_and(|c| c.is_ascii_digit())
        {
            // A literal or punctuation reads the same in both.
        } else if GO_KEYWORDS.contains(&word) || crate::translate::funcs::lookup(word).is_some() {
            go |= after.is_none_or(|c| c.is_whitespace() || c == '-' || c == '}');
        } else {
            // A name Go does not know as a function: a Tera variable.
            tera_action = true;
        }
        if go && (tera || tera_action) {
            break;
        }
    }
    (go, tera || tera_action)
}

fn contains(text: &str, needle: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some()
}

/// `text` without the spans from `open` to the next `close` (borrowed if it has none).
fn without<'t>(text: &'t str, open: &str, close: &str) -> std::borrow::Cow<'t, str> {
    let find = |hay: &str, needle: &str| memchr::memmem::find(hay.as_bytes(), needle.as_bytes());
    let Some(first) = find(text, open) else { return std::borrow::Cow::Borrowed(text) };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut next = Some(first);
    while let Some(at) = next {
        out.push_str(&rest[..at]);
        match find(&rest[at + open.len()..], close) {
            Some(end) => rest = &rest[at + open.len() + end + close.len()..],
            None => return std::borrow::Cow::Owned(out),
        }
        next = find(rest, open);
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::signs;

    #[test]
    fn signs_of_each_dialect() {
        assert_eq!(signs("a: {{ .Values.x }}"), (true, false));
        assert_eq!(signs("{{- include \"x\" . }}"), (true, false));
        assert_eq!(signs("{{/* c */}}"), (true, false));
        assert_eq!(signs("{{ end }}"), (true, false));
        assert_eq!(signs("a: {{ Values.x }}"), (false, true));
        assert_eq!(signs("{% if x %}y{% endif %}"), (false, true));
        assert_eq!(signs("{{ <Labels /> }}"), (false, true));
        assert_eq!(signs("{{ tpl(template=x) }}"), (false, true));
        assert_eq!(signs("plain: yaml"), (false, false));
        assert_eq!(signs("{{ \"x\" }}"), (false, false));
        assert_eq!(signs("{{- Values | to_yaml }}"), (false, true));
        assert_eq!(signs("{{ toYaml .x }}"), (true, false));
        assert_eq!(signs("{{ .Values.x }}{% raw %}"), (true, true));
        assert_eq!(signs("{#- Helm wrote `{{ include \"x\" . }}` -#}{{ <X /> }}"), (false, true));
        assert_eq!(signs("{{/* Tera would write {% if %} */}}{{ .Values.x }}"), (true, false));
        assert_eq!(signs("{{- range.spec.ports }}{{ if$x }}"), (true, false));
    }
}
