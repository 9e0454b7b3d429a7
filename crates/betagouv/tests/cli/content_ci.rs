//! `betagouv content check --format github|sarif`, `--out`, and the pre-commit hook
//! (`.pre-commit-hooks.yaml`) run by pre-commit itself.

use std::path::{Path, PathBuf};

use super::betagouv;
use serde_json::Value;

/// A content folder with one error (a duplicate key at line 6, column 1) and one
/// file-level error (a member file name).
fn fixture() -> tempfile::TempDir {
    let t = super::content::fixture();
    let m = t.path().join("content/_authors");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(
        m.join("Bad Name.md"),
        "---\nfullname: B\nrole: r\ndomaine: Développement\nmissions:\n  - start: 2024-01-01\n    end: 2024-06-01\n    status: independent\n    employer: x\n    startups:\n      - a\n---\n",
    )
    .unwrap();
    t
}

/// The `content check --json` diagnostics of `dir`.
fn json_diagnostics(dir: &Path) -> Vec<Value> {
    let out = betagouv()
        .args(["content", "check", "--json"])
        .arg(dir)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"].as_array().unwrap().clone()
}

/// The position of a JSON diagnostic: line and column, `None` when unknown (0).
fn position(d: &Value) -> (Option<u64>, Option<u64>) {
    let n = |k: &str| d[k].as_u64().filter(|n| *n > 0);
    (n("line"), n("column"))
}

#[test]
fn github_annotations_name_relative_files_and_known_positions() {
    let t = fixture();
    let out = betagouv()
        .args(["content", "check", "--format", "github"])
        .arg(t.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let diags = json_diagnostics(t.path());
    assert_eq!(lines.len(), diags.len(), "{text}");
    for (line, d) in lines.iter().zip(&diags) {
        let file = d["file"].as_str().unwrap();
        let rel = Path::new(file).strip_prefix(t.path()).unwrap();
        let rel = rel.to_str().unwrap();
        let mut want = format!("::{} file={rel}", d["severity"].as_str().unwrap());
        match position(d) {
            (Some(l), Some(c)) => want.push_str(&format!(",line={l},col={c}")),
            (Some(l), None) => want.push_str(&format!(",line={l}")),
            _ => {}
        }
        want.push_str(&format!(",title={}::", d["rule"].as_str().unwrap()));
        assert!(line.starts_with(&want), "{line}\nwanted {want}");
    }
    assert!(
        lines.iter().any(|l| l
            .starts_with("::error file=content/_startups/a.md,line=6,col=1,title=duplicate-key::")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("::error file=content/_authors/Bad Name.md,title=member-file-name::")),
        "a file-level problem names the file alone: {text}"
    );
}

#[test]
fn sarif_to_a_file_matches_the_json_and_never_overwrites_an_input() {
    let t = fixture();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("check.sarif");
    betagouv()
        .args(["content", "check", "--format", "sarif", "--out"])
        .arg(&out)
        .arg(t.path())
        .assert()
        .code(1)
        .stdout("");
    let log: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let diags = json_diagnostics(t.path());
    assert_eq!(results.len(), diags.len());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for (r, d) in results.iter().zip(&diags) {
        assert_eq!(r["ruleId"], d["rule"]);
        assert_eq!(r["level"], d["severity"]);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], d["rule"]);
        let phys = &r["locations"][0]["physicalLocation"];
        assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &phys["region"];
        match position(d) {
            (Some(l), c) => {
                assert_eq!(region["startLine"].as_u64(), Some(l));
                assert_eq!(region["startColumn"].as_u64(), c);
            }
            (None, _) => assert!(region.is_null(), "no region without a line: {r}"),
        }
    }
    assert!(results.iter().any(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "content/_authors/Bad%20Name.md"
    ));
    // A second run needs --force; an input is never overwritten, even with it, and
    // nothing is written inside the checked folder.
    betagouv()
        .args(["content", "check", "--format", "sarif", "--force", "--out"])
        .arg(&out)
        .arg(t.path())
        .assert()
        .code(1);
    betagouv()
        .args(["content", "check", "--format", "sarif", "--out"])
        .arg(t.path().join("check.sarif"))
        .arg(t.path())
        .assert()
        .code(2);
    assert!(!t.path().join("check.sarif").exists());
    betagouv()
        .args(["content", "check", "--format", "sarif", "--out"])
        .arg(&out)
        .arg(t.path())
        .assert()
        .code(2);
    let input = t.path().join("content/_startups/a.md");
    let before = std::fs::read(&input).unwrap();
    let status = betagouv()
        .args(["content", "check", "--format", "sarif", "--force", "--out"])
        .arg(&input)
        .arg(t.path())
        .output()
        .unwrap()
        .status;
    assert!(!status.success());
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

