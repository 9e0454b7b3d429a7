//! The published figures against the repository's history: what the records said
//! when the report was published, and over which states of knowledge they said the
//! published value.
//!
//! This crate reads no repository: the caller (the `betagouv` binary, with
//! `betagouv-history`) walks the commits, takes each claim's figure at every commit
//! with [`snapshot_figure`] (the claims check's own rule), and hands the points to
//! [`ClaimHistory::from_points`], which keeps the **change points** (the first commit
//! and every commit where the figure changed) and the **equal intervals** (the runs of
//! commits whose figure is the published value). The report renders them beside the
//! claims check ([`Report::history`](crate::Report::history)).
//!
//! Two dates on every figure: the **as of** date it describes (the report's date) and
//! the **known at** instant of the commit it was read from.
//!
//! ```
//! use betagouv_report::history::{ClaimHistory, KnownPoint};
//! use betagouv_report::Verdict;
//! let at = |s: &str| s.parse().unwrap();
//! let p = |t: &str, c: &str, v| KnownPoint { known_at: at(t), commit: c.repeat(40), value: v };
//! let points = [
//!     p("2017-01-02T10:00:00+01:00", "a", 27),
//!     p("2017-04-20T13:00:00+02:00", "b", 33),
//!     p("2018-01-05T09:00:00+01:00", "c", 31),
//! ];
//! let h = ClaimHistory::from_points("services", "services", "33", &points, Some(&"b".repeat(40)));
//! assert_eq!(h.verdict_at_publication, Verdict::Matches);
//! assert_eq!(h.equal.len(), 1);
//! assert_eq!(h.equal[0].to, Some(at("2018-01-05T09:00:00+01:00")));
//! ```

use betagouv_portfolio::Snapshot;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::claims::Verdict;

/// The claims the history follows: the counts a snapshot gives under the claims
/// check's rules (`partners` counts started services only, which a snapshot does not).
pub const FOLLOWED: [&str; 4] = ["people", "services", "taken_over", "in_handover"];

/// The figure of claim `key` in a snapshot, by the claims check's rule; `None` for a
/// claim the history does not follow (not in [`FOLLOWED`]).
///
/// - `people`: active members (a mission covers the date);
/// - `services`: every start-up record (as the published reports counted them);
/// - `taken_over`, `in_handover`: records whose current phase is at that stage.
///
/// ```
/// use betagouv_portfolio::{builtin, Snapshot, SnapshotOptions};
/// use betagouv_report::history::snapshot_figure;
/// let s = Snapshot::compute(&builtin::portfolio_2016(), builtin::as_of_2016(), &SnapshotOptions::default());
/// assert_eq!(snapshot_figure("services", &s), Some(27));
/// assert_eq!(snapshot_figure("budget_total", &s), None);
/// ```
#[must_use]
pub fn snapshot_figure(key: &str, s: &Snapshot) -> Option<i64> {
    let n = match key {
        "people" => s.members.active,
        "services" => s.startups.total,
        "taken_over" => s.startups.taken_over,
        "in_handover" => s.startups.in_handover,
        _ => return None,
    };
    Some(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A figure as one commit knew it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownPoint {
    /// The commit's committer time, with its offset: when the repository knew it.
    pub known_at: DateTime<FixedOffset>,
    /// The commit (40 hexadecimal digits).
    pub commit: String,
    /// The figure.
    pub value: i64,
}

/// A commit and when the repository knew it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownCommit {
    /// The commit's committer time, with its offset.
    pub known_at: DateTime<FixedOffset>,
    /// The commit (40 hexadecimal digits).
    pub commit: String,
}

/// A run of consecutive commits whose figure equals the published value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownInterval {
    /// Known at of its first commit.
    pub from: DateTime<FixedOffset>,
    /// Known at of the first commit after it, whose figure differs; `None` when the
    /// figure still equals the published value at the last commit walked.
    pub to: Option<DateTime<FixedOffset>>,
    /// Its first commit.
    pub first_commit: String,
    /// Its last commit.
    pub last_commit: String,
    /// How many commits it holds.
    pub commits: usize,
}

