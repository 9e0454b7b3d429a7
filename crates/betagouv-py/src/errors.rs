//! Rust errors as the Python exceptions of `betagouv.errors`: the class named by
//! [`Kind`], with the message and, where the Rust error has them, the file, line and
//! column as attributes (`None` when unknown, never 0).

use std::path::Path;

use betagouv_portfolio::Diagnostic;
use pyo3::prelude::*;

/// The exception class of an error, by its name in `betagouv.errors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `ContentError`: a content folder or its files.
    Content,
    /// `GitError`: a repository, a revision, a commit.
    Git,
    /// `ImpactError`: impact statistics, their parameters and inputs.
    Impact,
    /// `FundingError`: money, allocations, budget files.
    Funding,
}

impl Kind {
    fn class(self) -> &'static str {
        match self {
            Self::Content => "ContentError",
            Self::Git => "GitError",
            Self::Impact => "ImpactError",
            Self::Funding => "FundingError",
        }
    }
}

/// Where an error is: a file, and a 1-based line and column when known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Location {
    /// The file, as given or as the error names it.
    pub(crate) file: Option<String>,
    /// 1-based line; `None` when unknown (a 0 from a Rust error is unknown).
    pub(crate) line: Option<usize>,
    /// 1-based column; `None` when unknown.
    pub(crate) column: Option<usize>,
}

impl Location {
    /// A file and its line and column, a 0 meaning unknown.
    pub(crate) fn at(file: Option<&Path>, line: usize, column: usize) -> Self {
        Self {
            file: file.map(|f| f.display().to_string()),
            line: (line > 0).then_some(line),
            column: (column > 0).then_some(column),
        }
    }

    /// The location of a diagnostic.
    pub(crate) fn of(d: &Diagnostic) -> Self {
        d.location.as_ref().map_or_else(Self::default, |l| Self {
            file: Some(l.file.display().to_string()),
            line: l.line(),
            column: l.column(),
        })
    }
}

/// The exception `kind(message, file=..., line=..., column=..., diagnostics=...)` of
/// `betagouv.errors`, `diagnostics` being a list of dicts (see
/// [`crate::portfolio::diagnostic_dict`]).
pub(crate) fn error(
    py: Python<'_>,
    kind: Kind,
    message: impl Into<String>,
    at: &Location,
    diagnostics: Option<Bound<'_, PyAny>>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import("betagouv.errors")?.getattr(kind.class())?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("file", at.file.as_deref())?;
        kwargs.set_item("line", at.line)?;
        kwargs.set_item("column", at.column)?;
        if let Some(d) = diagnostics {
            kwargs.set_item("diagnostics", d)?;
        }
        let value = class.call((message.into(),), Some(&kwargs))?;
        Ok(PyErr::from_value(value))
    };
    // If the package's errors module cannot be imported (the native module used
    // alone), the import error itself is raised: it says what is missing.
    build().unwrap_or_else(|e| e)
}
