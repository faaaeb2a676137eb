//! A render against a baseline stream (a file or standard input, the common case of
//! `rudder diff`), in time and memory linear in the stream and small beside it.
//!
//! A rendered document printed exactly as one document of the stream (its `# Source:`
//! line and text, each once on its side) is the same resource with the same value, so
//! neither side is parsed again: both get a `Null` value, which compares as unchanged. A
//! render diffed against its last render mostly matches this way. Every other document
//! of the stream is parsed, a batch at a time (its first bad document stops the reading);
//! a resource the render does not have is kept as its identity and place in the stream
//! only ([`Removed`]), its tree dropped at once, and its text is made again when a report
//! shows it.

use super::load::{from_documents, resource};
use super::removed::{Item, Removed, Stream};
use super::{Options, Resource, ResourceId};
use crate::manifest::Document;
use crate::yaml::stream::{Markers, Piece};
use anyhow::Result;
use serde_yaml::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The two sides of a diff of a render against a stream.
#[derive(Debug)]
pub struct Sides {
    /// The stream's resources that the render has too (by identity), in stream order.
    pub old: Vec<Resource>,
    /// The render's resources.
    pub new: Vec<Resource>,
    /// The stream's resources that the render does not have.
    pub removed: Removed,
}

/// The sides of a diff of `rendered` (read with [`crate::manifest::Detail::Text`])
/// against the YAML stream `text` read from `origin`: see the module docs. Documents
/// without a namespace belong to `namespace`.
pub fn against_stream(
    rendered: Vec<Document>,
    text: Arc<String>,
    origin: &str,
    namespace: &str,
    options: &Options,
) -> Result<Sides> {
    let printed = Printed::of(&rendered)?;
    let new_ids = new_ids(&rendered, namespace)?;
    let mut reading = Reading {
        stream: text.as_str(),
        origin,
        namespace,
        new_ids: &new_ids,
        old: Vec::new(),
        removed: Vec::new(),
    };
    // The pieces printed as a rendered document, by that document.
    let mut matches: HashMap<usize, Vec<(usize, Piece)>> = HashMap::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut index = 0;
    crate::yaml::stream::each(&text, Markers::Yaml, origin, |piece| {
        match printed.find(piece.text) {
            Some(document) => matches.entry(document).or_default().push((index, piece)),
            None => batch.push((index, piece)),
        }
        index += 1;
        if batch.len() == BATCH {
            reading.read(std::mem::take(&mut batch))?;
        }
        Ok(())
    })?;
    reading.read(batch)?;
    // A rendered document printed as exactly one piece pairs with it; others are parsed.
    let mut unmatched = Vec::new();
    let mut new = Vec::with_capacity(rendered.len());
    for (document_index, document) in rendered.into_iter().enumerate() {
        match matches.remove(&document_index) {
            Some(pieces) if pieces.len() == 1 => {
                let (piece_index, piece) = pieces[0];
                let mut unchanged = resource(document, namespace);
                unchanged.value = Value::Null;
                let origin = format!("{origin}:{}", piece.text_line());
                reading.old.push((piece_index, 0, Resource { origin, ..unchanged.clone() }));
                new.push(vec![unchanged]);
            }
            pieces => {
                reading.read(pieces.unwrap_or_default())?;
                unmatched.push((new.len(), document));
                new.push(Vec::new());
            }
        }
    }
    let reparsed = crate::parallel::map_owned(unmatched, |(index, mut document)| -> Result<_> {
        crate::manifest::reparse(&mut document)?;
        Ok((index, from_documents(vec![document], namespace)?))
    });
    for found in reparsed {
        let (index, resources) = found?;
        new[index] = resources;
    }
    let Reading { mut old, removed, .. } = reading;
    old.sort_by_key(|(piece, index, _)| (*piece, *index));
    let stream = Stream {
        text: text.clone(),
        origin: origin.to_string(),
        namespace: namespace.to_string(),
        show_secrets: options.show_secrets,
        ignore: options.ignore.to_vec(),
        values: options.values.cloned(),
    };
    Ok(Sides {
        old: old.into_iter().map(|(_, _, resource)| resource).collect(),
        new: new.into_iter().flatten().collect(),
        removed: Removed::new(stream, removed)?,
    })
}

/// Pieces parsed in parallel between two checks for an error.
const BATCH: usize = 4096;

