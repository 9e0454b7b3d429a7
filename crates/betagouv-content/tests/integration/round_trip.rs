//! Round trip: read -> write -> read gives equal records, on both shared snapshots and
//! on generated portfolios; upgrade keeps the snapshot.

use betagouv_content::read::{ReadOptions, read_folder};
use betagouv_content::upgrade::{UpgradeOptions, upgrade};
use betagouv_content::write::{WriteOptions, write_portfolio};
use betagouv_portfolio::{Snapshot, SnapshotOptions};
use chrono::NaiveDate;

fn round_trip(rel: &str) {
    let Some(dir) = betagouv_tests::shared_data(rel) else {
        return;
    };
    let first = read_folder(&dir, &ReadOptions::default()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let written = write_portfolio(&first.portfolio, out.path(), &WriteOptions::default()).unwrap();
    assert!(written.diagnostics.is_empty(), "{:#?}", written.diagnostics);
    assert_eq!(
        written.files.len(),
        first.files.iter().filter(|f| f.index.is_some()).count()
    );
    let again = read_folder(out.path(), &ReadOptions::default()).unwrap();
    assert!(again.diagnostics.is_empty(), "{:#?}", again.diagnostics);
    let (a, b) = (&first.portfolio, &again.portfolio);
    assert_eq!(a.vocabulary, b.vocabulary);
    // Record by record, for readable failures.
    assert_eq!(a.startups.len(), b.startups.len());
    for (x, y) in a.startups.iter().zip(&b.startups) {
        assert_eq!(x, y);
    }
    for (x, y) in a.members.iter().zip(&b.members) {
        assert_eq!(x, y);
    }
    assert_eq!(a, b);
    // Writing the re-read portfolio gives the same bytes (deterministic writer).
    let out2 = tempfile::tempdir().unwrap();
    write_portfolio(b, out2.path(), &WriteOptions::default()).unwrap();
    for f in &written.files {
        let rel = f.strip_prefix(out.path()).unwrap();
        assert_eq!(
            std::fs::read(f).unwrap(),
            std::fs::read(out2.path().join(rel)).unwrap()
        );
    }
}

#[test]
fn round_trip_2016() {
    round_trip("betagouv-content/2016-12-31");
}

#[test]
fn round_trip_2025() {
    round_trip("betagouv-content/2025-12-31");
}

#[test]
fn upgrade_2016_keeps_the_snapshot() {
    let Some(dir) = betagouv_tests::shared_data("betagouv-content/2016-12-31") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // A new folder: the output policy refuses an existing one without force.
    let out = tmp.path().join("upgraded");
    let up = upgrade(&dir, &out, &UpgradeOptions::default()).unwrap();
    let undated: Vec<_> = up
        .undated
        .iter()
        .map(|d| d.record.as_ref().unwrap().1.as_str())
        .collect();
    // openacademie starts on `2015-01`, a partial date.
    assert_eq!(undated, ["openacademie"]);
    let new = read_folder(&out, &ReadOptions::default()).unwrap();
    assert_eq!(new.portfolio.vocabulary, up.import.portfolio.vocabulary);
    assert!(
        new.portfolio
            .startups
            .iter()
            .all(|s| s.phase_field == betagouv_portfolio::PhaseField::Phases)
    );
    let at = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap();
    // Same snapshot once the undated records are set aside.
    let without = |p: &betagouv_portfolio::Portfolio| {
        let mut p = p.clone();
        p.startups.retain(|s| !undated.contains(&s.id.as_str()));
        let mut s = Snapshot::compute(&p, at, &SnapshotOptions::default());
        s.problems = Default::default();
        s
    };
    assert_eq!(without(&up.import.portfolio), without(&new.portfolio));
    let old = Snapshot::compute(&up.import.portfolio, at, &SnapshotOptions::default());
    let upgraded = Snapshot::compute(&new.portfolio, at, &SnapshotOptions::default());
    assert_eq!(old.members, upgraded.members);
    assert_eq!(old.startups.total, upgraded.startups.total);
    assert_eq!(upgraded.startups.by_stage.not_started, 1);
}
