//! `betagouv report`: the project's main job, on the built-in 2016 dataset.

use assert_cmd::Command;

use super::betagouv;

fn report(args: &[&str]) -> String {
    let out = betagouv().arg("report").args(args).output().expect("runs");
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

/// `--json` is `--format json` on standard output: the same bytes; with `--out` or
/// another `--format`, a usage error.
#[test]
fn json_flag_is_format_json_on_standard_output() {
    assert_eq!(
        report(&["--json", "--lang", "en"]),
        report(&["--format", "json", "--lang", "en"])
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("r.json");
    for extra in [
        vec!["--out", out.to_str().expect("utf-8")],
        vec!["--format", "html"],
    ] {
        let o = betagouv()
            .args(["report", "--json"])
            .args(&extra)
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        assert!(o.stdout.is_empty());
    }
    assert!(!out.exists());
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
    let out = betagouv()
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

// ---- Output policy (issue 10, class 3): `report --out`.

fn betagouv_report() -> Command {
    let mut c = betagouv();
    c.arg("report");
    c
}

#[test]
fn report_out_never_overwrites_its_budget_file() {
    let dir = tempfile::tempdir().unwrap();
    let budget = dir.path().join("X.toml");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../betagouv-funding/data/builtin-2016.toml"),
        &budget,
    )
    .unwrap();
    let before = std::fs::read(&budget).unwrap();
    for force in [false, true] {
        let mut cmd = betagouv_report();
        cmd.arg("--budget").arg(&budget).arg("--out").arg(&budget);
        if force {
            cmd.arg("--force");
        }
        let o = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "refusing to write {0}: it is the input {0}",
                budget.display()
            )),
            "{stderr}"
        );
        assert_eq!(std::fs::read(&budget).unwrap(), before);
    }
}

#[test]
fn report_out_needs_force_and_names_a_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.html");
    std::fs::write(&out, "mine").unwrap();
    let o = betagouv_report()
        .args(["--format", "html", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists (use --force"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    let o = betagouv_report()
        .args(["--format", "html", "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(&out).unwrap().contains("<html"));
    let deep = dir.path().join("x/y/z.html");
    let o = betagouv_report().arg("--out").arg(&deep).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!(
            "no such folder: {} (parent of the output {})",
            dir.path().join("x/y").display(),
            deep.display()
        )),
        "{stderr}"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["r.html"], "no temporary left");
}

/// Class 5: a date of figures outside the report's year would title one year's figures
/// as another's: refused with status 2, naming both flags.
#[test]
fn at_outside_the_year_is_refused() {
    let out = betagouv()
        .args(["report", "--year", "2015", "--at", "2016-12-31"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--at 2016-12-31") && err.contains("--year 2015"),
        "{err}"
    );
    let out = betagouv()
        .args([
            "report",
            "--year",
            "2016",
            "--at",
            "2016-06-30",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
