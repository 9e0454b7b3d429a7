//! The one loader of content folders and commits: every command that reads one
//! (`portfolio snapshot`, `report`, `export`, `content upgrade`) flattens
//! [`ContentArgs`] and calls [`ContentArgs::records`] (the built-in 2016 dataset, the
//! folder of `--content DIR`, or the commit of `--git REPO [--rev REV | --known-at
//! DATE]`) or [`load`], so that none of them can lose a file without a word. The files
//! a command reads beside the records (`--budget`, `--impact`) are read here too, and
//! [`input_paths`] lists them all for the output policy (an output never replaces an
//! input).
//!
//! A commit is read from the repository's objects ([`GitArgs`], betagouv-history):
//! no checkout. It is named `REPO@<12-hex short id>` in messages, and its files
//! `<short id>:<path>` in diagnostics (as `git show` takes them).
//!
//! Policy (the same for a folder and a commit):
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
use betagouv_history::{CommitInfo, Repository, Revision};
use betagouv_portfolio::diagnostic::escape_controls;
use betagouv_portfolio::{Diagnostic, ImportSummary, Portfolio, builtin};
use chrono::NaiveDate;
use clap::Args;

use super::BoxError;
use crate::out::errln;

/// How a command reads its records: a content folder given as `--content DIR`, a
/// commit given as `--git REPO [--rev REV | --known-at DATE]`, or neither (the
/// built-in 2016 dataset).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ContentArgs {
    /// Read the portfolio from this content folder (repository root, `content/`, or one
    /// collection folder).
    #[arg(long, value_name = "DIR", conflicts_with = "git")]
    pub(crate) content: Option<PathBuf>,
    /// The commit to read instead of a folder.
    #[command(flatten)]
    pub(crate) git: GitArgs,
    /// What to do with the folder's problems.
    #[command(flatten)]
    pub(crate) policy: ImportPolicy,
}

impl ContentArgs {
    /// The folder, if any; `--allow-errors` or `--verbose` without `--content` or
    /// `--git` is a usage error (it would be accepted and mean nothing).
    ///
    /// # Errors
    ///
    /// A message naming the flags.
    pub(crate) fn dir(&self) -> Result<Option<&Path>, BoxError> {
        let read = self.content.is_some() || self.git.git.is_some();
        if !read && (self.policy.allow_errors || self.policy.verbose) {
            return Err("--allow-errors and --verbose apply to the records read: give --content DIR or --git REPO".into());
        }
        Ok(self.content.as_deref())
    }

    /// The records the command works on: the content folder of `--content` or the
    /// commit of `--git`, read and reported by [`load`] or [`load_commit`], or the
    /// built-in 2016 dataset.
    ///
    /// # Errors
    ///
    /// As [`ContentArgs::dir`], [`GitArgs::open`] and [`load`]; `Ok(Err(status))` when
    /// the dropped files stop the command.
    pub(crate) fn records(&self) -> Result<Result<Records, ExitCode>, BoxError> {
        if let Some((repo, commit)) = self.git.open()? {
            return Ok(load_commit(&repo, &commit, &self.policy)?
                .map(|loaded| Records::read(loaded, repo.path().to_owned(), Some(commit))));
        }
        let Some(dir) = self.dir()? else {
            return Ok(Ok(Records {
                portfolio: builtin::portfolio_2016(),
                folder: None,
            }));
        };
        Ok(load(dir, &self.policy)?.map(|loaded| Records::read(loaded, dir.to_owned(), None)))
    }
}

/// `--git REPO [--rev REV | --known-at DATE]`: a commit of a git repository whose
/// records are read from its objects.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct GitArgs {
    /// Read the portfolio from a commit of this git repository (bare or not, read from
    /// its objects: no checkout), HEAD unless --rev or --known-at says otherwise.
    #[arg(long, value_name = "REPO")]
    pub(crate) git: Option<PathBuf>,
    /// The commit to read: a full or abbreviated hash, a ref, `main~3` (git rev-parse
    /// syntax); default HEAD.
    #[arg(long, value_name = "REV", requires = "git")]
    pub(crate) rev: Option<String>,
    /// Read the repository as it stood at the end of this date in Europe/Paris: the
    /// newest commit of HEAD's first-parent chain committed by then.
    #[arg(
        long,
        value_name = "YYYY-MM-DD",
        requires = "git",
        conflicts_with = "rev"
    )]
    pub(crate) known_at: Option<NaiveDate>,
}

