//! The one loader of content folders: every command that reads one (`portfolio
//! snapshot`, `report`, `export`, `content upgrade`) flattens [`ContentArgs`] and calls
//! [`ContentArgs::records`] (the built-in 2016 dataset or the folder) or [`load`], so
//! that none of them can lose a file without a word. The files a command reads beside
//! the folder (`--budget`, `--impact`) are read here too, and [`input_paths`] lists
//! them all for the output policy (an output never replaces an input).
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
use betagouv_portfolio::{Diagnostic, ImportSummary, Portfolio, builtin};
use chrono::NaiveDate;
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

    /// The records the command works on: the content folder of `--content`, read and
    /// reported by [`load`], or the built-in 2016 dataset.
    ///
    /// # Errors
    ///
    /// As [`ContentArgs::dir`] and [`load`]; `Ok(Err(status))` when the folder's
    /// dropped files stop the command.
    pub(crate) fn records(&self) -> Result<Result<Records, ExitCode>, BoxError> {
        let Some(dir) = self.dir()? else {
            return Ok(Ok(Records {
                portfolio: builtin::portfolio_2016(),
                folder: None,
            }));
        };
        Ok(load(dir, &self.policy)?.map(|loaded| Records {
            portfolio: loaded.import.portfolio,
            folder: Some(Folder {
                dir: dir.to_owned(),
                summary: loaded.summary,
                diagnostics: loaded.import.diagnostics,
            }),
        }))
    }
}

/// The records of a command: the built-in 2016 dataset or a content folder.
#[derive(Debug)]
pub(crate) struct Records {
    /// The portfolio.
    pub(crate) portfolio: Portfolio,
    /// The content folder it was read from; `None` for the built-in dataset.
    pub(crate) folder: Option<Folder>,
}

/// A content folder read.
#[derive(Debug)]
pub(crate) struct Folder {
    /// The folder as given.
    pub(crate) dir: PathBuf,
    /// The import's counts.
    pub(crate) summary: ImportSummary,
    /// The import's problems.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Records {
    /// `--at`, or its default: the built-in dataset's date (2016-12-31), or today in
    /// Europe/Paris for a content folder.
    pub(crate) fn at_or_default(&self, at: Option<NaiveDate>) -> NaiveDate {
        at.unwrap_or_else(|| match self.folder {
            None => builtin::as_of_2016(),
            Some(_) => super::today::today(),
        })
    }

    /// The import's problems (none for the built-in dataset).
    pub(crate) fn diagnostics(&self) -> &[Diagnostic] {
        self.folder.as_ref().map_or(&[], |f| &f.diagnostics)
    }
}

/// Every file a command reads (the content folder, `--budget`, `--impact`...): its
/// outputs may replace none of them.
pub(crate) fn input_paths<'a>(
    content: &'a ContentArgs,
    files: impl IntoIterator<Item = &'a Option<PathBuf>>,
) -> Vec<PathBuf> {
    content
        .content
        .iter()
        .chain(files.into_iter().flatten())
        .cloned()
        .collect()
}

/// Reads and parses an impact file (TOML, betagouv-impact format).
///
/// # Errors
///
/// A file that cannot be read or parsed, named.
pub(crate) fn read_impact(path: &Path) -> Result<betagouv_impact::ImpactFile, BoxError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(betagouv_impact::ImpactFile::parse_at(&text, path)?)
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
    let bar = super::progress::Bar::new("reading");
    let import = betagouv_content::read_folder(dir, &super::progress::read_options(&bar));
    bar.finish();
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
