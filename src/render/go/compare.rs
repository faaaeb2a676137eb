//! Go's comparison functions with Go's type rules: `eq` takes several operands and is
//! true if the first equals any other; values of different basic kinds (an integer and
//! a float, as `eq .Values.replicas 1` compares in Helm) are an error, not false; `lt`
//! and kin order numbers and strings only.

use super::value::{Kind, kind};
use tera::Value;

const INCOMPATIBLE: &str = "incompatible types for comparison";
const INVALID: &str = "invalid type for comparison";

/// Go's `eq arg1 arg2...`.
pub fn eq(args: &[Value]) -> Result<bool, String> {
    let Some((first, rest)) = args.split_first() else {
        return Err("wrong number of args for eq: want at least 1 got 0".into());
    };
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    for other in rest {
        if equal(first, other)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn equal(a: &Value, b: &Value) -> Result<bool, String> {
    let (ka, kb) = (kind(a), kind(b));
    if ka != kb {
        return match (ka, kb) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(a.as_i128() == b.as_i128()),
            (Kind::Invalid, _) | (_, Kind::Invalid) => Ok(false),
            _ => Err(INCOMPATIBLE.into()),
        };
    }
    Ok(match ka {
        Kind::Bool => a.as_bool() == b.as_bool(),
        Kind::Int | Kind::Uint => a.as_i128() == b.as_i128() && a.as_u128() == b.as_u128(),
        Kind::Float => a.as_f64() == b.as_f64(),
        Kind::String => a.as_str() == b.as_str(),
        Kind::Invalid => true,
        Kind::Slice | Kind::Map | Kind::Bytes => {
            return Err(format!(
                "non-comparable type {}: {}",
                super::fmt::sprint_value(a),
                super::value::type_name(a)
            ));
        }
    })
}

/// Go's `ne a b`.
pub fn ne(args: &[Value]) -> Result<bool, String> {
    match args {
        [a, b] => equal(a, b).map(|e| !e),
        _ => Err(format!("wrong number of args for ne: want 2 got {}", args.len())),
    }
}

/// Go's `lt a b`.
pub fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let (ka, kb) = (kind(a), kind(b));
    if ka != kb {
        return match (ka, kb) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(a.as_i128() < b.as_i128()),
            (Kind::Invalid, _) | (_, Kind::Invalid) => Err(INVALID.into()),
            _ => Err(INCOMPATIBLE.into()),
        };
    }
    match ka {
        Kind::Int => Ok(a.as_i128() < b.as_i128()),
        Kind::Uint => Ok(a.as_u128() < b.as_u128()),
        Kind::Float => Ok(a.as_f64() < b.as_f64()),
        Kind::String => Ok(a.as_str() < b.as_str()),
        _ => Err(INVALID.into()),
    }
}

/// Go's `le a b`: `lt` or `eq`.
pub fn le(a: &Value, b: &Value) -> Result<bool, String> {
    Ok(lt(a, b)? || equal(a, b)?)
}

/// Sprig's `deepEqual` (`reflect.DeepEqual`): same kinds and same content; an integer
/// never equals a float.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    if kind(a) != kind(b) {
        return false;
    }
    match kind(a) {
        Kind::Slice => {
            let (x, y) = (a.as_array().unwrap_or_default(), b.as_array().unwrap_or_default());
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| deep_equal(p, q))
        }
        Kind::Map => {
            let (x, y) = (a.as_map(), b.as_map());
            match (x, y) {
                (Some(x), Some(y)) => {
                    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
                }
                _ => false,
            }
        }
        Kind::Invalid => true,
        _ => equal(a, b).unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_type_rules() {
        assert_eq!(eq(&[Value::from("a"), Value::from("b"), Value::from("a")]), Ok(true));
        assert_eq!(eq(&[Value::from(1.0), Value::from(1)]), Err(INCOMPATIBLE.into()));
        assert_eq!(eq(&[Value::none(), Value::from("a")]), Ok(false));
        assert_eq!(eq(&[Value::none(), Value::none()]), Ok(true));
        assert_eq!(lt(&Value::from(1), &Value::from(2.5)), Err(INCOMPATIBLE.into()));
        assert_eq!(lt(&Value::from("a"), &Value::from("b")), Ok(true));
        assert_eq!(le(&Value::from(2), &Value::from(2)), Ok(true));
        assert!(lt(&Value::from(true), &Value::from(false)).is_err());
        assert!(!deep_equal(&Value::from(1), &Value::from(1.0)));
    }
}
