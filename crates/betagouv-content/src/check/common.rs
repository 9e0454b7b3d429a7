//! Rules that several rule sets share.

use std::collections::HashSet;

use chrono::NaiveDate;

use betagouv_portfolio::{
    Member, MemberShape, Mission, Phase, RecordKind, Sponsor, Startup, Value,
};

use super::{Folder, Here, Out, exact};
use crate::read::{Import, Position, SourceFlag};
use crate::rules;

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

/// `member-file-name`, in every rule set: the name of each file of the members'
/// folder (the repository's CI lists them all, so a file without `.md` fails too).
pub(super) fn member_file_names<'a>(out: &mut Out<'a>, import: &'a Import) {
    for f in &import.files {
        if f.kind != RecordKind::Member {
            continue;
        }
        let name = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !member_file_name_ok(name) {
            let id = name.strip_suffix(".md").unwrap_or(name);
            out.enter(Here {
                kind: RecordKind::Member,
                id,
                file: &f.path,
                source: &f.source,
            });
            out.error(
                None,
                rules::MEMBER_FILE_NAME,
                format!("member file name `{name}` must be firstname.lastname.md in lower-case letters a-z, `_`, `-` and `.`; rename it"),
            );
        }
    }
}

/// `field-required`: the record's key `key` is missing or empty unless `present`
/// (at the key when it is written empty, the whole file when it is missing).
pub(super) fn require(out: &mut Out<'_>, key: &str, present: bool) {
    if !present {
        out.error(
            out.line(key),
            rules::FIELD_REQUIRED,
            format!("required key `{key}` is missing or empty; add it"),
        );
    }
}

/// `contact-format`: a start-up's `contact` is an e-mail address.
pub(super) fn contact_format(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    if let Some(c) = &s.contact
        && !c.contains('@')
    {
        out.error(
            out.line("contact"),
            rules::CONTACT_FORMAT,
            format!("contact `{c}` must be an e-mail address"),
        );
    }
}

/// `quoted-date`: a date of the record is written as a quoted text (located at the
/// first one).
fn quoted_date(out: &mut Out<'_>) {
    if out.source().has(SourceFlag::QuotedDates) {
        out.error(
            out.source().quoted_date,
            rules::QUOTED_DATE,
            "a date is written as a quoted text; write it as a plain YYYY-MM-DD date".into(),
        );
    }
}

/// `quoted-date` of a start-up.
pub(super) fn startup_quoted_date(out: &mut Out<'_>, _: &Folder<'_>, _: &Startup) {
    quoted_date(out);
}

/// `unknown-sponsor` of the `n`-th sponsor (from 0) when written `/organisations/<id>`:
/// the organisation has a `.md` file.
pub(super) fn sponsor_organisation(
    out: &mut Out<'_>,
    folder: &Folder<'_>,
    n: usize,
    sponsor: &Sponsor,
) {
    if let Sponsor::Organisation { id: o } = sponsor
        && !folder.md_orgs.contains(o.as_str())
    {
        out.error(
            out.at(&format!("sponsors[{n}]")),
            rules::UNKNOWN_SPONSOR,
            format!("sponsor `/organisations/{o}` has no `{o}.md` organisation file"),
        );
    }
}

/// `phases-required`: no phase; when a `phases` key is there but is not a list of
/// phases, says so at its line (the import located the value itself, `field-type`).
pub(super) fn phases_required(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    if !s.phases.is_empty() {
        return;
    }
    let at = out.line("phases");
    let msg = match (s.extra.get("phases"), at) {
        (Some(v), Some(Position { line, .. })) if !matches!(v, Value::Null | Value::Seq(_)) => {
            format!(
                "`phases` on line {line} is a {}, not a list of phases; write it as a list (`- name: ...` items)",
                v.type_name()
            )
        }
        _ => "the start-up has no `phases`; add at least one phase".to_owned(),
    };
    out.error(at, rules::PHASES_REQUIRED, msg);
}

/// Whether the member is written flat (`start`, `end`, `employer`), without `missions`.
pub(super) fn flat(m: &Member) -> bool {
    m.shape == MemberShape::Flat
}

/// `start-required` (flat members, 2016-2018): the member has a `start` date.
pub(super) fn start_required(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    if flat(m) && m.missions.first().is_none_or(|x| x.start.is_none()) {
        out.error(
            out.line("start"),
            rules::START_REQUIRED,
            "the member has no `start` date; add it".into(),
        );
    }
}

/// The mission statuses of 2016-2018 (`dinsic` was dropped later).
const STATUSES_2016: [&str; 4] = ["dinsic", "service", "independent", "admin"];

