//! Property tests: counts sum, phase at D agrees with the timeline, active members are
//! exactly those with a covering mission.

use betagouv_portfolio::snapshot::{Snapshot, SnapshotOptions, monthly_series};
use betagouv_portfolio::{
    ActiveRule, Extra, IncubatorId, Member, MemberId, Mission, Phase, PhaseField, PhaseRule,
    Portfolio, RecordDate, Startup, StartupId, Vocabulary,
};
use chrono::NaiveDate;
use proptest::prelude::*;

pub(crate) fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Duration::days(n)
}

fn record_date() -> impl Strategy<Value = Option<RecordDate>> {
    prop_oneof![
        6 => (0i64..3000).prop_map(|n| Some(RecordDate::Exact(day(n)))),
        1 => Just(None),
        1 => Just(Some(RecordDate::Partial("2015-01".into()))),
        1 => Just(Some(RecordDate::Invalid("hier".into()))),
    ]
}

fn phase() -> impl Strategy<Value = Phase> {
    let names = prop_oneof![
        Just("investigation"),
        Just("construction"),
        Just("acceleration"),
        Just("consolidation"),
        Just("transfer"),
        Just("success"),
        Just("alumni"),
        Just("opere"),
        Just("abandon"),
        Just("passation"),
        Just("Bizarre"),
    ];
    (names, record_date(), record_date()).prop_map(|(n, start, end)| Phase {
        name: n.to_owned(),
        start,
        end,
        comment: None,
        extra: Extra::default(),
    })
}

/// A main incubator (or none) and a co-incubation list, among three ids.
fn incubation() -> impl Strategy<Value = (Option<IncubatorId>, Vec<IncubatorId>)> {
    let id = || (0u8..3).prop_map(|n| IncubatorId::new(format!("i{n}")).unwrap());
    (prop::option::of(id()), prop::collection::vec(id(), 0..3))
}

fn startup(i: usize) -> impl Strategy<Value = Startup> {
    (
        prop::collection::vec(phase(), 0..5),
        any::<bool>(),
        incubation(),
        (prop::option::of(0u8..15), prop::option::of(0u8..15)),
    )
        .prop_map(
            move |(phases, status, (incubator, incubators), (dinum, inc))| {
                let mut s = Startup::new(StartupId::new(format!("s{i}")).unwrap(), "S");
                // Member ids m0 to m14: some name a member of the portfolio, some none.
                let member = |n: u8| MemberId::new(format!("m{n}")).unwrap();
                s.contact_dinum = dinum.map(member);
                s.contact_incubator = inc.map(member);
                s.incubator = incubator;
                s.incubators = incubators;
                s.phase_field = if status {
                    PhaseField::Status
                } else {
                    PhaseField::Phases
                };
                s.phases = if status {
                    phases.into_iter().take(1).collect()
                } else {
                    phases
                };
                s
            },
        )
}

fn mission() -> impl Strategy<Value = Mission> {
    let status = prop_oneof![
        Just(None),
        Just(Some("admin")),
        Just(Some("service")),
        Just(Some("independent"))
    ];
    (record_date(), record_date(), status).prop_map(|(start, end, st)| Mission {
        start,
        end,
        status: st.map(str::to_owned),
        employer: None,
        startups: Vec::new(),
        extra: Extra::default(),
    })
}

pub(crate) fn portfolio() -> impl Strategy<Value = Portfolio> {
    let vocab = prop_oneof![
        Just(Vocabulary::V2016),
        Just(Vocabulary::V2018),
        Just(Vocabulary::V2020),
        Just(Vocabulary::V2026)
    ];
    let startups = (0usize..12).prop_flat_map(|n| (0..n).map(startup).collect::<Vec<_>>());
    let members = prop::collection::vec(prop::collection::vec(mission(), 0..4), 0..12);
    (vocab, startups, members).prop_map(|(v, startups, members)| {
        let mut p = Portfolio::new(v);
        p.startups = startups;
        p.members = members
            .into_iter()
            .enumerate()
            .map(|(i, missions)| {
                let mut m = Member::new(MemberId::new(format!("m{i}")).unwrap(), "M");
                m.missions = missions;
                m
            })
            .collect();
        p
    })
}

