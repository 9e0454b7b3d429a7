//! `betagouv export` on the built-in dataset (and the 2025 snapshot when available).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use std::path::Path;

use assert_cmd::Command;

fn betagouv() -> Command {
    Command::cargo_bin("betagouv").expect("the betagouv binary is built")
}

fn export(args: &[&str]) -> std::process::Output {
    betagouv().arg("export").args(args).output().expect("runs")
}

fn manifest(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn every_format_is_written_and_overwrite_needs_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (format, name) in [
        ("api-json", "api"),
        ("json", "json"),
        ("csv", "csv"),
        ("sqlite", "p.db"),
        ("xlsx", "p.xlsx"),
    ] {
        let out = dir.path().join(name);
        let o = export(&["--format", format, "--out", out.to_str().expect("utf-8")]);
        assert!(
            o.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.starts_with(&format!("wrote {format} to ")),
            "{stdout}"
        );
        assert!(out.exists());
        // A second run is refused (exit 2) and leaves the output as it was.
        let o = export(&["--format", format, "--out", out.to_str().expect("utf-8")]);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
        let o = export(&[
            "--format",
            format,
            "--out",
            out.to_str().expect("utf-8"),
            "--force",
        ]);
        assert!(o.status.success());
    }
    assert!(dir.path().join("csv/datapackage.json").exists());
    assert!(dir.path().join("api/startups.json").exists());
    assert!(dir.path().join("json/portfolio.schema.json").exists());
    // Only the outputs: no temporary files left behind.
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 5);
}

#[test]
fn budget_and_impact_files_add_their_tables() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("csv");
    let o = export(&[
        "--format",
        "csv",
        "--out",
        out.to_str().expect("utf-8"),
        "--budget",
        &manifest("crates/betagouv-funding/data/builtin-2016.toml"),
        "--impact",
        &manifest("crates/betagouv-impact/data/builtin-2016.toml"),
        "--generated-at",
        "2017-01-15T10:00:00Z",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let budget = std::fs::read_to_string(out.join("budget_line.csv")).expect("budget_line.csv");
    assert!(budget.starts_with(
        "transaction_id,seq,date,description,account,startup_id,startup_raw,partner,montant_eur\r\n"
    ));
    assert!(out.join("impact_metric.csv").exists());
    let package = std::fs::read_to_string(out.join("datapackage.json")).expect("datapackage");
    assert!(package.contains("\"created\": \"2017-01-15T10:00:00Z\""));
    if betagouv_tests::require_tool("frictionless", &["--version"]) {
        let v = std::process::Command::new("frictionless")
            .args(["validate", "datapackage.json"])
            .current_dir(&out)
            .output()
            .expect("frictionless runs");
        assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    }
}

#[test]
fn the_2025_snapshot_exports_to_sqlite() {
    let Some(content) = betagouv_tests::shared_data("betagouv-content/2025-12-31") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("p.db");
    let o = export(&[
        "--content",
        content.to_str().expect("utf-8"),
        "--at",
        "2025-12-31",
        "--format",
        "sqlite",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("  startup: 628\n"), "{stdout}");
    assert!(stdout.contains("  member: 3285\n"), "{stdout}");
}
