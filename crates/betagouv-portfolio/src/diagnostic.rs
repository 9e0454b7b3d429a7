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

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::phase::keyed_text_form;

/// How bad a problem is.
///
/// Text form: `error` or `warning`, the same as the JSON one ([`Display`](std::fmt::Display)
/// and [`FromStr`](std::str::FromStr) round-trip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Severity {
    /// The record breaks a rule of its era; output using it may be wrong.
    Error,
    /// A quirk that is tolerated and flagged.
    Warning,
}

impl Severity {
    /// Every severity, the worst first.
    pub const ALL: [Severity; 2] = [Severity::Error, Severity::Warning];

    /// The key: `error` or `warning`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

keyed_text_form!(Severity, "severity");

/// Kinds of record.
///
/// Text form: `startup`, `member`, `incubator` or `organisation`, the same as the JSON
/// one ([`Display`](std::fmt::Display) and [`FromStr`](std::str::FromStr) round-trip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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

impl RecordKind {
    /// Every kind, in the order records are read.
    pub const ALL: [RecordKind; 4] = [
        RecordKind::Startup,
        RecordKind::Member,
        RecordKind::Incubator,
        RecordKind::Organisation,
    ];

    /// The key: `startup`, `member`, `incubator` or `organisation`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            RecordKind::Startup => "startup",
            RecordKind::Member => "member",
            RecordKind::Incubator => "incubator",
            RecordKind::Organisation => "organisation",
        }
    }
}

keyed_text_form!(RecordKind, "record kind");

/// A position in a file (1-based line and column; column counts characters).
///
/// A problem of the whole file (its name, a missing file, a missing required key)
/// carries the file alone: `line` and `column` 0, which no output shows (the JSON
/// leaves them out, the text form is `file: message`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// Line, from 1; 0 when only the file is known (absent from the JSON).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: usize,
    /// Column, from 1; 0 when only the file or line is known (absent from the JSON).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub column: usize,
}

impl Location {
    /// The line, when known (never 0).
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        (self.line > 0).then_some(self.line)
    }

    /// The column, when the line and column are known (never 0).
    #[must_use]
    pub fn column(&self) -> Option<usize> {
        (self.line > 0 && self.column > 0).then_some(self.column)
    }
}

/// Whether a position is unknown (serde's `skip_serializing_if`).
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
fn is_zero(n: &usize) -> bool {
    *n == 0
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
    /// The record's field (top-level key of its file: `phases`, `missions`,
    /// `incubator`...) the problem is about, when known. Absent from the JSON when
    /// `None`, so that outputs of problems without a field are unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Where below `field` the problem is, when it is inside a list or mapping: the
    /// path from the top-level key, with list indexes from 0 in the record's lists
    /// (`phases[1].end`: the end of the record's second phase;
    /// `missions[0].startups[2]`). Absent from the JSON when `None`; a reader of the
    /// record's file turns it into a line and column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
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
            field: None,
            path: None,
        }
    }

    /// The same diagnostic, at `path` below its field (see [`Diagnostic::path`]).
    ///
    /// ```
    /// use betagouv_portfolio::{Diagnostic, Severity};
    /// let d = Diagnostic::new(Severity::Error, "invalid-date", "phase `construction` end `hier` is not a date")
    ///     .on_field("phases")
    ///     .on_path("phases[1].end");
    /// assert_eq!(d.path.as_deref(), Some("phases[1].end"));
    /// ```
    #[must_use]
    pub fn on_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// The same diagnostic, about the record's field `field` (a top-level key of its
    /// file).
    ///
    /// ```
    /// use betagouv_portfolio::{Diagnostic, Severity};
    /// let d = Diagnostic::new(Severity::Error, "field-required", "field `title` is required")
    ///     .on_field("title");
    /// assert_eq!(d.field.as_deref(), Some("title"));
    /// ```
    #[must_use]
    pub fn on_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
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

/// Text as it may be shown on a terminal: every control character (terminal escape
/// codes, carriage returns, newlines, tabs, C1 controls) replaced by its `\u{..}`
/// escape, so that a file name or value read from a file cannot move the cursor,
/// change colours or forge a line. Text without control characters is borrowed.
///
/// ```
/// use betagouv_portfolio::diagnostic::escape_controls;
/// assert_eq!(escape_controls("a\u{1b}[31mb"), "a\\u{1b}[31mb");
/// assert_eq!(escape_controls("Déjà vu"), "Déjà vu");
/// ```
#[must_use]
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line for a person: `severity[rule] file:line:column: message`. The file name,
/// record id and message are shown with [`escape_controls`], so that text read from
/// files cannot drive a terminal; the fields themselves (and their JSON) stay raw.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity, escape_controls(&self.rule))?;
        if let Some(loc) = &self.location {
            write!(f, " {}", escape_controls(&loc.file.display().to_string()))?;
            if let Some(line) = loc.line() {
                write!(f, ":{line}")?;
                if let Some(column) = loc.column() {
                    write!(f, ":{column}")?;
                }
            }
        } else if let Some((kind, id)) = &self.record {
            write!(f, " {kind} {}", escape_controls(id))?;
        }
        write!(f, ": {}", escape_controls(&self.message))
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

