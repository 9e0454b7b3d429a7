//! Errors of reading a repository's history.

use std::path::PathBuf;

use chrono::NaiveDate;

/// What to do about a missing or damaged object, in every message about one.
pub(crate) const MISSING_OBJECTS: &str = "the repository misses or has a damaged object (a partial, shallow or damaged clone): fetch the missing objects (`git fetch --refetch`) or clone it again, and check it with `git fsck`";

/// A boxed error of the git layer (gitoxide), kept as the source of ours.
pub type GitError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What can stop a history read. Problems of single files or folders of a tree are
/// never errors: they are diagnostics of the import (`git-object-unreadable`,
/// `git-symlink`, ...), and the rest of the tree is still read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The path is not a git repository (bare or not) that can be opened.
    #[error(
        "{}: not a git repository that can be opened; give the path of a repository: its work tree, its `.git` folder or a bare repository",
        path.display()
    )]
    Open {
        /// The path given.
        path: PathBuf,
        /// Why.
        #[source]
        source: GitError,
    },
    /// A revision that does not name one commit.
    #[error(
        "revision `{rev}` does not name a commit: {reason}; give a commit id (full, or 4 hexadecimal digits or more that only it starts with), a branch or tag, or such a name followed by ~N (`git log --oneline --first-parent` lists them)"
    )]
    Revision {
        /// The revision as given.
        rev: String,
        /// Why.
        reason: String,
    },
    /// No commit of the first-parent chain was made by the end of the date: the date
    /// is before the root commit, or before where a shallow clone's history stops.
    #[error("{}", nothing_known_at(*date, from, oldest.as_deref(), *shallow))]
    NothingKnownAt {
        /// The date asked for.
        date: NaiveDate,
        /// The revision the walk started from.
        from: String,
        /// The oldest commit reached (short id and date), when any.
        oldest: Option<String>,
        /// Whether the walk stopped where a shallow clone's history stops (`oldest`),
        /// rather than at the root commit: older commits exist but are not here.
        shallow: bool,
    },
    /// An object needed to go on (a commit, a root tree) is missing or unreadable.
    #[error("commit {commit}: {what} cannot be read; {MISSING_OBJECTS}")]
    Object {
        /// The commit being read.
        commit: String,
        /// What was read (`the commit`, `the root tree`, `the tree content/`).
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

/// The message of [`Error::NothingKnownAt`].
fn nothing_known_at(date: NaiveDate, from: &str, oldest: Option<&str>, shallow: bool) -> String {
    let head = format!(
        "no commit of the first-parent chain of {from} was made by the end of {date} (Europe/Paris)"
    );
    match (oldest, shallow) {
        (Some(oldest), true) => format!(
            "{head}: the repository is a shallow clone; its history stops at {oldest}; fetch the history before it (`git fetch --unshallow`, or `git fetch --shallow-since={date}`) to know {date}"
        ),
        (Some(oldest), false) => format!(
            "{head}: the oldest is the root commit {oldest}; give a date on or after that commit's"
        ),
        (None, _) => format!("{head}; give a later date"),
    }
}

/// `error` and its sources, on one line (`a: b: c`), each told once.
pub(crate) fn causes(error: &dyn std::error::Error) -> String {
    let mut out = String::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // Skips sources their parent told already, and bare kinds (`NotFound`).
        let kind_only = !out.is_empty() && !text.contains(' ');
        if !kind_only && !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
        next = e.source();
    }
    out
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{text}")]
    struct Chained {
        text: &'static str,
        #[source]
        source: Option<Box<Chained>>,
    }

    fn chained(texts: &[&'static str]) -> Option<Box<Chained>> {
        let (first, rest) = texts.split_first()?;
        Some(Box::new(Chained {
            text: first,
            source: chained(rest),
        }))
    }

    #[test]
    fn causes_tell_each_source_once_on_one_line() {
        let e = chained(&[
            "couldn't parse revision",
            "Reference \"nope\"\n\tcould not be found",
            "NotFound",
        ])
        .unwrap();
        assert_eq!(
            causes(&*e),
            "couldn't parse revision: Reference \"nope\" could not be found"
        );
        let e = chained(&["outer (inner told here)", "inner told here", "Io"]).unwrap();
        assert_eq!(causes(&*e), "outer (inner told here)");
        // A bare kind alone is still told.
        assert_eq!(causes(&*chained(&["NotFound"]).unwrap()), "NotFound");
    }

    #[test]
    fn nothing_known_at_says_where_history_stops_and_what_to_do() {
        let date = NaiveDate::from_ymd_opt(2019, 2, 15).unwrap();
        let err = |oldest: Option<&str>, shallow| {
            Error::NothingKnownAt {
                date,
                from: "HEAD".into(),
                oldest: oldest.map(str::to_owned),
                shallow,
            }
            .to_string()
        };
        let head = "no commit of the first-parent chain of HEAD was made by the end of 2019-02-15 (Europe/Paris)";
        assert_eq!(
            err(Some("5117b89a1b1e of 2019-03-01 12:00:00 +01:00"), true),
            format!(
                "{head}: the repository is a shallow clone; its history stops at 5117b89a1b1e of 2019-03-01 12:00:00 +01:00; fetch the history before it (`git fetch --unshallow`, or `git fetch --shallow-since=2019-02-15`) to know 2019-02-15"
            )
        );
        assert_eq!(
            err(Some("5117b89a1b1e of 2019-03-01 12:00:00 +01:00"), false),
            format!(
                "{head}: the oldest is the root commit 5117b89a1b1e of 2019-03-01 12:00:00 +01:00; give a date on or after that commit's"
            )
        );
        assert_eq!(err(None, false), format!("{head}; give a later date"));
    }

    #[test]
    fn object_errors_name_the_commit_and_what_to_do() {
        let e = Error::object("d2eae7be", "the root tree", "not found".to_owned());
        assert_eq!(
            e.to_string(),
            format!("commit d2eae7be: the root tree cannot be read; {MISSING_OBJECTS}")
        );
        // The cause is the source (the binary prints the chain), never repeated.
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("not found"));
    }
}
