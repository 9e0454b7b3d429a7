//! The crate's error type.

use std::path::PathBuf;

use rust_decimal::Decimal;

/// Errors of this crate. Problems in *input data* are reported as
/// [`betagouv_portfolio::Diagnostic`]s instead; an `Error` means an operation
/// could not produce a value at all.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An amount has more than two decimals.
    #[error("amount {0} has more than 2 decimals")]
    SubCent(Decimal),
    /// An amount is outside ±10^15 (the range money values are kept in).
    #[error("amount {0} is out of range")]
    OutOfRange(Decimal),
    /// A sum or product overflowed.
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    /// Two amounts of different currencies were combined.
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// The left-hand currency.
        left: String,
        /// The right-hand currency.
        right: String,
    },
    /// A currency code that is not supported (only `EUR` is).
    #[error("unsupported currency {0:?}")]
    UnsupportedCurrency(String),
    /// A text that is not an amount.
    #[error("invalid amount {0:?}")]
    InvalidAmount(String),
    /// An allocation was asked with no weights, a negative weight or weights summing to zero.
    #[error("invalid allocation weights: {0}")]
    InvalidWeights(&'static str),
    /// An account name breaks the naming rules.
    #[error("invalid account name {name:?}: {reason}")]
    InvalidAccount {
        /// The offending name.
        name: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A posting uses an account that was not declared.
    #[error("transaction {id}: undeclared account {account}")]
    UndeclaredAccount {
        /// Transaction id.
        id: String,
        /// The account.
        account: String,
    },
    /// A transaction does not balance to the cent.
    #[error("transaction {id} does not balance: off by {imbalance}")]
    Unbalanced {
        /// Transaction id.
        id: String,
        /// Sum of the postings.
        imbalance: Decimal,
    },
    /// A transaction has fewer than two postings.
    #[error("transaction {id} has fewer than two postings")]
    TooFewPostings {
        /// Transaction id.
        id: String,
    },
    /// A tag key that is not `[a-z0-9_-]+`.
    #[error("invalid tag key {0:?}")]
    InvalidTag(String),
    /// The budget file could not be read.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error (shared, so the error stays `Clone`).
        #[source]
        source: std::sync::Arc<std::io::Error>,
    },
    /// The budget file is not valid TOML or does not have the budget shape.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Line, from 1.
        line: usize,
        /// Column in characters, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The budget file is larger than the size limit of
    /// `file::ReadBudgetOptions::max_file_size`; it is not read.
    #[error("{path}: the file has {} bytes, over the limit of {limit} bytes for a budget file; it is not read", size_text(.size, .limit))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size when known (a pipe's is not).
        size: Option<u64>,
        /// The limit.
        limit: u64,
    },
    /// An entry of the budget file goes over a limit of
    /// `file::ReadBudgetOptions`.
    #[error("{path}:{line}:{column}: {message}")]
    Limit {
        /// The file.
        path: PathBuf,
        /// Line of the entry, from 1.
        line: usize,
        /// Column in characters, from 1.
        column: usize,
        /// Which limit.
        message: String,
    },
    /// A text that is not a period of balances (`2016-01`, `2016Q1`, `2016`).
    #[error("invalid period {0:?}")]
    InvalidPeriod(String),
    /// A text that is not a year.
    #[error("invalid year {0:?}")]
    InvalidYear(String),
    /// A fiscal year outside [`crate::model::FiscalYear::MIN`]..=[`crate::model::FiscalYear::MAX`].
    #[error("year {0} is outside the supported years 1900 to 9999")]
    YearOutOfRange(i64),
}

fn size_text(size: &Option<u64>, limit: &u64) -> String {
    size.map_or_else(|| format!("more than {limit}"), |s| s.to_string())
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
