//! Series: every point equals a single read of its commit (`read_commit` +
//! `Snapshot::compute` + `add_problems`) at its as-of date, in the three views, on
//! small generated repositories (non-monotonic committer dates, empty periods) and
//! on the shared bundle.

use std::path::Path;
use std::process::Command;

use betagouv_content::read::ReadOptions;
use betagouv_history::series::KnownAt;
use betagouv_history::{Every, Point, Repository, Revision, SeriesOptions, View, series};
use betagouv_portfolio::{Snapshot, SnapshotOptions};
use chrono::NaiveDate;

const STARTUP_A: &str = "---\ntitle: A\nmission: M\nincubator: dinum\nphases:\n  - name: construction\n    start: 2016-01-01\n  - name: success\n    start: 2016-03-01\n---\n";
const STARTUP_B: &str =
    "---\ntitle: B\nmission: M\nphases:\n  - name: investigation\n    start: 2016-02-10\n---\n";
const BROKEN: &str = "---\ntitle: [broken\n---\n";
const MEMBER: &str = "---\nfullname: M One\nrole: Dev\nmissions:\n  - start: 2016-01-01\n    end: 2016-06-30\n    startups: [a]\n---\n";

/// One commit: unix time, files put (path, content), files deleted.
pub(crate) type Commit<'a> = (i64, &'a [(&'a str, &'a str)], &'a [&'a str]);

