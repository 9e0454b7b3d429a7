//! `betagouv budget ...`: report, journal, check (and a hidden benchmark).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use betagouv_funding::model::{Budget, FiscalYear};
use betagouv_funding::report::{ReportOptions, YearReport, report};
use betagouv_funding::{builtin, check, file, post, synthetic};
use betagouv_portfolio::{Diagnostic, ProblemCounts, Severity, builtin as portfolio_builtin};
use clap::{Args, Subcommand};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use super::BoxError;
use crate::out::{errln, outln};

/// Budget subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum BudgetCommand {
    /// Resources by source, partner share, payments by start-up and stage for a fiscal year.
    Report(ReportArgs),
    /// Export the budget as an hledger journal (funding-domain.md §6).
    Journal(JournalArgs),
    /// Check a budget file against the domain rules; exit 1 when there are errors.
    Check(CheckArgs),
    /// Time balances by account and month over a synthetic ledger; optionally write its journal.
    #[command(hide = true)]
    Bench(BenchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Budget file (TOML, see docs/budget.md); the built-in 2016 budget when absent.
    file: Option<PathBuf>,
    /// Fiscal year; the latest year with resources when absent.
    #[arg(long)]
    year: Option<i32>,
    /// Print the JSON contract instead of tables.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct JournalArgs {
    /// Budget file (TOML); the built-in 2016 budget when absent.
    file: Option<PathBuf>,
    /// Write the journal to this file instead of standard output.
    #[arg(long, value_name = "J")]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Budget file (TOML).
    file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Number of postings of the synthetic ledger.
    #[arg(long, default_value_t = 1_000_000)]
    postings: usize,
    /// Timed runs (the median is printed).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Also write the ledger as a journal here.
    #[arg(long)]
    journal: Option<PathBuf>,
}

pub(crate) fn run(command: BudgetCommand) -> Result<ExitCode, BoxError> {
    match command {
        BudgetCommand::Report(args) => run_report(&args),
        BudgetCommand::Journal(args) => run_journal(&args),
        BudgetCommand::Check(args) => run_check(&args.file),
        BudgetCommand::Bench(args) => run_bench(&args),
    }
}

fn load(path: Option<&Path>) -> Result<Budget, BoxError> {
    Ok(match path {
        Some(p) => file::read_budget(p)?,
        None => builtin::builtin_2016()?,
    })
}

fn default_year(budget: &Budget) -> i32 {
    budget
        .resources
        .iter()
        .map(|r| FiscalYear::of(r.date))
        .max()
        .or_else(|| budget.years().last().copied())
        .map_or(2016, |y| y.0)
}

/// Writes `text` to standard output.
fn emit(text: &str) -> Result<(), BoxError> {
    Ok(crate::out::write_str(text)?)
}

fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        errln!("{d}");
    }
}

