//! Sprig's lists and dicts (`dict`, `get`, `set`, `merge`, `append`, `has`, `dig`…), its
//! defaults (`default`, `empty`, `coalesce`, `ternary`…), its reflection (`kindOf`,
//! `typeIs`…) and Go's `index`, `slice` and `len`, with Go's meaning. Tera values are
//! never changed in place: `set` and `merge` return the changed map, which the
//! translation stores back where the map came from.

use super::args::{Args, register};
use super::compare::deep_equal;
use super::value::{Kind, is_empty, is_nil, key, kind, kind_name, strval, to_int64, type_name};
use tera::{Map, Tera, Value};

pub fn register_all(tera: &mut Tera) {
    register(tera, "index", 1, None, index);
    register(tera, "slice", 1, None, |a| go_slice(a.get(0), &a.slice(1)));
    register(tera, "len", 1, Some(1), |a| {
        let v = a.get(0);
        match kind(v) {
            Kind::String | Kind::Slice | Kind::Map | Kind::Bytes => {
                let n = match v.as_str() {
                    Some(s) => s.len(),
                    None => v.len().unwrap_or(0),
                };
                Ok(Value::from(n as i64))
            }
            Kind::Invalid => Err("len of nil pointer".into()),
            _ => Err(format!("len of type {}", type_name(v))),
        }
    });
    register(tera, "dict", 0, None, |a| {
        let all = a.all();
        let mut map = Map::new();
        for pair in all.chunks(2) {
            let value = pair.get(1).cloned().unwrap_or_else(|| Value::from(""));
            map.insert(key(&strval(&pair[0])), value);
        }
        Ok(Value::from(map))
    });
    register(tera, "list", 0, None, |a| Ok(Value::from(a.all())));
    register(tera, "get", 2, Some(2), |a| {
        let found = map_of(a.get(0))?.get(&key(a.str(1)?)).cloned();
        Ok(found.unwrap_or_else(|| Value::from("")))
    });
    register(tera, "set", 3, Some(3), |a| {
        let mut map = map_of(a.get(0))?.clone();
        map.insert(key(a.str(1)?), a.get(2).clone());
        Ok(Value::from(map))
    });
    register(tera, "unset", 2, Some(2), |a| {
        let mut map = map_of(a.get(0))?.clone();
        map.shift_remove(&key(a.str(1)?));
        Ok(Value::from(map))
    });
    register(tera, "hasKey", 2, Some(2), |a| Ok(map_of(a.get(0))?.contains_key(&key(a.str(1)?)).into()));
    register(tera, "pluck", 1, None, |a| {
        let name = key(a.str(0)?);
        let mut out = Vec::new();
        for dict in a.slice(1) {
            if let Some(v) = map_of(&dict)?.get(&name) {
                out.push(v.clone());
            }
        }
        Ok(Value::from(out))
    });
    register(tera, "keys", 0, None, |a| {
        let mut out: Vec<String> = Vec::new();
        for dict in a.all() {
            out.extend(map_of(&dict)?.keys().map(super::value::key_text));
        }
        out.sort();
        Ok(Value::from(out))
    });
    register(tera, "values", 1, Some(1), |a| {
        Ok(Value::from(super::fmt::sorted(a.get(0)).into_iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()))
    });
    register(tera, "pick", 1, None, |a| {
        let names: Vec<String> = a.slice(1).iter().map(strval).collect();
        let source = map_of(a.get(0))?;
        let picked = source.iter().filter(|(k, _)| names.contains(&super::value::key_text(k)));
        Ok(Value::from(picked.map(|(k, v)| (k.clone(), v.clone())).collect::<Map>()))
    });
    register(tera, "omit", 1, None, |a| {
        let names: Vec<String> = a.slice(1).iter().map(strval).collect();
        let source = map_of(a.get(0))?;
        let kept = source.iter().filter(|(k, _)| !names.contains(&super::value::key_text(k)));
        Ok(Value::from(kept.map(|(k, v)| (k.clone(), v.clone())).collect::<Map>()))
    });
    for (name, overwrite) in
        [("merge", false), ("mustMerge", false), ("mergeOverwrite", true), ("mustMergeOverwrite", true)]
    {
        let merge: super::args::Func =
            if overwrite { |a| merge_all(a, true) } else { |a| merge_all(a, false) };
        register(tera, name, 1, None, merge);
    }
    for name in ["deepCopy", "mustDeepCopy"] {
        register(tera, name, 1, Some(1), |a| Ok(a.get(0).clone()));
    }
    register(tera, "dig", 3, None, |a| {
        let all = a.all();
        let (path, rest) = all.split_at(all.len() - 2);
        let mut current = rest[1].clone();
        for step in path {
            let found = map_of(&current)?.get(&key(&strval(step))).cloned();
            match found {
                Some(next) => current = next,
                None => return Ok(rest[0].clone()),
            }
        }
        Ok(current)
    });
    for name in ["append", "push", "mustAppend", "mustPush"] {
        register(tera, name, 2, Some(2), |a| {
            let mut items = list_of(a.get(0), "append to")?;
            items.push(a.get(1).clone());
            Ok(Value::from(items))
        });
    }
    for name in ["prepend", "mustPrepend"] {
        register(tera, name, 2, Some(2), |a| {
            let mut items = list_of(a.get(0), "prepend to")?;
            items.insert(0, a.get(1).clone());
            Ok(Value::from(items))
        });
    }
    for name in ["first", "mustFirst"] {
        register(tera, name, 1, Some(1), |a| {
            Ok(list_of(a.get(0), "find first on")?.first().cloned().unwrap_or_else(Value::none))
        });
    }
    for name in ["last", "mustLast"] {
        register(tera, name, 1, Some(1), |a| {
            Ok(list_of(a.get(0), "find last on")?.last().cloned().unwrap_or_else(Value::none))
        });
    }
    for name in ["rest", "mustRest"] {
        register(tera, name, 1, Some(1), |a| {
            let items = list_of(a.get(0), "find rest on")?;
            Ok(if items.is_empty() { Value::none() } else { Value::from(items[1..].to_vec()) })
        });
    }
    for name in ["initial", "mustInitial"] {
        register(tera, name, 1, Some(1), |a| {
            let items = list_of(a.get(0), "find initial on")?;
            Ok(if items.is_empty() { Value::none() } else { Value::from(items[..items.len() - 1].to_vec()) })
        });
    }
    for name in ["reverse", "mustReverse"] {
        register(tera, name, 1, Some(1), |a| {
            let mut items = list_of(a.get(0), "find reverse on")?;
            items.reverse();
            Ok(Value::from(items))
        });
    }
    for name in ["compact", "mustCompact"] {
        register(tera, name, 1, Some(1), |a| {
            let items = list_of(a.get(0), "compact on")?;
            Ok(Value::from(items.into_iter().filter(|v| !is_empty(v)).collect::<Vec<_>>()))
        });
    }
    for name in ["uniq", "mustUniq"] {
        register(tera, name, 1, Some(1), |a| {
            let mut out: Vec<Value> = Vec::new();
            for item in list_of(a.get(0), "find uniq on")? {
                if !out.iter().any(|seen| deep_equal(seen, &item)) {
                    out.push(item);
                }
            }
            Ok(Value::from(out))
        });
    }
    for name in ["without", "mustWithout"] {
        register(tera, name, 1, None, |a| {
            let omit = a.slice(1);
            let items = list_of(a.get(0), "find without on")?;
            Ok(Value::from(
                items.into_iter().filter(|v| !omit.iter().any(|o| deep_equal(o, v))).collect::<Vec<_>>(),
            ))
        });
    }
    for name in ["has", "mustHas"] {
        register(tera, name, 2, Some(2), |a| {
            if is_nil(a.get(1)) {
                return Ok(false.into());
            }
            let needle = a.get(0);
            Ok(list_of(a.get(1), "find has on")?.iter().any(|v| deep_equal(v, needle)).into())
        });
    }
    register(tera, "mustSlice", 1, None, |a| go_slice(a.get(0), &a.slice(1)));
    register(tera, "concat", 0, None, |a| {
        let mut out = Vec::new();
        for list in a.all() {
            out.extend(list_of(&list, "concat")?);
        }
        Ok(Value::from(out))
    });
    for name in ["chunk", "mustChunk"] {
        register(tera, name, 2, Some(2), |a| {
            let size = a.int(0)?.max(1) as usize;
            let items = list_of(a.get(1), "chunk")?;
            Ok(Value::from(items.chunks(size).map(|c| Value::from(c.to_vec())).collect::<Vec<_>>()))
        });
    }
    register(tera, "default", 1, None, |a| {
        let given = a.get(1);
        Ok(if a.len() < 2 || is_empty(given) { a.get(0).clone() } else { given.clone() })
    });
    register(tera, "empty", 1, Some(1), |a| Ok(is_empty(a.get(0)).into()));
    register(tera, "coalesce", 0, None, |a| {
        Ok(a.all().into_iter().find(|v| !is_empty(v)).unwrap_or_else(Value::none))
    });
    register(tera, "all", 0, None, |a| Ok(a.all().iter().all(|v| !is_empty(v)).into()));
    register(tera, "any", 0, None, |a| Ok(a.all().iter().any(|v| !is_empty(v)).into()));
    register(tera, "ternary", 3, Some(3), |a| {
        Ok(if a.get(2).is_truthy() { a.get(0) } else { a.get(1) }.clone())
    });
    register(tera, "kindOf", 1, Some(1), |a| Ok(kind_name(a.get(0)).into()));
    register(tera, "kindIs", 2, Some(2), |a| Ok((a.str(0)? == kind_name(a.get(1))).into()));
    register(tera, "typeOf", 1, Some(1), |a| Ok(type_name(a.get(0)).into()));
    register(tera, "typeIs", 2, Some(2), |a| Ok((a.str(0)? == type_name(a.get(1))).into()));
    register(tera, "typeIsLike", 2, Some(2), |a| {
        let (want, got) = (a.str(0)?, type_name(a.get(1)));
        Ok((want == got || want == format!("*{got}")).into())
    });
    register(tera, "deepEqual", 2, Some(2), |a| Ok(deep_equal(a.get(0), a.get(1)).into()));
}