/// The rendered documents as printed, those printed once by their text.
struct Printed {
    text: String,
    /// Each document's text in `text`; `None` for a List, which is never paired.
    ranges: Vec<Option<(usize, usize)>>,
    /// Document index by hash of its text; `None` when two documents print the same.
    by_hash: HashMap<u64, Option<usize>>,
}

impl Printed {
    fn of(rendered: &[Document]) -> Result<Printed> {
        let mut buffer = Vec::new();
        let mut ranges = Vec::with_capacity(rendered.len());
        for document in rendered {
            let start = buffer.len();
            document.write_printed(&mut buffer)?;
            ranges.push((!document.kind.ends_with("List")).then_some((start, buffer.len())));
        }
        let text = String::from_utf8(buffer)?;
        let mut by_hash: HashMap<u64, Option<usize>> = HashMap::with_capacity(rendered.len());
        for (index, range) in ranges.iter().enumerate() {
            if let Some((start, end)) = range {
                by_hash.entry(hash(&text[*start..*end])).and_modify(|at| *at = None).or_insert(Some(index));
            }
        }
        Ok(Printed { text, ranges, by_hash })
    }

    /// The document printed once as `piece`, if there is one.
    fn find(&self, piece: &str) -> Option<usize> {
        let index = (*self.by_hash.get(&hash(piece))?)?;
        let (start, end) = self.ranges[index]?;
        (&self.text[start..end] == piece).then_some(index)
    }
}

fn hash(text: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(text)
}

/// The identity of every resource of the render (a List's items read from its text).
fn new_ids(rendered: &[Document], namespace: &str) -> Result<HashSet<ResourceId>> {
    let mut ids = HashSet::with_capacity(rendered.len());
    for document in rendered {
        if document.kind.ends_with("List") {
            let mut list = document.clone();
            crate::manifest::reparse(&mut list)?;
            ids.extend(from_documents(vec![list], namespace)?.into_iter().map(|r| r.id));
        } else {
            ids.insert(document.id(namespace));
        }
    }
    Ok(ids)
}

/// The stream's pieces as they are parsed: resources the render has, and those it lacks.
struct Reading<'a> {
    /// The whole stream, which pieces are slices of.
    stream: &'a str,
    origin: &'a str,
    namespace: &'a str,
    new_ids: &'a HashSet<ResourceId>,
    /// (piece, resource within it, resource).
    old: Vec<(usize, usize, Resource)>,
    /// Resources the render lacks, a chunk per batch read.
    removed: Vec<Vec<Item>>,
}

