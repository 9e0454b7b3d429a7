//! `betagouv man [--out DIR [--force]]`: the manual pages, generated from the command's
//! own definition (clap_mangen), so that they say what `--help` says.
//!
//! Without `--out`, the main page (`betagouv.1`) on standard output; with it, that page
//! and one per visible subcommand (`betagouv-report.1`, `betagouv-budget-check.1`, ...)
//! in DIR, created if missing (its parent must exist). An existing page is replaced
//! only with `--force` (betagouv-output's policy: a regular file, written atomically);
//! every page is checked before the first one is written.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Command, CommandFactory};
use clap_mangen::Man;

use super::BoxError;

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Write `betagouv.1` and a page per subcommand into this folder instead of the
    /// main page to standard output (existing pages need --force).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace existing pages in the --out folder.
    #[arg(long, requires = "out")]
    force: bool,
}

/// A manual page: its file name (`betagouv-report.1`) and its roff text.
struct Page {
    name: String,
    roff: Vec<u8>,
}

pub(crate) fn run(args: &ManArgs) -> Result<ExitCode, BoxError> {
    let pages = pages(super::Cli::command())?;
    let Some(dir) = &args.out else {
        if let Some(main) = pages.first() {
            crate::out::write_str(&String::from_utf8_lossy(&main.roff))?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    if !dir.is_dir() {
        std::fs::create_dir(dir)
            .map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))?;
    }
    let outputs: Vec<_> = pages
        .iter()
        .map(|p| {
            betagouv_output::Output::file(dir.join(&p.name))
                .if_exists(betagouv_output::IfExists::replace_when(args.force))
        })
        .collect();
    for o in &outputs {
        o.check()?;
    }
    for (o, p) in outputs.iter().zip(&pages) {
        o.write_bytes(&p.roff)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The pages of `cmd`: its own first, then those of its visible subcommands, depth
/// first (as `clap_mangen::generate_to` names them).
fn pages(cmd: Command) -> Result<Vec<Page>, BoxError> {
    fn collect(cmd: &Command, into: &mut Vec<Page>) -> Result<(), BoxError> {
        // Every page's footer names the program and its version (a subcommand has none
        // of its own).
        let man = Man::new(cmd.clone()).source(concat!("betagouv ", env!("CARGO_PKG_VERSION")));
        let mut roff = Vec::new();
        man.render(&mut roff)?;
        into.push(Page {
            name: man.get_filename(),
            roff,
        });
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            collect(sub, into)?;
        }
        Ok(())
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    collect(&cmd, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_per_visible_command_and_none_for_hidden_ones() {
        let pages = pages(super::super::Cli::command()).unwrap();
        let names: Vec<&str> = pages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.first(), Some(&"betagouv.1"));
        for name in [
            "betagouv-report.1",
            "betagouv-portfolio-snapshot.1",
            "betagouv-dashboard.1",
            "betagouv-budget-check.1",
            "betagouv-completions.1",
            "betagouv-man.1",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        assert!(
            !names
                .iter()
                .any(|n| n.contains("bench") || n.contains("synthetic"))
        );
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
        for p in &pages {
            assert!(String::from_utf8_lossy(&p.roff).starts_with(".ie \\n(.g .ds Aq \\(aq"));
        }
    }
}
