//! The commitments journal of a [`Budget`]: its AE (autorisations d'engagement) as a
//! double-entry [`Ledger`], beside the payments journal of [`crate::post`]. A State
//! service books no cash for a commitment: what it moves are authorisations, opened
//! on a budget line for a year, consumed by an order, given back by closing it, and
//! carried over into the next year.
//!
//! | event | date | debit | credit |
//! |---|---|---|---|
//! | AE opened (initial + transfers in − out + fonds de concours) | 1 January | `assets:ae:<line>:<year>` | `equity:ae-opened:<line>` |
//! | AE opened during the year (dated credit movement in, fonds de concours or attribution de produits received, credit-transfer agreement) | its date | `assets:ae:<line>:<year>` | `equity:ae-opened:<line>` |
//! | AE cancelled during the year (dated credit movement out) | its date | `equity:ae-opened:<line>` | `assets:ae:<line>:<year>` |
//! | AE carried over from N | 1 January N+1 | `assets:ae:<line>:<N+1>` | `assets:ae:<line>:<N>` (`equity:ae-carried-over:<line>` when N has no credits recorded) |
//! | engagement (order issued, gross) | issue date | `expenses:commitments:<line>:<startup or shared>` | `assets:ae:<line>:<year issued>` |
//! | désengagement (order closed, unused AE) | closing date | `assets:ae:<line>:<year issued>` when closed in that year, else `equity:ae-cancelled:<line>` | `expenses:commitments:<line>:<startup or shared>` |
//!
//! So the balance of `assets:ae:<line>:<year>` is the AE the line has left in the
//! year (negative when overspent: `ae-exceeded`), and that of
//! `expenses:commitments:…` is what the orders still commit: paid plus restes à payer.
//! Zero movements are not booked; an order with no budget line cannot be booked
//! (`order-no-line`) and is skipped with a diagnostic. The orders of a délégation de
//! gestion are not in this journal: they engage the delegating programme's AE.
//!
//! ```
//! use betagouv_funding::commitments::to_commitments_ledger;
//! use betagouv_funding::model::{Budget, Credits, FiscalYear};
//! use betagouv_funding::Money;
//!
//! let eur = |c| Money::from_cents(c, betagouv_funding::Currency::Eur);
//! let mut budget = Budget::new();
//! budget.credits.push(Credits {
//!     line: "p129".into(),
//!     year: FiscalYear(2016),
//!     ae_initial: eur(1_000_000)?,
//!     cp_initial: eur(1_000_000)?,
//!     ae_carried_over_in: eur(0)?,
//!     cp_carried_over_in: eur(0)?,
//!     transfers_in: eur(0)?,
//!     transfers_out: eur(0)?,
//!     pooled_funds: eur(0)?,
//! });
//! let (ledger, problems) = to_commitments_ledger(&budget);
//! assert!(problems.is_empty());
//! assert_eq!(ledger.transactions()[0].description, "AE opened p129 2016");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;

use betagouv_portfolio::{Diagnostic, Severity};
use chrono::NaiveDate;

use crate::availability::{Opening, OpeningSource, Openings};
use crate::error::{Error, Result};
use crate::flows::Index;
use crate::ledger::{Account, Ledger, Posting, Transaction};
use crate::model::{Budget, FiscalYear, PurchaseOrder};
use crate::money::{Currency, Money};
use crate::year_change::{Release, releases};

fn account(top: &str, ids: &[&str]) -> Result<Account> {
    Account::from_segments(top, ids)
}

/// The AE account of `line` in `year`.
fn ae(line: &str, year: FiscalYear) -> Result<Account> {
    account("assets", &["ae", line, &year.to_string()])
}

/// A two-posting transaction moving `amount` from `credit` to `debit`.
fn movement(
    date: NaiveDate,
    id: String,
    desc: String,
    debit: Account,
    credit: Account,
    amount: Money,
) -> Transaction {
    Transaction::new(date, id, desc)
        .with(Posting::new(debit, amount))
        .with(Posting::new(credit, amount.negated()))
}

