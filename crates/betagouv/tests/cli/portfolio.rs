//! `betagouv portfolio snapshot` and `betagouv report` on the built-in dataset.

use super::{betagouv, contract, json, stdout};

#[test]
fn snapshot_json_contract_on_the_builtin_dataset() {
    let v = contract(&["portfolio", "snapshot", "--json"], 3);
    assert_eq!(v["as_of"], "2016-12-31");
    let st = &v["startups"];
    assert_eq!(st["total"], 27);
    let stages = [
        "incubating",
        "in_handover",
        "taken_over",
        "stopped",
        "not_started",
        "unknown",
    ];
    let by_stage: Vec<u64> = stages
        .iter()
        .map(|k| st["by_stage"][k].as_u64().unwrap())
        .collect();
    assert_eq!(by_stage, [25, 1, 1, 0, 0, 0]);
    assert_eq!(st["taken_over"], 1);
    assert_eq!(st["in_handover"], 1);
    // The 2016 figures: 26 active by both rules (they agree before 2026).
    assert_eq!(
        st["active"],
        serde_json::json!({"stage": 26, "site": 26, "site_latest_start": 26, "site_date_filter_changes": 0})
    );
    assert!(st["by_phase"].is_object());
    assert_eq!(v["members"]["active"], 27);
    assert!(v["members"]["active_by_status"].is_object());
    assert_eq!(v["incubators"], 0);
    assert_eq!(v["sponsors"], 0);
    assert_eq!(v["owners"], 14);
    assert!(v["problems"]["errors"].is_u64());
    assert!(v["problems"]["warnings"].is_u64());
}

#[test]
fn snapshot_at_another_date() {
    let v = json(&["portfolio", "snapshot", "--at", "2015-06-30", "--json"]);
    assert_eq!(v["as_of"], "2015-06-30");
    let st = &v["startups"]["by_stage"];
    let sum: u64 = [
        "incubating",
        "in_handover",
        "taken_over",
        "stopped",
        "not_started",
        "unknown",
    ]
    .iter()
    .map(|k| st[k].as_u64().unwrap())
    .sum();
    assert_eq!(sum, 27);
    assert!(v["startups"]["by_stage"]["not_started"].as_u64().unwrap() > 0);
}

