//! Go's, Sprig's and Helm's functions as rudder's Tera writes them (docs/charts.md,
//! "Filters and functions"): Go's argument order turned into a filter on the subject (the
//! last argument, what a pipeline passes) with named arguments, as docs/porting.md's
//! idioms do. A function outside this table is a place left for a person.

use super::expr::{Expr, Prec, Unknown, string};

/// `name` called with `args` (Go's order, the piped value last).
pub fn call(name: &str, args: Vec<Expr>) -> Result<Expr, Unknown> {
    // Sprig's `must…` forms differ only in failing where the plain form returns an empty
    // value; rudder's filters fail there too.
    match name {
        "mustToYaml" | "mustToJson" | "mustUniq" | "mustCompact" | "mustFirst" | "mustLast" | "mustHas"
        | "mustAppend" | "mustPrepend" | "mustWithout" | "mustRegexMatch" | "mustRegexFind" | "mustMerge"
        | "mustMergeOverwrite" | "mustDeepCopy" => {
            plain_call(&format!("{}{}", name[4..5].to_lowercase(), &name[5..]), args)
        }
        _ => plain_call(name, args),
    }
}

fn plain_call(name: &str, mut args: Vec<Expr>) -> Result<Expr, Unknown> {
    let arity = |n: usize| -> Result<(), Unknown> {
        if args.len() == n { Ok(()) } else { Err(format!("{name} with {} arguments", args.len())) }
    };
    // Sprig's `default D` with nothing given is D.
    if name == "default" && args.len() == 1 {
        return Ok(args.remove(0));
    }
    // One subject, no other argument: `x | filter`.
    if let Some(filter) = plain_filter(name) {
        arity(1)?;
        return Ok(args[0].filter(filter));
    }
    // Keyword filters: `f A B SUBJECT` is `SUBJECT | filter(a=A, b=B)`.
    if let Some((filter, keys)) = keyword_filter(name) {
        arity(keys.len() + 1)?;
        let subject = args.pop().expect("arity checked");
        let kwargs: Vec<String> = keys.iter().zip(&args).map(|(k, v)| format!("{k}={}", v.text)).collect();
        return Ok(subject.filter(&format!("{filter}({})", kwargs.join(", "))));
    }
    match name {
        "and" | "or" if args.len() == 1 => Ok(args.remove(0)),
        "and" | "or" => {
            if args.is_empty() {
                return Err(format!("{name} with no arguments"));
            }
            let prec = if name == "and" { Prec::And } else { Prec::Or };
            let parts: Vec<String> = args.iter().map(|a| a.at(next(prec))).collect();
            Ok(Expr::new(parts.join(&format!(" {name} ")), prec))
        }
        "not" => {
            arity(1)?;
            Ok(Expr::new(format!("not {}", args[0].at(Prec::Compare)), Prec::Not))
        }
        "eq" if args.len() > 2 => {
            let first = args[0].at(Prec::Concat);
            let parts: Vec<String> =
                args[1..].iter().map(|a| format!("{first} == {}", a.at(Prec::Concat))).collect();
            Ok(Expr::new(parts.join(" or "), Prec::Or))
        }
        "eq" | "ne" | "lt" | "le" | "gt" | "ge" => {
            arity(2)?;
            let op = match name {
                "eq" => "==",
                "ne" => "!=",
                "lt" => "<",
                "le" => "<=",
                "gt" => ">",
                _ => ">=",
            };
            Ok(Expr::new(
                format!("{} {op} {}", args[0].at(Prec::Concat), args[1].at(Prec::Concat)),
                Prec::Compare,
            ))
        }
        // Sprig's `contains SUBSTR S`, `hasKey MAP KEY`.
        "contains" => {
            arity(2)?;
            Ok(Expr::new(
                format!("{} in {}", args[0].at(Prec::Concat), args[1].at(Prec::Concat)),
                Prec::Compare,
            ))
        }
        // Sprig's `indent` pads every line, the first and blank ones too.
        "indent" => {
            arity(2)?;
            Ok(args[1].filter(&format!("indent(width={}, first=true, blank=true)", args[0].text)))
        }
        "hasKey" => {
            arity(2)?;
            Ok(args[0].filter(&format!("has_key(key={})", args[1].text)))
        }
        // Sprig's subject first: `get MAP KEY`, `append LIST V`, `has V LIST`.
        "get" => {
            arity(2)?;
            Ok(args[0].filter(&format!("get(key={}, default=\"\")", args[1].text)))
        }
        "append" | "prepend" => {
            arity(2)?;
            Ok(args[0].filter(&format!("{name}(value={})", args[1].text)))
        }
        "has" => {
            arity(2)?;
            Ok(args[1].filter(&format!("has(value={})", args[0].text)))
        }
        "without" if !args.is_empty() => {
            let values = texts(&args[1..]).join(", ");
            Ok(args[0].filter(&format!("without(values=[{values}])")))
        }
        // The literal form is the same where the replacement has no `$`.
        "regexReplaceAllLiteral" | "mustRegexReplaceAllLiteral"
            if args.len() == 3 && literal_text(&args[2]).is_some_and(|r| !r.contains('$')) =>
        {
            Ok(args[1]
                .filter(&format!("regex_replace_all(regex={}, replacement={})", args[0].text, args[2].text)))
        }
        "regexReplaceAll" | "mustRegexReplaceAll" => {
            arity(3)?;
            Ok(args[1]
                .filter(&format!("regex_replace_all(regex={}, replacement={})", args[0].text, args[2].text)))
        }
        "typeIs" => {
            arity(2)?;
            Ok(Expr::new(format!("{} == {}", args[1].filter("type_of").text, args[0].text), Prec::Compare))
        }
        "list" | "tuple" => Ok(Expr::atom(format!("[{}]", texts(&args).join(", ")))),
        // Sprig's `cat`: the operands but nil, joined by spaces.
        "cat" => Ok(Expr::atom(format!("[{}]", texts(&args).join(", ")))
            .filter("without(values=[none])")
            .filter("join(sep=\" \")")),
        // `trimAll` trims a set of characters, Tera's `trim(pat=…)` repeats of a string:
        // the same for one character.
        "trimAll" if args.len() == 2 && literal_text(&args[0]).is_some_and(|c| c.chars().count() == 1) => {
            Ok(args[1].filter(&format!("trim(pat={})", args[0].text)))
        }
        "dict" => dict(&args),
        "printf" => printf(args),
        // Go's `print` puts a space only between two operands that are not strings; charts
        // print strings.
        "print" if !args.is_empty() => {
            Ok(if args.len() == 1 { args.remove(0).filter("to_string") } else { concat(args) })
        }
        "add" | "sub" | "mul" | "addf" | "subf" | "mulf" | "divf" | "mod" | "div" if args.len() >= 2 => {
            let op = match name {
                "add" | "addf" => " + ",
                "sub" | "subf" => " - ",
                "mul" | "mulf" => " * ",
                "divf" => " / ",
                "div" => " // ",
                _ => " % ",
            };
            let parts: Vec<String> = args.iter().map(|a| a.at(Prec::Filter)).collect();
            Ok(Expr::new(parts.join(op), Prec::Concat))
        }
        "add1" => {
            arity(1)?;
            Ok(Expr::new(format!("{} + 1", args[0].at(Prec::Filter)), Prec::Concat))
        }
        "concat" => {
            let mut parts = args.into_iter();
            let first = parts.next().ok_or_else(|| "concat with no arguments".to_string())?;
            Ok(parts.fold(first, |acc, next| acc.filter(&format!("concat(with={})", next.text))))
        }
        "merge" | "mergeOverwrite" if args.len() >= 2 => {
            let filter = if name == "merge" { "merge" } else { "merge_overwrite" };
            let mut parts = args.into_iter();
            let first = parts.next().expect("two arguments");
            Ok(parts.fold(first, |acc, next| acc.filter(&format!("{filter}(with={})", next.text))))
        }
        "omit" | "pick" if !args.is_empty() => {
            let keys = texts(&args[1..]).join(", ");
            Ok(args[0].filter(&format!("{name}(keys=[{keys}])")))
        }
        "dig" if args.len() >= 3 => {
            let map = args.pop().expect("three arguments");
            let default = args.pop().expect("three arguments");
            Ok(map.filter(&format!("dig(path=[{}], default={})", texts(&args).join(", "), default.text)))
        }
        "fail" => {
            arity(1)?;
            Ok(Expr::atom(format!("fail(message={})", args[0].text)))
        }
        "semverCompare" => {
            arity(2)?;
            Ok(Expr::atom(format!("semver_compare(constraint={}, version={})", args[0].text, args[1].text)))
        }
        "coalesce" => Ok(Expr::atom(format!("coalesce(values=[{}])", texts(&args).join(", ")))),
        "until" => {
            arity(1)?;
            Ok(Expr::atom(format!("until(count={})", args[0].text)))
        }
        // Of any other value, one key: Go's nil where the map lacks it.
        "index" if args.len() == 2 && !super::expr::is_plain_path(&args[0].text) && is_string(&args[1]) => {
            Ok(args[0].filter(&format!("get(key={}, default=none)", args[1].text)))
        }
        "index" if !args.is_empty() && !super::expr::is_plain_path(&args[0].text) => {
            Err("index of a value that is not a path".to_string())
        }
        // Refused by rudder's Tera, as by its render of Go charts (docs/charts.md says why).
        "genCA" | "genCAWithKey" => certificate("gen_ca", &["cn", "days", "key"], &args),
        "genSelfSignedCert" | "genSelfSignedCertWithKey" => {
            certificate("gen_self_signed_cert", &["cn", "ips", "alternate_names", "days", "key"], &args)
        }
        "genSignedCert" | "genSignedCertWithKey" => {
            certificate("gen_signed_cert", &["cn", "ips", "alternate_names", "days", "ca", "key"], &args)
        }
        "genPrivateKey" => certificate("gen_private_key", &["type"], &args),
        "index" if !args.is_empty() => {
            let mut out = args[0].at(Prec::Atom);
            for key in &args[1..] {
                out = format!("{out}[{}]", key.text);
            }
            Ok(Expr::atom(out))
        }
        "lookup" => {
            arity(4)?;
            Ok(Expr::atom(format!(
                "lookup(api_version={}, kind={}, namespace={}, name={})",
                args[0].text, args[1].text, args[2].text, args[3].text
            )))
        }
        "htpasswd" => {
            arity(2)?;
            Ok(Expr::atom(format!("htpasswd(user={}, password={})", args[0].text, args[1].text)))
        }
        "randAlphaNum" | "randAlpha" | "randNumeric" | "randAscii" => {
            arity(1)?;
            let function = match name {
                "randAlphaNum" => "rand_alpha_num",
                "randAlpha" => "rand_alpha",
                "randNumeric" => "rand_numeric",
                _ => "rand_ascii",
            };
            Ok(Expr::atom(format!("{function}(count={})", args[0].text)))
        }
        "uuidv4" => Ok(Expr::atom("uuidv4()")),
        _ => Err(format!("function {name}, which rudder's Tera has no counterpart for yet")),
    }
}

