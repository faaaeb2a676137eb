//! What a chart's defines become: a component name people recognise
//! (`podinfo.fullname` → `Fullname`), and how it takes its dot. A define every `include`
//! gives the template's context (`include "x" .`) reads `Values`, `Chart`, … as implicit
//! parameters (`<Fullname />`); one given anything else (`include "x" (dict …)`, the dot
//! of a `range`) takes it as a parameter `dot`.

use crate::translate::ast::{Arg, Branch, Else, List, Node, Pipe};
use std::collections::{BTreeMap, BTreeSet};

/// How a component takes its dot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Always the template's context: implicit parameters.
    Context,
    /// Anything: a parameter `dot`.
    Value,
}

/// A define of the chart as a component.
#[derive(Debug, Clone)]
pub struct Component {
    pub name: String,
    pub class: Class,
    /// The file whose define it is (Helm's winner where two files define one name).
    pub file: String,
}

/// Every define of a chart's templates, by Go name.
pub type Components = BTreeMap<String, Component>;

/// Where an `include` or `template` passes which dot.
struct Site {
    from: Option<String>,
    target: String,
    context: bool,
}

/// Names and classes of the defines of `files` (path, parsed body), Helm's winner kept
/// where a name is defined twice: fewest `/` in the path, then the smallest path.
pub fn components(files: &[(String, &List)]) -> Components {
    let mut winners: BTreeMap<String, String> = BTreeMap::new();
    let mut order: Vec<&(String, &List)> = files.iter().collect();
    order.sort_by_key(|(path, _)| (path.matches('/').count(), path.clone()));
    for (path, list) in order.iter().rev() {
        for node in list.iter() {
            if let Node::Define(define) | Node::Block { define, .. } = node
                && (!crate::translate::ast::is_empty(&define.body) || !winners.contains_key(&define.name))
            {
                winners.insert(define.name.clone(), path.clone());
            }
        }
    }
    let mut sites = Vec::new();
    for (_, list) in files {
        visit_list(list, None, false, &mut sites);
    }
    let mut value: BTreeSet<String> = BTreeSet::new();
    loop {
        let before = value.len();
        for site in &sites {
            let from_value = site.from.as_ref().is_some_and(|from| value.contains(from));
            if !site.context || from_value {
                value.insert(site.target.clone());
            }
        }
        if value.len() == before {
            break;
        }
    }
    let names = pascal_names(winners.keys());
    winners
        .into_iter()
        .map(|(go, file)| {
            let class = if value.contains(&go) { Class::Value } else { Class::Context };
            let name = names[&go].clone();
            (go, Component { name, class, file })
        })
        .collect()
}

/// `chart.fullname` → `Fullname`; the whole name where two would meet.
fn pascal_names<'a>(names: impl Iterator<Item = &'a String> + Clone) -> BTreeMap<String, String> {
    let short = |name: &str| pascal(name.split_once('.').map_or(name, |(_, rest)| rest));
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for name in names.clone() {
        *count.entry(short(name)).or_default() += 1;
    }
    names
        .map(|name| {
            let s = short(name);
            let clash = count[&s] > 1 || s.is_empty() || super::expr::CONTEXT.contains(&s.as_str());
            let chosen = if clash { pascal(name) } else { s };
            (name.clone(), chosen)
        })
        .collect()
}

/// Words split at every character that is not a letter or digit, each capitalised.
pub fn pascal(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

fn visit_list(list: &[Node], from: Option<&str>, rebound: bool, sites: &mut Vec<Site>) {
    for node in list {
        match node {
            Node::Action { pipe, .. } => visit_pipe(pipe, from, rebound, sites),
            Node::If(branch) => visit_branch(branch, from, rebound, rebound, sites),
            Node::With(branch) | Node::Range(branch) => visit_branch(branch, from, rebound, true, sites),
            Node::Template { name, pipe, .. } => {
                let context = pipe.as_ref().is_some_and(|p| is_context(p, rebound));
                sites.push(Site { from: from.map(str::to_string), target: name.clone(), context });
                if let Some(pipe) = pipe {
                    visit_pipe(pipe, from, rebound, sites);
                }
            }
            Node::Define(define) => visit_list(&define.body, Some(&define.name), false, sites),
            Node::Block { define, pipe } => {
                visit_pipe(pipe, from, rebound, sites);
                visit_list(&define.body, Some(&define.name), false, sites);
            }
            Node::Text { .. } | Node::Comment { .. } | Node::Break(_) | Node::Continue(_) => {}
        }
    }
}

fn visit_branch(branch: &Branch, from: Option<&str>, outer: bool, inner: bool, sites: &mut Vec<Site>) {
    visit_pipe(&branch.pipe, from, outer, sites);
    visit_list(&branch.list, from, inner, sites);
    match &branch.otherwise {
        Some(Else::List { list, .. }) => visit_list(list, from, outer, sites),
        Some(Else::Chain(node)) => visit_list(std::slice::from_ref(node.as_ref()), from, outer, sites),
        None => {}
    }
}

fn visit_pipe(pipe: &Pipe, from: Option<&str>, rebound: bool, sites: &mut Vec<Site>) {
    for command in &pipe.cmds {
        if let [Arg::Identifier(_, f), Arg::String(_, target), rest @ ..] = command.args.as_slice()
            && f == "include"
        {
            let context = matches!(rest, [arg] if is_context_arg(arg, rebound));
            sites.push(Site { from: from.map(str::to_string), target: target.clone(), context });
        }
        for arg in &command.args {
            visit_arg(arg, from, rebound, sites);
        }
    }
}

fn visit_arg(arg: &Arg, from: Option<&str>, rebound: bool, sites: &mut Vec<Site>) {
    // A define that reads `.context` or `.name` of its dot is not given the context.
    let read = match arg {
        Arg::Field(_, path) if !rebound => path.first(),
        Arg::Variable(_, name, path) if name == "$" => path.first(),
        _ => None,
    };
    if let (Some(define), Some(field)) = (from, read)
        && !super::expr::CONTEXT.contains(&field.as_str())
        && !["Files", "Subcharts"].contains(&field.as_str())
    {
        sites.push(Site { from: None, target: define.to_string(), context: false });
    }
    match arg {
        Arg::Pipe(pipe) => visit_pipe(pipe, from, rebound, sites),
        Arg::Chain(_, inner, _) => visit_arg(inner, from, rebound, sites),
        _ => {}
    }
}

fn is_context(pipe: &Pipe, rebound: bool) -> bool {
    matches!(pipe.cmds.as_slice(), [command] if matches!(command.args.as_slice(), [arg] if is_context_arg(arg, rebound)))
}

/// `.` where the dot is still the template's, or `$`.
fn is_context_arg(arg: &Arg, rebound: bool) -> bool {
    match arg {
        Arg::Dot(_) => !rebound,
        Arg::Variable(_, name, fields) => name == "$" && fields.is_empty(),
        _ => false,
    }
}
