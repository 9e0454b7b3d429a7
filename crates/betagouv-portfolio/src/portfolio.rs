//! The portfolio: every record of an incubator, and its domain validation.
//!
//! ```
//! use betagouv_portfolio::{Portfolio, Startup, StartupId, Vocabulary};
//! let mut p = Portfolio::new(Vocabulary::V2020);
//! p.startups.push(Startup::new(StartupId::new("a")?, "A"));
//! let problems = p.validate();
//! // A start-up with no phase, no pitch: reported, never a panic.
//! assert!(problems.iter().any(|d| d.rule == "startup-no-phase"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::date::RecordDate;
use crate::diagnostic::{Diagnostic, RecordKind, Severity};
use crate::member::{Member, Mission};
use crate::org::{Incubator, Organisation};
use crate::phase::{Phase, PhaseField, PhaseRule, Stage, Vocabulary};
use crate::rules;
use crate::startup::{Sponsor, Startup};

/// Every record of an incubator, with the phase vocabulary its start-ups use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portfolio {
    /// The phase vocabulary (decided for the whole folder; see [`Vocabulary::detect`]).
    pub vocabulary: Vocabulary,
    /// Start-ups, in the order they were read.
    pub startups: Vec<Startup>,
    /// Members.
    pub members: Vec<Member>,
    /// Incubators.
    pub incubators: Vec<Incubator>,
    /// Organisations.
    pub organisations: Vec<Organisation>,
}

impl Portfolio {
    /// An empty portfolio using `vocabulary`.
    #[must_use]
    pub fn new(vocabulary: Vocabulary) -> Self {
        Self {
            vocabulary,
            startups: Vec::new(),
            members: Vec::new(),
            incubators: Vec::new(),
            organisations: Vec::new(),
        }
    }

    /// The vocabulary the start-ups' phase names point to (see [`Vocabulary::detect`]).
    #[must_use]
    pub fn detect_vocabulary(&self) -> Vocabulary {
        Vocabulary::detect(
            self.startups
                .iter()
                .map(|s| (s.phase_field, s.phases.iter().map(|p| p.name.as_str()))),
        )
    }

    /// The start-up with id `id` (a [`StartupId`](crate::StartupId) or a text).
    #[must_use]
    pub fn startup(&self, id: impl AsRef<str>) -> Option<&Startup> {
        by_id(&self.startups, id.as_ref(), |s| s.id.as_str())
    }

    /// The member with id `id` (a [`MemberId`](crate::MemberId) or a text).
    #[must_use]
    pub fn member(&self, id: impl AsRef<str>) -> Option<&Member> {
        by_id(&self.members, id.as_ref(), |m| m.id.as_str())
    }

