//! Both shared snapshots: every file accounted for, snapshot figures asserted and
//! compared with an independent count (tests/count_snapshot.py, PyYAML).

use std::collections::BTreeMap;
use std::path::Path;

use betagouv_content::read::{Import, ReadOptions, read_folder};
use betagouv_portfolio::{Snapshot, SnapshotOptions, Vocabulary};
use chrono::NaiveDate;

fn read(rel: &str) -> Option<(std::path::PathBuf, Import)> {
    let dir = betagouv_tests::shared_data(rel)?;
    let import = read_folder(&dir, &ReadOptions::default()).expect("the snapshot reads");
    Some((dir, import))
}

/// Every regular file of every collection is either a record or has an error diagnostic.
fn every_file_accounted_for(dir: &Path, import: &Import) {
    let mut on_disk = 0;
    for c in &import.layout.collections {
        on_disk += std::fs::read_dir(&c.dir).unwrap().count();
    }
    assert_eq!(import.files.len(), on_disk, "{}", dir.display());
    for f in &import.files {
        if f.index.is_none() {
            assert!(
                import
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == betagouv_portfolio::Severity::Error
                        && d.location.as_ref().is_some_and(|l| l.file == f.path)),
                "{} gave no record and no error",
                f.path.display()
            );
        }
    }
    let records = import.portfolio.startups.len()
        + import.portfolio.members.len()
        + import.portfolio.incubators.len()
        + import.portfolio.organisations.len();
    assert_eq!(
        records,
        import.files.iter().filter(|f| f.index.is_some()).count()
    );
}

fn compare_with_python(dir: &Path, snap: &Snapshot, import: &Import, at: &str, voc: &str) {
    let Some(py) = crate::python_count(dir, at, voc) else {
        return;
    };
    let n = |k: &str| py[k].as_u64().unwrap() as usize;
    assert_eq!(n("files"), import.files.len());
    assert_eq!(n("startups"), snap.startups.total);
    assert_eq!(n("members"), import.portfolio.members.len());
    assert_eq!(n("incubator_files"), import.portfolio.incubators.len());
    assert_eq!(
        n("organisation_files"),
        import.portfolio.organisations.len()
    );
    for (k, v) in py["by_stage"].as_object().unwrap() {
        let stage: betagouv_portfolio::Stage = k.parse().unwrap();
        assert_eq!(
            v.as_u64().unwrap() as usize,
            snap.startups.by_stage.get(stage),
            "{k}"
        );
    }
    let by_phase: BTreeMap<String, usize> = serde_json::from_value(py["by_phase"].clone()).unwrap();
    assert_eq!(by_phase, snap.startups.by_phase);
    assert_eq!(n("active_members"), snap.members.active);
    let by_status: BTreeMap<String, usize> =
        serde_json::from_value(py["active_by_status"].clone()).unwrap();
    assert_eq!(by_status, snap.members.active_by_status);
    assert_eq!(n("incubators"), snap.incubators);
    assert_eq!(n("sponsors"), snap.sponsors);
    assert_eq!(n("owners"), snap.owners);
}

#[test]
fn snapshot_2016() {
    let Some((dir, import)) = read("betagouv-content/2016-12-31") else {
        return;
    };
    every_file_accounted_for(&dir, &import);
    assert_eq!(import.files.len(), 77);
    assert_eq!(import.portfolio.vocabulary, Vocabulary::V2016);
    let at = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap();
    let snap = Snapshot::compute(&import.portfolio, at, &SnapshotOptions::default());
    // Figures known from the 2016 dataset (crate betagouv-portfolio, builtin module).
    assert_eq!(snap.startups.total, 27);
    assert_eq!(snap.startups.by_stage.incubating, 25);
    assert_eq!(snap.startups.in_handover, 1);
    assert_eq!(snap.startups.taken_over, 1);
    assert_eq!(import.portfolio.members.len(), 50);
    assert_eq!(snap.members.active, 27);
    assert_eq!(snap.owners, 14);
    assert_eq!((snap.incubators, snap.sponsors), (0, 0));
    // The only import diagnostics: none on this snapshot.
    assert!(import.diagnostics.is_empty(), "{:#?}", import.diagnostics);
    compare_with_python(&dir, &snap, &import, "2016-12-31", "2016");
}

#[test]
fn snapshot_2025() {
    let Some((dir, import)) = read("betagouv-content/2025-12-31") else {
        return;
    };
    every_file_accounted_for(&dir, &import);
    assert_eq!(import.files.len(), 4068);
    let p = &import.portfolio;
    assert_eq!(
        (
            p.startups.len(),
            p.members.len(),
            p.incubators.len(),
            p.organisations.len()
        ),
        (628, 3285, 23, 132)
    );
    assert_eq!(p.vocabulary, Vocabulary::V2020);
    let at = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let snap = Snapshot::compute(p, at, &SnapshotOptions::default());
    // Figures of tests/count_snapshot.py (PyYAML) on this folder, also compared live below.
    assert_eq!(snap.startups.by_stage.incubating, 224);
    assert_eq!(snap.startups.in_handover, 22);
    assert_eq!(snap.startups.taken_over, 59);
    assert_eq!(snap.startups.by_stage.stopped, 323);
    assert_eq!(snap.members.active, 1432);
    assert_eq!((snap.incubators, snap.sponsors, snap.owners), (23, 124, 0));
    // The two organisation files without `.md` are the only import diagnostics.
    let rules: Vec<_> = import.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(rules, ["not-markdown", "not-markdown"]);
    compare_with_python(&dir, &snap, &import, "2025-12-31", "2020");
}
