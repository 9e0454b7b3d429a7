//! The portfolio at a date: counts by stage and phase, active members, references.
//!
//! ```
//! use betagouv_portfolio::{builtin, snapshot::{Snapshot, SnapshotOptions}};
//! use chrono::NaiveDate;
//! let p = builtin::portfolio_2016();
//! let at: NaiveDate = "2016-12-31".parse()?;
//! let s = Snapshot::compute(&p, at, &SnapshotOptions::default());
//! assert_eq!(s.startups.total, 27);
//! assert_eq!((s.startups.taken_over, s.startups.in_handover), (1, 1));
//! assert_eq!(s.members.active, 27);
//! assert_eq!(s.owners, 14);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::active::{ActiveRule, Activity};
use crate::date::month_ends;
use crate::diagnostic::{Diagnostic, ProblemCounts};
use crate::member::Member;
use crate::phase::{PhaseRule, Stage, Vocabulary};
use crate::portfolio::Portfolio;
use crate::startup::{Sponsor, Startup};

/// Key used in `active_by_status` for an active member whose mission has no status.
pub const NO_STATUS: &str = "unspecified";

/// Knobs of a snapshot: [`Default`], then `with_*` setters (fields may be added).
///
/// ```
/// use betagouv_portfolio::{PhaseRule, SnapshotOptions};
/// let o = SnapshotOptions::default().with_phase_rule(PhaseRule::LastListed);
/// assert_eq!(o.phase_rule, PhaseRule::LastListed);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SnapshotOptions {
    /// How the current phase is chosen (default: [`PhaseRule::AtDate`]).
    pub phase_rule: PhaseRule,
    /// Which start-ups a series counts as active (default: [`ActiveRule::Stage`]); a
    /// snapshot counts them under both ([`StartupCounts::active`]). Missing in older
    /// JSON: read as the default.
    #[serde(default)]
    pub active_rule: ActiveRule,
}

impl SnapshotOptions {
    /// The same options, choosing the current phase by `rule`.
    #[must_use]
    pub fn with_phase_rule(mut self, rule: PhaseRule) -> Self {
        self.phase_rule = rule;
        self
    }

    /// The same options, a series counting active start-ups by `rule`.
    ///
    /// ```
    /// use betagouv_portfolio::{ActiveRule, SnapshotOptions};
    /// let o = SnapshotOptions::default().with_active_rule(ActiveRule::Site);
    /// assert_eq!(o.active_rule, ActiveRule::Site);
    /// ```
    #[must_use]
    pub fn with_active_rule(mut self, rule: ActiveRule) -> Self {
        self.active_rule = rule;
        self
    }
}

/// Start-ups counted by stage; every key is always present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCounts {
    /// `incubating`.
    pub incubating: usize,
    /// `in_handover`.
    pub in_handover: usize,
    /// `taken_over`.
    pub taken_over: usize,
    /// `stopped`.
    pub stopped: usize,
    /// `not_started`.
    pub not_started: usize,
    /// `unknown`.
    pub unknown: usize,
}

impl StageCounts {
    /// The count of `stage`.
    #[must_use]
    pub fn get(&self, stage: Stage) -> usize {
        match stage {
            Stage::Incubating => self.incubating,
            Stage::InHandover => self.in_handover,
            Stage::TakenOver => self.taken_over,
            Stage::Stopped => self.stopped,
            Stage::NotStarted => self.not_started,
            Stage::Unknown => self.unknown,
        }
    }

    /// Counts one more start-up at `stage`.
    ///
    /// ```
    /// use betagouv_portfolio::{snapshot::StageCounts, Stage};
    /// let mut c = StageCounts::default();
    /// c.add(Stage::Stopped);
    /// assert_eq!((c.get(Stage::Stopped), c.total()), (1, 1));
    /// ```
    pub fn add(&mut self, stage: Stage) {
        *self.slot(stage) += 1;
    }

    /// Counts one start-up fewer at `stage` (never below zero): for a caller that
    /// keeps counts up to date as start-ups come and go.
    ///
    /// ```
    /// use betagouv_portfolio::{snapshot::StageCounts, Stage};
    /// let mut c = StageCounts::default();
    /// c.add(Stage::Stopped);
    /// c.remove(Stage::Stopped);
    /// c.remove(Stage::Stopped);
    /// assert_eq!(c, StageCounts::default());
    /// ```
    pub fn remove(&mut self, stage: Stage) {
        let n = self.slot(stage);
        *n = n.saturating_sub(1);
    }

    fn slot(&mut self, stage: Stage) -> &mut usize {
        match stage {
            Stage::Incubating => &mut self.incubating,
            Stage::InHandover => &mut self.in_handover,
            Stage::TakenOver => &mut self.taken_over,
            Stage::Stopped => &mut self.stopped,
            Stage::NotStarted => &mut self.not_started,
            Stage::Unknown => &mut self.unknown,
        }
    }

    /// The sum over all stages.
    #[must_use]
    pub fn total(&self) -> usize {
        Stage::ALL.iter().map(|s| self.get(*s)).sum()
    }
}