    /// The incubator record with id `id` (an [`IncubatorId`](crate::IncubatorId) or a
    /// text); `None` when the portfolio holds no such record (a start-up may still
    /// name it, see [`Portfolio::referenced_incubators`]).
    ///
    /// ```
    /// use betagouv_portfolio::{Incubator, IncubatorId, Portfolio, Vocabulary};
    /// let mut p = Portfolio::new(Vocabulary::V2026);
    /// let dinum = IncubatorId::new("dinum")?;
    /// p.incubators.push(Incubator::new(dinum.clone(), "Incubateur de la DINUM"));
    /// assert_eq!(p.incubator(&dinum).map(|i| i.title.as_str()), Some("Incubateur de la DINUM"));
    /// assert!(p.incubator("FabNum-MI").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn incubator(&self, id: impl AsRef<str>) -> Option<&Incubator> {
        by_id(&self.incubators, id.as_ref(), |i| i.id.as_str())
    }

    /// The organisation record with id `id` (an
    /// [`OrganisationId`](crate::OrganisationId) or a text).
    #[must_use]
    pub fn organisation(&self, id: impl AsRef<str>) -> Option<&Organisation> {
        by_id(&self.organisations, id.as_ref(), |o| o.id.as_str())
    }

    /// The start-ups of incubator `id`, in portfolio order, counting co-incubation: a
    /// start-up belongs to every incubator of its `incubators` list when it has one,
    /// else to its `incubator` (see [`Startup::incubator_ids`]).
    ///
    /// ```
    /// use betagouv_portfolio::{IncubatorId, Portfolio, Startup, StartupId, Vocabulary};
    /// let mut p = Portfolio::new(Vocabulary::V2026);
    /// let mut a = Startup::new(StartupId::new("a")?, "A");
    /// a.incubator = Some(IncubatorId::new("dinum")?);
    /// let mut b = Startup::new(StartupId::new("b")?, "B");
    /// b.incubator = Some(IncubatorId::new("dinum")?);
    /// b.incubators = vec![IncubatorId::new("dinum")?, IncubatorId::new("anct")?];
    /// p.startups = vec![a, b];
    /// let ids = |inc: &str| p.startups_of_incubator(inc).map(|s| s.id.as_str()).collect::<Vec<_>>();
    /// assert_eq!(ids("dinum"), ["a", "b"]);
    /// assert_eq!(ids("anct"), ["b"]);
    /// assert!(ids("FabNum-MI").is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn startups_of_incubator(&self, id: impl AsRef<str>) -> impl Iterator<Item = &Startup> {
        self.startups
            .iter()
            .filter(move |s| s.incubator_ids().any(|i| i.as_str() == id.as_ref()))
    }

    /// The stage of `startup` at `date` under `rule`, in the portfolio's
    /// [`vocabulary`](Portfolio::vocabulary) (the one its records were read with):
    /// [`Startup::stage_at`] without passing the vocabulary back in.
    ///
    /// ```
    /// use betagouv_portfolio::{builtin, PhaseRule, Stage};
    /// let p = builtin::portfolio_2016();
    /// let s = p.startup("labonneboite").ok_or("no such start-up")?;
    /// assert_eq!(p.stage_at(s, builtin::as_of_2016(), PhaseRule::AtDate), Stage::Incubating);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn stage_at(&self, startup: &Startup, date: NaiveDate, rule: PhaseRule) -> Stage {
        self.stage_of_phase(startup.phase_at(date, rule))
    }

    /// The stage of `startup` at `date` under the library's rule
    /// ([`PhaseRule::AtDate`]), in the portfolio's vocabulary: the stage of
    /// [`Startup::current_phase`].
    ///
    /// ```
    /// use betagouv_portfolio::{builtin, Stage};
    /// let p = builtin::portfolio_2016();
    /// let s = p.startup("labonneboite").ok_or("no such start-up")?;
    /// assert_eq!(p.current_stage(s, builtin::as_of_2016()), Stage::Incubating);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn current_stage(&self, startup: &Startup, date: NaiveDate) -> Stage {
        self.stage_of_phase(startup.current_phase(date))
    }

    /// What `phase` means in the portfolio's vocabulary; [`Stage::NotStarted`] for no
    /// phase.
    #[must_use]
    pub fn stage_of_phase(&self, phase: Option<&Phase>) -> Stage {
        phase.map_or(Stage::NotStarted, |p| self.vocabulary.stage_of(&p.name))
    }

    /// Checks field rules and domain rules and reports every problem found, sorted by
    /// record. Never panics.
    ///
    /// Rules (stable ids): field rules (`field-required`: a start-up's title and
    /// pitch, a member's fullname and role, an incubator's title, an organisation's
    /// name; `field-format`: a start-up's contact without `@`), checked by hand, so
    /// the same with or without the `validate` feature; `duplicate-id`; `startup-no-phase`; `unknown-phase` (a name the
    /// vocabulary does not define); `duplicate-phase`; `partial-date`, `invalid-date`;
    /// `phase-end-before-start` (error), `phase-end-equals-start`; `status-without-start`;
    /// `mission-end-before-start` (error), `mission-without-start`;
    /// `dangling-incubator`, `dangling-sponsor`, `dangling-startup`, `dangling-contact`
    /// (a start-up's `contact_dinum` or `contact_incubator` naming no member) (warnings,
    /// and only when the portfolio holds records of the referenced kind).
    #[must_use]
    pub fn validate(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let known = KnownIds::of(self);
        duplicate_ids(self, &mut out);
        for s in &self.startups {
            let mut push = record_sink(&mut out, RecordKind::Startup, s.id.as_str());
            startup_problems(s, self.vocabulary, &known, &mut push);
        }
        for m in &self.members {
            let mut push = record_sink(&mut out, RecordKind::Member, m.id.as_str());
            member_problems(m, &known, &mut push);
        }
        for i in &self.incubators {
            let mut push = record_sink(&mut out, RecordKind::Incubator, i.id.as_str());
            field_rule_problems(&[("title", required(&i.title))], &mut push);
        }
        for o in &self.organisations {
            let mut push = record_sink(&mut out, RecordKind::Organisation, o.id.as_str());
            field_rule_problems(&[("name", required(&o.name))], &mut push);
        }
        out.sort_by(|a, b| a.record.cmp(&b.record));
        out
    }

    /// Distinct incubator ids referenced by start-ups (not incubator files), sorted.
    #[must_use]
    pub fn referenced_incubators(&self) -> BTreeSet<&str> {
        self.startups
            .iter()
            .flat_map(Startup::incubator_ids)
            .map(|i| i.as_str())
            .collect()
    }

    /// Distinct sponsor keys referenced by start-ups: organisation ids (prefix removed)
    /// and inline sponsors by name, sorted.
    #[must_use]
    pub fn referenced_sponsors(&self) -> BTreeSet<&str> {
        self.startups
            .iter()
            .flat_map(|s| s.sponsors.iter().map(Sponsor::key))
            .collect()
    }

    /// Distinct `owner` strings of start-ups (2016-2022 free text), sorted.
    #[must_use]
    pub fn owners(&self) -> BTreeSet<&str> {
        self.startups
            .iter()
            .filter_map(|s| s.owner.as_deref())
            .filter(|o| !o.trim().is_empty())
            .collect()
    }
}

