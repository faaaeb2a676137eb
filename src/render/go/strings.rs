//! Sprig's and Go's string functions with their Go argument order and meaning: `quote`,
//! `squote`, `indent`, `nindent`, `trim*`, `trunc` (by bytes), `replace`, `title`,
//! `substr`, `split` (a map of `_0`, `_1`…), `join`, `cat`, `printf` and kin, `b64enc`,
//! the checksums, paths (`base`, `dir`…), and Go's `html`, `js` and `urlquery`.

use super::args::{Args, register};
use super::fmt::{quote as go_quote, sprint, sprint_value, sprintf, sprintln};
use super::value::{is_nil, strval};
use base64::Engine as _;
use sha2::Digest as _;
use tera::{Map, Tera, Value};

pub fn register_all(tera: &mut Tera) {
    register(tera, "print", 0, None, |a| Ok(sprint(&a.all()).into()));
    register(tera, "println", 0, None, |a| Ok(sprintln(&a.all()).into()));
    register(tera, "printf", 1, None, |a| Ok(sprintf(a.str(0)?, &a.slice(1)).into()));
    register(tera, "html", 0, None, |a| Ok(html(&sprint(&a.all())).into()));
    register(tera, "js", 0, None, |a| Ok(js(&sprint(&a.all())).into()));
    register(tera, "urlquery", 0, None, |a| Ok(urlquery(&sprint(&a.all())).into()));
    register(tera, "hello", 0, Some(0), |_| Ok("Hello!".into()));
    register(tera, "quote", 0, None, |a| Ok(quoted(a, |s| go_quote(&strval(s))).into()));
    register(tera, "squote", 0, None, |a| Ok(quoted(a, |s| format!("'{}'", sprint_value(s))).into()));
    register(tera, "cat", 0, None, |a| {
        let kept: Vec<String> = a.all().iter().filter(|v| !is_nil(v)).map(sprint_value).collect();
        Ok(kept.join(" ").into())
    });
    register(tera, "indent", 2, Some(2), |a| Ok(indent(a.int(0)?, a.str(1)?).into()));
    register(tera, "nindent", 2, Some(2), |a| Ok(format!("\n{}", indent(a.int(0)?, a.str(1)?)).into()));
    register(tera, "trim", 1, Some(1), |a| Ok(a.str(0)?.trim().into()));
    register(tera, "trimAll", 2, Some(2), |a| Ok(trim_cutset(a.str(1)?, a.str(0)?).into()));
    register(tera, "trimall", 2, Some(2), |a| Ok(trim_cutset(a.str(1)?, a.str(0)?).into()));
    register(tera, "trimSuffix", 2, Some(2), |a| {
        let (suffix, s) = (a.str(0)?, a.str(1)?);
        Ok(s.strip_suffix(suffix).unwrap_or(s).into())
    });
    register(tera, "trimPrefix", 2, Some(2), |a| {
        let (prefix, s) = (a.str(0)?, a.str(1)?);
        Ok(s.strip_prefix(prefix).unwrap_or(s).into())
    });
    register(tera, "upper", 1, Some(1), |a| Ok(a.str(0)?.to_uppercase().into()));
    register(tera, "lower", 1, Some(1), |a| Ok(a.str(0)?.to_lowercase().into()));
    register(tera, "title", 1, Some(1), |a| Ok(title(a.str(0)?).into()));
    register(tera, "untitle", 1, Some(1), |a| Ok(untitle(a.str(0)?).into()));
    register(tera, "swapcase", 1, Some(1), |a| Ok(swapcase(a.str(0)?).into()));
    register(tera, "trunc", 2, Some(2), |a| Ok(trunc(a.int(0)?, a.str(1)?).into()));
    register(tera, "substr", 3, Some(3), |a| Ok(substr(a.int(0)?, a.int(1)?, a.str(2)?).into()));
    register(tera, "repeat", 2, Some(2), |a| {
        let (count, s) = (a.int(0)?.max(0) as usize, a.str(1)?);
        let limit = crate::limits::TEMPLATE_OUTPUT.get_usize();
        if s.len().saturating_mul(count) > limit {
            return Err(format!("would make more than {limit} bytes (limit template-output)"));
        }
        Ok(s.repeat(count).into())
    });
    register(tera, "replace", 3, Some(3), |a| Ok(a.str(2)?.replace(a.str(0)?, a.str(1)?).into()));
    register(tera, "nospace", 1, Some(1), |a| {
        Ok(a.str(0)?.chars().filter(|c| !c.is_whitespace()).collect::<String>().into())
    });
    register(tera, "initials", 1, Some(1), |a| Ok(initials(a.str(0)?).into()));
    register(tera, "abbrev", 2, Some(2), |a| Ok(abbrev(a.int(0)?, a.str(1)?).into()));
    register(tera, "abbrevboth", 3, Some(3), |a| Ok(abbrevboth(a.int(0)?, a.int(1)?, a.str(2)?).into()));
    register(tera, "snakecase", 1, Some(1), |a| Ok(crate::render::strings::snake(a.str(0)?).into()));
    register(tera, "camelcase", 1, Some(1), |a| Ok(crate::render::strings::camel(a.str(0)?).into()));
    register(tera, "kebabcase", 1, Some(1), |a| Ok(crate::render::strings::kebab(a.str(0)?).into()));
    register(tera, "wrap", 2, Some(2), |a| {
        Ok(crate::render::strings::wrap_text(a.str(1)?, a.int(0)?)?.into())
    });
    register(tera, "wrapWith", 3, Some(3), |a| {
        let wrapped = crate::render::strings::wrap_text(a.str(2)?, a.int(0)?)?;
        Ok(wrapped.replace('\n', a.str(1)?).into())
    });
    register(tera, "contains", 2, Some(2), |a| Ok(a.str(1)?.contains(a.str(0)?).into()));
    register(tera, "hasPrefix", 2, Some(2), |a| Ok(a.str(1)?.starts_with(a.str(0)?).into()));
    register(tera, "hasSuffix", 2, Some(2), |a| Ok(a.str(1)?.ends_with(a.str(0)?).into()));
    register(tera, "plural", 3, Some(3), |a| Ok(if a.int(2)? == 1 { a.get(0) } else { a.get(1) }.clone()));
    register(tera, "toString", 1, Some(1), |a| Ok(strval(a.get(0)).into()));
    register(tera, "split", 2, Some(2), |a| Ok(numbered(a.str(1)?.split(a.str(0)?))));
    register(tera, "splitn", 3, Some(3), |a| {
        let n = a.int(1)?;
        let (sep, s) = (a.str(0)?, a.str(2)?);
        Ok(match n {
            0 => numbered(std::iter::empty()),
            n if n < 0 => numbered(s.split(sep)),
            n => numbered(s.splitn(n as usize, sep)),
        })
    });
    register(tera, "splitList", 2, Some(2), |a| {
        let (sep, s) = (a.str(0)?, a.str(1)?);
        Ok(Value::from(s.split(sep).map(Value::from).collect::<Vec<_>>()))
    });
    register(tera, "join", 2, Some(2), |a| Ok(strings_of(a.get(1)).join(a.str(0)?).into()));
    register(tera, "toStrings", 1, Some(1), |a| Ok(Value::from(strings_of(a.get(0)))));
    register(tera, "sortAlpha", 1, Some(1), |a| {
        let mut strings = strings_of(a.get(0));
        strings.sort();
        Ok(Value::from(strings))
    });
    register(tera, "b64enc", 1, Some(1), |a| {
        Ok(base64::engine::general_purpose::STANDARD.encode(a.str(0)?).into())
    });
    register(tera, "b64dec", 1, Some(1), |a| {
        Ok(match base64::engine::general_purpose::STANDARD.decode(a.str(0)?) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => go_base64_error(&e),
        }
        .into())
    });
    register(tera, "b32enc", 1, Some(1), |a| Ok(base32_encode(a.str(0)?.as_bytes()).into()));
    register(tera, "b32dec", 1, Some(1), |a| Ok(base32_decode(a.str(0)?).into()));
    register(tera, "sha1sum", 1, Some(1), |a| Ok(hex(&sha1::Sha1::digest(a.str(0)?.as_bytes())).into()));
    register(tera, "sha256sum", 1, Some(1), |a| Ok(hex(&sha2::Sha256::digest(a.str(0)?.as_bytes())).into()));
    register(tera, "sha512sum", 1, Some(1), |a| Ok(hex(&sha2::Sha512::digest(a.str(0)?.as_bytes())).into()));
    register(tera, "adler32sum", 1, Some(1), |a| {
        let mut hash = adler2::Adler32::new();
        hash.write_slice(a.str(0)?.as_bytes());
        Ok(hash.checksum().to_string().into())
    });
    for name in ["base", "osBase"] {
        register(tera, name, 1, Some(1), |a| Ok(path_base(a.str(0)?).into()));
    }
    for name in ["dir", "osDir"] {
        register(tera, name, 1, Some(1), |a| Ok(path_dir(a.str(0)?).into()));
    }
    for name in ["clean", "osClean"] {
        register(tera, name, 1, Some(1), |a| Ok(path_clean(a.str(0)?).into()));
    }
    for name in ["ext", "osExt"] {
        register(tera, name, 1, Some(1), |a| Ok(path_ext(a.str(0)?).into()));
    }
    for name in ["isAbs", "osIsAbs"] {
        register(tera, name, 1, Some(1), |a| Ok(a.str(0)?.starts_with('/').into()));
    }
}

