//! Property tests of the dashboard: its figures add up, whatever the records.

use std::collections::{BTreeMap, BTreeSet};

use betagouv_portfolio::dashboard::{Dashboard, DashboardOptions, UNKNOWN_STATUS};
use betagouv_portfolio::{
    ActiveRule, Event, Member, OrganisationId, Portfolio, RecordDate, Sponsor, Startup, Value,
};
use proptest::prelude::*;

use crate::invariants::{day, portfolio, rule};

/// What a start-up may have beyond its phases: repository, statistics page, Dashlord
/// URL, accessibility status, themes, sponsors, events.
#[derive(Debug, Clone)]
struct Extras {
    repository: Option<&'static str>,
    stats_url: Option<&'static str>,
    stats: Option<bool>,
    dashlord: Option<Value>,
    accessibility: Option<Value>,
    themes: Vec<&'static str>,
    sponsors: Vec<&'static str>,
    impact: Vec<Option<RecordDate>>,
}

fn text_value() -> impl Strategy<Value = Option<Value>> {
    let text = |t: &str| Value::String(t.to_owned());
    prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        Just(Some(text(""))),
        Just(Some(text("non conforme"))),
        Just(Some(text("partiellement conforme"))),
        Just(Some(Value::Seq(vec![
            Value::Null,
            text("https://d.example")
        ]))),
        Just(Some(Value::Seq(Vec::new()))),
        Just(Some(Value::Number("3".into()))),
    ]
}

fn extras() -> impl Strategy<Value = Extras> {
    let link = || prop_oneof![Just(None), Just(Some("")), Just(Some("https://x.example"))];
    let pick =
        |pool: &'static [&'static str]| prop::collection::vec(prop::sample::select(pool), 0..3);
    let date = prop_oneof![
        3 => (0i64..3000).prop_map(|n| Some(RecordDate::Exact(day(n)))),
        1 => Just(None),
    ];
    (
        (link(), link(), prop::option::of(any::<bool>())),
        (text_value(), text_value()),
        pick(&["Emploi", "Santé", "Climat"]),
        pick(&["dgefp", "anct"]),
        prop::collection::vec(date, 0..3),
    )
        .prop_map(
            |(
                (repository, stats_url, stats),
                (dashlord, accessibility),
                themes,
                sponsors,
                impact,
            )| {
                Extras {
                    repository,
                    stats_url,
                    stats,
                    dashlord,
                    accessibility,
                    themes,
                    sponsors,
                    impact,
                }
            },
        )
}

fn apply(s: &mut Startup, e: Extras) {
    s.links.repository = e.repository.map(str::to_owned);
    s.links.stats_url = e.stats_url.map(str::to_owned);
    s.links.stats = e.stats;
    if let Some(v) = e.dashlord {
        s.extra.insert("dashlord_url", v);
    }
    if let Some(v) = e.accessibility {
        s.extra.insert("accessibility_status", v);
    }
    s.themes = e.themes.into_iter().map(str::to_owned).collect();
    s.sponsors = e
        .sponsors
        .into_iter()
        .map(|id| Sponsor::Organisation {
            id: OrganisationId::new(id).unwrap(),
        })
        .collect();
    s.events = e
        .impact
        .into_iter()
        .map(|date| {
            let mut ev = Event::new("national_impact", None);
            ev.date = date;
            ev
        })
        .collect();
}

fn decorate(m: &mut Member, (domaine, competences): (Option<&str>, Vec<&str>)) {
    m.domaine = domaine.map(str::to_owned);
    m.competences = competences.into_iter().map(str::to_owned).collect();
}

/// A portfolio (see `invariants`) whose records have links, extras and member skills.
fn dashboard_portfolio() -> impl Strategy<Value = Portfolio> {
    let member = (
        prop::option::of(prop::sample::select(&["Design", "Développement"][..])),
        prop::collection::vec(prop::sample::select(&["Rust", "SQL", "UX"][..]), 0..3),
    );
    (
        portfolio(),
        prop::collection::vec(extras(), 12),
        prop::collection::vec(member, 12),
    )
        .prop_map(|(mut p, extras, members)| {
            for (s, e) in p.startups.iter_mut().zip(extras) {
                apply(s, e);
            }
            for (m, d) in p.members.iter_mut().zip(members) {
                decorate(m, d);
            }
            p
        })
}

/// Key -> the total `total` gives of its value, in key order.
fn totals<V>(map: &BTreeMap<String, V>, total: impl Fn(&V) -> usize) -> Vec<(String, usize)> {
    map.iter().map(|(k, v)| (k.clone(), total(v))).collect()
}

fn active_rule() -> impl Strategy<Value = ActiveRule> {
    prop_oneof![Just(ActiveRule::Site), Just(ActiveRule::Stage)]
}

