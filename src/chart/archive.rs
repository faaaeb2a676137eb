//! Reading chart archives (`.tgz`) in memory, never unpacking to disk, with limits: the
//! decompressed stream, each file and the number of entries are capped, and every entry
//! that could escape or confuse a directory (`..`, absolute or drive paths, backslashes,
//! links, devices, duplicates) is refused with an error naming it.

use super::{max_chart_size, max_file_size};
use anyhow::{Context, Result, anyhow, bail};
use std::collections::BTreeSet;
use std::io::{self, Read};
use tar::EntryType;

/// Most entries an archive may hold.
pub const MAX_ENTRIES: usize = 10_000;

/// Room for tar headers and padding on top of [`max_chart_size()`] in the decompressed stream.
const HEADER_ROOM: u64 = 16 * 1024 * 1024;

/// The files of a chart archive: the name of its one top directory, and each file's
/// path below it with its bytes, in archive order.
#[derive(Debug)]
pub struct ArchiveFiles {
    pub top: String,
    pub files: Vec<(String, Vec<u8>)>,
}

/// True if `bytes` start like a gzip stream.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// What an archive and every archive nested in it may still hold, together.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Bytes of files ([`max_chart_size()`] to start with).
    pub bytes: u64,
    pub entries: usize,
    pub charts: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            bytes: max_chart_size(),
            entries: crate::limits::ARCHIVE_ENTRIES.get_usize(),
            charts: crate::limits::ARCHIVE_CHARTS.get_usize(),
        }
    }
}

impl Budget {
    /// Counts one more chart read from `shown`.
    pub fn take_chart(&mut self, shown: &str) -> Result<()> {
        self.charts = self.charts.checked_sub(1).ok_or_else(|| {
            anyhow!(
                "{shown}: more than {} charts in one archive (the charts/ archives nested in it included; limit archive-charts)",
                crate::limits::ARCHIVE_CHARTS.get()
            )
        })?;
        Ok(())
    }
}

/// Reads a gzipped chart archive held in memory. `shown` names it in errors. `budget` is
/// what may still be read; archives nested in it share it.
pub fn read(bytes: &[u8], shown: &str, budget: &mut Budget) -> Result<ArchiveFiles> {
    if !is_gzip(bytes) {
        bail!("{shown}: not a gzipped archive");
    }
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    let limited = Limited { inner: decoder, left: budget.bytes + HEADER_ROOM };
    read_tar(limited, shown, budget)
}

fn read_tar(reader: impl Read, shown: &str, budget: &mut Budget) -> Result<ArchiveFiles> {
    let mut archive = tar::Archive::new(reader);
    let mut top: Option<String> = None;
    let mut files = Vec::new();
    let mut seen = BTreeSet::new();
    let entries = archive.entries().with_context(|| format!("{shown}: cannot read the archive"))?;
    for (count, entry) in entries.enumerate() {
        let mut entry = entry.with_context(|| format!("{shown}: cannot read the archive"))?;
        if count >= MAX_ENTRIES {
            bail!("{shown}: the archive has more than {MAX_ENTRIES} entries");
        }
        budget.entries = budget.entries.checked_sub(1).ok_or_else(|| {
            anyhow!(
                "{shown}: more than {} entries in all (nested archives included; limit archive-entries)",
                crate::limits::ARCHIVE_ENTRIES.get()
            )
        })?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let fail = |why: &str| anyhow!("{shown}: entry {raw:?}: {why}");
        let kind = entry.header().entry_type();
        match kind {
            EntryType::Regular | EntryType::Continuous => {}
            EntryType::Directory | EntryType::XGlobalHeader => continue,
            EntryType::Symlink | EntryType::Link => {
                return Err(fail("links are not allowed in chart archives"));
            }
            EntryType::Char | EntryType::Block | EntryType::Fifo => {
                return Err(fail("devices and FIFOs are not allowed in chart archives"));
            }
            other => return Err(fail(&format!("unsupported entry type {:?}", other.as_byte() as char))),
        }
        let parts = safe_parts(&raw).map_err(&fail)?;
        let (first, rest) = parts.split_first().ok_or_else(|| fail("empty path"))?;
        if rest.is_empty() {
            return Err(fail("a file outside the chart's top directory"));
        }
        match &top {
            None => top = Some(first.clone()),
            Some(top) if top != first => {
                return Err(fail(&format!("a second top directory (the first is {top:?})")));
            }
            Some(_) => {}
        }
        let path = rest.join("/");
        if !seen.insert(path.clone()) {
            return Err(fail("duplicate entry"));
        }
        // The size that will be read: a PAX `size` record wins over the USTAR field.
        let size = entry.size();
        if size > max_file_size() {
            return Err(fail(&format!("{size} bytes, over the limit of {} bytes per file", max_file_size())));
        }
        budget.bytes = budget.bytes.checked_sub(size).ok_or_else(|| {
            fail(&format!("the chart's files exceed the limit of {} bytes", max_chart_size()))
        })?;
        let mut bytes = Vec::with_capacity(size as usize);
        (&mut entry)
            .take(size)
            .read_to_end(&mut bytes)
            .with_context(|| format!("{shown}: cannot read entry {raw:?}"))?;
        files.push((path, bytes));
    }
    let top = top.ok_or_else(|| anyhow!("{shown}: the archive holds no files"))?;
    Ok(ArchiveFiles { top, files })
}

/// Why an archive entry named `path` would be refused on reading, if it would be:
/// `package` asks before writing one.
pub fn entry_problem(path: &str) -> Option<&'static str> {
    safe_parts(path).err()
}

/// The components of an entry path, or why it is refused. `.` components and a trailing
/// `/` are dropped.
fn safe_parts(path: &str) -> std::result::Result<Vec<String>, &'static str> {
    if path.contains('\\') {
        return Err("backslashes are not allowed in paths");
    }
    if path.chars().any(char::is_control) {
        return Err("control characters are not allowed in paths");
    }
    if path.starts_with('/') {
        return Err("absolute paths are not allowed");
    }
    let bytes = path.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err("drive paths are not allowed");
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("`..` is not allowed in paths"),
            _ => parts.push(part.to_string()),
        }
    }
    Ok(parts)
}

/// A reader that fails once more than `left` bytes have been read through it.
struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self
            .left
            .checked_sub(n as u64)
            .ok_or_else(|| io::Error::other("the decompressed archive exceeds the chart size limit"))?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths_are_checked() {
        assert_eq!(safe_parts("./c/templates/a.yaml").unwrap(), ["c", "templates", "a.yaml"]);
        assert_eq!(safe_parts("c/a/").unwrap(), ["c", "a"]);
        assert!(safe_parts("c/../../etc/passwd").is_err());
        assert!(safe_parts("/etc/passwd").is_err());
        assert!(safe_parts("C:/x").is_err());
        assert!(safe_parts("c\\x").is_err());
    }

    #[test]
    fn non_gzip_input_is_refused() {
        assert_eq!(
            read(b"apiVersion: v2\n", "c.tgz", &mut Budget::default()).unwrap_err().to_string(),
            "c.tgz: not a gzipped archive"
        );
    }
}
