//! `Chart.yaml`: parsing and validation of a chart's metadata (apiVersion v2, and Helm 2's
//! v1 with its `requirements.yaml`).

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The fields of `Chart.yaml`, with Helm's names.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kube_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub chart_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintainers: Vec<Maintainer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
}

/// A `maintainers` entry.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Maintainer {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A `dependencies` entry.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// `import-values`: strings (`data` imports the child's `exports.data` into the
    /// parent's root) or `{child, parent}` maps, as written.
    #[serde(default, rename = "import-values", skip_serializing_if = "Vec::is_empty")]
    pub import_values: Vec<serde_yaml::Value>,
}

/// One `import-values` rule, as Helm normalises it: the child's table at `child` (a
/// dotted path under the subchart's values) goes to `parent` (a dotted path, `.` for the
/// parent's root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportValue {
    pub child: String,
    pub parent: String,
}

impl Dependency {
    /// The `import-values` rules in order: a string `x` is `{child: exports.x, parent: .}`;
    /// a map's `child` and `parent` are read as text (a missing one as Go prints nil);
    /// any other entry is ignored, as Helm ignores it.
    pub fn import_rules(&self) -> Vec<ImportValue> {
        let text = |value: Option<&serde_yaml::Value>| match value {
            None | Some(serde_yaml::Value::Null) => "<nil>".to_string(),
            Some(value) => crate::yaml::scalar_text(value).unwrap_or_default(),
        };
        self.import_values
            .iter()
            .filter_map(|rule| match rule {
                serde_yaml::Value::String(name) => {
                    Some(ImportValue { child: format!("exports.{name}"), parent: ".".into() })
                }
                serde_yaml::Value::Mapping(map) => {
                    Some(ImportValue { child: text(map.get("child")), parent: text(map.get("parent")) })
                }
                _ => None,
            })
            .collect()
    }

    /// The name the subchart goes by in the parent: its alias, or its name.
    pub fn key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }

    /// The local path of a `file://` repository, if it is one.
    pub fn file_path(&self) -> Option<&str> {
        self.repository.as_deref()?.strip_prefix("file://")
    }
}

impl Metadata {
    /// Parses and validates `Chart.yaml` text. Errors name the field and, where it can be
    /// found, the line.
    pub fn parse(text: &str, path: &str) -> Result<Metadata> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        crate::yaml::check_strict(text, path)?;
        let mut meta: Metadata =
            serde_yaml::from_str(text).map_err(|e| anyhow::anyhow!("{}", crate::yaml::located(path, &e)))?;
        if meta.api_version.is_empty() {
            meta.api_version = "v1".into(); // Helm 2 charts could leave it out
        }
        meta.validate().map_err(|e| {
            let line = field_line(text, &e.field).unwrap_or(1);
            anyhow::anyhow!("{path}:{line}:1: {}", e.message)
        })?;
        Ok(meta)
    }

    /// True for `type: library` charts, which hold partials only and cannot be rendered.
    pub fn is_library(&self) -> bool {
        self.chart_type.as_deref() == Some("library")
    }

    /// True for a Helm 2 chart (`apiVersion: v1`, or none, as Helm reads it).
    pub fn is_v1(&self) -> bool {
        self.api_version == "v1"
    }

    /// Takes the `dependencies` of `requirements.yaml` (Helm 2's place for them), as Helm
    /// does: when the file lists them, they replace those of `Chart.yaml`.
    pub fn read_requirements(&mut self, text: &str, path: &str) -> Result<()> {
        #[derive(Deserialize)]
        struct Requirements {
            dependencies: Option<Vec<Dependency>>,
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        crate::yaml::check_strict(text, path)?;
        let requirements: Requirements =
            serde_yaml::from_str(text).map_err(|e| anyhow::anyhow!("{}", crate::yaml::located(path, &e)))?;
        if let Some(dependencies) = requirements.dependencies {
            self.dependencies = dependencies;
        }
        self.validate_dependencies().map_err(|e| {
            let line = field_line(text, &e.field).unwrap_or(1);
            anyhow::anyhow!("{path}:{line}:1: {}", e.message)
        })
    }

    fn validate(&self) -> Result<(), FieldError> {
        if self.api_version != "v2" && !self.is_v1() {
            return Err(FieldError::new(
                "apiVersion",
                format!("apiVersion must be \"v2\" (or Helm 2's \"v1\"), found {:?}", self.api_version),
            ));
        }
        validate_name(&self.name).map_err(|m| FieldError::new("name", m))?;
        if self.version.is_empty() {
            return Err(FieldError::new(
                "version",
                "version is required: the chart's SemVer 2 version (MAJOR.MINOR.PATCH, e.g. 0.1.0)"
                    .to_string(),
            ));
        }
        lenient_version(&self.version).map_err(|e| {
            FieldError::new(
                "version",
                format!("version {:?} is not a semantic version (MAJOR.MINOR.PATCH): {e}", self.version),
            )
        })?;
        if let Some(kind) = &self.chart_type
            && kind != "application"
            && kind != "library"
        {
            return Err(FieldError::new(
                "type",
                format!("type must be application or library, found {kind:?}"),
            ));
        }
        if let Some(constraint) = &self.kube_version {
            parse_constraint(constraint)
                .map_err(|e| FieldError::new("kubeVersion", format!("kubeVersion {constraint:?}: {e:#}")))?;
        }
        self.validate_dependencies()
    }

    fn validate_dependencies(&self) -> Result<(), FieldError> {
        let mut seen = std::collections::BTreeSet::new();
        for dep in &self.dependencies {
            if dep.name.is_empty() {
                return Err(FieldError::new("dependencies", "a dependency has no name".into()));
            }
            if let Some(alias) = &dep.alias
                && (alias.is_empty()
                    || !alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            {
                return Err(FieldError::new(
                    "alias",
                    format!("dependency {:?} has disallowed characters in the alias {alias:?}", dep.name),
                ));
            }
            if let Some(range) = &dep.version {
                parse_constraint(range).map_err(|e| {
                    FieldError::new(
                        "version",
                        format!("dependency {:?}: version range {range:?}: {e:#}", dep.name),
                    )
                })?;
            }
            if !seen.insert(dep.key().to_string()) {
                return Err(FieldError::new(
                    "dependencies",
                    format!("more than one dependency with name or alias {:?}", dep.key()),
                ));
            }
        }
        Ok(())
    }
}

struct FieldError {
    field: String,
    message: String,
}

impl FieldError {
    fn new(field: &str, message: String) -> Self {
        FieldError { field: field.to_string(), message }
    }
}

/// The 1-based line of the first `field:` key in `text`, at any indentation.
fn field_line(text: &str, field: &str) -> Option<usize> {
    let key = format!("{field}:");
    text.lines()
        .position(|line| {
            let line = line.trim_start().trim_start_matches("- ");
            line.starts_with(&key)
        })
        .map(|i| i + 1)
}

/// A chart name must be one safe path segment: it names directories and archives.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("name is required".to_string());
    }
    if name == "." || name == ".." || name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        return Err(format!("name {name:?} is not a single safe path segment"));
    }
    Ok(())
}

