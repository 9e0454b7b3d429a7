//! `betagouv content check --git REPO [--blame [--since REV|DATE]]`.

use std::path::Path;
use std::process::Command;

use super::betagouv;

/// A start-up without mission (a `field-required` error).
const NO_MISSION: &str = "---\ntitle: A\nincubator: dinum\nphases:\n  - name: construction\n    start: 2016-01-01\n---\n";
const FINE: &str = "---\ntitle: A\nmission: M\nincubator: dinum\nphases:\n  - name: construction\n    start: 2016-01-01\n---\n";
/// A member with an empty role (a `field-required` error).
const NO_ROLE: &str = "---\nfullname: Ada\nrole: ''\n---\n";
const ROLE: &str = "---\nfullname: Ada\nrole: Dev\n---\n";

/// A bare repository at `dir`, one commit per item (one day apart from 2016-01-01),
/// each writing (`Some`) or deleting (`None`) files.
fn build(dir: &Path, commits: &[&[(&str, Option<&str>)]]) {
    let ok = Command::new("git")
        .args(["-c", "init.defaultBranch=main", "init", "-q", "--bare"])
        .arg(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let mut stream = String::new();
    for (i, files) in commits.iter().enumerate() {
        let t = 1_451_640_000 + 86_400 * i;
        stream.push_str(&format!(
            "commit refs/heads/main\ncommitter T <t@example.org> {t} +0100\ndata 2\nc\n"
        ));
        for (path, text) in *files {
            match text {
                Some(body) => stream.push_str(&format!(
                    "M 100644 inline {path}\ndata {}\n{body}\n",
                    body.len()
                )),
                None => stream.push_str(&format!("D {path}\n")),
            }
        }
        stream.push('\n');
    }
    betagouv_tests::fast_import(dir, &stream);
}

/// The history: the start-up's problem appears at commit 2 and moves with the 2018
/// folder rename; the member's appears at commit 1 and is fixed at commit 4.
fn history() -> Option<tempfile::TempDir> {
    if !betagouv_tests::require_tool("git", &[]) {
        return None;
    }
    let t = tempfile::tempdir().unwrap();
    build(
        t.path(),
        &[
            &[("_startup/a.md", Some(FINE))],
            &[("_authors/ada.md", Some(NO_ROLE))],
            &[("_startup/a.md", Some(NO_MISSION))],
            &[
                ("_startup/a.md", None),
                ("_authors/ada.md", None),
                ("content/_startups/a.md", Some(NO_MISSION)),
                ("content/_authors/ada.md", Some(NO_ROLE)),
            ],
            &[("content/_authors/ada.md", Some(ROLE))],
        ],
    );
    Some(t)
}

fn commit(repo: &Path, rev: &str) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(repo)
        .args(["rev-parse", rev])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn blame_json_gives_first_commits_and_fixes_across_the_folder_rename() {
    let Some(t) = history() else { return };
    let out = betagouv()
        .args(["content", "check", "--blame", "--json", "--git"])
        .arg(t.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = super::versioned(&out, 2);
    assert_eq!(v["range"]["since"]["commit"], commit(t.path(), "main~4"));
    assert_eq!(v["range"]["until"]["commit"], commit(t.path(), "main"));
    assert_eq!(v["range"]["commits"], 5);
    assert_eq!(v["errors"], 1);
    let problems = v["problems"].as_array().unwrap();
    let p = problems
        .iter()
        .find(|p| p["rule"] == "field-required")
        .unwrap();
    assert_eq!(
        p["record"],
        serde_json::json!({"kind": "startup", "id": "a"})
    );
    assert_eq!(p["field"], "mission");
    assert_eq!(p["first_seen"]["commit"], commit(t.path(), "main~2"));
    assert!(
        p["path"]
            .as_str()
            .unwrap()
            .ends_with(":content/_startups/a.md")
    );
    assert_eq!(p["first_seen"]["committed_at"], "2016-01-03T10:20:00+01:00");
    let fixed = v["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0]["rule"], "field-required");
    assert_eq!(fixed[0]["field"], "role");
    assert_eq!(fixed[0]["fixed_in"]["commit"], commit(t.path(), "main"));
    assert_eq!(fixed[0]["last_seen"]["commit"], commit(t.path(), "main~1"));
}

#[test]
fn blame_text_since_a_date_and_a_revision() {
    let Some(t) = history() else { return };
    let text = |args: &[&str]| {
        let out = betagouv()
            .args(["content", "check", "--blame", "--git"])
            .arg(t.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let third = commit(t.path(), "main~2");
    // Since the fourth day: the problem is present from the start of the range.
    let s = text(&["--since", "2016-01-04"]);
    assert!(
        s.contains(&format!(
            "(since {} 2016-01-04 (start of range))",
            &commit(t.path(), "main~1")[..12]
        )),
        "{s}"
    );
    assert!(
        s.contains("fixed in range:\n  field-required member ada `role` fixed in"),
        "{s}"
    );
    assert!(s.contains("1 errors, 0 warnings; 1 fixed in range"), "{s}");
    let s = text(&["--since", &third]);
    assert!(s.contains(&format!(":content/_startups/a.md: field `mission` is required and must not be empty (since {} 2016-01-03", &third[..12])), "{s}");
    // --rev: the revision before the fix, where the member's problem is still there.
    let s = text(&["--rev", "main~1"]);
    assert!(s.contains("field `role`"), "{s}");
    assert!(!s.contains("fixed in range:"), "{s}");
    // Without --blame: the check of the commit.
    let out = betagouv()
        .args(["content", "check", "--json", "--git"])
        .arg(t.path())
        .args(["--known-at", "2016-01-02"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = super::versioned(&out, 3);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("`role`"))
    );
}

#[test]
fn blame_needs_git_and_a_since_on_the_chain() {
    betagouv()
        .args(["content", "check", "--blame", "."])
        .assert()
        .code(2);
    let Some(t) = history() else { return };
    let out = betagouv()
        .args([
            "content",
            "check",
            "--blame",
            "--since",
            "2015-01-01",
            "--git",
        ])
        .arg(t.path())
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("2015-01-01"));
}

#[test]
fn blame_of_the_shared_history_since_a_2026_date() {
    let Some(repo) = betagouv_tests::history_repo() else {
        return;
    };
    let out = betagouv()
        .args([
            "content",
            "check",
            "--blame",
            "--json",
            "--since",
            "2026-07-01",
            "--git",
        ])
        .arg(repo)
        .output()
        .unwrap();
    let v = super::versioned(&out.stdout, 2);
    assert!(v["range"]["commits"].as_u64().unwrap() > 5);
    let problems = v["problems"].as_array().unwrap();
    let since = &v["range"]["since"]["committed_at"];
    for p in problems {
        assert!(
            p["first_seen"]["committed_at"].as_str() >= since.as_str(),
            "{p}"
        );
    }
    assert_eq!(
        out.status.code(),
        Some(i32::from(v["errors"].as_u64().unwrap() > 0))
    );
}
