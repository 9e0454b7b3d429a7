//! `startups.json` of every v2 version: the start-up resources and the included
//! incubators.

use std::collections::BTreeMap;

use serde::Serialize;

use betagouv_portfolio::{Incubator, Startup};

use super::{ApiVersion, STARTUPS_SELF, date_text, url_encode};
use crate::tables::{extra_bool, extra_str};

/// `startups.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartupsDocument {
    /// `{"self": "https://beta.gouv.fr/startups"}`.
    pub links: BTreeMap<String, String>,
    /// One resource per start-up, sorted by id.
    pub data: Vec<StartupResource>,
    /// Visible incubators, sorted by id (ids prefixed with `/incubateurs/` before v2.7).
    pub included: Vec<IncludedIncubator>,
}

/// A start-up resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartupResource {
    /// Start-up id.
    pub id: String,
    /// Always `startup`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Attributes.
    pub attributes: StartupAttributes,
    /// The incubator relationships.
    pub relationships: Relationships,
}

/// The attributes of a start-up, in the API's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartupAttributes {
    /// `title`.
    pub name: String,
    /// `mission`.
    pub pitch: String,
    /// Stats page: v2.5 only when known, from v2.6 always (`""` when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats_url: Option<String>,
    /// Budget page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_url: Option<String>,
    /// Impact page (from v2.6, only where `link` is set; `""` when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact_url: Option<String>,
    /// Service URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Source code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Contact (`""` when absent).
    pub contact: String,
    /// Percent-encoded Markdown body.
    pub content_url_encoded_markdown: String,
    /// Events.
    pub events: Vec<ApiEvent>,
    /// Phases.
    pub phases: Vec<ApiPhase>,
    /// Organisation ids (inline sponsors: their name).
    pub sponsors: Vec<String>,
    /// Themes (front-matter `thematiques`), from v2.6.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thematiques: Option<Vec<String>>,
    /// Technologies (front-matter `techno`), from v2.6.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technos: Option<Vec<String>>,
    /// `"true"` when a risk analysis exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analyse_risques: Option<&'static str>,
    /// Risk analysis URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analyse_risques_url: Option<String>,
    /// Quality dashboard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dashlord_url: Option<String>,
    /// Accessibility status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessibility_status: Option<String>,
}

/// An event of `startups.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiEvent {
    /// Name.
    pub name: String,
    /// Date (`""` when absent).
    pub date: String,
    /// Comment (`""` when absent; line breaks removed from v2.6).
    pub comment: String,
}

/// A phase of `startups.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiPhase {
    /// Name.
    pub name: String,
    /// Start (`""` when absent).
    pub start: String,
    /// End (`""` when open).
    pub end: String,
}

/// `relationships` of a start-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relationships {
    /// The main incubator (front-matter `incubator`).
    pub incubator: RelationshipOne,
    /// Every incubator (`incubators`, else `incubator`), from v2.7.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incubators: Option<RelationshipMany>,
}

/// A to-one relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationshipOne {
    /// The linked resource.
    pub data: ResourceId,
}

/// A to-many relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationshipMany {
    /// The linked resources, in file order.
    pub data: Vec<ResourceId>,
}

/// A resource identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceId {
    /// Always `incubator`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Incubator id, no prefix (`""` when the start-up has none).
    pub id: String,
}

/// An incubator of `included`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncludedIncubator {
    /// `/incubateurs/<id>` up to v2.6 (the quirk), the bare id from v2.7.
    pub id: String,
    /// Always `incubator`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Attributes.
    pub attributes: IncludedAttributes,
}

/// Attributes of an included incubator: strings, `""` when absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncludedAttributes {
    /// Title.
    pub title: String,
    /// Owner as written.
    pub owner: String,
    /// Web site.
    pub website: String,
    /// Source code organisation.
    pub github: String,
    /// Contact.
    pub contact: String,
}

/// Leading and trailing white space removed as the site's templates do (space, tab,
/// line breaks, vertical tab, form feed, NUL): not Unicode white space.
pub(super) fn strip(text: &str) -> &str {
    text.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r' | '\0'))
}

/// `text` without its line breaks (`\n` and `\r\n`; a lone `\r` is kept).
fn strip_newlines(text: &str) -> String {
    text.replace("\r\n", "").replace('\n', "")
}

/// `stats_url` of v2.5: the recorded `stats_url`, else `<link>/stats` when
/// `stats: true` and a link exists (our earlier output, kept unchanged).
fn stats_url_v2_5(s: &Startup) -> Option<String> {
    if let Some(u) = &s.links.stats_url {
        return Some(u.clone());
    }
    match (s.links.stats, &s.links.site) {
        (Some(true), Some(link)) => Some(format!("{link}/stats")),
        _ => None,
    }
}

