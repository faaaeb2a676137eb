//! The filters and functions rudder adds to Tera for chart templates: Helm's most used
//! functions under snake_case names, plus read-only access to the chart's own files.

use anyhow::anyhow;
use base64::Engine as _;
use sha2::Digest as _;
use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

pub use crate::chart::Files;

/// Registers every filter and function on `tera`; `files` backs `file` and `files`.
pub fn register(tera: &mut Tera, files: Files) {
    tera.register_filter("to_yaml", to_yaml);
    tera.register_filter("to_json", to_json);
    tera.register_filter("from_yaml", from_yaml);
    tera.register_filter("from_json", from_json);
    tera.register_filter("nindent", nindent);
    tera.register_filter("quote", quote);
    tera.register_filter("squote", squote);
    tera.register_filter("b64enc", b64enc);
    tera.register_filter("b64dec", b64dec);
    tera.register_filter("sha256sum", sha256sum);
    tera.register_filter("required", required);
    tera.register_filter("default_if_empty", default_if_empty);
    tera.register_filter("trunc", trunc);
    tera.register_filter("trim_prefix", trim_prefix);
    tera.register_filter("trim_suffix", trim_suffix);
    tera.register_function("fail", fail);
    let for_file = files.clone();
    tera.register_function("file", move |kwargs: Kwargs, _: &State| file(&for_file, &kwargs));
    let for_lines = files.clone();
    tera.register_function("file_lines", move |kwargs: Kwargs, _: &State| file_lines(&for_lines, &kwargs));
    tera.register_function("files", move |kwargs: Kwargs, _: &State| glob(&files, &kwargs));
    tera.register_filter("as_config", as_config);
    tera.register_filter("as_secrets", as_secrets);
}

fn message(error: impl std::fmt::Display) -> Error {
    Error::message(error.to_string())
}

fn defined(value: &Value, filter: &str) -> TeraResult<()> {
    if value.is_undefined() {
        return Err(Error::message(format!("`{filter}` was given an undefined value")));
    }
    Ok(())
}

/// Block YAML of any value, YAML-1.1-safe, keys in their original order, no trailing
/// newline (as Helm's `toYaml`); with `helm=true`, byte for byte what Helm's `toYaml`
/// writes (keys sorted, go-yaml v2's styles), as `rudder convert` writes it.
fn to_yaml(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    defined(value, "to_yaml")?;
    if kwargs.get::<bool>("helm")?.unwrap_or(false) {
        return super::go::helm_to_yaml(value).ok_or_else(|| message("to_yaml: a NaN or infinite number"));
    }
    let yaml = serde_yaml::to_value(value).map_err(message)?;
    let mut text = crate::yaml::to_string(&yaml);
    text.truncate(text.trim_end_matches('\n').len());
    Ok(text)
}

/// Compact JSON, keys in their original order; with `helm=true`, as Helm's `toJson`
/// writes it (keys sorted, `<`, `>`, `&` escaped).
fn to_json(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    defined(value, "to_json")?;
    if kwargs.get::<bool>("helm")?.unwrap_or(false) {
        return super::go::helm_to_json(value).ok_or_else(|| message("to_json: a NaN or infinite number"));
    }
    serde_json::to_string(value).map_err(message)
}

/// Parses a YAML string; invalid YAML is an error (Helm returns an `Error` key instead).
/// Several documents are an error too, unless `helm=true`: Helm's `fromYaml` reads the
/// first of them (a rendered template of several resources), and nothing as `{}`.
fn from_yaml(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let fail = |e: serde_yaml::Error| message(format!("from_yaml: {e}"));
    let value = match kwargs.get::<bool>("helm")?.unwrap_or(false) {
        true => match crate::yaml::parse_documents(text, crate::yaml::Schema::Kube)
            .map_err(fail)?
            .into_iter()
            .next()
        {
            None | Some(serde_yaml::Value::Null) => serde_yaml::Value::Mapping(Default::default()),
            Some(first) => first,
        },
        false => crate::yaml::parse_document(text, crate::yaml::Schema::Kube).map_err(fail)?,
    };
    Ok(Value::from_serializable(&super::context::TemplateValue(&value)))
}

