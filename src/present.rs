//! Presentation, shared by every command: whether to colour (the `--color` choice, a
//! terminal, `NO_COLOR`, `TERM`), the palette, the exit codes, and the one place that
//! escapes text that came from a chart before a terminal or a Markdown report shows it.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write;

/// Exit code: success, and for `diff`, no changes.
pub const EXIT_OK: u8 = 0;
/// Exit code: an error (usage errors included, so that 2 always means changes).
pub const EXIT_ERROR: u8 = 1;
/// Exit code of `diff` when it finds changes.
pub const EXIT_CHANGES: u8 = 2;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether to colour standard output: `auto` colours a terminal when `NO_COLOR` is unset
/// or empty and `TERM` is not `dumb`.
pub fn use_color(choice: ColorChoice) -> bool {
    use std::io::IsTerminal;
    color_enabled(
        choice,
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
    )
}

/// [`use_color`] with the facts given.
pub fn color_enabled(
    choice: ColorChoice,
    terminal: bool,
    no_color: Option<&OsStr>,
    term: Option<&OsStr>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            terminal && no_color.is_none_or(OsStr::is_empty) && term.is_none_or(|t| t != "dumb")
        }
    }
}

/// ANSI colours, or none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Palette {
    pub enabled: bool,
}

impl Palette {
    /// `text` in the SGR colour `code` (`"32"`, `"1;31"`), when colours are on.
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.enabled { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
}

/// Text from a chart made safe for a terminal: control characters other than line
/// breaks and tabs (an escape sequence could recolour, move the cursor or retitle the
/// terminal) are written as `\u{1b}`.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_control(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unsafe_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_invisible_format(c)
}

/// Unicode's invisible format characters (general category Cf): the bidirectional
/// controls that reorder what a terminal shows (U+202A-U+202E, U+2066-U+2069), zero-width
/// characters, the byte-order mark, tags.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// Text from a chart for one line of a report (a header, a table cell): every control
/// character, line breaks and tabs included, is written as `\u{a}`.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_invisible_format(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Text from a chart made safe for Markdown prose and HTML (a report's headers and
/// summaries): `&`, `<`, `>` as entities, `|` escaped for tables, control characters as
/// for a terminal.
pub fn markdown_safe(text: &str) -> String {
    one_line(text).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_flag_the_terminal_no_color_and_term() {
        let os = |s: &'static str| Some(OsStr::new(s));
        assert!(color_enabled(ColorChoice::Auto, true, None, os("xterm")));
        assert!(!color_enabled(ColorChoice::Auto, false, None, os("xterm")));
        assert!(!color_enabled(ColorChoice::Auto, true, os("1"), os("xterm")));
        assert!(color_enabled(ColorChoice::Auto, true, os(""), None), "an empty NO_COLOR is unset");
        assert!(!color_enabled(ColorChoice::Auto, true, None, os("dumb")));
        assert!(color_enabled(ColorChoice::Always, false, os("1"), os("dumb")));
        assert!(!color_enabled(ColorChoice::Never, true, None, None));
    }

    #[test]
    fn chart_text_cannot_drive_a_terminal_or_break_markdown() {
        assert_eq!(terminal_safe("a\x1b[31mb\nc\td"), "a\\u{1b}[31mb\nc\td");
        // Bidirectional controls and other invisible format characters are written out.
        assert_eq!(terminal_safe("ok\u{202e}evil\u{2066}x\u{200b}"), "ok\\u{202e}evil\\u{2066}x\\u{200b}");
        assert_eq!(one_line("a\u{202d}b"), "a\\u{202d}b");
        assert!(matches!(terminal_safe("plain"), Cow::Borrowed(_)));
        assert_eq!(markdown_safe("<b>a|b & c</b>"), "&lt;b&gt;a\\|b &amp; c&lt;/b&gt;");
        assert_eq!(one_line("a\nb\x1b"), "a\\u{a}b\\u{1b}");
    }
}
