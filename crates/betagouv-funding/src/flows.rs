//! Derived amounts shared by checks, ledger and reports: delivery totals,
//! split of payments over deliveries, attribution of costs to phases.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};

use betagouv_portfolio::{PhaseRule, Portfolio, Stage, StartupId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

/// The stage a cost is attributed to: the stage of its start-up in the portfolio,
/// or [`Unphased`](CostStage::Unphased) when no start-up of the portfolio explains
/// it. Ordered, hashed and borrowed as its [key](CostStage::key) (a map keyed by
/// `CostStage` is looked up with the key: `by_stage["incubating"]`), the order the
/// reports list them in; JSON: the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// Closed, so exhaustive: a stage of the portfolio (which grows there) or none.
pub enum CostStage {
    /// The start-up's stage at the date.
    Stage(Stage),
    /// No start-up, or one the portfolio does not know: [`UNPHASED`].
    Unphased,
}

impl CostStage {
    /// Every value: the six stages in [`Stage::ALL`] order, then `unphased`.
    pub const ALL: [CostStage; 7] = [
        CostStage::Stage(Stage::Incubating),
        CostStage::Stage(Stage::InHandover),
        CostStage::Stage(Stage::TakenOver),
        CostStage::Stage(Stage::Stopped),
        CostStage::Stage(Stage::NotStarted),
        CostStage::Stage(Stage::Unknown),
        CostStage::Unphased,
    ];

    /// The stable key: the stage's key, or [`UNPHASED`].
    ///
    /// ```
    /// use betagouv_funding::flows::CostStage;
    /// use betagouv_portfolio::Stage;
    /// assert_eq!(CostStage::Stage(Stage::InHandover).key(), "in_handover");
    /// assert_eq!(CostStage::Unphased.key(), "unphased");
    /// ```
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            CostStage::Stage(s) => s.key(),
            CostStage::Unphased => UNPHASED,
        }
    }

    /// The stage, when a start-up of the portfolio explains the cost.
    #[must_use]
    pub fn stage(self) -> Option<Stage> {
        match self {
            CostStage::Stage(s) => Some(s),
            CostStage::Unphased => None,
        }
    }
}

impl Ord for CostStage {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(other.key())
    }
}

impl PartialOrd for CostStage {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for CostStage {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl Borrow<str> for CostStage {
    fn borrow(&self) -> &str {
        self.key()
    }
}

impl fmt::Display for CostStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for CostStage {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for CostStage {
    /// From its [key](CostStage::key).
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let key = std::borrow::Cow::<str>::deserialize(d)?;
        CostStage::ALL
            .into_iter()
            .find(|c| c.key() == key)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown cost stage {key:?}")))
    }
}

/// Phase name and stage of `startup` at `date` (the portfolio's at-date rule),
/// or [`UNPHASED`] and [`CostStage::Unphased`] when the start-up is unknown or
/// no start-up is given. A known start-up with no phase started yet has phase
/// [`UNPHASED`] and stage [`Stage::NotStarted`].
#[must_use]
pub fn attribution(
    portfolio: Option<&Portfolio>,
    startup: Option<&StartupId>,
    date: NaiveDate,
) -> (String, CostStage) {
    let found = portfolio
        .zip(startup)
        .and_then(|(p, s)| Some((p, p.startup(s.as_str())?)));
    match found {
        None => (UNPHASED.to_owned(), CostStage::Unphased),
        Some((p, s)) => {
            let phase = s
                .phase_at(date, PhaseRule::AtDate)
                .map_or_else(|| UNPHASED.to_owned(), |ph| ph.name.clone());
            let stage = s.stage_at(date, p.vocabulary, PhaseRule::AtDate);
            (phase, CostStage::Stage(stage))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_stages_are_ordered_and_serialized_by_key() {
        let mut sorted = CostStage::ALL;
        sorted.sort();
        let keys: Vec<&str> = sorted.iter().map(|c| c.key()).collect();
        let mut by_key = keys.clone();
        by_key.sort_unstable();
        assert_eq!(keys, by_key);
        assert_eq!(keys.len(), 7);
        for c in CostStage::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.key());
            assert_eq!(c.to_string(), c.key());
            assert_eq!(c.stage().map_or(UNPHASED, Stage::key), c.key());
        }
        let map: std::collections::BTreeMap<CostStage, u8> =
            CostStage::ALL.iter().map(|c| (*c, 1)).collect();
        assert_eq!(map["not_started"], 1);
        assert!(!map.contains_key("partial"));
    }
}
