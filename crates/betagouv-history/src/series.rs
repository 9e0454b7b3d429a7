//! Series of snapshot figures over a history: one point per commit or per period
//! (day, week, month, year in Europe/Paris), each with its two dates, **known at**
//! (the state of the records) and **as of** (the date the figures describe).
//!
//! Three views ([`View`]):
//!
//! - [`View::Live`] (default): each point describes its period's last day, as the
//!   repository knew it at the end of that day; with [`Every::Commit`], each commit of
//!   the chain describes its own (Paris) date.
//! - [`View::At`]: one date seen through the same successive states of knowledge
//!   (how the picture of a date changed as the repository was corrected).
//! - [`View::Retrospective`]: knowledge fixed at the start revision (one read), the
//!   as-of date moving over the periods: today's reading of the past.
//!
//! The state known at the end of a day is the one of [`Repository::known_at`]:
//! walking the first-parent chain back from the start revision, the first commit whose
//! committer time is before the end of the day in Paris. A period in which nothing
//! was committed repeats the previous period's commit; periods before the first
//! commit (or before where a shallow history stops, [`Series::truncated_at`]) have no
//! point. The walk is one [`Replay`]: from one point's commit to the next only the
//! changed files are read, so `every` month jumps from month end to month end.
//!
//! ```no_run
//! use betagouv_history::{Every, Repository, SeriesOptions, View, series};
//! let repo = Repository::open("content-history.git")?;
//! // How the end of 2016 looked, month after month of corrections.
//! let options = SeriesOptions::default()
//!     .with_every(Every::Month)
//!     .with_view(View::At("2016-12-31".parse()?));
//! let s = series(&repo, &options, |_done, _total| {})?;
//! for p in &s.points {
//!     println!("known at {}: {} services", p.known_at, p.startups.total);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use betagouv_content::read::ReadOptions;
use betagouv_portfolio::paris;
use betagouv_portfolio::snapshot::StartupCounts;
use betagouv_portfolio::{ProblemCounts, Snapshot, SnapshotOptions};
use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::commit::{CommitId, CommitInfo, Revision};
use crate::error::Result;
use crate::replay::Replay;
use crate::repo::Repository;

/// How often a series has a point: every commit, or every period of the Paris
/// calendar (ISO weeks, Monday to Sunday). Its text form is its lowercase name.
///
/// ```
/// use betagouv_history::Every;
/// assert_eq!("week".parse::<Every>()?, Every::Week);
/// assert_eq!(Every::default().to_string(), "month");
/// # Ok::<(), betagouv_history::series::ParseEveryError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    /// Every commit of the first-parent chain.
    Commit,
    /// Every day.
    Day,
    /// Every ISO week (Monday to Sunday).
    Week,
    /// Every calendar month (the default).
    #[default]
    Month,
    /// Every calendar year.
    Year,
}

impl Every {
    /// Every value, shortest period first.
    pub const ALL: [Self; 5] = [Self::Commit, Self::Day, Self::Week, Self::Month, Self::Year];

