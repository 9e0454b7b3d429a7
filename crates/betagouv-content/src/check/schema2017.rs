//! [`RuleSet::Schema2017`](super::RuleSet::Schema2017): the schema files checked in
//! the site's CI from 2017-03 (`_authors/`, or `content/` with `status` records).

use betagouv_portfolio::{PhaseField, Startup};

use super::common::{
    contact_format, employer_status, listed_mission_start_required, listed_mission_status_2016,
    require, start_required,
};
use super::{Folder, Out, Rules};
use crate::layout::LayoutKind;

pub(super) const RULES: Rules = Rules {
    startup: &[required_keys, contact_format],
    member: &[
        start_required,
        employer_status,
        listed_mission_start_required,
        listed_mission_status_2016,
    ],
};

/// `field-required`: `contact`; `status` and `start` for a `status` start-up; `owner`
/// and `incubator` in a `content/` folder.
fn required_keys(out: &mut Out<'_>, folder: &Folder<'_>, s: &Startup) {
    require(out, "contact", s.contact.is_some());
    if s.phase_field == PhaseField::Status {
        require(out, "status", !s.phases.is_empty());
        let start = s.phases.first().is_some_and(|p| p.start.is_some());
        require(out, "start", start);
    }
    if folder.import.layout.kind == LayoutKind::Content {
        require(out, "owner", s.owner.is_some());
        require(out, "incubator", s.incubator.is_some());
    }
}