/// A call of one of Sprig's certificate functions, its arguments named in Sprig's order.
fn certificate(function: &str, names: &[&str], args: &[Expr]) -> Result<Expr, Unknown> {
    if args.len() > names.len() {
        return Err(format!("{function} with {} arguments", args.len()));
    }
    let kwargs: Vec<String> = names.iter().zip(args).map(|(k, v)| format!("{k}={}", v.text)).collect();
    Ok(Expr::atom(format!("{function}({})", kwargs.join(", "))))
}

/// The next tighter level, for operands of an operator.
fn next(prec: Prec) -> Prec {
    match prec {
        Prec::Or => Prec::And,
        Prec::And => Prec::Not,
        _ => Prec::Compare,
    }
}

fn texts(args: &[Expr]) -> Vec<String> {
    args.iter().map(|a| a.text.clone()).collect()
}

fn is_string(expr: &Expr) -> bool {
    expr.text.starts_with('"') && expr.prec == Prec::Atom
}

fn concat(args: Vec<Expr>) -> Expr {
    let parts: Vec<String> = args.iter().map(|a| a.at(Prec::Filter)).collect();
    Expr::new(parts.join(" ~ "), Prec::Concat)
}

/// `dict "k" v …` as a map literal; its keys must be string constants.
fn dict(args: &[Expr]) -> Result<Expr, Unknown> {
    if !args.len().is_multiple_of(2) {
        return Err("dict with an odd number of arguments".to_string());
    }
    let mut pairs = Vec::new();
    for pair in args.chunks(2) {
        if !is_string(&pair[0]) {
            return Err("dict with a key computed at run time".to_string());
        }
        pairs.push(format!("{}: {}", pair[0].text, pair[1].text));
    }
    // Spaces inside the braces: two `}` in a row would end a Tera print tag.
    Ok(Expr::atom(if pairs.is_empty() { "{}".to_string() } else { format!("{{ {} }}", pairs.join(", ")) }))
}