impl GitArgs {
    /// The revision asked for: `--known-at`, `--rev`, or HEAD.
    pub(crate) fn revision(&self) -> Revision {
        match (self.known_at, &self.rev) {
            (Some(date), _) => Revision::KnownAt { date, from: None },
            (None, Some(rev)) => Revision::Rev(rev.clone()),
            (None, None) => Revision::default(),
        }
    }

    /// The repository of `--git`, opened, and the commit asked for; `None` without
    /// `--git`.
    ///
    /// # Errors
    ///
    /// A path that is not a repository, a revision that names no commit, a date
    /// before the first commit (status 2 in `main`).
    pub(crate) fn open(&self) -> Result<Option<(Repository, GitCommit)>, BoxError> {
        let Some(path) = &self.git else {
            return Ok(None);
        };
        let repo = Repository::open(path)?;
        let info = repo.revision(&self.revision())?;
        let commit = GitCommit {
            repo: path.clone(),
            info,
            known_at: self.known_at,
        };
        Ok(Some((repo, commit)))
    }
}

/// The commit a command reads.
#[derive(Debug, Clone)]
pub(crate) struct GitCommit {
    /// The repository, as given.
    pub(crate) repo: PathBuf,
    /// The commit.
    pub(crate) info: CommitInfo,
    /// The `--known-at` date it was found from, if any.
    pub(crate) known_at: Option<NaiveDate>,
}

impl GitCommit {
    /// `REPO@<12-hex short id>`: the commit's name in messages.
    pub(crate) fn name(&self) -> String {
        format!("{}@{}", self.repo.display(), self.info.id.short())
    }

    /// The default as-of date of its records: the `--known-at` date, or the commit's
    /// own date in Europe/Paris.
    pub(crate) fn as_of(&self) -> NaiveDate {
        self.known_at.unwrap_or_else(|| self.info.committed_date())
    }

    /// `source: REPO@<short id>, commit <40 hex> of <RFC 3339>` (and `, known at
    /// DATE`): the commit under a text output.
    pub(crate) fn source_line(&self) -> String {
        let known = self
            .known_at
            .map(|d| format!(", known at {d}"))
            .unwrap_or_default();
        // The repository path is the user's, but printed on a terminal: escaped.
        format!(
            "source: {}, commit {} of {}{known}",
            escape_controls(&self.name()),
            self.info.id,
            self.info.committed_at.to_rfc3339()
        )
    }

    /// The `source` object of the JSON outputs: `{"commit", "committed_at",
    /// "known_at"}` (`known_at` only with `--known-at`).
    pub(crate) fn json(&self) -> SourceJson {
        SourceJson {
            commit: self.info.id.to_string(),
            committed_at: self.info.committed_at.to_rfc3339(),
            known_at: self.known_at,
        }
    }
}

/// The `source` object of a JSON output read from a commit.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct SourceJson {
    /// The commit's full id (40 hex digits).
    commit: String,
    /// When it was committed (RFC 3339, with the committer's offset, `+00:00` rather
    /// than `Z`, as `git show --format=%cI` writes it).
    committed_at: String,
    /// The `--known-at` date it was found from.
    #[serde(skip_serializing_if = "Option::is_none")]
    known_at: Option<NaiveDate>,
}

/// The records of a command: the built-in 2016 dataset, a content folder or a commit.
#[derive(Debug)]
pub(crate) struct Records {
    /// The portfolio.
    pub(crate) portfolio: Portfolio,
    /// The content folder or commit it was read from; `None` for the built-in dataset.
    pub(crate) folder: Option<Folder>,
}

