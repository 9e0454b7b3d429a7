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

/// Copies a directory tree (the tests' fixtures into a temporary folder).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The 2026 fixture folder with one start-up file of invalid YAML.
fn content_with_invalid_startup() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_tree(
        Path::new(&manifest(
            "crates/betagouv-content/tests/fixtures/eras/e5-2026",
        )),
        &t.path().join("c"),
    );
    std::fs::write(
        t.path().join("c/content/_startups/broken.md"),
        "---\ntitle: Broken\nmission: [unclosed\n---\n",
    )
    .unwrap();
    t
}

/// Class 4 (silent loss): a file that gives no record stops the export with status 1
/// before anything is written; `--allow-errors` goes on and every format's metadata
/// says how many files were dropped; `--verbose` locates the problem.
#[test]
fn a_dropped_startup_stops_the_export_unless_allowed_and_is_recorded() {
    let t = content_with_invalid_startup();
    let content = t.path().join("c");
    let content = content.to_str().unwrap();
    let run = |format: &str, out: &Path, extra: &[&str]| {
        let mut args = vec![
            "--content",
            content,
            "--at",
            "2026-01-01",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        export(&args)
    };
    let out = t.path().join("csv");
    let o = run("csv", &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(!out.exists(), "nothing is written");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("1 file dropped"), "{err}");
    assert!(err.contains("--allow-errors"), "{err}");
    assert!(
        err.contains("broken.md:3:"),
        "the dropped file is located: {err}"
    );

    let o = run("csv", &out, &["--allow-errors", "--verbose"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error[yaml-syntax]") && err.contains("broken.md:3:10"),
        "--verbose lists file:line:column and rule: {err}"
    );
    let dp: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(dp["import"]["dropped_files"], 1);
    assert_eq!(
        dp["import"]["records"],
        dp["import"]["files"].as_u64().unwrap() - 1
    );

    let api = t.path().join("api");
    assert!(run("api-json", &api, &["--allow-errors"]).status.success());
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(api.join("meta.json")).unwrap()).unwrap();
    assert_eq!(meta["import"]["dropped_files"], 1);

    let json = t.path().join("json");
    assert!(run("json", &json, &["--allow-errors"]).status.success());
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(json.join("portfolio.json")).unwrap()).unwrap();
    assert_eq!(doc["meta"]["import"]["dropped_files"], 1);

    let db = t.path().join("p.sqlite");
    assert!(run("sqlite", &db, &["--allow-errors"]).status.success());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let dropped: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'import_dropped_files'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dropped, "1");

    let xlsx = t.path().join("p.xlsx");
    assert!(run("xlsx", &xlsx, &["--allow-errors"]).status.success());
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let meta = calamine::Reader::worksheet_range(&mut wb, "meta").unwrap();
    let row = meta
        .rows()
        .find(|r| r[0] == "import_dropped_files")
        .expect("import_dropped_files row");
    assert_eq!(row[1].to_string(), "1");
}

/// `--allow-errors` / `--verbose` without a content folder mean nothing: refused.
#[test]
fn import_flags_without_content_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("csv");
    let o = export(&[
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "--allow-errors",
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("--content"));
    assert!(!out.exists());
}