/// A map argument: Go refuses anything else for a `map[string]interface{}` parameter.
fn map_of(value: &Value) -> Result<&Map, String> {
    value.as_map().ok_or_else(|| match kind(value) {
        Kind::Invalid => "invalid value; expected map[string]interface {}".to_string(),
        _ => format!("wrong type for value; expected map[string]interface {{}}; got {}", type_name(value)),
    })
}

/// A list argument's items; nil is an empty list (Sprig's `mustX` functions refuse other
/// kinds with `Cannot <what> type <kind>`).
fn list_of(value: &Value, what: &str) -> Result<Vec<Value>, String> {
    match value.as_array() {
        Some(items) => Ok(items.to_vec()),
        None if is_nil(value) => Ok(Vec::new()),
        None => Err(format!("Cannot {what} type {}", kind_name(value))),
    }
}

/// Sprig's `merge`/`mergeOverwrite` (mergo): every later map merged into the first,
/// maps deeply; without `overwrite` a key keeps its value unless that is empty.
fn merge_all(args: &Args, overwrite: bool) -> Result<Value, String> {
    let mut dest = map_of(args.get(0))?.clone();
    for source in args.slice(1) {
        merge_into(&mut dest, map_of(&source)?, overwrite);
    }
    Ok(Value::from(dest))
}

