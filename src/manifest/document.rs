//! The one model of a rendered resource, for renders and baselines alike: its text as
//! printed, its parsed value, where it comes from (template path or file, and its first
//! line there), and its identity.

use super::Hook;
use crate::yaml::Schema;
use anyhow::{Result, anyhow, bail};
use serde_yaml::Value;
use std::fmt;

/// One Kubernetes resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The template's source path (`journal/templates/x.yaml`), or the file it was read from.
    pub source: String,
    /// Its first line in that template's output, or in that file.
    pub line: usize,
    /// The document's text as printed, without the final line break.
    pub text: String,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// `metadata.namespace`, if the document names one.
    pub namespace: Option<String>,
    /// Its `helm.sh/hook` annotation: hooks are printed after the rest.
    pub hook: Hook,
    /// The document parsed (a mapping), as kubectl reads it; `Null` when the manifest
    /// stage was asked for text only ([`super::Detail::Text`]).
    pub value: Value,
}

/// What makes two documents the same resource: the version of `apiVersion` is left out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId {
    /// API group; empty for the core group.
    pub group: String,
    pub kind: String,
    /// `metadata.namespace`, or the namespace a document without one belongs to.
    pub namespace: String,
    pub name: String,
}

impl fmt::Display for ResourceId {
    /// `Deployment/frontend (apps)`; the core group reads `(core)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = if self.group.is_empty() { "core" } else { &self.group };
        write!(f, "{}/{} ({group})", self.kind, self.name)
    }
}

impl Document {
    /// The API group of `apiVersion` (empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(group, _)| group)
    }

    /// Its identity; a document without a namespace belongs to `default_namespace`.
    pub fn id(&self, default_namespace: &str) -> ResourceId {
        ResourceId {
            group: self.group().to_string(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone().unwrap_or_else(|| default_namespace.to_string()),
            name: self.name.clone(),
        }
    }

    /// `source:line`, for messages.
    pub fn origin(&self) -> String {
        format!("{}:{}", self.source, self.line)
    }

    /// Writes the document as a render prints it after its `---` line: `# Source:
    /// <path>`, then its text and a line break. `diff` finds unchanged documents of a
    /// printed render by this text.
    pub fn write_printed<W: std::io::Write + ?Sized>(&self, out: &mut W) -> std::io::Result<()> {
        writeln!(out, "# Source: {}\n{}", self.source, self.text)
    }
}

/// Parses `printed` (one document's text as printed: what kubectl reads) from `source`,
/// starting at `line`. `None` for an empty or comment-only document. Errors read
/// `source:line:col: message`, then the document's lines around the fault, numbered as
/// in `source`, only when the document cannot be a Secret: `secret` says whether it may
/// be one (its template's reading), `None` for a document no template made (a baseline's),
/// whose text is read for a hint of one.
pub fn parse(source: &str, printed: &str, line: usize, secret: Option<bool>) -> Result<Option<Value>> {
    crate::yaml::parse_document(printed, Schema::Kube).map(|v| (!v.is_null()).then_some(v)).map_err(|e| {
        let (at_line, column) = e.location().map_or((line, 1), |l| (line + l.line() - 1, l.column()));
        let message = crate::yaml::error_message(&e);
        let head = format!("{source}:{at_line}:{column}: not valid YAML: ");
        let error = InvalidYaml {
            hidden: format!(
                "{head}{}",
                crate::secret::shown(crate::yaml::without_path(&message), true, None)
            ),
            shown: format!(
                "{head}{}{}",
                crate::secret::shown(&message, false, None),
                excerpt(printed, line, at_line, column)
            ),
            path: source.to_string(),
            secret: secret.unwrap_or_else(|| crate::secret::unparsed_may_be_secret(printed)),
        };
        anyhow::Error::new(error)
    })
}

/// A document that is not valid YAML, told two ways: with its lines and the value text of
/// the message, or without (it may be a Secret). It reads as `secret` says; a rendered
/// document's caller, which can read its template, may decide again
/// ([`InvalidYaml::reveal`]).
#[derive(Debug)]
pub struct InvalidYaml {
    pub path: String,
    hidden: String,
    shown: String,
    secret: bool,
}

impl InvalidYaml {
    /// The error as told when its document cannot be a Secret.
    pub fn reveal(&self) -> &str {
        &self.shown
    }
}

impl fmt::Display for InvalidYaml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.secret { &self.hidden } else { &self.shown })
    }
}

impl std::error::Error for InvalidYaml {}

/// Lines of `text` (whose first line is line `first`) around line `at`: two before, one
/// after, each with its number, and a caret under `column` of line `at`.
fn excerpt(text: &str, first: usize, at: usize, column: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let index = at - first;
    if index >= lines.len() {
        return String::new();
    }
    let shown = index.saturating_sub(2)..(index + 2).min(lines.len());
    let width = (first + shown.end - 1).to_string().len();
    let mut out = String::new();
    for i in shown {
        out.push_str(format!("\n{:>width$} | {}", first + i, lines[i]).trim_end());
        if i == index {
            out.push_str(&format!("\n{:width$} | {}^", "", " ".repeat(column.saturating_sub(1))));
        }
    }
    out
}

/// The resources of a parsed baseline document: itself, or the items of a `…List`.
pub fn resources(value: Value, source: &str, line: usize, text: &str) -> Result<Vec<Document>> {
    let is_list = text_at(&value, &["kind"]).is_some_and(|k| k.ends_with("List"));
    if let (true, Some(Value::Sequence(items))) = (is_list, value.get("items")) {
        let mut documents = Vec::new();
        for item in items {
            let item_text = crate::yaml::to_string(item).trim_end().to_string();
            documents.extend(resources(item.clone(), source, line, &item_text)?);
        }
        return Ok(documents);
    }
    Ok(vec![one(value, source, line, text)?])
}

/// A parsed document as a resource: it must be a mapping with `apiVersion`, `kind` and
/// `metadata.name`.
pub fn one(value: Value, source: &str, line: usize, text: &str) -> Result<Document> {
    let at = format!("{source}:{line}:1");
    if !value.is_mapping() {
        bail!("{at}: the document is {}, not a mapping", crate::yaml::kind_name(&value));
    }
    let kind = text_at(&value, &["kind"]).ok_or_else(|| anyhow!("{at}: the document has no kind"))?;
    let missing = |what: &str| anyhow!("{at}: the {kind} document has no {what}");
    let api_version = text_at(&value, &["apiVersion"]).ok_or_else(|| missing("apiVersion"))?;
    let name = text_at(&value, &["metadata", "name"]).ok_or_else(|| missing("metadata.name"))?;
    Ok(Document {
        source: source.to_string(),
        line,
        text: text.to_string(),
        api_version,
        kind,
        name,
        namespace: text_at(&value, &["metadata", "namespace"]),
        hook: Hook::of(&value),
        value,
    })
}

/// The non-empty string at `path`, if there is one.
fn text_at(value: &Value, path: &[&str]) -> Option<String> {
    path.iter().try_fold(value, |v, key| v.get(key))?.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}
