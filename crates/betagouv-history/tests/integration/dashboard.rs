//! Dashboard series: every point equals a single read of its commit (`read_commit` +
//! `Dashboard::compute`) at its as-of date, with the dates and commits of the
//! snapshot series, on the small generated repository of `series.rs` (a broken file,
//! a wrong clock, a move across eras) and on the shared bundle.

use betagouv_content::read::ReadOptions;
use betagouv_history::{
    DashboardPoint, Every, Repository, SeriesOptions, View, dashboard_series, series,
};
use betagouv_portfolio::{ActiveRule, Dashboard, DashboardOptions};

use super::series::{d, small};

/// The point of a single read: `read_commit` of the point's commit and its dashboard
/// at the point's as-of date.
fn assert_single_read(repo: &Repository, p: &DashboardPoint, options: &DashboardOptions) {
    let import = repo
        .read_commit(&p.commit, &ReadOptions::default())
        .unwrap();
    let expected = Dashboard::compute(&import.portfolio, p.as_of, options);
    let what = format!("{} as of {} known at {}", p.commit, p.as_of, p.known_at);
    assert_eq!(p.dashboard, expected, "{what}");
    assert_eq!(p.dashboard.as_of, p.as_of, "{what}");
    assert_eq!(p.dropped_files, import.summary().dropped_files, "{what}");
}

/// The small history of `series.rs` in a temporary folder (kept while it lives);
/// `None` without `git`.
fn small_repo() -> Option<(tempfile::TempDir, Repository)> {
    if !betagouv_tests::require_tool("git", &[]) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    small(dir.path());
    let repo = Repository::open(dir.path()).unwrap();
    Some((dir, repo))
}

#[test]
fn every_point_agrees_with_a_single_read_and_with_the_snapshot_series() {
    let Some((_dir, repo)) = small_repo() else {
        return;
    };
    let views = [View::Live, View::At(d("2016-02-15")), View::Retrospective];
    let site = DashboardOptions::default();
    for every in Every::ALL {
        for view in views {
            let options = SeriesOptions::default()
                .with_every(every)
                .with_view(view)
                .with_to(d("2016-07-10"));
            let mut calls = 0;
            let s = dashboard_series(&repo, &options, &site, |done, total| {
                calls += 1;
                assert!(done <= total);
            })
            .unwrap();
            assert_eq!(calls, s.points.len(), "{every} {view}");
            assert!(!s.points.is_empty(), "{every} {view}");
            // The same walk as the snapshot series: same dates, commits, dropped files.
            let snapshots = series(&repo, &options, |_, _| {}).unwrap();
            assert_eq!(
                (s.start.id, s.from, s.to, s.truncated_at),
                (
                    snapshots.start.id,
                    snapshots.from,
                    snapshots.to,
                    snapshots.truncated_at
                )
            );
            assert_eq!(s.points.len(), snapshots.points.len(), "{every} {view}");
            for (p, q) in s.points.iter().zip(&snapshots.points) {
                assert_eq!(
                    (p.known_at, p.commit, p.as_of, p.dropped_files),
                    (q.known_at, q.commit, q.as_of, q.dropped_files),
                    "{every} {view}"
                );
                assert_eq!(p.committed_at, q.committed_at);
                assert_eq!(p.dashboard.products.total, q.startups.total);
                assert_single_read(&repo, p, &site);
            }
        }
    }
}

#[test]
fn a_point_with_a_dropped_file_counts_it_and_goes_on_without_it() {
    let Some((_dir, repo)) = small_repo() else {
        return;
    };
    let options = SeriesOptions::default()
        .with_every(Every::Month)
        .with_from(d("2016-01-01"))
        .with_to(d("2016-04-30"));
    let s = dashboard_series(&repo, &options, &DashboardOptions::default(), |_, _| {}).unwrap();
    let got: Vec<_> = s
        .points
        .iter()
        .map(|p| {
            (
                p.as_of.to_string(),
                p.dropped_files,
                p.dashboard.products.total,
                p.dashboard.products.active,
            )
        })
        .collect();
    // January and February: the broken `c.md` is dropped (counted, left out); A is in
    // construction from January, B in investigation from 2016-02-10; A's `success`
    // (2016-03-01) is not in the site's list. The broken file is deleted in April.
    assert_eq!(
        got,
        [
            ("2016-01-31".to_owned(), 1, 2, 1),
            ("2016-02-29".to_owned(), 1, 2, 2),
            ("2016-03-31".to_owned(), 1, 2, 1),
            ("2016-04-30".to_owned(), 0, 2, 1),
        ]
    );
    let p = &s.points[1];
    assert_eq!(p.dashboard.products.by_phase.get("construction"), Some(&1));
    assert_eq!(p.dashboard.products.by_phase.get("investigation"), Some(&1));
    assert_eq!(p.dashboard.members.active, 1);
}

#[test]
fn the_active_rule_of_the_options_is_the_points_rule() {
    let Some((_dir, repo)) = small_repo() else {
        return;
    };
    let options = SeriesOptions::default().with_every(Every::Year);
    let stage = DashboardOptions::default().with_active_rule(ActiveRule::Stage);
    let s = dashboard_series(&repo, &options, &stage, |_, _| {}).unwrap();
    assert_eq!(s.points.len(), 1);
    for p in &s.points {
        assert_eq!(p.dashboard.active_rule, ActiveRule::Stage);
        assert_single_read(&repo, p, &stage);
    }
    let site = dashboard_series(&repo, &options, &DashboardOptions::default(), |_, _| {}).unwrap();
    assert_eq!(site.points[0].dashboard.active_rule, ActiveRule::Site);
}

#[test]
fn bundle_yearly_dashboards_agree_with_single_reads() {
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    // Debug builds: the first eras only (a few hundred commits).
    let options = SeriesOptions::default()
        .with_every(Every::Year)
        .with_to(d("2018-06-30"));
    let site = DashboardOptions::default();
    let s = dashboard_series(&repo, &options, &site, |_, _| {}).unwrap();
    let dates: Vec<_> = s.points.iter().map(|p| p.as_of.to_string()).collect();
    assert_eq!(
        dates,
        ["2015-12-31", "2016-12-31", "2017-12-31", "2018-06-30"]
    );
    for p in &s.points {
        assert_single_read(&repo, p, &site);
    }
    // The last of 2016 is the README's reference commit.
    assert_eq!(
        s.points[1].commit.to_string(),
        "56e715003096ddc0a0cdd105113bf7b32af37527"
    );
    assert!(s.points[1].dashboard.products.total > 0);
}