/// `quote`/`squote`: each non-nil operand formatted, joined by spaces.
fn quoted(args: &Args, each: fn(&Value) -> String) -> String {
    args.all().iter().filter(|v| !is_nil(v)).map(each).collect::<Vec<_>>().join(" ")
}

pub fn indent(spaces: i64, s: &str) -> String {
    let pad = " ".repeat(spaces.max(0) as usize);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

fn trim_cutset<'s>(s: &'s str, cutset: &str) -> &'s str {
    s.trim_matches(|c| cutset.contains(c))
}

/// Sprig's `trunc`: the first `c` bytes, or the last `-c`.
fn trunc(c: i64, s: &str) -> String {
    let len = s.len() as i64;
    let bytes = if c < 0 && len + c > 0 {
        &s.as_bytes()[(len + c) as usize..]
    } else if c >= 0 && len > c {
        &s.as_bytes()[..c as usize]
    } else {
        s.as_bytes()
    };
    String::from_utf8_lossy(bytes).into_owned()
}

/// Sprig's `substr start end s`, by bytes.
fn substr(start: i64, end: i64, s: &str) -> String {
    let len = s.len() as i64;
    let (from, to) = if start < 0 {
        (0, end.clamp(0, len))
    } else if end < 0 || end > len {
        (start.min(len), len)
    } else {
        (start.min(end), end)
    };
    String::from_utf8_lossy(&s.as_bytes()[from as usize..to as usize]).into_owned()
}

