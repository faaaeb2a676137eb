//! Go's `fmt` on template values: `%v` printing (`[a b]`, `map[k:v]` with sorted keys,
//! floats as `%g` prints them, `1e+06`), `Sprint`/`Sprintln`, and `Sprintf` with its verbs,
//! flags, widths, precisions and its `%!d(string=x)` complaints; `strconv.Quote` for `%q`.

use super::value::{Kind, kind, type_name};
use tera::Value;

/// A value as a template action prints it: nil is `<no value>` (which Helm then deletes).
pub fn print_action(value: &Value) -> String {
    match value.as_str() {
        Some(s) => s.to_string(),
        None if super::value::is_nil(value) => "<no value>".to_string(),
        None => sprint_value(value),
    }
}

/// `%v` of one value.
pub fn sprint_value(value: &Value) -> String {
    let mut out = String::new();
    write_v(value, &mut out);
    out
}

fn write_v(value: &Value, out: &mut String) {
    match kind(value) {
        Kind::Invalid => out.push_str("<nil>"),
        Kind::Bool => out.push_str(if value.as_bool() == Some(true) { "true" } else { "false" }),
        Kind::Int => out.push_str(&value.as_i128().unwrap_or_default().to_string()),
        Kind::Uint => out.push_str(&value.as_u128().unwrap_or_default().to_string()),
        Kind::Float => out.push_str(&format_g(value.as_f64().unwrap_or_default(), None)),
        Kind::String => out.push_str(value.as_str().unwrap_or_default()),
        Kind::Bytes => {
            out.push('[');
            for (i, b) in value.as_bytes().unwrap_or_default().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&b.to_string());
            }
            out.push(']');
        }
        Kind::Slice => {
            out.push('[');
            for (i, item) in value.as_array().unwrap_or_default().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(item, out);
            }
            out.push(']');
        }
        Kind::Map => {
            out.push_str("map[");
            for (i, (key, item)) in sorted(value).into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&key);
                out.push(':');
                write_v(item, out);
            }
            out.push(']');
        }
    }
}

/// A map's entries in key order (Go sorts map keys when it prints them).
pub fn sorted(value: &Value) -> Vec<(String, &Value)> {
    let mut entries: Vec<(String, &Value)> = value
        .as_map()
        .map(|map| map.iter().map(|(k, v)| (super::value::key_text(k), v)).collect())
        .unwrap_or_default();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
}

/// `fmt.Sprint`: operands side by side, a space between two that are not strings.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, arg) in args.iter().enumerate() {
        let is_string = |v: &Value| kind(v) == Kind::String;
        if i > 0 && !is_string(arg) && !is_string(&args[i - 1]) {
            out.push(' ');
        }
        write_v(arg, &mut out);
    }
    out
}

/// `fmt.Sprintln`: operands separated by spaces, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let parts: Vec<String> = args.iter().map(sprint_value).collect();
    parts.join(" ") + "\n"
}

/// A float as `%g` (`%v`) writes it: the shortest digits, in exponent form below 1e-4
/// or from 1e21 on when `precision` is `None`… as strconv does: from an exponent of 6
/// with the shortest digits, or of `precision` with a precision.
pub fn format_g(f: f64, precision: Option<usize>) -> String {
    if let Some(special) = special_float(f) {
        return special;
    }
    let negative = f.is_sign_negative();
    let (digits, exp) = match precision {
        None => shortest_digits(f.abs()),
        Some(p) => rounded_digits(f.abs(), p.max(1)),
    };
    let eprec = match precision {
        None => 6,
        Some(p) => {
            let p = p.max(1) as i32;
            let nd = digits.len() as i32;
            if p > nd && nd > exp { nd } else { p }
        }
    };
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if exp < -4 || exp >= eprec {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&exponent(exp));
    } else {
        out.push_str(&fixed_from_digits(&digits, exp + 1));
    }
    out
}

/// `e+06`, `e-05`, `e+100`.
fn exponent(exp: i32) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("e{sign}{:02}", exp.abs())
}

/// Digits with the decimal point `dp` digits in (`dp` may be ≤ 0 or past the end).
fn fixed_from_digits(digits: &str, dp: i32) -> String {
    let nd = digits.len() as i32;
    if dp <= 0 {
        format!("0.{}{digits}", "0".repeat((-dp) as usize))
    } else if dp >= nd {
        format!("{digits}{}", "0".repeat((dp - nd) as usize))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    }
}

fn special_float(f: f64) -> Option<String> {
    if f.is_nan() {
        return Some("NaN".into());
    }
    if f.is_infinite() {
        return Some(if f > 0.0 { "+Inf" } else { "-Inf" }.into());
    }
    if f == 0.0 {
        return Some(if f.is_sign_negative() { "-0" } else { "0" }.into());
    }
    None
}

