//! Start-ups d'État: the services the incubator builds.
//!
//! ```
//! use betagouv_portfolio::{Phase, PhaseRule, Startup, StartupId, Vocabulary, Stage};
//! use chrono::NaiveDate;
//! let d = |s: &str| s.parse::<NaiveDate>();
//! let mut s = Startup::new(StartupId::new("la-bonne-boite")?, "La Bonne Boîte");
//! s.phases = vec![
//!     Phase::new("investigation", Some(d("2015-01-01")?)),
//!     Phase::new("construction", Some(d("2015-06-01")?)),
//! ];
//! assert_eq!(s.phase_at(d("2015-03-01")?, PhaseRule::AtDate).map(|p| p.name.as_str()), Some("investigation"));
//! assert_eq!(s.stage_at(d("2014-01-01")?, Vocabulary::V2020, PhaseRule::AtDate), Stage::NotStarted);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::date::RecordDate;
use crate::id::{IncubatorId, MemberId, OrganisationId, StartupId};
use crate::phase::{Phase, PhaseField, PhaseRule, Stage, Vocabulary};
use crate::value::Extra;

/// A sponsor of a start-up.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "source")]
pub enum Sponsor {
    /// A reference to an organisation record (`/organisations/<id>` in files since 2022-03).
    Organisation {
        /// The organisation id, prefix removed.
        id: OrganisationId,
    },
    /// An inline sponsor mapping (files from 2020-10 to 2022-03).
    Inline {
        /// `name`.
        name: String,
        /// `acronym`.
        acronym: Option<String>,
        /// `type` (e.g. `administration-centrale`).
        kind: Option<String>,
        /// `domaine_ministeriel`.
        domaine_ministeriel: Option<String>,
    },
}

impl Sponsor {
    /// The key sponsors are counted by: the organisation id, or the inline sponsor's name.
    #[must_use]
    pub fn key(&self) -> &str {
        match self {
            Sponsor::Organisation { id } => id.as_str(),
            Sponsor::Inline { name, .. } => name,
        }
    }
}

/// The event names the site knows, oldest first: the five of the 2020 schema
/// (`product_launch`, `committee`, `other`, `national_impact`, `end`), then `fast`
/// (a FAST fund grant, used since 2023 though never in a schema) and `eig` (a
/// laureate of the EIG programme joined the team, 2025). Other names are kept as
/// written; the site shows a badge for `fast`, `national_impact` and `eig`.
///
/// ```
/// use betagouv_portfolio::{Event, EVENT_NAMES};
/// assert!(EVENT_NAMES.contains(&"eig"));
/// assert!(Event::new("eig", None).is_known());
/// ```
pub const EVENT_NAMES: [&str; 7] = [
    "product_launch",
    "committee",
    "other",
    "national_impact",
    "end",
    "fast",
    "eig",
];

/// A dated event of a start-up (`national_impact`, `product_launch`, `fast`, `eig`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Event {
    /// The name as written.
    pub name: String,
    /// The date, when given.
    pub date: Option<RecordDate>,
    /// Free-text comment.
    pub comment: Option<String>,
    /// Keys of the event item the model does not know, with their value, type and file
    /// order (empty for new events). Writers put them back after the modelled keys.
    /// Missing in older JSON: read as empty.
    #[serde(default)]
    pub extra: Extra,
}

impl Event {
    /// An event with a name and an exact date (no comment or unknown key).
    ///
    /// ```
    /// use betagouv_portfolio::Event;
    /// let e = Event::new("national_impact", chrono::NaiveDate::from_ymd_opt(2020, 5, 1));
    /// assert_eq!(e.name, "national_impact");
    /// assert!(e.extra.is_empty());
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>, date: Option<NaiveDate>) -> Self {
        Self {
            name: name.into(),
            date: date.map(RecordDate::Exact),
            comment: None,
            extra: Extra::default(),
        }
    }

    /// Whether the name is one of [`EVENT_NAMES`] (compared exactly).
    #[must_use]
    pub fn is_known(&self) -> bool {
        EVENT_NAMES.contains(&self.name.as_str())
    }
}

/// A start-up's links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Links {
    /// The service (`link`).
    pub site: Option<String>,
    /// Source code (`repository`).
    pub repository: Option<String>,
    /// Whether a public stats page exists at `<site>/stats` (`stats`).
    pub stats: Option<bool>,
    /// Explicit stats page (`stats_url`).
    pub stats_url: Option<String>,
    /// Public budget page (`budget_url`).
    pub budget_url: Option<String>,
    /// Impact page (`impact_url`).
    pub impact_url: Option<String>,
}

