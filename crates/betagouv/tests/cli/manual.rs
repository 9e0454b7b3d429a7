//! `betagouv completions SHELL` and `betagouv man [--out DIR [--force]]`.

use std::path::Path;

use super::{betagouv, stdout};

/// The visible commands, as the completion scripts and manual pages must name them.
const COMMANDS: [&str; 10] = [
    "report",
    "dashboard",
    "portfolio",
    "content",
    "budget",
    "impact",
    "export",
    "completions",
    "man",
    "snapshot",
];

#[test]
fn bash_completions_name_the_commands_but_not_the_hidden_ones() {
    let script = stdout(&["completions", "bash"]);
    assert!(script.contains("complete -F"), "a bash completion script");
    for name in COMMANDS
        .iter()
        .chain(&["upgrade", "balances", "journal", "cohort", "survival"])
    {
        assert!(script.contains(name), "{name}");
    }
    for name in [
        "--list-rules",
        "--every",
        "--allow-errors",
        "--json",
        "--force",
    ] {
        assert!(script.contains(name), "{name}");
    }
    for hidden in ["synthetic", "bench", "--series"] {
        assert!(!script.contains(hidden), "{hidden} is hidden");
    }
}

#[test]
fn every_shell_gets_a_script_and_an_unknown_one_is_a_usage_error() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains("snapshot"), "{shell}");
        assert!(!script.contains("synthetic"), "{shell}");
    }
    let out = betagouv().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// A roff manual page: `.TH` title line, then a NAME section naming `name`.
fn assert_page(text: &str, name: &str) {
    let th = text
        .lines()
        .find(|l| l.starts_with(".TH "))
        .unwrap_or_else(|| panic!("no .TH line in {name}"));
    assert!(th.starts_with(&format!(".TH {name} 1 ")), "{th}");
    assert!(text.contains(".SH NAME"), "{name}");
}

#[test]
fn man_prints_the_main_page() {
    let text = stdout(&["man"]);
    assert_page(&text, "betagouv");
    for name in COMMANDS {
        assert!(text.contains(name), "{name}");
    }
    assert!(!text.contains("synthetic"));
}

/// Reads the page with `man -l` (groff's warnings on): it renders, names its command,
/// and groff says nothing.
fn man_reads(path: &Path, name: &str) {
    let out = std::process::Command::new("man")
        .arg("--warnings")
        .arg("-l")
        .arg(path)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}: {out:?}", path.display());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.trim().is_empty(), "{}: {stderr}", path.display());
    assert!(String::from_utf8_lossy(&out.stdout).contains(name));
}

#[test]
fn man_out_writes_a_page_per_visible_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    assert!(stdout(&["man", "--out", out.to_str().unwrap()]).is_empty());
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in [
        "betagouv.1",
        "betagouv-report.1",
        "betagouv-portfolio.1",
        "betagouv-portfolio-snapshot.1",
        "betagouv-content-check.1",
        "betagouv-content-upgrade.1",
        "betagouv-budget-check.1",
        "betagouv-impact-compare.1",
        "betagouv-export.1",
        "betagouv-dashboard.1",
        "betagouv-completions.1",
        "betagouv-man.1",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    assert!(
        !names
            .iter()
            .any(|n| n.contains("bench") || n.contains("synthetic") || n.contains("help")),
        "{names:?}"
    );
    let man = betagouv_tests::require_tool("man", &["--version"]);
    for name in &names {
        let page = name.trim_end_matches(".1");
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert_page(&text, page);
        if man {
            man_reads(&out.join(name), page);
        }
    }
}

#[test]
fn man_out_refuses_to_replace_a_page_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let dir_arg = out.to_str().unwrap();
    std::fs::write(out.join("betagouv-report.1"), "mine").unwrap();
    std::fs::write(out.join("other.1"), "not ours").unwrap();
    let o = betagouv().args(["man", "--out", dir_arg]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("betagouv-report.1") && err.contains("already exists"),
        "{err}"
    );
    // Every page is checked before the first is written: nothing was.
    assert!(!out.join("betagouv.1").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("betagouv-report.1")).unwrap(),
        "mine"
    );
    let o = betagouv()
        .args(["man", "--out", dir_arg, "--force"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    assert_page(
        &std::fs::read_to_string(out.join("betagouv-report.1")).unwrap(),
        "betagouv-report",
    );
    assert_eq!(
        std::fs::read_to_string(out.join("other.1")).unwrap(),
        "not ours"
    );
    // --force without --out is a usage error; no temporary is left.
    let o = betagouv().args(["man", "--force"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        std::fs::read_dir(out).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("tmp")),
    );
}
