//! `rudder convert SRC DEST`: the library converts, this writes the chart (one atomic
//! switch of DEST), prints the places left for a person and, with `--verify`, renders
//! both sides (helm for SRC, again where they differ, to tell its random outputs; this
//! binary for DEST) and compares them with rudder's diff engine.

use crate::cli::ConvertArgs;
use anyhow::{Context, Result, bail};
use rudder::chart::Chart;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Exit status when the chart converted with places left for a person.
const EXIT_PLACES: u8 = 3;

pub fn run(args: ConvertArgs) -> Result<ExitCode> {
    let dest = &args.destination;
    if (dest.exists() || dest.is_symlink()) && !args.force {
        bail!("{}: already exists; pass --force to replace it", dest.display());
    }
    let chart = Chart::load(&args.source)?;
    let conversion = rudder::convert::convert(&chart)
        .with_context(|| format!("cannot convert {}", args.source.display()))?;
    write(dest, &conversion.files)?;
    for place in &conversion.places {
        let file = dest.join(&place.file);
        let line = format!("{}:{}:{}: {}", file.display(), place.line, place.column, place.what);
        eprintln!(
            "{}, and what to do: write it in Tera by hand (docs/porting.md)",
            rudder::present::terminal_safe(&line)
        );
    }
    let places = conversion.places.len();
    super::say(format_args!(
        "converted {} into {} ({} files, {places} place{} left for a person)",
        args.source.display(),
        dest.display(),
        conversion.files.len(),
        if places == 1 { "" } else { "s" }
    ))?;
    if args.verify && !verify(&args)? {
        return Ok(ExitCode::FAILURE);
    }
    Ok(if places > 0 { ExitCode::from(EXIT_PLACES) } else { ExitCode::SUCCESS })
}

/// Writes the tree as DEST, switched in whole.
fn write(dest: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let name = dest
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{}: not a directory name", dest.display()))?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tree: BTreeMap<String, Vec<u8>> =
        files.iter().map(|(path, bytes)| (format!("{name}/{path}"), bytes.clone())).collect();
    rudder::atomic::write_files(&parent, &tree)?;
    Ok(())
}

/// Renders every value set both ways and compares; true when all are equal.
fn verify(args: &ConvertArgs) -> Result<bool> {
    let helm = args.helm.clone().unwrap_or_else(|| PathBuf::from("helm"));
    let mut sets: Vec<(String, Option<PathBuf>)> = vec![("default values".to_string(), None)];
    let ci = args.destination.join("ci");
    if ci.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&ci)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        sets.extend(
            files.into_iter().map(|f| (format!("ci/{}", f.file_name().unwrap().to_string_lossy()), Some(f))),
        );
    }
    sets.extend(args.values.iter().map(|f| (f.display().to_string(), Some(f.clone()))));
    let me = std::env::current_exe().context("cannot find rudder's own binary")?;
    let mut equal = 0;
    for (name, values) in &sets {
        let mut helm_cmd = Command::new(&helm);
        helm_cmd.args(["template", "demo"]).arg(&args.source).args(["-n", "demo-ns"]);
        if let Some(values) = values {
            helm_cmd.arg("-f").arg(values);
        }
        let output = helm_cmd
            .output()
            .map_err(|e| anyhow::anyhow!("cannot run {} (--helm PATH names another): {e}", helm.display()))?;
        if !output.status.success() {
            // Alike when rudder refuses the set too (a chart's schema, `required`, `fail`).
            let mut render = Command::new(&me);
            render.args(["render", "demo"]).arg(&args.destination).args(["-n", "demo-ns"]);
            if let Some(values) = values {
                render.arg("-f").arg(values);
            }
            let refused = !render.output().context("cannot run rudder render")?.status.success();
            let err = String::from_utf8_lossy(&output.stderr);
            let err = rudder::present::terminal_safe(err.trim());
            if refused {
                equal += 1;
                println!("{name}: refused by helm and by rudder: {err}");
            } else {
                println!("{name}: helm refuses it, rudder renders it: {err}");
            }
            continue;
        }
        let mut render = Command::new(&me);
        render.args(["render", "demo"]).arg(&args.destination).args(["-n", "demo-ns"]);
        render.args(["--release-service", "Helm", "--no-inject-namespace"]);
        if let Some(values) = values {
            render.arg("-f").arg(values);
        }
        let ours = render.output().context("cannot run rudder render")?;
        if !ours.status.success() {
            let err = String::from_utf8_lossy(&ours.stderr);
            println!("{name}: rudder cannot render it: {}", rudder::present::terminal_safe(err.trim()));
            continue;
        }
        let theirs = resources(&output.stdout, "helm")?;
        let found = fields_that_differ(theirs.clone(), resources(&ours.stdout, "rudder")?);
        // Where they differ, a second helm render tells helm's random outputs
        // (randAlphaNum, bcrypt salts, the checksums of what holds them) from differences.
        let random = match found.is_empty() {
            true => Vec::new(),
            false => {
                let again = helm_cmd.output().context("cannot run helm a second time")?;
                fields_that_differ(theirs, resources(&again.stdout, "helm's second render")?)
            }
        };
        let (chance, real): (Vec<_>, Vec<_>) = found.into_iter().partition(|f| random.contains(f));
        if real.is_empty() {
            equal += 1;
            match chance.is_empty() {
                true => println!("{name}: equal"),
                false => println!("{name}: equal but for helm's random outputs: {}", chance.join(", ")),
            }
        } else {
            println!("{name}: differs\n{}", indent(&real.join("\n")));
        }
    }
    println!("{equal} of {} value sets render as helm renders them", sets.len());
    Ok(equal == sets.len())
}

/// A render's resources by identity.
fn resources(bytes: &[u8], what: &str) -> Result<BTreeMap<rudder::diff::ResourceId, rudder::diff::Resource>> {
    let text = String::from_utf8_lossy(bytes);
    rudder::diff::index(rudder::diff::parse_stream(&text, what, "demo-ns")?)
}

/// What differs between two renders: `changed Kind/name: field` per field (`added`,
/// `removed` per resource), compared with rudder's diff engine.
fn fields_that_differ(
    old: BTreeMap<rudder::diff::ResourceId, rudder::diff::Resource>,
    new: BTreeMap<rudder::diff::ResourceId, rudder::diff::Resource>,
) -> Vec<String> {
    let options = rudder::diff::Options { show_secrets: true, ..Default::default() };
    let report = rudder::diff::compare(old, new, &options);
    let mut out = Vec::new();
    for entry in &report.entries {
        let id = rudder::present::terminal_safe(&entry.id.to_string()).into_owned();
        if entry.fields.is_empty() {
            out.push(format!("{} {id}", entry.change));
        }
        for field in &entry.fields {
            out.push(format!("{} {id}: {}", field.change, rudder::present::terminal_safe(&field.path)));
        }
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}
