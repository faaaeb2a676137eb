//! Secret masking: the values under a Secret's `data` and `stringData` are replaced by
//! their size before anything is compared or printed, so a diff shows which keys
//! changed and never what they hold.

use base64::Engine;
use serde_yaml::{Mapping, Value};

const SECRET_FIELDS: [&str; 2] = ["data", "stringData"];

/// Masks both versions of a Secret (either may be absent). A key whose value is the
/// same on both sides reads `<masked: N bytes>` on both; a changed one reads
/// `<masked: N bytes, before>` and `<masked: M bytes, after>`, so that it shows as a
/// change even when the size is the same. A `data` or `stringData` that is not a map (a
/// string, a list) is masked whole; so is the `kubectl.kubernetes.io/last-applied-configuration`
/// annotation, which repeats the data.
pub fn mask(
    mut old: Option<&mut Value>,
    mut new: Option<&mut Value>,
    values: Option<&crate::secret::ValueTexts>,
) {
    if let Some(values) = values {
        for side in [old.as_deref_mut(), new.as_deref_mut()].into_iter().flatten() {
            mask_keys(side, values);
        }
    }
    for field in SECRET_FIELDS {
        let old_raw = old.as_deref().and_then(|v| v.get(field)).cloned();
        let new_raw = new.as_deref().and_then(|v| v.get(field)).cloned();
        if let Some(value) = old.as_deref_mut().and_then(|v| v.get_mut(field)) {
            mask_field(value, new_raw.as_ref(), field, "before");
        }
        if let Some(value) = new.as_deref_mut().and_then(|v| v.get_mut(field)) {
            mask_field(value, old_raw.as_ref(), field, "after");
        }
    }
    let annotation = |v: &Value| v.get("metadata")?.get("annotations")?.get(LAST_APPLIED).cloned();
    let (old_applied, new_applied) =
        (old.as_deref().and_then(annotation), new.as_deref().and_then(annotation));
    for (value, other, side) in [(old, &new_applied, "before"), (new, &old_applied, "after")] {
        let slot = value
            .and_then(|v| v.get_mut("metadata"))
            .and_then(|m| m.get_mut("annotations"))
            .and_then(|a| a.get_mut(LAST_APPLIED));
        if let Some(slot) = slot {
            mask_value(slot, other.as_ref(), "stringData", side);
        }
    }
}

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Masks the keys of `data` and `stringData` that are value text (a value used as a key):
/// `<masked key: N bytes, #fingerprint>`, the same on both sides.
fn mask_keys(secret: &mut Value, values: &crate::secret::ValueTexts) {
    for field in SECRET_FIELDS {
        let Some(Value::Mapping(map)) = secret.get_mut(field) else { continue };
        if !map.keys().any(|key| key.as_str().is_some_and(|k| values.contains(k))) {
            continue;
        }
        *map = std::mem::take(map)
            .into_iter()
            .map(|(key, value)| match key.as_str() {
                Some(text) if values.contains(text) => {
                    (Value::String(crate::secret::masked_key(text)), value)
                }
                _ => (key, value),
            })
            .collect();
    }
}

/// Masks one secret field: a map key by key, anything else whole.
fn mask_field(value: &mut Value, other: Option<&Value>, field: &str, side: &str) {
    match value {
        Value::Mapping(map) => mask_map(map, other.and_then(Value::as_mapping), field, side),
        Value::Null => {}
        _ => mask_value(value, other, field, side),
    }
}

fn mask_value(value: &mut Value, other: Option<&Value>, field: &str, side: &str) {
    let size = size(value, field);
    let changed = other.is_some_and(|theirs| theirs != value);
    *value = Value::String(if changed {
        format!("<masked: {size} bytes, {side}>")
    } else {
        format!("<masked: {size} bytes>")
    });
}

fn mask_map(map: &mut Mapping, other: Option<&Mapping>, field: &str, side: &str) {
    for (key, value) in map.iter_mut() {
        mask_value(value, other.and_then(|o| o.get(key)), field, side);
    }
}

/// The size of a secret value: decoded bytes for `data` (base64), UTF-8 bytes for
/// `stringData` or anything that does not decode.
fn size(value: &Value, field: &str) -> usize {
    let text = match value {
        Value::String(s) => s.clone(),
        other => crate::yaml::to_string(other).trim_end().to_string(),
    };
    if field == "data"
        && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text.trim())
    {
        return bytes.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_that_is_not_a_map_and_the_last_applied_annotation_are_masked_whole() {
        let mut old = yaml(
            "kind: Secret\ndata: hunter2\nstringData: [hunter2, x]\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"p\":\"hunter2\"}}'\n",
        );
        let mut new = yaml("kind: Secret\ndata: hunter3\nstringData: [hunter2, x]\n");
        mask(Some(&mut old), Some(&mut new), None);
        let text = format!("{old:?}{new:?}");
        assert!(!text.contains("hunter"), "{text}");
        assert_eq!(new["data"], Value::String("<masked: 7 bytes, after>".into()));
        assert_eq!(
            new["stringData"],
            Value::String("<masked: 13 bytes>".into()),
            "the size of the list as YAML text"
        );
    }

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn changed_keys_show_sizes_and_sides_never_values() {
        let mut old = yaml("data: {same: c2VjcmV0, changed: b2xk}\nstringData: {token: hunter2}");
        let mut new = yaml("data: {same: c2VjcmV0, changed: bmV3}\nstringData: {token: hunter3, added: x}");
        mask(Some(&mut old), Some(&mut new), None);
        assert_eq!(
            old,
            yaml(
                "data: {same: '<masked: 6 bytes>', changed: '<masked: 3 bytes, before>'}\nstringData: {token: '<masked: 7 bytes, before>'}"
            )
        );
        assert_eq!(
            new,
            yaml(
                "data: {same: '<masked: 6 bytes>', changed: '<masked: 3 bytes, after>'}\nstringData: {token: '<masked: 7 bytes, after>', added: '<masked: 1 bytes>'}"
            )
        );
        let text = format!("{old:?}{new:?}");
        for secret in ["c2VjcmV0", "b2xk", "bmV3", "hunter"] {
            assert!(!text.contains(secret), "{secret} leaked");
        }
    }

    #[test]
    fn keys_that_are_value_text_are_masked_alike_on_both_sides() {
        let values = crate::secret::ValueTexts::new(["hunter2-key".to_string(), "x".to_string()]);
        let mut old = yaml("stringData: {hunter2-key: a, password: b}");
        let mut new = yaml("stringData: {hunter2-key: c, password: b}");
        mask(Some(&mut old), Some(&mut new), Some(&values));
        let text = format!("{old:?}{new:?}");
        assert!(!text.contains("hunter2"), "{text}");
        let keys = |v: &Value| v["stringData"].as_mapping().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&old), keys(&new), "the same masked key on both sides");
        assert!(keys(&old)[0].as_str().unwrap().starts_with("<masked key: 11 bytes, #"), "{text}");
        assert_eq!(keys(&old)[1], Value::String("password".into()), "the chart's own key is shown");
    }

    #[test]
    fn one_sided_secrets_are_masked() {
        let mut new = yaml("data: {password: 'not base64!'}");
        mask(None, Some(&mut new), None);
        assert_eq!(new, yaml("data: {password: '<masked: 11 bytes>'}"));
    }
}
