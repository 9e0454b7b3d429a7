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
