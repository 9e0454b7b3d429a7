//! `betagouv budget ...`: the JSON contract, the journal and the checks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use std::process::Command;

fn betagouv() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("betagouv").expect("the betagouv binary is built")
}

#[test]
fn report_json_contract_on_builtin_2016() {
    let out = betagouv()
        .args(["budget", "report", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["year"], 2016);
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["total"], "2084035.00");
    assert_eq!(v["by_source"]["incubator"], "932115.00");
    assert_eq!(v["by_source"]["partners"], "1151920.00");
    assert_eq!(v["partner_share"], "0.5527");
    assert_eq!(v["by_startup"], serde_json::json!({}));
    for key in [
        "incubating",
        "in_handover",
        "taken_over",
        "stopped",
        "not_started",
        "unknown",
        "unphased",
    ] {
        assert_eq!(v["by_stage"][key], "0.00", "{key}");
    }
    assert_eq!(v["by_stage"].as_object().map(|m| m.len()), Some(7));
    let year = betagouv()
        .args(["budget", "report", "--year", "2016", "--json"])
        .output()
        .unwrap();
    assert_eq!(year.stdout, out.stdout);
}

#[test]
fn report_human_output() {
    let out = betagouv().args(["budget", "report"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2084035.00") && text.contains("55.27 %"),
        "{text}"
    );
}

const FILE: &str = r#"
[[organizations]]
id = "pole-emploi"
name = "Pôle emploi"

[[resources]]
id = "own-2016"
date = 2016-01-04
source = "incubator"
amount = "100000.00"

[[contracts]]
id = "ac"
holder = "holder-x"
start = 2015-01-01

[[orders]]
id = "BC-1"
contract = "ac"
startup = "mes-aides"
issued_on = 2016-02-01
lines = [{ profile = "developer", days = 10, daily_rate_net = "500.00" }]

[[deliveries]]
id = "SF-1"
order = "BC-1"
period_start = 2016-02-01
period_end = 2016-02-29
amount_net = "5000.00"

[[payments]]
id = "PAY-1"
deliveries = ["SF-1"]
paid_on = 2016-03-10
amount_gross = "6000.00"
"#;

#[test]
fn report_journal_and_check_on_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budget.toml");
    std::fs::write(&path, FILE).unwrap();
    let out = betagouv()
        .args(["budget", "report", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], "100000.00");
    assert_eq!(v["partner_share"], "0.0000");
    assert_eq!(v["by_startup"]["mes-aides"], "6000.00");
    // mes-aides is in consolidation (incubating) in the 2016 dataset.
    assert_eq!(v["by_stage"]["incubating"], "6000.00");
    assert_eq!(v["by_stage"]["unphased"], "0.00");

    let check = betagouv()
        .args(["budget", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let journal = dir.path().join("export.journal");
    let out = betagouv()
        .args(["budget", "journal"])
        .arg(&path)
        .arg("--out")
        .arg(&journal)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.contains("expenses:startups:mes-aides:consolidation:development"));
    if betagouv_tests::require_tool("hledger", &["--version"]) {
        let st = Command::new("hledger")
            .arg("-f")
            .arg(&journal)
            .args(["check", "-s", "ordereddates"])
            .status()
            .unwrap();
        assert!(st.success());
    }
}

#[test]
fn check_reports_located_errors_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let bad = FILE.replace("amount_gross = \"6000.00\"", "amount_gross = \"9000.00\"");
    std::fs::write(&path, bad).unwrap();
    let out = betagouv()
        .args(["budget", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[payment-exceeds-delivery]"), "{text}");
    assert!(text.contains("bad.toml:17:"), "{text}");

    std::fs::write(&path, "[[resources]]\nid = \"r\"\namount = 1.5\n").unwrap();
    let out = betagouv()
        .args(["budget", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.toml:3:10"), "{err}");
}