pub fn merge_into(dest: &mut Map, source: &Map, overwrite: bool) {
    for (k, value) in source {
        if is_nil(value) {
            if overwrite {
                dest.insert(k.clone(), value.clone());
            }
            continue;
        }
        match dest.get_mut(k) {
            None => {
                dest.insert(k.clone(), value.clone());
            }
            Some(mine) => match (mine.as_map(), value.as_map()) {
                (Some(inner), Some(theirs)) => {
                    let mut merged = inner.clone();
                    merge_into(&mut merged, theirs, overwrite);
                    *mine = Value::from(merged);
                }
                _ if overwrite || is_empty(mine) => *mine = value.clone(),
                _ => {}
            },
        }
    }
}

/// Go's `index x 1 2`: maps by key (nothing for a missing key), lists and strings by
/// position (out of range is an error).
fn index(args: &Args) -> Result<Value, String> {
    let mut current = args.get(0).clone();
    for i in 1..args.len() {
        let at = args.get(i);
        current = match kind(&current) {
            Kind::Map => {
                let name = match at.as_str() {
                    Some(s) => s.to_string(),
                    None => return Err(format!("value has type {}; should be string", type_name(at))),
                };
                current.as_map().and_then(|m| m.get(&key(&name)).cloned()).unwrap_or_else(Value::none)
            }
            Kind::Slice | Kind::String | Kind::Bytes => {
                let n = position(at)?;
                let len = match current.as_str() {
                    Some(s) => s.len(),
                    None => current.len().unwrap_or(0),
                };
                if n < 0 || n as usize >= len {
                    return Err(format!("index out of range: {n}"));
                }
                match (current.as_str(), current.as_bytes()) {
                    (Some(s), _) => Value::from(s.as_bytes()[n as usize] as i64),
                    (_, Some(b)) => Value::from(b[n as usize] as i64),
                    _ => {
                        current.as_array().map(|items| items[n as usize].clone()).unwrap_or_else(Value::none)
                    }
                }
            }
            Kind::Invalid => return Err("index of untyped nil".into()),
            _ => return Err(format!("can't index item of type {}", type_name(&current))),
        };
    }
    Ok(current)
}

fn position(at: &Value) -> Result<i64, String> {
    match kind(at) {
        Kind::Int | Kind::Uint => Ok(to_int64(at)),
        Kind::Invalid => Err("cannot index slice/array with nil".into()),
        _ => Err(format!("cannot index slice/array with type {}", type_name(at))),
    }
}

/// Go's `slice x 1 2` (strings by bytes).
fn go_slice(value: &Value, indices: &[Value]) -> Result<Value, String> {
    let len = match value.as_str() {
        Some(s) => s.len(),
        None => match kind(value) {
            Kind::Slice | Kind::Bytes => value.len().unwrap_or(0),
            Kind::Invalid => return Err("slice of untyped nil".into()),
            _ => return Err(format!("can't slice item of type {}", type_name(value))),
        },
    } as i64;
    let mut bounds = Vec::new();
    for index in indices.iter().take(3) {
        bounds.push(position(index)?);
    }
    let start = bounds.first().copied().unwrap_or(0);
    let end = bounds.get(1).copied().unwrap_or(len);
    if start < 0 || end < start || end > len {
        return Err(format!("index out of range: {}", if end > len { end } else { start }));
    }
    let (start, end) = (start as usize, end as usize);
    Ok(match (value.as_str(), value.as_array()) {
        (Some(s), _) => Value::from(String::from_utf8_lossy(&s.as_bytes()[start..end]).into_owned()),
        (_, Some(items)) => Value::from(items[start..end].to_vec()),
        _ => Value::from(&value.as_bytes().unwrap_or_default()[start..end]),
    })
}
