//! The objects templates see, with Helm's names: `Chart`, `Release`, `Capabilities`,
//! `Template` and `Environment` (`Values` comes from the values stage).

use crate::chart::Metadata;
use anyhow::{Result, bail};
use serde_json::{Value as Json, json};

/// The release being rendered.
#[derive(Debug, Clone)]
pub struct Release {
    pub name: String,
    pub namespace: String,
    /// The `--env` name, or empty.
    pub environment: String,
    /// `Release.Service`: `rudder`, or what `--release-service` / `releaseService:` says
    /// (`Helm` keeps a ported chart's `app.kubernetes.io/managed-by: Helm` labels).
    pub service: String,
}

/// The cluster the render targets: `--kube-version` and `--api-versions`.
#[derive(Debug, Clone)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: Vec<String>,
}

/// A parsed Kubernetes version such as `v1.29.3-gke.100`.
#[derive(Debug, Clone, PartialEq)]
pub struct KubeVersion {
    /// As given, with a `v` prefix (`v1.29.3-gke.100`).
    pub full: String,
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

/// The version `helm template` v4.1 assumes when none is given.
pub const DEFAULT_KUBE_VERSION: &str = "v1.35.0";

/// The API group versions served by default (the GA groups of Kubernetes 1.35);
/// `--api-versions` adds to them.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
    "apiregistration.k8s.io/v1",
    "apps/v1",
    "authentication.k8s.io/v1",
    "authorization.k8s.io/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "certificates.k8s.io/v1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "events.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1",
    "networking.k8s.io/v1",
    "node.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "resource.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1",
];

impl KubeVersion {
    /// Parses `1.29`, `v1.29.3` or `v1.29.3-gke.100`.
    pub fn parse(text: &str) -> Result<KubeVersion> {
        let bare = text.trim().strip_prefix('v').unwrap_or(text.trim());
        let core = bare.split(['-', '+']).next().unwrap_or_default();
        let parts: Vec<&str> = core.split('.').collect();
        let numbers: Option<Vec<u64>> = parts.iter().map(|p| p.parse().ok()).collect();
        match numbers.as_deref() {
            Some([major, minor]) => Ok(Self::new(bare, *major, *minor, 0)),
            Some([major, minor, patch]) => Ok(Self::new(bare, *major, *minor, *patch)),
            _ => bail!("invalid kube version {text:?}: expected MAJOR.MINOR[.PATCH], e.g. 1.30.0"),
        }
    }

    fn new(bare: &str, major: u64, minor: u64, patch: u64) -> KubeVersion {
        KubeVersion { full: format!("v{bare}"), major, minor, patch }
    }

    /// The version as SemVer, for `kubeVersion` constraints.
    pub fn semver(&self) -> semver::Version {
        semver::Version::new(self.major, self.minor, self.patch)
    }
}

impl Capabilities {
    /// Capabilities for `kube_version` (default [`DEFAULT_KUBE_VERSION`]) with `extra`
    /// API versions added to the defaults.
    pub fn new(kube_version: Option<&str>, extra: &[String]) -> Result<Capabilities> {
        let kube_version = KubeVersion::parse(kube_version.unwrap_or(DEFAULT_KUBE_VERSION))?;
        let mut api_versions: Vec<String> = DEFAULT_API_VERSIONS.iter().map(ToString::to_string).collect();
        for version in extra.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|v| !v.is_empty()) {
            if !api_versions.iter().any(|known| known == version) {
                api_versions.push(version.to_string());
            }
        }
        Ok(Capabilities { kube_version, api_versions })
    }

    pub(super) fn to_json(&self) -> Json {
        let v = &self.kube_version;
        json!({
            "KubeVersion": {
                "Version": v.full,
                "GitVersion": v.full,
                "Major": v.major.to_string(),
                "Minor": v.minor.to_string(),
            },
            "APIVersions": self.api_versions,
        })
    }
}

/// Helm's release name rule: a DNS-1123 subdomain of at most 53 characters.
pub fn validate_release_name(name: &str) -> Result<()> {
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if name.len() > 53 || !name.split('.').all(label_ok) {
        bail!(
            "invalid release name {name:?}: it must be at most 53 characters of lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
        );
    }
    Ok(())
}

