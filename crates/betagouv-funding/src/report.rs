//! Reports: resources by fiscal year and source, partner share, costs per
//! start-up, phase and stage, burn rate and runway, AE/CP consumption, and
//! the consumption of each order and agreement; claims checked against them
//! (with [`crate::claims`]).
//!
//! Resources come from the ledger's income accounts (reports are functions of
//! the ledger, so the exported journal gives the same totals); costs come from
//! payments (gross, by payment date) attributed to the phase at the end of the
//! delivery period they pay.
//!
//! The orders of a délégation de gestion are charged to the delegating ministry's
//! programme: every spending figure of the incubator (`spending`, `by_startup`,
//! `by_stage`, `by_phase`, `shared`, `costs`, `burn`, `orders`, `credits`) leaves
//! them out, and [`YearReport::delegated`] reports them apart.

use std::collections::{BTreeMap, HashSet};

use betagouv_portfolio::Portfolio;
use betagouv_portfolio::StartupId;
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::availability::{Openings, delegated_orders, delegation};
use crate::check::check;
use crate::claims::{self, ResourceFigures, ResourceProof};
pub use crate::claims::{ClaimCheck, Verdict};
use crate::flows::{CostStage, Index, PaymentPart, attribution};
use crate::ledger::Ledger;
use crate::model::{AgreementKind, Budget, FiscalYear, PurchaseOrder};
use crate::money::{Currency, Money, amount, round_cents, round_ratio};
use crate::post::to_ledger;

/// Knobs of [`report`]: the fiscal year, and the burn-rate window.
///
/// ```
/// use betagouv_funding::model::FiscalYear;
/// use betagouv_funding::report::YearReportOptions;
/// let options = YearReportOptions::new(FiscalYear(2016)).with_burn_months(6);
/// assert_eq!((options.year, options.burn_months, options.as_of), (FiscalYear(2016), 6, None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct YearReportOptions {
    /// The fiscal year.
    pub year: FiscalYear,
    /// Date of the burn-rate window end; 31 December of the year when `None`.
    pub as_of: Option<NaiveDate>,
    /// Full months in the burn-rate window (at least 1).
    pub burn_months: u32,
}

impl YearReportOptions {
    /// Options for `year` with a 3-month burn window ending 31 December.
    #[must_use]
    pub fn new(year: FiscalYear) -> Self {
        Self {
            year,
            as_of: None,
            burn_months: 3,
        }
    }

    /// The same options for `year`.
    #[must_use]
    pub fn with_year(mut self, year: FiscalYear) -> Self {
        self.year = year;
        self
    }

    /// The same options with the burn-rate window ending at `as_of`.
    #[must_use]
    pub fn with_as_of(mut self, as_of: Option<NaiveDate>) -> Self {
        self.as_of = as_of;
        self
    }

    /// The same options with a burn-rate window of `burn_months` full months.
    #[must_use]
    pub fn with_burn_months(mut self, burn_months: u32) -> Self {
        self.burn_months = burn_months;
        self
    }
}

/// Resources of the year by source. Amounts in the [`YearReport`]'s currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BySource {
    /// The incubator's own credits.
    #[serde(with = "amount")]
    pub incubator: Money,
    /// Partner administrations.
    #[serde(with = "amount")]
    pub partners: Money,
}

/// Spending of the year (gross) on the incubator's own orders: the orders of a
/// délégation de gestion are in [`YearReport::delegated`] instead. Amounts in the
/// [`YearReport`]'s currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spending {
    /// Orders issued in the year (AE engaged).
    #[serde(with = "amount")]
    pub engaged: Money,
    /// Service fait with a period ending in the year.
    #[serde(with = "amount")]
    pub delivered: Money,
    /// Payments made in the year (CP consumed).
    #[serde(with = "amount")]
    pub paid: Money,
    /// Orders of any year not yet paid at 31 December (restes à payer): open orders'
    /// total − paid, never negative; closed orders count for nothing.
    #[serde(with = "amount")]
    pub outstanding: Money,
}

/// Cost of one start-up in one phase and category (service fait of the year).
/// Amounts in the [`YearReport`]'s currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostLine {
    /// The start-up; `None` when the order names none (JSON [`SHARED`]).
    #[serde(with = "startup_or_shared")]
    pub startup: Option<StartupId>,
    /// Phase at the end of the delivery period, or `unphased`.
    pub phase: String,
    /// The stage of that phase (see [`attribution`]). Not in the JSON: read back
    /// as [`CostStage::Unphased`].
    #[serde(skip, default = "unphased")]
    pub stage: CostStage,
    /// Category.
    pub category: String,
    /// Excluding VAT.
    #[serde(with = "amount")]
    pub net: Money,
    /// Including VAT.
    #[serde(with = "amount")]
    pub gross: Money,
}

fn unphased() -> CostStage {
    CostStage::Unphased
}

/// The JSON name of the costs of orders naming no start-up (`shared`, also their
/// account segment).
pub const SHARED: &str = "shared";

/// Serde of an optional start-up as its id, or [`SHARED`] for none.
mod startup_or_shared {
    use betagouv_portfolio::StartupId;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::SHARED;

    pub(super) fn serialize<S: Serializer>(v: &Option<StartupId>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.as_ref().map_or(SHARED, StartupId::as_str))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<StartupId>, D::Error> {
        let text = String::deserialize(d)?;
        if text == SHARED {
            return Ok(None);
        }
        StartupId::new(text)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}

/// Serde of a map of amounts as bare amounts (the currency is the report's).
mod amount_map {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::money::Money;

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Bare(#[serde(with = "crate::money::amount")] Money);

    pub(super) fn serialize<K: Serialize + Ord, S: Serializer>(
        map: &BTreeMap<K, Money>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(map.iter().map(|(k, m)| (k, Bare(*m))))
    }

    pub(super) fn deserialize<'de, K: Deserialize<'de> + Ord, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<K, Money>, D::Error> {
        let bare = BTreeMap::<K, Bare>::deserialize(d)?;
        Ok(bare.into_iter().map(|(k, m)| (k, m.0)).collect())
    }
}

/// AE/CP of one budget line in the year. Amounts in the [`YearReport`]'s currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditUse {
    /// Budget line id.
    pub line: String,
    /// AE available.
    #[serde(with = "amount")]
    pub ae_available: Money,
    /// AE consumed (orders issued).
    #[serde(with = "amount")]
    pub ae_consumed: Money,
    /// AE consumed / available, 4 decimals; `None` when nothing is available.
    pub ae_rate: Option<Decimal>,
    /// CP available.
    #[serde(with = "amount")]
    pub cp_available: Money,
    /// CP consumed (payments).
    #[serde(with = "amount")]
    pub cp_consumed: Money,
    /// CP consumed / available, 4 decimals.
    pub cp_rate: Option<Decimal>,
}

/// Consumption of one purchase order (all years up to the report's end).
/// Amounts in the [`YearReport`]'s currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderUse {
    /// Order id.
    pub id: String,
    /// Start-up.
    pub startup: Option<StartupId>,
    /// Gross amount (AE engaged).
    #[serde(with = "amount")]
    pub total: Money,
    /// Service fait (gross).
    #[serde(with = "amount")]
    pub delivered: Money,
    /// Paid (gross).
    #[serde(with = "amount")]
    pub paid: Money,
    /// Left to pay (restes à payer): total − paid − released, never negative; zero
    /// once the order is closed.
    #[serde(with = "amount")]
    pub remaining: Money,
    /// Closed by the report's end.
    pub closed: bool,
    /// AE released by closing the order by the report's end (désengagement: total −
    /// what was paid up to the closing, never negative); zero while it is open.
    #[serde(with = "amount")]
    pub released: Money,
}

