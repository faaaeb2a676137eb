//! The parser of Go's template language, after Go's `text/template/parse/parse.go`:
//! tokens in, a [`Template`] out, with Go's checks and messages (undefined variables,
//! `{{break}}` outside `{{range}}`, a `define` that is not at the top level, two
//! definitions of one name in one file…).

use super::ast::{Arg, Branch, Command, Define, Else, List, Node, Number, Pipe, Span, Variable};
use super::lex::{Kind, Lexer, Token};

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

    /// A pipeline up to its closer; returns it and the end of the closer.
    fn pipeline(&mut self, context: &str, closer: Closer) -> Result<(Pipe, usize)> {
        let first = self.peek_non_space();
        self.enter(first.start)?;
        let mut pipe = Pipe { pos: first.start, is_assign: false, decl: Vec::new(), cmds: Vec::new() };
        self.declarations(context, &mut pipe)?;
        loop {
            let token = self.next_non_space();
            let ends = match closer {
                Closer::Delim => matches!(token.kind, Kind::RightDelim { .. }),
                Closer::Paren => token.kind == Kind::RightParen,
            };
            if ends {
                self.check_pipeline(&pipe, context, token.start)?;
                self.depth -= 1;
                return Ok((pipe, token.end));
            }
            match token.kind {
                Kind::Bool
                | Kind::CharConstant
                | Kind::Complex
                | Kind::Dot
                | Kind::Field
                | Kind::Identifier
                | Kind::Number
                | Kind::Nil
                | Kind::RawString
                | Kind::String
                | Kind::Variable
                | Kind::LeftParen => {
                    self.backup(token);
                    let command = self.command()?;
                    pipe.cmds.push(command);
                }
                _ => return self.unexpected(token, context),
            }
        }
    }

    /// `$x :=`, `$x =`, `$i, $v :=` at the start of a pipeline.
    fn declarations(&mut self, context: &str, pipe: &mut Pipe) -> Result<()> {
        loop {
            let v = self.peek_non_space();
            if v.kind != Kind::Variable {
                return Ok(());
            }
            let v = self.next_non_space();
            let after = self.peek();
            let next = self.peek_non_space();
            let name = self.text(v).to_string();
            match next.kind {
                Kind::Assign | Kind::Declare => {
                    self.next_non_space();
                    pipe.is_assign = next.kind == Kind::Assign;
                    if pipe.is_assign && !self.vars.contains(&name) {
                        return self.error(v.start, format!("undefined variable {name:?}"));
                    }
                    pipe.decl.push(Variable { pos: v.start, name: name.clone() });
                    self.vars.push(name);
                    return Ok(());
                }
                Kind::Char if self.text(next) == "," => {
                    self.next_non_space();
                    pipe.decl.push(Variable { pos: v.start, name: name.clone() });
                    self.vars.push(name);
                    if context == "range" && pipe.decl.len() < 2 {
                        let following = self.peek_non_space();
                        match following.kind {
                            Kind::Variable | Kind::RightDelim { .. } | Kind::RightParen => continue,
                            _ => return self.error(following.start, "range can only initialize variables"),
                        }
                    }
                    return self.error(next.start, format!("too many declarations in {context}"));
                }
                _ => {
                    // `$x` is an operand: put back what was read.
                    if after.kind == Kind::Space {
                        let space = self.next();
                        self.backup(space);
                    }
                    self.backup(v);
                    return Ok(());
                }
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str, at: usize) -> Result<()> {
        if pipe.cmds.is_empty() {
            return self.error(at, format!("missing value for {context}"));
        }
        for (i, cmd) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(..) | Arg::String(..)) =
                cmd.args.first()
            {
                return self.error(cmd.pos, format!("non executable command in pipeline stage {}", i + 1));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> Result<Command> {
        let pos = self.peek_non_space().start;
        let mut cmd = Command { pos, args: Vec::new() };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let token = self.next();
            match token.kind {
                Kind::Space => continue,
                Kind::RightDelim { .. } | Kind::RightParen => self.backup(token),
                Kind::Pipe => {}
                _ => return self.unexpected(token, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.error(pos, "empty command");
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> Result<Option<Arg>> {
        let Some(term) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != Kind::Field {
            return Ok(Some(term));
        }
        let at = self.peek().start;
        let mut fields = Vec::new();
        while self.peek().kind == Kind::Field {
            let token = self.next();
            fields.push(self.text(token)[1..].to_string());
        }
        Ok(Some(match term {
            Arg::Field(pos, mut idents) => {
                idents.extend(fields);
                Arg::Field(pos, idents)
            }
            Arg::Variable(pos, name, mut idents) => {
                idents.extend(fields);
                Arg::Variable(pos, name, idents)
            }
            Arg::Bool(..) | Arg::String(..) | Arg::Number(..) | Arg::Nil(_) | Arg::Dot(_) => {
                let shown = &self.src[term.pos()..at];
                return self.error(at, format!("unexpected . after term {shown:?}"));
            }
            other => Arg::Chain(at, Box::new(other), fields),
        }))
    }

    fn term(&mut self) -> Result<Option<Arg>> {
        let token = self.next_non_space();
        let text = self.text(token);
        let pos = token.start;
        Ok(Some(match token.kind {
            Kind::Identifier => Arg::Identifier(pos, text.to_string()),
            Kind::Dot => Arg::Dot(pos),
            Kind::Nil => Arg::Nil(pos),
            Kind::Variable => {
                if !self.vars.iter().any(|v| v == text) {
                    return self.error(pos, format!("undefined variable {text:?}"));
                }
                Arg::Variable(pos, text.to_string(), Vec::new())
            }
            Kind::Field => Arg::Field(pos, vec![text[1..].to_string()]),
            Kind::Bool => Arg::Bool(pos, text == "true"),
            Kind::Number | Kind::CharConstant => Arg::Number(pos, self.number(token)?),
            Kind::Complex => return self.error(pos, format!("complex numbers are not supported: {text}")),
            Kind::LeftParen => {
                let (pipe, _) = self.pipeline("parenthesized pipeline", Closer::Paren)?;
                Arg::Pipe(Box::new(pipe))
            }
            Kind::String | Kind::RawString => Arg::String(pos, self.unquote(token)?),
            Kind::Error => return self.unexpected(token, "operand"),
            _ => {
                self.backup(token);
                return Ok(None);
            }
        }))
    }

    fn number(&self, token: Token) -> Result<Number> {
        let text = self.text(token);
        let bad = || ParseError { pos: token.start, message: format!("illegal number syntax: {text:?}") };
        if token.kind == Kind::CharConstant {
            let c = unquote_char(text).ok_or_else(bad)?;
            return Ok(Number::Int(c as i64));
        }
        parse_number(text).ok_or_else(bad)
    }

    fn unquote(&self, token: Token) -> Result<String> {
        let text = self.text(token);
        if token.kind == Kind::RawString {
            return Ok(text[1..text.len() - 1].replace('\r', ""));
        }
        unquote(text).map_err(|message| ParseError { pos: token.start, message })
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

/// A number constant as Go reads it: an integer (decimal, `0x`, `0o`, `0b`, a leading `0`
/// for octal, `_` separators) when it is one, else a float.
pub fn parse_number(text: &str) -> Option<Number> {
    let clean = text.replace('_', "");
    let (negative, digits) = match clean.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let radix_digits = |radix: u32, body: &str| u64::from_str_radix(body, radix).ok();
    let lower = digits.to_ascii_lowercase();
    let unsigned = if let Some(hex) = lower.strip_prefix("0x") {
        if hex.contains(['.', 'p']) { None } else { radix_digits(16, hex) }
    } else if let Some(oct) = lower.strip_prefix("0o") {
        radix_digits(8, oct)
    } else if let Some(bin) = lower.strip_prefix("0b") {
        radix_digits(2, bin)
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit()) {
        radix_digits(8, &lower[1..])
    } else if lower.bytes().all(|b| b.is_ascii_digit()) && !lower.is_empty() {
        lower.parse::<u64>().ok()
    } else {
        None
    };
    if let Some(n) = unsigned {
        if negative {
            return i64::try_from(n)
                .ok()
                .map(|n| Number::Int(-n))
                .or_else(|| (n == 1u64 << 63).then_some(Number::Int(i64::MIN)));
        }
        return Some(match i64::try_from(n) {
            Ok(n) => Number::Int(n),
            Err(_) => Number::Uint(n),
        });
    }
    if let Some(hex) = lower.strip_prefix("0x") {
        return hex_float(hex).map(|f| Number::Float(if negative { -f } else { f }));
    }
    if lower.ends_with('i') {
        return None;
    }
    let value: f64 = digits.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    Some(Number::Float(if negative { -value } else { value }))
}

/// A hexadecimal float's digits after `0x`: `1p60`, `1.8p1`, `ap-2`.
fn hex_float(text: &str) -> Option<f64> {
    let (mantissa, exponent) = text.split_once('p')?;
    let exponent: i32 = exponent.parse().ok()?;
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut value = 0f64;
    for c in whole.chars().chain(fraction.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    value /= 16f64.powi(fraction.len() as i32);
    let result = value * 2f64.powi(exponent);
    result.is_finite().then_some(result)
}

/// Go's `strconv.Unquote` of a double-quoted string.
pub fn unquote(text: &str) -> std::result::Result<String, String> {
    let invalid = || "invalid syntax".to_string();
    let inner = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).ok_or_else(invalid)?;
    let mut out = String::with_capacity(inner.len());
    let mut bytes: Vec<u8> = Vec::new();
    let mut chars = inner.chars().peekable();
    let flush = |bytes: &mut Vec<u8>, out: &mut String| {
        if !bytes.is_empty() {
            out.push_str(&String::from_utf8_lossy(bytes));
            bytes.clear();
        }
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut bytes, &mut out);
            out.push(c);
            continue;
        }
        let e = chars.next().ok_or_else(invalid)?;
        let mut hex = |n: usize| -> std::result::Result<u32, String> {
            let digits: String = (0..n).filter_map(|_| chars.next()).collect();
            if digits.len() != n {
                return Err(invalid());
            }
            u32::from_str_radix(&digits, 16).map_err(|_| invalid())
        };
        let c = match e {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            '\\' => '\\',
            '"' => '"',
            'x' => {
                bytes.push(hex(2)? as u8);
                continue;
            }
            'u' => char::from_u32(hex(4)?).ok_or_else(invalid)?,
            'U' => char::from_u32(hex(8)?).ok_or_else(invalid)?,
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let d = chars.next().and_then(|c| c.to_digit(8)).ok_or_else(invalid)?;
                    value = value * 8 + d;
                }
                if value > 255 {
                    return Err(invalid());
                }
                bytes.push(value as u8);
                continue;
            }
            _ => return Err(invalid()),
        };
        flush(&mut bytes, &mut out);
        out.push(c);
    }
    flush(&mut bytes, &mut out);
    Ok(out)
}

/// The value of a character constant `'a'`, `'\n'`, `'\x41'`, `'\u00e9'`.
fn unquote_char(text: &str) -> Option<char> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    if inner == "\"" {
        return Some('"');
    }
    if inner == "\\'" {
        return Some('\'');
    }
    let decoded = unquote(&format!("\"{inner}\"")).ok()?;
    let mut chars = decoded.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

#[cfg(test)]
mod tests;
