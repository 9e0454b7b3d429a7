//! One output policy for every command that writes, so that no output ever destroys
//! an input or unrelated data, and no output is ever left half written.
//!
//! An [`Output`] is a file ([`Output::file`]) or a folder ([`Output::folder`]) that a
//! command is about to write, with the paths the command reads
//! ([`Output::input`]) and what to do when it exists ([`Output::if_exists`]). It is
//! written only when:
//!
//! 1. it neither is, contains, nor is inside any input, compared by canonical path
//!    ([`resolve`], [`overlaps`]: symbolic links, `..` and relative paths resolved;
//!    an output that does not exist yet is resolved through its nearest existing
//!    ancestor);
//! 2. it does not exist, or replacing is allowed ([`IfExists::Replace`]) and it is of a kind that may be replaced:
//!    a regular file for a file output (never a folder, a symbolic link, a device or
//!    a FIFO), and for a folder output a folder whose every entry is a name that the
//!    format writes ([`FolderNames`]); otherwise the unexpected entries are listed
//!    (the first [`MAX_LISTED`] and how many in all);
//! 3. its parent folder exists (an error names it).
//!
//! Then it is written atomically: into a temporary in the same folder
//! (`.NAME.betagouv-tmp-PID-N`, created with the umask's mode), synced to disk,
//! renamed into place, and the folder synced (an existing folder output is moved
//! aside then removed; with the `exchange` feature on Linux, the two folders are
//! swapped in one atomic step, so that the output is never missing, even for an
//! instant). The temporary is removed on every
//! error path (the writer's error, a failed check, a failed rename) and when the
//! process is interrupted: every live temporary is in a process-wide registry that
//! [`remove_temporaries`] empties from a signal handler.
//!
//! ```
//! use std::io::Write;
//! use betagouv_output::{Error, IfExists, Output};
//!
//! let dir = tempfile::tempdir()?;
//! let input = dir.path().join("budget.toml");
//! std::fs::write(&input, "[budget]\n")?;
//!
//! // Writing over the input is refused, whatever the spelling.
//! let same = dir.path().join("sub/../budget.toml");
//! let err = Output::file(&same).if_exists(IfExists::Replace).input(&input).write_bytes(b"x").unwrap_err();
//! assert!(matches!(err, Error::OverlapsInput { .. }), "{err}");
//! assert_eq!(std::fs::read(&input)?, b"[budget]\n");
//!
//! // A new file is written; replacing it needs `IfExists::Replace`.
//! let journal = dir.path().join("budget.journal");
//! Output::file(&journal).input(&input).write_bytes(b"2016-01-01 x\n")?;
//! assert!(matches!(
//!     Output::file(&journal).write_bytes(b"y"),
//!     Err(Error::Exists { .. })
//! ));
//! Output::file(&journal).if_exists(IfExists::Replace).write_file(|tmp| {
//!     tmp.write_all(b"2017-01-01 y\n").map_err(|e| Error::io(tmp.output(), e))
//! })?;
//! assert_eq!(std::fs::read(&journal)?, b"2017-01-01 y\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
// docs.rs builds with `--cfg docsrs` and shows which feature each gated item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod path;
mod progress;
mod temp;

use std::ffi::OsString;
use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

pub use error::{Error, Overlap, Result};
pub use path::{overlaps, resolve};
pub use progress::Progress;
pub use temp::{TEMPORARY_MARK, live_temporaries, remove_temporaries};

use temp::{Temporary, registry};

/// How many unexpected entries of a folder output an error lists (the total is
/// given too).
pub const MAX_LISTED: usize = 10;

/// The names a folder format writes: what may be inside a folder output that is
/// replaced with `force`.
#[derive(Debug, Clone, Copy)]
pub struct FolderNames {
    /// What writes the folder, for messages: `a csv export`.
    pub what: &'static str,
    /// Whether the format writes the entry at `relative` (a path inside the folder;
    /// `is_dir` tells a folder from a regular file). Symbolic links and special files
    /// are never accepted; the folders accepted are looked into.
    pub accepts: fn(relative: &Path, is_dir: bool) -> bool,
}

