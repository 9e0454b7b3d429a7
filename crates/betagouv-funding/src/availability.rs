//! Credits that open during the year, by date: dated credit movements
//! (transferts and virements, LOLF art. 12), partner money received under a
//! fonds de concours or an attribution de produits (LOLF art. 17 II and III: AE
//! = CP open on receipt), and agreements of kind `credit-transfer` (a transfert
//! decree of the partner's credits, AE = CP, at its signing date).
//!
//! With the credits of the year ([`Credits::ae_available`], undated), they give
//! the AE and CP available on a line at any date. Orders funded under a
//! délégation de gestion are charged to the delegating ministry's programme,
//! not to the incubator's lines: [`delegated_orders`] lists them so that the
//! checks and reports leave them out of the incubator's credits.
//!
//! Sums are in whole cents (`i128`): exact, and they cannot overflow.
//!
//! ```
//! use betagouv_funding::availability::{Openings, format_cents};
//! use betagouv_funding::model::{Budget, FiscalYear};
//! let b = Budget::new();
//! let o = Openings::of(&b);
//! let day = betagouv_funding::chrono::NaiveDate::from_ymd_opt(2016, 3, 1).ok_or("date")?;
//! assert_eq!(o.ae_at("p129", day), 0);
//! assert_eq!(o.cp_at("p129", day), 0);
//! assert_eq!(o.year_totals("p129", FiscalYear(2016)), (0, 0));
//! assert_eq!(format_cents(-5, b.currency), "-0.05 EUR");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::model::{AgreementKind, Budget, Credits, FiscalYear, PurchaseOrder};
use crate::money::{Currency, Money};

/// Where credits opened during the year come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum OpeningSource<'a> {
    /// A dated [`crate::model::CreditMovement`] (its id).
    Movement(&'a str),
    /// A tranche received under a fonds de concours or an attribution de
    /// produits (agreement id, tranche index from 0).
    Receipt(&'a str, usize),
    /// An agreement of kind `credit-transfer` (its id), at its signing date.
    CreditTransfer(&'a str),
}

/// Credits opened (or, negative, cancelled) on a line at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening<'a> {
    /// Budget line id.
    pub line: &'a str,
    /// Date the credits count from.
    pub date: NaiveDate,
    /// AE added, in cents (negative for a movement out).
    pub ae: i128,
    /// CP added, in cents.
    pub cp: i128,
    /// Where they come from.
    pub source: OpeningSource<'a>,
}

/// The dated openings of a budget, per line, sorted by date.
#[derive(Debug, Clone, Default)]
pub struct Openings<'a> {
    by_line: BTreeMap<&'a str, Vec<Opening<'a>>>,
    /// The orders of a délégation de gestion ([`delegated_orders`]).
    delegated: HashSet<&'a str>,
}

impl<'a> Openings<'a> {
    /// The openings of `budget`. The money of an agreement opens on its `line`;
    /// when it names none, on the line of each order it funds (once per line).
    #[must_use]
    pub fn of(budget: &'a Budget) -> Self {
        let lines = agreement_lines(budget);
        let mut by_line: BTreeMap<&'a str, Vec<Opening<'a>>> = BTreeMap::new();
        for m in &budget.credit_movements {
            by_line.entry(m.line.as_str()).or_default().push(Opening {
                line: m.line.as_str(),
                date: m.date,
                ae: i128::from(m.ae_signed().cents()),
                cp: i128::from(m.cp_signed().cents()),
                source: OpeningSource::Movement(m.id.as_str()),
            });
        }
        for a in &budget.agreements {
            let Some(on) = lines.get(a.id.as_str()) else {
                continue;
            };
            let mut add = |date: NaiveDate, cents: i128, source: OpeningSource<'a>| {
                for &l in on {
                    by_line.entry(l).or_default().push(Opening {
                        line: l,
                        date,
                        ae: cents,
                        cp: cents,
                        source,
                    });
                }
            };
            if a.kind.opens_on_receipt() {
                for (i, d, m) in a.receipts() {
                    let source = OpeningSource::Receipt(a.id.as_str(), i);
                    add(d, i128::from(m.cents()), source);
                }
            } else if a.kind == AgreementKind::CreditTransfer {
                let cents = i128::from(a.amount.cents());
                add(
                    a.signed_on,
                    cents,
                    OpeningSource::CreditTransfer(a.id.as_str()),
                );
            }
        }
        for v in by_line.values_mut() {
            v.sort_by(|x, y| (x.date, x.source).cmp(&(y.date, y.source)));
        }
        Self {
            by_line,
            delegated: delegated_orders(budget),
        }
    }

    /// Whether the order `id` is funded by a délégation de gestion: it uses the
    /// delegating programme's credits, not the incubator's.
    #[must_use]
    pub fn is_delegated(&self, id: &str) -> bool {
        self.delegated.contains(id)
    }

    /// Every opening, line by line (sorted by line id), each line's by date.
    pub fn iter(&self) -> impl Iterator<Item = &Opening<'a>> + '_ {
        self.by_line.values().flatten()
    }

    /// The openings of `line`, by date.
    #[must_use]
    pub fn of_line(&self, line: &str) -> &[Opening<'a>] {
        self.by_line.get(line).map_or(&[], Vec::as_slice)
    }

    /// AE opened on `line` in the fiscal year of `date`, up to `date` included.
    #[must_use]
    pub fn ae_at(&self, line: &str, date: NaiveDate) -> i128 {
        self.up_to(line, date).map(|o| o.ae).sum()
    }

    /// CP opened on `line` in the fiscal year of `date`, up to `date` included.
    #[must_use]
    pub fn cp_at(&self, line: &str, date: NaiveDate) -> i128 {
        self.up_to(line, date).map(|o| o.cp).sum()
    }

    /// The openings of `line` in the fiscal year of `date`, up to `date` included.
    fn up_to(&self, line: &str, date: NaiveDate) -> impl Iterator<Item = &Opening<'a>> + '_ {
        let year = FiscalYear::of(date);
        self.of_line(line)
            .iter()
            .filter(move |o| o.date <= date && FiscalYear::of(o.date) == year)
    }

    /// The AE available on the line and year of `credits` over the whole year: its
    /// [`Credits::ae_available`] plus the AE opened during the year.
    ///
    /// # Errors
    /// Overflow or currency mismatch.
    pub fn ae_available(&self, credits: &Credits) -> Result<Money> {
        let (ae, _) = self.year_totals(&credits.line, credits.year);
        plus_cents(credits.ae_available()?, ae)
    }

    /// The CP available on the line and year of `credits` over the whole year: its
    /// [`Credits::cp_available`] plus the CP opened during the year.
    ///
    /// # Errors
    /// Overflow or currency mismatch.
    pub fn cp_available(&self, credits: &Credits) -> Result<Money> {
        let (_, cp) = self.year_totals(&credits.line, credits.year);
        plus_cents(credits.cp_available()?, cp)
    }

    /// AE and CP opened on `line` over the whole of `year`.
    #[must_use]
    pub fn year_totals(&self, line: &str, year: FiscalYear) -> (i128, i128) {
        self.of_line(line)
            .iter()
            .filter(|o| year.contains(o.date))
            .fold((0, 0), |(ae, cp), o| (ae + o.ae, cp + o.cp))
    }
}

