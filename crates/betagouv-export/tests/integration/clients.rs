//! Real clients read our exports: frictionless, sqlite3, python jsonschema.

use betagouv_export::{
    Dataset, ExportFormat, ExportOptions, Progress, export, export_with_progress,
};
use betagouv_portfolio::builtin;

use crate::common::{export_tmp, options_2025, run, snapshot_2025};

fn builtin_options() -> ExportOptions {
    ExportOptions::new(builtin::as_of_2016(), "builtin:2016")
}

fn frictionless_valid(portfolio: &betagouv_portfolio::Portfolio, options: &ExportOptions) {
    let (_tmp, out, _) = export_tmp(portfolio, ExportFormat::Csv, options);
    let (ok, stdout, stderr) = run(
        "frictionless",
        &["validate", "--json", "datapackage.json"],
        Some(&out),
    );
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("frictionless output is not JSON ({e}): {stdout} {stderr}"));
    assert!(ok && report["valid"] == true, "frictionless: {stdout}");
    let tasks = report["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 9, "one task per resource");
}

#[test]
fn frictionless_validates_the_2025_snapshot_package() {
    let Some((_, p)) = snapshot_2025() else {
        return;
    };
    if !betagouv_tests::require_tool("frictionless", &["--version"]) {
        return;
    }
    frictionless_valid(p, &options_2025());
}

#[test]
fn frictionless_validates_the_builtin_package() {
    if !betagouv_tests::require_tool("frictionless", &["--version"]) {
        return;
    }
    frictionless_valid(&builtin::portfolio_2016(), &builtin_options());
}

