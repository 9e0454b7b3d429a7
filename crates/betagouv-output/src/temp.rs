//! Temporaries beside the output, and the process-wide registry of live ones.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::{Error, Result};

/// The word every temporary's name holds: `.NAME.betagouv-tmp-PID-N` (a new output
/// being written) or `.NAME.betagouv-tmp-old-PID-N` (the replaced output being removed).
pub const TEMPORARY_MARK: &str = ".betagouv-tmp-";

/// Bytes of the output's name kept in a temporary's name (the rest is cut, so that
/// the temporary's name stays under the usual 255-byte limit).
const NAME_KEPT: usize = 100;

/// Attempts at a free temporary name before giving up.
const NAME_ATTEMPTS: u32 = 64;

#[derive(Debug)]
pub(crate) struct Registry {
    next: u64,
    live: BTreeMap<u64, (PathBuf, bool)>,
    closed: bool,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    next: 0,
    live: BTreeMap::new(),
    closed: false,
});

pub(crate) fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

fn remove_path(path: &Path, dir: bool) -> std::io::Result<()> {
    let r = if dir {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match r {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        r => r,
    }
}

/// Removes every temporary this process is writing (files and folders beside the
/// outputs), and refuses new ones from then on. Call it from a Ctrl-C / SIGTERM
/// handler just before exiting: outputs are then left as they were before the
/// command, or complete. Returns how many temporaries were removed.
///
/// A replacement of a folder output is never cut in the middle: it holds the same
/// lock as this function between its two renames. A temporary folder is renamed
/// aside (`….removing`) before it is removed, so that a writer still creating
/// entries in it by path fails instead of making the removal fail.
///
/// ```
/// assert_eq!(betagouv_output::remove_temporaries(), 0);
/// ```
pub fn remove_temporaries() -> usize {
    let mut reg = registry();
    reg.closed = true;
    let live = std::mem::take(&mut reg.live);
    live.values()
        .filter(|(path, dir)| remove_interrupted(path, *dir))
        .count()
}

/// Removes a live temporary for [`remove_temporaries`]; whether it is gone.
///
/// A folder is first renamed aside (`NAME.removing`, in the same folder): a writer
/// still creating entries in it by path then fails, the path being gone, instead of
/// adding entries while the folder is removed, which made the removal fail. An entry
/// whose creation had already begun may still land in it: try again a few times.
fn remove_interrupted(path: &Path, dir: bool) -> bool {
    let mut aside = path.as_os_str().to_owned();
    aside.push(".removing");
    let aside = PathBuf::from(aside);
    let path = if dir && std::fs::rename(path, &aside).is_ok() {
        aside.as_path()
    } else {
        path
    };
    (0..3).any(|_| remove_path(path, dir).is_ok())
}

/// Paths of the temporaries alive now (for tests and diagnostics).
#[must_use]
pub fn live_temporaries() -> Vec<PathBuf> {
    registry().live.values().map(|(p, _)| p.clone()).collect()
}

/// A registered temporary (file or folder); removed and unregistered on drop unless
/// persisted.
#[derive(Debug)]
pub(crate) struct Temporary {
    pub(crate) path: PathBuf,
    id: u64,
    dir: bool,
    live: bool,
}

fn short_name(name: &OsStr) -> String {
    let name = name.to_string_lossy();
    let mut end = name.len().min(NAME_KEPT);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_owned()
}

impl Temporary {
    /// Creates a temporary beside `output` (in `parent`): a file (opened for writing)
    /// or a folder. `kind` is `tmp` or `tmp-old`.
    pub(crate) fn create(
        output: &Path,
        parent: &Path,
        name: &OsStr,
        dir: bool,
        kind: &str,
    ) -> Result<(Self, Option<File>)> {
        let name = short_name(name);
        let pid = std::process::id();
        for _ in 0..NAME_ATTEMPTS {
            let mut reg = registry();
            if reg.closed {
                return Err(Error::Interrupted {
                    path: output.to_path_buf(),
                });
            }
            let id = reg.next;
            reg.next += 1;
            let path = parent.join(format!(".{name}.betagouv-{kind}-{pid}-{id}"));
            // std applies the umask to both: 0666 & !umask for a file, 0777 & !umask
            // for a folder.
            let made = if dir {
                std::fs::create_dir(&path).map(|()| None)
            } else {
                OpenOptions::new()
                    .write(true)
                    .read(true)
                    .create_new(true)
                    .open(&path)
                    .map(Some)
            };
            match made {
                Ok(file) => {
                    reg.live.insert(id, (path.clone(), dir));
                    return Ok((
                        Self {
                            path,
                            id,
                            dir,
                            live: true,
                        },
                        file,
                    ));
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::io(path, e)),
            }
        }
        Err(Error::io(
            parent,
            std::io::Error::new(
                ErrorKind::AlreadyExists,
                "no free temporary name beside the output",
            ),
        ))
    }

    /// Registers an existing path (the old output moved aside) as a temporary folder
    /// or file; the caller holds the registry lock.
    pub(crate) fn adopt(reg: &mut Registry, path: PathBuf, dir: bool) -> Self {
        let id = reg.next;
        reg.next += 1;
        reg.live.insert(id, (path.clone(), dir));
        Self {
            path,
            id,
            dir,
            live: true,
        }
    }

    /// Unregisters without removing (it was renamed into place); the caller holds
    /// the registry lock.
    pub(crate) fn persisted(mut self, reg: &mut Registry) {
        reg.live.remove(&self.id);
        self.live = false;
    }

    /// Removes the temporary now, reporting a failure.
    pub(crate) fn remove(mut self) -> Result<()> {
        self.live = false;
        registry().live.remove(&self.id);
        remove_path(&self.path, self.dir).map_err(|e| Error::io(&self.path, e))
    }

    /// A name for the old output moved aside, in the same folder.
    pub(crate) fn aside_name(parent: &Path, name: &OsStr, reg: &mut Registry) -> PathBuf {
        let id = reg.next;
        reg.next += 1;
        parent.join(format!(
            ".{}.betagouv-tmp-old-{}-{id}",
            short_name(name),
            std::process::id()
        ))
    }
}

impl Registry {
    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if self.live {
            registry().live.remove(&self.id);
            let _ = remove_path(&self.path, self.dir);
        }
    }
}
