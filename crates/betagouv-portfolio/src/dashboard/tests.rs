//! Every definition on small hand-made portfolios, with the edge cases of issue 15.

use super::*;
use crate::builtin;
use crate::id::{IncubatorId, MemberId, OrganisationId};
use crate::member::Mission;
use crate::phase::{Phase, PhaseField};
use crate::startup::Event;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A start-up with `phases` (name, start; `""` for no start).
fn startup(id: &str, phases: &[(&str, &str)]) -> Startup {
    let mut s = Startup::new(StartupId::new(id).unwrap(), id);
    s.phases = phases
        .iter()
        .map(|(n, start)| Phase {
            name: (*n).to_owned(),
            start: (!start.is_empty()).then(|| RecordDate::parse(start)),
            end: None,
            comment: None,
            extra: crate::value::Extra::default(),
        })
        .collect();
    s
}

/// An active product of the 2026 vocabulary (in construction since 2025-01-01).
fn active(id: &str) -> Startup {
    startup(id, &[("construction", "2025-01-01")])
}

fn member(id: &str, missions: Vec<Mission>) -> Member {
    let mut m = Member::new(MemberId::new(id).unwrap(), id);
    m.missions = missions;
    m
}

fn mission(start: &str, end: &str, status: Option<&str>) -> Mission {
    let date = |s: &str| (!s.is_empty()).then(|| d(s));
    Mission::new(date(start), date(end), status)
}

fn dash(startups: &[Startup], members: &[Member], at: &str) -> Dashboard {
    dash_with(startups, members, at, &DashboardOptions::default())
}

fn dash_with(
    startups: &[Startup],
    members: &[Member],
    at: &str,
    o: &DashboardOptions,
) -> Dashboard {
    Dashboard::of_records(Vocabulary::V2026, startups, members, d(at), o)
}

fn counts(pairs: &[(&str, usize)]) -> Counts {
    pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
}

fn text(t: &str) -> Value {
    Value::String(t.into())
}

/// An active product with unmodelled key `key` set to `value` (absent: `None`).
fn with_extra(id: &str, key: &str, value: Option<Value>) -> Startup {
    let mut s = active(id);
    if let Some(v) = value {
        s.extra.insert(key, v);
    }
    s
}

fn ids(list: &[StartupId]) -> Vec<&str> {
    list.iter().map(StartupId::as_str).collect()
}

#[test]
fn builtin_2016_compute_equals_of_records() {
    let p = builtin::portfolio_2016();
    let o = DashboardOptions::default();
    let at = builtin::as_of_2016();
    let d = Dashboard::compute(&p, at, &o);
    assert_eq!(
        d,
        Dashboard::of_records(p.vocabulary, &p.startups, &p.members, at, &o)
    );
    assert_eq!(d.active_rule, ActiveRule::Site);
}

#[test]
fn phases_listed_out_of_order_take_the_latest_start_on_or_before_the_date() {
    let s = startup(
        "a",
        &[
            ("acceleration", "2030-01-01"),
            ("construction", "2020-01-01"),
            ("investigation", "2019-01-01"),
            ("abandon", "2031-01-01"),
        ],
    );
    let x = dash(std::slice::from_ref(&s), &[], "2021-06-30");
    assert_eq!(x.products.by_phase, counts(&[("construction", 1)]));
    assert_eq!(x.products.active, 1);
    assert_eq!(x.launches_by_year, YearCounts::from([(2020, 1)]));
    // On the day the investigation started, nothing else has.
    let x = dash(std::slice::from_ref(&s), &[], "2019-01-01");
    assert_eq!(x.products.by_phase, counts(&[("investigation", 1)]));
    assert!(x.launches_by_year.is_empty());
    // Once the planned stop has come, the product is no longer active.
    let x = dash(&[s], &[], "2031-01-01");
    assert_eq!(x.products.by_phase, counts(&[("abandon", 1)]));
    assert_eq!(x.products.active, 0);
    assert_eq!(x.launches_by_year, YearCounts::from([(2020, 1)]));
}