/// Builds the commitments ledger of `budget` (see the module docs). Records that
/// cannot be booked (no budget line, overflow) are skipped with a diagnostic;
/// [`crate::check::check`] reports the rule breaches themselves.
#[must_use]
pub fn to_commitments_ledger(budget: &Budget) -> (Ledger, Vec<Diagnostic>) {
    let mut txs = Vec::new();
    let mut diags = Vec::new();
    let mut skip = |what: String, e: &dyn std::fmt::Display| {
        diags.push(Diagnostic::new(
            Severity::Error,
            "not-booked",
            format!("{what}: not booked: {e}"),
        ));
    };
    let recorded: BTreeSet<(&str, FiscalYear)> = budget
        .credits
        .iter()
        .map(|c| (c.line.as_str(), c.year))
        .collect();
    for c in &budget.credits {
        let what = format!("credits {}/{}", c.line, c.year);
        let Some(jan1) = c.year.first_day() else {
            skip(what, &"unsupported year");
            continue;
        };
        match credits_txs(c, jan1, &recorded) {
            Ok(t) => txs.extend(t),
            Err(e) => skip(what, &e),
        }
    }
    for o in Openings::of(budget).iter() {
        match opening_tx(o, budget.currency) {
            Ok(t) => txs.extend(t),
            Err(e) => skip(format!("credits opened on {} on {}", o.line, o.date), &e),
        }
    }
    // Orders of a délégation de gestion engage the delegating programme's AE, not the
    // incubator's lines: not in this journal.
    let delegated = crate::availability::delegated_orders(budget);
    for o in budget
        .orders
        .iter()
        .filter(|o| !delegated.contains(o.id.as_str()))
    {
        let Some(line) = &o.line else {
            skip(format!("order {}", o.id), &"no budget line");
            continue;
        };
        match commitment_tx(o, line, budget.currency) {
            Ok(t) => txs.extend(t),
            Err(e) => skip(format!("order {}", o.id), &e),
        }
    }
    for r in releases(&Index::new(budget), None)
        .into_iter()
        .filter(|r| !delegated.contains(r.order.id.as_str()))
    {
        match release_tx(&r) {
            Ok(t) => txs.extend(t),
            Err(e) => skip(format!("order {}", r.order.id), &e),
        }
    }
    txs.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    crate::post::build_ledger(budget.currency, txs, None, diags)
}

/// The AE opened (or, negative, cancelled) on a line during the year by a dated
/// opening: a credit movement, a tranche received under a fonds de concours or an
/// attribution de produits, a credit-transfer agreement (none for zero AE).
///
/// # Errors
/// Overflow, or an account name the line id cannot make.
fn opening_tx(o: &Opening<'_>, currency: Currency) -> Result<Option<Transaction>> {
    if o.ae == 0 {
        return Ok(None);
    }
    let cents =
        i64::try_from(o.ae.unsigned_abs()).map_err(|_| Error::Overflow("AE opened in a year"))?;
    let amount = Money::from_cents(cents, currency)?;
    let (key, value, what) = match o.source {
        OpeningSource::Movement(id) => ("movement", id.to_owned(), format!("movement {id}")),
        OpeningSource::Receipt(a, i) => (
            "agreement",
            a.to_owned(),
            format!("tranche {} received under {a}", i + 1),
        ),
        OpeningSource::CreditTransfer(a) => ("agreement", a.to_owned(), format!("transfert {a}")),
    };
    let year = ae(o.line, FiscalYear::of(o.date))?;
    let opened = account("equity", &["ae-opened", o.line])?;
    let (verb, debit, credit) = if o.ae > 0 {
        ("opened", year, opened)
    } else {
        ("cancelled", opened, year)
    };
    let id = match o.source {
        OpeningSource::Receipt(a, i) => format!("ae-open:{}:{a}:{i}", o.line),
        _ => format!("ae-open:{}:{value}", o.line),
    };
    Ok(Some(
        movement(
            o.date,
            id,
            format!("AE {verb} {} by {what}", o.line),
            debit,
            credit,
            amount,
        )
        .tag("line", o.line.to_owned())
        .tag(key, value),
    ))
}

