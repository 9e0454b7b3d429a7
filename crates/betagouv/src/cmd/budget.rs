//! `betagouv budget ...`.

use std::process::ExitCode;

use clap::Subcommand;

use super::BoxError;

/// Budget subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum BudgetCommand {}

pub(crate) fn run(command: BudgetCommand) -> Result<ExitCode, BoxError> {
    match command {}
}
