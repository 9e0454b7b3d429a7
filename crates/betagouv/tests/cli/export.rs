//! `betagouv export` on the built-in dataset (and the 2025 snapshot when available).

use std::path::Path;

use super::betagouv;

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

// ---- Output policy (issue 10, class 3): `export --out` never destroys inputs or
// unrelated data.

fn content_fixture(dir: &Path) -> std::path::PathBuf {
    let root = dir.join("repo");
    let s = root.join("content/_startups");
    std::fs::create_dir_all(&s).expect("mkdir");
    std::fs::write(
        s.join("a.md"),
        "---\ntitle: A\nmission: x\nincubator: dinum\nphases:\n  - name: construction\n    start: 2024-01-01\n---\n",
    )
    .expect("write");
    root
}

fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).expect("read");
                out.push((p.strip_prefix(dir).expect("inside").to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".betagouv-tmp"))
        .collect()
}

fn run_export(args: &[&std::ffi::OsStr]) -> std::process::Output {
    betagouv().arg("export").args(args).output().expect("runs")
}

#[test]
fn export_force_never_touches_inputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let content = content_fixture(dir.path());
    let budget = dir.path().join("budget.toml");
    std::fs::copy(
        manifest("crates/betagouv-funding/data/builtin-2016.toml"),
        &budget,
    )
    .expect("copy");
    let before_content = files_under(&content);
    let before_budget = std::fs::read(&budget).expect("read");
    let cases: Vec<(&str, std::path::PathBuf, &str)> = vec![
        ("csv", content.clone(), "is"),
        ("api-json", content.join("content/exports"), "is inside"),
        ("json", dir.path().to_path_buf(), "contains"),
        ("sqlite", budget.clone(), "is"),
        ("csv", budget.clone(), "is"),
        ("xlsx", content.join("content/_startups/a.md"), "is inside"),
    ];
    for (format, out, relation) in cases {
        let o = run_export(&[
            "--content".as_ref(),
            content.as_os_str(),
            "--at".as_ref(),
            "2025-01-01".as_ref(),
            "--budget".as_ref(),
            budget.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
            "--force".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{format} {}: {stderr}",
            out.display()
        );
        assert!(
            stderr.contains(&format!(
                "refusing to write {}: it {relation} the input",
                out.display()
            )),
            "{stderr}"
        );
        assert_eq!(
            files_under(&content),
            before_content,
            "content folder unchanged"
        );
        assert_eq!(
            std::fs::read(&budget).expect("read"),
            before_budget,
            "budget unchanged"
        );
    }
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn export_force_never_deletes_an_unrelated_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let unrelated = dir.path().join("thesis");
    std::fs::create_dir_all(unrelated.join("chapters")).expect("mkdir");
    std::fs::write(unrelated.join("thesis.odt"), "years of work").expect("write");
    std::fs::write(unrelated.join("chapters/1.md"), "one").expect("write");
    for i in 0..12 {
        std::fs::write(unrelated.join(format!("figure-{i:02}.png")), "png").expect("write");
    }
    let before = files_under(&unrelated);
    for format in ["api-json", "json", "csv", "sqlite", "xlsx"] {
        let o = export(&[
            "--format",
            format,
            "--force",
            "--out",
            unrelated.to_str().expect("utf-8"),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{format}: {stderr}");
        if ["api-json", "json", "csv"].contains(&format) {
            assert!(
                stderr.contains(&format!(
                    "refusing to replace the folder {}",
                    unrelated.display()
                )) && stderr.contains("holds 14 entries")
                    && stderr.contains("chapters")
                    && stderr.contains("(and 4 more)"),
                "{format}: {stderr}"
            );
        } else {
            assert!(
                stderr.contains("it is a folder, not a regular file"),
                "{stderr}"
            );
        }
        assert_eq!(
            files_under(&unrelated),
            before,
            "{format}: folder untouched"
        );
    }
    // A folder of another format is not replaced either.
    let api = dir.path().join("api");
    assert!(
        export(&[
            "--format",
            "api-json",
            "--out",
            api.to_str().expect("utf-8")
        ])
        .status
        .success()
    );
    let o = export(&[
        "--format",
        "csv",
        "--force",
        "--out",
        api.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("startups.json"));
    assert!(api.join("startups.json").exists());
    // A missing parent folder is named.
    let deep = dir.path().join("x/y/p.db");
    let o = export(&["--format", "sqlite", "--out", deep.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&format!(
            "no such folder: {} (parent of the output {})",
            dir.path().join("x/y").display(),
            deep.display()
        )),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(temporaries(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn export_outputs_get_the_umask_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = dir.path().join("reference");
    std::fs::write(&reference, "").expect("write");
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    for (format, name, file) in [
        ("sqlite", "p.db", "p.db"),
        ("xlsx", "p.xlsx", "p.xlsx"),
        ("csv", "csv", "csv/startup.csv"),
    ] {
        let out = dir.path().join(name);
        assert!(
            export(&["--format", format, "--out", out.to_str().expect("utf-8")])
                .status
                .success()
        );
        assert_eq!(mode(&dir.path().join(file)), mode(&reference), "{format}");
    }
}

/// A content folder big enough that its export takes a while: the 2025 snapshot when
/// the shared data is there, else a generated one.
fn big_content(dir: &Path) -> std::path::PathBuf {
    if std::env::var_os("BETAGOUV_SHARED_DATA").is_some()
        && let Some(p) = betagouv_tests::shared_data("betagouv-content/2025-12-31")
    {
        return p;
    }
    let root = dir.join("big");
    let s = root.join("content/_startups");
    let a = root.join("content/_authors");
    std::fs::create_dir_all(&s).expect("mkdir");
    std::fs::create_dir_all(&a).expect("mkdir");
    for i in 0..3000 {
        std::fs::write(
            s.join(format!("s{i}.md")),
            format!("---\ntitle: S{i}\nmission: m\nincubator: dinum\nphases:\n  - name: construction\n    start: 2024-01-01\n---\nText {i}\n"),
        )
        .expect("write");
        std::fs::write(
            a.join(format!("m{i}.md")),
            format!("---\nfullname: M {i}\nrole: dev\nmissions:\n  - start: 2024-01-01\n    startups:\n      - s{i}\n---\n"),
        )
        .expect("write");
    }
    root
}

/// SIGINT while an export is writing: exit 130, no temporary left, no partial output.
#[cfg(unix)]
#[test]
#[allow(clippy::print_stderr)] // says when the export finished before the interrupt
fn interrupted_export_leaves_no_temporary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let content = big_content(dir.path());
    let outdir = dir.path().join("out");
    std::fs::create_dir(&outdir).expect("mkdir");
    for format in ["csv", "sqlite"] {
        let out = outdir.join(format!("export-{format}"));
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("betagouv"))
            .args([
                "export",
                "--at",
                "2025-12-31",
                "--format",
                format,
                "--content",
            ])
            .arg(&content)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        // Wait until the output's temporary exists, then interrupt.
        let start = std::time::Instant::now();
        let mut seen = false;
        let status = loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                break status;
            }
            if !seen && !temporaries(&outdir).is_empty() {
                seen = true;
                let killed = std::process::Command::new("kill")
                    .args(["-INT", &child.id().to_string()])
                    .status()
                    .expect("kill");
                assert!(killed.success());
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(300),
                "export hangs"
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        };
        if seen {
            assert_eq!(status.code(), Some(130), "{format}: {status:?}");
            assert!(!out.exists(), "{format}: no partial output");
        } else {
            eprintln!(
                "note: the {format} export finished before its temporary was seen; checked only that no temporary is left"
            );
            assert!(status.success(), "{format}: {status:?}");
        }
        assert!(
            temporaries(&outdir).is_empty(),
            "{format}: {:?}",
            temporaries(&outdir)
        );
    }
}

/// The 2026 fixture folder with one start-up file of invalid YAML.
fn content_with_invalid_startup() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    betagouv_tests::copy_tree(
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

/// `export --json`: `{"schema_version": 2, "format", "out", "tables": [{"name",
/// "rows"}], "files", "diagnostics"}`, the same tables and counts as the summary.
#[test]
fn export_json_contract() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (format, name) in [("csv", "csv"), ("sqlite", "p.db")] {
        let out = dir.path().join(name);
        let o = export(&[
            "--format",
            format,
            "--out",
            out.to_str().expect("utf-8"),
            "--json",
        ]);
        assert!(o.status.success(), "{format}: {o:?}");
        let v = super::versioned(&o.stdout, 2);
        assert_eq!(v["format"], format);
        assert_eq!(v["out"], out.display().to_string());
        let tables = v["tables"].as_array().expect("tables");
        let startups = tables
            .iter()
            .find(|t| t["name"] == "startup")
            .unwrap_or_else(|| panic!("{v}"));
        assert_eq!(startups["rows"], 27, "{v}");
        assert!(v["diagnostics"].is_array());
        let files: Vec<&str> = v["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|f| f.as_str().expect("a path"))
            .collect();
        if format == "csv" {
            assert!(files.contains(&"datapackage.json"), "{files:?}");
            for f in &files {
                assert!(out.join(f).is_file(), "{f}");
            }
        } else {
            assert!(files.is_empty(), "{files:?}");
        }
        // The text summary names the same tables and counts.
        let again = export(&[
            "--format",
            format,
            "--out",
            out.to_str().expect("utf-8"),
            "--force",
        ]);
        let text = String::from_utf8_lossy(&again.stdout);
        for t in tables {
            let line = format!("  {}: {}", t["name"].as_str().expect("name"), t["rows"]);
            assert!(text.lines().any(|l| l == line), "{line} in {text}");
        }
    }
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn api_json_writes_the_version_asked_2_7_by_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p).expect("read")).expect("valid JSON")
    };
    let v27 = dir.path().join("v27");
    let o = export(&[
        "--format",
        "api-json",
        "--out",
        v27.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&v27.join("meta.json"))["api_version"], "2.7");
    assert_eq!(
        names_in(&v27),
        [
            "authors.json",
            "incubators.json",
            "meta.json",
            "organisations.json",
            "sponsors.json",
            "startups.csv",
            "startups.json",
            "startups_details.json"
        ]
    );
    let startups = read(&v27.join("startups.json"));
    // The built-in dataset has no incubator records: `included` is empty.
    assert_eq!(startups["included"], serde_json::json!([]));
    let rel = &startups["data"][0]["relationships"];
    assert!(rel["incubators"]["data"].is_array(), "{rel}");
    let csv = std::fs::read_to_string(v27.join("startups.csv")).expect("csv");
    assert!(csv.starts_with("id;name;mission;start;status;incubator;stats;link;repository;accessibility;contact;incubators\n"));
    assert_eq!(csv.lines().count(), 28, "header and 27 start-ups");

    let v25 = dir.path().join("v25");
    let o = export(&[
        "--format",
        "api-json",
        "--api-version",
        "2.5",
        "--out",
        v25.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&v25.join("meta.json"))["api_version"], "2.5");
    assert_eq!(
        names_in(&v25),
        [
            "authors.json",
            "incubators.json",
            "meta.json",
            "sponsors.json",
            "startups.csv",
            "startups.json"
        ]
    );
    let startups = read(&v25.join("startups.json"));
    assert!(
        startups["data"][0]["relationships"]
            .get("incubators")
            .is_none()
    );
    // A forced v2.5 export replaces a v2.5 folder, not a v2.7 one (organisations.json
    // and startups_details.json are not v2.5 names).
    let forced = |version: &str, out: &Path| {
        export(&[
            "--format",
            "api-json",
            "--api-version",
            version,
            "--force",
            "--out",
            out.to_str().expect("utf-8"),
        ])
    };
    assert!(forced("2.5", &v25).status.success());
    let o = forced("2.5", &v27);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("organisations.json"));
    assert!(forced("2.6", &v27).status.success());
    assert_eq!(read(&v27.join("meta.json"))["api_version"], "2.6");

    let v3 = dir.path().join("v3");
    let o = forced("3", &v3);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&v3.join("meta.json"))["api_version"], "3");
}

