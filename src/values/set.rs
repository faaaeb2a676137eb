//! The `--set` family's grammar (Helm's strvals): `a.b=1,c[0]=x,d={x,y}`, with `\`
//! escapes, Helm's typing for `--set`, strings for `--set-string`, JSON for
//! `--set-json` and file contents for `--set-file`.

use anyhow::{Result, anyhow, bail};
use serde_yaml::{Mapping, Value};

/// Largest list index `a[N]` accepts, as in Helm.
pub const MAX_INDEX: i64 = 65536;
/// Deepest `a.b.c` key path accepted (number of dots), as in Helm.
pub const MAX_NESTED_LEVEL: usize = 30;

/// How the value side of each `key=value` pair is read.
pub enum SetKind<'a> {
    /// `--set`: `true`/`false`/`null`, decimal integers, everything else a string.
    Typed,
    /// `--set-string`: always a string.
    String,
    /// `--set-json`: a JSON value.
    Json,
    /// `--set-literal`: everything after the first `=` is the string, commas, braces and
    /// backslashes included.
    Literal,
    /// `--set-file`: the value is a path; the file's contents become the string.
    File(&'a mut dyn FnMut(&str) -> Result<String>),
}

/// Parses one `--set`-style argument into `data`, on top of what it already holds. Each
/// list slot it creates (`a[100]=1` creates 101) is taken from `slots` first; an argument
/// that needs more than are left is refused before anything is built.
pub fn apply(data: &mut Mapping, input: &str, kind: SetKind, slots: &mut usize) -> Result<()> {
    if matches!(kind, SetKind::Json) && input.trim_start().starts_with('{') {
        let object: serde_json::Value =
            serde_json::from_str(input).map_err(|e| anyhow!("invalid JSON object: {e}"))?;
        let Value::Mapping(map) = from_json(object)? else { unreachable!("a JSON object") };
        super::merge_maps(data, map);
        return Ok(());
    }
    if input.trim().is_empty() {
        bail!("nothing to set: expected KEY=VALUE");
    }
    let mut parser = Parser { chars: input.chars().collect(), pos: 0, kind, slots };
    while !parser.key(data, 0)? {}
    Ok(())
}

/// A JSON value as a values tree. `-0` is the integer 0, as Helm's `toYaml` prints it
/// (serde_json reads it as the float -0.0).
fn from_json(json: serde_json::Value) -> Result<Value> {
    let mut value = serde_yaml::to_value(json)?;
    zero_signless(&mut value);
    Ok(value)
}

fn zero_signless(value: &mut Value) {
    match value {
        Value::Number(n) if n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative()) => {
            *value = Value::Number(0.into())
        }
        Value::Sequence(items) => items.iter_mut().for_each(zero_signless),
        Value::Mapping(map) => map.values_mut().for_each(zero_signless),
        _ => {}
    }
}

struct Parser<'a, 's> {
    chars: Vec<char>,
    pos: usize,
    kind: SetKind<'a>,
    /// List slots left to create.
    slots: &'s mut usize,
}

/// What a `{x,y}` value turned out to be.
enum ListValue {
    List(Vec<Value>),
    NotList,
    End,
}

