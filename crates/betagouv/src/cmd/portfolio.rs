//! `betagouv portfolio ...`.

use std::process::ExitCode;

use betagouv_portfolio::diagnostic::escape_controls;
use betagouv_portfolio::snapshot::{Snapshot, SnapshotOptions, monthly_series};
use betagouv_portfolio::{ActiveRule, PhaseRule, Portfolio, Stage};
use chrono::{Months, NaiveDate};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use super::BoxError;
use super::contract::{self, Layout, Versioned};
use crate::out::outln;

/// Portfolio subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum PortfolioCommand {
    /// The portfolio at a date: start-ups by stage and phase, active members, references.
    Snapshot(SnapshotArgs),
}

/// `--rule`: a [`PhaseRule`] by its text form ([`PhaseRule::from_str`](std::str::FromStr)),
/// listed with a description in `--help`.
fn rule_parser() -> impl TypedValueParser<Value = PhaseRule> {
    let help = |r: PhaseRule| match r {
        PhaseRule::AtDate => "Latest phase started on or before the date (the library's rule)",
        PhaseRule::LastListed => "Last listed phase (the site's rule 2020-07 to 2026-05)",
        PhaseRule::LatestStart => {
            "Greatest start whatever the date (the site's rule since 2026-05)"
        }
        _ => "",
    };
    PossibleValuesParser::new(PhaseRule::ALL.map(|r| PossibleValue::new(r.key()).help(help(r))))
        .try_map(|s| s.parse::<PhaseRule>())
}

/// `--active`: an [`ActiveRule`] by its key, listed with a description in `--help`.
pub(crate) fn active_parser() -> impl TypedValueParser<Value = ActiveRule> {
    let help = |r: ActiveRule| match r {
        ActiveRule::Stage => "Stage incubating or in hand-over (our stage table)",
        ActiveRule::Site => {
            "The site's list: investigation, construction, acceleration, consolidation, opere"
        }
        _ => "",
    };
    PossibleValuesParser::new(ActiveRule::ALL.map(|r| PossibleValue::new(r.key()).help(help(r))))
        .try_map(|s| s.parse::<ActiveRule>())
}

/// Period of a series, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Every {
    /// Calendar months, each point at the month's last day.
    Month,
}

#[derive(Debug, Args)]
pub(crate) struct SnapshotArgs {
    /// The content folder or commit to read instead of the built-in 2016 dataset.
    #[command(flatten)]
    input: super::input::ContentArgs,
    /// Date of the snapshot (YYYY-MM-DD); 2016-12-31 on the built-in dataset, today in
    /// Europe/Paris with --content, the --known-at date or the commit's own date (in
    /// Europe/Paris) with --git.
    #[arg(long, value_name = "YYYY-MM-DD")]
    at: Option<NaiveDate>,
    /// Print the JSON contract instead of a table.
    #[arg(long)]
    json: bool,
    /// How the current phase is chosen.
    #[arg(long, value_parser = rule_parser(), default_value_t = PhaseRule::AtDate)]
    rule: PhaseRule,
    /// Which start-ups are active in the printed count and the series (the JSON has
    /// both counts).
    #[arg(long, value_parser = active_parser(), default_value_t = ActiveRule::Stage)]
    active: ActiveRule,
    /// Also print a series of active start-ups and members, one point per period
    /// (counted at the period's last day), from --from to --to.
    #[arg(long, value_enum, value_name = "PERIOD", conflicts_with = "json")]
    every: Option<Every>,
    /// First day of the series (its period is the first point); default: eleven months
    /// before --to, for twelve points.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "every")]
    from: Option<NaiveDate>,
    /// Last day of the series (its period is the last point); default: the snapshot's
    /// date.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "every")]
    to: Option<NaiveDate>,
    /// The older spelling of `--every month`, hidden (ignored with --json, as it always
    /// was).
    #[arg(long, hide = true, conflicts_with = "every")]
    series: bool,
}

impl SnapshotArgs {
    /// The series to print after the snapshot at `at`, as `(from, to)`, if any.
    ///
    /// # Errors
    ///
    /// `--from` after `--to`.
    fn series(&self, at: NaiveDate) -> Result<Option<(NaiveDate, NaiveDate)>, BoxError> {
        if self.every.is_none() && !self.series {
            return Ok(None);
        }
        let to = self.to.unwrap_or(at);
        let from = self
            .from
            .unwrap_or_else(|| to.checked_sub_months(Months::new(11)).unwrap_or(to));
        if from > to {
            return Err(format!("--from {from} is after --to {to}").into());
        }
        Ok(Some((from, to)))
    }
}

