//! Replacing a file atomically: written beside its target, then renamed over it, so a
//! reader (or a crash) sees the old file or the new one, never half of one.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// Replaces the file at `path` with `bytes`, creating its directory if needed.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let mut file = tempfile::Builder::new()
        .prefix(".rudder-")
        .tempfile_in(parent)
        .with_context(|| format!("cannot write to {}", parent.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.txt");
        super::write(&path, b"one").unwrap();
        super::write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
    }
}
