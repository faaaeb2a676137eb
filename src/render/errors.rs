//! How render errors read: every template that does not compile, in one error; a Tera
//! error as `path:line:col: message` with Tera's excerpt of the source and a hint; value
//! text hidden where the template may render a Secret ([`crate::secret`]).

use super::{Unit, hints};
use crate::chart::Chart;
use anyhow::{Result, anyhow};
use tera::Tera;

/// The values of `results`, or one error holding every error among them (each template
/// that does not compile, in every chart), not only the first.
pub(super) fn all_or_every_error<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    let mut values = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(value) => values.push(value),
            Err(error) => match error.downcast_ref::<CompileErrors>() {
                Some(CompileErrors(each)) => errors.extend(each.iter().cloned()),
                None => errors.push(format!("{error:#}")),
            },
        }
    }
    // A chart compiled as several instances reports the same error from each.
    let mut seen = std::collections::BTreeSet::new();
    errors.retain(|error| seen.insert(error.clone()));
    match errors.len() {
        0 => Ok(values),
        1 => Err(anyhow!("{}", errors.remove(0))),
        n => Err(anyhow!("{n} templates do not compile:\n\n{}", errors.join("\n\n"))),
    }
}

/// The errors of a chart's templates that do not compile, one per template (or one
/// for Tera's list of unknown names).
#[derive(Debug)]
struct CompileErrors(Vec<String>);

impl std::fmt::Display for CompileErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n\n"))
    }
}

impl std::error::Error for CompileErrors {}

/// Adds a chart's templates to its Tera instance. When one does not compile, its error is
/// kept, its text blanked (so templates that include it still resolve) and the rest
/// compiled again, until they compile or Tera reports errors that are not one
/// template's syntax (unknown filters, functions, templates: Tera lists all of those in
/// one go). Every error is reported.
pub(super) fn add_templates(tera: &mut Tera, mut sources: Vec<(String, &str)>, unit: &Unit) -> Result<()> {
    let what = format!("the templates of chart {} ({})", unit.base, unit.chart.dir.display());
    let mut errors = Vec::new();
    while let Err(error) = tera.add_raw_templates(sources.iter().map(|(name, text)| (name.as_str(), *text))) {
        errors.push(format!("{:#}", located(&error, &what, None, &|name| template_text(unit, name))));
        let text = error.to_string();
        let locations: Vec<&str> = text.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")).collect();
        let failed = match locations.as_slice() {
            [one] => one.rsplitn(3, ':').last(),
            _ => None,
        };
        match sources.iter_mut().find(|(name, text)| Some(name.as_str()) == failed && !text.is_empty()) {
            Some(source) => source.1 = "",
            None => break,
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(CompileErrors(errors).into()),
    }
}

/// The source of the template named `name` (its Helm path) in `unit`'s chart or its
/// library subcharts.
pub(super) fn template_text<'c>(unit: &Unit<'c>, name: &str) -> Option<&'c str> {
    let chart: &'c Chart = unit.chart;
    let own = name
        .strip_prefix(&format!("{}/templates/", unit.base))
        .and_then(|path| chart.templates.iter().find(|t| t.path == path).map(|t| t.text.as_str()));
    own.or_else(|| {
        chart.subcharts.iter().filter(|s| s.chart.meta.is_library()).find_map(|library| {
            let prefix = format!("{}/charts/{}/templates/", unit.base, library.chart.name());
            let path = name.strip_prefix(&prefix)?;
            library.chart.templates.iter().find(|t| t.path == path).map(|t| t.text.as_str())
        })
    })
}

/// A Tera error as `path:line:col: message`, followed by Tera's excerpt of the source
/// (Tera writes `message`, then a ` --> path:line:col` line and the excerpt); an error
/// without a position is prefixed with `what` failed. The excerpt is the chart's own
/// source and is always shown. A render error (`rendering` is `Some`) from a template that
/// may render a Secret (`rendering` says so, or the template the error points at, whose
/// text `source_of` finds, may) has the value text of its message hidden
/// ([`crate::secret::shown`]); a compile error (`None`) involves no value.
pub(super) fn located<'s>(
    error: &tera::Error,
    what: &str,
    rendering: Option<bool>,
    source_of: &dyn Fn(&str) -> Option<&'s str>,
) -> anyhow::Error {
    let text = error.to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    let lines: Vec<&str> = text.lines().collect();
    let Some(at) = lines.iter().position(|l| l.trim_start().starts_with("--> ")) else {
        return anyhow!("{what}: {}", crate::secret::shown(text, rendering.unwrap_or(false), None));
    };
    let location = lines[at].trim_start().trim_start_matches("--> ");
    let message = lines[..at].join("\n");
    let mut parts = location.rsplitn(3, ':');
    let (_, line) = (parts.next(), parts.next().and_then(|l| l.parse::<usize>().ok()));
    let path = parts.next().unwrap_or(location);
    let source = source_of(path);
    let secret = rendering.is_some_and(|secret| {
        secret || source.is_none_or(|text| crate::secret::template_may_render_secret(path, text))
    });
    let source_line = source.zip(line).and_then(|(text, line)| text.lines().nth(line.saturating_sub(1)));
    let message = crate::secret::shown(&message, secret, source_line);
    let excerpt = lines[at + 1..].join("\n");
    let hint = hints::hint(&message, &excerpt, source, source_line);
    anyhow!("{location}: {message}\n{excerpt}{hint}")
}

