//! Namespace injection: when a namespace is in force, every namespaced resource that its
//! template leaves without `metadata.namespace` gets it (as kustomize's `namespace:`),
//! so `rudder render | kubectl apply -f -` cannot land in the context's namespace.
//!
//! Cluster-scoped kinds never get one: the built-in ones ([`CLUSTER_SCOPED`]), the kinds
//! `rudder.yaml` declares, and the kinds of `scope: Cluster` CustomResourceDefinitions in
//! the same render. The text is edited in place (one line added after `metadata.name`)
//! so comments and formatting stay; a document whose `metadata` is not a plain block
//! is written out again by rudder's emitter.

use crate::project::ClusterScopedKind;
use anyhow::{Result, bail};
use serde_yaml::{Mapping, Value};

/// Built-in cluster-scoped kinds of Kubernetes 1.35, by API group (`""` is the core group).
pub const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("", "ComponentStatus"),
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("authentication.k8s.io", "SelfSubjectReview"),
    ("authentication.k8s.io", "TokenReview"),
    ("authorization.k8s.io", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectRulesReview"),
    ("authorization.k8s.io", "SubjectAccessReview"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("extensions", "PodSecurityPolicy"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("internal.apiserver.k8s.io", "StorageVersion"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("node.k8s.io", "RuntimeClass"),
    ("policy", "PodSecurityPolicy"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "DeviceTaintRule"),
    ("resource.k8s.io", "ResourceSlice"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
    ("storagemigration.k8s.io", "StorageVersionMigration"),
];

/// Which kinds are cluster-scoped in one render.
#[derive(Debug, Clone, Default)]
pub struct Scopes {
    /// Declared in `rudder.yaml` or by a `scope: Cluster` CRD of the render.
    extra: Vec<ClusterScopedKind>,
}

impl Scopes {
    pub fn new(declared: &[ClusterScopedKind]) -> Scopes {
        Scopes { extra: declared.to_vec() }
    }

    /// Adds a kind found cluster-scoped in the render (see [`defined_cluster_scoped`]).
    pub fn add(&mut self, kind: ClusterScopedKind) {
        self.extra.push(kind);
    }

    /// True if resources of `kind` in API `group` have no namespace.
    pub fn is_cluster_scoped(&self, group: &str, kind: &str) -> bool {
        CLUSTER_SCOPED.iter().any(|(g, k)| *g == group && *k == kind)
            || self.extra.iter().any(|c| c.kind == kind && c.group.as_deref().is_none_or(|g| g == group))
    }
}

/// The kind a CustomResourceDefinition defines, if it is cluster-scoped.
pub fn defined_cluster_scoped(value: &Value) -> Option<ClusterScopedKind> {
    let text = |path: &[&str]| -> Option<String> {
        path.iter().try_fold(value, |v, key| v.get(key))?.as_str().map(str::to_string)
    };
    if text(&["kind"]).as_deref() != Some("CustomResourceDefinition")
        || text(&["spec", "scope"]).as_deref() != Some("Cluster")
    {
        return None;
    }
    Some(ClusterScopedKind {
        group: Some(text(&["spec", "group"])?),
        kind: text(&["spec", "names", "kind"])?,
    })
}

/// Refuses a namespace Kubernetes would refuse (a DNS-1123 label).
pub fn validate(namespace: &str) -> Result<()> {
    let valid = !namespace.is_empty()
        && namespace.len() <= 63
        && namespace.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !namespace.starts_with('-')
        && !namespace.ends_with('-');
    if !valid {
        bail!(
            "invalid namespace {namespace:?}: a namespace is at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit"
        );
    }
    Ok(())
}

/// True if the document names no namespace (absent, `null` or empty).
pub fn lacks_namespace(value: &Value) -> bool {
    match value.get("metadata").and_then(|m| m.get("namespace")) {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// Sets `metadata.namespace` in the document's text and value (see the module docs).
pub fn inject(text: &mut String, value: &mut Value, namespace: &str) {
    set_in_value(value, namespace);
    match edit_text(text, &shown(namespace)) {
        Some(edited) => *text = edited,
        None => *text = crate::yaml::to_string(value).trim_end().to_string(),
    }
}

/// Sets `metadata.namespace` in the text of a document whose value was not kept: the
/// text is edited as [`inject`] edits it or, when its `metadata` is not a plain block,
/// parsed again and written out.
pub fn inject_text(text: &mut String, namespace: &str) -> Result<()> {
    if let Some(edited) = edit_text(text, &shown(namespace)) {
        *text = edited;
        return Ok(());
    }
    let mut value = crate::yaml::parse_document(&format!("{text}\n"), crate::yaml::Schema::Kube)?;
    inject(text, &mut value, namespace);
    Ok(())
}

/// The namespace as a YAML scalar.
fn shown(namespace: &str) -> String {
    crate::yaml::to_string(&Value::String(namespace.to_string())).trim_end().to_string()
}

/// `metadata.namespace` set in the value, right after `metadata.name`.
fn set_in_value(value: &mut Value, namespace: &str) {
    let Some(Value::Mapping(metadata)) = value.get_mut("metadata") else {
        return;
    };
    let key = Value::String("namespace".into());
    let namespace = Value::String(namespace.to_string());
    if let Some(slot) = metadata.get_mut(&key) {
        *slot = namespace;
        return;
    }
    let mut rebuilt = Mapping::with_capacity(metadata.len() + 1);
    let mut placed = false;
    for (k, v) in std::mem::take(metadata) {
        let after_name = k.as_str() == Some("name");
        rebuilt.insert(k, v);
        if after_name {
            rebuilt.insert(key.clone(), namespace.clone());
            placed = true;
        }
    }
    if !placed {
        rebuilt.insert(key, namespace);
    }
    *metadata = rebuilt;
}

/// The text with `namespace: <shown>` after the `name:` line of the top-level block
/// `metadata:` (replacing an empty `namespace:` line), or `None` when the block is not
/// that simple.
fn edit_text(text: &str, shown: &str) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let start =
        lines.iter().position(|l| is_key_line(l, 0, "metadata") && value_part(l, "metadata").is_empty())?;
    let child_lines = || {
        lines[start + 1..]
            .iter()
            .enumerate()
            .map(move |(i, l)| (start + 1 + i, *l))
            .filter(|(_, l)| !is_blank_or_comment(l))
    };
    let indent = child_lines().next().map(|(_, l)| indent_of(l)).filter(|n| *n > 0)?;
    let block: Vec<(usize, &str)> = child_lines().take_while(|(_, l)| indent_of(l) >= indent).collect();
    let namespace_line = format!("{}namespace: {shown}", " ".repeat(indent));
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    if let Some((at, line)) = block.iter().find(|(_, l)| is_key_line(l, indent, "namespace")) {
        let empty = ["", "\"\"", "''", "null", "~", "Null", "NULL"];
        if !empty.contains(&value_part(line, "namespace")) {
            return None;
        }
        out[*at] = namespace_line;
        return Some(out.join("\n"));
    }
    let name_at = block.iter().position(|(_, l)| is_key_line(l, indent, "name"));
    let single_line_name = name_at.filter(|i| {
        let value = value_part(block[*i].1, "name");
        !value.is_empty()
            && !value.starts_with(['|', '>', '&', '!'])
            && block.get(i + 1).is_none_or(|(_, l)| indent_of(l) == indent)
    });
    let insert_at = match single_line_name {
        Some(i) => block[i].0 + 1,
        None => start + 1,
    };
    out.insert(insert_at, namespace_line);
    Some(out.join("\n"))
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// True for `<indent spaces>key:` followed by the end of the line, a blank or a comment.
fn is_key_line(line: &str, indent: usize, key: &str) -> bool {
    indent_of(line) == indent
        && line[indent..]
            .strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

/// What follows `key:` on a key line, without a trailing comment.
fn value_part<'l>(line: &'l str, key: &str) -> &'l str {
    let rest = line.trim_start()[key.len() + 1..].trim();
    match rest.find(" #") {
        Some(at) if !rest.starts_with(['"', '\'']) => rest[..at].trim_end(),
        _ if rest.starts_with('#') => "",
        _ => rest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Schema, parse_document};

    /// Injects into `text` and checks that the edited text parses to the edited value,
    /// and that injecting into the text alone gives the same text.
    fn injected(text: &str, namespace: &str) -> String {
        let mut text_only = text.trim_end().to_string();
        inject_text(&mut text_only, namespace).unwrap();
        assert_eq!(injected_with_value(text, namespace), text_only);
        text_only
    }

    fn injected_with_value(text: &str, namespace: &str) -> String {
        let mut value = parse_document(text, Schema::Kube).unwrap();
        let mut text = text.trim_end().to_string();
        inject(&mut text, &mut value, namespace);
        assert_eq!(parse_document(&format!("{text}\n"), Schema::Kube).unwrap(), value, "{text}");
        text
    }

    #[test]
    fn the_namespace_goes_after_the_name() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # the name\n  labels:\n    x: y\ndata:\n  k: v\n";
        assert_eq!(
            injected(text, "prod"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # the name\n  namespace: prod\n  labels:\n    x: y\ndata:\n  k: v"
        );
    }

    #[test]
    fn other_layouts() {
        // Name not first, four-space indent, comments and blank lines in the block.
        let text = "kind: Service\nmetadata:\n\n    # comment\n    labels: {a: b}\n    name: s\nspec: {}\n";
        assert_eq!(
            injected(text, "ns"),
            "kind: Service\nmetadata:\n\n    # comment\n    labels: {a: b}\n    name: s\n    namespace: ns\nspec: {}"
        );
        // No name line: first in the block.
        assert_eq!(
            injected("kind: X\nmetadata:\n  generateName: x-\n", "ns"),
            "kind: X\nmetadata:\n  namespace: ns\n  generateName: x-"
        );
        // A multi-line name: first in the block.
        assert_eq!(
            injected("kind: X\nmetadata:\n  name: >-\n    long\n", "ns"),
            "kind: X\nmetadata:\n  namespace: ns\n  name: >-\n    long"
        );
        // An empty namespace line is filled in.
        assert_eq!(
            injected("kind: X\nmetadata:\n  name: a\n  namespace: \"\"\n", "ns"),
            "kind: X\nmetadata:\n  name: a\n  namespace: ns"
        );
        assert_eq!(
            injected("kind: X\nmetadata:\n  name: a\n  namespace:\n", "ns"),
            "kind: X\nmetadata:\n  name: a\n  namespace: ns"
        );
        // A namespace YAML would read as a number is quoted.
        assert_eq!(
            injected("kind: X\nmetadata:\n  name: a\n", "123"),
            "kind: X\nmetadata:\n  name: a\n  namespace: \"123\""
        );
    }

    #[test]
    fn flow_metadata_is_written_out_again() {
        assert_eq!(
            injected("apiVersion: v1\nkind: X\nmetadata: {name: a} # c\n", "ns"),
            "apiVersion: v1\nkind: X\nmetadata:\n  name: a\n  namespace: ns"
        );
    }

    #[test]
    fn scopes() {
        let mut scopes = Scopes::new(&[ClusterScopedKind {
            group: Some("cert-manager.io".into()),
            kind: "ClusterIssuer".into(),
        }]);
        assert!(scopes.is_cluster_scoped("rbac.authorization.k8s.io", "ClusterRole"));
        assert!(!scopes.is_cluster_scoped("example.com", "ClusterRole"));
        assert!(!scopes.is_cluster_scoped("", "ConfigMap"));
        assert!(scopes.is_cluster_scoped("cert-manager.io", "ClusterIssuer"));
        assert!(!scopes.is_cluster_scoped("other.io", "ClusterIssuer"));
        let crd = "kind: CustomResourceDefinition\nspec:\n  group: example.com\n  scope: Cluster\n  names: {kind: Widget}\n";
        scopes.add(defined_cluster_scoped(&parse_document(crd, Schema::Kube).unwrap()).unwrap());
        assert!(scopes.is_cluster_scoped("example.com", "Widget"));
        let namespaced = crd.replace("Cluster", "Namespaced").replace("Widget", "Gadget");
        assert_eq!(defined_cluster_scoped(&parse_document(&namespaced, Schema::Kube).unwrap()), None);
    }

    #[test]
    fn namespaces_are_dns_labels() {
        assert!(validate("journal-dev").is_ok());
        for bad in ["", "Prod", "-a", "a-", "a_b", "a.b", &"x".repeat(64)] {
            assert!(validate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn what_counts_as_no_namespace() {
        let doc = |t: &str| parse_document(t, Schema::Kube).unwrap();
        assert!(lacks_namespace(&doc("metadata: {name: a}")));
        assert!(lacks_namespace(&doc("metadata: {name: a, namespace: ''}")));
        assert!(lacks_namespace(&doc("metadata: {name: a, namespace: null}")));
        assert!(!lacks_namespace(&doc("metadata: {name: a, namespace: other}")));
    }
}
