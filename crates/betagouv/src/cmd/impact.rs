//! `betagouv impact ...` (owned by the impact work).

use std::process::ExitCode;

use clap::Subcommand;

use super::BoxError;

/// Impact subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ImpactCommand {}

pub(crate) fn run(command: ImpactCommand) -> Result<ExitCode, BoxError> {
    match command {}
}
