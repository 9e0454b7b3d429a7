//! One property test across a budget's life: credits over two or three years on one
//! to three lines, fonds de concours tranches received, orders (some closed, releasing
//! their unused AE), dated transferts in and out, carry-overs within or over what was
//! left, and payments on deliveries. Money is never created or lost, and the AE and CP available never go
//! negative without an error.

use betagouv_funding::availability::Openings;
use betagouv_funding::check::check;
use betagouv_funding::commitments::to_commitments_ledger;
use betagouv_funding::flows::Index;
use betagouv_funding::model::{
    Agreement, AgreementKind, Budget, BudgetLine, CreditMovement, Credits, Delivery, Direction,
    FiscalYear, FrameworkContract, MovementKind, Overfunding, Payment, PaymentKind, PoLine,
    PurchaseOrder, Title, Tranche,
};
use betagouv_funding::money::{Currency, Money};
use betagouv_funding::report::{YearReportOptions, report};
use betagouv_funding::rules;
use betagouv_funding::year_change::{YearEnd, consumption, releases, year_end};
use betagouv_portfolio::Diagnostic;
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

const FIRST: i32 = 2016;

fn eur(cents: i64) -> Money {
    Money::from_cents(cents, Currency::Eur).unwrap()
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(FIRST, 1, 1).unwrap()
}

fn day(d: u32) -> NaiveDate {
    start() + chrono::Days::new(u64::from(d))
}

/// The number of days in the first `years` fiscal years.
fn days_in(years: u32) -> u32 {
    let end = NaiveDate::from_ymd_opt(FIRST + years as i32, 1, 1).unwrap();
    u32::try_from((end - start()).num_days()).unwrap()
}

/// One order: its line, issue day, days ordered (500.00 a day net, 20 % VAT: 600.00
/// gross), days delivered (a share of them, from the issue day to 30 days later), the
/// payment of the delivery that many days after its end (none: unpaid), the closing
/// that many days after the last event (none: open), and whether the line's fonds de
/// concours funds it.
#[derive(Debug, Clone)]
struct OrderSpec {
    line: usize,
    on: u32,
    days: u32,
    delivered: u32,
    pay_after: Option<u32>,
    close_after: Option<u32>,
    funded: bool,
}

/// A budget's life: its years and lines, the credits of each (line, year) (`AE, CP`
/// initial, `AE, CP` carried over from the year before), fonds de concours tranches
/// (line, amount, day received) and orders.
#[derive(Debug, Clone)]
struct Life {
    years: u32,
    lines: usize,
    credits: Vec<(i64, i64, i64, i64)>,
    tranches: Vec<(usize, i64, Option<u32>)>,
    /// Dated transferts (line, day, AE, CP, out).
    movements: Vec<(usize, u32, i64, i64, bool)>,
    orders: Vec<OrderSpec>,
}

fn life() -> impl Strategy<Value = Life> {
    (2u32..=3, 1usize..=3)
        .prop_flat_map(|(years, lines)| {
            let last = days_in(years) - 1;
            let credit = (
                0i64..3_000_000,
                0i64..3_000_000,
                0i64..800_000,
                0i64..800_000,
            );
            let order = (
                0..lines,
                0..=last,
                1u32..20,
                1u32..25,
                prop::option::weighted(0.85, 0u32..120),
                prop::option::of(0u32..200),
                any::<bool>(),
            );
            (
                Just(years),
                Just(lines),
                prop::collection::vec(credit, years as usize * lines),
                prop::collection::vec(
                    (0..lines, 1i64..1_500_000, prop::option::of(0..=last)),
                    0..5,
                ),
                prop::collection::vec(
                    (
                        0..lines,
                        0..=last,
                        0i64..2_000_000,
                        0i64..2_000_000,
                        prop::bool::weighted(0.3),
                    ),
                    0..5,
                ),
                prop::collection::vec(order, 1..14),
            )
        })
        .prop_map(
            |(years, lines, credits, tranches, movements, orders)| Life {
                years,
                lines,
                credits,
                tranches,
                movements,
                orders: orders
                    .into_iter()
                    .map(
                        |(line, on, days, delivered, pay_after, close_after, funded)| OrderSpec {
                            line,
                            on,
                            days,
                            delivered: delivered % (days + 1),
                            pay_after,
                            close_after,
                            funded,
                        },
                    )
                    .collect(),
            },
        )
}

