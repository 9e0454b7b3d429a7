//! The collection folders of a commit's tree, and a whole commit read into an
//! [`Import`].

use std::ffi::OsString;
use std::path::PathBuf;

use betagouv_content::layout::{Collection, Layout, LayoutKind, layout_of_tree};
use betagouv_content::read::{FileRead, Import, ReadOptions, read_bytes};
use betagouv_content::rules;
use betagouv_portfolio::{Diagnostic, RecordKind, Severity};
use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};
use gix::objs::tree::EntryKind;

use crate::commit::CommitId;
use crate::error::{Error, MISSING_OBJECTS, Result, causes};
use crate::repo::Repository;

/// One collection folder of a tree: its kind, path and tree object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Folder {
    pub(crate) kind: RecordKind,
    pub(crate) path: &'static str,
    pub(crate) tree: ObjectId,
}

/// One entry of a collection folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    /// A file (blob, executable or not).
    File(BString, ObjectId),
    /// A symbolic link (never followed).
    Link(BString),
    /// A submodule (a commit of another repository).
    Submodule(BString),
    /// A sub-folder.
    Tree(BString),
}

impl Entry {
    pub(crate) fn name(&self) -> &BStr {
        match self {
            Self::File(n, _) | Self::Link(n) | Self::Submodule(n) | Self::Tree(n) => n.as_ref(),
        }
    }
}

/// The root of paths of commit `commit` in diagnostics: `<short id>:`, as `git show`
/// takes it (`git show 83370e47b81e:content/_startups/a.md`).
pub(crate) fn root_of(commit: &CommitId) -> PathBuf {
    PathBuf::from(format!("{}:", commit.short()))
}

/// `<short id>:<path>` for the repository path `path` of `commit` (bytes kept as
/// they are on Unix; elsewhere non-UTF-8 bytes are replaced).
pub(crate) fn located(commit: &CommitId, path: &BStr) -> PathBuf {
    let mut s = OsString::from(format!("{}:", commit.short()));
    match gix::path::from_bstr(path) {
        Ok(p) => s.push(p.as_os_str()),
        Err(_) => s.push(path.to_str_lossy().as_ref()),
    }
    PathBuf::from(s)
}

/// The entries of tree `id` (decoded, in tree order).
pub(crate) fn entries(
    repo: &Repository,
    id: ObjectId,
) -> std::result::Result<Vec<Entry>, crate::error::GitError> {
    let tree = repo.git.find_tree(id)?;
    let mut out = Vec::new();
    for e in tree.iter() {
        let e = e?;
        let name: BString = e.filename().to_owned();
        let oid = e.oid().to_owned();
        out.push(match e.mode().kind() {
            EntryKind::Tree => Entry::Tree(name),
            EntryKind::Blob | EntryKind::BlobExecutable => Entry::File(name, oid),
            EntryKind::Link => Entry::Link(name),
            EntryKind::Commit => Entry::Submodule(name),
        });
    }
    Ok(out)
}

/// The sub-trees of tree `id` by name (only the names a layout can use).
fn subtrees(
    repo: &Repository,
    id: ObjectId,
) -> std::result::Result<Vec<(BString, ObjectId)>, crate::error::GitError> {
    let tree = repo.git.find_tree(id)?;
    let mut out = Vec::new();
    for e in tree.iter() {
        let e = e?;
        if e.mode().is_tree() && (e.filename().starts_with(b"_") || e.filename() == "content") {
            out.push((e.filename().to_owned(), e.oid().to_owned()));
        }
    }
    Ok(out)
}