impl Parser<'_, '_> {
    fn next(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        self.pos += usize::from(c.is_some());
        c
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Reads up to the first unescaped stop character, returning the text and the stop
    /// (`None` at the end of input).
    fn until(&mut self, stops: &[char]) -> (String, Option<char>) {
        let mut text = String::new();
        loop {
            match self.next() {
                None => return (text, None),
                Some(c) if stops.contains(&c) => return (text, Some(c)),
                Some('\\') => match self.next() {
                    Some(escaped) => text.push(escaped),
                    None => return (text, None),
                },
                Some(c) => text.push(c),
            }
        }
    }

    /// Parses one `key=value` pair (or a nested part of one). Returns true when the input
    /// ended where a key or value should have been, which Helm treats as the end, not as
    /// an error.
    fn key(&mut self, data: &mut Mapping, level: usize) -> Result<bool> {
        let (key, stop) = self.until(&['=', '[', ',', '.']);
        if level == 0 && key.is_empty() && stop.is_some_and(|c| c != ',') {
            bail!(
                "a key is empty before {:?} (Helm ignores such a pair; rudder refuses it)",
                stop.unwrap_or(' ')
            );
        }
        match stop {
            None if key.is_empty() => Ok(true),
            None => bail!("key {key:?} has no value"),
            Some('[') => {
                let index = self.index()?;
                let list = match take(data, &key) {
                    Value::Null => Vec::new(),
                    Value::Sequence(list) => list,
                    other => return Err(conflict(&key, &other, "a list")),
                };
                let (list, ended) = self.list_item(list, index, level)?;
                set(data, &key, Value::Sequence(list));
                Ok(ended)
            }
            Some('=') => {
                let ended = self.peek().is_none() && !matches!(self.kind, SetKind::Json);
                let value = self.value()?;
                set(data, &key, value);
                Ok(ended)
            }
            Some(',') => bail!("key {key:?} has no value (cannot end with ,)"),
            _ => {
                let level = level + 1;
                if level > MAX_NESTED_LEVEL {
                    bail!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_LEVEL}"
                    );
                }
                let mut inner = match take(data, &key) {
                    Value::Null => Mapping::new(),
                    Value::Mapping(map) => map,
                    other => return Err(conflict(&key, &other, "a map")),
                };
                let result = self.key(&mut inner, level);
                let empty = inner.is_empty();
                if empty {
                    data.shift_remove(key.as_str());
                } else {
                    set(data, &key, Value::Mapping(inner));
                }
                let ended = result?;
                if empty && !ended {
                    bail!("key map {key:?} has no value");
                }
                Ok(ended)
            }
        }
    }

    /// Reads `N]` after a `[`.
    fn index(&mut self) -> Result<i64> {
        let (text, stop) = self.until(&[']']);
        if stop.is_none() {
            bail!("error parsing index: missing ']' after {text:?}");
        }
        text.parse::<i64>().map_err(|_| anyhow!("error parsing index: {text:?} is not a whole number"))
    }

    fn list_item(&mut self, mut list: Vec<Value>, index: i64, level: usize) -> Result<(Vec<Value>, bool)> {
        check_index(index)?;
        let (rest, stop) = self.until(&['[', '.', '=']);
        if !rest.is_empty() {
            bail!("unexpected data at end of array index: {rest:?}");
        }
        let slot = usize::try_from(index).expect("checked above");
        match stop {
            None => Ok((list, true)),
            Some('=') => {
                let ended = self.peek().is_none() && !matches!(self.kind, SetKind::Json);
                let value = self.value()?;
                set_index(&mut list, slot, value, self.slots)?;
                Ok((list, ended))
            }
            Some('[') => {
                let level = level + 1;
                if level > MAX_NESTED_LEVEL {
                    bail!(
                        "list index nested level is greater than maximum supported nested level of {MAX_NESTED_LEVEL}"
                    );
                }
                let next = self.index()?;
                let inner = match list.get_mut(slot).map(std::mem::take) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Sequence(inner)) => inner,
                    Some(other) => return Err(conflict(&format!("[{index}]"), &other, "a list")),
                };
                let (inner, ended) = self.list_item(inner, next, level)?;
                set_index(&mut list, slot, Value::Sequence(inner), self.slots)?;
                Ok((list, ended))
            }
            _ => {
                let mut inner = match list.get_mut(slot).map(std::mem::take) {
                    Some(Value::Mapping(map)) => map,
                    _ => Mapping::new(),
                };
                let ended = self.key(&mut inner, level)?;
                set_index(&mut list, slot, Value::Mapping(inner), self.slots)?;
                Ok((list, ended))
            }
        }
    }

    /// Reads the value after `=`, up to the next unescaped `,`.
    fn value(&mut self) -> Result<Value> {
        if matches!(self.kind, SetKind::Json) {
            return self.json_value();
        }
        if matches!(self.kind, SetKind::Literal) {
            let rest: String = self.chars[self.pos..].iter().collect();
            self.pos = self.chars.len();
            return Ok(Value::String(rest));
        }
        match self.list()? {
            ListValue::List(items) => Ok(Value::Sequence(items)),
            ListValue::End => Ok(Value::String(String::new())),
            ListValue::NotList => {
                let (text, _) = self.until(&[',']);
                self.scalar(text)
            }
        }
    }

    /// Reads a `{a,b}` list literal, if the value starts with `{`.
    fn list(&mut self) -> Result<ListValue> {
        match self.peek() {
            None => return Ok(ListValue::End),
            Some('{') => self.pos += 1,
            Some(_) => return Ok(ListValue::NotList),
        }
        let mut items = Vec::new();
        loop {
            let (text, stop) = self.until(&[',', '}']);
            match stop {
                None => bail!("list must terminate with '}}'"),
                Some('}') => {
                    if self.peek() == Some(',') {
                        self.pos += 1;
                    }
                    items.push(self.scalar(text)?);
                    return Ok(ListValue::List(items));
                }
                _ => items.push(self.scalar(text)?),
            }
        }
    }

    fn scalar(&mut self, text: String) -> Result<Value> {
        match &mut self.kind {
            SetKind::Typed => Ok(typed_value(text)),
            SetKind::String | SetKind::Json | SetKind::Literal => Ok(Value::String(text)),
            SetKind::File(read) => Ok(Value::String(read(&text)?)),
        }
    }

    /// Decodes one JSON value in place; an empty value is `null`.
    fn json_value(&mut self) -> Result<Value> {
        if self.skip_empty() {
            return Ok(Value::Null);
        }
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        let json = match stream.next() {
            Some(Ok(json)) => json,
            Some(Err(e)) => bail!("invalid JSON value: {e}"),
            None => serde_json::Value::Null,
        };
        self.pos += rest[..stream.byte_offset()].chars().count();
        self.skip_empty();
        from_json(json)
    }

    /// Skips blanks; true (and consumes it) if a `,` or the end of input follows.
    fn skip_empty(&mut self) -> bool {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
        match self.peek() {
            None => true,
            Some(',') => {
                self.pos += 1;
                true
            }
            Some(_) => false,
        }
    }
}

