//! Git snapshots: the repository's tree at a revision, extracted into a temporary
//! directory (via `git archive`), so that a chart and its values can be rendered as they
//! were at that revision. The working tree and the repository are not touched.

use anyhow::{Context, Result, bail};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// A revision's tree on disk, deleted when dropped.
#[derive(Debug)]
pub struct Snapshot {
    dir: tempfile::TempDir,
    /// The working tree's top directory (canonical).
    toplevel: PathBuf,
    /// The directory paths are relative to in the working tree (canonical).
    cwd: PathBuf,
    pub revision: String,
}

impl Snapshot {
    /// Extracts the tree of `revision` of the repository holding `cwd`.
    pub fn extract(cwd: &Path, revision: &str) -> Result<Snapshot> {
        if revision.is_empty() || revision.starts_with('-') {
            bail!("invalid git revision {revision:?}");
        }
        let cwd = cwd.canonicalize().with_context(|| format!("cannot read {}", cwd.display()))?;
        let toplevel = git(&cwd, &["rev-parse", "--show-toplevel"])
            .with_context(|| format!("{} is not inside a git repository", cwd.display()))?;
        let toplevel = PathBuf::from(String::from_utf8_lossy(&toplevel).trim_end_matches('\n'))
            .canonicalize()
            .context("cannot find the git working tree")?;
        let tree = format!("{revision}^{{tree}}");
        git(&toplevel, &["rev-parse", "--verify", "--quiet", &tree])
            .with_context(|| format!("unknown git revision {revision:?}"))?;
        let archive = git(&toplevel, &["archive", "--format=tar", &tree])
            .with_context(|| format!("cannot read revision {revision:?}"))?;
        let dir = tempfile::Builder::new()
            .prefix("rudder-ref-")
            .tempdir()
            .context("cannot create a temporary directory")?;
        tar::Archive::new(archive.as_slice())
            .unpack(dir.path())
            .with_context(|| format!("cannot extract revision {revision:?}"))?;
        Ok(Snapshot { dir, toplevel, cwd, revision: revision.to_string() })
    }

    /// Where `path` (absolute, or relative to the working directory) lies in the
    /// snapshot; paths outside the repository are returned unchanged.
    pub fn map(&self, path: &Path) -> PathBuf {
        let absolute = normalize(&self.cwd.join(path));
        match absolute.strip_prefix(&self.toplevel) {
            Ok(relative) => self.dir.path().join(relative),
            Err(_) => path.to_path_buf(),
        }
    }

    /// The snapshot's root: the repository's top directory at the revision.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The working directory's place in the snapshot.
    pub fn cwd(&self) -> PathBuf {
        self.map(Path::new("."))
    }
}

/// Removes `.` and resolves `..` lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Runs git in `dir`; its standard output, or an error with what it printed.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .context("cannot run git (is it installed?)")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr.trim();
        bail!("git {} failed{}{message}", args[0], if message.is_empty() { "" } else { ": " });
    }
    Ok(output.stdout)
}
