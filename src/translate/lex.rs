//! The lexer of Go's template language, after Go's `text/template/parse/lex.go`: text
//! and `{{ … }}` actions, trim markers (`{{- ` trims the text before, ` -}}` the text
//! after), comments, strings, raw strings, characters, numbers, fields, variables and
//! keywords. Tokens are byte ranges of the source; trimmed whitespace belongs to no
//! token but the delimiter that trims it (so a reader of positions can count its lines).

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain text, already trimmed as the delimiters around it ask.
    Text,
    /// `{{` (with `trim`, `{{- `); its range ends after the marker.
    LeftDelim {
        trim: bool,
    },
    /// `}}` (with `trim`, ` -}}`); its range takes in the whitespace it trims.
    RightDelim {
        trim: bool,
    },
    /// A whole `{{/* … */}}`, delimiters, markers and trimmed whitespace after included.
    Comment,
    Space,
    /// `=`
    Assign,
    /// `:=`
    Declare,
    /// `|`
    Pipe,
    LeftParen,
    RightParen,
    /// Any other printable ASCII character (`,` in a range declaration).
    Char,
    String,
    RawString,
    CharConstant,
    Number,
    Complex,
    Bool,
    /// `.` alone.
    Dot,
    /// `.Name`
    Field,
    /// `$` or `$name`
    Variable,
    Identifier,
    Nil,
    Block,
    Break,
    Continue,
    Define,
    Else,
    End,
    If,
    Range,
    Template,
    With,
    Eof,
    /// A lexical error: the message is in [`Lexer::error`].
    Error,
}

/// One token: its kind and its byte range in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

const LEFT: &str = "{{";
const RIGHT: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";

/// Go's idea of space in templates: what trim markers remove.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// `- ` after `{{`.
fn has_left_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1] as char)
}

/// ` -` before `}}`.
fn has_right_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(b[0] as char) && b[1] == b'-'
}

