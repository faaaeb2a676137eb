//! The resources of a baseline stream that a render does not have, kept small: each is
//! its identity (one allocation), its apiVersion and its place in the stream, not a parsed
//! tree, so a stream of 200,000 such resources costs a fraction of its own size. A report
//! reads one again when it shows its text ([`Removed::entry`]).

use super::load::resource;
use super::{Change, Entry, Options, ResourceId};
use crate::project::IgnoreRule;
use crate::yaml::stream::Piece;
use anyhow::{Result, anyhow, bail};
use std::collections::HashMap;
use std::sync::Arc;

/// Removed resources, in the order set by [`Removed::sort`] (the stream's until then).
#[derive(Debug, Clone, Default)]
pub struct Removed {
    stream: Option<Arc<Stream>>,
    /// As read, a batch of the stream at a time (no copy when the set grows).
    chunks: Vec<Vec<Item>>,
    /// (chunk, position) of each, in order.
    order: Vec<(u32, u32)>,
}

/// The stream, and what making a removed resource's entry again needs.
#[derive(Debug)]
pub struct Stream {
    pub text: Arc<String>,
    pub origin: String,
    pub namespace: String,
    pub show_secrets: bool,
    pub ignore: Vec<IgnoreRule>,
    pub values: Option<crate::secret::ValueTexts>,
}

/// One removed resource.
#[derive(Debug, Clone)]
pub struct Item {
    key: Key,
    api_version: Box<str>,
    /// Its document's source and text as byte ranges of the stream, and its first line.
    source: (usize, usize),
    text_start: usize,
    line: usize,
    /// Which of the document's resources it is (a `List` holds several).
    index: u32,
}

/// A resource's identity in one allocation: group, kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    text: Box<str>,
    ends: [u32; 3],
}

impl Key {
    fn new(id: &ResourceId) -> Key {
        let parts = [&id.group, &id.kind, &id.namespace, &id.name];
        let mut ends = [0u32; 3];
        let mut length = 0;
        for (end, part) in ends.iter_mut().zip(parts) {
            length += part.len();
            *end = u32::try_from(length).unwrap_or(u32::MAX);
        }
        Key { text: parts.iter().map(|p| p.as_str()).collect::<String>().into_boxed_str(), ends }
    }

    /// Group, kind, namespace and name.
    fn parts(&self) -> [&str; 4] {
        let [a, b, c] = self.ends.map(|end| end as usize);
        [&self.text[..a], &self.text[a..b], &self.text[b..c], &self.text[c..]]
    }

    fn id(&self) -> ResourceId {
        let [group, kind, namespace, name] = self.parts().map(str::to_string);
        ResourceId { group, kind, namespace, name }
    }
}

impl Item {
    /// The `index`th resource (`id`, `api_version`) of `piece`, a document of `stream`.
    pub fn new(id: &ResourceId, api_version: &str, stream: &str, piece: &Piece, index: usize) -> Item {
        let offset = |part: &str| part.as_ptr() as usize - stream.as_ptr() as usize;
        let start = offset(piece.source);
        Item {
            key: Key::new(id),
            api_version: api_version.into(),
            source: (start, start + piece.source.len()),
            text_start: offset(piece.text),
            line: piece.line,
            index: u32::try_from(index).unwrap_or(u32::MAX),
        }
    }

    fn piece<'t>(&self, text: &'t str) -> Piece<'t> {
        Piece {
            source: &text[self.source.0..self.source.1],
            text: &text[self.text_start..self.source.1],
            line: self.line,
        }
    }
}

impl Removed {
    /// The items read from `stream`, a batch at a time, in the stream's order; two with one
    /// identity are an error, worded as [`super::index`] words it.
    pub fn new(stream: Stream, chunks: Vec<Vec<Item>>) -> Result<Removed> {
        let mut order = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for (chunk, items) in chunks.iter().enumerate() {
            order.extend((0..items.len()).map(|at| (chunk as u32, at as u32)));
        }
        let removed = Removed { stream: Some(Arc::new(stream)), chunks, order };
        removed.duplicates()?;
        Ok(removed)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn item(&self, n: usize) -> Option<&Item> {
        let (chunk, at) = *self.order.get(n)?;
        self.chunks.get(chunk as usize)?.get(at as usize)
    }

    /// The identity of the `n`th.
    pub fn id(&self, n: usize) -> Option<ResourceId> {
        self.item(n).map(|item| item.key.id())
    }

    /// Keeps those whose identity `keep` accepts.
    pub fn retain(&mut self, keep: impl Fn(&ResourceId) -> bool) {
        let chunks = &self.chunks;
        self.order.retain(|&(chunk, at)| keep(&chunks[chunk as usize][at as usize].key.id()));
    }

    /// Puts them in the order `compare` gives their identities (group, kind, namespace
    /// and name); stable.
    pub fn sort_by(&mut self, compare: impl Fn([&str; 4], [&str; 4]) -> std::cmp::Ordering) {
        let chunks = &self.chunks;
        let parts = |&(chunk, at): &(u32, u32)| chunks[chunk as usize][at as usize].key.parts();
        self.order.sort_by(|a, b| compare(parts(a), parts(b)));
    }

    /// The report's entry for the `n`th without its text (nothing is read again).
    pub fn head(&self, n: usize) -> Result<Entry> {
        let item = self.item(n).ok_or_else(|| anyhow!("no removed resource {n}"))?;
        Ok(Entry {
            id: item.key.id(),
            change: Change::Removed,
            old_api_version: Some(item.api_version.to_string()),
            new_api_version: None,
            old_text: String::new(),
            new_text: String::new(),
            fields: Vec::new(),
        })
    }

    /// The report's entry for the `n`th: its document read again, prepared and masked as
    /// every removed resource is.
    pub fn entry(&self, n: usize) -> Result<Entry> {
        let (Some(stream), Some(item)) = (&self.stream, self.item(n)) else {
            bail!("no removed resource {n}");
        };
        let options = Options {
            show_secrets: stream.show_secrets,
            ignore: &stream.ignore,
            values: stream.values.as_ref(),
        };
        let document = self.document(stream, item)?;
        Ok(super::one_sided(resource(document, &stream.namespace), Change::Removed, &options))
    }

    fn document(&self, stream: &Stream, item: &Item) -> Result<crate::manifest::Document> {
        let documents = crate::manifest::read_piece(&item.piece(&stream.text), &stream.origin)?;
        documents
            .into_iter()
            .nth(item.index as usize)
            .ok_or_else(|| anyhow!("{}:{}: the document changed while it was read", stream.origin, item.line))
    }

    /// The first repeat of an identity in the stream's order, as an error.
    fn duplicates(&self) -> Result<()> {
        let Some(stream) = &self.stream else { return Ok(()) };
        let mut first: HashMap<&Key, usize> = HashMap::with_capacity(self.len());
        for n in 0..self.len() {
            let item = self.item(n).expect("in range");
            if let Some(earlier) = first.insert(&item.key, n) {
                let line = |n| self.document(stream, self.item(n).expect("in range")).map(|d| d.line);
                let id = item.key.id();
                bail!(
                    "{origin}:{}: duplicate resource {id} in namespace {} (first at {origin}:{})",
                    line(n)?,
                    id.namespace,
                    line(earlier)?,
                    origin = stream.origin,
                );
            }
        }
        Ok(())
    }
}
