//! Service fait per delivery at the payment date, advances and invoices: one
//! mutation of `service-fait.toml` per rule, each breaking exactly that rule,
//! and property tests of the advance and paid-to-date invariants.

use betagouv_funding::check::{check, check_with_terms};
use betagouv_funding::file::parse_budget;
use betagouv_funding::model::{
    Budget, Delivery, FrameworkContract, Payment, PaymentKind, PoLine, PurchaseOrder,
};
use betagouv_funding::money::{Currency, Money};
use betagouv_funding::terms::{AdvancePosition, PaymentTerms};
use betagouv_portfolio::{Diagnostic, Severity};
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

const FILE: &str = include_str!("../../../../tests/fixtures/budget/service-fait.toml");
const NAME: &str = "service-fait.toml";

/// The fixture with each `(from, to)` replaced (each `from` must be there once).
fn mutated(edits: &[(&str, &str)]) -> String {
    let mut text = FILE.to_owned();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replace(from, to);
    }
    text
}

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    check(&parse_budget(text, NAME).unwrap(), None)
}

/// The only diagnostic of `text`: its rule, severity, line and column.
fn only(text: &str) -> (Diagnostic, (String, Severity, usize, usize)) {
    let diags = diagnostics(text);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = diags[0].clone();
    let loc = d.location.clone().unwrap();
    assert!(loc.file.ends_with(NAME), "{loc:?}");
    let key = (d.rule.clone(), d.severity, loc.line, loc.column);
    (d, key)
}

#[test]
fn the_fixture_is_clean() {
    let diags = diagnostics(FILE);
    assert!(diags.is_empty(), "{diags:#?}");
    let b = parse_budget(FILE, NAME).unwrap();
    assert_eq!(b.payments[1].invoices.len(), 1);
    assert_eq!(b.payments[2].invoices[0].delivery.as_deref(), Some("SF-2"));
}

#[test]
fn advance_cap() {
    let text = mutated(&[
        (
            "amount_gross = \"3000.00\"\nadvance = true",
            "amount_gross = \"3600.01\"\nadvance = true",
        ),
        (
            "paid_on = 2016-04-20\namount_gross = \"3000.00\"",
            "paid_on = 2016-04-20\namount_gross = \"2399.99\"",
        ),
    ]);
    let (d, key) = only(&text);
    assert_eq!(key, ("advance-cap".into(), Severity::Error, 38, 1));
    assert!(d.message.contains("above the cap 3600.00"), "{}", d.message);
    // The cap is a parameter.
    let b = parse_budget(&text, NAME).unwrap();
    let terms = PaymentTerms::default().with_advance_cap(Decimal::new(31, 2));
    assert!(check_with_terms(&b, None, &terms).is_empty());
}

#[test]
fn advance_not_recovered() {
    let text = mutated(&[(
        "period_end = 2016-03-31\namount_net = \"5000.00\"",
        "period_end = 2016-03-31\namount_net = \"3000.00\"",
    )]);
    let (d, key) = only(&text);
    assert_eq!(
        key,
        ("advance-not-recovered".into(), Severity::Error, 58, 1)
    );
    assert!(
        d.message
            .contains("2400.00 EUR of its advances 3000.00 EUR"),
        "{}",
        d.message
    );
}

#[test]
fn paid_exceeds_certified_after_a_downward_correction() {
    // A service fait corrected downward (a negative delivery) before PAY-1:
    // PAY-1 then pays more than was certified by its date.
    let mut text = mutated(&[(
        "paid_on = 2016-04-20\namount_gross = \"3000.00\"",
        "paid_on = 2016-04-20\namount_gross = \"1800.00\"",
    )]);
    text.push_str(
        "\n[[deliveries]]\nid = \"SF-3\"\norder = \"BC-1\"\nperiod_start = 2016-03-01\nperiod_end = 2016-03-05\namount_net = \"-1000.00\"\n",
    );
    let (d, key) = only(&text);
    assert_eq!(
        key,
        ("paid-exceeds-certified".into(), Severity::Error, 45, 1)
    );
    assert!(d.message.contains("reach 6000.00"), "{}", d.message);
    assert!(d.message.contains("by then 4800.00"), "{}", d.message);
}