/// Helm's `--set` typing: case-insensitive `true`/`false`, `null`, and decimal integers
/// that fit in 64 bits and do not start with `0` (except `0` itself).
fn typed_value(text: String) -> Value {
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::Number(0.into());
    }
    if !text.starts_with('0')
        && let Ok(number) = text.parse::<i64>()
    {
        return Value::Number(number.into());
    }
    Value::String(text)
}

fn check_index(index: i64) -> Result<()> {
    if index < 0 {
        bail!("negative {index} index not allowed");
    }
    if index > MAX_INDEX {
        bail!("index of {index} is greater than maximum supported index of {MAX_INDEX}");
    }
    Ok(())
}

/// Sets `list[index]`, padding the list with nulls up to it: the slots it creates are
/// taken from `slots` before the list grows.
fn set_index(list: &mut Vec<Value>, index: usize, value: Value, slots: &mut usize) -> Result<()> {
    if list.len() <= index {
        let created = index + 1 - list.len();
        *slots = slots.checked_sub(created).ok_or_else(|| {
            anyhow!(
                "the --set flags create more than {} list slots in all (an index such as a[65536] pads a list with nulls; limit set-list-items, raise it with --limit set-list-items=N)",
                crate::limits::SET_LIST_ITEMS.get()
            )
        })?;
        list.resize(index + 1, Value::Null);
    }
    list[index] = value;
    Ok(())
}

/// Empty keys are silently skipped, as in Helm.
fn set(data: &mut Mapping, key: &str, value: Value) {
    if key.is_empty() {
        return;
    }
    match data.get_mut(key) {
        Some(slot) => *slot = value,
        None => {
            data.insert(Value::String(key.to_string()), value);
        }
    }
}

/// Takes the value at `key` out of `data` (leaving `null` in its place, so the key
/// keeps its position), or `null` if absent.
fn take(data: &mut Mapping, key: &str) -> Value {
    data.get_mut(key).map(std::mem::take).unwrap_or(Value::Null)
}

fn conflict(key: &str, found: &Value, wanted: &str) -> anyhow::Error {
    anyhow!("unable to parse key {key:?}: it already holds {}, not {wanted}", crate::yaml::kind_name(found))
}

#[cfg(test)]
mod tests;