proptest! {
    #[test]
    fn dashboard_figures_add_up(
        p in dashboard_portfolio(),
        at in 0i64..3000,
        phase_rule in rule(),
        active in active_rule(),
    ) {
        let o = DashboardOptions::default().with_phase_rule(phase_rule).with_active_rule(active);
        let at = day(at);
        let x = Dashboard::compute(&p, at, &o);
        prop_assert_eq!(&x, &Dashboard::of_records(p.vocabulary, &p.startups, &p.members, at, &o));
        let pr = &x.products;
        prop_assert_eq!(pr.total, p.startups.len());
        // by_phase counts the products with a phase started, once each.
        let started = p.startups.iter().filter(|s| s.phase_at(at, phase_rule).is_some()).count();
        prop_assert_eq!(pr.by_phase.values().sum::<usize>(), started);
        prop_assert_eq!(started + pr.no_phase_started, pr.total);
        // Open source and the other figures by phase: the phases of by_phase, and
        // its totals.
        let by_phase = totals(&pr.by_phase, |n| *n);
        prop_assert_eq!(totals(&x.open_source_by_phase, |v| v.total), by_phase.clone());
        prop_assert!(x.open_source_by_phase.values().all(|v| v.with_repository <= v.total));
        prop_assert_eq!(totals(&x.stats_page_by_phase, |v| v.total), by_phase.clone());
        prop_assert_eq!(totals(&x.dashlord_by_phase, |v| v.total), by_phase.clone());
        let acc = totals(&x.accessibility_status_by_phase, |v| v.values().sum());
        prop_assert_eq!(acc, by_phase);
        // Coverage figures are taken among the active products.
        let active_n = p.startups.iter()
            .filter(|s| active.is_active(s, p.vocabulary, at, phase_rule))
            .count();
        prop_assert_eq!(pr.active, active_n);
        prop_assert_eq!(x.stats_page.total, pr.active);
        prop_assert_eq!(x.dashlord.total, pr.active);
        prop_assert_eq!(x.accessibility_status.values().sum::<usize>(), pr.active);
        let t = &x.to_fix;
        prop_assert_eq!(t.no_stats_page.len(), x.stats_page.total - x.stats_page.with);
        prop_assert_eq!(t.no_dashlord.len(), x.dashlord.total - x.dashlord.with);
        prop_assert_eq!(
            t.no_accessibility_status.len(),
            x.accessibility_status.get(UNKNOWN_STATUS).copied().unwrap_or(0)
        );
        for list in [&t.no_stats_page, &t.no_dashlord, &t.no_accessibility_status] {
            prop_assert!(list.windows(2).all(|w| w[0] < w[1]));
        }
        // Members.
        let m = &x.members;
        prop_assert_eq!(m.total, p.members.len());
        prop_assert_eq!(m.active, p.members.iter().filter(|mb| mb.is_active_at(at)).count());
        prop_assert_eq!(m.active_by_status.values().sum::<usize>(), m.active);
        prop_assert_eq!(m.active_by_domaine.values().sum::<usize>(), m.active);
        prop_assert_eq!(
            m.new_by_year.values().sum::<usize>() + m.no_dated_mission + m.starting_later,
            m.total
        );
        prop_assert!(m.active <= m.new_by_year.values().sum::<usize>());
        let by_status: Vec<(i32, usize)> =
            m.new_by_status.iter().map(|(y, c)| (*y, c.values().sum())).collect();
        let by_year: Vec<(i32, usize)> = m.new_by_year.iter().map(|(y, n)| (*y, *n)).collect();
        prop_assert_eq!(by_status, by_year);
        // Launches by incubator: each launched product under each of its incubators.
        prop_assert!(x.launches_by_incubator.keys().all(|y| x.launches_by_year.contains_key(y)));
        prop_assert!(m.new_by_year.keys().all(|y| *y <= chrono::Datelike::year(&at)));
    }

    #[test]
    fn co_incubation_counts_a_product_under_each_incubator(
        p in dashboard_portfolio(),
        at in 0i64..3000,
    ) {
        let at = day(at);
        let o = DashboardOptions::default();
        let x = Dashboard::compute(&p, at, &o);
        let active: Vec<&Startup> = p.startups.iter()
            .filter(|s| o.active_rule.is_active(s, p.vocabulary, at, o.phase_rule))
            .collect();
        let ids = |s: &Startup| s.incubator_ids().map(|i| i.as_str().to_owned()).collect::<BTreeSet<_>>();
        let sum: usize = x.active_by_incubator.values().sum();
        prop_assert_eq!(sum, active.iter().map(|s| ids(s).len()).sum::<usize>());
        if active.iter().all(|s| !ids(s).is_empty()) {
            prop_assert!(sum >= x.products.active);
        }
        if active.iter().all(|s| ids(s).len() == 1) {
            prop_assert_eq!(sum, x.products.active);
        }
        // incubator x phase and theme x phase count every product with a phase started.
        let started: Vec<&Startup> = p.startups.iter()
            .filter(|s| s.phase_at(at, o.phase_rule).is_some())
            .collect();
        let by_inc: usize = x.incubator_by_phase.values().flat_map(|c| c.values()).sum();
        prop_assert_eq!(by_inc, started.iter().map(|s| ids(s).len()).sum::<usize>());
        let themes = |s: &Startup| s.themes.iter().collect::<BTreeSet<_>>().len();
        let by_theme: usize = x.thematique_by_phase.values().flat_map(|c| c.values()).sum();
        prop_assert_eq!(by_theme, started.iter().map(|s| themes(s)).sum::<usize>());
        let active_themes: usize = x.by_thematique.values().sum();
        prop_assert_eq!(active_themes, active.iter().map(|s| themes(s)).sum::<usize>());
        prop_assert!(x.by_sponsor.values().all(|n| *n <= x.products.active));
    }
}
