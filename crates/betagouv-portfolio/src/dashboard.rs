//! The incubator's dashboard at a date: the figures of beta.gouv.fr's statistics page
//! and of its community notebook, computed from the records with their definitions
//! written down (products by phase, launches and national impact per year, open-source
//! rate, statistics pages, Dashlord and accessibility coverage, themes, sponsors,
//! members).
//!
//! A [`Dashboard`] is a pure function of start-ups, members, a vocabulary and a date
//! ([`Dashboard::compute`], [`Dashboard::of_records`]); its JSON form is a contract,
//! every key always present (empty maps where nothing counts). [`definitions`] gives
//! the rule of each figure in words; `docs/dashboard.md` in the repository compares
//! them with the annual report's.
//!
//! On the built-in 2016 portfolio (27 `status` records of the 2016 vocabulary, where
//! the site's active list is investigation, construction, consolidation, passation):
//!
//! ```
//! use betagouv_portfolio::{builtin, ActiveRule, Dashboard, DashboardOptions};
//! let p = builtin::portfolio_2016();
//! let d = Dashboard::compute(&p, builtin::as_of_2016(), &DashboardOptions::default());
//! assert_eq!((d.products.total, d.products.active), (27, 26)); // one `success`
//! assert_eq!(d.products.by_phase["construction"], 14);
//! assert_eq!(d.products.by_phase["consolidation"], 10);
//! // 14 in construction: 3 started in 2014, 2 in 2015, 9 in 2016.
//! assert_eq!(d.launches_by_year.get(&2016), Some(&9));
//! let open = d.open_source_by_phase["construction"];
//! assert_eq!((open.with_repository, open.total), (9, 14));
//! // No 2016 record has a statistics page, a Dashlord URL or an accessibility status.
//! assert_eq!((d.stats_page.with, d.stats_page.total), (0, 26));
//! assert_eq!(d.accessibility_status["unknown"], 26);
//! assert_eq!(d.to_fix.no_dashlord.len(), 26);
//! assert_eq!((d.members.total, d.members.active), (50, 27));
//! assert_eq!(d.members.new_by_year.get(&2016), Some(&19));
//! assert!(d.definitions.contains_key("products.by_phase"));
//! // Before 2026 our stage table and the site's list agree.
//! let stage = DashboardOptions::default().with_active_rule(ActiveRule::Stage);
//! let s = Dashboard::compute(&p, builtin::as_of_2016(), &stage);
//! assert_eq!(s.products.active, 26);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::active::ActiveRule;
use crate::date::RecordDate;
use crate::id::StartupId;
use crate::member::Member;
use crate::phase::{PhaseRule, Vocabulary};
use crate::portfolio::Portfolio;
use crate::snapshot::{NO_STATUS, count_key};
use crate::startup::{Sponsor, Startup};
use crate::value::Value;

mod definitions;
#[cfg(test)]
mod tests;

pub use definitions::definitions;

/// Key of `accessibility_status` for an active product without a status.
pub const UNKNOWN_STATUS: &str = "unknown";

/// Key of `members.active_by_domaine` for an active member without a `domaine`.
pub const NO_DOMAINE: &str = NO_STATUS;

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
    /// Products with no phase started on or before the date (none, undated, or all
    /// planned later): `total` minus the sum of `by_phase`.
    pub no_phase_started: usize,
}

