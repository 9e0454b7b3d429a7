//! Checks of a [`Budget`] against the domain invariants. Every breach is a
//! [`Diagnostic`] (never a panic), located in the budget file when the record
//! came from one.
//!
//! Rules: the stable ids of [`crate::rules`], each with its description.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use betagouv_portfolio::{Diagnostic, Portfolio, Severity, StartupId};
use rust_decimal::Decimal;

use crate::availability::{Openings, VIREMENT_CAP_PERCENT, format_cents};
use crate::error::Error;
use crate::flows::Index;
use crate::model::{
    AgreementKind, Budget, Credits, FiscalYear, OrganisationKind, Overfunding, PaymentKind,
    RecordType, Title,
};
use crate::money::{Money, vat_rate_on};
use crate::rules;
use crate::terms::{AdvancePosition, PaymentTerms};

struct Out<'a> {
    budget: &'a Budget,
    index: Index<'a>,
    diags: Vec<Diagnostic>,
}

impl Out<'_> {
    fn push(&mut self, severity: Severity, rule: &str, rt: RecordType, id: &str, msg: String) {
        let mut d = Diagnostic::new(severity, rule, format!("{} {id}: {msg}", rt.name()));
        if let Some(loc) = self.budget.origins.get(&(rt, id.to_owned())) {
            d = d.at(loc.file.clone(), loc.line, loc.column);
        }
        self.diags.push(d);
    }
    fn error(&mut self, rule: &str, rt: RecordType, id: &str, msg: String) {
        self.push(Severity::Error, rule, rt, id, msg);
    }
    fn warning(&mut self, rule: &str, rt: RecordType, id: &str, msg: String) {
        self.push(Severity::Warning, rule, rt, id, msg);
    }
    fn overflow(&mut self, rt: RecordType, id: &str, e: &Error) {
        self.error(
            rules::OVERFLOW,
            rt,
            id,
            format!("amounts cannot be combined: {e}"),
        );
    }
}

/// Sums `items`, reporting an overflow on the record and returning `None`.
fn sum(out: &mut Out<'_>, rt: RecordType, id: &str, items: &[Money]) -> Option<Money> {
    match Money::sum(items, out.budget.currency) {
        Ok(m) => Some(m),
        Err(e) => {
            out.overflow(rt, id, &e);
            None
        }
    }
}

/// Checks `budget`; with a `portfolio`, start-up ids are checked against it.
///
/// Returns diagnostics sorted by location then message order of discovery.
#[must_use]
pub fn check(budget: &Budget, portfolio: Option<&Portfolio>) -> Vec<Diagnostic> {
    check_with_terms(budget, portfolio, &PaymentTerms::default())
}

/// As [`check`], with the payment `terms` (advance cap and recovery, payment
/// delay, late-payment interest) instead of their legal defaults.
#[must_use]
pub fn check_with_terms(
    budget: &Budget,
    portfolio: Option<&Portfolio>,
    terms: &PaymentTerms,
) -> Vec<Diagnostic> {
    let mut out = Out {
        budget,
        index: Index::new(budget),
        diags: Vec::new(),
    };
    duplicates(&mut out);
    currencies(&mut out);
    references(&mut out, portfolio);
    // Credits opened during the year, and the orders of a délégation de gestion.
    let openings = Openings::of(budget);
    credits(&mut out, &openings);
    orders(&mut out);
    service_fait(&mut out, terms);
    invoices(&mut out, terms);
    agreements(&mut out);
    partner_money(&mut out, &openings);
    year_change(&mut out, &openings);
    order_life(&mut out);
    out.diags
}

fn duplicates(out: &mut Out<'_>) {
    let b = out.budget;
    let lists: [(RecordType, Vec<String>); 9] = [
        (
            RecordType::Organisation,
            b.organisations.iter().map(|x| x.id.clone()).collect(),
        ),
        (
            RecordType::Line,
            b.lines.iter().map(|x| x.id.clone()).collect(),
        ),
        (
            RecordType::Credits,
            b.credits
                .iter()
                .map(|c| format!("{}/{}", c.line, c.year))
                .collect(),
        ),
        (
            RecordType::Resource,
            b.resources.iter().map(|x| x.id.clone()).collect(),
        ),
        (
            RecordType::Agreement,
            b.agreements.iter().map(|x| x.id.clone()).collect(),
        ),
        (
            RecordType::Contract,
            b.contracts.iter().map(|x| x.id.clone()).collect(),
        ),
        (
            RecordType::Order,
            b.orders.iter().map(|x| x.id.clone()).collect(),
        ),
        (
            RecordType::Delivery,
            b.deliveries.iter().map(|x| x.id.clone()).collect(),
        ),
        (
            RecordType::Payment,
            b.payments.iter().map(|x| x.id.clone()).collect(),
        ),
    ];
    for (rt, ids) in lists {
        let mut seen = BTreeSet::new();
        for id in ids {
            if !seen.insert(id.clone()) {
                out.error(
                    rules::DUPLICATE_ID,
                    rt,
                    &id,
                    "the id is used twice; ids must be unique".into(),
                );
            }
        }
    }
}

fn currencies(out: &mut Out<'_>) {
    let b = out.budget;
    let c = b.currency;
    let mut bad: Vec<(RecordType, String)> = Vec::new();
    let mut see = |rt, id: &str, m: &Money| {
        if m.currency() != c {
            bad.push((rt, id.to_owned()));
        }
    };
    for r in &b.resources {
        see(RecordType::Resource, &r.id, &r.amount);
    }
    for a in &b.agreements {
        see(RecordType::Agreement, &a.id, &a.amount);
        for t in &a.tranches {
            see(RecordType::Agreement, &a.id, &t.amount);
            see(RecordType::Agreement, &a.id, &t.received());
        }
    }
    for o in &b.orders {
        for l in &o.lines {
            see(RecordType::Order, &o.id, &l.daily_rate_net);
        }
    }
    for d in &b.deliveries {
        see(RecordType::Delivery, &d.id, &d.amount_net);
    }
    for p in &b.payments {
        see(RecordType::Payment, &p.id, &p.amount_gross);
    }
    for (rt, id) in bad {
        out.error(
            rules::CURRENCY_MISMATCH,
            rt,
            &id,
            format!("amount not in {c}"),
        );
    }
}

fn references(out: &mut Out<'_>, portfolio: Option<&Portfolio>) {
    unknown_ids(out);
    let b = out.budget;
    for r in &b.resources {
        if r.partner.is_some() && r.source == crate::model::SourceKind::Incubator {
            out.warning(
                rules::SOURCE_PARTNER,
                RecordType::Resource,
                &r.id,
                "an `incubator` resource names a partner; use source = \"partners\"".into(),
            );
        }
    }
    for p in &b.payments {
        if p.deliveries.is_empty() {
            out.error(
                rules::UNKNOWN_REFERENCE,
                RecordType::Payment,
                &p.id,
                "pays no delivery".into(),
            );
        }
    }
    if let Some(pf) = portfolio {
        unknown_startups(out, pf);
    }
}

