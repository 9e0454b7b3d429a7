//! The JSON contracts of the command: one version per contract, declared here once.
//!
//! Every JSON output of `betagouv` is one object whose first key is `schema_version`;
//! a change to a contract (a key added, renamed or removed, a value's type or meaning
//! changed) bumps its version and is listed in CHANGELOG.md. docs/cli.md lists every
//! contract with its version and its keys.
//!
//! `budget report --json` keeps the version of the funding crate's contract
//! ([`betagouv_funding::report::SCHEMA_VERSION`]); the report's JSON (`report --format
//! json`) is the report crate's.

use betagouv_portfolio::{Diagnostic, Severity};
use serde::Serialize;

use super::BoxError;
use crate::out::outln;

/// `portfolio snapshot --json` (3: `startups.active`).
pub(crate) const PORTFOLIO_SNAPSHOT: u32 = 3;
/// `impact compare|power|mde|encouragement|survival|cohort|strata|clusters|adjust --json`
/// (one version for the nine; 2: `survival` adds `horizons`, `encouragement` adds the
/// first stage's F and weakness, `anderson_rubin` and `compliers`, `mde` adds `mde_users`
/// with `--first-stage`).
pub(crate) const IMPACT: u32 = 2;
/// `content check --json` (3: `line` and `column` are `null` when unknown).
pub(crate) const CONTENT_CHECK: u32 = 3;
/// `content check --git REPO --blame --json` (2: `line` and `column` are `null` when
/// unknown).
pub(crate) const CONTENT_BLAME: u32 = 2;
/// `content check --list-rules --json`.
pub(crate) const CONTENT_RULES: u32 = 1;
/// `content upgrade --json` (2: diagnostics' `line` and `column` are `null` when
/// unknown).
pub(crate) const CONTENT_UPGRADE: u32 = 2;
/// `budget balances --json` (`--format json`).
pub(crate) const BUDGET_BALANCES: u32 = 1;
/// `budget check --json` (2: diagnostics' `line` and `column` are `null` when
/// unknown).
pub(crate) const BUDGET_CHECK: u32 = 2;
/// `export --json` (2: diagnostics' `line` and `column` are `null` when unknown).
pub(crate) const EXPORT: u32 = 2;
/// `history --format json` (`--json`) (2: `points[].startups.active`).
pub(crate) const HISTORY: u32 = 2;
/// `dashboard --json` (`--format json`): the dashboard's keys, then `source` with
/// `--git`.
pub(crate) const DASHBOARD: u32 = 1;
/// `dashboard --git REPO --every PERIOD --json`: `{"schema_version", "source",
/// "every", "view", "at", "from", "to", "truncated_at", "points"}`, each point
/// `{"known_at", "commit", "committed_at", "as_of", "dropped_files", "dashboard"}`.
pub(crate) const DASHBOARD_SERIES: u32 = 1;

/// A result of a library type with `schema_version` put before its own keys.
#[derive(Debug, Serialize)]
pub(crate) struct Versioned<'a, T: Serialize> {
    /// The contract's version.
    schema_version: u32,
    /// The result's own keys, in its own order.
    #[serde(flatten)]
    body: &'a T,
}

impl<'a, T: Serialize> Versioned<'a, T> {
    /// `body` under the contract of version `schema_version`.
    pub(crate) fn new(schema_version: u32, body: &'a T) -> Self {
        Self {
            schema_version,
            body,
        }
    }
}

/// How a JSON output is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Indented, over several lines.
    Pretty,
    /// One line (the `impact` commands, made for pipelines).
    Line,
}

/// Prints `value` as JSON on standard output, followed by a newline.
///
/// # Errors
///
/// A value that cannot be serialised, or standard output that cannot be written.
pub(crate) fn print(value: &impl Serialize, layout: Layout) -> Result<(), BoxError> {
    let text = match layout {
        Layout::Pretty => serde_json::to_string_pretty(value)?,
        Layout::Line => serde_json::to_string(value)?,
    };
    outln!("{text}")?;
    Ok(())
}

/// `value` as indented JSON with a final newline (an output written to `--out` or
/// standard output in one piece).
///
/// # Errors
///
/// A value that cannot be serialised.
pub(crate) fn pretty(value: &impl Serialize) -> Result<String, BoxError> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// A diagnostic in a JSON output: `severity`, `rule`, `file`, `line`, `column`,
/// `message`. `line` and `column` are `null` when unknown (a problem of the whole
/// file: its name, a missing key; never 0); `file` is empty when the problem has no
/// file.
#[derive(Debug, Serialize)]
pub(crate) struct DiagnosticRow<'a> {
    severity: Severity,
    rule: &'a str,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

/// The file, line and column of `d` as JSON rows give them: an empty file when it has
/// none, `None` (`null`) for an unknown line or column.
pub(crate) fn position(d: &Diagnostic) -> (String, Option<usize>, Option<usize>) {
    d.location
        .as_ref()
        .map_or((String::new(), None, None), |l| {
            (l.file.display().to_string(), l.line(), l.column())
        })
}

impl<'a> From<&'a Diagnostic> for DiagnosticRow<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        let (file, line, column) = position(d);
        Self {
            severity: d.severity,
            rule: &d.rule,
            file,
            line,
            column,
            message: &d.message,
        }
    }
}

/// The rows of `diagnostics`.
pub(crate) fn diagnostic_rows(diagnostics: &[Diagnostic]) -> Vec<DiagnosticRow<'_>> {
    diagnostics.iter().map(DiagnosticRow::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Body {
        zeta: u8,
        alpha: u8,
    }

    #[test]
    fn schema_version_comes_first_and_the_body_keeps_its_order() {
        let text = serde_json::to_string(&Versioned::new(3, &Body { zeta: 1, alpha: 2 })).unwrap();
        assert_eq!(text, r#"{"schema_version":3,"zeta":1,"alpha":2}"#);
    }

    #[test]
    fn a_diagnostic_without_location_has_an_empty_file_and_null_position() {
        let d = Diagnostic::new(Severity::Warning, "some-rule", "what is wrong");
        let v = serde_json::to_value(DiagnosticRow::from(&d)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"severity": "warning", "rule": "some-rule", "file": "",
                "line": null, "column": null, "message": "what is wrong"})
        );
        // A problem of the whole file: the file alone, never a line 0.
        let v = serde_json::to_value(DiagnosticRow::from(&d.clone().at("a.md", 0, 0))).unwrap();
        assert_eq!(
            (&v["file"], &v["line"], &v["column"]),
            (
                &"a.md".into(),
                &serde_json::Value::Null,
                &serde_json::Value::Null
            )
        );
        let v = serde_json::to_value(DiagnosticRow::from(&d.at("a.md", 4, 0))).unwrap();
        assert_eq!(
            (&v["line"], &v["column"]),
            (&4.into(), &serde_json::Value::Null)
        );
    }
}