/// Member figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFigures {
    /// Member records read.
    pub total: usize,
    /// Members with a mission covering the date.
    pub active: usize,
    /// Year of each member's first mission start (on or before the date) -> members.
    pub new_by_year: YearCounts,
    /// Year of each member's first mission start (as in `new_by_year`) -> the status
    /// of that mission ([`NO_STATUS`] when it has none) -> members.
    pub new_by_status: BTreeMap<i32, Counts>,
    /// Members with no mission start written as an exact date (no mission, or only
    /// missing or partial starts): never counted in `new_by_year` nor active.
    pub no_dated_mission: usize,
    /// Members whose earliest exact mission start is after the date (they arrive
    /// later): `total` = the sum of `new_by_year` + `no_dated_mission` +
    /// `starting_later`.
    pub starting_later: usize,
    /// Active members by `domaine` ([`NO_DOMAINE`] when it has none).
    pub active_by_domaine: Counts,
    /// Active members by competence (a member counted under each of its competences).
    pub active_by_competence: Counts,
    /// Active members by the status of their current mission ([`NO_STATUS`] when it
    /// has none).
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
    /// Year -> incubator id -> products launched that year (as in `launches_by_year`),
    /// a co-incubated product under each incubator: the statistics page's launches
    /// by incubator.
    pub launches_by_incubator: BTreeMap<i32, Counts>,
    /// Year -> products whose earliest `national_impact` event falls in that year.
    pub national_impact_by_year: YearCounts,
    /// Current phase -> products with a repository among the products of that phase.
    pub open_source_by_phase: BTreeMap<String, OpenSource>,
    /// Active products with a public statistics page.
    pub stats_page: Coverage,
    /// Current phase -> products of that phase with a statistics page (every product
    /// with a phase started, active or not): the statistics page's chart by phase.
    pub stats_page_by_phase: BTreeMap<String, Coverage>,
    /// Active products with a Dashlord URL.
    pub dashlord: Coverage,
    /// Current phase -> products of that phase with a Dashlord URL (every product
    /// with a phase started).
    pub dashlord_by_phase: BTreeMap<String, Coverage>,
    /// `accessibility_status` -> active products (`unknown` when absent).
    pub accessibility_status: Counts,
    /// Current phase -> `accessibility_status` -> products (every product with a
    /// phase started).
    pub accessibility_status_by_phase: BTreeMap<String, Counts>,
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
            launches_by_incubator: BTreeMap::new(),
            national_impact_by_year: YearCounts::new(),
            open_source_by_phase: BTreeMap::new(),
            stats_page: Coverage::default(),
            stats_page_by_phase: BTreeMap::new(),
            dashlord: Coverage::default(),
            dashlord_by_phase: BTreeMap::new(),
            accessibility_status: Counts::new(),
            accessibility_status_by_phase: BTreeMap::new(),
            by_thematique: Counts::new(),
            thematique_by_phase: BTreeMap::new(),
            by_sponsor: Counts::new(),
            members: MemberFigures::default(),
            to_fix: ToFix::default(),
            definitions: BTreeMap::new(),
        }
    }

    /// The dashboard of `portfolio` at `at`: [`Dashboard::of_records`] on its records
    /// and vocabulary.
    #[must_use]
    pub fn compute(portfolio: &Portfolio, at: NaiveDate, options: &DashboardOptions) -> Self {
        Self::of_records(
            portfolio.vocabulary,
            &portfolio.startups,
            &portfolio.members,
            at,
            options,
        )
    }

    /// The dashboard of these start-ups and members at `at`, their phase names read
    /// in `vocabulary`, whatever holds them. Every figure follows the rule
    /// [`definitions`] gives in words (also filled in `definitions`).
    ///
    /// ```
    /// use betagouv_portfolio::{builtin, Dashboard, DashboardOptions};
    /// let p = builtin::portfolio_2016();
    /// let (at, o) = (builtin::as_of_2016(), DashboardOptions::default());
    /// let d = Dashboard::of_records(p.vocabulary, &p.startups, &p.members, at, &o);
    /// assert_eq!(d, Dashboard::compute(&p, at, &o));
    /// assert_eq!(d.products.total, 27);
    /// ```
    #[must_use]
    pub fn of_records<'a, S, M>(
        vocabulary: Vocabulary,
        startups: S,
        members: M,
        at: NaiveDate,
        options: &DashboardOptions,
    ) -> Self
    where
        S: IntoIterator<Item = &'a Startup>,
        M: IntoIterator<Item = &'a Member>,
    {
        let mut d = Self::empty(at, options.active_rule);
        for s in startups {
            d.add_startup(s, vocabulary, options);
        }
        for m in members {
            d.add_member(m);
        }
        d.to_fix.no_stats_page.sort();
        d.to_fix.no_dashlord.sort();
        d.to_fix.no_accessibility_status.sort();
        d.definitions = definitions(vocabulary, options);
        d
    }

    /// Counts one start-up in every product figure.
    fn add_startup(&mut self, s: &Startup, vocabulary: Vocabulary, options: &DashboardOptions) {
        let at = self.as_of;
        self.products.total += 1;
        let incubators: BTreeSet<&str> = s.incubator_ids().map(|i| i.as_str()).collect();
        if let Some(year) = launch_year(s, at) {
            *self.launches_by_year.entry(year).or_insert(0) += 1;
            for i in &incubators {
                count_key(self.launches_by_incubator.entry(year).or_default(), i);
            }
        }
        if let Some(year) = national_impact_year(s, at) {
            *self.national_impact_by_year.entry(year).or_insert(0) += 1;
        }
        let themes: BTreeSet<&str> = s.themes.iter().map(String::as_str).collect();
        let quality = Quality::of(s);
        match s.phase_at(at, options.phase_rule) {
            Some(phase) => self.count_phase(&phase.name, &incubators, &themes, &quality),
            None => self.products.no_phase_started += 1,
        }
        if !options
            .active_rule
            .is_active(s, vocabulary, at, options.phase_rule)
        {
            return;
        }
        self.products.active += 1;
        for i in &incubators {
            count_key(&mut self.active_by_incubator, i);
        }
        for t in &themes {
            count_key(&mut self.by_thematique, t);
        }
        let sponsors: BTreeSet<&str> = s.sponsors.iter().map(Sponsor::key).collect();
        for k in sponsors {
            count_key(&mut self.by_sponsor, k);
        }
        self.count_active_quality(&s.id, &quality);
    }

    /// Counts one product whose current phase is `name` in the figures by phase.
    fn count_phase(
        &mut self,
        name: &str,
        incubators: &BTreeSet<&str>,
        themes: &BTreeSet<&str>,
        q: &Quality<'_>,
    ) {
        count_key(&mut self.products.by_phase, name);
        let open = self
            .open_source_by_phase
            .entry(name.to_owned())
            .or_default();
        open.total += 1;
        open.with_repository += usize::from(q.repository);
        for (map, yes) in [
            (&mut self.stats_page_by_phase, q.stats_page),
            (&mut self.dashlord_by_phase, q.dashlord),
        ] {
            let c = map.entry(name.to_owned()).or_default();
            c.total += 1;
            c.with += usize::from(yes);
        }
        let by = &mut self.accessibility_status_by_phase;
        count_key(by.entry(name.to_owned()).or_default(), q.status_key());
        for i in incubators {
            count_key(
                self.incubator_by_phase.entry((*i).to_owned()).or_default(),
                name,
            );
        }
        for t in themes {
            count_key(
                self.thematique_by_phase.entry((*t).to_owned()).or_default(),
                name,
            );
        }
    }

    /// Counts one active product in the coverage figures and the lists to fix.
    fn count_active_quality(&mut self, id: &StartupId, q: &Quality<'_>) {
        for (yes, coverage, to_fix) in [
            (
                q.stats_page,
                &mut self.stats_page,
                &mut self.to_fix.no_stats_page,
            ),
            (q.dashlord, &mut self.dashlord, &mut self.to_fix.no_dashlord),
        ] {
            coverage.total += 1;
            if yes {
                coverage.with += 1;
            } else {
                to_fix.push(id.clone());
            }
        }
        count_key(&mut self.accessibility_status, q.status_key());
        if q.accessibility_status.is_none() {
            self.to_fix.no_accessibility_status.push(id.clone());
        }
    }

    /// Counts one member in the member figures.
    fn add_member(&mut self, m: &Member) {
        let at = self.as_of;
        let f = &mut self.members;
        f.total += 1;
        match first_mission(m) {
            None => f.no_dated_mission += 1,
            Some((first, _)) if first > at => f.starting_later += 1,
            Some((first, status)) => {
                *f.new_by_year.entry(first.year()).or_insert(0) += 1;
                let by = f.new_by_status.entry(first.year()).or_default();
                count_key(by, status.unwrap_or(NO_STATUS));
            }
        }
        let Some(mission) = m.mission_at(at) else {
            return;
        };
        f.active += 1;
        count_key(
            &mut f.active_by_status,
            mission.status.as_deref().unwrap_or(NO_STATUS),
        );
        count_key(
            &mut f.active_by_domaine,
            m.domaine
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or(NO_DOMAINE),
        );
        let competences: BTreeSet<&str> = m.competences.iter().map(String::as_str).collect();
        for c in competences {
            count_key(&mut f.active_by_competence, c);
        }
    }
}

