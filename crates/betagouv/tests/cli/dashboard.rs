//! `betagouv dashboard`: the JSON contracts (one dashboard, a series), the figures
//! equal to the library's (`Dashboard::compute`) on the built-in data, a folder and a
//! commit, the series over the shared history bundle equal to single reads, dropped
//! files counted in their point, `--active`, the output policy and the usage errors.

use std::path::Path;

use betagouv_portfolio::{ActiveRule, Dashboard, DashboardOptions, builtin};
use chrono::NaiveDate;
use serde_json::Value;

use super::history::repository;
use super::{betagouv, contract, stdout};

/// The keys the issue lists, every one always present.
const ISSUE_KEYS: [&str; 14] = [
    "as_of",
    "products",
    "active_by_incubator",
    "launches_by_year",
    "national_impact_by_year",
    "open_source_by_phase",
    "stats_page",
    "dashlord",
    "accessibility_status",
    "by_thematique",
    "by_sponsor",
    "members",
    "to_fix",
    "definitions",
];

/// The library's dashboard as JSON, `schema_version` put first.
fn library(d: &Dashboard) -> Value {
    let mut v = serde_json::json!({ "schema_version": 1 });
    let body = serde_json::to_value(d).unwrap();
    for (k, x) in body.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

/// `v` without its `source` (the commit read), which it must have.
fn without_source(mut v: Value) -> (Value, Value) {
    let source = v
        .as_object_mut()
        .unwrap()
        .remove("source")
        .expect("a source");
    (v, source)
}

/// The top-level keys of a JSON text, in their order (serde_json's map sorts them).
fn top_keys(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter_map(|l| l.split_once('"').map(|(k, _)| k.to_owned()))
        .collect()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn builtin_json_has_every_key_and_the_library_figures() {
    let text = stdout(&["dashboard", "--json"]);
    let v = super::versioned(text.as_bytes(), 1);
    // Every key of the library's dashboard in its order, `schema_version` first, no
    // source.
    let dashboard = Dashboard::compute(
        &builtin::portfolio_2016(),
        builtin::as_of_2016(),
        &DashboardOptions::default(),
    );
    let mut keys = vec!["schema_version".to_owned()];
    keys.extend(top_keys(&serde_json::to_string_pretty(&dashboard).unwrap()));
    assert_eq!(top_keys(&text), keys);
    assert_eq!(v, library(&dashboard));
    for key in ISSUE_KEYS {
        assert!(v.get(key).is_some(), "{key}");
    }
    for key in ["total", "active", "by_phase"] {
        assert!(v["products"].get(key).is_some(), "products.{key}");
    }
    for key in ["no_stats_page", "no_dashlord", "no_accessibility_status"] {
        assert!(v["to_fix"][key].is_array(), "to_fix.{key}");
    }
    assert!(!v["definitions"].as_object().unwrap().is_empty());
    assert_eq!(v["as_of"], "2016-12-31");
    assert_eq!(v["active_rule"], "site");
    assert_eq!(v["products"]["total"], 27);
    assert!(v.get("source").is_none());
    assert_eq!(
        stdout(&["dashboard", "--format", "json"]),
        text,
        "--json is --format json"
    );
    // Another date, the other rule.
    let v = contract(
        &[
            "dashboard",
            "--json",
            "--at",
            "2016-06-30",
            "--active",
            "stage",
        ],
        1,
    );
    let expected = library(&Dashboard::compute(
        &builtin::portfolio_2016(),
        d("2016-06-30"),
        &DashboardOptions::default().with_active_rule(ActiveRule::Stage),
    ));
    assert_eq!(v, expected);
    assert_eq!(v["active_rule"], "stage");
}

#[test]
fn the_text_names_the_date_the_rule_and_the_source() {
    let fr = stdout(&["dashboard"]);
    assert!(
        fr.starts_with("Tableau de bord de l'incubateur au 31/12/2016\n"),
        "{fr}"
    );
    assert!(fr.contains("Produits actifs selon la règle : site"), "{fr}");
    assert!(fr.contains("  fiches produit "), "{fr}");
    assert!(
        fr.trim_end()
            .ends_with("source : jeu de données 2016 intégré"),
        "{fr}"
    );
    let en = stdout(&["dashboard", "--lang", "en", "--active", "stage"]);
    assert!(
        en.starts_with("The incubator's dashboard as of 2016-12-31\n"),
        "{en}"
    );
    assert!(en.contains("stage"), "{en}");
    assert!(
        en.trim_end().ends_with("source: built-in 2016 dataset"),
        "{en}"
    );
}

/// `--format csv --out DIR`: one file per figure, each parsing back to the figure it
/// holds; the folder is written once (an existing one needs --force, and only a
/// folder of such files is replaced).
#[test]
fn csv_writes_one_file_per_figure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("csv");
    betagouv()
        .args(["dashboard", "--format", "csv", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = betagouv_report::dashboard::TABLE_NAMES
        .iter()
        .map(|n| format!("{n}.csv"))
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    let d = Dashboard::compute(
        &builtin::portfolio_2016(),
        builtin::as_of_2016(),
        &DashboardOptions::default(),
    );
    let mut rows = csv::Reader::from_path(out.join("products_by_phase.csv")).unwrap();
    let header = rows.headers().unwrap().clone();
    // Stable keys whatever the language (French here, the default).
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        ["as_of", "phase", "products"]
    );
    let count = header.iter().position(|h| h == "products").unwrap();
    let phase = header.iter().position(|h| h == "phase").unwrap();
    let mut read = std::collections::BTreeMap::new();
    for r in rows.records() {
        let r = r.unwrap();
        assert_eq!(&r[0], "2016-12-31");
        read.insert(r[phase].to_owned(), r[count].parse::<usize>().unwrap());
    }
    assert_eq!(read, d.products.by_phase);
    // Written once; --force replaces a folder of dashboard files only.
    let again = betagouv()
        .args(["dashboard", "--format", "csv", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    betagouv()
        .args(["dashboard", "--format", "csv", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    std::fs::write(out.join("mine.txt"), "mine").unwrap();
    let refused = betagouv()
        .args(["dashboard", "--format", "csv", "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert_eq!(
        std::fs::read_to_string(out.join("mine.txt")).unwrap(),
        "mine"
    );
    // Without --out there is nowhere to put the files.
    let err = usage_error(&["dashboard", "--format", "csv"]);
    assert!(err.contains("--out DIR"), "{err}");
}

/// `dashboard --format html` written to `dir/name` with `args`: the page's path and text.
fn dashboard_html(dir: &Path, name: &str, args: &[&str]) -> (std::path::PathBuf, String) {
    let path = dir.join(name);
    betagouv()
        .args(["dashboard", "--format", "html", "--out"])
        .arg(&path)
        .args(args)
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

/// The HTML page of the built-in data in both languages: self-contained, in its
/// language, and axe-core finds nothing at 1,280 and 320 px.
#[test]
fn the_html_page_is_accessible_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let (fr_path, fr) = dashboard_html(dir.path(), "fr.html", &[]);
    let (en_path, en) = dashboard_html(dir.path(), "en.html", &["--lang", "en"]);
    assert!(fr.starts_with("<!DOCTYPE html>"), "{}", &fr[..100]);
    assert!(fr.contains("<html lang=\"fr\">") && en.contains("<html lang=\"en\">"));
    for html in [&fr, &en] {
        for external in ["src=\"http", "href=\"http", "url(http", "@import"] {
            assert!(!html.contains(external), "no external request: {external}");
        }
        assert!(html.contains("<svg") && html.contains("<caption"));
    }
    super::a11y::assert_axe_clean(&fr_path);
    super::a11y::assert_axe_clean(&en_path);
}

/// The page of the shared 2025 snapshot and of a yearly series over the history
/// bundle: axe-core finds nothing at either width.
#[test]
fn the_2025_page_and_the_series_page_are_accessible() {
    let dir = tempfile::tempdir().unwrap();
    if let Some(content) = betagouv_tests::shared_data("betagouv-content/2025-12-31") {
        let content = content.to_str().unwrap();
        let (path, html) = dashboard_html(
            dir.path(),
            "2025.html",
            &["--content", content, "--at", "2025-12-31"],
        );
        assert!(html.contains("<details"), "to-fix lists collapsible");
        super::a11y::assert_axe_clean(&path);
    }
    if let Some(repo) = bundle() {
        let r = repo.to_str().unwrap();
        let (path, html) =
            dashboard_html(dir.path(), "series.html", &["--git", r, "--every", "year"]);
        assert!(
            html.contains("<polyline") || html.contains("<path"),
            "line charts"
        );
        super::a11y::assert_axe_clean(&path);
    }
}

/// The e5-2026 era fixture (invented), where the two rules differ (`opere`).
fn fixture_2026() -> String {
    format!(
        "{}/../betagouv-content/tests/fixtures/eras/e5-2026",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn active_stage_differs_from_site_where_opere_exists() {
    let dir = fixture_2026();
    let run = |rule: &str| {
        contract(
            &[
                "dashboard",
                "--content",
                dir.as_str(),
                "--at",
                "2026-08-20",
                "--active",
                rule,
                "--json",
            ],
            1,
        )
    };
    let (site, stage) = (run("site"), run("stage"));
    // As `portfolio snapshot` counts them (see portfolio.rs): 6 by the site's list
    // (xray-opere), 5 by the stage table.
    assert_eq!(site["products"]["active"], 6);
    assert_eq!(stage["products"]["active"], 5);
    assert_eq!(site["products"]["total"], stage["products"]["total"]);
    assert_eq!(site["products"]["by_phase"], stage["products"]["by_phase"]);
    let import = betagouv_content::read_folder(Path::new(&dir), &Default::default()).unwrap();
    for (v, rule) in [(&site, ActiveRule::Site), (&stage, ActiveRule::Stage)] {
        let expected = Dashboard::compute(
            &import.portfolio,
            d("2026-08-20"),
            &DashboardOptions::default().with_active_rule(rule),
        );
        assert_eq!(*v, library(&expected), "{rule}");
    }
    // Without --active: the site's rule.
    let default = contract(
        &[
            "dashboard",
            "--content",
            dir.as_str(),
            "--at",
            "2026-08-20",
            "--json",
        ],
        1,
    );
    assert_eq!(default, site);
}

#[test]
fn content_on_the_2025_snapshot_equals_the_library() {
    let Some(dir) = betagouv_tests::shared_data("betagouv-content/2025-12-31") else {
        return;
    };
    let v = contract(
        &[
            "dashboard",
            "--content",
            dir.to_str().unwrap(),
            "--at",
            "2025-12-31",
            "--json",
            "--allow-errors",
        ],
        1,
    );
    let import = betagouv_content::read_folder(&dir, &Default::default()).unwrap();
    let expected = Dashboard::compute(
        &import.portfolio,
        d("2025-12-31"),
        &DashboardOptions::default(),
    );
    assert_eq!(v, library(&expected));
    assert!(v["products"]["active"].as_u64().unwrap() > 100, "{v}");
    assert!(v.get("source").is_none());
}

/// The shared history bundle's clone, when the shared data, `git` and `tar` are there.
fn bundle() -> Option<&'static Path> {
    let repo = betagouv_tests::history_repo()?;
    betagouv_tests::require_tool("tar", &[]).then_some(repo)
}

#[test]
fn a_commit_gives_the_dashboard_of_its_unpacked_tree() {
    let Some(repo) = bundle() else {
        return;
    };
    let r = repo.to_str().unwrap();
    // The last commit of 2016 (the 2016 vocabulary) and HEAD (2026, with `opere`).
    for (commit, at) in [
        ("56e715003096ddc0a0cdd105113bf7b32af37527", "2016-12-31"),
        ("83370e47b81eb9bd17a4521e778598f2e7ed0ac7", "2026-06-30"),
    ] {
        let tree = tempfile::tempdir().unwrap();
        betagouv_tests::unpack_commit(repo, commit, tree.path());
        let run = |source: &[&str]| {
            let args = [
                &["dashboard", "--at", at, "--json", "--allow-errors"][..],
                source,
            ]
            .concat();
            contract(&args, 1)
        };
        let (git, source) = without_source(run(&["--git", r, "--rev", &commit[..12]]));
        let folder = run(&["--content", tree.path().to_str().unwrap()]);
        assert_eq!(git, folder, "{commit}");
        assert_eq!(source["commit"], commit);
        assert!(source.get("known_at").is_none());
        assert!(git["products"]["total"].as_u64().unwrap() > 0, "{commit}");
    }
    // --known-at: the commit known then, the date as default as-of, named in source.
    let (v, source) = without_source(contract(
        &[
            "dashboard",
            "--git",
            r,
            "--known-at",
            "2017-04-20",
            "--json",
            "--allow-errors",
        ],
        1,
    ));
    assert_eq!(v["as_of"], "2017-04-20");
    assert_eq!(source["commit"], "02f4af2af73c02a467d6545b9d0ccdc2d9f74711");
    assert_eq!(source["known_at"], "2017-04-20");
    let tree = tempfile::tempdir().unwrap();
    betagouv_tests::unpack_commit(
        repo,
        "02f4af2af73c02a467d6545b9d0ccdc2d9f74711",
        tree.path(),
    );
    let folder = contract(
        &[
            "dashboard",
            "--content",
            tree.path().to_str().unwrap(),
            "--at",
            "2017-04-20",
            "--json",
            "--allow-errors",
        ],
        1,
    );
    assert_eq!(v, folder);
}

/// The points of a series JSON.
fn points(v: &Value) -> &Vec<Value> {
    v["points"].as_array().expect("points")
}

#[test]
fn every_year_over_the_bundle_equals_single_reads_at_its_points() {
    let Some(repo) = bundle() else {
        return;
    };
    let r = repo.to_str().unwrap();
    let text = stdout(&["dashboard", "--git", r, "--every", "year", "--json"]);
    let v = super::versioned(text.as_bytes(), 1);
    assert_eq!(
        top_keys(&text),
        [
            "schema_version",
            "source",
            "every",
            "view",
            "at",
            "from",
            "to",
            "truncated_at",
            "points"
        ]
    );
    assert_eq!(v["every"], "year");
    assert_eq!(v["view"], "live");
    assert_eq!(v["source"]["repository"], r);
    assert_eq!(
        v["source"]["commit"],
        "83370e47b81eb9bd17a4521e778598f2e7ed0ac7"
    );
    let ps = points(&v);
    let dates: Vec<&str> = ps.iter().map(|p| p["as_of"].as_str().unwrap()).collect();
    // From the first commit's year (December 2015) to HEAD's date (2026-08-20).
    let mut expected: Vec<String> = (2015..=2025).map(|y| format!("{y}-12-31")).collect();
    expected.push("2026-08-20".to_owned());
    assert_eq!(dates, expected);
    for p in ps {
        let keys: Vec<_> = p.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "as_of",
                "commit",
                "committed_at",
                "dashboard",
                "dropped_files",
                "known_at"
            ]
        );
        assert_eq!(p["known_at"], p["as_of"]);
        assert_eq!(p["dashboard"]["as_of"], p["as_of"]);
        assert_eq!(p["dashboard"]["active_rule"], "site");
    }
    // Three points against a single read known at their date.
    for i in [1, 6, 11] {
        let p = &ps[i];
        let date = p["as_of"].as_str().unwrap();
        let (single, source) = without_source(contract(
            &[
                "dashboard",
                "--git",
                r,
                "--known-at",
                date,
                "--json",
                "--allow-errors",
            ],
            1,
        ));
        assert_eq!(source["commit"], p["commit"], "{date}");
        let mut dashboard = p["dashboard"].clone();
        dashboard
            .as_object_mut()
            .unwrap()
            .insert("schema_version".to_owned(), 1.into());
        assert_eq!(dashboard, single, "{date}");
    }
    // The figures move: more products known in 2026 than at the end of 2016.
    let total = |i: usize| ps[i]["dashboard"]["products"]["total"].as_u64().unwrap();
    assert!(total(11) > total(1));
}

#[test]
fn a_point_with_a_dropped_file_counts_it_and_the_series_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("r.git");
    if !repository(&repo) {
        return;
    }
    let r = repo.to_str().unwrap();
    let out = betagouv()
        .args(["dashboard", "--git", r, "--every", "month", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2 of 5 points have files that gave no record"),
        "{err}"
    );
    let v = super::versioned(&out.stdout, 1);
    let got: Vec<(String, u64, u64)> = points(&v)
        .iter()
        .map(|p| {
            (
                p["as_of"].as_str().unwrap().to_owned(),
                p["dropped_files"].as_u64().unwrap(),
                p["dashboard"]["products"]["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2016-01-31".to_owned(), 0, 1),
            ("2016-02-29".to_owned(), 0, 1),
            ("2016-03-31".to_owned(), 1, 1),
            ("2016-04-30".to_owned(), 1, 1),
            ("2016-05-06".to_owned(), 0, 2),
        ]
    );
    // A single read of the commit with the broken file stops without --allow-errors.
    let single = betagouv()
        .args([
            "dashboard",
            "--git",
            r,
            "--known-at",
            "2016-03-31",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(single.status.code(), Some(1), "{single:?}");
    assert!(single.stdout.is_empty());
    // --at: one date seen through every point's knowledge; the text table.
    let at = super::json(&[
        "dashboard",
        "--git",
        r,
        "--every",
        "month",
        "--at",
        "2016-01-31",
        "--json",
    ]);
    assert_eq!(
        (at["view"].as_str(), at["at"].as_str()),
        (Some("at"), Some("2016-01-31"))
    );
    assert!(
        points(&at)
            .iter()
            .all(|p| p["dashboard"]["as_of"] == "2016-01-31")
    );
    let retro = super::json(&[
        "dashboard",
        "--git",
        r,
        "--every",
        "year",
        "--view",
        "retrospective",
        "--json",
    ]);
    assert_eq!(retro["view"], "retrospective");
    assert_eq!(points(&retro)[0]["commit"], v["source"]["commit"]);
    let table = stdout(&["dashboard", "--git", r, "--every", "year", "--lang", "en"]);
    assert!(table.contains("every year, view live"), "{table}");
    // One row per point in the rendered table (the first point's date at least).
    assert!(table.contains("2016-05-06"), "{table}");
}

#[test]
fn out_is_written_once_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.json");
    let o = out.to_str().unwrap();
    let args = ["dashboard", "--format", "json", "--out", o];
    assert!(stdout(&args).is_empty());
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        stdout(&["dashboard", "--json"])
    );
    let refused = betagouv().args(args).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("already exists"),
        "{refused:?}"
    );
    betagouv().args(args).arg("--force").assert().success();
    // An input is never replaced, even with --force.
    let content = tempfile::tempdir().unwrap();
    let file = content.path().join("README.md");
    std::fs::write(&file, "mine").unwrap();
    let refused = betagouv()
        .args(["dashboard", "--content"])
        .arg(content.path())
        .arg("--out")
        .arg(&file)
        .arg("--force")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    // --json is standard output: not with --out.
    betagouv()
        .args(["dashboard", "--json", "--out", o, "--force"])
        .assert()
        .code(2);
}

/// Standard error of a run that must exit with status 2.
fn usage_error(args: &[&str]) -> String {
    let out = betagouv().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    assert!(out.stdout.is_empty(), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn usage_errors_exit_2_with_clear_messages() {
    let err = usage_error(&["dashboard", "--every", "year"]);
    assert!(err.contains("--every year needs --git REPO"), "{err}");
    let fixture = fixture_2026();
    let err = usage_error(&["dashboard", "--content", &fixture, "--every", "month"]);
    assert!(
        err.contains("--every month needs --git REPO") && err.contains("--content"),
        "{err}"
    );
    let err = usage_error(&["dashboard", "--at", "2016-13-01"]);
    assert!(err.contains("--at") && err.contains("2016-13-01"), "{err}");
    let err = usage_error(&["dashboard", "--every", "quarter"]);
    assert!(err.contains("quarter") && err.contains("year"), "{err}");
    let err = usage_error(&["dashboard", "--from", "2016-01-01"]);
    assert!(err.contains("--every"), "{err}");
    let err = usage_error(&["dashboard", "--active", "both"]);
    assert!(err.contains("site") && err.contains("stage"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("r.git");
    if !repository(&repo) {
        return;
    }
    let r = repo.to_str().unwrap();
    let err = usage_error(&[
        "dashboard",
        "--git",
        r,
        "--every",
        "month",
        "--from",
        "2016-05-01",
        "--to",
        "2016-01-01",
    ]);
    assert!(
        err.contains("--from 2016-05-01 is after --to 2016-01-01"),
        "{err}"
    );
    let err = usage_error(&["dashboard", "--git", r, "--known-at", "2010-01-01"]);
    assert!(err.contains("2010-01-01"), "{err}");
    let err = usage_error(&["dashboard", "--git", r, "--every", "year", "--verbose"]);
    assert!(err.contains("--verbose"), "{err}");
}
