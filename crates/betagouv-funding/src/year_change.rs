//! The year change and the order's life: what an order leaves unused when it is
//! closed (désengagement), what a budget line has left at the end of a year, and
//! the rate of the CP carry-over cap in force for a year.
//!
//! - **Désengagement.** Closing an order ([`PurchaseOrder::closed_on`]) releases its
//!   unused AE: its gross (TTC) minus everything paid on it, never below zero. When
//!   the order is closed in the year it was issued, the release gives the AE back to
//!   that year's available AE on the order's line; closed in a later year, the order
//!   leaves the restes à payer but the AE of the year it was issued in are not
//!   reopened (the unused AE of a past year can only come back through a carry-over).
//! - **End of year.** Per budget line and year: AE left = AE available (the credits of
//!   the year plus those opened during it: dated movements, partner money received) −
//!   AE consumed (orders issued in the year, less the same-year releases); CP left = CP
//!   available − CP paid in the year. The AE and CP carried over into the next year
//!   ([`Credits::ae_carried_over_in`], [`Credits::cp_carried_over_in`]) cannot exceed
//!   them (LOLF art. 15 II: only credits *available* at the end of the year carry over).
//! - **The CP cap** (LOLF art. 15 II): [`cp_carry_over_cap_rate`]. The rate is a dated
//!   table, [`CP_CARRY_OVER_CAP_RATES`]: 3 % for every year from 2006 (the LOLF's
//!   first budget year). The organic law 2021-1836 left it at 3 % (the Senate's
//!   report on the finance bill for 2025 still gives 3 % of the initial credits); a
//!   later rate is one more row.
//! - **Titre 2 CP** (LOLF art. 15 II 1°): up to the carry-overs into 2022, titre 2 CP
//!   carried over are capped at 3 % of the titre 2 initial CP, apart from the other
//!   titres; since the organic law 2021-1836, staff credits carry over only as far
//!   as they were opened by fonds de concours ([`staff_cp_carry_over_banned`], from
//!   [`STAFF_CP_CARRY_OVER_BANNED_FROM`]).
//!
//! ```
//! use betagouv_funding::model::FiscalYear;
//! use betagouv_funding::year_change::cp_carry_over_cap_rate;
//! use rust_decimal::Decimal;
//! assert_eq!(cp_carry_over_cap_rate(FiscalYear(2016)), Decimal::new(3, 2));
//! ```

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::availability::Openings;
use crate::error::Result;
use crate::flows::Index;
use crate::model::{Credits, FiscalYear, PurchaseOrder};
use crate::money::Money;

/// The rate of the CP carry-over cap of LOLF art. 15 II, by the first fiscal year
/// (the year the credits are carried *out of*) it applies to, in percent; sorted.
pub const CP_CARRY_OVER_CAP_RATES: &[(FiscalYear, u32)] = &[(FiscalYear(2006), 3)];

/// The first year *into* which titre 2 (staff) CP can no longer be carried over,
/// except those opened by fonds de concours: LOLF art. 15 II 1° as rewritten by the
/// organic law 2021-1836 of 28 December 2021 (its version of the article is dated
/// 26 September 2022), so the carry-overs of 2022 credits into 2023 are the first
/// under it.
pub const STAFF_CP_CARRY_OVER_BANNED_FROM: FiscalYear = FiscalYear(2023);

/// Whether titre 2 CP carried *into* `year` are banned, fonds de concours apart
/// ([`STAFF_CP_CARRY_OVER_BANNED_FROM`]); before, they are capped like the others.
///
/// ```
/// use betagouv_funding::model::FiscalYear;
/// use betagouv_funding::year_change::staff_cp_carry_over_banned;
/// assert!(!staff_cp_carry_over_banned(FiscalYear(2022)));
/// assert!(staff_cp_carry_over_banned(FiscalYear(2023)));
/// ```
#[must_use]
pub fn staff_cp_carry_over_banned(year: FiscalYear) -> bool {
    year >= STAFF_CP_CARRY_OVER_BANNED_FROM
}

/// The cap rate on the CP carried out of `year` (`0.03` for 3 %): the last row of
/// [`CP_CARRY_OVER_CAP_RATES`] at or before `year`, the first row before the table.
#[must_use]
pub fn cp_carry_over_cap_rate(year: FiscalYear) -> Decimal {
    let mut pct = CP_CARRY_OVER_CAP_RATES.first().map_or(3, |r| r.1);
    for (from, rate) in CP_CARRY_OVER_CAP_RATES {
        if *from <= year {
            pct = *rate;
        }
    }
    Decimal::new(i64::from(pct), 2)
}