/// Go's `strings.Title`: the first letter of each word in title case.
fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut previous = ' ';
    for c in s.chars() {
        if is_separator(previous) {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        previous = c;
    }
    out
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphanumeric() {
        return false;
    }
    c.is_whitespace()
}

fn untitle(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|f| f.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

fn swapcase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn initials(s: &str) -> String {
    s.split_whitespace().filter_map(|w| w.chars().next()).collect()
}

/// goutils' `Abbreviate`.
fn abbrev(width: i64, s: &str) -> String {
    if width < 4 {
        return s.to_string();
    }
    abbreviate_full(s, 0, width).unwrap_or_else(|| s.to_string())
}

fn abbrevboth(left: i64, right: i64, s: &str) -> String {
    if right < 4 || (left > 0 && right < 7) {
        return s.to_string();
    }
    abbreviate_full(s, left, right).unwrap_or_else(|| s.to_string())
}

fn abbreviate_full(s: &str, offset: i64, width: i64) -> Option<String> {
    let len = s.len() as i64;
    if s.is_empty() || width < 4 {
        return Some(s.to_string()).filter(|_| s.is_empty());
    }
    if len <= width {
        return Some(s.to_string());
    }
    let mut offset = offset.min(len);
    if len - offset < width - 3 {
        offset = len - (width - 3);
    }
    let cut =
        |from: i64, to: i64| String::from_utf8_lossy(&s.as_bytes()[from as usize..to as usize]).into_owned();
    if offset <= 4 {
        return Some(format!("{}...", cut(0, width - 3)));
    }
    if width < 7 {
        return None;
    }
    if offset + width - 3 < len {
        let rest = cut(offset, len);
        return Some(format!("...{}", abbreviate_full(&rest, 0, width - 3)?));
    }
    Some(format!("...{}", cut(len - (width - 3), len)))
}

/// `split`'s result: `{_0: a, _1: b}`.
fn numbered<'s>(parts: impl Iterator<Item = &'s str>) -> Value {
    let mut map = Map::new();
    for (i, part) in parts.enumerate() {
        map.insert(super::value::key(&format!("_{i}")), Value::from(part));
    }
    Value::from(map)
}

