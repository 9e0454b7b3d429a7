//! Partner money by kind and year, dated credit movements, and the AE available at
//! an order's date: one fixture per rule, the year report, and property tests that
//! money is never created or lost across receipts and commitments.

use std::path::Path;

use betagouv_funding::availability::Openings;
use betagouv_funding::check::check;
use betagouv_funding::file::parse_budget;
use betagouv_funding::model::{
    Agreement, AgreementKind, Budget, CreditMovement, Credits, Direction, FiscalYear,
    FrameworkContract, MovementKind, Overfunding, PoLine, PurchaseOrder, Tranche,
};
use betagouv_funding::money::{Currency, Money};
use betagouv_funding::post::to_ledger;
use betagouv_funding::report::{YearReportOptions, report};
use betagouv_funding::rules;
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

const PARTNER_MONEY: &str = include_str!("../../../../tests/fixtures/budget/partner-money.toml");
const AE_NOT_AVAILABLE: &str =
    include_str!("../../../../tests/fixtures/budget/rule-ae-not-available.toml");
const UNRECEIVED_FUNDS: &str =
    include_str!("../../../../tests/fixtures/budget/rule-unreceived-funds.toml");
const STATE_REBILLING: &str =
    include_str!("../../../../tests/fixtures/budget/rule-state-rebilling.toml");

/// The one diagnostic of `text` read as `file`: its rule, file, line and column.
#[track_caller]
pub(crate) fn only_diagnostic(text: &str, file: &str) -> (String, String, usize, usize, String) {
    let b = parse_budget(text, Path::new(file)).unwrap();
    let diags = check(&b, None);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    let loc = d.location.as_ref().expect("located");
    (
        d.rule.clone(),
        loc.file.display().to_string(),
        loc.line,
        loc.column,
        d.message.clone(),
    )
}

#[test]
fn ae_not_available_at_the_order_date() {
    let (rule, file, line, column, msg) = only_diagnostic(AE_NOT_AVAILABLE, "ae.toml");
    assert_eq!(rule, rules::AE_NOT_AVAILABLE);
    assert_eq!((file.as_str(), line, column), ("ae.toml", 28, 1));
    assert!(
        msg.contains("order BC-EARLY: 12000.00 EUR exceeds the AE available on line p352 on 2017-02-01: 10000.00 EUR opened by then"),
        "{msg}"
    );
    // Once the transfert is dated before the order, nothing is wrong.
    let fixed = AE_NOT_AVAILABLE.replace("date = 2017-03-01", "date = 2017-01-15");
    let b = parse_budget(&fixed, Path::new("ae.toml")).unwrap();
    assert!(check(&b, None).is_empty());
    // A transfert out before the order takes AE away.
    let out = fixed.replace(
        "kind = \"transfer\"",
        "kind = \"virement\"\ndirection = \"out\"",
    );
    let b = parse_budget(&out, Path::new("ae.toml")).unwrap();
    let found: Vec<String> = check(&b, None).into_iter().map(|d| d.rule).collect();
    assert!(
        found.iter().any(|r| r == rules::AE_NOT_AVAILABLE),
        "{found:?}"
    );
}

#[test]
fn unreceived_funds_before_the_receipt() {
    let (rule, file, line, column, msg) = only_diagnostic(UNRECEIVED_FUNDS, "fdc.toml");
    assert_eq!(rule, rules::UNRECEIVED_FUNDS);
    assert_eq!((file.as_str(), line, column), ("fdc.toml", 30, 1));
    assert!(
        msg.contains("AE 12000.00 EUR funded by fonds de concours `fdc` exceed what it received by then: 0.00 EUR received"),
        "{msg}"
    );
    // The same order after the receipt is fine; so is an attribution de produits.
    let fixed = UNRECEIVED_FUNDS.replace("issued_on = 2017-03-01", "issued_on = 2017-03-15");
    let b = parse_budget(&fixed, Path::new("fdc.toml")).unwrap();
    assert!(check(&b, None).is_empty());
    let proceeds = UNRECEIVED_FUNDS.replace("\"pooled-fund\"", "\"attribution-of-proceeds\"");
    let (rule, _, _, _, msg) = only_diagnostic(&proceeds, "fdc.toml");
    assert_eq!(rule, rules::UNRECEIVED_FUNDS);
    assert!(msg.contains("attribution de produits `fdc`"), "{msg}");
}