#[test]
fn snapshot_table_by_default() {
    let out = betagouv()
        .args(["portfolio", "snapshot", "--series"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("incubating"), "{text}");
    assert!(text.contains("2016-12-31"), "{text}");
}

#[test]
fn bad_date_is_a_usage_error() {
    let out = betagouv()
        .args(["portfolio", "snapshot", "--at", "2016-13-01"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--at"));
}

#[test]
fn report_runs_on_the_builtin_dataset() {
    let out = betagouv().arg("report").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("54") && text.contains("27"), "{text}");
}

/// Standard error of a run refused as bad usage (status 2).
fn usage_error(args: &[&str]) -> String {
    let out = betagouv().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    assert!(out.stdout.is_empty(), "{args:?}");
    String::from_utf8(out.stderr).unwrap()
}

/// The month ends of the series table printed after the snapshot.
fn series_dates(text: &str) -> Vec<String> {
    let at = text.find("month end").expect("a series table");
    text[at..]
        .lines()
        .filter_map(|l| l.split(['│', '┆']).nth(1))
        .map(str::trim)
        .filter(|c| c.len() == 10 && c.starts_with("20"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_month_is_the_series_of_the_older_spelling() {
    for at in [None, Some("2016-06-15")] {
        let mut new = vec!["portfolio", "snapshot", "--every", "month"];
        let mut old = vec!["portfolio", "snapshot", "--series"];
        if let Some(at) = at {
            new.extend(["--at", at]);
            old.extend(["--at", at]);
        }
        let text = stdout(&new);
        assert_eq!(text, stdout(&old), "{at:?}");
        let dates = series_dates(&text);
        assert_eq!(dates.len(), 12, "{text}");
        let last = if at.is_some() {
            "2016-06-30"
        } else {
            "2016-12-31"
        };
        assert_eq!(dates.last().map(String::as_str), Some(last), "{text}");
    }
}

#[test]
fn every_month_from_to_gives_one_point_per_month_at_its_last_day() {
    let text = stdout(&[
        "portfolio",
        "snapshot",
        "--every",
        "month",
        "--from",
        "2016-01-15",
        "--to",
        "2016-03-01",
    ]);
    assert_eq!(
        series_dates(&text),
        ["2016-01-31", "2016-02-29", "2016-03-31"],
        "{text}"
    );
    // The snapshot itself stays at --at (2016-12-31 on the built-in dataset).
    assert!(text.starts_with("Portfolio at 2016-12-31"), "{text}");
}

#[test]
fn series_flags_are_checked() {
    // --from and --to belong to a series.
    let e = usage_error(&["portfolio", "snapshot", "--from", "2016-01-01"]);
    assert!(e.contains("--every"), "{e}");
    // Only the periods implemented are accepted.
    let e = usage_error(&["portfolio", "snapshot", "--every", "week"]);
    assert!(e.contains("invalid value 'week'"), "{e}");
    // A series has no JSON form: refused, not silently dropped.
    let e = usage_error(&["portfolio", "snapshot", "--every", "month", "--json"]);
    assert!(e.contains("--json"), "{e}");
    // The older spelling and the new one are one choice.
    let e = usage_error(&["portfolio", "snapshot", "--series", "--every", "month"]);
    assert!(e.contains("--series"), "{e}");
    // An empty series is an error.
    let e = usage_error(&[
        "portfolio",
        "snapshot",
        "--every",
        "month",
        "--from",
        "2016-05-01",
        "--to",
        "2016-04-30",
    ]);
    assert!(
        e.contains("--from 2016-05-01 is after --to 2016-04-30"),
        "{e}"
    );
}

#[test]
fn the_older_series_spelling_is_hidden_and_still_ignored_with_json() {
    let help = stdout(&["portfolio", "snapshot", "--help"]);
    assert!(help.contains("--every <PERIOD>"), "{help}");
    assert!(!help.contains("--series"), "{help}");
    assert_eq!(
        json(&["portfolio", "snapshot", "--series", "--json"]),
        json(&["portfolio", "snapshot", "--json"])
    );
}

/// The e5-2026 era fixture (invented), where the two rules differ (`opere`).
fn fixture_2026() -> String {
    format!(
        "{}/../betagouv-content/tests/fixtures/eras/e5-2026",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The `active start-ups` line of a snapshot's text.
fn active_line(text: &str) -> &str {
    text.lines()
        .find(|l| l.starts_with("active start-ups"))
        .expect("an active start-ups line")
}

#[test]
fn active_stage_and_site_on_the_2026_fixture() {
    let dir = fixture_2026();
    let base = [
        "portfolio",
        "snapshot",
        "--content",
        dir.as_str(),
        "--at",
        "2026-08-20",
    ];
    // Counted by hand in betagouv-content's eras test: 5 by the stage table, 6 by the
    // site's list (xray-opere), 6 as the site counts, 2 changed by the date filter.
    let stage = stdout(&base);
    assert_eq!(
        active_line(&stage),
        "active start-ups (stage): 5 (incubating or in hand-over)"
    );
    let mut site_args = base.to_vec();
    site_args.extend(["--active", "site"]);
    let site = stdout(&site_args);
    assert_eq!(
        active_line(&site),
        "active start-ups (site): 6 (current phase in the site's list); 6 with the site's own rule (latest start whatever the date): the date filter changes 2"
    );
    let mut json_args = base.to_vec();
    json_args.push("--json");
    let v = contract(&json_args, 3);
    assert_eq!(
        v["startups"]["active"],
        serde_json::json!({"stage": 5, "site": 6, "site_latest_start": 6, "site_date_filter_changes": 2})
    );
    // The series counts by the chosen rule.
    site_args.extend(["--every", "month", "--from", "2026-08-01"]);
    let series = stdout(&site_args);
    assert!(series.contains("active start-ups (site)"), "{series}");
    let usage = usage_error(&["portfolio", "snapshot", "--active", "opere"]);
    assert!(usage.contains("stage") && usage.contains("site"), "{usage}");
}

#[test]
fn active_stage_and_site_on_the_2025_snapshot() {
    let Some(dir) = betagouv_tests::shared_data("betagouv-content/2025-12-31") else {
        return;
    };
    let dir = dir.to_str().unwrap();
    let args = [
        "portfolio",
        "snapshot",
        "--content",
        dir,
        "--at",
        "2025-12-31",
        "--json",
    ];
    let v = contract(&args, 3);
    // The 2020 vocabulary: the two rules agree; 2 start-ups have a phase planned after
    // the date that the site's own rule counts (244 active as the site counts).
    assert_eq!(
        v["startups"]["active"],
        serde_json::json!({"stage": 246, "site": 246, "site_latest_start": 244, "site_date_filter_changes": 2})
    );
    let by = &v["startups"]["by_stage"];
    assert_eq!(
        by["incubating"].as_u64().unwrap() + by["in_handover"].as_u64().unwrap(),
        246
    );
}

#[test]
fn active_stage_and_site_at_the_head_of_the_history() {
    let Some(repo) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = repo.to_str().unwrap();
    let base = ["portfolio", "snapshot", "--git", repo];
    // HEAD, 2026-08-20: 231 by the stage table, 245 by the site's list (14 `opere`),
    // 244 as the site counts; the date filter changes 3.
    let v = contract(&[base.as_slice(), &["--json"]].concat(), 3);
    assert_eq!(
        v["startups"]["active"],
        serde_json::json!({"stage": 231, "site": 245, "site_latest_start": 244, "site_date_filter_changes": 3})
    );
    let site = stdout(&[base.as_slice(), &["--active", "site"]].concat());
    assert!(
        active_line(&site).starts_with("active start-ups (site): 245 "),
        "{site}"
    );
    let stage = stdout(&base);
    assert!(
        active_line(&stage).starts_with("active start-ups (stage): 231 "),
        "{stage}"
    );
}
