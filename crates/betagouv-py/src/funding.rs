//! `betagouv.funding`'s native functions (see python/betagouv/funding.py): exact
//! money, largest-remainder allocation, VAT, and the report, check and balances of a
//! budget file, as `betagouv budget report|check|balances --json` give them.
//!
//! Amounts cross the boundary as decimal text (`"1151920.00"`), never as floats: the
//! Python side turns `decimal.Decimal`, `int` and `str` into text (a float is refused
//! there) and the text we return into `decimal.Decimal`. Every amount is parsed here
//! with [`Money::parse`], so the crate's rules hold (at most 2 decimals, ±10^15).

use std::path::{Path, PathBuf};

use betagouv_funding::ledger::{Granularity, PeriodBalances, cents_text};
use betagouv_funding::model::{Budget, FiscalYear};
use betagouv_funding::money::{self, Currency, Money, Totals};
use betagouv_funding::report::{YearReport, YearReportOptions};
use betagouv_funding::rust_decimal::Decimal;
use betagouv_funding::terms::PaymentTerms;
use betagouv_funding::{Error, allocation, builtin, check, file, post};
use betagouv_portfolio::{Diagnostic, Severity, builtin as portfolio_builtin};
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::PyList;
use serde::Serialize;

use crate::convert::to_py;
use crate::errors::{Kind, Location, error};
use crate::portfolio::diagnostic_dict;

/// `budget balances --json`'s version (the command line's contract 1).
pub(crate) const BUDGET_BALANCES: u32 = 1;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(money_text, m)?)?;
    m.add_function(wrap_pyfunction!(round_cents, m)?)?;
    m.add_function(wrap_pyfunction!(allocate, m)?)?;
    m.add_function(wrap_pyfunction!(vat_rate, m)?)?;
    m.add_function(wrap_pyfunction!(vat_totals, m)?)?;
    m.add_function(wrap_pyfunction!(budget_report, m)?)?;
    m.add_function(wrap_pyfunction!(budget_check, m)?)?;
    m.add_function(wrap_pyfunction!(budget_balances, m)?)?;
    Ok(())
}

/// A `FundingError` with `message` and no location.
fn funding_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    error(py, Kind::Funding, message, &Location::default(), None)
}

/// An error of the funding crate as a `FundingError`, located where the error says
/// (the file, line and column of a budget file that cannot be parsed), the cause of
/// an I/O error in the message.
fn crate_error(py: Python<'_>, e: &Error) -> PyErr {
    let at = match e {
        Error::Parse {
            path, line, column, ..
        }
        | Error::Limit {
            path, line, column, ..
        } => Location::at(Some(path), *line, *column),
        Error::Io { path, .. } | Error::TooLarge { path, .. } => Location::at(Some(path), 0, 0),
        _ => Location::default(),
    };
    let message = match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    };
    error(py, Kind::Funding, message, &at, None)
}

/// A currency by its ISO code (`EUR`).
fn currency(py: Python<'_>, code: &str) -> PyResult<Currency> {
    code.parse().map_err(|e| crate_error(py, &e))
}

/// `text` as money in `code`: at most 2 decimals (trailing zeros aside), ±10^15.
fn parse_money(py: Python<'_>, text: &str, code: &str) -> PyResult<Money> {
    Money::parse(text, currency(py, code)?).map_err(|e| crate_error(py, &e))
}

/// `text` as an exact decimal (a weight, a rate, an amount before rounding).
fn parse_decimal(py: Python<'_>, text: &str, what: &str) -> PyResult<Decimal> {
    Decimal::from_str_exact(text.trim())
        .map_err(|e| funding_error(py, format!("{what} {text:?} is not an exact decimal: {e}")))
}

/// `money_text(amount, currency="EUR")`: the amount checked and written with 2
/// decimals (`"12.5"` -> `"12.50"`).
#[pyfunction]
#[pyo3(signature = (amount, currency="EUR"))]
fn money_text(py: Python<'_>, amount: &str, currency: &str) -> PyResult<String> {
    Ok(parse_money(py, amount, currency)?.amount().to_string())
}

