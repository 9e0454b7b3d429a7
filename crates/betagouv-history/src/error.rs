//! Errors of reading a repository's history.

use std::path::PathBuf;

use chrono::NaiveDate;

/// A boxed error of the git layer (gitoxide), kept as the source of ours.
pub type GitError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What can stop a history read. Problems of single files or folders of a tree are
/// never errors: they are diagnostics of the import (`git-object-unreadable`,
/// `git-symlink`, ...), and the rest of the tree is still read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The path is not a git repository (bare or not) that can be opened.
    #[error("{}: not a git repository that can be opened: {source}", path.display())]
    Open {
        /// The path given.
        path: PathBuf,
        /// Why.
        #[source]
        source: GitError,
    },
    /// A revision that does not name one commit.
    #[error("revision `{rev}` does not name a commit: {reason}")]
    Revision {
        /// The revision as given.
        rev: String,
        /// Why.
        reason: String,
    },
    /// No commit of the first-parent chain was made by the end of the date.
    #[error(
        "no commit of the first-parent chain of {from} was made by the end of {date} (Europe/Paris){}",
        oldest.as_ref().map(|o| format!("; the oldest is {o}")).unwrap_or_default()
    )]
    NothingKnownAt {
        /// The date asked for.
        date: NaiveDate,
        /// The revision the walk started from.
        from: String,
        /// The oldest commit reached (id and date), when any.
        oldest: Option<String>,
    },
    /// An object needed to go on (a commit, a root tree) is missing or unreadable.
    #[error("{what} of commit {commit}: {source}")]
    Object {
        /// The commit being read.
        commit: String,
        /// What was read (`the commit`, `the root tree`, `tree content/`).
        what: String,
        /// Why.
        #[source]
        source: GitError,
    },
}

impl Error {
    /// An object error of `commit` while reading `what`.
    pub(crate) fn object(
        commit: impl std::fmt::Display,
        what: impl Into<String>,
        source: impl Into<GitError>,
    ) -> Self {
        Self::Object {
            commit: commit.to_string(),
            what: what.into(),
            source: source.into(),
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