/// A content folder or a commit read.
#[derive(Debug)]
pub(crate) struct Folder {
    /// The folder as given (the repository for a commit).
    pub(crate) dir: PathBuf,
    /// The commit, when the records were read from one.
    pub(crate) commit: Option<GitCommit>,
    /// The import's counts.
    pub(crate) summary: ImportSummary,
    /// The import's problems.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The start-up keys written empty in their files, by start-up id (API v3 writes
    /// them back).
    pub(crate) empty_keys: betagouv_export::api_v3::EmptyKeys,
}

impl Folder {
    /// Its name in messages and metadata: the folder as given, or `REPO@<short id>`.
    pub(crate) fn name(&self) -> String {
        self.commit
            .as_ref()
            .map_or_else(|| self.dir.display().to_string(), GitCommit::name)
    }
}

impl Records {
    /// The records of `loaded`, read from `dir` (and `commit`).
    fn read(loaded: Loaded, dir: PathBuf, commit: Option<GitCommit>) -> Self {
        let empty_keys = loaded.import.startup_empty_keys();
        Self {
            portfolio: loaded.import.portfolio,
            folder: Some(Folder {
                dir,
                commit,
                summary: loaded.summary,
                diagnostics: loaded.import.diagnostics,
                empty_keys,
            }),
        }
    }

    /// `--at`, or its default: the built-in dataset's date (2016-12-31), today in
    /// Europe/Paris for a content folder, the `--known-at` date or the commit's own
    /// date (Europe/Paris) for a commit.
    pub(crate) fn at_or_default(&self, at: Option<NaiveDate>) -> NaiveDate {
        at.unwrap_or_else(|| match &self.folder {
            None => builtin::as_of_2016(),
            Some(Folder {
                commit: Some(commit),
                ..
            }) => commit.as_of(),
            Some(_) => super::today::today(),
        })
    }

    /// The commit the records were read from, if any.
    pub(crate) fn commit(&self) -> Option<&GitCommit> {
        self.folder.as_ref().and_then(|f| f.commit.as_ref())
    }

    /// The import's problems (none for the built-in dataset).
    pub(crate) fn diagnostics(&self) -> &[Diagnostic] {
        self.folder.as_ref().map_or(&[], |f| &f.diagnostics)
    }
}

/// Every file a command reads (the content folder or repository, `--budget`,
/// `--impact`...): its outputs may replace none of them.
pub(crate) fn input_paths<'a>(
    content: &'a ContentArgs,
    files: impl IntoIterator<Item = &'a Option<PathBuf>>,
) -> Vec<PathBuf> {
    content
        .content
        .iter()
        .chain(&content.git.git)
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
    Ok(report(&dir.display().to_string(), import, args))
}

/// Reads `commit` of `repo` with a progress bar on a terminal.
///
/// # Errors
///
/// The commit or its root tree cannot be read (status 2 in `main`); problems of single
/// files are diagnostics of the import.
pub(crate) fn read_commit(repo: &Repository, commit: &GitCommit) -> Result<Import, BoxError> {
    let bar = super::progress::Bar::new("reading");
    let import = repo.read_commit(&commit.info.id, &super::progress::read_options(&bar));
    bar.finish();
    Ok(import?)
}

/// Reads `commit` of `repo` as [`read_commit`] and reports the import as the module
/// documentation says, naming it `REPO@<short id>`.
///
/// # Errors
///
/// As [`read_commit`].
pub(crate) fn load_commit(
    repo: &Repository,
    commit: &GitCommit,
    args: &ImportPolicy,
) -> Result<LoadResult, BoxError> {
    let import = read_commit(repo, commit)?;
    Ok(report(&commit.name(), import, args))
}

/// Reports an import of the folder or commit `name` on standard error and applies
/// the `--allow-errors` policy.
pub(crate) fn report(name: &str, import: Import, args: &ImportPolicy) -> LoadResult {
    let summary = import.summary();
    let clean = summary.errors == 0 && summary.warnings == 0 && !summary.has_dropped();
    if !clean {
        let hint = if args.verbose {
            ""
        } else {
            "; --verbose lists them"
        };
        errln!("{name}: {summary}{hint}");
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
                "error: {} of {name} gave no record; fix the files above, or pass --allow-errors to go on without them",
                plural_files(summary.dropped_files),
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
