//! The Tera instances for all the Go-template charts of a render: every template file
//! translated (in parallel), Helm's global namespace of defines decided as Helm's parse
//! order decides it, everything compiled once; then each file rendered with its root.
//! The files are shared out among instances compiled in parallel (compiling is most of a
//! Go chart's cost); an include renders a define's component in the instance that has it.

use super::deferred::Chunk;
use super::engine::{Shared, begin_file, located};
use crate::translate::{self, SourceMap, Translation};
use std::sync::Arc;
use tera::{Context, Tera, Value};

/// A compiled set of Go templates: one Tera instance per share of the files.
pub struct Engine {
    pub teras: Vec<Arc<Tera>>,
    pub shared: Arc<Shared>,
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shared.forget_compiled();
    }
}

/// Translates and compiles `sources` (Helm path, Go text); every file that fails is
/// reported, each as `path:line:col: message`.
pub fn compile(sources: &[(String, &str)]) -> Result<Engine, Vec<String>> {
    let sync = sources.iter().any(|(_, text)| translate::changes_dot(text));
    let translated: Vec<Result<Translation, String>> = crate::parallel::map(sources, |(path, text)| {
        let prefix = format!("D{}_", component_prefix(path));
        translate::translate_with(text, &prefix, sync, true).map_err(|e| {
            let (line, col) = translate::line_col(text, e.pos);
            format!("{path}:{line}:{col}: {}", e.message)
        })
    });
    let mut errors = Vec::new();
    let mut ok = Vec::new();
    for ((path, text), result) in sources.iter().zip(translated) {
        match result {
            Ok(t) => ok.push((path.clone(), *text, t)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let groups = groups(&ok);
    let mut shared = Shared { defines: winners(&ok), sync, ..Shared::default() };
    for (index, group) in groups.iter().enumerate() {
        for &at in group {
            let (path, text, t) = &mut ok[at];
            shared.sources.insert(path.clone(), (t.map.clone(), Arc::from(*text)));
            shared.home.insert(path.clone(), index);
            for define in &t.defines {
                shared.component_home.insert(define.component.clone(), index);
            }
            let prefix = format!("D{}_", component_prefix(path));
            shared
                .texts
                .insert(prefix.clone(), t.texts.iter().map(|text| Arc::from(text.as_str())).collect());
            let chunks = std::mem::take(&mut t.chunks);
            let chunks = chunks.into_iter().map(|(text, map)| Chunk::new(path.clone(), text, map)).collect();
            shared.chunks.insert(prefix, chunks);
        }
    }
    let shared = Arc::new(shared);
    let weight = |group: &Vec<usize>| group.len();
    let compiled = crate::parallel::map_weighted(&groups, weight, |group| {
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        super::register(&mut tera, &shared);
        let templates = group.iter().map(|&at| (ok[at].0.as_str(), ok[at].2.tera.as_str()));
        tera.add_raw_templates(templates).map(|()| Arc::new(tera)).map_err(|e| compile_error(&shared, &e))
    });
    let (teras, errors): (Vec<_>, Vec<_>) = compiled.into_iter().partition(Result::is_ok);
    if !errors.is_empty() {
        return Err(errors.into_iter().filter_map(Result::err).collect());
    }
    let teras: Vec<Arc<Tera>> = teras.into_iter().filter_map(Result::ok).collect();
    let _ = shared.teras.set(teras.iter().map(Arc::downgrade).collect());
    Ok(Engine { teras, shared })
}

/// The files of each Tera instance, by index into `files`: as many shares as there are
/// threads, balanced by the size of their Tera text.
fn groups(files: &[(String, &str, Translation)]) -> Vec<Vec<usize>> {
    let threads = if files.len() < crate::parallel::MIN_ITEMS { 1 } else { crate::parallel::threads() };
    if threads < 2 {
        return vec![(0..files.len()).collect()];
    }
    let size = |at: &usize| files[*at].2.tera.len();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|at| std::cmp::Reverse(size(at)));
    let mut load: Vec<usize> = vec![0; threads];
    let mut groups = vec![Vec::new(); threads];
    for at in order {
        let lightest = (0..threads).min_by_key(|&g| load[g]).unwrap_or(0);
        load[lightest] += size(&at);
        groups[lightest].push(at);
    }
    groups.retain(|g| !g.is_empty());
    groups
}

/// A component name part unique to a path: its bytes as hex would be long, so a hash.
fn component_prefix(path: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(path.as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// Define name → component, as Helm's parse order decides: files with more `/` first,
/// then by path, descending; a later non-empty define replaces an earlier one.
fn winners(files: &[(String, &str, Translation)]) -> std::collections::HashMap<String, String> {
    let mut order: Vec<&(String, &str, Translation)> = files.iter().collect();
    order.sort_by(|a, b| {
        let depth = |p: &str| p.matches('/').count();
        depth(&b.0).cmp(&depth(&a.0)).then_with(|| b.0.cmp(&a.0))
    });
    let mut winners = std::collections::HashMap::new();
    for (_, _, translation) in order {
        for define in &translation.defines {
            if !define.empty || !winners.contains_key(&define.name) {
                winners.insert(define.name.clone(), define.component.clone());
            }
        }
    }
    winners
}

/// A Tera compile error of translated text, at the Go position it came from.
fn compile_error(shared: &Shared, error: &tera::Error) -> String {
    let file = compile_error_parts(error).0;
    let found = shared.sources.get(&file).map(|(map, source)| (map, &**source));
    compile_error_in(error, found)
}

/// A Tera compile error of a template whose map and Go source are `found`.
pub(super) fn compile_error_in(error: &tera::Error, found: Option<(&SourceMap, &str)>) -> String {
    let (file, line, col, message) = compile_error_parts(error);
    match found {
        Some((map, source)) => {
            let at = map.go_offset(line, col.saturating_sub(1)).unwrap_or(0);
            let (line, col) = translate::line_col(source, at);
            format!("{file}:{line}:{col}: rudder cannot translate this for Tera ({message})")
        }
        None => format!("rudder cannot compile its translation of the Go templates: {message}"),
    }
}

/// The file, line, column and message of a Tera compile error.
fn compile_error_parts(error: &tera::Error) -> (String, usize, usize, String) {
    let text = error.to_string();
    let location = text.lines().find_map(|l| l.trim_start().strip_prefix("--> ")).unwrap_or("");
    let mut parts = location.rsplitn(3, ':');
    let col: usize = parts.next().and_then(|c| c.parse().ok()).unwrap_or(1);
    let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(1);
    let file = parts.next().unwrap_or("").to_string();
    let message = text.lines().next().unwrap_or("").trim_start_matches("error: ").to_string();
    (file, line, col, message)
}

/// Renders Go template `name` with `root` as its dot; Helm's `<no value>` deleted.
pub fn render(
    engine: &Engine,
    name: &str,
    root: Value,
    out: &mut impl std::io::Write,
) -> Result<(), RenderError> {
    begin_file();
    let mut context = Context::new();
    context.insert_value(translate::ROOT, root);
    let mut buffer = Vec::new();
    let home = engine.shared.home.get(name).copied().unwrap_or(0);
    match engine.teras[home].render_to(name, &context, &mut buffer) {
        Ok(()) => {
            let text = String::from_utf8_lossy(&buffer);
            let cleaned =
                if text.contains("<no value>") { text.replace("<no value>", "") } else { text.into_owned() };
            out.write_all(cleaned.as_bytes()).map_err(|e| RenderError::Output(e.to_string()))
        }
        Err(e) => match e.kind() {
            tera::ErrorKind::Io(_) => Err(RenderError::Output(e.to_string())),
            _ => Err(RenderError::Template(super::engine::clean(&located(&engine.shared, &e)))),
        },
    }
}

/// Why a Go template did not render.
#[derive(Debug)]
pub enum RenderError {
    /// The template failed: `file:line:col: message`.
    Template(String),
    /// The output could not be written (a budget ran out).
    Output(String),
}