/// Active start-ups under each [`ActiveRule`]; every key is always present.
///
/// ```
/// use betagouv_portfolio::{builtin, ActiveRule, Snapshot, SnapshotOptions};
/// let p = builtin::portfolio_2016();
/// let s = Snapshot::compute(&p, builtin::as_of_2016(), &SnapshotOptions::default());
/// // Before 2026 the site's list and the stage table agree.
/// assert_eq!((s.startups.active.stage, s.startups.active.site), (26, 26));
/// assert_eq!(s.startups.active.get(ActiveRule::Site), 26);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveCounts {
    /// Active by our stage table (incubating or in hand-over), the current phase chosen
    /// by the snapshot's phase rule: `by_stage.incubating + by_stage.in_handover`.
    pub stage: usize,
    /// Active by the site's list ([`ActiveRule::Site`]), the current phase chosen by the
    /// snapshot's phase rule (with [`PhaseRule::AtDate`], the phases started on or
    /// before the date).
    pub site: usize,
    /// Active by the site's list with the site's own choice of phase, the greatest
    /// start whatever the date ([`PhaseRule::LatestStart`]): the site's figure.
    pub site_latest_start: usize,
    /// Start-ups the date filter changes: active by the site's list on the phases
    /// started on or before the date, and not on all phases, or the reverse.
    pub site_date_filter_changes: usize,
}

impl ActiveCounts {
    /// The count under `rule`.
    #[must_use]
    pub fn get(&self, rule: ActiveRule) -> usize {
        match rule {
            ActiveRule::Stage => self.stage,
            ActiveRule::Site => self.site,
        }
    }

    /// Counts one more start-up (`sign`), or one fewer (never below zero), of `activity`.
    ///
    /// ```
    /// use betagouv_portfolio::{snapshot::ActiveCounts, Activity};
    /// let mut c = ActiveCounts::default();
    /// c.count(&Activity::default(), true);
    /// assert_eq!(c, ActiveCounts::default());
    /// ```
    pub fn count(&mut self, activity: &Activity, sign: bool) {
        let slots = [
            (&mut self.stage, activity.stage),
            (&mut self.site, activity.site),
            (&mut self.site_latest_start, activity.site_latest_start),
            (
                &mut self.site_date_filter_changes,
                activity.site_date_filter_changes,
            ),
        ];
        for (n, yes) in slots {
            if yes {
                *n = if sign { *n + 1 } else { n.saturating_sub(1) };
            }
        }
    }
}

/// Start-up counts of a snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartupCounts {
    /// All start-up records.
    pub total: usize,
    /// By stage at the date.
    pub by_stage: StageCounts,
    /// By current phase name as written (start-ups not started at the date are absent).
    pub by_phase: BTreeMap<String, usize>,
    /// Taken over at the date (same as `by_stage.taken_over`).
    pub taken_over: usize,
    /// In hand-over at the date (same as `by_stage.in_handover`).
    pub in_handover: usize,
    /// Active at the date under each rule. Missing in older JSON: read as zeros.
    #[serde(default)]
    pub active: ActiveCounts,
}

/// Member counts of a snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCounts {
    /// Members with a mission covering the date.
    pub active: usize,
    /// Active members by the status of their latest-starting active mission, as written
    /// ([`NO_STATUS`] when that mission has none).
    pub active_by_status: BTreeMap<String, usize>,
}

/// The portfolio at a date. Its JSON form is a contract: every key is always present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The date.
    pub as_of: NaiveDate,
    /// Start-ups.
    pub startups: StartupCounts,
    /// Members.
    pub members: MemberCounts,
    /// Distinct incubator ids referenced by start-ups.
    pub incubators: usize,
    /// Distinct sponsor ids (organisations) or names (inline sponsors) referenced by start-ups.
    pub sponsors: usize,
    /// Distinct `owner` strings of start-ups.
    pub owners: usize,
    /// Problems found: the portfolio's own validation, plus what the caller adds.
    pub problems: ProblemCounts,
}

impl Snapshot {
    /// Computes the snapshot of `portfolio` at `at`. `problems` counts the diagnostics
    /// of [`Portfolio::validate`]; add an importer's with [`Snapshot::add_problems`].
    #[must_use]
    pub fn compute(portfolio: &Portfolio, at: NaiveDate, options: &SnapshotOptions) -> Self {
        let mut s = Self::of_records(
            portfolio.vocabulary,
            &portfolio.startups,
            &portfolio.members,
            at,
            options,
        );
        s.problems = ProblemCounts::count(&portfolio.validate());
        s
    }

