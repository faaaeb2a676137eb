//! Reading inputs: the one place that reads an input file or stream, bounded for regular
//! files, devices and pipes alike (a read never goes past its limit), naming the file in
//! every error.

use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::Path;

/// Largest single file: a chart's file, a values file, `rudder.yaml` (Helm's per-file
/// limit, `file-bytes`).
pub fn file_limit() -> u64 {
    crate::limits::FILE_BYTES.get()
}

/// Largest stream: a diff baseline, standard input, an index (`stream-bytes`).
pub fn stream_limit() -> u64 {
    crate::limits::STREAM_BYTES.get()
}

/// The bytes of the file at `path` (shown in errors as `shown`), at most `limit` of them.
pub fn read(path: &Path, shown: &Path, limit: u64) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", shown.display()))?;
    let mut expected = 0;
    if let Ok(metadata) = file.metadata()
        && metadata.is_file()
    {
        if metadata.len() > limit {
            bail!("{}: file is {} bytes, over the limit of {limit} bytes", shown.display(), metadata.len());
        }
        expected = metadata.len();
    }
    bounded(file, &shown.display().to_string(), limit, expected)
}

/// The text of the file at `path`: UTF-8, a byte-order mark dropped.
pub fn read_text(path: &Path, shown: &Path, limit: u64) -> Result<String> {
    text(read(path, shown, limit)?, &shown.display().to_string())
}

/// Standard input as text, at most `limit` bytes.
pub fn read_stdin(limit: u64) -> Result<String> {
    text(bounded(std::io::stdin().lock(), "standard input", limit, 0)?, "standard input")
}

/// Bytes as text: UTF-8 required, a byte-order mark dropped.
pub fn text(bytes: Vec<u8>, shown: &str) -> Result<String> {
    let mut text = String::from_utf8(bytes).map_err(|e| anyhow::anyhow!("{shown}: not UTF-8 text ({e})"))?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// At most `limit` bytes of `reader`; `expected` (a file's size) sizes the buffer up
/// front, so a file is read in one call and a second that finds its end.
fn bounded(reader: impl Read, shown: &str, limit: u64, expected: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(usize::try_from(expected.min(limit)).unwrap_or(0) + 1);
    reader.take(limit + 1).read_to_end(&mut bytes).with_context(|| format!("cannot read {shown}"))?;
    if bytes.len() as u64 > limit {
        bail!("{shown}: more than the limit of {limit} bytes");
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_streams_and_devices_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b'a'; 11]).unwrap();
        let err = read(&path, Path::new("big"), 10).unwrap_err().to_string();
        assert_eq!(err, "big: file is 11 bytes, over the limit of 10 bytes");
        assert_eq!(read(&path, Path::new("big"), 11).unwrap().len(), 11);
        // A device reports no size: the read itself stops at the limit.
        let err = read(Path::new("/dev/zero"), Path::new("/dev/zero"), 1024).unwrap_err().to_string();
        assert_eq!(err, "/dev/zero: more than the limit of 1024 bytes");
        assert_eq!(
            bounded(&b"abc"[..], "pipe", 2, 0).unwrap_err().to_string(),
            "pipe: more than the limit of 2 bytes"
        );
    }

    #[test]
    fn text_is_utf8_without_a_byte_order_mark() {
        assert_eq!(text(b"\xef\xbb\xbfa: 1".to_vec(), "f").unwrap(), "a: 1");
        assert!(text(vec![0xff], "f").unwrap_err().to_string().starts_with("f: not UTF-8 text"));
    }
}
