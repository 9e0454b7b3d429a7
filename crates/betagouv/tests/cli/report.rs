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

/// Standard output or standard error on `/dev/null` opened read-write (Python's
/// `subprocess.DEVNULL`, systemd's `StandardOutput=null`), or closed (`>&-`, which the
/// Rust runtime reopens on `/dev/null`): the command runs and its output is discarded,
/// as with `> /dev/null`.
#[cfg(unix)]
#[test]
fn null_or_closed_standard_streams_run_and_discard_the_output() {
    let bin = assert_cmd::cargo::cargo_bin("betagouv");
    for redirect in [
        "1<>/dev/null",
        "2<>/dev/null",
        "1<>/dev/null 2<>/dev/null",
        ">&-",
        "2>&-",
    ] {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" portfolio snapshot --json {redirect}"))
            .arg(&bin)
            .output()
            .expect("runs sh");
        assert_eq!(out.status.code(), Some(0), "{redirect}: {out:?}");
        if redirect.starts_with('1') || redirect.starts_with(">&") {
            assert!(out.stdout.is_empty(), "{redirect}: {out:?}");
        } else {
            assert!(out.stdout.starts_with(b"{"), "{redirect}: {out:?}");
        }
    }
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

/// A bare repository built by `git fast-import`: one commit per state, each a list of
/// `_startup/` files (name, status) at a Paris time.
fn git_repo(dir: &std::path::Path, states: &[(&str, Vec<(String, &str)>)]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "init.defaultBranch=main", "init", "-q", "--bare"])
        .arg(dir)
        .status()
        .expect("git runs")
        .success();
    assert!(ok);
    let mut stream = String::new();
    for (time, files) in states {
        let t = chrono::DateTime::parse_from_rfc3339(time)
            .expect("a time")
            .timestamp();
        stream.push_str(&format!(
            "commit refs/heads/main\ncommitter T <t@example.org> {t} +0200\ndata 2\nc\ndeleteall\n"
        ));
        for (name, status) in files {
            let body = format!("---\ntitle: {name}\nstatus: {status}\nstart: 2016-01-01\n---\n");
            stream.push_str(&format!(
                "M 100644 inline _startup/{name}.md\ndata {}\n{body}\n",
                body.len()
            ));
        }
        stream.push('\n');
    }
    betagouv_tests::fast_import(dir, &stream);
}

/// `n` start-ups: `success` taken over, `passation` in hand-over, the rest building.
fn startups(n: usize, taken_over: usize, in_handover: usize) -> Vec<(String, &'static str)> {
    (0..n)
        .map(|i| {
            let status = if i < taken_over {
                "success"
            } else if i < taken_over + in_handover {
                "passation"
            } else {
                "construction"
            };
            (format!("s{i:02}"), status)
        })
        .collect()
}

/// The 2016 claims against a small history: 30 services, then the published 33 / 8 / 3
/// (2017-04-10), 31 (2017-05-01), 33 again (2017-06-01, HEAD).
#[test]
fn git_checks_the_claims_as_known_at_the_publication_date() {
    if !betagouv_tests::require_tool("git", &[]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path().join("h.git");
    git_repo(
        &repo,
        &[
            ("2017-01-10T12:00:00+02:00", startups(30, 1, 1)),
            ("2017-04-10T12:00:00+02:00", startups(33, 8, 3)),
            ("2017-05-01T12:00:00+02:00", startups(31, 8, 3)),
            ("2017-06-01T12:00:00+02:00", startups(33, 8, 3)),
        ],
    );
    let repo_s = repo.to_str().expect("utf-8");
    let v: serde_json::Value = serde_json::from_str(&report(&[
        "--git", repo_s, "--year", "2016", "--json", "--lang", "en",
    ]))
    .expect("json");
    assert_eq!(v["schema_version"], 3);
    let h = &v["history"];
    assert_eq!(
        (h["published_at"].as_str(), h["as_of"].as_str()),
        (Some("2017-04-26"), Some("2016-12-31"))
    );
    assert_eq!(h["commits"], 4);
    let claim = |key: &str| {
        h["claims"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["claim"] == key))
            .cloned()
            .unwrap_or_default()
    };
    let services = claim("services");
    assert_eq!(services["at_publication"]["value"], 33);
    assert_eq!(services["verdict_at_publication"], "matches");
    let equal = services["equal"].as_array().expect("intervals");
    assert_eq!(equal.len(), 2, "{services}");
    assert_eq!(equal[0]["from"], "2017-04-10T12:00:00+02:00");
    assert_eq!(equal[0]["to"], "2017-05-01T12:00:00+02:00");
    assert!(equal[1]["to"].is_null());
    let series: Vec<i64> = services["series"]
        .as_array()
        .expect("series")
        .iter()
        .filter_map(|p| p["value"].as_i64())
        .collect();
    assert_eq!(series, [30, 33, 31, 33]);
    assert_eq!(claim("taken_over")["verdict_at_publication"], "matches");
    assert_eq!(
        claim("in_handover")["equal"].as_array().map(Vec::len),
        Some(1)
    );
    // No member file: people is 0, never the published 54.
    assert_eq!(claim("people")["verdict_at_publication"], "differs");
    assert_eq!(claim("people")["equal"].as_array().map(Vec::len), Some(0));
    // The first verdict (today, HEAD) stays: services 33 matches, people differs.
    let today = |key: &str| {
        v["claims"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["claim"] == key))
            .map(|c| c["verdict"].clone())
    };
    assert_eq!(today("services"), Some("matches".into()));
    assert_eq!(today("people"), Some("differs".into()));
    // Known before the first commit: nothing known, not computable.
    let early: serde_json::Value = serde_json::from_str(&report(&[
        "--git",
        repo_s,
        "--year",
        "2016",
        "--published-at",
        "2016-06-01",
        "--json",
    ]))
    .expect("json");
    let s = &early["history"]["claims"][1];
    assert!(s["at_publication"].is_null());
    assert_eq!(s["verdict_at_publication"], "not_computable");
    // HTML: a chart for each claim that differs today, none for the others.
    let html = report(&["--git", repo_s, "--year", "2016", "--format", "html"]);
    assert!(html.contains("id=\"c-history-people\""));
    assert!(!html.contains("id=\"c-history-services\""));
    let text = report(&["--git", repo_s, "--year", "2016", "--lang", "en"]);
    assert!(text.contains("The published figures in the repository's history"));
    assert!(text.contains("2017-04-10 12:00 → 2017-05-01 12:00"));
}