/// A start-up d'État.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Startup {
    /// The id (file name without `.md`).
    pub id: StartupId,
    /// Product name (`title`).
    pub name: String,
    /// One-sentence pitch (`mission`).
    pub pitch: String,
    /// Main incubator (`incubator`), since 2018.
    pub incubator: Option<IncubatorId>,
    /// Co-incubation list (`incubators`), since 2026-08.
    pub incubators: Vec<IncubatorId>,
    /// Sponsors.
    pub sponsors: Vec<Sponsor>,
    /// Where the phases came from.
    pub phase_field: PhaseField,
    /// Phases in file order. A `status` record has one phase: its status and `start`.
    pub phases: Vec<Phase>,
    /// End of the start-up (`end`, 2018-2020 `status` records).
    pub end: Option<RecordDate>,
    /// Links.
    pub links: Links,
    /// Contact e-mail (`contact`).
    pub contact: Option<String>,
    /// The product's contact at the DINUM (`contact_dinum`, a member id), since
    /// 2026-06. Missing in older JSON: read as none.
    #[serde(default)]
    pub contact_dinum: Option<MemberId>,
    /// The product's contact at its incubator (`contact_incubator`, a member id),
    /// since 2026-06. Missing in older JSON: read as none.
    #[serde(default)]
    pub contact_incubator: Option<MemberId>,
    /// Themes (`thematiques`).
    pub themes: Vec<String>,
    /// User types (`usertypes`) as written: mostly the site's list (`particulier`,
    /// `etat`, `collectivite-territoriale`, ...), but free text is accepted too.
    pub user_types: Vec<String>,
    /// Technologies (`techno`).
    pub techno: Vec<String>,
    /// Events.
    pub events: Vec<Event>,
    /// Sponsoring administration as free text (`owner`, 2016-2022 records).
    pub owner: Option<String>,
    /// Keys the model does not know, in file order.
    pub extra: Extra,
    /// Markdown body.
    pub body: String,
}

impl Startup {
    /// A start-up with a name and nothing else (phases from a `phases` list).
    #[must_use]
    pub fn new(id: StartupId, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            pitch: String::new(),
            incubator: None,
            incubators: Vec::new(),
            sponsors: Vec::new(),
            phase_field: PhaseField::Phases,
            phases: Vec::new(),
            end: None,
            links: Links::default(),
            contact: None,
            contact_dinum: None,
            contact_incubator: None,
            themes: Vec::new(),
            user_types: Vec::new(),
            techno: Vec::new(),
            events: Vec::new(),
            owner: None,
            extra: Extra::default(),
            body: String::new(),
        }
    }

    /// The current phase at `date` under `rule`; `None` when no phase has started
    /// (or there is none).
    ///
    /// [`PhaseRule::AtDate`]: the phase with the latest exact start on or before
    /// `date` (ties: the later one in the list; undated phases ignored). For a
    /// `status` record, its status when `start` is on or before `date`, or missing,
    /// partial or unreadable (counted as started, flagged by validation).
    ///
    /// [`PhaseRule::LastListed`] and [`PhaseRule::LatestStart`] ignore `date`; on a `status`
    /// record both give the status.
    #[must_use]
    pub fn phase_at(&self, date: NaiveDate, rule: PhaseRule) -> Option<&Phase> {
        match rule {
            PhaseRule::LastListed => self.phases.last(),
            // A `status` record has one phase, its status, whatever its start says.
            PhaseRule::LatestStart if self.phase_field == PhaseField::Status => self.phases.last(),
            PhaseRule::LatestStart => latest_by_start(&self.phases, |_| true),
            PhaseRule::AtDate => match self.phase_field {
                PhaseField::Status => self.phases.last().filter(|p| match &p.start {
                    Some(RecordDate::Exact(s)) => *s <= date,
                    _ => true,
                }),
                PhaseField::Phases => latest_by_start(&self.phases, |s| s <= date),
            },
        }
    }

    /// The current phase at `date` under the library's rule: [`Startup::phase_at`]
    /// with [`PhaseRule::AtDate`]. No vocabulary is needed for the phase; for what it
    /// means, see [`Portfolio::current_stage`](crate::Portfolio::current_stage).
    ///
    /// ```
    /// use betagouv_portfolio::{Phase, Startup, StartupId};
    /// use betagouv_portfolio::chrono::NaiveDate;
    /// let d = |s: &str| s.parse::<NaiveDate>();
    /// let mut s = Startup::new(StartupId::new("mes-aides")?, "Mes Aides");
    /// s.phases = vec![
    ///     Phase::new("investigation", Some(d("2014-10-01")?)),
    ///     Phase::new("construction", Some(d("2015-03-01")?)),
    /// ];
    /// assert_eq!(s.current_phase(d("2015-01-01")?).map(|p| p.name.as_str()), Some("investigation"));
    /// assert!(s.current_phase(d("2014-01-01")?).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn current_phase(&self, date: NaiveDate) -> Option<&Phase> {
        self.phase_at(date, PhaseRule::AtDate)
    }

    /// The stage at `date`: the stage of [`Startup::phase_at`] in `vocabulary`, or
    /// [`Stage::NotStarted`] when no phase has started. With a portfolio at hand,
    /// [`Portfolio::stage_at`](crate::Portfolio::stage_at) uses its vocabulary.
    #[must_use]
    pub fn stage_at(&self, date: NaiveDate, vocabulary: Vocabulary, rule: PhaseRule) -> Stage {
        self.phase_at(date, rule)
            .map_or(Stage::NotStarted, |p| vocabulary.stage_of(&p.name))
    }

    /// The earliest exact phase start, if any.
    #[must_use]
    pub fn first_start(&self) -> Option<NaiveDate> {
        self.phases
            .iter()
            .filter_map(|p| p.start.as_ref().and_then(RecordDate::exact))
            .min()
    }

    /// The member ids the start-up names as contacts, with their key:
    /// `contact_dinum`, then `contact_incubator`, when given.
    ///
    /// ```
    /// use betagouv_portfolio::{MemberId, Startup, StartupId};
    /// let mut s = Startup::new(StartupId::new("a")?, "A");
    /// s.contact_incubator = Some(MemberId::new("ada.lovelace")?);
    /// let c: Vec<_> = s.contact_members().map(|(k, m)| (k, m.as_str())).collect();
    /// assert_eq!(c, [("contact_incubator", "ada.lovelace")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contact_members(&self) -> impl Iterator<Item = (&'static str, &MemberId)> {
        let dinum = self.contact_dinum.iter().map(|m| ("contact_dinum", m));
        let incubator = self
            .contact_incubator
            .iter()
            .map(|m| ("contact_incubator", m));
        dinum.chain(incubator)
    }

    /// The start-up's incubator ids: `incubators` when given, else `incubator`.
    pub fn incubator_ids(&self) -> impl Iterator<Item = &IncubatorId> {
        let list = if self.incubators.is_empty() {
            self.incubator.as_slice()
        } else {
            self.incubators.as_slice()
        };
        list.iter()
    }
}

