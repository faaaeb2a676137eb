//! The porting table (`docs/porting.yaml`, shown in docs/porting.md): every row's Tera
//! side, rendered by rudder, prints what helm printed for its Helm side
//! (`tests/fixtures/porting/helm.json`, written and checked in CI by
//! `.ci/porting-table.sh`), and the table in the docs is generated from the rows.

use crate::harness::{repo, run};
use base64::Engine as _;
use serde::Deserialize;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Row {
    helm: String,
    tera: String,
    note: Option<String>,
    #[serde(default)]
    cases: Vec<Mapping>,
    /// The Tera side's values when they must differ (a `tpl` value is a template).
    #[serde(default)]
    tera_cases: Vec<Mapping>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    tera_templates: BTreeMap<String, String>,
    #[serde(default)]
    fails: bool,
    in_table: Option<bool>,
    #[serde(default, rename = "helm_templates")]
    _helm_templates: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct HelmRow {
    helm: String,
    outputs: Vec<HelmOutput>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct HelmOutput {
    out: Option<String>,
    #[serde(default)]
    fails: bool,
}

fn rows() -> Vec<Row> {
    serde_yaml::from_str(&std::fs::read_to_string(repo().join("docs/porting.yaml")).unwrap()).unwrap()
}

/// Renders a row's Tera side for one case: its output, or `None` if the render failed.
fn render(row: &Row, values: &Mapping) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("row");
    let write = |path: &str, text: &str| {
        let path = chart.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("Chart.yaml", "apiVersion: v2\nname: row\nversion: 0.1.0\n");
    write("values.yaml", &rudder::yaml::to_string(&Value::Mapping(values.clone())));
    for (path, text) in &row.files {
        write(path, text);
    }
    for (path, text) in &row.tera_templates {
        write(&format!("templates/{path}"), text);
    }
    let wrapper = format!(
        "{{% set row %}}{}{{% endset %}}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: row\ndata:\n  out: {{{{ row | b64enc | quote }}}}\n",
        row.tera
    );
    write("templates/row.yaml", &wrapper);
    let out = run(dir.path(), &["render", "row", "row"]);
    if out.code != 0 {
        return None;
    }
    let documents = rudder::diff::parse_stream(&out.stdout, "render", "default").unwrap();
    let document = documents.iter().find(|d| d.id.kind == "ConfigMap" && d.id.name == "row").unwrap();
    let encoded = document.value["data"]["out"].as_str().unwrap();
    Some(String::from_utf8(base64::engine::general_purpose::STANDARD.decode(encoded).unwrap()).unwrap())
}

#[test]
fn every_row_renders_as_helm_renders_its_helm_side() {
    let helm: Vec<HelmRow> = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/fixtures/porting/helm.json")).unwrap(),
    )
    .unwrap();
    let rows = rows();
    assert_eq!(rows.len(), helm.len(), "helm.json is stale: rerun .ci/porting-table.sh --update");
    let mut failures = Vec::new();
    for (row, recorded) in rows.iter().zip(&helm) {
        assert_eq!(row.helm, recorded.helm, "helm.json is stale: rerun .ci/porting-table.sh --update");
        let cases = match (&row.cases, &row.tera_cases) {
            (_, tera) if !tera.is_empty() => tera.clone(),
            (cases, _) if !cases.is_empty() => cases.clone(),
            _ => vec![Mapping::new()],
        };
        assert_eq!(cases.len(), recorded.outputs.len(), "{}: helm.json is stale", row.helm);
        for (values, expected) in cases.iter().zip(&recorded.outputs) {
            let got = render(row, values);
            let want = if expected.fails { None } else { expected.out.clone() };
            if got != want || row.fails != expected.fails {
                failures.push(format!(
                    "{}\n  values: {values:?}\n  helm:   {want:?}\n  rudder: {got:?}",
                    row.tera
                ));
            }
        }
    }
    assert!(failures.is_empty(), "rows where rudder's Tera side differs from helm:\n{}", failures.join("\n"));
}

const START: &str = "<!-- porting table: generated from docs/porting.yaml by tests/porting.rs -->\n";
const END: &str = "<!-- end of porting table -->\n";

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from("| Helm | rudder (Tera) | note |\n|---|---|---|\n");
    for row in rows.iter().filter(|r| r.in_table != Some(false)) {
        let note = row.note.as_deref().map(cell).unwrap_or_default();
        out.push_str(&format!("| `{}` | `{}` | {note} |\n", cell(&row.helm), cell(&row.tera)));
    }
    out
}

#[test]
fn the_table_in_the_docs_is_the_rows() {
    let path = repo().join("docs/porting.md");
    let docs = std::fs::read_to_string(&path).unwrap();
    let start = docs.find(START).expect("the table's start marker") + START.len();
    let end = docs.find(END).expect("the table's end marker");
    let generated = table(&rows());
    if std::env::var_os("RUDDER_UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{generated}{}", &docs[..start], &docs[end..])).unwrap();
        return;
    }
    assert_eq!(
        &docs[start..end],
        generated,
        "regenerate with RUDDER_UPDATE_DOCS=1 cargo test --test integration porting"
    );
}
