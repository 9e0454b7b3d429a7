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
    /// A significance level outside [`crate::limits::ALPHA_MIN`],
    /// [`crate::limits::ALPHA_MAX`].
    #[error("alpha must be in [1e-10, 0.5], got {}", shown(*alpha))]
    InvalidAlpha {
        /// The value given.
        alpha: f64,
    },
    /// A numeric parameter outside its range (see [`crate::limits`]).
    #[error("{name} must be {expected}, got {}", shown(*value))]
    InvalidParameter {
        /// Parameter name, as the command line spells it with `_` for `-`
        /// (e.g. `control_rate`, `at`).
        name: &'static str,
        /// What it must be (e.g. "in [1e-6, 1e6]").
        expected: &'static str,
        /// The value given.
        value: f64,
    },
    /// A group named as the reference of a comparison is not among the groups.
    #[error("no group is named {group:?}")]
    UnknownGroup {
        /// The name given.
        group: String,
    },
    /// Inconsistent counts in an encouragement design arm.
    #[error("{what}: {detail}")]
    InconsistentCounts {
        /// Which arm.
        what: String,
        /// Which constraint failed (e.g. "users exceed n").
        detail: &'static str,
    },
    /// A required column is missing from a CSV header or a Parquet schema.
    #[error("missing column {column:?} in the header")]
    MissingColumn {
        /// The column name asked for.
        column: String,
    },
    /// A CSV cell is missing or invalid.
    #[error("line {line}, column {column_number} ({column:?}): {problem} (value {value:?})")]
    InvalidCell {
        /// 1-based line number of the record in the file (the header is line 1).
        line: u64,
        /// 1-based field number of the cell.
        column_number: usize,
        /// Column name.
        column: String,
        /// The raw value ("" when missing).
        value: String,
        /// What is wrong (e.g. "expected 0 or 1").
        problem: &'static str,
    },
    /// The CSV could not be read: a malformed record (with the line, the
    /// field number when known and the reason) or an I/O error (reason
    /// "read error", the I/O error as the [`source`](std::error::Error::source)).
    /// The CSV parser's own error type is not part of this API.
    #[error("{}{reason}", csv_at(*line, *column))]
    Csv {
        /// 1-based line where the record starts (0 when unknown: an I/O
        /// error before any record, shown without a line).
        line: u64,
        /// 1-based field number where the problem is, when known.
        column: Option<usize>,
        /// What is wrong (e.g. "expected 3 fields as in the header, found 2",
        /// "read error").
        reason: String,
        /// The I/O error, when reading failed.
        #[source]
        source: Option<std::io::Error>,
    },
    /// A column the computation reads is named twice in the CSV header.
    #[error("line 1: column {column:?} appears twice in the header (columns {first} and {second})")]
    DuplicateColumn {
        /// The column name.
        column: String,
        /// 1-based number of its first occurrence.
        first: usize,
        /// 1-based number of its second occurrence.
        second: usize,
    },
    /// A CSV record is larger than the configured limit
    /// (`CsvOptions::max_record_bytes`, feature `csv`).
    #[error("line {line}: the record is larger than {limit} bytes (the limit of a CSV record)")]
    RecordTooLarge {
        /// 1-based line where the record starts.
        line: u64,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A CSV has a header but no data row.
    #[error("no data row after the header (line 1)")]
    NoDataRows,
    // Parquet input (feature `parquet`). The errors do not name the file: the
    // caller, who gave the path, prefixes it (as for CSV).
    /// The Parquet file could not be read: I/O error, corrupt or truncated
    /// file, unsupported encoding. The parquet crate's error type is not part
    /// of this API: its message is in `reason`.
    #[error("{}{reason}", row_group.map_or_else(String::new, |g| format!("row group {g}: ")))]
    Parquet {
        /// 0-based index of the row group being read, when known.
        row_group: Option<usize>,
        /// What went wrong.
        reason: String,
    },
    /// A Parquet column the computation reads has a type it cannot use.
    #[error("column {column:?} has type {found}; expected {expected}")]
    ColumnType {
        /// The column name.
        column: String,
        /// Its type: Parquet physical type, logical type, and Arrow type
        /// (e.g. `DOUBLE (no logical type) read as Float64`).
        found: String,
        /// What the column must hold (e.g. "boolean or integer 0/1").
        expected: &'static str,
    },
    /// A Parquet value is null or invalid.
    #[error("row group {row_group}, row {row}, column {column:?}: {problem} (value {value})")]
    InvalidValue {
        /// 0-based index of the row group.
        row_group: usize,
        /// 1-based row number in the file, counted over all row groups.
        row: u64,
        /// The column name.
        column: String,
        /// The value as text (`null` for a null).
        value: String,
        /// What is wrong (e.g. "null", "expected 0 or 1").
        problem: &'static str,
    },
    /// Count syntax (`SUCCESSES/N`, `N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS`) not followed.
    #[error("{what}: expected {expected}, got {text:?}")]
    CountSyntax {
        /// What was being read (e.g. "--treated").
        what: String,
        /// The expected form.
        expected: &'static str,
        /// The text given.
        text: String,
    },
    /// One count of a count syntax is not a non-negative integer.
    #[error("{what}: {part} must be an integer in [0, 18446744073709551615], got {text:?}")]
    InvalidCount {
        /// What was being read (e.g. "--treated").
        what: String,
        /// Which count (e.g. "SUCCESSES").
        part: &'static str,
        /// The text of the count.
        text: String,
    },
    /// Adding counts would exceed `u64::MAX`.
    #[error("{what}: the counts exceed 18446744073709551615")]
    CountOverflow {
        /// Which counts.
        what: &'static str,
    },
    // Pre-aggregated counts (`cohort_stats_from_counts`, `survival_tables_from_counts`).
    /// A row of pre-aggregated counts is invalid.
    #[error("counts row {row} (group {group:?}): {problem}")]
    CountsRow {
        /// 1-based number of the row among those given.
        row: u64,
        /// The row's group.
        group: String,
        /// What is wrong (e.g. "successes exceed n").
        problem: &'static str,
    },
    /// A stratum or a cluster whose counts do not fit its design: a stratum
    /// without one of the two arms, a cluster in both arms.
    #[error("{kind} {name:?}: {problem}")]
    DesignCounts {
        /// `stratum` or `cluster`.
        kind: &'static str,
        /// Its name.
        name: String,
        /// What is wrong (e.g. "no row of the treated group").
        problem: &'static str,
    },
    /// No row of pre-aggregated counts was given.
    #[error("no counts row")]
    NoCountsRows,
    /// The columns of a regression design are collinear, or a row's leverage
    /// is 1 ([`crate::lin_adjusted`]).
    #[error("singular design: {detail}")]
    SingularDesign {
        /// What is singular (e.g. "x is collinear with the columns before
        /// it", naming the column where the factorisation stopped: a
        /// covariate, `the arm`, `arm × NAME`; or "row 3 has leverage 1").
        detail: String,
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
    // --- Counts computed by a SQL engine (module `sql`, feature `postgres`) ---
    /// Rows of a SQL source have a null in a column the counting reads (and
    /// nulls are not skipped).
    #[error("{rows} rows have a null {column:?}")]
    SqlNullValues {
        /// The column.
        column: String,
        /// How many rows (counted under the first null column, in the order
        /// group, duration, outcome).
        rows: u64,
    },
    /// Rows of a SQL source have an outcome (or event) other than 0, 1, false
    /// or true.
    #[error("{rows} rows have a value of {column:?} other than 0, 1, false or true")]
    SqlInvalidValues {
        /// The column.
        column: String,
        /// How many rows.
        rows: u64,
    },
    /// Rows of a SQL source have a negative or non-finite duration.
    #[error("{rows} rows of group {group:?} have {column:?} = {value}, not a finite number >= 0")]
    SqlInvalidDuration {
        /// The duration column.
        column: String,
        /// The group of those rows.
        group: String,
        /// The duration.
        value: f64,
        /// How many rows.
        rows: u64,
    },
    /// The server refused or failed the counting query (or the transaction
    /// around it); the server's message and SQLSTATE are kept.
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL{}: {message}", sqlstate.as_ref().map_or_else(String::new, |c| format!(" (SQLSTATE {c})")))]
    Postgres {
        /// The server's message (with its detail and hint), or the client's
        /// description of a connection or protocol failure.
        message: String,
        /// The five-character SQLSTATE of a server error (e.g. `25006` for a
        /// write in a read-only transaction, `57014` for a statement timeout).
        sqlstate: Option<String>,
        /// The client's error.
        #[source]
        source: postgres::Error,
    },
}

/// Why a text is not valid counts: the [`FromStr`](std::str::FromStr) error
/// of [`crate::Counts`] (`SUCCESSES/N`) and [`crate::EncouragementArm`]
/// (`N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS`). It does not name the value
/// read (a command line prefixes its option); [`crate::Counts::parse`] and
/// [`crate::EncouragementArm::parse`] give the same problems as an [`Error`]
/// naming it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseCountsError {
    /// The text does not have the expected form.
    #[error("expected {expected}, got {text:?}")]
    Syntax {
        /// The expected form (e.g. `SUCCESSES/N`).
        expected: &'static str,
        /// The text given.
        text: String,
    },
    /// One count is not an integer in [0, u64::MAX].
    #[error("{part} must be an integer in [0, 18446744073709551615], got {text:?}")]
    InvalidCount {
        /// Which count (e.g. `SUCCESSES`).
        part: &'static str,
        /// The text of the count.
        text: String,
    },
    /// More successes than trials.
    #[error("successes ({successes}) exceed the sample size ({n})")]
    SuccessesExceedN {
        /// The successes given.
        successes: u64,
        /// The sample size given.
        n: u64,
    },
    /// A sample size of zero.
    #[error("the sample size is 0")]
    EmptySample,
    /// Counts of an encouragement arm that contradict each other.
    #[error("{detail}")]
    InconsistentCounts {
        /// Which constraint failed (e.g. "users exceed n").
        detail: &'static str,
    },
}

