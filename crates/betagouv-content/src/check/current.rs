//! [`RuleSet::Current`](super::RuleSet::Current): today's CI checks (since 2024-02).

use std::collections::HashSet;

use betagouv_portfolio::{Member, Sponsor, Startup};

use super::common::{
    domaine, first_repeat, has_duplicate, incubator_and_contact_required, member_quoted_date,
    mission_dates_required, mission_spans, missions_required, numbered, phase_spans,
    phases_required, sponsor_organisation, startup_quoted_date,
};
use super::{Folder, Out, Rules};
use crate::rules;

pub(super) const RULES: Rules = Rules {
    startup: &[
        incubator_and_contact_required,
        startup_quoted_date,
        sponsors,
        incubators_list,
        phases_required,
        phase_start_required,
        duplicate_phase_name,
        phase_end_after_start,
        event_date_required,
    ],
    member: &[
        missions_required,
        member_quoted_date,
        mission_dates_required,
        mission_end_after_start,
        startup_references,
        domaine,
        duplicate_competence,
    ],
};

/// `unknown-sponsor`: every sponsor is written `/organisations/<id>` and has a file.
fn sponsors(out: &mut Out<'_>, folder: &Folder<'_>, s: &Startup) {
    for (n, sp) in s.sponsors.iter().enumerate() {
        sponsor_organisation(out, folder, n, sp);
        if let Sponsor::Inline { name, .. } = sp {
            out.error(
                out.at(&format!("sponsors[{n}]")),
                rules::UNKNOWN_SPONSOR,
                format!("sponsor `{name}` must be written `/organisations/<id>`"),
            );
        }
    }
}

/// `incubators-list`: `incubators`, when given, lists at least 2 existing incubators
/// without duplicates, including `incubator`.
fn incubators_list(out: &mut Out<'_>, folder: &Folder<'_>, s: &Startup) {
    if s.incubators.is_empty() {
        return;
    }
    let dup = has_duplicate(s.incubators.iter().map(|i| i.as_str()));
    let has_main = s
        .incubator
        .as_ref()
        .is_some_and(|m| s.incubators.contains(m));
    let missing: Vec<_> = s
        .incubators
        .iter()
        .filter(|i| !folder.incubator_ids.contains(i.as_str()))
        .map(|i| i.as_str())
        .collect();
    if s.incubators.len() < 2 || dup || !has_main || !missing.is_empty() {
        let unknown = if missing.is_empty() {
            String::new()
        } else {
            format!(" (unknown: {})", missing.join(", "))
        };
        out.error(
            out.line("incubators"),
            rules::INCUBATORS_LIST,
            format!("`incubators` must list at least 2 existing incubators without duplicates, including `incubator`{unknown}"),
        );
    }
}

/// `phase-start-required`: every phase has a start date.
fn phase_start_required(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    for (n, ph) in s.phases.iter().enumerate() {
        if ph.start.is_none() {
            out.error(
                out.item("phases", n, "start"),
                rules::PHASE_START_REQUIRED,
                format!("phase `{}` has no start date; add it", ph.name),
            );
        }
    }
}

/// `duplicate-phase-name`: a phase name is listed once.
fn duplicate_phase_name(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    let mut names = HashSet::new();
    for (n, ph) in s.phases.iter().enumerate() {
        if !names.insert(ph.name.as_str()) {
            out.error(
                out.item("phases", n, "name"),
                rules::DUPLICATE_PHASE_NAME,
                format!("phase `{}` is listed twice; keep one", ph.name),
            );
        }
    }
}

/// `phase-end-not-after-start`: a phase does not end on the day it starts (an end
/// before the start is the portfolio's `phase-end-before-start`).
fn phase_end_after_start(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    for (n, ph, a, _) in phase_spans(s).filter(|(_, _, a, b)| a == b) {
        out.error(
            out.item("phases", n, "end"),
            rules::PHASE_END_NOT_AFTER_START,
            format!(
                "phase `{}` ends on the day it starts ({a}); the end must be after the start",
                ph.name
            ),
        );
    }
}

/// `event-date-required`: every event has a date.
fn event_date_required(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    for (n, ev) in s.events.iter().enumerate() {
        if ev.date.is_none() {
            out.error(
                out.item("events", n, "date"),
                rules::EVENT_DATE_REQUIRED,
                format!("event `{}` has no date; add it", ev.name),
            );
        }
    }
}

/// `mission-end-not-after-start`: a mission does not end on the day it starts.
fn mission_end_after_start(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    for (n, a, _) in mission_spans(m).filter(|(_, a, b)| a == b) {
        out.error(
            out.item("missions", n - 1, "end"),
            rules::MISSION_END_NOT_AFTER_START,
            format!("mission {n} ends on the day it starts ({a}); the end must be after the start"),
        );
    }
}

/// `duplicate-reference` and `unknown-startup`: the start-ups of each mission, of
/// `startups` and of `previously` are named once and have a `.md` file.
fn startup_references(out: &mut Out<'_>, folder: &Folder<'_>, m: &Member) {
    for (n, x) in numbered(&m.missions) {
        let what = format!("mission {n} `startups`");
        let list = format!("missions[{}].startups", n - 1);
        references(
            out,
            folder,
            &list,
            &what,
            x.startups.iter().map(|s| s.as_str()),
        );
    }
    references(
        out,
        folder,
        "startups",
        "`startups`",
        m.startups.iter().map(|s| s.as_str()),
    );
    let previously = m.previously.iter().map(|s| s.as_str());
    references(out, folder, "previously", "`previously`", previously);
}

/// `duplicate-reference` and `unknown-startup` of one list of start-up ids, the
/// record's list at path `list` (each problem located at its id).
fn references<'a>(
    out: &mut Out<'_>,
    folder: &Folder<'_>,
    list: &str,
    what: &str,
    ids: impl Iterator<Item = &'a str>,
) {
    let mut seen = HashSet::new();
    for (n, s) in ids.enumerate() {
        let at = |out: &Out<'_>| out.at(&format!("{list}[{n}]"));
        if !seen.insert(s) {
            out.error(
                at(out),
                rules::DUPLICATE_REFERENCE,
                format!("{what} lists `{s}` twice; keep one"),
            );
        }
        if !folder.md_startups.contains(s) {
            out.error(
                at(out),
                rules::UNKNOWN_STARTUP,
                format!("{what} names `{s}`, which has no `{s}.md` start-up file"),
            );
        }
    }
}

/// `duplicate-competence`: `competences` lists each skill once.
fn duplicate_competence(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    if let Some(n) = first_repeat(m.competences.iter().map(String::as_str)) {
        out.error(
            out.at(&format!("competences[{n}]")),
            rules::DUPLICATE_COMPETENCE,
            "`competences` lists a skill twice; keep one".into(),
        );
    }
}
