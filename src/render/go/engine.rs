//! The Go dialect's runtime around the translated templates: `include`/`template` by name
//! (defines and whole files, Helm's global namespace, the nesting bound), `tpl` (its text
//! translated when it runs, cached), `required`, `fail`, `lookup`, Go's printing, ranges,
//! field chains, methods (`.Files.Get`, `.Capabilities.APIVersions.Has`…), and errors led
//! back from Tera's positions to the Go template's file, line and column.

use super::args::{Args, check_arity};
use super::value::{Kind, is_nil, key, kind, strval, type_name};
use crate::translate::SourceMap;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use tera::{Context, Error, Kwargs, Map, State, Tera, TeraResult, Value};

/// What the runtime functions of one Go engine share: names to templates, source maps,
/// the Tera instance itself (to render defines by name) and translated `tpl` texts.
#[derive(Default)]
pub struct Shared {
    /// Define name → the component it became (the one Helm's parse order keeps).
    pub defines: HashMap<String, String>,
    /// Tera template name (a Helm path) → its source map and Go source.
    pub sources: HashMap<String, (SourceMap, Arc<str>)>,
    /// The Tera instances (see [`super::compile`]).
    pub teras: OnceLock<Vec<Weak<Tera>>>,
    /// Tera template name → the instance it was compiled in.
    pub home: HashMap<String, usize>,
    /// Component (a define) → the instance it was compiled in.
    pub component_home: HashMap<String, usize>,
    /// The text runs lifted out of each file's Tera text, by the file's component prefix.
    pub texts: HashMap<String, Vec<Arc<str>>>,
    /// Whether includes take back the changes made to the maps they pass.
    pub sync: bool,
    /// The values as the templates rendered so far left them (Helm's maps are shared and
    /// `set` changes them in place), by the chart's `Template.BasePath`.
    pub kept: Mutex<HashMap<String, Value>>,
    /// `tpl` texts, translated and compiled, by text.
    pub(super) tpl: Mutex<HashMap<String, Arc<TplTemplate>>>,
    /// The branch bodies moved out of line of each file, by the file's component prefix.
    pub chunks: HashMap<String, Vec<super::deferred::Chunk>>,
    /// Where an `include` of a name no template here defines goes (see [`External`]).
    pub external: Option<External>,
}

/// Renders `include NAME DOT` for a name the Go templates do not define: `None` when it
/// knows no such name either (a Tera chart's `tpl` text calling the chart's components).
pub type External = Box<dyn Fn(&str, &Value) -> Option<TeraResult<String>> + Send + Sync>;

impl Shared {
    /// A new instance with every function of the dialect (lent by a compiled one), for a
    /// text compiled apart: a `tpl` text, an out-of-line branch.
    pub fn instance(&self) -> TeraResult<Tera> {
        let main = self.tera(None)?;
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        tera.register_from(&main);
        Ok(tera)
    }

    /// Drops what holds this back (the instances compiled for `tpl` and out-of-line
    /// branches hold functions that hold it).
    pub fn forget_compiled(&self) {
        self.tpl.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.chunks.values().flatten().for_each(super::deferred::Chunk::forget);
    }

    /// The Tera instance at `home` (see [`Shared::home`]).
    fn tera(&self, home: Option<&usize>) -> TeraResult<Arc<Tera>> {
        let home = home.copied().unwrap_or(0);
        self.teras
            .get()
            .and_then(|teras| teras.get(home))
            .and_then(Weak::upgrade)
            .ok_or_else(|| Error::message("the templates are gone"))
    }
}

/// A `tpl` text compiled in a Tera instance of its own.
pub(super) struct TplTemplate {
    tera: Tera,
    map: SourceMap,
    text: Arc<str>,
}

/// The name `tpl` texts are compiled under (Helm parses them as the template `gotpl`).
const TPL_NAME: &str = "gotpl";