/// The engagement of an order on `line` (none for a zero gross).
///
/// # Errors
/// Overflow.
fn commitment_tx(o: &PurchaseOrder, line: &str, currency: Currency) -> Result<Option<Transaction>> {
    let gross = o.totals(currency)?.gross;
    if gross.is_zero() {
        return Ok(None);
    }
    let startup = o.startup.as_ref().map_or("shared", |s| s.as_str());
    Ok(Some(
        movement(
            o.issued_on,
            format!("ae-commit:{}", o.id),
            format!("Commitment {}", o.id),
            account("expenses", &["commitments", line, startup])?,
            ae(line, FiscalYear::of(o.issued_on))?,
            gross,
        )
        .tag("po", o.id.clone())
        .tag("line", line.to_owned()),
    ))
}

/// The désengagement of a closed order (none when nothing is released or the order
/// has no line, whose engagement was not booked either).
///
/// # Errors
/// Overflow.
fn release_tx(r: &Release<'_>) -> Result<Option<Transaction>> {
    let (Some(line), Some(closed)) = (&r.order.line, r.order.closed_on) else {
        return Ok(None);
    };
    if r.amount.is_zero() {
        return Ok(None);
    }
    let startup = r.order.startup.as_ref().map_or("shared", |s| s.as_str());
    let back = if r.reopens_ae {
        ae(line, FiscalYear::of(r.order.issued_on))?
    } else {
        account("equity", &["ae-cancelled", line])?
    };
    Ok(Some(
        movement(
            closed,
            format!("ae-release:{}", r.order.id),
            format!("Release of {} at closing", r.order.id),
            back,
            account("expenses", &["commitments", line, startup])?,
            r.amount,
        )
        .tag("po", r.order.id.clone())
        .tag("line", line.clone()),
    ))
}

/// The opening and carry-over transactions of one credits record.
fn credits_txs(
    c: &crate::model::Credits,
    jan1: NaiveDate,
    recorded: &BTreeSet<(&str, FiscalYear)>,
) -> Result<Vec<Transaction>> {
    let mut out = Vec::new();
    let opened = c
        .ae_initial
        .checked_add(c.transfers_in)?
        .checked_sub(c.transfers_out)?
        .checked_add(c.pooled_funds)?;
    let year = c.year.to_string();
    if !opened.is_zero() {
        out.push(
            movement(
                jan1,
                format!("ae-open:{}/{}", c.line, c.year),
                format!("AE opened {} {}", c.line, c.year),
                ae(&c.line, c.year)?,
                account("equity", &["ae-opened", &c.line])?,
                opened,
            )
            .tag("line", c.line.clone())
            .tag("year", year.clone()),
        );
    }
    if !c.ae_carried_over_in.is_zero() {
        let prev = c.year.0.checked_sub(1).map(FiscalYear);
        let from = match prev {
            Some(p) if recorded.contains(&(c.line.as_str(), p)) => ae(&c.line, p)?,
            _ => account("equity", &["ae-carried-over", &c.line])?,
        };
        let mut t = movement(
            jan1,
            format!("ae-carry:{}/{}", c.line, c.year),
            format!("AE carried over into {} {}", c.line, c.year),
            ae(&c.line, c.year)?,
            from,
            c.ae_carried_over_in,
        )
        .tag("line", c.line.clone())
        .tag("year", year);
        if let Some(p) = prev {
            t = t.tag("from-year", p.to_string());
        }
        out.push(t);
    }
    Ok(out)
}

#[cfg(test)]
#[cfg(feature = "toml")] // they read budget files
mod tests {
    use std::path::Path;

    use super::*;
    use crate::file::parse_budget;

