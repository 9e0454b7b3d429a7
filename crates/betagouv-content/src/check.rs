//! `content check`: the repository's own validation rules of the folder's era, plus ours.
//!
//! | rule set | when | rules (ids) |
//! |---|---|---|
//! | [`RuleSet::Build2016`] (the 2016 site build) | `_startup/` + `_author/` | `employer-required`, `start-required` (members); `owner-required`, `unknown-status` (start-ups); `member-file-name` |
//! | [`RuleSet::Schema2017`] (schema files checked in the site's CI) | `_authors/`, or `content/` with `status` records | `field-required` (`fullname`, `role`, `status`, `start`, `contact`), `contact-format`, `employer-status`, `start-required`, `mission-start-required`, `mission-status`; `member-file-name` |
//! | [`RuleSet::Schema2020`] (the same CI, 2020-07 to 2024) | `content/` with `phases` and inline `sponsors` mappings or start-up `owner` (2020-2022 keys) | `field-required` (`incubator`, `contact`), `contact-format`, `phases-required`, `unknown-phase-name`, `phase-start-required` (phases other than `alumni`/`success`), `phase-end-not-after-start`, `unknown-event-name`, `unknown-sponsor` (`/organisations/<id>` texts only), `missions-required`, `mission-start-required`, `mission-end-required`, `quoted-date`, `mission-status`, `mission-end-not-after-start`, `unknown-domaine`; `member-file-name` |
//! | [`RuleSet::Current`] (today's CI checks) | `content/` with `phases` | `field-required` (`incubator`, `contact`), `missions-required`, `mission-start-required`, `mission-end-required`, `quoted-date`, `mission-end-not-after-start`, `unknown-startup`, `duplicate-reference`, `unknown-domaine`, `duplicate-competence`, `unknown-sponsor`, `incubators-list`, `phases-required`, `phase-start-required`, `duplicate-phase-name`, `phase-end-not-after-start`, `event-date-required`, `member-file-name` |
//!
//! Ours: every import diagnostic (with `duplicate-key` raised to an error, as the
//! repository's CI does) and the portfolio's own validation
//! ([`Portfolio::validate`](betagouv_portfolio::Portfolio::validate)), located at the
//! record's file.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use betagouv_portfolio::{
    Diagnostic, PhaseField, ProblemCounts, RecordDate, RecordKind, Severity, Sponsor, Vocabulary,
};

use crate::error::Result;
use crate::layout::LayoutKind;
use crate::read::{Import, ReadOptions, read_folder};

/// Which era's rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleSet {
    /// 2016: the checks of the site build.
    Build2016,
    /// 2017-03 to 2024-05: schema files checked in CI.
    Schema2017,
    /// 2020-07 to 2024: the schema files of the `phases` era and the 2022 CI script:
    /// inline sponsors, undated terminal phases, repeated phase names and
    /// dangling start-up references were all accepted.
    Schema2020,
    /// Since 2024-02: today's CI checks.
    Current,
}

/// Knobs of a check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// How to read the folder.
    pub read: ReadOptions,
    /// The rule set, instead of the one of the folder's era.
    pub rules: Option<RuleSet>,
    /// Rule ids not to report.
    pub skip: Vec<String>,
}

/// A check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// The rule set used.
    pub rules: RuleSet,
    /// Every problem, sorted by file, line, column.
    pub diagnostics: Vec<Diagnostic>,
    /// Errors and warnings counted.
    pub counts: ProblemCounts,
}

/// The eleven `domaine` values the site accepts for a member.
pub const DOMAINES: [&str; 11] = [
    "Animation",
    "Coaching",
    "Déploiement",
    "Design",
    "Développement",
    "Intraprenariat",
    "Produit",
    "Support",
    "Data",
    "Attributaire",
    "Autre",
];

/// The phase names of the 2020-2024 schema, in the site's order.
pub const PHASE_NAMES_2020: [&str; 6] = [
    "success",
    "transfer",
    "acceleration",
    "construction",
    "investigation",
    "alumni",
];

/// The event names of the 2020-2024 schema (checked by the site's CI).
pub const EVENT_NAMES_2020: [&str; 5] = [
    "product_launch",
    "committee",
    "other",
    "national_impact",
    "end",
];