/// One published figure followed over the repository's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimHistory {
    /// The claim's key (`services`...).
    pub claim: String,
    /// The published wording, in the report's language.
    pub label: String,
    /// The value as published.
    pub published: String,
    /// The figure as known at the publication date (the commit
    /// [`ClaimsHistory::publication_commit`]); `None` when nothing was known then.
    pub at_publication: Option<KnownPoint>,
    /// The figure as known at the publication date against the published one:
    /// `matches`, `differs`, or `not_computable` (nothing known then, or a published
    /// value that is not a count).
    pub verdict_at_publication: Verdict,
    /// The change points, oldest first: the first commit walked and every commit where
    /// the figure changed.
    pub series: Vec<KnownPoint>,
    /// The intervals of knowledge over which the figure equalled the published value,
    /// oldest first, disjoint (empty: never equal).
    pub equal: Vec<KnownInterval>,
}

/// The published figures against the history: JSON key `history` of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimsHistory {
    /// The repository (as given).
    pub repository: String,
    /// When the figures were published.
    pub published_at: NaiveDate,
    /// The date the figures describe (the report's date).
    pub as_of: NaiveDate,
    /// The commit known at `published_at`, if any.
    pub publication_commit: Option<String>,
    /// Commits walked (the first-parent chain, oldest first).
    pub commits: usize,
    /// The last commit walked (the commit the report reads), if any.
    pub last: Option<KnownCommit>,
    /// One entry per followed claim ([`FOLLOWED`]), in the published order.
    pub claims: Vec<ClaimHistory>,
}

impl ClaimsHistory {
    /// The history of claim `key`.
    #[must_use]
    pub fn claim(&self, key: &str) -> Option<&ClaimHistory> {
        self.claims.iter().find(|c| c.claim == key)
    }
}

impl ClaimHistory {
    /// The history of one claim from its figure at every commit walked, oldest first
    /// (`points`), and the commit known at the publication date.
    #[must_use]
    pub fn from_points(
        claim: &str,
        label: &str,
        published: &str,
        points: &[KnownPoint],
        publication_commit: Option<&str>,
    ) -> Self {
        let value = published.trim_start_matches('+').parse::<i64>().ok();
        let at_publication =
            publication_commit.and_then(|c| points.iter().find(|p| p.commit == c).cloned());
        let verdict_at_publication = match (&at_publication, value) {
            (Some(p), Some(v)) if p.value == v => Verdict::Matches,
            (Some(_), Some(_)) => Verdict::Differs,
            _ => Verdict::NotComputable,
        };
        ClaimHistory {
            claim: claim.to_owned(),
            label: label.to_owned(),
            published: published.to_owned(),
            at_publication,
            verdict_at_publication,
            series: change_points(points),
            equal: value.map_or_else(Vec::new, |v| equal_intervals(points, v)),
        }
    }

    /// The figure as known at `known_at` (the last change point at or before it).
    #[must_use]
    pub fn value_at(&self, known_at: DateTime<FixedOffset>) -> Option<i64> {
        self.series
            .iter()
            .take_while(|p| p.known_at <= known_at)
            .last()
            .map(|p| p.value)
    }
}

/// The first point and every point whose value differs from the one before.
#[must_use]
pub fn change_points(points: &[KnownPoint]) -> Vec<KnownPoint> {
    let mut out: Vec<KnownPoint> = Vec::new();
    for p in points {
        if out.last().is_none_or(|l| l.value != p.value) {
            out.push(p.clone());
        }
    }
    out
}

/// The runs of consecutive points whose value is `published`, in order.
#[must_use]
pub fn equal_intervals(points: &[KnownPoint], published: i64) -> Vec<KnownInterval> {
    let mut out = Vec::new();
    let mut run: Option<(&KnownPoint, &KnownPoint, usize)> = None;
    for p in points {
        match (&mut run, p.value == published) {
            (Some((_, last, n)), true) => {
                *last = p;
                *n += 1;
            }
            (None, true) => run = Some((p, p, 1)),
            (Some((first, last, n)), false) => {
                out.push(interval(first, last, *n, Some(p.known_at)));
                run = None;
            }
            (None, false) => {}
        }
    }
    if let Some((first, last, n)) = run {
        out.push(interval(first, last, n, None));
    }
    out
}

