//! `betagouv content check|upgrade` and `betagouv portfolio snapshot --content`.

use super::betagouv;

/// A content folder with one start-up file holding a duplicate key (line 6, column 1).
pub(super) fn fixture() -> tempfile::TempDir {
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
    let v = super::versioned(&out, 3);
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

/// Class 6: `--skip` with a rule id no rule has is refused (status 2) and the known
/// rule ids are listed.
#[test]
fn skip_of_an_unknown_rule_is_refused_with_the_known_ids() {
    let t = fixture();
    let out = betagouv()
        .args(["content", "check", "--skip", "no-such-rule"])
        .arg(t.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-rule"), "{err}");
    for known in [
        "yaml-syntax",
        "duplicate-key",
        "phases-required",
        "partial-date",
    ] {
        assert!(err.contains(known), "{known} listed: {err}");
    }
    assert!(out.stdout.is_empty());
    // A known rule id is accepted and skipped.
    betagouv()
        .args(["content", "check", "--skip", "duplicate-key"])
        .arg(t.path())
        .assert()
        .code(0);
}

/// Class 6: `phases` written as a text or a mapping is reported at its line and column,
/// saying what was expected and what was found.
#[test]
fn phases_of_the_wrong_type_name_their_line() {
    for (phases, found, line) in [
        ("phases: construction\n", "string", 6),
        ("phases:\n  name: construction\n", "mapping", 7),
    ] {
        let t = tempfile::tempdir().unwrap();
        let s = t.path().join("content/_startups");
        std::fs::create_dir_all(&s).unwrap();
        std::fs::write(
            s.join("a.md"),
            format!("---\ntitle: A\nmission: x\nincubator: dinum\ncontact: a@b.fr\n{phases}---\n"),
        )
        .unwrap();
        let out = betagouv()
            .args(["content", "check", "--json"])
            .arg(t.path())
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // One fault, one error: today's rules report `phases-required` at the value; the
        // reader's `field-type` at the same place is not reported again.
        assert_eq!(v["errors"], 1, "{v}");
        assert!(
            !v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["rule"] == "field-type"),
            "{v}"
        );
        let req = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == "phases-required")
            .unwrap_or_else(|| panic!("no phases-required: {v}"));
        // At the value (the mapping starts below its key).
        assert_eq!(req["line"], line, "{req}");
        assert!(
            req["message"]
                .as_str()
                .unwrap()
                .contains(&format!("is a {found}"))
        );
    }
}