/// `printf` of `%s` and text only joins strings with `~`; anything else is Go's `printf`.
fn printf(mut args: Vec<Expr>) -> Result<Expr, Unknown> {
    if args.is_empty() {
        return Err("printf without a format".to_string());
    }
    let format = args.remove(0);
    if let Some(literal) = literal_text(&format)
        && literal.matches("%s").count() == args.len()
        && literal.replace("%s", "").find('%').is_none()
    {
        let mut parts = Vec::new();
        let mut rest = args.into_iter();
        for (i, piece) in literal.split("%s").enumerate() {
            if i > 0 {
                parts.push(rest.next().expect("one argument per %s"));
            }
            if !piece.is_empty() {
                parts.push(string(piece));
            }
        }
        return Ok(match parts.len() {
            0 => string(""),
            1 => parts.remove(0).filter("to_string"),
            _ => concat(parts),
        });
    }
    Ok(Expr::atom(format!("printf(format={}, args=[{}])", format.text, texts(&args).join(", "))))
}

/// The text of a Tera string literal this module wrote, unescaped.
fn literal_text(expr: &Expr) -> Option<String> {
    // `translate::tera_string` writes a subset of Go's escapes.
    if expr.prec != Prec::Atom {
        return None;
    }
    crate::translate::parse::unquote(&expr.text).ok()
}

