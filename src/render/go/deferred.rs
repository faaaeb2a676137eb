//! The long branch bodies the translator moved out of line (`translate::codegen::defer`):
//! each is compiled in a Tera instance of its own the first time it runs, so that the
//! branches a chart's values leave off cost nothing to compile.

use super::engine::{Shared, located_in};
use crate::translate::SourceMap;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use tera::{Context, Error, Kwargs, Map, State, Tera, TeraResult, Value};

/// A body moved out of line: its file (its Tera name, so errors name the file), its
/// Tera text and source map, and the instance it is compiled in once it has run.
pub struct Chunk {
    file: String,
    text: String,
    map: SourceMap,
    compiled: Mutex<Option<Arc<Tera>>>,
}

impl Chunk {
    pub fn new(file: String, text: String, map: SourceMap) -> Chunk {
        Chunk { file, text, map, compiled: Mutex::new(None) }
    }

    /// Drops the compiled instance (its functions hold the [`Shared`] that holds it).
    pub fn forget(&self) {
        *self.compiled.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

thread_local! {
    /// The variables the chunk rendered last handed back (`_export`).
    static EXPORTED: RefCell<Map> = RefCell::new(Map::new());
}

pub fn register_all(tera: &mut Tera, shared: &Arc<Shared>) {
    let for_defer = shared.clone();
    tera.register_function("_defer", move |k: Kwargs, _: &State| render(&for_defer, &k));
    tera.register_function("_export", |k: Kwargs, _: &State| -> TeraResult<Value> {
        let map: Map = k.iter().map(|(key, value)| (key.clone(), value.clone())).collect();
        EXPORTED.with(|e| *e.borrow_mut() = map);
        Ok(Value::from(""))
    });
    tera.register_function("_deferred", |k: Kwargs, _: &State| -> TeraResult<Value> {
        let name = super::args::Args::new(&k).get(0).clone();
        let found =
            EXPORTED.with(|e| e.borrow().get(&super::value::key(&super::value::strval(&name))).cloned());
        found.ok_or_else(|| Error::message("rudder lost a variable of an out-of-line branch"))
    });
}

/// `_defer(_0=prefix, _1=n, name=value…)`: chunk `n` of the file with that prefix,
/// rendered with the variables given.
fn render(shared: &Shared, kwargs: &Kwargs) -> TeraResult<Value> {
    let mut context = Context::new();
    let (mut prefix, mut index) = (None, None);
    for (key, value) in kwargs.iter() {
        match key.as_str() {
            Some("_0") => prefix = value.as_str().map(str::to_string),
            Some("_1") => index = value.as_i128().and_then(|i| usize::try_from(i).ok()),
            Some(name) => context.insert_value(name.to_string(), value.clone()),
            None => {}
        }
    }
    let chunk = prefix
        .and_then(|prefix| shared.chunks.get(&prefix))
        .zip(index)
        .and_then(|(chunks, index)| chunks.get(index))
        .ok_or_else(|| Error::message("rudder lost a branch of this template"))?;
    let tera = compiled(shared, chunk)?;
    tera.render(&chunk.file, &context).map(Value::from).map_err(|e| {
        Error::message(located_in(&e, &chunk.map, source(shared, chunk).unwrap_or(""), &chunk.file))
    })
}

/// The Go source of the file `chunk` comes from.
fn source<'s>(shared: &'s Shared, chunk: &Chunk) -> Option<&'s str> {
    shared.sources.get(&chunk.file).map(|(_, source)| &**source)
}

/// The chunk's instance, compiled now if this is its first run (a thread that needs it
/// meanwhile waits rather than compiling it again).
fn compiled(shared: &Shared, chunk: &Chunk) -> TeraResult<Arc<Tera>> {
    let mut slot = chunk.compiled.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(tera) = slot.as_ref() {
        return Ok(tera.clone());
    }
    let mut tera = shared.instance()?;
    tera.add_raw_template(&chunk.file, &chunk.text).map_err(|e| {
        let message = super::compile::compile_error_in(&e, source(shared, chunk).map(|s| (&chunk.map, s)));
        Error::message(format!("{}{message}", super::engine::LOCATED))
    })?;
    let tera = Arc::new(tera);
    *slot = Some(tera.clone());
    Ok(tera)
}