/// The problems Microsoft's SARIF validator (`sarif-multitool validate`) finds in
/// `log`, as `(rule, level)`. SARIF2017 ("region absent") is left out: a file-level
/// problem has no region by design.
fn sarif_validator_findings(log: &Path) -> Vec<(String, String)> {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("validation.sarif");
    let status = std::process::Command::new("sarif-multitool")
        .arg("validate")
        .arg(log)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or("").to_owned(),
                r["level"].as_str().unwrap_or("warning").to_owned(),
            )
        })
        .filter(|(rule, _)| rule != "SARIF2017")
        .collect()
}

#[test]
fn microsofts_sarif_validator_accepts_the_log() {
    if !betagouv_tests::require_tool("sarif-multitool", &["--version"]) {
        return;
    }
    let t = fixture();
    let mut dirs: Vec<PathBuf> = vec![t.path().to_owned()];
    if let Some(dir) = betagouv_tests::shared_data("betagouv-content/2025-12-31") {
        dirs.push(dir);
    }
    for dir in dirs {
        let out = tempfile::tempdir().unwrap();
        let log = out.path().join("check.sarif");
        betagouv()
            .args(["content", "check", "--format", "sarif", "--out"])
            .arg(&log)
            .arg(&dir)
            .assert()
            .code(1);
        assert_eq!(sarif_validator_findings(&log), [], "{}", dir.display());
    }
    // The validator does find faults: a result without a message.
    let out = tempfile::tempdir().unwrap();
    let log = out.path().join("bad.sarif");
    betagouv()
        .args(["content", "check", "--format", "sarif", "--out"])
        .arg(&log)
        .arg(t.path())
        .assert()
        .code(1);
    let mut v: Value = serde_json::from_slice(&std::fs::read(&log).unwrap()).unwrap();
    v["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    std::fs::write(&log, serde_json::to_vec(&v).unwrap()).unwrap();
    let findings = sarif_validator_findings(&log);
    assert!(
        findings.iter().any(|(_, level)| level == "error"),
        "{findings:?}"
    );
}

/// The workspace root (where `.pre-commit-hooks.yaml` is).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_pre_commit_hook_runs_the_check_through_pre_commit() {
    if !betagouv_tests::require_tool("pre-commit", &["--version"])
        || !betagouv_tests::require_tool("git", &[])
    {
        return;
    }
    let root = workspace_root();
    let status = std::process::Command::new("pre-commit")
        .arg("validate-manifest")
        .arg(root.join(".pre-commit-hooks.yaml"))
        .status()
        .unwrap();
    assert!(status.success(), "pre-commit validate-manifest");
    // A content repository with one fault, committed, then the hook run by pre-commit
    // from this working tree (`try-repo` takes uncommitted changes too).
    let t = fixture();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(t.path())
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "content"]);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_betagouv"));
    let path = std::env::join_paths(std::iter::once(bin.parent().unwrap().to_owned()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let run = |root: &Path| {
        std::process::Command::new("pre-commit")
            .args(["try-repo"])
            .arg(root)
            .args(["betagouv-content-check", "--all-files"])
            .current_dir(t.path())
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", home.path())
            .output()
            .unwrap()
    };
    let out = run(&root);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "the fault fails the hook: {text}");
    assert!(text.contains("duplicate-key"), "{text}");
    assert!(text.contains("content/_startups/a.md:6:1"), "{text}");
    // Fixed, the hook passes.
    std::fs::remove_file(t.path().join("content/_authors/Bad Name.md")).unwrap();
    std::fs::write(
        t.path().join("content/_startups/a.md"),
        "---\ntitle: A\nmission: x\nincubator: dinum\ncontact: a@b.fr\nphases:\n  - name: construction\n    start: 2024-01-01\n---\n",
    )
    .unwrap();
    git(&["add", "-A"]);
    git(&["commit", "-qm", "fix"]);
    let out = run(&root);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