/// Parses a JSON string; invalid JSON is an error.
fn from_json(text: &str, _: Kwargs, _: &State) -> TeraResult<Value> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| message(format!("from_json: {e}")))?;
    Ok(Value::from_serializable(&value))
}

/// A newline, then every line indented by `width` spaces (Helm's `nindent`); empty
/// lines get no trailing spaces, unless `blank=true` (Sprig pads them too).
fn nindent(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let width = kwargs.must_get::<usize>("width")?.min(1000);
    let blank = kwargs.get::<bool>("blank")?.unwrap_or(false);
    let pad = " ".repeat(width);
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split('\n') {
        out.push('\n');
        if blank || !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    Ok(out)
}

/// A double-quoted string, escaped so it is one valid YAML/JSON scalar.
fn quote(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    defined(value, "quote")?;
    let mut out = String::new();
    crate::yaml::write_double_quoted(&mut out, &display(value));
    Ok(out)
}

/// A single-quoted string (`'` doubled, as YAML requires).
fn squote(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    defined(value, "squote")?;
    Ok(format!("'{}'", display(value).replace('\'', "''")))
}

fn display(value: &Value) -> String {
    if value.is_none() { String::new() } else { value.to_string() }
}

fn b64enc(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    defined(value, "b64enc")?;
    Ok(base64::engine::general_purpose::STANDARD.encode(display(value)))
}

fn b64dec(text: &str, _: Kwargs, _: &State) -> TeraResult<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| message(format!("b64dec: invalid base64: {e}")))?;
    String::from_utf8(bytes).map_err(|_| message("b64dec: the decoded bytes are not UTF-8 text"))
}