/// The references of a record to records of other kinds that [`Portfolio::validate`]
/// checks (one `dangling-*` warning per reference whose target is missing, when the
/// portfolio holds records of the target's kind): a start-up's incubators, organisation
/// sponsors and contact members, a member's start-ups (current, previous, and each
/// mission's).
/// For a caller that keeps the cross-record checks up to date record by record.
///
/// ```
/// use betagouv_portfolio::{Member, MemberId, Portfolio, RecordKind, Startup, StartupId, Vocabulary};
/// let mut m = Member::new(MemberId::new("m")?, "M");
/// m.startups.push(StartupId::new("gone")?);
/// assert_eq!(Portfolio::member_references(&m).collect::<Vec<_>>(), [(RecordKind::Startup, "gone")]);
/// let s = Startup::new(StartupId::new("a")?, "A");
/// assert_eq!(Portfolio::startup_references(&s).count(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Portfolio {
    /// The references of start-up `s` ([`Portfolio::validate`]'s `dangling-incubator`,
    /// `dangling-sponsor` and `dangling-contact`), in that order: its incubators, its
    /// organisation sponsors, its contacts ([`Startup::contact_members`]).
    pub fn startup_references(s: &Startup) -> impl Iterator<Item = (RecordKind, &str)> {
        let incubators = s
            .incubator_ids()
            .map(|i| (RecordKind::Incubator, i.as_str()));
        let sponsors = s.sponsors.iter().filter_map(|sp| match sp {
            Sponsor::Organisation { id } => Some((RecordKind::Organisation, id.as_str())),
            _ => None,
        });
        let contacts = s
            .contact_members()
            .map(|(_, m)| (RecordKind::Member, m.as_str()));
        incubators.chain(sponsors).chain(contacts)
    }

    /// The references of member `m` ([`Portfolio::validate`]'s `dangling-startup`).
    pub fn member_references(m: &Member) -> impl Iterator<Item = (RecordKind, &str)> {
        m.missions
            .iter()
            .flat_map(|mission| mission.startups.iter())
            .chain(m.startups.iter().chain(&m.previously))
            .map(|id| (RecordKind::Startup, id.as_str()))
    }
}

/// The record of `records` whose id (by `id_of`) is `id`.
fn by_id<'a, T>(records: &'a [T], id: &str, id_of: impl Fn(&T) -> &str) -> Option<&'a T> {
    records.iter().find(|r| id_of(r) == id)
}

