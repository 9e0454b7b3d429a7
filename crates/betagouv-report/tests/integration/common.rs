//! The built-in 2016 report, computed like `betagouv report` does.

use betagouv_portfolio::builtin;
use betagouv_report::budget::{BudgetData, from_funding};
use betagouv_report::impact::{ImpactOptions, ImpactSection, section};
use betagouv_report::{Inputs, Lang, Report, ReportOptions};

pub(crate) struct Data {
    pub(crate) portfolio: betagouv_portfolio::Portfolio,
    pub(crate) budget: BudgetData,
    pub(crate) impact: ImpactSection,
}

pub(crate) fn data() -> Data {
    let portfolio = builtin::portfolio_2016();
    let budget = from_funding(
        &betagouv_funding::builtin::builtin_2016().expect("built-in budget parses"),
        Some(&portfolio),
        2016,
        "built-in 2016 budget",
    );
    let impact = section(
        &betagouv_impact::builtin_2016(),
        Some(&portfolio),
        "built-in 2016 impact data",
        ImpactOptions::default(),
    )
    .expect("built-in impact data compares");
    Data {
        portfolio,
        budget,
        impact,
    }
}

pub(crate) fn report_2016(lang: Lang) -> Report {
    let d = data();
    let inputs = Inputs::new(&d.portfolio, "built-in 2016 dataset")
        .with_published(builtin::published_2016())
        .with_budget(Some(&d.budget))
        .with_impact(Some(&d.impact));
    let options = ReportOptions::default().with_lang(lang);
    Report::compute(&inputs, &options).expect("2016 report computes")
}
