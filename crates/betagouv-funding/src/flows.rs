//! Derived amounts shared by checks, ledger and reports: delivery totals,
//! split of payments over deliveries, attribution of costs to phases.

use std::collections::HashMap;

use betagouv_portfolio::{PhaseRule, Portfolio};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::allocation::allocate;
use crate::error::Result;
use crate::model::{Budget, Delivery, Payment, PurchaseOrder};
use crate::money::{Money, Totals};

/// The key used for costs that no phase explains.
pub const UNPHASED: &str = "unphased";

/// Orders and deliveries of a budget by id (the first record with each id,
/// as [`Budget::order`] and [`Budget::delivery`] find), built once so that
/// each lookup is a hash look-up instead of a scan: checks, ledger and
/// reports stay linear in the number of records.
#[derive(Debug, Clone)]
pub struct Index<'a> {
    budget: &'a Budget,
    orders: HashMap<&'a str, &'a PurchaseOrder>,
    deliveries: HashMap<&'a str, &'a Delivery>,
}

impl<'a> Index<'a> {
    /// Indexes `budget`.
    #[must_use]
    pub fn new(budget: &'a Budget) -> Self {
        let mut orders = HashMap::with_capacity(budget.orders.len());
        for o in &budget.orders {
            orders.entry(o.id.as_str()).or_insert(o);
        }
        let mut deliveries = HashMap::with_capacity(budget.deliveries.len());
        for d in &budget.deliveries {
            deliveries.entry(d.id.as_str()).or_insert(d);
        }
        Self {
            budget,
            orders,
            deliveries,
        }
    }

    /// The budget.
    #[must_use]
    pub fn budget(&self) -> &'a Budget {
        self.budget
    }

    /// The order with id `id`.
    #[must_use]
    pub fn order(&self, id: &str) -> Option<&'a PurchaseOrder> {
        self.orders.get(id).copied()
    }

    /// The delivery with id `id`.
    #[must_use]
    pub fn delivery(&self, id: &str) -> Option<&'a Delivery> {
        self.deliveries.get(id).copied()
    }

    /// As [`delivery_totals`].
    ///
    /// # Errors
    /// Overflow.
    pub fn delivery_totals(
        &self,
        delivery: &Delivery,
    ) -> Result<Option<(Totals, &'a PurchaseOrder)>> {
        let Some(order) = self.order(&delivery.order) else {
            return Ok(None);
        };
        let t = Totals::of(&[delivery.amount_net], order.vat_rate, self.budget.currency)?;
        Ok(Some((t, order)))
    }

    /// As [`payment_parts`].
    ///
    /// # Errors
    /// Overflow.
    pub fn payment_parts(&self, payment: &Payment) -> Result<Vec<PaymentPart<'a>>> {
        let mut known = Vec::new();
        for id in &payment.deliveries {
            if let Some(d) = self.delivery(id)
                && let Some((t, o)) = self.delivery_totals(d)?
            {
                known.push((d, o, t.gross));
            }
        }
        split_payment(payment, known)
    }
}

/// Totals of a delivery at its order's VAT rate, with the order (`None` when
/// the order is unknown). Scans the orders: for many deliveries, use
/// [`Index::delivery_totals`].
///
/// # Errors
/// Overflow.
pub fn delivery_totals<'a>(
    budget: &'a Budget,
    delivery: &Delivery,
) -> Result<Option<(Totals, &'a PurchaseOrder)>> {
    let Some(order) = budget.order(&delivery.order) else {
        return Ok(None);
    };
    let t = Totals::of(&[delivery.amount_net], order.vat_rate, budget.currency)?;
    Ok(Some((t, order)))
}

/// A share of a payment attributed to one delivery.
#[derive(Debug, Clone, Copy)]
pub struct PaymentPart<'a> {
    /// The delivery.
    pub delivery: &'a Delivery,
    /// Its order.
    pub order: &'a PurchaseOrder,
    /// The share of the payment (gross).
    pub amount: Money,
}

/// Splits a payment over its known deliveries, by largest remainder weighted
/// by their gross amounts (equal weights when they are all zero). Empty when no
/// delivery is known. Scans the deliveries: for many payments, use
/// [`Index::payment_parts`].
///
/// # Errors
/// Overflow.
pub fn payment_parts<'a>(budget: &'a Budget, payment: &Payment) -> Result<Vec<PaymentPart<'a>>> {
    let mut known = Vec::new();
    for id in &payment.deliveries {
        if let Some(d) = budget.delivery(id)
            && let Some((t, o)) = delivery_totals(budget, d)?
        {
            known.push((d, o, t.gross));
        }
    }
    split_payment(payment, known)
}

/// Splits `payment` over its `known` deliveries (with their orders and gross
/// amounts) by largest remainder weighted by the gross amounts, equal weights when
/// they are all zero; empty when none is known.
fn split_payment<'a>(
    payment: &Payment,
    known: Vec<(&'a Delivery, &'a PurchaseOrder, Money)>,
) -> Result<Vec<PaymentPart<'a>>> {
    if known.is_empty() {
        return Ok(Vec::new());
    }
    let mut weights: Vec<Decimal> = known.iter().map(|(_, _, g)| g.amount().abs()).collect();
    if weights.iter().all(Decimal::is_zero) {
        weights = vec![Decimal::ONE; known.len()];
    }
    let shares = allocate(payment.amount_gross, &weights)?;
    Ok(known
        .into_iter()
        .zip(shares)
        .map(|((delivery, order, _), amount)| PaymentPart {
            delivery,
            order,
            amount,
        })
        .collect())
}

/// Phase name and stage key of `startup` at `date` (the portfolio's at-date
/// rule), or [`UNPHASED`] for both when the start-up is unknown or no start-up
/// is given. A known start-up with no phase started yet has phase
/// [`UNPHASED`] and stage `not_started`.
#[must_use]
pub fn attribution(
    portfolio: Option<&Portfolio>,
    startup: Option<&str>,
    date: NaiveDate,
) -> (String, &'static str) {
    let found = portfolio
        .zip(startup)
        .and_then(|(p, s)| Some((p, p.startup(s)?)));
    match found {
        None => (UNPHASED.to_owned(), UNPHASED),
        Some((p, s)) => {
            let phase = s
                .phase_at(date, PhaseRule::AtDate)
                .map_or_else(|| UNPHASED.to_owned(), |ph| ph.name.clone());
            let stage = s.stage_at(date, p.vocabulary, PhaseRule::AtDate);
            (phase, stage.key())
        }
    }
}