/// `unknown-reference`: an id that names no record of its kind.
fn unknown_ids(out: &mut Out<'_>) {
    let b = out.budget;
    let orgs: BTreeSet<&str> = b.organisations.iter().map(|o| o.id.as_str()).collect();
    let lines: BTreeSet<&str> = b.lines.iter().map(|o| o.id.as_str()).collect();
    let agreements: BTreeSet<&str> = b.agreements.iter().map(|o| o.id.as_str()).collect();
    let contracts: BTreeSet<&str> = b.contracts.iter().map(|o| o.id.as_str()).collect();
    let orders: BTreeSet<&str> = b.orders.iter().map(|o| o.id.as_str()).collect();
    let deliveries: BTreeSet<&str> = b.deliveries.iter().map(|o| o.id.as_str()).collect();
    let mut missing: Vec<(RecordType, String, &str, String)> = Vec::new();
    let mut need = |set: &BTreeSet<&str>, rt, id: &str, what: &'static str, value: &str| {
        if !set.contains(value) {
            missing.push((rt, id.to_owned(), what, value.to_owned()));
        }
    };
    for c in &b.credits {
        need(
            &lines,
            RecordType::Credits,
            &format!("{}/{}", c.line, c.year),
            "line",
            &c.line,
        );
    }
    for r in &b.resources {
        if let Some(p) = &r.partner {
            need(&orgs, RecordType::Resource, &r.id, "organization", p);
        }
        if let Some(l) = &r.line {
            need(&lines, RecordType::Resource, &r.id, "line", l);
        }
    }
    for a in &b.agreements {
        need(
            &orgs,
            RecordType::Agreement,
            &a.id,
            "organization",
            &a.partner,
        );
    }
    for o in &b.orders {
        need(
            &contracts,
            RecordType::Order,
            &o.id,
            "contract",
            &o.contract,
        );
        if let Some(l) = &o.line {
            need(&lines, RecordType::Order, &o.id, "line", l);
        }
        if let Some(a) = &o.agreement {
            need(&agreements, RecordType::Order, &o.id, "agreement", a);
        }
    }
    for d in &b.deliveries {
        need(&orders, RecordType::Delivery, &d.id, "order", &d.order);
    }
    for p in &b.payments {
        for d in &p.deliveries {
            need(&deliveries, RecordType::Payment, &p.id, "delivery", d);
        }
    }
    for (rt, id, what, value) in missing {
        out.error(
            rules::UNKNOWN_REFERENCE,
            rt,
            &id,
            format!("no {what} with id `{value}`"),
        );
    }
}

/// `unknown-startup`: an order or agreement naming a start-up the portfolio does
/// not know.
fn unknown_startups(out: &mut Out<'_>, pf: &Portfolio) {
    let b = out.budget;
    let mut unknown: Vec<(RecordType, String, &StartupId)> = Vec::new();
    for o in &b.orders {
        if let Some(s) = &o.startup
            && pf.startup(s.as_str()).is_none()
        {
            unknown.push((RecordType::Order, o.id.clone(), s));
        }
    }
    for a in &b.agreements {
        for s in &a.startups {
            if pf.startup(s.as_str()).is_none() {
                unknown.push((RecordType::Agreement, a.id.clone(), s));
            }
        }
    }
    for (rt, id, s) in unknown {
        out.warning(
            rules::UNKNOWN_STARTUP,
            rt,
            &id,
            format!("start-up `{s}` is not in the portfolio; its costs are counted as unphased"),
        );
    }
}

fn credits(out: &mut Out<'_>, openings: &Openings<'_>) {
    let b = out.budget;
    // AE consumed per (line, year): gross of orders issued in the year.
    let mut ae: BTreeMap<(String, FiscalYear), Vec<Money>> = BTreeMap::new();
    let mut cp: BTreeMap<(String, FiscalYear), Vec<Money>> = BTreeMap::new();
    let mut overflows = Vec::new();
    for o in b.orders.iter().filter(|o| !openings.is_delegated(&o.id)) {
        let Some(line) = &o.line else { continue };
        match o.totals(b.currency) {
            Ok(t) => ae
                .entry((line.clone(), FiscalYear::of(o.issued_on)))
                .or_default()
                .push(t.gross),
            Err(e) => overflows.push((RecordType::Order, o.id.clone(), e)),
        }
    }
    // Désengagement: an order closed in its own year gives its unused AE back.
    for r in crate::year_change::releases(&out.index, None) {
        if let (true, Some(line)) = (r.reopens_ae, &r.order.line) {
            ae.entry((line.clone(), r.year))
                .or_default()
                .push(r.amount.negated());
        }
    }
    for p in &b.payments {
        match out.index.payment_parts(p) {
            Ok(parts) => {
                for part in parts.iter().filter(|x| !openings.is_delegated(&x.order.id)) {
                    if let Some(line) = &part.order.line {
                        cp.entry((line.clone(), FiscalYear::of(p.paid_on)))
                            .or_default()
                            .push(part.amount);
                    }
                }
            }
            Err(e) => overflows.push((RecordType::Payment, p.id.clone(), e)),
        }
    }
    for (rt, id, e) in overflows {
        out.overflow(rt, &id, &e);
    }
    // The first credits of each (line, year).
    let mut by_line_year: HashMap<(&str, FiscalYear), &crate::model::Credits> =
        HashMap::with_capacity(b.credits.len());
    for c in &b.credits {
        by_line_year.entry((c.line.as_str(), c.year)).or_insert(c);
    }
    for (kind, consumed) in [("AE", ae), ("CP", cp)] {
        for ((line, year), items) in consumed {
            let id = format!("{line}/{year}");
            let Some(total) = sum(out, RecordType::Credits, &id, &items) else {
                continue;
            };
            let Some(c) = by_line_year.get(&(line.as_str(), year)).copied() else {
                out.warning(rules::NO_CREDITS, RecordType::Line, &line,
                    format!("{kind} consumed in {year} ({total}) but no credits are recorded for the year"));
                continue;
            };
            let avail = if kind == "AE" {
                openings.ae_available(c)
            } else {
                openings.cp_available(c)
            };
            match avail {
                Ok(a) if total.amount() > a.amount() => {
                    let rule = if kind == "AE" {
                        rules::AE_EXCEEDED
                    } else {
                        rules::CP_EXCEEDED
                    };
                    out.error(
                        rule,
                        RecordType::Credits,
                        &id,
                        format!("{kind} consumed {total} exceeds {kind} available {a}"),
                    );
                }
                Ok(_) => {}
                Err(e) => out.overflow(RecordType::Credits, &id, &e),
            }
        }
    }
}

fn orders(out: &mut Out<'_>) {
    order_dates_and_rates(out);
    let delivered = delivery_dates(out);
    let paid = payment_dates(out);
    order_consumption(out, &delivered, &paid);
    contract_ceilings(out);
}

/// Service fait per order: (nets, grosses).
type DeliveredByOrder<'a> = BTreeMap<&'a str, (Vec<Money>, Vec<Money>)>;

/// Payments per order, and whether one of them is an advance.
type PaidByOrder<'a> = BTreeMap<&'a str, (Vec<Money>, bool)>;

/// `empty-order`, `vat-rate`, and `date-order` of an order issued outside its
/// contract's dates.
fn order_dates_and_rates(out: &mut Out<'_>) {
    let b = out.budget;
    let mut contracts: HashMap<&str, &crate::model::FrameworkContract> =
        HashMap::with_capacity(b.contracts.len());
    for c in &b.contracts {
        contracts.entry(c.id.as_str()).or_insert(c);
    }
    for o in &b.orders {
        if o.lines.is_empty() {
            out.warning(
                rules::EMPTY_ORDER,
                RecordType::Order,
                &o.id,
                "has no lines".into(),
            );
        }
        if !o.vat_rate.is_zero() && vat_rate_on(o.issued_on) != Some(o.vat_rate) {
            out.warning(
                rules::VAT_RATE,
                RecordType::Order,
                &o.id,
                format!(
                    "VAT rate {} is neither 0 nor the standard rate on {}",
                    o.vat_rate, o.issued_on
                ),
            );
        }
        if let Some(c) = contracts.get(o.contract.as_str())
            && (o.issued_on < c.start || c.end.is_some_and(|e| o.issued_on > e))
        {
            out.error(
                rules::DATE_ORDER,
                RecordType::Order,
                &o.id,
                format!("issued on {} outside contract {} dates", o.issued_on, c.id),
            );
        }
    }
}