/// Parses a Helm (Masterminds) version constraint: `||` between alternatives, spaces or
/// commas between the comparators of one alternative.
pub fn parse_constraint(text: &str) -> Result<Vec<semver::VersionReq>> {
    text.split("||")
        .map(|alternative| {
            let comparators: Vec<&str> = alternative.split([',', ' ']).filter(|s| !s.is_empty()).collect();
            let normalized: Vec<String> =
                join_operators(&comparators).iter().map(|c| normalize_comparator(c)).collect();
            let joined = normalized.join(", ");
            semver::VersionReq::parse(&joined)
                .with_context(|| format!("invalid constraint {:?}", alternative.trim()))
        })
        .collect()
}

/// A comparator as the `semver` crate reads it, written as Masterminds reads it: a leading
/// `v` dropped, `x`/`X` wildcards as `*`, and a partial version with a pre-release
/// (`>= 1.33-0`) filled out to three numbers (`>=1.33.0-0`).
fn normalize_comparator(comparator: &str) -> String {
    let split = comparator.find(|c: char| !"<>=~^!".contains(c)).unwrap_or(comparator.len());
    let (op, version) = comparator.split_at(split);
    let version = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let (core, extra) = match version.find(['-', '+']) {
        Some(at) => version.split_at(at),
        None => (version, ""),
    };
    let mut parts: Vec<String> =
        core.split('.').map(|p| if p == "x" || p == "X" { "*".to_string() } else { p.to_string() }).collect();
    if !extra.is_empty() && parts.iter().all(|p| p != "*") {
        while parts.len() < 3 {
            parts.push("0".to_string());
        }
    }
    format!("{op}{}{extra}", parts.join("."))
}

/// `>= 1.2` written with a space becomes `>=1.2`.
fn join_operators(parts: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        match out.last_mut() {
            Some(last) if last.chars().all(|c| "<>=~^!".contains(c)) => last.push_str(part),
            _ => out.push((*part).to_string()),
        }
    }
    out
}

/// True if `version` satisfies a constraint parsed by [`parse_constraint`]. Pre-release
/// versions match as if they were releases (Kubernetes `v1.29.3-gke.1` is 1.29.3).
/// A version as Masterminds' `semver.NewVersion` (and so Helm) reads it: a leading `v`
/// dropped, a missing minor or patch number taken as 0 (`v1.2` is 1.2.0).
pub fn lenient_version(text: &str) -> Result<semver::Version, semver::Error> {
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let (core, rest) = match text.find(['-', '+']) {
        Some(at) => text.split_at(at),
        None => (text, ""),
    };
    let mut parts: Vec<&str> = core.split('.').collect();
    while parts.len() < 3 && parts.iter().all(|p| !p.is_empty()) {
        parts.push("0");
    }
    semver::Version::parse(&format!("{}{rest}", parts.join(".")))
}

