//! `tpl(template=STRING)`: Helm's `tpl`, a string rendered as a template of the current
//! chart, with the current context (`Values`, `Chart`, `Release`, `Capabilities`,
//! `Template`, `Environment`, or the map `context=` gives) and the chart's partials. The
//! string is Tera (docs/charts.md says how to write such values for rudder), or Go where
//! the chart says so (`rudder.dev/tpl: go`, as `rudder convert` writes it; there an
//! `include "NAME" DOT` in the text calls the component that follows the comment
//! `{#- NAME #}`, as convert writes each define). Bounded as
//! any render: its size by `file-bytes`, its output by `template-output`, and one level
//! deep (a `tpl` inside a `tpl` is an error).

use std::collections::HashMap;
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
    /// Go define name → the component written for it (see [`go_names`]).
    components: OnceLock<HashMap<String, String>>,
}

impl Chart {
    pub fn new(
        sources: Vec<(String, String)>,
        prefixes: Vec<String>,
        files: crate::chart::Files,
        go: bool,
    ) -> Arc<Chart> {
        Arc::new(Chart { sources, prefixes, files, go, engine: OnceLock::new(), components: OnceLock::new() })
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
pub fn tpl(chart: &Arc<Chart>, kwargs: &Kwargs, state: &State) -> TeraResult<String> {
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
        let root = tera::Value::from(root);
        let external = component_caller(chart.clone(), root.clone());
        let out = super::go::render_text(template, &root, Some(external))
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

/// `include NAME DOT` in a Go `tpl` text of a Tera chart: the component written for
/// define NAME, given DOT as `dot` when it takes one, and the context parts DOT holds
/// (else those of the `tpl` call, `root`) for its implicit parameters.
fn component_caller(chart: Arc<Chart>, root: tera::Value) -> super::go::engine::External {
    Box::new(move |name: &str, dot: &tera::Value| {
        let component = chart.components.get_or_init(|| go_names(&chart.sources)).get(name)?;
        Some(chart.engine().and_then(|tera| {
            let takes_dot = tera
                .get_component_definition(component)
                .is_some_and(|info| info.args().iter().any(|arg| arg.name() == "dot"));
            let mut args = Context::new();
            if takes_dot {
                args.insert("dot", dot);
            }
            let parts = match dot.as_map() {
                Some(map) if map.contains_key(&tera::value::Key::from("Values")) => dot,
                _ => &root,
            };
            let mut implicits = Context::new();
            for (key, value) in parts.as_map().into_iter().flatten() {
                implicits.insert(key.to_string(), value);
            }
            tera.render_component_with_implicits(component, &args, &implicits, None, false)
        }))
    })
}

/// The components `rudder convert` wrote for Go defines, by define name: each follows a
/// comment holding the define's name, `{#- NAME #}{% component Name(…`.
fn go_names(sources: &[(String, String)]) -> HashMap<String, String> {
    const OPEN: &str = "{% component ";
    let mut names = HashMap::new();
    for (_, text) in sources {
        for (at, _) in text.match_indices(OPEN) {
            let before = &text[..at];
            let Some(comment) = before.strip_suffix("#}") else { continue };
            let Some(start) = comment.rfind("{#") else { continue };
            let go = comment[start + 2..].trim_start_matches('-').trim().replace("# }", "#}");
            let rest = &text[at + OPEN.len()..];
            let component = &rest[..rest.find('(').unwrap_or(0)];
            if !go.is_empty() && !component.is_empty() {
                names.entry(go).or_insert_with(|| component.trim().to_string());
            }
        }
    }
    names
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

    #[test]
    fn go_text_includes_the_components_written_for_defines() {
        let helpers = "{# a note #}\n{#- demo.name #}{% component Name(@Values) -%}{{ Values.name }}-n{%- endcomponent Name -%}\n\
            {# demo.pair #}{% component Pair(dot) -%}{{ dot.a }}/{{ dot.b }}{%- endcomponent Pair -%}";
        let sources = vec![("demo/templates/_helpers.tpl".to_string(), helpers.to_string())];
        let names = super::go_names(&sources);
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(names["demo.name"], "Name");
        let chart = super::Chart::new(sources, vec!["demo/templates/".into()], Default::default(), true);
        let root = tera::Value::from_serializable(&serde_json::json!({"Values": {"name": "app"}}));
        let text = r#"{{ include "demo.name" . }} {{ include "demo.pair" (dict "a" 1 "b" .Values.name) }}"#;
        let caller = super::component_caller(chart.clone(), root.clone());
        assert_eq!(super::super::go::render_text(text, &root, Some(caller)).unwrap(), "app-n 1/app");
        let caller = super::component_caller(chart, root.clone());
        let missing = super::super::go::render_text(r#"{{ include "demo.other" . }}"#, &root, Some(caller));
        assert!(missing.unwrap_err().contains(r#"no template "demo.other""#));
    }
}