/// Lower-case hex SHA-256 of the text (for `checksum/config` annotations).
fn sha256sum(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    defined(value, "sha256sum")?;
    let digest = sha2::Sha256::digest(display(value).as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// Fails with `message` when the value is undefined, `none` or an empty string;
/// returns it unchanged otherwise (`0` and `false` pass, as in Helm).
fn required(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let missing = value.is_undefined() || value.is_none() || value.as_str().is_some_and(str::is_empty);
    if missing {
        let text = kwargs.get::<&str>("message")?.unwrap_or("a required value is missing");
        return Err(Error::message(text));
    }
    Ok(value.clone())
}

/// Helm's `default`: `value` when the input is empty as Helm's `empty` sees it
/// (undefined, `none`, `false`, `0`, `""`, an empty list or map), else the input. Tera's
/// own `default` replaces only an undefined input.
fn default_if_empty(input: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let fallback = kwargs.must_get::<Value>("value")?;
    Ok(if input.is_truthy() { input.clone() } else { fallback })
}

/// `fail(message="...")` stops the render with the message.
fn fail(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let text = kwargs.must_get::<&str>("message")?;
    Err(Error::message(text))
}

/// The first `length` characters, or the last `-length` when negative (Helm's `trunc`).
fn trunc(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let length = kwargs.must_get::<i64>("length")?;
    let count = text.chars().count();
    let keep = usize::try_from(length.unsigned_abs()).unwrap_or(usize::MAX).min(count);
    Ok(if length >= 0 {
        text.chars().take(keep).collect()
    } else {
        text.chars().skip(count - keep).collect()
    })
}

fn trim_prefix(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let prefix = kwargs.must_get::<&str>("prefix")?;
    Ok(text.strip_prefix(prefix).unwrap_or(text).to_string())
}

fn trim_suffix(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let suffix = kwargs.must_get::<&str>("suffix")?;
    Ok(text.strip_suffix(suffix).unwrap_or(text).to_string())
}

/// `file(path="config/app.conf")`: a chart file's text; a missing file is an error.
fn file(files: &Files, kwargs: &Kwargs) -> TeraResult<String> {
    let path = kwargs.must_get::<&str>("path")?;
    let bytes = files.get(path.trim_start_matches("./")).ok_or_else(|| {
        message(format!(
            "file {} is not in the chart (templates, values and Chart.yaml are not files)",
            crate::secret::value(&format!("{path:?}"))
        ))
    })?;
    String::from_utf8(bytes.clone()).map_err(|_| {
        message(format!("file {} is not UTF-8 text", crate::secret::value(&format!("{path:?}"))))
    })
}

/// `file_lines(path="hosts.txt")`: a chart file's lines, as Helm's `.Files.Lines`: one
/// trailing newline dropped, then split on `\n`; a missing file gives no lines.
fn file_lines(files: &Files, kwargs: &Kwargs) -> TeraResult<Vec<String>> {
    let path = kwargs.must_get::<&str>("path")?;
    let Some(bytes) = files.get(path.trim_start_matches("./")) else {
        return Ok(Vec::new());
    };
    let text = std::str::from_utf8(bytes).map_err(|_| {
        message(format!("file {} is not UTF-8 text", crate::secret::value(&format!("{path:?}"))))
    })?;
    if text.is_empty() {
        return Ok(Vec::new());
    }
    Ok(text.strip_suffix('\n').unwrap_or(text).split('\n').map(str::to_string).collect())
}

/// `files(glob="conf/*") | as_config`: the files as a ConfigMap's `data`, as Helm's
/// `.Files.Glob ... | .AsConfig`: keyed by base name, sorted, block YAML, no trailing
/// newline. Two files with one base name are refused (Helm keeps one at random).
fn as_config(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    by_base_name(value, "as_config", |path, bytes| match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => Err(message(format!(
            "`as_config`: {path:?} is not UTF-8 text; a binary file belongs in a Secret (`as_secrets`)"
        ))),
    })
}

/// `files(glob="certs/*") | as_secrets`: as `as_config`, each file's bytes (text or
/// binary) base64-encoded, as Helm's `.AsSecrets`, for a Secret's `data`.
fn as_secrets(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    by_base_name(value, "as_secrets", |_, bytes| Ok(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

fn by_base_name(
    value: &Value,
    filter: &str,
    encode: impl Fn(&str, &[u8]) -> TeraResult<String>,
) -> TeraResult<String> {
    let Some(map) = value.as_map() else {
        return Err(message(format!("`{filter}` takes the map `files(glob=...)` returns")));
    };
    let mut by_name = std::collections::BTreeMap::new();
    for (path, text) in map.iter() {
        let path = path.to_string();
        let bytes = match (text.as_str(), text.as_bytes()) {
            (Some(text), _) => text.as_bytes(),
            (None, Some(bytes)) => bytes,
            _ => return Err(message(format!("`{filter}`: {path:?} is not a file's content"))),
        };
        let name = path.rsplit('/').next().unwrap_or(&path).to_string();
        if by_name.insert(name.clone(), encode(&path, bytes)?).is_some() {
            return Err(message(format!("`{filter}`: two files are named {name:?}; glob one directory")));
        }
    }
    let mapping: serde_yaml::Mapping =
        by_name.into_iter().map(|(k, v)| (serde_yaml::Value::from(k), serde_yaml::Value::from(v))).collect();
    let mut text = crate::yaml::to_string(&serde_yaml::Value::Mapping(mapping));
    text.truncate(text.trim_end_matches('\n').len());
    Ok(text)
}

/// `files(glob="config/*")`: a map of matching paths to their text (the bytes of a file
/// that is not UTF-8, for `as_secrets`), sorted by path. `*` stays within one directory;
/// `**` crosses directories.
fn glob(files: &Files, kwargs: &Kwargs) -> TeraResult<Value> {
    let pattern = kwargs.must_get::<&str>("glob")?;
    let matcher = crate::glob::matcher(pattern, false).map_err(|e| {
        let shown: String = pattern.chars().take(80).collect();
        message(anyhow!("files: invalid glob {}", crate::secret::value(&format!("{shown:?}: {e}"))))
    })?;
    let mut map = tera::Map::new();
    for (path, bytes) in files.iter().filter(|(path, _)| matcher.is_match(path.as_str())) {
        let content = match String::from_utf8(bytes.clone()) {
            Ok(text) => Value::from(text),
            Err(_) => Value::bytes(bytes.clone()),
        };
        map.insert(path.clone().into(), content);
    }
    Ok(Value::from(map))
}

#[cfg(test)]
mod tests;
