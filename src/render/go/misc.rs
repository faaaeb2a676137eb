//! The rest of Sprig for Go templates: regular expressions (Go's RE2 syntax, which the
//! `regex` crate shares), `semver`/`semverCompare`, URLs, and the functions that draw
//! randomness or read the clock. Random values are reproducible, as in rudder's own
//! dialect (one value per release, template and call site); keys, certificates and the
//! clock are refused, because a render must not depend on when or where it runs.

use super::args::register;
use super::value::{key, strval};
use crate::render::random::{ALPHA, ALPHA_NUM, NUMERIC, PRINTABLE, stream_for};
use std::cell::RefCell;
use std::collections::HashMap;
use tera::{Map, Tera, Value};

thread_local! {
    /// Release name, namespace and template of the Go template being rendered here.
    static SEED: RefCell<[String; 3]> = RefCell::new(Default::default());
    /// Compiled regular expressions, by pattern.
    static REGEXES: RefCell<HashMap<String, regex::Regex>> = RefCell::new(HashMap::new());
}

/// Starts the render of a Go template: random calls count from zero again.
pub fn begin_template(release: &str, namespace: &str, template: &str) {
    SEED.with(|seed| *seed.borrow_mut() = [release.into(), namespace.into(), template.into()]);
    crate::render::random::begin_template();
}

fn with_stream<T>(function: &str, f: impl FnOnce(&mut crate::render::random::Stream) -> T) -> T {
    SEED.with(|seed| {
        let seed = seed.borrow();
        let mut stream = stream_for(function, [&seed[0], &seed[1], &seed[2]]);
        f(&mut stream)
    })
}

fn random_text(function: &str, alphabet: &[u8], count: i64) -> Result<Value, String> {
    let limit = crate::limits::TEMPLATE_OUTPUT.get_usize();
    let count = count.max(0) as usize;
    if count > limit {
        return Err(format!("would make more than {limit} bytes (limit template-output)"));
    }
    Ok(with_stream(function, |s| (0..count).map(|_| s.pick(alphabet)).collect::<String>()).into())
}

const REFUSED_KEYS: &str = "a key or certificate made during a render is in every copy of the render (git, CI logs, diffs), so it is not secret; rudder refuses it: create it outside the chart (cert-manager, a sealed or external Secret) and reference it";
const REFUSED_CLOCK: &str =
    "reads the clock, and rudder renders are reproducible: pass the time in as a value instead";

