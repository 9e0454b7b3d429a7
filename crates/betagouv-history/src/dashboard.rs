//! The incubator's dashboard over time: one [`Dashboard`] per commit or per period,
//! each as the repository knew it, built on the same walk as the snapshot
//! [`series`](crate::series()) (one [`Replay`](crate::Replay) of the first-parent
//! chain: from one point's commit to the next only the changed files are read).
//!
//! The points have the dates of the series ([`View`](crate::View): live by default,
//! each point describing its period's last day as known at its end) and count the
//! files of their commit that gave no record: a broken file is left out of the
//! point's figures, never fatal.
//!
//! ```no_run
//! use betagouv_history::{Every, Repository, SeriesOptions, dashboard_series};
//! use betagouv_portfolio::DashboardOptions;
//! let repo = Repository::open("content-history.git")?;
//! let options = SeriesOptions::default().with_every(Every::Year);
//! let s = dashboard_series(&repo, &options, &DashboardOptions::default(), |_, _| {})?;
//! for p in &s.points {
//!     println!("{}: {} active products", p.as_of, p.dashboard.products.active);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use betagouv_portfolio::dashboard::{Dashboard, DashboardOptions};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::commit::CommitId;
use crate::error::Result;
use crate::repo::Repository;
use crate::series::{Head, KnownAt, Series, SeriesOptions, series_of};

/// One point of a dashboard series: its two dates, the commit read, the files of that
/// commit that gave no record, and the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DashboardPoint {
    /// When the records were known.
    pub known_at: KnownAt,
    /// The commit read: the newest known at `known_at`.
    pub commit: CommitId,
    /// Its committer time.
    pub committed_at: DateTime<FixedOffset>,
    /// The date the figures describe (the dashboard's `as_of`).
    pub as_of: NaiveDate,
    /// Files of the commit that gave no record (left out of the figures, never fatal).
    pub dropped_files: usize,
    /// The dashboard of the commit's records at `as_of`.
    pub dashboard: Dashboard,
}

impl DashboardPoint {
    fn new(head: &Head<'_>, dashboard: Dashboard) -> Self {
        Self {
            known_at: head.known_at,
            commit: head.commit.id,
            committed_at: head.commit.committed_at,
            as_of: head.as_of,
            dropped_files: head.dropped_files,
            dashboard,
        }
    }
}

/// A dashboard series, oldest point first.
pub type DashboardSeries = Series<DashboardPoint>;

/// The dashboard series of `options` over `repo`: the points of
/// [`series`](crate::series()) (same periods, views, start revision and dates), each
/// with the [`Dashboard`] of its commit's records at its as-of date, computed with
/// `dashboard` (`options.snapshot` is not used). `progress(done, total)` is called
/// after each point.
///
/// # Errors
///
/// As [`series`](crate::series()): the start revision cannot be resolved, or a commit
/// or root tree of the chain cannot be read. Files that cannot be read are counted in
/// the points.
pub fn dashboard_series(
    repo: &Repository,
    options: &SeriesOptions,
    dashboard: &DashboardOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<DashboardSeries> {
    series_of(
        repo,
        options,
        &mut progress,
        |replay, as_of| replay.dashboard(as_of, dashboard),
        |head, d| DashboardPoint::new(&head, d),
    )
}