/// Marks a message already led back to a Go position, so that enclosing calls keep it.
pub(super) const LOCATED: char = '\u{E002}';

thread_local! {
    /// Includes nested right now, and calls made in the current file.
    static DEPTH: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// One frame per template being rendered (the file, then each include): the dot its
    /// template changed, and the changed dot of the include it made last.
    static FRAMES: std::cell::RefCell<Vec<Frame>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The values the file being rendered started with: a file (or a file it includes)
    /// that ends with other values changed them.
    static STARTED_WITH: std::cell::RefCell<Option<Value>> = const { std::cell::RefCell::new(None) };
    /// Whether the file being rendered (or a file it includes) changed its values.
    static CHANGED: Cell<bool> = const { Cell::new(false) };
}

/// Whether the file this thread rendered last changed its values (see [`Shared::kept`]).
pub fn changed_values() -> bool {
    CHANGED.with(Cell::get)
}

/// Starts a file's render with `values` as its `.Values` (see [`Shared::kept`]).
pub fn begin_values(values: Option<Value>) {
    STARTED_WITH.with(|s| *s.borrow_mut() = values);
    CHANGED.with(|c| c.set(false));
}

#[derive(Default)]
struct Frame {
    changed: Option<Value>,
    pending: Option<Value>,
}

/// Starts a file's render: its include budget is whole again.
pub fn begin_file() {
    DEPTH.with(|d| d.set((0, 0)));
    FRAMES.with(|f| *f.borrow_mut() = vec![Frame::default()]);
}

