//! `betagouv budget ...`: report, balances, journal, check (and hidden
//! benchmark helpers).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use betagouv_funding::ledger::{Granularity, PeriodBalances, cents_text};
use betagouv_funding::model::{Budget, FiscalYear};
use betagouv_funding::report::{YearReport, YearReportOptions, report};
use betagouv_funding::{builtin, check, commitments, file, post, synthetic};
use betagouv_portfolio::{Diagnostic, ProblemCounts, Severity, builtin as portfolio_builtin};
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use super::BoxError;
use super::contract::{self, DiagnosticRow, Layout};
use crate::out::{errln, outln};

/// Budget subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum BudgetCommand {
    /// Resources by source, partner share, payments by start-up and stage for a fiscal year.
    Report(ReportArgs),
    /// Movements by account and month (quarter, year), as `hledger bal -M` on the exported journal.
    Balances(BalancesArgs),
    /// Export the budget as an hledger journal (one balanced transaction per event, docs/budget.md).
    Journal(JournalArgs),
    /// Check a budget file against the domain rules; exit 1 when there are errors.
    Check(CheckArgs),
    /// Time balances by account and month over a synthetic ledger; optionally write its journal.
    #[command(hide = true)]
    Bench(BenchArgs),
    /// Write a deterministic synthetic budget file (TOML) to standard output, for benchmarks.
    #[command(hide = true)]
    Synthetic(SyntheticArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SyntheticArgs {
    /// Purchase orders (about 800 bytes of TOML each, with their deliveries and payments).
    #[arg(long, default_value_t = 1000)]
    orders: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// Period length of `budget balances`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Every {
    /// Calendar months (`2016-01`), as `hledger bal -M`.
    Month,
    /// Calendar quarters (`2016Q1`), as `hledger bal -Q`.
    Quarter,
    /// Calendar years (`2016`), as `hledger bal -Y`.
    Year,
}

/// Output format of `budget balances`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum BalancesFormat {
    /// A text table.
    Table,
    /// CSV: `account`, one column per period, a `total` row (amounts in euros, 2 decimals).
    Csv,
    /// JSON: `{"schema_version", "every", "periods", "rows": [{"account", "amounts"}],
    /// "total"}` (amounts as text in euros, 2 decimals).
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct BalancesArgs {
    /// Budget file (TOML); the built-in 2016 budget when absent.
    file: Option<PathBuf>,
    /// Period of the columns.
    #[arg(long, value_enum, value_name = "PERIOD", default_value = "month")]
    every: Every,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: BalancesFormat,
    /// Print the JSON contract (the same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    json: bool,
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
    /// Write the journal to this file instead of standard output (never over the
    /// budget file; an existing file needs --force).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the --out file if it exists (a regular file that is not the input).
    #[arg(long, requires = "out")]
    force: bool,
    /// Export the commitments journal instead (AE opened, engaged by orders, released
    /// at closing, carried over; docs/budget.md).
    #[arg(long)]
    commitments: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Budget file (TOML).
    file: PathBuf,
    /// Print `{"schema_version", "file", "errors", "warnings", "diagnostics": [...]}`
    /// as JSON instead of one line per problem.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    terms: TermsArgs,
}

/// The payment terms the checks apply (docs/budget.md, "Service fait, advances and
/// invoices"); each defaults to its legal value.
#[derive(Debug, Args)]
pub(crate) struct TermsArgs {
    /// ECB main refinancing rate, in percent, in force on the first day of the
    /// half-year the late-payment interest starts in (interest = this + 8 points,
    /// R2192-31). Default 0 (its value from 16 March 2016 to 26 July 2022).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    ecb_rate: Option<rust_decimal::Decimal>,
    /// Largest share of an order's gross amount paid as advances, in percent
    /// (R2191-7 and R2191-8). Default 30.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    advance_cap: Option<rust_decimal::Decimal>,
    /// Days the State has to pay an invoice (R2192-10). Default 30.
    #[arg(long, value_name = "DAYS")]
    payment_delay: Option<u32>,
}

impl TermsArgs {
    /// The legal terms with the values given on the command line.
    fn terms(&self) -> betagouv_funding::terms::PaymentTerms {
        let mut t = betagouv_funding::terms::PaymentTerms::default();
        if let Some(r) = self.ecb_rate {
            t = t.with_ecb_rate(r);
        }
        if let Some(c) = self.advance_cap {
            t = t.with_advance_cap(c);
        }
        if let Some(d) = self.payment_delay {
            t = t.with_payment_delay_days(d);
        }
        t
    }
}

/// A percentage from 0 to 100 (`4.5` or `4.5%`) as a fraction (`0.045`).
fn parse_percent(s: &str) -> Result<rust_decimal::Decimal, String> {
    let digits = s.trim().trim_end_matches('%').trim_end();
    let pct: rust_decimal::Decimal = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a percentage (write 4.5 for 4.5 %)"))?;
    if pct < rust_decimal::Decimal::ZERO || pct > rust_decimal::Decimal::ONE_HUNDRED {
        return Err(format!("{s} is outside 0 to 100 %"));
    }
    Ok(pct / rust_decimal::Decimal::ONE_HUNDRED)
}

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Number of postings of the synthetic ledger.
    #[arg(long, default_value_t = 1_000_000)]
    postings: usize,
    /// Timed runs (the median is printed).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Also write the ledger as a journal to this file (an existing file needs
    /// --force).
    #[arg(long, alias = "journal", value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long, requires = "out")]
    force: bool,
}

