//! The render stage's side of Go templates: the functions the translation calls, with
//! Go's and Helm's meaning ([`value`], [`fmt`], [`compare`], [`strings`], [`collections`],
//! [`math`], [`encoding`], [`goyaml`], [`misc`]), and the runtime around them ([`engine`]:
//! `include`, `tpl`, ranges, methods, errors at Go positions).

mod args;
pub mod charts;
mod collections;
mod compare;
pub mod compile;
pub mod deferred;
mod encoding;
pub mod engine;
mod fmt;
mod goyaml;
mod math;
pub mod misc;
pub mod root;
mod strings;
pub mod value;

use std::sync::Arc;
use tera::{Kwargs, State, Tera, TeraResult, Value};

/// Helm's `toYaml` of `value`, byte for byte (go-yaml v2 after a JSON round trip, one
/// trailing newline dropped): for Tera's `to_yaml(helm=true)`.
pub fn helm_to_yaml(value: &Value) -> Option<String> {
    let mut text = goyaml::to_yaml(value, false)?;
    if text.ends_with('\n') {
        text.pop();
    }
    Some(text)
}

/// Helm's `toJson` of `value`: keys sorted, `<`, `>` and `&` escaped as Go's encoder does.
pub fn helm_to_json(value: &Value) -> Option<String> {
    encoding::json(value, true, None)
}

/// Go template `text` rendered with Go's and Helm's meaning and `root` as its dot, apart
/// from any Go chart: `tpl` in a Tera chart whose values hold Go text (the annotation
/// `rudder.dev/tpl: go`, which `rudder convert` writes). An `include` of a name the text
/// does not define goes to `external` (the Tera chart's components).
pub fn render_text(text: &str, root: &Value, external: Option<engine::External>) -> Result<String, String> {
    let translation = crate::translate::translate(text, "T", false).map_err(|e| {
        let (line, col) = crate::translate::line_col(text, e.pos);
        format!("cannot parse the Go template at {line}:{col}: {}", e.message)
    })?;
    let shared = Arc::new(engine::Shared { external, ..Default::default() });
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    register(&mut tera, &shared);
    tera.add_raw_template("tpl", &translation.tera).map_err(|e| e.to_string())?;
    // A `tpl` inside the text compiles apart, with this instance's functions.
    let tera = Arc::new(tera);
    let _ = shared.teras.set(vec![Arc::downgrade(&tera)]);
    let mut context = tera::Context::new();
    context.insert_value(crate::translate::ROOT, root.clone());
    let out = tera.render("tpl", &context).map_err(|e| engine::clean(&e.to_string()));
    shared.forget_compiled();
    Ok(out?.replace("<no value>", ""))
}

/// Registers every function a translated Go template may call.
pub fn register(tera: &mut Tera, shared: &Arc<engine::Shared>) {
    strings::register_all(tera);
    collections::register_all(tera);
    math::register_all(tera);
    encoding::register_all(tera);
    misc::register_all(tera);
    engine::register_all(tera, shared);
    deferred::register_all(tera, shared);
    register_comparisons(tera);
}

fn register_comparisons(tera: &mut Tera) {
    use args::Args;
    let err = |name: &str, e: String| tera::Error::message(format!("error calling {name}: {e}"));
    tera.register_function("eq", move |k: Kwargs, _: &State| -> TeraResult<Value> {
        compare::eq(&Args::new(&k).all()).map(Value::from).map_err(|e| err("eq", e))
    });
    tera.register_function("ne", move |k: Kwargs, _: &State| -> TeraResult<Value> {
        compare::ne(&Args::new(&k).all()).map(Value::from).map_err(|e| err("ne", e))
    });
    type Order = fn(&Value, &Value) -> Result<bool, String>;
    let orders: [(&'static str, Order); 4] = [
        ("lt", |a, b| compare::lt(a, b)),
        ("le", |a, b| compare::le(a, b)),
        ("gt", |a, b| compare::lt(b, a)),
        ("ge", |a, b| compare::le(b, a)),
    ];
    for (name, order) in orders {
        tera.register_function(name, move |k: Kwargs, _: &State| -> TeraResult<Value> {
            let a = Args::new(&k);
            args::check_arity(name, a.len(), 2, Some(2))?;
            order(a.get(0), a.get(1)).map(Value::from).map_err(|e| err(name, e))
        });
    }
}

#[cfg(test)]
mod tests;
