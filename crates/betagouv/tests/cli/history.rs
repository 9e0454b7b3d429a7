//! `betagouv history --git REPO`: the JSON contract, the CSV header, the table, the
//! output policy and the usage errors, on a small repository built by `git fast-import`.

use std::path::Path;
use std::process::Command;

use super::betagouv;

const STARTUP: &str =
    "---\ntitle: A\nmission: M\nphases:\n  - name: construction\n    start: 2016-01-01\n---\n";
const BROKEN: &str = "---\ntitle: [broken\n---\n";

/// A bare repository at `dir`: three commits in January, March and May 2016, the
/// second with a file that gives no record.
pub(super) fn repository(dir: &Path) -> bool {
    if !betagouv_tests::require_tool("git", &[]) {
        return false;
    }
    let ok = Command::new("git")
        .args(["-c", "init.defaultBranch=main", "init", "-q", "--bare"])
        .arg(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let mut stream = String::new();
    for (t, path, body) in [
        (1_452_000_000, "_startup/a.md", STARTUP),
        (1_457_000_000, "_startup/b.md", BROKEN),
        (1_462_500_000, "_startup/b.md", STARTUP),
    ] {
        stream.push_str(&format!(
            "commit refs/heads/main\ncommitter T <t@example.org> {t} +0100\ndata 2\nc\nM 100644 inline {path}\ndata {}\n{body}\n\n",
            body.len()
        ));
    }
    betagouv_tests::fast_import(dir, &stream);
    true
}

#[test]
fn json_contract() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("r.git");
    if !repository(&repo) {
        return;
    }
    let r = repo.to_str().unwrap();
    let v = super::contract(&["history", "--git", r, "--json"], 2);
    // (serde_json's map sorts keys; `contract` checked that schema_version is first.)
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "at",
            "every",
            "from",
            "points",
            "schema_version",
            "source",
            "to",
            "truncated_at",
            "view"
        ]
    );
    assert_eq!(v["every"], "month");
    assert_eq!(v["view"], "live");
    assert_eq!(v["from"], "2016-01-05");
    assert_eq!(v["to"], "2016-05-06");
    assert_eq!(v["source"]["repository"], r);
    assert_eq!(v["source"]["commit"].as_str().unwrap().len(), 40);
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 5);
    let p = &points[2];
    let keys: Vec<_> = p.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "as_of",
            "commit",
            "committed_at",
            "dropped_files",
            "incubators",
            "known_at",
            "members_active",
            "owners",
            "problems",
            "sponsors",
            "startups"
        ]
    );
    assert_eq!(p["known_at"], "2016-03-31");
    assert_eq!(p["as_of"], "2016-03-31");
    assert_eq!(p["dropped_files"], 1);
    assert_eq!(p["startups"]["total"], 1);
    assert_eq!(
        p["startups"]["active"],
        serde_json::json!({"stage": 1, "site": 1, "site_latest_start": 1, "site_date_filter_changes": 0})
    );
    assert_eq!(points[4]["as_of"], "2016-05-06");
    assert_eq!(points[4]["startups"]["total"], 2);
    // The same with --format json; --at and the retrospective view.
    assert_eq!(
        super::stdout(&["history", "--git", r, "--format", "json"]),
        super::stdout(&["history", "--git", r, "--json"])
    );
    let at = super::json(&["history", "--git", r, "--json", "--at", "2016-01-31"]);
    assert_eq!(
        (at["view"].as_str(), at["at"].as_str()),
        (Some("at"), Some("2016-01-31"))
    );
    assert!(
        at["points"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["as_of"] == "2016-01-31")
    );
    let retro = super::json(&[
        "history",
        "--git",
        r,
        "--json",
        "--view",
        "retrospective",
        "--every",
        "year",
    ]);
    assert_eq!(retro["view"], "retrospective");
    assert_eq!(retro["points"][0]["commit"], v["source"]["commit"]);
}

#[test]
fn csv_table_and_out() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("r.git");
    if !repository(&repo) {
        return;
    }
    let r = repo.to_str().unwrap();
    let csv = super::stdout(&[
        "history", "--git", r, "--every", "commit", "--format", "csv",
    ]);
    let lines: Vec<_> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "known_at,commit,committed_at,as_of,startups_total,incubating,in_handover,taken_over,stopped,not_started,unknown,members_active,incubators,sponsors,owners,errors,warnings,dropped_files,active_stage,active_site,active_site_latest_start,site_date_filter_changes"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with("2016-01-05T"), "{}", lines[1]);
    // One file dropped; one active start-up by both rules, no date filter effect.
    assert!(lines[2].ends_with(",1,1,1,1,0"), "{}", lines[2]);
    let table = super::stdout(&["history", "--git", r, "--every", "year"]);
    assert!(table.contains("every year, view live"), "{table}");
    assert!(table.contains("2016-05-06"), "{table}");
    assert!(table.contains("active (stage)"), "{table}");
    let site = super::stdout(&["history", "--git", r, "--every", "year", "--active", "site"]);
    assert!(site.contains("active (site)"), "{site}");
    betagouv()
        .args(["history", "--git", r, "--active", "both"])
        .assert()
        .code(2);
    // --out: written once, refused after, replaced with --force; never in the repository.
    let out = dir.path().join("h.csv");
    let o = out.to_str().unwrap();
    let args = ["history", "--git", r, "--format", "csv", "--out", o];
    assert!(super::stdout(&args).is_empty());
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        super::stdout(&["history", "--git", r, "--format", "csv"])
    );
    betagouv().args(args).assert().code(2);
    betagouv().args(args).arg("--force").assert().success();
    let inside = repo.join("config");
    let before = std::fs::read(&inside).unwrap();
    let refused = betagouv()
        .args(["history", "--git", r, "--out"])
        .arg(&inside)
        .arg("--force")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(std::fs::read(&inside).unwrap(), before);
}

#[test]
fn usage_and_input_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("r.git");
    if !repository(&repo) {
        return;
    }
    let r = repo.to_str().unwrap();
    for args in [
        vec![
            "history",
            "--git",
            r,
            "--at",
            "2016-01-01",
            "--view",
            "retrospective",
        ],
        vec![
            "history",
            "--git",
            r,
            "--rev",
            "HEAD",
            "--known-at",
            "2016-01-01",
        ],
        vec![
            "history",
            "--git",
            r,
            "--from",
            "2016-05-01",
            "--to",
            "2016-01-01",
        ],
        vec!["history", "--git", r, "--every", "quarter"],
        vec!["history", "--git", r, "--rev", "no-such-ref"],
        vec!["history", "--git", r, "--known-at", "2015-01-01"],
        vec![
            "history",
            "--git",
            dir.path().join("none").to_str().unwrap(),
        ],
        vec!["history", "--git", r, "--json", "--format", "csv"],
    ] {
        let out = betagouv().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}
