//! Normalisation before comparing: the baseline's mapping keys and named list items are
//! put in the new render's order, so that neither key order nor a reorder of named items
//! (containers, env, ports, volumes, volumeMounts) shows as a change. Formatting (quoting,
//! comments, flow or block style) is already gone once both sides are parsed; both are
//! written back with the same emitter.

use super::path::{item_identity, list_key};
use serde_yaml::{Mapping, Value};

/// Reorders `old` to follow `new`: keys and named items present in both come in `new`'s
/// order, those only in `old` follow in their own order.
pub fn align(old: &mut Value, new: &Value) {
    match (old, new) {
        (Value::Mapping(old), Value::Mapping(new)) => align_mapping(old, new),
        (Value::Sequence(old), Value::Sequence(new)) => align_sequence(old, new),
        _ => {}
    }
}

fn align_mapping(old: &mut Mapping, new: &Mapping) {
    let mut rest = std::mem::take(old);
    for (key, new_child) in new {
        if let Some(mut child) = rest.shift_remove(key) {
            align(&mut child, new_child);
            old.insert(key.clone(), child);
        }
    }
    old.extend(rest);
}

fn align_sequence(old: &mut Vec<Value>, new: &[Value]) {
    match list_key(&[old.as_slice(), new]) {
        Some(key) => {
            let mut rest: Vec<Option<Value>> = std::mem::take(old).into_iter().map(Some).collect();
            for new_item in new {
                let identity = item_identity(key, new_item);
                let found = rest
                    .iter_mut()
                    .find(|slot| slot.as_ref().is_some_and(|item| item_identity(key, item) == identity));
                if let Some(mut item) = found.and_then(Option::take) {
                    align(&mut item, new_item);
                    old.push(item);
                }
            }
            old.extend(rest.into_iter().flatten());
        }
        None => {
            for (old_item, new_item) in old.iter_mut().zip(new) {
                align(old_item, new_item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    fn aligned(old: &str, new: &str) -> String {
        let mut old = yaml(old);
        align(&mut old, &yaml(new));
        crate::yaml::to_string(&old)
    }

    #[test]
    fn keys_follow_the_new_order_and_old_only_keys_come_last() {
        assert_eq!(
            aligned("{b: 1, gone: 2, a: {q: 1, p: 2}}", "{a: {p: 0, q: 0}, b: 1}"),
            "a:\n  p: 2\n  q: 1\nb: 1\ngone: 2\n"
        );
    }

    #[test]
    fn named_items_follow_the_new_order() {
        let old = "env: [{name: B, value: '2'}, {name: OLD, value: x}, {name: A, value: '1'}]";
        let new = "env: [{name: A, value: '1'}, {name: B, value: '2'}]";
        assert_eq!(
            aligned(old, new),
            "env:\n- name: A\n  value: \"1\"\n- name: B\n  value: \"2\"\n- name: OLD\n  value: x\n"
        );
    }

    #[test]
    fn unnamed_lists_keep_their_order() {
        assert_eq!(aligned("args: [b, a]", "args: [a, b]"), "args:\n- b\n- a\n");
    }
}
