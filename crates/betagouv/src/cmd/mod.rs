//! Subcommands. Each module owns one subcommand: its clap arguments and its `run`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub(crate) mod budget;
pub(crate) mod completions;
pub(crate) mod content;
pub(crate) mod contract;
pub(crate) mod export;
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
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Cli;

    /// The `betagouv ...` lines of the `sh` blocks of a README, without their comments
    /// and redirections, split into words (the READMEs quote nothing).
    fn readme_commands(readme: &str) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let mut in_sh = false;
        for line in readme.lines() {
            if line.starts_with("```") {
                in_sh = line == "```sh";
                continue;
            }
            if !in_sh || !line.starts_with("betagouv ") {
                continue;
            }
            let words = line
                .split_whitespace()
                .take_while(|w| !w.starts_with('#') && !w.starts_with('>'))
                .map(str::to_owned)
                .collect();
            out.push(words);
        }
        out
    }

    #[test]
    fn every_command_of_the_readme_parses() {
        // The crate's README (published with it; the workspace README's commands are
        // run by the CLI tests, `readme::`).
        let commands = readme_commands(include_str!("../../README.md"));
        assert!(
            commands.len() >= 5,
            "only {} commands found",
            commands.len()
        );
        for words in commands {
            if let Err(e) = Cli::try_parse_from(&words) {
                panic!("README.md: `{}` does not parse:\n{e}", words.join(" "));
            }
        }
    }

    #[test]
    fn the_readme_scan_drops_comments_and_redirections() {
        let readme = "```sh\nbetagouv completions bash > f # c\ncargo run\n```\nbetagouv x\n";
        assert_eq!(
            readme_commands(readme),
            [["betagouv", "completions", "bash"]]
        );
    }
}