/// The layout of commit `commit` (root tree `root`) and its collection folders, by the
/// rule of [`layout_of_tree`].
///
/// # Errors
///
/// The root tree or the `content/` tree cannot be read.
pub(crate) fn folders_of(
    repo: &Repository,
    commit: &CommitId,
    root: ObjectId,
) -> Result<(LayoutKind, Vec<Folder>)> {
    let top = subtrees(repo, root).map_err(|e| Error::object(commit, "the root tree", e))?;
    let content = match top.iter().find(|(n, _)| n == "content") {
        Some((_, id)) => {
            subtrees(repo, *id).map_err(|e| Error::object(commit, "the tree content/", e))?
        }
        None => Vec::new(),
    };
    let tree_of = |p: &str| -> Option<ObjectId> {
        match p.strip_prefix("content/") {
            Some(rest) => content.iter().find(|(n, _)| n == rest).map(|(_, id)| *id),
            None => top.iter().find(|(n, _)| n == p).map(|(_, id)| *id),
        }
    };
    let Some((kind, paths)) = layout_of_tree(|p| tree_of(p).is_some()) else {
        return Ok((LayoutKind::Empty, Vec::new()));
    };
    let folders = paths
        .into_iter()
        .filter_map(|(kind, path)| {
            Some(Folder {
                kind,
                path,
                tree: tree_of(path)?,
            })
        })
        .collect();
    Ok((kind, folders))
}

/// The root tree of commit `id`.
pub(crate) fn root_tree(repo: &Repository, id: &CommitId) -> Result<ObjectId> {
    let commit = repo
        .git
        .find_commit(id.0)
        .map_err(|e| Error::object(id, "the commit", e))?;
    commit
        .tree_id()
        .map(gix::Id::detach)
        .map_err(|e| Error::object(id, "the commit's tree", e))
}

/// What listing one collection folder gives: its files, and the diagnostics and
/// skipped entries of what is not read.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub(crate) files: Vec<(RecordKind, BString, ObjectId)>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) skipped: Vec<PathBuf>,
}

