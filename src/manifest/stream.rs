//! Documents out of text: a template's output split as Helm splits it, and a YAML stream
//! (a baseline, or a printed render read back) split as kubectl splits it. Both parse
//! each document as kubectl reads it from a printed stream.

use super::document::{self, Document};
use anyhow::Result;

/// Splits a rendered file at lines starting with `---` (text after the marker begins the
/// next document, as in Helm); yields each non-empty document, trimmed, with the 1-based
/// line it starts on.
pub fn split(text: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix("---") {
            push_piece(&mut pieces, text, start, offset, start_line);
            start = offset + 3 + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
            start_line = index + 1;
        }
        offset += line.len();
    }
    push_piece(&mut pieces, text, start, text.len(), start_line);
    pieces
}

fn push_piece<'t>(pieces: &mut Vec<(usize, &'t str)>, text: &'t str, start: usize, end: usize, line: usize) {
    let piece = &text[start..end];
    let trimmed = piece.trim();
    if trimmed.is_empty() {
        return;
    }
    let leading_lines = piece[..piece.len() - piece.trim_start().len()].matches('\n').count();
    pieces.push((line + leading_lines, trimmed));
}

/// One rendered document (`text`, trimmed, from template `source` at `line`), parsed as
/// printed: its text and a line break. `None` for a comment-only document.
pub fn rendered(source: &str, text: &str, line: usize) -> Result<Option<Document>> {
    let printed = format!("{text}\n");
    let Some(value) = document::parse(source, &printed, line)? else { return Ok(None) };
    document::one(value, source, line, text).map(Some)
}

/// Parses again the text of a document read with [`super::Detail::Text`], for its value.
pub fn reparse(document: &mut Document) -> Result<()> {
    let printed = format!("{}\n", document.text);
    document.value = document::parse(&document.source, &printed, document.line)?.unwrap_or_default();
    Ok(())
}

/// The resources of a YAML stream read from `origin` (a file name or `<stdin>`), each
/// document parsed as kubectl parses it (see [`crate::yaml::split_stream`]). `List` kinds
/// are opened into their items; empty and comment-only documents are skipped.
pub fn read(text: &str, origin: &str) -> Result<Vec<Document>> {
    Ok(read_pieces(&crate::yaml::split_stream(text), origin)?.into_iter().flatten().collect())
}

/// As [`read`], for some of the documents of a stream split by
/// [`crate::yaml::split_stream`]: the resources of each, in order, or the first error.
pub fn read_pieces(pieces: &[(usize, &str)], origin: &str) -> Result<Vec<Vec<Document>>> {
    crate::parallel::map(pieces, |&(start, piece)| {
        let Some(value) = document::parse(origin, piece, start)? else { return Ok(Vec::new()) };
        let blank_lines = piece.len() - piece.trim_start().len();
        let line = start + piece[..blank_lines].matches('\n').count();
        document::resources(value, origin, line, piece.trim())
    })
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_handles_markers_blank_documents_and_glued_text() {
        let text = "\n---\n\n---\na: 1\n--- # note\nb: 2\n---c: 3\n";
        assert_eq!(split(text), vec![(5, "a: 1"), (6, "# note\nb: 2"), (8, "c: 3")]);
        assert_eq!(split("a: 1\n"), vec![(1, "a: 1")]);
        assert!(split("  \n---\n").is_empty());
    }

    #[test]
    fn identity_drops_the_version_and_defaults_the_namespace() {
        let stream = "# Source: x\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: other}\n";
        let documents = read(stream, "base.yaml").unwrap();
        let id = documents[0].id("ns");
        assert_eq!(id.to_string(), "Deployment/web (apps)");
        assert_eq!(id.namespace, "ns");
        assert_eq!(documents[0].origin(), "base.yaml:1");
        assert_eq!(documents[1].id("ns").group, "");
        assert_eq!(documents[1].id("ns").namespace, "other");
    }

    #[test]
    fn lists_are_opened_and_blank_documents_skipped() {
        let stream = "---\n# only a comment\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n";
        let names: Vec<String> = read(stream, "f").unwrap().into_iter().map(|d| d.name).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn errors_name_file_line_and_column_without_quoting_a_secret() {
        let stream = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\napiVersion: v1\nkind: Secret\ndata:\n  password: [hunter2\n";
        let err = read(stream, "base.yaml").unwrap_err().to_string();
        assert!(err.starts_with("base.yaml:9:1: not valid YAML: "), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let err = read("apiVersion: v1\nkind: Secret\n", "base.yaml").unwrap_err();
        assert_eq!(err.to_string(), "base.yaml:1:1: the Secret document has no metadata.name");
        let err = read("a: [1\n", "base.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "base.yaml:2:1: not valid YAML: did not find expected ',' or ']', while parsing a flow sequence"
        );
        let err = read("a: b: c\n", "base.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "base.yaml:1:5: not valid YAML: mapping values are not allowed in this context\n1 | a: b: c\n  |     ^"
        );
    }

    #[test]
    fn a_printed_render_reads_back_as_rendered() {
        let rendered = rendered(
            "c/templates/cm.yaml",
            "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: a\ndata:\n  s: |\n    x",
            3,
        )
        .unwrap()
        .unwrap();
        let printed = format!("---\n# Source: c/templates/cm.yaml\n{}\n", rendered.text);
        let read_back = read(&printed, "printed").unwrap();
        assert_eq!(read_back[0].value, rendered.value);
        assert_eq!(rendered.value["data"]["s"], serde_yaml::Value::String("x\n".into()));
    }
}