/// Whether a member file name follows the repository's rule: letters a-z, `_`, `-`,
/// `.`, then `.`, then the same, then `.md`.
#[must_use]
pub fn member_file_name_ok(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".md") else {
        return false;
    };
    let ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-' || b == b'.')
    };
    match stem.split_once('.') {
        Some((a, b)) => ok(a) && ok(b),
        None => false,
    }
}

/// The rule set of an imported folder's era.
#[must_use]
pub fn rule_set_of(import: &Import) -> RuleSet {
    match import.layout.kind {
        LayoutKind::Site2016 => RuleSet::Build2016,
        LayoutKind::Site2017 => RuleSet::Schema2017,
        _ => {
            let p = &import.portfolio;
            let phases = p
                .startups
                .iter()
                .any(|s| s.phase_field == PhaseField::Phases);
            let missions = p
                .members
                .iter()
                .any(|m| m.shape == betagouv_portfolio::MemberShape::Missions);
            // Inline sponsor mappings and the free-text `owner` were dropped in 2022-03:
            // a `phases` folder with them is from the schema era.
            let old_keys = p.startups.iter().any(|s| {
                s.owner.is_some()
                    || s.sponsors
                        .iter()
                        .any(|x| matches!(x, Sponsor::Inline { .. }))
            });
            if phases && old_keys {
                RuleSet::Schema2020
            } else if phases
                || (p.startups.is_empty() && missions && p.vocabulary >= Vocabulary::V2020)
            {
                RuleSet::Current
            } else {
                RuleSet::Schema2017
            }
        }
    }
}

struct Out<'a> {
    diags: Vec<Diagnostic>,
    skip: &'a [String],
}

impl Out<'_> {
    fn push(
        &mut self,
        kind: RecordKind,
        id: &str,
        file: &Path,
        line: Option<usize>,
        rule: &str,
        msg: String,
    ) {
        if self.skip.iter().any(|s| s == rule) {
            return;
        }
        self.diags.push(
            Diagnostic::new(Severity::Error, rule, msg)
                .for_record(kind, id)
                .at(file, line.unwrap_or(0), usize::from(line.is_some())),
        );
    }
}

fn exact(d: Option<&RecordDate>) -> Option<chrono::NaiveDate> {
    d.and_then(RecordDate::exact)
}