impl ParseCountsError {
    /// The same problem as an [`Error`] naming the value read (`what`).
    pub(crate) fn named(self, what: &str) -> Error {
        let what = what.to_owned();
        match self {
            Self::Syntax { expected, text } => Error::CountSyntax {
                what,
                expected,
                text,
            },
            Self::InvalidCount { part, text } => Error::InvalidCount { what, part, text },
            Self::SuccessesExceedN { successes, n } => {
                Error::SuccessesExceedN { what, successes, n }
            }
            Self::EmptySample => Error::EmptySample { what },
            Self::InconsistentCounts { detail } => Error::InconsistentCounts { what, detail },
        }
    }
}

/// Why a text is not an [`crate::Interval`] (`[LOWER, UPPER]`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseIntervalError {
    /// The text is not two comma-separated numbers between brackets.
    #[error("expected [LOWER, UPPER], got {text:?}")]
    Syntax {
        /// The text given.
        text: String,
    },
    /// A bound is not a number.
    #[error("the {bound} bound is not a number: {text:?}")]
    InvalidBound {
        /// `lower` or `upper`.
        bound: &'static str,
        /// The text of the bound.
        text: String,
    },
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// A number as a message shows it: plainly between 1e-4 and 1e16, in
/// scientific notation otherwise (1e-300 rather than 300 digits).
fn shown(v: f64) -> String {
    if v == 0.0 || !v.is_finite() || (1e-4..1e16).contains(&v.abs()) {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

/// Where a CSV error is, as its message starts: `line 3, column 2: `,
/// `line 3: `; nothing for line 0 (unknown), never a `line 0`.
fn csv_at(line: u64, column: Option<usize>) -> String {
    match (line, column) {
        (0, None) => String::new(),
        (0, Some(c)) => format!("column {c}: "),
        (l, None) => format!("line {l}: "),
        (l, Some(c)) => format!("line {l}, column {c}: "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(line: u64, column: Option<usize>) -> String {
        Error::Csv {
            line,
            column,
            reason: "read error".to_owned(),
            source: None,
        }
        .to_string()
    }

    #[test]
    fn a_csv_error_without_a_line_names_none() {
        assert_eq!(csv(3, Some(2)), "line 3, column 2: read error");
        assert_eq!(csv(3, None), "line 3: read error");
        assert_eq!(csv(0, None), "read error");
        assert_eq!(csv(0, Some(2)), "column 2: read error");
    }
}