/// `date-order` and `delivery-after-close` of each delivery; returns the service
/// fait per order.
fn delivery_dates<'a>(out: &mut Out<'a>) -> DeliveredByOrder<'a> {
    let b = out.budget;
    let mut delivered: DeliveredByOrder<'a> = BTreeMap::new();
    for d in &b.deliveries {
        let Ok(Some((t, o))) = out.index.delivery_totals(d) else {
            continue;
        };
        let e = delivered.entry(o.id.as_str()).or_default();
        e.0.push(t.net);
        e.1.push(t.gross);
        if d.period_end < d.period_start {
            out.error(
                rules::DATE_ORDER,
                RecordType::Delivery,
                &d.id,
                format!(
                    "period ends {} before it starts {}",
                    d.period_end, d.period_start
                ),
            );
        }
        if d.period_start < o.issued_on {
            out.error(
                rules::DATE_ORDER,
                RecordType::Delivery,
                &d.id,
                format!(
                    "work starts {} before order {} was issued {}",
                    d.period_start, o.id, o.issued_on
                ),
            );
        }
        if let Some(closed) = o.closed_on
            && d.period_end > closed
        {
            out.error(
                rules::DELIVERY_AFTER_CLOSE,
                RecordType::Delivery,
                &d.id,
                format!(
                    "period ends {} after order {} was closed {}",
                    d.period_end, o.id, closed
                ),
            );
        }
    }
    delivered
}

/// `date-order` of a payment (not an advance) made before the end of a delivery it
/// pays; returns the payments per order.
fn payment_dates<'a>(out: &mut Out<'a>) -> PaidByOrder<'a> {
    let b = out.budget;
    let mut paid: PaidByOrder<'a> = BTreeMap::new();
    for p in &b.payments {
        let Ok(parts) = out.index.payment_parts(p) else {
            continue;
        };
        for part in &parts {
            let e = paid.entry(part.order.id.as_str()).or_default();
            e.0.push(part.amount);
            let advance = p.kind == PaymentKind::Advance;
            e.1 |= advance;
            if !advance && p.paid_on < part.delivery.period_end {
                out.error(
                    rules::DATE_ORDER,
                    RecordType::Payment,
                    &p.id,
                    format!(
                        "paid {} before the end of delivery {} ({})",
                        p.paid_on, part.delivery.id, part.delivery.period_end
                    ),
                );
            }
            // Closing an order releases what it left unpaid (désengagement): nothing
            // can be paid on it afterwards, the AE are gone.
            if let Some(closed) = part.order.closed_on.filter(|c| p.paid_on > *c) {
                out.error(
                    rules::DATE_ORDER,
                    RecordType::Payment,
                    &p.id,
                    format!(
                        "paid {} after order {} was closed {}: closing an order releases its unpaid AE, so close it after its last payment",
                        p.paid_on, part.order.id, closed
                    ),
                );
            }
        }
    }
    paid
}

/// `delivery-exceeds-order`, and `payment-exceeds-delivery` of payments above an
/// order's gross amount.
fn order_consumption(out: &mut Out<'_>, delivered: &DeliveredByOrder<'_>, paid: &PaidByOrder<'_>) {
    let b = out.budget;
    for o in &b.orders {
        let Ok(t) = o.totals(b.currency) else {
            continue;
        };
        let (nets, grosses) = delivered.get(o.id.as_str()).cloned().unwrap_or_default();
        let Some(net) = sum(out, RecordType::Order, &o.id, &nets) else {
            continue;
        };
        if sum(out, RecordType::Order, &o.id, &grosses).is_none() {
            continue;
        }
        if net.amount() > t.net.amount() {
            out.error(
                rules::DELIVERY_EXCEEDS_ORDER,
                RecordType::Order,
                &o.id,
                format!("service fait {net} (net) exceeds the order {} (net)", t.net),
            );
        }
        // Service fait is checked per delivery and at each payment's date by
        // `service_fait`; here only the order's own amount.
        let (pays, _) = paid.get(o.id.as_str()).cloned().unwrap_or_default();
        let Some(p) = sum(out, RecordType::Order, &o.id, &pays) else {
            continue;
        };
        if p.amount() > t.gross.amount() {
            out.error(
                rules::PAYMENT_EXCEEDS_DELIVERY,
                RecordType::Order,
                &o.id,
                format!("payments {p} exceed the order {} (gross)", t.gross),
            );
        }
    }
}

/// `contract-ceiling`: the orders of a framework contract above its ceiling, both
/// excluding VAT (HT), as ceilings are written in contracts.
fn contract_ceilings(out: &mut Out<'_>) {
    let b = out.budget;
    let mut by_contract: HashMap<&str, Vec<Money>> = HashMap::new();
    for o in &b.orders {
        if let Ok(t) = o.totals(b.currency) {
            by_contract
                .entry(o.contract.as_str())
                .or_default()
                .push(t.net);
        }
    }
    for c in &b.contracts {
        let Some(ceiling) = c.ceiling else { continue };
        let nets = by_contract.get(c.id.as_str()).cloned().unwrap_or_default();
        let Some(total) = sum(out, RecordType::Contract, &c.id, &nets) else {
            continue;
        };
        if total.amount() > ceiling.amount() {
            out.error(
                rules::CONTRACT_CEILING,
                RecordType::Contract,
                &c.id,
                format!("orders {total} (excl. VAT) exceed the ceiling {ceiling} (excl. VAT)"),
            );
        }
    }
}

fn agreements(out: &mut Out<'_>) {
    let b = out.budget;
    let mut by_agreement: HashMap<&str, Vec<&crate::model::PurchaseOrder>> = HashMap::new();
    for o in &b.orders {
        if let Some(a) = &o.agreement {
            by_agreement.entry(a.as_str()).or_default().push(o);
        }
    }
    for a in &b.agreements {
        let received: Vec<Money> = a
            .tranches
            .iter()
            .map(crate::model::Tranche::received)
            .collect();
        if let Some(r) = sum(out, RecordType::Agreement, &a.id, &received)
            && r.amount() > a.amount.amount()
            && a.overfunding != Overfunding::Allowed
        {
            out.error(
                rules::AGREEMENT_OVERFUNDED,
                RecordType::Agreement,
                &a.id,
                format!("received {r} exceeds the amount {}", a.amount),
            );
        }
        let funded = by_agreement.get(a.id.as_str()).cloned().unwrap_or_default();
        let grosses: Vec<Money> = funded
            .iter()
            .filter_map(|o| o.totals(b.currency).ok())
            .map(|t| t.gross)
            .collect();
        if let Some(g) = sum(out, RecordType::Agreement, &a.id, &grosses)
            && g.amount() > a.amount.amount()
        {
            out.error(
                rules::AGREEMENT_OVERCOMMITTED,
                RecordType::Agreement,
                &a.id,
                format!("orders funded by it {g} exceed its amount {}", a.amount),
            );
        }
        if let Some(deadline) = a.engagement_deadline {
            let late: Vec<(String, chrono::NaiveDate)> = funded
                .iter()
                .filter(|o| o.issued_on > deadline)
                .map(|o| (o.id.clone(), o.issued_on))
                .collect();
            for (id, on) in late {
                out.error(
                    rules::ORDER_AFTER_DEADLINE,
                    RecordType::Order,
                    &id,
                    format!(
                        "issued {on} after the engagement deadline {deadline} of agreement {}",
                        a.id
                    ),
                );
            }
        }
    }
}

/// One payment's share on a delivery of an order, in the order payments are
/// checked: by date, then as listed.
struct Share<'a> {
    on: chrono::NaiveDate,
    rank: usize,
    payment: &'a crate::model::Payment,
    delivery: &'a crate::model::Delivery,
    amount: Money,
}

/// Service fait at each payment's date, per order: `payment-exceeds-delivery`
/// (settlements on a delivery above its TTC), `paid-exceeds-certified`
/// (settlements up to a date above the service fait certified by then),
/// `advance-cap` and `advance-not-recovered`. Located at the payment.
fn service_fait(out: &mut Out<'_>, terms: &PaymentTerms) {
    let b = out.budget;
    let mut shares: BTreeMap<&str, Vec<Share<'_>>> = BTreeMap::new();
    for (rank, p) in b.payments.iter().enumerate() {
        let Ok(parts) = out.index.payment_parts(p) else {
            continue;
        };
        for part in parts {
            shares
                .entry(part.order.id.as_str())
                .or_default()
                .push(Share {
                    on: p.paid_on,
                    rank,
                    payment: p,
                    delivery: part.delivery,
                    amount: part.amount,
                });
        }
    }
    // Service fait per order (period end, TTC) and per delivery (TTC).
    let mut certified: HashMap<&str, Vec<(chrono::NaiveDate, Money)>> = HashMap::new();
    let mut ttc: HashMap<&str, Money> = HashMap::new();
    for d in &b.deliveries {
        if let Ok(Some((t, o))) = out.index.delivery_totals(d) {
            certified
                .entry(o.id.as_str())
                .or_default()
                .push((d.period_end, t.gross));
            ttc.entry(d.id.as_str()).or_insert(t.gross);
        }
    }
    for (order, mut list) in shares {
        list.sort_by_key(|s| (s.on, s.rank));
        let mut certs = certified.remove(order).unwrap_or_default();
        certs.sort_by_key(|c| c.0);
        if let Err(e) = order_service_fait(out, terms, order, &list, &certs, &ttc) {
            out.overflow(RecordType::Order, order, &e);
        }
    }
}