/// What a product has of the quality standards.
struct Quality<'a> {
    /// A non-blank `repository`.
    repository: bool,
    /// A statistics page.
    stats_page: bool,
    /// A Dashlord URL.
    dashlord: bool,
    /// The accessibility status, when given.
    accessibility_status: Option<&'a str>,
}

impl<'a> Quality<'a> {
    fn of(s: &'a Startup) -> Self {
        Self {
            repository: has_text(s.links.repository.as_deref()),
            stats_page: has_stats_page(s),
            dashlord: extra_text(s, "dashlord_url").is_some(),
            accessibility_status: extra_text(s, "accessibility_status"),
        }
    }

    /// The key the product counts under in `accessibility_status`.
    fn status_key(&self) -> &'a str {
        self.accessibility_status.unwrap_or(UNKNOWN_STATUS)
    }
}

/// Whether a text is there and not blank.
fn has_text(t: Option<&str>) -> bool {
    t.is_some_and(|t| !t.trim().is_empty())
}

/// Whether the product has a public statistics page: a non-empty `stats_url`, or
/// `stats: true`.
fn has_stats_page(s: &Startup) -> bool {
    has_text(s.links.stats_url.as_deref()) || s.links.stats == Some(true)
}

/// The text of unmodelled key `key` as the dashboard reads it: a non-blank text as
/// written; in a list, its first non-blank text; `None` for anything else (absent,
/// null, blank, a list without text, a number, a mapping).
fn extra_text<'a>(s: &'a Startup, key: &str) -> Option<&'a str> {
    let text = |v: &'a Value| v.as_str().filter(|t| !t.trim().is_empty());
    match s.extra.get(key)? {
        Value::Seq(items) => items.iter().find_map(text),
        v => text(v),
    }
}

