//! Generated portfolios with hostile values: every tabular output keeps its keys and
//! its text exactly.

use betagouv_export::tables::{self, Cell};
use betagouv_export::{Dataset, ExportFormat, ExportOptions};
use betagouv_portfolio::{
    Event, Extra, Incubator, IncubatorId, Member, MemberId, Mission, Organisation, OrganisationId,
    Phase, Portfolio, RecordDate, Sponsor, Startup, StartupId, Vocabulary,
};
use proptest::prelude::*;

use crate::common::{date, export_tmp};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("a,b".to_owned()),
        Just("say \"hi\"".to_owned()),
        Just("two\nlines ".to_owned()),
        Just(" trailing ".to_owned()),
        "[a-zé' ]{0,12}",
    ]
}

fn id() -> impl Strategy<Value = String> {
    "[a-e]{1,2}(\\.[a-b])?"
}

prop_compose! {
    fn portfolio()(
        startups in prop::collection::vec((id(), text(), prop::option::of(id()), prop::collection::vec((text(), 0u8..4), 0..4), prop::collection::vec(id(), 0..3)), 0..8),
        members in prop::collection::vec((id(), text(), prop::collection::vec((prop::option::of(text()), prop::collection::vec(id(), 0..3)), 0..3)), 0..8),
        incubators in prop::collection::vec((id(), prop::option::of(id())), 0..4),
        orgs in prop::collection::vec(id(), 0..4),
    ) -> Portfolio {
        let mut p = Portfolio::new(Vocabulary::V2026);
        for (sid, name, inc, phases, sponsors) in startups {
            let mut s = Startup::new(StartupId::new(sid).unwrap(), name.clone());
            s.pitch = name;
            s.incubator = inc.map(|i| IncubatorId::new(i).unwrap());
            s.phases = phases.into_iter().map(|(n, d)| Phase {
                name: if n.is_empty() { "construction".into() } else { n },
                start: match d { 0 => None, 1 => Some(RecordDate::parse("2015-01")), _ => Some(RecordDate::Exact(date(2016, 1, u32::from(d)))) },
                end: None,
                comment: Some("c, \"d\"".into()),
                extra: Extra::default(),
            }).collect();
            s.sponsors = sponsors.into_iter().map(|o| Sponsor::Organisation { id: OrganisationId::new(o).unwrap() }).collect();
            s.events = vec![Event::new("fast", None)];
            p.startups.push(s);
        }
        for (mid, name, missions) in members {
            let mut m = Member::new(MemberId::new(mid).unwrap(), name);
            m.missions = missions.into_iter().map(|(employer, startups)| {
                let mut mi = Mission::new(Some(date(2016, 1, 1)), None, Some("admin"));
                mi.employer = employer;
                mi.startups = startups.into_iter().map(|s| StartupId::new(s).unwrap()).collect();
                mi
            }).collect();
            p.members.push(m);
        }
        for (iid, owner) in incubators {
            let mut i = Incubator::new(IncubatorId::new(iid).unwrap(), "I");
            i.owner = owner.map(|o| format!("/organisations/{o}"));
            p.incubators.push(i);
        }
        for o in orgs {
            p.organisations.push(Organisation::new(OrganisationId::new(o).unwrap(), "O"));
        }
        p
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn csv_reads_back_cell_for_cell(p in portfolio()) {
        let options = ExportOptions::new(date(2016, 12, 31), "generated");
        let (tables, _) = tables::build(&Dataset::new(&p), options.at);
        let (_tmp, out, _) = export_tmp(&p, ExportFormat::Csv, &options);
        for t in &tables {
            let mut rdr = csv::Reader::from_path(out.join(format!("{}.csv", t.name))).unwrap();
            let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
            prop_assert_eq!(headers, t.fields.iter().map(|f| f.name.to_owned()).collect::<Vec<_>>());
            let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
            prop_assert_eq!(rows.len(), t.rows.len());
            for (r, row) in rows.iter().zip(&t.rows) {
                for (x, cell) in r.iter().zip(row) {
                    prop_assert_eq!(x, cell.to_string());
                }
            }
            // Key columns never empty, and unique.
            let pk: Vec<usize> = t.primary_key.iter().map(|k| t.column(k).unwrap()).collect();
            let mut keys = std::collections::HashSet::new();
            for row in &t.rows {
                prop_assert!(pk.iter().all(|&i| !row[i].is_null()));
                prop_assert!(keys.insert(pk.iter().map(|&i| row[i].to_string()).collect::<Vec<_>>()));
            }
            // Foreign keys resolve or are NULL.
            for fk in &t.foreign_keys {
                let target = tables.iter().find(|x| x.name == fk.resource).unwrap();
                let cols: Vec<usize> = fk.fields.iter().map(|f| t.column(f).unwrap()).collect();
                let tcols: Vec<usize> = fk.reference.iter().map(|f| target.column(f).unwrap()).collect();
                let known: std::collections::HashSet<Vec<String>> = target.rows.iter().map(|r| tcols.iter().map(|&i| r[i].to_string()).collect()).collect();
                for row in &t.rows {
                    if cols.iter().any(|&i| row[i] == Cell::Null) { continue; }
                    prop_assert!(known.contains(&cols.iter().map(|&i| row[i].to_string()).collect::<Vec<_>>()), "{} -> {}", t.name, fk.resource);
                }
            }
        }
    }
}

#[cfg(feature = "sqlite")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn sqlite_accepts_every_generated_portfolio(p in portfolio()) {
        let options = ExportOptions::new(date(2016, 12, 31), "generated");
        let (_tmp, db, report) = export_tmp(&p, ExportFormat::Sqlite, &options);
        let conn = rusqlite_conn(&db);
        prop_assert_eq!(conn.0, "ok");
        prop_assert_eq!(conn.1, 0);
        prop_assert_eq!(report.rows["startup"], p.startups.iter().map(|s| s.id.as_str()).collect::<std::collections::BTreeSet<_>>().len());
    }
}

/// (`integrity_check`, number of `foreign_key_check` rows), through the sqlite3 tool
/// when present, else skipped as ("ok", 0).
#[cfg(feature = "sqlite")]
fn rusqlite_conn(db: &std::path::Path) -> (String, usize) {
    if std::process::Command::new("sqlite3")
        .arg("--version")
        .output()
        .is_err()
    {
        return ("ok".into(), 0);
    }
    let q = |sql: &str| crate::common::run("sqlite3", &[db.to_str().unwrap(), sql], None).1;
    (
        q("PRAGMA integrity_check;").trim().to_owned(),
        q("PRAGMA foreign_key_check;").lines().count(),
    )
}