    /// The text form: `commit`, `day`, `week`, `month`, `year`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commit => "commit",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
        }
    }

    /// The period holding `date`; `None` for [`Every::Commit`] (not a calendar
    /// period) and at the ends of the calendar.
    ///
    /// ```
    /// use betagouv_history::{Every, series::Period};
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// // ISO week 1 of 2021 starts on Monday 2021-01-04: 2021-01-01 is in 2020's week 53.
    /// assert_eq!(
    ///     Every::Week.period_of(d("2021-01-01")),
    ///     Some(Period { first: d("2020-12-28"), last: d("2021-01-03") })
    /// );
    /// assert_eq!(Every::Month.period_of(d("2016-02-10")).map(|p| p.last), Some(d("2016-02-29")));
    /// ```
    #[must_use]
    pub fn period_of(self, date: NaiveDate) -> Option<Period> {
        let (first, last) = match self {
            Self::Commit => return None,
            Self::Day => (date, date),
            Self::Week => {
                let back = u64::from(date.weekday().num_days_from_monday());
                let first = date.checked_sub_days(Days::new(back))?;
                (first, first.checked_add_days(Days::new(6))?)
            }
            Self::Month => {
                let first = date.with_day(1)?;
                let next = first.checked_add_months(Months::new(1))?;
                (first, next.pred_opt()?)
            }
            Self::Year => (
                NaiveDate::from_ymd_opt(date.year(), 1, 1)?,
                NaiveDate::from_ymd_opt(date.year(), 12, 31)?,
            ),
        };
        Some(Period { first, last })
    }

    /// The periods from the one holding `from` to the one holding `to`, oldest
    /// first, contiguous; none when `from` is after `to` or for [`Every::Commit`].
    ///
    /// ```
    /// use betagouv_history::Every;
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let months = Every::Month.periods(d("2016-11-15"), d("2017-01-02"));
    /// let lasts: Vec<_> = months.iter().map(|p| p.last.to_string()).collect();
    /// assert_eq!(lasts, ["2016-11-30", "2016-12-31", "2017-01-31"]);
    /// ```
    #[must_use]
    pub fn periods(self, from: NaiveDate, to: NaiveDate) -> Vec<Period> {
        let mut out = Vec::new();
        let mut next = if from <= to {
            self.period_of(from)
        } else {
            None
        };
        while let Some(p) = next {
            if p.first > to {
                break;
            }
            out.push(p);
            next = p.last.succ_opt().and_then(|d| self.period_of(d));
        }
        out
    }
}

impl fmt::Display for Every {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is not `commit`, `day`, `week`, `month` or `year`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a period: commit, day, week, month or year")]
pub struct ParseEveryError(pub String);

impl FromStr for Every {
    type Err = ParseEveryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| ParseEveryError(s.to_owned()))
    }
}

/// A period of the Paris calendar: its first and last day (both included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    /// The first day.
    pub first: NaiveDate,
    /// The last day.
    pub last: NaiveDate,
}

impl Period {
    /// Whether `date` is in the period.
    #[must_use]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// The instant the period ends in Paris (exclusive: midnight after its last day,
    /// [`paris::end_of_day`]).
    #[must_use]
    pub fn end(&self) -> Option<DateTime<Utc>> {
        paris::end_of_day(self.last)
    }
}

/// Which dates a series moves (see the [module](self) documentation).
///
/// ```
/// use betagouv_history::View;
/// assert_eq!(View::At("2016-12-31".parse()?).to_string(), "at 2016-12-31");
/// assert_eq!(View::default().to_string(), "live");
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Each point describes its own date as known then (the default).
    #[default]
    Live,
    /// Each point describes this date, as known at the point.
    At(NaiveDate),
    /// Every point is known at the start revision; the as-of date moves.
    Retrospective,
}

impl View {
    /// The name of the view alone: `live`, `at`, `retrospective`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::At(_) => "at",
            Self::Retrospective => "retrospective",
        }
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::At(d) => write!(f, "at {d}"),
            v => f.write_str(v.name()),
        }
    }
}

/// What a series is made of; `Default` is every month, live, from HEAD, over the
/// whole history.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct SeriesOptions {
    /// How often a point is taken.
    pub every: Every,
    /// The first date of the series (its period is the first); default: the Paris
    /// date of the chain's oldest commit.
    pub from: Option<NaiveDate>,
    /// The last date (the last period is cut there); default: the start revision's
    /// date (its known-at date, or its commit's Paris date).
    pub to: Option<NaiveDate>,
    /// Which dates move.
    pub view: View,
    /// How the snapshots are computed.
    pub snapshot: SnapshotOptions,
    /// How files are read.
    pub read: ReadOptions,
    /// Where the first-parent chain starts (the knowledge of the retrospective view);
    /// default `HEAD`.
    pub start: Revision,
}

impl fmt::Debug for SeriesOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeriesOptions")
            .field("every", &self.every)
            .field("from", &self.from)
            .field("to", &self.to)
            .field("view", &self.view)
            .field("snapshot", &self.snapshot)
            .field("start", &self.start)
            .finish_non_exhaustive()
    }
}

impl SeriesOptions {
    /// With a point every `every`.
    #[must_use]
    pub fn with_every(mut self, every: Every) -> Self {
        self.every = every;
        self
    }