#[test]
fn a_product_with_no_phase_started_is_counted_in_total_only() {
    let planned = startup("planned", &[("investigation", "2030-01-01")]);
    let undated = startup("undated", &[("construction", ""), ("acceleration", "2024")]);
    let none = startup("none", &[]);
    let x = dash(&[planned, undated, none], &[], "2025-12-31");
    assert_eq!((x.products.total, x.products.active), (3, 0));
    assert_eq!(x.products.no_phase_started, 3);
    assert!(x.products.by_phase.is_empty());
    assert!(x.open_source_by_phase.is_empty() && x.launches_by_year.is_empty());
    assert_eq!(x.stats_page, Coverage::default());
}

#[test]
fn launches_take_the_earliest_construction_started_on_or_before_the_date() {
    // Two construction phases (a product restarted): the earliest one counts.
    let twice = startup(
        "twice",
        &[
            ("construction", "2022-03-01"),
            ("investigation", "2021-01-01"),
            ("construction", "2019-05-01"),
        ],
    );
    // A construction planned after the date is not a launch yet.
    let later = startup(
        "later",
        &[
            ("investigation", "2025-01-01"),
            ("construction", "2026-02-01"),
        ],
    );
    // A partial start is no date.
    let partial = startup("partial", &[("construction", "2020-06")]);
    let x = dash(&[twice, later, partial], &[], "2025-12-31");
    assert_eq!(x.launches_by_year, YearCounts::from([(2019, 1)]));
}

#[test]
fn national_impact_takes_the_earliest_event_on_or_before_the_date() {
    let mut a = active("a");
    a.events = vec![
        Event::new("national_impact", Some(d("2024-06-01"))),
        Event::new("national_impact", Some(d("2023-02-01"))),
        Event::new("fast", Some(d("2020-01-01"))),
    ];
    let mut after = active("after");
    after.events = vec![Event::new("national_impact", Some(d("2026-03-01")))];
    let mut undated = active("undated");
    undated.events = vec![Event::new("national_impact", None)];
    // Not active at the date: still counted (the figure is about every product).
    let mut stopped = startup("stopped", &[("abandon", "2024-01-01")]);
    stopped.events = vec![Event::new("national_impact", Some(d("2022-01-01")))];
    let x = dash(&[a, after, undated, stopped], &[], "2025-12-31");
    assert_eq!(
        x.national_impact_by_year,
        YearCounts::from([(2022, 1), (2023, 1)])
    );
}

#[test]
fn co_incubated_products_count_under_each_incubator() {
    let inc = |s: &str| IncubatorId::new(s).unwrap();
    let mut co = active("co");
    co.incubator = Some(inc("dinum"));
    co.incubators = vec![inc("anct"), inc("dinum"), inc("anct")];
    let mut single = active("single");
    single.incubator = Some(inc("dinum"));
    let mut stopped = startup("stopped", &[("abandon", "2024-01-01")]);
    stopped.incubator = Some(inc("anct"));
    let orphan = active("orphan");
    let x = dash(&[co, single, stopped, orphan], &[], "2025-12-31");
    assert_eq!(x.products.active, 3);
    assert_eq!(x.active_by_incubator, counts(&[("anct", 1), ("dinum", 2)]));
    let by_phase = |i: &str| x.incubator_by_phase[i].clone();
    assert_eq!(
        by_phase("anct"),
        counts(&[("abandon", 1), ("construction", 1)])
    );
    assert_eq!(by_phase("dinum"), counts(&[("construction", 2)]));
    assert_eq!(x.incubator_by_phase.len(), 2);
    // Launched in 2025 (the stopped one never was in construction; the orphan has no
    // incubator).
    let launches = BTreeMap::from([(2025, counts(&[("anct", 1), ("dinum", 2)]))]);
    assert_eq!(x.launches_by_incubator, launches);
}

#[test]
fn open_source_counts_a_non_blank_repository_by_phase() {
    let mut a = active("a");
    a.links.repository = Some("https://github.com/betagouv/a".into());
    let mut b = active("b");
    b.links.repository = Some("  ".into());
    let mut c = startup("c", &[("opere", "2024-01-01")]);
    c.links.repository = Some("https://git.example/c".into());
    let x = dash(&[a, b, c], &[], "2025-12-31");
    let os = |p: &str| x.open_source_by_phase[p];
    assert_eq!(
        os("construction"),
        OpenSource {
            with_repository: 1,
            total: 2
        }
    );
    assert_eq!(
        os("opere"),
        OpenSource {
            with_repository: 1,
            total: 1
        }
    );
}

