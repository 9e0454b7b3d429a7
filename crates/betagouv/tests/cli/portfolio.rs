//! `betagouv portfolio snapshot` and `betagouv report` on the built-in dataset.

use assert_cmd::Command;
use serde_json::Value;

fn betagouv() -> Command {
    Command::cargo_bin("betagouv").expect("the betagouv binary is built")
}

fn json(args: &[&str]) -> Value {
    let out = betagouv().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("strict JSON on stdout")
}

#[test]
fn snapshot_json_contract_on_the_builtin_dataset() {
    let v = json(&["portfolio", "snapshot", "--json"]);
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