/// The cap on virements (LOLF art. 12 I), in percent: the credits moved by the
/// virements of a year, cumulated, cannot exceed this share of the credits opened by
/// the finance law of the year on each programme concerned, nor of those opened on its
/// titre 2 (staff). Only a finance law can go beyond it. Transferts (art. 12 II) have
/// no such cap.
pub const VIREMENT_CAP_PERCENT: u32 = 2;

/// The lines each agreement's credits open on: its `line`, else the lines of the
/// orders it funds (orders of a délégation de gestion excepted: it opens nothing).
#[must_use]
pub fn agreement_lines(budget: &Budget) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut named: HashSet<&str> = HashSet::new();
    for a in &budget.agreements {
        if !a.kind.is_income() {
            continue;
        }
        if let Some(l) = &a.line {
            named.insert(a.id.as_str());
            out.entry(a.id.as_str()).or_default().insert(l.as_str());
        }
    }
    let income: HashSet<&str> = budget
        .agreements
        .iter()
        .filter(|a| a.kind.is_income())
        .map(|a| a.id.as_str())
        .collect();
    for o in &budget.orders {
        if let (Some(a), Some(l)) = (&o.agreement, &o.line)
            && income.contains(a.as_str())
            && !named.contains(a.as_str())
        {
            out.entry(a.as_str()).or_default().insert(l.as_str());
        }
    }
    out
}

/// Ids of the orders funded by a délégation de gestion: charged to the
/// delegating ministry's programme, not to the incubator's credits.
#[must_use]
pub fn delegated_orders(budget: &Budget) -> HashSet<&str> {
    let delegated: HashSet<&str> = budget
        .agreements
        .iter()
        .filter(|a| a.kind == AgreementKind::DelegatedManagement)
        .map(|a| a.id.as_str())
        .collect();
    budget
        .orders
        .iter()
        .filter(|o| {
            o.agreement
                .as_deref()
                .is_some_and(|a| delegated.contains(a))
        })
        .map(|o| o.id.as_str())
        .collect()
}

/// The délégation de gestion (agreement id) the order `o` is charged to, when it is
/// one of `delegated` ([`delegated_orders`]).
pub(crate) fn delegation<'o>(delegated: &HashSet<&str>, o: &'o PurchaseOrder) -> Option<&'o str> {
    o.agreement
        .as_deref()
        .filter(|_| delegated.contains(o.id.as_str()))
}

/// `m + cents`, within the range of [`Money`].
fn plus_cents(m: Money, cents: i128) -> Result<Money> {
    let c = i64::try_from(cents).map_err(|_| Error::Overflow("credits opened during the year"))?;
    m.checked_add(Money::from_cents(c, m.currency())?)
}

/// `cents` written as an amount with its currency (`-0.05 EUR`), for messages.
#[must_use]
pub fn format_cents(cents: i128, currency: Currency) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let a = cents.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", a / 100, a % 100)
}
