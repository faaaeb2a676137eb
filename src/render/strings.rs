//! Sprig's string helpers with Helm's meaning, as filters: `snakecase`, `camelcase`,
//! `kebabcase`, `substr(start=.., end=..)`, `sha1sum`, `adler32sum`, `to_string`,
//! `split_list(sep=..)`, `wrap(width=..)`, the number casts `to_int`, `int64` and `float64`, and the function
//! `printf(format=.., args=[..])` for the verbs charts use (`%s %d %v %q %f`, widths and
//! zero padding such as `%05d`, `%%`).

use super::convert::text;
use sha1::Digest as _;
use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

pub fn register(tera: &mut Tera) {
    tera.register_filter("snakecase", snakecase);
    tera.register_filter("camelcase", camelcase);
    tera.register_filter("kebabcase", kebabcase);
    tera.register_filter("substr", substr);
    tera.register_filter("sha1sum", sha1sum);
    tera.register_filter("to_string", to_string);
    tera.register_filter("adler32sum", adler32sum);
    tera.register_filter("split_list", split_list);
    tera.register_filter("to_int", to_int);
    tera.register_filter("int64", to_int);
    tera.register_filter("float64", float64);
    tera.register_filter("wrap", wrap);
    for refused in ["gen_ca", "gen_self_signed_cert", "gen_signed_cert", "gen_private_key"] {
        tera.register_function(refused, move |_: Kwargs, _: &State| -> TeraResult<String> {
            Err(Error::message(format!(
                "{refused}: a key or certificate made during a render is in every copy of the render (git, CI logs, diffs), so it is not secret; create it outside the chart (cert-manager, a sealed or external Secret) and reference it"
            )))
        });
    }
    tera.register_function("printf", printf);
}

