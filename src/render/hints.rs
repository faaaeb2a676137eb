//! Hints after a template error, for what a newcomer from Helm writes: Go template
//! syntax, Helm's function names (`toYaml` is `to_yaml`: every pair of the porting table,
//! docs/porting.yaml), `include("x")` for a partial, a block left open, a component called
//! without one of its parameters.

/// What a template's context holds, for hints.
const CONTEXT_NAMES: &[&str] = &["Values", "Chart", "Release", "Capabilities", "Template", "Environment"];

/// A hint for a component called without one of its parameters: how implicit
/// parameters (`@Values`) are found and how to pass one (in a call to the component
/// `excerpt`, Tera's quote of the source, shows).
pub fn component_hint(message: &str, excerpt: &str) -> Option<String> {
    let quoted = |prefix: &str| message.strip_prefix(prefix)?.split('`').next().map(str::to_string);
    let called = excerpt.split('<').nth(1).map(|rest| {
        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect::<String>()
    });
    let component = called.filter(|name| !name.is_empty()).unwrap_or_else(|| "Name".into());
    if let Some(name) = quoted("Implicit argument `") {
        let close = CONTEXT_NAMES.iter().find(|known| known.eq_ignore_ascii_case(&name) && **known != name);
        let guess = close.map(|known| format!(" (did you mean `@{known}`?)")).unwrap_or_default();
        return Some(format!(
            "\nhint: an implicit parameter `@{name}` takes the variable `{name}` where the component is called; a template's context holds {}, with that case{guess}; or pass it in the call: `<{component} {name}=... />`",
            CONTEXT_NAMES.join(", ")
        ));
    }
    let name = quoted("Argument `")?;
    CONTEXT_NAMES.contains(&name.as_str()).then(|| {
        format!(
            "\nhint: declare it implicit, `@{name}` in the component's parameters, so it is taken from the caller's context, or pass it: `<{component} {name}={name} />`"
        )
    })
}

const GO_TEMPLATE_HINT: &str = "\nhint: this template is written in Helm's Go template syntax; rudder's templates are Tera: `{{ .Values.x }}` is `{{ Values.x }}`, `{{- if … }}…{{- end }}` is `{%- if … %}…{%- endif %}`; see docs/porting.md";

/// True for a template in Go template syntax (`{{ .Values`, `{{- include`, `{{ end }}`).
pub fn looks_like_go_template(source: &str) -> bool {
    const MARKS: &[&str] = &[
        "{{ .",
        "{{- .",
        "{{ include ",
        "{{- include ",
        "{{ define ",
        "{{- define ",
        "{{ end }}",
        "{{- end }}",
        "{{ template ",
        "{{- with ",
        "{{ with ",
        "{{- range ",
        "{{ range ",
    ];
    MARKS.iter().any(|mark| source.contains(mark))
}

/// The hint for a template error: `message` (Tera's), `excerpt` (Tera's quote of the
/// source), `source` (the template's text) and `source_line` (the line it points at).
pub fn hint(message: &str, excerpt: &str, source: Option<&str>, source_line: Option<&str>) -> String {
    if source.is_some_and(looks_like_go_template) {
        return GO_TEMPLATE_HINT.to_string();
    }
    unknown_name(message)
        .or_else(|| helm_call(message, source_line.unwrap_or_default()))
        .or_else(|| unclosed_block(message, source.unwrap_or_default()))
        .or_else(|| component_hint(message, excerpt))
        .unwrap_or_default()
}