pub fn register_all(tera: &mut Tera, shared: &Arc<Shared>) {
    tera.register_filter("_p", |v: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
        Ok(Value::from(super::fmt::print_action(v)))
    });
    tera.register_function("_values", |k: Kwargs, _: &State| {
        range_values(Args::new(&k).get(0)).map_err(Error::message)
    });
    tera.register_function("_pairs", |k: Kwargs, _: &State| {
        range_pairs(Args::new(&k).get(0)).map_err(Error::message)
    });
    tera.register_function("_field", |k: Kwargs, _: &State| {
        field_chain(&Args::new(&k)).map_err(Error::message)
    });
    tera.register_function("_method", |k: Kwargs, _: &State| method(&Args::new(&k)).map_err(Error::message));
    tera.register_function("_put", |k: Kwargs, _: &State| {
        let a = Args::new(&k);
        let path: Vec<String> = a.get(1).as_array().unwrap_or_default().iter().map(strval).collect();
        Ok(put(a.get(0), &path, a.get(2).clone()))
    });
    let for_keep = shared.clone();
    tera.register_function("_keep", move |k: Kwargs, _: &State| {
        let dot = Args::new(&k).get(0).clone();
        let field = |v: &Value, name: &str| v.as_map().and_then(|m| m.get(&key(name)).cloned());
        let base = field(&dot, "Template").and_then(|t| field(&t, "BasePath"));
        if let (Some(base), Some(values)) = (base.as_ref().and_then(Value::as_str), field(&dot, "Values"))
            && STARTED_WITH.with(|s| s.borrow().as_ref() != Some(&values))
        {
            for_keep.kept.lock().unwrap_or_else(|e| e.into_inner()).insert(base.to_string(), values);
            CHANGED.with(|c| c.set(true));
        }
        Ok(Value::from(""))
    });
    let for_text = shared.clone();
    tera.register_function("_text", move |k: Kwargs, _: &State| -> TeraResult<Value> {
        let a = Args::new(&k);
        let text = a.get(0).as_str().and_then(|prefix| for_text.texts.get(prefix));
        let index = a.get(1).as_i128().and_then(|i| usize::try_from(i).ok());
        match (text, index) {
            (Some(texts), Some(index)) if index < texts.len() => Ok(Value::from(&*texts[index])),
            _ => Err(Error::message("rudder lost a run of this template's text")),
        }
    });
    let for_include = shared.clone();
    tera.register_function("include", move |k: Kwargs, _: &State| {
        let a = Args::new(&k);
        check_arity("include", a.len(), 2, Some(2))?;
        let name = a.str(0).map_err(|e| Error::message(format!("error calling include: {e}")))?;
        include(&for_include, name, a.get(1))
    });
    let for_tpl = shared.clone();
    tera.register_function("tpl", move |k: Kwargs, _: &State| {
        let a = Args::new(&k);
        check_arity("tpl", a.len(), 2, Some(2))?;
        let text = a.str(0).map_err(|e| Error::message(format!("error calling tpl: {e}")))?;
        tpl(&for_tpl, text, a.get(1))
    });
    tera.register_function("required", |k: Kwargs, _: &State| {
        let a = Args::new(&k);
        check_arity("required", a.len(), 2, Some(2))?;
        let value = a.get(1);
        if is_nil(value) || value.as_str() == Some("") {
            return Err(Error::message(strval(a.get(0))));
        }
        Ok(value.clone())
    });
    tera.register_function("fail", |k: Kwargs, _: &State| -> TeraResult<Value> {
        let a = Args::new(&k);
        check_arity("fail", a.len(), 1, Some(1))?;
        Err(Error::message(strval(a.get(0))))
    });
    tera.register_function("lookup", |k: Kwargs, _: &State| {
        check_arity("lookup", Args::new(&k).len(), 4, Some(4))?;
        Ok(Value::from(Map::new()))
    });
    tera.register_function("_dot_changed", |k: Kwargs, _: &State| -> TeraResult<Value> {
        let changed = Args::new(&k).get(0).clone();
        FRAMES.with(|f| f.borrow_mut().last_mut().map(|top| top.changed = Some(changed)));
        Ok(Value::from(""))
    });
    tera.register_function("_sync", |k: Kwargs, _: &State| -> TeraResult<Value> {
        let a = Args::new(&k);
        let taken = FRAMES.with(|f| f.borrow_mut().last_mut().and_then(|top| top.pending.take()));
        let Some(changed) = taken else { return Ok(a.get(0).clone()) };
        if a.get(1).as_bool() == Some(true) {
            FRAMES.with(|f| f.borrow_mut().last_mut().map(|top| top.changed = Some(changed.clone())));
        }
        Ok(changed)
    });
    tera.register_function("call", |_: Kwargs, _: &State| -> TeraResult<Value> {
        Err(Error::message("error calling call: rudder has no function values to call"))
    });
}

/// `include NAME DOT`: a define, or a whole template file, rendered with DOT.
fn include(shared: &Shared, name: &str, dot: &Value) -> TeraResult<Value> {
    let (depth, calls) = DEPTH.with(Cell::get);
    let max_depth = crate::limits::INCLUDE_DEPTH.get_usize();
    if depth >= max_depth {
        return Err(Error::message(format!(
            "rendering template has a nested reference name: {name}: includes nest more than {max_depth} deep (limit include-depth)"
        )));
    }
    let max_calls = crate::limits::INCLUDE_CALLS.get_usize();
    if calls >= max_calls {
        return Err(Error::message(format!(
            "a template makes more than {max_calls} includes (limit include-calls); refusing it"
        )));
    }
    DEPTH.with(|d| d.set((depth + 1, calls + 1)));
    if shared.sync {
        FRAMES.with(|f| {
            let mut frames = f.borrow_mut();
            if let Some(top) = frames.last_mut() {
                top.pending = None;
            }
            frames.push(Frame::default());
        });
    }
    let mut context = Context::new();
    let rendered = match shared.defines.get(name) {
        Some(component) => {
            context.insert_value(crate::translate::DOT, dot.clone());
            let tera = shared.tera(shared.component_home.get(component));
            tera.and_then(|tera| tera.render_component(component, &context, None, false))
        }
        None if shared.sources.contains_key(name) => {
            context.insert_value(crate::translate::ROOT, dot.clone());
            shared.tera(shared.home.get(name)).and_then(|tera| tera.render(name, &context))
        }
        None if let Some(found) = shared.external.as_ref().and_then(|external| external(name, dot)) => found,
        None => {
            DEPTH.with(|d| d.set((depth, calls + 1)));
            return Err(Error::message(format!(
                "error calling include: template: no template {name:?} associated with template \"gotpl\""
            )));
        }
    };
    DEPTH.with(|d| d.set((depth, d.get().1)));
    if shared.sync {
        FRAMES.with(|f| {
            let mut frames = f.borrow_mut();
            let done = frames.pop().unwrap_or_default();
            if let Some(top) = frames.last_mut() {
                top.pending = done.changed;
            }
        });
    }
    rendered.map(Value::from).map_err(|e| Error::message(located(shared, &e)))
}

