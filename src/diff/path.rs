//! Field paths (`spec.template.spec.containers[name=web].image`) and the identity of
//! list items: lists of named items are matched by name, not position.

use crate::yaml::scalar_text;
use serde_yaml::Value;

/// Fields that identify an item of a list, tried in order. A field qualifies when every
/// item of the lists is a mapping holding it as a scalar, unique within each list
/// (containers, env, ports and volumes have `name`; volumeMounts can repeat a name, so
/// `mountPath` comes next; `key` covers ConfigMap and Secret volume items).
const IDENTITY_FIELDS: &[&str] = &["name", "mountPath", "key", "containerPort", "port"];

/// The field that identifies the items of `lists` (all lists at one path, e.g. the old
/// and the new one), if any.
pub fn list_key(lists: &[&[Value]]) -> Option<&'static str> {
    if lists.iter().all(|items| items.is_empty()) {
        return None;
    }
    IDENTITY_FIELDS.iter().copied().find(|field| lists.iter().all(|items| unique_scalars(items, field)))
}

fn unique_scalars(items: &[Value], field: &str) -> bool {
    let mut seen = Vec::with_capacity(items.len());
    for item in items {
        match item.get(field).map(scalar_text) {
            Some(Some(text)) if !seen.contains(&text) => seen.push(text),
            _ => return false,
        }
    }
    true
}

/// The identity of a list item under `key`: `name=web`.
pub fn item_identity(key: &str, item: &Value) -> Option<String> {
    item.get(key).and_then(scalar_text).map(|value| format!("{key}={value}"))
}

/// One step of a field path.
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A list item, by identity (`name=web`) or by index.
    Item(String),
}

impl Segment {
    pub fn key(key: &Value) -> Segment {
        Segment::Key(scalar_text(key).unwrap_or_else(|| crate::yaml::to_string(key).trim().to_string()))
    }

    pub fn item(key: Option<&str>, index: usize, item: &Value) -> Segment {
        Segment::Item(key.and_then(|k| item_identity(k, item)).unwrap_or_else(|| index.to_string()))
    }

    /// The path of this step under `parent` (`""` is the document root).
    pub fn join(&self, parent: &str) -> String {
        match self {
            Segment::Key(key) if parent.is_empty() => key.clone(),
            Segment::Key(key) => format!("{parent}.{key}"),
            Segment::Item(item) => format!("{parent}[{item}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str) -> Vec<Value> {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn named_lists_are_keyed_by_the_first_unique_field() {
        let env = list("[{name: A, value: '1'}, {name: B, value: '2'}]");
        assert_eq!(list_key(&[&env]), Some("name"));
        let mounts = list("[{name: data, mountPath: /a}, {name: data, mountPath: /b}]");
        assert_eq!(list_key(&[&mounts]), Some("mountPath"));
        let ports = list("[{containerPort: 80}, {containerPort: 443}]");
        assert_eq!(list_key(&[&ports]), Some("containerPort"));
        assert_eq!(list_key(&[&list("[a, b]")]), None);
        assert_eq!(list_key(&[&env, &list("[{value: x}]")]), None);
    }

    #[test]
    fn segments_join_into_dotted_paths() {
        let item = list("[{name: web}]").remove(0);
        let containers = Segment::key(&Value::from("containers")).join("spec");
        assert_eq!(Segment::item(Some("name"), 0, &item).join(&containers), "spec.containers[name=web]");
        assert_eq!(Segment::item(None, 3, &item).join("args"), "args[3]");
        assert_eq!(Segment::key(&Value::from("a")).join(""), "a");
    }
}
