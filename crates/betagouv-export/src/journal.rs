//! Plain-text accounting journal (hledger, also read by ledger) of a
//! [`betagouv_funding::ledger::Ledger`], with the account mapping of docs/budget.md (one balanced transaction per event).
//!
//! - one UTF-8 file, LF line endings, deterministic: transactions sorted by
//!   date then by stable id;
//! - header first: `commodity EUR` with an indented `format 1000.00 EUR` line,
//!   an `account` line for every account used, a `tag` line for every
//!   metadata key;
//! - `YYYY-MM-DD * description` (no `;` in descriptions), metadata as indented
//!   `; key: value` comment lines;
//! - every posting has an explicit amount with 2 decimals, `.` as decimal
//!   mark, no thousands separator, sign before the digits and the commodity
//!   after one space (`-12000.00 EUR`), aligned at least two spaces after the
//!   account; balance assertions as ` = 0.00 EUR` after the amount.
//!
//! Account names come from the ledger, which builds them from record ids with
//! [`betagouv_funding::ledger::account_segment`]: Unicode and case are kept
//! (`e-inspé`), `:` and `;` become `-`, white-space runs become one `-`, so a
//! name never has `:` inside a segment, two spaces or a tab. Amounts are whole
//! cents by construction ([`betagouv_funding::Money`]), and the ledger refused
//! any transaction that does not balance to the cent before it got here.
//!
//! ```
//! use betagouv_export::journal::to_journal;
//! use betagouv_funding::{builtin, post};
//!
//! let (ledger, _) = post::to_ledger(&builtin::builtin_2016()?, None);
//! let text = to_journal(&ledger);
//! assert!(text.starts_with("commodity EUR\n    format 1000.00 EUR\n"));
//! assert!(text.contains("    income:own-budget:credits  -932115.00 EUR\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;
use std::io;

use betagouv_funding::ledger::{Ledger, Transaction};

/// One line of text: control characters and `;` replaced, trimmed.
fn one_line(s: &str, also: &[char]) -> String {
    let t: String = s
        .chars()
        .map(|c| {
            if c.is_control() || also.contains(&c) {
                if c == ';' { ',' } else { ' ' }
            } else {
                c
            }
        })
        .collect();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn write_transaction(out: &mut String, t: &Transaction, commodity: &str) {
    let desc = one_line(&t.description, &[';']);
    let _ = writeln!(out, "{} * {}", t.date.format("%Y-%m-%d"), desc);
    for (k, v) in &t.tags {
        // A tag value ends at a comma in hledger: commas become spaces.
        let _ = writeln!(out, "    ; {k}: {}", one_line(v, &[',', ';']));
    }
    let width = t
        .postings
        .iter()
        .map(|p| p.account.as_str().chars().count())
        .max()
        .unwrap_or(0);
    let amount_width = t
        .postings
        .iter()
        .map(|p| p.amount.amount().to_string().len())
        .max()
        .unwrap_or(0);
    for p in &t.postings {
        let _ = write!(
            out,
            "    {:<width$}  {:>amount_width$} {commodity}",
            p.account.as_str(),
            p.amount.amount().to_string(),
        );
        if let Some(a) = &p.assertion {
            let _ = write!(out, " = {} {commodity}", a.amount());
        }
        out.push('\n');
    }
}

/// The journal text of `ledger`.
#[must_use]
pub fn to_journal(ledger: &Ledger) -> String {
    let commodity = ledger.currency().code();
    let mut out = String::new();
    let _ = writeln!(out, "commodity {commodity}");
    let _ = writeln!(out, "    format 1000.00 {commodity}");
    out.push('\n');
    for a in ledger.accounts() {
        let _ = writeln!(out, "account {a}");
    }
    let tags = ledger.tag_keys();
    if !tags.is_empty() {
        out.push('\n');
        for k in tags {
            let _ = writeln!(out, "tag {k}");
        }
    }
    for t in ledger.sorted() {
        out.push('\n');
        write_transaction(&mut out, t, commodity);
    }
    out
}

/// Writes the journal of `ledger` to `out`.
///
/// # Errors
/// The writer's I/O errors.
pub fn write_journal(ledger: &Ledger, mut out: impl io::Write) -> io::Result<()> {
    out.write_all(to_journal(ledger).as_bytes())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;
    use std::process::Command;

    use betagouv_funding::file::parse_budget;
    use betagouv_funding::model::FiscalYear;
    use betagouv_funding::{builtin, check, post, report};
    use betagouv_portfolio::builtin::portfolio_2016;
    use rust_decimal::Decimal;

    use super::*;

    /// A small budget with every kind of event: resources, an agreement with
    /// tranches, orders, partial deliveries, a payment of two deliveries, a
    /// start-up id with an accent and a supplier id with `:` and spaces.
    const FIXTURE: &str = include_str!("../../../tests/fixtures/budget/journal.toml");

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
}
