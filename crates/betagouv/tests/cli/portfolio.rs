//! `betagouv portfolio snapshot` and `betagouv report` on the built-in dataset.

use super::{betagouv, contract, json, stdout};

#[test]
fn snapshot_json_contract_on_the_builtin_dataset() {
    let v = contract(&["portfolio", "snapshot", "--json"], 2);
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