/// The rules of [`service_fait`] on one order's `shares`, sorted by date.
fn order_service_fait(
    out: &mut Out<'_>,
    terms: &PaymentTerms,
    order: &str,
    shares: &[Share<'_>],
    certs: &[(chrono::NaiveDate, Money)],
    ttc: &HashMap<&str, Money>,
) -> crate::error::Result<()> {
    let b = out.budget;
    let Some(o) = out.index.order(order) else {
        return Ok(());
    };
    let gross = o.totals(b.currency)?.gross;
    let cap = Money::rounded(gross.amount().saturating_mul(terms.advance_cap), b.currency)?;
    let threshold = gross.amount().saturating_mul(terms.recovery_threshold);
    let percent = |x: Decimal| x.saturating_mul(Decimal::ONE_HUNDRED).normalize();
    let zero = Money::zero(b.currency);
    let (mut settled, mut advanced, mut cert) = (zero, zero, zero);
    let mut next = 0;
    let mut per_delivery: HashMap<&str, Money> = HashMap::new();
    // (rule, payment, message), reported once per rule and payment.
    let mut found: Vec<(&'static str, &str, String)> = Vec::new();
    for s in shares {
        while let Some((_, g)) = certs.get(next).filter(|c| c.0 <= s.on) {
            cert = cert.checked_add(*g)?;
            next += 1;
        }
        let pid = s.payment.id.as_str();
        if s.payment.kind == PaymentKind::Advance {
            advanced = advanced.checked_add(s.amount)?;
            if advanced.amount() > cap.amount() {
                let msg = format!(
                    "advances on order {order} reach {advanced}, above the cap {cap} ({} % of its gross {gross})",
                    percent(terms.advance_cap)
                );
                found.push((rules::ADVANCE_CAP, pid, msg));
            }
        } else {
            settled = settled.checked_add(s.amount)?;
            let on_delivery = per_delivery.entry(s.delivery.id.as_str()).or_insert(zero);
            *on_delivery = on_delivery.checked_add(s.amount)?;
            let done = ttc.get(s.delivery.id.as_str()).copied().unwrap_or(zero);
            if on_delivery.amount() > done.amount() {
                let msg = format!(
                    "settlements on delivery {} reach {on_delivery}, above its service fait {done} (gross)",
                    s.delivery.id
                );
                found.push((rules::PAYMENT_EXCEEDS_DELIVERY, pid, msg));
            }
            if settled.amount() > cert.amount() {
                let msg = format!(
                    "settlements on order {order} up to {} reach {settled}, above the service fait certified by then {cert} (gross)",
                    s.on
                );
                found.push((rules::PAID_EXCEEDS_CERTIFIED, pid, msg));
            }
        }
        let position = AdvancePosition::of(settled, advanced, cert)?;
        if !position.outstanding.is_zero() && cert.amount() >= threshold {
            let msg = format!(
                "order {order}: service fait {cert} certified by {} is {} % or more of its gross {gross}, yet {} of its advances {advanced} is not recovered",
                s.on,
                percent(terms.recovery_threshold),
                position.outstanding
            );
            found.push((rules::ADVANCE_NOT_RECOVERED, pid, msg));
        }
    }
    let mut said: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (rule, pid, msg) in found {
        if said.insert((rule, pid)) {
            out.error(rule, RecordType::Payment, pid, msg);
        }
    }
    Ok(())
}

/// Invoices: `duplicate-id` and `unknown-reference` of an invoice,
/// `invoice-totals` (HT + VAT ≠ TTC), `invoice-vat-rate` (VAT not at the rate
/// of the service day), `late-payment` (warning at the payment, with the
/// interest and the flat fee) and `invoice-gap` (warning at an order whose
/// invoices do not add up to its TTC).
fn invoices(out: &mut Out<'_>, terms: &PaymentTerms) {
    let b = out.budget;
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut by_order: BTreeMap<&str, Vec<Money>> = BTreeMap::new();
    for p in &b.payments {
        for inv in &p.invoices {
            if !seen.insert(inv.id.as_str()) {
                out.error(
                    rules::DUPLICATE_ID,
                    RecordType::Invoice,
                    &inv.id,
                    format!("appears twice (again in payment {})", p.id),
                );
            }
            let named = inv
                .delivery
                .as_deref()
                .map(|id| (id, out.index.delivery(id)));
            if let Some((id, None)) = named {
                out.error(
                    rules::UNKNOWN_REFERENCE,
                    RecordType::Invoice,
                    &inv.id,
                    format!("unknown delivery `{id}`"),
                );
            }
            // The delivery it bills, else (none named, or an unknown one) the
            // payment's first known delivery.
            let delivery = named
                .and_then(|(_, d)| d)
                .or_else(|| p.deliveries.iter().find_map(|id| out.index.delivery(id)));
            let order = delivery.and_then(|d| out.index.order(&d.order));
            if let Some(o) = order {
                by_order
                    .entry(o.id.as_str())
                    .or_default()
                    .push(inv.amount_gross);
            }
            let service_on = inv.service_on.or(delivery.map(|d| d.period_end));
            invoice_amounts(out, inv, order, service_on);
            late_payment(out, terms, p, inv, service_on.unwrap_or(inv.received_on));
        }
    }
    invoice_gaps(out, &by_order);
}

/// `invoice-totals` and `invoice-vat-rate` of one invoice.
fn invoice_amounts(
    out: &mut Out<'_>,
    inv: &crate::model::Invoice,
    order: Option<&crate::model::PurchaseOrder>,
    service_on: Option<chrono::NaiveDate>,
) {
    match inv.amount_net.checked_add(inv.vat) {
        Ok(sum) if sum.cents() == inv.amount_gross.cents() => {}
        Ok(sum) => out.error(
            rules::INVOICE_TOTALS,
            RecordType::Invoice,
            &inv.id,
            format!(
                "net {} + VAT {} = {sum}, not its gross {}",
                inv.amount_net, inv.vat, inv.amount_gross
            ),
        ),
        Err(e) => out.overflow(RecordType::Invoice, &inv.id, &e),
    }
    let (Some(on), Some(o)) = (service_on, order) else {
        return;
    };
    let rate = if o.vat_rate.is_zero() {
        Some(Decimal::ZERO)
    } else {
        vat_rate_on(on)
    };
    let Some(rate) = rate else {
        return;
    };
    match inv.amount_net.mul_rounded(rate) {
        Ok(vat) if vat.cents() == inv.vat.cents() => {}
        Ok(vat) => out.error(
            rules::INVOICE_VAT_RATE,
            RecordType::Invoice,
            &inv.id,
            format!(
                "VAT {} is not {vat}, the net {} at {} %, the rate in force on the service day {on}",
                inv.vat,
                inv.amount_net,
                rate.saturating_mul(Decimal::ONE_HUNDRED).normalize()
            ),
        ),
        Err(e) => out.overflow(RecordType::Invoice, &inv.id, &e),
    }
}

/// `late-payment`: `payment` settles `inv` after the payment delay.
fn late_payment(
    out: &mut Out<'_>,
    terms: &PaymentTerms,
    payment: &crate::model::Payment,
    inv: &crate::model::Invoice,
    service_on: chrono::NaiveDate,
) {
    let days = terms.days_late(inv.received_on, service_on, payment.paid_on);
    if days == 0 {
        return;
    }
    let due = terms
        .due_on(inv.received_on, service_on)
        .map_or_else(String::new, |d| format!(" (due {d})"));
    let interest = match terms.late_interest(inv.amount_gross, days) {
        Ok(m) => m.to_string(),
        Err(e) => {
            out.overflow(RecordType::Payment, &payment.id, &e);
            return;
        }
    };
    let fee = Money::new(terms.flat_fee, out.budget.currency)
        .map_or_else(|_| terms.flat_fee.to_string(), |m| m.to_string());
    out.warning(
        rules::LATE_PAYMENT,
        RecordType::Payment,
        &payment.id,
        format!(
            "pays invoice {} on {}, {days} days late{due}: interest {interest} at {} % a year on {}, and the flat fee {fee}",
            inv.id,
            payment.paid_on,
            terms.interest_rate().saturating_mul(Decimal::ONE_HUNDRED).normalize(),
            inv.amount_gross
        ),
    );
}

/// `invoice-gap`: the invoices of an order above its gross amount, or not
/// equal to it once the order is closed or fully delivered.
fn invoice_gaps(out: &mut Out<'_>, by_order: &BTreeMap<&str, Vec<Money>>) {
    let b = out.budget;
    let mut delivered: HashMap<&str, Vec<Money>> = HashMap::new();
    for d in &b.deliveries {
        delivered
            .entry(d.order.as_str())
            .or_default()
            .push(d.amount_net);
    }
    for (order, grosses) in by_order {
        let Some(o) = out.index.order(order) else {
            continue;
        };
        let Ok(t) = o.totals(b.currency) else {
            continue;
        };
        let Some(invoiced) = sum(out, RecordType::Order, order, grosses) else {
            continue;
        };
        let nets = delivered.get(order).map_or(&[][..], Vec::as_slice);
        let done = Money::sum(nets, b.currency).is_ok_and(|n| n.cents() == t.net.cents());
        let gap = invoiced.cents().saturating_sub(t.gross.cents());
        if gap > 0 || (gap != 0 && (done || o.closed_on.is_some())) {
            let amount = Money::from_cents(gap, b.currency)
                .map_or_else(|_| format!("{gap} cents"), |m| m.to_string());
            out.warning(
                rules::INVOICE_GAP,
                RecordType::Order,
                order,
                format!(
                    "invoices total {invoiced} (gross), the order {}: a gap of {amount}",
                    t.gross
                ),
            );
        }
    }
}

/// Partner money by kind and credits at the date they are used: the records of
/// the dated credit movements, `virement-cap`, `state-rebilling`,
/// `unreceived-funds`, `ae-not-available` and `cp-not-available`.
fn partner_money(out: &mut Out<'_>, openings: &Openings<'_>) {
    movement_records(out);
    virement_caps(out);
    state_rebilling(out);
    unreceived_funds(out);
    ae_at_order_dates(out, openings);
    cp_at_payment_dates(out, openings);
}

/// `duplicate-id`, `unknown-reference` and `currency-mismatch` of the dated credit
/// movements, and `unknown-reference` of an agreement's line.
fn movement_records(out: &mut Out<'_>) {
    let b = out.budget;
    let lines: BTreeSet<&str> = b.lines.iter().map(|l| l.id.as_str()).collect();
    let mut seen = BTreeSet::new();
    for m in &b.credit_movements {
        if !seen.insert(m.id.as_str()) {
            out.error(
                rules::DUPLICATE_ID,
                RecordType::CreditMovement,
                &m.id,
                "the id is used twice; ids must be unique".into(),
            );
        }
        if !lines.contains(m.line.as_str()) {
            out.error(
                rules::UNKNOWN_REFERENCE,
                RecordType::CreditMovement,
                &m.id,
                format!("no line with id `{}`", m.line),
            );
        }
        if m.ae.currency() != b.currency || m.cp.currency() != b.currency {
            out.error(
                rules::CURRENCY_MISMATCH,
                RecordType::CreditMovement,
                &m.id,
                format!("amount not in {}", b.currency),
            );
        }
    }
    for a in &b.agreements {
        if let Some(l) = &a.line
            && !lines.contains(l.as_str())
        {
            out.error(
                rules::UNKNOWN_REFERENCE,
                RecordType::Agreement,
                &a.id,
                format!("no line with id `{l}`"),
            );
        }
    }
}

/// A programme and a year, and whether the scope is the programme's titre 2 (staff)
/// lines alone (`true`) or all its lines.
type VirementScope<'a> = (&'a str, FiscalYear, bool);

/// `virement-cap` (LOLF art. 12 I): per programme and year, the AE and the CP moved by
/// its virements (in and out alike, cumulated in date order, then file order) above
/// [`VIREMENT_CAP_PERCENT`] of the AE or CP opened on it by the finance law of the
/// year (the initial credits of its lines); and the same on its titre 2 lines alone,
/// against their own initial credits. Reported at the virement that takes the
/// cumulated amount above the cap, and at every later one of the year. A programme with no credits recorded for the year
/// is not judged; transferts are not capped.
fn virement_caps(out: &mut Out<'_>) {
    let b = out.budget;
    let group_of = programme_groups(b);
    // Initial AE and CP per scope, in cents.
    let mut base: HashMap<VirementScope<'_>, (i128, i128)> = HashMap::new();
    for c in &b.credits {
        let Some(&(programme, staff)) = group_of.get(c.line.as_str()) else {
            continue;
        };
        let add = (
            i128::from(c.ae_initial.cents()),
            i128::from(c.cp_initial.cents()),
        );
        for scope in [(programme, c.year, false), (programme, c.year, true)] {
            let slot = base.entry(scope).or_default();
            if staff || !scope.2 {
                *slot = (slot.0 + add.0, slot.1 + add.1);
            }
        }
    }
    let mut virements: Vec<(usize, &crate::model::CreditMovement)> = b
        .credit_movements
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == crate::model::MovementKind::Virement)
        .collect();
    virements.sort_by_key(|(i, m)| (m.date, *i));
    let mut moved: HashMap<VirementScope<'_>, (i128, i128)> = HashMap::new();
    let mut found = Vec::new();
    for (_, m) in virements {
        let Some(&(programme, staff)) = group_of.get(m.line.as_str()) else {
            continue; // `unknown-reference` says it
        };
        let year = FiscalYear::of(m.date);
        let mut over = Vec::new();
        for scope in [(programme, year, false), (programme, year, true)] {
            let Some(&initial) = base.get(&scope).filter(|_| staff || !scope.2) else {
                continue;
            };
            let slot = moved.entry(scope).or_default();
            *slot = (
                slot.0 + i128::from(m.ae.cents()),
                slot.1 + i128::from(m.cp.cents()),
            );
            over.extend(over_virement_cap(scope, *slot, initial, b.currency));
        }
        if !over.is_empty() {
            found.push((m.id.as_str(), over.join("; ")));
        }
    }
    for (id, msg) in found {
        out.error(
            rules::VIREMENT_CAP,
            RecordType::CreditMovement,
            id,
            format!("{msg} (LOLF art. 12 I); only a finance law can go beyond the cap"),
        );
    }
}

