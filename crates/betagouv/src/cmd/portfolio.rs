//! `betagouv portfolio ...`.

use std::process::ExitCode;

use betagouv_portfolio::snapshot::{Snapshot, SnapshotOptions, monthly_series};
use betagouv_portfolio::{PhaseRule, Portfolio, Stage, builtin};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use super::BoxError;
use crate::out::outln;

/// Portfolio subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum PortfolioCommand {
    /// The portfolio at a date: start-ups by stage and phase, active members, references.
    Snapshot(SnapshotArgs),
}

/// Current-phase rule, as named on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum RuleArg {
    /// Latest phase started on or before the date (the library's rule).
    AtDate,
    /// Last listed phase (the site's rule 2020-07 to 2026-05).
    LastListed,
    /// Greatest start whatever the date (the site's rule since 2026-05).
    LatestStart,
}

impl From<RuleArg> for PhaseRule {
    fn from(r: RuleArg) -> Self {
        match r {
            RuleArg::AtDate => PhaseRule::AtDate,
            RuleArg::LastListed => PhaseRule::LastListed,
            RuleArg::LatestStart => PhaseRule::LatestStart,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct SnapshotArgs {
    /// Read the portfolio from this content folder instead of the built-in 2016 dataset.
    #[arg(long, value_name = "DIR")]
    content: Option<std::path::PathBuf>,
    /// Date of the snapshot (YYYY-MM-DD); 2016-12-31 on the built-in dataset, today with --content.
    #[arg(long, value_name = "YYYY-MM-DD")]
    at: Option<NaiveDate>,
    /// Print the JSON contract instead of a table.
    #[arg(long)]
    json: bool,
    /// How the current phase is chosen.
    #[arg(long, value_enum, default_value = "at-date")]
    rule: RuleArg,
    /// Also print active start-ups and members at each month end of the year before the date.
    #[arg(long)]
    series: bool,
}

pub(crate) fn run(command: PortfolioCommand) -> Result<ExitCode, BoxError> {
    match command {
        PortfolioCommand::Snapshot(args) if args.content.is_some() => {
            let dir = args.content.clone().unwrap_or_default();
            let (options, bar) = super::content::read_options();
            let import = betagouv_content::read_folder(&dir, &options);
            super::content::finish(bar);
            let import = import?;
            let at = args.at.unwrap_or_else(|| chrono::Local::now().date_naive());
            snapshot(&import.portfolio, at, &args, &import.diagnostics)
        }
        PortfolioCommand::Snapshot(args) => {
            let portfolio = builtin::portfolio_2016();
            let at = args.at.unwrap_or_else(builtin::as_of_2016);
            snapshot(&portfolio, at, &args, &[])
        }
    }
}

/// Prints the snapshot of `portfolio` at `at`, adding `diagnostics` to its problems.
pub(crate) fn snapshot(
    portfolio: &Portfolio,
    at: NaiveDate,
    args: &SnapshotArgs,
    diagnostics: &[betagouv_portfolio::Diagnostic],
) -> Result<ExitCode, BoxError> {
    let options = SnapshotOptions {
        phase_rule: args.rule.into(),
    };
    let mut snap = Snapshot::compute(portfolio, at, &options);
    snap.add_problems(diagnostics);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&snap)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "Portfolio at {} ({} vocabulary)",
        snap.as_of,
        portfolio.vocabulary
    )?;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(["start-ups by stage", "count"]);
    for s in Stage::ALL {
        t.add_row([
            s.key().to_owned(),
            snap.startups.by_stage.get(s).to_string(),
        ]);
    }
    t.add_row(["total".to_owned(), snap.startups.total.to_string()]);
    outln!("{t}")?;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(["current phase (as written)", "count"]);
    for (k, v) in &snap.startups.by_phase {
        t.add_row([k.clone(), v.to_string()]);
    }
    outln!("{t}")?;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(["active members by status", "count"]);
    for (k, v) in &snap.members.active_by_status {
        t.add_row([k.clone(), v.to_string()]);
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
    if args.series {
        let from = at.checked_sub_months(chrono::Months::new(11)).unwrap_or(at);
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED);
        t.set_header(["month end", "active start-ups", "active members"]);
        for p in monthly_series(portfolio, from, at, &options) {
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