/// Checks an imported folder with `rules` (see the module table).
#[must_use]
pub fn check_import(import: &Import, rules: RuleSet, skip: &[String]) -> Vec<Diagnostic> {
    let mut out = Out {
        diags: Vec::new(),
        skip,
    };
    let p = &import.portfolio;
    // Ours: import diagnostics, duplicate keys as errors.
    for d in &import.diagnostics {
        if skip.contains(&d.rule) {
            continue;
        }
        let mut d = d.clone();
        if d.rule == "duplicate-key" {
            d.severity = Severity::Error;
        }
        out.diags.push(d);
    }
    // Files by record.
    let mut file_of: HashMap<(RecordKind, &str), (&PathBuf, &crate::read::SourceInfo)> =
        HashMap::new();
    for f in &import.files {
        if let Some(i) = f.index {
            let id = match f.kind {
                RecordKind::Startup => p.startups.get(i).map(|s| s.id.as_str()),
                RecordKind::Member => p.members.get(i).map(|m| m.id.as_str()),
                RecordKind::Incubator => p.incubators.get(i).map(|x| x.id.as_str()),
                RecordKind::Organisation => p.organisations.get(i).map(|x| x.id.as_str()),
            };
            if let Some(id) = id {
                file_of.insert((f.kind, id), (&f.path, &f.source));
            }
        }
    }
    let empty = PathBuf::new();
    let no_source = crate::read::SourceInfo::default();
    let locate = |kind, id: &str| {
        file_of
            .get(&(kind, id))
            .copied()
            .unwrap_or((&empty, &no_source))
    };
    // Ours: the portfolio's validation, at the record's file.
    for mut d in p.validate() {
        if skip.contains(&d.rule) {
            continue;
        }
        if let Some((kind, id)) = &d.record {
            let (file, _) = locate(*kind, id);
            d = d.at(file, 0, 0);
        }
        out.diags.push(d);
    }
    let md_startups: HashSet<&str> = import
        .files
        .iter()
        .filter(|f| f.kind == RecordKind::Startup && f.index.is_some() && f.source.markdown)
        .filter_map(|f| {
            f.index
                .and_then(|i| p.startups.get(i))
                .map(|s| s.id.as_str())
        })
        .collect();
    let md_orgs: HashSet<&str> = import
        .files
        .iter()
        .filter(|f| f.kind == RecordKind::Organisation && f.index.is_some() && f.source.markdown)
        .filter_map(|f| {
            f.index
                .and_then(|i| p.organisations.get(i))
                .map(|s| s.id.as_str())
        })
        .collect();
    let incubator_ids: HashSet<&str> = p.incubators.iter().map(|i| i.id.as_str()).collect();

    for f in &import.files {
        if f.kind == RecordKind::Member {
            let name = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if f.source.markdown && !member_file_name_ok(name) {
                let id = name.strip_suffix(".md").unwrap_or(name);
                out.push(
                    RecordKind::Member,
                    id,
                    &f.path,
                    None,
                    "member-file-name",
                    format!("member file name `{name}` must be firstname.lastname.md in lower-case letters a-z, `_`, `-` and `.`; rename it"),
                );
            }
        }
    }

    for s in &p.startups {
        let id = s.id.as_str();
        let (file, src) = locate(RecordKind::Startup, id);
        let line = |k: &str| src.line_of(k);
        let req = |out: &mut Out<'_>, key: &str, present: bool| {
            if !present {
                out.push(
                    RecordKind::Startup,
                    id,
                    file,
                    None,
                    "field-required",
                    format!("required key `{key}` is missing or empty; add it"),
                );
            }
        };
        match rules {
            RuleSet::Build2016 => {
                req(
                    &mut out,
                    "owner",
                    s.owner.as_deref().is_some_and(|o| !o.trim().is_empty()),
                );
                if let Some(ph) = s.phases.first()
                    && s.phase_field == PhaseField::Status
                    && Vocabulary::V2016.names().iter().all(|(n, _)| *n != ph.name)
                {
                    out.push(RecordKind::Startup, id, file, line("status"), "unknown-status", format!("status `{}` is not one of the site's statuses (investigation, construction, consolidation, passation, success, retirement, death)", ph.name));
                }
            }
            RuleSet::Schema2017 => {
                req(&mut out, "contact", s.contact.is_some());
                if let Some(c) = &s.contact
                    && !c.contains('@')
                {
                    out.push(
                        RecordKind::Startup,
                        id,
                        file,
                        line("contact"),
                        "contact-format",
                        format!("contact `{c}` must be an e-mail address"),
                    );
                }
                if s.phase_field == PhaseField::Status {
                    req(&mut out, "status", !s.phases.is_empty());
                    req(
                        &mut out,
                        "start",
                        s.phases.first().is_some_and(|p| p.start.is_some()),
                    );
                }
                if import.layout.kind == LayoutKind::Content {
                    req(&mut out, "owner", s.owner.is_some());
                    req(&mut out, "incubator", s.incubator.is_some());
                }
            }
            RuleSet::Schema2020 => {
                req(&mut out, "incubator", s.incubator.is_some());
                req(&mut out, "contact", s.contact.is_some());
                if let Some(c) = &s.contact
                    && !c.contains('@')
                {
                    out.push(
                        RecordKind::Startup,
                        id,
                        file,
                        line("contact"),
                        "contact-format",
                        format!("contact `{c}` must be an e-mail address"),
                    );
                }
                if src.quoted_dates {
                    out.push(
                        RecordKind::Startup,
                        id,
                        file,
                        None,
                        "quoted-date",
                        "a date is written as a quoted text; write it as a plain YYYY-MM-DD date"
                            .into(),
                    );
                }
                for sp in &s.sponsors {
                    if let Sponsor::Organisation { id: o } = sp
                        && !md_orgs.contains(o.as_str())
                    {
                        out.push(
                            RecordKind::Startup,
                            id,
                            file,
                            line("sponsors"),
                            "unknown-sponsor",
                            format!(
                                "sponsor `/organisations/{o}` has no `{o}.md` organisation file"
                            ),
                        );
                    }
                }
                if s.phases.is_empty() {
                    phases_required(&mut out, s, file, line("phases"));
                }
                for ph in &s.phases {
                    if PHASE_NAMES_2020.iter().all(|n| *n != ph.name) {
                        out.push(
                            RecordKind::Startup,
                            id,
                            file,
                            line("phases"),
                            "unknown-phase-name",
                            format!(
                                "phase `{}` is not one of {}",
                                ph.name,
                                PHASE_NAMES_2020.join(", ")
                            ),
                        );
                    }
                    let terminal = matches!(ph.name.as_str(), "alumni" | "success");
                    if !terminal && exact(ph.start.as_ref()).is_none() {
                        out.push(
                            RecordKind::Startup,
                            id,
                            file,
                            line("phases"),
                            "phase-start-required",
                            format!("phase `{}` has no YYYY-MM-DD start date; add it", ph.name),
                        );
                    }
                    if let (Some(a), Some(b)) = (exact(ph.start.as_ref()), exact(ph.end.as_ref()))
                        && b <= a
                    {
                        out.push(
                            RecordKind::Startup,
                            id,
                            file,
                            line("phases"),
                            "phase-end-not-after-start",
                            format!("phase `{}` ends on {b}, not after its start {a}", ph.name),
                        );
                    }
                }
                for ev in &s.events {
                    if !EVENT_NAMES_2020.contains(&ev.name.as_str()) {
                        out.push(
                            RecordKind::Startup,
                            id,
                            file,
                            line("events"),
                            "unknown-event-name",
                            format!(
                                "event `{}` is not one of {}",
                                ev.name,
                                EVENT_NAMES_2020.join(", ")
                            ),
                        );
                    }
                }
            }
            RuleSet::Current => {
                req(&mut out, "incubator", s.incubator.is_some());
                req(&mut out, "contact", s.contact.is_some());
                if src.quoted_dates {
                    out.push(
                        RecordKind::Startup,
                        id,
                        file,
                        None,
                        "quoted-date",
                        "a date is written as a quoted text; write it as a plain YYYY-MM-DD date"
                            .into(),
                    );
                }
                for sp in &s.sponsors {
                    match sp {
                        Sponsor::Organisation { id: o } if !md_orgs.contains(o.as_str()) => {
                            out.push(
                                RecordKind::Startup,
                                id,
                                file,
                                line("sponsors"),
                                "unknown-sponsor",
                                format!(
                                    "sponsor `/organisations/{o}` has no `{o}.md` organisation file"
                                ),
                            );
                        }
                        Sponsor::Inline { name, .. } => {
                            out.push(
                                RecordKind::Startup,
                                id,
                                file,
                                line("sponsors"),
                                "unknown-sponsor",
                                format!("sponsor `{name}` must be written `/organisations/<id>`"),
                            );
                        }
                        _ => {}
                    }
                }
                if !s.incubators.is_empty() {
                    let mut seen = HashSet::new();
                    let dup = s.incubators.iter().any(|i| !seen.insert(i.as_str()));
                    let has_main = s
                        .incubator
                        .as_ref()
                        .is_some_and(|m| s.incubators.contains(m));
                    let missing: Vec<_> = s
                        .incubators
                        .iter()
                        .filter(|i| !incubator_ids.contains(i.as_str()))
                        .map(|i| i.as_str())
                        .collect();
                    if s.incubators.len() < 2 || dup || !has_main || !missing.is_empty() {
                        out.push(RecordKind::Startup, id, file, line("incubators"), "incubators-list", format!("`incubators` must list at least 2 existing incubators without duplicates, including `incubator`{}", if missing.is_empty() { String::new() } else { format!(" (unknown: {})", missing.join(", ")) }));
                    }
                }
                if s.phases.is_empty() {
                    phases_required(&mut out, s, file, line("phases"));
                }
                let mut names = HashSet::new();
                for ph in &s.phases {
                    if ph.start.is_none() {
                        out.push(
                            RecordKind::Startup,
                            id,
                            file,
                            line("phases"),
                            "phase-start-required",
                            format!("phase `{}` has no start date; add it", ph.name),
                        );
                    }
                    if !names.insert(ph.name.as_str()) {
                        out.push(
                            RecordKind::Startup,
                            id,
                            file,
                            line("phases"),
                            "duplicate-phase-name",
                            format!("phase `{}` is listed twice; keep one", ph.name),
                        );
                    }
                    if let (Some(a), Some(b)) = (exact(ph.start.as_ref()), exact(ph.end.as_ref()))
                        && a == b
                    {
                        out.push(RecordKind::Startup, id, file, line("phases"), "phase-end-not-after-start", format!("phase `{}` ends on the day it starts ({a}); the end must be after the start", ph.name));
                    }
                }
                for ev in &s.events {
                    if ev.date.is_none() {
                        out.push(
                            RecordKind::Startup,
                            id,
                            file,
                            line("events"),
                            "event-date-required",
                            format!("event `{}` has no date; add it", ev.name),
                        );
                    }
                }
            }
        }
    }

    for m in &p.members {
        let id = m.id.as_str();
        let (file, src) = locate(RecordKind::Member, id);
        let line = |k: &str| src.line_of(k);
        let flat = m.shape == betagouv_portfolio::MemberShape::Flat;
        match rules {
            RuleSet::Build2016 | RuleSet::Schema2017 if flat => {
                let mission = m.missions.first();
                if mission.is_none_or(|x| x.start.is_none()) {
                    out.push(
                        RecordKind::Member,
                        id,
                        file,
                        None,
                        "start-required",
                        "the member has no `start` date; add it".into(),
                    );
                }
                let status = mission.and_then(|x| x.status.as_deref());
                if rules == RuleSet::Build2016 && status.is_none() {
                    out.push(
                        RecordKind::Member,
                        id,
                        file,
                        None,
                        "employer-required",
                        "the member has no `employer`; add it (e.g. `independent/octo`)".into(),
                    );
                }
                if let Some(st) = status
                    && !matches!(st, "dinsic" | "service" | "independent" | "admin")
                {
                    out.push(RecordKind::Member, id, file, line("employer"), "employer-status", format!("`employer` must start with dinsic, service, independent or admin, not `{st}`"));
                }
            }
            RuleSet::Build2016 | RuleSet::Schema2017 => {
                for (n, x) in m.missions.iter().enumerate() {
                    if x.start.is_none() {
                        out.push(
                            RecordKind::Member,
                            id,
                            file,
                            line("missions"),
                            "mission-start-required",
                            format!("mission {} has no start date; add it", n + 1),
                        );
                    }
                    if let Some(st) = x.status.as_deref()
                        && !matches!(st, "dinsic" | "service" | "independent" | "admin")
                    {
                        out.push(RecordKind::Member, id, file, line("missions"), "mission-status", format!("mission {} status must be service, independent or admin, not `{st}`", n + 1));
                    }
                }
            }
            RuleSet::Schema2020 => {
                missions_list_rules(&mut out, id, file, flat, src.quoted_dates, line("missions"));
                for (n, x) in m.missions.iter().enumerate() {
                    let n = n + 1;
                    let at = line("missions");
                    mission_dates_required(&mut out, id, file, at, n, x);
                    if let Some(st) = x.status.as_deref()
                        && !matches!(st, "service" | "independent" | "admin")
                    {
                        out.push(RecordKind::Member, id, file, at, "mission-status", format!("mission {n} status must be service, independent or admin, not `{st}`"));
                    }
                    if let (Some(a), Some(b)) = (exact(x.start.as_ref()), exact(x.end.as_ref()))
                        && b <= a
                    {
                        out.push(
                            RecordKind::Member,
                            id,
                            file,
                            at,
                            "mission-end-not-after-start",
                            format!("mission {n} ends on {b}, not after its start {a}"),
                        );
                    }
                }
                domaine_rule(&mut out, id, file, line("domaine"), m.domaine.as_deref());
            }
            RuleSet::Current => {
                missions_list_rules(&mut out, id, file, flat, src.quoted_dates, line("missions"));
                for (n, x) in m.missions.iter().enumerate() {
                    let n = n + 1;
                    mission_dates_required(&mut out, id, file, line("missions"), n, x);
                    if let (Some(a), Some(b)) = (exact(x.start.as_ref()), exact(x.end.as_ref()))
                        && a == b
                    {
                        out.push(RecordKind::Member, id, file, line("missions"), "mission-end-not-after-start", format!("mission {n} ends on the day it starts ({a}); the end must be after the start"));
                    }
                    refs(
                        &mut out,
                        id,
                        file,
                        line("missions"),
                        &format!("mission {n} `startups`"),
                        x.startups.iter().map(|s| s.as_str()),
                        &md_startups,
                    );
                }
                refs(
                    &mut out,
                    id,
                    file,
                    line("startups"),
                    "`startups`",
                    m.startups.iter().map(|s| s.as_str()),
                    &md_startups,
                );
                refs(
                    &mut out,
                    id,
                    file,
                    line("previously"),
                    "`previously`",
                    m.previously.iter().map(|s| s.as_str()),
                    &md_startups,
                );
                domaine_rule(&mut out, id, file, line("domaine"), m.domaine.as_deref());
                let mut seen = HashSet::new();
                if m.competences.iter().any(|c| !seen.insert(c)) {
                    out.push(
                        RecordKind::Member,
                        id,
                        file,
                        line("competences"),
                        "duplicate-competence",
                        "`competences` lists a skill twice; keep one".into(),
                    );
                }
            }
        }
    }
    let mut diags = out.diags;
    diags.retain(|d| !skip.contains(&d.rule));
    diags.sort_by(|a, b| {
        a.location
            .cmp(&b.location)
            .then_with(|| a.rule.cmp(&b.rule))
    });
    diags
}

