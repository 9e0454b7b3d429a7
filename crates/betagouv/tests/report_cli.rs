//! `betagouv report`: the project's main job, on the built-in 2016 dataset.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use assert_cmd::Command;

fn report(args: &[&str]) -> String {
    let out = Command::cargo_bin("betagouv")
        .expect("binary")
        .arg("report")
        .args(args)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn default_is_the_2016_report_in_french_text_without_colour() {
    let text = report(&[]);
    assert!(text.starts_with("Rapport d'activité 2016\n"));
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    assert!(text.contains("Vérification des chiffres publiés"));
    assert!(text.contains("2\u{a0}084\u{a0}035\u{a0}€"));
}

#[test]
fn json_claims_contract() {
    let v: serde_json::Value =
        serde_json::from_str(&report(&["--format", "json", "--lang", "en"])).expect("json");
    let verdict = |key: &str| {
        v["claims"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["claim"] == key))
            .map(|c| {
                (
                    c["published"].as_str().unwrap_or_default().to_owned(),
                    c["computed"].as_str().unwrap_or_default().to_owned(),
                    c["verdict"].as_str().unwrap_or_default().to_owned(),
                )
            })
    };
    let expect = |p: &str, c: &str, v: &str| Some((p.to_owned(), c.to_owned(), v.to_owned()));
    assert_eq!(verdict("services"), expect("33", "27", "differs"));
    assert_eq!(verdict("taken_over"), expect("8", "1", "differs"));
    assert_eq!(verdict("in_handover"), expect("3", "1", "differs"));
    assert_eq!(verdict("people"), expect("54", "27", "differs"));
    assert_eq!(verdict("partners"), expect("15", "14", "differs"));
    assert_eq!(verdict("lbb_points"), expect("+2", "+2.1", "matches"));
    assert_eq!(verdict("lbb_relative"), expect("+12", "+10.5", "differs"));
    assert_eq!(
        verdict("budget_total"),
        expect("2084035", "2084035", "consistent")
    );
}

#[test]
fn html_and_markdown_to_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (format, name, start) in [
        ("html", "r.html", "<!DOCTYPE html>"),
        ("markdown", "r.md", "# Annual report 2016"),
    ] {
        let path = dir.path().join(name);
        let stdout = report(&[
            "--format",
            format,
            "--lang",
            "en",
            "--out",
            path.to_str().expect("utf-8"),
        ]);
        assert!(stdout.is_empty());
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(text.starts_with(start), "{format}");
    }
}

#[test]
fn missing_content_folder_is_a_usage_error() {
    let out = Command::cargo_bin("betagouv")
        .expect("binary")
        .args(["report", "--content", "/nonexistent", "--at", "2025-01-01"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
}

/// The output helper: a reader that goes away ends the command silently with 0.
#[test]
fn broken_pipe_is_a_silent_success() {
    let bin = assert_cmd::cargo::cargo_bin("betagouv");
    let mut child = std::process::Command::new(bin)
        .args(["report", "--format", "html"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    // Close the read end before the report is written: its first write fails (EPIPE).
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("waits");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A full device is an error that names standard output, with status 2, not a panic.
#[cfg(target_os = "linux")]
#[test]
fn full_device_exits_2_naming_standard_output() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists on Linux");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("betagouv"))
        .arg("report")
        .stdout(full)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot write to standard output"),
        "{stderr}"
    );
}

/// A closed standard output (`>&-`) is refused at start-up with status 2.
#[cfg(unix)]
#[test]
fn closed_standard_output_exits_2() {
    let bin = assert_cmd::cargo::cargo_bin("betagouv");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" report >&-")
        .arg(bin)
        .output()
        .expect("runs sh");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("standard output is closed"),
        "{out:?}"
    );
}
