//! Unit tests of the v2 API files: the shapes and quirks of each version.

use super::*;
use betagouv_portfolio::{
    Event, Extra, Incubator, IncubatorId, Member, MemberId, Mission, Organisation, OrganisationId,
    Phase, Sponsor, Startup, StartupId, Value, Vocabulary,
};
use chrono::NaiveDate;
use serde_json::json;

fn sample() -> Portfolio {
    let mut p = Portfolio::new(Vocabulary::V2026);
    let mut s = Startup::new(StartupId::new("le-taxi").unwrap(), "le.taxi");
    s.pitch = "Un taxi ".into();
    s.incubator = Some(IncubatorId::new("mtes").unwrap());
    s.links.site = Some("https://le.taxi".into());
    s.links.stats = Some(true);
    s.contact = Some("equipe@le.taxi".into());
    s.body = "a b\n".into();
    s.phases = vec![Phase::new(
        "investigation",
        NaiveDate::from_ymd_opt(2015, 3, 15),
    )];
    s.events = vec![Event {
        name: "fast".into(),
        date: Some(RecordDate::parse("2024-01-01")),
        comment: None,
        extra: Extra::default(),
    }];
    s.sponsors = vec![Sponsor::Organisation {
        id: OrganisationId::new("dgitm").unwrap(),
    }];
    s.extra.insert("analyse_risques", Value::Bool(false));
    s.extra
        .insert("accessibility_status", Value::String("non conforme".into()));
    p.startups.push(s);
    let mut hidden = Incubator::new(IncubatorId::new("mtes").unwrap(), "Fabrique");
    hidden.hidden = true;
    p.incubators.push(hidden);
    p.incubators
        .push(Incubator::new(IncubatorId::new("dinum").unwrap(), "DINUM"));
    p
}

#[test]
fn startups_json_shape_and_quirks() {
    let files = ApiFiles::build(&sample());
    let v = serde_json::to_value(&files.startups).unwrap();
    assert_eq!(
        v["data"][0]["attributes"],
        json!({
            "name": "le.taxi", "pitch": "Un taxi ", "stats_url": "https://le.taxi/stats",
            "link": "https://le.taxi", "contact": "equipe@le.taxi",
            "content_url_encoded_markdown": "a%20b%0A",
            "events": [{"name": "fast", "date": "2024-01-01", "comment": ""}],
            "phases": [{"name": "investigation", "start": "2015-03-15", "end": ""}],
            "sponsors": ["dgitm"], "accessibility_status": "non conforme"
        })
    );
    assert_eq!(
        v["data"][0]["relationships"]["incubator"]["data"],
        json!({"type": "incubator", "id": "mtes"})
    );
    // Hidden incubator left out of `included`; prefix kept.
    assert_eq!(v["included"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["included"][0]["id"], "/incubateurs/dinum");
    assert_eq!(v["included"][0]["attributes"]["owner"], "");
}

#[test]
fn incubators_json_entries() {
    let files = ApiFiles::build(&sample());
    let v = serde_json::to_value(&files.incubators).unwrap();
    // Hidden: only start-ups. Without start-ups: no `startups` key.
    assert_eq!(
        v["mtes"]
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["startups".to_owned()])
    );
    assert!(v["dinum"].get("startups").is_none());
    assert_eq!(v["dinum"]["github"], serde_json::Value::Null);
    assert_eq!(
        v["mtes"]["startups"][0]["phases"][0],
        json!({"name": "investigation", "start": "2015-03-15"})
    );
}

