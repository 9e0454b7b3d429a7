//! The crate's error type.

use std::path::PathBuf;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// More successes than trials.
    #[error("{what}: successes ({successes}) exceed the sample size ({n})")]
    SuccessesExceedN {
        /// Which count (e.g. "treated").
        what: String,
        /// The successes given.
        successes: u64,
        /// The sample size given.
        n: u64,
    },
    /// A sample of size zero where a proportion is needed.
    #[error("{what}: the sample size is 0")]
    EmptySample {
        /// Which sample (e.g. "control").
        what: String,
    },
    /// A significance level outside (0, 1).
    #[error("alpha must lie strictly between 0 and 1, got {alpha}")]
    InvalidAlpha {
        /// The value given.
        alpha: f64,
    },
    /// A numeric parameter outside its domain.
    #[error("{name} must be {expected}, got {value}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// What it must be (e.g. "in (0, 1)").
        expected: &'static str,
        /// The value given.
        value: f64,
    },
    /// Inconsistent counts in an encouragement design arm.
    #[error("{what}: {detail}")]
    InconsistentCounts {
        /// Which arm.
        what: String,
        /// Which constraint failed (e.g. "users exceed n").
        detail: &'static str,
    },
    /// A required column is missing from a CSV header.
    #[error("missing column {column:?} in the CSV header")]
    MissingColumn {
        /// The column name asked for.
        column: String,
    },
    /// A CSV cell is missing or invalid.
    #[error("row {row}, column {column:?}: {problem} (value {value:?})")]
    InvalidCell {
        /// 1-based line number of the record in the file (the header is line 1).
        row: u64,
        /// Column name.
        column: String,
        /// The raw value ("" when missing).
        value: String,
        /// What is wrong (e.g. "expected 0 or 1").
        problem: &'static str,
    },
    /// The CSV could not be read (I/O or malformed record).
    #[error("CSV error at row {row}")]
    Csv {
        /// 1-based line number where reading failed (0 when unknown).
        row: u64,
        /// The underlying error.
        #[source]
        source: csv::Error,
    },
    /// The impact file could not be parsed.
    #[error("{}:{line}:{column}: {message}", path.as_ref().map_or_else(|| "<impact file>".to_owned(), |p| p.display().to_string()))]
    ImpactFile {
        /// Path of the file, when known.
        path: Option<PathBuf>,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// The parser's message.
        message: String,
    },
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, Error>;

pub(crate) fn check_alpha(alpha: f64) -> Result<()> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidAlpha { alpha })
    }
}