/// The shortest digits that read back as `f` (> 0), and the exponent of the first.
fn shortest_digits(f: f64) -> (String, i32) {
    split_exp(&format!("{f:e}"))
}

/// `f` (> 0) rounded to `n` significant digits, trailing zeros dropped.
fn rounded_digits(f: f64, n: usize) -> (String, i32) {
    let (digits, exp) = split_exp(&format!("{f:.*e}", n - 1));
    let trimmed = digits.trim_end_matches('0');
    (if trimmed.is_empty() { "0".into() } else { trimmed.to_string() }, exp)
}

fn split_exp(text: &str) -> (String, i32) {
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    (mantissa.replace('.', ""), exp.parse().unwrap_or(0))
}

/// Go's `strconv.Quote`: double quotes, Go escapes for what is not printable.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if !is_print(c) && (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if !is_print(c) => out.push_str(&format!("\\U{:08x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint`, near enough: not a control, not a space other than ' ', not an
/// invisible format character.
fn is_print(c: char) -> bool {
    !(c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}'))
}

/// One `%…` directive.
#[derive(Default)]
struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::with_capacity(format.len() + 16);
    let mut next = 0;
    let mut chars = format.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&(_, f)) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '#' => spec.sharp = true,
                ' ' => spec.space = true,
                '0' => spec.zero = !spec.minus,
                _ => break,
            }
            chars.next();
        }
        spec.width = number_or_star(&mut chars, args, &mut next);
        if chars.peek().is_some_and(|&(_, c)| c == '.') {
            chars.next();
            spec.precision = Some(number_or_star(&mut chars, args, &mut next).unwrap_or(0));
        }
        let Some((_, verb)) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        out.push_str(&directive(&spec, verb, arg));
    }
    if next < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> =
            args[next..].iter().map(|a| format!("{}={}", type_name(a), sprint_value(a))).collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

fn number_or_star(
    chars: &mut std::iter::Peekable<std::str::CharIndices>,
    args: &[Value],
    next: &mut usize,
) -> Option<usize> {
    if chars.peek().is_some_and(|&(_, c)| c == '*') {
        chars.next();
        let n = args.get(*next).map(super::value::to_int64).unwrap_or(0);
        *next += 1;
        return usize::try_from(n).ok();
    }
    let mut n: Option<usize> = None;
    while let Some(&(_, d)) = chars.peek() {
        let Some(digit) = d.to_digit(10) else { break };
        n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(digit as usize).min(1_000_000));
        chars.next();
    }
    n
}

/// One formatted directive, padded to its width.
fn directive(spec: &Spec, verb: char, arg: &Value) -> String {
    let bad = || format!("%!{verb}({}={})", type_name(arg), sprint_value(arg));
    let text = match (kind(arg), verb) {
        (Kind::Invalid, 'v' | 's' | 'd' | 'q' | 'x' | 'X' | 'f' | 't' | 'g' | 'e') if verb != 'v' => {
            return format!("%!{verb}(<nil>)");
        }
        (_, 'T') => type_name(arg).to_string(),
        (Kind::Invalid, _) => "<nil>".to_string(),
        (Kind::Bool, 't' | 'v') => sprint_value(arg),
        (Kind::Int | Kind::Uint, _) => match integer(spec, verb, arg) {
            Some(text) => return pad(spec, text, true),
            None => bad(),
        },
        (Kind::Float, _) => match float(spec, verb, arg.as_f64().unwrap_or_default()) {
            Some(text) => return pad(spec, text, true),
            None => bad(),
        },
        (Kind::String | Kind::Bytes, _) => match string(spec, verb, &super::value::strval(arg)) {
            Some(text) => text,
            None => bad(),
        },
        (Kind::Slice | Kind::Map, 'v' | 's') => sprint_value(arg),
        _ => bad(),
    };
    pad(spec, text, false)
}

