//! The year change, the order's life and ceilings: one fixture per rule (a file that
//! breaks exactly that rule, located), and property tests of commitments, releases
//! and carry-overs.

use std::path::{Path, PathBuf};

use betagouv_funding::availability::Openings;
use betagouv_funding::check::check;
use betagouv_funding::commitments::to_commitments_ledger;
use betagouv_funding::file::{parse_budget, read_budget};
use betagouv_funding::flows::Index;
use betagouv_funding::model::{
    Budget, BudgetLine, Credits, Delivery, FiscalYear, FrameworkContract, Payment, PaymentKind,
    PoLine, PurchaseOrder, Title,
};
use betagouv_funding::money::{Currency, Money};
use betagouv_funding::report::{YearReportOptions, report};
use betagouv_funding::year_change::{consumption, year_end};
use betagouv_portfolio::Severity;
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../tests/fixtures/budget/year/{name}.toml"))
}

/// The fixture `rule.toml` gives exactly one diagnostic: `rule`, of `severity`, at
/// `line`, column 1 of the file.
fn breaks_exactly(rule: &str, severity: Severity, line: usize) {
    let path = fixture(rule);
    let b = read_budget(&path).unwrap();
    let diags = check(&b, None);
    assert_eq!(diags.len(), 1, "{rule}: {diags:#?}");
    let d = &diags[0];
    assert_eq!((d.rule.as_str(), d.severity), (rule, severity), "{d:?}");
    let loc = d.location.as_ref().unwrap();
    assert_eq!(loc.file, path);
    assert_eq!((loc.line, loc.column), (line, 1), "{rule}: {d:?}");
}

#[test]
fn carry_over_exceeds_available_fixture() {
    breaks_exactly("carry-over-exceeds-available", Severity::Error, 12);
}

#[test]
fn carry_over_staff_ae_fixture() {
    breaks_exactly("carry-over-staff-ae", Severity::Error, 13);
}

#[test]
fn carry_over_cap_fixture_and_what_the_cap_leaves_out() {
    breaks_exactly("carry-over-cap", Severity::Warning, 13);
    let text = std::fs::read_to_string(fixture("carry-over-cap")).unwrap();
    // 3 % of 100000.00 plus the 1000.00 of fonds de concours: 4000.00 is within the cap.
    let at_cap = text.replace(
        "cp_carried_over_in = \"4500.00\"",
        "cp_carried_over_in = \"4000.00\"",
    );
    assert!(check(&parse_budget(&at_cap, Path::new("b.toml")).unwrap(), None).is_empty());
    // A titre 2 line of the same programme is capped apart, on its own initial CP.
    let staff = format!(
        "{at_cap}\n[[lines]]\nid = \"t2\"\nprogramme = \"129\"\ntitle = \"staff\"\n\n[[credits]]\nline = \"t2\"\nyear = 2016\nae_initial = \"1000.00\"\ncp_initial = \"1000.00\"\n\n[[credits]]\nline = \"t2\"\nyear = 2017\nae_initial = \"0\"\ncp_initial = \"0\"\ncp_carried_over_in = \"30.01\"\n"
    );
    let diags = check(&parse_budget(&staff, Path::new("b.toml")).unwrap(), None);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(
        diags[0].message.contains("programme 129 (titre 2) 30.01"),
        "{}",
        diags[0].message
    );
}

#[test]
fn carry_over_staff_cp_fixture_from_2023_fonds_de_concours_apart() {
    breaks_exactly("carry-over-staff-cp", Severity::Error, 14);
    let text = std::fs::read_to_string(fixture("carry-over-staff-cp")).unwrap();
    let d = &check(&parse_budget(&text, Path::new("b.toml")).unwrap(), None)[0];
    assert!(
        d.message.contains("programme 129 (titre 2) 250.00")
            && d.message.contains("fonds de concours on titre 2 200.00"),
        "{}",
        d.message
    );
    // Up to the fonds de concours of 2022, the carry-over is allowed.
    let within = text.replace(
        "cp_carried_over_in = \"250.00\"",
        "cp_carried_over_in = \"200.00\"",
    );
    assert!(check(&parse_budget(&within, Path::new("b.toml")).unwrap(), None).is_empty());
    // Into 2022 (from 2021), titre 2 CP were still capped at 3 % (300.00 + 200.00):
    // 250.00 passes, 500.01 is the cap's warning, not the ban's error.
    let before = text
        .replace("year = 2022", "year = 2021")
        .replace("year = 2023", "year = 2022");
    assert!(check(&parse_budget(&before, Path::new("b.toml")).unwrap(), None).is_empty());
    let over = before.replace(
        "cp_carried_over_in = \"250.00\"",
        "cp_carried_over_in = \"500.01\"",
    );
    let diags = check(&parse_budget(&over, Path::new("b.toml")).unwrap(), None);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        (diags[0].rule.as_str(), diags[0].severity),
        ("carry-over-cap", Severity::Warning)
    );
}