impl Release {
    pub(super) fn to_json(&self) -> Json {
        json!({
            "Name": self.name,
            "Namespace": self.namespace,
            "Revision": 1,
            "IsInstall": true,
            "IsUpgrade": false,
            "Service": self.service,
        })
    }
}

/// `Chart` as templates see it: Helm's Go field names; absent fields are empty.
pub(super) fn chart_json(meta: &Metadata, is_root: bool) -> Json {
    let text = |field: &Option<String>| field.clone().unwrap_or_default();
    json!({
        "Name": meta.name,
        "Version": meta.version,
        "AppVersion": text(&meta.app_version),
        "Description": text(&meta.description),
        "Type": meta.chart_type.clone().unwrap_or_else(|| "application".into()),
        "APIVersion": meta.api_version,
        "KubeVersion": text(&meta.kube_version),
        "Home": text(&meta.home),
        "Icon": text(&meta.icon),
        "Sources": meta.sources,
        "Keywords": meta.keywords,
        "Deprecated": meta.deprecated,
        "Annotations": meta.annotations,
        "Maintainers": meta.maintainers.iter().map(|m| json!({
            "Name": m.name, "Email": text(&m.email), "URL": text(&m.url),
        })).collect::<Vec<_>>(),
        "Dependencies": meta.dependencies.iter().map(|d| json!({
            "Name": d.name,
            "Version": text(&d.version),
            "Repository": text(&d.repository),
            "Condition": text(&d.condition),
            "Tags": d.tags,
            "Alias": text(&d.alias),
        })).collect::<Vec<_>>(),
        "IsRoot": is_root,
    })
}

/// Values as a template sees them: as they are, but a whole number beyond 64 bits
/// ([`crate::yaml::big_number`]) is its digits, as text: printed as written, refused by
/// arithmetic.
pub struct TemplateValue<'v>(pub &'v serde_yaml::Value);

impl serde::Serialize for TemplateValue<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        use serde_yaml::Value;
        match self.0 {
            Value::Mapping(map) => {
                let mut out = serializer.serialize_map(Some(map.len()))?;
                for (key, value) in map {
                    out.serialize_entry(&TemplateValue(key), &TemplateValue(value))?;
                }
                out.end()
            }
            Value::Sequence(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&TemplateValue(item))?;
                }
                out.end()
            }
            Value::Tagged(tagged) => match crate::yaml::as_big_number(self.0) {
                Some(digits) => serializer.serialize_str(digits),
                None => TemplateValue(&tagged.value).serialize(serializer),
            },
            other => other.serialize(serializer),
        }
    }
}

/// A chart's values mapping as a template sees it (see [`TemplateValue`]).
pub struct TemplateValues<'v>(pub &'v serde_yaml::Mapping);

impl serde::Serialize for TemplateValues<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut out = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            out.serialize_entry(&TemplateValue(key), &TemplateValue(value))?;
        }
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_versions_parse_like_kubernetes() {
        let v = KubeVersion::parse("v1.29.3-gke.100").unwrap();
        assert_eq!((v.major, v.minor, v.patch, v.full.as_str()), (1, 29, 3, "v1.29.3-gke.100"));
        assert_eq!(KubeVersion::parse("1.20").unwrap().full, "v1.20");
        assert_eq!(
            KubeVersion::parse("v2").unwrap_err().to_string(),
            "invalid kube version \"v2\": expected MAJOR.MINOR[.PATCH], e.g. 1.30.0"
        );
    }

    #[test]
    fn release_names_follow_helm() {
        for good in ["journal", "a", "my-app.v2", "0x"] {
            assert!(validate_release_name(good).is_ok(), "{good}");
        }
        for bad in ["Foo", "-a", "a-", "a..b", "", "a_b", &"a".repeat(54)] {
            assert!(validate_release_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn api_versions_are_appended_once() {
        let caps =
            Capabilities::new(None, &["apps/v1".into(), "example.com/v1,monitoring.coreos.com/v1".into()])
                .unwrap();
        assert_eq!(caps.api_versions.len(), DEFAULT_API_VERSIONS.len() + 2);
        assert_eq!(caps.kube_version.full, DEFAULT_KUBE_VERSION);
    }
}