/// What an import made of its input files: the counts a command reports, an export
/// records in its metadata, and a series can carry per point.
///
/// A file is *dropped* when it gave no record (invalid YAML, no front matter, an
/// unreadable file, a link out of the folder...): the records beside it are kept, but
/// every figure computed from the import misses it. Warnings never drop a record.
///
/// ```
/// use betagouv_portfolio::ImportSummary;
/// let mut s = ImportSummary { files: 4, records: 3, dropped_files: 1, errors: 1, warnings: 2 };
/// assert!(s.has_dropped());
/// assert_eq!(s.to_string(), "read 4 files: 3 records, 1 file dropped (1 error, 2 warnings)");
/// s.add(&ImportSummary { files: 1, records: 1, ..ImportSummary::default() });
/// assert_eq!((s.files, s.records, s.dropped_files), (5, 4, 1));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Files of the collections that were read or dropped (`records + dropped_files`);
    /// sub-folders and special files, which are never records, are warnings, not files.
    pub files: usize,
    /// Records read.
    pub records: usize,
    /// Files and entries that gave no record.
    pub dropped_files: usize,
    /// Import diagnostics of severity error (a dropped file has at least one).
    pub errors: usize,
    /// Import diagnostics of severity warning.
    pub warnings: usize,
}

impl ImportSummary {
    /// Whether some file gave no record.
    #[must_use]
    pub fn has_dropped(&self) -> bool {
        self.dropped_files > 0
    }

    /// Adds the counts of `other` (two imports read together, or the points of a series).
    pub fn add(&mut self, other: &ImportSummary) {
        self.files = self.files.saturating_add(other.files);
        self.records = self.records.saturating_add(other.records);
        self.dropped_files = self.dropped_files.saturating_add(other.dropped_files);
        self.errors = self.errors.saturating_add(other.errors);
        self.warnings = self.warnings.saturating_add(other.warnings);
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `read 4 files: 3 records, 1 file dropped (1 error, 2 warnings)`.
impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "read {}: {}, {} dropped ({}, {})",
            plural(self.files, "file", "files"),
            plural(self.records, "record", "records"),
            plural(self.dropped_files, "file", "files"),
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_escapes_file_names_and_messages_but_fields_stay_raw() {
        let d = Diagnostic::new(Severity::Error, "yaml-syntax", "bad `\u{1b}]0;x\u{7}`").at(
            "content/_startups/a\u{1b}[31mb.md",
            3,
            4,
        );
        let shown = d.to_string();
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert_eq!(
            shown,
            "error[yaml-syntax] content/_startups/a\\u{1b}[31mb.md:3:4: bad `\\u{1b}]0;x\\u{7}`"
        );
        assert!(
            d.location
                .as_ref()
                .is_some_and(|l| l.file.to_string_lossy().contains('\u{1b}'))
        );
        let r = Diagnostic::new(Severity::Warning, "x", "m").for_record(RecordKind::Member, "a\nb");
        assert_eq!(r.to_string(), "warning[x] member a\\u{a}b: m");
    }

    #[test]
    fn diagnostics_and_summaries_read_back_their_json() {
        let d = Diagnostic::new(Severity::Error, "invalid-date", "`hier` is not a date")
            .for_record(RecordKind::Member, "ada.lovelace")
            .at("content/_authors/ada.lovelace.md", 4, 8);
        let back: Diagnostic = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
        let s = ImportSummary {
            files: 4,
            records: 3,
            dropped_files: 1,
            errors: 1,
            warnings: 2,
        };
        let back: ImportSummary =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        let c = ProblemCounts::count(&[d]);
        let back: ProblemCounts = serde_json::from_value(serde_json::to_value(c).unwrap()).unwrap();
        assert_eq!(back, c);
    }

    proptest::proptest! {
        #[test]
        fn severities_and_kinds_round_trip_as_text(i in 0usize..16) {
            let s = Severity::ALL[i % Severity::ALL.len()];
            proptest::prop_assert_eq!(s.to_string().parse::<Severity>(), Ok(s));
            let k = RecordKind::ALL[i % RecordKind::ALL.len()];
            proptest::prop_assert_eq!(k.to_string().parse::<RecordKind>(), Ok(k));
            proptest::prop_assert_eq!(serde_json::to_value(k).unwrap(), k.key());
        }
    }

    #[test]
    fn a_file_level_location_has_no_line_in_json_or_text() {
        let d = Diagnostic::new(Severity::Error, "member-file-name", "rename it").at(
            "content/_authors/A.md",
            0,
            0,
        );
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(
            v["location"],
            serde_json::json!({"file": "content/_authors/A.md"})
        );
        assert_eq!(
            d.to_string(),
            "error[member-file-name] content/_authors/A.md: rename it"
        );
        let back: Diagnostic = serde_json::from_value(v).unwrap();
        assert_eq!(back, d);
        let l = d.location.unwrap();
        assert_eq!((l.line(), l.column()), (None, None));
        let located = Diagnostic::new(Severity::Error, "r", "m")
            .at("f.md", 3, 0)
            .on_path("phases[0].end");
        let v = serde_json::to_value(&located).unwrap();
        assert_eq!(
            v["location"],
            serde_json::json!({"file": "f.md", "line": 3})
        );
        assert_eq!(v["path"], "phases[0].end");
        assert_eq!(located.to_string(), "error[r] f.md:3: m");
    }

    #[test]
    fn escape_keeps_text_without_controls_borrowed() {
        assert!(matches!(escape_controls("Pôle emploi"), Cow::Borrowed(_)));
        assert_eq!(escape_controls("\u{9b}2J\r"), "\\u{9b}2J\\u{d}");
    }
}