/// What to do when the output already exists.
///
/// ```
/// use betagouv_output::{IfExists, Output};
/// let dir = tempfile::tempdir()?;
/// let out = dir.path().join("a.txt");
/// std::fs::write(&out, "old")?;
/// assert!(Output::file(&out).write_bytes(b"new").is_err());
/// Output::file(&out).if_exists(IfExists::Replace).write_bytes(b"new")?;
/// assert_eq!(std::fs::read(&out)?, b"new");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum IfExists {
    /// Refuse ([`Error::Exists`]): the default.
    #[default]
    Refuse,
    /// Replace it, when it is of a kind that may be replaced (the command line's
    /// `--force`).
    Replace,
}

impl IfExists {
    /// [`IfExists::Replace`] when `force` (a command line's `--force` flag) is set,
    /// [`IfExists::Refuse`] otherwise.
    #[must_use]
    pub fn replace_when(force: bool) -> Self {
        if force { Self::Replace } else { Self::Refuse }
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    File,
    Folder(FolderNames),
}

/// An output about to be written; see the [crate] documentation for the policy.
#[derive(Debug, Clone)]
pub struct Output {
    path: PathBuf,
    kind: Kind,
    if_exists: IfExists,
    inputs: Vec<PathBuf>,
}

/// The temporary file of [`Output::write_file`]: write to it (it implements
/// [`Write`]), or let a library write at [`TempFile::path`].
///
/// A library given the path must open the existing file there without creating it
/// (e.g. SQLite without `SQLITE_OPEN_CREATE`): an interrupt
/// ([`remove_temporaries`]) may remove the temporary at any time, and a writer that
/// created it again would leave it behind.
#[derive(Debug)]
pub struct TempFile {
    file: File,
    temp: Temporary,
    output: PathBuf,
}

impl TempFile {
    /// The temporary's path (in the output's folder): an existing file, to open
    /// without creating it (see [`TempFile`]).
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.temp.path
    }

    /// The output it will become, for error messages.
    #[must_use]
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The open temporary file (read and write).
    pub fn file_mut(&mut self) -> &mut File {
        &mut self.file
    }
}

impl Write for TempFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

fn kind_of(ft: std::fs::FileType) -> &'static str {
    if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_dir() {
        "a folder"
    } else if ft.is_file() {
        "a regular file"
    } else {
        "a special file (device, FIFO or socket)"
    }
}

/// Syncs a folder's entries to disk where the system allows it (not on Windows).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Syncs every file and folder under `dir` (a freshly written temporary folder).
fn sync_tree(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if ft.is_dir() {
            sync_tree(&path)?;
        } else if ft.is_file() {
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io(&path, e))?;
        }
    }
    sync_dir(dir);
    Ok(())
}