/// The AE an order leaves unused: its gross minus `paid`, never below zero (an
/// order paid a cent over its gross leaves nothing, and that cent is the
/// `payment-exceeds-delivery` error's business, not a negative reste à payer).
///
/// # Errors
/// Overflow.
pub fn unused_ae(order: &PurchaseOrder, paid: Money) -> Result<Money> {
    let gross = order.totals(paid.currency())?.gross;
    let left = gross.checked_sub(paid)?;
    Ok(if left.is_negative() {
        Money::zero(paid.currency())
    } else {
        left
    })
}

/// The gross paid on each order, over all dates (payments split per delivery).
/// Payments that cannot be split are left out (the checks report them).
#[must_use]
pub fn paid_by_order<'a>(index: &Index<'a>) -> BTreeMap<&'a str, Money> {
    paid_where(index, |_, _| true)
}

/// What was paid on each closed order up to its closing date (a payment after it is
/// a `date-order` error and releases nothing more).
fn paid_by_closing<'a>(index: &Index<'a>) -> BTreeMap<&'a str, Money> {
    paid_where(index, |paid_on, o| {
        o.closed_on.is_some_and(|c| paid_on <= c)
    })
}

/// The payment shares per order id that `keep` (payment date, order) keeps.
fn paid_where<'a>(
    index: &Index<'a>,
    keep: impl Fn(chrono::NaiveDate, &PurchaseOrder) -> bool,
) -> BTreeMap<&'a str, Money> {
    let b = index.budget();
    let mut paid: BTreeMap<&'a str, Money> = BTreeMap::new();
    for p in &b.payments {
        let Ok(parts) = index.payment_parts(p) else {
            continue;
        };
        for part in parts.into_iter().filter(|x| keep(p.paid_on, x.order)) {
            let slot = paid
                .entry(part.order.id.as_str())
                .or_insert_with(|| Money::zero(b.currency));
            if let Ok(s) = slot.checked_add(part.amount) {
                *slot = s;
            }
        }
    }
    paid
}

/// One désengagement: the order, the year it was closed in, the AE it releases,
/// and whether the release reopens AE (closed in the year it was issued).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release<'a> {
    /// The closed order.
    pub order: &'a PurchaseOrder,
    /// The fiscal year of its closing date.
    pub year: FiscalYear,
    /// Its unused AE ([`unused_ae`]).
    pub amount: Money,
    /// Whether the release gives the AE back to the year's available AE.
    pub reopens_ae: bool,
}

/// The releases of the closed orders closed before `end` (all of them with `None`),
/// in the order of the file. Orders whose amounts overflow are left out.
#[must_use]
pub fn releases<'a>(index: &Index<'a>, end: Option<chrono::NaiveDate>) -> Vec<Release<'a>> {
    let b = index.budget();
    let paid = paid_by_closing(index);
    b.orders
        .iter()
        .filter_map(|o| {
            let closed = o.closed_on.filter(|c| end.is_none_or(|e| *c < e))?;
            let p = paid
                .get(o.id.as_str())
                .copied()
                .unwrap_or_else(|| Money::zero(b.currency));
            let amount = unused_ae(o, p).ok()?;
            let year = FiscalYear::of(closed);
            Some(Release {
                order: o,
                year,
                amount,
                reopens_ae: year == FiscalYear::of(o.issued_on),
            })
        })
        .collect()
}

/// What a budget line has left at the end of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearEnd {
    /// AE available − AE consumed (net of same-year releases); negative when overspent.
    pub ae_left: Money,
    /// CP available − CP paid in the year; negative when overspent.
    pub cp_left: Money,
}