#[test]
fn stats_page_is_a_non_blank_stats_url_or_stats_true() {
    let with = |id: &str, url: Option<&str>, stats: Option<bool>| {
        let mut s = active(id);
        s.links.stats_url = url.map(str::to_owned);
        s.links.stats = stats;
        s
    };
    let x = dash(
        &[
            with("url", Some("https://a.example/stats"), None),
            with("url-false", Some("https://b.example/stats"), Some(false)),
            with("true", None, Some(true)),
            with("empty", Some(""), None),
            with("blank-false", Some(" "), Some(false)),
            with("nothing", None, None),
        ],
        &[],
        "2025-12-31",
    );
    assert_eq!(x.stats_page, Coverage { with: 3, total: 6 });
    let by_phase = BTreeMap::from([("construction".to_owned(), Coverage { with: 3, total: 6 })]);
    assert_eq!(x.stats_page_by_phase, by_phase);
    assert_eq!(
        ids(&x.to_fix.no_stats_page),
        ["blank-false", "empty", "nothing"]
    );
}

#[test]
fn dashlord_url_null_empty_or_list() {
    let with = |id: &str, v: Option<Value>| with_extra(id, "dashlord_url", v);
    let x = dash(
        &[
            with("text", Some(text("https://dashlord.example/a"))),
            with("null", Some(Value::Null)),
            with("empty", Some(text(""))),
            with("absent", None),
            with(
                "list",
                Some(Value::Seq(vec![Value::Null, text("https://d.example/b")])),
            ),
            with("list-blank", Some(Value::Seq(vec![text(" "), Value::Null]))),
            with("list-empty", Some(Value::Seq(vec![]))),
            with("number", Some(Value::Number("1".into()))),
        ],
        &[],
        "2025-12-31",
    );
    assert_eq!(x.dashlord, Coverage { with: 2, total: 8 });
    assert_eq!(x.dashlord_by_phase["construction"], x.dashlord);
    assert_eq!(
        ids(&x.to_fix.no_dashlord),
        [
            "absent",
            "empty",
            "list-blank",
            "list-empty",
            "null",
            "number"
        ]
    );
}

#[test]
fn accessibility_status_as_written_unknown_when_absent() {
    let with = |id: &str, v: Option<Value>| with_extra(id, "accessibility_status", v);
    let mut stopped = startup("stopped", &[("abandon", "2024-01-01")]);
    stopped
        .extra
        .insert("accessibility_status", text("non conforme"));
    let x = dash(
        &[
            with("z", Some(text("non conforme"))),
            with("a", Some(text("partiellement conforme"))),
            with("n", Some(text("non conforme"))),
            with("null", Some(Value::Null)),
            with("blank", Some(text(""))),
            with("absent", None),
            with("list", Some(Value::Seq(vec![text("totalement conforme")]))),
            stopped,
        ],
        &[],
        "2025-12-31",
    );
    assert_eq!(
        x.accessibility_status,
        counts(&[
            ("non conforme", 2),
            ("partiellement conforme", 1),
            ("totalement conforme", 1),
            (UNKNOWN_STATUS, 3),
        ])
    );
    // By phase, every product with a phase started counts, the stopped one too.
    assert_eq!(
        x.accessibility_status_by_phase["abandon"],
        counts(&[("non conforme", 1)])
    );
    assert_eq!(
        x.accessibility_status_by_phase["construction"],
        x.accessibility_status
    );
    assert_eq!(
        ids(&x.to_fix.no_accessibility_status),
        ["absent", "blank", "null"]
    );
}