/// `tpl TEXT DOT`: TEXT, a Go template, translated and rendered with DOT, `<no value>`
/// deleted as Helm deletes it.
fn tpl(shared: &Shared, text: &str, dot: &Value) -> TeraResult<Value> {
    let compiled = compiled_tpl(shared, text)?;
    let mut context = Context::new();
    context.insert_value(crate::translate::ROOT, dot.clone());
    match compiled.tera.render(TPL_NAME, &context) {
        Ok(out) => Ok(Value::from(out.replace("<no value>", ""))),
        Err(e) => {
            let inner = located_in(&e, &compiled.map, &compiled.text, "tpl text");
            Err(Error::message(format!("error calling tpl: {inner}")))
        }
    }
}

fn compiled_tpl(shared: &Shared, text: &str) -> TeraResult<Arc<TplTemplate>> {
    if let Some(found) = shared.tpl.lock().unwrap_or_else(|p| p.into_inner()).get(text) {
        return Ok(found.clone());
    }
    let translation = crate::translate::translate(text, "T", shared.sync).map_err(|e| {
        let (line, col) = crate::translate::line_col(text, e.pos);
        Error::message(format!(
            "error calling tpl: cannot parse template {text:?}: {line}:{col}: {}",
            e.message
        ))
    })?;
    let mut tera = shared.instance()?;
    tera.add_raw_template(TPL_NAME, &translation.tera).map_err(|e| {
        Error::message(format!(
            "error calling tpl: rudder could not compile the translation of {text:?}: {e}"
        ))
    })?;
    let compiled = Arc::new(TplTemplate { tera, map: translation.map, text: text.into() });
    let mut cache = shared.tpl.lock().unwrap_or_else(|p| p.into_inner());
    if cache.len() > 10_000 {
        cache.clear();
    }
    cache.insert(text.to_string(), compiled.clone());
    Ok(compiled)
}

/// A Tera error of a Go template as `file:line:col: message`, at the Go position of the
/// failing expression (and the include that led there, for an error in a define).
pub fn located(shared: &Shared, error: &Error) -> String {
    let tera::ErrorKind::RenderingError(report) = error.kind() else {
        return error.to_string();
    };
    match shared.sources.get(report.filename()) {
        Some((map, source)) => located_in(error, map, source, report.filename()),
        None => report.message().to_string(),
    }
}

pub(super) fn located_in(error: &Error, map: &SourceMap, source: &str, file: &str) -> String {
    let tera::ErrorKind::RenderingError(report) = error.kind() else {
        return error.to_string();
    };
    let message = report.message();
    if message.starts_with(LOCATED) || message.contains(LOCATED) {
        let inner = &message[message.find(LOCATED).unwrap_or(0)..];
        return inner.to_string();
    }
    let span = report.span();
    let position = map.go_offset(span.start_line, span.start_col).unwrap_or(0);
    let (line, col) = crate::translate::line_col(source, position);
    format!("{LOCATED}{file}:{line}:{col}: {message}")
}

