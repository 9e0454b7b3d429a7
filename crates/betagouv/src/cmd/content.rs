//! `betagouv content ...`.

use std::process::ExitCode;

use clap::Subcommand;

use super::BoxError;

/// Content subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ContentCommand {}

pub(crate) fn run(command: ContentCommand) -> Result<ExitCode, BoxError> {
    match command {}
}