/// `phases-required`: no phase; when a `phases` key is there but is not a list of
/// phases, says so at its line (the import located the value itself, `field-type`).
fn phases_required(
    out: &mut Out<'_>,
    s: &betagouv_portfolio::Startup,
    file: &Path,
    at: Option<usize>,
) {
    let msg = match (s.extra.get("phases"), at) {
        (Some(v), Some(line))
            if !matches!(
                v,
                betagouv_portfolio::Value::Null | betagouv_portfolio::Value::Seq(_)
            ) =>
        {
            format!(
                "`phases` on line {line} is a {}, not a list of phases; write it as a list (`- name: ...` items)",
                v.type_name()
            )
        }
        _ => "the start-up has no `phases`; add at least one phase".to_owned(),
    };
    let at = at.filter(|_| s.extra.get("phases").is_some());
    out.push(
        RecordKind::Startup,
        s.id.as_str(),
        file,
        at,
        "phases-required",
        msg,
    );
}

fn refs<'a>(
    out: &mut Out<'_>,
    id: &str,
    file: &Path,
    line: Option<usize>,
    what: &str,
    ids: impl Iterator<Item = &'a str>,
    existing: &HashSet<&str>,
) {
    let mut seen = HashSet::new();
    for s in ids {
        if !seen.insert(s) {
            out.push(
                RecordKind::Member,
                id,
                file,
                line,
                "duplicate-reference",
                format!("{what} lists `{s}` twice; keep one"),
            );
        }
        if !existing.contains(s) {
            out.push(
                RecordKind::Member,
                id,
                file,
                line,
                "unknown-startup",
                format!("{what} names `{s}`, which has no `{s}.md` start-up file"),
            );
        }
    }
}