pub fn register_all(tera: &mut Tera) {
    register(tera, "randAlphaNum", 1, Some(1), |a| random_text("randAlphaNum", ALPHA_NUM, a.int(0)?));
    register(tera, "randAlpha", 1, Some(1), |a| random_text("randAlpha", ALPHA, a.int(0)?));
    register(tera, "randNumeric", 1, Some(1), |a| random_text("randNumeric", NUMERIC, a.int(0)?));
    register(tera, "randAscii", 1, Some(1), |a| random_text("randAscii", PRINTABLE, a.int(0)?));
    register(tera, "uuidv4", 0, Some(0), |_| {
        Ok(with_stream("uuidv4", crate::render::random::uuid_from).into())
    });
    register(tera, "randBytes", 1, Some(1), |a| {
        use base64::Engine as _;
        let count = a.int(0)?.clamp(0, 1 << 20) as usize;
        let bytes: Vec<u8> = with_stream("randBytes", |s| (0..count).map(|_| s.next_byte()).collect());
        Ok(base64::engine::general_purpose::STANDARD.encode(bytes).into())
    });
    register(tera, "randInt", 2, Some(2), |a| {
        let (min, max) = (a.int(0)?, a.int(1)?);
        if max <= min {
            return Err("invalid argument to Intn".into());
        }
        let draw = with_stream("randInt", |s| u64::from_be_bytes(std::array::from_fn(|_| s.next_byte())));
        Ok((min + (draw % (max - min) as u64) as i64).into())
    });
    register(tera, "shuffle", 1, Some(1), |a| {
        let mut chars: Vec<char> = a.str(0)?.chars().collect();
        with_stream("shuffle", |s| {
            for i in (1..chars.len()).rev() {
                let j = u64::from_be_bytes(std::array::from_fn(|_| s.next_byte())) as usize % (i + 1);
                chars.swap(i, j);
            }
        });
        Ok(chars.into_iter().collect::<String>().into())
    });
    register(tera, "htpasswd", 2, Some(2), |a| {
        let (user, password) = (a.str(0)?, a.str(1)?);
        let line = SEED.with(|seed| {
            let seed = seed.borrow();
            crate::render::credentials::htpasswd_line(user, password, &seed[0], &seed[1])
        })?;
        Ok(line.into())
    });
    register(tera, "bcrypt", 1, Some(1), |a| {
        let password = a.str(0)?;
        let salt: [u8; 16] = with_stream("bcrypt", |s| std::array::from_fn(|_| s.next_byte()));
        let hash = bcrypt::hash_with_salt(password, 10, salt).map_err(|e| e.to_string())?;
        Ok(hash.format_for_version(bcrypt::Version::TwoA).into())
    });
    for name in [
        "genPrivateKey",
        "derivePassword",
        "buildCustomCert",
        "genCA",
        "genCAWithKey",
        "genSelfSignedCert",
        "genSelfSignedCertWithKey",
        "genSignedCert",
        "genSignedCertWithKey",
        "encryptAES",
        "decryptAES",
    ] {
        register(tera, name, 0, None, |_| Err(REFUSED_KEYS.into()));
    }
    for name in [
        "now",
        "ago",
        "date",
        "date_in_zone",
        "dateInZone",
        "date_modify",
        "dateModify",
        "must_date_modify",
        "mustDateModify",
        "htmlDate",
        "htmlDateInZone",
        "toDate",
        "mustToDate",
        "unixEpoch",
    ] {
        register(tera, name, 0, None, |_| Err(REFUSED_CLOCK.into()));
    }
    register(tera, "duration", 1, Some(1), |a| {
        Ok(go_duration(super::value::to_int64(a.get(0)) as f64 * 1e9).into())
    });
    register(tera, "durationRound", 1, Some(1), |a| Ok(duration_round(a.get(0))?.into()));
    register(tera, "getHostByName", 1, Some(1), |_| Ok("".into()));
    register(tera, "semverCompare", 2, Some(2), |a| {
        Ok(crate::render::types::semver_matches(a.str(0)?, a.str(1)?)?.into())
    });
    register(tera, "semver", 1, Some(1), |a| semver_object(a.str(0)?));
    register(tera, "regexMatch", 2, Some(2), |a| {
        let s = a.str(1)?;
        Ok(with_regex(a.str(0)?, |r| r.is_match(s)).unwrap_or(false).into())
    });
    register(tera, "mustRegexMatch", 2, Some(2), |a| {
        let s = a.str(1)?;
        with_regex(a.str(0)?, |r| r.is_match(s)).map(Value::from)
    });
    for name in ["regexFind", "mustRegexFind"] {
        register(tera, name, 2, Some(2), |a| {
            let s = a.str(1)?;
            with_regex(a.str(0)?, |r| r.find(s).map(|m| m.as_str().to_string()).unwrap_or_default())
                .map(Value::from)
        });
    }
    for name in ["regexFindAll", "mustRegexFindAll"] {
        register(tera, name, 3, Some(3), |a| {
            let (s, n) = (a.str(1)?, a.int(2)?);
            with_regex(a.str(0)?, |r| {
                let found = r.find_iter(s).map(|m| Value::from(m.as_str()));
                Value::from(if n < 0 { found.collect::<Vec<_>>() } else { found.take(n as usize).collect() })
            })
        });
    }
    for name in ["regexReplaceAll", "mustRegexReplaceAll"] {
        register(tera, name, 3, Some(3), |a| {
            let (s, replacement) = (a.str(1)?, a.str(2)?);
            with_regex(a.str(0)?, |r| r.replace_all(s, replacement).into_owned()).map(Value::from)
        });
    }
    for name in ["regexReplaceAllLiteral", "mustRegexReplaceAllLiteral"] {
        register(tera, name, 3, Some(3), |a| {
            let (s, replacement) = (a.str(1)?, a.str(2)?);
            with_regex(a.str(0)?, |r| r.replace_all(s, regex::NoExpand(replacement)).into_owned())
                .map(Value::from)
        });
    }
    for name in ["regexSplit", "mustRegexSplit"] {
        register(tera, name, 3, Some(3), |a| {
            let (s, n) = (a.str(1)?, a.int(2)?);
            with_regex(a.str(0)?, |r| {
                let parts: Vec<Value> = match n {
                    0 => Vec::new(),
                    n if n < 0 => r.split(s).map(Value::from).collect(),
                    n => r.splitn(s, n as usize).map(Value::from).collect(),
                };
                Value::from(parts)
            })
        });
    }
    register(tera, "regexQuoteMeta", 1, Some(1), |a| Ok(regex::escape(a.str(0)?).into()));
    register(tera, "urlParse", 1, Some(1), |a| Ok(url_parse(a.str(0)?)));
    register(tera, "urlJoin", 1, Some(1), |a| Ok(url_join(a.get(0)).into()));
}

/// Runs `f` on the compiled pattern (compiled once per thread); Go's message if it does
/// not compile.
fn with_regex<T>(pattern: &str, f: impl FnOnce(&regex::Regex) -> T) -> Result<T, String> {
    if pattern.len() > crate::limits::PATTERN_LENGTH.get_usize() {
        return Err(format!(
            "the pattern is longer than {} bytes (limit pattern-length)",
            crate::limits::PATTERN_LENGTH.get()
        ));
    }
    REGEXES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(pattern) {
            let compiled = regex::Regex::new(pattern).map_err(|e| format!("error parsing regexp: {e}"))?;
            if cache.len() > 1000 {
                cache.clear();
            }
            cache.insert(pattern.to_string(), compiled);
        }
        Ok(f(&cache[pattern]))
    })
}