/// `round_cents(amount)`: rounded to the cent, half away from zero (`"0.125"` ->
/// `"0.13"`), checked to be in range.
#[pyfunction]
fn round_cents(py: Python<'_>, amount: &str) -> PyResult<String> {
    let x = parse_decimal(py, amount, "amount")?;
    let m = Money::rounded(x, Currency::Eur).map_err(|e| crate_error(py, &e))?;
    Ok(m.amount().to_string())
}

/// `allocate(total, weights, currency="EUR")`: the largest-remainder split of
/// `total` over `weights`, as texts with 2 decimals, summing exactly to `total`.
#[pyfunction]
#[pyo3(signature = (total, weights, currency="EUR"))]
fn allocate(
    py: Python<'_>,
    total: &str,
    weights: Vec<String>,
    currency: &str,
) -> PyResult<Vec<String>> {
    let total = parse_money(py, total, currency)?;
    let weights = weights
        .iter()
        .map(|w| parse_decimal(py, w, "weight"))
        .collect::<PyResult<Vec<_>>>()?;
    let parts = py
        .detach(|| allocation::allocate(total, &weights))
        .map_err(|e| crate_error(py, &e))?;
    Ok(parts.iter().map(|m| m.amount().to_string()).collect())
}

/// `vat_rate(date)`: the standard French VAT rate on `date` (`"0.20"`), `None`
/// before 2000-04-01 (not modelled).
#[pyfunction]
fn vat_rate(date: NaiveDate) -> Option<String> {
    money::vat_rate_on(date).map(|r| r.to_string())
}

/// `vat_totals(nets, rate, currency="EUR")`: `(net, vat, gross)` of a document whose
/// line nets are `nets`: the VAT rounded once on the sum, `gross = net + vat`.
#[pyfunction]
#[pyo3(signature = (nets, rate, currency="EUR"))]
fn vat_totals(
    py: Python<'_>,
    nets: Vec<String>,
    rate: &str,
    currency: &str,
) -> PyResult<(String, String, String)> {
    let nets = nets
        .iter()
        .map(|n| parse_money(py, n, currency))
        .collect::<PyResult<Vec<_>>>()?;
    let rate = parse_decimal(py, rate, "rate")?;
    let code = self::currency(py, currency)?;
    let t = Totals::of(&nets, rate, code).map_err(|e| crate_error(py, &e))?;
    Ok((
        t.net.amount().to_string(),
        t.vat.amount().to_string(),
        t.gross.amount().to_string(),
    ))
}

/// The budget of `path` (GIL released), or the built-in 2016 budget.
fn load(py: Python<'_>, path: Option<&Path>) -> PyResult<Budget> {
    let read = py.detach(|| match path {
        Some(p) => file::read_budget(p),
        None => builtin::builtin_2016(),
    });
    read.map_err(|e| crate_error(py, &e))
}

/// The budget's name in messages: its path, or the built-in budget.
fn budget_name(path: Option<&Path>) -> String {
    path.map_or_else(
        || "the built-in 2016 budget".to_owned(),
        |p| p.display().to_string(),
    )
}

/// The year of the report: `year` when the budget has records dated in it (an error
/// naming the years that have some otherwise), else the latest year with resources
/// (as `budget report` without `--year`).
fn report_year(py: Python<'_>, budget: &Budget, year: Option<i32>) -> PyResult<FiscalYear> {
    let years = budget.years();
    let Some(y) = year else {
        let latest = budget
            .resources
            .iter()
            .map(|r| FiscalYear::of(r.date))
            .max();
        return Ok(latest
            .or_else(|| years.last().copied())
            .unwrap_or(FiscalYear(2016)));
    };
    let fiscal = FiscalYear::new(y).map_err(|e| crate_error(py, &e))?;
    if years.contains(&fiscal) {
        return Ok(fiscal);
    }
    let list: Vec<String> = years.iter().map(ToString::to_string).collect();
    let list = if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    };
    Err(funding_error(
        py,
        format!("year {y}: the budget has no record dated in {y} (years with records: {list})"),
    ))
}