#[test]
fn order_no_line_fixture() {
    breaks_exactly("order-no-line", Severity::Error, 7);
}

#[test]
fn order_staff_line_fixture() {
    breaks_exactly("order-staff-line", Severity::Error, 18);
}

#[test]
fn contract_ceiling_fixture_is_compared_excluding_vat() {
    breaks_exactly("contract-ceiling", Severity::Error, 12);
    let text = std::fs::read_to_string(fixture("contract-ceiling")).unwrap();
    // 11500.00 excl. VAT under 12000.00: within, although 13800.00 incl. VAT is not.
    let within = text.replace("ceiling = \"11000.00\"", "ceiling = \"12000.00\"");
    assert!(check(&parse_budget(&within, Path::new("b.toml")).unwrap(), None).is_empty());
}

#[test]
fn closing_releases_ae_in_its_own_year_only() {
    let path = fixture("release");
    let b = read_budget(&path).unwrap();
    assert!(check(&b, None).is_empty(), "{:#?}", check(&b, None));
    let r = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
    let bc1 = r.orders.iter().find(|o| o.id == "BC-1").unwrap();
    assert_eq!(
        (bc1.remaining.cents(), bc1.released.cents(), bc1.closed),
        (0, 480_000, true)
    );
    // Restes à payer: BC-2 only (BC-1 is closed).
    assert_eq!(r.spending.outstanding.cents(), 600_000);
    let p129 = r.credits.iter().find(|c| c.line == "p129").unwrap();
    assert_eq!(p129.ae_consumed.cents(), 720_000);
    // Closed the next year, the release does not reopen the AE of 2016.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("closed_on = 2016-06-30", "closed_on = 2017-01-15");
    let late = parse_budget(&text, Path::new("b.toml")).unwrap();
    let diags = check(&late, None);
    // Over the year (`ae-exceeded`, at the credits) and at BC-2's date
    // (`ae-not-available`, at the order).
    let mut rules: Vec<&str> = diags.iter().map(|d| d.rule.as_ref()).collect();
    rules.sort_unstable();
    assert_eq!(rules, ["ae-exceeded", "ae-not-available"], "{diags:#?}");
    // Closed the day it was issued: its AE are released once it is counted, and
    // BC-2 fits (its delivery, after the closing, and the payment of that delivery,
    // after the closing too, are the only breaches).
    let same_day = std::fs::read_to_string(&path)
        .unwrap()
        .replace("closed_on = 2016-06-30", "closed_on = 2016-02-01");
    let same_day = parse_budget(&same_day, Path::new("b.toml")).unwrap();
    let diags = check(&same_day, None);
    let mut rules: Vec<&str> = diags.iter().map(|d| d.rule.as_ref()).collect();
    rules.sort_unstable();
    assert_eq!(rules, ["date-order", "delivery-after-close"], "{diags:#?}");
    let paid_after = diags.iter().find(|d| d.rule == "date-order").unwrap();
    assert!(
        paid_after
            .message
            .contains("paid 2016-03-10 after order BC-1 was closed 2016-02-01"),
        "{}",
        paid_after.message
    );
    // Closed before its payment, the order releases its whole gross: what is paid
    // after the closing does not lower the release (6000.00, not 4800.00).
    let r = report(&same_day, None, &YearReportOptions::new(FiscalYear(2016)));
    let p129 = r.credits.iter().find(|c| c.line == "p129").unwrap();
    assert_eq!(p129.ae_consumed.cents(), 600_000, "{p129:?}");
    // Still an open order at the end of 2016: it counts in the restes à payer.
    let r = report(&late, None, &YearReportOptions::new(FiscalYear(2016)));
    assert_eq!(r.spending.outstanding.cents(), 480_000 + 600_000);
}

