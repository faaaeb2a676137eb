//! The parse tree of a Go template, after Go's `text/template/parse/node.go`, with the
//! byte range of every action so that a translation can keep the source's lines and point
//! back at it.

/// A byte range of the source. For an action, from its `{{` to the end of the whitespace
/// its ` -}}` trims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A list of nodes: a template's body, a branch.
pub type List = Vec<Node>;

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text, as trimmed by the markers around it.
    Text {
        span: Span,
        text: String,
    },
    /// `{{ pipeline }}`
    Action {
        span: Span,
        pipe: Pipe,
    },
    /// `{{/* … */}}`: its text without the markers.
    Comment {
        span: Span,
        text: String,
    },
    If(Branch),
    Range(Branch),
    With(Branch),
    /// `{{ template "name" pipeline }}`
    Template {
        span: Span,
        name: String,
        pipe: Option<Pipe>,
    },
    Break(Span),
    Continue(Span),
    /// `{{ define "name" }}…{{ end }}`, at the top level only.
    Define(Define),
    /// `{{ block "name" pipeline }}…{{ end }}`: a define and a call of it.
    Block {
        define: Define,
        pipe: Pipe,
    },
}

/// A named template: `define` or `block`.
#[derive(Debug, Clone, PartialEq)]
pub struct Define {
    /// The `{{ define "name" }}` action.
    pub open: Span,
    pub name: String,
    pub body: List,
    /// The `{{ end }}` action.
    pub close: Span,
}

/// `if`, `range` and `with`: the action that opens it, its body, its `else` and the action
/// that ends it.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub open: Span,
    pub pipe: Pipe,
    pub list: List,
    pub otherwise: Option<Else>,
    /// The `{{ end }}`; for an `else if`/`else with` chain, shared by every link.
    pub close: Span,
}

/// The `else` part of a branch.
#[derive(Debug, Clone, PartialEq)]
pub enum Else {
    /// `{{ else }}` then a list.
    List { span: Span, list: List },
    /// `{{ else if … }}` or `{{ else with … }}`: the next link of the chain, whose `open`
    /// is the `else` action.
    Chain(Box<Node>),
}

/// A pipeline: declarations, then commands joined by `|`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipe {
    pub pos: usize,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    /// The declared or assigned variables: `$x`, or `$i, $v` in a range.
    pub decl: Vec<Variable>,
    pub cmds: Vec<Command>,
}

/// A variable named in a declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub pos: usize,
    /// `$x`
    pub name: String,
}

/// One command of a pipeline: a function and its arguments, or a single operand.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `.`
    Dot(usize),
    Nil(usize),
    Bool(usize, bool),
    Number(usize, Number),
    String(usize, String),
    /// `.a.b`
    Field(usize, Vec<String>),
    /// `$x.a.b`: the variable (`$` or `$x`) then fields.
    Variable(usize, String, Vec<String>),
    /// A function name.
    Identifier(usize, String),
    /// `( pipeline )`
    Pipe(Box<Pipe>),
    /// `(pipeline).a.b` and other terms followed by fields.
    Chain(usize, Box<Arg>, Vec<String>),
}

/// A numeric constant: Go's untyped constants, as the function they are passed to takes
/// them (an integer where it fits, else a float).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i64),
    Uint(u64),
    Float(f64),
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Dot(p)
            | Arg::Nil(p)
            | Arg::Bool(p, _)
            | Arg::Number(p, _)
            | Arg::String(p, _)
            | Arg::Field(p, _)
            | Arg::Variable(p, ..)
            | Arg::Identifier(p, _)
            | Arg::Chain(p, ..) => *p,
            Arg::Pipe(pipe) => pipe.pos,
        }
    }
}

/// Whether a body holds only whitespace text and comments (Go's `parse.IsEmptyTree`): such
/// a `define` does not replace an earlier one of the same name.
pub fn is_empty(list: &List) -> bool {
    list.iter().all(|node| match node {
        Node::Text { text, .. } => text.trim().is_empty(),
        Node::Comment { .. } => true,
        Node::Define(_) => true,
        _ => false,
    })
}
