//! What the helper filters share: a Tera value as JSON to work on, as text, as a map or
//! a list, a text of the render context, and (for tests) a Tera instance with one helper
//! module registered.

use serde_json::{Map, Value as Json};
use tera::{Error, Kwargs, State, TeraResult, Value};

/// The value as JSON (key order kept).
pub fn json(value: &Value) -> TeraResult<Json> {
    serde_json::to_value(value).map_err(|e| Error::message(e.to_string()))
}

/// The value as text: a string as it is, nothing for none or undefined, else its display.
pub fn text(value: &Value) -> String {
    match value.as_str() {
        Some(s) => s.to_string(),
        None if value.is_none() || value.is_undefined() => String::new(),
        None => value.to_string(),
    }
}

/// The value as a map (none is an empty one).
pub fn map(value: &Value, filter: &str) -> TeraResult<Map<String, Json>> {
    match json(value)? {
        Json::Object(map) => Ok(map),
        Json::Null => Ok(Map::new()),
        _ => Err(Error::message(format!("`{filter}` needs a map"))),
    }
}

/// The value as a list (none is an empty one).
pub fn list(value: &Value, filter: &str) -> TeraResult<Vec<Json>> {
    match json(value)? {
        Json::Array(items) => Ok(items),
        Json::Null => Ok(Vec::new()),
        _ => Err(Error::message(format!("`{filter}` needs a list"))),
    }
}

/// The text at `object.field` of the render context (`Release.Name`), empty when absent.
pub fn context_text(state: &State, object: &str, field: &str) -> TeraResult<String> {
    let value: Option<Value> = state.get(object)?;
    let json = value.map(|v| json(&v)).transpose()?.unwrap_or_default();
    Ok(json.get(field).and_then(Json::as_str).unwrap_or_default().to_string())
}

/// The keyword argument `name` as JSON.
pub fn arg(kwargs: &Kwargs, name: &str) -> TeraResult<Json> {
    json(&kwargs.must_get::<Value>(name)?)
}

/// The keyword argument `name`, a list, as strings.
pub fn strings(kwargs: &Kwargs, name: &str) -> TeraResult<Vec<String>> {
    match arg(kwargs, name)? {
        Json::Array(items) => {
            Ok(items.into_iter().map(|k| k.as_str().map_or_else(|| k.to_string(), str::to_string)).collect())
        }
        _ => Err(Error::message(format!("`{name}` must be a list"))),
    }
}

/// Renders `template` with the helpers `register` adds and `context` as its context.
#[cfg(test)]
pub fn render_with(register: fn(&mut tera::Tera), context: Json, template: &str) -> String {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    register(&mut tera);
    let context = tera::Context::from_serialize(&context).expect("a map");
    tera.render_str(template, &context, false).unwrap_or_else(|e| panic!("{template}: {e}"))
}
