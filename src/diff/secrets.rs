//! Secret masking: the values under a Secret's `data` and `stringData` are replaced by
//! their size before anything is compared or printed, so a diff shows which keys
//! changed and never what they hold.

use base64::Engine;
use serde_yaml::{Mapping, Value};

const SECRET_FIELDS: [&str; 2] = ["data", "stringData"];

/// Masks both versions of a Secret (either may be absent). A key whose value is the
/// same on both sides reads `<masked: N bytes>` on both; a changed one reads
/// `<masked: N bytes, before>` and `<masked: M bytes, after>`, so that it shows as a
/// change even when the size is the same.
pub fn mask(mut old: Option<&mut Value>, mut new: Option<&mut Value>) {
    for field in SECRET_FIELDS {
        let old_map = old.as_deref().and_then(|v| v.get(field)).and_then(Value::as_mapping).cloned();
        let new_map = new.as_deref().and_then(|v| v.get(field)).and_then(Value::as_mapping).cloned();
        if let Some(map) = old.as_deref_mut().and_then(|v| field_mut(v, field)) {
            mask_map(map, new_map.as_ref(), field, "before");
        }
        if let Some(map) = new.as_deref_mut().and_then(|v| field_mut(v, field)) {
            mask_map(map, old_map.as_ref(), field, "after");
        }
    }
}

fn field_mut<'v>(value: &'v mut Value, field: &str) -> Option<&'v mut Mapping> {
    value.get_mut(field).and_then(Value::as_mapping_mut)
}

fn mask_map(map: &mut Mapping, other: Option<&Mapping>, field: &str, side: &str) {
    for (key, value) in map.iter_mut() {
        let size = size(value, field);
        let changed = other.and_then(|o| o.get(key)).is_some_and(|theirs| theirs != value);
        *value = Value::String(if changed {
            format!("<masked: {size} bytes, {side}>")
        } else {
            format!("<masked: {size} bytes>")
        });
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

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn changed_keys_show_sizes_and_sides_never_values() {
        let mut old = yaml("data: {same: c2VjcmV0, changed: b2xk}\nstringData: {token: hunter2}");
        let mut new = yaml("data: {same: c2VjcmV0, changed: bmV3}\nstringData: {token: hunter3, added: x}");
        mask(Some(&mut old), Some(&mut new));
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
    fn one_sided_secrets_are_masked() {
        let mut new = yaml("data: {password: 'not base64!'}");
        mask(None, Some(&mut new));
        assert_eq!(new, yaml("data: {password: '<masked: 11 bytes>'}"));
    }
}
