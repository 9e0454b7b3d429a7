//! The hledger journal: its shape on a fixture budget, and hledger itself accepting it
//! and agreeing on every balance (fixture, built-in 2016 budget, a synthetic ledger).
//! Moved out of `src/journal.rs` so that the published crate's unit tests read no file
//! outside the crate.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use betagouv_funding::file::parse_budget;
use betagouv_funding::model::FiscalYear;
use betagouv_funding::{builtin, check, post, report};
use betagouv_portfolio::builtin::portfolio_2016;
use rust_decimal::Decimal;

use betagouv_export::journal::to_journal;
use betagouv_funding::ledger::Ledger;

/// A small budget with every kind of event: resources, an agreement with
/// tranches, orders, partial deliveries, a payment of two deliveries, a
/// start-up id with an accent and a supplier id with `:` and spaces.
const FIXTURE: &str = include_str!("../../../../tests/fixtures/budget/journal.toml");

fn fixture_ledger() -> Ledger {
    let budget = parse_budget(FIXTURE, Path::new("fixture.toml")).unwrap();
    let portfolio = portfolio_2016();
    let diags = check::check(&budget, Some(&portfolio));
    assert!(
        diags
            .iter()
            .all(|d| d.severity != betagouv_portfolio::Severity::Error),
        "{diags:?}"
    );
    let (ledger, problems) = post::to_ledger(&budget, Some(&portfolio));
    assert!(problems.is_empty(), "{problems:?}");
    ledger
}

#[test]
fn journal_shape() {
    let text = to_journal(&fixture_ledger());
    assert!(!text.contains('\r') && !text.contains('\t'));
    assert!(
        text.contains("account liabilities:suppliers:Holder-X--SAS-Paris\n"),
        "{text}"
    );
    assert!(text.contains("account expenses:startups:e-inspé:unphased:development\n"));
    assert!(text.contains("account expenses:startups:labonneboite:consolidation:design\n"));
    assert!(text.contains("tag po\n"));
    // Running balances asserted after each tranche and payment.
    let has = |account: &str, end: &str| {
        text.lines()
            .any(|l| l.starts_with(&format!("    {account}  ")) && l.ends_with(end))
    };
    assert!(has(
        "assets:receivables:conv-2016-01",
        " -40000.00 EUR = 0.00 EUR"
    ));
    assert!(has(
        "liabilities:suppliers:Holder-X--SAS-Paris",
        " 4500.00 EUR = 0.00 EUR"
    ));
    for line in text.lines() {
        // No sub-cent amount anywhere.
        for word in line.split_whitespace() {
            if let Some((_, dec)) = word.split_once('.')
                && word
                    .trim_start_matches('-')
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit())
            {
                assert_eq!(dec.len(), 2, "{line}");
            }
        }
    }
    // Deterministic.
    assert_eq!(text, to_journal(&fixture_ledger()));
}

/// `hledger bal -O csv` as `account -> amount`.
fn hledger_balances(journal: &Path, year: i32) -> BTreeMap<String, Decimal> {
    let out = Command::new("hledger")
        .args(["-f"])
        .arg(journal)
        .args(["bal", "-p", &year.to_string(), "-O", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut map = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split("\",\"").map(|c| c.trim_matches('"')).collect();
        let [account, amount] = cells[..] else {
            continue;
        };
        if account == "total" {
            continue;
        }
        let number = amount.trim_end_matches(" EUR");
        map.insert(account.to_owned(), Decimal::from_str_exact(number).unwrap());
    }
    map
}

#[track_caller]
fn check_with_hledger(ledger: &Ledger, years: &[i32]) {
    if !betagouv_tests::require_tool("hledger", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.journal");
    std::fs::write(&path, to_journal(ledger)).unwrap();
    let out = Command::new("hledger")
        .arg("-f")
        .arg(&path)
        .args(["check", "-s", "ordereddates"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for year in years {
        let y = FiscalYear(*year);
        let ours: BTreeMap<String, Decimal> = ledger
            .balances(y.first_day(), y.end_exclusive())
            .into_iter()
            .filter(|(_, m)| !m.is_zero())
            .map(|(a, m)| (a.to_string(), m.amount()))
            .collect();
        assert_eq!(hledger_balances(&path, *year), ours, "year {year}");
    }
}

#[test]
fn hledger_accepts_fixture_and_agrees() {
    check_with_hledger(&fixture_ledger(), &[2016, 2017]);
}

#[test]
fn hledger_agrees_on_builtin_2016() {
    let budget = builtin::builtin_2016().unwrap();
    let (ledger, _) = post::to_ledger(&budget, None);
    check_with_hledger(&ledger, &[2016]);
    let r = report::report(
        &budget,
        None,
        &report::YearReportOptions::new(betagouv_funding::model::FiscalYear(2016)),
    );
    assert_eq!(r.total.amount().to_string(), "2084035.00");
}

#[test]
fn hledger_agrees_on_synthetic() {
    let ledger = betagouv_funding::synthetic::ledger(2_000, 7);
    check_with_hledger(&ledger, &[2014, 2015, 2016]);
}

/// The commitments journal (AE) of the fixture with an order closed unpaid in its
/// year and AE carried over into 2017: hledger accepts it and agrees on the balances.
#[test]
fn hledger_accepts_the_commitments_journal_and_agrees() {
    let text = format!(
        "{FIXTURE}\n[[orders]]\nid = \"BC-2016-003\"\ncontract = \"ac-2015\"\nline = \"p129\"\nissued_on = 2016-06-01\nclosed_on = 2016-10-31\nlines = [{{ profile = \"developer\", days = \"2\", daily_rate_net = \"500.00\" }}]\n\n[[credits]]\nline = \"p129\"\nyear = 2017\nae_initial = \"100000.00\"\ncp_initial = \"100000.00\"\nae_carried_over_in = \"1000.00\"\n"
    );
    let budget = parse_budget(&text, Path::new("fixture.toml")).unwrap();
    let diags = check::check(&budget, Some(&portfolio_2016()));
    assert!(
        diags
            .iter()
            .all(|d| d.severity != betagouv_portfolio::Severity::Error),
        "{diags:?}"
    );
    let (ledger, problems) = betagouv_funding::commitments::to_commitments_ledger(&budget);
    assert!(problems.is_empty(), "{problems:?}");
    let journal = to_journal(&ledger);
    assert!(
        journal.contains("account assets:ae:p129:2016\n"),
        "{journal}"
    );
    assert!(
        journal.contains("2016-10-31 * Release of BC-2016-003 at closing\n"),
        "{journal}"
    );
    assert!(
        !journal.contains("treasury"),
        "no cash in the commitments journal"
    );
    check_with_hledger(&ledger, &[2016, 2017]);
}
