//! The two sides of a diff as resources: the documents of a render, or a baseline read
//! from a multi-document YAML file, a directory of them, or standard input.

use super::{Resource, ResourceId};
use crate::manifest::Document;
use crate::yaml::Schema;
use anyhow::{Context, Result, anyhow, bail};
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The resources of a render (already parsed by `manifest`). Documents without a
/// namespace belong to `namespace`.
pub fn from_documents(documents: &[Document], namespace: &str) -> Result<Vec<Resource>> {
    let mut resources = Vec::with_capacity(documents.len());
    for document in documents {
        resources.extend(resources_of(document.value.clone(), &document.source, namespace)?);
    }
    Ok(resources)
}

/// The resources of a YAML stream read from `origin` (a file name or `<stdin>`), each
/// document parsed as kubectl parses it (see [`crate::yaml::split_stream`]). `List` kinds
/// are opened into their items; empty and comment-only documents are skipped. Errors
/// name `origin:line` and never quote the document.
pub fn parse_stream(text: &str, origin: &str, namespace: &str) -> Result<Vec<Resource>> {
    let mut resources = Vec::new();
    for (start, piece) in crate::yaml::split_stream(text) {
        let value = crate::yaml::parse_document(piece, Schema::Kube).map_err(|e| {
            let at = e
                .location()
                .map_or(format!("{start}"), |l| format!("{}:{}", start + l.line() - 1, l.column()));
            anyhow!("{origin}:{at}: not valid YAML: {}", crate::yaml::error_message(&e))
        })?;
        if value.is_null() {
            continue;
        }
        let blank_lines = piece.len() - piece.trim_start().len();
        let line = start + piece[..blank_lines].matches('\n').count();
        resources.extend(resources_of(value, &format!("{origin}:{line}"), namespace)?);
    }
    Ok(resources)
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

fn read_file(path: &Path, namespace: &str) -> Result<Vec<Resource>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
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

fn resources_of(value: Value, origin: &str, namespace: &str) -> Result<Vec<Resource>> {
    let text = |v: &Value, path: &[&str]| -> Option<String> {
        let mut current = v;
        for key in path {
            current = current.get(key)?;
        }
        current.as_str().filter(|s| !s.is_empty()).map(str::to_string)
    };
    let kind = text(&value, &["kind"]).ok_or_else(|| anyhow!("{origin}: the document has no kind"))?;
    if kind.ends_with("List")
        && let Some(Value::Sequence(items)) = value.get("items")
    {
        let mut resources = Vec::new();
        for item in items {
            resources.extend(resources_of(item.clone(), origin, namespace)?);
        }
        return Ok(resources);
    }
    let missing = |what: &str| anyhow!("{origin}: the {kind} document has no {what}");
    let api_version = text(&value, &["apiVersion"]).ok_or_else(|| missing("apiVersion"))?;
    let name = text(&value, &["metadata", "name"]).ok_or_else(|| missing("metadata.name"))?;
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group).to_string();
    let namespace = text(&value, &["metadata", "namespace"]).unwrap_or_else(|| namespace.to_string());
    let id = ResourceId { group, kind, namespace, name };
    Ok(vec![Resource { id, api_version, value, origin: origin.to_string() }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_drops_the_version_and_defaults_the_namespace() {
        let stream = "# Source: x\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: other}\n";
        let resources = parse_stream(stream, "base.yaml", "ns").unwrap();
        assert_eq!(resources[0].id.to_string(), "Deployment/web (apps)");
        assert_eq!(resources[0].id.namespace, "ns");
        assert_eq!(resources[0].origin, "base.yaml:1");
        assert_eq!(resources[1].id.group, "");
        assert_eq!(resources[1].id.namespace, "other");
    }

    #[test]
    fn lists_are_opened_and_blank_documents_skipped() {
        let stream = "---\n# only a comment\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n";
        let names: Vec<String> =
            parse_stream(stream, "f", "ns").unwrap().into_iter().map(|r| r.id.name).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn errors_name_file_and_line_without_quoting_content() {
        let stream = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\napiVersion: v1\nkind: Secret\ndata:\n  password: [hunter2\n";
        let err = parse_stream(stream, "base.yaml", "ns").unwrap_err().to_string();
        assert!(err.starts_with("base.yaml:"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let err = parse_stream("apiVersion: v1\nkind: Secret\n", "base.yaml", "ns").unwrap_err();
        assert_eq!(err.to_string(), "base.yaml:1: the Secret document has no metadata.name");
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
