//! Money is never created or lost; rule breaches are always reported.

use std::path::Path;

use betagouv_funding::allocation::allocate;
use betagouv_funding::check::check;
use betagouv_funding::file::parse_budget;
use betagouv_funding::model::{
    Agreement, AgreementKind, Budget, Credits, Delivery, FiscalYear, FrameworkContract,
    Overfunding, Payment, PaymentKind, PoLine, PurchaseOrder,
};
use betagouv_funding::money::{Currency, Money};
use betagouv_funding::post::to_ledger;
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn eur(cents: i64) -> Money {
    Money::from_cents(cents, Currency::Eur).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 1, 1).unwrap() + chrono::Days::new(u64::from(d))
}

proptest! {
    #[test]
    fn allocation_sums_exactly(total in -10_000_000_000i64..10_000_000_000, weights in prop::collection::vec(0u32..1_000_000, 1..20)) {
        prop_assume!(weights.iter().any(|w| *w > 0));
        let w: Vec<Decimal> = weights.iter().map(|x| Decimal::new(i64::from(*x), 2)).collect();
        let parts = allocate(eur(total), &w).unwrap();
        let sum: i64 = parts.iter().map(Money::cents).sum();
        prop_assert_eq!(sum, total);
        // Each part is within one cent of its exact quota.
        let wsum: i64 = weights.iter().map(|x| i64::from(*x)).sum();
        for (p, x) in parts.iter().zip(&weights) {
            let exact = i128::from(total) * i128::from(*x);
            let diff = i128::from(p.cents()) * i128::from(wsum) - exact;
            prop_assert!(diff.abs() < i128::from(wsum), "part {} weight {}", p.cents(), x);
        }
    }

    #[test]
    fn addition_and_conversion_are_exact(a in -100_000_000_000i64..100_000_000_000, b in -100_000_000_000i64..100_000_000_000) {
        let (ma, mb) = (eur(a), eur(b));
        prop_assert_eq!(ma.checked_add(mb).unwrap().cents(), a + b);
        prop_assert_eq!(ma.checked_add(mb).unwrap().checked_sub(mb).unwrap(), ma);
        // Text round trip.
        let back = Money::parse(&ma.amount().to_string(), Currency::Eur).unwrap();
        prop_assert_eq!(back, ma);
    }

    #[test]
    fn parsing_never_panics(text in "\\PC{0,200}") {
        let _ = parse_budget(&text, Path::new("x.toml"));
        let _ = Money::parse(&text, Currency::Eur);
    }

    #[test]
    fn breaches_are_reported_and_ledger_conserves_money(
        orders in prop::collection::vec((1u32..50, 1i64..100_000, 0u32..60), 1..6),
        deliveries in prop::collection::vec((0usize..6, 1i64..3_000_000, 0u32..90), 0..10),
        payments in prop::collection::vec((0usize..10, 1i64..4_000_000, 0u32..200), 0..10),
        ae in 0i64..50_000_000,
        delegated in prop::option::of(0i64..50_000_000),
    ) {
        let mut b = Budget::new();
        // With a délégation de gestion, the odd orders are charged to it.
        if let Some(amount) = delegated {
            b.agreements.push(Agreement {
                id: "dg".into(), partner: "min".into(), kind: AgreementKind::DelegatedManagement, startups: vec![],
                amount: eur(amount), signed_on: day(0), engagement_deadline: None, tranches: vec![],
                overfunding: Overfunding::Refused, line: None,
            });
        }
        let is_dg = |i: usize| delegated.is_some() && i % 2 == 1;
        b.contracts.push(FrameworkContract { id: "ac".into(), holder: "h".into(), start: day(0), end: None, ceiling: None });
        b.credits.push(Credits {
            line: "l".into(), year: FiscalYear(2016), ae_initial: eur(ae), cp_initial: eur(ae),
            ae_carried_over_in: eur(0), cp_carried_over_in: eur(0), transfers_in: eur(0), transfers_out: eur(0), pooled_funds: eur(0),
        });
        for (i, (days, rate, on)) in orders.iter().enumerate() {
            b.orders.push(PurchaseOrder {
                id: format!("o{i}"), contract: "ac".into(), supplier: format!("s{}", i % 2), startup: Some("mes-aides".parse().unwrap()),
                line: Some("l".into()), agreement: is_dg(i).then(|| "dg".into()), issued_on: day(*on),
                lines: vec![PoLine { profile: "dev".into(), days: Decimal::from(*days), daily_rate_net: eur(*rate) }],
                vat_rate: Decimal::new(20, 2), category: Default::default(), closed_on: None,
            });
        }
        for (i, (o, net, end)) in deliveries.iter().enumerate() {
            let o = o % b.orders.len();
            let start = b.orders[o].issued_on;
            b.deliveries.push(Delivery { id: format!("d{i}"), order: format!("o{o}"), period_start: start, period_end: start + chrono::Days::new(u64::from(*end)), amount_net: eur(*net), partial: true });
        }
        if !b.deliveries.is_empty() {
            for (i, (d, gross, on)) in payments.iter().enumerate() {
                let d = d % b.deliveries.len();
                b.payments.push(Payment { id: format!("p{i}"), deliveries: vec![format!("d{d}")], paid_on: day(*on), amount_gross: eur(*gross), kind: PaymentKind::Settlement, invoices: Vec::new() });
            }
        }
        let diags = check(&b, None);
        let has = |rule: &str, id: &str| diags.iter().any(|d| d.rule == rule && d.message.contains(&format!("order {id}:")));
        // Invariant 4: Σ service fait ≤ order; Σ payments ≤ Σ service fait.
        for o in &b.orders {
            let t = o.totals(Currency::Eur).unwrap();
            let ds: Vec<&Delivery> = b.deliveries.iter().filter(|d| d.order == o.id).collect();
            let net: i64 = ds.iter().map(|d| d.amount_net.cents()).sum();
            let paid: i64 = b.payments.iter().filter(|p| ds.iter().any(|d| p.deliveries[0] == d.id)).map(|p| p.amount_gross.cents()).sum();
            prop_assert_eq!(net > t.net.cents(), has("delivery-exceeds-order", &o.id));
            prop_assert_eq!(paid > t.gross.cents(), has("payment-exceeds-delivery", &o.id));
            // Service fait per delivery: the settlements on a delivery above its gross.
            for d in &ds {
                let d_gross = d.amount_net.cents() + d.amount_net.mul_rounded(o.vat_rate).unwrap().cents();
                let d_paid: i64 = b.payments.iter().filter(|p| p.deliveries[0] == d.id).map(|p| p.amount_gross.cents()).sum();
                let said = diags.iter().any(|x| x.rule == "payment-exceeds-delivery" && x.message.contains(&format!("delivery {} reach", d.id)));
                prop_assert_eq!(d_paid > d_gross, said);
            }
            // Paid up to a date above the service fait certified by then.
            let over = b.payments.iter().filter(|p| ds.iter().any(|d| p.deliveries[0] == d.id)).any(|p| {
                let to_date: i64 = b.payments.iter().filter(|q| q.paid_on <= p.paid_on && ds.iter().any(|d| q.deliveries[0] == d.id)).map(|q| q.amount_gross.cents()).sum();
                let certified: i64 = ds.iter().filter(|d| d.period_end <= p.paid_on).map(|d| d.amount_net.cents() + d.amount_net.mul_rounded(o.vat_rate).unwrap().cents()).sum();
                to_date > certified
            });
            let said = diags.iter().any(|x| x.rule == "paid-exceeds-certified" && x.message.contains(&format!("order {} up to", o.id)));
            prop_assert_eq!(over, said);
        }
        // Invariant 3: AE consumed ≤ AE available (the délégation de gestion's orders
        // use the delegating programme's AE).
        let consumed: i64 = b.orders.iter().filter(|o| o.agreement.is_none()).map(|o| o.totals(Currency::Eur).unwrap().gross.cents()).sum();
        prop_assert_eq!(consumed > ae, diags.iter().any(|d| d.rule == "ae-exceeded"));
        // The ledger: every transaction balances, nothing created or lost. No cash:
        // payments consume CP, the incubator's or the délégation de gestion's, by order.
        let (ledger, problems) = to_ledger(&b, None);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let all = ledger.balances(None, None);
        prop_assert_eq!(all.values().map(|m| i128::from(m.cents())).sum::<i128>(), 0);
        let sum = |prefix: &str| -> i64 { all.iter().filter(|(a, _)| a.as_str().starts_with(prefix)).map(|(_, m)| m.cents()).sum() };
        let gross = |d: &Delivery| {
            let o = b.order(&d.order).unwrap();
            d.amount_net.cents() + d.amount_net.mul_rounded(o.vat_rate).unwrap().cents()
        };
        let of_dg = |d: &Delivery| b.order(&d.order).unwrap().agreement.is_some();
        let delivered_own: i64 = b.deliveries.iter().filter(|d| !of_dg(d)).map(gross).sum();
        let delivered_dg: i64 = b.deliveries.iter().filter(|d| of_dg(d)).map(gross).sum();
        prop_assert_eq!(sum("expenses:startups:"), delivered_own);
        prop_assert_eq!(sum("expenses:delegated:dg:"), delivered_dg);
        prop_assert_eq!(sum("expenses:"), delivered_own + delivered_dg);
        // Each payment (one delivery here) consumes the CP of its delivery's order.
        let paid_of = |dg: bool| -> i64 { b.payments.iter().filter(|p| of_dg(b.delivery(&p.deliveries[0]).unwrap()) == dg).map(|p| p.amount_gross.cents()).sum() };
        prop_assert_eq!(sum("assets:cp:incubator"), -paid_of(false));
        prop_assert_eq!(sum("assets:cp:delegated:dg"), delegated.unwrap_or(0) - paid_of(true));
        prop_assert_eq!(sum("equity:delegated:min"), -delegated.unwrap_or(0));
        prop_assert_eq!(sum("assets:cp:"), delegated.unwrap_or(0) - paid_of(false) - paid_of(true));
        prop_assert!(all.keys().all(|a| !a.as_str().contains("treasury")));
        // Monthly balances add up to the totals.
        let mut by_account = std::collections::BTreeMap::new();
        for ((a, _), m) in ledger.balances_by_month() {
            *by_account.entry(a).or_insert(0i64) += m.cents();
        }
        for (a, m) in &all {
            prop_assert_eq!(by_account.get(a).copied().unwrap_or(0), m.cents());
        }
    }
}
