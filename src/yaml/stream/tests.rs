use super::*;

fn texts(text: &str, markers: Markers) -> Vec<(usize, &str)> {
    split(text, markers, "s").unwrap().iter().map(|p| (p.text_line(), p.text)).collect()
}

fn sources(text: &str) -> Vec<(usize, &str)> {
    split(text, Markers::Yaml, "s").unwrap().iter().map(|p| (p.line, p.source)).collect()
}

#[test]
fn markers_blank_documents_and_line_breaks() {
    let stream = "a: |\n  x\n---\nb: 1\n--- # note\n\n---\n---x: 1\nc: |-\n  y\n";
    assert_eq!(
        texts(stream, Markers::Yaml),
        vec![(1, "a: |\n  x\n"), (4, "b: 1\n"), (8, "---x: 1\nc: |-\n  y\n")]
    );
    assert_eq!(texts("---\na: 1", Markers::Yaml), vec![(2, "a: 1")]);
    assert!(texts("", Markers::Yaml).is_empty());
    assert!(texts("---\n---\n# only\n---\n   \n...\n", Markers::Yaml).is_empty());
}

#[test]
fn content_on_the_marker_line_starts_the_document() {
    // As PyYAML writes flow style, block scalars and tagged documents.
    let stream = "{a: 1, b: [x]}\n--- {a: 2}\n--- |\n  text\n--- !!map\nc: 3\n---   'q'\n";
    assert_eq!(
        texts(stream, Markers::Yaml),
        vec![
            (1, "{a: 1, b: [x]}\n"),
            (2, "{a: 2}\n"),
            (3, "|\n  text\n"),
            (5, "!!map\nc: 3\n"),
            (7, "'q'\n")
        ]
    );
    assert_eq!(sources(stream)[1], (2, "--- {a: 2}\n"));
    assert_eq!(sources(stream)[3], (5, "--- !!map\nc: 3\n"));
}

#[test]
fn document_ends_directives_and_byte_order_marks() {
    let stream = "\u{feff}%YAML 1.1\n%TAG ! tag:example.com:\n---\na: 1\n...\n# between\n\u{feff}--- \nb: 2\n...\nc: 3\n";
    assert_eq!(texts(stream, Markers::Yaml), vec![(4, "a: 1\n"), (8, "b: 2\n"), (10, "c: 3\n")]);
    assert_eq!(sources(stream)[0], (1, "%YAML 1.1\n%TAG ! tag:example.com:\n---\na: 1\n"));
    // `...` ends a document in the middle of a stream, and a bare one may follow.
    assert_eq!(texts("a: 1\n...\nb: 2\n", Markers::Yaml), vec![(1, "a: 1\n"), (3, "b: 2\n")]);
    // Comments just before a bare document open its text; before a marker, they do not.
    assert_eq!(texts("\n# c\na: 1\n", Markers::Yaml), vec![(2, "# c\na: 1\n")]);
    assert_eq!(texts("# c\n---\na: 1\n", Markers::Yaml), vec![(3, "a: 1\n")]);
    // Only at the start of a line, followed by a blank or the end.
    assert_eq!(texts("a: ...\n....x: 1\n", Markers::Yaml), vec![(1, "a: ...\n....x: 1\n")]);
    let err = split("%YAML 1.2\na: 1\n", Markers::Yaml, "base.yaml").unwrap_err().to_string();
    assert_eq!(err, "base.yaml:2:1: expected `---` after the YAML directives, found content");
    assert!(split("%YAML 1.2\n", Markers::Yaml, "b").is_err());
}

#[test]
fn helm_markers_split_glued_text_too() {
    let text = "\n---\n\n---\na: 1\n--- # note\nb: 2\n---c: 3\n";
    let pieces = split(text, Markers::Helm, "t").unwrap();
    let trimmed: Vec<(usize, &str)> = pieces.iter().map(|p| (p.text_line(), p.text.trim_end())).collect();
    assert_eq!(trimmed, vec![(5, "a: 1"), (6, "# note\nb: 2"), (8, "c: 3")]);
    assert_eq!(pieces[2].source, "c: 3\n");
    // YAML markers would keep `---c: 3` in the document before.
    assert_eq!(texts(text, Markers::Yaml).len(), 2);
}

#[test]
fn carriage_returns_and_markers_inside_block_scalars() {
    assert_eq!(texts("a: 1\r\n---\r\nb: 2\r\n", Markers::Yaml), vec![(1, "a: 1\r\n"), (3, "b: 2\r\n")]);
    // A marker at the start of a line ends a block scalar too, as YAML says.
    assert_eq!(texts("a: |\n  x\n---\n  y\n", Markers::Yaml), vec![(1, "a: |\n  x\n"), (4, "  y\n")]);
}

#[test]
fn documents_are_counted_and_blank_ones_cost_nothing() {
    let blanks = "---\n".repeat(200_000);
    assert!(split(&blanks, Markers::Yaml, "b").unwrap().is_empty());
    // Empty documents count: four here.
    let four = "a: 1\n---\nb: 2\n---\n---\nc: 3\n";
    let count = |limit| {
        let mut pieces = 0;
        each_at_most(four, Markers::Yaml, "b", limit, |_| {
            pieces += 1;
            Ok(())
        })
        .map(|()| pieces)
    };
    assert_eq!(count(4).unwrap(), 3);
    let err = count(3).unwrap_err().to_string();
    assert_eq!(
        err,
        "b:5:1: more than 3 YAML documents in one stream (limit stream-documents; raise it with --limit stream-documents=N); refusing it"
    );
}