/// A service fait per line of 333.33 gives 400.00 each with VAT, 1200.00 in all,
/// a cent over the order's 1199.99: the reste à payer is 0.00, never -0.01.
#[test]
fn restes_a_payer_are_never_negative() {
    let mut text = String::from(
        "[[lines]]\nid = \"p\"\nprogramme = \"129\"\n\n[[credits]]\nline = \"p\"\nyear = 2016\nae_initial = \"5000.00\"\ncp_initial = \"5000.00\"\n\n[[contracts]]\nid = \"ac\"\nholder = \"h\"\nstart = 2015-01-01\n\n[[orders]]\nid = \"BC\"\ncontract = \"ac\"\nline = \"p\"\nissued_on = 2016-02-01\nlines = [\n",
    );
    for _ in 0..3 {
        text.push_str("  { profile = \"dev\", days = 1, daily_rate_net = \"333.33\" },\n");
    }
    text.push_str("]\n");
    for i in 0..3 {
        text.push_str(&format!("\n[[deliveries]]\nid = \"SF-{i}\"\norder = \"BC\"\nperiod_start = 2016-02-01\nperiod_end = 2016-02-29\namount_net = \"333.33\"\n\n[[payments]]\nid = \"PAY-{i}\"\ndeliveries = [\"SF-{i}\"]\npaid_on = 2016-03-10\namount_gross = \"400.00\"\n"));
    }
    let b = parse_budget(&text, Path::new("b.toml")).unwrap();
    let r = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
    assert_eq!(r.orders[0].total.cents(), 119_999);
    assert_eq!(r.orders[0].paid.cents(), 120_000);
    assert_eq!(r.orders[0].remaining.cents(), 0);
    assert_eq!(r.spending.outstanding.cents(), 0);
}

fn eur(cents: i64) -> Money {
    Money::from_cents(cents, Currency::Eur).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 1, 1).unwrap() + chrono::Days::new(u64::from(d))
}

fn credits(year: i32, ae: i64, cp: i64, ae_in: i64, cp_in: i64) -> Credits {
    Credits {
        line: "l".into(),
        year: FiscalYear(year),
        ae_initial: eur(ae),
        cp_initial: eur(cp),
        ae_carried_over_in: eur(ae_in),
        cp_carried_over_in: eur(cp_in),
        transfers_in: eur(0),
        transfers_out: eur(0),
        pooled_funds: eur(0),
    }
}

/// Orders on one line over 2016 and 2017, some closed (some the year after), some
/// paid, and credits for both years with carry-overs into 2017.
fn budget(
    orders: &[(i64, u32, Option<u32>, i64)],
    ae: (i64, i64),
    cp: (i64, i64),
    carried: (i64, i64),
) -> Budget {
    let mut b = Budget::new();
    b.lines.push(BudgetLine {
        id: "l".into(),
        programme: "129".into(),
        action: None,
        sub_action: None,
        title: Title::Operating,
    });
    b.contracts.push(FrameworkContract {
        id: "ac".into(),
        holder: "h".into(),
        start: day(0),
        end: None,
        ceiling: None,
    });
    b.credits.push(credits(2016, ae.0, cp.0, 0, 0));
    b.credits
        .push(credits(2017, ae.1, cp.1, carried.0, carried.1));
    for (i, (rate, on, close, paid_net)) in orders.iter().enumerate() {
        let issued = day(*on);
        b.orders.push(PurchaseOrder {
            id: format!("o{i}"),
            contract: "ac".into(),
            supplier: "s".into(),
            startup: None,
            line: Some("l".into()),
            agreement: None,
            issued_on: issued,
            lines: vec![PoLine {
                profile: "dev".into(),
                days: Decimal::from(5),
                daily_rate_net: eur(*rate),
            }],
            vat_rate: Decimal::new(20, 2),
            category: Default::default(),
            closed_on: close.map(|c| issued + chrono::Days::new(u64::from(c))),
        });
        if *paid_net > 0 {
            let net = eur(*paid_net);
            b.deliveries.push(Delivery {
                id: format!("d{i}"),
                order: format!("o{i}"),
                period_start: issued,
                period_end: issued,
                amount_net: net,
                partial: true,
            });
            let gross = net
                .checked_add(net.mul_rounded(Decimal::new(20, 2)).unwrap())
                .unwrap();
            b.payments.push(Payment {
                id: format!("p{i}"),
                deliveries: vec![format!("d{i}")],
                paid_on: issued + chrono::Days::new(20),
                amount_gross: gross,
                kind: PaymentKind::Settlement,
                invoices: Vec::new(),
            });
        }
    }
    b
}