/// `employer-status` (flat members, 2016-2018): `employer` starts with a known status.
pub(super) fn employer_status(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    let status = m.missions.first().and_then(|x| x.status.as_deref());
    if flat(m)
        && let Some(st) = status
        && !STATUSES_2016.contains(&st)
    {
        out.error(
            out.line("employer"),
            rules::EMPLOYER_STATUS,
            format!("`employer` must start with dinsic, service, independent or admin, not `{st}`"),
        );
    }
}

/// `mission-start-required` (2016-2018, members with `missions`).
pub(super) fn listed_mission_start_required(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    if !flat(m) {
        mission_start_required(out, m);
    }
}

/// `mission-status` (2016-2018, members with `missions`): `dinsic` still accepted.
pub(super) fn listed_mission_status_2016(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    if !flat(m) {
        mission_status(out, m, &STATUSES_2016);
    }
}

/// `mission-status`: each mission's status is one of `allowed`.
pub(super) fn mission_status(out: &mut Out<'_>, m: &Member, allowed: &[&str]) {
    for (n, x) in numbered(&m.missions) {
        if let Some(st) = x.status.as_deref()
            && !allowed.contains(&st)
        {
            out.error(
                out.item("missions", n - 1, "status"),
                rules::MISSION_STATUS,
                format!("mission {n} status must be service, independent or admin, not `{st}`"),
            );
        }
    }
}

/// Missions numbered from 1, as messages name them.
pub(super) fn numbered(missions: &[Mission]) -> impl Iterator<Item = (usize, &Mission)> {
    missions.iter().enumerate().map(|(n, x)| (n + 1, x))
}

/// `missions-required` (the `missions` era, 2019-04 on): the member has a list.
pub(super) fn missions_required(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    if flat(m) {
        out.error(
            out.line("missions"),
            rules::MISSIONS_REQUIRED,
            "the member has no `missions` list; add one".into(),
        );
    }
}

/// `quoted-date` of a member.
pub(super) fn member_quoted_date(out: &mut Out<'_>, _: &Folder<'_>, _: &Member) {
    quoted_date(out);
}

/// `mission-start-required`: each mission has a start.
fn mission_start_required(out: &mut Out<'_>, m: &Member) {
    for (n, x) in numbered(&m.missions) {
        if x.start.is_none() {
            out.error(
                out.item("missions", n - 1, "start"),
                rules::MISSION_START_REQUIRED,
                format!("mission {n} has no start date; add it"),
            );
        }
    }
}

/// `mission-start-required` and `mission-end-required` (the `missions` era): each
/// mission has a start and an end.
pub(super) fn mission_dates_required(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    mission_start_required(out, m);
    for (n, x) in numbered(&m.missions) {
        if x.end.is_none() {
            out.error(
                out.item("missions", n - 1, "end"),
                rules::MISSION_END_REQUIRED,
                format!("mission {n} has no end date; add it"),
            );
        }
    }
}

/// `unknown-domaine`: `domaine`, when given, is one of [`DOMAINES`].
pub(super) fn domaine(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    if let Some(d) = m.domaine.as_deref()
        && !DOMAINES.contains(&d)
    {
        out.error(
            out.line("domaine"),
            rules::UNKNOWN_DOMAINE,
            format!("domaine `{d}` is not one of {}", DOMAINES.join(", ")),
        );
    }
}

/// Whether `ids` names an id twice (`duplicate-*` rules).
pub(super) fn has_duplicate<'a>(ids: impl IntoIterator<Item = &'a str>) -> bool {
    first_repeat(ids).is_some()
}

/// The index (from 0) of the first id of `ids` named a second time.
pub(super) fn first_repeat<'a>(ids: impl IntoIterator<Item = &'a str>) -> Option<usize> {
    let mut seen = HashSet::new();
    ids.into_iter().position(|i| !seen.insert(i))
}

/// `field-required`: `incubator` and `contact` (the `phases` era).
pub(super) fn incubator_and_contact_required(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    require(out, "incubator", s.incubator.is_some());
    require(out, "contact", s.contact.is_some());
}

/// The phases with a full start and end date, with their index (from 0) and those
/// dates.
pub(super) fn phase_spans(
    s: &Startup,
) -> impl Iterator<Item = (usize, &Phase, NaiveDate, NaiveDate)> {
    s.phases.iter().enumerate().filter_map(|(n, ph)| {
        let (a, b) = (exact(ph.start.as_ref())?, exact(ph.end.as_ref())?);
        Some((n, ph, a, b))
    })
}

/// The missions (numbered from 1) with a full start and end date, with those dates.
pub(super) fn mission_spans(m: &Member) -> impl Iterator<Item = (usize, NaiveDate, NaiveDate)> {
    numbered(&m.missions).filter_map(|(n, x)| {
        let (a, b) = (exact(x.start.as_ref())?, exact(x.end.as_ref())?);
        Some((n, a, b))
    })
}
