//! How go-yaml v2 resolves a plain scalar (YAML 1.1's bools, nulls, numbers and
//! timestamps): what decides whether a string can be written unquoted.

/// Whether go-yaml v2 reads `s`, unquoted, as a string (not a bool, null, number or
/// timestamp as YAML 1.1 has them).
pub fn resolves_to_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO",
        "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN",
        ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
    ];
    let Some(first) = s.bytes().next() else { return false };
    let hinted = matches!(first, b'+' | b'-' | b'0'..=b'9' | b'.') || b"yYnNtTfFoO~".contains(&first);
    if !hinted {
        return true;
    }
    if SPECIAL.contains(&s) {
        return false;
    }
    match first {
        b'.' => s.parse::<f64>().is_err(),
        b'+' | b'-' | b'0'..=b'9' => {
            if is_timestamp(s) {
                return false;
            }
            let plain = s.replace('_', "");
            if super::super::value::parse_int(&plain).is_some() || parse_uint(&plain) {
                return false;
            }
            if crate::yaml::is_yaml_style_float(&plain) {
                return false;
            }
            let binary = |digits: &str| !digits.is_empty() && digits.bytes().all(|b| b == b'0' || b == b'1');
            if let Some(digits) = plain.strip_prefix("0b") {
                return !binary(digits);
            }
            if let Some(digits) = plain.strip_prefix("-0b") {
                return !binary(digits);
            }
            true
        }
        _ => true,
    }
}

pub(super) fn parse_uint(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    !digits.is_empty() && u64::from_str_radix(digits, radix).is_ok()
}

/// `2006-1-2`, `2006-1-2T15:4:5Z`… (go-yaml's timestamp forms).
pub(super) fn is_timestamp(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() < 5 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return false;
    }
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let number =
        |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit());
    let date_ok = parts.len() == 3 && parts[0].len() == 4 && number(parts[1], 2) && number(parts[2], 2) && {
        let (m, d): (u32, u32) = (parts[1].parse().unwrap_or(0), parts[2].parse().unwrap_or(0));
        (1..=12).contains(&m) && (1..=31).contains(&d)
    };
    if !date_ok {
        return false;
    }
    match time {
        None => true,
        Some(time) => {
            let clock = time.trim_end_matches(['Z', 'z']);
            let clock = clock.split(['+', '-']).next().unwrap_or(clock);
            let fields: Vec<&str> = clock.split(':').collect();
            fields.len() == 3
                && fields.iter().all(|f| {
                    let whole = f.split('.').next().unwrap_or(f);
                    number(whole, 2)
                })
        }
    }
}

pub(super) fn is_base60_float(s: &str) -> bool {
    let Some(first) = s.bytes().next() else { return false };
    if !(first == b'+' || first == b'-' || first.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (main, fraction) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && head.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let rest_ok = parts.all(|p| match p.as_bytes() {
        [d] => d.is_ascii_digit(),
        [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
        _ => false,
    });
    head_ok && rest_ok && fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit() || b == b'_'))
}
