//! Round trip on generated portfolios: write -> read gives the same portfolio.

use betagouv_content::read::{Import, ReadOptions, read_folder};
use betagouv_content::write::{WriteOptions, WriteReport, write_portfolio};
use betagouv_portfolio::{
    Event, Extra, Incubator, IncubatorId, Member, MemberId, MemberShape, Mission, Organisation,
    OrganisationId, Phase, PhaseField, Portfolio, RecordDate, Sponsor, Startup, StartupId, Value,
    Vocabulary,
};
use chrono::NaiveDate;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// Any text (control characters, quotes, colons, YAML-looking words, accents).
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 éà'\":#,\\[\\]{}&*!|>%@`-]{0,12}",
        "\\PC{0,10}",
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("12".to_owned()),
        Just("2020-01-01".to_owned()),
        Just(" x ".to_owned()),
        Just("a\nb\tc\u{1}".to_owned()),
        Just("- item".to_owned()),
        Just("---".to_owned()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    any_text().prop_filter("non-empty", |s| !s.is_empty())
}

fn date() -> impl Strategy<Value = RecordDate> {
    prop_oneof![
        (0i64..20_000).prop_map(|d| RecordDate::Exact(
            NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Duration::days(d)
        )),
        "20[0-9]{2}(-0[1-9])?".prop_map(|s| RecordDate::parse(&s)),
        "[a-z][a-z ]{0,5}".prop_map(|s| RecordDate::parse(&s)),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        "-?[0-9]{1,5}(\\.[0-9]{1,3})?".prop_map(Value::Number),
        any_text().prop_map(Value::String),
        (0i64..20_000).prop_map(|d| Value::Date(
            NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Duration::days(d)
        )),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Seq),
            proptest::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                .prop_map(|m| Value::Map(m.into_iter().collect())),
        ]
    })
}

fn extra() -> impl Strategy<Value = Extra> {
    proptest::collection::btree_map("x_[a-z]{1,6}", value(), 0..3)
        .prop_map(|m| m.into_iter().collect())
}

/// Unknown keys of a phase, mission or event item: none most of the time, else a few
/// keys with nested values (lists of mappings, dates, numbers as written).
fn item_extra() -> impl Strategy<Value = Extra> {
    prop_oneof![2 => Just(Extra::default()), 1 => extra()]
}

fn body() -> impl Strategy<Value = String> {
    "[^\r]{0,40}"
}

fn texts() -> impl Strategy<Value = Vec<String>> {
    vec(text(), 0..3)
}

fn startup(i: usize) -> impl Strategy<Value = Startup> {
    let phases = vec(
        (
            any_text(),
            option::of(date()),
            option::of(date()),
            option::of(text()),
            item_extra(),
        ),
        0..4,
    );
    let status = (text(), option::of(date()));
    (
        (
            any_text(),
            any_text(),
            option::of("[a-z]{1,5}"),
            any::<bool>(),
            phases,
            status,
        ),
        (
            option::of(date()),
            option::of(text()),
            option::of(text()),
            option::of(any::<bool>()),
        ),
        (
            texts(),
            texts(),
            vec(
                (
                    any_text(),
                    option::of(date()),
                    option::of(text()),
                    item_extra(),
                ),
                0..3,
            ),
        ),
        (option::of(text()), vec("[a-z]{1,5}", 0..3), extra(), body()),
        (option::of(text()), option::of(text()), option::of(text())),
        keys_2026(),
    )
        .prop_map(move |(a, b, c, d, e, f)| {
            let (name, pitch, incubator, is_status, phases, status) = a;
            let mut s = Startup::new(StartupId::new(format!("s{i}")).unwrap(), name);
            s.pitch = pitch;
            s.incubator = incubator.map(|x| IncubatorId::new(x).unwrap());
            if is_status {
                s.phase_field = PhaseField::Status;
                s.phases = vec![Phase {
                    name: status.0,
                    start: status.1,
                    end: None,
                    comment: None,
                    extra: Extra::default(),
                }];
            } else {
                s.phases = phases
                    .into_iter()
                    .map(|(name, start, end, comment, extra)| Phase {
                        name,
                        start,
                        end,
                        comment,
                        extra,
                    })
                    .collect();
            }
            (s.end, s.contact, s.links.site, s.links.stats) = b;
            (s.themes, s.techno, _) = (c.0, c.1, ());
            s.events =
                c.2.into_iter()
                    .map(|(name, date, comment, extra)| Event {
                        name,
                        date,
                        comment,
                        extra,
                    })
                    .collect();
            s.owner = d.0;
            s.sponsors =
                d.1.into_iter()
                    .map(|o| Sponsor::Organisation {
                        id: OrganisationId::new(o).unwrap(),
                    })
                    .chain(e.2.clone().map(|n| Sponsor::Inline {
                        name: n,
                        acronym: e.0.clone(),
                        kind: None,
                        domaine_ministeriel: e.1.clone(),
                    }))
                    .collect();
            s.extra = d.2;
            s.body = d.3;
            // The 2026 keys: co-incubation, impact page, free-text user types, contacts.
            s.incubators =
                f.0.into_iter()
                    .map(|x| IncubatorId::new(x).unwrap())
                    .collect();
            (s.links.impact_url, s.user_types) = (f.1, f.2);
            (s.contact_dinum, s.contact_incubator) = (f.3, f.4);
            s
        })
}

