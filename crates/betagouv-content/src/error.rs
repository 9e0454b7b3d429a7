//! The crate's error type, for failures that stop a whole job (not per-file problems).

use std::path::PathBuf;

/// A failure that stops a whole read, write or upgrade. Problems of one file are
/// [`Diagnostic`](betagouv_portfolio::Diagnostic)s instead, and never stop a job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The folder is not a content folder of a known layout.
    #[error(
        "{path}: no content collection found (expected content/_startups, _startup, _author, _authors, ... or a collection folder)"
    )]
    UnknownLayout {
        /// The folder given.
        path: PathBuf,
    },
    /// An I/O failure on a path (the system's error is the
    /// [`source`](std::error::Error::source)).
    #[error("{path}: input/output error")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Two records would be written to the same file.
    #[error("{path}: two records would be written to this file")]
    DuplicateOutput {
        /// The file.
        path: PathBuf,
    },
    /// The output policy refused the output (it overlaps the input, exists without
    /// force, holds entries that an upgrade does not write, has no parent folder).
    #[error(transparent)]
    Output(#[from] betagouv_output::Error),
    /// A rule id to skip that no rule has (see [`rules::ALL`](crate::rules::ALL)).
    #[error("unknown rule id `{rule}`; known rule ids: {}", crate::rules::ALL.iter().map(|r| r.id).collect::<Vec<_>>().join(", "))]
    UnknownRule {
        /// The id given.
        rule: String,
    },
    /// The output folder exists and is not empty.
    #[error("{path}: the output folder exists and is not empty")]
    OutputNotEmpty {
        /// The folder.
        path: PathBuf,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
