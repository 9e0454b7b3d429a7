//! Which start-ups are *active*: our stage table's definition, or the site's own.
//!
//! - [`ActiveRule::Stage`] (ours, the default): the current phase's [`Stage`] is
//!   incubating or in hand-over ([`Stage::is_active`]).
//! - [`ActiveRule::Site`]: the current phase's name is one of the site's active names
//!   ([`Vocabulary::site_active_names`]): since 2026-05, investigation, construction,
//!   acceleration, consolidation and `opere`. `opere` ("operated within the network") is
//!   active for the site and taken over in our stage table; before 2026 the two rules
//!   agree.
//!
//! The current phase is the snapshot's [`PhaseRule`]: with [`PhaseRule::AtDate`] (the
//! default) the site's list is applied to the phases started on or before the date;
//! the site itself takes the greatest start whatever the date
//! ([`PhaseRule::LatestStart`]). [`Activity`] gives both, and whether that date filter
//! changes the answer.
//!
//! ```
//! use betagouv_portfolio::{ActiveRule, Phase, PhaseRule, Startup, StartupId, Vocabulary};
//! let d = |s: &str| s.parse::<chrono::NaiveDate>();
//! let mut s = Startup::new(StartupId::new("a")?, "A");
//! s.phases = vec![
//!     Phase::new("construction", Some(d("2021-01-01")?)),
//!     Phase::new("opere", Some(d("2024-01-01")?)),
//! ];
//! let v = Vocabulary::V2026;
//! let at = d("2025-01-01")?;
//! assert!(!ActiveRule::Stage.is_active(&s, v, at, PhaseRule::AtDate));
//! assert!(ActiveRule::Site.is_active(&s, v, at, PhaseRule::AtDate));
//! assert_eq!("site".parse::<ActiveRule>()?, ActiveRule::Site);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::phase::{PhaseRule, Stage, Vocabulary, keyed_text_form};
use crate::startup::Startup;

/// Which phases make a start-up active.
///
/// Text form: `stage` or `site`, the same as the JSON one ([`Display`](std::fmt::Display)
/// and [`FromStr`](std::str::FromStr) round-trip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActiveRule {
    /// Our stage table: the current phase's stage is incubating or in hand-over.
    #[default]
    Stage,
    /// The site's list of active phase names ([`Vocabulary::site_active_names`]).
    Site,
}

impl ActiveRule {
    /// Both rules, ours first.
    pub const ALL: [ActiveRule; 2] = [ActiveRule::Stage, ActiveRule::Site];

    /// The key: `stage` or `site`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            ActiveRule::Stage => "stage",
            ActiveRule::Site => "site",
        }
    }

    /// Whether a start-up whose current phase is named `name` is active under this rule
    /// in `vocabulary` (`None`: no phase has started, never active).
    #[must_use]
    pub fn is_active_name(self, vocabulary: Vocabulary, name: Option<&str>) -> bool {
        name.is_some_and(|n| match self {
            ActiveRule::Stage => vocabulary.stage_of(n).is_active(),
            ActiveRule::Site => vocabulary.site_active_names().contains(&n),
        })
    }

    /// Whether `startup` is active at `date` under this rule, its current phase chosen
    /// by `rule`, its names read in `vocabulary`.
    #[must_use]
    pub fn is_active(
        self,
        startup: &Startup,
        vocabulary: Vocabulary,
        date: NaiveDate,
        rule: PhaseRule,
    ) -> bool {
        let phase = startup.phase_at(date, rule);
        self.is_active_name(vocabulary, phase.map(|p| p.name.as_str()))
    }
}

keyed_text_form!(ActiveRule, "active rule");

/// Whether one start-up is active at a date under each rule: what a snapshot counts
/// (see [`ActiveCounts`](crate::snapshot::ActiveCounts)).
///
/// ```
/// use betagouv_portfolio::{Activity, Phase, PhaseRule, Startup, StartupId, Vocabulary};
/// let d = |s: &str| s.parse::<chrono::NaiveDate>();
/// let mut s = Startup::new(StartupId::new("a")?, "A");
/// s.phases = vec![
///     Phase::new("abandon-investigation", Some(d("2025-01-01")?)),
///     Phase::new("investigation", Some(d("2026-09-15")?)),
/// ];
/// let a = Activity::of(&s, Vocabulary::V2026, d("2026-08-20")?, PhaseRule::AtDate);
/// assert!(!a.site && a.site_latest_start && a.site_date_filter_changes);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Activity {
    /// Active under [`ActiveRule::Stage`], the current phase chosen by the snapshot's
    /// phase rule.
    pub stage: bool,
    /// Active under [`ActiveRule::Site`], the current phase chosen by the snapshot's
    /// phase rule.
    pub site: bool,
    /// Active under [`ActiveRule::Site`] with the site's own choice of phase, the
    /// greatest start whatever the date ([`PhaseRule::LatestStart`]).
    pub site_latest_start: bool,
    /// Whether the site's rule gives another answer on the phases started on or before
    /// the date ([`PhaseRule::AtDate`]) than on all phases ([`PhaseRule::LatestStart`]):
    /// a product the date filter changes.
    pub site_date_filter_changes: bool,
}