/// The ids that references may point to; `None` for a kind the portfolio holds no record
/// of (then references to it are not checked: the folder may simply not include them).
struct KnownIds<'a> {
    startups: Option<HashSet<&'a str>>,
    members: Option<HashSet<&'a str>>,
    incubators: Option<HashSet<&'a str>>,
    organisations: Option<HashSet<&'a str>>,
}

impl<'a> KnownIds<'a> {
    fn of(p: &'a Portfolio) -> Self {
        fn ids<'a, T>(records: &'a [T], id: impl Fn(&'a T) -> &'a str) -> Option<HashSet<&'a str>> {
            (!records.is_empty()).then(|| records.iter().map(id).collect())
        }
        Self {
            startups: ids(&p.startups, |s| s.id.as_str()),
            members: ids(&p.members, |m| m.id.as_str()),
            incubators: ids(&p.incubators, |i| i.id.as_str()),
            organisations: ids(&p.organisations, |o| o.id.as_str()),
        }
    }
}

/// Whether `id` is missing from `known` (never when the kind is not checked).
fn dangles(known: Option<&HashSet<&str>>, id: &str) -> bool {
    known.is_some_and(|k| !k.contains(id))
}

/// Where in a record a problem is: the field (the record file's top-level key) and,
/// when the problem is below it, the path ([`Diagnostic::path`]), formatted only
/// when a problem is pushed.
#[derive(Clone, Copy)]
struct At<'f> {
    field: &'f str,
    path: Option<std::fmt::Arguments<'f>>,
}

/// At field `field` itself.
fn at(field: &str) -> At<'_> {
    At { field, path: None }
}

/// At `path` below field `field`.
fn at_path<'f>(field: &'f str, path: std::fmt::Arguments<'f>) -> At<'f> {
    At {
        field,
        path: Some(path),
    }
}