pub(crate) fn run(command: BudgetCommand) -> Result<ExitCode, BoxError> {
    match command {
        BudgetCommand::Report(args) => run_report(&args),
        BudgetCommand::Balances(args) => run_balances(&args),
        BudgetCommand::Journal(args) => run_journal(&args),
        BudgetCommand::Check(args) => run_check(&args),
        BudgetCommand::Bench(args) => run_bench(&args),
        BudgetCommand::Synthetic(args) => {
            emit(&synthetic::budget_toml(args.orders, args.seed))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load(path: Option<&Path>) -> Result<Budget, BoxError> {
    Ok(match path {
        Some(p) => file::read_budget(p)?,
        None => builtin::builtin_2016()?,
    })
}

/// The budget's name in messages: its path, or the built-in budget.
fn budget_name(path: Option<&Path>) -> String {
    path.map_or_else(
        || "the built-in 2016 budget".to_owned(),
        |p| p.display().to_string(),
    )
}

fn default_year(budget: &Budget) -> FiscalYear {
    budget
        .resources
        .iter()
        .map(|r| FiscalYear::of(r.date))
        .max()
        .or_else(|| budget.years().last().copied())
        .unwrap_or(FiscalYear(2016))
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

/// The year of `--year`: refused (exit 2) outside the supported years or
/// when the budget has no record dated in it, with the years that have some.
fn report_year(budget: &Budget, arg: Option<i32>) -> Result<FiscalYear, BoxError> {
    let Some(y) = arg else {
        return Ok(default_year(budget));
    };
    let year = FiscalYear::new(y).map_err(|_| {
        format!(
            "--year {y}: outside the supported years {} to {}",
            FiscalYear::MIN,
            FiscalYear::MAX
        )
    })?;
    let years = budget.years();
    if !years.contains(&year) {
        let list = if years.is_empty() {
            "none".to_owned()
        } else {
            years
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(format!(
            "--year {y}: the budget has no record dated in {y} (years with records: {list})"
        )
        .into());
    }
    Ok(year)
}

fn run_report(args: &ReportArgs) -> Result<ExitCode, BoxError> {
    let budget = load(args.file.as_deref())?;
    let portfolio = portfolio_builtin::portfolio_2016();
    let year = report_year(&budget, args.year)?;
    let r = report(&budget, Some(&portfolio), &YearReportOptions::new(year));
    // A report whose sums cannot be exact is refused, not shown wrong.
    if let Some(d) = &r.sums_out_of_range {
        return Err(format!("{}: {}", budget_name(args.file.as_deref()), d.message).into());
    }
    if args.json {
        contract::print(&r, Layout::Pretty)?;
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
    print_resources(r)?;
    print_spending(r)?;
    print_delegated(r)?;
    print_payments(r)?;
    print_claims(r)?;
    outln!(
        "problems: {} errors, {} warnings (run `betagouv budget check FILE`)",
        r.problems.errors,
        r.problems.warnings
    )?;
    Ok(())
}

/// Resources of the year by source, and the partners' share.
fn print_resources(r: &YearReport) -> Result<(), BoxError> {
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
    Ok(())
}

/// Spending of the year: engaged, delivered, paid, outstanding.
fn print_spending(r: &YearReport) -> Result<(), BoxError> {
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
    Ok(())
}

/// Orders under a délégation de gestion: charged to the delegating ministry's
/// programme, shown apart from the incubator's resources, credits and spending.
fn print_delegated(r: &YearReport) -> Result<(), BoxError> {
    if r.delegated.is_empty() {
        return Ok(());
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header([
        "delegated management (not the incubator's)",
        "partner",
        "amount",
        "engaged (AE)",
        "service fait",
        "paid (CP)",
        "outstanding",
        "orders",
    ]);
    for d in &r.delegated {
        t.add_row([
            d.agreement.clone(),
            d.partner.clone(),
            d.amount.amount().to_string(),
            d.engaged.amount().to_string(),
            d.delivered.amount().to_string(),
            d.paid.amount().to_string(),
            d.remaining.amount().to_string(),
            d.orders.join(", "),
        ]);
    }
    outln!("{t}")?;
    Ok(())
}

/// Payments by stage and by start-up, and the burn rate.
fn print_payments(r: &YearReport) -> Result<(), BoxError> {
    outln!(
        "{}",
        table(
            ["paid by stage", "amount"],
            r.by_stage
                .iter()
                .map(|(k, v)| (k.to_string(), v.amount().to_string()))
        )
    )?;
    if !r.by_startup.is_empty() {
        outln!(
            "{}",
            table(
                ["paid by start-up", "amount"],
                r.by_startup
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.amount().to_string()))
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
    Ok(())
}

/// The published figures checked, if any.
fn print_claims(r: &YearReport) -> Result<(), BoxError> {
    if !r.claims.is_empty() {
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED);
        t.set_header(["claim", "published", "computed", "status"]);
        for c in &r.claims {
            t.add_row([
                c.key.clone(),
                c.published.to_string(),
                c.computed.map_or_else(String::new, |x| x.to_string()),
                c.verdict.key().to_owned(),
            ]);
        }
        outln!("{t}")?;
        outln!("evidence: {}", r.evidence)?;
    }
    Ok(())
}

/// A CSV field, always quoted (as hledger writes them).
fn csv_field(out: &mut String, text: &str) {
    out.push('"');
    out.push_str(&text.replace('"', "\"\""));
    out.push('"');
}

/// The balances as a grid: the periods from the first transaction's to the last
/// one's, a row of cents per account with a movement, and the total per period.
struct Grid {
    periods: Vec<String>,
    rows: Vec<(String, Vec<i128>)>,
    totals: Vec<i128>,
}

impl Grid {
    fn new(b: &PeriodBalances) -> Self {
        let g = b.grid();
        Self {
            periods: g.periods.iter().map(ToString::to_string).collect(),
            rows: g
                .rows
                .into_iter()
                .map(|(account, cells)| (account.to_string(), cells))
                .collect(),
            totals: g.totals,
        }
    }
}

/// The table of `hledger bal -M -O csv`: a row per account with a movement,
/// a column per period from the first transaction's to the last one's, and
/// a `total` row; amounts in euros with 2 decimals, zero as `0.00`.
fn balances_csv(g: &Grid) -> String {
    let mut out = String::with_capacity((g.rows.len() + 2) * (g.periods.len() + 1) * 12);
    let mut line = |first: &str, cells: &mut dyn Iterator<Item = String>| {
        csv_field(&mut out, first);
        for c in cells {
            out.push(',');
            csv_field(&mut out, &c);
        }
        out.push('\n');
    };
    line("account", &mut g.periods.iter().cloned());
    for (account, cells) in &g.rows {
        line(account, &mut cells.iter().map(|&c| cents_text(c)));
    }
    line("total", &mut g.totals.iter().map(|&c| cents_text(c)));
    out
}

/// The text table of `budget balances`.
fn balances_table(g: &Grid) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    let mut header = vec!["account".to_owned()];
    header.extend(g.periods.iter().cloned());
    t.set_header(header);
    for (account, cells) in &g.rows {
        let mut row = vec![account.clone()];
        row.extend(cells.iter().map(|&c| cents_text(c)));
        t.add_row(row);
    }
    let mut row = vec!["total".to_owned()];
    row.extend(g.totals.iter().map(|&c| cents_text(c)));
    t.add_row(row);
    t
}

/// `{"schema_version", "every", "periods", "rows": [{"account", "amounts"}], "total"}`.
fn balances_json(g: &Grid, every: Every) -> Result<(), BoxError> {
    /// The JSON of `budget balances --json`, keys in this order.
    #[derive(serde::Serialize)]
    struct BalancesJson<'a> {
        schema_version: u32,
        every: &'static str,
        periods: &'a [String],
        rows: Vec<RowJson<'a>>,
        total: Vec<String>,
    }
    #[derive(serde::Serialize)]
    struct RowJson<'a> {
        account: &'a str,
        amounts: Vec<String>,
    }
    let amounts = |cells: &[i128]| cells.iter().map(|&c| cents_text(c)).collect();
    let out = BalancesJson {
        schema_version: contract::BUDGET_BALANCES,
        every: match every {
            Every::Month => "month",
            Every::Quarter => "quarter",
            Every::Year => "year",
        },
        periods: &g.periods,
        rows: g
            .rows
            .iter()
            .map(|(account, cells)| RowJson {
                account,
                amounts: amounts(cells),
            })
            .collect(),
        total: amounts(&g.totals),
    };
    contract::print(&out, Layout::Pretty)
}

fn run_balances(args: &BalancesArgs) -> Result<ExitCode, BoxError> {
    let budget = load(args.file.as_deref())?;
    let portfolio = portfolio_builtin::portfolio_2016();
    let (ledger, problems) = post::to_ledger(&budget, Some(&portfolio));
    drop(budget);
    print_diagnostics(&problems);
    let interval = match args.every {
        Every::Month => Granularity::Month,
        Every::Quarter => Granularity::Quarter,
        Every::Year => Granularity::Year,
    };
    let grid = Grid::new(&ledger.balances_by(interval));
    drop(ledger);
    let format = if args.json {
        BalancesFormat::Json
    } else {
        args.format
    };
    match format {
        BalancesFormat::Csv => emit(&balances_csv(&grid))?,
        BalancesFormat::Table => outln!("{}", balances_table(&grid))?,
        BalancesFormat::Json => balances_json(&grid, args.every)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn run_journal(args: &JournalArgs) -> Result<ExitCode, BoxError> {
    let output = args.out.as_ref().map(|p| {
        betagouv_output::Output::file(p)
            .if_exists(betagouv_output::IfExists::replace_when(args.force))
            .inputs(args.file.iter().cloned())
    });
    if let Some(o) = &output {
        o.check()?;
    }
    let budget = load(args.file.as_deref())?;
    let portfolio = portfolio_builtin::portfolio_2016();
    let (ledger, problems) = if args.commitments {
        commitments::to_commitments_ledger(&budget)
    } else {
        post::to_ledger(&budget, Some(&portfolio))
    };
    print_diagnostics(&problems);
    let text = betagouv_export::journal::to_journal(&ledger);
    match &output {
        Some(o) => o.write_bytes(text.as_bytes())?,
        None => emit(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn run_check(args: &CheckArgs) -> Result<ExitCode, BoxError> {
    let path = args.file.as_path();
    let diags = match file::read_budget(path) {
        Ok(budget) => {
            let portfolio = portfolio_builtin::portfolio_2016();
            let mut diags = check::check_with_terms(&budget, Some(&portfolio), &args.terms.terms());
            diags.extend(post::to_ledger(&budget, Some(&portfolio)).1);
            diags
        }
        // Problems of the file itself are findings of the check (status 1), like the
        // domain rules; a file that cannot be opened is an error (status 2).
        Err(
            e @ (betagouv_funding::Error::Parse { .. }
            | betagouv_funding::Error::Limit { .. }
            | betagouv_funding::Error::TooLarge { .. }),
        ) => {
            let d = file_problem(path, &e);
            if !args.json {
                errln!("error[{}] {e}", d.rule);
                outln!("{}: 1 errors, 0 warnings", path.display())?;
                return Ok(ExitCode::from(1));
            }
            vec![d]
        }
        Err(e) => return Err(e.into()),
    };
    let counts = ProblemCounts::count(&diags);
    if args.json {
        /// The JSON of `budget check --json`, keys in this order.
        #[derive(serde::Serialize)]
        struct CheckJson<'a> {
            schema_version: u32,
            file: String,
            errors: usize,
            warnings: usize,
            diagnostics: Vec<DiagnosticRow<'a>>,
        }
        contract::print(
            &CheckJson {
                schema_version: contract::BUDGET_CHECK,
                file: path.display().to_string(),
                errors: counts.errors,
                warnings: counts.warnings,
                diagnostics: contract::diagnostic_rows(&diags),
            },
            Layout::Pretty,
        )?;
    } else {
        for d in &diags {
            outln!("{d}")?;
        }
        outln!(
            "{}: {} errors, {} warnings",
            path.display(),
            counts.errors,
            counts.warnings
        )?;
    }
    Ok(if counts.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A budget file that cannot be read as a budget, as a finding of `budget check`:
/// rule `parse` (not TOML, not the budget's shape) or `limit` (over a size limit),
/// located where the reader says. Its message is the error's own (which names the
/// file, line and column).
fn file_problem(path: &Path, e: &betagouv_funding::Error) -> Diagnostic {
    let (rule, position) = match e {
        betagouv_funding::Error::Parse { line, column, .. } => ("parse", Some((*line, *column))),
        betagouv_funding::Error::Limit { line, column, .. } => ("limit", Some((*line, *column))),
        _ => ("limit", None),
    };
    let (line, column) = position.unwrap_or((0, 0));
    Diagnostic::new(Severity::Error, rule, e.to_string()).at(path, line, column)
}

fn run_bench(args: &BenchArgs) -> Result<ExitCode, BoxError> {
    let journal = args.out.as_ref().map(|p| {
        betagouv_output::Output::file(p)
            .if_exists(betagouv_output::IfExists::replace_when(args.force))
    });
    if let Some(o) = &journal {
        o.check()?;
    }
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
    if let Some(o) = &journal {
        o.write_bytes(betagouv_export::journal::to_journal(&ledger).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}
