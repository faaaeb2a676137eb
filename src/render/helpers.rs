//! Sprig helpers real charts use, with Helm's meaning, as Tera filters (what acts on one
//! value) and functions (what makes a value from nothing): maps (`merge`,
//! `merge_overwrite`, `omit`, `pick`, `dig`, `has_key`), logic (`empty`, `ternary`,
//! `coalesce`), strings (`has_prefix`, `has_suffix`, `contains`, `repeat`, `nospace`,
//! `plural`), lists (`until`), and `lookup`, which finds nothing, as in `helm template`.
//! Values go through JSON to be worked on; key order is kept.

use super::convert::{json, map, strings, text};
use serde_json::{Map, Value as Json};
use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

pub fn register(tera: &mut Tera) {
    tera.register_filter("merge", merge);
    tera.register_filter("merge_overwrite", merge_overwrite);
    tera.register_filter("omit", omit);
    tera.register_filter("pick", pick);
    tera.register_filter("dig", dig);
    tera.register_filter("has_key", has_key);
    tera.register_filter("empty", empty);
    tera.register_filter("ternary", ternary);
    tera.register_filter("has_prefix", has_prefix);
    tera.register_filter("has_suffix", has_suffix);
    tera.register_filter("contains", contains);
    tera.register_filter("repeat", repeat);
    tera.register_filter("nospace", nospace);
    tera.register_filter("plural", plural);
    tera.register_function("coalesce", coalesce);
    tera.register_function("until", until);
    tera.register_function("lookup", lookup);
}

/// Deep merge into `dest`: with `overwrite`, `src` wins; without, `dest` keeps what it has
/// and only gains what it lacks (Sprig's `merge` and `mergeOverwrite`).
fn merge_into(dest: &mut Map<String, Json>, src: Map<String, Json>, overwrite: bool) {
    for (key, value) in src {
        match (dest.get_mut(&key), value) {
            (Some(Json::Object(mine)), Json::Object(theirs)) => merge_into(mine, theirs, overwrite),
            (Some(slot), value) if overwrite => *slot = value,
            (Some(_), _) => {}
            (None, value) => {
                dest.insert(key, value);
            }
        }
    }
}

/// `a | merge(with=b)`: Helm's `merge a b`, `a` wins.
fn merge(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let mut dest = map(value, "merge")?;
    merge_into(&mut dest, map(&kwargs.must_get::<Value>("with")?, "merge")?, false);
    Ok(Value::from_serializable(&dest))
}

/// `a | merge_overwrite(with=b)`: Helm's `mergeOverwrite a b`, `b` wins.
fn merge_overwrite(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let mut dest = map(value, "merge_overwrite")?;
    merge_into(&mut dest, map(&kwargs.must_get::<Value>("with")?, "merge_overwrite")?, true);
    Ok(Value::from_serializable(&dest))
}

/// `m | omit(keys=["a"])`: the map without those keys.
fn omit(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let keys = strings(&kwargs, "keys")?;
    let mut map = map(value, "omit")?;
    map.retain(|key, _| !keys.contains(key));
    Ok(Value::from_serializable(&map))
}

/// `m | pick(keys=["a"])`: the map with only those keys.
fn pick(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let keys = strings(&kwargs, "keys")?;
    let mut map = map(value, "pick")?;
    map.retain(|key, _| keys.contains(key));
    Ok(Value::from_serializable(&map))
}

/// `m | dig(path=["a", "b"], default=x)`: the value at the path, or the default.
fn dig(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let path = strings(&kwargs, "path")?;
    let default: Value = kwargs.must_get("default")?;
    let mut current = json(value)?;
    for key in path {
        match current {
            Json::Object(mut map) => match map.remove(&key) {
                Some(next) => current = next,
                None => return Ok(default),
            },
            _ => return Ok(default),
        }
    }
    Ok(Value::from_serializable(&current))
}

