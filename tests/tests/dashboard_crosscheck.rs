//! The dashboard's figures on the shared snapshots, cross-checked against an
//! independent computation: `crates/betagouv-portfolio/scripts/dashboard_crosscheck.py`
//! (Python with PyYAML, its own reading of the front matter and of every definition).
//! Skipped with a note without the shared data or PyYAML, unless
//! `BETAGOUV_REQUIRE_EXTERNAL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use betagouv_content::{ReadOptions, read_folder};
use betagouv_portfolio::chrono::NaiveDate;
use betagouv_portfolio::{Dashboard, DashboardOptions};
use betagouv_tests::{require_tool, shared_data, workspace_root};
use serde_json::Value;

/// Our dashboards of the snapshot `relative` at each of `dates`, each checked equal
/// (but for `definitions`) to the script's figures; `None` when skipped.
fn checked(relative: &str, dates: &[&str]) -> Option<Vec<Dashboard>> {
    let dir = shared_data(relative)?;
    if !require_tool("python3", &["-c", "import yaml"]) {
        return None;
    }
    let import = read_folder(&dir, &ReadOptions::default()).expect("the snapshot reads");
    let script = workspace_root().join("crates/betagouv-portfolio/scripts/dashboard_crosscheck.py");
    let mut all = Vec::new();
    for at in dates {
        let at: NaiveDate = at.parse().unwrap();
        let ours = Dashboard::compute(&import.portfolio, at, &DashboardOptions::default());
        let mut json = serde_json::to_value(&ours).unwrap();
        json.as_object_mut().unwrap().remove("definitions");
        let out = std::process::Command::new("python3")
            .arg(&script)
            .arg(&dir)
            .arg(at.to_string())
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs: Value = serde_json::from_slice(&out.stdout).expect("the script prints JSON");
        assert_same(&json, &theirs, at);
        all.push(ours);
    }
    Some(all)
}

/// Every figure equal; on a difference, the keys that differ with both values.
fn assert_same(ours: &Value, theirs: &Value, at: NaiveDate) {
    let (a, b) = (ours.as_object().unwrap(), theirs.as_object().unwrap());
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let differ: Vec<String> = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| format!("{k}:\n  ours   {:?}\n  script {:?}", a.get(k), b.get(k)))
        .collect();
    assert!(
        differ.is_empty(),
        "figures at {at} differ:\n{}",
        differ.join("\n")
    );
}

#[test]
fn dashboard_2025_agrees_with_the_independent_script() {
    // The snapshot's own date, and earlier dates (phases, events and missions after
    // the date are left out).
    let dates = ["2025-12-31", "2022-06-30", "2019-01-01"];
    let Some(all) = checked("betagouv-content/2025-12-31", &dates) else {
        return;
    };
    // Sanity: the figures are those of a real portfolio, not of an empty read.
    let d = &all[0];
    assert_eq!(d.products.total, 628);
    assert!(d.products.active > 200 && d.members.active > 1000);
    assert_eq!(d.stats_page.total, d.products.active);
    assert!(all[2].products.no_phase_started > 0);
}

#[test]
fn dashboard_2016_agrees_with_the_independent_script() {
    let Some(all) = checked("betagouv-content/2016-12-31", &["2016-12-31", "2015-06-30"]) else {
        return;
    };
    let d = &all[0];
    assert_eq!((d.products.total, d.products.active), (27, 26));
    assert_eq!((d.members.total, d.members.active), (50, 27));
}