impl Output {
    /// A single-file output (a report, a journal, a database, a workbook).
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            kind: Kind::File,
            if_exists: IfExists::Refuse,
            inputs: Vec::new(),
        }
    }

    /// A folder output whose entries are `names`.
    pub fn folder(path: impl Into<PathBuf>, names: FolderNames) -> Self {
        Self {
            path: path.into(),
            kind: Kind::Folder(names),
            if_exists: IfExists::Refuse,
            inputs: Vec::new(),
        }
    }

    /// What to do when the output exists (default [`IfExists::Refuse`]).
    #[must_use]
    pub fn if_exists(mut self, if_exists: IfExists) -> Self {
        self.if_exists = if_exists;
        self
    }

    /// Adds a path the command reads (file or folder): the output may not be, contain
    /// or be inside it.
    #[must_use]
    pub fn input(mut self, path: impl Into<PathBuf>) -> Self {
        self.inputs.push(path.into());
        self
    }

    /// Adds paths the command reads.
    #[must_use]
    pub fn inputs<P: Into<PathBuf>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.inputs.extend(paths.into_iter().map(Into::into));
        self
    }

    /// The output path, as given.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path renamed into place, its parent folder and its name.
    fn target(&self) -> Result<(PathBuf, PathBuf, OsString)> {
        let target = if self.path.file_name().is_some() {
            self.path.clone()
        } else {
            // `.`, `..`, `/`: name the folder it resolves to.
            resolve(&self.path)?
        };
        let Some(name) = target.file_name().map(ToOwned::to_owned) else {
            return Err(Error::NotReplaceable {
                path: self.path.clone(),
                found: "the root folder",
                expected: "a file or folder with a name",
            });
        };
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok((target, parent, name))
    }

    /// Checks the whole policy without writing: overlap with the inputs, the
    /// parent folder, an existing output and its kind or entries. Call it before a
    /// long computation to fail early; the `write_*` methods check again.
    ///
    /// # Errors
    ///
    /// [`Error::OverlapsInput`], [`Error::NoParent`], [`Error::ParentNotFolder`],
    /// [`Error::Exists`], [`Error::NotReplaceable`], [`Error::UnexpectedEntries`],
    /// [`Error::Io`].
    pub fn check(&self) -> Result<()> {
        let (target, parent, name) = self.target()?;
        let followed = resolve(&self.path)?;
        let unfollowed = resolve(&parent)?.join(&name);
        for input in &self.inputs {
            let real = resolve(input)?;
            if let Some(overlap) =
                path::overlap_of(&real, &followed).or_else(|| path::overlap_of(&real, &unfollowed))
            {
                return Err(Error::OverlapsInput {
                    output: self.path.clone(),
                    input: input.clone(),
                    overlap,
                });
            }
        }
        match std::fs::metadata(&parent) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::ParentNotFolder {
                    parent,
                    output: self.path.clone(),
                });
            }
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                return Err(Error::NoParent {
                    parent,
                    output: self.path.clone(),
                });
            }
            Err(e) => return Err(Error::io(parent, e)),
        }
        let meta = match std::fs::symlink_metadata(&target) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        if self.if_exists == IfExists::Refuse {
            return Err(Error::Exists {
                path: self.path.clone(),
            });
        }
        let ft = meta.file_type();
        match self.kind {
            Kind::File if ft.is_file() => Ok(()),
            Kind::File => Err(Error::NotReplaceable {
                path: self.path.clone(),
                found: kind_of(ft),
                expected: "a regular file",
            }),
            Kind::Folder(names) if ft.is_dir() => {
                let mut shown = Vec::new();
                let mut total = 0;
                unexpected(&target, Path::new(""), names, &mut shown, &mut total)?;
                if total == 0 {
                    Ok(())
                } else {
                    Err(Error::UnexpectedEntries {
                        path: self.path.clone(),
                        what: names.what,
                        shown,
                        total,
                    })
                }
            }
            Kind::Folder(_) => Err(Error::NotReplaceable {
                path: self.path.clone(),
                found: kind_of(ft),
                expected: "a folder",
            }),
        }
    }

    /// Writes a single-file output: `write` fills a temporary file beside it, which
    /// is synced and renamed into place when `write` succeeds, and removed otherwise.
    ///
    /// # Errors
    ///
    /// Those of [`Output::check`], I/O errors naming their path, and `write`'s own.
    pub fn write_file<E: From<Error>>(
        &self,
        write: impl FnOnce(&mut TempFile) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.check()?;
        let (target, parent, name) = self.target()?;
        let (temp, file) = Temporary::create(&self.path, &parent, &name, false, "tmp")?;
        let Some(file) = file else {
            return Err(Error::io(&temp.path, std::io::Error::other("not a file")).into());
        };
        let mut tmp = TempFile {
            file,
            temp,
            output: self.path.clone(),
        };
        write(&mut tmp)?;
        let TempFile { mut file, temp, .. } = tmp;
        file.flush()
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io(&temp.path, e))?;
        drop(file);
        self.check()?;
        {
            let mut reg = registry();
            if reg.is_closed() {
                drop(reg);
                return Err(Error::Interrupted {
                    path: self.path.clone(),
                }
                .into());
            }
            if let Err(e) = std::fs::rename(&temp.path, &target) {
                drop(reg);
                drop(temp);
                return Err(Error::io(&self.path, e).into());
            }
            temp.persisted(&mut reg);
        }
        sync_dir(&parent);
        Ok(())
    }

    /// Writes `bytes` as a single-file output (see [`Output::write_file`]).
    ///
    /// # Errors
    ///
    /// As [`Output::write_file`].
    pub fn write_bytes(&self, bytes: &[u8]) -> Result<()> {
        self.write_file(|tmp| {
            tmp.write_all(bytes)
                .map_err(|e| Error::io(tmp.output().to_path_buf(), e))
        })
    }

    /// Writes a folder output: `write` fills a temporary folder beside it, whose
    /// files are synced and which is renamed into place when `write` succeeds
    /// (the old folder, if any and allowed, is moved aside then removed), and
    /// removed otherwise.
    ///
    /// `write` creates entries inside the folder it is given, never the folder
    /// itself (no `create_dir_all` of a path through it): when an interrupt
    /// ([`remove_temporaries`]) removed the folder, creating an entry then fails
    /// instead of bringing the folder back.
    ///
    /// # Errors
    ///
    /// Those of [`Output::check`], I/O errors naming their path, and `write`'s own.
    pub fn write_folder<E: From<Error>>(
        &self,
        write: impl FnOnce(&Path) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.check()?;
        let (target, parent, name) = self.target()?;
        let (temp, _) = Temporary::create(&self.path, &parent, &name, true, "tmp")?;
        write(&temp.path)?;
        sync_tree(&temp.path)?;
        self.check()?;
        let old = {
            let mut reg = registry();
            if reg.is_closed() {
                drop(reg);
                return Err(Error::Interrupted {
                    path: self.path.clone(),
                }
                .into());
            }
            let mut old = None;
            let exists = std::fs::symlink_metadata(&target).is_ok();
            if exists && exchange(&temp.path, &target) {
                // The temporary now holds the old output: still registered, it is
                // removed below (or by an interrupt).
                drop(reg);
                sync_dir(&parent);
                temp.remove()?;
                return Ok(());
            }
            if exists {
                let aside = Temporary::aside_name(&parent, &name, &mut reg);
                if let Err(e) = std::fs::rename(&target, &aside) {
                    drop(reg);
                    drop(temp);
                    return Err(Error::io(&self.path, e).into());
                }
                old = Some(Temporary::adopt(&mut reg, aside, true));
            }
            if let Err(e) = std::fs::rename(&temp.path, &target) {
                if let Some(old) = old {
                    // Put the old output back.
                    let _ = std::fs::rename(&old.path, &target);
                    old.persisted(&mut reg);
                }
                drop(reg);
                drop(temp);
                return Err(Error::io(&self.path, e).into());
            }
            temp.persisted(&mut reg);
            old
        };
        sync_dir(&parent);
        if let Some(old) = old {
            old.remove()?;
        }
        Ok(())
    }
}