proptest! {
    #[test]
    fn commitments_releases_and_carry_overs_conserve_money(
        orders in prop::collection::vec((1i64..200_000, 0u32..700, prop::option::of(0u32..400), 0i64..1_200_000), 1..8),
        ae in (0i64..10_000_000, 0i64..10_000_000),
        cp in (0i64..10_000_000, 0i64..10_000_000),
        carried in (0i64..5_000_000, 0i64..5_000_000),
    ) {
        let b = budget(&orders, ae, cp, carried);
        let diags = check(&b, None);
        let has = |rule: &str| diags.iter().any(|d| d.rule == rule);
        // The commitments journal balances: no AE created or lost.
        let (ledger, problems) = to_commitments_ledger(&b);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let bal = ledger.balances(None, None);
        prop_assert_eq!(bal.values().map(|m| i128::from(m.cents())).sum::<i128>(), 0);
        let get = |a: &str| bal.iter().find(|(k, _)| k.as_str() == a).map_or(0, |(_, m)| m.cents());
        // What the orders still commit = engaged − released, on the books and in the model.
        let index = Index::new(&b);
        let released: i64 = betagouv_funding::year_change::releases(&index, None).iter().map(|r| r.amount.cents()).sum();
        let engaged: i64 = b.orders.iter().map(|o| o.totals(Currency::Eur).unwrap().gross.cents()).sum();
        prop_assert_eq!(get("expenses:commitments:l:shared"), engaged - released);
        // Available AE and CP never negative without an error.
        let used = consumption(&index);
        let openings = Openings::of(&b);
        for c in &b.credits {
            let end = year_end(c, used.get(&("l", c.year)).copied(), &openings).unwrap();
            let out = if c.year == FiscalYear(2016) { carried } else { (0, 0) };
            if end.ae_left.cents() < 0 || end.ae_left.cents() < out.0 {
                prop_assert!(has("ae-exceeded") || has("carry-over-exceeds-available"), "{:?}", diags);
            }
            if end.cp_left.cents() < 0 || end.cp_left.cents() < out.1 {
                prop_assert!(has("cp-exceeded") || has("carry-over-exceeds-available"), "{:?}", diags);
            }
            // The journal's AE account of the year is what is left after the carry-over out.
            prop_assert_eq!(get(&format!("assets:ae:l:{}", c.year)), end.ae_left.cents() - out.0);
        }
        // A payment after its order's closing (paid 20 days after the issue) is a
        // `date-order` error: the closing released what was unpaid then.
        let paid_after_closing = orders
            .iter()
            .any(|(_, _, close, paid)| *paid > 0 && close.is_some_and(|c| c < 20));
        prop_assert_eq!(has("date-order"), paid_after_closing, "{:?}", diags);
        // Restes à payer = engaged − paid − released, never negative.
        for year in [2016, 2017] {
            let r = report(&b, None, &YearReportOptions::new(FiscalYear(year)));
            let mut outstanding = 0;
            for o in &r.orders {
                prop_assert!(o.remaining.cents() >= 0 && o.released.cents() >= 0);
                if o.paid.cents() <= o.total.cents() && !paid_after_closing {
                    prop_assert_eq!(o.total.cents() - o.paid.cents() - o.released.cents(), o.remaining.cents());
                }
                outstanding += o.remaining.cents();
            }
            prop_assert_eq!(r.spending.outstanding.cents(), outstanding);
        }
    }
}
