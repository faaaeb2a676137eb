//! YAML streams split into documents: the one splitter for every stream rudder reads
//! (a template's output, a diff baseline from a file, standard input or a git revision, a
//! printed render read back).
//!
//! It follows YAML 1.2's stream rules (§9.2): a document starts at a `---` marker, which
//! may carry the start of its content on the same line (`--- {a: 1}`, `--- |`,
//! `--- !!map`, as PyYAML writes them), or bare, at its first content line; `...` ends a
//! document; `%` directives (`%YAML 1.2`, `%TAG`) and comments may stand between
//! documents; a byte-order mark may open the stream and each document's prefix. A marker
//! is `---` or `...` at the start of a line followed by a blank, a line break or the end.
//!
//! A template's output is split as Helm splits it ([`Markers::Helm`]): the same, and
//! `---` glued to text (`---apiVersion: v1`, which `{{- ... -}}` trimming makes) is a
//! marker too (Helm's `(?:^|\s*\n)---\s*`).
//!
//! Every document is counted against the `stream-documents` budget, empty ones included
//! (a stream of 25 million bare `---` lines is refused when the count passes the budget,
//! after one pass and no memory); documents that hold nothing but blanks and comments are
//! not yielded.

use anyhow::{Result, bail};

/// Which lines start a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markers {
    /// YAML 1.2's: `---` followed by a blank, a line break or the end.
    Yaml,
    /// Helm's for rendered templates: any line starting with `---`.
    Helm,
}

/// One document of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'t> {
    /// The document's content as written: from just after its `---` marker and the
    /// blanks after it (or from its first line, for a bare document) to the line before
    /// the next marker or `...`, final line break included.
    pub text: &'t str,
    /// The document as a YAML parser reads it: `text` with the directives and the `---`
    /// marker before it, when they share no line with other content; its first line is
    /// line [`Piece::line`] of the stream (or of the marker's line when it has one).
    pub source: &'t str,
    /// The 1-based line of the stream on which `source` starts.
    pub line: usize,
}

impl Piece<'_> {
    /// The 1-based line of the stream on which [`Piece::text`] starts.
    pub fn text_line(&self) -> usize {
        let before = &self.source[..self.source.len() - self.text.len()];
        self.line + before.matches('\n').count()
    }
}

/// Where a line stands in the stream.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before any document, or after `...`: blanks, comments and directives.
    Between,
    /// Directives were read; a `---` must come next.
    Directives,
    /// In a document.
    Document,
}

/// The documents of `text` (a stream read from `origin`) with content, in order. Errors:
/// directives not followed by `---`, and more documents than `stream-documents`.
pub fn split<'t>(text: &'t str, markers: Markers, origin: &str) -> Result<Vec<Piece<'t>>> {
    let mut pieces = Vec::new();
    each(text, markers, origin, |piece| {
        pieces.push(piece);
        Ok(())
    })?;
    Ok(pieces)
}

/// As [`split`], handing each document to `f` as soon as it ends, so a caller can work
/// through a long stream without holding all its pieces; stops at `f`'s first error.
pub fn each<'t>(
    text: &'t str,
    markers: Markers,
    origin: &str,
    f: impl FnMut(Piece<'t>) -> Result<()>,
) -> Result<()> {
    each_at_most(text, markers, origin, crate::limits::STREAM_DOCUMENTS.get_usize(), f)
}

fn each_at_most<'t>(
    text: &'t str,
    markers: Markers,
    origin: &str,
    limit: usize,
    mut f: impl FnMut(Piece<'t>) -> Result<()>,
) -> Result<()> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut state = State::Between;
    // The current document: where its source and its text start, and the source's line.
    let (mut source_start, mut text_start, mut start_line) = (0, 0, 1);
    let mut offset = 0;
    // Where the comment lines before a bare document start, if any.
    let mut comments = None;
    let mut documents = 0;
    let mut push = |end: usize, source_start, text_start, line| -> Result<()> {
        documents += 1;
        if documents > limit {
            bail!(
                "{origin}:{line}:1: more than {limit} YAML documents in one stream (limit stream-documents; raise it with --limit stream-documents=N); refusing it"
            );
        }
        let content = &text[text_start..end];
        if has_content(content) {
            f(Piece { text: content, source: &text[source_start..end], line })?;
        }
        Ok(())
    };
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let here = offset;
        offset += line.len();
        let line_number = index + 1;
        // A byte-order mark may open each document's prefix.
        let (line, line_start) = match line.strip_prefix('\u{feff}') {
            Some(rest) if state != State::Document => (rest, here + '\u{feff}'.len_utf8()),
            _ => (line, here),
        };
        if let Some(rest) = marker(line, "---", markers) {
            comments = None;
            if state == State::Document {
                push(here, source_start, text_start, start_line)?;
            }
            let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            text_start = line_start + 3 + blanks;
            if rest.trim().is_empty() {
                // Nothing shares the marker's line: the text starts on the next one.
                text_start = offset;
            }
            if marker(line, "---", Markers::Yaml).is_none() {
                // Glued to text (Helm): no YAML marker, so nothing of it is parsed.
                (source_start, start_line) = (text_start, line_number);
            } else if state != State::Directives {
                (source_start, start_line) = (line_start, line_number);
            }
            state = State::Document;
            continue;
        }
        if marker(line, "...", Markers::Yaml).is_some() {
            if state == State::Document {
                push(here, source_start, text_start, start_line)?;
            }
            state = State::Between;
            continue;
        }
        match state {
            State::Document => {}
            State::Directives if line.starts_with('%') || is_blank_or_comment(line) => {}
            State::Directives => {
                bail!("{origin}:{line_number}:1: expected `---` after the YAML directives, found content")
            }
            State::Between if line.starts_with('%') => {
                comments = None;
                state = State::Directives;
                source_start = line_start;
                start_line = line_number;
            }
            State::Between if line.trim().is_empty() => {}
            State::Between if is_blank_or_comment(line) => {
                comments.get_or_insert((line_start, line_number));
            }
            State::Between => {
                // A bare document starts here, with the comments just before it (as Helm
                // keeps them).
                state = State::Document;
                let (start, line) = comments.take().unwrap_or((line_start, line_number));
                (source_start, text_start, start_line) = (start, start, line);
            }
        }
    }
    match state {
        State::Document => push(text.len(), source_start, text_start, start_line)?,
        State::Directives => bail!("{origin}: the stream ends after YAML directives, without a document"),
        State::Between => {}
    }
    Ok(())
}

/// What follows `mark` (`---` or `...`) at the start of `line` when the line is such a
/// marker: a blank, a line break or the end comes next (or anything, for `---` under
/// [`Markers::Helm`]).
fn marker<'l>(line: &'l str, mark: &str, markers: Markers) -> Option<&'l str> {
    let rest = line.strip_prefix(mark)?;
    let ends = rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']);
    (ends || (markers == Markers::Helm && mark == "---")).then_some(rest)
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// True unless every line of `text` is blank or a comment.
fn has_content(text: &str) -> bool {
    !text.lines().all(is_blank_or_comment)
}

#[cfg(test)]
mod tests;
