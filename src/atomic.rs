//! The one writer of every output.
//!
//! - A file is written beside its target and renamed over it, so a reader (or a crash)
//!   sees the old file or the new one, never half of one. On Linux it is written unnamed
//!   (`O_TMPFILE`) and given its temporary name only once complete, so a run killed while
//!   writing leaves nothing behind. A replaced file keeps its mode; a new one gets the
//!   umask's.
//! - A tree (`--output-dir`) is staged whole and switched in with one atomic exchange of
//!   its top directory, so the target holds exactly one complete run.
//! - Nothing is written through a symlinked directory below the chosen root; a symlink in
//!   a file's place is replaced, never written through.
//! - Leftovers of a run that was killed (`.rudder-tmp-PID-*`, `.rudder-staging-PID-*`)
//!   are removed by the next write in the same directory once that process is gone.

use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const TMP: &str = ".rudder-tmp-";
const STAGING: &str = ".rudder-staging-";

/// Replaces the file at `path` with `bytes`, creating its directory if needed. A
/// relative `path` may not lead through a symlinked directory.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.is_relative() {
        refuse_symlinked_dirs(Path::new(""), path)?;
    }
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    clean_stale(parent);
    let temp = parent.join(unique_name(TMP));
    #[cfg(target_os = "linux")]
    if let Some(result) = write_unnamed(parent, &temp, bytes, path) {
        return result;
    }
    let result = write_new(&temp, bytes, path).and_then(|()| {
        std::fs::rename(&temp, path).with_context(|| format!("cannot write {}", path.display()))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Writes `bytes` to an unnamed file in `parent` (`O_TMPFILE`), with the mode of the file
/// it will replace at `target` (if any), syncs it, links it as `temp` and renames that over
/// `target`. `None` where the file system has no unnamed files (then [`write_new`] does).
#[cfg(target_os = "linux")]
fn write_unnamed(parent: &Path, temp: &Path, bytes: &[u8], target: &Path) -> Option<Result<()>> {
    use rustix::fs::{AtFlags, CWD, Mode, OFlags, linkat, openat};
    use std::os::fd::AsRawFd;
    let flags = OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC;
    let mut file = std::fs::File::from(openat(CWD, parent, flags, Mode::from_raw_mode(0o666)).ok()?);
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(error) = written {
        return Some(Err(error).with_context(|| format!("cannot write {}", target.display())));
    }
    if let Ok(existing) = std::fs::symlink_metadata(target)
        && existing.is_file()
        && let Err(error) = file.set_permissions(existing.permissions())
    {
        return Some(Err(error).with_context(|| format!("cannot write {}", target.display())));
    }
    let unnamed = format!("/proc/self/fd/{}", file.as_raw_fd());
    // Without /proc the file cannot be named: write it the other way.
    linkat(CWD, unnamed.as_str(), CWD, temp, AtFlags::SYMLINK_FOLLOW).ok()?;
    let renamed = std::fs::rename(temp, target).with_context(|| format!("cannot write {}", target.display()));
    if renamed.is_err() {
        let _ = std::fs::remove_file(temp);
    }
    Some(renamed)
}

/// Writes `bytes` to the new file `temp`, with the mode of the file it will replace at
/// `target` (if any), and syncs it.
fn write_new(temp: &Path, bytes: &[u8], target: &Path) -> Result<()> {
    let mut file =
        std::fs::OpenOptions::new().write(true).create_new(true).open(temp).with_context(|| {
            format!("cannot write to {}", temp.parent().unwrap_or(Path::new(".")).display())
        })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", target.display()))?;
    if let Ok(existing) = std::fs::symlink_metadata(target)
        && existing.is_file()
    {
        std::fs::set_permissions(temp, existing.permissions())
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    Ok(())
}

/// Writes `files` (relative paths to bytes) under `dir`: the whole tree is staged in a
/// directory inside `dir`, then each top directory is switched in with one atomic
/// exchange (a rename where it did not exist yet). Returns the files written.
pub fn write_files(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    clean_stale(dir);
    for path in files.keys() {
        refuse_symlinked_dirs(dir, Path::new(path))?;
    }
    let staging = dir.join(unique_name(STAGING));
    let result = stage_and_switch(dir, &staging, files);
    let _ = std::fs::remove_dir_all(&staging);
    result?;
    Ok(files.keys().map(|path| dir.join(path)).collect())
}

fn stage_and_switch(dir: &Path, staging: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    std::fs::create_dir(staging).with_context(|| format!("cannot write to {}", dir.display()))?;
    for (path, bytes) in files {
        let staged = staging.join(path);
        create_parent(&staged)?;
        std::fs::write(&staged, bytes).with_context(|| format!("cannot write {}", staged.display()))?;
    }
    let tops: BTreeSet<&str> = files.keys().map(|p| p.split('/').next().unwrap_or(p)).collect();
    for top in tops {
        let (new, target) = (staging.join(top), dir.join(top));
        if target.is_symlink() {
            bail!("{}: refusing to replace a symlink", target.display());
        }
        switch(&new, &target).with_context(|| format!("cannot write {}", target.display()))?;
    }
    Ok(())
}

/// Puts `new` where `target` is, in one step: an atomic exchange when `target` exists
/// (its old contents end up at `new`), else a rename.
fn switch(new: &Path, target: &Path) -> std::io::Result<()> {
    if !target.exists() {
        return std::fs::rename(new, target);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, new, CWD, target, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let old = new.with_extension("old");
        std::fs::rename(target, &old)?;
        std::fs::rename(new, target)?;
        std::fs::rename(old, new)
    }
}

/// A name for a temporary entry that says which process made it.
fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{prefix}{}-{}-{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Removes the temporary entries in `dir` left by processes that no longer run.
fn clean_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(TMP).or_else(|| name.strip_prefix(STAGING)) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists() {
            let path = entry.path();
            let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        }
    }
}

/// Refuses a `relative` path below `root` whose directories include a symlink: writing
/// through it could land anywhere.
fn refuse_symlinked_dirs(root: &Path, relative: &Path) -> Result<()> {
    let mut at = root.to_path_buf();
    let Some(parent) = relative.parent() else { return Ok(()) };
    for component in parent.components() {
        at.push(component);
        if matches!(component, std::path::Component::Normal(_)) && at.is_symlink() {
            bail!("{}: refusing to write through a symlinked directory", at.display());
        }
    }
    Ok(())
}

fn create_parent(path: &Path) -> Result<()> {
    let parent = path.parent().expect("a file under a directory");
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn replaces_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.txt");
        write(&path, b"one").unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
    }

    #[test]
    fn a_replaced_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[test]
    fn leftovers_of_gone_processes_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        // PID 4194304 is above Linux's pid_max: never a running process.
        std::fs::write(dir.path().join(".rudder-tmp-4194304-0-1"), "x").unwrap();
        std::fs::create_dir(dir.path().join(".rudder-staging-4194304-0-1")).unwrap();
        write(&dir.path().join("a"), b"a").unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a"]);
    }

    #[test]
    fn trees_are_switched_whole_and_never_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let files = |names: &[&str]| names.iter().map(|n| (n.to_string(), n.as_bytes().to_vec())).collect();
        write_files(dir.path(), &files(&["c/templates/a.yaml", "c/templates/old.yaml"])).unwrap();
        write_files(dir.path(), &files(&["c/templates/a.yaml", "c/templates/new.yaml"])).unwrap();
        let mut names: Vec<_> = std::fs::read_dir(dir.path().join("c/templates"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["a.yaml", "new.yaml"], "one complete run");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no staging left");
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        let err = write_files(dir.path(), &files(&["link/x.yaml"])).unwrap_err().to_string();
        assert!(err.ends_with("link: refusing to write through a symlinked directory"), "{err}");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }
}
