//! Pipelines, commands and their operands, after Go's `parse.go`: declarations
//! (`$x :=`, `$i, $v :=`), `|` stages, parenthesised pipelines, fields and chains,
//! constants.

use super::literals::unquote_char;
use super::*;

impl Parser<'_> {
    /// A pipeline up to its closer; returns it and the end of the closer.
    pub(super) fn pipeline(&mut self, context: &str, closer: Closer) -> Result<(Pipe, usize)> {
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
    pub(super) fn declarations(&mut self, context: &str, pipe: &mut Pipe) -> Result<()> {
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

    pub(super) fn check_pipeline(&self, pipe: &Pipe, context: &str, at: usize) -> Result<()> {
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

    pub(super) fn command(&mut self) -> Result<Command> {
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

    pub(super) fn operand(&mut self) -> Result<Option<Arg>> {
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

    pub(super) fn term(&mut self) -> Result<Option<Arg>> {
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

    pub(super) fn number(&self, token: Token) -> Result<Number> {
        let text = self.text(token);
        let bad = || ParseError { pos: token.start, message: format!("illegal number syntax: {text:?}") };
        if token.kind == Kind::CharConstant {
            let c = unquote_char(text).ok_or_else(bad)?;
            return Ok(Number::Int(c as i64));
        }
        parse_number(text).ok_or_else(bad)
    }

    pub(super) fn unquote(&self, token: Token) -> Result<String> {
        let text = self.text(token);
        if token.kind == Kind::RawString {
            return Ok(text[1..text.len() - 1].replace('\r', ""));
        }
        unquote(text).map_err(|message| ParseError { pos: token.start, message })
    }
}