/// Swaps the folders `a` and `b` in one atomic step where the system can (feature
/// `exchange` on Linux); `false` when it cannot, and nothing was changed.
#[cfg(all(feature = "exchange", any(target_os = "linux", target_os = "android")))]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

/// Swaps the folders `a` and `b` in one atomic step where the system can (feature
/// `exchange` on Linux); `false` when it cannot, and nothing was changed.
#[cfg(not(all(feature = "exchange", any(target_os = "linux", target_os = "android"))))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// Collects the entries under `dir` (at `rel` inside the output) that `names` does
/// not accept.
fn unexpected(
    dir: &Path,
    rel: &Path,
    names: FolderNames,
    shown: &mut Vec<PathBuf>,
    total: &mut usize,
) -> Result<()> {
    let here = dir.join(rel);
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(&here).map_err(|e| Error::io(&here, e))? {
        let entry = entry.map_err(|e| Error::io(&here, e))?;
        let ft = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        entries.push((rel.join(entry.file_name()), ft));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, ft) in entries {
        let ok = (ft.is_file() || ft.is_dir()) && (names.accepts)(&path, ft.is_dir());
        if !ok {
            *total += 1;
            if shown.len() < MAX_LISTED {
                shown.push(path);
            }
        } else if ft.is_dir() {
            unexpected(dir, &path, names, shown, total)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

// The crate README's examples are doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
