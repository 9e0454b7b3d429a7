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

use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::date::RecordDate;
use crate::diagnostic::{Diagnostic, RecordKind, Severity};
use crate::member::Member;
use crate::org::{Incubator, Organisation};
use crate::phase::{PhaseField, Stage, Vocabulary};
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

    /// The start-up with id `id`.
    #[must_use]
    pub fn startup(&self, id: &str) -> Option<&Startup> {
        self.startups.iter().find(|s| s.id.as_str() == id)
    }

    /// The member with id `id`.
    #[must_use]
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.id.as_str() == id)
    }

    /// Checks field rules and domain rules and reports every problem found, sorted by
    /// record. Never panics.
    ///
    /// Rules (stable ids): field rules from the model (`field-required`,
    /// `field-format`); `duplicate-id`; `startup-no-phase`; `unknown-phase` (a name the
    /// vocabulary does not define); `duplicate-phase`; `partial-date`, `invalid-date`;
    /// `phase-end-before-start` (error), `phase-end-equals-start`; `status-without-start`;
    /// `mission-end-before-start` (error), `mission-without-start`;
    /// `dangling-incubator`, `dangling-sponsor`, `dangling-startup` (warnings, and
    /// only when the portfolio holds records of the referenced kind).
    #[must_use]
    pub fn validate(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let startup_ids: HashSet<&str> = self.startups.iter().map(|s| s.id.as_str()).collect();
        let incubator_ids: HashSet<&str> = self.incubators.iter().map(|i| i.id.as_str()).collect();
        let org_ids: HashSet<&str> = self.organisations.iter().map(|o| o.id.as_str()).collect();

        duplicates(
            self.startups.iter().map(|s| s.id.as_str()),
            RecordKind::Startup,
            &mut out,
        );
        duplicates(
            self.members.iter().map(|m| m.id.as_str()),
            RecordKind::Member,
            &mut out,
        );
        duplicates(
            self.incubators.iter().map(|i| i.id.as_str()),
            RecordKind::Incubator,
            &mut out,
        );
        duplicates(
            self.organisations.iter().map(|o| o.id.as_str()),
            RecordKind::Organisation,
            &mut out,
        );

        for s in &self.startups {
            let mut push = |sev, rule: &str, msg: String| {
                out.push(
                    Diagnostic::new(sev, rule, msg).for_record(RecordKind::Startup, s.id.as_str()),
                );
            };
            for (field, rule) in field_problems(&StartupFields::from(s)) {
                push(
                    Severity::Error,
                    rule,
                    format!("field `{field}` {}", rule_text(rule)),
                );
            }
            if s.phases.is_empty() {
                push(
                    Severity::Warning,
                    "startup-no-phase",
                    "the start-up has no phase or status".into(),
                );
            }
            let mut seen = HashSet::new();
            for p in &s.phases {
                if self.vocabulary.stage_of(&p.name) == Stage::Unknown {
                    push(
                        Severity::Warning,
                        "unknown-phase",
                        format!(
                            "phase `{}` is not defined by the {} vocabulary; counted as `unknown`",
                            p.name, self.vocabulary
                        ),
                    );
                }
                if !seen.insert(p.name.as_str()) {
                    push(
                        Severity::Warning,
                        "duplicate-phase",
                        format!("phase `{}` is listed twice", p.name),
                    );
                }
                for (what, d) in [("start", &p.start), ("end", &p.end)] {
                    date_problem(
                        d.as_ref(),
                        format_args!("phase `{}` {what}", p.name),
                        &mut push,
                    );
                }
                if s.phase_field == PhaseField::Status && p.start.is_none() {
                    push(
                        Severity::Warning,
                        "status-without-start",
                        format!("status `{}` has no start date; counted as started", p.name),
                    );
                }
                if let (Some(RecordDate::Exact(a)), Some(RecordDate::Exact(b))) = (&p.start, &p.end)
                {
                    if b < a {
                        push(
                            Severity::Error,
                            "phase-end-before-start",
                            format!("phase `{}` ends on {b}, before it starts on {a}", p.name),
                        );
                    } else if a == b {
                        push(
                            Severity::Warning,
                            "phase-end-equals-start",
                            format!("phase `{}` ends on the day it starts ({a})", p.name),
                        );
                    }
                }
            }
            for e in &s.events {
                date_problem(
                    e.date.as_ref(),
                    format_args!("event `{}` date", e.name),
                    &mut push,
                );
            }
            if !self.incubators.is_empty() {
                for i in s.incubator_ids() {
                    if !incubator_ids.contains(i.as_str()) {
                        push(
                            Severity::Warning,
                            "dangling-incubator",
                            format!("incubator `{i}` has no incubator record"),
                        );
                    }
                }
            }
            if !self.organisations.is_empty() {
                for sp in &s.sponsors {
                    if let Sponsor::Organisation { id } = sp
                        && !org_ids.contains(id.as_str())
                    {
                        push(
                            Severity::Warning,
                            "dangling-sponsor",
                            format!("sponsor `/organisations/{id}` has no organisation record"),
                        );
                    }
                }
            }
        }

        for m in &self.members {
            let mut push = |sev, rule: &str, msg: String| {
                out.push(
                    Diagnostic::new(sev, rule, msg).for_record(RecordKind::Member, m.id.as_str()),
                );
            };
            for (field, rule) in field_problems(&MemberFields::from(m)) {
                push(
                    Severity::Error,
                    rule,
                    format!("field `{field}` {}", rule_text(rule)),
                );
            }
            for (i, mi) in m.missions.iter().enumerate() {
                let n = i + 1;
                if mi.start.is_none() {
                    push(
                        Severity::Warning,
                        "mission-without-start",
                        format!("mission {n} has no start date"),
                    );
                }
                for (what, d) in [("start", &mi.start), ("end", &mi.end)] {
                    date_problem(d.as_ref(), format_args!("mission {n} {what}"), &mut push);
                }
                if let (Some(RecordDate::Exact(a)), Some(RecordDate::Exact(b))) =
                    (&mi.start, &mi.end)
                    && b < a
                {
                    push(
                        Severity::Error,
                        "mission-end-before-start",
                        format!("mission {n} ends on {b}, before it starts on {a}"),
                    );
                }
                if !self.startups.is_empty() {
                    for sid in &mi.startups {
                        if !startup_ids.contains(sid.as_str()) {
                            push(
                                Severity::Warning,
                                "dangling-startup",
                                format!("mission {n} names start-up `{sid}`, which has no record"),
                            );
                        }
                    }
                }
            }
            if !self.startups.is_empty() {
                for sid in m.startups.iter().chain(&m.previously) {
                    if !startup_ids.contains(sid.as_str()) {
                        push(
                            Severity::Warning,
                            "dangling-startup",
                            format!("start-up `{sid}` has no record"),
                        );
                    }
                }
            }
        }

        for i in &self.incubators {
            for (field, rule) in field_problems(&TitleField { title: &i.title }) {
                out.push(
                    Diagnostic::new(
                        Severity::Error,
                        rule,
                        format!("field `{field}` {}", rule_text(rule)),
                    )
                    .for_record(RecordKind::Incubator, i.id.as_str()),
                );
            }
        }
        for o in &self.organisations {
            for (field, rule) in field_problems(&TitleField { title: &o.name }) {
                out.push(
                    Diagnostic::new(
                        Severity::Error,
                        rule,
                        format!(
                            "field `{}` {}",
                            if field == "title" {
                                "name"
                            } else {
                                field.as_str()
                            },
                            rule_text(rule)
                        ),
                    )
                    .for_record(RecordKind::Organisation, o.id.as_str()),
                );
            }
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

fn duplicates<'a>(ids: impl Iterator<Item = &'a str>, kind: RecordKind, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            out.push(
                Diagnostic::new(
                    Severity::Error,
                    "duplicate-id",
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
    push: &mut impl FnMut(Severity, &str, String),
) {
    match d {
        Some(RecordDate::Partial(s)) => push(
            Severity::Warning,
            "partial-date",
            format!("{what} `{s}` is a partial date; kept as written, never guessed"),
        ),
        Some(RecordDate::Invalid(s)) => push(
            Severity::Error,
            "invalid-date",
            format!("{what} `{s}` is not a date; write it as YYYY-MM-DD"),
        ),
        _ => {}
    }
}

fn rule_text(rule: &str) -> &'static str {
    match rule {
        "field-required" => "is required and must not be empty",
        _ => "has an invalid format",
    }
}

/// Field rules of a start-up, checked with `validator`.
#[derive(Validate)]
struct StartupFields<'a> {
    #[validate(length(min = 1, code = "field-required"))]
    title: &'a str,
    #[validate(length(min = 1, code = "field-required"))]
    mission: &'a str,
    #[validate(contains(pattern = "@", code = "field-format"))]
    contact: Option<&'a str>,
}

impl<'a> From<&'a Startup> for StartupFields<'a> {
    fn from(s: &'a Startup) -> Self {
        Self {
            title: s.name.trim(),
            mission: s.pitch.trim(),
            // 2016 records may have an empty or missing contact; only a given one is checked.
            contact: s.contact.as_deref().filter(|c| !c.is_empty()),
        }
    }
}

/// Field rules of a member.
#[derive(Validate)]
struct MemberFields<'a> {
    #[validate(length(min = 1, code = "field-required"))]
    fullname: &'a str,
    #[validate(length(min = 1, code = "field-required"))]
    role: &'a str,
}

impl<'a> From<&'a Member> for MemberFields<'a> {
    fn from(m: &'a Member) -> Self {
        Self {
            fullname: m.fullname.trim(),
            role: m.role.trim(),
        }
    }
}

/// The title (or name) of an incubator or organisation.
#[derive(Validate)]
struct TitleField<'a> {
    #[validate(length(min = 1, code = "field-required"))]
    title: &'a str,
}

/// `(field, rule id)` of every field rule broken, sorted by field.
fn field_problems(v: &impl Validate) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    if let Err(errors) = v.validate() {
        collect(&errors, &mut out);
    }
    out.sort();
    out
}

fn collect(errors: &ValidationErrors, out: &mut Vec<(String, &'static str)>) {
    for (field, kind) in errors.errors() {
        if let ValidationErrorsKind::Field(list) = kind {
            for e in list {
                let rule = if e.code == "field-required" {
                    "field-required"
                } else {
                    "field-format"
                };
                out.push((field.to_string(), rule));
            }
        }
    }
}