/// `m | has_key(key="a")`.
fn has_key(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<bool> {
    let key: String = kwargs.must_get("key")?;
    Ok(map(value, "has_key")?.contains_key(&key))
}

/// `x | empty`: Helm's `empty` (undefined, null, false, 0, "", empty list or map).
fn empty(value: &Value, _: Kwargs, _: &State) -> TeraResult<bool> {
    Ok(!value.is_truthy())
}

/// `cond | ternary(yes=a, no=b)`: Helm's `ternary a b cond`.
fn ternary(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let pick = if value.is_truthy() { "yes" } else { "no" };
    kwargs.must_get::<Value>(pick)
}

/// `s | has_prefix(prefix="a")`.
fn has_prefix(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<bool> {
    Ok(text(value).starts_with(kwargs.must_get::<&str>("prefix")?))
}

/// `s | has_suffix(suffix="a")`.
fn has_suffix(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<bool> {
    Ok(text(value).ends_with(kwargs.must_get::<&str>("suffix")?))
}

/// `s | contains(substring="a")`: Helm's `contains "a" s`.
fn contains(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<bool> {
    Ok(text(value).contains(kwargs.must_get::<&str>("substring")?))
}

/// `s | repeat(count=3)`, bounded by the template output budget.
fn repeat(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let count: usize = kwargs.must_get("count")?;
    let s = text(value);
    let limit = crate::limits::TEMPLATE_OUTPUT.get_usize();
    if s.len().saturating_mul(count) > limit {
        return Err(Error::message(format!(
            "`repeat` would make more than {limit} bytes (limit template-output)"
        )));
    }
    Ok(s.repeat(count))
}

/// `s | nospace`: every whitespace character removed.
fn nospace(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(text(value).chars().filter(|c| !c.is_whitespace()).collect())
}

/// `n | plural(one="x", many="y")`: Helm's `plural "x" "y" n`.
fn plural(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let one = json(value)?.as_f64() == Some(1.0);
    kwargs.must_get::<Value>(if one { "one" } else { "many" })
}

/// `coalesce(values=[a, b, "x"])`: the first value that is not empty.
fn coalesce(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let values: Vec<Value> = kwargs.must_get("values")?;
    Ok(values.into_iter().find(Value::is_truthy).unwrap_or(Value::none()))
}

/// `until(count=3)`: `[0, 1, 2]`.
fn until(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let count: usize = kwargs.must_get("count")?;
    if count > 100_000 {
        return Err(Error::message("`until` makes at most 100000 numbers"));
    }
    Ok(Value::from_serializable(&(0..count).collect::<Vec<usize>>()))
}

/// `lookup(api_version=.., kind=.., namespace=.., name=..)`: an empty map, as `helm
/// template` returns without a cluster; renders stay hermetic.
fn lookup(_: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from_serializable(&Map::new()))
}

#[cfg(test)]
mod tests {
    fn render(template: &str) -> String {
        let context = serde_json::json!({"v": {
            "a": {"x": 1, "z": {"p": 1}}, "b": {"x": 2, "w": 2, "z": {"p": 9, "q": 2}},
            "m": {"a": 1, "b": 2}, "s": "abmmyz", "e": "", "one": 1
        }});
        super::super::convert::render_with(super::register, context, template)
    }
    #[test]
    fn maps() {
        assert_eq!(
            render("{% set m = v.a | merge(with=v.b) %}{{ m.x }}{{ m.w }}{{ m.z.p }}{{ m.z.q }}"),
            "1212"
        );
        assert_eq!(render("{% set m = v.a | merge_overwrite(with=v.b) %}{{ m.x }}{{ m.z.p }}"), "29");
        assert_eq!(
            render("{{ v.m | omit(keys=['a']) | length }}{{ v.m | pick(keys=['a']) | length }}"),
            "11"
        );
        assert_eq!(
            render("{{ v.a | dig(path=['z', 'p'], default=0) }}{{ v.a | dig(path=['q'], default=0) }}"),
            "10"
        );
        assert_eq!(render("{{ v.m | has_key(key='a') }} {{ v.m | has_key(key='q') }}"), "true false");
    }

    #[test]
    fn logic_strings_and_lists() {
        assert_eq!(render("{{ v.e | empty }} {{ v.s | empty }} {{ v.nope | empty }}"), "true false true");
        assert_eq!(render("{{ v.e | ternary(yes=1, no=2) }}"), "2");
        assert_eq!(render("{{ coalesce(values=[v.e, v.s]) }}"), "abmmyz");
        assert_eq!(
            render(
                "{{ v.s | has_prefix(prefix='ab') }}{{ v.s | has_suffix(suffix='x') }}{{ v.s | contains(substring='mm') }}"
            ),
            "truefalsetrue"
        );
        assert_eq!(render("{{ 'ab' | repeat(count=2) }}{{ ' a b ' | nospace }}"), "ababab");
        assert_eq!(
            render("{{ v.one | plural(one='x', many='y') }}{{ 2 | plural(one='x', many='y') }}"),
            "xy"
        );
        assert_eq!(render("{{ until(count=3) | join(sep=',') }}"), "0,1,2");
        assert_eq!(
            render("{{ lookup(api_version='v1', kind='Secret', namespace='n', name='s') | length }}"),
            "0"
        );
    }
}