#[test]
fn state_rebilling_names_the_right_instruments() {
    let (rule, file, line, column, msg) = only_diagnostic(STATE_REBILLING, "refact.toml");
    assert_eq!(rule, rules::STATE_REBILLING);
    assert_eq!((file.as_str(), line, column), ("refact.toml", 7, 1));
    for instrument in [
        "délégation de gestion",
        "transfert de crédits",
        "rétablissement de crédits",
        "fonds de concours",
        "attribution de produits",
    ] {
        assert!(msg.contains(instrument), "{instrument}: {msg}");
    }
    // A deconcentrated service is the State too.
    let prefecture = STATE_REBILLING.replace("central-administration", "deconcentrated-service");
    assert_eq!(
        only_diagnostic(&prefecture, "refact.toml").0,
        rules::STATE_REBILLING
    );
}

#[test]
fn pooled_fund_signed_in_december_counts_in_the_year_received() {
    let b = parse_budget(PARTNER_MONEY, Path::new("pm.toml")).unwrap();
    let diags = check(&b, None);
    assert!(diags.is_empty(), "{diags:#?}");
    let r2016 = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
    assert_eq!(r2016.by_source.partners.cents(), 0);
    assert_eq!(r2016.total.amount().to_string(), "50000.00");
    assert!(r2016.delegated.is_empty());
    let r2017 = report(&b, None, &YearReportOptions::new(FiscalYear(2017)));
    assert_eq!(r2017.by_source.incubator.amount().to_string(), "50000.00");
    assert_eq!(r2017.by_source.partners.amount().to_string(), "30000.00");
    assert_eq!(r2017.by_partner["anct"].amount().to_string(), "30000.00");
    assert!(!r2017.by_partner.contains_key("min-travail"));
    assert_eq!(r2017.total.amount().to_string(), "80000.00");
    assert_eq!(r2017.partner_share.unwrap().to_string(), "0.3750");
    // AE: 50,000 initial + 30,000 received + 10,000 transferred; CP: 50,000 + 30,000 + 5,000.
    let p352 = r2017.credits.iter().find(|c| c.line == "p352").unwrap();
    assert_eq!(p352.ae_available.amount().to_string(), "90000.00");
    assert_eq!(p352.cp_available.amount().to_string(), "85000.00");
    assert_eq!(p352.ae_consumed.amount().to_string(), "12000.00");
    assert_eq!(p352.cp_consumed.amount().to_string(), "12000.00");
}