/// The start and status of the member's first mission: the earliest exact start
/// (ties: the later in the file, as for the current mission); `None` when no mission
/// start is an exact date.
fn first_mission(m: &Member) -> Option<(NaiveDate, Option<&str>)> {
    let mut first: Option<(NaiveDate, Option<&str>)> = None;
    for x in &m.missions {
        if let Some(d) = x.start.as_ref().and_then(RecordDate::exact)
            && first.is_none_or(|(f, _)| d <= f)
        {
            first = Some((d, x.status.as_deref()));
        }
    }
    first
}

/// The year of the product's earliest `construction` phase with an exact start on
/// or before `at`.
fn launch_year(s: &Startup, at: NaiveDate) -> Option<i32> {
    let starts = s.phases.iter().filter(|p| p.name == "construction");
    earliest_year(starts.map(|p| p.start.as_ref()), at)
}

/// The year of the product's earliest `national_impact` event with an exact date on
/// or before `at`.
fn national_impact_year(s: &Startup, at: NaiveDate) -> Option<i32> {
    let dates = s.events.iter().filter(|e| e.name == "national_impact");
    earliest_year(dates.map(|e| e.date.as_ref()), at)
}

/// The year of the earliest exact date on or before `at` (other dates ignored).
fn earliest_year<'a>(
    dates: impl Iterator<Item = Option<&'a RecordDate>>,
    at: NaiveDate,
) -> Option<i32> {
    dates
        .filter_map(|d| d.and_then(RecordDate::exact))
        .filter(|d| *d <= at)
        .min()
        .map(|d| d.year())
}