/// Functions of one argument that are a filter of the same meaning.
fn plain_filter(name: &str) -> Option<&'static str> {
    Some(match name {
        "quote" => "quote",
        "squote" => "squote",
        "toYaml" => "to_yaml(helm=true)",
        "toJson" => "to_json(helm=true)",
        // Helm's `fromYaml` reads the first of several documents.
        "fromYaml" => "from_yaml(helm=true)",
        "fromJson" => "from_json",
        // rudder's `from_yaml`/`from_json` read a list as well as a map.
        "fromYamlArray" => "from_yaml",
        "fromJsonArray" => "from_json",
        "upper" => "upper",
        "lower" => "lower",
        "trim" => "trim",
        "b64enc" => "b64enc",
        "b64dec" => "b64dec",
        "sha256sum" => "sha256sum",
        "sha1sum" => "sha1sum",
        "adler32sum" => "adler32sum",
        "len" => "length",
        "empty" => "empty",
        "toString" => "to_string",
        "int" | "int64" => "to_int",
        "float64" => "float64",
        "keys" => "keys",
        "sortAlpha" => "sort",
        "uniq" => "uniq",
        "compact" => "compact",
        "kindOf" => "kind_of",
        "typeOf" => "type_of",
        "snakecase" => "snakecase",
        "camelcase" => "camelcase",
        "kebabcase" => "kebabcase",
        "nospace" => "nospace",
        "first" => "first",
        "last" => "last",
        "deepCopy" => "deep_copy",
        "reverse" => "reverse",
        // Sprig's give a float64 with no fraction, which Go prints as an integer.
        "floor" => "round(method=\"floor\") | to_int",
        "ceil" => "round(method=\"ceil\") | to_int",
        _ => return None,
    })
}

/// Functions whose leading arguments become a filter's named arguments.
fn keyword_filter(name: &str) -> Option<(&'static str, &'static [&'static str])> {
    Some(match name {
        "default" => ("default_if_empty", &["value"]),
        "required" => ("required", &["message"]),
        "nindent" => ("nindent", &["width"]),
        "trunc" => ("trunc", &["length"]),
        "trimSuffix" => ("trim_suffix", &["suffix"]),
        "trimPrefix" => ("trim_prefix", &["prefix"]),
        "hasPrefix" => ("has_prefix", &["prefix"]),
        "hasSuffix" => ("has_suffix", &["suffix"]),
        "replace" => ("replace", &["from", "to"]),
        "repeat" => ("repeat", &["count"]),
        "join" => ("join", &["sep"]),
        "splitList" => ("split_list", &["sep"]),
        // Sprig's `split` gives a map `_0`, `_1`, …; Tera's a list of the same parts.
        "split" => ("split", &["pat"]),
        "kindIs" => ("kind_is", &["kind"]),
        "regexMatch" => ("regex_match", &["regex"]),
        "regexFind" => ("regex_find", &["regex"]),
        "substr" => ("substr", &["start", "end"]),
        "wrap" => ("wrap", &["width"]),
        "ternary" => ("ternary", &["yes", "no"]),
        _ => return None,
    })
}