/// Masterminds' `*semver.Version` as a template reads it: `Major`, `Minor`, `Patch`,
/// `Prerelease`, `Metadata`, `Original`.
fn semver_object(text: &str) -> Result<Value, String> {
    let version =
        crate::render::types::lenient_version(text).map_err(|_| "Invalid Semantic Version".to_string())?;
    let mut map = Map::new();
    map.insert(key("Major"), Value::from(version.major as i64));
    map.insert(key("Minor"), Value::from(version.minor as i64));
    map.insert(key("Patch"), Value::from(version.patch as i64));
    map.insert(key("Prerelease"), Value::from(version.pre.as_str()));
    map.insert(key("Metadata"), Value::from(version.build.as_str()));
    map.insert(key("Original"), Value::from(text));
    Ok(Value::from(map))
}

/// Go's `time.Duration.String` of `nanos`.
fn go_duration(nanos: f64) -> String {
    if nanos == 0.0 {
        return "0s".into();
    }
    let negative = nanos < 0.0;
    let mut n = nanos.abs() as u128;
    let sign = if negative { "-" } else { "" };
    if n < 1_000_000_000 {
        let (unit, scale) = if n < 1_000 {
            ("ns", 1)
        } else if n < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{sign}{}{unit}", trim_fraction(n as f64 / scale as f64));
    }
    let hours = n / 3_600_000_000_000;
    n %= 3_600_000_000_000;
    let minutes = n / 60_000_000_000;
    n %= 60_000_000_000;
    let seconds = trim_fraction(n as f64 / 1e9);
    match (hours, minutes) {
        (0, 0) => format!("{sign}{seconds}s"),
        (0, m) => format!("{sign}{m}m{seconds}s"),
        (h, m) => format!("{sign}{h}h{m}m{seconds}s"),
    }
}

fn trim_fraction(f: f64) -> String {
    let text = format!("{f:.9}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Sprig's `durationRound`: a duration (seconds or Go text) in its largest unit, rounded.
fn duration_round(value: &Value) -> Result<String, String> {
    let seconds = match value.as_str() {
        Some(text) => parse_go_duration(text).ok_or_else(|| format!("time: invalid duration {text:?}"))?,
        None => super::value::to_int64(value) as f64,
    }
    .abs();
    let units =
        [(31_536_000.0, "y"), (2_592_000.0, "mo"), (86_400.0, "d"), (3_600.0, "h"), (60.0, "m"), (1.0, "s")];
    for (size, unit) in units {
        if seconds >= size {
            return Ok(format!("{}{unit}", (seconds / size).floor()));
        }
    }
    Ok("0s".into())
}

fn parse_go_duration(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut rest = text.trim();
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.')?;
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    Some(total)
}

/// Sprig's `urlParse`: a map of the URL's parts.
fn url_parse(text: &str) -> Value {
    let (scheme, rest) = match text.split_once("://") {
        Some((s, r)) => (s, r),
        None => ("", text),
    };
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match rest.find('/') {
        Some(at) if !scheme.is_empty() => (&rest[..at], &rest[at..]),
        _ if !scheme.is_empty() => (rest, ""),
        _ => ("", rest),
    };
    let (userinfo, host) = authority.rsplit_once('@').unwrap_or(("", authority));
    let hostname = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let mut map = Map::new();
    for (k, v) in [
        ("scheme", scheme),
        ("host", host),
        ("hostname", hostname),
        ("path", path),
        ("query", query),
        ("opaque", ""),
        ("fragment", fragment),
        ("userinfo", userinfo),
    ] {
        map.insert(key(k), Value::from(v));
    }
    Value::from(map)
}

fn url_join(parts: &Value) -> String {
    let get = |k: &str| parts.as_map().and_then(|m| m.get(&key(k))).map(strval).unwrap_or_default();
    let mut out = String::new();
    if !get("scheme").is_empty() {
        out.push_str(&format!("{}://", get("scheme")));
    }
    if !get("userinfo").is_empty() {
        out.push_str(&format!("{}@", get("userinfo")));
    }
    out.push_str(&get("host"));
    out.push_str(&get("path"));
    if !get("query").is_empty() {
        out.push_str(&format!("?{}", get("query")));
    }
    if !get("fragment").is_empty() {
        out.push_str(&format!("#{}", get("fragment")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_urls() {
        assert_eq!(go_duration(90e9), "1m30s");
        assert_eq!(go_duration(3600e9), "1h0m0s");
        assert_eq!(go_duration(0.0), "0s");
        let url = url_parse("https://u@host:8080/a/b?x=1#f");
        assert_eq!(strval(&url.as_map().unwrap()[&key("hostname")]), "host");
        assert_eq!(url_join(&url), "https://u@host:8080/a/b?x=1#f");
    }
}