    /// The figures of [`Snapshot::compute`] from the start-ups and members alone,
    /// whatever holds them, with no problem counted (`problems` zero: the caller sets
    /// them, e.g. kept up to date record by record). Equal to `compute` on a portfolio
    /// of these records and `vocabulary`, but for `problems`.
    ///
    /// ```
    /// use betagouv_portfolio::{builtin, Snapshot, SnapshotOptions};
    /// let p = builtin::portfolio_2016();
    /// let at = betagouv_portfolio::builtin::as_of_2016();
    /// let o = SnapshotOptions::default();
    /// let mut s = Snapshot::of_records(p.vocabulary, &p.startups, &p.members, at, &o);
    /// s.problems = Snapshot::compute(&p, at, &o).problems;
    /// assert_eq!(s, Snapshot::compute(&p, at, &o));
    /// ```
    #[must_use]
    pub fn of_records<'a, S, M>(
        vocabulary: Vocabulary,
        startups: S,
        members: M,
        at: NaiveDate,
        options: &SnapshotOptions,
    ) -> Self
    where
        S: IntoIterator<Item = &'a Startup>,
        S::IntoIter: Clone,
        M: IntoIterator<Item = &'a Member>,
    {
        let startups = startups.into_iter();
        let mut s = Self::dated(vocabulary, startups.clone(), members, at, options);
        let mut incubators = BTreeSet::new();
        let mut sponsors = BTreeSet::new();
        let mut owners = BTreeSet::new();
        for st in startups {
            incubators.extend(st.incubator_ids().map(|i| i.as_str()));
            sponsors.extend(st.sponsors.iter().map(Sponsor::key));
            owners.extend(st.owner.as_deref().filter(|o| !o.trim().is_empty()));
        }
        s.incubators = incubators.len();
        s.sponsors = sponsors.len();
        s.owners = owners.len();
        s
    }

    /// The figures of [`Snapshot::of_records`] that depend on the date (start-ups by
    /// stage and phase, active members), with `incubators`, `sponsors`, `owners` and
    /// `problems` zero: for a caller that keeps those up to date itself.
    #[must_use]
    pub fn dated<'a>(
        vocabulary: Vocabulary,
        startups: impl IntoIterator<Item = &'a Startup>,
        members: impl IntoIterator<Item = &'a Member>,
        at: NaiveDate,
        options: &SnapshotOptions,
    ) -> Self {
        let mut counts = StartupCounts::default();
        for s in startups {
            counts.total += 1;
            let phase = s.phase_at(at, options.phase_rule);
            let stage = phase.map_or(Stage::NotStarted, |p| vocabulary.stage_of(&p.name));
            counts.by_stage.add(stage);
            if let Some(p) = phase {
                count_key(&mut counts.by_phase, &p.name);
            }
            let activity = Activity::of(s, vocabulary, at, options.phase_rule);
            counts.active.count(&activity, true);
        }
        counts.taken_over = counts.by_stage.taken_over;
        counts.in_handover = counts.by_stage.in_handover;
        Self {
            as_of: at,
            startups: counts,
            members: member_counts(members, at),
            incubators: 0,
            sponsors: 0,
            owners: 0,
            problems: ProblemCounts::default(),
        }
    }

    /// Adds `diagnostics` (e.g. an importer's) to `problems`.
    pub fn add_problems<'a>(&mut self, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
        let c = ProblemCounts::count(diagnostics);
        self.problems.errors += c.errors;
        self.problems.warnings += c.warnings;
    }
}

/// Counts one more `key` (allocating the key only the first time).
pub(crate) fn count_key(map: &mut BTreeMap<String, usize>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

fn member_counts<'a>(members: impl IntoIterator<Item = &'a Member>, at: NaiveDate) -> MemberCounts {
    let mut c = MemberCounts::default();
    for m in members {
        if let Some(mission) = m.mission_at(at) {
            c.active += 1;
            let status = mission.status.as_deref().unwrap_or(NO_STATUS);
            count_key(&mut c.active_by_status, status);
        }
    }
    c
}

/// One month of a time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// The month's last day, at which the counts are taken.
    pub date: NaiveDate,
    /// Active start-ups under the options' [`ActiveRule`] (by default, stage
    /// incubating or in hand-over).
    pub active_startups: usize,
    /// Active members.
    pub active_members: usize,
}

/// Active start-ups (under the options' [`ActiveRule`]) and members at the end of each
/// month from `from` to `to` (inclusive).
///
/// ```
/// use betagouv_portfolio::{builtin, snapshot::{monthly_series, SnapshotOptions}};
/// use chrono::NaiveDate;
/// let p = builtin::portfolio_2016();
/// let d = |s: &str| s.parse::<NaiveDate>();
/// let s = monthly_series(&p, d("2016-01-01")?, d("2016-12-31")?, &SnapshotOptions::default());
/// assert_eq!(s.len(), 12);
/// assert_eq!(s[11].active_members, 27);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn monthly_series(
    portfolio: &Portfolio,
    from: NaiveDate,
    to: NaiveDate,
    options: &SnapshotOptions,
) -> Vec<SeriesPoint> {
    month_ends(from, to)
        .map(|date| SeriesPoint {
            date,
            active_startups: portfolio
                .startups
                .iter()
                .filter(|s| {
                    options
                        .active_rule
                        .is_active(s, portfolio.vocabulary, date, options.phase_rule)
                })
                .count(),
            active_members: portfolio
                .members
                .iter()
                .filter(|m| m.is_active_at(date))
                .count(),
        })
        .collect()
}
