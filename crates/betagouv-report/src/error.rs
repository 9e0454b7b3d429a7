//! The crate's error type.

/// What can go wrong when computing or writing a report. (Parsing a format or a
/// language name fails with [`ParseFormatError`](crate::ParseFormatError) or
/// [`ParseLangError`](crate::ParseLangError).)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A report year whose 31 December is not a valid date.
    #[error("year {year} is out of range")]
    YearOutOfRange {
        /// The year.
        year: i32,
    },
    /// The date of the figures is not in the report's year: the titles would name one
    /// year and the figures be another's.
    #[error("the date of the figures {as_of} is not in the report's year {year}")]
    AsOfOutsideYear {
        /// The report's year.
        year: i32,
        /// The date of the figures.
        as_of: chrono::NaiveDate,
    },
    /// An evaluation of the impact data could not be compared.
    #[error("cannot compare the cohorts of an evaluation")]
    Impact(#[source] betagouv_impact::Error),
    /// The report model could not be written as JSON.
    #[error("cannot write the report as JSON")]
    Json(#[source] serde_json::Error),
    /// A dashboard table could not be written as CSV.
    #[error("cannot write the table {table} as CSV")]
    Csv {
        /// The table's name (its file stem).
        table: String,
        /// The writer's error.
        #[source]
        source: csv::Error,
    },
    /// Writing the output failed.
    #[error("cannot write the report")]
    Fmt(#[source] std::fmt::Error),
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