/// Consumption of one agreement (all years up to the report's end).
/// Amounts in the [`YearReport`]'s currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementUse {
    /// Agreement id.
    pub id: String,
    /// Partner id.
    pub partner: String,
    /// Amount.
    #[serde(with = "amount")]
    pub amount: Money,
    /// Received.
    #[serde(with = "amount")]
    pub received: Money,
    /// Orders funded by it (gross).
    #[serde(with = "amount")]
    pub engaged: Money,
    /// Payments on those orders.
    #[serde(with = "amount")]
    pub paid: Money,
    /// Left to commit: amount − engaged.
    #[serde(with = "amount")]
    pub remaining: Money,
    /// Engagement deadline.
    pub deadline: Option<NaiveDate>,
}

/// Orders of one délégation de gestion: charged to the delegating ministry's
/// programme, reported apart from the incubator's own credits and spending (and
/// never in its resources). Amounts in the [`YearReport`]'s currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegatedUse {
    /// Agreement id.
    pub agreement: String,
    /// The delegating partner's id.
    pub partner: String,
    /// Amount delegated (the agreement's amount).
    #[serde(with = "amount")]
    pub amount: Money,
    /// Orders under it issued in the year (AE of the delegating programme).
    #[serde(with = "amount")]
    pub engaged: Money,
    /// Service fait of the year on those orders (gross, period ending in the year).
    #[serde(with = "amount")]
    pub delivered: Money,
    /// Payments of the year on those orders (CP of the delegating programme).
    #[serde(with = "amount")]
    pub paid: Money,
    /// Restes à payer at the year's end on its orders of any year: as
    /// [`OrderUse::remaining`] (total − paid, never negative; zero once closed).
    #[serde(with = "amount")]
    pub remaining: Money,
    /// Ids of its orders issued by the year's end, in the budget's order.
    pub orders: Vec<String>,
}

/// Burn rate and runway. Amounts in the [`YearReport`]'s currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Burn {
    /// Window: full months ending at `window_end` (exclusive).
    pub months: u32,
    /// First day of the window.
    pub window_start: NaiveDate,
    /// Day after the window.
    pub window_end: NaiveDate,
    /// Gross payments in the window / months, rounded to the cent.
    #[serde(with = "amount")]
    pub monthly: Money,
    /// What `available` means ([`AVAILABLE_BASIS`]).
    pub available_basis: String,
    /// Resources of the year minus payments of the year up to the window end.
    #[serde(with = "amount")]
    pub available: Money,
    /// `available / monthly`, 2 decimals; `None` when the burn is zero.
    pub runway_months: Option<Decimal>,
}

/// What [`Burn::available`] means.
pub const AVAILABLE_BASIS: &str = "resources of the year minus gross payments of the year";

/// What the spending figures of a [`YearReport`] rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SpendingEvidence {
    /// Payments are recorded for the year (`spending-records`).
    SpendingRecords,
    /// No payment is recorded for the year: resources only (`resources-only`).
    ResourcesOnly,
}

impl SpendingEvidence {
    /// The stable key, also the JSON spelling: `spending-records`, `resources-only`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            SpendingEvidence::SpendingRecords => "spending-records",
            SpendingEvidence::ResourcesOnly => "resources-only",
        }
    }
}

impl std::fmt::Display for SpendingEvidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// Version of the JSON contract of [`YearReport`] (its `schema_version` key).
///
/// 3: `delegated`, the orders of each délégation de gestion apart from the
/// incubator's credits and spending (`amount`, `engaged`, `delivered`, `paid`,
/// `remaining`, `orders`): they are left out of `spending`, `by_startup`,
/// `by_stage`, `by_phase`, `shared`, `costs`, `burn` and `orders`; partner money
/// of a fonds de concours or an attribution de produits counts in the year
/// received; a délégation de gestion is no resource;
/// `orders[].released` (the AE released by closing the order); an order's
/// `remaining` and `spending.outstanding` (restes à payer) count nothing for a
/// closed order and are never negative; `credits[].ae_consumed` is net of the
/// AE released by orders issued and closed in the year.
///
/// 2: claims carry a `verdict` (`matches`, `differs`, `consistent`,
/// `not_computable`, as [`Verdict::key`]) instead of a `status` (`consistent`
/// for equal, `differs`, `not-computable`). Outputs without `schema_version`
/// are version 1.
pub const SCHEMA_VERSION: u32 = 3;

