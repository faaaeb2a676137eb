//! Manifests: rendered files split into YAML documents, each parsed back and checked
//! (`apiVersion`, `kind`, `metadata.name`); hooks kept or dropped ([`hooks`]), the
//! namespace in force given to namespaced resources ([`namespace`]), then put in Helm's
//! install order.

pub mod hooks;
pub mod namespace;

pub use hooks::{Hook, HookFilter};

use crate::project::ClusterScopedKind;
use crate::render::RenderedFile;
use crate::yaml::Schema;
use anyhow::{Result, anyhow, bail};
use serde_yaml::Value;

/// Helm v4's install order of kinds; unknown kinds come after, by name.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// One Kubernetes resource as rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The template's source path.
    pub source: String,
    /// The document's text, trimmed.
    pub text: String,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// Its `helm.sh/hook` annotation: hooks are printed after the rest.
    pub hook: Hook,
    /// The document parsed (a mapping), for later stages such as `diff`.
    pub value: Value,
}

/// What a render leaves to the manifest stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The namespace in force: given to every namespaced resource without one. `None`
    /// leaves documents as rendered.
    pub namespace: Option<&'a str>,
    /// Custom kinds declared cluster-scoped (`rudder.yaml` `clusterScoped`).
    pub cluster_scoped: &'a [ClusterScopedKind],
    /// Which hooks to keep (`--no-hooks`, `--skip-tests`).
    pub hooks: HookFilter,
}

/// The documents of a render, and what the user should hear about them.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub documents: Vec<Document>,
    /// Documents dropped as Helm drops them (hooks naming unknown events).
    pub warnings: Vec<String>,
}

/// Splits, checks and orders the documents of `files` (which come sorted by path).
pub fn documents(files: &[RenderedFile], options: &Options) -> Result<Manifest> {
    let mut scopes = namespace::Scopes::new(options.cluster_scoped);
    let mut manifest = Manifest::default();
    for file in files {
        for (line, text) in split(&file.text) {
            let Some(document) = parse(&file.path, text, line)? else { continue };
            scopes.learn(&document.value);
            if let Hook::Unknown(events) = &document.hook {
                manifest.warnings.push(format!(
                    "{}: {}/{} is left out: its helm.sh/hook {events:?} names an event Helm does not know, and Helm leaves it out too",
                    document.source, document.kind, document.name
                ));
            }
            if document.hook.is_kept(options.hooks) {
                manifest.documents.push(document);
            }
        }
    }
    if let Some(ns) = options.namespace {
        namespace::validate(ns)?;
        for document in &mut manifest.documents {
            if !scopes.is_cluster_scoped(document.group(), &document.kind)
                && namespace::lacks_namespace(&document.value)
            {
                namespace::inject(&mut document.text, &mut document.value, ns);
            }
        }
    }
    manifest
        .documents
        .sort_by(|a, b| (a.hook.is_hook(), rank(&a.kind)).cmp(&(b.hook.is_hook(), rank(&b.kind))));
    Ok(manifest)
}

impl Document {
    /// The API group of `apiVersion` (empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(group, _)| group)
    }
}

/// The sort key of a kind: its place in [`INSTALL_ORDER`], or after all of them by name.
pub fn rank(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(index) => (index, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

/// Splits a rendered file at lines starting with `---` (text after the marker begins the
/// next document, as in Helm); yields each non-empty document, trimmed, with the 1-based
/// line it starts on.
pub fn split(text: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix("---") {
            push_piece(&mut pieces, text, start, offset, start_line);
            start = offset + 3 + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
            start_line = index + 1;
        }
        offset += line.len();
    }
    push_piece(&mut pieces, text, start, text.len(), start_line);
    pieces
}

fn push_piece<'t>(pieces: &mut Vec<(usize, &'t str)>, text: &'t str, start: usize, end: usize, line: usize) {
    let piece = &text[start..end];
    let trimmed = piece.trim();
    if trimmed.is_empty() {
        return;
    }
    let leading_lines = piece[..piece.len() - piece.trim_start().len()].matches('\n').count();
    pieces.push((line + leading_lines, trimmed));
}

