//! Problems found in records, located where possible.
//!
//! Every importer and validator of the workspace reports problems as
//! [`Diagnostic`]s: a stable kebab-case rule id, a severity, the record, the
//! file position when known, and a message a person can act on.
//!
//! ```
//! use betagouv_portfolio::{Diagnostic, ProblemCounts, RecordKind, Severity};
//! let d = Diagnostic::new(Severity::Warning, "partial-date", "start `2015-01` is not a full date")
//!     .for_record(RecordKind::Startup, "openacademie");
//! assert_eq!(d.to_string(), "warning[partial-date] startup openacademie: start `2015-01` is not a full date");
//! assert_eq!(ProblemCounts::count(&[d]).warnings, 1);
//! ```

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The record breaks a rule of its era; output using it may be wrong.
    Error,
    /// A quirk that is tolerated and flagged.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Kinds of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A start-up.
    Startup,
    /// A member.
    Member,
    /// An incubator.
    Incubator,
    /// An organisation.
    Organisation,
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecordKind::Startup => "startup",
            RecordKind::Member => "member",
            RecordKind::Incubator => "incubator",
            RecordKind::Organisation => "organisation",
        })
    }
}

/// A position in a file (1-based line and column; column counts characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// Line, from 1; 0 when only the file is known.
    pub line: usize,
    /// Column, from 1; 0 when only the file or line is known.
    pub column: usize,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Severity.
    pub severity: Severity,
    /// Stable kebab-case rule id (`duplicate-key`, `phase-end-before-start`, ...).
    pub rule: String,
    /// The record, when the problem belongs to one.
    pub record: Option<(RecordKind, String)>,
    /// Where in which file, when known.
    pub location: Option<Location>,
    /// What is wrong and what to do, for a person.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic with no record and no location.
    #[must_use]
    pub fn new(severity: Severity, rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity,
            rule: rule.into(),
            record: None,
            location: None,
            message: message.into(),
        }
    }

    /// The same diagnostic, about record `id` of `kind`.
    #[must_use]
    pub fn for_record(mut self, kind: RecordKind, id: impl Into<String>) -> Self {
        self.record = Some((kind, id.into()));
        self
    }

    /// The same diagnostic, at `file:line:column`.
    #[must_use]
    pub fn at(mut self, file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line,
            column,
        });
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity, self.rule)?;
        if let Some(loc) = &self.location {
            write!(f, " {}", loc.file.display())?;
            if loc.line > 0 {
                write!(f, ":{}", loc.line)?;
                if loc.column > 0 {
                    write!(f, ":{}", loc.column)?;
                }
            }
        } else if let Some((kind, id)) = &self.record {
            write!(f, " {kind} {id}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Errors and warnings counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProblemCounts {
    /// Diagnostics of severity error.
    pub errors: usize,
    /// Diagnostics of severity warning.
    pub warnings: usize,
}

impl ProblemCounts {
    /// Counts `diagnostics` by severity.
    #[must_use]
    pub fn count<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut c = Self::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
            }
        }
        c
    }
}
