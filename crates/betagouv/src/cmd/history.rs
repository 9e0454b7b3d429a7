//! `betagouv history --git REPO`: the series of snapshot figures over a repository's
//! history, one point per commit or per period, with its two dates (known at, as of).
//! See docs/history.md.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use betagouv_history::{Every, Repository, Revision, Series, SeriesOptions, View};
use betagouv_portfolio::ActiveRule;
use chrono::NaiveDate;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use super::BoxError;
use super::contract;
use crate::out::{errln, out};

/// `--view`, as named on the command line (`--at DATE` is the third view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ViewArg {
    /// Each point describes its period's last day (or its commit's date), as known then.
    Live,
    /// Knowledge fixed at --rev / --known-at; the as-of date moves over the periods.
    Retrospective,
}

/// Output format of `history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum HistoryFormat {
    /// A text table.
    Table,
    /// The JSON contract: `{"schema_version", "source", "every", "view", "at", "from",
    /// "to", "truncated_at", "points"}`.
    Json,
    /// CSV, one row per point, flat columns.
    Csv,
}

/// `--every`: an [`Every`] by its text form (`commit`, `day`, `week`, `month`, `year`).
pub(crate) fn every_parser() -> impl TypedValueParser<Value = Every> {
    PossibleValuesParser::new(Every::ALL.map(Every::as_str)).try_map(|s| s.parse::<Every>())
}

#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// The git repository to read (bare or not).
    #[arg(long, value_name = "REPO")]
    git: PathBuf,
    /// Where the first-parent walk starts (and the knowledge of the retrospective
    /// view): a revision (hash, ref, `main~3`); default HEAD.
    #[arg(long, value_name = "REV", conflicts_with = "known_at")]
    rev: Option<String>,
    /// Start from what the repository knew at the end of this date (Europe/Paris).
    #[arg(long, value_name = "YYYY-MM-DD")]
    known_at: Option<NaiveDate>,
    /// How often a point is taken (periods of the Paris calendar, ISO weeks).
    #[arg(long, value_name = "PERIOD", default_value = "month", value_parser = every_parser())]
    every: Every,
    /// First date of the series (its period is the first); default: the date of the
    /// first commit.
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<NaiveDate>,
    /// Last date of the series (the last period is cut there); default: the start
    /// revision's date (the --known-at date, or its commit's Paris date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: Option<NaiveDate>,
    /// Which dates move.
    #[arg(long, value_enum, default_value = "live")]
    view: ViewArg,
    /// One as-of date seen through successive states of knowledge.
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "view")]
    at: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: HistoryFormat,
    /// Which start-ups the table's `active` column counts (the CSV and the JSON have
    /// both counts).
    #[arg(long, value_parser = super::portfolio::active_parser(), default_value_t = ActiveRule::Stage)]
    active: ActiveRule,
    /// Print the JSON contract (the same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Write to this file instead of standard output (never inside the repository;
    /// an existing file needs --force).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the --out file if it exists (a regular file that is not an input).
    #[arg(long, requires = "out")]
    force: bool,
}

impl HistoryArgs {
    fn options(&self) -> SeriesOptions {
        let start = match (&self.rev, self.known_at) {
            (_, Some(date)) => Revision::KnownAt { date, from: None },
            (Some(rev), None) => Revision::Rev(rev.clone()),
            (None, None) => Revision::default(),
        };
        let view = match (self.at, self.view) {
            (Some(at), _) => View::At(at),
            (None, ViewArg::Live) => View::Live,
            (None, ViewArg::Retrospective) => View::Retrospective,
        };
        SeriesOptions::default()
            .with_every(self.every)
            .with_from(self.from)
            .with_to(self.to)
            .with_view(view)
            .with_start(start)
    }

    fn format(&self) -> HistoryFormat {
        if self.json {
            HistoryFormat::Json
        } else {
            self.format
        }
    }
}

/// Opens the repository at `path` and walks a series over it with `walk`, showing
/// `what` on the progress bar; warns on standard error when the history stops early
/// (a shallow clone). Shared by `history` and `dashboard --every`.
pub(super) fn walk<P>(
    what: &'static str,
    path: &std::path::Path,
    walk: impl FnOnce(&Repository, &mut dyn FnMut(usize, usize)) -> betagouv_history::Result<Series<P>>,
) -> Result<Series<P>, BoxError> {
    let repo = Repository::open(path)?;
    let bar = super::progress::Bar::new(what);
    let series = walk(&repo, &mut |done, total| {
        bar.update(done, total, "points");
    });
    bar.finish();
    let series = series?;
    if let Some(t) = series.truncated_at {
        errln!(
            "warning: the history of {} stops at commit {t} (shallow clone?): no point before it",
            path.display()
        );
    }
    Ok(series)
}

