//! The crate's error type.

use std::path::PathBuf;

/// A failure that stops an export. Problems of the data (dangling references,
/// partial dates) never stop an export: they are reported as
/// [`Diagnostic`](betagouv_portfolio::Diagnostic)s in the [`Report`](crate::Report).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The output path exists and overwriting was not allowed.
    #[error("{path}: already exists (use --force to replace it)")]
    OutputExists {
        /// The output path.
        path: PathBuf,
    },
    /// An I/O failure on a path.
    #[error("{path}: i/o failure")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Writing CSV failed.
    #[error("{path}: csv failure")]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// The CSV error.
        #[source]
        source: ::csv::Error,
    },
    /// Writing JSON failed.
    #[error("{path}: json failure")]
    Json {
        /// The JSON file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// Writing the SQLite database failed.
    #[cfg(feature = "sqlite")]
    #[error("sqlite failure on table {table}")]
    Sqlite {
        /// The table being written (or `meta`, `schema`).
        table: String,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// Writing the workbook failed.
    #[cfg(feature = "xlsx")]
    #[error("xlsx failure on sheet {sheet}")]
    Xlsx {
        /// The sheet being written.
        sheet: String,
        /// The workbook error.
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// The output was refused by the output policy (it overlaps an input, it is not
    /// of a kind that may be replaced, it holds entries the format does not write,
    /// its parent folder is missing) or could not be put in place.
    #[error(transparent)]
    Output(betagouv_output::Error),
    /// The format was not compiled in (enable the cargo feature of the same name).
    #[error("the {format} format needs the `{feature}` cargo feature of betagouv-export")]
    FeatureDisabled {
        /// The format asked for.
        format: &'static str,
        /// The cargo feature to enable.
        feature: &'static str,
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

impl From<betagouv_output::Error> for Error {
    fn from(e: betagouv_output::Error) -> Self {
        match e {
            betagouv_output::Error::Exists { path } => Self::OutputExists { path },
            e => Self::Output(e),
        }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
