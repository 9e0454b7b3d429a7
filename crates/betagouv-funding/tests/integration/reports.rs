//! Reports on the built-in 2016 budget and on a small file.

use std::path::Path;

use betagouv_funding::builtin::builtin_2016;
use betagouv_funding::file::parse_budget;
use betagouv_funding::model::FiscalYear;
use betagouv_funding::report::{SpendingEvidence, Verdict, YearReportOptions, report};
use betagouv_portfolio::builtin::portfolio_2016;

#[test]
fn builtin_2016_figures_and_claims() {
    let b = builtin_2016().unwrap();
    let r = report(
        &b,
        Some(&portfolio_2016()),
        &YearReportOptions::new(FiscalYear(2016)),
    );
    assert_eq!(r.total.amount().to_string(), "2084035.00");
    assert_eq!(r.by_source.incubator.amount().to_string(), "932115.00");
    assert_eq!(r.by_source.partners.amount().to_string(), "1151920.00");
    assert_eq!(r.partner_share.unwrap().to_string(), "0.5527");
    assert!(r.by_startup.is_empty());
    assert_eq!(r.by_stage.len(), 7);
    assert!(r.by_stage.values().all(|m| m.is_zero()));
    assert_eq!(r.evidence, SpendingEvidence::ResourcesOnly);
    let status = |k: &str| r.claims.iter().find(|c| c.key == k).map(|c| c.verdict);
    assert_eq!(status("budget_total"), Some(Verdict::Consistent));
    assert_eq!(status("partner_share"), Some(Verdict::Consistent));
    assert_eq!(status("budget_own_implied"), Some(Verdict::Consistent));
    // 12 partners are named of the 15 published.
    assert_eq!(status("partners"), Some(Verdict::Differs));
    assert!(r.burn.runway_months.is_none());
    let other = report(&b, None, &YearReportOptions::new(FiscalYear(2017)));
    assert!(other.total.is_zero() && other.partner_share.is_none());
}

const FILE: &str = include_str!("../../../../tests/fixtures/budget/agreement.toml");

#[test]
fn spending_report_and_breaches() {
    let b = parse_budget(FILE, Path::new("b.toml")).unwrap();
    let p = portfolio_2016();
    let r = report(&b, Some(&p), &YearReportOptions::new(FiscalYear(2016)));
    assert_eq!(r.total.amount().to_string(), "40000.00");
    assert_eq!(r.partner_share.unwrap().to_string(), "0.2500");
    assert_eq!(r.by_startup["mes-aides"].amount().to_string(), "10800.00");
    assert_eq!(r.by_stage["incubating"].amount().to_string(), "10800.00");
    assert_eq!(r.by_phase["consolidation"].amount().to_string(), "10800.00");
    assert_eq!(r.spending.engaged.amount().to_string(), "12000.00");
    assert_eq!(r.spending.outstanding.amount().to_string(), "1200.00");
    // Burn: 10800 over Oct-Dec / 3 = 3600; available 40000 - 10800 = 29200.
    assert_eq!(r.burn.monthly.amount().to_string(), "3600.00");
    assert_eq!(r.burn.runway_months.unwrap().to_string(), "8.11");
    let credit = &r.credits[0];
    assert_eq!(credit.ae_rate.unwrap().to_string(), "0.6000");
    assert_eq!(credit.cp_rate.unwrap().to_string(), "1.0800");
    let a = &r.agreements[0];
    assert_eq!(
        (a.engaged.cents(), a.paid.cents(), a.remaining.cents()),
        (1_200_000, 1_080_000, -200_000)
    );
    let diags = betagouv_funding::check::check(&b, Some(&p));
    let rules: Vec<&str> = diags.iter().map(|d| d.rule.as_str()).collect();
    assert!(rules.contains(&"cp-exceeded"), "{rules:?}");
    assert!(rules.contains(&"agreement-overcommitted"), "{rules:?}");
    assert!(rules.contains(&"order-after-deadline"), "{rules:?}");
    // A fonds de concours (the default kind): 12,000 engaged on it, 10,000 received.
    assert!(rules.contains(&"unreceived-funds"), "{rules:?}");
    // Diagnostics point into the file.
    let d = diags
        .iter()
        .find(|d| d.rule == "order-after-deadline")
        .unwrap();
    assert_eq!(d.location.as_ref().map(|l| l.line), Some(35));
}