#[test]
fn delegated_management_is_no_resource_and_is_reported_apart() {
    let b = parse_budget(PARTNER_MONEY, Path::new("pm.toml")).unwrap();
    let r = report(&b, None, &YearReportOptions::new(FiscalYear(2017)));
    assert_eq!(r.delegated.len(), 1);
    let d = &r.delegated[0];
    assert_eq!(
        (d.agreement.as_str(), d.partner.as_str()),
        ("dg-travail", "min-travail")
    );
    let figures = |m: [&Money; 5]| m.map(|m| m.amount().to_string());
    assert_eq!(
        figures([&d.amount, &d.engaged, &d.delivered, &d.paid, &d.remaining]),
        ["20000.00", "6000.00", "6000.00", "6000.00", "0.00"]
    );
    assert_eq!(d.orders, ["BC-DG"]);
    // Charged to the delegating programme: the incubator's spending is BC-FDC only
    // (12,000.00 engaged, delivered and paid), without the 6,000.00 of BC-DG.
    let s = &r.spending;
    assert_eq!(
        figures([&s.engaged, &s.delivered, &s.paid, &s.outstanding, &r.shared]),
        ["12000.00", "12000.00", "12000.00", "0.00", "12000.00"]
    );
    assert!(r.by_startup.is_empty());
    let by_stage: i64 = r.by_stage.values().map(Money::cents).sum();
    let by_phase: i64 = r.by_phase.values().map(Money::cents).sum();
    assert_eq!((by_stage, by_phase), (1_200_000, 1_200_000));
    assert_eq!(r.costs.len(), 1);
    assert_eq!(r.costs[0].gross.amount().to_string(), "12000.00");
    let orders: Vec<&str> = r.orders.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(orders, ["BC-FDC"]);
    // The agreement's own consumption still counts its order.
    let dg = r.agreements.iter().find(|a| a.id == "dg-travail").unwrap();
    assert_eq!(dg.engaged.amount().to_string(), "6000.00");
    let p352 = r.credits.iter().find(|c| c.line == "p352").unwrap();
    assert_eq!(p352.ae_consumed.amount().to_string(), "12000.00");
    assert!(r.credits.iter().all(|c| c.line != "p102"));
    // Without the délégation de gestion, the resources are the same.
    let mut without = b.clone();
    without
        .agreements
        .retain(|a| a.kind != AgreementKind::DelegatedManagement);
    let r2 = report(&without, None, &YearReportOptions::new(FiscalYear(2017)));
    assert_eq!(r2.total, r.total);
    assert_eq!(r2.by_source, r.by_source);
    // The ledger books it outside income, on its own CP account, and the journal
    // still balances.
    let (ledger, problems) = to_ledger(&b, None);
    assert!(problems.is_empty(), "{problems:?}");
    let all = ledger.balances(None, None);
    let equity: Vec<_> = all.iter().filter(|(a, _)| a.top() == "equity").collect();
    assert_eq!(equity.len(), 1);
    assert_eq!(equity[0].0.as_str(), "equity:delegated:min-travail");
    assert_eq!(equity[0].1.amount().to_string(), "-20000.00");
    let balance = |a: &str| {
        all.iter()
            .find(|(k, _)| k.as_str() == a)
            .map(|(_, m)| m.amount().to_string())
    };
    // 20,000.00 delegated − 6,000.00 paid; 100,000.00 own + 30,000.00 received − 12,000.00.
    assert_eq!(
        balance("assets:cp:delegated:dg-travail").as_deref(),
        Some("14000.00")
    );
    assert_eq!(balance("assets:cp:incubator").as_deref(), Some("118000.00"));
    assert_eq!(
        balance("expenses:delegated:dg-travail:shared:development").as_deref(),
        Some("5000.00")
    );
    assert_eq!(
        balance("expenses:delegated:dg-travail:shared:vat").as_deref(),
        Some("1000.00")
    );
    let startups: i64 = all
        .iter()
        .filter(|(a, _)| a.as_str().starts_with("expenses:startups:"))
        .map(|(_, m)| m.cents())
        .sum();
    assert_eq!(
        startups, 1_200_000,
        "the incubator's expenses are BC-FDC's only"
    );
    assert!(all.keys().all(|a| !a.as_str().contains("treasury")));
    // JSON: the block is in the contract (version 3) and reads back.
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["schema_version"], 3);
    assert_eq!(
        v["delegated"][0],
        serde_json::json!({
            "agreement": "dg-travail",
            "partner": "min-travail",
            "amount": "20000.00",
            "engaged": "6000.00",
            "delivered": "6000.00",
            "paid": "6000.00",
            "remaining": "0.00",
            "orders": ["BC-DG"]
        })
    );
    let back: betagouv_funding::report::YearReport = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}

#[test]
fn credit_movements_are_read_with_located_errors() {
    let b = parse_budget(PARTNER_MONEY, Path::new("pm.toml")).unwrap();
    let m = &b.credit_movements[0];
    assert_eq!(
        (m.kind, m.direction, m.ae.cents(), m.cp.cents()),
        (MovementKind::Transfer, Direction::In, 1_000_000, 500_000)
    );
    assert_eq!(b.agreements[0].line.as_deref(), Some("p352"));
    let negative = PARTNER_MONEY.replace("ae = \"10000.00\"", "ae = \"-10000.00\"");
    let e = parse_budget(&negative, Path::new("pm.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("pm.toml:76:6: ") && e.contains("direction = \"out\""),
        "{e}"
    );
    let unknown = PARTNER_MONEY.replace("kind = \"transfer\"", "kind = \"transfert\"");
    assert!(parse_budget(&unknown, Path::new("pm.toml")).is_err());
    // An unknown line is an `unknown-reference` at the movement.
    let bad_line = PARTNER_MONEY.replace(
        "id = \"transfert-2017-03\"\nline = \"p352\"",
        "id = \"transfert-2017-03\"\nline = \"p999\"",
    );
    let b = parse_budget(&bad_line, Path::new("pm.toml")).unwrap();
    let d: Vec<_> = check(&b, None)
        .into_iter()
        .filter(|d| d.rule == rules::UNKNOWN_REFERENCE)
        .collect();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d[0].location.as_ref().map(|l| (l.line, l.column)),
        Some((71, 1))
    );
}

