//! Reading inputs: the one place that reads an input file or stream, bounded (a read
//! never goes past its limit), naming the file in every error. An input file must be a
//! regular file: a FIFO with no writer would block the run forever and a device never
//! ends, so both are refused, as Helm refuses irregular chart files. Standard input (`-`),
//! an inherited descriptor (`/dev/fd/N`, which `-f <(command)` passes) and `/dev/null`
//! (nothing: `diff --against /dev/null`) are streams.

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
    let stream = is_stream(path);
    let file = open(path, stream).with_context(|| format!("cannot read {}", shown.display()))?;
    let metadata = file.metadata().with_context(|| format!("cannot read {}", shown.display()))?;
    if !metadata.is_file() && !stream {
        bail!(
            "{}: not a regular file ({}); rudder reads only regular files here (pass `-` to read standard input)",
            shown.display(),
            file_type(&metadata)
        );
    }
    let mut expected = 0;
    if metadata.is_file() {
        if metadata.len() > limit {
            bail!("{}: file is {} bytes, over the limit of {limit} bytes", shown.display(), metadata.len());
        }
        expected = metadata.len();
    }
    bounded(file, &shown.display().to_string(), limit, expected)
}

/// True for a descriptor the process inherited, named by its number (a stream with a
/// writer, such as the pipe of `<(command)`), and for `/dev/null`.
fn is_stream(path: &Path) -> bool {
    let path = path.to_string_lossy();
    ["/dev/stdin", "/dev/null"].contains(&path.as_ref())
        || path.starts_with("/dev/fd/")
        || path.starts_with("/proc/self/fd/")
}

/// Opens `path` for reading; a file that is not a stream is opened without blocking, so
/// that a FIFO without a writer is seen (and refused) instead of waited for.
fn open(path: &Path, stream: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    if !stream {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    #[cfg(not(target_os = "linux"))]
    if !stream && !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    options.open(path)
}

/// What a file that is not regular is, for messages.
fn file_type(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if metadata.is_dir() { "a directory" } else { "not a file" }
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
        // A stream reports no size: the read itself stops at the limit.
        assert_eq!(
            bounded(&b"abc"[..], "pipe", 2, 0).unwrap_err().to_string(),
            "pipe: more than the limit of 2 bytes"
        );
    }

    #[test]
    fn devices_fifos_and_directories_are_refused() {
        let err = read(Path::new("/dev/zero"), Path::new("/dev/zero"), 1024).unwrap_err().to_string();
        assert_eq!(
            err,
            "/dev/zero: not a regular file (a device); rudder reads only regular files here (pass `-` to read standard input)"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = read(dir.path(), Path::new("d"), 1024).unwrap_err().to_string();
        assert!(err.starts_with("d: not a regular file (a directory)"), "{err}");
        #[cfg(target_os = "linux")]
        {
            // A FIFO without a writer: refused at once, not waited for.
            let fifo = dir.path().join("fifo");
            rustix::fs::mknodat(
                rustix::fs::CWD,
                &fifo,
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o600),
                0,
            )
            .unwrap();
            let err = read(&fifo, Path::new("fifo"), 1024).unwrap_err().to_string();
            assert!(err.starts_with("fifo: not a regular file (a FIFO)"), "{err}");
        }
    }

    #[test]
    fn text_is_utf8_without_a_byte_order_mark() {
        assert_eq!(text(b"\xef\xbb\xbfa: 1".to_vec(), "f").unwrap(), "a: 1");
        assert!(text(vec![0xff], "f").unwrap_err().to_string().starts_with("f: not UTF-8 text"));
    }
}
