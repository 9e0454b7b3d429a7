//! [`RuleSet::Build2016`](super::RuleSet::Build2016): the checks of the 2016 site build
//! (`_startup/` and `_author/`).

use betagouv_portfolio::{Member, PhaseField, Startup, Vocabulary};

use super::common::{
    employer_status, flat, listed_mission_start_required, listed_mission_status_2016, require,
    start_required,
};
use super::{Folder, Out, Rules};
use crate::rules;

pub(super) const RULES: Rules = Rules {
    startup: &[owner_required, unknown_status],
    member: &[
        start_required,
        employer_required,
        employer_status,
        listed_mission_start_required,
        listed_mission_status_2016,
    ],
};

/// `field-required` (`owner`): the start-up names its owner.
fn owner_required(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    let present = s.owner.as_deref().is_some_and(|o| !o.trim().is_empty());
    require(out, "owner", present);
}

/// `unknown-status`: a `status` is one of the site's.
fn unknown_status(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    if let Some(ph) = s.phases.first()
        && s.phase_field == PhaseField::Status
        && Vocabulary::V2016.names().iter().all(|(n, _)| *n != ph.name)
    {
        out.error(
            out.line("status"),
            rules::UNKNOWN_STATUS,
            format!("status `{}` is not one of the site's statuses (investigation, construction, consolidation, passation, success, retirement, death)", ph.name),
        );
    }
}

/// `employer-required` (flat members): the member has an `employer`.
fn employer_required(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    let status = m.missions.first().and_then(|x| x.status.as_deref());
    if flat(m) && status.is_none() {
        out.error(
            out.line("employer"),
            rules::EMPLOYER_REQUIRED,
            "the member has no `employer`; add it (e.g. `independent/octo`)".into(),
        );
    }
}
