//! Sprig's list helpers and the map edits Tera lacks, with Helm's meaning, as filters:
//! `compact`, `without(values=[..])`, `has(value=..)`, `append(value=..)`,
//! `prepend(value=..)`, `concat(with=[..])`, `uniq`, `join(sep=..)` (Tera's, which also takes
//! a string or none as Sprig's does), `set_key(key=.., value=..)` (a new map
//! with one key set: Tera has no computed keys), `unset_key(key=..)`, `deep_copy`.

use super::convert::{arg, list, map};
use serde_json::Value as Json;
use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

pub fn register(tera: &mut Tera) {
    tera.register_filter("compact", compact);
    tera.register_filter("without", without);
    tera.register_filter("has", has);
    tera.register_filter("append", append);
    tera.register_filter("prepend", prepend);
    tera.register_filter("concat", concat);
    tera.register_filter("uniq", uniq);
    tera.register_filter("set_key", set_key);
    tera.register_filter("unset_key", unset_key);
    tera.register_filter("deep_copy", deep_copy);
    tera.register_filter("join", join);
}

fn done(items: Vec<Json>) -> TeraResult<Value> {
    Ok(Value::from_serializable(&items))
}

/// True for what Helm's `empty` calls empty.
fn is_empty(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::Bool(b) => !b,
        Json::Number(n) => n.as_f64() == Some(0.0),
        Json::String(s) => s.is_empty(),
        Json::Array(items) => items.is_empty(),
        Json::Object(map) => map.is_empty(),
    }
}

/// `l | compact`: the list without its empty items.
fn compact(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    done(list(value, "compact")?.into_iter().filter(|v| !is_empty(v)).collect())
}

/// `l | without(values=[1])`: the list without those items.
fn without(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let Json::Array(drop) = arg(&kwargs, "values")? else {
        return Err(Error::message("`without` needs values=[...]"));
    };
    done(list(value, "without")?.into_iter().filter(|v| !drop.contains(v)).collect())
}

/// `l | has(value=2)`.
fn has(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<bool> {
    Ok(list(value, "has")?.contains(&arg(&kwargs, "value")?))
}

/// `l | append(value=x)`: Helm's `append l x`.
fn append(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let mut items = list(value, "append")?;
    items.push(arg(&kwargs, "value")?);
    done(items)
}

/// `l | prepend(value=x)`: Helm's `prepend l x`.
fn prepend(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let mut items = list(value, "prepend")?;
    items.insert(0, arg(&kwargs, "value")?);
    done(items)
}

/// `l | concat(with=[..])`: Helm's `concat l other`.
fn concat(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let mut items = list(value, "concat")?;
    match arg(&kwargs, "with")? {
        Json::Array(more) => items.extend(more),
        _ => return Err(Error::message("`concat` needs with=[...]")),
    }
    done(items)
}

/// `l | uniq`: the list without repeats, first occurrences kept.
fn uniq(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let mut kept: Vec<Json> = Vec::new();
    for item in list(value, "uniq")? {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    done(kept)
}

/// `m | set_key(key=k, value=v)`: a new map with `k` set (Helm's `set`, without mutation).
fn set_key(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let mut map = map(value, "set_key")?;
    map.insert(kwargs.must_get::<String>("key")?, arg(&kwargs, "value")?);
    Ok(Value::from_serializable(&map))
}

/// `m | unset_key(key=k)`: a new map without `k` (Helm's `unset`, without mutation).
fn unset_key(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let mut map = map(value, "unset_key")?;
    map.shift_remove(&kwargs.must_get::<String>("key")?);
    Ok(Value::from_serializable(&map))
}

/// `x | deep_copy`: Tera values are never shared, so the value itself.
fn deep_copy(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(value.clone())
}

/// `l | join(sep=..)`: Tera's `join` of a list; as Sprig's, a string is a list of itself
/// and none an empty list (`rudder convert` writes `join` for Sprig's).
fn join(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let sep: &str = kwargs.get("sep")?.unwrap_or("");
    if value.is_none() {
        return Ok(Value::from(""));
    }
    if value.as_str().is_some() {
        return Ok(value.clone());
    }
    let items =
        value.as_array().ok_or_else(|| Error::message(format!("join: a {} is not a list", value.name())))?;
    Ok(Value::from(items.iter().map(|x| format!("{x}")).collect::<Vec<_>>().join(sep)))
}

#[cfg(test)]
mod tests {
    fn render(template: &str) -> String {
        let context = serde_json::json!({"l": [1, "", 0, 2, 2, null, [], "a"], "m": {"a": 1, "b": 2}});
        super::super::convert::render_with(super::register, context, template)
    }
    #[test]
    fn lists() {
        assert_eq!(render("{{ l | compact | join(sep=',') }}"), "1,2,2,a");
        assert_eq!(render("{{ l | compact | without(values=[2]) | join(sep=',') }}"), "1,a");
        assert_eq!(render("{{ l | has(value=2) }} {{ l | has(value=9) }}"), "true false");
        assert_eq!(
            render("{{ [1] | append(value=2) | prepend(value=0) | concat(with=[3]) | join(sep=',') }}"),
            "0,1,2,3"
        );
        assert_eq!(render("{{ [1, 2, 1, 3] | uniq | join(sep=',') }}"), "1,2,3");
        // As Sprig's `join`: a string is a list of itself, none an empty list.
        assert_eq!(render("[{{ 'a,b' | join(sep=';') }}] [{{ l[5] | join(sep=';') }}]"), "[a,b] []");
    }

    #[test]
    fn maps() {
        assert_eq!(
            render("{% set n = m | set_key(key='c', value=3) %}{{ n.c }}{{ n | length }}{{ m | length }}"),
            "332"
        );
        assert_eq!(render("{{ m | unset_key(key='a') | length }}{{ m | deep_copy | length }}"), "12");
    }
}