fn line_id(l: usize) -> String {
    format!("l{l}")
}

/// The budget of `life`; dates past its last year are brought back to its last day.
fn budget(life: &Life) -> Budget {
    let last = day(days_in(life.years) - 1);
    let mut b = Budget::new();
    b.contracts.push(FrameworkContract {
        id: "ac".into(),
        holder: "h".into(),
        start: start(),
        end: None,
        ceiling: None,
    });
    for l in 0..life.lines {
        b.lines.push(BudgetLine {
            id: line_id(l),
            programme: "129".into(),
            action: None,
            sub_action: None,
            title: Title::Operating,
        });
        let tranches: Vec<Tranche> = life
            .tranches
            .iter()
            .filter(|t| t.0 == l)
            .map(|&(_, cents, on)| Tranche {
                due_on: start(),
                amount: eur(cents),
                received_on: on.map(day),
                received_amount: None,
            })
            .collect();
        b.agreements.push(Agreement {
            id: format!("fdc-{l}"),
            partner: "p".into(),
            kind: AgreementKind::PooledFund,
            startups: vec![],
            amount: eur(tranches.iter().map(|t| t.amount.cents()).sum()),
            signed_on: start(),
            engagement_deadline: None,
            tranches,
            overfunding: Overfunding::Refused,
            line: Some(line_id(l)),
        });
    }
    for (i, &(ae, cp, ae_in, cp_in)) in life.credits.iter().enumerate() {
        let (year, l) = (i / life.lines, i % life.lines);
        let first = year == 0;
        b.credits.push(Credits {
            line: line_id(l),
            year: FiscalYear(FIRST + year as i32),
            ae_initial: eur(ae),
            cp_initial: eur(cp),
            ae_carried_over_in: eur(if first { 0 } else { ae_in }),
            cp_carried_over_in: eur(if first { 0 } else { cp_in }),
            transfers_in: eur(0),
            transfers_out: eur(0),
            pooled_funds: eur(0),
        });
    }
    for (i, &(l, on, ae, cp, out)) in life.movements.iter().enumerate() {
        b.credit_movements.push(CreditMovement {
            id: format!("m{i}"),
            line: line_id(l),
            date: day(on),
            kind: MovementKind::Transfer,
            direction: if out { Direction::Out } else { Direction::In },
            ae: eur(ae),
            cp: eur(cp),
            decree: None,
        });
    }
    for (i, o) in life.orders.iter().enumerate() {
        push_order(&mut b, i, o, last);
    }
    b
}

/// Adds the order `o` (number `i`), its delivery and its payment to `b`.
fn push_order(b: &mut Budget, i: usize, o: &OrderSpec, last: NaiveDate) {
    let issued = day(o.on);
    let later = |from: NaiveDate, n: u32| (from + chrono::Days::new(u64::from(n))).min(last);
    let mut end = issued;
    if o.delivered > 0 {
        end = later(issued, 30);
        b.deliveries.push(Delivery {
            id: format!("d{i}"),
            order: format!("o{i}"),
            period_start: issued,
            period_end: end,
            amount_net: eur(i64::from(o.delivered) * 50_000),
            partial: o.delivered < o.days,
        });
        if let Some(after) = o.pay_after {
            end = later(end, after);
            b.payments.push(Payment {
                id: format!("p{i}"),
                deliveries: vec![format!("d{i}")],
                paid_on: end,
                amount_gross: eur(i64::from(o.delivered) * 60_000),
                kind: PaymentKind::Settlement,
                invoices: Vec::new(),
            });
        }
    }
    b.orders.push(PurchaseOrder {
        id: format!("o{i}"),
        contract: "ac".into(),
        supplier: "s".into(),
        startup: None,
        line: Some(line_id(o.line)),
        agreement: o.funded.then(|| format!("fdc-{}", o.line)),
        issued_on: issued,
        lines: vec![PoLine {
            profile: "dev".into(),
            days: Decimal::from(o.days),
            daily_rate_net: eur(50_000),
        }],
        vat_rate: Decimal::new(20, 2),
        category: Default::default(),
        closed_on: o.close_after.map(|n| later(end, n)),
    });
}

