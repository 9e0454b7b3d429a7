//! `betagouv content ...`: check and upgrade content repository folders.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use betagouv_content::IfExists;
use betagouv_content::check::{CheckOptions, CheckReport, check_folder, check_read, ci};
use betagouv_content::rules;
use betagouv_content::upgrade::{Upgrade, UpgradeOptions, upgrade_import};
use betagouv_portfolio::diagnostic::escape_controls;
use betagouv_portfolio::{Diagnostic, Severity};
use clap::{Args, Subcommand};

use super::BoxError;
use super::contract::{self, DiagnosticRow, Layout};
use super::input::GitCommit;
use crate::out::{errln, outln};

mod blame;

/// Content subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ContentCommand {
    /// Check a content folder against the repository's rules of its era, plus ours.
    /// Exit status 1 when errors remain.
    Check(CheckArgs),
    /// Rewrite an old-layout folder (2016-2020) in the current layout.
    Upgrade(UpgradeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The content folder (repository root, `content/`, or one collection folder).
    #[arg(required_unless_present_any = ["list_rules", "git"], conflicts_with = "git")]
    dir: Option<PathBuf>,
    /// The commit to check instead of a folder.
    #[command(flatten)]
    git: super::input::GitArgs,
    /// With --git: for each problem, the first commit of its current presence, and the
    /// problems fixed in the range (identity: rule, record, field; see docs/history.md).
    #[arg(long, requires = "git")]
    blame: bool,
    /// With --blame: where the range starts, a revision or a date (the commit known at
    /// its end); default the first commit.
    #[arg(long, value_name = "REV|DATE", requires = "blame")]
    since: Option<String>,
    /// Do not report this rule (repeatable), e.g. `--skip member-file-name`.
    #[arg(long, value_name = "RULE")]
    skip: Vec<String>,
    /// Print `{"schema_version", "errors", "warnings", "diagnostics": [...]}` as JSON,
    /// plus `"source": {"commit", "committed_at"}` with --git (with --list-rules,
    /// `{"schema_version", "rules": [{"id", "drops_file", "description"}]}`).
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Output format: `text`; `json` (as --json); `github`, one GitHub Actions
    /// annotation command per problem; `sarif`, a SARIF 2.1.0 log for code scanning.
    /// `github` and `sarif` name files relative to DIR (run it on the repository root)
    /// and give line and column only when known.
    #[arg(long, value_enum, default_value = "text")]
    format: CheckFormat,
    /// Write the output to this file instead of standard output (never over an input
    /// nor inside the checked folder; an existing file needs --force).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the --out file if it exists (a regular file that is not an input).
    #[arg(long, requires = "out")]
    force: bool,
    /// List every rule (id, whether it drops the file, description) instead of checking
    /// a folder.
    #[arg(long, conflicts_with_all = ["dir", "skip", "git"])]
    list_rules: bool,
}

/// `content check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CheckFormat {
    /// One line per problem, then the counts.
    Text,
    /// The JSON contract (the same as --json).
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...,col=...::message`).
    Github,
    /// A SARIF 2.1.0 log.
    Sarif,
}

#[derive(Debug, Args)]
pub(crate) struct UpgradeArgs {
    /// The old folder.
    old: PathBuf,
    /// Where to write the upgraded folder: a new folder, never inside the old one
    /// (an existing one needs --force).
    #[arg(long, value_name = "NEW_DIR")]
    out: PathBuf,
    /// Replace the --out folder if it holds only what an upgrade writes
    /// (content/_startups/*.md, ...).
    #[arg(long)]
    force: bool,
    /// What to do with the old folder's problems.
    #[command(flatten)]
    policy: super::input::ImportPolicy,
    /// Print `{"schema_version", "out", "vocabulary", "files", "failed_files",
    /// "undated", "diagnostics"}` as JSON instead of the summary.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(command: ContentCommand) -> Result<ExitCode, BoxError> {
    match command {
        ContentCommand::Check(args) => check(&args),
        ContentCommand::Upgrade(args) => upgrade(&args),
    }
}