/// What the virements of a `scope`, cumulated (`moved`: AE, CP in cents), take above
/// the cap on its `initial` credits (AE, CP in cents), one phrase per kind of credit.
fn over_virement_cap(
    (programme, year, staff): VirementScope<'_>,
    moved: (i128, i128),
    initial: (i128, i128),
    c: crate::money::Currency,
) -> Vec<String> {
    let pct = i128::from(VIREMENT_CAP_PERCENT);
    let titre = if staff { " (titre 2)" } else { "" };
    [("AE", moved.0, initial.0), ("CP", moved.1, initial.1)]
        .into_iter()
        .filter(|(_, used, init)| used.saturating_mul(100) > init.saturating_mul(pct))
        .map(|(name, used, init)| {
            format!(
                "{name} moved by virements on programme {programme}{titre} in {year} reach {}, above {pct} % of its {name} opened by the finance law of the year ({})",
                format_cents(used, c),
                format_cents(init, c),
            )
        })
        .collect()
}

/// `state-rebilling`: a refacturation to a State service (central administration
/// or deconcentrated service). State operators are legal persons of their own: they
/// may be billed.
fn state_rebilling(out: &mut Out<'_>) {
    let b = out.budget;
    for a in &b.agreements {
        if a.kind != AgreementKind::Rebilling {
            continue;
        }
        let Some(org) = b.organisation(&a.partner) else {
            continue;
        };
        let what = match org.kind {
            OrganisationKind::CentralAdministration => "a central administration",
            OrganisationKind::DeconcentratedService => "a deconcentrated State service",
            _ => continue,
        };
        out.error(
            rules::STATE_REBILLING,
            RecordType::Agreement,
            &a.id,
            format!(
                "rebilling {} ({what}) is refused: the State is one legal person and does not bill itself; use a délégation de gestion (kind `delegated-management`, décret 2004-1085), a transfert de crédits (`credit-transfer` or a `[[credit_movements]]` record, LOLF art. 12), or for a service rendered a rétablissement de crédits (LOLF art. 17 IV); a fonds de concours or an attribution de produits (`pooled-fund`, `attribution-of-proceeds`, LOLF art. 17 II and III) is money from another legal person, such as a State operator",
                a.partner
            ),
        );
    }
}

