//! Helm's two merge rules: `merge_maps` for layering user values files (maps recurse,
//! everything else replaces), and `coalesce` for filling user values with chart defaults
//! (the user wins, a user `null` deletes the default, `global` flows down).

use crate::chart::Chart;
use anyhow::{Result, bail};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeSet;

/// Merges `overlay` into `base`: maps merge recursively; lists, scalars and `null`
/// replace.
pub fn merge_maps(base: &mut Mapping, overlay: Mapping) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(Value::Mapping(existing)), Value::Mapping(incoming)) => merge_maps(existing, incoming),
            (Some(slot), value) => *slot = value,
            (None, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Fills `dest` (the user's values for `chart`) with the chart's defaults, then each
/// enabled subchart's, under the subchart's name. `disabled` holds value paths of
/// subcharts to leave out.
pub fn coalesce(chart: &Chart, dest: &mut Mapping, disabled: &BTreeSet<String>) -> Result<()> {
    coalesce_at(chart, dest, "", disabled)
}

fn coalesce_at(chart: &Chart, dest: &mut Mapping, prefix: &str, disabled: &BTreeSet<String>) -> Result<()> {
    fill_defaults(dest, &chart.values, true);
    let globals = dest.get("global").and_then(Value::as_mapping).cloned();
    for sub in &chart.subcharts {
        let name = sub.chart.name();
        let path = if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
        if disabled.contains(&path) {
            continue;
        }
        let slot = match dest.get_mut(name) {
            Some(slot) => slot,
            None => {
                dest.insert(Value::String(name.to_string()), Value::Mapping(Mapping::new()));
                dest.get_mut(name).expect("just inserted")
            }
        };
        if slot.is_null() {
            *slot = Value::Mapping(Mapping::new());
        }
        let Value::Mapping(sub_values) = slot else {
            bail!(
                "type mismatch on {path}: the values for subchart {name:?} must be a map, found {}",
                crate::yaml::kind_name(slot)
            );
        };
        push_globals(sub_values, globals.as_ref());
        coalesce_at(&sub.chart, sub_values, &path, disabled)?;
    }
    Ok(())
}

/// The parent's `global` map wins over the subchart's own `global` values.
fn push_globals(sub_values: &mut Mapping, parent: Option<&Mapping>) {
    let mut globals = match sub_values.get("global") {
        Some(Value::Mapping(own)) => own.clone(),
        _ => Mapping::new(),
    };
    if let Some(parent) = parent {
        merge_maps(&mut globals, parent.clone());
    }
    match sub_values.get_mut("global") {
        Some(slot) => *slot = Value::Mapping(globals),
        None => {
            sub_values.insert(Value::String("global".into()), Value::Mapping(globals));
        }
    }
}

/// Copies each default missing from `dest`; recurses where both are maps; deletes keys
/// the user set to `null` (a nested `null` over a `null` default stays, as in Helm 4.1).
/// Keys come out in the defaults' order, then the user's own keys in theirs.
fn fill_defaults(dest: &mut Mapping, defaults: &Mapping, top_level: bool) {
    let mut user = std::mem::take(dest);
    for (key, default) in defaults {
        let value = match user.get_mut(key).map(std::mem::take) {
            None => default.clone(),
            Some(Value::Null) if top_level || !default.is_null() => continue,
            Some(Value::Mapping(mut mine)) => {
                if let Value::Mapping(default) = default {
                    fill_defaults(&mut mine, default, false);
                }
                Value::Mapping(mine)
            }
            Some(mine) => mine,
        };
        dest.insert(key.clone(), value);
    }
    for (key, value) in user {
        if !defaults.contains_key(&key) {
            dest.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Mapping {
        serde_yaml::from_str(text).unwrap()
    }

    fn filled(user: &str, defaults: &str) -> Mapping {
        let mut dest = map(user);
        fill_defaults(&mut dest, &map(defaults), true);
        dest
    }

    #[test]
    fn merge_maps_recurses_into_maps_and_replaces_the_rest() {
        let mut base = map("a: {b: 1, c: [1, 2]}\nd: 1\n");
        merge_maps(&mut base, map("a: {c: [9], e: null}\nd: {x: 1}\n"));
        assert_eq!(base, map("a: {b: 1, c: [9], e: null}\nd: {x: 1}\n"));
    }

    #[test]
    fn user_values_win_and_defaults_fill_gaps() {
        assert_eq!(filled("a: {b: 2}", "a: {b: 1, c: 3}\nd: 4"), map("a: {b: 2, c: 3}\nd: 4"));
    }

    #[test]
    fn lists_replace_whole() {
        assert_eq!(filled("list: [9]", "list: [1, 2, 3]"), map("list: [9]"));
    }

    #[test]
    fn user_null_deletes_a_default() {
        assert_eq!(filled("a: null\nb: {c: null}", "a: 1\nb: {c: 2, d: 3}"), map("b: {d: 3}"));
    }

    #[test]
    fn user_null_without_a_default_is_kept() {
        assert_eq!(filled("x: null\nb: {y: null}", "b: {d: 3}"), map("x: null\nb: {y: null, d: 3}"));
    }

    #[test]
    fn null_over_null_default_is_deleted_at_top_and_kept_when_nested() {
        assert_eq!(filled("a: null\nb: {c: null}", "a: null\nb: {c: null}"), map("b: {c: null}"));
    }

    #[test]
    fn chart_null_default_is_kept() {
        assert_eq!(filled("", "a: ~"), map("a: null"));
    }

    #[test]
    fn scalars_and_maps_do_not_mix() {
        assert_eq!(filled("top: 5\nn: {m: 1}", "top: {a: 1}\nn: {m: {deep: 1}}"), map("top: 5\nn: {m: 1}"));
        assert_eq!(filled("keep: {a: 1}", "keep: 1"), map("keep: {a: 1}"));
    }
}