pub(crate) fn run(args: &HistoryArgs) -> Result<ExitCode, BoxError> {
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        return Err(format!("--from {from} is after --to {to}").into());
    }
    let output = args.out.as_ref().map(|p| {
        betagouv_output::Output::file(p)
            .if_exists(betagouv_output::IfExists::replace_when(args.force))
            .input(&args.git)
    });
    if let Some(o) = &output {
        o.check()?;
    }
    let series = walk("history", &args.git, |repo, progress| {
        betagouv_history::series(repo, &args.options(), progress)
    })?;
    let dropped = series.points.iter().filter(|p| p.dropped_files > 0).count();
    if dropped > 0 {
        errln!(
            "note: {dropped} of {} points have files that gave no record (column dropped_files)",
            series.points.len()
        );
    }
    let text = match args.format() {
        HistoryFormat::Table => table(&series, args.active),
        HistoryFormat::Csv => csv(&series),
        HistoryFormat::Json => json(contract::HISTORY, &series, &args.git)?,
    };
    match &output {
        Some(o) => o.write_bytes(text.as_bytes())?,
        None => out!("{text}")?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The JSON contract of a series (`history --format json`, `dashboard --every ...
/// --json`), keys in this order.
#[derive(Debug, Serialize)]
struct SeriesJson<'a, P> {
    schema_version: u32,
    source: Source<'a>,
    every: Every,
    view: &'static str,
    at: Option<NaiveDate>,
    from: NaiveDate,
    to: NaiveDate,
    truncated_at: Option<betagouv_history::CommitId>,
    points: &'a [P],
}

/// Where a series was read: the repository as given and the start commit.
#[derive(Debug, Serialize)]
struct Source<'a> {
    repository: String,
    commit: &'a betagouv_history::CommitId,
    committed_at: &'a chrono::DateTime<chrono::FixedOffset>,
}

/// The JSON of `series` read from `repo`, under the contract of version
/// `schema_version`, with a final newline.
pub(crate) fn json<P: Serialize>(
    schema_version: u32,
    series: &Series<P>,
    repo: &std::path::Path,
) -> Result<String, BoxError> {
    let body = SeriesJson {
        schema_version,
        source: Source {
            repository: repo.display().to_string(),
            commit: &series.start.id,
            committed_at: &series.start.committed_at,
        },
        every: series.every,
        view: series.view.name(),
        at: match series.view {
            View::At(d) => Some(d),
            _ => None,
        },
        from: series.from,
        to: series.to,
        truncated_at: series.truncated_at,
        points: &series.points,
    };
    contract::pretty(&body)
}

/// The CSV header: one column per figure.
pub(crate) const CSV_HEADER: &str = "known_at,commit,committed_at,as_of,startups_total,incubating,in_handover,taken_over,stopped,not_started,unknown,members_active,incubators,sponsors,owners,errors,warnings,dropped_files,active_stage,active_site,active_site_latest_start,site_date_filter_changes";

/// One row per point (no field needs quoting: dates, hexadecimal ids and numbers).
fn csv(series: &Series) -> String {
    let mut out = String::with_capacity((series.points.len() + 1) * 160);
    out.push_str(CSV_HEADER);
    out.push('\n');
    for p in &series.points {
        let s = &p.startups.by_stage;
        let a = &p.startups.active;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            p.known_at,
            p.commit,
            p.committed_at.to_rfc3339(),
            p.as_of,
            p.startups.total,
            s.incubating,
            s.in_handover,
            s.taken_over,
            s.stopped,
            s.not_started,
            s.unknown,
            p.members_active,
            p.incubators,
            p.sponsors,
            p.owners,
            p.problems.errors,
            p.problems.warnings,
            p.dropped_files,
            a.stage,
            a.site,
            a.site_latest_start,
            a.site_date_filter_changes
        );
    }
    out
}

/// The text table: a title line and one row per point.
fn table(series: &Series, active: ActiveRule) -> String {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    let active_head = format!("active ({active})");
    t.set_header([
        "known at",
        "commit",
        "as of",
        "start-ups",
        "incubating",
        "in hand-over",
        "taken over",
        "stopped",
        active_head.as_str(),
        "members",
        "errors",
        "warnings",
        "dropped",
    ]);
    for p in &series.points {
        let s = &p.startups.by_stage;
        t.add_row([
            p.known_at.to_string(),
            p.commit.short(),
            p.as_of.to_string(),
            p.startups.total.to_string(),
            s.incubating.to_string(),
            s.in_handover.to_string(),
            s.taken_over.to_string(),
            s.stopped.to_string(),
            p.startups.active.get(active).to_string(),
            p.members_active.to_string(),
            p.problems.errors.to_string(),
            p.problems.warnings.to_string(),
            p.dropped_files.to_string(),
        ]);
    }
    let mut text = format!(
        "History from {} ({}), every {}, view {}, {} to {}: {} points\n",
        series.start.id.short(),
        series.start.committed_at.to_rfc3339(),
        series.every,
        series.view,
        series.from,
        series.to,
        series.points.len()
    );
    if let Some(c) = series.truncated_at {
        let _ = writeln!(text, "history stops at {c} (shallow clone?)");
    }
    let _ = writeln!(text, "{t}");
    text
}
