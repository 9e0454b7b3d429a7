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

// ---- Output policy (issue 10, class 3): `content upgrade --out`.

fn tree(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn upgrade_never_writes_inside_or_over_its_input() {
    let old = fixture();
    let before = tree(old.path());
    for out in [
        old.path().to_path_buf(),
        old.path().join("sub"),
        old.path().join("content/_startups/../new"),
        old.path().join(".."),
    ] {
        for force in [false, true] {
            let mut cmd = betagouv();
            cmd.args(["content", "upgrade"])
                .arg(old.path())
                .arg("--out")
                .arg(&out);
            if force {
                cmd.arg("--force");
            }
            let o = cmd.output().unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{}: {stderr}", out.display());
            assert!(
                stderr.contains("refusing to write")
                    && stderr.contains(&format!("the input {}", old.path().display())),
                "{stderr}"
            );
            assert_eq!(tree(old.path()), before, "input unchanged");
        }
    }
}

#[test]
fn upgrade_out_needs_force_and_replaces_only_upgrade_output() {
    let old = fixture();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new");
    let run = |force: bool| {
        let mut cmd = betagouv();
        cmd.args(["content", "upgrade"])
            .arg(old.path())
            .arg("--out")
            .arg(&out);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    assert!(run(false).status.success());
    assert!(out.join("content/_startups/a.md").exists());
    let o = run(false);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
    assert!(run(true).status.success());
    std::fs::write(out.join("README.md"), "mine").unwrap();
    let o = run(true);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("README.md") && stderr.contains("a content upgrade"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("README.md")).unwrap(),
        "mine"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["new"], "no temporary left");
}
