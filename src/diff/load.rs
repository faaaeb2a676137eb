//! The two sides of a diff as resources: the documents of a render, or a baseline read
//! from a multi-document YAML file, a directory of them, or standard input.

use super::{Resource, ResourceId};
use crate::manifest::Document;
use anyhow::{Context, Result, bail};
use serde_yaml::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The resources of documents (a render, or a baseline read by
/// [`crate::manifest::read_stream`]). Documents without a namespace belong to `namespace`;
/// a `…List` document is opened into its items.
pub fn from_documents(documents: Vec<Document>, namespace: &str) -> Result<Vec<Resource>> {
    let mut resources = Vec::with_capacity(documents.len());
    for document in documents {
        match document.value.get("items") {
            Some(Value::Sequence(_)) if document.kind.ends_with("List") => {
                let items = crate::manifest::read_stream(&format!("{}\n", document.text), &document.source)?;
                resources.extend(items.into_iter().map(|item| resource(item, namespace)));
            }
            _ => resources.push(resource(document, namespace)),
        }
    }
    Ok(resources)
}

/// A document as a resource; its value moves, it is not copied.
fn resource(document: Document, namespace: &str) -> Resource {
    Resource {
        id: document.id(namespace),
        origin: document.origin(),
        api_version: document.api_version,
        value: document.value,
    }
}

/// The resources of a YAML stream read from `origin` (a file name or `<stdin>`), parsed
/// as kubectl parses it. Errors name `origin:line:col` and never quote a Secret.
pub fn parse_stream(text: &str, origin: &str, namespace: &str) -> Result<Vec<Resource>> {
    Ok(crate::manifest::read_stream(text, origin)?.into_iter().map(|d| resource(d, namespace)).collect())
}

/// The two sides of a diff of a render read with [`crate::manifest::Detail::Text`]
/// against a YAML stream read from `origin` (a baseline file or standard input):
/// `(old, new)`, each in its own order. A rendered document printed exactly as one
/// document of the stream (its `# Source:` line and text), when each appears only once
/// on its side, is the same resource with the same value, so neither side is parsed
/// again: both get a `Null` value, which compares as unchanged. A render diffed against
/// its last render mostly matches this way. Every other document is parsed as
/// [`parse_stream`] and [`from_documents`] parse it.
pub fn against_stream(
    rendered: Vec<Document>,
    text: &str,
    origin: &str,
    namespace: &str,
) -> Result<(Vec<Resource>, Vec<Resource>)> {
    let pieces = crate::yaml::stream::split(text, crate::yaml::stream::Markers::Yaml, origin)?;
    // Each document of the stream by its text: its index, or `None` if it repeats.
    let mut in_stream: HashMap<&str, Option<usize>> = HashMap::with_capacity(pieces.len());
    for (index, piece) in pieces.iter().enumerate() {
        in_stream.entry(piece.text).and_modify(|at| *at = None).or_insert(Some(index));
    }
    // The stream document each rendered one is printed as, claimed by how many.
    let mut printed = Vec::new();
    let mut found: Vec<Option<usize>> = Vec::with_capacity(rendered.len());
    for document in &rendered {
        printed.clear();
        document.write_printed(&mut printed)?;
        let text = std::str::from_utf8(&printed)?;
        found.push(in_stream.get(text).copied().flatten().filter(|_| !document.kind.ends_with("List")));
    }
    let mut claims = vec![0usize; pieces.len()];
    for index in found.iter().flatten() {
        claims[*index] += 1;
    }
    let mut old: Vec<Option<Resource>> = vec![None; pieces.len()];
    let mut new: Vec<Vec<Resource>> = Vec::with_capacity(rendered.len());
    let mut to_parse = Vec::new();
    for (document, found) in rendered.into_iter().zip(found) {
        match found.filter(|index| claims[*index] == 1) {
            Some(index) => {
                let mut unchanged = resource(document, namespace);
                unchanged.value = Value::Null;
                old[index] = Some(Resource {
                    origin: format!("{origin}:{}", pieces[index].text_line()),
                    ..unchanged.clone()
                });
                new.push(vec![unchanged]);
            }
            None => {
                to_parse.push((new.len(), document));
                new.push(Vec::new());
            }
        }
    }
    let reparsed: Vec<Result<(usize, Vec<Resource>)>> =
        crate::parallel::map_owned(to_parse, |(index, mut document)| {
            crate::manifest::reparse(&mut document)?;
            Ok((index, from_documents(vec![document], namespace)?))
        });
    for found in reparsed {
        let (index, resources) = found?;
        new[index] = resources;
    }
    let unmatched: Vec<crate::yaml::stream::Piece> =
        pieces.iter().zip(&old).filter(|(_, matched)| matched.is_none()).map(|(piece, _)| *piece).collect();
    let mut parsed = crate::manifest::read_pieces(&unmatched, origin)?.into_iter();
    let mut old_resources = Vec::new();
    for matched in old {
        match matched {
            Some(resource) => old_resources.push(resource),
            None => old_resources
                .extend(parsed.next().unwrap_or_default().into_iter().map(|d| resource(d, namespace))),
        }
    }
    Ok((old_resources, new.into_iter().flatten().collect()))
}

/// Reads a baseline: one YAML file, or every `.yaml`/`.yml`/`.json` file under a
/// directory, in sorted order.
pub fn read_path(path: &Path, namespace: &str) -> Result<Vec<Resource>> {
    if !path.is_dir() {
        return read_file(path, namespace);
    }
    let mut resources = Vec::new();
    for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", path.display()))?;
        let is_yaml = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
        if entry.file_type().is_file() && is_yaml {
            resources.extend(read_file(entry.path(), namespace)?);
        }
    }
    Ok(resources)
}