/// `stats_url` from v2.6: the recorded one, else `<link stripped>/stats` when
/// `stats: true` (`/stats` alone without a link, as the template gives), else `""`.
fn stats_url_v2_6(s: &Startup) -> String {
    if let Some(u) = &s.links.stats_url {
        return u.clone();
    }
    if s.links.stats == Some(true) {
        return format!(
            "{}/stats",
            strip(s.links.site.as_deref().unwrap_or_default())
        );
    }
    String::new()
}

fn attributes(s: &Startup, version: ApiVersion) -> StartupAttributes {
    let v2_6 = version >= ApiVersion::V2_6;
    StartupAttributes {
        name: s.name.clone(),
        pitch: s.pitch.clone(),
        stats_url: if v2_6 {
            Some(stats_url_v2_6(s))
        } else {
            stats_url_v2_5(s)
        },
        budget_url: s.links.budget_url.clone(),
        impact_url: (v2_6 && s.links.site.is_some())
            .then(|| s.links.impact_url.clone().unwrap_or_default()),
        link: s.links.site.clone(),
        repository: s.links.repository.clone(),
        contact: s.contact.clone().unwrap_or_default(),
        content_url_encoded_markdown: url_encode(&s.body),
        events: s
            .events
            .iter()
            .map(|e| {
                let comment = e.comment.clone().unwrap_or_default();
                ApiEvent {
                    name: e.name.clone(),
                    date: date_text(e.date.as_ref()).unwrap_or_default(),
                    comment: if v2_6 {
                        strip_newlines(&comment)
                    } else {
                        comment
                    },
                }
            })
            .collect(),
        phases: s
            .phases
            .iter()
            .map(|p| ApiPhase {
                name: p.name.clone(),
                start: date_text(p.start.as_ref()).unwrap_or_default(),
                end: date_text(p.end.as_ref()).unwrap_or_default(),
            })
            .collect(),
        sponsors: s.sponsors.iter().map(|sp| sp.key().to_owned()).collect(),
        thematiques: v2_6.then(|| s.themes.clone()),
        technos: v2_6.then(|| s.techno.clone()),
        analyse_risques: (extra_bool(s, "analyse_risques") == Some(true)).then_some("true"),
        analyse_risques_url: extra_str(s, "analyse_risques_url").map(str::to_owned),
        dashlord_url: extra_str(s, "dashlord_url").map(str::to_owned),
        accessibility_status: extra_str(s, "accessibility_status").map(str::to_owned),
    }
}

fn incubator_ref(id: String) -> ResourceId {
    ResourceId {
        kind: "incubator",
        id,
    }
}

/// The resource of `s` in `startups.json` of `version`.
pub(super) fn startup_resource(s: &Startup, version: ApiVersion) -> StartupResource {
    StartupResource {
        id: s.id.to_string(),
        kind: "startup",
        attributes: attributes(s, version),
        relationships: Relationships {
            incubator: RelationshipOne {
                data: incubator_ref(
                    s.incubator
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ),
            },
            incubators: (version >= ApiVersion::V2_7).then(|| RelationshipMany {
                data: s
                    .incubator_ids()
                    .map(|i| incubator_ref(i.to_string()))
                    .collect(),
            }),
        },
    }
}

/// An incubator as `startups.json` of `version` includes it.
pub(super) fn included_incubator(i: &Incubator, version: ApiVersion) -> IncludedIncubator {
    IncludedIncubator {
        id: if version >= ApiVersion::V2_7 {
            i.id.to_string()
        } else {
            format!("/incubateurs/{}", i.id)
        },
        kind: "incubator",
        attributes: IncludedAttributes {
            title: i.title.clone(),
            owner: i.owner.clone().unwrap_or_default(),
            website: i.website.clone().unwrap_or_default(),
            github: i.github.clone().unwrap_or_default(),
            contact: i.contact.clone().unwrap_or_default(),
        },
    }
}

/// `startups.json` of `version`: `startups` and `incubators` sorted by id, hidden
/// incubators already left out.
pub(super) fn document(
    startups: &[&Startup],
    incubators: &[&Incubator],
    version: ApiVersion,
) -> StartupsDocument {
    StartupsDocument {
        links: BTreeMap::from([("self".to_owned(), STARTUPS_SELF.to_owned())]),
        data: startups
            .iter()
            .map(|s| startup_resource(s, version))
            .collect(),
        included: incubators
            .iter()
            .map(|i| included_incubator(i, version))
            .collect(),
    }
}