/// A repository at `dir` whose commits (oldest first) are `commits`, built by one
/// `git fast-import`.
pub(crate) fn build(dir: &Path, commits: &[Commit<'_>]) {
    let ok = Command::new("git")
        .args(["-c", "init.defaultBranch=main", "init", "-q", "--bare"])
        .arg(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let mut stream = String::new();
    for (t, put, delete) in commits {
        stream.push_str(&format!(
            "commit refs/heads/main\ncommitter T <t@example.org> {t} +0100\ndata 2\nc\n"
        ));
        for (path, body) in *put {
            stream.push_str(&format!(
                "M 100644 inline {path}\ndata {}\n{body}\n",
                body.len()
            ));
        }
        for path in *delete {
            stream.push_str(&format!("D {path}\n"));
        }
        stream.push('\n');
    }
    betagouv_tests::fast_import(dir, &stream);
}

/// Unix time of a UTC date-time.
pub(crate) fn t(s: &str) -> i64 {
    s.parse::<chrono::DateTime<chrono::Utc>>()
        .unwrap()
        .timestamp()
}

pub(crate) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The point of a single read: `read_commit` of the point's commit, its snapshot at
/// the point's as-of date, with the import's problems.
fn assert_single_read(repo: &Repository, p: &Point) {
    let import = repo
        .read_commit(&p.commit, &ReadOptions::default())
        .unwrap();
    let mut s = Snapshot::compute(&import.portfolio, p.as_of, &SnapshotOptions::default());
    s.add_problems(&import.diagnostics);
    let what = format!("{} as of {} known at {}", p.commit, p.as_of, p.known_at);
    assert_eq!(p.startups, s.startups, "{what}");
    assert_eq!(p.members_active, s.members.active, "{what}");
    assert_eq!(
        (p.incubators, p.sponsors, p.owners),
        (s.incubators, s.sponsors, s.owners),
        "{what}"
    );
    assert_eq!(p.problems, s.problems, "{what}");
    assert_eq!(p.dropped_files, import.summary().dropped_files, "{what}");
}

/// The small history: a wrong clock (the third commit is dated before the second),
/// empty days and months, a broken file, a move across eras.
pub(crate) fn small(dir: &Path) {
    build(
        dir,
        &[
            (
                t("2016-01-05T10:00:00Z"),
                &[("_startup/a.md", STARTUP_A)],
                &[],
            ),
            (
                t("2016-01-20T10:00:00Z"),
                &[("_startup/b.md", STARTUP_B), ("_author/m1.md", MEMBER)],
                &[],
            ),
            (t("2016-01-10T10:00:00Z"), &[("_startup/c.md", BROKEN)], &[]),
            (t("2016-03-31T22:30:00Z"), &[], &["_startup/c.md"]),
            (
                t("2016-06-02T08:00:00Z"),
                &[
                    ("content/_startups/a.md", STARTUP_A),
                    ("content/_authors/m1.md", MEMBER),
                ],
                &["_startup/a.md", "_startup/b.md", "_author/m1.md"],
            ),
        ],
    );
}

#[test]
fn the_three_views_agree_with_single_reads_at_every_point() {
    if !betagouv_tests::require_tool("git", &[]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    small(dir.path());
    let repo = Repository::open(dir.path()).unwrap();
    let views = [View::Live, View::At(d("2016-02-15")), View::Retrospective];
    let head = repo.resolve("HEAD").unwrap();
    for every in Every::ALL {
        for view in views {
            let options = SeriesOptions::default()
                .with_every(every)
                .with_view(view)
                .with_to(d("2016-07-10"));
            let mut calls = 0;
            let s = series(&repo, &options, |done, total| {
                calls += 1;
                assert!(done <= total);
            })
            .unwrap();
            assert_eq!(calls, s.points.len(), "{every} {view}");
            assert_eq!(s.from, d("2016-01-05"));
            assert_eq!(s.truncated_at, None);
            assert!(!s.points.is_empty(), "{every} {view}");
            for p in &s.points {
                assert_single_read(&repo, p);
                match (view, p.known_at) {
                    (View::Retrospective, k) => {
                        assert_eq!(p.commit, head.id);
                        assert_eq!(k, KnownAt::Commit(head.committed_at));
                    }
                    (_, KnownAt::EndOf(date)) => {
                        let known = repo.known_at(date, None).unwrap();
                        assert_eq!(p.commit, known.id, "{every} {view} {date}");
                    }
                    (_, KnownAt::Commit(at)) => assert_eq!(p.committed_at, at),
                }
                if let View::At(at) = view {
                    assert_eq!(p.as_of, at);
                }
            }
        }
    }
}

#[test]
fn empty_periods_repeat_the_previous_commit_and_dropped_files_are_counted() {
    if !betagouv_tests::require_tool("git", &[]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    small(dir.path());
    let repo = Repository::open(dir.path()).unwrap();
    let options = SeriesOptions::default()
        .with_every(Every::Month)
        .with_from(d("2015-11-01"))
        .with_to(d("2016-07-10"));
    let s = series(&repo, &options, |_, _| {}).unwrap();
    // No point for 2015 (before the first commit); the last month is cut at --to.
    let dates: Vec<_> = s.points.iter().map(|p| p.as_of.to_string()).collect();
    assert_eq!(
        dates,
        [
            "2016-01-31",
            "2016-02-29",
            "2016-03-31",
            "2016-04-30",
            "2016-05-31",
            "2016-06-30",
            "2016-07-10"
        ]
    );
    // January and February: the newest commit of the chain before their ends (the
    // third, dated 2016-01-10 though committed after the second) has the broken file.
    assert_eq!(s.points[0].commit, s.points[1].commit);
    assert_eq!(s.points[0].dropped_files, 1);
    // 2016-03-31T22:30Z is 2016-04-01 in Paris: April's commit, not March's.
    assert_eq!(s.points[2].commit, s.points[1].commit);
    assert_ne!(s.points[3].commit, s.points[2].commit);
    assert_eq!(s.points[3].dropped_files, 0);
    assert_eq!(s.points[4].commit, s.points[3].commit);
    // Every commit: five points in chain order, dates as committed.
    let all = series(&repo, &options.clone().with_every(Every::Commit), |_, _| {}).unwrap();
    let dates: Vec<_> = all.points.iter().map(|p| p.as_of.to_string()).collect();
    assert_eq!(
        dates,
        [
            "2016-01-05",
            "2016-01-20",
            "2016-01-10",
            "2016-04-01",
            "2016-06-02"
        ]
    );
    assert_eq!(all.points.iter().filter(|p| p.dropped_files > 0).count(), 1);
}

#[test]
fn a_shallow_clone_says_where_history_stops() {
    if !betagouv_tests::require_tool("git", &[]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin.git");
    small(&origin);
    let shallow = dir.path().join("shallow.git");
    let ok = Command::new("git")
        .args(["clone", "-q", "--bare", "--depth", "2"])
        .arg(format!("file://{}", origin.display()))
        .arg(&shallow)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let repo = Repository::open(&shallow).unwrap();
    let options = SeriesOptions::default()
        .with_every(Every::Month)
        .with_from(d("2016-01-01"));
    let s = series(&repo, &options, |_, _| {}).unwrap();
    let oldest = repo
        .first_parent_chain(&repo.resolve("HEAD").unwrap().id)
        .unwrap();
    assert_eq!(s.truncated_at, oldest.truncated_at);
    assert!(s.truncated_at.is_some());
    // The two commits known: from April (2016-04-01 in Paris) on.
    assert_eq!(s.points.first().map(|p| p.as_of), Some(d("2016-04-30")));
    for p in &s.points {
        assert_single_read(&repo, p);
    }
}

#[test]
fn bundle_yearly_points_agree_with_single_reads() {
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    // Debug builds: the first eras only (a few hundred commits).
    let options = SeriesOptions::default()
        .with_every(Every::Year)
        .with_to(d("2018-06-30"));
    let s = series(&repo, &options, |_, _| {}).unwrap();
    let dates: Vec<_> = s.points.iter().map(|p| p.as_of.to_string()).collect();
    assert_eq!(
        dates,
        ["2015-12-31", "2016-12-31", "2017-12-31", "2018-06-30"]
    );
    for p in &s.points {
        assert_single_read(&repo, p);
    }
    // The last of 2016 is the README's reference commit.
    assert_eq!(
        s.points[1].commit.to_string(),
        "56e715003096ddc0a0cdd105113bf7b32af37527"
    );
}

#[test]
fn bundle_the_end_of_2016_as_known_when_the_report_was_written_and_today() {
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    let at = View::At(d("2016-12-31"));
    let options = SeriesOptions::default()
        .with_every(Every::Day)
        .with_view(at)
        .with_from(d("2017-04-20"))
        .with_to(d("2017-04-20"));
    let s = series(&repo, &options, |_, _| {}).unwrap();
    assert_eq!(s.points.len(), 1);
    let p = &s.points[0];
    assert_eq!(
        p.commit.to_string(),
        "02f4af2af73c02a467d6545b9d0ccdc2d9f74711"
    );
    assert_eq!(
        (
            p.startups.total,
            p.startups.taken_over,
            p.startups.in_handover
        ),
        (33, 8, 3)
    );
    assert_single_read(&repo, p);
    // Today's reading of the same date: knowledge fixed at HEAD.
    let retro = SeriesOptions::default()
        .with_every(Every::Year)
        .with_view(View::Retrospective)
        .with_start(Revision::Rev("HEAD".into()))
        .with_from(d("2016-12-31"))
        .with_to(d("2016-12-31"));
    let s = series(&repo, &retro, |_, _| {}).unwrap();
    assert_eq!(s.points.len(), 1);
    let p = &s.points[0];
    assert_eq!(
        p.commit.to_string(),
        "83370e47b81eb9bd17a4521e778598f2e7ed0ac7"
    );
    assert_single_read(&repo, p);
    assert_eq!(
        (
            p.startups.by_stage.incubating,
            p.startups.taken_over,
            p.startups.in_handover
        ),
        (27, 1, 0)
    );
}
