//! `incubators.json`, `sponsors.json` and `organisations.json` (every v2 version;
//! `organisations.json` from v2.6).

use std::collections::BTreeMap;

use serde::Serialize;

use betagouv_portfolio::{Incubator, Portfolio, Startup};

use super::{date_text, sorted};

/// An entry of `incubators.json`. An id used by start-ups with no record (or a hidden
/// one) has only `startups`; an incubator without start-ups has no `startups` key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncubatorEntry {
    /// Start-ups of the incubator, sorted by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startups: Option<Vec<IncubatorStartup>>,
    /// The incubator's own fields, when it has a visible record.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub record: Option<IncubatorFields>,
}

/// The fields of an incubator record in `incubators.json` (`null` when absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncubatorFields {
    /// Title.
    pub title: String,
    /// Owner as written.
    pub owner: Option<String>,
    /// Contact.
    pub contact: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Source code organisation.
    pub github: Option<String>,
}

/// A start-up in `incubators.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncubatorStartup {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Pitch.
    pub pitch: String,
    /// Source code.
    pub repository: Option<String>,
    /// Contact.
    pub contact: Option<String>,
    /// Phases, copied whole.
    pub phases: Vec<WholePhase>,
}

/// A phase copied whole (`end` and `comment` only when present).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WholePhase {
    /// Name.
    pub name: String,
    /// Start, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Comment, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An entry of `sponsors.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SponsorEntry {
    /// Name.
    pub name: String,
    /// Acronym.
    pub acronym: Option<String>,
    /// Ministerial domain.
    pub domaine_ministeriel: Option<String>,
    /// Type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// An entry of `organisations.json` (v2.6 on): strings, `""` when absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationEntry {
    /// Organisation id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Acronym.
    pub acronym: String,
    /// Ministerial domain.
    pub domaine_ministeriel: String,
    /// Type.
    #[serde(rename = "type")]
    pub kind: String,
}

/// `organisations.json`: every organisation, sorted by id.
pub(super) fn organisation_entries(portfolio: &Portfolio) -> Vec<OrganisationEntry> {
    sorted(&portfolio.organisations, |o| o.id.as_str())
        .into_iter()
        .map(|o| OrganisationEntry {
            id: o.id.to_string(),
            name: o.name.clone(),
            acronym: o.acronym.clone().unwrap_or_default(),
            domaine_ministeriel: o.domaine_ministeriel.clone().unwrap_or_default(),
            kind: o.kind.clone().unwrap_or_default(),
        })
        .collect()
}

/// `incubators.json`: every visible incubator with its record, and every incubator a
/// start-up names (with or without a record) with its start-ups.
pub(super) fn incubator_entries(
    incubators: &[&Incubator],
    startups: &[&Startup],
) -> BTreeMap<String, IncubatorEntry> {
    let mut by_incubator: BTreeMap<String, IncubatorEntry> = BTreeMap::new();
    for i in incubators {
        by_incubator.insert(
            i.id.to_string(),
            IncubatorEntry {
                startups: None,
                record: Some(IncubatorFields {
                    title: i.title.clone(),
                    owner: i.owner.clone(),
                    contact: i.contact.clone(),
                    address: i.address.clone(),
                    website: i.website.clone(),
                    github: i.github.clone(),
                }),
            },
        );
    }
    for s in startups {
        for inc in s.incubator_ids() {
            let entry = by_incubator
                .entry(inc.to_string())
                .or_insert(IncubatorEntry {
                    startups: None,
                    record: None,
                });
            entry
                .startups
                .get_or_insert_with(Vec::new)
                .push(incubator_startup(s));
        }
    }
    by_incubator
}

/// A start-up as `incubators.json` lists it, with its whole phases.
pub(super) fn incubator_startup(s: &Startup) -> IncubatorStartup {
    IncubatorStartup {
        id: s.id.to_string(),
        name: s.name.clone(),
        pitch: s.pitch.clone(),
        repository: s.links.repository.clone(),
        contact: s.contact.clone(),
        phases: whole_phases(s),
    }
}

/// The phases of `s` copied whole.
pub(super) fn whole_phases(s: &Startup) -> Vec<WholePhase> {
    s.phases
        .iter()
        .map(|p| WholePhase {
            name: p.name.clone(),
            start: date_text(p.start.as_ref()),
            end: date_text(p.end.as_ref()),
            comment: p.comment.clone(),
        })
        .collect()
}

/// `sponsors.json`: every organisation, by id.
pub(super) fn sponsor_entries(portfolio: &Portfolio) -> BTreeMap<String, SponsorEntry> {
    sorted(&portfolio.organisations, |o| o.id.as_str())
        .into_iter()
        .map(|o| {
            (
                o.id.to_string(),
                SponsorEntry {
                    name: o.name.clone(),
                    acronym: o.acronym.clone(),
                    domaine_ministeriel: o.domaine_ministeriel.clone(),
                    kind: o.kind.clone(),
                },
            )
        })
        .collect()
}