pub fn satisfies(constraint: &[semver::VersionReq], version: &semver::Version) -> bool {
    let mut release = version.clone();
    release.pre = semver::Prerelease::EMPTY;
    release.build = semver::BuildMetadata::EMPTY;
    constraint.iter().any(|req| req.matches(&release) || req.matches(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "apiVersion: v2\nname: web\nversion: 1.2.3\n";

    #[test]
    fn parses_a_minimal_chart() {
        let meta = Metadata::parse(GOOD, "Chart.yaml").unwrap();
        assert_eq!(meta.name, "web");
        assert!(!meta.is_library());
    }

    #[test]
    fn rejects_bad_fields_with_line_numbers() {
        let cases = [
            (
                "apiVersion: v3\nname: a\nversion: 1.0.0",
                "Chart.yaml:1:1: apiVersion must be \"v2\" (or Helm 2's \"v1\")",
            ),
            (
                "apiVersion: v2\nname: ../x\nversion: 1.0.0",
                "Chart.yaml:2:1: name \"../x\" is not a single safe path segment",
            ),
            ("apiVersion: v2\nname: \"..\"\nversion: 1.0.0", "not a single safe path segment"),
            ("apiVersion: v2\nname: a\\b\nversion: 1.0.0", "not a single safe path segment"),
            ("apiVersion: v2\nversion: 1.0.0", "name is required"),
            (
                "apiVersion: v2\nname: a\nversion: \"1.0.x\"",
                "Chart.yaml:3:1: version \"1.0.x\" is not a semantic version",
            ),
            (
                "apiVersion: v2\nname: a\nversion: 1.0.0\ntype: app",
                "Chart.yaml:4:1: type must be application or library",
            ),
            (
                "apiVersion: v2\nname: a\nversion: 1.0.0\nkubeVersion: nope",
                "Chart.yaml:4:1: kubeVersion \"nope\"",
            ),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", Metadata::parse(text, "Chart.yaml").unwrap_err());
            assert!(err.contains(expected), "{err} does not contain {expected}");
        }
    }

    #[test]
    fn helm_2_charts_read_their_dependencies_from_requirements() {
        let mut meta = Metadata::parse("name: old\nversion: 1.0.0\n", "Chart.yaml").unwrap();
        assert!(meta.is_v1(), "no apiVersion is Helm 2's v1");
        meta.read_requirements("dependencies:\n- name: db\n  condition: db.enabled\n", "requirements.yaml")
            .unwrap();
        assert_eq!(
            (meta.dependencies[0].name.as_str(), meta.dependencies[0].condition.as_deref()),
            ("db", Some("db.enabled"))
        );
        let err = meta
            .read_requirements("dependencies:\n- name: a\n- name: b\n  alias: a\n", "requirements.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("requirements.yaml:1:1: ") && err.contains("more than one dependency"),
            "{err}"
        );
    }

    #[test]
    fn rejects_bad_dependencies() {
        let dup = format!("{GOOD}dependencies:\n- name: a\n- name: b\n  alias: a\n");
        assert!(
            Metadata::parse(&dup, "Chart.yaml").unwrap_err().to_string().contains("more than one dependency")
        );
        let alias = format!("{GOOD}dependencies:\n- name: a\n  alias: a.b\n");
        assert!(
            Metadata::parse(&alias, "Chart.yaml").unwrap_err().to_string().contains("disallowed characters")
        );
    }

    #[test]
    fn import_values_normalise_as_helm_does() {
        let text = "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - name: d\n    import-values:\n      - data\n      - child: a.b\n        parent: .\n      - child: 1\n      - [ignored]\n";
        let meta = Metadata::parse(text, "Chart.yaml").unwrap();
        let rule = |child: &str, parent: &str| ImportValue { child: child.into(), parent: parent.into() };
        assert_eq!(
            meta.dependencies[0].import_rules(),
            [rule("exports.data", "."), rule("a.b", "."), rule("1", "<nil>")]
        );
    }

    #[test]
    fn numeric_app_version_keeps_its_text() {
        // Helm turns `appVersion: 1.10` into "1.1"; the scalar's text is kept here.
        let meta = Metadata::parse(&format!("{GOOD}appVersion: 1.10\n"), "Chart.yaml").unwrap();
        assert_eq!(meta.app_version.as_deref(), Some("1.10"));
    }

    #[test]
    fn constraints_follow_helm_syntax() {
        let v = |s| semver::Version::parse(s).unwrap();
        let c = parse_constraint(">= 1.20.0-0").unwrap();
        assert!(satisfies(&c, &v("1.29.3-gke.1")));
        assert!(!satisfies(&c, &v("1.19.0")));
        let c = parse_constraint(">=1.0.0 <2.0.0 || ^3.1").unwrap();
        assert!(satisfies(&c, &v("1.5.0")));
        assert!(satisfies(&c, &v("3.2.0")));
        assert!(!satisfies(&c, &v("2.1.0")));
        assert!(parse_constraint("~0.1.0").is_ok());
        let c = parse_constraint(">= 1.33-0").unwrap();
        assert!(satisfies(&c, &semver::Version::parse("1.35.0").unwrap()));
        assert!(!satisfies(&c, &semver::Version::parse("1.32.9").unwrap()));
        assert!(parse_constraint("1.2.x").is_ok() && parse_constraint(">=v1.2").is_ok());
    }
}
