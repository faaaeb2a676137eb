//! Helm hooks: which documents are hooks (`helm.sh/hook`), which of them `--no-hooks` and
//! `--skip-tests` drop, and the documents Helm itself drops for naming an unknown hook.

use serde_yaml::Value;

/// The annotation that makes a document a hook.
pub const ANNOTATION: &str = "helm.sh/hook";

/// The hook events Helm v4 knows (pkg/release/v1/util/manifest_sorter.go); `test-success`
/// is Helm 2's name for `test`.
const EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// Which hooks a render keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HookFilter {
    /// `--no-hooks`: drop every hook.
    pub no_hooks: bool,
    /// `--skip-tests`: drop the hooks that run on `helm test`.
    pub skip_tests: bool,
}

/// What a document is, by its `helm.sh/hook` annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hook {
    /// Not a hook: an ordinary resource.
    None,
    /// A hook for these events (lower-cased, trimmed, as Helm reads them).
    Events(Vec<String>),
    /// A hook naming an event Helm does not know: Helm drops the document.
    Unknown(String),
}

impl Hook {
    /// Reads the annotation of a parsed document.
    pub fn of(value: &Value) -> Hook {
        let annotation =
            value.get("metadata").and_then(|m| m.get("annotations")).and_then(|a| a.get(ANNOTATION));
        let Some(annotation) = annotation else {
            return Hook::None;
        };
        let text = match annotation {
            Value::String(s) => s.clone(),
            other => crate::yaml::to_string(other).trim_end().to_string(),
        };
        let mut events = Vec::new();
        for event in text.split(',') {
            let event = event.trim().to_ascii_lowercase();
            if !EVENTS.contains(&event.as_str()) {
                return Hook::Unknown(text);
            }
            events.push(event);
        }
        Hook::Events(events)
    }

    pub fn is_hook(&self) -> bool {
        !matches!(self, Hook::None)
    }

    /// True for the hooks `helm test` runs (`test`, or Helm 2's `test-success`).
    pub fn is_test(&self) -> bool {
        matches!(self, Hook::Events(events) if events.iter().any(|e| e == "test" || e == "test-success"))
    }

    /// True if `filter` keeps a document with this hook.
    pub fn is_kept(&self, filter: HookFilter) -> bool {
        match self {
            Hook::None => true,
            Hook::Unknown(_) => false,
            Hook::Events(_) => !(filter.no_hooks || (filter.skip_tests && self.is_test())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(annotation: &str) -> Hook {
        let text = format!("metadata:\n  annotations:\n    helm.sh/hook: {annotation}\n");
        Hook::of(&crate::yaml::parse_document(&text, crate::yaml::Schema::Kube).unwrap())
    }

    #[test]
    fn events_are_trimmed_and_lower_cased() {
        assert_eq!(
            hook("\"Pre-Install, post-upgrade\""),
            Hook::Events(vec!["pre-install".into(), "post-upgrade".into()])
        );
        assert_eq!(
            Hook::of(&crate::yaml::parse_document("kind: X", crate::yaml::Schema::Kube).unwrap()),
            Hook::None
        );
    }

    #[test]
    fn unknown_events_make_the_document_unknown() {
        assert_eq!(hook("crd-install"), Hook::Unknown("crd-install".into()));
        assert_eq!(hook("\"post-install,test-failure\""), Hook::Unknown("post-install,test-failure".into()));
    }

    #[test]
    fn filters_follow_helm() {
        let all = HookFilter::default();
        let no_hooks = HookFilter { no_hooks: true, skip_tests: false };
        let skip_tests = HookFilter { no_hooks: false, skip_tests: true };
        assert!(hook("post-install").is_kept(all));
        assert!(!hook("post-install").is_kept(no_hooks));
        assert!(hook("post-install").is_kept(skip_tests));
        assert!(!hook("test").is_kept(skip_tests));
        assert!(!hook("test-success").is_kept(skip_tests));
        assert!(!hook("\"test,post-install\"").is_kept(skip_tests));
        assert!(!hook("crd-install").is_kept(all));
        assert!(Hook::None.is_kept(no_hooks));
    }
}