/// Helm's functions and how rudder spells them: every name of the porting table
/// (docs/porting.yaml) whose rudder spelling differs, or whose arguments are named.
pub const HELM_NAMES: &[(&str, &str)] = &[
    ("toYaml", "`x | to_yaml`"),
    ("toJson", "`x | to_json`"),
    ("fromYaml", "`text | from_yaml`"),
    ("fromJson", "`text | from_json`"),
    ("toString", "`x | to_string`"),
    ("default", "`x | default_if_empty(value=...)` (Tera's own `default` replaces only an undefined value)"),
    ("required", "`x | required(message=\"...\")`"),
    ("fail", "`fail(message=\"...\")`"),
    (
        "include",
        "`{% include \"_name.yaml\" %}` (a tag: partials are files), or a component `{{ <Name arg=... /> }}`",
    ),
    ("tpl", "`tpl(template=x)`"),
    ("nindent", "`x | nindent(width=N)`"),
    ("indent", "`x | indent(width=N, first=true)`"),
    ("trimSuffix", "`x | trim_suffix(suffix=\"...\")`"),
    ("trimPrefix", "`x | trim_prefix(prefix=\"...\")`"),
    ("trunc", "`x | trunc(length=N)`"),
    ("replace", "`x | replace(from=\"a\", to=\"b\")`"),
    ("deepCopy", "`x | deep_copy`"),
    ("merge", "`a | merge(with=b)`"),
    ("mergeOverwrite", "`a | merge_overwrite(with=b)`"),
    ("omit", "`m | omit(keys=[\"a\"])`"),
    ("pick", "`m | pick(keys=[\"a\"])`"),
    ("dig", "`m | dig(path=[\"a\", \"b\"], default=x)`"),
    ("hasKey", "`m | has_key(key=\"a\")`"),
    ("ternary", "`condition | ternary(yes=a, no=b)`"),
    ("coalesce", "`coalesce(values=[a, b])`"),
    ("hasPrefix", "`x | has_prefix(prefix=\"...\")`"),
    ("hasSuffix", "`x | has_suffix(suffix=\"...\")`"),
    ("contains", "`x | contains(substring=\"...\")`"),
    ("repeat", "`x | repeat(count=N)`"),
    ("plural", "`n | plural(one=\"...\", many=\"...\")`"),
    ("until", "`until(count=N)`"),
    ("lookup", "`lookup(api_version=..., kind=..., namespace=..., name=...)`"),
    ("without", "`l | without(values=[...])`"),
    ("has", "`l | has(value=x)`"),
    ("append", "`l | append(value=x)`"),
    ("prepend", "`l | prepend(value=x)`"),
    ("concat", "`l | concat(with=m)`"),
    ("set", "`m | set_key(key=\"a\", value=x)`"),
    ("unset", "`m | unset_key(key=\"a\")`"),
    ("kindOf", "`x | kind_of`"),
    ("kindIs", "`x | kind_is(kind=\"map\")`"),
    ("typeOf", "`x | type_of`"),
    ("regexMatch", "`x | regex_match(regex=\"...\")`"),
    ("regexFind", "`x | regex_find(regex=\"...\")`"),
    ("regexReplaceAll", "`x | regex_replace_all(regex=\"...\", replace=\"...\")`"),
    ("semverCompare", "`semver_compare(constraint=\"...\", version=x)`"),
    ("substr", "`x | substr(start=N, end=M)`"),
    ("printf", "`printf(format=\"...\", args=[...])`"),
    ("splitList", "`x | split_list(sep=\",\")`"),
    ("int", "`x | to_int` (Helm's: 0 on failure), or Tera's `x | int`"),
    ("int64", "`x | int64`"),
    ("float64", "`x | float64`"),
    ("wrap", "`x | wrap(width=N)`"),
    ("slice", "`l[1:3]`"),
    ("len", "`x | length`"),
    ("htpasswd", "`htpasswd(user=..., password=...)`"),
    ("randAlphaNum", "`rand_alpha_num(count=N)`"),
    ("randAlpha", "`rand_alpha(count=N)`"),
    ("randNumeric", "`rand_numeric(count=N)`"),
    ("upper", "`x | upper`"),
    ("lower", "`x | lower`"),
    ("trim", "`x | trim`"),
    ("title", "`x | title`"),
    ("quote", "`x | quote`"),
    ("squote", "`x | squote`"),
    ("empty", "`x | empty`"),
    ("b64enc", "`x | b64enc`"),
    ("b64dec", "`x | b64dec`"),
    ("sha256sum", "`x | sha256sum`"),
    ("sha1sum", "`x | sha1sum`"),
    ("adler32sum", "`x | adler32sum`"),
    ("nospace", "`x | nospace`"),
    ("compact", "`l | compact`"),
    ("snakecase", "`x | snakecase`"),
    ("camelcase", "`x | camelcase`"),
    ("kebabcase", "`x | kebabcase`"),
    ("join", "`l | join(sep=\",\")`"),
    ("list", "`[a, b]`"),
    ("uniq", "`l | uniq`"),
    ("uuidv4", "`uuidv4()`"),
];

/// `Unknown filter `toYaml``: how rudder spells a Helm name.
fn unknown_name(message: &str) -> Option<String> {
    let name = ["Unknown filter `", "Unknown function `"]
        .iter()
        .find_map(|start| message.strip_prefix(start))?
        .split('`')
        .next()?;
    let (_, rudder) = HELM_NAMES.iter().find(|(helm, _)| *helm == name)?;
    Some(format!("\nhint: Helm's `{name}` is {rudder} in rudder's Tera templates; see docs/porting.md"))
}

/// A Helm call written in a Tera template (`include("x")`, `toYaml(Values)`,
/// `{{ default "a" x }}`) makes a syntax error: the Helm name on the line says how rudder
/// spells it.
fn helm_call(message: &str, line: &str) -> Option<String> {
    if !message.starts_with("Found ") {
        return None;
    }
    let name = HELM_NAMES.iter().find(|(helm, _)| {
        line.match_indices(helm).any(|(at, _)| {
            let before = line[..at].trim_end();
            let after = &line[at + helm.len()..];
            (before.ends_with("{{")
                || before.ends_with("{{-")
                || before.ends_with('|')
                || before.ends_with('('))
                && (after.starts_with('(') || after.starts_with(' '))
        })
    })?;
    Some(format!(
        "\nhint: Helm's `{}` is {} in rudder's Tera templates (Tera's functions take named arguments); see docs/porting.md",
        name.0, name.1
    ))
}

/// Tera's blocks and the tags that close them.
const BLOCKS: &[(&str, &str)] = &[
    ("if", "endif"),
    ("for", "endfor"),
    ("filter", "endfilter"),
    ("block", "endblock"),
    ("component", "endcomponent"),
];

/// `Unexpected end of input` after a block left open: which block, opened on which line.
fn unclosed_block(message: &str, source: &str) -> Option<String> {
    if !message.starts_with("Unexpected end of input") {
        return None;
    }
    let mut open: Vec<(&str, usize)> = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("{%") {
            let tag = rest[at + 2..].trim_start_matches('-').trim_start();
            let word: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let after = tag[word.len()..].trim_start();
            let is_set_block = word == "set" && !after.contains('=');
            if let Some((opener, _)) = BLOCKS.iter().find(|(opener, _)| *opener == word) {
                open.push((opener, number + 1));
            } else if is_set_block {
                open.push(("set", number + 1));
            } else if BLOCKS.iter().any(|(_, closer)| *closer == word) || word == "endset" {
                open.pop();
            }
            rest = &rest[at + 2..];
        }
    }
    let (block, line) = open.last()?;
    let closer = BLOCKS.iter().find(|(opener, _)| opener == block).map_or("endset", |(_, closer)| closer);
    Some(format!("\nhint: the `{{% {block} %}}` opened on line {line} is not closed: add `{{% {closer} %}}`"))
}

#[cfg(test)]
mod tests;
