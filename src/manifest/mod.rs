//! Manifests: rendered files split into YAML documents, each parsed back and checked
//! (`apiVersion`, `kind`, `metadata.name`); hooks kept or dropped ([`hooks`]), the
//! namespace in force given to namespaced resources ([`namespace`]), then put in Helm's
//! install order.

mod document;
pub mod hooks;
pub mod namespace;
mod stream;

pub use document::{Document, ResourceId};
pub use hooks::{Hook, HookFilter};
pub use stream::{read as read_stream, split};

use crate::project::ClusterScopedKind;
use crate::render::RenderedFile;
use anyhow::Result;

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
    /// The charts' `crds/` files (`--include-crds`): their documents come first, in
    /// this order, as `helm template --include-crds` prints them.
    pub crds: &'a [RenderedFile],
}

/// The documents of a render, and what the user should hear about them.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub documents: Vec<Document>,
    /// Documents dropped as Helm drops them (hooks naming unknown events).
    pub warnings: Vec<String>,
}

/// Splits, checks and orders the documents of `files` (which come sorted by path),
/// after the documents of `options.crds`.
pub fn documents(files: &[RenderedFile], options: &Options) -> Result<Manifest> {
    let mut scopes = namespace::Scopes::new(options.cluster_scoped);
    let mut manifest = Manifest::default();
    let mut crds = 0;
    for parsed in parse_all(options.crds) {
        for document in parsed? {
            scopes.learn(&document.value);
            manifest.documents.push(document);
            crds += 1;
        }
    }
    for parsed in parse_all(files) {
        for document in parsed? {
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
        for document in &mut manifest.documents[crds..] {
            if !scopes.is_cluster_scoped(document.group(), &document.kind)
                && namespace::lacks_namespace(&document.value)
            {
                namespace::inject(&mut document.text, &mut document.value, ns);
                document.refresh_namespace();
            }
        }
    }
    manifest.documents[crds..]
        .sort_by(|a, b| (a.hook.is_hook(), rank(&a.kind)).cmp(&(b.hook.is_hook(), rank(&b.kind))));
    Ok(manifest)
}

/// The documents of each file, parsed in parallel (parsing is most of this stage's work),
/// in file order.
fn parse_all(files: &[RenderedFile]) -> Vec<Result<Vec<Document>>> {
    crate::parallel::map(files, |file| {
        let pieces = split(&file.text).into_iter();
        pieces.filter_map(|(line, text)| stream::rendered(&file.path, text, line).transpose()).collect()
    })
}

/// The sort key of a kind: its place in [`INSTALL_ORDER`], or after all of them by name.
pub fn rank(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(index) => (index, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
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
                .starts_with("c/templates/x.yaml:6:5: not valid YAML: mapping values are not allowed"),
            "{err}"
        );
        assert!(err.to_string().ends_with("\n6 | a: b: c\n  |     ^"), "{err}");
        let err = documents(
            &[file("c/templates/x.yaml", "\n\nkind: Secret\nmetadata: {name: s}\n")],
            &Options::default(),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "c/templates/x.yaml:3:1: the Secret document has no apiVersion");
        let err = documents(
            &[file("c/templates/x.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {}\n")],
            &Options::default(),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "c/templates/x.yaml:1:1: the Secret document has no metadata.name");
        let err = documents(&[file("c/templates/x.yaml", "- a\n")], &Options::default()).unwrap_err();
        assert_eq!(err.to_string(), "c/templates/x.yaml:1:1: the document is a list, not a mapping");
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
        assert!(err.starts_with("c/templates/s.yaml:6:1: not valid YAML: did not find expected"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn comment_only_documents_are_dropped() {
        let files = [file("c/templates/x.yaml", &format!("# just a comment\n---\n{}", doc("Secret", "s")))];
        assert_eq!(documents(&files, &Options::default()).unwrap().documents.len(), 1);
    }
}
