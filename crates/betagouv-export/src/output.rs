//! Writing outputs without ever leaving a partial one behind.
//!
//! Every output is written under a temporary name in the destination's folder and
//! renamed into place once complete. An existing destination is refused unless
//! `force` is set.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn check_target(out: &Path, force: bool) -> Result<()> {
    if fs::symlink_metadata(out).is_ok() && !force {
        return Err(Error::OutputExists {
            path: out.to_path_buf(),
        });
    }
    Ok(())
}

fn remove_any(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path).map_err(|e| Error::io(path, e)),
        Ok(_) => fs::remove_file(path).map_err(|e| Error::io(path, e)),
        Err(_) => Ok(()),
    }
}

/// Writes the file `out` through `write`, which receives a temporary path in the same
/// folder; the temporary file is renamed to `out` only when `write` succeeds.
#[cfg_attr(not(any(feature = "sqlite", feature = "xlsx")), allow(dead_code))]
pub(crate) fn write_file(
    out: &Path,
    force: bool,
    write: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    check_target(out, force)?;
    let parent = parent_of(out);
    let tmp = tempfile::Builder::new()
        .prefix(".betagouv-export-")
        .tempfile_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    write(tmp.path())?;
    if fs::symlink_metadata(out).is_ok_and(|m| m.is_dir()) {
        remove_any(out)?;
    }
    tmp.persist(out).map_err(|e| Error::io(out, e.error))?;
    Ok(())
}

/// Writes the folder `out` through `write`, which receives a temporary folder in the
/// same parent; it is renamed to `out` only when `write` succeeds. With `force`, an
/// existing `out` is replaced.
pub(crate) fn write_dir(
    out: &Path,
    force: bool,
    write: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    check_target(out, force)?;
    let parent = parent_of(out);
    let tmp = tempfile::Builder::new()
        .prefix(".betagouv-export-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    write(tmp.path())?;
    let new = tmp.keep();
    if fs::symlink_metadata(out).is_ok() {
        // Move the old output aside first, so that a failure leaves it in place.
        let old = tempfile::Builder::new()
            .prefix(".betagouv-export-old-")
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?
            .keep();
        let aside = old.join("old");
        fs::rename(out, &aside).map_err(|e| Error::io(out, e))?;
        if let Err(e) = fs::rename(&new, out) {
            let _ = fs::rename(&aside, out);
            let _ = fs::remove_dir_all(&new);
            return Err(Error::io(out, e));
        }
        remove_any(&old)?;
    } else if let Err(e) = fs::rename(&new, out) {
        let _ = fs::remove_dir_all(&new);
        return Err(Error::io(out, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_then_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.txt");
        write_file(&out, false, |p| {
            fs::write(p, "a").map_err(|e| Error::io(p, e))
        })
        .unwrap();
        let again = write_file(&out, false, |p| {
            fs::write(p, "b").map_err(|e| Error::io(p, e))
        });
        assert!(matches!(again, Err(Error::OutputExists { .. })));
        write_file(&out, true, |p| {
            fs::write(p, "b").map_err(|e| Error::io(p, e))
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "b");
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("d");
        let r = write_dir(&out, false, |p| {
            fs::write(p.join("a"), "a").map_err(|e| Error::io(p, e))?;
            Err(Error::io(p, std::io::Error::other("boom")))
        });
        assert!(r.is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn dir_is_replaced_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("d");
        let put = |name: &'static str| {
            move |p: &Path| fs::write(p.join(name), name).map_err(|e| Error::io(p, e))
        };
        write_dir(&out, false, put("a")).unwrap();
        assert!(write_dir(&out, false, put("b")).is_err());
        write_dir(&out, true, put("b")).unwrap();
        assert!(!out.join("a").exists() && out.join("b").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