    const FILE: &str = r#"
[[lines]]
id = "p129"
programme = "129"

[[credits]]
line = "p129"
year = 2016
ae_initial = "10000.00"
cp_initial = "10000.00"

[[credits]]
line = "p129"
year = 2017
ae_initial = "5000.00"
cp_initial = "5000.00"
ae_carried_over_in = "1000.00"

[[contracts]]
id = "ac"
holder = "h"
start = 2015-01-01

[[orders]]
id = "BC-1"
contract = "ac"
startup = "mes-aides"
line = "p129"
issued_on = 2016-02-01
closed_on = 2016-11-30
lines = [{ profile = "dev", days = 5, daily_rate_net = "500.00" }]

[[deliveries]]
id = "SF-1"
order = "BC-1"
period_start = 2016-02-01
period_end = 2016-02-29
amount_net = "1000.00"

[[payments]]
id = "PAY-1"
deliveries = ["SF-1"]
paid_on = 2016-03-10
amount_gross = "1200.00"
"#;

    /// The commitments ledger of the budget file `text`, booked without problems and
    /// balanced, and the balance of an account by name (cents, 0 when absent).
    fn booked(text: &str) -> (Ledger, impl Fn(&str) -> i64) {
        let b = parse_budget(text, Path::new("b.toml")).unwrap();
        let (ledger, problems) = to_commitments_ledger(&b);
        assert!(problems.is_empty(), "{problems:?}");
        let bal = ledger.balances(None, None);
        assert_eq!(bal.values().map(Money::cents).sum::<i64>(), 0);
        let get = move |a: &str| {
            bal.iter()
                .find(|(k, _)| k.as_str() == a)
                .map_or(0, |(_, m)| m.cents())
        };
        (ledger, get)
    }

    #[test]
    fn commitments_releases_and_carry_overs_conserve_ae() {
        let (ledger, get) = booked(FILE);
        // 10000 opened − 3000 engaged + 1800 released − 1000 carried out.
        assert_eq!(get("assets:ae:p129:2016"), 780_000);
        assert_eq!(get("assets:ae:p129:2017"), 600_000);
        // What the order still commits is what was paid.
        assert_eq!(get("expenses:commitments:p129:mes-aides"), 120_000);
        assert_eq!(get("equity:ae-opened:p129"), -1_500_000);
        let ids: Vec<&str> = ledger.sorted().iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "ae-open:p129/2016",
                "ae-commit:BC-1",
                "ae-release:BC-1",
                "ae-carry:p129/2017",
                "ae-open:p129/2017"
            ]
        );
    }

    #[test]
    fn credits_opened_during_the_year_are_booked_on_their_date() {
        let text = format!(
            "{FILE}\n[[organizations]]\nid = \"op\"\nname = \"Operator\"\nkind = \"state-operator\"\n\n[[agreements]]\nid = \"fdc\"\npartner = \"op\"\nline = \"p129\"\namount = \"2000.00\"\nsigned_on = 2016-01-10\ntranches = [{{ due_on = 2016-04-01, amount = \"2000.00\", received_on = 2016-04-05 }}]\n\n[[credit_movements]]\nid = \"vir-out\"\nline = \"p129\"\ndate = 2016-05-02\nkind = \"virement\"\ndirection = \"out\"\nae = \"150.00\"\ncp = \"0.00\"\n"
        );
        let (ledger, get) = booked(&text);
        // 7800.00 as before, + 2000.00 received − 150.00 moved out.
        assert_eq!(get("assets:ae:p129:2016"), 965_000);
        assert_eq!(get("equity:ae-opened:p129"), -1_685_000);
        let descs: Vec<(String, &str)> = ledger
            .sorted()
            .iter()
            .map(|t| (t.date.to_string(), t.description.as_str()))
            .filter(|(_, d)| d.contains(" by "))
            .collect();
        assert_eq!(
            descs,
            [
                (
                    "2016-04-05".to_owned(),
                    "AE opened p129 by tranche 1 received under fdc"
                ),
                (
                    "2016-05-02".to_owned(),
                    "AE cancelled p129 by movement vir-out"
                ),
            ]
        );
    }
}
