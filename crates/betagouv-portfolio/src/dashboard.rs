//! The incubator's dashboard at a date: the figures of beta.gouv.fr's statistics page
//! and of its community notebook, computed from the records with their definitions
//! written down (products by phase, launches and national impact per year, open-source
//! rate, statistics pages, Dashlord and accessibility coverage, themes, sponsors,
//! members).
//!
//! A [`Dashboard`] is a pure function of start-ups, members, a vocabulary and a date
//! ([`Dashboard::compute`], [`Dashboard::of_records`]); its JSON form is a contract,
//! every key always present (empty maps where nothing counts).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::active::ActiveRule;
use crate::id::StartupId;
use crate::phase::PhaseRule;

/// Knobs of a dashboard: [`Default`], then `with_*` setters (fields may be added).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DashboardOptions {
    /// Which products are active (default: [`ActiveRule::Site`], the site's own rule).
    pub active_rule: ActiveRule,
    /// How a product's current phase is chosen (default: [`PhaseRule::AtDate`], the
    /// latest phase by start among those started on or before the date).
    pub phase_rule: PhaseRule,
}

impl Default for DashboardOptions {
    fn default() -> Self {
        Self {
            active_rule: ActiveRule::Site,
            phase_rule: PhaseRule::AtDate,
        }
    }
}

impl DashboardOptions {
    /// The same options, counting active products by `rule`.
    #[must_use]
    pub fn with_active_rule(mut self, rule: ActiveRule) -> Self {
        self.active_rule = rule;
        self
    }

    /// The same options, choosing the current phase by `rule`.
    #[must_use]
    pub fn with_phase_rule(mut self, rule: PhaseRule) -> Self {
        self.phase_rule = rule;
        self
    }
}

/// Counts by key (phase name, incubator id, theme, ...), in key order.
pub type Counts = BTreeMap<String, usize>;

/// Counts by calendar year.
pub type YearCounts = BTreeMap<i32, usize>;

/// How many of `total` have something (`with`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Those that have it.
    pub with: usize,
    /// All counted.
    pub total: usize,
}

/// Products of one phase with a source repository.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenSource {
    /// Products with a non-empty `repository`.
    pub with_repository: usize,
    /// Products of the phase.
    pub total: usize,
}

/// Product counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Products {
    /// Start-up records read.
    pub total: usize,
    /// Active products under the dashboard's [`ActiveRule`].
    pub active: usize,
    /// Current phase name -> products (products with no phase started are left out).
    pub by_phase: Counts,
}

/// Member figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFigures {
    /// Members with a mission covering the date.
    pub active: usize,
    /// Year of each member's first mission start (on or before the date) -> members.
    pub new_by_year: YearCounts,
    /// Active members by `domaine`.
    pub active_by_domaine: Counts,
    /// Active members by competence (a member counted under each of its competences).
    pub active_by_competence: Counts,
    /// Active members by the status of their current mission.
    pub active_by_status: Counts,
}

/// Active products with something missing, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToFix {
    /// No statistics page (no non-empty `stats_url`, no `stats: true`).
    pub no_stats_page: Vec<StartupId>,
    /// No non-empty `dashlord_url`.
    pub no_dashlord: Vec<StartupId>,
    /// No `accessibility_status`.
    pub no_accessibility_status: Vec<StartupId>,
}

/// The dashboard at a date. Its JSON form is a contract: every key always present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Dashboard {
    /// The date the figures describe.
    pub as_of: NaiveDate,
    /// The rule that made a product active.
    pub active_rule: ActiveRule,
    /// Product counts.
    pub products: Products,
    /// Incubator id -> active products (a co-incubated product under each incubator).
    pub active_by_incubator: Counts,
    /// Incubator id -> current phase -> products (every product with a phase started).
    pub incubator_by_phase: BTreeMap<String, Counts>,
    /// Year -> products whose earliest `construction` phase started that year.
    pub launches_by_year: YearCounts,
    /// Year -> products whose earliest `national_impact` event falls in that year.
    pub national_impact_by_year: YearCounts,
    /// Current phase -> products with a repository among the products of that phase.
    pub open_source_by_phase: BTreeMap<String, OpenSource>,
    /// Active products with a public statistics page.
    pub stats_page: Coverage,
    /// Active products with a Dashlord URL.
    pub dashlord: Coverage,
    /// `accessibility_status` -> active products (`unknown` when absent).
    pub accessibility_status: Counts,
    /// Theme (`thematiques`) -> active products.
    pub by_thematique: Counts,
    /// Theme -> current phase -> products (every product with a phase started).
    pub thematique_by_phase: BTreeMap<String, Counts>,
    /// Sponsor -> active products.
    pub by_sponsor: Counts,
    /// Member figures.
    pub members: MemberFigures,
    /// Active products with something missing.
    pub to_fix: ToFix,
    /// Figure key -> the rule used, in words (English).
    pub definitions: BTreeMap<String, String>,
}

impl Dashboard {
    /// A dashboard with nothing counted: every figure zero or empty.
    #[must_use]
    pub fn empty(as_of: NaiveDate, active_rule: ActiveRule) -> Self {
        Self {
            as_of,
            active_rule,
            products: Products::default(),
            active_by_incubator: Counts::new(),
            incubator_by_phase: BTreeMap::new(),
            launches_by_year: YearCounts::new(),
            national_impact_by_year: YearCounts::new(),
            open_source_by_phase: BTreeMap::new(),
            stats_page: Coverage::default(),
            dashlord: Coverage::default(),
            accessibility_status: Counts::new(),
            by_thematique: Counts::new(),
            thematique_by_phase: BTreeMap::new(),
            by_sponsor: Counts::new(),
            members: MemberFigures::default(),
            to_fix: ToFix::default(),
            definitions: BTreeMap::new(),
        }
    }
}