/// Reads and checks a folder.
///
/// # Errors
///
/// [`Error::UnknownRule`](crate::Error::UnknownRule) when `options.skip` names a rule
/// id that is not in [`rules::ALL`](crate::rules::ALL); those of [`read_folder`].
pub fn check_folder(root: &Path, options: &CheckOptions) -> Result<CheckReport> {
    if let Some(rule) = options.skip.iter().find(|r| !crate::rules::is_known(r)) {
        return Err(crate::Error::UnknownRule { rule: rule.clone() });
    }
    let import = read_folder(root, &options.read)?;
    let rules = options.rules.unwrap_or_else(|| rule_set_of(&import));
    let diagnostics = check_import(&import, rules, &options.skip);
    let counts = ProblemCounts::count(&diagnostics);
    Ok(CheckReport {
        rules,
        diagnostics,
        counts,
    })
}

/// Member rules of the `missions` era (2019-04 on): a `missions` list, dates not quoted.
fn missions_list_rules(
    out: &mut Out<'_>,
    id: &str,
    file: &Path,
    flat: bool,
    quoted_dates: bool,
    at: Option<usize>,
) {
    if flat {
        out.push(
            RecordKind::Member,
            id,
            file,
            None,
            "missions-required",
            "the member has no `missions` list; add one".into(),
        );
    }
    if quoted_dates {
        out.push(
            RecordKind::Member,
            id,
            file,
            at,
            "quoted-date",
            "a date is written as a quoted text; write it as a plain YYYY-MM-DD date".into(),
        );
    }
}