#[test]
fn encodes_like_the_site() {
    assert_eq!(
        url_encode("**[L'a](x)** é~"),
        "%2A%2A%5BL%27a%5D%28x%29%2A%2A%20%C3%A9~"
    );
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn v(files: &ApiFiles) -> serde_json::Value {
    serde_json::to_value(files).unwrap()
}

/// `keys` are the keys of the JSON object `text`, in this order (first occurrences:
/// the top-level keys come before any nested key of the same name in these tests).
fn assert_key_order(text: &str, keys: &[&str]) {
    let at: Vec<usize> = keys
        .iter()
        .map(|k| {
            text.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k} in {text}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{keys:?} in {text}");
}

fn build(p: &Portfolio, version: ApiVersion) -> ApiFiles {
    ApiFiles::build_version(p, version, day(2024, 6, 30)).unwrap()
}

#[test]
fn api_versions_round_trip_their_names() {
    for version in ApiVersion::ALL {
        assert_eq!(version.name().parse::<ApiVersion>(), Ok(version));
        let json = serde_json::to_string(&version).unwrap();
        assert_eq!(json, format!("\"{version}\""));
        assert_eq!(serde_json::from_str::<ApiVersion>(&json).unwrap(), version);
    }
    assert_eq!(ApiVersion::default(), ApiVersion::V2_7);
    assert_eq!(
        "v2.7".parse::<ApiVersion>(),
        Err(UnknownApiVersion("v2.7".into()))
    );
    assert!(ApiFiles::build_version(&sample(), ApiVersion::V3, day(2024, 1, 1)).is_none());
}

proptest::proptest! {
    #[test]
    fn a_parsed_version_displays_as_the_text_it_came_from(s in "[0-9v.]{0,4}") {
        if let Ok(v) = s.parse::<ApiVersion>() {
            proptest::prop_assert_eq!(v.to_string(), s);
        }
    }
}

#[test]
fn files_and_counts_per_version() {
    let p = sample();
    let v25 = ApiFiles::build(&p);
    assert_eq!(v25.files(), FILES);
    assert_eq!(v25.counts().len(), 5);
    assert!(v25.organisations.is_none() && v25.startups_details.is_none());
    let v26 = build(&p, ApiVersion::V2_6);
    assert_eq!(v26.files(), FILES_V2_6);
    assert_eq!(v26.counts()["organisations.json"], 0);
    assert_eq!(v26.counts()["startups_details.json"], 1);
    assert_eq!(v26.counts()["startups.csv"], 1);
    assert!(ApiVersion::V2_5.writes()(Path::new("startups.csv"), false));
    assert!(!ApiVersion::V2_5.writes()(
        Path::new("organisations.json"),
        false
    ));
    assert!(ApiVersion::V2_7.writes()(
        Path::new("startups_details.json"),
        false
    ));
    assert!(!ApiVersion::V2_7.writes()(Path::new("startups.csv"), true));
    assert!(ApiVersion::V3.writes()(Path::new("meta.json"), false));
    assert!(ApiVersion::V3.writes()(Path::new("startups/x.json"), false));
    assert!(!ApiVersion::V3.writes()(Path::new("startups.csv"), false));
}

#[test]
fn v2_5_has_none_of_the_later_fields() {
    let files = ApiFiles::build(&sample());
    let j = v(&files);
    let attrs = &j["startups"]["data"][0]["attributes"];
    for later in ["impact_url", "thematiques", "technos"] {
        assert!(attrs.get(later).is_none(), "{later}");
    }
    assert!(
        j["startups"]["data"][0]["relationships"]
            .get("incubators")
            .is_none()
    );
    assert!(files.startups_csv.starts_with(&format!("{CSV_HEADER}\n")));
}

#[test]
fn v2_6_startup_attributes_add_stats_impact_themes_and_technos() {
    let mut p = sample();
    let s = &mut p.startups[0];
    s.links.site = Some(" https://le.taxi ".into());
    s.themes = vec!["Mobilité".into()];
    s.techno = vec!["rust".into(), "postgres".into()];
    s.events[0].comment = Some("ligne 1\nligne 2\r\n".into());
    let mut bare = Startup::new(StartupId::new("nu").unwrap(), "Nu");
    bare.links.stats = Some(true);
    p.startups.push(bare);
    p.startups
        .push(Startup::new(StartupId::new("zero").unwrap(), "Zéro"));
    for version in [ApiVersion::V2_6, ApiVersion::V2_7] {
        let j = v(&build(&p, version));
        let taxi = &j["startups"]["data"][0]["attributes"];
        // The stats link is trimmed, the impact page is "" where a link exists.
        assert_eq!(taxi["stats_url"], "https://le.taxi/stats");
        assert_eq!(taxi["impact_url"], "");
        assert_eq!(taxi["thematiques"], json!(["Mobilité"]));
        assert_eq!(taxi["technos"], json!(["rust", "postgres"]));
        assert_eq!(taxi["events"][0]["comment"], "ligne 1ligne 2");
        let nu = &j["startups"]["data"][1]["attributes"];
        assert_eq!(nu["stats_url"], "/stats", "stats: true without a link");
        assert!(nu.get("impact_url").is_none() && nu.get("link").is_none());
        let zero = &j["startups"]["data"][2]["attributes"];
        assert_eq!(zero["stats_url"], "");
        assert_eq!(zero["thematiques"], json!([]));
        assert_key_order(
            &serde_json::to_string(&build(&p, version).startups.data[0].attributes).unwrap(),
            &[
                "name",
                "pitch",
                "stats_url",
                "impact_url",
                "link",
                "contact",
                "content_url_encoded_markdown",
                "events",
                "phases",
                "sponsors",
                "thematiques",
                "technos",
                "accessibility_status",
            ],
        );
    }
    p.startups[0].links.impact_url = Some("https://le.taxi/impact".into());
    let j = v(&build(&p, ApiVersion::V2_6));
    assert_eq!(
        j["startups"]["data"][0]["attributes"]["impact_url"],
        "https://le.taxi/impact"
    );
    assert_eq!(j["startups"]["included"][0]["id"], "/incubateurs/dinum");
    assert!(
        j["startups"]["data"][0]["relationships"]
            .get("incubators")
            .is_none()
    );
}

#[test]
fn v2_7_relationships_list_every_incubator_and_included_ids_are_bare() {
    let mut p = sample();
    let mut co = Startup::new(StartupId::new("co").unwrap(), "Co");
    co.incubator = Some(IncubatorId::new("dinum").unwrap());
    co.incubators = vec![
        IncubatorId::new("dinum").unwrap(),
        IncubatorId::new("mtes").unwrap(),
    ];
    p.startups.push(co);
    p.startups
        .push(Startup::new(StartupId::new("orphan").unwrap(), "Sans"));
    let files = build(&p, ApiVersion::V2_7);
    let j = v(&files);
    let data = &j["startups"]["data"];
    let rel = |i: usize| &data[i]["relationships"];
    assert_eq!(rel(0)["incubator"]["data"]["id"], "dinum");
    assert_eq!(
        rel(0)["incubators"]["data"],
        json!([{"type": "incubator", "id": "dinum"}, {"type": "incubator", "id": "mtes"}])
    );
    assert_eq!(
        rel(1)["incubators"]["data"],
        json!([{"type": "incubator", "id": "mtes"}])
    );
    assert_eq!(rel(2)["incubator"]["data"]["id"], "");
    assert_eq!(rel(2)["incubators"]["data"], json!([]));
    // Hidden `mtes` left out of `included`; ids bare.
    assert_eq!(
        j["startups"]["included"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].clone())
            .collect::<Vec<_>>(),
        [json!("dinum")]
    );
    // Co-incubated `co` under both incubators; hidden `mtes` has no metadata.
    let inc = &j["incubators"];
    assert_eq!(inc["dinum"]["startups"][0]["id"], "co");
    assert_eq!(inc["mtes"]["startups"][0]["id"], "co");
    assert_eq!(inc["mtes"]["startups"][1]["id"], "le-taxi");
    assert!(inc["mtes"].get("title").is_none());
    assert_eq!(inc["dinum"]["title"], "DINUM");
    // The same co-incubation in v2.5's incubators.json.
    let old = v(&ApiFiles::build(&p));
    assert_eq!(old["incubators"], j["incubators"]);
}

fn member(id: &str) -> Member {
    Member::new(MemberId::new(id).unwrap(), id.to_uppercase())
}

fn mission(start: Option<NaiveDate>, end: Option<NaiveDate>, startups: &[&str]) -> Mission {
    let mut m = Mission::new(start, end, Some("independent"));
    m.startups = startups
        .iter()
        .map(|s| StartupId::new(*s).unwrap())
        .collect();
    m
}

#[test]
fn authors_gain_link_bio_competences_and_mission_startups_from_v2_6() {
    let mut p = sample();
    let mut ada = member("ada");
    ada.role = "Dev & ops".into();
    ada.extra
        .insert("link", Value::String("https://ada.example".into()));
    ada.extra.insert("github", Value::String("ada".into()));
    ada.body = "\n<p>Je <b>code</b> « ici ».</p>\n<!-- note -->\n".into();
    ada.competences = vec!["Rust".into()];
    ada.missions = vec![
        mission(Some(day(2023, 1, 1)), None, &["le-taxi"]),
        Mission::new(None, None, None),
    ];
    p.members.push(ada);
    let j = v(&build(&p, ApiVersion::V2_6));
    let a = &j["authors"][0];
    assert_eq!(
        a,
        &json!({
            "id": "ada", "fullname": "ADA", "role": "Dev & ops", "domaine": "",
            "link": "https://ada.example", "bio": "Je code « ici ».", "github": "ada",
            "missions": [
                {"start": "2023-01-01", "end": "", "status": "independent", "employer": "",
                 "startups": ["le-taxi"]},
                {"start": "", "end": "", "status": "", "employer": ""}
            ],
            "competences": ["Rust"]
        })
    );
    assert_key_order(
        &serde_json::to_string(&build(&p, ApiVersion::V2_6).authors[0]).unwrap(),
        &[
            "id",
            "fullname",
            "role",
            "domaine",
            "link",
            "bio",
            "github",
            "missions",
            "competences",
        ],
    );
    // Without a link or a body: both present, empty.
    p.members[0].extra = Extra::default();
    p.members[0].body = String::new();
    let j = v(&build(&p, ApiVersion::V2_7));
    assert_eq!(j["authors"][0]["link"], "");
    assert_eq!(j["authors"][0]["bio"], "");
    // v2.5 keeps its earlier shape: nulls, no link, bio, competences or mission start-ups.
    let j = v(&ApiFiles::build(&p));
    assert_eq!(
        j["authors"][0]["missions"][0],
        json!({"start": "2023-01-01", "end": null, "status": "independent", "employer": null})
    );
    for later in ["link", "bio", "competences"] {
        assert!(j["authors"][0].get(later).is_none(), "{later}");
    }
    assert_eq!(j["authors"][0]["domaine"], serde_json::Value::Null);
}

#[test]
fn strip_html_removes_tags_comments_scripts_and_styles() {
    assert_eq!(strip_html("<p>a</p>\n<p>b</p>"), "a\nb");
    assert_eq!(strip_html("x<script>alert('<b>')</script>y"), "xy");
    assert_eq!(strip_html("x<style>p > a {}</style>y"), "xy");
    assert_eq!(strip_html("x<!-- <b> -->y<!-- open"), "xy<!-- open");
    assert_eq!(strip_html("<a\nhref='u'>lien</a>"), "lien");
    assert_eq!(strip_html("1 < 2 et 3 > 2"), "1  2");
    assert_eq!(strip_html("x <"), "x <");
    assert_eq!(strip_html("é<br/>è"), "éè");
}

#[test]
fn organisations_json_is_an_array_of_strings() {
    let mut p = sample();
    let mut dgitm = Organisation::new(OrganisationId::new("dgitm").unwrap(), "DGITM");
    dgitm.kind = Some("administration-centrale".into());
    p.organisations.push(dgitm);
    p.organisations.push(Organisation::new(
        OrganisationId::new("anct").unwrap(),
        "Agence \"cohésion\"",
    ));
    let files = build(&p, ApiVersion::V2_6);
    assert_eq!(
        serde_json::to_value(files.organisations.unwrap()).unwrap(),
        json!([
            {"id": "anct", "name": "Agence \"cohésion\"", "acronym": "",
             "domaine_ministeriel": "", "type": ""},
            {"id": "dgitm", "name": "DGITM", "acronym": "", "domaine_ministeriel": "",
             "type": "administration-centrale"}
        ])
    );
    assert_eq!(files.sponsors["anct"].acronym, None);
}

#[test]
fn startups_details_sorts_members_as_of_the_date() {
    let mut p = Portfolio::new(Vocabulary::V2026);
    for id in ["a", "b", "c"] {
        let mut s = Startup::new(StartupId::new(id).unwrap(), id.to_uppercase());
        s.phases = vec![Phase::new("construction", Some(day(2020, 1, 1)))];
        p.startups.push(s);
    }
    p.startups[0].links.repository = Some("https://git/a".into());
    let mut ada = member("ada");
    ada.missions = vec![
        mission(Some(day(2023, 1, 1)), Some(day(2024, 12, 31)), &["a"]),
        mission(Some(day(2020, 1, 1)), Some(day(2021, 1, 1)), &["b"]),
        // Not started on the date: in no list.
        mission(Some(day(2025, 1, 1)), Some(day(2025, 12, 31)), &["c"]),
        // Open: active (and `a` only once).
        mission(Some(day(2022, 1, 1)), None, &["a"]),
    ];
    ada.previously = vec![StartupId::new("b").unwrap()];
    // Legacy list: the last mission has no end, so active.
    ada.startups = vec![StartupId::new("c").unwrap()];
    let mut bob = member("bob");
    bob.missions = vec![
        mission(Some(day(2019, 1, 1)), Some(day(2020, 1, 1)), &[]),
        // Ends on the date: still active.
        mission(Some(day(2024, 1, 1)), Some(day(2024, 6, 30)), &["b"]),
    ];
    // Legacy list: the last mission ended on or before the date, so expired.
    bob.startups = vec![StartupId::new("a").unwrap()];
    let mut cyd = member("cyd");
    // No start: counts as started. `ghost` has no file.
    cyd.missions = vec![mission(None, Some(day(2024, 7, 1)), &["ghost", "ghost"])];
    p.members.extend([ada, bob, cyd]);
    let files = build(&p, ApiVersion::V2_6);
    let j = serde_json::to_value(files.startups_details.unwrap()).unwrap();
    assert_eq!(
        j["a"],
        json!({
            "active_members": ["ada"], "previous_members": [], "expired_members": ["bob"],
            "id": "a", "name": "A", "repository": "https://git/a", "contact": null,
            "phases": [{"name": "construction", "start": "2020-01-01"}]
        })
    );
    assert_eq!(j["b"]["active_members"], json!(["bob"]));
    assert_eq!(j["b"]["previous_members"], json!(["ada"]));
    assert_eq!(j["b"]["expired_members"], json!(["ada"]));
    assert_eq!(j["c"]["active_members"], json!(["ada"]));
    // A start-up without a file: the lists only, repeats kept as the site does.
    assert_eq!(
        j["ghost"],
        json!({"active_members": ["cyd", "cyd"], "previous_members": [], "expired_members": []})
    );
    assert_key_order(
        &serde_json::to_string(&build(&p, ApiVersion::V2_6).startups_details.unwrap()["a"])
            .unwrap(),
        &[
            "active_members",
            "previous_members",
            "expired_members",
            "id",
            "name",
            "repository",
            "contact",
            "phases",
        ],
    );
    // A year later, `a`'s first mission has ended; the open one keeps ada active.
    let later = ApiFiles::build_version(&p, ApiVersion::V2_7, day(2025, 6, 30)).unwrap();
    let j = serde_json::to_value(later.startups_details.unwrap()).unwrap();
    assert_eq!(j["a"]["active_members"], json!(["ada"]));
    assert_eq!(j["a"]["expired_members"], json!(["ada", "bob"]));
    assert_eq!(j["c"]["active_members"], json!(["ada"]));
}

fn read_csv(text: &str) -> Vec<Vec<String>> {
    ::csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn startups_csv_quotes_like_the_site_and_stays_valid() {
    let mut p = Portfolio::new(Vocabulary::V2026);
    let mut a = Startup::new(StartupId::new("a").unwrap(), "Le \"taxi\"");
    a.pitch = "un; deux".into();
    let mut b = Startup::new(StartupId::new("b").unwrap(), "B");
    b.pitch = "p".into();
    b.phases = vec![
        Phase::new("investigation", Some(day(2021, 2, 3))),
        Phase::new("construction", Some(day(2020, 1, 1))),
    ];
    b.incubator = Some(IncubatorId::new("dinum").unwrap());
    b.incubators = vec![
        IncubatorId::new("dinum").unwrap(),
        IncubatorId::new("anct").unwrap(),
    ];
    b.links.stats_url = Some("https://s".into());
    b.links.site = Some("https://l".into());
    b.links.repository = Some("https://r".into());
    b.extra
        .insert("accessibility_status", Value::String("partiel".into()));
    b.contact = Some("x@y.fr".into());
    p.startups.extend([b, a]);
    let v27 = build(&p, ApiVersion::V2_7).startups_csv;
    assert_eq!(
        v27,
        format!(
            "{CSV_HEADER};incubators\n\
             a;\"Le \"\"taxi\"\"\";\"un; deux\";;;;null;null;null;\"\";;\"\"\n\
             b;\"B\";\"p\";2021-02-03;construction;dinum;https://s;https://l;https://r;\"partiel\";x@y.fr;\"dinum,anct\"\n"
        )
    );
    let rows = read_csv(&v27);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.len() == 12));
    assert_eq!(rows[1][1], "Le \"taxi\"");
    assert_eq!(rows[1][2], "un; deux");
    let v26 = build(&p, ApiVersion::V2_6).startups_csv;
    assert!(read_csv(&v26).iter().all(|r| r.len() == 11));
    assert_eq!(v26, ApiFiles::build(&p).startups_csv);
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("say \"hi\"; <b>bye</b>".to_owned()),
            Just("two\nlines\r\n".to_owned()),
            Just("tab\t\\ back".to_owned()),
            "[a-zé' ]{0,10}",
        ]
    }

    fn id() -> impl Strategy<Value = String> {
        "[a-d]{1,2}"
    }

    fn date() -> impl Strategy<Value = Option<NaiveDate>> {
        prop::option::of((2015i32..2027, 1u32..13).prop_map(|(y, m)| day(y, m, 1)))
    }

    prop_compose! {
        fn portfolio()(
            startups in prop::collection::vec(
                (id(), text(), prop::option::of(id()), prop::collection::vec(id(), 0..3),
                 prop::collection::vec(date(), 0..3), prop::bool::ANY), 0..6),
            members in prop::collection::vec(
                (id(), text(), prop::collection::vec((date(), date(), prop::collection::vec(id(), 0..3)), 0..3),
                 prop::collection::vec(id(), 0..2)), 0..6),
            incubators in prop::collection::vec((id(), prop::bool::ANY), 0..4),
            orgs in prop::collection::vec((id(), text()), 0..3),
        ) -> Portfolio {
            let mut p = Portfolio::new(Vocabulary::V2026);
            for (sid, name, inc, incs, phases, stats) in startups {
                let mut s = Startup::new(StartupId::new(sid).unwrap(), name.clone());
                s.pitch = name.clone();
                s.body = name.clone();
                s.contact = Some(name.clone());
                s.incubator = inc.map(|i| IncubatorId::new(i).unwrap());
                s.incubators = incs.into_iter().map(|i| IncubatorId::new(i).unwrap()).collect();
                s.phases = phases.into_iter().map(|d| Phase::new(name.clone(), d)).collect();
                s.links.stats = Some(stats);
                s.events = vec![Event {
                    name: name.clone(),
                    date: None,
                    comment: Some(name.clone()),
                    extra: Extra::default(),
                }];
                s.themes = vec![name];
                p.startups.push(s);
            }
            for (mid, body, missions, previously) in members {
                let mut m = Member::new(MemberId::new(mid).unwrap(), body.clone());
                m.body = body.clone();
                m.role = body.clone();
                m.extra.insert("link", Value::String(body));
                m.missions = missions
                    .into_iter()
                    .map(|(s, e, ids)| {
                        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                        mission(s, e, &ids)
                    })
                    .collect();
                m.previously = previously.into_iter().map(|i| StartupId::new(i).unwrap()).collect();
                p.members.push(m);
            }
            for (iid, hidden) in incubators {
                let mut i = Incubator::new(IncubatorId::new(iid.clone()).unwrap(), iid);
                i.hidden = hidden;
                p.incubators.push(i);
            }
            for (oid, name) in orgs {
                p.organisations.push(Organisation::new(OrganisationId::new(oid).unwrap(), name));
            }
            p
        }
    }

    proptest! {
        #[test]
        fn every_version_writes_valid_json_and_v2_7_ids_resolve(p in portfolio()) {
            let dir = tempfile::tempdir().unwrap();
            for version in [ApiVersion::V2_5, ApiVersion::V2_6, ApiVersion::V2_7] {
                let files = build(&p, version);
                let out = dir.path().join(version.name());
                std::fs::create_dir(&out).unwrap();
                let written = files.write(&out, &mut |_| {}).unwrap();
                prop_assert_eq!(written.len(), version.files().len());
                for name in version.files() {
                    let text = std::fs::read_to_string(out.join(name)).unwrap();
                    if name.ends_with(".json") {
                        let parsed = serde_json::from_str::<serde_json::Value>(&text);
                        prop_assert!(parsed.is_ok(), "{} {}: {:?}", version, name, parsed);
                    } else {
                        let rows = read_csv(&text);
                        let width = if version == ApiVersion::V2_7 { 12 } else { 11 };
                        prop_assert_eq!(rows.len(), files.startups.data.len() + 1);
                        prop_assert!(rows.iter().all(|r| r.len() == width));
                    }
                }
                if version != ApiVersion::V2_7 {
                    continue;
                }
                // The site's rule: every relationship id is in `included`, hidden
                // incubators excepted; here, an id resolves exactly when it names a
                // visible incubator record (generated start-ups may name none).
                let included: std::collections::BTreeSet<&str> =
                    files.startups.included.iter().map(|i| i.id.as_str()).collect();
                for s in &files.startups.data {
                    let r = &s.relationships;
                    let ids = std::iter::once(&r.incubator.data)
                        .chain(r.incubators.iter().flat_map(|m| m.data.iter()));
                    for rid in ids {
                        // The first record of an id wins, as everywhere in the export.
                        let visible = p
                            .incubators
                            .iter()
                            .find(|i| i.id.as_str() == rid.id)
                            .is_some_and(|i| !i.hidden);
                        prop_assert_eq!(included.contains(rid.id.as_str()), visible);
                    }
                }
            }
        }
    }
}