/// A pusher of problems about one record: severity, rule, where ([`At`]), message.
fn record_sink<'a>(
    out: &'a mut Vec<Diagnostic>,
    kind: RecordKind,
    id: &'a str,
) -> impl FnMut(Severity, &str, At<'_>, String) + 'a {
    move |severity, rule, at, message| {
        let mut d = Diagnostic::new(severity, rule, message)
            .for_record(kind, id)
            .on_field(at.field);
        if let Some(path) = at.path {
            d = d.on_path(path.to_string());
        }
        out.push(d);
    }
}

/// `duplicate-id` for each kind of record.
fn duplicate_ids(p: &Portfolio, out: &mut Vec<Diagnostic>) {
    duplicates(
        p.startups.iter().map(|s| s.id.as_str()),
        RecordKind::Startup,
        out,
    );
    duplicates(
        p.members.iter().map(|m| m.id.as_str()),
        RecordKind::Member,
        out,
    );
    duplicates(
        p.incubators.iter().map(|i| i.id.as_str()),
        RecordKind::Incubator,
        out,
    );
    duplicates(
        p.organisations.iter().map(|o| o.id.as_str()),
        RecordKind::Organisation,
        out,
    );
}

/// Problems of one start-up: fields, phases, event dates, references.
fn startup_problems(
    s: &Startup,
    vocabulary: Vocabulary,
    known: &KnownIds<'_>,
    push: &mut impl FnMut(Severity, &str, At<'_>, String),
) {
    let fields = [
        ("contact", contact_format(s.contact.as_deref())),
        ("mission", required(&s.pitch)),
        ("title", required(&s.name)),
    ];
    field_rule_problems(&fields, push);
    if s.phases.is_empty() {
        push(
            Severity::Warning,
            rules::STARTUP_NO_PHASE,
            at(phase_key(s.phase_field)),
            "the start-up has no phase or status".into(),
        );
    }
    let mut seen = HashSet::new();
    for (n, p) in s.phases.iter().enumerate() {
        let listed_before = !seen.insert(p.name.as_str());
        phase_problems(n, p, s.phase_field, vocabulary, listed_before, push);
    }
    for (n, e) in s.events.iter().enumerate() {
        date_problem(
            e.date.as_ref(),
            format_args!("event `{}` date", e.name),
            at_path("events", format_args!("events[{n}].date")),
            push,
        );
    }
    let listed = !s.incubators.is_empty();
    for (n, i) in s.incubator_ids().enumerate() {
        if dangles(known.incubators.as_ref(), i.as_str()) {
            let path = format_args!("incubators[{n}]");
            push(
                Severity::Warning,
                rules::DANGLING_INCUBATOR,
                At {
                    field: "incubator",
                    path: listed.then_some(path),
                },
                format!("incubator `{i}` has no incubator record"),
            );
        }
    }
    for (n, sp) in s.sponsors.iter().enumerate() {
        if let Sponsor::Organisation { id } = sp
            && dangles(known.organisations.as_ref(), id.as_str())
        {
            push(
                Severity::Warning,
                rules::DANGLING_SPONSOR,
                at_path("sponsors", format_args!("sponsors[{n}]")),
                format!("sponsor `/organisations/{id}` has no organisation record"),
            );
        }
    }
    for (key, m) in s.contact_members() {
        if dangles(known.members.as_ref(), m.as_str()) {
            push(
                Severity::Warning,
                rules::DANGLING_CONTACT,
                at(key),
                format!("`{key}` names member `{m}`, which has no record"),
            );
        }
    }
}

/// Problems of the `n`-th phase (from 0) of a start-up (`listed_before`: its name was
/// already listed). Paths are `phases[n]...` whatever the field (a `status` start-up's
/// one phase is `phases[0]`: its `status` and `start` keys).
fn phase_problems(
    n: usize,
    p: &Phase,
    field: PhaseField,
    vocabulary: Vocabulary,
    listed_before: bool,
    push: &mut impl FnMut(Severity, &str, At<'_>, String),
) {
    let key = phase_key(field);
    if vocabulary.stage_of(&p.name) == Stage::Unknown {
        push(
            Severity::Warning,
            rules::UNKNOWN_PHASE,
            at_path(key, format_args!("phases[{n}].name")),
            format!(
                "phase `{}` is not defined by the {vocabulary} vocabulary; counted as `unknown`",
                p.name
            ),
        );
    }
    if listed_before {
        push(
            Severity::Warning,
            rules::DUPLICATE_PHASE,
            at_path(key, format_args!("phases[{n}].name")),
            format!("phase `{}` is listed twice", p.name),
        );
    }
    for (what, d) in [("start", &p.start), ("end", &p.end)] {
        date_problem(
            d.as_ref(),
            format_args!("phase `{}` {what}", p.name),
            at_path(key, format_args!("phases[{n}].{what}")),
            push,
        );
    }
    if field == PhaseField::Status && p.start.is_none() {
        push(
            Severity::Warning,
            rules::STATUS_WITHOUT_START,
            at_path(key, format_args!("phases[{n}].name")),
            format!("status `{}` has no start date; counted as started", p.name),
        );
    }
    if let (Some(RecordDate::Exact(a)), Some(RecordDate::Exact(b))) = (&p.start, &p.end) {
        if b < a {
            push(
                Severity::Error,
                rules::PHASE_END_BEFORE_START,
                at_path(key, format_args!("phases[{n}].end")),
                format!("phase `{}` ends on {b}, before it starts on {a}", p.name),
            );
        } else if a == b {
            push(
                Severity::Warning,
                rules::PHASE_END_EQUALS_START,
                at_path(key, format_args!("phases[{n}].end")),
                format!("phase `{}` ends on the day it starts ({a})", p.name),
            );
        }
    }
}

/// Problems of one member: fields, missions, start-up references.
fn member_problems(
    m: &Member,
    known: &KnownIds<'_>,
    push: &mut impl FnMut(Severity, &str, At<'_>, String),
) {
    let fields = [
        ("fullname", required(&m.fullname)),
        ("role", required(&m.role)),
    ];
    field_rule_problems(&fields, push);
    for (i, mission) in m.missions.iter().enumerate() {
        mission_problems(i, mission, known, push);
    }
    let listed = m
        .startups
        .iter()
        .enumerate()
        .map(|(n, s)| ("startups", n, s));
    let previously = m.previously.iter().enumerate();
    for (key, n, sid) in listed.chain(previously.map(|(n, s)| ("previously", n, s))) {
        if dangles(known.startups.as_ref(), sid.as_str()) {
            push(
                Severity::Warning,
                rules::DANGLING_STARTUP,
                at_path(key, format_args!("{key}[{n}]")),
                format!("start-up `{sid}` has no record"),
            );
        }
    }
}

/// Problems of the `i`-th mission (from 0; "mission `i + 1`" in messages) of a member.
fn mission_problems(
    i: usize,
    mission: &Mission,
    known: &KnownIds<'_>,
    push: &mut impl FnMut(Severity, &str, At<'_>, String),
) {
    let n = i + 1;
    if mission.start.is_none() {
        push(
            Severity::Warning,
            rules::MISSION_WITHOUT_START,
            at_path("missions", format_args!("missions[{i}].start")),
            format!("mission {n} has no start date"),
        );
    }
    for (what, d) in [("start", &mission.start), ("end", &mission.end)] {
        date_problem(
            d.as_ref(),
            format_args!("mission {n} {what}"),
            at_path("missions", format_args!("missions[{i}].{what}")),
            push,
        );
    }
    if let (Some(RecordDate::Exact(a)), Some(RecordDate::Exact(b))) = (&mission.start, &mission.end)
        && b < a
    {
        push(
            Severity::Error,
            rules::MISSION_END_BEFORE_START,
            at_path("missions", format_args!("missions[{i}].end")),
            format!("mission {n} ends on {b}, before it starts on {a}"),
        );
    }
    for (j, sid) in mission.startups.iter().enumerate() {
        if dangles(known.startups.as_ref(), sid.as_str()) {
            push(
                Severity::Warning,
                rules::DANGLING_STARTUP,
                at_path("missions", format_args!("missions[{i}].startups[{j}]")),
                format!("mission {n} names start-up `{sid}`, which has no record"),
            );
        }
    }
}

/// The field rules broken by a record's fields (`field-required`, `field-format`):
/// `fields` gives each field's name and the rule it breaks, if any, sorted by name.
fn field_rule_problems(
    fields: &[(&str, Option<&'static str>)],
    push: &mut impl FnMut(Severity, &str, At<'_>, String),
) {
    for (field, rule) in fields {
        if let Some(rule) = rule {
            push(
                Severity::Error,
                rule,
                at(field),
                format!("field `{field}` {}", rule_text(rule)),
            );
        }
    }
}

/// `field-required` when `text` is empty once trimmed.
fn required(text: &str) -> Option<&'static str> {
    text.trim().is_empty().then_some(rules::FIELD_REQUIRED)
}

/// `field-format` when a given, non-empty contact has no `@` (2016 records may have
/// an empty or missing contact: only a given one is checked).
fn contact_format(contact: Option<&str>) -> Option<&'static str> {
    contact
        .filter(|c| !c.is_empty() && !c.contains('@'))
        .map(|_| rules::FIELD_FORMAT)
}

fn duplicates<'a>(ids: impl Iterator<Item = &'a str>, kind: RecordKind, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            out.push(
                Diagnostic::new(
                    Severity::Error,
                    rules::DUPLICATE_ID,
                    format!("two {kind} records have the id `{id}`"),
                )
                .for_record(kind, id),
            );
        }
    }
}

/// `what` is only formatted when there is a problem (most dates have none).
fn date_problem(
    d: Option<&RecordDate>,
    what: std::fmt::Arguments<'_>,
    field: At<'_>,
    push: &mut impl FnMut(Severity, &str, At<'_>, String),
) {
    match d {
        Some(RecordDate::Partial(s)) => push(
            Severity::Warning,
            rules::PARTIAL_DATE,
            field,
            format!("{what} `{s}` is a partial date; kept as written, never guessed"),
        ),
        Some(RecordDate::Invalid(s)) => push(
            Severity::Error,
            rules::INVALID_DATE,
            field,
            format!("{what} `{s}` is not a date; write it as YYYY-MM-DD"),
        ),
        _ => {}
    }
}

/// The file key of a start-up's phases: `phases` or (2017-2020) `status`.
fn phase_key(field: PhaseField) -> &'static str {
    match field {
        PhaseField::Status => "status",
        _ => "phases",
    }
}

fn rule_text(rule: &str) -> &'static str {
    match rule {
        rules::FIELD_REQUIRED => "is required and must not be empty",
        _ => "has an invalid format",
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{IncubatorId, MemberId, OrganisationId, StartupId};

    fn lines(p: &Portfolio) -> Vec<String> {
        p.validate()
            .iter()
            .map(|d| format!("{:?} {} {}", d.severity, d.rule, d.message))
            .collect()
    }

    #[test]
    fn a_phase_reports_its_problems_in_a_fixed_order() {
        let mut p = Portfolio::new(Vocabulary::V2020);
        let mut s = Startup::new(StartupId::new("a").unwrap(), "A");
        s.pitch = "pitch".into();
        let mut odd = Phase::new("nowhere", None);
        odd.start = Some(RecordDate::parse("2016-02"));
        odd.end = Some(RecordDate::parse("hier"));
        s.phases = vec![odd.clone(), odd];
        p.startups.push(s);
        let once = [
            "Warning unknown-phase phase `nowhere` is not defined by the 2020 vocabulary; counted as `unknown`",
            "Warning partial-date phase `nowhere` start `2016-02` is a partial date; kept as written, never guessed",
            "Error invalid-date phase `nowhere` end `hier` is not a date; write it as YYYY-MM-DD",
        ];
        let mut expected: Vec<&str> = once.to_vec();
        expected.push(once[0]);
        expected.push("Warning duplicate-phase phase `nowhere` is listed twice");
        expected.extend(&once[1..]);
        assert_eq!(lines(&p), expected);
    }

    #[test]
    fn incubators_have_a_title_and_organisations_a_name() {
        let mut p = Portfolio::new(Vocabulary::V2020);
        p.incubators
            .push(Incubator::new(IncubatorId::new("i").unwrap(), ""));
        p.organisations
            .push(Organisation::new(OrganisationId::new("o").unwrap(), ""));
        let d = p.validate();
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.record.clone(), d.rule.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some((RecordKind::Incubator, "i".to_owned())),
                    "field-required",
                    "field `title` is required and must not be empty"
                ),
                (
                    Some((RecordKind::Organisation, "o".to_owned())),
                    "field-required",
                    "field `name` is required and must not be empty"
                ),
            ]
        );
    }

    #[test]
    fn references_are_checked_only_against_kinds_the_portfolio_holds() {
        let mut p = Portfolio::new(Vocabulary::V2020);
        let mut s = Startup::new(StartupId::new("a").unwrap(), "A");
        s.pitch = "pitch".into();
        s.phases = vec![Phase::new("investigation", None)];
        s.sponsors = vec![Sponsor::Organisation {
            id: OrganisationId::new("missing").unwrap(),
        }];
        p.startups.push(s);
        let rules =
            |p: &Portfolio| -> Vec<String> { p.validate().into_iter().map(|d| d.rule).collect() };
        assert_eq!(rules(&p), Vec::<String>::new());
        p.organisations.push(Organisation::new(
            OrganisationId::new("other").unwrap(),
            "O",
        ));
        assert_eq!(rules(&p), ["dangling-sponsor"]);
    }

    #[test]
    fn contacts_resolve_to_members() {
        let mut p = Portfolio::new(Vocabulary::V2026);
        let mut s = Startup::new(StartupId::new("a").unwrap(), "A");
        s.pitch = "pitch".into();
        s.phases = vec![Phase::new("investigation", None)];
        s.contact_dinum = Some(MemberId::new("ada.lovelace").unwrap());
        s.contact_incubator = Some(MemberId::new("grace.hopper").unwrap());
        p.startups.push(s);
        // No member record at all: not checked.
        assert!(p.validate().is_empty());
        p.members
            .push(Member::new(MemberId::new("ada.lovelace").unwrap(), "Ada"));
        p.members[0].role = "Dev".into();
        let got: Vec<_> = p
            .validate()
            .into_iter()
            .map(|d| (d.rule, d.field, d.severity, d.message))
            .collect();
        assert_eq!(
            got,
            [(
                "dangling-contact".to_owned(),
                Some("contact_incubator".to_owned()),
                Severity::Warning,
                "`contact_incubator` names member `grace.hopper`, which has no record".to_owned()
            )]
        );
        let refs: Vec<_> = Portfolio::startup_references(&p.startups[0]).collect();
        assert_eq!(
            refs,
            [
                (RecordKind::Member, "ada.lovelace"),
                (RecordKind::Member, "grace.hopper")
            ]
        );
    }
}
