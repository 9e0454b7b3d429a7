//! The crate's error type.

use std::path::PathBuf;

/// A failure that stops an export. Problems of the data (dangling references,
/// partial dates) never stop an export: they are reported as
/// [`Diagnostic`](betagouv_portfolio::Diagnostic)s in the [`ExportReport`](crate::ExportReport).
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
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
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
    #[cfg_attr(docsrs, doc(cfg(feature = "xlsx")))]
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
    /// its parent folder is missing) or could not be put in place. Forwards the
    /// output policy's message and cause unchanged (`betagouv-output` names the path).
    #[error(transparent)]
    Output(betagouv_output::Error),
    /// The format was not compiled in (enable the cargo feature of the same name).
    #[error("the {format} format needs the `{feature}` cargo feature of betagouv-export")]
    FeatureDisabled {
        /// The format asked for.
        format: crate::ExportFormat,
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

/// Why a KPI of an impact file has no row in the `impact_metric` table
/// ([`ImpactMetric::from_kpi`](crate::ImpactMetric::from_kpi)): its value has no exact
/// decimal form (it is not finite, or beyond `rust_decimal`'s range of about 7.9e28).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("KPI {metric} of {startup_id}: value {value:e} has no decimal form")]
#[non_exhaustive]
pub struct ImpactValueError {
    /// The start-up id.
    pub startup_id: String,
    /// The KPI's metric.
    pub metric: String,
    /// The value as read.
    pub value: f64,
    /// Why the decimal refused it.
    #[source]
    pub source: rust_decimal::Error,
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