/// Words of an identifier: split at `_`, `-`, spaces, and before an upper-case letter
/// that follows a lower-case one or a digit.
fn words(s: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous: Option<char> = None;
    for c in s.chars() {
        if c == '_' || c == '-' || c.is_whitespace() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else {
            if c.is_uppercase()
                && previous.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                && !current.is_empty()
            {
                words.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
        previous = Some(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `"FirstName" | snakecase` is `first_name`.
fn snakecase(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(snake(&text(value)))
}

/// `FirstName` → `first_name`.
pub(super) fn snake(s: &str) -> String {
    words(s).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("_")
}

/// `"first_name" | camelcase` is `FirstName` (Sprig's `camelcase`).
fn camelcase(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(camel(&text(value)))
}

/// `first_name` → `FirstName`.
pub(super) fn camel(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|f| f.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// `"FirstName" | kebabcase` is `first-name`.
fn kebabcase(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(kebab(&text(value)))
}

/// `FirstName` → `first-name`.
pub(super) fn kebab(s: &str) -> String {
    words(s).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("-")
}

/// `s | substr(start=1, end=3)`: Helm's `substr 1 3 s`, by bytes as in Go (a start below 0
/// means 0; an end below 0 or past the end means the end).
fn substr(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let s = text(value);
    let start: i64 = kwargs.must_get("start")?;
    let end: i64 = kwargs.must_get("end")?;
    let len = s.len() as i64;
    let start = start.clamp(0, len) as usize;
    let end = if end < 0 || end > len { len as usize } else { end as usize };
    let bytes = s.as_bytes().get(start..end.max(start)).unwrap_or_default();
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// `s | wrap(width=80)`: Sprig's `wrap 80 s` (Apache WordUtils' wrap as goutils ports it):
/// lines broken at the last space within `width` bytes, a space that starts a line
/// dropped, a word longer than `width` kept whole.
fn wrap(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    wrap_text(&text(value), kwargs.must_get::<i64>("width")?).map_err(Error::message)
}

/// Sprig's `wrap width s`.
pub(super) fn wrap_text(s: &str, width: i64) -> Result<String, String> {
    let width = width.max(1) as usize;
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / width + 1);
    let mut offset = 0;
    while bytes.len() - offset > width {
        if bytes[offset] == b' ' {
            offset += 1;
            continue;
        }
        let within = &bytes[offset..offset + width + 1];
        let next_line = match within.iter().rposition(|&b| b == b' ') {
            Some(space) => Some(offset + space),
            None => {
                bytes[offset + width..].iter().position(|&b| b == b' ').map(|space| offset + width + space)
            }
        };
        let Some(space) = next_line else {
            break;
        };
        out.extend_from_slice(&bytes[offset..space]);
        out.push(b'\n');
        offset = space + 1;
    }
    out.extend_from_slice(&bytes[offset..]);
    String::from_utf8(out).map_err(|_| "`wrap` split a character".to_string())
}

/// `s | sha1sum`: lower-case hex SHA-1.
fn sha1sum(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    let digest = sha1::Sha1::digest(text(value).as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// `s | adler32sum`: Helm's `adler32sum`, in decimal.
fn adler32sum(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(adler2::adler32_slice(text(value).as_bytes()).to_string())
}

/// `s | split_list(sep=",")`: Helm's `splitList "," s`.
fn split_list(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let sep: &str = kwargs.must_get("sep")?;
    let s = text(value);
    let parts: Vec<&str> =
        if sep.is_empty() { s.split_terminator("").skip(1).collect() } else { s.split(sep).collect() };
    Ok(Value::from_serializable(&parts))
}

/// `x | to_int` (also `int64`): Helm's `int`: a float is truncated toward zero, a
/// string parsed (0 when it is not a number), a boolean 1 or 0.
fn to_int(value: &Value, _: Kwargs, _: &State) -> TeraResult<i64> {
    let json = super::convert::json(value)?;
    Ok(match json {
        serde_json::Value::Number(n) => {
            n.as_i64().unwrap_or_else(|| n.as_f64().map_or(0, |f| f.trunc() as i64))
        }
        serde_json::Value::String(s) => s
            .trim()
            .parse::<i64>()
            .or_else(|_| s.trim().parse::<f64>().map(|f| f.trunc() as i64))
            .unwrap_or(0),
        serde_json::Value::Bool(b) => i64::from(b),
        _ => 0,
    })
}

/// `x | float64`: Helm's `float64` (0 when it is not a number).
fn float64(value: &Value, _: Kwargs, _: &State) -> TeraResult<f64> {
    let json = super::convert::json(value)?;
    Ok(match json {
        serde_json::Value::Number(n) => n.as_f64().unwrap_or(0.0),
        serde_json::Value::String(s) => s.trim().parse::<f64>().unwrap_or(0.0),
        serde_json::Value::Bool(b) => f64::from(u8::from(b)),
        _ => 0.0,
    })
}

/// `x | to_string`.
fn to_string(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(text(value))
}

/// `printf(format="%s-%05d", args=["a", 42])`: Go's `printf` for the common verbs.
fn printf(kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let format: &str = kwargs.must_get("format")?;
    let args: Vec<Value> = kwargs.get("args")?.unwrap_or_default();
    let mut args = args.into_iter();
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '.' || d == '-' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let Some(verb) = chars.next() else { return Err(Error::message("printf: the format ends with %")) };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg =
            args.next().ok_or_else(|| Error::message(format!("printf: no argument for %{spec}{verb}")))?;
        let formatted = match verb {
            's' | 'v' => text(&arg),
            'q' => serde_json::to_string(&text(&arg)).map_err(|e| Error::message(e.to_string()))?,
            'd' => match arg.as_i64() {
                Some(i) => i.to_string(),
                None => {
                    let got = crate::secret::value(&arg.to_string());
                    return Err(Error::message(format!("printf: %d needs an integer, got {got}")));
                }
            },
            'f' => {
                let f = arg.as_f64().ok_or_else(|| {
                    let got = crate::secret::value(&arg.to_string());
                    Error::message(format!("printf: %f needs a number, got {got}"))
                })?;
                let precision = spec.split_once('.').and_then(|(_, p)| p.parse().ok()).unwrap_or(6);
                format!("{f:.precision$}")
            }
            other => return Err(Error::message(format!("printf: the verb %{other} is not supported"))),
        };
        let width: usize =
            spec.split('.').next().unwrap_or("").trim_start_matches(['-', '0']).parse().unwrap_or(0);
        let pad = width.saturating_sub(formatted.chars().count());
        if spec.starts_with('-') {
            out.push_str(&formatted);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if spec.starts_with('0') && matches!(verb, 'd' | 'f') {
            let (sign, digits) = formatted.strip_prefix('-').map_or(("", formatted.as_str()), |d| ("-", d));
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&formatted);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    fn render(template: &str) -> String {
        super::super::convert::render_with(super::register, serde_json::json!({}), template)
    }
    #[test]
    fn cases_and_substrings() {
        assert_eq!(
            render(
                "{{ 'FirstName' | snakecase }} {{ 'first_name' | camelcase }} {{ 'FirstName' | kebabcase }}"
            ),
            "first_name FirstName first-name"
        );
        assert_eq!(
            render(
                "{{ 'hello' | substr(start=1, end=3) }}|{{ 'hello' | substr(start=-1, end=2) }}|{{ 'hello' | substr(start=2, end=99) }}"
            ),
            "el|he|llo"
        );
        assert_eq!(render("{{ 'abc' | sha1sum }}"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_keeps_long_words() {
        assert_eq!(render("{{ 'the quick brown fox' | wrap(width=10) }}"), "the quick\nbrown fox");
        assert_eq!(render("{{ '  averyverylongword here' | wrap(width=5) }}"), "averyverylongword\nhere");
        assert_eq!(render("{{ 'ab cd' | wrap(width=0) }}"), "ab\ncd");
        assert_eq!(render("{{ 'ünï cödé' | wrap(width=5) }}"), "ünï\ncödé");
    }

    #[test]
    fn numbers_lists_checksums_and_refusals() {
        assert_eq!(
            render(
                "{{ 3.9 | to_int }} {{ -3.9 | int64 }} {{ '42' | to_int }} {{ 'x' | to_int }} {{ '1.5' | float64 }}"
            ),
            "3 -3 42 0 1.5"
        );
        assert_eq!(render("{{ 'a,b,,c' | split_list(sep=',') | length }}"), "4");
        assert_eq!(render("{{ 'abc' | adler32sum }}"), "38600999");
        let mut tera = tera::Tera::new();
        super::register(&mut tera);
        let err = tera.render_str("{{ gen_ca() }}", &tera::Context::new(), false).unwrap_err();
        assert!(format!("{err:?}").contains("so it is not secret"), "{err:?}");
    }

    #[test]
    fn printf_verbs() {
        assert_eq!(
            render("{{ printf(format='%s-%05d %v %q %.2f %%', args=['a', 42, true, 'x\"y', 1.5]) }}"),
            "a-00042 true \"x\\\"y\" 1.50 %"
        );
        assert_eq!(render("{{ printf(format='[%5s][%-4d]', args=['ab', 7]) }}"), "[   ab][7   ]");
    }
}