/// The first credits record of `line` in `year`.
fn credits_of<'b>(b: &'b Budget, line: &str, year: FiscalYear) -> Option<&'b Credits> {
    b.credits.iter().find(|c| c.line == line && c.year == year)
}

/// Whether `diags` holds one of `rules`.
fn has(diags: &[Diagnostic], rules: &[&str]) -> bool {
    diags.iter().any(|d| rules.contains(&d.rule.as_str()))
}

/// Whether `diags` say that the AE (or CP) of `line` ran short in the year of `d`, by
/// `d`: a use or a movement out on the line refused (`not_available`) on a day of that
/// year up to `d`, or the whole year's use above its credits (`exceeded`, at the line's
/// credits record).
fn flagged(
    diags: &[Diagnostic],
    [not_available, exceeded]: [&str; 2],
    line: &str,
    d: NaiveDate,
) -> bool {
    let year = FiscalYear::of(d);
    let record = format!("credits {line}/{year}:");
    let at = format!(" line {line} on ");
    diags.iter().any(|x| {
        let on = x
            .message
            .split_once(&at)
            .and_then(|(_, rest)| rest.get(..10))
            .and_then(|s| s.parse::<NaiveDate>().ok());
        (x.rule == exceeded && x.message.starts_with(&record))
            || (x.rule == not_available
                && on.is_some_and(|on| on <= d && FiscalYear::of(on) == year))
    })
}

/// At each order's date, the AE left on its line at the end of that day (credits of
/// the year and opened by then, minus every order of the year issued by then, plus
/// the releases of the orders closed by then in the year they were issued): never
/// negative without `ae-not-available` or `ae-exceeded`.
fn ae_never_negative_without_an_error(
    b: &Budget,
    diags: &[Diagnostic],
) -> Result<(), TestCaseError> {
    let openings = Openings::of(b);
    let index = Index::new(b);
    let released = releases(&index, None);
    let gross = |o: &PurchaseOrder| i128::from(o.totals(Currency::Eur).unwrap().gross.cents());
    for o in &b.orders {
        let (line, d) = (o.line.as_deref().unwrap(), o.issued_on);
        let year = FiscalYear::of(d);
        let base = credits_of(b, line, year).map_or(0, |c| c.ae_available().unwrap().cents());
        let available = i128::from(base) + openings.ae_at(line, d);
        let engaged: i128 = b
            .orders
            .iter()
            .filter(|x| {
                x.line.as_deref() == Some(line) && year.contains(x.issued_on) && x.issued_on <= d
            })
            .map(gross)
            .sum();
        let back: i128 = released
            .iter()
            .filter(|r| r.reopens_ae && r.order.line.as_deref() == Some(line) && r.year == year)
            .filter(|r| r.order.closed_on.is_some_and(|c| c <= d))
            .map(|r| i128::from(r.amount.cents()))
            .sum();
        if available - engaged + back < 0 {
            prop_assert!(
                flagged(
                    diags,
                    [rules::AE_NOT_AVAILABLE, rules::AE_EXCEEDED],
                    line,
                    d
                ),
                "AE negative on {line} on {d} without an error: {diags:#?}"
            );
        }
    }
    Ok(())
}

/// At each payment's date, the CP left on its line at the end of that day (credits of
/// the year and opened by then, minus every payment of the year made by then): never
/// negative without `cp-not-available` or `cp-exceeded`.
fn cp_never_negative_without_an_error(
    b: &Budget,
    diags: &[Diagnostic],
) -> Result<(), TestCaseError> {
    let openings = Openings::of(b);
    let line_of = |p: &Payment| {
        let d = b.delivery(&p.deliveries[0]).unwrap();
        b.order(&d.order).unwrap().line.clone().unwrap()
    };
    for p in &b.payments {
        let (line, d) = (line_of(p), p.paid_on);
        let year = FiscalYear::of(d);
        let base = credits_of(b, &line, year).map_or(0, |c| c.cp_available().unwrap().cents());
        let available = i128::from(base) + openings.cp_at(&line, d);
        let paid: i128 = b
            .payments
            .iter()
            .filter(|x| year.contains(x.paid_on) && x.paid_on <= d && line_of(x) == line)
            .map(|x| i128::from(x.amount_gross.cents()))
            .sum();
        if available - paid < 0 {
            prop_assert!(
                flagged(
                    diags,
                    [rules::CP_NOT_AVAILABLE, rules::CP_EXCEEDED],
                    &line,
                    d
                ),
                "CP negative on {line} on {d} without an error: {diags:#?}"
            );
        }
    }
    Ok(())
}