/// Everything [`report`] computes for one fiscal year. JSON keys are a contract
/// (version [`SCHEMA_VERSION`]).
///
/// Amounts are written bare (`"2084035.00"`) in the one `currency` of the
/// report, and read back in that currency (never assumed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct YearReport {
    /// The JSON contract's version: [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The fiscal year.
    pub year: FiscalYear,
    /// Currency of every amount.
    pub currency: Currency,
    /// Resources of the year (gross).
    #[serde(with = "amount")]
    pub total: Money,
    /// Resources by source.
    pub by_source: BySource,
    /// Partner resources by partner account segment (`unspecified` when not known).
    #[serde(with = "amount_map")]
    pub by_partner: BTreeMap<String, Money>,
    /// Partners / total, 4 decimals; `None` when the total is zero.
    pub partner_share: Option<Decimal>,
    /// Gross payments of the year by start-up (like every spending figure below,
    /// the orders of a délégation de gestion excepted: see `delegated`).
    #[serde(with = "amount_map")]
    pub by_startup: BTreeMap<StartupId, Money>,
    /// Gross payments of the year by stage at the delivery date: every
    /// [`CostStage`] (the six stages and `unphased`), in key order.
    #[serde(with = "amount_map")]
    pub by_stage: BTreeMap<CostStage, Money>,
    /// Gross payments of the year by phase name (and `unphased`).
    #[serde(with = "amount_map")]
    pub by_phase: BTreeMap<String, Money>,
    /// Gross payments of the year on orders naming no start-up.
    #[serde(with = "amount")]
    pub shared: Money,
    /// Service fait of the year by start-up, phase and category.
    pub costs: Vec<CostLine>,
    /// Spending of the year.
    pub spending: Spending,
    /// AE/CP per budget line.
    pub credits: Vec<CreditUse>,
    /// The incubator's orders issued by the year's end (those of a délégation de
    /// gestion are in `delegated`).
    pub orders: Vec<OrderUse>,
    /// Agreements.
    pub agreements: Vec<AgreementUse>,
    /// Burn rate and runway.
    pub burn: Burn,
    /// `spending-records` when payments exist for the year, else `resources-only`.
    pub evidence: SpendingEvidence,
    /// Published claims of the year checked against the records.
    pub claims: Vec<ClaimCheck>,
    /// Orders under each délégation de gestion signed by the year's end (or with
    /// orders by then), apart from the incubator's credits and spending (version 3).
    #[serde(default)]
    pub delegated: Vec<DelegatedUse>,
    /// Errors and warnings found by [`check`], and the one below.
    pub problems: betagouv_portfolio::ProblemCounts,
    /// The `sums-out-of-range` error of the ledger ([`crate::post::SUMS_OUT_OF_RANGE`])
    /// when its debits add up past what a sum of money holds: the amounts of this
    /// report are then not exact and must not be shown. Not in the JSON.
    #[serde(skip)]
    pub sums_out_of_range: Option<betagouv_portfolio::Diagnostic>,
}

impl Serialize for YearReport {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        YearReport::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for YearReport {
    /// The report, every amount in its `currency`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let mut r = YearReport::deserialize(d)?;
        r.set_currency();
        Ok(r)
    }
}

impl YearReport {
    /// Puts every amount in [`YearReport::currency`] (amounts are read bare).
    fn set_currency(&mut self) {
        let c = self.currency;
        let all = [
            &mut self.total,
            &mut self.shared,
            &mut self.by_source.incubator,
            &mut self.by_source.partners,
            &mut self.spending.engaged,
            &mut self.spending.delivered,
            &mut self.spending.paid,
            &mut self.spending.outstanding,
            &mut self.burn.monthly,
            &mut self.burn.available,
        ];
        let maps = self
            .by_partner
            .values_mut()
            .chain(self.by_startup.values_mut())
            .chain(self.by_stage.values_mut())
            .chain(self.by_phase.values_mut());
        let costs = self
            .costs
            .iter_mut()
            .flat_map(|l| [&mut l.net, &mut l.gross]);
        let credits = self.credits.iter_mut().flat_map(|u| {
            [
                &mut u.ae_available,
                &mut u.ae_consumed,
                &mut u.cp_available,
                &mut u.cp_consumed,
            ]
        });
        let orders = self.orders.iter_mut().flat_map(|o| {
            [
                &mut o.total,
                &mut o.delivered,
                &mut o.paid,
                &mut o.remaining,
            ]
        });
        let agreements = self.agreements.iter_mut().flat_map(|a| {
            [
                &mut a.amount,
                &mut a.received,
                &mut a.engaged,
                &mut a.paid,
                &mut a.remaining,
            ]
        });
        let delegated = self.delegated.iter_mut().flat_map(|d| {
            [
                &mut d.amount,
                &mut d.engaged,
                &mut d.delivered,
                &mut d.paid,
                &mut d.remaining,
            ]
        });
        for m in all
            .into_iter()
            .chain(delegated)
            .chain(maps)
            .chain(costs)
            .chain(credits)
            .chain(orders)
            .chain(agreements)
        {
            *m = m.in_currency(c);
        }
    }
}

struct Acc {
    currency: Currency,
}

impl Acc {
    /// Adds `m` to `slot`, saturating the impossible overflow into a no-op
    /// (amounts are bounded and [`check`] reports overflows).
    fn add(&self, slot: &mut Money, m: Money) {
        if let Ok(s) = slot.checked_add(m) {
            *slot = s;
        }
    }
    fn zero(&self) -> Money {
        Money::zero(self.currency)
    }
    fn add_key<K: Ord>(&self, map: &mut BTreeMap<K, Money>, key: K, m: Money) {
        let slot = map.entry(key).or_insert_with(|| self.zero());
        self.add(slot, m);
    }
    fn get<K: Ord + ?Sized>(&self, map: &BTreeMap<&K, Money>, key: &K) -> Money {
        map.get(key).copied().unwrap_or(self.zero())
    }
}

fn ratio(part: Money, whole: Money) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.amount()
        .checked_div(whole.amount())
        .map(|r| round_ratio(r, 4))
}

/// Resources of `year` from the ledger's income accounts: `(incubator, partners, by partner)`.
#[must_use]
pub fn resources_from_ledger(
    ledger: &Ledger,
    year: FiscalYear,
) -> (Money, Money, BTreeMap<String, Money>) {
    let acc = Acc {
        currency: ledger.currency(),
    };
    let (mut own, mut partners, mut by) = (acc.zero(), acc.zero(), BTreeMap::new());
    let Some((first, end)) = year.bounds() else {
        return (own, partners, by);
    };
    for (account, m) in ledger.balances(Some(first), Some(end)) {
        let income = m.negated();
        let mut seg = account.as_str().split(':');
        match (seg.next(), seg.next(), seg.next()) {
            (Some("income"), Some("own-budget"), _) => acc.add(&mut own, income),
            (Some("income"), Some("partners"), p) => {
                acc.add(&mut partners, income);
                acc.add_key(&mut by, p.unwrap_or("unspecified").to_owned(), income);
            }
            _ => {}
        }
    }
    (own, partners, by)
}

