//! Subcommands. Each module owns one subcommand: its clap arguments and its `run`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub(crate) mod budget;
pub(crate) mod claims_history;
pub(crate) mod completions;
pub(crate) mod content;
pub(crate) mod contract;
pub(crate) mod dashboard;
pub(crate) mod export;
pub(crate) mod history;
pub(crate) mod impact;
pub(crate) mod input;
pub(crate) mod man;
pub(crate) mod portfolio;
pub(crate) mod progress;
pub(crate) mod report;
pub(crate) mod today;

/// Boxed error used by the binary only.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The portfolio, impact, budget and annual report of a State start-up incubator.
#[derive(Debug, Parser)]
#[command(name = "betagouv", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The annual report (built-in 2016 dataset by default).
    Report(report::ReportArgs),
    /// The portfolio at a date.
    #[command(subcommand)]
    Portfolio(portfolio::PortfolioCommand),
    /// Content repository folders: check, upgrade.
    #[command(subcommand)]
    Content(content::ContentCommand),
    /// Budget and funding accounts: report, journal, check.
    #[command(subcommand)]
    Budget(budget::BudgetCommand),
    /// Impact statistics: cohort comparisons, power, encouragement designs, survival.
    #[command(subcommand)]
    Impact(impact::ImpactCommand),
    /// Open-data exports: API JSON, JSON + schema, CSV + datapackage, SQLite, XLSX.
    Export(export::ExportArgs),
    /// The portfolio's figures over a git repository's history: every commit, day,
    /// week, month or year, as known then (live), at one date, or as known now.
    History(history::HistoryArgs),
    /// The incubator's dashboard (products, launches, national impact, open source,
    /// statistics pages, Dashlord, accessibility, themes, sponsors, members) at a
    /// date, or over a git repository's history with --every.
    Dashboard(dashboard::DashboardArgs),
    /// Shell completion script (bash, zsh, fish, elvish, powershell) on standard output.
    Completions(completions::CompletionsArgs),
    /// Manual pages (roff): the main page on standard output, or every page into a folder.
    Man(man::ManArgs),
}

pub(crate) fn run(cli: Cli) -> Result<ExitCode, BoxError> {
    match cli.command {
        Command::Report(args) => report::run(args),
        Command::Portfolio(c) => portfolio::run(c),
        Command::Content(c) => content::run(c),
        Command::Budget(c) => budget::run(c),
        Command::Impact(c) => impact::run(c),
        Command::Export(args) => export::run(args),
        Command::History(args) => history::run(&args),
        Command::Dashboard(args) => dashboard::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    }
}
