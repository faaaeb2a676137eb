//! `tpl(template=STRING)`: Helm's `tpl`, a string rendered as a template of the current
//! chart, with the current context (`Values`, `Chart`, `Release`, `Capabilities`,
//! `Template`, `Environment`, or the map `context=` gives) and the chart's partials. The
//! string is Tera (docs/charts.md says how to write such values for rudder), or Go where
//! the chart says so (`rudder.dev/tpl: go`, as `rudder convert` writes it). Bounded as
//! any render: its size by `file-bytes`, its output by `template-output`, and one level
//! deep (a `tpl` inside a `tpl` is an error).

use std::sync::{Arc, OnceLock};
use tera::{Context, Error, Kwargs, State, Tera, TeraResult};

/// What `tpl` needs of its chart, kept to build its own Tera on first use.
pub struct Chart {
    pub sources: Vec<(String, String)>,
    pub prefixes: Vec<String>,
    pub files: crate::chart::Files,
    /// The strings are Go templates (the chart's annotation `rudder.dev/tpl: go`).
    pub go: bool,
    engine: OnceLock<Result<Tera, String>>,
}

impl Chart {
    pub fn new(
        sources: Vec<(String, String)>,
        prefixes: Vec<String>,
        files: crate::chart::Files,
        go: bool,
    ) -> Arc<Chart> {
        Arc::new(Chart { sources, prefixes, files, go, engine: OnceLock::new() })
    }

    fn engine(&self) -> TeraResult<&Tera> {
        let engine = self.engine.get_or_init(|| {
            let mut tera = Tera::new();
            tera.autoescape_on(Vec::<&str>::new());
            tera.set_fallback_prefixes(self.prefixes.clone()).map_err(|e| e.to_string())?;
            super::register_all(&mut tera, self.files.clone());
            tera.register_function("tpl", |_: Kwargs, _: &State| -> TeraResult<String> {
                Err(Error::message("tpl cannot be called from inside tpl"))
            });
            tera.add_raw_templates(self.sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
                .map_err(|e| e.to_string())?;
            Ok(tera)
        });
        engine.as_ref().map_err(|e| Error::message(format!("tpl: {e}")))
    }
}

/// The `tpl` function of one chart.
pub fn tpl(chart: &Chart, kwargs: &Kwargs, state: &State) -> TeraResult<String> {
    let template: &str = kwargs.must_get("template")?;
    let limit = crate::limits::FILE_BYTES.get_usize();
    if template.len() > limit {
        return Err(Error::message(format!(
            "tpl: the template is more than {limit} bytes (limit file-bytes)"
        )));
    }
    // `context=`: a map of those parts given explicitly (a component of a converted chart
    // holds the template's context as a value).
    let given: Option<tera::Value> = kwargs.get("context")?;
    let mut context = Context::new();
    for name in ["Values", "Chart", "Release", "Capabilities", "Template", "Environment"] {
        let value = match &given {
            Some(map) => map.as_map().and_then(|m| m.get(&tera::value::Key::from(name))).cloned(),
            None => state.get::<tera::Value>(name)?,
        };
        if let Some(value) = value {
            context.insert(name, &value);
        }
    }
    if chart.go {
        let mut root = tera::Map::new();
        for name in GO_CONTEXT {
            if let Some(value) = context.get(name) {
                root.insert(name.into(), value.clone());
            }
        }
        let out = super::go::render_text(template, &tera::Value::from(root))
            .map_err(|e| Error::message(format!("tpl: {e}")))?;
        return bounded(out);
    }
    let out = chart.engine()?.render_str(template, &context, false).map_err(|e| {
        // Tera names the string `__tera_one_off`: say where in the string instead.
        let text = e.to_string();
        let text = text.strip_prefix("error: ").unwrap_or(&text);
        let mut lines = text.lines();
        let message = lines.next().unwrap_or_default().to_string();
        let at = lines.find_map(|l| l.trim_start().strip_prefix("--> __tera_one_off:")).unwrap_or("1:1");
        let values = context.get("Values").and_then(|v| value_path(v, template, "Values"));
        let whose = values.map(|path| format!(", the value at {path}")).unwrap_or_default();
        Error::message(format!("tpl: {message} (at {at} of the template string{whose})"))
    })?;
    bounded(out)
}

/// The parts of the context a Go `tpl` text sees as its dot.
const GO_CONTEXT: [&str; 5] = ["Values", "Chart", "Release", "Capabilities", "Template"];

fn bounded(out: String) -> TeraResult<String> {
    let limit = crate::limits::TEMPLATE_OUTPUT.get_usize();
    if out.len() > limit {
        return Err(Error::message(format!(
            "tpl: the render produces more than {limit} bytes (limit template-output)"
        )));
    }
    Ok(out)
}

/// The path (`Values.a.b[0]`) of the first string in `value` equal to `text`, depth
/// first in key order: which value a failing `tpl` template came from.
fn value_path(value: &tera::Value, text: &str, path: &str) -> Option<String> {
    if value.as_str() == Some(text) {
        return Some(path.to_string());
    }
    if let Some(map) = value.as_map() {
        return map.iter().find_map(|(key, item)| value_path(item, text, &format!("{path}.{key}")));
    }
    value.as_array()?.iter().enumerate().find_map(|(i, item)| value_path(item, text, &format!("{path}[{i}]")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_failing_template_is_traced_to_its_value() {
        let values = tera::Value::from_serializable(&serde_json::json!({
            "a": {"list": ["x", "{{ nope }}"]},
            "b": "{{ nope }}",
        }));
        assert_eq!(super::value_path(&values, "{{ nope }}", "Values").as_deref(), Some("Values.a.list[1]"));
        assert_eq!(super::value_path(&values, "other", "Values"), None);
    }
}