/// Uses of one agreement's money, each `(date, file order, record id, cents)`.
type Uses<'a> = Vec<(chrono::NaiveDate, usize, &'a str, i128)>;

/// The uses that go past what was received by their date, taken in date order
/// (then file order); a use refused is not counted. Returns `(id, used before,
/// received by then, amount)` of each refused use.
fn past_receipts<'a>(
    receipts: &[(chrono::NaiveDate, i128)],
    mut uses: Uses<'a>,
) -> Vec<(&'a str, i128, i128, i128)> {
    uses.sort_by_key(|u| (u.0, u.1));
    let mut used = 0i128;
    let mut refused = Vec::new();
    for (date, _, id, cents) in uses {
        let received: i128 = receipts.iter().filter(|r| r.0 <= date).map(|r| r.1).sum();
        if used + cents > received {
            refused.push((id, used, received, cents));
        } else {
            used += cents;
        }
    }
    refused
}

/// `unreceived-funds`: the orders (AE) and payments (CP) funded by a fonds de
/// concours or an attribution de produits, in date order, beyond what it received
/// by their date (LOLF art. 17 II: credits open only for money received).
fn unreceived_funds(out: &mut Out<'_>) {
    let b = out.budget;
    let c = b.currency;
    let mut orders: BTreeMap<&str, Uses<'_>> = BTreeMap::new();
    let mut payments: BTreeMap<&str, Uses<'_>> = BTreeMap::new();
    let receipt_kind: BTreeSet<&str> = b
        .agreements
        .iter()
        .filter(|a| a.kind.opens_on_receipt())
        .map(|a| a.id.as_str())
        .collect();
    for (i, o) in b.orders.iter().enumerate() {
        let Some(a) = o.agreement.as_deref().filter(|a| receipt_kind.contains(a)) else {
            continue;
        };
        if let Ok(t) = o.totals(c) {
            let uses = orders.entry(a).or_default();
            uses.push((o.issued_on, i, o.id.as_str(), i128::from(t.gross.cents())));
        }
    }
    for (i, p) in b.payments.iter().enumerate() {
        let Ok(parts) = out.index.payment_parts(p) else {
            continue;
        };
        let mut by_agreement: BTreeMap<&str, i128> = BTreeMap::new();
        for part in parts {
            if let Some(a) = part
                .order
                .agreement
                .as_deref()
                .filter(|a| receipt_kind.contains(a))
            {
                *by_agreement.entry(a).or_default() += i128::from(part.amount.cents());
            }
        }
        for (a, cents) in by_agreement {
            payments
                .entry(a)
                .or_default()
                .push((p.paid_on, i, p.id.as_str(), cents));
        }
    }
    let mut found = Vec::new();
    for a in b.agreements.iter().filter(|a| a.kind.opens_on_receipt()) {
        let receipts: Vec<(chrono::NaiveDate, i128)> = a
            .receipts()
            .map(|(_, d, m)| (d, i128::from(m.cents())))
            .collect();
        for (rt, what, uses) in [
            (RecordType::Order, "AE", orders.remove(a.id.as_str())),
            (RecordType::Payment, "CP", payments.remove(a.id.as_str())),
        ] {
            for (id, used, received, cents) in past_receipts(&receipts, uses.unwrap_or_default()) {
                found.push((rt, id, format!(
                    "{what} {} funded by {} `{}` exceed what it received by then: {} received, {} already used",
                    format_cents(cents, c),
                    match a.kind {
                        AgreementKind::AttributionOfProceeds => "attribution de produits",
                        _ => "fonds de concours",
                    },
                    a.id,
                    format_cents(received, c),
                    format_cents(used, c),
                )));
            }
        }
    }
    for (rt, id, msg) in found {
        out.error(rules::UNRECEIVED_FUNDS, rt, id, msg);
    }
}

/// `ae-not-available`: each order, in date order (then file order) on its line,
/// against the AE available at its date: the credits of the year, plus the
/// movements and partner money opened up to that date, minus the orders engaged
/// before it (an order refused is not counted) plus the AE released by the orders
/// closed before it. Orders of a délégation de gestion are charged to the
/// delegating programme and left out.
fn ae_at_order_dates(out: &mut Out<'_>, openings: &Openings<'_>) {
    let b = out.budget;
    let mut groups = movement_out_events(b, Credit::Ae);
    order_events(b, openings, &mut groups);
    release_events(out, openings, &mut groups);
    for (rt, id, msg) in walk_groups(b, openings, Credit::Ae, groups) {
        out.error(rules::AE_NOT_AVAILABLE, rt, id, msg);
    }
}

/// `cp-not-available`: each payment's share on a line, in date order (then file
/// order), against the CP available on the line at its date: the credits of the
/// year, plus the movements and partner money opened up to that date (a movement
/// out of a day is taken before that day's payments), minus the payments of the
/// year made before it (a payment refused is not counted). Payments on orders of a
/// délégation de gestion use the delegating programme's CP and are left out.
fn cp_at_payment_dates(out: &mut Out<'_>, openings: &Openings<'_>) {
    let b = out.budget;
    let mut groups = movement_out_events(b, Credit::Cp);
    payment_events(out, openings, &mut groups);
    for (rt, id, msg) in walk_groups(b, openings, Credit::Cp, groups) {
        out.error(rules::CP_NOT_AVAILABLE, rt, id, msg);
    }
}

/// Which credits a walk over a line's dated events counts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Credit {
    /// Autorisations d'engagement, used by orders.
    Ae,
    /// Crédits de paiement, used by payments.
    Cp,
}

impl Credit {
    fn name(self) -> &'static str {
        match self {
            Credit::Ae => "AE",
            Credit::Cp => "CP",
        }
    }

    /// What a use does to the credits, and what the uses are.
    fn verb_and_uses(self) -> (&'static str, &'static str) {
        match self {
            Credit::Ae => ("engaged", "orders"),
            Credit::Cp => ("paid", "payments"),
        }
    }

    /// The record type of a use.
    fn user(self) -> RecordType {
        match self {
            Credit::Ae => RecordType::Order,
            Credit::Cp => RecordType::Payment,
        }
    }

    /// The credits of a credits record (undated: the whole year).
    fn of_year(self, c: &Credits) -> crate::error::Result<Money> {
        match self {
            Credit::Ae => c.ae_available(),
            Credit::Cp => c.cp_available(),
        }
    }

    /// The credits opened on `line` in the year of `date` up to `date`.
    fn opened(self, openings: &Openings<'_>, line: &str, date: chrono::NaiveDate) -> i128 {
        match self {
            Credit::Ae => openings.ae_at(line, date),
            Credit::Cp => openings.cp_at(line, date),
        }
    }
}

/// A refused use or movement out: record type, id, message.
type Refusal<'a> = (RecordType, &'a str, String);

