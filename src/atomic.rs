//! The one writer of every output: a file is written beside its target and renamed
//! over it, so a reader (or a crash) sees the old file or the new one, never half of
//! one; a symlink in the target's place is replaced, never written through.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Writes `files` (relative paths to bytes) under `dir`: all are staged in a directory
/// inside `dir` first, then renamed into place, so a failure while writing leaves no
/// half-written file behind. Returns the files written.
pub fn write_files(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".rudder-staging-")
        .tempdir_in(dir)
        .with_context(|| format!("cannot write to {}", dir.display()))?;
    for (path, bytes) in files {
        let staged = staging.path().join(path);
        create_parent(&staged)?;
        std::fs::write(&staged, bytes).with_context(|| format!("cannot write {}", staged.display()))?;
    }
    let mut written = Vec::new();
    for path in files.keys() {
        let target = dir.join(path);
        create_parent(&target)?;
        if target.is_symlink() {
            bail!("{}: refusing to replace a symlink", target.display());
        }
        std::fs::rename(staging.path().join(path), &target)
            .with_context(|| format!("cannot write {}", target.display()))?;
        written.push(target);
    }
    Ok(written)
}

fn create_parent(path: &Path) -> Result<()> {
    let parent = path.parent().expect("a file under a directory");
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))
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