/// A Go template's error (`file:line:col: message`, as the Go dialect reports it) with
/// the Go source line and a caret under the column; value text hidden where the template
/// may render a Secret.
pub(super) fn go_located(
    message: &str,
    go: &super::go::charts::GoCharts,
    secret: Option<bool>,
) -> anyhow::Error {
    let mut parts = message.splitn(4, ':');
    let (file, line, col) = (parts.next(), parts.next(), parts.next());
    let rest = parts.next().map(str::trim_start);
    let (Some(file), Some(line), Some(col), Some(rest)) =
        (file, line.and_then(|l| l.parse::<usize>().ok()), col.and_then(|c| c.parse::<usize>().ok()), rest)
    else {
        return anyhow!("{}", crate::secret::shown(message, secret.unwrap_or(false), None));
    };
    let source_line = go.source(file).and_then(|text| text.lines().nth(line.saturating_sub(1)));
    let shown = crate::secret::shown(rest, secret.unwrap_or(false), source_line);
    let Some(source_line) = source_line else {
        return anyhow!("{file}:{line}:{col}: {shown}");
    };
    let gutter = " ".repeat(line.to_string().len());
    let caret = format!("{}^", " ".repeat(col.saturating_sub(1)));
    anyhow!("{file}:{line}:{col}: {shown}\n{gutter} |\n{line} | {source_line}\n{gutter} | {caret}")
}

/// True if template `name` of `unit` may render a Secret: its own source, or that of a
/// partial it includes (transitively), says so.
pub(super) fn may_render_secret(unit: &Unit, name: &str) -> bool {
    let Some(text) = template_text(unit, name) else { return true };
    if crate::secret::template_may_render_secret(name, text) {
        return true;
    }
    let prefix = format!("{}/templates/", unit.base);
    let mut seen = std::collections::HashSet::new();
    let mut todo: Vec<String> = super::includes::names(text);
    while let Some(included) = todo.pop() {
        let full = match included.starts_with(&prefix) {
            true => included.clone(),
            false => format!("{prefix}{included}"),
        };
        if !seen.insert(full.clone()) {
            continue;
        }
        let Some(partial) = template_text(unit, &full).or_else(|| library_partial(unit, &included)) else {
            continue;
        };
        if crate::secret::partial_may_render_secret(partial) {
            return true;
        }
        todo.extend(super::includes::names(partial));
    }
    false
}

/// A partial of `unit`'s library subcharts named `name` under their `templates/`.
fn library_partial<'c>(unit: &Unit<'c>, name: &str) -> Option<&'c str> {
    unit.chart
        .subcharts
        .iter()
        .filter(|s| s.chart.meta.is_library())
        .find_map(|library| library.chart.templates.iter().find(|t| t.path == name).map(|t| t.text.as_str()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tera_errors_read_path_line_column_message() {
        let mut tera = tera::Tera::new();
        tera.add_raw_template("t.yaml", &format!("{}a: {{{{ nope }}}}", "\n".repeat(11))).unwrap();
        let error = tera.render("t.yaml", &tera::Context::new()).unwrap_err();
        let text = super::located(&error, "t.yaml", Some(false), &|_| Some("a: {{ nope }}")).to_string();
        assert!(text.starts_with("t.yaml:12:7: "), "{text}");
        assert!(text.contains("12 | a: {{ nope }}"), "{text}");
        // The source is the chart's: shown for a Secret too.
        let secret = super::located(&error, "t.yaml", Some(true), &|_| Some("kind: Secret")).to_string();
        assert!(secret.starts_with("t.yaml:12:7: ") && secret.contains("12 |"), "{secret}");
    }
}
