use super::*;

fn resources(text: &str) -> BTreeMap<ResourceId, Resource> {
    index(parse_stream(text, "test.yaml", "ns").unwrap()).unwrap()
}

fn report(old: &str, new: &str, options: &Options) -> Report {
    compare(resources(old), resources(new), options)
}

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    checksum/config: aaa\nspec:\n  replicas: 2\n";

#[test]
fn formatting_and_key_order_are_not_changes() {
    let reformatted = "kind: Deployment\napiVersion: \"apps/v1\"  # comment\nmetadata: {annotations: {checksum/config: 'aaa'}, name: web}\nspec: {replicas: 2}\n";
    let r = report(DEPLOY, reformatted, &Options::default());
    assert!(!r.has_changes());
    assert_eq!(r.unchanged, 1);
}

#[test]
fn api_version_bump_is_one_change() {
    let bumped = DEPLOY.replace("apps/v1", "apps/v2");
    let r = report(DEPLOY, &bumped, &Options::default());
    assert_eq!(r.counts(), Counts { changed: 1, added: 0, removed: 0, unchanged: 0 });
    assert_eq!(r.entries[0].fields[0].path, "apiVersion");
    assert_eq!(r.entries[0].old_api_version.as_deref(), Some("apps/v1"));
}

#[test]
fn ignored_paths_and_resources_are_not_changes() {
    let changed = DEPLOY.replace("aaa", "bbb");
    let rules =
        [IgnoreRule { paths: vec!["metadata.annotations.checksum/*".into()], ..IgnoreRule::default() }];
    assert!(!report(DEPLOY, &changed, &Options { ignore: &rules, ..Options::default() }).has_changes());
    let rules = [IgnoreRule { kind: Some("Deployment".into()), ..IgnoreRule::default() }];
    let r = report("", &changed, &Options { ignore: &rules, ..Options::default() });
    assert!(!r.has_changes());
    assert_eq!(r.unchanged, 0);
}

#[test]
fn entries_come_in_install_order() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: z}\n";
    let r = report("", &format!("{DEPLOY}---\n{cm}"), &Options::default());
    let kinds: Vec<&str> = r.entries.iter().map(|e| e.id.kind.as_str()).collect();
    assert_eq!(kinds, ["ConfigMap", "Deployment"]);
}

#[test]
fn secrets_are_masked_unless_shown() {
    let old = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2}\n";
    let new = old.replace("hunter2", "hunter3");
    let masked = report(old, &new, &Options::default());
    let text = format!("{:?}", masked.entries);
    assert!(!text.contains("hunter"), "{text}");
    assert!(masked.entries[0].new_text.contains("<masked: 7 bytes, after>"));
    let shown = report(old, &new, &Options { show_secrets: true, ..Options::default() });
    assert!(shown.entries[0].new_text.contains("hunter3"));
}