/// Parses and checks one document; one that holds only comments is dropped (`None`).
fn parse(source: &str, text: &str, first_line: usize) -> Result<Option<Document>> {
    // Parsed as printed (`text` and a line break): what kubectl reads from the stream.
    let printed = format!("{text}\n");
    let value = crate::yaml::parse_document(&printed, Schema::Kube).map_err(|e| {
        let line = e.location().map(|l| first_line + l.line() - 1);
        let shown = line.map(|l| format!(" (rendered line {l})")).unwrap_or_default();
        // The offending line helps, but never when it could hold a Secret's value.
        let is_secret = text.lines().any(|l| l.trim() == "kind: Secret");
        let excerpt = line
            .filter(|_| !is_secret)
            .and_then(|l| text.lines().nth(l - first_line))
            .map(|t| format!("\n  | {t}"))
            .unwrap_or_default();
        let message = crate::yaml::error_message(&e);
        anyhow!("{source}: the rendered output is not valid YAML{shown}: {message}{excerpt}")
    })?;
    let field = |path: &[&str]| -> Option<String> {
        let mut current = &value;
        for key in path {
            current = current.get(key)?;
        }
        current.as_str().map(str::to_string).filter(|s| !s.is_empty())
    };
    let missing = |what: &str| anyhow!("{source}: the document at rendered line {first_line} has no {what}");
    if value.is_null() {
        return Ok(None);
    }
    if !value.is_mapping() {
        bail!(
            "{source}: the document at rendered line {first_line} is {}, not a mapping",
            crate::yaml::kind_name(&value)
        );
    }
    let api_version = field(&["apiVersion"]).ok_or_else(|| missing("apiVersion"))?;
    let kind = field(&["kind"]).ok_or_else(|| missing("kind"))?;
    let name = field(&["metadata", "name"]).ok_or_else(|| missing("metadata.name"))?;
    let hook = Hook::of(&value);
    Ok(Some(Document {
        source: source.to_string(),
        text: text.to_string(),
        api_version,
        kind,
        name,
        hook,
        value,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> RenderedFile {
        RenderedFile { path: path.into(), text: text.into() }
    }

    fn doc(kind: &str, name: &str) -> String {
        format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n")
    }

    #[test]
    fn split_handles_markers_blank_documents_and_glued_text() {
        let text = "\n---\n\n---\na: 1\n--- # note\nb: 2\n---c: 3\n";
        assert_eq!(split(text), vec![(5, "a: 1"), (6, "# note\nb: 2"), (8, "c: 3")]);
        assert_eq!(split("a: 1\n"), vec![(1, "a: 1")]);
        assert!(split("  \n---\n").is_empty());
    }

    /// The names of the documents of `files`, in output order.
    fn names(files: &[RenderedFile]) -> Vec<String> {
        documents(files, &Options::default()).unwrap().documents.into_iter().map(|d| d.name).collect()
    }

    #[test]
    fn documents_follow_install_order_then_path() {
        let files = [
            file("c/templates/a.yaml", &format!("{}---\n{}", doc("Deployment", "d"), doc("Widget", "w"))),
            file("c/templates/b.yaml", &format!("{}---\n{}", doc("ConfigMap", "cm"), doc("Apple", "a"))),
            file(
                "c/templates/c.yaml",
                &format!("{}---\n{}", doc("Namespace", "ns"), doc("ConfigMap", "cm2")),
            ),
        ];
        assert_eq!(names(&files), ["ns", "cm", "cm2", "d", "a", "w"]);
    }

    #[test]
    fn hooks_come_last() {
        let hook = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: h\n  annotations:\n    helm.sh/hook: post-install\n";
        let files = [file("c/templates/a.yaml", &format!("{hook}---\n{}", doc("Secret", "s")))];
        assert_eq!(names(&files), ["s", "h"]);
    }

    #[test]
    fn invalid_documents_name_the_template_and_line() {
        let err = documents(
            &[file("c/templates/x.yaml", &format!("{}---\na: b: c\n", doc("Secret", "s")))],
            &Options::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("c/templates/x.yaml: the rendered output is not valid YAML (rendered line 6)"),
            "{err}"
        );
        assert!(err.to_string().ends_with("\n  | a: b: c"), "{err}");
        let err = documents(
            &[file("c/templates/x.yaml", "\n\nkind: Secret\nmetadata: {name: s}\n")],
            &Options::default(),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "c/templates/x.yaml: the document at rendered line 3 has no apiVersion");
        let err = documents(
            &[file("c/templates/x.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {}\n")],
            &Options::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "c/templates/x.yaml: the document at rendered line 1 has no metadata.name"
        );
        let err = documents(&[file("c/templates/x.yaml", "- a\n")], &Options::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "c/templates/x.yaml: the document at rendered line 1 is a list, not a mapping"
        );
    }

    #[test]
    fn invalid_secrets_are_not_quoted_in_errors() {
        let err = documents(
            &[file(
                "c/templates/s.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: [hunter2\n",
            )],
            &Options::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("c/templates/s.yaml: the rendered output is not valid YAML (rendered line"),
            "{err}"
        );
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn comment_only_documents_are_dropped() {
        let files = [file("c/templates/x.yaml", &format!("# just a comment\n---\n{}", doc("Secret", "s")))];
        assert_eq!(documents(&files, &Options::default()).unwrap().documents.len(), 1);
    }
}