#[test]
fn the_stage_rule_and_the_site_rule_differ_on_opere() {
    let mut opere = startup(
        "opere",
        &[("construction", "2020-01-01"), ("opere", "2024-01-01")],
    );
    opere.themes = vec!["Santé".into()];
    let mut consolidation = startup("conso", &[("consolidation", "2024-01-01")]);
    consolidation.themes = vec!["Santé".into()];
    let transfere = startup("transfere", &[("transfere", "2024-01-01")]);
    let all = [opere, consolidation, transfere];
    let site = dash(&all, &[], "2025-12-31");
    let stage_rule = DashboardOptions::default().with_active_rule(ActiveRule::Stage);
    let stage = dash_with(&all, &[], "2025-12-31", &stage_rule);
    assert_eq!((site.products.active, stage.products.active), (2, 1));
    assert_eq!(
        (site.active_rule, stage.active_rule),
        (ActiveRule::Site, ActiveRule::Stage)
    );
    assert_eq!(site.by_thematique, counts(&[("Santé", 2)]));
    assert_eq!(stage.by_thematique, counts(&[("Santé", 1)]));
    assert_eq!(ids(&site.to_fix.no_stats_page), ["conso", "opere"]);
    assert_eq!(ids(&stage.to_fix.no_stats_page), ["conso"]);
    // The figures of every product do not depend on the rule.
    assert_eq!(site.products.by_phase, stage.products.by_phase);
    assert_eq!(site.thematique_by_phase, stage.thematique_by_phase);
    assert_eq!(site.launches_by_year, stage.launches_by_year);
    assert!(site.definitions["products.active"].contains("opere"));
    assert!(!stage.definitions["products.active"].contains("opere"));
}

#[test]
fn older_vocabularies_keep_their_names() {
    let s = |id: &str, phase: &str| startup(id, &[(phase, "2019-01-01")]);
    let all = [
        s("a", "transfer"),
        s("b", "success"),
        s("c", "alumni"),
        s("d", "Alpha"),
    ];
    let at = d("2020-12-31");
    let x = Dashboard::of_records(
        Vocabulary::V2020,
        &all,
        &[],
        at,
        &DashboardOptions::default(),
    );
    assert_eq!(
        x.products.by_phase,
        counts(&[("Alpha", 1), ("alumni", 1), ("success", 1), ("transfer", 1)])
    );
    // transfer (in hand-over) is active; success, alumni and unknown names are not.
    assert_eq!(x.products.active, 1);
    assert!(x.definitions["products.active"].contains("transfer"));
    // `status` records: the one phase counts as started with no exact start.
    let mut st = startup("st", &[("construction", "2016")]);
    st.phase_field = PhaseField::Status;
    let x = Dashboard::of_records(
        Vocabulary::V2016,
        [&st],
        [],
        at,
        &DashboardOptions::default(),
    );
    assert_eq!(
        (x.products.active, x.products.by_phase["construction"]),
        (1, 1)
    );
    assert!(x.launches_by_year.is_empty());
}

#[test]
fn themes_and_sponsors_count_active_products_once_per_value() {
    let org = |s: &str| Sponsor::Organisation {
        id: OrganisationId::new(s).unwrap(),
    };
    let inline = Sponsor::Inline {
        name: "Ministère X".into(),
        acronym: None,
        kind: None,
        domaine_ministeriel: None,
    };
    let mut a = active("a");
    a.themes = vec!["Emploi".into(), "Emploi".into(), "Santé".into()];
    a.sponsors = vec![org("dgefp"), org("dgefp"), inline];
    let mut b = active("b");
    b.themes = vec!["Emploi".into()];
    b.sponsors = vec![org("dgefp")];
    let mut stopped = startup("stopped", &[("abandon", "2024-01-01")]);
    stopped.themes = vec!["Emploi".into()];
    stopped.sponsors = vec![org("anct")];
    let x = dash(&[a, b, stopped], &[], "2025-12-31");
    assert_eq!(x.by_thematique, counts(&[("Emploi", 2), ("Santé", 1)]));
    assert_eq!(x.by_sponsor, counts(&[("Ministère X", 1), ("dgefp", 2)]));
    assert_eq!(
        x.thematique_by_phase["Emploi"],
        counts(&[("abandon", 1), ("construction", 2)])
    );
}

