//! Helm v4's `CoalesceValues`, step for step (pkg/chart/common/util/coalesce.go at
//! v4.1.4): the user's values are authoritative, chart defaults fill the gaps, a user
//! `null` deletes a default, `global` flows down.
//!
//! What Helm does before it (`ProcessDependencies`) is part of the result too: a chart
//! whose `Chart.yaml` lists enabled dependencies has its defaults replaced by
//! `MergeValues` of itself and those dependencies (nulls kept), so a subchart's own
//! `null` defaults are deleted by the final coalesce and its `global` defaults reach
//! the pre-merged tree. Then the dependencies' `import-values` tables are merged in
//! under the chart's own values, which win. [`Tree::new`] builds those effective defaults.
//!
//! Keys come out in the defaults' order, then the user's own keys in theirs (Helm's maps
//! have no order; this keeps `rudder values` close to the charts' `values.yaml`).

use crate::chart::Chart;
use anyhow::{Result, bail};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeSet;

/// A chart as coalescing sees it: its defaults and its enabled subcharts.
pub struct Tree<'c> {
    name: &'c str,
    values: std::borrow::Cow<'c, Mapping>,
    subcharts: Vec<Tree<'c>>,
    /// What Helm warns about while it builds the tree (missing import tables).
    pub warnings: Vec<String>,
}

impl<'c> Tree<'c> {
    /// The chart tree without the subcharts at the value paths in `disabled`; with
    /// `pre_merge`, defaults as Helm's `ProcessDependencies` leaves them.
    pub fn new(chart: &'c Chart, disabled: &BTreeSet<String>, pre_merge: bool) -> Result<Tree<'c>> {
        Self::at(chart, "", disabled, pre_merge)
    }

    fn at(chart: &'c Chart, prefix: &str, disabled: &BTreeSet<String>, pre_merge: bool) -> Result<Tree<'c>> {
        let mut subcharts = Vec::new();
        let mut listed = false;
        let mut warnings = Vec::new();
        let mut imports = Vec::new();
        for sub in &chart.subcharts {
            let path = super::join(prefix, sub.chart.name());
            if disabled.contains(&path) {
                continue;
            }
            listed |= sub.listed;
            imports.extend(sub.imports.iter().map(|rule| (sub.chart.name(), rule)));
            let tree = Tree::at(&sub.chart, &path, disabled, pre_merge)?;
            warnings.extend(tree.warnings.iter().cloned());
            subcharts.push(tree);
        }
        let values = std::borrow::Cow::Borrowed(&chart.values);
        let mut tree = Tree { name: chart.name(), values, subcharts, warnings };
        if pre_merge && listed {
            let mut merged = Mapping::new();
            coalesce(&tree, &mut merged, true)?;
            let imported = import_values(&merged, &imports, chart, &mut tree.warnings);
            coalesce_tables(&mut merged, &imported, true);
            tree.values = std::borrow::Cow::Owned(merged);
        }
        Ok(tree)
    }

    /// The subchart named `name`, if enabled.
    pub fn subchart(&self, name: &str) -> Option<&Tree<'c>> {
        self.subcharts.iter().find(|s| s.name == name)
    }

    /// The chart's (effective) defaults.
    pub fn values(&self) -> &Mapping {
        &self.values
    }
}

/// Helm's `processImportValues`: each rule's child table (under the subchart's key in
/// the chart's merged defaults, so user values never reach it) placed at its parent
/// path; an earlier rule's values win over a later one's. A child path that is not a
/// table is skipped with Helm's warning.
fn import_values(
    merged: &Mapping,
    rules: &[(&str, &crate::chart::ImportValue)],
    chart: &Chart,
    warnings: &mut Vec<String>,
) -> Mapping {
    let mut imported = Mapping::new();
    for (sub, rule) in rules {
        let path = format!("{sub}.{}", rule.child);
        let Some(table) = table_at(merged, &path) else {
            warnings.push(format!(
                "{}: import-values of dependency {sub:?}: {:?} is not a table in its values, nothing imported",
                chart.dir.join("Chart.yaml").display(),
                rule.child
            ));
            continue;
        };
        let mut placed = table.clone();
        if rule.parent != "." {
            for key in rule.parent.rsplit('.') {
                let mut outer = Mapping::new();
                outer.insert(Value::String(key.to_string()), Value::Mapping(placed));
                placed = outer;
            }
        }
        coalesce_tables(&mut imported, &placed, true);
    }
    imported
}

/// The map at a dotted path (Helm's `Values.Table`), if every step is a map.
fn table_at<'m>(map: &'m Mapping, path: &str) -> Option<&'m Mapping> {
    path.split('.').try_fold(map, |table, key| table.get(key)?.as_mapping())
}