impl Activity {
    /// What `startup` counts for at `date`, its current phase chosen by `rule` (and by
    /// the two rules of the date filter), its names read in `vocabulary`.
    #[must_use]
    pub fn of(startup: &Startup, vocabulary: Vocabulary, date: NaiveDate, rule: PhaseRule) -> Self {
        let name = |r: PhaseRule| startup.phase_at(date, r).map(|p| p.name.as_str());
        let current = name(rule);
        let site_at = |n: Option<&str>| ActiveRule::Site.is_active_name(vocabulary, n);
        let site_latest_start = site_at(name(PhaseRule::LatestStart));
        let site_at_date = if rule == PhaseRule::AtDate {
            site_at(current)
        } else {
            site_at(name(PhaseRule::AtDate))
        };
        Self {
            stage: current
                .map_or(Stage::NotStarted, |n| vocabulary.stage_of(n))
                .is_active(),
            site: site_at(current),
            site_latest_start,
            site_date_filter_changes: site_at_date != site_latest_start,
        }
    }

    /// Whether active under `rule`.
    #[must_use]
    pub fn get(&self, rule: ActiveRule) -> bool {
        match rule {
            ActiveRule::Stage => self.stage,
            ActiveRule::Site => self.site,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::StartupId;
    use crate::phase::Phase;

    #[test]
    fn before_2026_the_site_list_is_the_stage_tables_active_set() {
        for v in [Vocabulary::V2016, Vocabulary::V2018, Vocabulary::V2020] {
            for (name, stage) in v.names() {
                assert_eq!(
                    ActiveRule::Site.is_active_name(v, Some(name)),
                    stage.is_active(),
                    "{v} {name}"
                );
            }
        }
        // In 2026 they differ on `opere` alone.
        let v = Vocabulary::V2026;
        let differ: Vec<_> = v
            .names()
            .iter()
            .filter(|(n, s)| ActiveRule::Site.is_active_name(v, Some(n)) != s.is_active())
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(differ, ["opere"]);
        // Every name of the site's list is one the vocabulary defines.
        for v in Vocabulary::ALL {
            for n in v.site_active_names() {
                assert_ne!(v.stage_of(n), Stage::Unknown, "{v} {n}");
            }
        }
        assert!(!ActiveRule::Site.is_active_name(v, None));
        assert!(!ActiveRule::Stage.is_active_name(v, Some("Opere")));
    }

    #[test]
    fn keys_parse_back_and_json_keeps_its_spelling() {
        for r in ActiveRule::ALL {
            assert_eq!(r.key().parse::<ActiveRule>(), Ok(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.key())
            );
        }
        let e = "both".parse::<ActiveRule>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown active rule \"both\"; expected one of stage, site"
        );
    }

    #[test]
    fn the_date_filter_counts_planned_phases_only() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut s = Startup::new(StartupId::new("x").unwrap(), "X");
        s.phases = vec![
            Phase::new("construction", Some(d("2024-01-01"))),
            Phase::new("opere", Some(d("2026-09-01"))),
        ];
        let v = Vocabulary::V2026;
        let before = Activity::of(&s, v, d("2026-08-31"), PhaseRule::AtDate);
        assert!(before.stage && before.site && before.site_latest_start);
        assert!(!before.site_date_filter_changes);
        let latest = Activity::of(&s, v, d("2026-08-31"), PhaseRule::LatestStart);
        assert!(!latest.stage && latest.site && !latest.site_date_filter_changes);
        // A planned stop: the date filter keeps the product active.
        s.phases[1].name = "abandon".into();
        let a = Activity::of(&s, v, d("2026-08-31"), PhaseRule::AtDate);
        assert!(a.site && !a.site_latest_start && a.site_date_filter_changes);
        assert!(a.get(ActiveRule::Stage) && a.get(ActiveRule::Site));
        let after = Activity::of(&s, v, d("2026-09-01"), PhaseRule::AtDate);
        assert_eq!(after, Activity::default());
    }
}
