//! The budget as the report reads it, and the budget section.
//!
//! [`BudgetData`] is a small, neutral input: resources (own credits or partner funds,
//! each with the evidence behind it) and spending lines (by start-up and phase). A
//! budget file read by `betagouv-funding` is turned into it by the caller; the report
//! does not parse budget files itself.
//!
//! ```
//! use betagouv_report::budget::{BudgetData, Evidence, FundingKind, ResourceRow};
//! use rust_decimal::Decimal;
//! let data = BudgetData {
//!     source: "example".into(),
//!     resources: vec![
//!         ResourceRow { funder: "Incubator".into(), kind: FundingKind::Own, amount: Decimal::new(40, 0), evidence: Evidence::Records },
//!         ResourceRow { funder: "Partner".into(), kind: FundingKind::Partner, amount: Decimal::new(60, 0), evidence: Evidence::Records },
//!     ],
//!     spending: vec![],
//! };
//! let s = betagouv_report::budget::section(&data, &betagouv_portfolio::Portfolio::new(betagouv_portfolio::Vocabulary::V2026), chrono::NaiveDate::MAX, Default::default());
//! assert_eq!(s.partner_share_percent, Some(Decimal::new(6000, 2)));
//! ```

use std::collections::BTreeMap;

use betagouv_portfolio::{PhaseRule, Portfolio, Stage};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Who brings a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FundingKind {
    /// The incubator's own credits.
    Own,
    /// Funds from a partner administration.
    Partner,
}

/// What a figure rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Evidence {
    /// Records (agreements, orders, payments) that prove the amount.
    Records,
    /// Only the published report: the amount restates a published figure.
    Published,
}

/// One resource of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRow {
    /// The funder's name.
    pub funder: String,
    /// Own credits or partner funds.
    pub kind: FundingKind,
    /// Amount in euros (exact).
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// What the amount rests on.
    pub evidence: Evidence,
}

/// One spending line of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpendingRow {
    /// The start-up id (or an activity name when not a start-up).
    pub startup: String,
    /// The phase name as written, when known.
    pub phase: Option<String>,
    /// The stage the source attributes the line to, when it does
    /// ([`from_funding`] always does); otherwise [`section`] finds it from `phase`
    /// or from the start-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// Amount in euros (exact).
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// The budget of one year as the report reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetData {
    /// Where the data comes from (file name or "built-in").
    pub source: String,
    /// Resources.
    pub resources: Vec<ResourceRow>,
    /// Spending lines.
    pub spending: Vec<SpendingRow>,
}

impl BudgetData {
    /// Whether every resource only restates a published figure.
    #[must_use]
    pub fn published_only(&self) -> bool {
        !self.resources.is_empty()
            && self
                .resources
                .iter()
                .all(|r| r.evidence == Evidence::Published)
    }
}

/// A labelled amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountRow {
    /// Stable key (funder name, start-up id, stage key).
    pub key: String,
    /// Kind of funding, for rows by source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<FundingKind>,
    /// Amount in euros.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// The budget section of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetSection {
    /// Where the data comes from.
    pub source: String,
    /// Whether the amounts only restate published figures.
    pub published_only: bool,
    /// Sum of all resources.
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// Own credits.
    #[serde(with = "rust_decimal::serde::str")]
    pub own: Decimal,
    /// Partner funds.
    #[serde(with = "rust_decimal::serde::str")]
    pub partners: Decimal,
    /// Partner funds over the total, in percent, 2 decimals (half away from zero);
    /// `None` when the total is zero.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub partner_share_percent: Option<Decimal>,
    /// Number of distinct partner funders.
    pub partner_count: usize,
    /// By source (funder), largest first, then by name.
    pub by_source: Vec<AmountRow>,
    /// Spending by start-up, largest first, then by id.
    pub by_startup: Vec<AmountRow>,
    /// Spending by stage (the line's stage, or its phase's stage in the portfolio's
    /// vocabulary; `unknown` when neither is known).
    pub by_stage: Vec<AmountRow>,
}

/// Options of [`section`]: [`BudgetOptions::default`], then the `with_*` setters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BudgetOptions {
    /// How a spending line without a phase gets one: the start-up's phase at the date.
    pub phase_rule: PhaseRule,
}

with_setters!(BudgetOptions {
    with_phase_rule(phase_rule: PhaseRule);
});

fn sorted(map: BTreeMap<String, (Option<FundingKind>, Decimal)>) -> Vec<AmountRow> {
    let mut v: Vec<AmountRow> = map
        .into_iter()
        .map(|(key, (kind, amount))| AmountRow { key, kind, amount })
        .collect();
    v.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| a.key.cmp(&b.key)));
    v
}