pub(crate) fn run(command: PortfolioCommand) -> Result<ExitCode, BoxError> {
    let PortfolioCommand::Snapshot(args) = command;
    let records = match args.input.records()? {
        Ok(records) => records,
        Err(code) => return Ok(code),
    };
    let at = records.at_or_default(args.at);
    snapshot(&records, at, &args)
}

/// The JSON of `portfolio snapshot --json`: the snapshot's keys, then `source` when
/// the records were read from a commit.
#[derive(Debug, serde::Serialize)]
struct SnapshotJson<'a> {
    #[serde(flatten)]
    snapshot: &'a Snapshot,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<super::input::SourceJson>,
}

/// Prints the snapshot of the records at `at`, adding the import's diagnostics to its
/// problems.
fn snapshot(
    records: &super::input::Records,
    at: NaiveDate,
    args: &SnapshotArgs,
) -> Result<ExitCode, BoxError> {
    let portfolio = &records.portfolio;
    let options = SnapshotOptions::default()
        .with_phase_rule(args.rule)
        .with_active_rule(args.active);
    let series = args.series(at)?;
    let mut snap = Snapshot::compute(portfolio, at, &options);
    snap.add_problems(records.diagnostics());
    if args.json {
        let body = SnapshotJson {
            snapshot: &snap,
            source: records.commit().map(super::input::GitCommit::json),
        };
        contract::print(
            &Versioned::new(contract::PORTFOLIO_SNAPSHOT, &body),
            Layout::Pretty,
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    print_snapshot(&snap, portfolio, records.commit(), args.active)?;
    if let Some((from, to)) = series {
        let head = format!("active start-ups ({})", args.active);
        let mut t = table(["month end", head.as_str(), "active members"]);
        for p in monthly_series(portfolio, from, to, &options) {
            t.add_row([
                p.date.to_string(),
                p.active_startups.to_string(),
                p.active_members.to_string(),
            ]);
        }
        outln!("{t}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The count of active start-ups under `rule`; under the site's, also the site's own
/// count (latest start whatever the date) and how many start-ups the date filter changes.
fn print_active(snap: &Snapshot, rule: ActiveRule) -> Result<(), BoxError> {
    let a = &snap.startups.active;
    match rule {
        ActiveRule::Site => outln!(
            "active start-ups (site): {} (current phase in the site's list); {} with the site's own rule (latest start whatever the date): the date filter changes {}",
            a.site,
            a.site_latest_start,
            a.site_date_filter_changes
        )?,
        _ => outln!(
            "active start-ups (stage): {} (incubating or in hand-over)",
            a.stage
        )?,
    }
    Ok(())
}

fn table<const N: usize>(header: [&str; N]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(header);
    t
}

/// The snapshot's tables and counts, under the commit read, if any.
fn print_snapshot(
    snap: &Snapshot,
    portfolio: &Portfolio,
    commit: Option<&super::input::GitCommit>,
    active: ActiveRule,
) -> Result<(), BoxError> {
    outln!(
        "Portfolio at {} ({} vocabulary)",
        snap.as_of,
        portfolio.vocabulary
    )?;
    if let Some(commit) = commit {
        outln!("{}", commit.source_line())?;
    }
    let mut t = table(["start-ups by stage", "count"]);
    for s in Stage::ALL {
        t.add_row([s.to_string(), snap.startups.by_stage.get(s).to_string()]);
    }
    t.add_row(["total".to_owned(), snap.startups.total.to_string()]);
    outln!("{t}")?;
    print_active(snap, active)?;
    let mut t = table(["current phase (as written)", "count"]);
    // Phase and status names come from the files: escaped, so they cannot drive the terminal.
    for (k, v) in &snap.startups.by_phase {
        t.add_row([escape_controls(k).into_owned(), v.to_string()]);
    }
    outln!("{t}")?;
    let mut t = table(["active members by status", "count"]);
    for (k, v) in &snap.members.active_by_status {
        t.add_row([escape_controls(k).into_owned(), v.to_string()]);
    }
    t.add_row(["total".to_owned(), snap.members.active.to_string()]);
    outln!("{t}")?;
    outln!(
        "incubators referenced: {}  sponsors referenced: {}  distinct owners: {}",
        snap.incubators,
        snap.sponsors,
        snap.owners
    )?;
    outln!(
        "problems: {} errors, {} warnings",
        snap.problems.errors,
        snap.problems.warnings
    )?;
    Ok(())
}