fn integer(spec: &Spec, verb: char, arg: &Value) -> Option<String> {
    let n = arg.as_i128()?;
    let sign = if n < 0 {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let magnitude = n.unsigned_abs();
    let body = match verb {
        'd' | 'v' => magnitude.to_string(),
        'b' => format!("{magnitude:b}"),
        'o' => format!("{}{magnitude:o}", if spec.sharp { "0" } else { "" }),
        'O' => format!("0o{magnitude:o}"),
        'x' => format!("{}{magnitude:x}", if spec.sharp { "0x" } else { "" }),
        'X' => format!("{}{magnitude:X}", if spec.sharp { "0X" } else { "" }),
        'c' => return char::from_u32(n as u32).map(String::from),
        'q' => return char::from_u32(n as u32).map(|c| format!("'{c}'")),
        'U' => return Some(format!("U+{:04X}", n)),
        _ => return None,
    };
    let body = match spec.precision {
        Some(p) if body.len() < p => format!("{}{body}", "0".repeat(p - body.len())),
        _ => body,
    };
    Some(format!("{sign}{body}"))
}

fn float(spec: &Spec, verb: char, f: f64) -> Option<String> {
    let sign = |text: String| -> String {
        if !text.starts_with('-') && spec.plus {
            format!("+{text}")
        } else if !text.starts_with('-') && spec.space {
            format!(" {text}")
        } else {
            text
        }
    };
    if let Some(special) = special_float(f).filter(|_| f.is_nan() || f.is_infinite()) {
        return Some(sign(special));
    }
    let text = match verb {
        'v' | 'g' | 'G' => {
            let text = format_g(f, spec.precision);
            if verb == 'G' { text.to_uppercase() } else { text }
        }
        'f' | 'F' => format!("{f:.*}", spec.precision.unwrap_or(6)),
        'e' | 'E' => {
            let text = format!("{f:.*e}", spec.precision.unwrap_or(6));
            let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
            let text = format!("{mantissa}{}", exponent(exp.parse().unwrap_or(0)));
            if verb == 'E' { text.to_uppercase() } else { text }
        }
        _ => return None,
    };
    Some(sign(text))
}

fn string(spec: &Spec, verb: char, s: &str) -> Option<String> {
    let s: String = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    match verb {
        's' | 'v' => Some(s),
        'q' => Some(quote(&s)),
        'x' => Some(s.bytes().map(|b| format!("{b:02x}")).collect()),
        'X' => Some(s.bytes().map(|b| format!("{b:02X}")).collect()),
        _ => None,
    }
}

/// `text` padded to the width: left-aligned with `-`, with zeros after the sign with `0`.
fn pad(spec: &Spec, text: String, numeric: bool) -> String {
    let Some(width) = spec.width else { return text };
    let len = text.chars().count();
    if len >= width {
        return text;
    }
    let fill = width - len;
    if spec.minus {
        return format!("{text}{}", " ".repeat(fill));
    }
    if spec.zero {
        let (sign, rest) = match text.chars().next() {
            Some(c @ ('-' | '+' | ' ')) if numeric => (c.to_string(), text[1..].to_string()),
            _ => (String::new(), text),
        };
        return format!("{sign}{}{rest}", "0".repeat(fill));
    }
    format!("{}{text}", " ".repeat(fill))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(json: serde_json::Value) -> Value {
        Value::from_serializable(&json)
    }

    #[test]
    fn printing_reads_as_go_prints() {
        assert_eq!(format_g(1e6, None), "1e+06");
        assert_eq!(format_g(100000.0, None), "100000");
        assert_eq!(format_g(1234567.0, None), "1.234567e+06");
        assert_eq!(format_g(0.0001, None), "0.0001");
        assert_eq!(format_g(0.00001, None), "1e-05");
        assert_eq!(format_g(1.5, None), "1.5");
        assert_eq!(format_g(-2.0, None), "-2");
        assert_eq!(sprint_value(&v(json!({"b": [1, "x", null], "a": {}}))), "map[a:map[] b:[1 x <nil>]]");
        assert_eq!(print_action(&Value::none()), "<no value>");
        assert_eq!(
            sprint(&[Value::from(1), Value::from(2), Value::from("a"), Value::from("b"), Value::from(3)]),
            "1 2ab3"
        );
        assert_eq!(sprintln(&[Value::from("a"), Value::from(1)]), "a 1\n");
    }

    #[test]
    fn sprintf_verbs_flags_and_complaints() {
        let args =
            [Value::from("a"), Value::from(42), Value::from(true), Value::from("x\"y"), Value::from(1.5)];
        assert_eq!(sprintf("%s-%05d %v %q %.2f %%", &args), "a-00042 true \"x\\\"y\" 1.50 %");
        assert_eq!(
            sprintf(
                "[%5s][%-4d][%x][%+d]",
                &[Value::from("ab"), Value::from(7), Value::from(255), Value::from(3)]
            ),
            "[   ab][7   ][ff][+3]"
        );
        assert_eq!(sprintf("%d", &[Value::from(5.0)]), "%!d(float64=5)");
        assert_eq!(sprintf("%s", &[Value::none()]), "%!s(<nil>)");
        assert_eq!(sprintf("%v", &[Value::none()]), "<nil>");
        assert_eq!(sprintf("%s %s", &[Value::from("a")]), "a %!s(MISSING)");
        assert_eq!(sprintf("%s", &[Value::from("a"), Value::from(1)]), "a%!(EXTRA int=1)");
        assert_eq!(
            sprintf("%v %g %e", &[Value::from(1e6), Value::from(0.5), Value::from(1234.5)]),
            "1e+06 0.5 1.234500e+03"
        );
        assert_eq!(quote("a\u{1}é\u{2028}"), "\"a\\x01é\\u2028\"");
    }
}