#[test]
fn payment_exceeds_delivery_at_the_payment() {
    let text = mutated(&[(
        "id = \"PAY-2\"\ndeliveries = [\"SF-2\"]",
        "id = \"PAY-2\"\ndeliveries = [\"SF-1\"]",
    )]);
    let (d, key) = only(&text);
    assert_eq!(
        key,
        ("payment-exceeds-delivery".into(), Severity::Error, 58, 1)
    );
    assert!(
        d.message
            .contains("delivery SF-1 reach 9000.00 EUR, above its service fait 6000.00 EUR"),
        "{}",
        d.message
    );
}

#[test]
fn invoice_totals() {
    let text = mutated(&[(
        "received_on = 2016-03-01\namount_net = \"5000.00\"",
        "received_on = 2016-03-01\namount_net = \"5000.01\"",
    )]);
    let (_, key) = only(&text);
    assert_eq!(key, ("invoice-totals".into(), Severity::Error, 51, 1));
}

#[test]
fn invoice_vat_rate_of_the_service_day() {
    let text = mutated(&[(
        "delivery = \"SF-2\"\n",
        "delivery = \"SF-2\"\nservice_on = 2013-12-31\n",
    )]);
    let (d, key) = only(&text);
    assert_eq!(key, ("invoice-vat-rate".into(), Severity::Error, 64, 1));
    assert!(d.message.contains("not 980.00"), "{}", d.message);
}

#[test]
fn late_payment_with_interest_and_fee() {
    let text = mutated(&[("paid_on = 2016-04-20\n", "paid_on = 2016-05-13\n")]);
    let (d, key) = only(&text);
    assert_eq!(key, ("late-payment".into(), Severity::Warning, 58, 1));
    // Due 2016-05-01 (received 2016-04-01, service 2016-03-31, + 30 days);
    // 6,000.00 × 8 % × 12 / 365 = 15.78.
    for part in [
        "12 days late",
        "due 2016-05-01",
        "interest 15.78",
        "8 %",
        "flat fee 40.00",
    ] {
        assert!(d.message.contains(part), "{part}: {}", d.message);
    }
    // The ECB rate is a parameter: 0.25 % → 8.25 %: 16.27.
    let b = parse_budget(&text, NAME).unwrap();
    let terms = PaymentTerms::default().with_ecb_rate(Decimal::new(25, 4));
    let diags = check_with_terms(&b, None, &terms);
    assert!(
        diags[0].message.contains("interest 16.27"),
        "{}",
        diags[0].message
    );
}

#[test]
fn invoice_gap_is_a_warning_with_the_amount() {
    let text = mutated(&[(
        "delivery = \"SF-2\"\namount_net = \"5000.00\"\nvat = \"1000.00\"\namount_gross = \"6000.00\"",
        "delivery = \"SF-2\"\namount_net = \"4999.99\"\nvat = \"1000.00\"\namount_gross = \"5999.99\"",
    )]);
    let (d, key) = only(&text);
    assert_eq!(key, ("invoice-gap".into(), Severity::Warning, 17, 1));
    assert!(d.message.contains("gap of -0.01"), "{}", d.message);
}

#[test]
fn invoice_ids_and_deliveries_are_checked() {
    let text = mutated(&[("id = \"F-2\"", "id = \"F-1\"")]);
    let (_, key) = only(&text);
    assert_eq!(key, ("duplicate-id".into(), Severity::Error, 51, 1));
    let text = mutated(&[("delivery = \"SF-2\"\n", "delivery = \"SF-9\"\n")]);
    let (_, key) = only(&text);
    assert_eq!(key, ("unknown-reference".into(), Severity::Error, 64, 1));
}