/// The report of `options.year` for `budget`, with start-up phases from `portfolio`.
///
/// Only records dated in the year count as the year's. A year outside
/// [`FiscalYear::MIN`]..=[`FiscalYear::MAX`] has no days: every amount of
/// such a report is zero (refuse such a year first with [`FiscalYear::new`]).
/// Linear in the number of records.
#[must_use]
pub fn report(
    budget: &Budget,
    portfolio: Option<&Portfolio>,
    options: &YearReportOptions,
) -> YearReport {
    let acc = Acc {
        currency: budget.currency,
    };
    let year = options.year;
    let index = Index::new(budget);
    // Orders of a délégation de gestion: the delegating programme's, reported apart.
    let delegated = delegated_orders(budget);
    let booked = Booked::of(budget, portfolio, year);
    let mut total = booked.own;
    acc.add(&mut total, booked.partners);
    let scope = Scope {
        year,
        // End of the year (exclusive), for the consumption "up to the report's end";
        // an unsupported year has no days: nothing is before its end.
        end: year.end_exclusive().unwrap_or(NaiveDate::MIN),
        delegated: &delegated,
    };
    let paid = Paid::of(&acc, &index, portfolio, scope);
    let delivered = Delivered::of(&acc, &index, portfolio, scope);
    let engaged = Engaged::of(&acc, budget, scope, (&paid, &delivered));
    let credits = credit_uses(&acc, &index, scope, &engaged.ae_by_line);
    let agreements = agreement_uses(&acc, budget, scope.end, &engaged.by_agreement);
    let burn = burn(&acc, options, total, &paid.dates);
    let apart = delegated_uses(&acc, budget, scope, (&paid, &delivered, &engaged));
    let figures = ResourceFigures {
        own: booked.own.amount(),
        partners: booked.partners.amount(),
        total: total.amount(),
        proof: ResourceProof::of(budget, year),
    };
    let has_spending = budget.payments.iter().any(|p| year.contains(p.paid_on));
    YearReport {
        schema_version: SCHEMA_VERSION,
        year,
        currency: budget.currency,
        total,
        by_source: BySource {
            incubator: booked.own,
            partners: booked.partners,
        },
        by_partner: booked.by_partner,
        partner_share: ratio(booked.partners, total),
        by_startup: paid.by_startup,
        by_stage: paid.by_stage,
        by_phase: paid.by_phase,
        shared: paid.shared,
        costs: delivered.costs,
        spending: Spending {
            engaged: engaged.in_year,
            delivered: delivered.in_year,
            paid: paid.in_year,
            outstanding: engaged.outstanding,
        },
        credits,
        orders: engaged.orders,
        agreements,
        burn,
        evidence: if has_spending {
            SpendingEvidence::SpendingRecords
        } else {
            SpendingEvidence::ResourcesOnly
        },
        claims: claims::check(budget, year, &figures),
        delegated: apart,
        problems: betagouv_portfolio::ProblemCounts::count(&booked.problems),
        sums_out_of_range: booked.sums_out_of_range,
    }
}

/// What the figures of the incubator count: the year, the end of what counts "up
/// to the report's end", and the orders they leave out (a délégation de gestion's).
#[derive(Debug, Clone, Copy)]
struct Scope<'s> {
    year: FiscalYear,
    /// The day after the year (exclusive end).
    end: NaiveDate,
    /// The orders of a délégation de gestion ([`delegated_orders`]), reported apart.
    delegated: &'s HashSet<&'s str>,
}

impl Scope<'_> {
    /// The délégation de gestion `o` is charged to, if any.
    fn delegation<'o>(&self, o: &'o PurchaseOrder) -> Option<&'o str> {
        delegation(self.delegated, o)
    }
}

/// The resources of the year from the ledger, and the problems of the budget.
struct Booked {
    own: Money,
    partners: Money,
    by_partner: BTreeMap<String, Money>,
    problems: Vec<betagouv_portfolio::Diagnostic>,
    sums_out_of_range: Option<betagouv_portfolio::Diagnostic>,
}

impl Booked {
    fn of(budget: &Budget, portfolio: Option<&Portfolio>, year: FiscalYear) -> Self {
        let (ledger, booked) = to_ledger(budget, portfolio);
        // Sums past the money range are an error of the report's problems (the figures
        // would be wrong); other booking problems are `check`'s.
        let mut problems = check(budget, portfolio);
        let sums_out_of_range = booked
            .into_iter()
            .find(|d| d.rule == crate::post::SUMS_OUT_OF_RANGE);
        problems.extend(sums_out_of_range.clone());
        let (own, partners, by_partner) = resources_from_ledger(&ledger, year);
        Self {
            own,
            partners,
            by_partner,
            problems,
            sums_out_of_range,
        }
    }
}

/// Payments: those of the year, attributed, and those up to the report's end.
struct Paid<'a> {
    in_year: Money,
    by_startup: BTreeMap<StartupId, Money>,
    by_stage: BTreeMap<CostStage, Money>,
    by_phase: BTreeMap<String, Money>,
    shared: Money,
    /// Paid per order up to the report's end (délégation de gestion included).
    by_order: BTreeMap<&'a str, Money>,
    /// Every payment share on the incubator's orders up to the report's end, with
    /// its date (burn rate).
    dates: Vec<(NaiveDate, Money)>,
    /// Paid in the year per délégation de gestion (agreement id).
    delegated: BTreeMap<&'a str, Money>,
    /// AE released per order closed by the report's end: its gross minus what was
    /// paid up to its closing ([`crate::year_change::releases`], the one source of
    /// releases for the checks, the year-end figures and the journals).
    released: BTreeMap<&'a str, Money>,
}

impl<'a> Paid<'a> {
    fn of(acc: &Acc, index: &Index<'a>, portfolio: Option<&Portfolio>, scope: Scope<'_>) -> Self {
        let mut paid = Paid {
            in_year: acc.zero(),
            by_startup: BTreeMap::new(),
            by_stage: CostStage::ALL.iter().map(|s| (*s, acc.zero())).collect(),
            by_phase: BTreeMap::new(),
            shared: acc.zero(),
            by_order: BTreeMap::new(),
            dates: Vec::new(),
            delegated: BTreeMap::new(),
            released: crate::year_change::releases(index, Some(scope.end))
                .into_iter()
                .map(|r| (r.order.id.as_str(), r.amount))
                .collect(),
        };
        for p in &index.budget().payments {
            let Ok(parts) = index.payment_parts(p) else {
                continue;
            };
            for part in parts {
                let dg = scope.delegation(part.order);
                if p.paid_on < scope.end {
                    acc.add_key(&mut paid.by_order, part.order.id.as_str(), part.amount);
                    if dg.is_none() {
                        paid.dates.push((p.paid_on, part.amount));
                    }
                }
                if scope.year.contains(p.paid_on) {
                    match dg {
                        Some(a) => acc.add_key(&mut paid.delegated, a, part.amount),
                        None => paid.attribute(acc, portfolio, &part),
                    }
                }
            }
        }
        paid
    }