#[test]
fn published_at_needs_git_and_git_excludes_content() {
    let o = betagouv()
        .args(["report", "--published-at", "2017-04-20"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let o = betagouv()
        .args([
            "report",
            "--git",
            ".",
            "--content",
            ".",
            "--at",
            "2016-12-31",
        ])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "{o:?}");
}

/// The shared history up to its last 2017 commit: the 2016 report's services, taken
/// over and hand-over figures are those known at 2017-04-20 and at the publication
/// (2017-04-26), as of 2016-12-31.
#[test]
fn git_reproduces_the_2016_figures_on_the_shared_history() {
    let Some(shared) = betagouv_tests::history_repo() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path().join("h.git");
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .args(args)
            .output()
            .expect("git runs");
        assert!(o.status.success(), "{o:?}");
        String::from_utf8(o.stdout).expect("utf-8")
    };
    let repo_s = repo.to_str().expect("utf-8");
    git(&[
        "clone",
        "-q",
        "--bare",
        shared.to_str().expect("utf-8"),
        repo_s,
    ]);
    // HEAD at the last commit of 2017 (a debug build walks 493 commits quickly).
    let last_2017 = git(&[
        "--git-dir",
        repo_s,
        "rev-list",
        "-1",
        "--first-parent",
        "--before=2018-01-01T00:00:00+01:00",
        "main",
    ]);
    git(&[
        "--git-dir",
        repo_s,
        "update-ref",
        "refs/heads/main",
        last_2017.trim(),
    ]);
    for (published_at, commit) in [
        ("2017-04-20", "02f4af2af73c02a467d6545b9d0ccdc2d9f74711"),
        ("2017-04-26", "fba169cef074"),
    ] {
        let v: serde_json::Value = serde_json::from_str(&report(&[
            "--git",
            repo_s,
            "--year",
            "2016",
            "--published-at",
            published_at,
            "--allow-errors",
            "--json",
        ]))
        .expect("json");
        let h = &v["history"];
        assert!(
            h["publication_commit"]
                .as_str()
                .is_some_and(|c| c.starts_with(commit)),
            "{published_at}: {}",
            h["publication_commit"]
        );
        for (key, value) in [("services", 33), ("taken_over", 8), ("in_handover", 3)] {
            let c = h["claims"]
                .as_array()
                .and_then(|a| a.iter().find(|c| c["claim"] == key))
                .expect("followed");
            assert_eq!(
                c["at_publication"]["value"], value,
                "{key} at {published_at}"
            );
            assert_eq!(c["verdict_at_publication"], "matches", "{key}");
            // The publication falls in one of the equal intervals.
            let time = |v: &serde_json::Value| {
                v.as_str()
                    .map(|s| chrono::DateTime::parse_from_rfc3339(s).expect("a time"))
            };
            let at = time(&c["at_publication"]["known_at"]).expect("known at");
            let inside = c["equal"].as_array().expect("intervals").iter().any(|i| {
                time(&i["from"]).is_some_and(|from| from <= at)
                    && time(&i["to"]).is_none_or(|to| at < to)
            });
            assert!(inside, "{key}: {c}");
        }
    }
}
