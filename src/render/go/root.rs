//! The dot a Go template starts with, as Helm builds it for each chart: `Values` (every
//! number a `float64`), `Chart` (Helm's field names, `IsRoot`), `Release`, `Capabilities`
//! (helm's default API versions, `HelmVersion`), `Files` (path → bytes) and `Subcharts`
//! (each subchart's own dot); `Template` is added per file.

use super::value::{from_yaml_map, key};
use crate::render::context::{Capabilities, Release};
use tera::{Map, Value};

/// The API versions `helm template` v4.1 assumes (client-go 1.35's scheme, with the
/// apiextensions groups), in helm's order.
pub const HELM_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// The helm release whose behaviour the Go dialect matches.
pub const HELM_VERSION: &str = "v4.1.4";

/// `.Release` as Helm's templates see it.
pub fn release(release: &Release) -> Value {
    let mut map = Map::new();
    map.insert(key("Name"), Value::from(release.name.as_str()));
    map.insert(key("Namespace"), Value::from(release.namespace.as_str()));
    map.insert(key("Revision"), Value::from(1));
    map.insert(key("IsInstall"), Value::from(true));
    map.insert(key("IsUpgrade"), Value::from(false));
    map.insert(key("Service"), Value::from(release.service.as_str()));
    Value::from(map)
}

/// `.Capabilities`: helm's default API versions plus the `--api-versions` rudder was
/// given beyond its own defaults.
pub fn capabilities(caps: &Capabilities) -> Value {
    let mut versions: Vec<Value> = HELM_API_VERSIONS.iter().map(|v| Value::from(*v)).collect();
    for extra in &caps.api_versions {
        if !HELM_API_VERSIONS.contains(&extra.as_str())
            && !crate::render::DEFAULT_API_VERSIONS.contains(&extra.as_str())
        {
            versions.push(Value::from(extra.as_str()));
        }
    }
    let v = &caps.kube_version;
    let mut kube = Map::new();
    kube.insert(key("Version"), Value::from(v.full.as_str()));
    kube.insert(key("GitVersion"), Value::from(v.full.as_str()));
    kube.insert(key("Major"), Value::from(v.major.to_string()));
    kube.insert(key("Minor"), Value::from(v.minor.to_string()));
    let mut helm = Map::new();
    helm.insert(key("Version"), Value::from(HELM_VERSION));
    for field in ["GitCommit", "GitTreeState", "GoVersion"] {
        helm.insert(key(field), Value::from(""));
    }
    helm.insert(key("KubeClientVersion"), Value::from(format!("v{}.{}", v.major, v.minor)));
    let mut map = Map::new();
    map.insert(key("KubeVersion"), Value::from(kube));
    map.insert(key("APIVersions"), Value::from(versions));
    map.insert(key("HelmVersion"), Value::from(helm));
    Value::from(map)
}

/// One chart's dot (without `Template`).
pub struct Root {
    pub map: Map,
}

impl Root {
    /// The dot of a chart with these parts; `chart` is `.Chart` as JSON.
    pub fn new(
        values: &serde_yaml::Mapping,
        chart: &serde_json::Value,
        release: &Value,
        capabilities: &Value,
        files: Value,
        subcharts: Map,
    ) -> Root {
        let mut map = Map::with_capacity(8);
        map.insert(key("Values"), from_yaml_map(values, false));
        map.insert(key("Chart"), Value::from_serializable(chart));
        map.insert(key("Release"), release.clone());
        map.insert(key("Capabilities"), capabilities.clone());
        map.insert(key("Files"), files);
        map.insert(key("Subcharts"), Value::from(subcharts));
        Root { map }
    }

    /// The dot of template `name` (a Helm path) of the chart at `base`.
    pub fn for_template(&self, name: &str, base: &str) -> Value {
        let mut map = self.map.clone();
        let mut template = Map::new();
        template.insert(key("Name"), Value::from(name));
        template.insert(key("BasePath"), Value::from(format!("{base}/templates")));
        map.insert(key("Template"), Value::from(template));
        Value::from(map)
    }

    /// The dot without `Template`, as `.Subcharts` holds it.
    pub fn value(&self) -> Value {
        Value::from(self.map.clone())
    }
}