/// A located message without its marker.
pub fn clean(message: &str) -> String {
    message.replace(LOCATED, "")
}

/// `range X`: the elements Go visits (a map's values in key order, `0..n` for an integer).
fn range_values(value: &Value) -> Result<Value, String> {
    match kind(value) {
        Kind::Slice => Ok(value.clone()),
        Kind::Map => {
            Ok(Value::from(super::fmt::sorted(value).into_iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()))
        }
        Kind::Int | Kind::Uint => Ok(Value::from(count_to(value)?)),
        Kind::Invalid => Ok(Value::from(Vec::<Value>::new())),
        Kind::Bytes => Ok(Value::from(
            value.as_bytes().unwrap_or_default().iter().map(|b| Value::from(*b as i64)).collect::<Vec<_>>(),
        )),
        _ => Err(format!("range can't iterate over {}", super::fmt::sprint_value(value))),
    }
}

/// `range $k, $v := X`: keys (or indexes) and elements, in Go's order.
fn range_pairs(value: &Value) -> Result<Value, String> {
    let mut map = Map::new();
    match kind(value) {
        Kind::Slice => {
            for (i, item) in value.as_array().unwrap_or_default().iter().enumerate() {
                map.insert(tera::value::Key::I64(i as i64), item.clone());
            }
        }
        Kind::Map => {
            for (k, v) in super::fmt::sorted(value) {
                map.insert(key(&k), v.clone());
            }
        }
        Kind::Int | Kind::Uint => {
            for (i, n) in count_to(value)?.into_iter().enumerate() {
                map.insert(tera::value::Key::I64(i as i64), n);
            }
        }
        Kind::Invalid => {}
        _ => return Err(format!("range can't iterate over {}", super::fmt::sprint_value(value))),
    }
    Ok(Value::from(map))
}

fn count_to(value: &Value) -> Result<Vec<Value>, String> {
    let n = super::value::to_int64(value);
    if n > 100_000 {
        return Err(format!("range over {n} makes more than 100000 iterations"));
    }
    Ok((0..n.max(0)).map(Value::from).collect())
}

/// `(pipeline).a.b`: fields of a computed value, with Go's complaints.
fn field_chain(args: &Args) -> Result<Value, String> {
    let mut current = args.get(0).clone();
    for i in 1..args.len() {
        let name = strval(args.get(i));
        current = match kind(&current) {
            Kind::Map => {
                current.as_map().and_then(|m| m.get(&key(&name)).cloned()).unwrap_or_else(Value::none)
            }
            // Go unwraps a pipeline's nil result, and a field of nothing is nothing.
            Kind::Invalid => Value::none(),
            _ => return Err(format!("can't evaluate field {name} in type {}", type_name(&current))),
        };
    }
    Ok(current)
}