/// Per line and year: the report's AE and CP available are what was consumed plus
/// what is left; the report's consumption is the year change's; what is carried out
/// fits what was left unless `carry-over-exceeds-available` says otherwise; the
/// commitments journal's AE account of the year holds what is left after the carry-over
/// out. Returns the CP consumed, over every line and year.
fn money_is_conserved(b: &Budget, diags: &[Diagnostic], years: u32) -> Result<i64, TestCaseError> {
    let openings = Openings::of(b);
    let index = Index::new(b);
    let used = consumption(&index);
    let (ledger, problems) = to_commitments_ledger(b);
    prop_assert!(problems.is_empty(), "{:?}", problems);
    let bal = ledger.balances(None, None);
    prop_assert_eq!(bal.values().map(|m| i128::from(m.cents())).sum::<i128>(), 0);
    let get = |a: &str| {
        bal.iter()
            .find(|(k, _)| k.as_str() == a)
            .map_or(0, |(_, m)| m.cents())
    };
    let mut cp_total = 0;
    for y in 0..years {
        let year = FiscalYear(FIRST + y as i32);
        let r = report(b, None, &YearReportOptions::new(year));
        for c in b.credits.iter().filter(|c| c.year == year) {
            let u = r.credits.iter().find(|u| u.line == c.line).unwrap();
            let consumed = used.get(&(c.line.as_str(), year)).copied();
            let (ae, cp) = consumed.map_or((0, 0), |(a, p)| (a.cents(), p.cents()));
            prop_assert_eq!((u.ae_consumed.cents(), u.cp_consumed.cents()), (ae, cp));
            let YearEnd { ae_left, cp_left } = year_end(c, consumed, &openings).unwrap();
            prop_assert_eq!(
                u.ae_available.cents(),
                ae + ae_left.cents(),
                "AE of {}",
                c.line
            );
            prop_assert_eq!(
                u.cp_available.cents(),
                cp + cp_left.cents(),
                "CP of {}",
                c.line
            );
            let next = FiscalYear(year.0 + 1);
            let out = credits_of(b, &c.line, next).map_or((0, 0), |n| {
                (n.ae_carried_over_in.cents(), n.cp_carried_over_in.cents())
            });
            if !has(diags, &[rules::CARRY_OVER_EXCEEDS_AVAILABLE]) {
                prop_assert!(out.0 <= ae_left.cents().max(0) && out.1 <= cp_left.cents().max(0));
            }
            prop_assert_eq!(
                get(&format!("assets:ae:{}:{year}", c.line)),
                ae_left.cents() - out.0
            );
            let year_end_day = next.first_day().unwrap() - chrono::Days::new(1);
            if ae_left.cents() < 0 {
                prop_assert!(flagged(
                    diags,
                    [rules::AE_NOT_AVAILABLE, rules::AE_EXCEEDED],
                    &c.line,
                    year_end_day
                ));
            }
            if cp_left.cents() < 0 {
                prop_assert!(flagged(
                    diags,
                    [rules::CP_NOT_AVAILABLE, rules::CP_EXCEEDED],
                    &c.line,
                    year_end_day
                ));
            }
            cp_total += u.cp_consumed.cents();
        }
    }
    Ok(cp_total)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Receipts, commitments, releases, carry-overs and payments: nothing created or
    /// lost, and no credits spent beyond what is available without an error.
    #[test]
    fn a_budget_life_conserves_money_and_never_overspends_silently(life in life()) {
        let b = budget(&life);
        let diags = check(&b, None);
        let cp_consumed = money_is_conserved(&b, &diags, life.years)?;
        // Every payment is paid in a year with credits: the CP consumed are the payments.
        let paid: i64 = b.payments.iter().map(|p| p.amount_gross.cents()).sum();
        prop_assert_eq!(paid, cp_consumed);
        ae_never_negative_without_an_error(&b, &diags)?;
        cp_never_negative_without_an_error(&b, &diags)?;
    }
}