/// AE consumed (net of the same-year releases) and CP paid per (line, year).
#[must_use]
pub fn consumption<'a>(index: &Index<'a>) -> BTreeMap<(&'a str, FiscalYear), (Money, Money)> {
    let b = index.budget();
    let zero = Money::zero(b.currency);
    // Orders of a délégation de gestion consume the delegating programme's credits.
    let delegated = crate::availability::delegated_orders(b);
    let mut map: BTreeMap<(&'a str, FiscalYear), (Money, Money)> = BTreeMap::new();
    let mut add = |line: &'a str, year, ae: Money, cp: Money| {
        let slot = map.entry((line, year)).or_insert((zero, zero));
        if let (Ok(a), Ok(c)) = (slot.0.checked_add(ae), slot.1.checked_add(cp)) {
            *slot = (a, c);
        }
    };
    for o in b
        .orders
        .iter()
        .filter(|o| !delegated.contains(o.id.as_str()))
    {
        if let (Some(l), Ok(t)) = (&o.line, o.totals(b.currency)) {
            add(l.as_str(), FiscalYear::of(o.issued_on), t.gross, zero);
        }
    }
    for r in releases(index, None)
        .into_iter()
        .filter(|r| r.reopens_ae && !delegated.contains(r.order.id.as_str()))
    {
        if let Some(l) = &r.order.line {
            add(l.as_str(), r.year, r.amount.negated(), zero);
        }
    }
    for p in &b.payments {
        let Ok(parts) = index.payment_parts(p) else {
            continue;
        };
        for part in parts
            .into_iter()
            .filter(|x| !delegated.contains(x.order.id.as_str()))
        {
            if let Some(l) = &part.order.line {
                add(l.as_str(), FiscalYear::of(p.paid_on), zero, part.amount);
            }
        }
    }
    map
}

/// What `credits` leave at the end of their year, given the consumption of their
/// line and year (`(AE, CP)`, zero when absent): the AE and CP available over the
/// year ([`Openings::ae_available`]: the credits record plus the credits opened during
/// the year, dated movements and partner money received) minus what was consumed.
///
/// # Errors
/// Overflow.
pub fn year_end(
    credits: &Credits,
    consumed: Option<(Money, Money)>,
    openings: &Openings<'_>,
) -> Result<YearEnd> {
    let (ae, cp) = consumed.unwrap_or((
        Money::zero(credits.ae_initial.currency()),
        Money::zero(credits.cp_initial.currency()),
    ));
    Ok(YearEnd {
        ae_left: openings.ae_available(credits)?.checked_sub(ae)?,
        cp_left: openings.cp_available(credits)?.checked_sub(cp)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn the_cap_rate_is_three_percent_in_every_supported_year() {
        for y in [1900, 2005, 2006, 2016, 2023, 2026, 9999] {
            assert_eq!(cp_carry_over_cap_rate(FiscalYear(y)), Decimal::new(3, 2));
        }
        assert!(CP_CARRY_OVER_CAP_RATES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    fn order(closed: Option<&str>) -> PurchaseOrder {
        PurchaseOrder {
            id: "o".into(),
            contract: "c".into(),
            supplier: "s".into(),
            startup: None,
            line: Some("l".into()),
            agreement: None,
            issued_on: "2016-02-01".parse().unwrap(),
            lines: vec![crate::model::PoLine {
                profile: "dev".into(),
                days: Decimal::from(10),
                daily_rate_net: Money::from_cents(50_000, Currency::Eur).unwrap(),
            }],
            vat_rate: Decimal::new(20, 2),
            category: crate::model::Category::default(),
            closed_on: closed.map(|d| d.parse().unwrap()),
        }
    }

    #[test]
    fn unused_ae_is_gross_minus_paid_never_negative() {
        let o = order(None);
        let eur = |c| Money::from_cents(c, Currency::Eur).unwrap();
        assert_eq!(unused_ae(&o, eur(200_000)).unwrap(), eur(400_000));
        assert_eq!(unused_ae(&o, eur(600_001)).unwrap(), eur(0));
    }

    #[test]
    fn a_release_reopens_ae_only_in_the_year_of_the_order() {
        let mut b = crate::model::Budget::new();
        b.orders.push(order(Some("2016-12-01")));
        let mut later = order(Some("2017-01-15"));
        later.id = "o2".into();
        b.orders.push(later);
        let index = Index::new(&b);
        let r = releases(&index, None);
        assert_eq!(r.len(), 2);
        assert!(r[0].reopens_ae && !r[1].reopens_ae);
        assert_eq!(r[1].year, FiscalYear(2017));
        let end = "2017-01-01".parse().ok();
        assert_eq!(releases(&index, end).len(), 1);
        let c = consumption(&index);
        assert_eq!(c[&("l", FiscalYear(2016))].0.cents(), 600_000);
    }
}
