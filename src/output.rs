//! Output: the ordered documents as one multi-document YAML stream, or as files under
//! `--output-dir` (one file per template, as `helm template --output-dir` writes them).

use crate::manifest::Document;
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes each document as `---`, `# Source: <path>`, then the document.
pub fn write_stream(documents: &[Document], out: &mut dyn Write) -> io::Result<()> {
    for document in documents {
        write_document(document, out)?;
    }
    Ok(())
}

fn write_document(document: &Document, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"---\n")?;
    document.write_printed(out)
}

/// Keeps the documents whose template matches one of `patterns` (`-s/--show-only`),
/// matched against the source path without the chart name, e.g. `templates/*.yaml` or
/// `charts/redis/templates/statefulset.yaml`; `*` does not cross `/`. A pattern that
/// matches nothing is an error.
pub fn show_only(documents: Vec<Document>, patterns: &[String]) -> Result<Vec<Document>> {
    if patterns.is_empty() {
        return Ok(documents);
    }
    let mut matchers = Vec::new();
    for pattern in patterns {
        let matcher = crate::glob::template_matcher(pattern)
            .with_context(|| format!("invalid --show-only pattern {pattern:?}"))?;
        matchers.push((pattern, matcher));
    }
    let relative =
        |d: &Document| d.source.split_once('/').map(|(_, rest)| rest.to_string()).unwrap_or_default();
    for (pattern, matcher) in &matchers {
        if !documents.iter().any(|d| matcher.is_match(relative(d))) {
            bail!("could not find template {pattern} in chart");
        }
    }
    Ok(documents.into_iter().filter(|d| matchers.iter().any(|(_, m)| m.is_match(relative(d)))).collect())
}

/// Writes one file per template under `dir` (`dir/<chart>/templates/<file>`), holding
/// that template's documents in output order. All files are written to a staging
/// directory inside `dir` first and then renamed into place, so a failure leaves no
/// half-written file behind. Returns the files written.
pub fn write_dir(documents: &[Document], dir: &Path) -> Result<Vec<PathBuf>> {
    let mut by_file: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for document in documents {
        let buffer = by_file.entry(document.source.clone()).or_default();
        write_document(document, buffer).expect("writing to memory");
    }
    crate::atomic::write_files(dir, &by_file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(source: &str, name: &str) -> Document {
        Document {
            source: source.into(),
            line: 1,
            namespace: None,
            text: format!("kind: ConfigMap\nmetadata:\n  name: {name}"),
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            name: name.into(),
            hook: crate::manifest::Hook::None,
            value: serde_yaml::Value::Null,
        }
    }

    #[test]
    fn stream_has_a_source_header_per_document() {
        let mut out = Vec::new();
        write_stream(&[doc("c/templates/a.yaml", "a"), doc("c/templates/a.yaml", "b")], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "---\n# Source: c/templates/a.yaml\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# Source: c/templates/a.yaml\nkind: ConfigMap\nmetadata:\n  name: b\n"
        );
    }

    #[test]
    fn show_only_matches_paths_without_the_chart_name() {
        let docs = vec![
            doc("c/templates/a.yaml", "a"),
            doc("c/templates/sub/b.yaml", "b"),
            doc("c/charts/s/templates/x.yaml", "x"),
        ];
        let names = |d: Vec<Document>| d.iter().map(|d| d.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(show_only(docs.clone(), &["templates/*".into()]).unwrap()), ["a"]);
        assert_eq!(
            names(
                show_only(docs.clone(), &["charts/s/templates/x.yaml".into(), "templates/sub/*".into()])
                    .unwrap()
            ),
            ["b", "x"]
        );
        assert_eq!(
            show_only(docs, &["templates/nope.yaml".into()]).unwrap_err().to_string(),
            "could not find template templates/nope.yaml in chart"
        );
    }

    #[test]
    fn write_dir_writes_one_file_per_template() {
        let dir = tempfile::tempdir().unwrap();
        let written =
            write_dir(&[doc("c/templates/a.yaml", "a"), doc("c/templates/a.yaml", "b")], dir.path()).unwrap();
        assert_eq!(written, vec![dir.path().join("c/templates/a.yaml")]);
        let text = std::fs::read_to_string(&written[0]).unwrap();
        assert_eq!(text.matches("# Source: c/templates/a.yaml").count(), 2);
        let leftovers: Vec<_> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("c")]);
    }
}
