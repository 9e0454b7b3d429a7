//! `betagouv content check|upgrade` and `betagouv portfolio snapshot --content`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use assert_cmd::Command;

fn betagouv() -> Command {
    Command::cargo_bin("betagouv").unwrap()
}

fn fixture() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let s = t.path().join("content/_startups");
    std::fs::create_dir_all(&s).unwrap();
    std::fs::write(
        s.join("a.md"),
        "---\ntitle: A\nmission: x\nincubator: dinum\ncontact: a@b.fr\ncontact: c@d.fr\nphases:\n  - name: construction\n    start: 2024-01-01\n---\n",
    )
    .unwrap();
    t
}

#[test]
fn check_json_and_exit_status() {
    let t = fixture();
    let out = betagouv()
        .args(["content", "check", "--json"])
        .arg(t.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "duplicate-key");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(1))
    );
    assert!(d["file"].as_str().unwrap().ends_with("a.md"));
    betagouv()
        .args(["content", "check", "--skip", "duplicate-key"])
        .arg(t.path())
        .assert()
        .success();
}

#[test]
fn check_shared_snapshots() {
    for rel in ["betagouv-content/2016-12-31", "betagouv-content/2025-12-31"] {
        let Some(dir) = betagouv_tests::shared_data(rel) else {
            return;
        };
        betagouv()
            .args(["content", "check", "--skip", "member-file-name"])
            .arg(&dir)
            .assert()
            .success();
    }
}

#[test]
fn snapshot_from_content_and_upgrade() {
    let Some(dir) = betagouv_tests::shared_data("betagouv-content/2016-12-31") else {
        return;
    };
    let snap = |d: &std::path::Path| -> serde_json::Value {
        let out = betagouv()
            .args([
                "portfolio",
                "snapshot",
                "--json",
                "--at",
                "2016-12-31",
                "--content",
            ])
            .arg(d)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let old = snap(&dir);
    assert_eq!(old["startups"]["total"], 27);
    assert_eq!(old["startups"]["by_stage"]["incubating"], 25);
    assert_eq!(old["members"]["active"], 27);
    assert_eq!(old["owners"], 14);
    let out = tempfile::tempdir().unwrap();
    let new_dir = out.path().join("new");
    let printed = betagouv()
        .args(["content", "upgrade"])
        .arg(&dir)
        .arg("--out")
        .arg(&new_dir)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let printed = String::from_utf8(printed).unwrap();
    assert!(printed.contains("openacademie"), "{printed}");
    let new = snap(&new_dir);
    assert_eq!(new["members"], old["members"]);
    // openacademie (start `2015-01`) cannot be dated once upgraded: reported above.
    assert_eq!(new["startups"]["by_stage"]["not_started"], 1);
    assert_eq!(new["startups"]["by_stage"]["incubating"], 24);
}
