//! The one loader of content folders: every command that reads one (`portfolio
//! snapshot`, `report`, `export`, `content upgrade`) flattens [`ContentArgs`] and calls
//! [`load`], so that none of them can lose a file without a word.
//!
//! Policy:
//!
//! - the import's counts go to standard error (`read 4068 files: 4066 records, 2 files
//!   dropped (2 errors, 15 warnings)`) whenever it has a problem;
//! - `--verbose` lists every import diagnostic, located (`file:line:column`, rule id,
//!   message); without it, the reasons of the dropped files are listed when the command
//!   stops because of them;
//! - a file that gave no record (invalid YAML, no front matter, unreadable...) stops the
//!   command with status 1 before it writes anything, unless `--allow-errors` is given:
//!   then the command goes on without those files and says how many were left out
//!   (exports record the count in their metadata). Warnings never stop a command: they
//!   drop no record.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use betagouv_content::Import;
use betagouv_portfolio::ImportSummary;
use clap::Args;

use super::BoxError;
use crate::out::errln;

/// How a command reads a content folder given as `--content DIR`.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ContentArgs {
    /// Read the portfolio from this content folder (repository root, `content/`, or one
    /// collection folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) content: Option<PathBuf>,
    /// What to do with the folder's problems.
    #[command(flatten)]
    pub(crate) policy: ImportPolicy,
}

impl ContentArgs {
    /// The folder, if any; `--allow-errors` or `--verbose` without `--content` is a usage
    /// error (it would be accepted and mean nothing).
    ///
    /// # Errors
    ///
    /// A message naming the flags.
    pub(crate) fn dir(&self) -> Result<Option<&Path>, BoxError> {
        match &self.content {
            Some(dir) => Ok(Some(dir)),
            None if self.policy.allow_errors || self.policy.verbose => Err(
                "--allow-errors and --verbose apply to a content folder: give --content DIR".into(),
            ),
            None => Ok(None),
        }
    }
}

/// What to do with the problems of a content folder.
#[derive(Debug, Clone, Copy, Default, Args)]
pub(crate) struct ImportPolicy {
    /// Go on when files of the content folder give no record (invalid YAML, no front
    /// matter...): they are left out, counted on standard error and in the outputs'
    /// metadata. Without it such files stop the command with status 1.
    #[arg(long)]
    pub(crate) allow_errors: bool,
    /// List every problem of the content folder on standard error
    /// (file:line:column, rule id, message).
    #[arg(long)]
    pub(crate) verbose: bool,
}

/// A content folder read and reported.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The import: portfolio, files and diagnostics.
    pub(crate) import: Import,
    /// Its counts.
    pub(crate) summary: ImportSummary,
}

/// What [`load`] gives: the folder read, or the status the command must end with
/// (records were dropped and `--allow-errors` was not given; nothing was written).
pub(crate) type LoadResult = Result<Loaded, ExitCode>;

/// Reads `dir` with a progress bar on a terminal and reports the import as the module
/// documentation says.
///
/// # Errors
///
/// A folder that is not a content folder or cannot be listed (status 2 in `main`).
pub(crate) fn load(dir: &Path, args: &ImportPolicy) -> Result<LoadResult, BoxError> {
    let (options, bar) = super::content::read_options();
    let import = betagouv_content::read_folder(dir, &options);
    super::content::finish(bar);
    let import = import?;
    Ok(report(dir, import, args))
}

/// Reports an import on standard error and applies the `--allow-errors` policy.
pub(crate) fn report(dir: &Path, import: Import, args: &ImportPolicy) -> LoadResult {
    let summary = import.summary();
    let clean = summary.errors == 0 && summary.warnings == 0 && !summary.has_dropped();
    if !clean {
        let hint = if args.verbose {
            ""
        } else {
            "; --verbose lists them"
        };
        errln!("{}: {summary}{hint}", dir.display());
    }
    if args.verbose {
        for d in &import.diagnostics {
            errln!("  {d}");
        }
    }
    if summary.has_dropped() {
        if !args.allow_errors {
            if !args.verbose {
                for d in import.dropped_diagnostics() {
                    errln!("  {d}");
                }
            }
            errln!(
                "error: {} of {} gave no record; fix the files above, or pass --allow-errors to go on without them",
                plural_files(summary.dropped_files),
                dir.display()
            );
            return Err(ExitCode::from(1));
        }
        errln!(
            "warning: going on without {} (--allow-errors)",
            plural_files(summary.dropped_files)
        );
    }
    Ok(Loaded { import, summary })
}

fn plural_files(n: usize) -> String {
    if n == 1 {
        "1 file".to_owned()
    } else {
        format!("{n} files")
    }
}