/// Walks the events of each line and year against the credits available then:
/// the year's credits record (the first one), or nothing when the line has none
/// but credits opened during the year; a line and year with neither is left to
/// `no-credits`.
fn walk_groups<'a>(
    b: &Budget,
    openings: &Openings<'_>,
    credit: Credit,
    groups: BTreeMap<(&'a str, FiscalYear), Vec<CreditEvent<'a>>>,
) -> Vec<Refusal<'a>> {
    let mut base: HashMap<(&str, FiscalYear), i128> = HashMap::new();
    for cr in &b.credits {
        if let Ok(a) = credit.of_year(cr) {
            base.entry((cr.line.as_str(), cr.year))
                .or_insert(i128::from(a.cents()));
        }
    }
    let mut found = Vec::new();
    for ((line, year), events) in groups {
        let opened_in_year = openings.of_line(line).iter().any(|o| year.contains(o.date));
        let Some(initial) = base
            .get(&(line, year))
            .copied()
            .or(opened_in_year.then_some(0))
        else {
            continue; // `no-credits` says it
        };
        let walk = Walk {
            credit,
            line,
            initial,
            currency: b.currency,
        };
        found.extend(walk.run(openings, events));
    }
    found
}

/// One line and year's walk: the credits counted, and those of the year.
struct Walk<'w> {
    credit: Credit,
    line: &'w str,
    /// The year's credits record, in cents.
    initial: i128,
    currency: crate::money::Currency,
}

impl Walk<'_> {
    /// The events in date order, then rank, then file order: a use that goes past
    /// what is available by its date is refused (and not counted), a movement out
    /// that leaves less than what is already used is reported, a release gives back
    /// what an accepted use left unused.
    fn run<'a>(
        &self,
        openings: &Openings<'_>,
        mut events: Vec<CreditEvent<'a>>,
    ) -> Vec<Refusal<'a>> {
        events.sort_by_key(|e| (e.date, e.rank, e.index));
        let (name, line, c) = (self.credit.name(), self.line, self.currency);
        let (verb, uses) = self.credit.verb_and_uses();
        let mut used = 0i128;
        // Uses counted (a refused use engages nothing and releases nothing).
        let mut accepted: HashSet<&str> = HashSet::new();
        let mut found = Vec::new();
        for e in events {
            let available = self.initial + self.credit.opened(openings, line, e.date);
            let date = e.date;
            if e.rank == CreditEvent::RELEASE || e.rank == CreditEvent::RELEASE_AFTER_USES {
                if accepted.contains(e.id) {
                    used -= e.cents;
                }
            } else if e.rank == CreditEvent::MOVEMENT_OUT {
                if used > available {
                    found.push((RecordType::CreditMovement, e.id, format!(
                        "takes {} of {name} from line {line} on {date}, leaving {} open for {} already {verb}",
                        format_cents(e.cents, c),
                        format_cents(available, c),
                        format_cents(used, c),
                    )));
                }
            } else if used + e.cents > available {
                found.push((self.credit.user(), e.id, format!(
                    "{} exceeds the {name} available on line {line} on {date}: {} opened by then, {} {verb} by earlier {uses}, {} left",
                    format_cents(e.cents, c),
                    format_cents(available, c),
                    format_cents(used, c),
                    format_cents(available - used, c),
                )));
            } else {
                used += e.cents;
                accepted.insert(e.id);
            }
        }
        found
    }
}

/// Adds to `groups` the release of every order closed in the year it was
/// issued: closing gives its unused AE back (désengagement) from its closing
/// date.
fn release_events<'a>(
    out: &Out<'a>,
    openings: &Openings<'_>,
    groups: &mut BTreeMap<(&'a str, FiscalYear), Vec<CreditEvent<'a>>>,
) {
    for (index, r) in crate::year_change::releases(&out.index, None)
        .into_iter()
        .enumerate()
    {
        let (Some(line), Some(closed)) = (r.order.line.as_deref(), r.order.closed_on) else {
            continue;
        };
        if !r.reopens_ae || openings.is_delegated(&r.order.id) {
            continue;
        }
        groups
            .entry((line, FiscalYear::of(closed)))
            .or_default()
            .push(CreditEvent {
                date: closed,
                // An order closed the day it was issued is released after it is counted.
                rank: if closed == r.order.issued_on {
                    CreditEvent::RELEASE_AFTER_USES
                } else {
                    CreditEvent::RELEASE
                },
                index,
                id: r.order.id.as_str(),
                cents: i128::from(r.amount.cents()),
            });
    }
}

/// What changes the AE or CP left on a line: the release of a closed order, a
/// movement out (both before the uses of their day), or a use (an order, a
/// payment's share on the line).
struct CreditEvent<'a> {
    date: chrono::NaiveDate,
    /// [`CreditEvent::RELEASE`], [`CreditEvent::MOVEMENT_OUT`],
    /// [`CreditEvent::USE`] or [`CreditEvent::RELEASE_AFTER_USES`]: the order of
    /// events on a day.
    rank: u8,
    /// Place in its table, for events of the same day and rank.
    index: usize,
    id: &'a str,
    /// Credits released (closing), taken (movement) or used, in cents.
    cents: i128,
}

impl CreditEvent<'_> {
    const RELEASE: u8 = 0;
    const MOVEMENT_OUT: u8 = 1;
    const USE: u8 = 2;
    const RELEASE_AFTER_USES: u8 = 3;
}

/// The credit movements out of each line and year, with their AE or CP.
fn movement_out_events(
    b: &Budget,
    credit: Credit,
) -> BTreeMap<(&str, FiscalYear), Vec<CreditEvent<'_>>> {
    let mut groups: BTreeMap<(&str, FiscalYear), Vec<CreditEvent<'_>>> = BTreeMap::new();
    for (index, m) in b.credit_movements.iter().enumerate() {
        if m.direction != crate::model::Direction::Out {
            continue;
        }
        let moved = match credit {
            Credit::Ae => m.ae,
            Credit::Cp => m.cp,
        };
        let e = CreditEvent {
            date: m.date,
            rank: CreditEvent::MOVEMENT_OUT,
            index,
            id: m.id.as_str(),
            cents: i128::from(moved.cents()),
        };
        groups
            .entry((m.line.as_str(), FiscalYear::of(e.date)))
            .or_default()
            .push(e);
    }
    groups
}

/// Adds to `groups` the orders of each line and year (those of a délégation de
/// gestion aside), for their gross.
fn order_events<'a>(
    b: &'a Budget,
    openings: &Openings<'_>,
    groups: &mut BTreeMap<(&'a str, FiscalYear), Vec<CreditEvent<'a>>>,
) {
    for (index, o) in b.orders.iter().enumerate() {
        let (Some(line), Ok(t)) = (o.line.as_deref(), o.totals(b.currency)) else {
            continue;
        };
        if openings.is_delegated(&o.id) {
            continue;
        }
        let e = CreditEvent {
            date: o.issued_on,
            rank: CreditEvent::USE,
            index,
            id: o.id.as_str(),
            cents: i128::from(t.gross.cents()),
        };
        groups
            .entry((line, FiscalYear::of(e.date)))
            .or_default()
            .push(e);
    }
}

/// Adds to `groups` each payment's share on each line (its parts on the orders of
/// the line summed; those on orders of a délégation de gestion aside). Payments
/// that cannot be split are left out (`overflow` says it).
fn payment_events<'a>(
    out: &Out<'a>,
    openings: &Openings<'_>,
    groups: &mut BTreeMap<(&'a str, FiscalYear), Vec<CreditEvent<'a>>>,
) {
    for (index, p) in out.budget.payments.iter().enumerate() {
        let Ok(parts) = out.index.payment_parts(p) else {
            continue;
        };
        let mut by_line: BTreeMap<&'a str, i128> = BTreeMap::new();
        for part in parts.iter().filter(|x| !openings.is_delegated(&x.order.id)) {
            if let Some(line) = part.order.line.as_deref() {
                *by_line.entry(line).or_default() += i128::from(part.amount.cents());
            }
        }
        for (line, cents) in by_line {
            groups
                .entry((line, FiscalYear::of(p.paid_on)))
                .or_default()
                .push(CreditEvent {
                    date: p.paid_on,
                    rank: CreditEvent::USE,
                    index,
                    id: p.id.as_str(),
                    cents,
                });
        }
    }
}

