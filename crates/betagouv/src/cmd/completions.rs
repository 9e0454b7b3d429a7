//! `betagouv completions SHELL`: the shell's completion script on standard output.
//!
//! Hidden commands and options (benchmark helpers, older spellings) are left out, as
//! they are from `--help`.

use std::process::ExitCode;

use clap::{Args, Command, CommandFactory};
use clap_complete::Shell;

use super::BoxError;

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

pub(crate) fn run(args: &CompletionsArgs) -> Result<ExitCode, BoxError> {
    let mut cmd = visible(&super::Cli::command());
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "betagouv", &mut script);
    crate::out::write_str(&String::from_utf8_lossy(&script))?;
    Ok(ExitCode::SUCCESS)
}

/// `cmd` without its hidden subcommands and hidden arguments, at every level.
///
/// The completion generators list every subcommand and option, hidden or not; clap
/// has no way to remove one, so the command is rebuilt from what is shown. Groups are
/// not copied: completion does not check them.
fn visible(cmd: &Command) -> Command {
    let mut out = Command::new(cmd.get_name().to_owned())
        .args(cmd.get_arguments().filter(|a| !a.is_hide_set()).cloned())
        .subcommands(
            cmd.get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(visible),
        );
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if let Some(version) = cmd.get_version() {
        out = out.version(version.to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name of a command and of its options, at every level.
    fn names(cmd: &Command, into: &mut Vec<String>) {
        into.push(cmd.get_name().to_owned());
        into.extend(
            cmd.get_arguments()
                .filter_map(|a| a.get_long().map(str::to_owned)),
        );
        for s in cmd.get_subcommands() {
            names(s, into);
        }
    }

    #[test]
    fn hidden_commands_and_options_are_left_out_and_the_rest_kept() {
        let mut all = Vec::new();
        names(&super::super::Cli::command(), &mut all);
        let mut shown = Vec::new();
        names(&visible(&super::super::Cli::command()), &mut shown);
        for hidden in ["bench", "synthetic", "series"] {
            assert!(all.iter().any(|n| n == hidden), "{hidden} exists");
            assert!(!shown.iter().any(|n| n == hidden), "{hidden} is hidden");
        }
        for kept in [
            "report", "snapshot", "every", "check", "upgrade", "man", "json",
        ] {
            assert!(shown.iter().any(|n| n == kept), "{kept} is shown");
        }
    }
}