#[test]
fn api_version_is_refused_with_other_formats_and_unknown_versions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("csv");
    let o = export(&[
        "--format",
        "csv",
        "--api-version",
        "2.6",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("--api-version applies to --format api-json only, not to --format csv"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.exists());
    let o = export(&[
        "--format",
        "api-json",
        "--api-version",
        "2.4",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("2.5") && err.contains("2.7"), "{err}");
}

#[test]
fn api_v3_from_content_writes_empty_keys_back_as_the_site_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("repo");
    let s = root.join("content/_startups");
    std::fs::create_dir_all(&s).expect("mkdir");
    std::fs::write(
        s.join("a.md"),
        "---\ntitle: A\nmission: m\nincubator: dinum\ncontact: a@b.fr\nlink: ''\nrepository: https://x.org/a\nphases:\n  - name: construction\n    start: 2024-01-01\n---\nBody\n",
    )
    .expect("write");
    let out = dir.path().join("v3");
    let o = run_export(&[
        "--content".as_ref(),
        root.as_os_str(),
        "--format".as_ref(),
        "api-json".as_ref(),
        "--api-version".as_ref(),
        "3".as_ref(),
        "--at".as_ref(),
        "2025-01-01".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("startups/a.json")).expect("read"))
            .expect("valid JSON");
    assert_eq!(v["name"], "A");
    // `link: ''` reads as absent in the model; the site writes it as "" in v3.
    assert_eq!(v["link"], "");
    assert_eq!(v["repository"], "https://x.org/a");
    assert_eq!(v["incubators"], serde_json::json!(["dinum"]));
    assert_eq!(v["content"].as_str().map(str::trim), Some("Body"));
}