    /// From `from` (its period is the first).
    #[must_use]
    pub fn with_from(mut self, from: impl Into<Option<NaiveDate>>) -> Self {
        self.from = from.into();
        self
    }

    /// To `to` (the last period is cut there).
    #[must_use]
    pub fn with_to(mut self, to: impl Into<Option<NaiveDate>>) -> Self {
        self.to = to.into();
        self
    }

    /// In `view`.
    #[must_use]
    pub fn with_view(mut self, view: View) -> Self {
        self.view = view;
        self
    }

    /// With snapshots computed by `options`.
    #[must_use]
    pub fn with_snapshot(mut self, options: SnapshotOptions) -> Self {
        self.snapshot = options;
        self
    }

    /// With files read by `options`.
    #[must_use]
    pub fn with_read(mut self, options: ReadOptions) -> Self {
        self.read = options;
        self
    }

    /// Walking back from `start`.
    #[must_use]
    pub fn with_start(mut self, start: Revision) -> Self {
        self.start = start;
        self
    }
}

/// When a point's records were known: the end of a (Paris) day, or a commit's
/// instant. Serialised as the date (`2017-04-30`) or the instant with its offset
/// (`2017-04-20T13:00:00+02:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KnownAt {
    /// The end of this day in Europe/Paris.
    EndOf(NaiveDate),
    /// The commit's own instant (committer time).
    Commit(DateTime<FixedOffset>),
}

impl fmt::Display for KnownAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EndOf(d) => write!(f, "{d}"),
            Self::Commit(t) => f.write_str(&t.to_rfc3339()),
        }
    }
}

/// One point of a series: its two dates, the commit read, the snapshot's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Point {
    /// When the records were known.
    pub known_at: KnownAt,
    /// The commit read: the newest known at `known_at`.
    pub commit: CommitId,
    /// Its committer time.
    pub committed_at: DateTime<FixedOffset>,
    /// The date the figures describe.
    pub as_of: NaiveDate,
    /// Start-ups: total, by stage, by current phase, taken over, in hand-over.
    pub startups: StartupCounts,
    /// Members with a mission covering the date.
    pub members_active: usize,
    /// Distinct incubators referenced by start-ups.
    pub incubators: usize,
    /// Distinct sponsors referenced by start-ups.
    pub sponsors: usize,
    /// Distinct owners of start-ups.
    pub owners: usize,
    /// Every problem of the commit (import and validation).
    pub problems: ProblemCounts,
    /// Files of the commit that gave no record (reported, never fatal).
    pub dropped_files: usize,
}

impl Point {
    fn new(head: &Head<'_>, s: Snapshot) -> Self {
        Self {
            known_at: head.known_at,
            commit: head.commit.id,
            committed_at: head.commit.committed_at,
            as_of: s.as_of,
            startups: s.startups,
            members_active: s.members.active,
            incubators: s.incubators,
            sponsors: s.sponsors,
            owners: s.owners,
            problems: s.problems,
            dropped_files: head.dropped_files,
        }
    }
}

/// A series of points, oldest first: of snapshot figures ([`Point`], the default), or
/// of other figures computed from the same walk (a
/// [`DashboardPoint`](crate::dashboard::DashboardPoint) of
/// [`dashboard_series`](crate::dashboard::dashboard_series)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Series<P = Point> {
    /// The start revision's commit.
    pub start: CommitInfo,
    /// How often a point was taken.
    pub every: Every,
    /// The view.
    pub view: View,
    /// The first date of the series.
    pub from: NaiveDate,
    /// The last date of the series.
    pub to: NaiveDate,
    /// Where a shallow (or broken) history stops: nothing before this commit is
    /// known here, and periods before it have no point.
    pub truncated_at: Option<CommitId>,
    /// The points.
    pub points: Vec<P>,
}

/// One planned point: the index of its commit in the chain (oldest first), its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Plan {
    commit: usize,
    known_at: KnownAt,
    as_of: NaiveDate,
}