/// `budget_report(path=None, year=None)`: the report of a budget file (the built-in
/// 2016 budget when `path` is `None`) as `betagouv budget report --json` prints it,
/// amounts as decimal texts.
#[pyfunction]
#[pyo3(signature = (path=None, year=None))]
fn budget_report<'py>(
    py: Python<'py>,
    path: Option<PathBuf>,
    year: Option<i32>,
) -> PyResult<Bound<'py, PyAny>> {
    let budget = load(py, path.as_deref())?;
    let year = report_year(py, &budget, year)?;
    let report: YearReport = py.detach(|| {
        let portfolio = portfolio_builtin::portfolio_2016();
        betagouv_funding::report::report(&budget, Some(&portfolio), &YearReportOptions::new(year))
    });
    // A report whose sums cannot be exact is refused, not shown wrong.
    if let Some(d) = &report.sums_out_of_range {
        let message = format!("{}: {}", budget_name(path.as_deref()), d.message);
        return Err(error(py, Kind::Funding, message, &Location::of(d), None));
    }
    to_py(py, &report)
}

/// The payment terms with the values given (fractions: `0.045` for 4.5 %).
fn terms(
    py: Python<'_>,
    ecb_rate: Option<&str>,
    advance_cap: Option<&str>,
    payment_delay: Option<u32>,
) -> PyResult<PaymentTerms> {
    let mut t = PaymentTerms::default();
    if let Some(r) = ecb_rate {
        t = t.with_ecb_rate(parse_fraction(py, r, "ecb_rate")?);
    }
    if let Some(c) = advance_cap {
        t = t.with_advance_cap(parse_fraction(py, c, "advance_cap")?);
    }
    if let Some(d) = payment_delay {
        t = t.with_payment_delay_days(d);
    }
    Ok(t)
}

/// A percentage from 0 to 100 as a fraction (`"4.5"` -> 0.045), as the command line's
/// `--ecb-rate` and `--advance-cap` take it.
fn parse_fraction(py: Python<'_>, text: &str, what: &str) -> PyResult<Decimal> {
    let pct = parse_decimal(py, text, what)?;
    if pct < Decimal::ZERO || pct > Decimal::ONE_HUNDRED {
        return Err(funding_error(
            py,
            format!("{what} {text} is outside 0 to 100 (a percentage)"),
        ));
    }
    Ok(pct / Decimal::ONE_HUNDRED)
}

/// The diagnostics of `budget check`: the domain rules and the ledger's problems, or
/// the one `parse`/`limit` error of a file that cannot be read as a budget.
fn check_diagnostics(
    path: Option<&Path>,
    terms: &PaymentTerms,
) -> Result<Vec<Diagnostic>, Box<Error>> {
    let read = match path {
        Some(p) => file::read_budget(p),
        None => builtin::builtin_2016(),
    };
    let budget = match (read, path) {
        (Ok(b), _) => b,
        (
            Err(e @ (Error::Parse { .. } | Error::Limit { .. } | Error::TooLarge { .. })),
            Some(p),
        ) => {
            return Ok(vec![file_problem(p, &e)]);
        }
        (Err(e), _) => return Err(Box::new(e)),
    };
    let portfolio = portfolio_builtin::portfolio_2016();
    let mut diags = check::check_with_terms(&budget, Some(&portfolio), terms);
    diags.extend(post::to_ledger(&budget, Some(&portfolio)).1);
    Ok(diags)
}

/// A budget file that cannot be read as a budget, as `budget check` reports it:
/// rule `parse` or `limit`, at the reader's line and column.
fn file_problem(path: &Path, e: &Error) -> Diagnostic {
    let (rule, line, column) = match e {
        Error::Parse { line, column, .. } => ("parse", *line, *column),
        Error::Limit { line, column, .. } => ("limit", *line, *column),
        _ => ("limit", 0, 0),
    };
    Diagnostic::new(Severity::Error, rule, e.to_string()).at(path, line, column)
}

