//! The field-level changes between two versions of a resource, by path: mappings by
//! key, named lists by item identity, other lists by index.

use super::Change;
use super::path::{Segment, item_identity, list_key};
use serde::Serialize;
use serde_yaml::{Mapping, Value};

/// One changed field: its path and the values on each side (absent when added or
/// removed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub path: String,
    pub change: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// Every field that differs between `old` and `new`, in `new`'s order with removals
/// after the fields that remain.
pub fn changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk(old, new, "", &mut out);
    out
}

fn walk(old: &Value, new: &Value, path: &str, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Value::Mapping(old), Value::Mapping(new)) => walk_mapping(old, new, path, out),
        (Value::Sequence(old), Value::Sequence(new)) => walk_sequence(old, new, path, out),
        _ if old == new => {}
        _ => out.push(FieldChange {
            path: display_root(path),
            change: Change::Changed,
            old: Some(old.clone()),
            new: Some(new.clone()),
        }),
    }
}

fn walk_mapping(old: &Mapping, new: &Mapping, path: &str, out: &mut Vec<FieldChange>) {
    for (key, new_child) in new {
        let child = Segment::key(key).join(path);
        match old.get(key) {
            Some(old_child) => walk(old_child, new_child, &child, out),
            None => out.push(added(child, new_child)),
        }
    }
    for (key, old_child) in old {
        if !new.contains_key(key) {
            out.push(removed(Segment::key(key).join(path), old_child));
        }
    }
}

fn walk_sequence(old: &[Value], new: &[Value], path: &str, out: &mut Vec<FieldChange>) {
    match list_key(&[old, new]) {
        Some(key) => {
            for (index, new_item) in new.iter().enumerate() {
                let child = Segment::item(Some(key), index, new_item).join(path);
                let identity = item_identity(key, new_item);
                match old.iter().find(|item| item_identity(key, item) == identity) {
                    Some(old_item) => walk(old_item, new_item, &child, out),
                    None => out.push(added(child, new_item)),
                }
            }
            for (index, old_item) in old.iter().enumerate() {
                let identity = item_identity(key, old_item);
                if !new.iter().any(|item| item_identity(key, item) == identity) {
                    out.push(removed(Segment::item(Some(key), index, old_item).join(path), old_item));
                }
            }
        }
        None => {
            for (index, new_item) in new.iter().enumerate() {
                let child = Segment::item(None, index, new_item).join(path);
                match old.get(index) {
                    Some(old_item) => walk(old_item, new_item, &child, out),
                    None => out.push(added(child, new_item)),
                }
            }
            for (index, old_item) in old.iter().enumerate().skip(new.len()) {
                out.push(removed(Segment::item(None, index, old_item).join(path), old_item));
            }
        }
    }
}

fn added(path: String, value: &Value) -> FieldChange {
    FieldChange { path, change: Change::Added, old: None, new: Some(value.clone()) }
}

fn removed(path: String, value: &Value) -> FieldChange {
    FieldChange { path, change: Change::Removed, old: Some(value.clone()), new: None }
}

fn display_root(path: &str) -> String {
    if path.is_empty() { ".".to_string() } else { path.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    fn paths(old: &str, new: &str) -> Vec<(String, Change)> {
        changes(&yaml(old), &yaml(new)).into_iter().map(|c| (c.path, c.change)).collect()
    }

    #[test]
    fn mapping_changes_by_key() {
        assert_eq!(
            paths("{a: 1, b: {c: 2}, gone: 1}", "{b: {c: 3}, a: 1, new: 1}"),
            [
                ("b.c".to_string(), Change::Changed),
                ("new".to_string(), Change::Added),
                ("gone".to_string(), Change::Removed)
            ]
        );
    }

    #[test]
    fn named_items_match_by_name_whatever_their_position() {
        let old = "containers: [{name: a, image: a:1}, {name: b, image: b:1}]";
        assert!(paths(old, "containers: [{name: b, image: b:1}, {name: a, image: a:1}]").is_empty());
        assert_eq!(
            paths(old, "containers: [{name: b, image: b:2}, {name: c, image: c:1}]"),
            [
                ("containers[name=b].image".to_string(), Change::Changed),
                ("containers[name=c]".to_string(), Change::Added),
                ("containers[name=a]".to_string(), Change::Removed)
            ]
        );
    }

    #[test]
    fn other_lists_compare_by_index() {
        assert_eq!(
            paths("args: [a, b, c]", "args: [a, x]"),
            [("args[1]".to_string(), Change::Changed), ("args[2]".to_string(), Change::Removed)]
        );
    }

    #[test]
    fn type_changes_and_root_scalars() {
        let found = changes(&yaml("{a: '1'}"), &yaml("{a: 1}"));
        assert_eq!(found[0].old, Some(yaml("'1'")));
        assert_eq!(found[0].new, Some(yaml("1")));
        assert_eq!(paths("1", "2"), [(".".to_string(), Change::Changed)]);
    }
}
