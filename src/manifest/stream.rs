//! Documents out of text: a template's output, and a YAML stream (a baseline, or a
//! printed render read back), both split by [`crate::yaml::stream`], each document parsed
//! as kubectl reads it from a printed stream.

use super::document::{self, Document};
use crate::yaml::stream::{Markers, Piece};
use anyhow::Result;

/// Splits a rendered file (template `source`) into documents as Helm does (see
/// [`crate::yaml::stream`]); yields each document with content, trimmed, with the
/// 1-based line it starts on.
pub fn split<'t>(text: &'t str, source: &str) -> Result<Vec<(usize, &'t str)>> {
    let pieces = crate::yaml::stream::split(text, Markers::Helm, source)?;
    Ok(pieces
        .iter()
        .map(|piece| {
            let leading = &piece.text[..piece.text.len() - piece.text.trim_start().len()];
            (piece.text_line() + leading.matches('\n').count(), piece.text.trim())
        })
        .collect())
}

/// One rendered document (`text`, trimmed, from template `source` at `line`), parsed as
/// printed: its text and a line break. `None` for a comment-only document.
/// An invalid document's error reads as for a possible Secret: the caller, which can read
/// its template, may reveal it ([`super::InvalidYaml`]).
pub fn rendered(source: &str, text: &str, line: usize) -> Result<Option<Document>> {
    let printed = format!("{text}\n");
    let Some(value) = document::parse(source, &printed, line, Some(true))? else { return Ok(None) };
    document::one(value, source, line, text).map(Some)
}

/// Parses again the text of a document read with [`super::Detail::Text`], for its value.
pub fn reparse(document: &mut Document) -> Result<()> {
    let printed = format!("{}\n", document.text);
    let secret = crate::secret::is_secret(document.group(), &document.kind);
    document.value =
        document::parse(&document.source, &printed, document.line, Some(secret))?.unwrap_or_default();
    Ok(())
}

/// The resources of a YAML stream read from `origin` (a file name or `<stdin>`), each
/// document parsed as kubectl parses it (split by [`crate::yaml::stream`]). `List` kinds
/// are opened into their items; empty and comment-only documents are skipped.
pub fn read(text: &str, origin: &str) -> Result<Vec<Document>> {
    let pieces = crate::yaml::stream::split(text, Markers::Yaml, origin)?;
    Ok(read_pieces(&pieces, origin)?.into_iter().flatten().collect())
}

/// As [`read`], for some of the documents of a stream: the resources of each, in order,
/// or the first error in the stream's order. A stream is read in parallel, a batch at a
/// time, so that a bad document stops the reading of the rest.
pub fn read_pieces(pieces: &[Piece], origin: &str) -> Result<Vec<Vec<Document>>> {
    let mut read = Vec::with_capacity(pieces.len());
    for batch in pieces.chunks(BATCH) {
        for documents in crate::parallel::map(batch, |piece| read_piece(piece, origin)) {
            read.push(documents?);
        }
    }
    Ok(read)
}

/// Documents read in parallel between two checks for an error.
const BATCH: usize = 4096;

/// The resources of one document of a stream.
pub fn read_piece(piece: &Piece, origin: &str) -> Result<Vec<Document>> {
    let Some(value) = document::parse(origin, piece.source, piece.line, None)? else { return Ok(Vec::new()) };
    let blank_lines = piece.text.len() - piece.text.trim_start().len();
    let line = piece.text_line() + piece.text[..blank_lines].matches('\n').count();
    document::resources(value, origin, line, piece.text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_handles_markers_blank_documents_and_glued_text() {
        let text = "\n---\n\n---\na: 1\n--- # note\nb: 2\n---c: 3\n";
        assert_eq!(split(text, "t").unwrap(), vec![(5, "a: 1"), (6, "# note\nb: 2"), (8, "c: 3")]);
        assert_eq!(split("a: 1\n", "t").unwrap(), vec![(1, "a: 1")]);
        assert!(split("  \n---\n", "t").unwrap().is_empty());
        assert_eq!(split("\n\n  a: 1\n", "t").unwrap(), vec![(3, "a: 1")]);
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
