//! Checks of a [`Budget`] against the domain invariants. Every breach is a
//! [`Diagnostic`] (never a panic), located in the budget file when the record
//! came from one.
//!
//! Rules: the stable ids of [`crate::rules`], each with its description.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use betagouv_portfolio::{Diagnostic, Portfolio, Severity, StartupId};
use rust_decimal::Decimal;

use crate::error::Error;
use crate::flows::Index;
use crate::model::{Budget, Credits, FiscalYear, Overfunding, PaymentKind, RecordType, Title};
use crate::money::{Money, vat_rate_on};
use crate::rules;

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
    let mut out = Out {
        budget,
        index: Index::new(budget),
        diags: Vec::new(),
    };
    duplicates(&mut out);
    currencies(&mut out);
    references(&mut out, portfolio);
    credits(&mut out);
    orders(&mut out);
    agreements(&mut out);
    year_change(&mut out);
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

fn credits(out: &mut Out<'_>) {
    let b = out.budget;
    // AE consumed per (line, year): gross of orders issued in the year.
    let mut ae: BTreeMap<(String, FiscalYear), Vec<Money>> = BTreeMap::new();
    let mut cp: BTreeMap<(String, FiscalYear), Vec<Money>> = BTreeMap::new();
    let mut overflows = Vec::new();
    for o in &b.orders {
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
                for part in parts {
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
                c.ae_available()
            } else {
                c.cp_available()
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
        }
    }
    paid
}

/// `delivery-exceeds-order` and `payment-exceeds-delivery` of each order.
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
        let Some(gross) = sum(out, RecordType::Order, &o.id, &grosses) else {
            continue;
        };
        if net.amount() > t.net.amount() {
            out.error(
                rules::DELIVERY_EXCEEDS_ORDER,
                RecordType::Order,
                &o.id,
                format!("service fait {net} (net) exceeds the order {} (net)", t.net),
            );
        }
        let (pays, advance) = paid.get(o.id.as_str()).cloned().unwrap_or_default();
        let Some(p) = sum(out, RecordType::Order, &o.id, &pays) else {
            continue;
        };
        if p.amount() > gross.amount() && !advance {
            out.error(
                rules::PAYMENT_EXCEEDS_DELIVERY,
                RecordType::Order,
                &o.id,
                format!("payments {p} exceed service fait {gross} (gross)"),
            );
        }
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
/// what the line had left at the end of the previous one, when that year's credits
/// are recorded), and [`carry_over_caps`].
fn year_change(out: &mut Out<'_>) {
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
fn carry_over_caps(out: &mut Out<'_>) {
    let b = out.budget;
    let group_of: HashMap<&str, (&str, bool)> = b
        .lines
        .iter()
        .map(|l| {
            (
                l.id.as_str(),
                (l.programme.as_str(), l.title == Title::Staff),
            )
        })
        .collect();
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
