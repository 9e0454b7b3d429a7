//! `startups_details.json` (v2.6 on): each start-up with its active, previous and
//! expired members, worked out from the member files as of a date.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use betagouv_portfolio::{Member, RecordDate, Startup};

use super::incubators::{WholePhase, whole_phases};

/// An entry of `startups_details.json`. A start-up id that members name but no
/// start-up file has only the three member lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DetailsEntry {
    /// Members active on the date, by id, first mention first.
    pub active_members: Vec<String>,
    /// Members who list the start-up in `previously`.
    pub previous_members: Vec<String>,
    /// Members whose mission for the start-up ended on or before the date.
    pub expired_members: Vec<String>,
    /// The start-up's own fields, when it has a file.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub record: Option<DetailsRecord>,
}

/// The fields of a start-up in `startups_details.json` (`null` when absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetailsRecord {
    /// Start-up id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Source code.
    pub repository: Option<String>,
    /// Contact.
    pub contact: Option<String>,
    /// Phases, copied whole.
    pub phases: Vec<WholePhase>,
}

/// A calendar date, or `None` (absent, partial or invalid dates count as absent).
fn day(d: Option<&RecordDate>) -> Option<NaiveDate> {
    d.and_then(RecordDate::exact)
}

/// Where a member goes in the lists of a start-up.
#[derive(Clone, Copy)]
enum List {
    Active,
    Previous,
    Expired,
}

fn push(map: &mut BTreeMap<String, DetailsEntry>, startup: &str, list: List, member: &str) {
    let e = map.entry(startup.to_owned()).or_default();
    let v = match list {
        List::Active => &mut e.active_members,
        List::Previous => &mut e.previous_members,
        List::Expired => &mut e.expired_members,
    };
    v.push(member.to_owned());
}

/// The lists `m` adds to as of `at`:
/// - a start-up of the legacy `startups` list: expired when the member's last mission
///   (in file order) has an end on or before `at`, active otherwise;
/// - a start-up of `previously`: previous;
/// - a start-up of a mission's `startups`: active when the mission has no end, or
///   started on or before `at` (a mission without a start counts as started) and ends
///   on or after it; expired when it ended before `at`; nothing for a mission that has
///   not started yet.
fn add_member(map: &mut BTreeMap<String, DetailsEntry>, m: &Member, at: NaiveDate) {
    let id = m.id.as_str();
    let last_end = m.missions.last().and_then(|mi| day(mi.end.as_ref()));
    let legacy = if last_end.is_some_and(|e| e <= at) {
        List::Expired
    } else {
        List::Active
    };
    for s in &m.startups {
        push(map, s.as_str(), legacy, id);
    }
    for s in &m.previously {
        push(map, s.as_str(), List::Previous, id);
    }
    for mi in &m.missions {
        let list = match (day(mi.start.as_ref()), day(mi.end.as_ref())) {
            (_, None) => Some(List::Active),
            (start, Some(end)) if start.is_none_or(|s| s <= at) && end >= at => Some(List::Active),
            (_, Some(end)) if end <= at => Some(List::Expired),
            _ => None,
        };
        if let Some(list) = list {
            for s in &mi.startups {
                push(map, s.as_str(), list, id);
            }
        }
    }
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// `startups_details.json` as of `at`: `members` and `startups` sorted by id.
pub(super) fn details(
    members: &[&Member],
    startups: &[&Startup],
    at: NaiveDate,
) -> BTreeMap<String, DetailsEntry> {
    let mut map = BTreeMap::new();
    for m in members {
        add_member(&mut map, m, at);
    }
    for s in startups {
        let e = map.entry(s.id.to_string()).or_default();
        // The site removes repeated members for start-ups with a file only.
        dedup(&mut e.active_members);
        dedup(&mut e.previous_members);
        dedup(&mut e.expired_members);
        e.record = Some(DetailsRecord {
            id: s.id.to_string(),
            name: s.name.clone(),
            repository: s.links.repository.clone(),
            contact: s.contact.clone(),
            phases: whole_phases(s),
        });
    }
    map
}