    /// Adds a payment share of the year to its start-up, stage and phase.
    fn attribute(&mut self, acc: &Acc, portfolio: Option<&Portfolio>, part: &PaymentPart<'_>) {
        acc.add(&mut self.in_year, part.amount);
        let startup = part.order.startup.as_ref();
        let (phase, stage) = attribution(portfolio, startup, part.delivery.period_end);
        match startup {
            Some(s) => acc.add_key(&mut self.by_startup, s.clone(), part.amount),
            None => acc.add(&mut self.shared, part.amount),
        }
        acc.add_key(&mut self.by_stage, stage, part.amount);
        acc.add_key(&mut self.by_phase, phase, part.amount);
    }
}

/// Service fait: that of the year on the incubator's orders by start-up, phase and
/// category, that of the year per délégation de gestion, and that up to the
/// report's end by order.
struct Delivered<'a> {
    in_year: Money,
    costs: Vec<CostLine>,
    by_order: BTreeMap<&'a str, Money>,
    /// Service fait of the year per délégation de gestion (agreement id).
    delegated: BTreeMap<&'a str, Money>,
}

impl<'a> Delivered<'a> {
    fn of(acc: &Acc, index: &Index<'a>, portfolio: Option<&Portfolio>, scope: Scope<'_>) -> Self {
        // Keyed by the start-up's JSON name (`shared` for none), as the lines are sorted.
        #[allow(clippy::type_complexity)]
        let mut costs: BTreeMap<
            (String, Option<StartupId>, String, String),
            (CostStage, Money, Money),
        > = BTreeMap::new();
        let mut in_year = acc.zero();
        let mut by_order = BTreeMap::new();
        let mut by_delegation = BTreeMap::new();
        for d in &index.budget().deliveries {
            let Ok(Some((t, o))) = index.delivery_totals(d) else {
                continue;
            };
            if d.period_end < scope.end {
                acc.add_key(&mut by_order, o.id.as_str(), t.gross);
            }
            if !scope.year.contains(d.period_end) {
                continue;
            }
            if let Some(a) = scope.delegation(o) {
                acc.add_key(&mut by_delegation, a, t.gross);
                continue;
            }
            acc.add(&mut in_year, t.gross);
            let (phase, stage) = attribution(portfolio, o.startup.as_ref(), d.period_end);
            let key = (
                o.startup
                    .as_ref()
                    .map_or(SHARED, StartupId::as_str)
                    .to_owned(),
                o.startup.clone(),
                phase,
                o.category.key().to_owned(),
            );
            let e = costs
                .entry(key)
                .or_insert_with(|| (stage, acc.zero(), acc.zero()));
            acc.add(&mut e.1, t.net);
            acc.add(&mut e.2, t.gross);
        }
        let costs = costs
            .into_iter()
            .map(
                |((_, startup, phase, category), (stage, net, gross))| CostLine {
                    startup,
                    phase,
                    stage,
                    category,
                    net,
                    gross,
                },
            )
            .collect();
        Self {
            in_year,
            costs,
            by_order,
            delegated: by_delegation,
        }
    }
}

/// Orders issued up to the report's end: AE engaged in the year, per-order
/// consumption, outstanding, and what they engage per line and agreement; the
/// orders of a délégation de gestion apart.
struct Engaged<'a> {
    in_year: Money,
    outstanding: Money,
    orders: Vec<OrderUse>,
    /// AE engaged in the year per budget line, less what orders issued and closed
    /// in the year released.
    ae_by_line: BTreeMap<&'a str, Money>,
    /// Engaged and paid per funding agreement, over the orders up to the end.
    by_agreement: BTreeMap<&'a str, (Money, Money)>,
    /// The orders of each délégation de gestion (agreement id).
    delegated: BTreeMap<&'a str, DelegatedOrders>,
}

/// The orders of one délégation de gestion up to the report's end.
struct DelegatedOrders {
    /// Issued in the year (gross).
    engaged: Money,
    /// Restes à payer at the report's end.
    remaining: Money,
    /// Their ids.
    ids: Vec<String>,
}

impl<'a> Engaged<'a> {
    fn of(
        acc: &Acc,
        budget: &'a Budget,
        scope: Scope<'_>,
        (paid, delivered): (&Paid<'_>, &Delivered<'_>),
    ) -> Self {
        let mut e = Engaged {
            in_year: acc.zero(),
            outstanding: acc.zero(),
            orders: Vec::new(),
            ae_by_line: BTreeMap::new(),
            by_agreement: BTreeMap::new(),
            delegated: BTreeMap::new(),
        };
        for o in budget.orders.iter().filter(|o| o.issued_on < scope.end) {
            let Ok(t) = o.totals(budget.currency) else {
                continue;
            };
            let u = order_use(acc, o, t.gross, scope, paid, delivered);
            if let Some(a) = &o.agreement {
                let slot = e
                    .by_agreement
                    .entry(a.as_str())
                    .or_insert_with(|| (acc.zero(), acc.zero()));
                acc.add(&mut slot.0, u.total);
                acc.add(&mut slot.1, u.paid);
            }
            // Orders of a délégation de gestion use the delegating programme's AE.
            match scope.delegation(o) {
                Some(a) => e.add_delegated(acc, a, o, scope, &u),
                None => e.add_own(acc, o, scope, u),
            }
        }
        e
    }

    /// An order of the incubator: its AE, restes à payer and consumption.
    fn add_own(&mut self, acc: &Acc, o: &'a PurchaseOrder, scope: Scope<'_>, u: OrderUse) {
        if scope.year.contains(o.issued_on) {
            acc.add(&mut self.in_year, u.total);
            if let Some(l) = &o.line {
                acc.add_key(&mut self.ae_by_line, l.as_str(), u.total);
            }
        }
        // AE released by closing in the year an order of the year come back to its line.
        if let (Some(c), Some(l)) = (o.closed_on, &o.line)
            && u.closed
            && scope.year.contains(c)
            && FiscalYear::of(o.issued_on) == scope.year
        {
            acc.add_key(&mut self.ae_by_line, l.as_str(), u.released.negated());
        }
        acc.add(&mut self.outstanding, u.remaining);
        self.orders.push(u);
    }

