//! Sprig's type, regex and version helpers with Helm's meaning, as filters:
//! `kind_is(kind=..)`, `kind_of`, `type_of` (Go's names: `map`, `slice`, `string`,
//! `float64`, `int64`, `bool`, `invalid`), `regex_match(regex=..)`,
//! `regex_find(regex=..)`, `regex_replace_all(regex=.., replacement=..)` (RE2 syntax through
//! the `regex` crate: linear time), and the function
//! `semver_compare(constraint=.., version=..)` with Helm's constraint grammar.

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

pub fn register(tera: &mut Tera) {
    tera.register_filter("kind_of", kind_of);
    tera.register_filter("kind_is", kind_is);
    tera.register_filter("type_of", type_of);
    tera.register_filter("regex_match", regex_match);
    tera.register_filter("regex_find", regex_find);
    tera.register_filter("regex_replace_all", regex_replace_all);
    tera.register_function("semver_compare", semver_compare);
}

/// Go's `reflect.Kind` name of a value as Helm holds it (every number of a values file
/// is a float64 there; rudder keeps integers, which read `int64`).
fn kind(value: &Value) -> &'static str {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(_)) => "map",
        Ok(serde_json::Value::Array(_)) => "slice",
        Ok(serde_json::Value::String(_)) => "string",
        Ok(serde_json::Value::Bool(_)) => "bool",
        Ok(serde_json::Value::Number(n)) if n.is_f64() => "float64",
        Ok(serde_json::Value::Number(_)) => "int64",
        _ => "invalid",
    }
}

/// `x | kind_of`.
fn kind_of(value: &Value, _: Kwargs, _: &State) -> TeraResult<&'static str> {
    Ok(kind(value))
}

/// `x | kind_is(kind="map")`.
fn kind_is(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<bool> {
    Ok(kind(value) == kwargs.must_get::<&str>("kind")?)
}

/// `x | type_of`: Go's type names (`map[string]interface {}`, `[]interface {}`, ...).
fn type_of(value: &Value, _: Kwargs, _: &State) -> TeraResult<&'static str> {
    Ok(match kind(value) {
        "map" => "map[string]interface {}",
        "slice" => "[]interface {}",
        "invalid" => "<nil>",
        other => other,
    })
}

fn regex(kwargs: &Kwargs) -> TeraResult<regex::Regex> {
    let pattern: &str = kwargs.must_get("regex")?;
    if pattern.len() > crate::limits::PATTERN_LENGTH.get_usize() {
        return Err(Error::message("the regex is longer than the pattern-length limit"));
    }
    regex::Regex::new(pattern).map_err(|e| {
        Error::message(format!("invalid regex {}", crate::secret::value(&format!("{pattern:?}: {e}"))))
    })
}

/// `s | regex_match(regex="^a")`.
fn regex_match(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<bool> {
    Ok(regex(&kwargs)?.is_match(text))
}

/// `s | regex_find(regex="[0-9]+")`: the first match, or `""`.
fn regex_find(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    Ok(regex(&kwargs)?.find(text).map(|m| m.as_str().to_string()).unwrap_or_default())
}

/// `s | regex_replace_all(regex="[^a-z]+", replacement="-")`: `$1` refers to groups.
fn regex_replace_all(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let replacement: &str = kwargs.must_get("replacement")?;
    Ok(regex(&kwargs)?.replace_all(text, replacement).into_owned())
}

/// `semver_compare(constraint=">=1.21.0-0", version=Capabilities.KubeVersion.Version)`:
/// Helm's `semverCompare`; a leading `v` and missing minor or patch are accepted.
fn semver_compare(kwargs: Kwargs, _: &State) -> TeraResult<bool> {
    let constraint: &str = kwargs.must_get("constraint")?;
    let version: &str = kwargs.must_get("version")?;
    let parsed = crate::chart::parse_constraint(constraint).map_err(|e| Error::message(format!("{e:#}")))?;
    Ok(crate::chart::satisfies(&parsed, &lenient_version(version)?))
}

/// Whether `version` meets `constraint`, as Helm's `semverCompare` decides.
pub(super) fn semver_matches(constraint: &str, version: &str) -> Result<bool, String> {
    let parsed = crate::chart::parse_constraint(constraint).map_err(|e| format!("{e:#}"))?;
    let version = lenient_version(version).map_err(|e| e.to_string())?;
    Ok(crate::chart::satisfies(&parsed, &version))
}

pub(super) fn lenient_version(text: &str) -> TeraResult<semver::Version> {
    crate::chart::lenient_version(text.trim()).map_err(|e| {
        Error::message(format!(
            "semver_compare: invalid version {}",
            crate::secret::value(&format!("{text:?}: {e}"))
        ))
    })
}

#[cfg(test)]
mod tests {
    fn render(template: &str) -> String {
        let context = serde_json::json!({"v": {"m": {}, "l": [], "s": "a", "f": 1.5, "i": 2, "b": true}});
        super::super::convert::render_with(super::register, context, template)
    }
    #[test]
    fn kinds() {
        assert_eq!(
            render(
                "{{ v.m | kind_of }} {{ v.l | kind_of }} {{ v.s | kind_of }} {{ v.f | kind_of }} {{ v.i | kind_of }} {{ v.b | kind_of }}"
            ),
            "map slice string float64 int64 bool"
        );
        assert_eq!(
            render("{{ v.m | kind_is(kind='map') }} {{ v.m | type_of }}"),
            "true map[string]interface {}"
        );
    }

    #[test]
    fn regexes() {
        assert_eq!(
            render("{{ 'a1b22' | regex_match(regex='^a') }} {{ 'a1b22' | regex_find(regex='[0-9]+') }}"),
            "true 1"
        );
        assert_eq!(
            render("{{ 'My App_1' | regex_replace_all(regex='[^a-z0-9]+', replacement='-') }}"),
            "-y-pp-1"
        );
    }

    #[test]
    fn versions() {
        assert_eq!(render("{{ semver_compare(constraint='>=1.21.0-0', version='v1.30.2-gke.1') }}"), "true");
        assert_eq!(render("{{ semver_compare(constraint='<1.21', version='1.30') }}"), "false");
        assert_eq!(render("{{ semver_compare(constraint='~1.2 || ^3', version='v3.1.0') }}"), "true");
    }
}
