//! The parser of Go's template language, after Go's `text/template/parse/parse.go`:
//! tokens in, a [`Template`] out, with Go's checks and messages (undefined variables,
//! `{{break}}` outside `{{range}}`, a `define` that is not at the top level, two
//! definitions of one name in one file…).

use super::ast::{Arg, Branch, Command, Define, Else, List, Node, Number, Pipe, Span, Variable};
use super::lex::{Kind, Lexer, Token};

mod literals;
mod pipeline;

pub use literals::{parse_number, unquote};

/// How deep pipelines and control structures may nest (Go allows 10000; real charts nest
/// a dozen, and each level costs the parser and the render stack).
pub const MAX_DEPTH: usize = 100;

/// A parsed template file: its body, defines in place.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub root: List,
}

/// A syntax error at a byte offset of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub pos: usize,
    pub message: String,
}

type Result<T> = std::result::Result<T, ParseError>;

/// Parses a template's source.
pub fn parse(src: &str) -> Result<Template> {
    let mut parser = Parser {
        src,
        lexer: Lexer::new(src),
        ahead: Vec::new(),
        vars: vec!["$".into()],
        range_depth: 0,
        depth: 0,
        defined: Vec::new(),
    };
    let root = parser.parse_top()?;
    Ok(Template { root })
}

struct Parser<'s> {
    src: &'s str,
    lexer: Lexer<'s>,
    /// Tokens read ahead, the next one last.
    ahead: Vec<Token>,
    vars: Vec<String>,
    range_depth: usize,
    depth: usize,
    /// The names this file defines with a non-empty body.
    defined: Vec<String>,
}

impl<'s> Parser<'s> {
    fn next(&mut self) -> Token {
        self.ahead.pop().unwrap_or_else(|| self.lexer.next_token())
    }

    fn backup(&mut self, token: Token) {
        self.ahead.push(token);
    }

    fn peek(&mut self) -> Token {
        let token = self.next();
        self.backup(token);
        token
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let token = self.next();
            if token.kind != Kind::Space {
                return token;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        let token = self.next_non_space();
        self.backup(token);
        token
    }

    fn text(&self, token: Token) -> &'s str {
        &self.src[token.start..token.end]
    }

    fn error<T>(&self, pos: usize, message: impl Into<String>) -> Result<T> {
        Err(ParseError { pos, message: message.into() })
    }

    /// An error for `token` where it is not expected, or the lexer's own error.
    fn unexpected<T>(&self, token: Token, context: &str) -> Result<T> {
        if token.kind == Kind::Error {
            return self.error(token.start, self.lexer.error.clone());
        }
        self.error(token.start, format!("unexpected {} in {context}", self.describe(token)))
    }

    fn describe(&self, token: Token) -> String {
        let text = self.text(token);
        match token.kind {
            Kind::Eof => "EOF".into(),
            Kind::RightDelim { .. } | Kind::LeftDelim { .. } => format!("{:?}", text.trim()),
            Kind::Space => "space".into(),
            Kind::Define | Kind::Else | Kind::End | Kind::If | Kind::Range | Kind::With => {
                format!("<{text}>")
            }
            Kind::Block | Kind::Break | Kind::Continue | Kind::Template | Kind::Nil => format!("<{text}>"),
            _ if text.len() > 10 => format!("{:?}...", &text[..text.floor_char_boundary(10)]),
            _ => format!("{text:?}"),
        }
    }

    fn expect(&mut self, kind: fn(Kind) -> bool, context: &str) -> Result<Token> {
        let token = self.next_non_space();
        if !kind(token.kind) {
            return self.unexpected(token, context);
        }
        Ok(token)
    }