/// Produces the tokens of a template's source one by one.
pub struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    start: usize,
    inside: bool,
    paren_depth: usize,
    /// Whitespace after the last right delimiter that it trims.
    done: bool,
    /// The message of the last [`Kind::Error`] token.
    pub error: String,
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str) -> Lexer<'s> {
        Lexer { src, pos: 0, start: 0, inside: false, paren_depth: 0, done: false, error: String::new() }
    }

    fn rest(&self) -> &'s str {
        &self.src[self.pos..]
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn token(&mut self, kind: Kind) -> Token {
        let token = Token { kind, start: self.start, end: self.pos };
        self.start = self.pos;
        token
    }

    fn fail(&mut self, message: String) -> Token {
        self.error = message;
        self.done = true;
        let token = Token { kind: Kind::Error, start: self.start, end: self.pos };
        self.start = self.pos;
        token
    }

    /// The next token; after the end or an error, [`Kind::Eof`] forever.
    pub fn next_token(&mut self) -> Token {
        if self.done {
            return Token { kind: Kind::Eof, start: self.src.len(), end: self.src.len() };
        }
        if self.inside { self.inside_action() } else { self.text() }
    }

    fn text(&mut self) -> Token {
        match memchr::memmem::find(self.rest().as_bytes(), LEFT.as_bytes()) {
            Some(offset) => {
                if offset > 0 {
                    let delim = self.pos + offset;
                    let mut end = delim;
                    if has_left_trim(&self.src[delim + LEFT.len()..]) {
                        end = self.start + self.src[self.start..delim].trim_end_matches(is_space).len();
                    }
                    self.pos = end;
                    let text = self.token(Kind::Text);
                    self.pos = delim;
                    self.start = delim;
                    if text.end > text.start {
                        return text;
                    }
                }
                self.left_delim()
            }
            None => {
                self.pos = self.src.len();
                if self.pos > self.start {
                    return self.token(Kind::Text);
                }
                self.done = true;
                self.token(Kind::Eof)
            }
        }
    }

    fn left_delim(&mut self) -> Token {
        self.pos += LEFT.len();
        let trim = has_left_trim(self.rest());
        let after = if trim { 2 } else { 0 };
        if self.src[self.pos + after..].starts_with(LEFT_COMMENT) {
            self.pos += after;
            return self.comment();
        }
        self.pos += after;
        self.inside = true;
        self.paren_depth = 0;
        self.token(Kind::LeftDelim { trim })
    }

    fn comment(&mut self) -> Token {
        self.pos += LEFT_COMMENT.len();
        let Some(offset) = self.rest().find(RIGHT_COMMENT) else {
            return self.fail("unclosed comment".into());
        };
        self.pos += offset + RIGHT_COMMENT.len();
        let Some(trim) = self.at_right_delim() else {
            return self.fail("comment ends before closing delimiter".into());
        };
        self.pos += if trim { 2 } else { 0 } + RIGHT.len();
        if trim {
            self.pos += self.rest().len() - self.rest().trim_start_matches(is_space).len();
        }
        self.token(Kind::Comment)
    }

    /// `Some(trim)` at a right delimiter.
    fn at_right_delim(&self) -> Option<bool> {
        let rest = self.rest();
        if has_right_trim(rest) && rest[2..].starts_with(RIGHT) {
            return Some(true);
        }
        rest.starts_with(RIGHT).then_some(false)
    }

    fn right_delim(&mut self) -> Token {
        let trim = self.at_right_delim() == Some(true);
        self.pos += if trim { 2 } else { 0 } + RIGHT.len();
        if trim {
            self.pos += self.rest().len() - self.rest().trim_start_matches(is_space).len();
        }
        self.inside = false;
        self.token(Kind::RightDelim { trim })
    }

    fn inside_action(&mut self) -> Token {
        if self.at_right_delim().is_some() {
            if self.paren_depth == 0 {
                return self.right_delim();
            }
            return self.fail("unclosed left paren".into());
        }
        let Some(c) = self.next_char() else {
            return self.fail("unclosed action".into());
        };
        match c {
            c if is_space(c) => {
                self.pos -= 1;
                self.space()
            }
            '=' => self.token(Kind::Assign),
            ':' => match self.next_char() {
                Some('=') => self.token(Kind::Declare),
                _ => self.fail("expected :=".into()),
            },
            '|' => self.token(Kind::Pipe),
            '"' => self.quote(),
            '`' => self.raw_quote(),
            '$' => self.variable(),
            '\'' => self.char_constant(),
            '.' if self.peek_char().is_none_or(|c| !c.is_ascii_digit()) => {
                self.field_or_variable(Kind::Field)
            }
            '.' | '+' | '-' | '0'..='9' => {
                self.pos -= 1;
                self.number()
            }
            c if is_alphanumeric(c) => {
                self.pos -= c.len_utf8();
                self.identifier()
            }
            '(' => {
                self.paren_depth += 1;
                self.token(Kind::LeftParen)
            }
            ')' => {
                if self.paren_depth == 0 {
                    return self.fail("unexpected right paren".into());
                }
                self.paren_depth -= 1;
                self.token(Kind::RightParen)
            }
            c if c.is_ascii() && !c.is_ascii_control() => self.token(Kind::Char),
            c => self.fail(format!("unrecognized character in action: {}", go_rune(c))),
        }
    }

    fn space(&mut self) -> Token {
        let mut count = 0;
        while self.peek_char().is_some_and(is_space) {
            self.pos += 1;
            count += 1;
        }
        // A trim-marked right delimiter starts with the last space.
        let last = &self.src[self.pos - 1..];
        if has_right_trim(last) && last[2..].starts_with(RIGHT) {
            self.pos -= 1;
            if count == 1 {
                return self.inside_action();
            }
        }
        self.token(Kind::Space)
    }

    fn identifier(&mut self) -> Token {
        while self.peek_char().is_some_and(is_alphanumeric) {
            self.next_char();
        }
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or_default();
            return self.fail(format!("bad character {}", go_rune(c)));
        }
        let kind = match &self.src[self.start..self.pos] {
            "block" => Kind::Block,
            "break" => Kind::Break,
            "continue" => Kind::Continue,
            "define" => Kind::Define,
            "else" => Kind::Else,
            "end" => Kind::End,
            "if" => Kind::If,
            "range" => Kind::Range,
            "nil" => Kind::Nil,
            "template" => Kind::Template,
            "with" => Kind::With,
            "true" | "false" => Kind::Bool,
            _ => Kind::Identifier,
        };
        self.token(kind)
    }

    fn variable(&mut self) -> Token {
        if self.at_terminator() {
            return self.token(Kind::Variable);
        }
        self.field_or_variable(Kind::Variable)
    }

    fn field_or_variable(&mut self, kind: Kind) -> Token {
        if self.at_terminator() {
            return self.token(if kind == Kind::Variable { Kind::Variable } else { Kind::Dot });
        }
        while self.peek_char().is_some_and(is_alphanumeric) {
            self.next_char();
        }
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or_default();
            return self.fail(format!("bad character {}", go_rune(c)));
        }
        self.token(kind)
    }

    /// Whether what follows may end a word: space, the end, punctuation or a delimiter.
    fn at_terminator(&self) -> bool {
        match self.peek_char() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.rest().starts_with(RIGHT),
        }
    }

    fn char_constant(&mut self) -> Token {
        loop {
            match self.next_char() {
                Some('\\') => {
                    if matches!(self.next_char(), None | Some('\n')) {
                        return self.fail("unterminated character constant".into());
                    }
                }
                None | Some('\n') => return self.fail("unterminated character constant".into()),
                Some('\'') => return self.token(Kind::CharConstant),
                _ => {}
            }
        }
    }

    fn quote(&mut self) -> Token {
        loop {
            match self.next_char() {
                Some('\\') => {
                    if matches!(self.next_char(), None | Some('\n')) {
                        return self.fail("unterminated quoted string".into());
                    }
                }
                None | Some('\n') => return self.fail("unterminated quoted string".into()),
                Some('"') => return self.token(Kind::String),
                _ => {}
            }
        }
    }

    fn raw_quote(&mut self) -> Token {
        match self.rest().find('`') {
            Some(offset) => {
                self.pos += offset + 1;
                self.token(Kind::RawString)
            }
            None => {
                self.pos = self.src.len();
                self.fail("unterminated raw quoted string".into())
            }
        }
    }

    fn number(&mut self) -> Token {
        if !self.scan_number() {
            return self.fail(format!("bad number syntax: {:?}", &self.src[self.start..self.pos]));
        }
        if matches!(self.peek_char(), Some('+' | '-')) {
            if !self.scan_number() || !self.src[..self.pos].ends_with('i') {
                return self.fail(format!("bad number syntax: {:?}", &self.src[self.start..self.pos]));
            }
            return self.token(Kind::Complex);
        }
        self.token(Kind::Number)
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek_char() {
            Some(c) if valid.contains(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek_char().is_some_and(is_alphanumeric) {
            self.next_char();
            return false;
        }
        true
    }
}

/// A character as Go's `%#U` prints it: `U+0040 '@'`.
fn go_rune(c: char) -> String {
    format!("U+{:04X} '{c}'", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, &str)> {
        let mut lexer = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let t = lexer.next_token();
            if t.kind == Kind::Eof {
                break;
            }
            out.push((t.kind, &src[t.start..t.end]));
            if t.kind == Kind::Error {
                break;
            }
        }
        out
    }

    #[test]
    fn text_actions_and_trim_markers() {
        assert_eq!(
            kinds("a \n {{- .Values.x | quote -}} \n b"),
            vec![
                (Kind::Text, "a"),
                (Kind::LeftDelim { trim: true }, "{{- "),
                (Kind::Field, ".Values"),
                (Kind::Field, ".x"),
                (Kind::Space, " "),
                (Kind::Pipe, "|"),
                (Kind::Space, " "),
                (Kind::Identifier, "quote"),
                (Kind::RightDelim { trim: true }, " -}} \n "),
                (Kind::Text, "b"),
            ]
        );
        assert_eq!(kinds("{{-3}}")[1], (Kind::Number, "-3"));
    }

    #[test]
    fn comments_keywords_and_literals() {
        assert_eq!(
            kinds("x {{- /* c */ -}} y"),
            vec![(Kind::Text, "x"), (Kind::Comment, "{{- /* c */ -}} "), (Kind::Text, "y")]
        );
        let all = kinds(r#"{{ if $x := "a\"b" }}{{ `r` 'c' 1.5e3 0x1F nil true $ . }}"#);
        let found: Vec<Kind> = all.iter().map(|(k, _)| *k).filter(|k| *k != Kind::Space).collect();
        assert!(
            found.contains(&Kind::If) && found.contains(&Kind::Declare) && found.contains(&Kind::RawString)
        );
        assert!(
            found.contains(&Kind::CharConstant) && found.contains(&Kind::Nil) && found.contains(&Kind::Dot)
        );
        assert_eq!(all.iter().filter(|(k, _)| *k == Kind::Number).count(), 2);
    }

    #[test]
    fn errors_read_as_go_writes_them() {
        let mut lexer = Lexer::new("{{ \"abc }}");
        while !matches!(lexer.next_token().kind, Kind::Error | Kind::Eof) {}
        assert_eq!(lexer.error, "unterminated quoted string");
        let mut lexer = Lexer::new("{{ a@ }}");
        while !matches!(lexer.next_token().kind, Kind::Error | Kind::Eof) {}
        assert_eq!(lexer.error, "bad character U+0040 '@'");
        let mut lexer = Lexer::new("{{/* x */ y}}");
        while !matches!(lexer.next_token().kind, Kind::Error | Kind::Eof) {}
        assert_eq!(lexer.error, "comment ends before closing delimiter");
    }
}