/// `OBJECT.Name args…`: the methods Helm's objects have.
fn method(args: &Args) -> Result<Value, String> {
    let object = args.get(0);
    let name = strval(args.get(1));
    let rest = args.slice(2);
    let arg = |i: usize| rest.get(i).map(strval).unwrap_or_default();
    let files = || object.as_map().cloned().unwrap_or_default();
    match name.as_str() {
        "Get" => {
            Ok(files().get(&key(&arg(0))).map(|v| Value::from(text_of(v))).unwrap_or_else(|| Value::from("")))
        }
        "GetBytes" => Ok(files().get(&key(&arg(0))).cloned().unwrap_or_else(|| Value::bytes(Vec::new()))),
        "Lines" => {
            let text = files().get(&key(&arg(0))).map(text_of).unwrap_or_default();
            if text.is_empty() {
                return Ok(Value::from(Vec::<Value>::new()));
            }
            let text = text.strip_suffix('\n').unwrap_or(&text);
            Ok(Value::from(text.split('\n').map(Value::from).collect::<Vec<_>>()))
        }
        "Glob" => {
            let pattern = arg(0);
            // gobwas/glob with `/` as separator; Helm falls back to `**` when the pattern is invalid.
            let matcher = crate::glob::matcher(&pattern, false).ok();
            let mut out = Map::new();
            for (k, v) in files() {
                let path = super::value::key_text(&k);
                if matcher.as_ref().is_none_or(|m| m.is_match(&path)) {
                    out.insert(k, v);
                }
            }
            Ok(Value::from(out))
        }
        "AsConfig" | "AsSecrets" => {
            let entries = files();
            if entries.is_empty() {
                return Ok(Value::from(""));
            }
            let mut by_name = Map::new();
            for (k, v) in &entries {
                let path = super::value::key_text(k);
                let base = path.rsplit('/').next().unwrap_or(&path).to_string();
                let content = match name.as_str() {
                    "AsConfig" => text_of(v),
                    _ => {
                        use base64::Engine as _;
                        base64::engine::general_purpose::STANDARD.encode(
                            v.as_bytes().map(<[u8]>::to_vec).unwrap_or_else(|| text_of(v).into_bytes()),
                        )
                    }
                };
                by_name.insert(key(&base), Value::from(content));
            }
            let yaml = super::goyaml::to_yaml(&Value::from(by_name), false).unwrap_or_default();
            Ok(Value::from(yaml.strip_suffix('\n').unwrap_or(&yaml).to_string()))
        }
        "Has" => Ok(object
            .as_array()
            .is_some_and(|items| items.iter().any(|i| i.as_str() == Some(arg(0).as_str())))
            .into()),
        _ => match kind(object) {
            Kind::Map if object.as_map().is_some_and(|m| m.contains_key(&key(&name))) => {
                Err(format!("{name} is not a method but has arguments"))
            }
            Kind::Invalid => Err(format!("nil pointer evaluating interface {{}}.{name}")),
            _ => Err(format!("can't evaluate field {name} in type {}", type_name(object))),
        },
    }
}

fn text_of(value: &Value) -> String {
    match value.as_bytes() {
        Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        None => strval(value),
    }
}

/// `base` with the value at `path` replaced by `value` (for a change made through a
/// field path: `set .Values.x "k" v`).
fn put(base: &Value, path: &[String], value: Value) -> Value {
    let Some((first, rest)) = path.split_first() else { return value };
    let Some(map) = base.as_map() else { return base.clone() };
    let mut map = map.clone();
    let inner = map.get(&key(first)).cloned().unwrap_or_else(Value::none);
    map.insert(key(first), put(&inner, rest, value));
    Value::from(map)
}

/// Go's `nil` Files: a root map's `Files` as a map of path to bytes.
pub fn files_value(files: &std::collections::BTreeMap<String, Vec<u8>>) -> Value {
    let mut map = Map::with_capacity(files.len());
    for (path, bytes) in files {
        map.insert(key(path), Value::bytes(bytes.clone()));
    }
    Value::from(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_visit_in_go_order() {
        let map = Value::from_serializable(&serde_json::json!({"b": 2, "a": 1}));
        let values = range_values(&map).unwrap();
        assert_eq!(super::super::fmt::sprint_value(&values), "[1 2]");
        assert_eq!(range_values(&Value::from(3)).unwrap().as_array().unwrap().len(), 3);
        assert!(range_values(&Value::from("x")).is_err());
        let pairs = range_pairs(&Value::from(vec![Value::from("x")])).unwrap();
        assert_eq!(pairs.as_map().unwrap().len(), 1);
    }

    #[test]
    fn put_replaces_along_a_path() {
        let base = Value::from_serializable(&serde_json::json!({"Values": {"a": {"x": 1}, "b": 2}}));
        let changed = put(&base, &["Values".into(), "a".into()], Value::from("new"));
        assert_eq!(super::super::fmt::sprint_value(&changed), "map[Values:map[a:new b:2]]");
    }
}