/// `budget_check(path=None, ecb_rate=None, advance_cap=None, payment_delay=None)`:
/// the diagnostics of `betagouv budget check FILE --json` as dicts.
#[pyfunction]
#[pyo3(signature = (path=None, ecb_rate=None, advance_cap=None, payment_delay=None))]
fn budget_check<'py>(
    py: Python<'py>,
    path: Option<PathBuf>,
    ecb_rate: Option<&str>,
    advance_cap: Option<&str>,
    payment_delay: Option<u32>,
) -> PyResult<Bound<'py, PyList>> {
    let terms = terms(py, ecb_rate, advance_cap, payment_delay)?;
    let diags = py
        .detach(|| check_diagnostics(path.as_deref(), &terms))
        .map_err(|e| crate_error(py, &e))?;
    let list = PyList::empty(py);
    for d in &diags {
        list.append(diagnostic_dict(py, d)?)?;
    }
    Ok(list)
}

/// The JSON of `budget balances --json`, keys in its order.
#[derive(Debug, Serialize)]
struct Balances {
    schema_version: u32,
    every: String,
    periods: Vec<String>,
    rows: Vec<BalanceRow>,
    total: Vec<String>,
}

/// A row of [`Balances`]: an account and its movement per period.
#[derive(Debug, Serialize)]
struct BalanceRow {
    account: String,
    amounts: Vec<String>,
}

impl Balances {
    /// The movements of `b` per period, every period from the first to the last.
    fn of(b: &PeriodBalances, every: &str) -> Self {
        let g = b.grid();
        Self {
            schema_version: BUDGET_BALANCES,
            every: every.to_owned(),
            periods: g.periods.iter().map(ToString::to_string).collect(),
            rows: g
                .rows
                .iter()
                .map(|(account, cells)| BalanceRow {
                    account: account.to_string(),
                    amounts: cells.iter().copied().map(cents_text).collect(),
                })
                .collect(),
            total: g.totals.into_iter().map(cents_text).collect(),
        }
    }
}

/// `budget_balances(path=None, every="month")`: the movements by account and period
/// as `betagouv budget balances --json` prints them, amounts as decimal texts.
#[pyfunction]
#[pyo3(signature = (path=None, every="month"))]
fn budget_balances<'py>(
    py: Python<'py>,
    path: Option<PathBuf>,
    every: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let interval = match every {
        "month" => Granularity::Month,
        "quarter" => Granularity::Quarter,
        "year" => Granularity::Year,
        other => {
            return Err(funding_error(
                py,
                format!("every={other:?}: give \"month\", \"quarter\" or \"year\""),
            ));
        }
    };
    let budget = load(py, path.as_deref())?;
    let balances = py.detach(|| {
        let portfolio = portfolio_builtin::portfolio_2016();
        let (ledger, _) = post::to_ledger(&budget, Some(&portfolio));
        Balances::of(&ledger.balances_by(interval), every)
    });
    to_py(py, &balances)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_file_is_one_located_parse_problem() {
        let dir = std::env::temp_dir().join(format!("betagouv-py-funding-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("broken.toml");
        std::fs::write(&path, "[budget\ncurrency = \"EUR\"\n").unwrap();
        let diags = check_diagnostics(Some(&path), &PaymentTerms::default()).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].rule, "parse");
        let at = diags[0].location.as_ref().unwrap();
        assert_eq!((at.line(), at.column().is_some()), (Some(1), true));
    }

    #[test]
    fn the_builtin_budget_checks_clean_and_balances_by_year() {
        assert!(
            check_diagnostics(None, &PaymentTerms::default())
                .unwrap()
                .is_empty()
        );
        let budget = builtin::builtin_2016().unwrap();
        let (ledger, _) = post::to_ledger(&budget, None);
        let b = Balances::of(&ledger.balances_by(Granularity::Year), "year");
        assert_eq!(b.periods, ["2016"]);
        assert!(b.total.iter().all(|t| t == "0.00"), "{:?}", b.total);
    }
}