fn run_report(args: &ReportArgs) -> Result<ExitCode, BoxError> {
    let budget = load(args.file.as_deref())?;
    let portfolio = portfolio_builtin::portfolio_2016();
    let year = args.year.unwrap_or_else(|| default_year(&budget));
    let r = report(&budget, Some(&portfolio), &ReportOptions::for_year(year));
    if args.json {
        emit(&format!("{}\n", serde_json::to_string_pretty(&r)?))?;
    } else {
        print_report(&r)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn table(header: [&str; 2], rows: impl IntoIterator<Item = (String, String)>) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(header);
    for (a, b) in rows {
        t.add_row([a, b]);
    }
    t
}

fn print_report(r: &YearReport) -> Result<(), BoxError> {
    outln!("Budget {} ({})", r.year, r.currency)?;
    let share = r.partner_share.map_or_else(
        || "n/a".to_owned(),
        |s| format!("{:.2} %", s * rust_decimal::Decimal::ONE_HUNDRED),
    );
    outln!(
        "{}",
        table(
            ["resources", "amount"],
            [
                (
                    "incubator".to_owned(),
                    r.by_source.incubator.amount().to_string()
                ),
                (
                    "partners".to_owned(),
                    r.by_source.partners.amount().to_string()
                ),
                ("total".to_owned(), r.total.amount().to_string()),
                ("partner share".to_owned(), share),
            ]
        )
    )?;
    outln!(
        "{}",
        table(
            ["spending (gross)", "amount"],
            [
                (
                    "engaged (AE)".to_owned(),
                    r.spending.engaged.amount().to_string()
                ),
                (
                    "service fait".to_owned(),
                    r.spending.delivered.amount().to_string()
                ),
                ("paid (CP)".to_owned(), r.spending.paid.amount().to_string()),
                (
                    "outstanding".to_owned(),
                    r.spending.outstanding.amount().to_string()
                ),
            ]
        )
    )?;
    outln!(
        "{}",
        table(
            ["paid by stage", "amount"],
            r.by_stage
                .iter()
                .map(|(k, v)| (k.clone(), v.amount().to_string()))
        )
    )?;
    if !r.by_startup.is_empty() {
        outln!(
            "{}",
            table(
                ["paid by start-up", "amount"],
                r.by_startup
                    .iter()
                    .map(|(k, v)| (k.clone(), v.amount().to_string()))
            )
        )?;
    }
    let runway = r
        .burn
        .runway_months
        .map_or_else(|| "n/a (no burn)".to_owned(), |m| format!("{m} months"));
    outln!(
        "burn rate: {} per month over {} months to {}; runway: {runway}",
        r.burn.monthly.amount(),
        r.burn.months,
        r.burn.window_end
    )?;
    if !r.claims.is_empty() {
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED);
        t.set_header(["claim", "published", "computed", "status"]);
        for c in &r.claims {
            t.add_row([
                c.key.clone(),
                c.published.to_string(),
                c.computed.map_or_else(String::new, |x| x.to_string()),
                serde_json::to_value(c.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            ]);
        }
        outln!("{t}")?;
        outln!("evidence: {}", r.evidence)?;
    }
    outln!(
        "problems: {} errors, {} warnings (run `betagouv budget check FILE`)",
        r.problems.errors,
        r.problems.warnings
    )?;
    Ok(())
}

fn run_journal(args: &JournalArgs) -> Result<ExitCode, BoxError> {
    let budget = load(args.file.as_deref())?;
    let portfolio = portfolio_builtin::portfolio_2016();
    let (ledger, problems) = post::to_ledger(&budget, Some(&portfolio));
    print_diagnostics(&problems);
    let text = betagouv_export::journal::to_journal(&ledger);
    match &args.out {
        Some(p) => std::fs::write(p, text)?,
        None => emit(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn run_check(path: &Path) -> Result<ExitCode, BoxError> {
    let budget = match file::read_budget(path) {
        Ok(b) => b,
        Err(e @ betagouv_funding::Error::Parse { .. }) => {
            errln!("error[parse] {e}");
            outln!("{}: 1 errors, 0 warnings", path.display())?;
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let portfolio = portfolio_builtin::portfolio_2016();
    let mut diags = check::check(&budget, Some(&portfolio));
    diags.extend(post::to_ledger(&budget, Some(&portfolio)).1);
    for d in &diags {
        outln!("{d}")?;
    }
    let counts = ProblemCounts::count(&diags);
    outln!(
        "{}: {} errors, {} warnings",
        path.display(),
        counts.errors,
        counts.warnings
    )?;
    Ok(if diags.iter().any(|d| d.severity == Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_bench(args: &BenchArgs) -> Result<ExitCode, BoxError> {
    let ledger = synthetic::ledger(args.postings, 42);
    let mut times = Vec::new();
    let mut cells = 0;
    for _ in 0..args.runs.max(1) {
        let start = Instant::now();
        let balances = ledger.balances_by_month();
        times.push(start.elapsed());
        cells = balances.len();
    }
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    outln!(
        "betagouv balances by account and month: {} postings, {cells} account-months, median {:.3} s over {} runs",
        args.postings,
        median.as_secs_f64(),
        times.len()
    )?;
    if let Some(p) = &args.journal {
        std::fs::write(p, betagouv_export::journal::to_journal(&ledger))?;
    }
    Ok(ExitCode::SUCCESS)
}