    /// An order of the délégation de gestion `agreement`.
    fn add_delegated(
        &mut self,
        acc: &Acc,
        agreement: &'a str,
        o: &PurchaseOrder,
        scope: Scope<'_>,
        u: &OrderUse,
    ) {
        let d = self
            .delegated
            .entry(agreement)
            .or_insert_with(|| DelegatedOrders {
                engaged: acc.zero(),
                remaining: acc.zero(),
                ids: Vec::new(),
            });
        if scope.year.contains(o.issued_on) {
            acc.add(&mut d.engaged, u.total);
        }
        acc.add(&mut d.remaining, u.remaining);
        d.ids.push(o.id.clone());
    }
}

/// The consumption of order `o` (gross `total`) up to the report's end. Restes à
/// payer = engaged − paid − released, never negative: a closed order released what
/// it left unpaid (désengagement) and owes nothing.
fn order_use(
    acc: &Acc,
    o: &PurchaseOrder,
    total: Money,
    scope: Scope<'_>,
    paid: &Paid<'_>,
    delivered: &Delivered<'_>,
) -> OrderUse {
    let released = paid.released.get(o.id.as_str()).copied();
    let paid = acc.get(&paid.by_order, o.id.as_str());
    let closed = o.closed_on.is_some_and(|c| c < scope.end);
    let (remaining, released) = if closed {
        (acc.zero(), released.unwrap_or(acc.zero()))
    } else {
        let unused = crate::year_change::unused_ae(o, paid).unwrap_or(acc.zero());
        (unused, acc.zero())
    };
    OrderUse {
        id: o.id.clone(),
        startup: o.startup.clone(),
        total,
        delivered: acc.get(&delivered.by_order, o.id.as_str()),
        paid,
        remaining,
        closed,
        released,
    }
}

/// AE/CP of each budget line's credits of the year: AE from the orders issued in
/// the year (`ae_by_line`), CP from the payments of the year.
fn credit_uses(
    acc: &Acc,
    index: &Index<'_>,
    scope: Scope<'_>,
    ae_by_line: &BTreeMap<&str, Money>,
) -> Vec<CreditUse> {
    let year = scope.year;
    let budget = index.budget();
    let openings = Openings::of(budget);
    let mut cp_by_line: BTreeMap<&str, Money> = BTreeMap::new();
    for p in budget.payments.iter().filter(|p| year.contains(p.paid_on)) {
        let Ok(parts) = index.payment_parts(p) else {
            continue;
        };
        for part in parts {
            if scope.delegation(part.order).is_some() {
                continue;
            }
            if let Some(l) = &part.order.line {
                acc.add_key(&mut cp_by_line, l.as_str(), part.amount);
            }
        }
    }
    budget
        .credits
        .iter()
        .filter(|c| c.year == year)
        .map(|c| {
            // Credits of the year plus those opened during it (movements, receipts).
            let ae_available = openings.ae_available(c).unwrap_or(acc.zero());
            let cp_available = openings.cp_available(c).unwrap_or(acc.zero());
            let ae_consumed = acc.get(ae_by_line, c.line.as_str());
            let cp_consumed = acc.get(&cp_by_line, c.line.as_str());
            CreditUse {
                line: c.line.clone(),
                ae_rate: ratio(ae_consumed, ae_available),
                cp_rate: ratio(cp_consumed, cp_available),
                ae_available,
                ae_consumed,
                cp_available,
                cp_consumed,
            }
        })
        .collect()
}

/// Consumption of each agreement signed before `end`: tranches received before
/// `end`, and the orders it funds (`by_agreement`: engaged, paid).
fn agreement_uses(
    acc: &Acc,
    budget: &Budget,
    end: NaiveDate,
    by_agreement: &BTreeMap<&str, (Money, Money)>,
) -> Vec<AgreementUse> {
    budget
        .agreements
        .iter()
        .filter(|a| a.signed_on < end)
        .map(|a| {
            let mut received = acc.zero();
            for t in &a.tranches {
                if t.received_on.is_some_and(|d| d < end) {
                    acc.add(&mut received, t.received());
                }
            }
            let (engaged, paid) = by_agreement
                .get(a.id.as_str())
                .copied()
                .unwrap_or((acc.zero(), acc.zero()));
            AgreementUse {
                id: a.id.clone(),
                partner: a.partner.clone(),
                amount: a.amount,
                received,
                remaining: a.amount.checked_sub(engaged).unwrap_or(acc.zero()),
                engaged,
                paid,
                deadline: a.engagement_deadline,
            }
        })
        .collect()
}

