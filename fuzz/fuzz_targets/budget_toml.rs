//! Fuzzes the budget TOML reader and what runs on a budget that parses:
//! arbitrary bytes as a budget file, read cut at its headers and in one
//! piece (both must agree), then checks, ledger, balances and the report of
//! every year with records plus years outside the supported range.
//! Run with `cargo +nightly fuzz run -s none budget_toml`.
#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // crashes are the point

use std::path::Path;

use betagouv_funding::file::{ReadBudgetOptions, parse_budget_whole, parse_budget_with};
use betagouv_funding::ledger::Granularity;
use betagouv_funding::model::FiscalYear;
use betagouv_funding::report::{YearReportOptions, report};
use betagouv_funding::{check, post};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = ReadBudgetOptions::default()
        .with_max_file_size(1 << 20)
        .with_max_entries(10_000);
    let path = Path::new("fuzz.toml");
    let cut = parse_budget_with(text, path, &options);
    let whole = parse_budget_whole(text, path, &options);
    let budget = match (cut, whole) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "cut and whole parses differ");
            a
        }
        (Err(_), Err(_)) => return,
        (a, b) => panic!("cut {:?} and whole {:?} parses disagree", a.err(), b.err()),
    };
    let portfolio = betagouv_portfolio::builtin::portfolio_2016();
    let _ = check::check(&budget, Some(&portfolio));
    let (ledger, _) = post::to_ledger(&budget, Some(&portfolio));
    for every in [Granularity::Month, Granularity::Quarter, Granularity::Year] {
        let _ = ledger.balances_by(every);
    }
    let mut years: Vec<i32> = budget.years().iter().map(|y| y.0).collect();
    years.extend([i32::MIN, -1, 0, 1899, 10_000, i32::MAX]);
    for y in years {
        let r = report(&budget, Some(&portfolio), &YearReportOptions::new(FiscalYear(y)));
        if !FiscalYear(y).is_supported() {
            assert!(r.total.is_zero() && r.spending.paid.is_zero(), "year {y}");
        }
    }
});
