//! Sprig's string helpers with Helm's meaning, as filters: `snakecase`, `camelcase`,
//! `kebabcase`, `substr(start=.., end=..)`, `sha1sum`, `to_string`, and the function
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
    Ok(words(&text(value)).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("_"))
}

/// `"first_name" | camelcase` is `FirstName` (Sprig's `camelcase`).
fn camelcase(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(words(&text(value))
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|f| f.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect())
}

/// `"FirstName" | kebabcase` is `first-name`.
fn kebabcase(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(words(&text(value)).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("-"))
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

/// `s | sha1sum`: lower-case hex SHA-1.
fn sha1sum(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    let digest = sha1::Sha1::digest(text(value).as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
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
                None => return Err(Error::message(format!("printf: %d needs an integer, got {arg}"))),
            },
            'f' => {
                let f = arg
                    .as_f64()
                    .ok_or_else(|| Error::message(format!("printf: %f needs a number, got {arg}")))?;
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
    fn printf_verbs() {
        assert_eq!(
            render("{{ printf(format='%s-%05d %v %q %.2f %%', args=['a', 42, true, 'x\"y', 1.5]) }}"),
            "a-00042 true \"x\\\"y\" 1.50 %"
        );
        assert_eq!(render("{{ printf(format='[%5s][%-4d]', args=['ab', 7]) }}"), "[   ab][7   ]");
    }
}