pub(crate) fn rule() -> impl Strategy<Value = PhaseRule> {
    prop_oneof![
        Just(PhaseRule::AtDate),
        Just(PhaseRule::LastListed),
        Just(PhaseRule::LatestStart)
    ]
}

/// Independent restatement of "covers": exact start <= d, and no exact end before d.
fn covering(m: &Mission, d: NaiveDate) -> bool {
    let start_ok = match &m.start {
        Some(RecordDate::Exact(s)) => *s <= d,
        _ => false,
    };
    let end_ok = !matches!(&m.end, Some(RecordDate::Exact(e)) if *e < d);
    start_ok && end_ok
}

proptest! {
    #[test]
    fn snapshot_counts_sum_to_the_total(p in portfolio(), at in 0i64..3000, rule in rule()) {
        let s = Snapshot::compute(&p, day(at), &SnapshotOptions::default().with_phase_rule(rule));
        prop_assert_eq!(s.startups.total, p.startups.len());
        prop_assert_eq!(s.startups.by_stage.total(), s.startups.total);
        prop_assert_eq!(
            s.startups.by_phase.values().sum::<usize>(),
            s.startups.total - s.startups.by_stage.not_started
        );
        prop_assert_eq!(s.members.active_by_status.values().sum::<usize>(), s.members.active);
        prop_assert_eq!(s.startups.taken_over, s.startups.by_stage.taken_over);
        prop_assert_eq!(s.startups.in_handover, s.startups.by_stage.in_handover);
    }

    #[test]
    fn phase_at_agrees_with_the_timeline(p in portfolio(), at in 0i64..3000) {
        let d = day(at);
        for s in p.startups.iter().filter(|s| s.phase_field == PhaseField::Phases) {
            let dated: Vec<(usize, NaiveDate)> = s.phases.iter().enumerate()
                .filter_map(|(i, ph)| ph.start.as_ref().and_then(RecordDate::exact).map(|st| (i, st)))
                .collect();
            let got = s.phase_at(d, PhaseRule::AtDate);
            match got {
                None => prop_assert!(dated.iter().all(|(_, st)| *st > d)),
                Some(ph) => {
                    let st = ph.start.as_ref().and_then(RecordDate::exact).unwrap();
                    prop_assert!(st <= d);
                    // No phase started later than it and on or before d.
                    prop_assert!(dated.iter().all(|(_, o)| *o <= st || *o > d));
                    // Ties: it is the last listed among those with its start.
                    let last_tie = dated.iter().filter(|(_, o)| *o == st).map(|(i, _)| *i).max();
                    prop_assert!(std::ptr::eq(ph, &s.phases[last_tie.unwrap()]));
                }
            }
        }
    }

    #[test]
    fn active_members_are_those_with_a_covering_mission(p in portfolio(), at in 0i64..3000) {
        let d = day(at);
        let s = Snapshot::compute(&p, d, &SnapshotOptions::default());
        let expected = p.members.iter().filter(|m| m.missions.iter().any(|mi| covering(mi, d))).count();
        prop_assert_eq!(s.members.active, expected);
        for m in &p.members {
            prop_assert_eq!(m.is_active_at(d), m.missions.iter().any(|mi| covering(mi, d)));
        }
    }

    #[test]
    fn series_agrees_with_snapshots(p in portfolio(), from in 0i64..2500, len in 0i64..400, site in any::<bool>()) {
        let active = if site { ActiveRule::Site } else { ActiveRule::Stage };
        let opts = SnapshotOptions::default().with_active_rule(active);
        let series = monthly_series(&p, day(from), day(from + len), &opts);
        for pt in series {
            let s = Snapshot::compute(&p, pt.date, &opts);
            prop_assert_eq!(pt.active_members, s.members.active);
            prop_assert_eq!(pt.active_startups, s.startups.active.get(active));
        }
    }

    #[test]
    fn active_counts_restate_their_rules(p in portfolio(), at in 0i64..3000, rule in rule()) {
        let d = day(at);
        let s = Snapshot::compute(&p, d, &SnapshotOptions::default().with_phase_rule(rule));
        let a = s.startups.active;
        let by = s.startups.by_stage;
        prop_assert_eq!(a.stage, by.incubating + by.in_handover);
        let in_list = |st: &Startup, r: PhaseRule| {
            st.phase_at(d, r).is_some_and(|ph| p.vocabulary.site_active_names().contains(&ph.name.as_str()))
        };
        let site = p.startups.iter().filter(|st| in_list(st, rule)).count();
        prop_assert_eq!(a.site, site);
        let latest = p.startups.iter().filter(|st| in_list(st, PhaseRule::LatestStart)).count();
        prop_assert_eq!(a.site_latest_start, latest);
        let changed = p
            .startups
            .iter()
            .filter(|st| in_list(st, PhaseRule::AtDate) != in_list(st, PhaseRule::LatestStart))
            .count();
        prop_assert_eq!(a.site_date_filter_changes, changed);
        // The date filter changes at least the difference it makes.
        let at_date = Snapshot::compute(&p, d, &SnapshotOptions::default()).startups.active.site;
        prop_assert!(at_date.abs_diff(latest) <= changed);
        // Before 2026 the site's list is the stage table's active set.
        if p.vocabulary != Vocabulary::V2026 {
            prop_assert_eq!(a.site, a.stage);
        }
    }

    #[test]
    fn portfolio_snapshot_and_options_read_back_their_json(
        p in portfolio(),
        at in 0i64..3000,
        rule in rule(),
    ) {
        let back: Portfolio = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        prop_assert_eq!(&back, &p);
        let opts = SnapshotOptions::default().with_phase_rule(rule).with_active_rule(ActiveRule::Site);
        let back: SnapshotOptions = serde_json::from_value(serde_json::to_value(opts).unwrap()).unwrap();
        prop_assert_eq!(back, opts);
        let s = Snapshot::compute(&p, day(at), &opts);
        let back: Snapshot = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        prop_assert_eq!(back, s);
        let series = monthly_series(&p, day(at), day(at + 60), &opts);
        let back: Vec<betagouv_portfolio::snapshot::SeriesPoint> = serde_json::from_value(serde_json::to_value(&series).unwrap()).unwrap();
        prop_assert_eq!(back, series);
    }

    #[test]
    fn helpers_agree_with_the_long_forms(p in portfolio(), at in 0i64..3000, rule in rule()) {
        let d = day(at);
        for s in &p.startups {
            prop_assert_eq!(s.current_phase(d), s.phase_at(d, PhaseRule::AtDate));
            prop_assert_eq!(p.current_stage(s, d), s.stage_at(d, p.vocabulary, PhaseRule::AtDate));
            prop_assert_eq!(p.stage_at(s, d, rule), s.stage_at(d, p.vocabulary, rule));
        }
        // Every start-up is counted once per incubator it names, co-incubation included.
        for inc in ["i0", "i1", "i2", "i3"] {
            let got: Vec<&str> = p.startups_of_incubator(inc).map(|s| s.id.as_str()).collect();
            let expected: Vec<&str> = p
                .startups
                .iter()
                .filter(|s| {
                    if s.incubators.is_empty() {
                        s.incubator.as_ref().is_some_and(|i| i.as_str() == inc)
                    } else {
                        s.incubators.iter().any(|i| i.as_str() == inc)
                    }
                })
                .map(|s| s.id.as_str())
                .collect();
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn validation_never_panics_and_is_sorted(p in portfolio()) {
        let d = p.validate();
        prop_assert!(d.windows(2).all(|w| w[0].record <= w[1].record));
        // One dangling-contact per contact naming no member, when there are members.
        let members: Vec<&str> = p.members.iter().map(|m| m.id.as_str()).collect();
        let dangling = p
            .startups
            .iter()
            .flat_map(|s| s.contact_members())
            .filter(|(_, m)| !members.is_empty() && !members.contains(&m.as_str()))
            .count();
        prop_assert_eq!(d.iter().filter(|x| x.rule == "dangling-contact").count(), dangling);
    }
}