/// `coalesce`: the chart's defaults into `dest`, then each subchart's under its name.
/// `merge` keeps `null`s (Helm's `MergeValues`) instead of letting them delete.
pub fn coalesce(tree: &Tree, dest: &mut Mapping, merge: bool) -> Result<()> {
    coalesce_values(tree, dest, merge);
    coalesce_subcharts(tree, dest, merge)
}

fn coalesce_subcharts(tree: &Tree, dest: &mut Mapping, merge: bool) -> Result<()> {
    for sub in &tree.subcharts {
        let name = sub.name;
        let slot =
            dest.entry(Value::String(name.to_string())).or_insert_with(|| Value::Mapping(Mapping::new()));
        if !slot.is_mapping() {
            bail!(
                "type mismatch on {name}: the values for subchart {name:?} must be a map, found {}",
                crate::yaml::kind_name(slot)
            );
        }
        let Value::Mapping(mut sub_values) = std::mem::take(slot) else { unreachable!("checked") };
        coalesce_globals(&mut sub_values, dest);
        coalesce(sub, &mut sub_values, merge)?;
        dest.insert(Value::String(name.to_string()), Value::Mapping(sub_values));
    }
    Ok(())
}

/// `coalesceGlobals`: the parent's `global` entries into the subchart's; the parent's
/// maps win over the subchart's and are filled from them, scalars replace. A `global`
/// that is not a map on either side leaves the subchart's as it is.
fn coalesce_globals(sub_values: &mut Mapping, parent: &Mapping) {
    let mut globals = match sub_values.get("global") {
        None => Mapping::new(),
        Some(Value::Mapping(own)) => own.clone(),
        Some(_) => return,
    };
    let parent_globals = match parent.get("global") {
        None => None,
        Some(Value::Mapping(globals)) => Some(globals),
        Some(_) => return,
    };
    for (key, value) in parent_globals.into_iter().flatten() {
        match (value, globals.get(key)) {
            (Value::Mapping(theirs), None) => {
                globals.insert(key.clone(), Value::Mapping(theirs.clone()));
            }
            (Value::Mapping(_), Some(other)) if !other.is_mapping() => {}
            (Value::Mapping(theirs), Some(Value::Mapping(own))) => {
                let mut winner = theirs.clone();
                coalesce_tables(&mut winner, own, true);
                globals.insert(key.clone(), Value::Mapping(winner));
            }
            (_, Some(Value::Mapping(_))) => {}
            (scalar, _) => {
                globals.insert(key.clone(), scalar.clone());
            }
        }
    }
    sub_values.insert(Value::String("global".into()), Value::Mapping(globals));
}

/// `coalesceValues`: the chart's own defaults under the user's values in `dest`.
fn coalesce_values(tree: &Tree, dest: &mut Mapping, merge: bool) {
    let defaults = tree.values();
    for (key, default) in defaults {
        match dest.get_mut(key) {
            None => {
                dest.insert(key.clone(), default.clone());
            }
            Some(Value::Null) if !merge => {
                dest.shift_remove(key);
            }
            Some(Value::Mapping(mine)) => {
                if let Value::Mapping(default) = default {
                    let is_subchart = key.as_str().is_some_and(|k| tree.subchart(k).is_some());
                    coalesce_tables(mine, default, merge || is_subchart);
                }
            }
            Some(_) => {}
        }
    }
    keep_defaults_order(dest, defaults);
}

