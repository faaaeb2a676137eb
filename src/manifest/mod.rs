//! Manifests: rendered files split into YAML documents, each parsed back and checked
//! (`apiVersion`, `kind`, `metadata.name`); hooks kept or dropped ([`hooks`]), the
//! namespace in force given to namespaced resources ([`namespace`]), then put in Helm's
//! install order.

mod document;
pub mod hooks;
pub mod namespace;
mod stream;

pub use document::{Document, InvalidYaml, ResourceId};
pub use hooks::{Hook, HookFilter};
pub use stream::{read as read_stream, read_piece, read_pieces, rendered as parse_rendered, reparse, split};

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
    /// What each document keeps of its parsed form.
    pub detail: Detail,
}

/// What the caller needs of each document. Every document is parsed in full either way
/// (a document that is not valid YAML is an error); [`Detail::Text`] then drops the
/// parsed tree, which is most of a big render's memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Detail {
    /// Its text, identity and hook, and its parsed value (diff).
    #[default]
    Full,
    /// Its text, identity and hook; [`Document::value`] is `Null` (a render printed or
    /// written to files).
    Text,
}

/// A document as parsed, with what the stage needs of its value once that may be gone.
struct Parsed {
    document: Document,
    /// The kind it defines, if it is a cluster-scoped CustomResourceDefinition.
    defines: Option<ClusterScopedKind>,
    /// It names no namespace (absent, `null` or empty).
    lacks_namespace: bool,
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
    let crds = flatten(parse_all(options.crds, options.detail))?;
    let rendered = flatten(parse_all(files, options.detail))?;
    let mut scopes = namespace::Scopes::new(options.cluster_scoped);
    for defined in crds.iter().chain(&rendered).filter_map(|parsed| parsed.defines.clone()) {
        scopes.add(defined);
    }
    let mut manifest = Manifest::default();
    manifest.documents.extend(crds.into_iter().map(|parsed| parsed.document));
    let first_rendered = manifest.documents.len();
    if let Some(ns) = options.namespace {
        namespace::validate(ns)?;
    }
    for Parsed { mut document, lacks_namespace, .. } in rendered {
        if let Hook::Unknown(events) = &document.hook {
            manifest.warnings.push(format!(
                "{}: {}/{} is left out: its helm.sh/hook {events:?} names an event Helm does not know, and Helm leaves it out too",
                document.source, document.kind, document.name
            ));
        }
        if !document.hook.is_kept(options.hooks) {
            continue;
        }
        if let Some(ns) = options.namespace
            && lacks_namespace
            && !scopes.is_cluster_scoped(document.group(), &document.kind)
        {
            match options.detail {
                Detail::Full => namespace::inject(&mut document.text, &mut document.value, ns),
                Detail::Text => namespace::inject_text(&mut document.text, ns)?,
            }
            document.namespace = Some(ns.to_string());
        }
        manifest.documents.push(document);
    }
    manifest.documents[first_rendered..]
        .sort_by(|a, b| (a.hook.is_hook(), rank(&a.kind)).cmp(&(b.hook.is_hook(), rank(&b.kind))));
    manifest.warnings.extend(duplicates(&manifest.documents, options.namespace.unwrap_or_default()));
    Ok(manifest)
}

/// A warning for each document with the identity of an earlier one, worded as `rudder
/// diff` refuses it: Helm prints both, and `kubectl apply` would apply the last.
fn duplicates(documents: &[Document], namespace: &str) -> Vec<String> {
    let mut first: std::collections::HashMap<ResourceId, &Document> = std::collections::HashMap::new();
    let mut warnings = Vec::new();
    for document in documents {
        let id = document.id(namespace);
        match first.get(&id) {
            Some(earlier) => warnings.push(format!(
                "{}: duplicate resource {id} in namespace {} (first at {}); both are printed, and kubectl apply would apply the last",
                document.origin(),
                if id.namespace.is_empty() { "(none)" } else { &id.namespace },
                earlier.origin()
            )),
            None => {
                first.insert(id, document);
            }
        }
    }
    warnings
}

/// The documents of each file, parsed in parallel (parsing is most of this stage's work),
/// in file order. With [`Detail::Text`], each tree is dropped on the thread that built it.
fn parse_all(files: &[RenderedFile], detail: Detail) -> Vec<Result<Vec<Parsed>>> {
    crate::parallel::map(files, |file| {
        let mut parsed = Vec::new();
        for (line, text) in split(&file.text, &file.path)? {
            let Some(mut document) = stream::rendered(&file.path, text, line)? else { continue };
            let defines = namespace::defined_cluster_scoped(&document.value);
            let lacks_namespace = namespace::lacks_namespace(&document.value);
            if detail == Detail::Text {
                document.value = serde_yaml::Value::Null;
            }
            parsed.push(Parsed { document, defines, lacks_namespace });
        }
        Ok(parsed)
    })
}

/// The documents of every file, in order, or the first file's error.
fn flatten(files: Vec<Result<Vec<Parsed>>>) -> Result<Vec<Parsed>> {
    let mut all = Vec::new();
    for parsed in files {
        all.extend(parsed?);
    }
    Ok(all)
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
        // Shown as for a possible Secret; the caller, which reads the template, reveals it.
        assert!(!err.to_string().contains("6 | a: b: c"), "{err}");
        let revealed = err.downcast_ref::<InvalidYaml>().unwrap().reveal();
        assert!(revealed.ends_with("\n6 | a: b: c\n  |     ^"), "{revealed}");
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
    fn text_only_documents_print_as_full_ones() {
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: w}\nspec: {group: example.com, scope: Cluster, names: {kind: Widget}}\n";
        let files = [
            file("c/templates/a.yaml", &format!("{}---\n{}", doc("Deployment", "d"), doc("ConfigMap", "cm"))),
            file("c/templates/b.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s, labels: {a: b}}\n"),
            file("c/templates/c.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"),
            file(
                "c/templates/d.yaml",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: other\n",
            ),
            file(
                "c/templates/e.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  namespace: ''\n  annotations: {helm.sh/hook: test}\n",
            ),
            file("c/templates/f.yaml", crd),
        ];
        let options = Options { namespace: Some("ns"), ..Options::default() };
        let full = documents(&files, &options).unwrap().documents;
        let text = documents(&files, &Options { detail: Detail::Text, ..options }).unwrap().documents;
        assert_eq!(full.len(), 7);
        for (full, text) in full.iter().zip(&text) {
            assert_eq!((&full.text, &full.namespace, &full.hook), (&text.text, &text.namespace, &text.hook));
            assert!(full.value.is_mapping() && text.value.is_null());
        }
        let namespaces: Vec<_> = text.iter().map(|d| (d.name.as_str(), d.namespace.as_deref())).collect();
        assert_eq!(
            namespaces,
            [
                ("s", Some("ns")),
                ("cm", Some("ns")),
                ("w", None),
                ("s", Some("other")),
                ("d", Some("ns")),
                ("w", None),
                ("t", Some("ns"))
            ]
        );
        assert_eq!(
            text[0].text,
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\n  labels:\n    a: b"
        );
    }

    #[test]
    fn comment_only_documents_are_dropped() {
        let files = [file("c/templates/x.yaml", &format!("# just a comment\n---\n{}", doc("Secret", "s")))];
        assert_eq!(documents(&files, &Options::default()).unwrap().documents.len(), 1);
    }
}