#[test]
fn frictionless_catches_a_broken_foreign_key() {
    // The validator really checks our declared keys: break one and it fails.
    if !betagouv_tests::require_tool("frictionless", &["--version"]) {
        return;
    }
    let (_tmp, out, _) = export_tmp(
        &builtin::portfolio_2016(),
        ExportFormat::Csv,
        &builtin_options(),
    );
    let path = out.join("startup_phase.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let (header, rest) = text.split_once("\r\n").unwrap();
    let (_, tail) = rest.split_once(',').unwrap();
    std::fs::write(&path, format!("{header}\r\nno-such-startup,{tail}")).unwrap();
    let (ok, stdout, _) = run(
        "frictionless",
        &["validate", "datapackage.json"],
        Some(&out),
    );
    assert!(!ok && stdout.contains("foreign-key"), "{stdout}");
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite3_checks_pass_and_counts_match_the_import() {
    let Some((_, p)) = snapshot_2025() else {
        return;
    };
    if !betagouv_tests::require_tool("sqlite3", &["--version"]) {
        return;
    }
    let (_tmp, db, _) = export_tmp(p, ExportFormat::Sqlite, &options_2025());
    let db = db.to_str().unwrap();
    let q = |sql: &str| {
        let (ok, out, err) = run("sqlite3", &[db, sql], None);
        assert!(ok, "{sql}: {err}");
        out.trim().to_owned()
    };
    assert_eq!(q("PRAGMA integrity_check;"), "ok");
    assert_eq!(q("PRAGMA foreign_key_check;"), "");
    let sum =
        |f: &dyn Fn(&betagouv_portfolio::Startup) -> usize| p.startups.iter().map(f).sum::<usize>();
    let missions: usize = p.members.iter().map(|m| m.missions.len()).sum();
    let mission_startups: usize = p
        .members
        .iter()
        .flat_map(|m| &m.missions)
        .map(|mi| mi.startups.len())
        .sum();
    for (table, expected) in [
        ("startup", p.startups.len()),
        ("member", p.members.len()),
        ("incubator", p.incubators.len()),
        ("organisation", p.organisations.len()),
        ("startup_phase", sum(&|s| s.phases.len())),
        ("startup_event", sum(&|s| s.events.len())),
        ("startup_sponsor", sum(&|s| s.sponsors.len())),
        ("mission", missions),
        ("mission_startup", mission_startups),
    ] {
        assert_eq!(
            q(&format!("SELECT count(*) FROM {table};")),
            expected.to_string(),
            "{table}"
        );
    }
    assert_eq!(
        q("PRAGMA user_version;"),
        betagouv_export::SCHEMA_VERSION.to_string()
    );
    assert_eq!(
        q("SELECT value FROM meta WHERE key = 'generated_at';"),
        "2025-12-31T00:00:00Z"
    );
    // Dangling references keep their value in the *_raw column.
    let dangling =
        q("SELECT count(*) FROM startup WHERE incubator_id IS NULL AND incubator_raw IS NOT NULL;");
    assert!(dangling.parse::<usize>().unwrap() <= p.startups.len());
    // Every foreign key column is indexed (or leads the primary key).
    let plan = q("EXPLAIN QUERY PLAN SELECT * FROM mission_startup WHERE startup_id = 'x';");
    assert!(plan.contains("USING INDEX"), "{plan}");
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_dump_is_reproducible() {
    if !betagouv_tests::require_tool("sqlite3", &["--version"]) {
        return;
    }
    let p = builtin::portfolio_2016();
    let (_a, db1, _) = export_tmp(&p, ExportFormat::Sqlite, &builtin_options());
    let (_b, db2, _) = export_tmp(&p, ExportFormat::Sqlite, &builtin_options());
    let dump = |db: &std::path::Path| run("sqlite3", &[db.to_str().unwrap(), ".dump"], None).1;
    assert_eq!(dump(&db1), dump(&db2));
    assert!(
        dump(&db1).contains("CREATE TABLE IF NOT EXISTS \"startup\"")
            || dump(&db1).contains("CREATE TABLE \"startup\"")
    );
}

fn jsonschema_valid(portfolio: &betagouv_portfolio::Portfolio, options: &ExportOptions) {
    let (_tmp, out, _) = export_tmp(portfolio, ExportFormat::Json, options);
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
data = json.load(open(sys.argv[2]))
V = jsonschema.Draft202012Validator
V.check_schema(schema)
errors = list(V(schema, format_checker=V.FORMAT_CHECKER).iter_errors(data))
for e in errors[:10]:
    print(e.json_path, e.message[:300])
sys.exit(1 if errors else 0)
"#;
    let schema = out.join(betagouv_export::json::SCHEMA_FILE);
    let data = out.join(betagouv_export::json::DATA_FILE);
    let (ok, stdout, stderr) = run(
        "python3",
        &[
            "-c",
            script,
            schema.to_str().unwrap(),
            data.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok, "jsonschema: {stdout} {stderr}");
}

#[test]
fn json_export_of_2025_validates_against_its_schema() {
    let Some((_, p)) = snapshot_2025() else {
        return;
    };
    if !betagouv_tests::require_tool("python3", &["-c", "import jsonschema"]) {
        return;
    }
    jsonschema_valid(p, &options_2025());
}

#[test]
fn json_export_of_builtin_validates_and_round_trips() {
    let p = builtin::portfolio_2016();
    let (_tmp, out, _) = export_tmp(&p, ExportFormat::Json, &builtin_options());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("portfolio.json")).unwrap())
            .unwrap();
    let back: betagouv_portfolio::Portfolio =
        serde_json::from_value(doc["portfolio"].clone()).unwrap();
    assert_eq!(back, betagouv_export::json::sorted_portfolio(&p));
    if betagouv_tests::require_tool("python3", &["-c", "import jsonschema"]) {
        jsonschema_valid(&p, &builtin_options());
    }
}

#[test]
fn folder_outputs_are_byte_identical_across_runs() {
    let p = builtin::portfolio_2016();
    for format in [ExportFormat::Csv, ExportFormat::Json, ExportFormat::ApiJson] {
        let (_a, o1, r1) = export_tmp(&p, format, &builtin_options());
        let (_b, o2, _) = export_tmp(&p, format, &builtin_options());
        for f in &r1.files {
            assert_eq!(
                std::fs::read(o1.join(f)).unwrap(),
                std::fs::read(o2.join(f)).unwrap(),
                "{format} {}",
                f.display()
            );
        }
    }
}

#[test]
fn existing_output_is_refused_then_replaced_with_force() {
    let p = builtin::portfolio_2016();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("csv");
    let mut options = builtin_options();
    export(&Dataset::new(&p), ExportFormat::Csv, &out, &options).unwrap();
    let err = export(&Dataset::new(&p), ExportFormat::Csv, &out, &options).unwrap_err();
    assert!(
        matches!(err, betagouv_export::Error::OutputExists { .. }),
        "{err}"
    );
    options.if_exists = betagouv_export::IfExists::Replace;
    let mut steps = Vec::new();
    export_with_progress(
        &Dataset::new(&p),
        ExportFormat::Csv,
        &out,
        &options,
        &mut |p: Progress<'_>| {
            steps.push((p.done, p.total));
        },
    )
    .unwrap();
    assert_eq!(steps.last(), Some(&(10, 10)));
    // Nothing but the output is left in the parent folder (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[cfg(not(feature = "sqlite"))]
#[test]
fn sqlite_without_its_feature_is_an_error() {
    let p = builtin::portfolio_2016();
    let dir = tempfile::tempdir().unwrap();
    let err = export(
        &Dataset::new(&p),
        ExportFormat::Sqlite,
        dir.path().join("x.db"),
        &builtin_options(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        betagouv_export::Error::FeatureDisabled { .. }
    ));
}

#[test]
fn the_2016_snapshot_passes_frictionless_and_sqlite3() {
    // The other era: `status` records, a partial date (`2015-01`), free-text owners.
    let Some(dir) = betagouv_tests::shared_data("betagouv-content/2016-12-31") else {
        return;
    };
    let import =
        betagouv_content::read::read_folder(&dir, &betagouv_content::read::ReadOptions::default())
            .unwrap();
    let options = ExportOptions::new(
        builtin::as_of_2016(),
        "shared/data/betagouv-content/2016-12-31",
    );
    if betagouv_tests::require_tool("frictionless", &["--version"]) {
        frictionless_valid(&import.portfolio, &options);
    }
    #[cfg(feature = "sqlite")]
    if betagouv_tests::require_tool("sqlite3", &["--version"]) {
        let (_tmp, db, report) = export_tmp(&import.portfolio, ExportFormat::Sqlite, &options);
        let db = db.to_str().unwrap();
        assert_eq!(
            run("sqlite3", &[db, "PRAGMA integrity_check;"], None)
                .1
                .trim(),
            "ok"
        );
        assert_eq!(
            run("sqlite3", &[db, "PRAGMA foreign_key_check;"], None).1,
            ""
        );
        assert_eq!(report.rows["startup"], import.portfolio.startups.len());
        let partial = run("sqlite3", &[db, "SELECT count(*) FROM startup_phase WHERE start_date IS NULL AND start_raw IS NOT NULL;"], None).1;
        assert_ne!(partial.trim(), "0", "the partial date goes to start_raw");
    }
}
