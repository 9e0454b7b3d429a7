//! [`RuleSet::Schema2020`](super::RuleSet::Schema2020): the schema files of the
//! `phases` era (2020-07 to 2024) and the 2022 CI script. Inline sponsors, undated
//! terminal phases, repeated phase names and dangling start-up references were all
//! accepted.

use betagouv_portfolio::{Member, Startup};

use super::common::{
    contact_format, domaine, incubator_and_contact_required, member_quoted_date,
    mission_dates_required, mission_spans, mission_status, missions_required, phase_spans,
    phases_required, sponsor_organisation, startup_quoted_date,
};
use super::{Folder, Out, Rules, exact};
use crate::rules;

pub(super) const RULES: Rules = Rules {
    startup: &[
        incubator_and_contact_required,
        contact_format,
        startup_quoted_date,
        sponsors,
        phases_required,
        phase_names,
        phase_start_required,
        phase_end_after_start,
        event_names,
    ],
    member: &[
        missions_required,
        member_quoted_date,
        mission_dates_required,
        mission_statuses,
        mission_end_after_start,
        domaine,
    ],
};

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

/// `unknown-sponsor`: sponsors written `/organisations/<id>` have a file (inline
/// sponsor mappings were accepted).
fn sponsors(out: &mut Out<'_>, folder: &Folder<'_>, s: &Startup) {
    for (n, sp) in s.sponsors.iter().enumerate() {
        sponsor_organisation(out, folder, n, sp);
    }
}

/// `unknown-phase-name`: each phase name is one of [`PHASE_NAMES_2020`].
fn phase_names(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    for (i, ph) in s.phases.iter().enumerate() {
        if PHASE_NAMES_2020.iter().all(|n| *n != ph.name) {
            out.error(
                out.item("phases", i, "name"),
                rules::UNKNOWN_PHASE_NAME,
                format!(
                    "phase `{}` is not one of {}",
                    ph.name,
                    PHASE_NAMES_2020.join(", ")
                ),
            );
        }
    }
}

/// `phase-start-required`: each phase but `alumni` and `success` has a full date.
fn phase_start_required(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    for (n, ph) in s.phases.iter().enumerate() {
        let terminal = matches!(ph.name.as_str(), "alumni" | "success");
        if !terminal && exact(ph.start.as_ref()).is_none() {
            out.error(
                out.item("phases", n, "start"),
                rules::PHASE_START_REQUIRED,
                format!("phase `{}` has no YYYY-MM-DD start date; add it", ph.name),
            );
        }
    }
}

/// `phase-end-not-after-start`: a phase ends after it starts.
fn phase_end_after_start(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    for (n, ph, a, b) in phase_spans(s).filter(|(_, _, a, b)| b <= a) {
        out.error(
            out.item("phases", n, "end"),
            rules::PHASE_END_NOT_AFTER_START,
            format!("phase `{}` ends on {b}, not after its start {a}", ph.name),
        );
    }
}

/// `unknown-event-name`: each event name is one of [`EVENT_NAMES_2020`].
fn event_names(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    for (n, ev) in s.events.iter().enumerate() {
        if !EVENT_NAMES_2020.contains(&ev.name.as_str()) {
            out.error(
                out.item("events", n, "name"),
                rules::UNKNOWN_EVENT_NAME,
                format!(
                    "event `{}` is not one of {}",
                    ev.name,
                    EVENT_NAMES_2020.join(", ")
                ),
            );
        }
    }
}

/// `mission-status`: service, independent or admin (no more `dinsic`).
fn mission_statuses(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    mission_status(out, m, &["service", "independent", "admin"]);
}

/// `mission-end-not-after-start`: a mission ends after it starts.
fn mission_end_after_start(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    for (n, a, b) in mission_spans(m).filter(|(_, a, b)| b <= a) {
        out.error(
            out.item("missions", n - 1, "end"),
            rules::MISSION_END_NOT_AFTER_START,
            format!("mission {n} ends on {b}, not after its start {a}"),
        );
    }
}