    fn enter(&mut self, pos: usize) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error(pos, "max expression depth exceeded");
        }
        Ok(())
    }

    fn parse_top(&mut self) -> Result<List> {
        let mut root = Vec::new();
        loop {
            let token = self.peek();
            match token.kind {
                Kind::Eof => return Ok(root),
                Kind::LeftDelim { .. } => {
                    let delim = self.next();
                    let keyword = self.next_non_space();
                    if keyword.kind == Kind::Define {
                        root.push(Node::Define(self.definition(delim)?));
                        continue;
                    }
                    self.backup(keyword);
                    self.backup(delim);
                }
                _ => {}
            }
            match self.text_or_action()? {
                Item::Node(node) => root.push(node),
                Item::End(span) => return self.error(span.start, "unexpected {{end}}"),
                Item::Else(span, _) => return self.error(span.start, "unexpected {{else}}"),
            }
        }
    }

    /// `{{ define "name" }}` (its left delimiter and keyword read) … `{{ end }}`.
    fn definition(&mut self, delim: Token) -> Result<Define> {
        let name_token = self.expect(|k| matches!(k, Kind::String | Kind::RawString), "define clause")?;
        let name = self.unquote(name_token)?;
        let close = self.expect(|k| matches!(k, Kind::RightDelim { .. }), "define clause")?;
        let open = Span { start: delim.start, end: close.end };
        let saved = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let (body, end) = self.item_list()?;
        self.vars = saved;
        let close = match end {
            Item::End(span) => span,
            Item::Else(span, _) => return self.error(span.start, "unexpected {{else}} in define clause"),
            Item::Node(_) => unreachable!(),
        };
        self.add_definition(&name, &body, open.start)?;
        Ok(Define { open, name, body, close })
    }

    /// Go refuses a second non-empty definition of a name within one file.
    fn add_definition(&mut self, name: &str, body: &List, pos: usize) -> Result<()> {
        if super::ast::is_empty(body) {
            return Ok(());
        }
        if self.defined.iter().any(|n| n == name) {
            return self.error(pos, format!("template: multiple definition of template {name:?}"));
        }
        self.defined.push(name.to_string());
        Ok(())
    }

    /// Nodes up to an `{{ end }}` or `{{ else }}`, which is returned.
    fn item_list(&mut self) -> Result<(List, Item)> {
        let mut list = Vec::new();
        loop {
            if self.peek_non_space().kind == Kind::Eof {
                let at = self.src.len();
                return self.error(at, "unexpected EOF");
            }
            match self.text_or_action()? {
                Item::Node(node) => list.push(node),
                end => return Ok((list, end)),
            }
        }
    }

    fn text_or_action(&mut self) -> Result<Item> {
        let token = self.next_non_space();
        match token.kind {
            Kind::Text => {
                let text = self.text(token).to_string();
                Ok(Item::Node(Node::Text { span: Span { start: token.start, end: token.end }, text }))
            }
            Kind::LeftDelim { .. } => self.action(token),
            Kind::Comment => {
                let raw = self.text(token);
                let text =
                    raw.find("/*").zip(raw.rfind("*/")).map(|(a, b)| &raw[a + 2..b]).unwrap_or_default();
                let span = Span { start: token.start, end: token.end };
                Ok(Item::Node(Node::Comment { span, text: text.to_string() }))
            }
            _ => self.unexpected(token, "input"),
        }
    }

    /// The inside of an action, its left delimiter read.
    fn action(&mut self, delim: Token) -> Result<Item> {
        let token = self.next_non_space();
        match token.kind {
            Kind::Block => return self.block(delim),
            Kind::Break | Kind::Continue => {
                let close = self.next_non_space();
                if !matches!(close.kind, Kind::RightDelim { .. }) {
                    let what = if token.kind == Kind::Break { "{{break}}" } else { "{{continue}}" };
                    return self.unexpected(close, what);
                }
                let span = Span { start: delim.start, end: close.end };
                if self.range_depth == 0 {
                    let what = if token.kind == Kind::Break { "{{break}}" } else { "{{continue}}" };
                    return self.error(token.start, format!("{what} outside {{{{range}}}}"));
                }
                return Ok(Item::Node(if token.kind == Kind::Break {
                    Node::Break(span)
                } else {
                    Node::Continue(span)
                }));
            }
            Kind::Else => return self.else_control(delim),
            Kind::End => {
                let close = self.expect(|k| matches!(k, Kind::RightDelim { .. }), "end")?;
                return Ok(Item::End(Span { start: delim.start, end: close.end }));
            }
            Kind::If => return self.control(delim, "if").map(|b| Item::Node(Node::If(b))),
            Kind::Range => return self.control(delim, "range").map(|b| Item::Node(Node::Range(b))),
            Kind::With => return self.control(delim, "with").map(|b| Item::Node(Node::With(b))),
            Kind::Template => return self.template(delim),
            _ => self.backup(token),
        }
        let (pipe, close) = self.pipeline("command", Closer::Delim)?;
        Ok(Item::Node(Node::Action { span: Span { start: delim.start, end: close }, pipe }))
    }

    fn else_control(&mut self, delim: Token) -> Result<Item> {
        let peek = self.peek_non_space();
        if matches!(peek.kind, Kind::If | Kind::With) {
            // `else if` / `else with`: the chained control reads the rest.
            return Ok(Item::Else(Span { start: delim.start, end: delim.end }, true));
        }
        let close = self.expect(|k| matches!(k, Kind::RightDelim { .. }), "else")?;
        Ok(Item::Else(Span { start: delim.start, end: close.end }, false))
    }

    /// `if`, `range` or `with`, its keyword read.
    fn control(&mut self, delim: Token, context: &str) -> Result<Branch> {
        self.enter(delim.start)?;
        let mark = self.vars.len();
        let (pipe, close) = self.pipeline(context, Closer::Delim)?;
        let open = Span { start: delim.start, end: close };
        if context == "range" {
            self.range_depth += 1;
        }
        let items = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = items?;
        let (otherwise, close) = match next {
            Item::End(span) => (None, span),
            Item::Else(span, chained) => {
                if chained {
                    let keyword = self.next_non_space();
                    let same = (context == "if" && keyword.kind == Kind::If)
                        || (context == "with" && keyword.kind == Kind::With);
                    if !same {
                        return self.unexpected(keyword, context);
                    }
                    let else_delim =
                        Token { kind: Kind::LeftDelim { trim: false }, start: span.start, end: span.end };
                    let link = self.control(else_delim, context)?;
                    let close = link.close;
                    let node = if context == "if" { Node::If(link) } else { Node::With(link) };
                    (Some(Else::Chain(Box::new(node))), close)
                } else {
                    let (list, end) = self.item_list()?;
                    match end {
                        Item::End(close) => (Some(Else::List { span, list }), close),
                        Item::Else(span, _) => return self.error(span.start, "expected end; found {{else}}"),
                        Item::Node(_) => unreachable!(),
                    }
                }
            }
            Item::Node(_) => unreachable!(),
        };
        self.vars.truncate(mark);
        self.depth -= 1;
        Ok(Branch { open, pipe, list, otherwise, close })
    }

    fn template(&mut self, delim: Token) -> Result<Item> {
        let token = self.next_non_space();
        if !matches!(token.kind, Kind::String | Kind::RawString) {
            return self.unexpected(token, "template clause");
        }
        let name = self.unquote(token)?;
        let next = self.next_non_space();
        if let Kind::RightDelim { .. } = next.kind {
            let span = Span { start: delim.start, end: next.end };
            return Ok(Item::Node(Node::Template { span, name, pipe: None }));
        }
        self.backup(next);
        let (pipe, close) = self.pipeline("template clause", Closer::Delim)?;
        let span = Span { start: delim.start, end: close };
        Ok(Item::Node(Node::Template { span, name, pipe: Some(pipe) }))
    }

    fn block(&mut self, delim: Token) -> Result<Item> {
        let token = self.next_non_space();
        if !matches!(token.kind, Kind::String | Kind::RawString) {
            return self.unexpected(token, "block clause");
        }
        let name = self.unquote(token)?;
        let (pipe, close) = self.pipeline("block clause", Closer::Delim)?;
        let open = Span { start: delim.start, end: close };
        let saved = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let saved_range = std::mem::take(&mut self.range_depth);
        let items = self.item_list();
        self.vars = saved;
        self.range_depth = saved_range;
        let (body, end) = items?;
        let close = match end {
            Item::End(span) => span,
            Item::Else(span, _) => return self.error(span.start, "unexpected {{else}} in block clause"),
            Item::Node(_) => unreachable!(),
        };
        self.add_definition(&name, &body, open.start)?;
        Ok(Item::Node(Node::Block { define: Define { open, name, body, close }, pipe }))
    }
}

/// What `item_list` and `text_or_action` return.
enum Item {
    Node(Node),
    /// `{{ end }}`
    End(Span),
    /// `{{ else }}`; true for `else if`/`else with`, whose keyword is still to be read.
    Else(Span, bool),
}

#[derive(Clone, Copy)]
enum Closer {
    Delim,
    Paren,
}

#[cfg(test)]
mod tests;
