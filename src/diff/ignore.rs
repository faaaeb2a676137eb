//! Ignore rules from `rudder.yaml`: which resources they select, and stripping the
//! fields they name from a resource before it is compared.

use super::ResourceId;
use super::path::{Segment, list_key};
use crate::project::IgnoreRule;
use serde_yaml::Value;

/// True if `rule` selects the resource `id` (every field it sets matches).
pub fn selects(rule: &IgnoreRule, id: &ResourceId) -> bool {
    let matches = |pattern: &Option<String>, value: &str| {
        pattern.as_deref().is_none_or(|p| glob(p.as_bytes(), value.as_bytes(), false))
    };
    matches(&rule.group, &id.group)
        && matches(&rule.kind, &id.kind)
        && matches(&rule.name, &id.name)
        && matches(&rule.namespace, &id.namespace)
}

/// True if some rule selecting `id` has no paths: the whole resource is ignored.
pub fn ignores_resource(rules: &[IgnoreRule], id: &ResourceId) -> bool {
    rules.iter().any(|rule| rule.paths.is_empty() && selects(rule, id))
}

/// The path patterns of the rules that select `id`.
pub fn path_patterns<'r>(rules: &'r [IgnoreRule], id: &ResourceId) -> Vec<&'r str> {
    rules
        .iter()
        .filter(|rule| selects(rule, id))
        .flat_map(|rule| rule.paths.iter().map(String::as_str))
        .collect()
}

/// Removes from `value` every field or list item whose path matches one of `patterns`.
pub fn strip(value: &mut Value, patterns: &[&str]) {
    if !patterns.is_empty() {
        strip_at(value, patterns, "");
    }
}

fn strip_at(value: &mut Value, patterns: &[&str], path: &str) {
    let matched = |child: &str| patterns.iter().any(|p| path_matches(p, child));
    match value {
        Value::Mapping(map) => {
            map.retain(|key, _| !matched(&Segment::key(key).join(path)));
            let mut emptied = Vec::new();
            for (key, child) in map.iter_mut() {
                let was_empty = is_empty_collection(child);
                strip_at(child, patterns, &Segment::key(key).join(path));
                if !was_empty && is_empty_collection(child) {
                    emptied.push(key.clone());
                }
            }
            // A mapping or list emptied by the rules goes too, so `annotations: {}`
            // does not show where the render has annotations.
            map.retain(|key, _| !emptied.contains(key));
        }
        Value::Sequence(items) => {
            let key = list_key(&[items.as_slice()]);
            let segments: Vec<String> =
                items.iter().enumerate().map(|(i, item)| Segment::item(key, i, item).join(path)).collect();
            let mut index = 0;
            items.retain(|_| {
                index += 1;
                !matched(&segments[index - 1])
            });
            let kept = segments.into_iter().filter(|s| !matched(s));
            for (item, child) in items.iter_mut().zip(kept) {
                strip_at(item, patterns, &child);
            }
        }
        _ => {}
    }
}

fn is_empty_collection(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => map.is_empty(),
        Value::Sequence(items) => items.is_empty(),
        _ => false,
    }
}

/// Matches a field path against a pattern: `*` matches within one dot-separated segment,
/// `**` across segments, everything else literally.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    glob(pattern.as_bytes(), path.as_bytes(), true)
}

/// Glob matching with `*` (stopping at `.` when `segmented`) and `**` (never stopping).
fn glob(pattern: &[u8], text: &[u8], segmented: bool) -> bool {
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|i| glob(rest, &text[i..], segmented)),
        [b'*', rest @ ..] => {
            let limit = if segmented {
                text.iter().position(|&c| c == b'.').unwrap_or(text.len())
            } else {
                text.len()
            };
            (0..=limit).any(|i| glob(rest, &text[i..], segmented))
        }
        [c, rest @ ..] => text.first() == Some(c) && glob(rest, &text[1..], segmented),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(kind: &str, name: &str) -> ResourceId {
        ResourceId { group: "apps".into(), kind: kind.into(), namespace: "ns".into(), name: name.into() }
    }

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn path_patterns_match_within_and_across_segments() {
        assert!(path_matches("metadata.annotations.checksum/*", "metadata.annotations.checksum/config"));
        assert!(path_matches("metadata.labels.helm.sh/chart", "metadata.labels.helm.sh/chart"));
        assert!(!path_matches("metadata.*", "metadata.labels.app"));
        assert!(path_matches("metadata.**", "metadata.labels.app"));
        assert!(path_matches("spec.containers[*].image", "spec.containers[name=web].image"));
        assert!(!path_matches("spec.replicas", "spec.replicasX"));
    }

    #[test]
    fn selectors_match_set_fields_only() {
        let rule = IgnoreRule { kind: Some("Deploy*".into()), ..IgnoreRule::default() };
        assert!(selects(&rule, &id("Deployment", "a")));
        assert!(!selects(&rule, &id("StatefulSet", "a")));
        let rule = IgnoreRule { name: Some("a".into()), namespace: Some("other".into()), ..rule };
        assert!(!selects(&rule, &id("Deployment", "a")));
        assert!(ignores_resource(&[IgnoreRule::default()], &id("X", "y")));
    }

    #[test]
    fn strip_removes_keys_and_named_items() {
        let mut value = yaml(
            "metadata:\n  annotations:\n    checksum/config: abc\n    keep: x\nspec:\n  containers:\n  - name: a\n    image: a:1\n  - name: b\n    image: b:1\n",
        );
        strip(
            &mut value,
            &["metadata.annotations.checksum/*", "spec.containers[name=b]", "spec.containers[*].image"],
        );
        assert_eq!(
            value,
            yaml("metadata:\n  annotations:\n    keep: x\nspec:\n  containers:\n  - name: a\n")
        );
    }
}