impl Reading<'_> {
    /// Parses `pieces` in parallel; the first error in the stream's order is returned.
    fn read(&mut self, pieces: Vec<(usize, Piece)>) -> Result<()> {
        let (stream, origin, namespace, new_ids) = (self.stream, self.origin, self.namespace, self.new_ids);
        let parsed = crate::parallel::map(&pieces, |(_, piece)| -> Result<Vec<Result<Resource, Item>>> {
            let documents = crate::manifest::read_piece(piece, origin)?;
            // A resource the render lacks keeps its identity only: its tree is dropped here.
            let kept: Vec<Result<Resource, Item>> = documents
                .into_iter()
                .enumerate()
                .map(|(within, document)| {
                    let resource = resource(document, namespace);
                    match new_ids.contains(&resource.id) {
                        true => Ok(resource),
                        false => Err(Item::new(&resource.id, &resource.api_version, stream, piece, within)),
                    }
                })
                .collect();
            Ok(kept)
        });
        let mut removed = Vec::new();
        for (kept, (index, _)) in parsed.into_iter().zip(&pieces) {
            for (within, kept) in kept?.into_iter().enumerate() {
                match kept {
                    Ok(resource) => self.old.push((*index, within, resource)),
                    Err(item) => removed.push(item),
                }
            }
        }
        if !removed.is_empty() {
            self.removed.push(removed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::load::{index, parse_stream};
    use crate::diff::{Entry, Report, compare};

    /// Rendered documents as the manifest stage gives them with `Detail::Text` (no
    /// namespace in force): their text, identity and source, no value.
    fn rendered(files: &[(&str, &str)]) -> Vec<Document> {
        let mut documents = Vec::new();
        for (path, text) in files {
            for (line, piece) in crate::manifest::split(text, path).unwrap() {
                let mut document = crate::manifest::parse_rendered(path, piece, line).unwrap().unwrap();
                document.value = Value::Null;
                documents.push(document);
            }
        }
        documents
    }

    /// Documents as `rudder render` prints them.
    fn printed(documents: &[Document]) -> String {
        let mut out = Vec::new();
        for document in documents {
            out.extend_from_slice(b"---\n");
            document.write_printed(&mut out).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    /// The report of `render` against `baseline`, by the text shortcut and by parsing both
    /// sides in full, which must agree.
    fn both_ways(render: &[(&str, &str)], baseline: &str) -> Result<Report> {
        let options = Options::default();
        let full: Result<Report> = (|| {
            let mut documents = rendered(render);
            for document in &mut documents {
                crate::manifest::reparse(document)?;
            }
            let new = from_documents(documents, "ns")?;
            let old = parse_stream(baseline, "base.yaml", "ns")?;
            // As `rudder diff` indexes them: the baseline first.
            Ok(compare(index(old)?, index(new)?, &options))
        })();
        let shortcut: Result<Report> = (|| {
            let sides =
                against_stream(rendered(render), Arc::new(baseline.into()), "base.yaml", "ns", &options)?;
            Ok(compare(index(sides.old)?, index(sides.new)?, &options).with_removed(sides.removed, &options))
        })();
        let entries = |report: &Report| -> Vec<Entry> {
            report.each_entry(false).map(|entry| entry.unwrap().into_owned()).collect()
        };
        match (&full, &shortcut) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.counts(), b.counts());
                assert_eq!(format!("{:?}", entries(a)), format!("{:?}", entries(b)));
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            _ => panic!("one way failed: {full:?} / {shortcut:?}"),
        }
        shortcut
    }

    #[test]
    fn the_text_shortcut_agrees_with_a_full_parse() {
        let a = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {k: v}\n";
        let b = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata: {k: v}\n";
        let list = "apiVersion: v1\nkind: ConfigMapList\nmetadata: {name: l}\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n";
        let render = [("c/templates/a.yaml", a), ("c/templates/b.yaml", b), ("c/templates/l.yaml", list)];
        let same = printed(&rendered(&render));
        assert_eq!(both_ways(&render, &same).unwrap().counts().unchanged, 3);
        // a and b matched by text (not parsed again); the List is opened, so parsed.
        let sides =
            against_stream(rendered(&render), Arc::new(same.clone()), "base.yaml", "ns", &Options::default())
                .unwrap();
        let nulls = |side: &[Resource]| side.iter().filter(|r| r.value.is_null()).count();
        assert_eq!((nulls(&sides.old), nulls(&sides.new), sides.old.len(), sides.new.len()), (2, 2, 3, 3));
        // One value changed; one document moved to another template (same resource).
        let changed =
            same.replace("name: b\ndata: {k: v}", "name: b\ndata: {k: w}").replace("a.yaml", "z.yaml");
        let report = both_ways(&render, &changed).unwrap();
        assert_eq!((report.counts().changed, report.counts().unchanged), (1, 2));
        // Removed and added.
        let report = both_ways(&render[..1], &same).unwrap();
        assert_eq!((report.counts().removed, report.counts().unchanged), (2, 1));
        // The same document twice in the baseline: a duplicate, as before.
        let twice = format!("{same}{}", printed(&rendered(&render[..1])));
        assert!(
            both_ways(&render, &twice).unwrap_err().to_string().contains("duplicate resource ConfigMap/a")
        );
        // Another document with the identity of one that matches: a duplicate too.
        let other_a = format!("{same}---\n{}", a.replace("{k: v}", "{k: x}"));
        assert!(
            both_ways(&render, &other_a).unwrap_err().to_string().contains("duplicate resource ConfigMap/a")
        );
        // The same document twice in the render.
        let twice = format!("{a}---\n{a}");
        let render_twice = [("c/templates/a.yaml", twice.as_str())];
        let err = both_ways(&render_twice, &printed(&rendered(&render_twice))).unwrap_err();
        assert!(err.to_string().contains("duplicate resource ConfigMap/a"), "{err}");
        // Two resources the render lacks with one identity: the same error either way.
        let b_twice = format!("{same}---\n{b}");
        let err = both_ways(&render[..1], &b_twice).unwrap_err();
        assert!(err.to_string().contains("duplicate resource ConfigMap/b"), "{err}");
        // A baseline error is still an error.
        assert!(both_ways(&render, &format!("{same}---\na: [1\n")).is_err());
    }
}