/// Class 6: a file name with terminal escape codes is escaped on standard output
/// (`content check`) and standard error (the loader's --verbose), kept raw in JSON.
#[test]
fn escape_codes_in_file_names_are_escaped_on_the_terminal() {
    let t = fixture();
    let evil = "e\u{1b}[31mvil.md";
    std::fs::write(
        t.path().join("content/_startups").join(evil),
        "---\ntitle: \u{1b}]0;pwned\u{7}\n---\n",
    )
    .unwrap();
    let out = betagouv()
        .args(["content", "check"])
        .arg(t.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("e\\u{1b}[31mvil.md"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}'),
        "raw escape on stdout: {stdout:?}"
    );
    let out = betagouv()
        .args([
            "portfolio",
            "snapshot",
            "--at",
            "2025-01-01",
            "--verbose",
            "--content",
        ])
        .arg(t.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the file gives no record: {out:?}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("e\\u{1b}[31mvil.md"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "raw escape on stderr: {stderr:?}"
    );
    // JSON keeps the name as it is (serde_json escapes it as \u001b).
    let out = betagouv()
        .args(["content", "check", "--json"])
        .arg(t.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"].as_str().is_some_and(|f| f.ends_with(evil)))
    );
}

/// Class 4 on `portfolio snapshot`: a dropped file stops it (status 1, nothing on
/// standard output) unless `--allow-errors`; a warning-only folder is fine.
#[test]
fn snapshot_stops_on_a_dropped_file_unless_allowed() {
    let t = fixture();
    let snapshot = |extra: &[&str]| {
        betagouv()
            .args([
                "portfolio",
                "snapshot",
                "--at",
                "2025-01-01",
                "--json",
                "--content",
            ])
            .arg(t.path())
            .args(extra)
            .output()
            .unwrap()
    };
    // The fixture has a duplicate key: a warning of the import, no record dropped.
    let out = snapshot(&[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 files dropped"));
    std::fs::write(t.path().join("content/_startups/b.md"), "no front matter\n").unwrap();
    let out = snapshot(&[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing-front-matter") && err.contains("b.md"),
        "{err}"
    );
    let out = snapshot(&["--allow-errors"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["startups"]["total"], 1);
}

/// [`fixture`] with a second start-up whose front matter is not YAML (`b.md:2:8`).
fn fixture_with_a_dropped_file() -> tempfile::TempDir {
    let t = fixture();
    std::fs::write(
        t.path().join("content/_startups/b.md"),
        "---\ntitle: [B\n---\n",
    )
    .unwrap();
    t
}

/// Class 4 on `content upgrade`: a file that gives no record stops the upgrade before
/// anything is written, unless `--allow-errors`.
#[test]
fn upgrade_stops_on_a_dropped_file_unless_allowed() {
    let t = fixture_with_a_dropped_file();
    let out_dir = tempfile::tempdir().unwrap();
    let new_dir = out_dir.path().join("new");
    let out = betagouv()
        .args(["content", "upgrade"])
        .arg(t.path())
        .arg("--out")
        .arg(&new_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(!new_dir.exists(), "nothing written");
    assert!(String::from_utf8_lossy(&out.stderr).contains("b.md:2:8"));
    betagouv()
        .args(["content", "upgrade", "--allow-errors"])
        .arg(t.path())
        .arg("--out")
        .arg(&new_dir)
        .assert()
        .success();
    assert!(new_dir.join("content/_startups/a.md").exists());
    assert!(!new_dir.join("content/_startups/b.md").exists());
}

/// `content upgrade --json`: `{"schema_version": 2, "out", "vocabulary", "files",
/// "failed_files", "undated", "diagnostics"}` instead of the summary.
#[test]
fn upgrade_json_contract() {
    let t = fixture_with_a_dropped_file();
    let out_dir = tempfile::tempdir().unwrap();
    let new_dir = out_dir.path().join("new");
    let out = betagouv()
        .args(["content", "upgrade", "--allow-errors", "--json"])
        .arg(t.path())
        .arg("--out")
        .arg(&new_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v = super::versioned(&out.stdout, 2);
    assert_eq!(v["out"], new_dir.display().to_string());
    assert!(
        v["vocabulary"].as_str().is_some_and(|s| !s.is_empty()),
        "{v}"
    );
    let files = v["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f.as_str().unwrap().ends_with("_startups/a.md")),
        "{v}"
    );
    for f in files {
        let f = std::path::Path::new(f.as_str().unwrap());
        assert!(f.is_file() || new_dir.join(f).is_file(), "{}", f.display());
    }
    assert_eq!(v["failed_files"], 1);
    assert!(
        v["undated"].is_array() && v["diagnostics"].is_array(),
        "{v}"
    );
}

/// `--list-rules` prints every rule of `rules::ALL` (id, drops the file, description)
/// as a table, one line per rule after the header, without a DIR.
#[test]
fn list_rules_prints_every_rule_as_a_table() {
    let out = betagouv()
        .args(["content", "check", "--list-rules"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let all = betagouv_content::rules::ALL;
    assert_eq!(lines.len(), all.len() + 1, "{text}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["rule", "drops", "file", "description"]);
    for (line, rule) in lines[1..].iter().zip(all) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], rule.id, "{line}");
        assert_eq!(
            words[1],
            if rule.drops_file { "yes" } else { "no" },
            "{line}"
        );
        assert!(line.ends_with(rule.description), "{line}");
    }
    assert!(text.contains("yaml-syntax"));
    assert!(text.contains("the front matter is not valid YAML"));
}

/// `--list-rules --json`: `{"schema_version": 1, "rules": [{"id", "drops_file",
/// "description"}]}`, in the order of `rules::ALL`.
#[test]
fn list_rules_as_json() {
    let out = betagouv()
        .args(["content", "check", "--list-rules", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = super::versioned(&out, 1);
    let rules = v["rules"].as_array().unwrap();
    let all = betagouv_content::rules::ALL;
    assert_eq!(rules.len(), all.len());
    for (r, rule) in rules.iter().zip(all) {
        assert_eq!(r["id"], rule.id);
        assert_eq!(r["drops_file"], rule.drops_file);
        assert_eq!(r["description"], rule.description);
    }
    let yaml = rules.iter().find(|r| r["id"] == "yaml-syntax").unwrap();
    assert_eq!(yaml["drops_file"], true);
    let crlf = rules.iter().find(|r| r["id"] == "crlf").unwrap();
    assert_eq!(crlf["drops_file"], false);
}

/// Without DIR and without --list-rules, `content check` is a usage error (status 2)
/// naming the missing argument; --list-rules takes no DIR nor --skip.
#[test]
fn check_without_a_folder_is_a_usage_error() {
    let out = betagouv().args(["content", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("<DIR>"), "{err}");
    assert!(out.stdout.is_empty());
    let t = fixture();
    for extra in [vec![t.path().to_str().unwrap()], vec!["--skip", "crlf"]] {
        let out = betagouv()
            .args(["content", "check", "--list-rules"])
            .args(&extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {out:?}");
        assert!(out.stdout.is_empty());
    }
}
