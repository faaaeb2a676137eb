//! The two sides of a diff as resources: the documents of a render, or a baseline read
//! from a multi-document YAML file, a directory of them, or standard input.

use super::{Resource, ResourceId};
use crate::manifest::Document;
use anyhow::{Context, Result, bail};
use serde_yaml::Value;
use std::collections::BTreeMap;
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
pub(super) fn resource(document: Document, namespace: &str) -> Resource {
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