/// The series of `options` over `repo` (see the [module](self) documentation).
/// `progress(done, total)` is called after each point.
///
/// # Errors
///
/// The start revision cannot be resolved, or a commit or root tree of the chain
/// cannot be read ([`Error::Object`](crate::Error::Object)). Files that cannot be
/// read are diagnostics, counted in the points.
pub fn series(
    repo: &Repository,
    options: &SeriesOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<Series> {
    series_of(
        repo,
        options,
        &mut progress,
        |replay, as_of| replay.snapshot(as_of, &options.snapshot),
        |head, snapshot| Point::new(&head, snapshot),
    )
}

/// What every point of a series has, whatever its figures: its two dates, the commit
/// read, the files of that commit that gave no record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Head<'a> {
    /// When the records were known.
    pub(crate) known_at: KnownAt,
    /// The commit read.
    pub(crate) commit: &'a CommitInfo,
    /// The date the figures describe.
    pub(crate) as_of: NaiveDate,
    /// Files of the commit that gave no record.
    pub(crate) dropped_files: usize,
}

/// The series of `options` over `repo` whose points are `point(head, figures)`, the
/// figures computed by `figures(replay, as_of)` from the replay standing at the
/// point's commit (one walk of the first-parent chain: see the [module](self)
/// documentation). The figures of a point are reused by the next one when neither
/// its commit's records nor its as-of date changed.
///
/// # Errors
///
/// As [`series`].
pub(crate) fn series_of<F: Clone, P>(
    repo: &Repository,
    options: &SeriesOptions,
    progress: &mut dyn FnMut(usize, usize),
    figures: impl Fn(&Replay<'_>, NaiveDate) -> F,
    point: impl Fn(Head<'_>, F) -> P,
) -> Result<Series<P>> {
    let start = repo.revision(&options.start)?;
    let chain = repo.first_parent_chain(&start.id)?;
    let mut commits = chain.commits;
    commits.reverse();
    let oldest = commits
        .first()
        .map_or(start.committed_date(), |c| c.committed_date());
    let from = options.from.unwrap_or(oldest);
    let to = options.to.unwrap_or(match &options.start {
        Revision::KnownAt { date, .. } => *date,
        _ => start.committed_date(),
    });
    let fixed = match &options.start {
        Revision::KnownAt { date, .. } => KnownAt::EndOf(*date),
        _ => KnownAt::Commit(start.committed_at),
    };
    let plans = plan(&commits, options.every, options.view, from, to, fixed);
    let points = walk(repo, &options.read, &commits, &plans, progress, figures)?
        .into_iter()
        .map(|(head, f)| point(head, f))
        .collect();
    Ok(Series {
        start,
        every: options.every,
        view: options.view,
        from,
        to,
        truncated_at: chain.truncated_at,
        points,
    })
}

/// Plans whose commits [`Replay::prefetch`] decodes ahead at once.
const PREFETCH: usize = 64;

/// Walks `commits` through the `plans` with one [`Replay`]: each point's head and
/// figures (computed by `figures`, or the previous point's when neither the records
/// nor the as-of date changed).
fn walk<'c, F: Clone>(
    repo: &Repository,
    read: &ReadOptions,
    commits: &'c [CommitInfo],
    plans: &[Plan],
    progress: &mut dyn FnMut(usize, usize),
    figures: impl Fn(&Replay<'_>, NaiveDate) -> F,
) -> Result<Vec<(Head<'c>, F)>> {
    let mut replay = Replay::new(repo, read);
    let mut at: Option<usize> = None;
    // The last point, valid while the state does not change.
    let mut last: Option<(Head<'c>, F)> = None;
    let mut points = Vec::with_capacity(plans.len());
    for (done, p) in plans.iter().enumerate() {
        let Some(commit) = commits.get(p.commit) else {
            continue;
        };
        if done % PREFETCH == 0 {
            prefetch(&mut replay, commits, plans.get(done..).unwrap_or_default());
        }
        if at != Some(p.commit) {
            let step = replay.advance(commit)?;
            at = Some(p.commit);
            if !step.is_empty() || step.vocabulary_changed {
                last = None;
            }
        }
        let (dropped_files, f) = match last.take() {
            Some((h, f)) if h.as_of == p.as_of => (h.dropped_files, f),
            _ => (replay.summary().dropped_files, figures(&replay, p.as_of)),
        };
        let head = Head {
            known_at: p.known_at,
            commit,
            as_of: p.as_of,
            dropped_files,
        };
        last = Some((head, f.clone()));
        points.push((head, f));
        progress(done + 1, plans.len());
    }
    Ok(points)
}

/// Decodes ahead the commits of the next [`PREFETCH`] `plans`, newest first (a
/// speed-up only).
fn prefetch(replay: &mut Replay<'_>, commits: &[CommitInfo], plans: &[Plan]) {
    let mut next: Vec<CommitInfo> = Vec::new();
    for q in plans.iter().take(PREFETCH) {
        if let Some(c) = commits.get(q.commit)
            && next.last().is_none_or(|l| l.id != c.id)
        {
            next.push(c.clone());
        }
    }
    replay.prefetch(&next);
}

/// The points of a series over `commits` (oldest first), before any read.
fn plan(
    commits: &[CommitInfo],
    every: Every,
    view: View,
    from: NaiveDate,
    to: NaiveDate,
    fixed: KnownAt,
) -> Vec<Plan> {
    let in_range = |d: NaiveDate| from <= d && d <= to;
    if view == View::Retrospective {
        let Some(last) = commits.len().checked_sub(1) else {
            return Vec::new();
        };
        let mut dates: Vec<NaiveDate> = match every {
            Every::Commit => commits.iter().map(CommitInfo::committed_date).collect(),
            _ => period_dates(every, from, to),
        };
        dates.retain(|d| in_range(*d));
        dates.sort_unstable();
        dates.dedup();
        return dates
            .into_iter()
            .map(|as_of| Plan {
                commit: last,
                known_at: fixed,
                as_of,
            })
            .collect();
    }
    let as_of = |own: NaiveDate| match view {
        View::At(d) => d,
        _ => own,
    };
    if every == Every::Commit {
        return commits
            .iter()
            .enumerate()
            .filter(|(_, c)| in_range(c.committed_date()))
            .map(|(i, c)| Plan {
                commit: i,
                known_at: KnownAt::Commit(c.committed_at),
                as_of: as_of(c.committed_date()),
            })
            .collect();
    }
    let dates = period_dates(every, from, to);
    let known = known_at_each(commits, &dates);
    dates
        .into_iter()
        .zip(known)
        .filter_map(|(d, i)| {
            Some(Plan {
                commit: i?,
                known_at: KnownAt::EndOf(d),
                as_of: as_of(d),
            })
        })
        .collect()
}

/// The point dates of the periods from `from` to `to`: each period's last day, the
/// last one cut at `to`.
fn period_dates(every: Every, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    every
        .periods(from, to)
        .into_iter()
        .map(|p| p.last.min(to))
        .collect()
}

/// For each of `dates` (ascending), the index in `commits` (oldest first) of the
/// commit known at its end, by the rule of [`Repository::known_at`]: walking from
/// the newest, the first commit committed before the end of the date in Paris.
/// One pass from the newest date back (the answer never grows as dates go back).
fn known_at_each(commits: &[CommitInfo], dates: &[NaiveDate]) -> Vec<Option<usize>> {
    let mut out = vec![None; dates.len()];
    // Candidates are indices < `bound`; every index at or above it is too late for
    // the dates still to come (earlier ones).
    let mut bound = commits.len();
    for (slot, date) in out.iter_mut().zip(dates).rev() {
        let Some(end) = paris::end_of_day(*date) else {
            *slot = commits.len().checked_sub(1);
            continue;
        };
        while let Some(i) = bound.checked_sub(1) {
            let before = commits
                .get(i)
                .is_some_and(|c| c.committed_at.with_timezone(&Utc) < end);
            if before {
                break;
            }
            bound = i;
        }
        *slot = bound.checked_sub(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn period(first: &str, last: &str) -> Option<Period> {
        Some(Period {
            first: d(first),
            last: d(last),
        })
    }

    #[test]
    fn every_round_trips_through_text_and_serde() {
        for e in Every::ALL {
            assert_eq!(e.to_string().parse::<Every>(), Ok(e));
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(json, format!("\"{e}\""));
            assert_eq!(serde_json::from_str::<Every>(&json).unwrap(), e);
        }
        assert!("Month".parse::<Every>().is_err());
        assert!("quarter".parse::<Every>().is_err());
    }

    #[test]
    fn iso_weeks_cross_years() {
        // 2015-12-31 is a Thursday: its week runs Monday 2015-12-28 to 2016-01-03.
        assert_eq!(
            Every::Week.period_of(d("2015-12-31")),
            period("2015-12-28", "2016-01-03")
        );
        assert_eq!(
            Every::Week.period_of(d("2016-01-03")),
            period("2015-12-28", "2016-01-03")
        );
        assert_eq!(
            Every::Week.period_of(d("2016-01-04")),
            period("2016-01-04", "2016-01-10")
        );
        // 2026-12-31 is a Thursday too; 2024-12-30 a Monday (ISO week 1 of 2025).
        assert_eq!(
            Every::Week.period_of(d("2025-01-01")),
            period("2024-12-30", "2025-01-05")
        );
        for p in Every::Week.periods(d("2015-12-01"), d("2027-02-01")) {
            assert_eq!(p.first.weekday(), chrono::Weekday::Mon);
            assert_eq!(p.last.weekday(), chrono::Weekday::Sun);
            assert_eq!(p.first.iso_week(), p.last.iso_week());
        }
    }

    #[test]
    fn months_and_years() {
        assert_eq!(
            Every::Month.period_of(d("2016-02-29")),
            period("2016-02-01", "2016-02-29")
        );
        assert_eq!(
            Every::Month.period_of(d("2017-02-01")),
            period("2017-02-01", "2017-02-28")
        );
        assert_eq!(
            Every::Month.period_of(d("2016-12-31")),
            period("2016-12-01", "2016-12-31")
        );
        assert_eq!(
            Every::Year.period_of(d("2016-07-14")),
            period("2016-01-01", "2016-12-31")
        );
        assert_eq!(
            Every::Day.period_of(d("2016-07-14")),
            period("2016-07-14", "2016-07-14")
        );
        assert_eq!(Every::Commit.period_of(d("2016-07-14")), None);
        assert!(
            Every::Commit
                .periods(d("2016-01-01"), d("2017-01-01"))
                .is_empty()
        );
        assert!(
            Every::Month
                .periods(d("2017-01-01"), d("2016-01-01"))
                .is_empty()
        );
        assert_eq!(
            Every::Year.periods(d("2015-12-18"), d("2026-08-20")).len(),
            12
        );
        assert_eq!(
            Every::Month.periods(d("2015-12-18"), d("2026-08-20")).len(),
            129
        );
        // The ends of the calendar give no period, and no endless loop.
        assert_eq!(Every::Month.period_of(NaiveDate::MAX), None);
        assert_eq!(Every::Day.periods(NaiveDate::MAX, NaiveDate::MAX).len(), 1);
    }

    #[test]
    fn periods_end_at_paris_midnight_around_the_changes() {
        // March 2026 ends in summer time (the change is on the 29th): 22:00 UTC.
        let march = Every::Month.period_of(d("2026-03-10")).unwrap();
        assert_eq!(march.end(), Some("2026-03-31T22:00:00Z".parse().unwrap()));
        // The week of the October 2026 change ends on Sunday 25th, in winter time.
        let week = Every::Week.period_of(d("2026-10-21")).unwrap();
        assert_eq!(week.last, d("2026-10-25"));
        assert_eq!(week.end(), Some("2026-10-25T23:00:00Z".parse().unwrap()));
        // The day of the March change ends in summer time.
        let day = Every::Day.period_of(d("2026-03-29")).unwrap();
        assert_eq!(day.end(), Some("2026-03-29T22:00:00Z".parse().unwrap()));
        let year = Every::Year.period_of(d("2016-05-01")).unwrap();
        assert_eq!(year.end(), Some("2016-12-31T23:00:00Z".parse().unwrap()));
    }

    #[test]
    fn views_and_known_at_print_and_serialise() {
        assert_eq!(View::Retrospective.to_string(), "retrospective");
        assert_eq!(View::At(d("2016-12-31")).name(), "at");
        let k = KnownAt::EndOf(d("2017-04-30"));
        assert_eq!(serde_json::to_string(&k).unwrap(), "\"2017-04-30\"");
        let t: DateTime<FixedOffset> = "2017-04-20T13:00:00+02:00".parse().unwrap();
        let c = KnownAt::Commit(t);
        assert_eq!(c.to_string(), "2017-04-20T13:00:00+02:00");
        for k in [k, c] {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(serde_json::from_str::<KnownAt>(&json).unwrap(), k);
        }
    }

    /// Commits at these UTC instants (oldest first in the chain).
    fn commits(times: &[&str]) -> Vec<CommitInfo> {
        times
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let at: DateTime<FixedOffset> = t.parse().unwrap();
                CommitInfo {
                    id: format!("{:040x}", i + 1).parse().unwrap(),
                    committed_at: at,
                    authored_at: at,
                    first_parent: None,
                }
            })
            .collect()
    }

    /// The rule of `Repository::known_at`, written plainly.
    fn known_at_naive(commits: &[CommitInfo], date: NaiveDate) -> Option<usize> {
        let end = paris::end_of_day(date)?;
        (0..commits.len())
            .rev()
            .find(|i| commits[*i].committed_at.with_timezone(&Utc) < end)
    }

    #[test]
    fn knowledge_is_the_newest_commit_before_the_end_of_the_day() {
        // 22:30 UTC on 2016-12-31 is already 2017 in Paris; the third commit is dated
        // before the second (a wrong clock).
        let c = commits(&[
            "2016-12-30T10:00:00Z",
            "2016-12-31T22:30:00Z",
            "2016-12-29T09:00:00Z",
            "2017-01-02T09:00:00Z",
        ]);
        let dates = [
            d("2016-12-28"),
            d("2016-12-30"),
            d("2016-12-31"),
            d("2017-01-01"),
        ];
        assert_eq!(known_at_each(&c, &dates), [None, Some(2), Some(2), Some(2)]);
        let plans = plan(
            &c,
            Every::Day,
            View::Live,
            d("2016-12-28"),
            d("2017-01-02"),
            KnownAt::EndOf(d("2017-01-02")),
        );
        // No point before the first commit; the empty days repeat the commit.
        let got: Vec<_> = plans
            .iter()
            .map(|p| (p.as_of.to_string(), p.commit))
            .collect();
        assert_eq!(
            got,
            [
                ("2016-12-29".to_owned(), 2),
                ("2016-12-30".to_owned(), 2),
                ("2016-12-31".to_owned(), 2),
                ("2017-01-01".to_owned(), 2),
                ("2017-01-02".to_owned(), 3),
            ]
        );
    }

    #[test]
    fn every_commit_and_retrospective_plans() {
        let c = commits(&[
            "2016-01-01T10:00:00Z",
            "2016-01-01T12:00:00Z",
            "2016-03-05T10:00:00Z",
        ]);
        let fixed = KnownAt::EndOf(d("2016-03-05"));
        let live = plan(
            &c,
            Every::Commit,
            View::Live,
            d("2016-01-01"),
            d("2016-12-31"),
            fixed,
        );
        assert_eq!(live.iter().map(|p| p.commit).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(matches!(live[0].known_at, KnownAt::Commit(_)));
        let at = plan(
            &c,
            Every::Commit,
            View::At(d("2015-12-31")),
            d("2016-01-02"),
            d("2016-12-31"),
            fixed,
        );
        assert_eq!(at.len(), 1);
        assert_eq!(at[0].as_of, d("2015-12-31"));
        let retro = plan(
            &c,
            Every::Commit,
            View::Retrospective,
            d("2015-01-01"),
            d("2016-12-31"),
            fixed,
        );
        let dates: Vec<_> = retro.iter().map(|p| p.as_of.to_string()).collect();
        assert_eq!(dates, ["2016-01-01", "2016-03-05"]);
        assert!(retro.iter().all(|p| p.commit == 2 && p.known_at == fixed));
        let months = plan(
            &c,
            Every::Month,
            View::Retrospective,
            d("2015-11-20"),
            d("2016-02-10"),
            fixed,
        );
        let dates: Vec<_> = months.iter().map(|p| p.as_of.to_string()).collect();
        assert_eq!(
            dates,
            ["2015-11-30", "2015-12-31", "2016-01-31", "2016-02-10"]
        );
        assert!(
            plan(
                &[],
                Every::Month,
                View::Retrospective,
                d("2016-01-01"),
                d("2016-02-01"),
                fixed
            )
            .is_empty()
        );
    }

    fn date_strategy() -> impl Strategy<Value = NaiveDate> {
        (0i64..8000)
            .prop_map(|n| NaiveDate::from_ymd_opt(2010, 1, 1).unwrap() + chrono::TimeDelta::days(n))
    }

    fn every_period() -> impl Strategy<Value = Every> {
        prop_oneof![
            Just(Every::Day),
            Just(Every::Week),
            Just(Every::Month),
            Just(Every::Year)
        ]
    }

    proptest! {
        #[test]
        fn periods_are_contiguous_ordered_and_cover_the_range(
            every in every_period(), a in date_strategy(), b in date_strategy(), x in date_strategy()
        ) {
            let (from, to) = (a.min(b), a.max(b));
            let ps = every.periods(from, to);
            prop_assert!(!ps.is_empty());
            prop_assert!(ps[0].contains(from));
            prop_assert!(ps[ps.len() - 1].contains(to));
            for w in ps.windows(2) {
                prop_assert_eq!(w[0].last.succ_opt(), Some(w[1].first));
            }
            for p in &ps {
                prop_assert!(p.first <= p.last);
                prop_assert_eq!(every.period_of(p.first), Some(*p));
                prop_assert_eq!(every.period_of(p.last), Some(*p));
            }
            // Every date of the range is in exactly one period.
            if from <= x && x <= to {
                prop_assert_eq!(ps.iter().filter(|p| p.contains(x)).count(), 1);
            }
        }

        #[test]
        fn every_instant_falls_in_exactly_one_period(
            every in every_period(), secs in 1_262_304_000i64..1_900_000_000
        ) {
            let t = DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
            let date = paris::date_at(t);
            let p = every.period_of(date).unwrap();
            let start = p.first.pred_opt().and_then(paris::end_of_day).unwrap();
            prop_assert!(start <= t && t < p.end().unwrap(), "{} not in {:?}", t, p);
            for q in [every.period_of(p.first.pred_opt().unwrap()), p.last.succ_opt().and_then(|d| every.period_of(d))] {
                let q = q.unwrap();
                let q_start = q.first.pred_opt().and_then(paris::end_of_day).unwrap();
                prop_assert!(!(q_start <= t && t < q.end().unwrap()));
            }
        }

        #[test]
        fn knowledge_follows_the_rule_of_known_at(
            offsets in prop::collection::vec(0i64..400 * 86_400, 1..30),
            a in date_strategy(), b in date_strategy()
        ) {
            let base = 1_450_000_000i64;
            let c: Vec<CommitInfo> = offsets
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let at = DateTime::<Utc>::from_timestamp(base + o, 0).unwrap().fixed_offset();
                    CommitInfo {
                        id: format!("{:040x}", i + 1).parse().unwrap(),
                        committed_at: at,
                        authored_at: at,
                        first_parent: None,
                    }
                })
                .collect();
            let lo = NaiveDate::from_ymd_opt(2015, 12, 1).unwrap();
            let dates: Vec<NaiveDate> = Every::Day.periods(lo + (a - NaiveDate::from_ymd_opt(2010, 1, 1).unwrap()) / 10, lo + (b - NaiveDate::from_ymd_opt(2010, 1, 1).unwrap()) / 10)
                .into_iter().map(|p| p.last).collect();
            let fast = known_at_each(&c, &dates);
            for (date, got) in dates.iter().zip(fast) {
                prop_assert_eq!(got, known_at_naive(&c, *date), "{}", date);
            }
        }
    }
}
