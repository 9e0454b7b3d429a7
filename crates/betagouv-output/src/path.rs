//! Canonical paths of outputs that may not exist yet, and overlap of two paths.

use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Overlap, Result};

/// The canonical form of `path`, which need not exist: every existing leading part is
/// resolved by the operating system (symbolic links followed, `.` and `..` applied),
/// and the part that does not exist is appended with `.` dropped and `..` removing
/// the previous component. A relative path is taken from the current folder.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let real = std::fs::canonicalize(dir.path())?;
/// let out = betagouv_output::resolve(&dir.path().join("new/./x/../y.csv"))?;
/// assert_eq!(out, real.join("new/y.csv"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Io`] naming the path when a part that exists cannot be resolved
/// (permission denied, a loop of symbolic links).
pub fn resolve(path: impl AsRef<Path>) -> Result<PathBuf> {
    let path = path.as_ref();
    let mut out = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::fs::canonicalize(".").map_err(|e| Error::io(".", e))?
    };
    let mut exists = true;
    for c in path.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                // `out` holds no symbolic link (canonical so far, or lexical past the
                // first missing part, where the system would fail anyway).
                out.pop();
            }
            Component::Normal(name) => {
                let next = out.join(name);
                if exists {
                    match std::fs::canonicalize(&next) {
                        Ok(real) => {
                            // Nothing exists below a file: what follows is lexical.
                            exists = real.is_dir();
                            out = real;
                        }
                        Err(e)
                            if matches!(
                                e.kind(),
                                ErrorKind::NotFound | ErrorKind::NotADirectory
                            ) =>
                        {
                            out = next;
                            exists = false;
                        }
                        Err(e) => return Err(Error::io(next, e)),
                    }
                } else {
                    out = next;
                }
            }
        }
    }
    Ok(out)
}

/// How `output` overlaps `input` once both are [`resolve`]d: the same path, inside
/// it, or containing it; `None` when they are apart.
///
/// ```
/// use betagouv_output::{overlaps, Overlap};
/// let dir = tempfile::tempdir()?;
/// let content = dir.path().join("content");
/// std::fs::create_dir(&content)?;
/// assert_eq!(overlaps(&content, &content.join("../content/x"))?, Some(Overlap::Inside));
/// assert_eq!(overlaps(&content, dir.path())?, Some(Overlap::Contains));
/// assert_eq!(overlaps(&content, &dir.path().join("out"))?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// Those of [`resolve`].
pub fn overlaps(input: impl AsRef<Path>, output: impl AsRef<Path>) -> Result<Option<Overlap>> {
    Ok(overlap_of(&resolve(input)?, &resolve(output)?))
}

/// How the resolved `output` overlaps the resolved `input`.
pub(crate) fn overlap_of(input: &Path, output: &Path) -> Option<Overlap> {
    if input == output {
        Some(Overlap::Same)
    } else if output.starts_with(input) {
        Some(Overlap::Inside)
    } else if input.starts_with(output) {
        Some(Overlap::Contains)
    } else {
        None
    }
}