/// The phase with the greatest exact start accepted by `keep` (ties: the later in the list).
fn latest_by_start(phases: &[Phase], keep: impl Fn(NaiveDate) -> bool) -> Option<&Phase> {
    let mut best: Option<(NaiveDate, &Phase)> = None;
    for p in phases {
        if let Some(s) = p.start.as_ref().and_then(RecordDate::exact)
            && keep(s)
            && best.is_none_or(|(b, _)| s >= b)
        {
            best = Some((s, p));
        }
    }
    best.map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn startup(phases: Vec<Phase>) -> Startup {
        let mut s = Startup::new(StartupId::new("x").unwrap(), "X");
        s.phases = phases;
        s
    }

    #[test]
    fn rules_differ_on_real_quirks() {
        // Out of order, with an undated last item and a planned phase.
        let s = startup(vec![
            Phase::new("construction", Some(d(2020, 1, 1))),
            Phase::new("investigation", Some(d(2019, 1, 1))),
            Phase::new("acceleration", Some(d(2030, 1, 1))),
            Phase::new("alumni", None),
        ]);
        let at = d(2021, 1, 1);
        let name = |r| s.phase_at(at, r).map(|p| p.name.clone());
        assert_eq!(name(PhaseRule::AtDate).as_deref(), Some("construction"));
        assert_eq!(name(PhaseRule::LastListed).as_deref(), Some("alumni"));
        assert_eq!(
            name(PhaseRule::LatestStart).as_deref(),
            Some("acceleration")
        );
    }

    #[test]
    fn ties_take_the_later_item() {
        let s = startup(vec![
            Phase::new("construction", Some(d(2020, 1, 1))),
            Phase::new("acceleration", Some(d(2020, 1, 1))),
        ]);
        let p = s.phase_at(d(2020, 1, 1), PhaseRule::AtDate);
        assert_eq!(p.map(|p| p.name.as_str()), Some("acceleration"));
    }

    #[test]
    fn status_records_with_partial_start_count_as_started() {
        let mut s = startup(vec![Phase {
            name: "consolidation".into(),
            start: Some(RecordDate::parse("2015-01")),
            end: None,
            comment: None,
            extra: Extra::default(),
        }]);
        s.phase_field = PhaseField::Status;
        assert_eq!(
            s.stage_at(d(2000, 1, 1), Vocabulary::V2016, PhaseRule::AtDate),
            Stage::Incubating
        );
        s.phases[0].start = Some(RecordDate::Exact(d(2016, 6, 1)));
        assert_eq!(
            s.stage_at(d(2016, 5, 31), Vocabulary::V2016, PhaseRule::AtDate),
            Stage::NotStarted
        );
    }
}