fn upgrade(args: &UpgradeArgs) -> Result<ExitCode, BoxError> {
    // A bad --out is refused before reading; then the loader's report and policy: a
    // file that gives no record stops the upgrade before anything is written.
    let options = UpgradeOptions::default().with_if_exists(IfExists::replace_when(args.force));
    betagouv_content::upgrade::output(&args.old, &args.out, &options).check()?;
    let loaded = match super::input::load(&args.old, &args.policy)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let up = upgrade_import(&args.old, loaded.import, &args.out, &options)?;
    let failed = up.import.failed_files().count();
    if args.json {
        print_upgrade_json(args, &up, failed)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "wrote {} files to {} (vocabulary {})",
        up.written.files.len(),
        escape_controls(&args.out.display().to_string()),
        up.import.portfolio.vocabulary
    )?;
    if failed > 0 {
        outln!("{failed} files of the old folder gave no record (see `betagouv content check`)")?;
    }
    if !up.undated.is_empty() {
        outln!(
            "{} start-ups cannot be dated once upgraded (no full start date):",
            up.undated.len()
        )?;
        for d in &up.undated {
            outln!("  {d}")?;
        }
    }
    for d in &up.written.diagnostics {
        outln!("{d}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `{"schema_version", "out", "vocabulary", "files", "failed_files", "undated",
/// "diagnostics"}` on standard output.
fn print_upgrade_json(args: &UpgradeArgs, up: &Upgrade, failed: usize) -> Result<(), BoxError> {
    /// The JSON of `content upgrade --json`, keys in this order.
    #[derive(serde::Serialize)]
    struct UpgradeJson<'a> {
        schema_version: u32,
        out: String,
        vocabulary: String,
        files: Vec<String>,
        failed_files: usize,
        undated: Vec<DiagnosticRow<'a>>,
        diagnostics: Vec<DiagnosticRow<'a>>,
    }
    let out = UpgradeJson {
        schema_version: contract::CONTENT_UPGRADE,
        out: args.out.display().to_string(),
        vocabulary: up.import.portfolio.vocabulary.to_string(),
        files: up
            .written
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect(),
        failed_files: failed,
        undated: contract::diagnostic_rows(&up.undated),
        diagnostics: contract::diagnostic_rows(&up.written.diagnostics),
    };
    contract::print(&out, Layout::Pretty)
}

/// `content check --list-rules`: every rule of `rules::ALL`, as a table or as JSON.
fn list_rules(json: bool) -> Result<ExitCode, BoxError> {
    if json {
        /// The JSON of `--list-rules --json`, keys in this order.
        #[derive(serde::Serialize)]
        struct RuleList {
            schema_version: u32,
            rules: Vec<RuleRow>,
        }
        #[derive(serde::Serialize)]
        struct RuleRow {
            id: &'static str,
            drops_file: bool,
            description: &'static str,
        }
        let out = RuleList {
            schema_version: contract::CONTENT_RULES,
            rules: rules::ALL
                .iter()
                .map(|r| RuleRow {
                    id: r.id,
                    drops_file: r.drops_file,
                    description: r.description,
                })
                .collect(),
        };
        contract::print(&out, Layout::Pretty)?;
    } else {
        let width = rules::ALL.iter().map(|r| r.id.len()).max().unwrap_or(0);
        outln!("{:width$}  {:10}  description", "rule", "drops file")?;
        for r in rules::ALL {
            let drops = if r.drops_file { "yes" } else { "no" };
            outln!("{:width$}  {drops:10}  {}", r.id, r.description)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(args: &CheckArgs) -> Result<ExitCode, BoxError> {
    if args.list_rules {
        return list_rules(args.json);
    }
    if !known_skips(&args.skip) {
        return Ok(ExitCode::from(2));
    }
    if args.blame {
        return blame::blame_git(args);
    }
    // Refuse a bad --out before reading anything.
    let output = args.out.as_ref().map(|path| {
        betagouv_output::Output::file(path)
            .if_exists(betagouv_output::IfExists::replace_when(args.force))
            .inputs(args.dir.iter().chain(args.git.git.iter()))
    });
    if let Some(o) = &output {
        o.check()?;
    }
    let options = CheckOptions::default().with_skip(args.skip.iter().cloned());
    let (report, commit) = if let Some((repo, commit)) = args.git.open()? {
        (check_commit(&repo, &commit, &options)?, Some(commit))
    } else if let Some(dir) = &args.dir {
        let bar = super::progress::Bar::new("reading");
        let report = check_folder(dir, &options.with_read(super::progress::read_options(&bar)));
        bar.finish();
        (report?, None)
    } else {
        // clap requires DIR without --list-rules or --git; kept as a usage error all
        // the same.
        errln!("error: content check needs a DIR or --git REPO (or --list-rules)");
        return Ok(ExitCode::from(2));
    };
    let format = if args.json {
        CheckFormat::Json
    } else {
        args.format
    };
    let root = args.dir.clone().unwrap_or_default();
    match (format, &output) {
        (CheckFormat::Text, None) => print_text(&report, commit.as_ref())?,
        (CheckFormat::Json, None) => print_json(&report, commit.as_ref())?,
        _ => {
            let text = render(&report, format, &root, commit.as_ref())?;
            match &output {
                Some(o) => o.write_bytes(text.as_bytes())?,
                None => crate::out::out!("{text}")?,
            }
        }
    }
    Ok(if report.counts.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The check of `commit` of `repo`: its collections read from the repository's
/// objects (with a progress bar on a terminal), checked with the rules of their era.
///
/// # Errors
///
/// The commit or its root tree cannot be read; an unknown `--skip` rule.
fn check_commit(
    repo: &betagouv_history::Repository,
    commit: &GitCommit,
    options: &CheckOptions,
) -> Result<CheckReport, BoxError> {
    let import = super::input::read_commit(repo, commit)?;
    Ok(check_read(&import, options)?)
}

/// Whether every `--skip` names a known rule; when not, says which and lists the
/// known ones on standard error.
fn known_skips(skip: &[String]) -> bool {
    let unknown: Vec<&str> = skip
        .iter()
        .map(String::as_str)
        .filter(|r| !rules::is_known(r))
        .collect();
    if unknown.is_empty() {
        return true;
    }
    errln!(
        "error: --skip names unknown rule ids: {}; the known rule ids are:",
        unknown.join(", ")
    );
    let width = rules::ALL.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in rules::ALL {
        errln!("  {:width$}  {}", r.id, r.description);
    }
    false
}

/// The JSON of `content check --json`, keys in this order.
#[derive(serde::Serialize)]
struct CheckJson<'a> {
    schema_version: u32,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<DiagnosticRow<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<super::input::SourceJson>,
}

/// `{"schema_version", "errors", "warnings", "diagnostics": [...]}`, and `"source"`
/// when `commit` was checked.
fn check_json<'a>(report: &'a CheckReport, commit: Option<&GitCommit>) -> CheckJson<'a> {
    CheckJson {
        schema_version: contract::CONTENT_CHECK,
        errors: report.counts.errors,
        warnings: report.counts.warnings,
        diagnostics: contract::diagnostic_rows(&report.diagnostics),
        source: commit.map(GitCommit::json),
    }
}

/// [`check_json`] on standard output.
fn print_json(report: &CheckReport, commit: Option<&GitCommit>) -> Result<(), BoxError> {
    contract::print(&check_json(report, commit), Layout::Pretty)
}

/// `N errors, M warnings (RuleSet rules)`.
fn counts_line(report: &CheckReport) -> String {
    format!(
        "{} errors, {} warnings ({:?} rules)",
        report.counts.errors, report.counts.warnings, report.rules
    )
}

/// The output of `report` in `format` as one text (for --out, or the CI formats):
/// files named relative to `root` in the `github` and `sarif` formats.
fn render(
    report: &CheckReport,
    format: CheckFormat,
    root: &Path,
    commit: Option<&GitCommit>,
) -> Result<String, BoxError> {
    Ok(match format {
        CheckFormat::Github => ci::github_annotations(report, root),
        CheckFormat::Sarif => {
            let tool = ci::SarifTool::new("betagouv", env!("CARGO_PKG_VERSION"));
            let mut text = serde_json::to_string_pretty(&ci::sarif(report, root, &tool))?;
            text.push('\n');
            text
        }
        CheckFormat::Json => {
            let mut text = serde_json::to_string_pretty(&check_json(report, commit))?;
            text.push('\n');
            text
        }
        CheckFormat::Text => {
            let mut text = String::new();
            for d in &report.diagnostics {
                text.push_str(&format!("{d}\n"));
            }
            text.push_str(&format!("{}\n", counts_line(report)));
            if let Some(commit) = commit {
                text.push_str(&format!("{}\n", commit.source_line()));
            }
            text
        }
    })
}

/// One line per diagnostic (with the file's line under it when a folder was checked
/// and standard output is a terminal), then the counts, and the commit checked.
fn print_text(report: &CheckReport, commit: Option<&GitCommit>) -> Result<(), BoxError> {
    // A commit's files are not on disk (`<short id>:<path>`): no snippet.
    let snippets = commit.is_none() && std::io::stdout().is_terminal();
    let mut cache: HashMap<PathBuf, Vec<String>> = HashMap::new();
    for d in &report.diagnostics {
        outln!("{d}")?;
        if snippets {
            snippet(d, &mut cache)?;
        }
    }
    outln!("{}", counts_line(report))?;
    if let Some(commit) = commit {
        outln!("{}", commit.source_line())?;
    }
    Ok(())
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read(path)
        .map(|b| {
            String::from_utf8_lossy(&b)
                .lines()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn snippet(d: &Diagnostic, cache: &mut HashMap<PathBuf, Vec<String>>) -> Result<(), BoxError> {
    let Some(loc) = &d.location else {
        return Ok(());
    };
    if loc.line == 0 {
        return Ok(());
    }
    let text = cache
        .entry(loc.file.clone())
        .or_insert_with(|| lines(&loc.file));
    let Some(line) = text.get(loc.line - 1) else {
        return Ok(());
    };
    let width = loc.line.to_string().len();
    outln!("{:width$} |", "")?;
    // The line is the file's text: escaped, so that it cannot drive the terminal.
    outln!(
        "{} | {}",
        loc.line,
        escape_controls(line.trim_end_matches('\r'))
    )?;
    if loc.column > 0 {
        let mark = if d.severity == Severity::Error {
            '^'
        } else {
            '-'
        };
        outln!("{:width$} | {}{}", "", " ".repeat(loc.column - 1), mark)?;
    }
    Ok(())
}