fn interval(
    first: &KnownPoint,
    last: &KnownPoint,
    commits: usize,
    to: Option<DateTime<FixedOffset>>,
) -> KnownInterval {
    KnownInterval {
        from: first.known_at,
        to,
        first_commit: first.commit.clone(),
        last_commit: last.commit.clone(),
        commits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn point(i: i64, value: i64) -> KnownPoint {
        let tz = FixedOffset::east_opt(3600).unwrap();
        KnownPoint {
            known_at: tz.timestamp_opt(1_500_000_000 + i * 86_400, 0).unwrap(),
            commit: format!("{i:040x}"),
            value,
        }
    }

    fn points(values: &[i64]) -> Vec<KnownPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| point(i as i64, *v))
            .collect()
    }

    #[test]
    fn several_intervals() {
        let p = points(&[1, 3, 3, 2, 3, 4]);
        let e = equal_intervals(&p, 3);
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].from, e[0].to, e[0].commits),
            (p[1].known_at, Some(p[3].known_at), 2)
        );
        assert_eq!(
            (&e[0].first_commit, &e[0].last_commit),
            (&p[1].commit, &p[2].commit)
        );
        assert_eq!(
            (e[1].from, e[1].to, e[1].commits),
            (p[4].known_at, Some(p[5].known_at), 1)
        );
    }

    #[test]
    fn an_interval_still_open_at_the_last_commit() {
        let p = points(&[2, 3, 3]);
        let e = equal_intervals(&p, 3);
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].to, e[0].last_commit.as_str()),
            (None, p[2].commit.as_str())
        );
        let all = equal_intervals(&p, 2);
        assert_eq!(
            (all[0].from, all[0].to),
            (p[0].known_at, Some(p[1].known_at))
        );
    }

    #[test]
    fn a_value_never_equal() {
        let p = points(&[1, 2, 4]);
        assert!(equal_intervals(&p, 3).is_empty());
        assert!(equal_intervals(&[], 3).is_empty());
        let h = ClaimHistory::from_points("services", "s", "3", &p, Some(&p[1].commit));
        assert_eq!(h.verdict_at_publication, Verdict::Differs);
        assert_eq!(h.at_publication.map(|a| a.value), Some(2));
        assert!(h.equal.is_empty());
    }

    #[test]
    fn change_points_keep_the_first_and_every_change() {
        let p = points(&[5, 5, 6, 6, 5]);
        let c = change_points(&p);
        let v: Vec<i64> = c.iter().map(|x| x.value).collect();
        assert_eq!(v, [5, 6, 5]);
        assert_eq!(c[1].commit, p[2].commit);
        let h = ClaimHistory::from_points("people", "p", "6", &p, None);
        assert_eq!(h.verdict_at_publication, Verdict::NotComputable);
        assert_eq!(h.value_at(p[3].known_at), Some(6));
        assert_eq!(h.value_at(p[4].known_at), Some(5));
        assert_eq!(h.value_at(point(-1, 0).known_at), None);
    }

    #[test]
    fn a_published_value_that_is_not_a_count_is_not_computable() {
        let p = points(&[1]);
        let h = ClaimHistory::from_points("people", "p", "about 50", &p, Some(&p[0].commit));
        assert_eq!(h.verdict_at_publication, Verdict::NotComputable);
        assert!(h.equal.is_empty());
    }

    proptest! {
        #[test]
        fn intervals_are_disjoint_ordered_and_hold_the_published_value(
            values in prop::collection::vec(0i64..4, 0..60),
            published in 0i64..4,
        ) {
            let p = points(&values);
            let e = equal_intervals(&p, published);
            let index = |c: &str| p.iter().position(|x| x.commit == c).unwrap();
            let mut covered = 0;
            let mut previous_end: Option<usize> = None;
            for i in &e {
                let (a, b) = (index(&i.first_commit), index(&i.last_commit));
                prop_assert!(a <= b);
                prop_assert_eq!(b - a + 1, i.commits);
                // Disjoint and ordered, and maximal: never two runs side by side.
                if let Some(prev) = previous_end {
                    prop_assert!(a > prev + 1);
                }
                previous_end = Some(b);
                prop_assert!(p[a..=b].iter().all(|x| x.value == published));
                prop_assert_eq!(i.from, p[a].known_at);
                prop_assert_eq!(i.to, p.get(b + 1).map(|x| x.known_at));
                covered += i.commits;
            }
            // Every point with the published value is inside one.
            prop_assert_eq!(covered, values.iter().filter(|v| **v == published).count());
            // The change points rebuild every value.
            let h = ClaimHistory::from_points("c", "c", &published.to_string(), &p, None);
            for x in &p {
                prop_assert_eq!(h.value_at(x.known_at), Some(x.value));
            }
        }
    }
}