/// The orders of each délégation de gestion signed before the report's end (or
/// with orders by then): engaged, delivered and paid in the year, restes à payer at
/// its end. One entry per agreement id (the first agreement with the id).
fn delegated_uses(
    acc: &Acc,
    budget: &Budget,
    scope: Scope<'_>,
    (paid, delivered, engaged): (&Paid<'_>, &Delivered<'_>, &Engaged<'_>),
) -> Vec<DelegatedUse> {
    let mut seen: HashSet<&str> = HashSet::new();
    budget
        .agreements
        .iter()
        .filter(|a| a.kind == AgreementKind::DelegatedManagement)
        .filter(|a| a.signed_on < scope.end || engaged.delegated.contains_key(a.id.as_str()))
        .filter(|a| seen.insert(a.id.as_str()))
        .map(|a| {
            let id = a.id.as_str();
            let orders = engaged.delegated.get(id);
            DelegatedUse {
                agreement: a.id.clone(),
                partner: a.partner.clone(),
                amount: a.amount,
                engaged: orders.map_or(acc.zero(), |d| d.engaged),
                delivered: acc.get(&delivered.delegated, id),
                paid: acc.get(&paid.delegated, id),
                remaining: orders.map_or(acc.zero(), |d| d.remaining),
                orders: orders.map(|d| d.ids.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

fn burn(
    acc: &Acc,
    options: &YearReportOptions,
    resources: Money,
    paid: &[(NaiveDate, Money)],
) -> Burn {
    let year = options.year;
    let as_of = options
        .as_of
        .or_else(|| NaiveDate::from_ymd_opt(year.0, 12, 31))
        .unwrap_or(NaiveDate::MIN);
    let month_start = as_of.with_day(1).unwrap_or(as_of);
    let next_month = month_start
        .checked_add_months(Months::new(1))
        .unwrap_or(as_of);
    // The month of `as_of` counts only when `as_of` is its last day.
    let window_end = if as_of.succ_opt() == Some(next_month) {
        next_month
    } else {
        month_start
    };
    let months = options.burn_months.max(1);
    let window_start = window_end
        .checked_sub_months(Months::new(months))
        .unwrap_or(window_end);
    let mut in_window = acc.zero();
    let mut paid_year = acc.zero();
    for (d, m) in paid {
        if *d >= window_start && *d < window_end {
            acc.add(&mut in_window, *m);
        }
        if year.contains(*d) && *d < window_end {
            acc.add(&mut paid_year, *m);
        }
    }
    let monthly = Money::rounded(in_window.amount() / Decimal::from(months), acc.currency)
        .unwrap_or(acc.zero());
    let available = resources.checked_sub(paid_year).unwrap_or(acc.zero());
    let runway_months = if monthly.is_zero() {
        None
    } else {
        available
            .amount()
            .checked_div(monthly.amount())
            .map(round_cents)
    };
    Burn {
        months,
        window_start,
        window_end,
        monthly,
        available_basis: AVAILABLE_BASIS.to_owned(),
        available,
        runway_months,
    }
}

#[cfg(test)]
#[cfg(feature = "toml")] // they read budget files
mod tests {
    use std::sync::OnceLock;

    use chrono::Datelike;
    use proptest::prelude::*;

    use super::*;
    use crate::model::ClaimUnit;

    fn budget() -> &'static Budget {
        static B: OnceLock<Budget> = OnceLock::new();
        B.get_or_init(|| {
            let text = crate::synthetic::budget_toml(40, 11);
            crate::file::parse_budget(&text, "s.toml").unwrap()
        })
    }

    /// Year totals computed straight from the records, in cents:
    /// (resources and agreements signed, engaged, delivered, paid). The synthetic
    /// budget has no délégation de gestion, whose orders the spending would leave out.
    fn expected(b: &Budget, year: i32) -> (i64, i64, i64, i64) {
        assert!(delegated_orders(b).is_empty());
        let supported = FiscalYear(year).is_supported();
        let in_year = |d: NaiveDate| supported && d.year() == year;
        let resources: i64 = b
            .resources
            .iter()
            .map(|r| (r.date, r.amount.cents()))
            .chain(b.agreements.iter().flat_map(|a| {
                // By kind: on receipt, none, or when signed.
                let signed = (!a.kind.opens_on_receipt() && a.kind.is_income())
                    .then_some((a.signed_on, a.amount.cents()));
                let received = a
                    .tranches
                    .iter()
                    .filter(|_| a.kind.opens_on_receipt())
                    .filter_map(|t| t.received_on.map(|d| (d, t.received().cents())));
                signed.into_iter().chain(received).collect::<Vec<_>>()
            }))
            .filter(|(d, _)| in_year(*d))
            .map(|(_, c)| c)
            .sum();
        let engaged = b
            .orders
            .iter()
            .filter(|o| in_year(o.issued_on))
            .map(|o| o.totals(b.currency).unwrap().gross.cents())
            .sum();
        let delivered = b
            .deliveries
            .iter()
            .filter(|d| in_year(d.period_end))
            .map(|d| {
                let o = b.order(&d.order).unwrap();
                crate::money::Totals::of(&[d.amount_net], o.vat_rate, b.currency)
                    .unwrap()
                    .gross
                    .cents()
            })
            .sum();
        let paid = b
            .payments
            .iter()
            .filter(|p| in_year(p.paid_on))
            .map(|p| p.amount_gross.cents())
            .sum();
        (resources, engaged, delivered, paid)
    }

    #[test]
    fn year_out_of_range_gets_nothing() {
        let b = budget();
        let r = report(b, None, &YearReportOptions::new(FiscalYear(i32::MAX)));
        assert_eq!(r.total.cents(), 0);
        assert!(r.orders.is_empty() && r.agreements.is_empty() && r.credits.is_empty());
        let r2016 = report(b, None, &YearReportOptions::new(FiscalYear(2016)));
        assert!(r2016.total.cents() > 0);
    }

    fn verdict(r: &YearReport, key: &str) -> Option<Verdict> {
        r.claims.iter().find(|c| c.key == key).map(|c| c.verdict)
    }

    #[test]
    fn equal_claims_match_once_records_prove_the_resources() {
        let mut b = crate::builtin::builtin_2016().unwrap();
        let r = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
        assert_eq!(verdict(&r, "budget_total"), Some(Verdict::Consistent));
        assert!(
            r.claims
                .iter()
                .all(|c| c.note.contains("not proven") || c.key != "budget_total")
        );
        // A payment of the year is a record: the same equal figures now match.
        b.payments.push(crate::model::Payment {
            id: "pay".into(),
            deliveries: vec![],
            paid_on: NaiveDate::from_ymd_opt(2016, 6, 1).unwrap(),
            amount_gross: Money::zero(Currency::Eur),
            kind: crate::model::PaymentKind::Settlement,
            invoices: Vec::new(),
        });
        let r = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
        assert_eq!(r.total.amount().to_string(), "2084035.00");
        for key in [
            "budget_total",
            "budget_partners",
            "partner_share",
            "budget_own_implied",
        ] {
            assert_eq!(verdict(&r, key), Some(Verdict::Matches), "{key}");
        }
        assert_eq!(verdict(&r, "partners"), Some(Verdict::Differs));
    }

    #[test]
    fn json_contract_version_and_verdict_spelling() {
        let mut b = crate::builtin::builtin_2016().unwrap();
        b.claims.push(crate::model::Claim {
            key: "people".into(),
            year: FiscalYear(2016),
            value: Decimal::from(54),
            unit: ClaimUnit::Count,
            source: "test".into(),
        });
        let r = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["schema_version"], SCHEMA_VERSION);
        let claim = |key: &str| {
            v["claims"]
                .as_array()
                .and_then(|a| a.iter().find(|c| c["key"] == key))
                .cloned()
                .unwrap()
        };
        assert_eq!(claim("budget_total")["verdict"], "consistent");
        assert_eq!(claim("partners")["verdict"], "differs");
        assert_eq!(claim("people")["verdict"], "not_computable");
        assert!(claim("people").get("status").is_none());
        let by_stage: Vec<&String> = v["by_stage"].as_object().unwrap().keys().collect();
        let mut sorted = by_stage.clone();
        sorted.sort();
        assert_eq!(by_stage, sorted);
        assert_eq!(by_stage.len(), 7);
    }

    #[test]
    fn budgets_and_ledgers_round_trip_through_json() {
        let mut b = budget().clone();
        b.origins.clear();
        let json = serde_json::to_string(&b).unwrap();
        assert!(json.contains(" EUR\""), "amounts name their currency");
        let back: Budget = serde_json::from_str(&json).unwrap();
        assert_eq!(back, b);
        let (ledger, _) = to_ledger(&b, None);
        let json = serde_json::to_string(&ledger).unwrap();
        let back: Ledger = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ledger);
        for g in [
            crate::ledger::Granularity::Month,
            crate::ledger::Granularity::Quarter,
            crate::ledger::Granularity::Year,
        ] {
            let balances = ledger.balances_by(g);
            let json = serde_json::to_string(&balances).unwrap();
            let back: crate::ledger::PeriodBalances = serde_json::from_str(&json).unwrap();
            assert_eq!(back, balances);
        }
        // A ledger read back is checked again: an unbalanced transaction is refused.
        let bad = json_with_first_amount_changed(&serde_json::to_value(&ledger).unwrap());
        assert!(serde_json::from_value::<Ledger>(bad).is_err());
    }

    fn json_with_first_amount_changed(v: &serde_json::Value) -> serde_json::Value {
        let mut v = v.clone();
        v["transactions"][0]["postings"][0]["amount"] = "0.01 EUR".into();
        v
    }

    #[test]
    fn year_report_json_keeps_bare_amounts_and_reads_back_in_its_currency() {
        let b = crate::builtin::builtin_2016().unwrap();
        let r = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["total"], "2084035.00");
        assert_eq!(v["currency"], "EUR");
        assert_eq!(v["year"], 2016);
        assert_eq!(v["evidence"], "resources-only");
        let back: YearReport = serde_json::from_value(v).unwrap();
        assert_eq!(back, r);
        let options = YearReportOptions::new(FiscalYear(2016))
            .with_as_of(NaiveDate::from_ymd_opt(2016, 6, 30))
            .with_burn_months(2);
        let json = serde_json::to_string(&options).unwrap();
        assert_eq!(
            serde_json::from_str::<YearReportOptions>(&json).unwrap(),
            options
        );
    }

    /// `m` as text.
    fn text(m: Money) -> String {
        m.amount().to_string()
    }

    #[test]
    fn delegated_orders_are_reported_apart_from_the_incubators_spending() {
        let b = crate::file::parse_budget(crate::post::DELEGATED_BUDGET, "dg.toml").unwrap();
        let options = YearReportOptions::new(FiscalYear(2017))
            .with_as_of(NaiveDate::from_ymd_opt(2017, 4, 30))
            .with_burn_months(1);
        let r = report(&b, None, &options);
        // The incubator's: BC-OWN only (12,000.00 engaged, 6,000.00 delivered and paid).
        let s = &r.spending;
        assert_eq!(
            [s.engaged, s.delivered, s.paid, s.outstanding].map(text),
            ["12000.00", "6000.00", "6000.00", "6000.00"]
        );
        let by_startup: Vec<(&str, String)> = r
            .by_startup
            .iter()
            .map(|(k, m)| (k.as_str(), text(*m)))
            .collect();
        assert_eq!(by_startup, [("mes-aides", "6000.00".to_owned())]);
        // BC-DG2 names no start-up, but is not the incubator's shared cost.
        assert_eq!(text(r.shared), "0.00");
        let by_stage: i64 = r.by_stage.values().map(Money::cents).sum();
        assert_eq!(by_stage, 600_000);
        assert_eq!(text(r.by_phase["unphased"]), "6000.00");
        let costs: Vec<(String, String)> = r
            .costs
            .iter()
            .map(|c| (c.category.clone(), text(c.gross)))
            .collect();
        assert_eq!(costs, [("development".to_owned(), "6000.00".to_owned())]);
        let ids: Vec<&str> = r.orders.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["BC-OWN"]);
        // April's burn: BC-OWN's 6,000.00, not the 7,200.00 of the delegation.
        assert_eq!(text(r.burn.monthly), "6000.00");
        assert_eq!(text(r.burn.available), "94000.00");
        assert_eq!(r.credits.len(), 1);
        assert_eq!(
            [r.credits[0].ae_consumed, r.credits[0].cp_consumed].map(text),
            ["12000.00", "6000.00"]
        );
        // The delegation: both orders; BC-DG2 closed owes nothing.
        assert_eq!(r.delegated.len(), 1);
        let d = &r.delegated[0];
        assert_eq!(
            (d.agreement.as_str(), d.partner.as_str()),
            ("dg-1", "min-travail")
        );
        assert_eq!(
            [d.amount, d.engaged, d.delivered, d.paid, d.remaining].map(text),
            ["50000.00", "15000.00", "7200.00", "7200.00", "6000.00"]
        );
        assert_eq!(d.orders, ["BC-DG1", "BC-DG2"]);
        // No resource from it; the agreement's consumption still counts its orders.
        assert_eq!(text(r.total), "100000.00");
        let a = r.agreements.iter().find(|a| a.id == "dg-1").unwrap();
        assert_eq!([a.engaged, a.paid].map(text), ["15000.00", "7200.00"]);
        // Round trip, every amount in the report's currency.
        let back: YearReport = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        // The year after: nothing engaged or paid, BC-DG1 still owes 6,000.00.
        let r = report(&b, None, &YearReportOptions::new(FiscalYear(2018)));
        let d = &r.delegated[0];
        assert_eq!(
            [d.engaged, d.delivered, d.paid, d.remaining].map(text),
            ["0.00", "0.00", "0.00", "6000.00"]
        );
        assert_eq!(text(r.spending.outstanding), "6000.00");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]
        #[test]
        fn year_reports_round_trip_through_json(year in 2012..2019i32) {
            let r = report(budget(), None, &YearReportOptions::new(FiscalYear(year)));
            let json = serde_json::to_string(&r).unwrap();
            let back: YearReport = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, r);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn report_counts_only_the_records_of_its_year(
            year in prop_oneof![any::<i32>(), 2012..2019i32, Just(i32::MAX), Just(i32::MIN)]
        ) {
            let b = budget();
            let r = report(b, None, &YearReportOptions::new(FiscalYear(year)));
            let (resources, engaged, delivered, paid) = expected(b, year);
            prop_assert_eq!(r.total.cents(), resources);
            prop_assert_eq!(r.spending.engaged.cents(), engaged);
            prop_assert_eq!(r.spending.delivered.cents(), delivered);
            prop_assert_eq!(r.spending.paid.cents(), paid);
            let by_startup: i64 = r.by_startup.values().map(Money::cents).sum();
            prop_assert_eq!(by_startup + r.shared.cents(), paid);
            if !FiscalYear(year).is_supported() {
                prop_assert!(r.orders.is_empty() && r.agreements.is_empty());
                prop_assert_eq!(r.burn.monthly.cents(), 0);
            }
        }
    }
}