/// The ids of the titre 2 (staff) budget lines.
fn staff_lines(b: &Budget) -> BTreeSet<&str> {
    b.lines
        .iter()
        .filter(|l| l.title == Title::Staff)
        .map(|l| l.id.as_str())
        .collect()
}

/// The year change (LOLF art. 15 II): `carry-over-staff-ae` (AE carried over onto a
/// titre 2 line), `carry-over-exceeds-available` (AE or CP carried into a year above
/// what the line had left at the end of the previous one, its credits opened during
/// the year counted, when that year's credits are recorded), and [`carry_over_caps`].
fn year_change(out: &mut Out<'_>, openings: &Openings<'_>) {
    let b = out.budget;
    let consumed = crate::year_change::consumption(&out.index);
    let staff = staff_lines(b);
    let mut by_line_year: HashMap<(&str, FiscalYear), &Credits> = HashMap::new();
    for c in &b.credits {
        by_line_year.entry((c.line.as_str(), c.year)).or_insert(c);
    }
    for c in &b.credits {
        let id = format!("{}/{}", c.line, c.year);
        if staff.contains(c.line.as_str()) && !c.ae_carried_over_in.is_zero() {
            out.error(
                rules::CARRY_OVER_STAFF_AE,
                RecordType::Credits,
                &id,
                format!(
                    "AE carried over {} onto a titre 2 (staff) line; carried-over AE can never raise staff credits (LOLF art. 15 II)",
                    c.ae_carried_over_in
                ),
            );
        }
        let Some(prev) = c
            .year
            .0
            .checked_sub(1)
            .and_then(|y| by_line_year.get(&(c.line.as_str(), FiscalYear(y))).copied())
        else {
            continue;
        };
        let end = match crate::year_change::year_end(
            prev,
            consumed.get(&(prev.line.as_str(), prev.year)).copied(),
            openings,
        ) {
            Ok(end) => end,
            Err(e) => {
                out.overflow(RecordType::Credits, &id, &e);
                continue;
            }
        };
        for (kind, carried, left) in [
            ("AE", c.ae_carried_over_in, end.ae_left),
            ("CP", c.cp_carried_over_in, end.cp_left),
        ] {
            if carried.amount() > left.amount().max(Decimal::ZERO) {
                out.error(
                    rules::CARRY_OVER_EXCEEDS_AVAILABLE,
                    RecordType::Credits,
                    &id,
                    format!(
                        "{kind} carried over {carried} exceed what line {} had left at the end of {}: {left}",
                        prev.line, prev.year
                    ),
                );
            }
        }
    }
    carry_over_caps(out);
}

/// Each line's programme, and whether it is a titre 2 (staff) line.
fn programme_groups(b: &Budget) -> HashMap<&str, (&str, bool)> {
    b.lines
        .iter()
        .map(|l| {
            (
                l.id.as_str(),
                (l.programme.as_str(), l.title == Title::Staff),
            )
        })
        .collect()
}

/// A programme, whether its titre 2 (staff) lines or its other lines, and a year.
type CapKey<'a> = (&'a str, bool, FiscalYear);

/// CP carried into a year, summed per programme and titre group of the budget lines.
struct CapGroup<'a> {
    /// The first credits record of the year carrying CP in (where the warning goes).
    first: &'a Credits,
    carried: Vec<Money>,
}

/// `carry-over-cap`: per programme, the CP carried into a year on its titre 2 lines,
/// and on its other lines together, above the cap rate of the previous year
/// ([`crate::year_change::cp_carry_over_cap_rate`]) times the initial CP of the same
/// lines in that year, plus the fonds de concours opened on them then (carried
/// outside the cap, LOLF art. 15 III). A warning: a finance law can lift the cap.
///
/// `carry-over-staff-cp`: from [`crate::year_change::STAFF_CP_CARRY_OVER_BANNED_FROM`]
/// on, titre 2 CP carried into a year above the fonds de concours opened on the
/// programme's titre 2 lines the year before: an error, since no finance law can
/// lift a ban of the organic law.
fn carry_over_caps(out: &mut Out<'_>) {
    let b = out.budget;
    let group_of = programme_groups(b);
    let mut carried: BTreeMap<CapKey<'_>, CapGroup<'_>> = BTreeMap::new();
    let mut base: BTreeMap<CapKey<'_>, (Vec<Money>, Vec<Money>)> = BTreeMap::new();
    for c in &b.credits {
        let Some(&(programme, staff)) = group_of.get(c.line.as_str()) else {
            continue;
        };
        let slot = base.entry((programme, staff, c.year)).or_default();
        slot.0.push(c.cp_initial);
        slot.1.push(c.pooled_funds);
        if !c.cp_carried_over_in.is_zero() {
            carried
                .entry((programme, staff, c.year))
                .or_insert_with(|| CapGroup {
                    first: c,
                    carried: Vec::new(),
                })
                .carried
                .push(c.cp_carried_over_in);
        }
    }
    for ((programme, staff, year), g) in carried {
        let Some(prev) = year.0.checked_sub(1).map(FiscalYear) else {
            continue;
        };
        let Some((initial, pooled)) = base.get(&(programme, staff, prev)) else {
            continue;
        };
        let id = format!("{}/{}", g.first.line, g.first.year);
        let (Some(total), Some(initial), Some(pooled)) = (
            sum(out, RecordType::Credits, &id, &g.carried),
            sum(out, RecordType::Credits, &id, initial),
            sum(out, RecordType::Credits, &id, pooled),
        ) else {
            continue;
        };
        if staff && crate::year_change::staff_cp_carry_over_banned(year) {
            // Since the organic law 2021-1836, titre 2 CP carry over only as far as
            // they come from fonds de concours (LOLF art. 15 II 1° and III).
            if total.amount() > pooled.amount() {
                out.error(
                    rules::CARRY_OVER_STAFF_CP,
                    RecordType::Credits,
                    &id,
                    format!(
                        "CP carried over into programme {programme} (titre 2) {total} exceed its {prev} fonds de concours on titre 2 {pooled}: from {} on, titre 2 CP carry over only as far as they were opened by fonds de concours (LOLF art. 15 II 1° and III, as amended by the organic law 2021-1836)",
                        crate::year_change::STAFF_CP_CARRY_OVER_BANNED_FROM.0
                    ),
                );
            }
            continue;
        }
        let rate = crate::year_change::cp_carry_over_cap_rate(prev);
        let cap = initial.amount() * rate + pooled.amount();
        if total.amount() > cap {
            let titles = if staff {
                "titre 2"
            } else {
                "titres other than 2"
            };
            out.warning(
                rules::CARRY_OVER_CAP,
                RecordType::Credits,
                &id,
                format!(
                    "CP carried over into programme {programme} ({titles}) {total} exceed {} % of its {prev} initial CP {initial} plus its fonds de concours {pooled} (LOLF art. 15 II and III); a finance law can lift the cap",
                    (rate * Decimal::ONE_HUNDRED).normalize()
                ),
            );
        }
    }
}

/// The order's life: `order-no-line` (an order consumes AE and CP on a budget line,
/// so it must name one) and `order-staff-line` (an order on a framework contract
/// buys services or supplies: never on a titre 2, staff, line).
fn order_life(out: &mut Out<'_>) {
    let b = out.budget;
    let staff = staff_lines(b);
    for o in &b.orders {
        match &o.line {
            None => out.error(
                rules::ORDER_NO_LINE,
                RecordType::Order,
                &o.id,
                "names no budget line (`line`): its AE and CP are charged to none".into(),
            ),
            Some(l) if staff.contains(l.as_str()) => out.error(
                rules::ORDER_STAFF_LINE,
                RecordType::Order,
                &o.id,
                format!(
                    "is charged to line {l}, a titre 2 (staff) line; an order on a framework contract buys services or supplies (titre 3, 5 or 6)"
                ),
            ),
            Some(_) => {}
        }
    }
}