/// The 2026 keys of a start-up: `incubators`, `impact_url`, `usertypes` (free text),
/// `contact_dinum`, `contact_incubator` (boxed: one more level of tuples in
/// [`startup`]'s strategy overflows the test thread's stack in debug builds).
#[allow(clippy::type_complexity)]
fn keys_2026() -> BoxedStrategy<(
    Vec<String>,
    Option<String>,
    Vec<String>,
    Option<MemberId>,
    Option<MemberId>,
)> {
    (
        vec("[a-z]{1,5}", 0..3),
        option::of(text()),
        texts(),
        option::of(member_id()),
        option::of(member_id()),
    )
        .boxed()
}

/// A member id as a contact names it: any text that can be an id.
fn member_id() -> impl Strategy<Value = MemberId> {
    text().prop_filter_map("an id", |t| MemberId::new(t).ok())
}

fn member(i: usize) -> impl Strategy<Value = Member> {
    let mission = (
        option::of(date()),
        option::of(date()),
        option::of(text()),
        option::of(text()),
        vec("[a-z]{1,5}", 0..3),
        item_extra(),
    );
    let flat = (
        option::of(date()),
        option::of(date()),
        option::of("[a-z]{1,6}"),
        option::of("[A-Za-z][A-Za-z /]{0,8}[a-z]"),
    );
    (
        (
            any_text(),
            any_text(),
            option::of(text()),
            any::<bool>(),
            vec(mission, 0..3),
            flat,
        ),
        (
            texts(),
            option::of(text()),
            vec("[a-z]{1,5}", 0..2),
            extra(),
            body(),
        ),
    )
        .prop_map(move |(a, b)| {
            let (fullname, role, domaine, is_flat, missions, flat) = a;
            let mut m = Member::new(MemberId::new(format!("m{i}")).unwrap(), fullname);
            m.role = role;
            m.domaine = domaine;
            if is_flat {
                m.shape = MemberShape::Flat;
                let (start, end, status, employer) = flat;
                if start.is_some() || end.is_some() || status.is_some() || employer.is_some() {
                    m.missions = vec![Mission {
                        start,
                        end,
                        status,
                        employer,
                        startups: Vec::new(),
                        extra: Extra::default(),
                    }];
                }
            } else {
                m.missions = missions
                    .into_iter()
                    .map(|(start, end, status, employer, startups, extra)| Mission {
                        start,
                        end,
                        status,
                        employer,
                        startups: startups
                            .into_iter()
                            .map(|s| StartupId::new(s).unwrap())
                            .collect(),
                        extra,
                    })
                    .collect();
            }
            (m.competences, m.member_type) = (b.0, b.1);
            m.previously =
                b.2.into_iter()
                    .map(|s| StartupId::new(s).unwrap())
                    .collect();
            m.extra = b.3;
            m.body = b.4;
            m
        })
}

fn portfolio() -> impl Strategy<Value = Portfolio> {
    (
        proptest::sample::select(Vocabulary::ALL.to_vec()),
        (1usize..4).prop_flat_map(|n| (0..n).map(startup).collect::<Vec<_>>()),
        (0usize..4).prop_flat_map(|n| (0..n).map(member).collect::<Vec<_>>()),
        vec(
            (
                any_text(),
                option::of(text()),
                any::<bool>(),
                extra(),
                body(),
            ),
            0..2,
        ),
        vec(
            (
                any_text(),
                option::of(text()),
                option::of(text()),
                extra(),
                body(),
            ),
            0..2,
        ),
    )
        .prop_map(|(voc, startups, members, incs, orgs)| {
            let mut p = Portfolio::new(voc);
            p.startups = startups;
            p.members = members;
            for (i, (title, owner, hidden, extra, body)) in incs.into_iter().enumerate() {
                let mut x = Incubator::new(IncubatorId::new(format!("i{i}")).unwrap(), title);
                (x.owner, x.hidden, x.extra, x.body) = (owner, hidden, extra, body);
                p.incubators.push(x);
            }
            for (i, (name, acronym, kind, extra, body)) in orgs.into_iter().enumerate() {
                let mut x = Organisation::new(OrganisationId::new(format!("o{i}")).unwrap(), name);
                (x.acronym, x.kind, x.extra, x.body) = (acronym, kind, extra, body);
                p.organisations.push(x);
            }
            p
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn write_then_read_gives_the_same_portfolio(p in portfolio()) {
        let out = tempfile::tempdir().unwrap();
        let w = write_portfolio(&p, out.path(), &WriteOptions::default()).unwrap();
        prop_assert!(w.diagnostics.is_empty(), "{:?}", w.diagnostics);
        let again = read_folder(out.path(), &ReadOptions::default()).unwrap();
        prop_assert!(
            again.diagnostics.is_empty(),
            "{:#?}\n{}",
            again.diagnostics,
            w.files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect::<Vec<_>>().join("\n=====\n")
        );
        prop_assert_eq!(&again.portfolio, &p);
        // The import and the write report read back from JSON as they were.
        let json = serde_json::to_string(&again).unwrap();
        prop_assert_eq!(serde_json::from_str::<Import>(&json).unwrap(), again);
        let json = serde_json::to_string(&w).unwrap();
        prop_assert_eq!(serde_json::from_str::<WriteReport>(&json).unwrap(), w);
    }
}
