//! The crate's error type.

use std::fmt;
use std::path::PathBuf;

/// How an output overlaps an input.
// Closed: two overlapping paths are the same, or one is inside the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Overlap {
    /// The output is the input.
    Same,
    /// The output is inside the input (a folder).
    Inside,
    /// The output contains the input.
    Contains,
}

impl fmt::Display for Overlap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Overlap::Same => "is",
            Overlap::Inside => "is inside",
            Overlap::Contains => "contains",
        })
    }
}

/// Why an output was refused or could not be written. Every variant names its path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The output is, contains or is inside an input of the command.
    #[error("refusing to write {output}: it {overlap} the input {input}")]
    OverlapsInput {
        /// The output, as given.
        output: PathBuf,
        /// The input, as given.
        input: PathBuf,
        /// How they overlap.
        overlap: Overlap,
    },
    /// The output exists and replacing it was not allowed.
    #[error("{path}: already exists (use --force to replace it)")]
    Exists {
        /// The output.
        path: PathBuf,
    },
    /// The output exists and is not of a kind that may be replaced (a folder where a
    /// file is written, a symbolic link, a device, a FIFO...).
    #[error("refusing to replace {path}: it is {found}, not {expected}")]
    NotReplaceable {
        /// The output.
        path: PathBuf,
        /// What is there (`a folder`, `a symbolic link`, `a special file (device, FIFO or socket)`).
        found: &'static str,
        /// What may be replaced (`a regular file`, `a folder`).
        expected: &'static str,
    },
    /// The output folder holds entries that the format does not write.
    #[error(
        "refusing to replace the folder {path}: it holds {total} entries that {what} does not write: {}{}",
        list(shown),
        more(*total, shown.len())
    )]
    UnexpectedEntries {
        /// The output folder.
        path: PathBuf,
        /// What writes the folder (`a csv export`).
        what: &'static str,
        /// The first unexpected entries (at most [`MAX_LISTED`](crate::MAX_LISTED)),
        /// relative to the folder.
        shown: Vec<PathBuf>,
        /// How many unexpected entries there are in all.
        total: usize,
    },
    /// The folder that should hold the output does not exist.
    #[error("no such folder: {parent} (parent of the output {output})")]
    NoParent {
        /// The missing folder.
        parent: PathBuf,
        /// The output.
        output: PathBuf,
    },
    /// The path that should hold the output exists but is not a folder.
    #[error("not a folder: {parent} (parent of the output {output})")]
    ParentNotFolder {
        /// The path that is not a folder.
        parent: PathBuf,
        /// The output.
        output: PathBuf,
    },
    /// The process is being interrupted: no new temporary is created.
    #[error("{path}: not written, the command is being interrupted")]
    Interrupted {
        /// The output.
        path: PathBuf,
    },
    /// An I/O failure on a path (the system's error is the [`source`](std::error::Error::source)).
    #[error("{path}: input/output error")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// An I/O error on `path`.
    #[must_use]
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

fn list(shown: &[PathBuf]) -> String {
    shown
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn more(total: usize, shown: usize) -> String {
    if total > shown {
        format!(" (and {} more)", total - shown)
    } else {
        String::new()
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