#[test]
fn builtin_2016_keeps_its_published_figures() {
    let b = betagouv_funding::builtin::builtin_2016().unwrap();
    let r = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
    assert_eq!(r.total.amount().to_string(), "2084035.00");
    assert_eq!(r.by_source.partners.amount().to_string(), "1151920.00");
    assert!(r.delegated.is_empty());
}

fn eur(cents: i64) -> Money {
    Money::from_cents(cents, Currency::Eur).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 1, 1).unwrap() + chrono::Days::new(u64::from(d))
}

/// A budget with one line, a fonds de concours (tranches: amount, received day or
/// none), dated movements (in or out, day, AE) and orders (gross as days × 100.00
/// at 0 % VAT, day, funded by the fonds de concours or not).
fn budget(
    ae: i64,
    tranches: &[(i64, Option<u32>)],
    movements: &[(bool, u32, i64)],
    orders: &[(u32, u32, bool)],
) -> Budget {
    let mut b = Budget::new();
    b.contracts.push(FrameworkContract {
        id: "ac".into(),
        holder: "h".into(),
        start: day(0),
        end: None,
        ceiling: None,
    });
    b.credits.push(Credits {
        line: "l".into(),
        year: FiscalYear(2016),
        ae_initial: eur(ae),
        cp_initial: eur(ae),
        ae_carried_over_in: eur(0),
        cp_carried_over_in: eur(0),
        transfers_in: eur(0),
        transfers_out: eur(0),
        pooled_funds: eur(0),
    });
    let amount: i64 = tranches.iter().map(|t| t.0).sum();
    b.agreements.push(Agreement {
        id: "fdc".into(),
        partner: "p".into(),
        kind: AgreementKind::PooledFund,
        startups: vec![],
        amount: eur(amount),
        signed_on: day(0),
        engagement_deadline: None,
        tranches: tranches
            .iter()
            .map(|(c, on)| Tranche {
                due_on: day(0),
                amount: eur(*c),
                received_on: on.map(day),
                received_amount: None,
            })
            .collect(),
        overfunding: Overfunding::Refused,
        line: Some("l".into()),
    });
    for (i, (out, on, cents)) in movements.iter().enumerate() {
        b.credit_movements.push(CreditMovement {
            id: format!("m{i}"),
            line: "l".into(),
            date: day(*on),
            kind: MovementKind::Virement,
            direction: if *out { Direction::Out } else { Direction::In },
            ae: eur(*cents),
            cp: eur(*cents),
            decree: None,
        });
    }
    for (i, (days, on, funded)) in orders.iter().enumerate() {
        b.orders.push(PurchaseOrder {
            id: format!("o{i}"),
            contract: "ac".into(),
            supplier: "s".into(),
            startup: None,
            line: Some("l".into()),
            agreement: funded.then(|| "fdc".into()),
            issued_on: day(*on),
            lines: vec![PoLine {
                profile: "dev".into(),
                days: Decimal::from(*days),
                daily_rate_net: eur(10_000),
            }],
            vat_rate: Decimal::ZERO,
            category: Default::default(),
            closed_on: None,
        });
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Receipts: the partner income of each year is exactly what was received in
    /// it (nothing before receipt, nothing lost), and every transaction balances.
    #[test]
    fn partner_income_is_what_was_received_in_each_year(
        tranches in prop::collection::vec((1i64..10_000_000, prop::option::of(0u32..700)), 1..6),
    ) {
        let b = budget(0, &tranches, &[], &[]);
        let (ledger, problems) = to_ledger(&b, None);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let all = ledger.balances(None, None);
        prop_assert_eq!(all.values().map(|m| i128::from(m.cents())).sum::<i128>(), 0);
        for year in [2016, 2017] {
            let received: i64 = tranches.iter().filter(|(_, on)| on.is_some_and(|d| FiscalYear::of(day(d)) == FiscalYear(year))).map(|t| t.0).sum();
            let r = report(&b, None, &YearReportOptions::new(FiscalYear(year)));
            prop_assert_eq!(r.by_source.partners.cents(), received);
            prop_assert_eq!(r.total.cents(), received);
        }
    }

    /// Commitments: at every order's date, the AE of the orders accepted so far fit
    /// the AE open by then; each order refused, and each movement out that takes
    /// AE already engaged, is an `ae-not-available` error; the
    /// orders of the fonds de concours accepted so far fit what it received by then,
    /// and the others are `unreceived-funds` errors. Nothing is counted twice or lost.
    #[test]
    fn available_ae_never_goes_negative_without_an_error(
        ae in 0i64..5_000_000,
        tranches in prop::collection::vec((1i64..3_000_000, prop::option::of(0u32..365)), 1..4),
        movements in prop::collection::vec((any::<bool>(), 0u32..365, 0i64..2_000_000), 0..4),
        orders in prop::collection::vec((1u32..100, 0u32..365, any::<bool>()), 1..8),
    ) {
        let b = budget(ae, &tranches, &movements, &orders);
        let diags = check(&b, None);
        let flagged = |rule: &str, what: &str| diags.iter().any(|d| d.rule == rule && d.message.starts_with(&format!("{what}:")));
        let openings = Openings::of(&b);
        // Movements out, then orders, of each day, in file order, as the check takes them.
        let mut events: Vec<(NaiveDate, u8, usize)> = b.credit_movements.iter().enumerate()
            .filter(|(_, m)| m.direction == Direction::Out).map(|(i, m)| (m.date, 0, i))
            .chain(b.orders.iter().enumerate().map(|(i, o)| (o.issued_on, 1, i)))
            .collect();
        events.sort_unstable();
        let (mut engaged, mut funded) = (0i128, 0i128);
        let mut errors_expected = 0usize;
        for (date, rank, i) in events {
            let available = i128::from(ae) + openings.ae_at("l", date);
            if rank == 0 {
                let m = &b.credit_movements[i];
                let over = engaged > available;
                prop_assert_eq!(over, flagged(rules::AE_NOT_AVAILABLE, &format!("credit_movement {}", m.id)));
                errors_expected += usize::from(over);
                continue;
            }
            let o = &b.orders[i];
            let gross = i128::from(o.totals(Currency::Eur).unwrap().gross.cents());
            let accepted = engaged + gross <= available;
            prop_assert_eq!(!accepted, flagged(rules::AE_NOT_AVAILABLE, &format!("order {}", o.id)), "order {}", o.id);
            if accepted { engaged += gross } else { errors_expected += 1 }
            // Never below what is engaged without an error (here or at a movement out).
            prop_assert!(engaged <= available || diags.iter().any(|d| d.rule == rules::AE_NOT_AVAILABLE && d.message.starts_with("credit_movement")),
                "AE went negative without an error");
            if o.agreement.is_some() {
                let received: i128 = tranches.iter().filter(|(_, on)| on.is_some_and(|d| day(d) <= o.issued_on)).map(|t| i128::from(t.0)).sum();
                let ok = funded + gross <= received;
                prop_assert_eq!(!ok, flagged(rules::UNRECEIVED_FUNDS, &format!("order {}", o.id)), "order {}", o.id);
                if ok { funded += gross }
                prop_assert!(funded <= received, "spent money not received");
            }
        }
        let errors = diags.iter().filter(|d| d.rule == rules::AE_NOT_AVAILABLE).count();
        prop_assert_eq!(errors, errors_expected);
        // Every order is engaged in the report, refused or not: none created or lost.
        let total: i64 = b.orders.iter().map(|o| o.totals(Currency::Eur).unwrap().gross.cents()).sum();
        let r = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
        prop_assert_eq!(r.spending.engaged.cents(), total);
        prop_assert_eq!(r.credits[0].ae_consumed.cents(), total);
    }
}