#[test]
fn members_first_mission_without_start_and_active_figures() {
    // The first mission in the file has no start: the earliest dated start counts.
    let mut first_undated = member(
        "first-undated",
        vec![
            mission("", "2018-12-31", Some("admin")),
            mission("2021-03-01", "", Some("independent")),
            mission("2019-05-01", "2020-01-01", Some("service")),
        ],
    );
    first_undated.domaine = Some("Développement".into());
    first_undated.competences = vec!["Rust".into(), "Rust".into(), "SQL".into()];
    let never = member("never", vec![mission("", "", Some("admin"))]);
    let none = member("none", vec![]);
    let later = member("later", vec![mission("2026-02-01", "", None)]);
    let mut ended = member("ended", vec![mission("2018-01-01", "2020-01-01", None)]);
    ended.domaine = Some("Design".into());
    let no_status = member("no-status", vec![mission("2025-01-01", "", None)]);
    let all = [first_undated, never, none, later, ended, no_status];
    let x = dash(&[], &all, "2025-12-31");
    let m = &x.members;
    assert_eq!((m.total, m.active, m.no_dated_mission), (6, 2, 2));
    assert_eq!(m.starting_later, 1);
    // The status of the first dated mission, not of the first listed one.
    let by_status = BTreeMap::from([
        (2018, counts(&[(NO_STATUS, 1)])),
        (2019, counts(&[("service", 1)])),
        (2025, counts(&[(NO_STATUS, 1)])),
    ]);
    assert_eq!(m.new_by_status, by_status);
    assert_eq!(
        m.new_by_year,
        YearCounts::from([(2018, 1), (2019, 1), (2025, 1)])
    );
    assert_eq!(
        m.active_by_status,
        counts(&[("independent", 1), (NO_STATUS, 1)])
    );
    assert_eq!(
        m.active_by_domaine,
        counts(&[("Développement", 1), (NO_DOMAINE, 1)])
    );
    assert_eq!(m.active_by_competence, counts(&[("Rust", 1), ("SQL", 1)]));
}

#[test]
fn the_first_mission_on_a_tie_is_the_later_listed() {
    let m = member(
        "tie",
        vec![
            mission("2020-01-01", "", Some("admin")),
            mission("2020-01-01", "", Some("service")),
            mission("2021-01-01", "", Some("independent")),
        ],
    );
    let x = dash(&[], &[m], "2025-12-31");
    let by_status = BTreeMap::from([(2020, counts(&[("service", 1)]))]);
    assert_eq!(x.members.new_by_status, by_status);
    assert_eq!(x.members.active_by_status, counts(&[("independent", 1)]));
}

#[test]
fn to_fix_lists_are_sorted_by_id() {
    let all: Vec<Startup> = ["c", "a", "b"].into_iter().map(active).collect();
    let x = dash(&all, &[], "2025-12-31");
    for list in [
        &x.to_fix.no_stats_page,
        &x.to_fix.no_dashlord,
        &x.to_fix.no_accessibility_status,
    ] {
        assert_eq!(ids(list), ["a", "b", "c"]);
    }
}

#[test]
fn every_json_key_is_present_and_defined() {
    let x = Dashboard::of_records(
        Vocabulary::V2026,
        [],
        [],
        d("2025-12-31"),
        &DashboardOptions::default(),
    );
    let mut expected = Dashboard::empty(d("2025-12-31"), ActiveRule::Site);
    expected.definitions = x.definitions.clone();
    assert_eq!(x, expected);
    let json = serde_json::to_value(&x).unwrap();
    let mut keys = Vec::new();
    for (k, v) in json.as_object().unwrap() {
        match (k.as_str(), v) {
            ("definitions", _) => {}
            ("products" | "members" | "to_fix", serde_json::Value::Object(o)) => {
                keys.extend(o.keys().map(|sub| format!("{k}.{sub}")));
            }
            _ => keys.push(k.clone()),
        }
    }
    keys.sort();
    let defined: Vec<&String> = x.definitions.keys().collect();
    assert_eq!(keys.iter().collect::<Vec<_>>(), defined);
    assert!(
        x.definitions
            .values()
            .all(|v| v.ends_with('.') && v.len() > 15)
    );
    let back: Dashboard = serde_json::from_value(json).unwrap();
    assert_eq!(back, x);
}

#[test]
fn definitions_follow_the_phase_rule() {
    for rule in PhaseRule::ALL {
        let o = DashboardOptions::default().with_phase_rule(rule);
        let defs = definitions(Vocabulary::V2026, &o);
        assert!(defs["products.by_phase"].contains(match rule {
            PhaseRule::AtDate => "on or before the date",
            PhaseRule::LastListed => "last phase listed",
            PhaseRule::LatestStart => "whatever the date",
        }));
    }
}
