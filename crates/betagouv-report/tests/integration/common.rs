//! The built-in 2016 report, computed like `betagouv report` does.

use betagouv_portfolio::builtin;
use betagouv_report::budget::{BudgetData, from_funding};
use betagouv_report::history::{ClaimHistory, ClaimsHistory, KnownCommit, KnownPoint};
use betagouv_report::impact::{ImpactOptions, ImpactSection, section};
use betagouv_report::{Inputs, Lang, Report, ReportOptions};
use chrono::{DateTime, FixedOffset};

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

/// A made-up history of the 2016 claims (the shared repository's is tested in the
/// binary's tests): services 27 then 33 (published) then 31 then 33 again to the last
/// commit; taken over never 8; people and hand-over with one interval each.
pub(crate) fn history_2016(lang: Lang) -> ClaimsHistory {
    let at = |s: &str| s.parse::<DateTime<FixedOffset>>().expect("a date-time");
    let commit = |i: u8| char::from(b'a' + i).to_string().repeat(40);
    let times = [
        "2016-12-22T16:48:00+01:00",
        "2017-03-31T18:30:00+02:00",
        "2017-04-20T13:00:00+02:00",
        "2017-05-15T11:24:00+02:00",
        "2018-11-22T17:42:00+01:00",
        "2026-08-20T11:22:00+02:00",
    ];
    let series = |values: [i64; 6]| -> Vec<KnownPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| KnownPoint {
                known_at: at(times[i]),
                commit: commit(u8::try_from(i).expect("six points")),
                value: *v,
            })
            .collect()
    };
    let publication = commit(2);
    let values: [(&str, [i64; 6]); 4] = [
        ("people", [27, 41, 54, 60, 120, 200]),
        ("services", [27, 31, 33, 31, 31, 33]),
        ("taken_over", [1, 6, 7, 7, 2, 1]),
        ("in_handover", [1, 3, 3, 3, 1, 1]),
    ];
    let claims = values
        .iter()
        .filter_map(|(key, v)| {
            let c = builtin::published_2016().iter().find(|c| c.key == *key)?;
            let label = match lang {
                Lang::Fr => c.label_fr,
                Lang::En => c.label_en,
            };
            Some(ClaimHistory::from_points(
                key,
                label,
                c.value,
                &series(*v),
                Some(&publication),
            ))
        })
        .collect();
    ClaimsHistory {
        repository: "content-history.git".to_owned(),
        published_at: builtin::published_at_2016(),
        as_of: builtin::as_of_2016(),
        publication_commit: Some(publication),
        commits: 6,
        last: Some(KnownCommit {
            known_at: at(times[5]),
            commit: commit(5),
        }),
        claims,
    }
}

/// The 2016 report with [`history_2016`].
pub(crate) fn report_2016_with_history(lang: Lang) -> Report {
    let d = data();
    let history = history_2016(lang);
    let inputs = Inputs::new(&d.portfolio, "built-in 2016 dataset")
        .with_published(builtin::published_2016())
        .with_budget(Some(&d.budget))
        .with_impact(Some(&d.impact))
        .with_history(Some(&history));
    let options = ReportOptions::default().with_lang(lang);
    Report::compute(&inputs, &options).expect("2016 report computes")
}
