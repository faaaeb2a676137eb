//! The documented import rules hold: every `crate::` path in a module of `src/` names a
//! module its row of the table in docs/architecture.md allows, every module has a row,
//! and the allowed graph has no cycle.

use crate::harness::repo;
use std::collections::{BTreeMap, BTreeSet};

/// The table between the markers: module → the modules it may import.
fn rules() -> BTreeMap<String, BTreeSet<String>> {
    let docs = std::fs::read_to_string(repo().join("docs/architecture.md")).unwrap();
    let start =
        docs.find("<!-- imports: checked by tests/architecture.rs -->").expect("the table's start marker");
    let end = docs.find("<!-- end of imports -->").expect("the table's end marker");
    let mut rules = BTreeMap::new();
    for row in docs[start..end].lines().filter(|l| l.starts_with("| ") && !l.starts_with("| module")) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let allowed: BTreeSet<String> = if cells[1] == "nothing of the crate" {
            BTreeSet::new()
        } else {
            cells[1].split(',').map(|m| m.trim().to_string()).collect()
        };
        for module in cells[0].split(',') {
            rules.insert(module.trim().to_string(), allowed.clone());
        }
    }
    rules
}

/// Top-level library module → the crate modules its files name.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = repo().join("src");
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap().to_string_lossy().to_string();
        let module = relative.split(['/', '.']).next().unwrap().to_string();
        if ["main", "cli", "cmd", "allocator", "overflow", "lib"].contains(&module.as_str()) {
            continue; // the binary may use everything; lib.rs only declares
        }
        let text = std::fs::read_to_string(path).unwrap();
        let used = imports.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let name: String =
                text[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if name != module {
                used.insert(name);
            }
        }
    }
    imports
}

#[test]
fn modules_import_only_what_the_architecture_allows() {
    let rules = rules();
    let mut broken = Vec::new();
    for (module, used) in imports() {
        let Some(allowed) = rules.get(&module) else {
            broken.push(format!("{module}: no row in docs/architecture.md"));
            continue;
        };
        for name in used.difference(allowed) {
            broken.push(format!("{module} imports {name}, which its row does not allow"));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_allowed_graph_has_no_cycle() {
    let rules = rules();
    // Depth-first search for a back edge.
    fn visit(
        m: &str,
        rules: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(m) {
            return;
        }
        assert!(!path.iter().any(|p| p == m), "cycle: {} -> {m}", path.join(" -> "));
        path.push(m.to_string());
        for next in rules.get(m).into_iter().flatten() {
            visit(next, rules, path, done);
        }
        path.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for module in rules.keys() {
        visit(module, &rules, &mut Vec::new(), &mut done);
    }
}