/// Sprig's `strslice`: a list's non-nil items as text, or a single value as a list.
pub fn strings_of(value: &Value) -> Vec<String> {
    match value.as_array() {
        Some(items) => items.iter().filter(|v| !is_nil(v)).map(strval).collect(),
        None if is_nil(value) => Vec::new(),
        None => vec![strval(value)],
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Go's text of a base64 decoding error (Sprig returns it as the result).
fn go_base64_error(error: &base64::DecodeError) -> String {
    let at = match error {
        base64::DecodeError::InvalidByte(at, _) | base64::DecodeError::InvalidLastSymbol(at, _) => *at,
        base64::DecodeError::InvalidLength(at) => *at,
        base64::DecodeError::InvalidPadding => 0,
    };
    format!("illegal base64 data at input byte {at}")
}

const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut buffer = [0u8; 5];
        buffer[..chunk.len()].copy_from_slice(chunk);
        let bits = u64::from_be_bytes([0, 0, 0, buffer[0], buffer[1], buffer[2], buffer[3], buffer[4]]);
        let symbols = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < symbols {
                out.push(BASE32[((bits >> (35 - i * 5)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base32_decode(s: &str) -> String {
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for (i, c) in s.trim_end_matches('=').bytes().enumerate() {
        let Some(value) = BASE32.iter().position(|&b| b == c) else {
            return format!("illegal base32 data at input byte {i}");
        };
        bits = (bits << 5) | value as u64;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `path.Base`.
fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `path.Dir`.
fn path_dir(p: &str) -> String {
    let dir = match p.rfind('/') {
        Some(at) => &p[..=at],
        None => "",
    };
    path_clean(dir)
}

/// Go's `path.Ext`.
fn path_ext(p: &str) -> String {
    let base = p.rsplit('/').next().unwrap_or(p);
    base.rfind('.').map(|at| base[at..].to_string()).unwrap_or_default()
}

/// Go's `path.Clean`.
pub fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `html/template.HTMLEscapeString`.
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `JSEscapeString`.
fn js(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
fn urlquery(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprig_semantics() {
        assert_eq!(trunc(3, "abcdef"), "abc");
        assert_eq!(trunc(-2, "abcdef"), "ef");
        assert_eq!(substr(1, 3, "hello"), "el");
        assert_eq!(substr(2, 99, "hello"), "llo");
        assert_eq!(indent(2, "a\nb"), "  a\n  b");
        assert_eq!(title("hello wOrld-x"), "Hello WOrld-X");
        assert_eq!(abbrev(5, "hello world"), "he...");
        assert_eq!(base32_encode(b"ab"), "MFRA====");
        assert_eq!(base32_decode("MFRA===="), "ab");
        assert_eq!(path_clean("a/../../b/./c/"), "../b/c");
        assert_eq!(path_dir("a/b/c.yaml"), "a/b");
        assert_eq!(path_base("a/b/"), "b");
        assert_eq!(path_ext("x/a.tar.gz"), ".gz");
        assert_eq!(
            strings_of(&Value::from(vec![Value::from("a"), Value::none(), Value::from(1)])),
            ["a", "1"]
        );
        assert_eq!(urlquery("a b&c"), "a+b%26c");
    }
}