/// Mission `n` (from 1) must have a start and an end.
fn mission_dates_required(
    out: &mut Out<'_>,
    id: &str,
    file: &Path,
    at: Option<usize>,
    n: usize,
    x: &betagouv_portfolio::Mission,
) {
    if x.start.is_none() {
        out.push(
            RecordKind::Member,
            id,
            file,
            at,
            "mission-start-required",
            format!("mission {n} has no start date; add it"),
        );
    }
    if x.end.is_none() {
        out.push(
            RecordKind::Member,
            id,
            file,
            at,
            "mission-end-required",
            format!("mission {n} has no end date; add it"),
        );
    }
}

/// `domaine`, when given, is one of the known values.
fn domaine_rule(
    out: &mut Out<'_>,
    id: &str,
    file: &Path,
    at: Option<usize>,
    domaine: Option<&str>,
) {
    if let Some(d) = domaine
        && !DOMAINES.contains(&d)
    {
        out.push(
            RecordKind::Member,
            id,
            file,
            at,
            "unknown-domaine",
            format!("domaine `{d}` is not one of {}", DOMAINES.join(", ")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(files: &[(&str, &str)]) -> CheckReport {
        let t = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = t.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        check_folder(t.path(), &CheckOptions::default()).unwrap()
    }

    fn rules(r: &CheckReport) -> Vec<&str> {
        let mut v: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.rule.as_str())
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn a_2021_phases_folder_gets_the_rules_of_its_era() {
        // Inline sponsors (2020-10 to 2022-03): the 2020-2024 schema, not today's checks.
        // An undated terminal phase, a repeated name, an event without date and a
        // dangling `previously` were accepted then; an unknown phase or event name, an
        // undated `construction`, a `dinsic` mission and a quoted date were not.
        let r = check(&[
            (
                "content/_startups/a.md",
                "---\ntitle: A\nmission: m\nincubator: dinum\ncontact: a@b.fr\nphases:\n  - name: construction\n    start: 2020-01-01\n  - name: construction\n    start: 2021-01-01\n  - name: alumni\nevents:\n  - name: committee\nsponsors:\n  - name: Pôle emploi\n---\n",
            ),
            (
                "content/_startups/b.md",
                "---\ntitle: B\nmission: m\nincubator: dinum\ncontact: b@b.fr\nphases:\n  - name: Construction\n  - name: success\n    start: 2021-01-01\n    end: 2020-01-01\nevents:\n  - name: fast\n    date: 2021-01-01\n---\n",
            ),
            (
                "content/_authors/a.b.md",
                "---\nfullname: A\nrole: r\nmissions:\n  - start: '2020-01-01'\n    end: 2020-06-01\n    status: dinsic\npreviously:\n  - zz\n---\n",
            ),
        ]);
        assert_eq!(r.rules, RuleSet::Schema2020);
        assert_eq!(
            rules(&r),
            [
                "mission-status",
                "phase-end-before-start",
                "phase-end-not-after-start",
                "phase-start-required",
                "quoted-date",
                "unknown-event-name",
                "unknown-phase-name",
            ]
        );
        // Without the 2020-2022 keys the folder gets today's rules.
        let r = check(&[(
            "content/_startups/a.md",
            "---\ntitle: A\nmission: m\nincubator: dinum\ncontact: a@b.fr\nphases:\n  - name: alumni\n---\n",
        )]);
        assert_eq!(r.rules, RuleSet::Current);
        assert_eq!(rules(&r), ["phase-start-required"]);
    }

    #[test]
    fn an_unknown_rule_to_skip_is_refused() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("content/_startups")).unwrap();
        let options = |skip: &str| CheckOptions {
            skip: vec![skip.to_owned()],
            ..CheckOptions::default()
        };
        let e = check_folder(t.path(), &options("no-such-rule")).unwrap_err();
        assert!(matches!(&e, crate::Error::UnknownRule { rule } if rule == "no-such-rule"));
        assert!(
            e.to_string().contains("yaml-syntax"),
            "lists the known ids: {e}"
        );
        assert!(check_folder(t.path(), &options("duplicate-key")).is_ok());
    }
}