/// `coalesceTablesFullKey`: `src` under `dst`, which wins. Without `merge`, a `null` in
/// `dst` over a non-null in `src` deletes the key; otherwise `null`s stay.
fn coalesce_tables(dst: &mut Mapping, src: &Mapping, merge: bool) {
    for (key, value) in src {
        match dst.get_mut(key) {
            None => {
                dst.insert(key.clone(), value.clone());
            }
            Some(Value::Null) => {
                if !merge && !value.is_null() {
                    dst.shift_remove(key);
                }
            }
            Some(Value::Mapping(mine)) => {
                if let Value::Mapping(theirs) = value {
                    coalesce_tables(mine, theirs, merge);
                }
            }
            Some(_) => {}
        }
    }
    keep_defaults_order(dst, src);
}

/// Reorders `map`: the keys of `defaults` first, in their order, then the rest.
fn keep_defaults_order(map: &mut Mapping, defaults: &Mapping) {
    if map.keys().zip(defaults.keys()).all(|(a, b)| a == b) && map.len() >= defaults.len() {
        return;
    }
    let mut rest = std::mem::take(map);
    for key in defaults.keys() {
        if let Some(value) = rest.get_mut(key) {
            map.insert(key.clone(), std::mem::take(value));
        }
    }
    for (key, value) in rest {
        if !map.contains_key(&key) {
            map.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Mapping {
        crate::yaml::parse_mapping(text, crate::yaml::Schema::Kube, "v").unwrap()
    }

    fn chart(values: &str) -> Chart {
        let meta =
            crate::chart::Metadata::parse("apiVersion: v2\nname: c\nversion: 0.1.0\n", "Chart.yaml").unwrap();
        Chart { values: map(values), ..Chart::empty(meta, std::path::Path::new("c")) }
    }

    fn filled(user: &str, defaults: &str) -> Mapping {
        let chart = chart(defaults);
        let tree = Tree::new(&chart, &BTreeSet::new(), true).unwrap();
        let mut dest = map(user);
        coalesce(&tree, &mut dest, false).unwrap();
        dest
    }

    #[test]
    fn user_values_win_and_defaults_fill_gaps_in_the_defaults_order() {
        assert_eq!(filled("a: {b: 2}\nz: 1", "d: 4\na: {b: 1, c: 3}"), map("d: 4\na: {b: 2, c: 3}\nz: 1"));
        let out = filled("z: 1\na: {x: 2, b: 2}", "d: 4\na: {b: 1, c: 3}");
        let keys: Vec<&str> = out.keys().filter_map(Value::as_str).collect();
        assert_eq!(keys, ["d", "a", "z"]);
        let inner: Vec<&str> = out["a"].as_mapping().unwrap().keys().filter_map(Value::as_str).collect();
        assert_eq!(inner, ["b", "c", "x"]);
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
        assert_eq!(filled("x: null\nb: {y: null}", "b: {d: 3}"), map("b: {d: 3, y: null}\nx: null"));
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

    #[test]
    fn merging_keeps_nulls() {
        let chart = chart("a: 1\nb: {c: 2}");
        let tree = Tree::new(&chart, &BTreeSet::new(), false).unwrap();
        let mut dest = map("a: null\nb: {c: null}");
        coalesce(&tree, &mut dest, true).unwrap();
        assert_eq!(dest, map("a: null\nb: {c: null}"));
    }

    #[test]
    fn globals_flow_down_with_the_parents_winning() {
        let mut sub = map("global: {g1: sub, own: 1, m: {a: 1, b: 1}}");
        coalesce_globals(&mut sub, &map("global: {g1: parent, m: {b: 2}}"));
        assert_eq!(sub, map("global: {g1: parent, own: 1, m: {b: 2, a: 1}}"));
        let mut sub = map("global: 5");
        coalesce_globals(&mut sub, &map("global: {g: 1}"));
        assert_eq!(sub, map("global: 5"), "a scalar global is left alone");
        let mut sub = map("{}");
        coalesce_globals(&mut sub, &map("global: 5"));
        assert_eq!(sub, map("{}"), "a scalar parent global is skipped");
    }
}