#[test]
fn invoice_errors_in_the_file_are_located() {
    let text = mutated(&[(
        "vat = \"1000.00\"\namount_gross = \"6000.00\"\n\n[[payments]]",
        "vat_rate = \"0.20\"\n\n[[payments]]",
    )]);
    let err = parse_budget(&text, NAME).unwrap_err().to_string();
    assert!(err.starts_with("service-fait.toml:55:"), "{err}");
}

fn eur(cents: i64) -> Money {
    Money::from_cents(cents, Currency::Eur).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 2, 1).unwrap() + chrono::Days::new(u64::from(d))
}

proptest! {
    /// Paid up to any payment's date never exceeds the service fait certified
    /// by then without a diagnostic, except by advances within their cap while
    /// less than the recovery threshold is certified.
    #[test]
    fn paid_to_date_beyond_certified_is_always_reported(
        days in 10u32..200,
        deliveries in prop::collection::vec((1i64..300_000, 0u32..120), 1..5),
        payments in prop::collection::vec((0usize..5, 1i64..400_000, 0u32..150, any::<bool>()), 1..8),
    ) {
        let mut b = Budget::new();
        b.contracts.push(FrameworkContract { id: "ac".into(), holder: "h".into(), start: day(0), end: None, ceiling: None });
        b.orders.push(PurchaseOrder {
            id: "o".into(), contract: "ac".into(), supplier: "h".into(), startup: None, line: None, agreement: None,
            issued_on: day(0), lines: vec![PoLine { profile: "dev".into(), days: Decimal::from(days), daily_rate_net: eur(50_000) }],
            vat_rate: Decimal::new(20, 2), category: Default::default(), closed_on: None,
        });
        for (i, (net, end)) in deliveries.iter().enumerate() {
            b.deliveries.push(Delivery { id: format!("d{i}"), order: "o".into(), period_start: day(0), period_end: day(*end), amount_net: eur(*net), partial: true });
        }
        for (i, (d, gross, on, advance)) in payments.iter().enumerate() {
            let d = d % b.deliveries.len();
            b.payments.push(Payment {
                id: format!("p{i}"), deliveries: vec![format!("d{d}")], paid_on: day(*on), amount_gross: eur(*gross),
                kind: if *advance { PaymentKind::Advance } else { PaymentKind::Settlement }, invoices: Vec::new(),
            });
        }
        let diags = check(&b, None);
        let gross = b.orders[0].totals(Currency::Eur).unwrap().gross.cents();
        let ttc = |d: &Delivery| d.amount_net.cents() + d.amount_net.mul_rounded(Decimal::new(20, 2)).unwrap().cents();
        let reported = diags.iter().any(|x| {
            ["paid-exceeds-certified", "payment-exceeds-delivery", "advance-cap", "advance-not-recovered"].contains(&x.rule.as_str())
        });
        for p in &b.payments {
            let upto = b.payments.iter().filter(|q| q.paid_on <= p.paid_on);
            let (mut settled, mut advanced) = (0i64, 0i64);
            for q in upto {
                if q.kind == PaymentKind::Advance { advanced += q.amount_gross.cents() } else { settled += q.amount_gross.cents() }
            }
            let certified: i64 = b.deliveries.iter().filter(|d| d.period_end <= p.paid_on).map(ttc).sum();
            // Money is never created or lost: settled + recovered + outstanding = paid.
            let position = AdvancePosition::of(eur(settled), eur(advanced), eur(certified)).unwrap();
            prop_assert_eq!(
                position.settled.cents() + position.recovered.cents() + position.outstanding.cents(),
                settled + advanced
            );
            if settled + advanced > certified && !reported {
                // Only advances explain it: within the cap, ahead of the service fait,
                // and before the recovery threshold.
                prop_assert!(settled <= certified);
                prop_assert!(advanced * 100 <= gross * 30 + 100);
                prop_assert!(certified * 100 < gross * 80);
            }
        }
    }
}