/// A baseline's text, if it is one file (not a directory).
pub fn read_stream_file(path: &Path) -> Result<Option<String>> {
    if path.is_dir() {
        return Ok(None);
    }
    crate::input::read_text(path, path, crate::input::stream_limit()).map(Some)
}

fn read_file(path: &Path, namespace: &str) -> Result<Vec<Resource>> {
    let text = crate::input::read_text(path, path, crate::input::stream_limit())?;
    parse_stream(&text, &path.display().to_string(), namespace)
}

/// Moves the resources in namespace `from` to namespace `to`: their identity and their
/// `metadata.namespace` (to compare another environment's render with this one's).
pub fn relocate(resources: Vec<Resource>, from: &str, to: &str) -> Vec<Resource> {
    resources
        .into_iter()
        .map(|mut resource| {
            if resource.id.namespace == from {
                resource.id.namespace = to.to_string();
                if let Some(Value::Mapping(metadata)) = resource.value.get_mut("metadata")
                    && metadata.get("namespace").and_then(Value::as_str) == Some(from)
                {
                    metadata.insert("namespace".into(), to.into());
                }
            }
            resource
        })
        .collect()
}

/// Indexes resources by identity; two resources with one identity are an error.
pub fn index(resources: Vec<Resource>) -> Result<BTreeMap<ResourceId, Resource>> {
    let mut by_id: BTreeMap<ResourceId, Resource> = BTreeMap::new();
    for resource in resources {
        if let Some(first) = by_id.get(&resource.id) {
            bail!(
                "{}: duplicate resource {} in namespace {} (first at {})",
                resource.origin,
                resource.id,
                resource.id.namespace,
                first.origin
            );
        }
        by_id.insert(resource.id.clone(), resource);
    }
    Ok(by_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Options, Report, compare};

    /// Rendered documents as the manifest stage gives them with `Detail::Text` (no
    /// namespace in force): their text, identity and source, no value.
    fn rendered(files: &[(&str, &str)]) -> Vec<Document> {
        let mut documents = Vec::new();
        for (path, text) in files {
            for (line, piece) in crate::manifest::split(text, path).unwrap() {
                let mut document = crate::manifest::parse_rendered(path, piece, line).unwrap().unwrap();
                document.value = Value::Null;
                documents.push(document);
            }
        }
        documents
    }

    /// Documents as `rudder render` prints them.
    fn printed(documents: &[Document]) -> String {
        let mut out = Vec::new();
        for document in documents {
            out.extend_from_slice(b"---\n");
            document.write_printed(&mut out).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    /// The report of `render` against `baseline`, by the text shortcut and by parsing both
    /// sides in full, which must agree.
    fn both_ways(render: &[(&str, &str)], baseline: &str) -> Result<Report> {
        let options = Options::default();
        let full: Result<Report> = (|| {
            let mut documents = rendered(render);
            for document in &mut documents {
                crate::manifest::reparse(document)?;
            }
            let new = from_documents(documents, "ns")?;
            let old = parse_stream(baseline, "base.yaml", "ns")?;
            // As `rudder diff` indexes them: the baseline first.
            Ok(compare(index(old)?, index(new)?, &options))
        })();
        let shortcut: Result<Report> = (|| {
            let (old, new) = against_stream(rendered(render), baseline, "base.yaml", "ns")?;
            Ok(compare(index(old)?, index(new)?, &options))
        })();
        match (&full, &shortcut) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.counts(), b.counts());
                assert_eq!(format!("{:?}", a.entries), format!("{:?}", b.entries));
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            _ => panic!("one way failed: {full:?} / {shortcut:?}"),
        }
        shortcut
    }

    #[test]
    fn the_text_shortcut_agrees_with_a_full_parse() {
        let a = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {k: v}\n";
        let b = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata: {k: v}\n";
        let list = "apiVersion: v1\nkind: ConfigMapList\nmetadata: {name: l}\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n";
        let render = [("c/templates/a.yaml", a), ("c/templates/b.yaml", b), ("c/templates/l.yaml", list)];
        let same = printed(&rendered(&render));
        assert_eq!(both_ways(&render, &same).unwrap().counts().unchanged, 3);
        // a and b matched by text (not parsed again); the List is opened, so parsed.
        let (old, new) = against_stream(rendered(&render), &same, "base.yaml", "ns").unwrap();
        let nulls = |side: &[Resource]| side.iter().filter(|r| r.value.is_null()).count();
        assert_eq!((nulls(&old), nulls(&new), old.len(), new.len()), (2, 2, 3, 3));
        // One value changed; one document moved to another template (same resource).
        let changed =
            same.replace("name: b\ndata: {k: v}", "name: b\ndata: {k: w}").replace("a.yaml", "z.yaml");
        let report = both_ways(&render, &changed).unwrap();
        assert_eq!((report.counts().changed, report.counts().unchanged), (1, 2));
        // Removed and added.
        let report = both_ways(&render[..1], &same).unwrap();
        assert_eq!((report.counts().removed, report.counts().unchanged), (2, 1));
        // The same document twice in the baseline: a duplicate, as before.
        let twice = format!("{same}{}", printed(&rendered(&render[..1])));
        assert!(
            both_ways(&render, &twice).unwrap_err().to_string().contains("duplicate resource ConfigMap/a")
        );
        // Another document with the identity of one that matches: a duplicate too.
        let other_a = format!("{same}---\n{}", a.replace("{k: v}", "{k: x}"));
        assert!(
            both_ways(&render, &other_a).unwrap_err().to_string().contains("duplicate resource ConfigMap/a")
        );
        // The same document twice in the render.
        let twice = format!("{a}---\n{a}");
        let render_twice = [("c/templates/a.yaml", twice.as_str())];
        let err = both_ways(&render_twice, &printed(&rendered(&render_twice))).unwrap_err();
        assert!(err.to_string().contains("duplicate resource ConfigMap/a"), "{err}");
        // A baseline error is still an error.
        assert!(both_ways(&render, &format!("{same}---\na: [1\n")).is_err());
    }

    #[test]
    fn duplicates_are_errors() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
        let resources = parse_stream(&format!("{doc}---\n{doc}"), "f", "ns").unwrap();
        assert_eq!(
            index(resources).unwrap_err().to_string(),
            "f:5: duplicate resource ConfigMap/a (core) in namespace ns (first at f:1)"
        );
    }
}