/// Computes the budget section. A spending line's stage is its `stage` when given,
/// else its phase's stage in the portfolio's vocabulary; a line with neither takes the
/// start-up's stage at `at` when the portfolio knows the start-up.
#[must_use]
pub fn section(
    data: &BudgetData,
    portfolio: &Portfolio,
    at: NaiveDate,
    options: BudgetOptions,
) -> BudgetSection {
    let sum = |kind: Option<FundingKind>| -> Decimal {
        data.resources
            .iter()
            .filter(|r| kind.is_none_or(|k| r.kind == k))
            .map(|r| r.amount)
            .sum()
    };
    let total = sum(None);
    let own = sum(Some(FundingKind::Own));
    let partners = sum(Some(FundingKind::Partner));
    let partner_share_percent = (!total.is_zero()).then(|| {
        (partners * Decimal::ONE_HUNDRED / total)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    });
    let mut by_source = BTreeMap::new();
    for r in &data.resources {
        let e = by_source
            .entry(r.funder.clone())
            .or_insert((Some(r.kind), Decimal::ZERO));
        e.1 += r.amount;
    }
    let partner_count = data
        .resources
        .iter()
        .filter(|r| r.kind == FundingKind::Partner)
        .map(|r| r.funder.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut by_startup = BTreeMap::new();
    let mut by_stage = BTreeMap::new();
    for s in &data.spending {
        by_startup
            .entry(s.startup.clone())
            .or_insert((None, Decimal::ZERO))
            .1 += s.amount;
        let stage = match (s.stage, &s.phase) {
            (Some(stage), _) => stage,
            (None, Some(p)) => portfolio.vocabulary.stage_of(p),
            (None, None) => portfolio.startup(&s.startup).map_or(Stage::Unknown, |st| {
                portfolio.stage_at(st, at, options.phase_rule)
            }),
        };
        by_stage
            .entry(stage.key().to_owned())
            .or_insert((None, Decimal::ZERO))
            .1 += s.amount;
    }
    BudgetSection {
        source: data.source.clone(),
        published_only: data.published_only(),
        total,
        own,
        partners,
        partner_share_percent,
        partner_count,
        by_source: sorted(by_source),
        by_startup: sorted(by_startup),
        by_stage: sorted(by_stage),
    }
}

/// The budget of `year` from a `betagouv-funding` budget, through its year report.
///
/// Resources: the incubator's own credits and each partner's funds (partner names from
/// the budget's organisations; `unspecified` when the split is not known). Spending:
/// the year's service fait (gross) by start-up and phase, with the stage the funding
/// report attributes it to (a cost no start-up of the portfolio explains is at stage
/// `unknown`). Evidence: [`Evidence::Records`] when records prove the resources
/// ([`betagouv_funding::claims::records_prove_resources`]: the year has payments or
/// the budget partner agreements), else [`Evidence::Published`] (the resources only
/// restate published totals).
///
/// ```
/// let budget = betagouv_funding::builtin::builtin_2016()?;
/// let data = betagouv_report::budget::from_funding(&budget, None, 2016, "built-in 2016 budget");
/// assert!(data.published_only());
/// let total: rust_decimal::Decimal = data.resources.iter().map(|r| r.amount).sum();
/// assert_eq!(total, rust_decimal::Decimal::new(2_084_035, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn from_funding(
    budget: &betagouv_funding::model::Budget,
    portfolio: Option<&Portfolio>,
    year: i32,
    source: &str,
) -> BudgetData {
    use betagouv_funding::claims::records_prove_resources;
    use betagouv_funding::model::FiscalYear;
    use betagouv_funding::report::{YearReportOptions, report};
    let r = report(budget, portfolio, &YearReportOptions::new(FiscalYear(year)));
    let evidence = if records_prove_resources(budget, FiscalYear(year)) {
        Evidence::Records
    } else {
        Evidence::Published
    };
    let mut resources = Vec::new();
    if !r.by_source.incubator.is_zero() {
        resources.push(ResourceRow {
            funder: budget
                .incubator
                .clone()
                .unwrap_or_else(|| "own credits".to_owned()),
            kind: FundingKind::Own,
            amount: r.by_source.incubator.amount(),
            evidence,
        });
    }
    for (key, m) in &r.by_partner {
        let funder = budget
            .organisations
            .iter()
            .find(|o| &o.id == key)
            .map_or_else(|| key.clone(), |o| o.name.clone());
        resources.push(ResourceRow {
            funder,
            kind: FundingKind::Partner,
            amount: m.amount(),
            evidence,
        });
    }
    let spending = r
        .costs
        .iter()
        .map(|c| SpendingRow {
            startup: c.startup.as_ref().map_or_else(
                || betagouv_funding::report::SHARED.to_owned(),
                ToString::to_string,
            ),
            phase: Some(c.phase.clone()),
            stage: Some(c.stage.stage().unwrap_or(Stage::Unknown)),
            amount: c.gross.amount(),
        })
        .collect();
    BudgetData {
        source: source.to_owned(),
        resources,
        spending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use betagouv_portfolio::builtin;

    fn res(funder: &str, kind: FundingKind, amount: i64) -> ResourceRow {
        ResourceRow {
            funder: funder.into(),
            kind,
            amount: Decimal::new(amount, 0),
            evidence: Evidence::Published,
        }
    }

    #[test]
    fn share_is_rounded_half_away_from_zero() {
        let data = BudgetData {
            source: "t".into(),
            resources: vec![
                res("own", FundingKind::Own, 932_115),
                res("partners", FundingKind::Partner, 1_151_920),
            ],
            spending: vec![],
        };
        let s = section(
            &data,
            &builtin::portfolio_2016(),
            builtin::as_of_2016(),
            BudgetOptions::default(),
        );
        assert_eq!(s.total, Decimal::new(2_084_035, 0));
        assert_eq!(s.partner_share_percent, Some(Decimal::new(5527, 2)));
        assert!(s.published_only);
        assert_eq!(s.by_source[0].key, "partners");
    }

    #[test]
    fn spending_takes_the_startup_stage() {
        let data = BudgetData {
            source: "t".into(),
            resources: vec![],
            spending: vec![
                SpendingRow {
                    startup: "retraite".into(),
                    phase: None,
                    stage: None,
                    amount: Decimal::new(10, 0),
                },
                SpendingRow {
                    startup: "x".into(),
                    phase: Some("construction".into()),
                    stage: None,
                    amount: Decimal::new(5, 0),
                },
            ],
        };
        let s = section(
            &data,
            &builtin::portfolio_2016(),
            builtin::as_of_2016(),
            BudgetOptions::default(),
        );
        assert_eq!(s.partner_share_percent, None);
        let keys: Vec<_> = s.by_stage.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["in_handover", "incubating"]);
    }

    #[test]
    fn a_given_stage_wins_over_the_phase() {
        let data = BudgetData {
            source: "t".into(),
            resources: vec![],
            spending: vec![SpendingRow {
                startup: "x".into(),
                phase: Some("construction".into()),
                stage: Some(Stage::TakenOver),
                amount: Decimal::new(5, 0),
            }],
        };
        let p = builtin::portfolio_2016();
        let s = section(&data, &p, builtin::as_of_2016(), BudgetOptions::default());
        assert_eq!(s.by_stage[0].key, "taken_over");
    }

    /// Service fait before the start-up's first phase is at stage `not_started`, as the
    /// funding report attributes it (the phase name alone, `unphased`, would say `unknown`).
    #[test]
    fn costs_keep_the_funding_stage() {
        let text = r#"
[[resources]]
id = "own"
date = 2016-01-04
source = "incubator"
amount = "30000.00"

[[contracts]]
id = "ac"
holder = "h"
start = 2015-01-01

[[orders]]
id = "BC-1"
contract = "ac"
startup = "biodiversite"
issued_on = 2016-05-01
lines = [{ profile = "dev", days = 10, daily_rate_net = "500.00" }]

[[orders]]
id = "BC-2"
contract = "ac"
startup = "elsewhere"
issued_on = 2016-05-01
lines = [{ profile = "dev", days = 1, daily_rate_net = "100.00" }]

[[deliveries]]
id = "SF-1"
order = "BC-1"
period_start = 2016-05-01
period_end = 2016-06-30
amount_net = "1000.00"

[[deliveries]]
id = "SF-2"
order = "BC-1"
period_start = 2016-10-01
period_end = 2016-11-30
amount_net = "2000.00"

[[deliveries]]
id = "SF-3"
order = "BC-2"
period_start = 2016-05-01
period_end = 2016-05-31
amount_net = "100.00"
"#;
        let budget = betagouv_funding::file::parse_budget(text, "t.toml").unwrap();
        let p = builtin::portfolio_2016();
        let data = from_funding(&budget, Some(&p), 2016, "t");
        assert!(data.published_only());
        let s = section(&data, &p, builtin::as_of_2016(), BudgetOptions::default());
        let rows: Vec<(&str, String)> = s
            .by_stage
            .iter()
            .map(|r| (r.key.as_str(), r.amount.to_string()))
            .collect();
        assert_eq!(
            rows,
            [
                ("incubating", "2400.00".to_owned()),
                ("not_started", "1200.00".to_owned()),
                ("unknown", "120.00".to_owned())
            ]
        );
    }
}