/// Lists `folder` of `commit` into `out`, as the folder reader lists a folder on disk:
/// sub-folders and submodules are warnings, symbolic links errors (never followed),
/// an unreadable folder an error of its own.
pub(crate) fn list_folder(
    repo: &Repository,
    commit: &CommitId,
    folder: &Folder,
    out: &mut Listing,
) {
    let entries = match entries(repo, folder.tree) {
        Ok(e) => e,
        Err(e) => {
            let path = located(commit, folder.path.into());
            out.diagnostics.push(
                Diagnostic::new(
                    Severity::Error,
                    rules::GIT_OBJECT_UNREADABLE,
                    format!(
                        "the folder's tree {} cannot be read ({}), so none of its files is read; {MISSING_OBJECTS}",
                        folder.tree,
                        causes(&*e)
                    ),
                )
                .at(&path, 0, 0),
            );
            out.skipped.push(path);
            return;
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let mut path = BString::from(folder.path);
        path.push(b'/');
        path.extend_from_slice(entry.name());
        let diag = |sev, rule: &str, msg: &str| {
            Diagnostic::new(sev, rule, msg.to_owned()).at(located(commit, path.as_ref()), 0, 0)
        };
        match entry {
            Entry::File(_, oid) => files.push((folder.kind, path, oid)),
            Entry::Tree(_) => out.diagnostics.push(diag(
                Severity::Warning,
                rules::SUBFOLDER_IGNORED,
                "a folder inside a collection is not read; move its files up or remove it",
            )),
            Entry::Submodule(_) => out.diagnostics.push(diag(
                Severity::Warning,
                rules::GIT_SUBMODULE,
                "a submodule inside a collection is not read; remove it",
            )),
            Entry::Link(_) => {
                out.diagnostics.push(diag(
                    Severity::Error,
                    rules::GIT_SYMLINK,
                    "symbolic link in the repository: not followed; replace it by the file",
                ));
                out.skipped.push(located(commit, path.as_ref()));
            }
        }
    }
    // The folder reader's order: by path bytes.
    files.sort_by(|a, b| a.1.cmp(&b.1));
    out.files.extend(files);
}

/// Reads blob `oid` (the file at repository path `path` of `commit`) as a record of
/// `kind`: the size limit first, then [`read_bytes`]; a missing or corrupt object is
/// a `git-object-unreadable` error of the file.
pub(crate) fn read_blob(
    repo: &Repository,
    commit: &CommitId,
    kind: RecordKind,
    path: &BStr,
    oid: ObjectId,
    options: &ReadOptions,
) -> FileRead {
    let shown = located(commit, path);
    let unreadable = |e: &dyn std::error::Error| {
        FileRead::error(
            &shown,
            rules::GIT_OBJECT_UNREADABLE,
            format!(
                "the file's blob {oid} cannot be read ({}); {MISSING_OBJECTS}",
                causes(e)
            ),
        )
    };
    match repo.git.find_header(oid) {
        Ok(h) if h.size() > options.max_file_size => {
            return FileRead::too_large(&shown, h.size(), options.max_file_size);
        }
        Ok(_) => {}
        Err(e) => return unreadable(&e),
    }
    match repo.git.find_blob(oid) {
        Ok(blob) => read_bytes(kind, &shown, &blob.data, options),
        Err(e) => unreadable(&e),
    }
}

impl Repository {
    /// Reads the collections of commit `commit` into an [`Import`], as
    /// [`read_folder`](betagouv_content::read_folder) reads the same tree checked out:
    /// the same records, files and diagnostics, each located at `<short id>:<path>`
    /// (`83370e47b81e:content/_startups/a.md`, as `git show` takes it). Loose or
    /// packed objects, bare or not: the same import.
    ///
    /// What a bad repository gives, the rest of the tree always read:
    ///
    /// - A blob that is missing (a partial clone, a damaged repository) or cannot be
    ///   decoded (a corrupt object): one `git-object-unreadable` error of its file
    ///   (`<short>:<path>`, the blob id in the message); the file is listed in
    ///   [`Import::files`] with no record, as an unreadable file of a folder.
    /// - The tree of a collection folder missing or corrupt: one
    ///   `git-object-unreadable` error of the folder (`<short>:content/_authors`),
    ///   none of its files read, the folder in [`Import::skipped`].
    /// - A file name that is not UTF-8: the reader's `invalid-id` error, its
    ///   location keeping the name's bytes on Unix.
    /// - A symbolic link in a collection folder: a `git-symlink` error, never
    ///   followed, the entry in [`Import::skipped`]; a submodule: a `git-submodule`
    ///   warning; a sub-folder: a `subfolder-ignored` warning, as on disk.
    /// - A blob over [`ReadOptions::max_file_size`]: a `file-too-large` error, its
    ///   size taken from the object's header (the blob's content is not read).
    /// - No collection folder (a commit before the first one, or after the last one
    ///   was deleted): an empty import of layout [`LayoutKind::Empty`], no diagnostic.
    ///
    /// # Errors
    ///
    /// [`Error::Object`] naming the commit when the commit, its root tree or its
    /// `content/` tree is missing or cannot be decoded (nothing tells which
    /// collections it has).
    pub fn read_commit(&self, commit: &CommitId, options: &ReadOptions) -> Result<Import> {
        let root = root_tree(self, commit)?;
        let (kind, folders) = folders_of(self, commit, root)?;
        let mut listing = Listing::default();
        for f in &folders {
            list_folder(self, commit, f, &mut listing);
        }
        let reads: Vec<_> = listing
            .files
            .iter()
            .map(|(kind, path, oid)| {
                let read = read_blob(self, commit, *kind, path.as_ref(), *oid, options);
                (*kind, located(commit, path.as_ref()), read)
            })
            .collect();
        let layout = Layout {
            kind,
            collections: folders
                .iter()
                .map(|f| Collection {
                    kind: f.kind,
                    dir: located(commit, f.path.into()),
                })
                .collect(),
        };
        Ok(Import::assemble(
            &root_of(commit),
            layout,
            reads,
            listing.diagnostics,
            listing.skipped,
            options,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit() -> CommitId {
        "83370e47b81eb9bd17a4521e778598f2e7ed0ac7".parse().unwrap()
    }

    #[test]
    fn paths_are_located_at_the_short_commit_id() {
        assert_eq!(root_of(&commit()), PathBuf::from("83370e47b81e:"));
        assert_eq!(
            located(&commit(), "content/_startups/a.md".into()),
            PathBuf::from("83370e47b81e:content/_startups/a.md")
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_paths_keep_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let path = located(&commit(), b"content/_startups/caf\xe9.md".as_bstr());
        assert_eq!(
            path.as_os_str().as_bytes(),
            b"83370e47b81e:content/_startups/caf\xe9.md"
        );
    }
}
