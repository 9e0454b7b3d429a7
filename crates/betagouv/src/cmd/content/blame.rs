//! `content check --git REPO [--rev REV | --known-at DATE] [--blame [--since REV|DATE]]`.

use std::process::ExitCode;

use betagouv_content::read::ReadOptions;
use betagouv_history::ProblemKey;
use betagouv_history::blame::{self, Blame, Seen};
use betagouv_portfolio::diagnostic::escape_controls;
use betagouv_portfolio::{ProblemCounts, RecordKind, Severity};
use serde::Serialize;

use super::CheckArgs;
use crate::cmd::BoxError;
use crate::cmd::contract::{self, Layout};
use crate::out::outln;

/// `content check --git REPO [--rev REV | --known-at DATE] --blame [--since REV|DATE]`.
pub(super) fn blame_git(args: &CheckArgs) -> Result<ExitCode, BoxError> {
    let Some((repo, commit)) = args.git.open()? else {
        return Err("--blame needs --git REPO".into());
    };
    let until = commit.info;
    let options = ReadOptions::default();
    let since = match &args.since {
        None => None,
        Some(s) => Some(match s.parse::<chrono::NaiveDate>() {
            Ok(date) => repo.known_at(date, Some(&until.id.to_string()))?,
            Err(_) => repo.resolve(s)?,
        }),
    };
    let mut b = blame::blame(&repo, &until, since.as_ref().map(|c| &c.id), &options)?;
    b.problems.retain(|p| !args.skip.contains(&p.key.rule));
    b.fixed.retain(|f| !args.skip.contains(&f.key.rule));
    let counts = ProblemCounts::count(b.problems.iter().map(|p| &p.diagnostic));
    if args.json {
        print_json(&b, counts)?;
    } else {
        print_text(&b, counts, args.since.is_some())?;
    }
    Ok(exit_status(counts))
}

fn exit_status(counts: ProblemCounts) -> ExitCode {
    if counts.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `<short> <Paris date>`.
fn commit_text(s: &Seen) -> String {
    let date = betagouv_portfolio::paris::date_at(s.committed_at.with_timezone(&chrono::Utc));
    format!("{} {date}", s.commit.short())
}

/// `rule kind id [field]`.
fn key_text(k: &ProblemKey) -> String {
    let mut s = k.rule.clone();
    if let Some((kind, id)) = &k.record {
        s.push_str(&format!(" {kind} {}", escape_controls(id)));
    }
    if let Some(field) = &k.field {
        s.push_str(&format!(" `{}`", escape_controls(field)));
    } else if let Some(detail) = &k.detail {
        s.push_str(&format!(": {}", escape_controls(detail.trim())));
    }
    s
}

/// One line per problem with its first commit, the fixed ones, then the counts.
fn print_text(b: &Blame, counts: ProblemCounts, since: bool) -> Result<(), BoxError> {
    for p in &b.problems {
        let start = if since && p.first_seen.commit == b.since.commit {
            " (start of range)"
        } else {
            ""
        };
        outln!(
            "{} (since {}{start})",
            p.diagnostic,
            commit_text(&p.first_seen)
        )?;
    }
    if !b.fixed.is_empty() {
        outln!("fixed in range:")?;
        for f in &b.fixed {
            outln!(
                "  {} fixed in {} (last seen {})",
                key_text(&f.key),
                commit_text(&f.fixed_in),
                commit_text(&f.last_seen)
            )?;
        }
    }
    outln!(
        "{} errors, {} warnings; {} fixed in range {}..{} ({} commits)",
        counts.errors,
        counts.warnings,
        b.fixed.len(),
        commit_text(&b.since),
        commit_text(&b.until),
        b.commits
    )?;
    Ok(())
}

/// A record in the blame's JSON.
#[derive(Serialize)]
struct RecordRow<'a> {
    kind: RecordKind,
    id: &'a str,
}

fn record_row(k: &ProblemKey) -> Option<RecordRow<'_>> {
    k.record
        .as_ref()
        .map(|(kind, id)| RecordRow { kind: *kind, id })
}

/// The JSON of `content check --git --blame --json`, keys in this order.
#[derive(Serialize)]
struct BlameJson<'a> {
    schema_version: u32,
    range: RangeRow<'a>,
    errors: usize,
    warnings: usize,
    problems: Vec<ProblemRow<'a>>,
    fixed: Vec<FixedRow<'a>>,
}

#[derive(Serialize)]
struct RangeRow<'a> {
    since: &'a Seen,
    until: &'a Seen,
    commits: usize,
}

#[derive(Serialize)]
struct ProblemRow<'a> {
    rule: &'a str,
    severity: Severity,
    record: Option<RecordRow<'a>>,
    field: Option<&'a str>,
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    first_seen: &'a Seen,
}

#[derive(Serialize)]
struct FixedRow<'a> {
    rule: &'a str,
    record: Option<RecordRow<'a>>,
    field: Option<&'a str>,
    fixed_in: &'a Seen,
    last_seen: &'a Seen,
}

fn print_json(b: &Blame, counts: ProblemCounts) -> Result<(), BoxError> {
    let problems = b
        .problems
        .iter()
        .map(|p| {
            let d = &p.diagnostic;
            let (path, line, column) = contract::position(d);
            ProblemRow {
                rule: &d.rule,
                severity: d.severity,
                record: record_row(&p.key),
                field: p.key.field.as_deref(),
                path,
                line,
                column,
                message: &d.message,
                first_seen: &p.first_seen,
            }
        })
        .collect();
    let fixed = b
        .fixed
        .iter()
        .map(|f| FixedRow {
            rule: &f.key.rule,
            record: record_row(&f.key),
            field: f.key.field.as_deref(),
            fixed_in: &f.fixed_in,
            last_seen: &f.last_seen,
        })
        .collect();
    let out = BlameJson {
        schema_version: contract::CONTENT_BLAME,
        range: RangeRow {
            since: &b.since,
            until: &b.until,
            commits: b.commits,
        },
        errors: counts.errors,
        warnings: counts.warnings,
        problems,
        fixed,
    };
    contract::print(&out, Layout::Pretty)
}
