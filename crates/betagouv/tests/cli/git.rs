//! `--git REPO [--rev REV | --known-at DATE]`: the records of a commit, read from the
//! repository's objects, in `portfolio snapshot`, `content check`, `report` and
//! `export`. Small repositories built here with the `git` command (skipped without
//! it), and the shared history bundle (skipped without it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::{betagouv, contract, json};

/// Runs `git` in `dir` with a fixed identity and `date` as author and committer date.
fn git(dir: &Path, args: &[&str], date: &str) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A start-up file in the current layout, in construction since 2024-01-01.
fn startup(title: &str) -> String {
    format!(
        "---\ntitle: {title}\nmission: m\nincubator: dinum\ncontact: a@b.fr\nphases:\n  - name: construction\n    start: 2024-01-01\n---\n"
    )
}

/// A small repository built for a test: its folder, and its path as text.
struct Tiny {
    _dir: tempfile::TempDir,
    repo: String,
}

impl Tiny {
    /// The full id of `rev`.
    fn rev(&self, rev: &str) -> String {
        git(Path::new(&self.repo), &["rev-parse", rev], "")
    }
}

/// A work tree with three commits on `main`: start-up `a` (2024-03-01 in Paris), then
/// `b` (2024-06-01 22:30 UTC: 2024-06-02 in Paris), then a file `c.md` without front
/// matter (2024-07-01), which gives no record. `None` without `git`.
fn tiny_repo() -> Option<Tiny> {
    if !betagouv_tests::require_tool("git", &[]) {
        return None;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let s = dir.join("content/_startups");
    std::fs::create_dir_all(&s).unwrap();
    git(dir, &["init", "-q"], "2024-03-01T12:00:00+01:00");
    for (name, text, date) in [
        ("a.md", startup("A"), "2024-03-01T12:00:00+01:00"),
        ("b.md", startup("B"), "2024-06-01T22:30:00+00:00"),
        (
            "c.md",
            "no front matter\n".to_owned(),
            "2024-07-01T12:00:00+02:00",
        ),
    ] {
        std::fs::write(s.join(name), text).unwrap();
        git(dir, &["add", "."], date);
        git(dir, &["commit", "-q", "-m", name], date);
    }
    Some(Tiny {
        repo: path(t.path()).to_owned(),
        _dir: t,
    })
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn run(args: &[&str]) -> Output {
    betagouv().args(args).output().expect("runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn rev_head_and_its_parents_give_their_own_records_and_dates() {
    let Some(t) = tiny_repo() else {
        return;
    };
    let repo = t.repo.as_str();
    for (rev, total, as_of) in [("HEAD~2", 1, "2024-03-01"), ("HEAD~1", 2, "2024-06-02")] {
        let v = contract(
            &[
                "portfolio",
                "snapshot",
                "--git",
                repo,
                "--rev",
                rev,
                "--json",
            ],
            3,
        );
        assert_eq!(v["startups"]["total"], total, "{rev}");
        // Without --at, the commit's own date in Europe/Paris.
        assert_eq!(v["as_of"], as_of, "{rev}");
        assert_eq!(v["source"]["commit"], t.rev(rev));
        assert!(v["source"].get("known_at").is_none());
        // `source` comes last: the snapshot's own keys keep their order.
        let text = super::stdout(&[
            "portfolio",
            "snapshot",
            "--git",
            repo,
            "--rev",
            rev,
            "--json",
        ]);
        let (before, after) = text.split_once("\n  \"source\": {").expect("a source");
        assert!(before.contains("\n  \"problems\": {"), "{text}");
        assert!(!after.contains("\n  \""), "no key after source: {text}");
    }
    let v = contract(
        &[
            "portfolio",
            "snapshot",
            "--git",
            repo,
            "--rev",
            "HEAD~1",
            "--at",
            "2023-12-31",
            "--json",
        ],
        3,
    );
    assert_eq!(v["as_of"], "2023-12-31");
    assert_eq!(v["startups"]["by_stage"]["not_started"], 2);
    assert_eq!(v["source"]["committed_at"], "2024-06-01T22:30:00+00:00");
}

#[test]
fn known_at_takes_the_last_commit_of_the_paris_day() {
    let Some(t) = tiny_repo() else {
        return;
    };
    let repo = t.repo.as_str();
    // `b` was committed at 00:30 on 2024-06-02 in Paris: not known at 2024-06-01.
    for (date, rev, total) in [("2024-06-01", "HEAD~2", 1), ("2024-06-02", "HEAD~1", 2)] {
        let v = contract(
            &[
                "portfolio",
                "snapshot",
                "--git",
                repo,
                "--known-at",
                date,
                "--json",
            ],
            3,
        );
        assert_eq!(v["startups"]["total"], total, "{date}");
        assert_eq!(v["as_of"], date, "the known-at date is the default as-of");
        assert_eq!(v["source"]["known_at"], date);
        assert_eq!(v["source"]["commit"], t.rev(rev));
    }
}

#[test]
fn a_commit_with_a_dropped_file_stops_unless_allowed() {
    let Some(t) = tiny_repo() else {
        return;
    };
    let repo = t.repo.as_str();
    let short = &t.rev("HEAD")[..12];
    let out = run(&["portfolio", "snapshot", "--git", repo, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains(&format!("{repo}@{short}")), "{err}");
    assert!(
        err.contains(&format!("{short}:content/_startups/c.md"))
            && err.contains("missing-front-matter"),
        "{err}"
    );
    let out = run(&[
        "portfolio",
        "snapshot",
        "--git",
        repo,
        "--json",
        "--allow-errors",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["startups"]["total"], 2);
    assert_eq!(v["problems"]["errors"], 1);
    // The table names the commit too.
    let out = run(&["portfolio", "snapshot", "--git", repo, "--rev", "HEAD~1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let full = t.rev("HEAD~1");
    assert!(
        text.contains(&format!(
            "source: {repo}@{}, commit {full} of 2024-06-01T22:30:00+00:00",
            &full[..12]
        )),
        "{text}"
    );
}

#[test]
fn content_check_reads_the_commit() {
    let Some(t) = tiny_repo() else {
        return;
    };
    let repo = t.repo.as_str();
    let head = t.rev("HEAD");
    let out = run(&["content", "check", "--git", repo, "--json"]);
    assert_eq!(out.status.code(), Some(1), "errors left: {out:?}");
    let v = super::versioned(&out.stdout, 3);
    assert_eq!(v["source"]["commit"], head.as_str());
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&format!("{}:content/_startups/c.md", &head[..12]).as_str()),
        "{files:?}"
    );
    // The parent is clean; the text output names the commit.
    let out = run(&["content", "check", "--git", repo, "--rev", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("0 errors") && text.contains("source: "),
        "{text}"
    );
}

#[test]
fn report_and_export_read_the_commit() {
    let Some(t) = tiny_repo() else {
        return;
    };
    let repo = t.repo.as_str();
    let parent = t.rev("HEAD~1");
    // Without --at or --year, the commit's own date.
    let v = json(&["report", "--git", repo, "--rev", "HEAD~1", "--json"]);
    assert_eq!(v["year"], 2024);
    assert_eq!(v["as_of"], "2024-06-02");
    let text = serde_json::to_string(&v["sources"]).unwrap();
    assert!(text.contains(&format!("@{}", &parent[..12])), "{text}");
    let v = json(&[
        "report", "--git", repo, "--rev", "HEAD~1", "--year", "2024", "--json",
    ]);
    assert_eq!(v["as_of"], "2024-12-31");
    // Each format that carries metadata records the commit as its source revision.
    let out = tempfile::tempdir().unwrap();
    let export = |format: &str, name: &str| -> PathBuf {
        let dest = out.path().join(name);
        let o = run(&[
            "export",
            "--git",
            repo,
            "--rev",
            "HEAD~1",
            "--format",
            format,
            "--out",
            path(&dest),
        ]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        dest
    };
    let doc: Value = serde_json::from_slice(
        &std::fs::read(export("json", "json").join("portfolio.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(doc["meta"]["source_revision"], parent.as_str());
    assert_eq!(doc["meta"]["as_of"], "2024-06-02");
    assert_eq!(doc["meta"]["source"], format!("{repo}@{}", &parent[..12]));
    let package: Value = serde_json::from_slice(
        &std::fs::read(export("csv", "csv").join("datapackage.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(package["sources"][0]["version"], parent.as_str());
    let db = rusqlite::Connection::open(export("sqlite", "p.db")).unwrap();
    let rev: String = db
        .query_row(
            "SELECT value FROM meta WHERE key = 'source_revision'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rev, parent);
    // The commit is the source revision: another one cannot be given.
    let o = run(&[
        "export",
        "--git",
        repo,
        "--source-revision",
        "abc",
        "--format",
        "json",
        "--out",
        path(&out.path().join("x")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
}

#[test]
fn bad_git_sources_are_usage_errors_naming_the_problem() {
    let not_a_repo = tempfile::tempdir().unwrap();
    let out = run(&["portfolio", "snapshot", "--git", path(not_a_repo.path())]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        stderr(&out).contains("not a git repository"),
        "{}",
        stderr(&out)
    );
    // Flags that go together, and the ones that do not.
    for args in [
        &["portfolio", "snapshot", "--rev", "HEAD"][..],
        &["portfolio", "snapshot", "--known-at", "2024-01-01"],
        &[
            "portfolio",
            "snapshot",
            "--git",
            ".",
            "--rev",
            "HEAD",
            "--known-at",
            "2024-01-01",
        ],
        &["portfolio", "snapshot", "--git", ".", "--content", "."],
        &[
            "export",
            "--git",
            ".",
            "--content",
            ".",
            "--format",
            "json",
            "--out",
            "x",
        ],
        &["report", "--git", ".", "--content", "."],
        &["content", "check", ".", "--git", "."],
        &["content", "check", "--list-rules", "--git", "."],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(
            stderr(&out).contains("cannot be used with") || stderr(&out).contains("required"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let Some(t) = tiny_repo() else {
        return;
    };
    let repo = t.repo.as_str();
    for (args, names) in [
        (&["--rev", "no-such-rev"][..], "no-such-rev"),
        (&["--known-at", "2010-01-01"], "2010-01-01"),
    ] {
        for command in [
            &["portfolio", "snapshot"][..],
            &["content", "check"],
            &["report"],
        ] {
            let out = betagouv()
                .args(command)
                .args(["--git", repo])
                .args(args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{command:?} {args:?}: {out:?}");
            assert!(stderr(&out).contains(names), "{}", stderr(&out));
            assert!(!stderr(&out).contains("panicked"));
        }
    }
}

// ---- The shared history bundle.

/// Reference commits of the bundle's README, one or two per era, with an as-of date.
const POINTS: [(&str, &str); 7] = [
    ("51676b37c15a79dd85b5e02f8a1e2781ab494abb", "2015-12-31"),
    ("e4c127bd5527fab22ba8f272086e86653ae4007e", "2016-06-30"),
    ("56e715003096ddc0a0cdd105113bf7b32af37527", "2016-12-31"),
    ("02f4af2af73c02a467d6545b9d0ccdc2d9f74711", "2016-12-31"),
    ("50343f80cf275b8ff52a70bc6e04fe00e3235379", "2018-03-31"),
    ("e8a8a0216b506809061264a18afcfb3d5203f6d6", "2022-03-31"),
    ("83370e47b81eb9bd17a4521e778598f2e7ed0ac7", "2026-06-30"),
];

/// The bundle's clone, when the shared data, `git` and `tar` are there.
fn bundle() -> Option<&'static Path> {
    let repo = betagouv_tests::history_repo()?;
    betagouv_tests::require_tool("tar", &[]).then_some(repo)
}

/// The tree of `commit` unpacked into a new temporary folder.
fn unpack(repo: &Path, commit: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    betagouv_tests::unpack_commit(repo, commit, dir.path());
    dir
}

/// The committer date of `commit`, strict ISO 8601 with its offset.
fn committed_at(repo: &Path, commit: &str) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(repo)
        .args(["show", "-s", "--format=%cI", commit])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn a_commit_gives_the_snapshot_of_its_unpacked_tree_in_every_era() {
    let Some(repo) = bundle() else {
        return;
    };
    for (commit, at) in POINTS {
        let tree = unpack(repo, commit);
        let snapshot = |source: &[&str]| {
            let args = [
                &[
                    "portfolio",
                    "snapshot",
                    "--at",
                    at,
                    "--json",
                    "--allow-errors",
                ][..],
                source,
            ]
            .concat();
            contract(&args, 3)
        };
        let mut git = snapshot(&["--git", path(repo), "--rev", &commit[..12]]);
        let folder = snapshot(&["--content", path(tree.path())]);
        let source = git
            .as_object_mut()
            .unwrap()
            .remove("source")
            .expect("a source");
        assert_eq!(git, folder, "{commit}");
        assert_eq!(source["commit"], commit);
        assert_eq!(
            source["committed_at"],
            committed_at(repo, commit),
            "{commit}"
        );
        assert!(git["startups"]["total"].as_u64().unwrap() > 0, "{commit}");
    }
}

#[test]
fn known_at_2017_04_20_gives_the_figures_of_the_2016_report() {
    let Some(repo) = bundle() else {
        return;
    };
    let v = contract(
        &[
            "portfolio",
            "snapshot",
            "--git",
            path(repo),
            "--known-at",
            "2017-04-20",
            "--at",
            "2016-12-31",
            "--json",
        ],
        3,
    );
    assert_eq!(v["startups"]["total"], 33);
    assert_eq!(v["startups"]["taken_over"], 8);
    assert_eq!(v["startups"]["in_handover"], 3);
    assert_eq!(
        v["source"]["commit"],
        "02f4af2af73c02a467d6545b9d0ccdc2d9f74711"
    );
    assert_eq!(v["source"]["known_at"], "2017-04-20");
    let out = run(&[
        "portfolio",
        "snapshot",
        "--git",
        path(repo),
        "--known-at",
        "2010-01-01",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).contains("2010-01-01"), "{}", stderr(&out));
}

/// A `content check --json` as comparable rows: the rule, the file under the root
/// (`root` taken off), position, severity and message (the root replaced).
fn check_rows(v: &Value, root: &str) -> Vec<String> {
    let mut rows: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            format!(
                "{} {} {}:{}:{} {}",
                d["severity"],
                d["rule"],
                file.strip_prefix(root).unwrap_or(file),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap().replace(root, "<root>")
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn content_check_of_a_commit_is_the_check_of_its_unpacked_tree() {
    let Some(repo) = bundle() else {
        return;
    };
    for commit in [POINTS[3].0, POINTS[4].0] {
        let tree = unpack(repo, commit);
        let git = run(&[
            "content",
            "check",
            "--git",
            path(repo),
            "--rev",
            commit,
            "--json",
        ]);
        let folder = run(&["content", "check", path(tree.path()), "--json"]);
        assert_eq!(git.status.code(), folder.status.code(), "{commit}");
        let git = super::versioned(&git.stdout, 3);
        let folder = super::versioned(&folder.stdout, 3);
        assert_eq!(git["errors"], folder["errors"], "{commit}");
        assert_eq!(git["warnings"], folder["warnings"], "{commit}");
        assert!(
            git["errors"].as_u64().unwrap() > 0,
            "the 2017 schema finds errors"
        );
        let root = format!("{}/", tree.path().display());
        assert_eq!(
            check_rows(&git, &format!("{}:", &commit[..12])),
            check_rows(&folder, &root),
            "{commit}"
        );
        assert_eq!(git["source"]["commit"], commit);
    }
}

#[test]
fn export_of_a_bundle_commit_records_it() {
    let Some(repo) = bundle() else {
        return;
    };
    let commit = POINTS[2].0;
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("json");
    let o = run(&[
        "export",
        "--git",
        path(repo),
        "--rev",
        &commit[..12],
        "--format",
        "json",
        "--out",
        path(&dest),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value =
        serde_json::from_slice(&std::fs::read(dest.join("portfolio.json")).unwrap()).unwrap();
    assert_eq!(doc["meta"]["source_revision"], commit);
    // The commit's own Paris date (2016-12-22) is the default as-of date.
    assert_eq!(doc["meta"]["as_of"], "2016-12-22");
    assert_eq!(
        doc["portfolio"]["startups"].as_array().map(Vec::len),
        Some(27)
    );
}
