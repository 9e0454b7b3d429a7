//! The beta.gouv.fr public API v2.5 files, so that its existing clients read our
//! export unchanged.
//!
//! [`ApiFiles::build`] gives the four files of `/api/v2.5/`:
//!
//! - `startups.json`: a JSON:API-like document `{links, data, included}`. Optional
//!   attributes (`stats_url`, `budget_url`, `link`, `repository`, `analyse_risques`,
//!   `analyse_risques_url`, `dashlord_url`, `accessibility_status`) are left out when
//!   absent, never `null`; every value is a string, dates `YYYY-MM-DD`.
//! - `authors.json`: an array of members with their missions.
//! - `incubators.json`: an object keyed by incubator id, with its start-ups.
//! - `sponsors.json`: an object keyed by organisation id.
//!
//! In the last three, absent values are `null`, as in the API. The export adds
//! [`META_FILE`] (`meta.json`), its own metadata ([`meta`]): generator, date, source,
//! licence, and what the import of the source dropped.
//!
//! **Quirks reproduced** because clients depend on them:
//! - `included[].id` keeps the `/incubateurs/` prefix (`"/incubateurs/dinum"`) while
//!   `relationships.incubator.data.id` does not (`"dinum"`);
//! - an open phase has `"end": ""` in `startups.json` (empty string, not `null`), while
//!   `incubators.json` copies phases whole and leaves `end` out when absent;
//! - an event without comment has `"comment": ""`;
//! - `analyse_risques` is the string `"true"`, and only present when true;
//! - `stats_url` is the recorded `stats_url`, else `<link>/stats` when `stats: true`
//!   (plain concatenation, as the site's template does);
//! - `content_url_encoded_markdown` is the Markdown body, percent-encoded byte by byte
//!   except `A-Z a-z 0-9 - . _ ~` (checked against the published files);
//! - values are written as read: trailing spaces are kept;
//! - hidden incubators are left out of `included` and keep only `startups` in
//!   `incubators.json`, although start-ups still point to them;
//! - the `included[]` attributes of `startups.json` are strings, `""` when absent (the
//!   site prints them through a text template).
//!
//! **Not reproduced**: the HTML escaping some text-template fields get on the site
//! (`&amp;`, `&#39;` in `authors.json` roles), and JSON broken by a `"` in a title. An
//! empty `''` value in a content file is read as absent by the content reader, so it
//! comes out as absent (left out of `startups.json`, `null` elsewhere) where the site
//! would print `""`.
//!
//! ```
//! use betagouv_export::api::ApiFiles;
//! use betagouv_portfolio::builtin;
//!
//! let files = ApiFiles::build(&builtin::portfolio_2016());
//! let startups = serde_json::to_value(&files.startups)?;
//! assert_eq!(startups["data"].as_array().map(Vec::len), Some(27));
//! assert_eq!(startups["data"][0]["type"], "startup");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use betagouv_portfolio::{Incubator, Member, Portfolio, RecordDate, Startup};

use crate::Progress;
use crate::error::{Error, Result};
use crate::tables::{extra_bool, extra_str};

/// `links.self` of `startups.json`.
pub const STARTUPS_SELF: &str = "https://beta.gouv.fr/startups";

/// The four API files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiFiles {
    /// `startups.json`.
    pub startups: StartupsDocument,
    /// `authors.json`.
    pub authors: Vec<Author>,
    /// `incubators.json`.
    pub incubators: BTreeMap<String, IncubatorEntry>,
    /// `sponsors.json`.
    pub sponsors: BTreeMap<String, SponsorEntry>,
}

/// `startups.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartupsDocument {
    /// `{"self": "https://beta.gouv.fr/startups"}`.
    pub links: BTreeMap<String, String>,
    /// One resource per start-up, sorted by id.
    pub data: Vec<StartupResource>,
    /// Visible incubators, sorted by id, ids prefixed with `/incubateurs/`.
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
    /// The incubator relationship.
    pub relationships: Relationships,
}

/// The attributes of a start-up, in the API's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartupAttributes {
    /// `title`.
    pub name: String,
    /// `mission`.
    pub pitch: String,
    /// Stats page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats_url: Option<String>,
    /// Budget page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_url: Option<String>,
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
    /// Comment (`""` when absent).
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
    /// The main incubator.
    pub incubator: RelationshipOne,
}

/// A to-one relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationshipOne {
    /// The linked resource.
    pub data: ResourceId,
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
    /// `/incubateurs/<id>` (the v2.5 quirk).
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

/// A member of `authors.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    /// Member id.
    pub id: String,
    /// Display name.
    pub fullname: String,
    /// Job title.
    pub role: String,
    /// Field of work.
    pub domaine: Option<String>,
    /// GitHub handle, only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub github: Option<String>,
    /// Missions, in file order.
    pub missions: Vec<AuthorMission>,
    /// Legacy current start-ups, only when non-empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub startups: Vec<String>,
    /// Legacy past start-ups, only when non-empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub previously: Vec<String>,
}

/// A mission of `authors.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorMission {
    /// Start.
    pub start: Option<String>,
    /// End.
    pub end: Option<String>,
    /// `independent`, `admin` or `service`.
    pub status: Option<String>,
    /// Employer as written.
    pub employer: Option<String>,
}

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

/// Percent-encodes `text` byte by byte, keeping only `A-Z a-z 0-9 - . _ ~`.
///
/// ```
/// use betagouv_export::api::url_encode;
/// assert_eq!(url_encode("l'année 2023-2024\n"), "l%27ann%C3%A9e%202023-2024%0A");
/// ```
#[must_use]
pub fn url_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

fn date_text(d: Option<&RecordDate>) -> Option<String> {
    d.map(ToString::to_string)
}

fn stats_url(s: &Startup) -> Option<String> {
    if let Some(u) = &s.links.stats_url {
        return Some(u.clone());
    }
    match (s.links.stats, &s.links.site) {
        (Some(true), Some(link)) => Some(format!("{link}/stats")),
        _ => None,
    }
}

fn startup_resource(s: &Startup) -> StartupResource {
    StartupResource {
        id: s.id.to_string(),
        kind: "startup",
        attributes: StartupAttributes {
            name: s.name.clone(),
            pitch: s.pitch.clone(),
            stats_url: stats_url(s),
            budget_url: s.links.budget_url.clone(),
            link: s.links.site.clone(),
            repository: s.links.repository.clone(),
            contact: s.contact.clone().unwrap_or_default(),
            content_url_encoded_markdown: url_encode(&s.body),
            events: s
                .events
                .iter()
                .map(|e| ApiEvent {
                    name: e.name.clone(),
                    date: date_text(e.date.as_ref()).unwrap_or_default(),
                    comment: e.comment.clone().unwrap_or_default(),
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
            analyse_risques: (extra_bool(s, "analyse_risques") == Some(true)).then_some("true"),
            analyse_risques_url: extra_str(s, "analyse_risques_url").map(str::to_owned),
            dashlord_url: extra_str(s, "dashlord_url").map(str::to_owned),
            accessibility_status: extra_str(s, "accessibility_status").map(str::to_owned),
        },
        relationships: Relationships {
            incubator: RelationshipOne {
                data: ResourceId {
                    kind: "incubator",
                    id: s
                        .incubator
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                },
            },
        },
    }
}

fn author(m: &Member) -> Author {
    Author {
        id: m.id.to_string(),
        fullname: m.fullname.clone(),
        role: m.role.clone(),
        domaine: m.domaine.clone(),
        github: m
            .extra
            .get("github")
            .and_then(betagouv_portfolio::Value::as_str)
            .map(str::to_owned),
        missions: m
            .missions
            .iter()
            .map(|mi| AuthorMission {
                start: date_text(mi.start.as_ref()),
                end: date_text(mi.end.as_ref()),
                status: mi.status.clone(),
                employer: mi.employer.clone(),
            })
            .collect(),
        startups: m.startups.iter().map(ToString::to_string).collect(),
        previously: m.previously.iter().map(ToString::to_string).collect(),
    }
}

/// An incubator as `startups.json` includes it.
fn included_incubator(i: &Incubator) -> IncludedIncubator {
    IncludedIncubator {
        id: format!("/incubateurs/{}", i.id),
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

/// `incubators.json`: every visible incubator with its record, and every incubator a
/// start-up names (with or without a record) with its start-ups.
fn incubator_entries(
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
fn incubator_startup(s: &Startup) -> IncubatorStartup {
    IncubatorStartup {
        id: s.id.to_string(),
        name: s.name.clone(),
        pitch: s.pitch.clone(),
        repository: s.links.repository.clone(),
        contact: s.contact.clone(),
        phases: s
            .phases
            .iter()
            .map(|p| WholePhase {
                name: p.name.clone(),
                start: date_text(p.start.as_ref()),
                end: date_text(p.end.as_ref()),
                comment: p.comment.clone(),
            })
            .collect(),
    }
}

/// `sponsors.json`: every organisation, by id.
fn sponsor_entries(portfolio: &Portfolio) -> BTreeMap<String, SponsorEntry> {
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

fn sorted<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<&T> {
    let mut v: Vec<&T> = items.iter().collect();
    v.sort_by(|a, b| id(a).cmp(id(b)));
    // First record of a duplicated id wins, as in the tabular exports.
    v.dedup_by(|b, a| id(a) == id(b));
    v
}

impl ApiFiles {
    /// The API files of `portfolio`, every list sorted by id.
    #[must_use]
    pub fn build(portfolio: &Portfolio) -> Self {
        let startups = sorted(&portfolio.startups, |s| s.id.as_str());
        let incubators: Vec<&Incubator> = sorted(&portfolio.incubators, |i| i.id.as_str())
            .into_iter()
            .filter(|i| !i.hidden)
            .collect();
        Self {
            startups: StartupsDocument {
                links: BTreeMap::from([("self".to_owned(), STARTUPS_SELF.to_owned())]),
                data: startups.iter().map(|s| startup_resource(s)).collect(),
                included: incubators.iter().map(|i| included_incubator(i)).collect(),
            },
            authors: sorted(&portfolio.members, |m| m.id.as_str())
                .into_iter()
                .map(author)
                .collect(),
            incubators: incubator_entries(&incubators, &startups),
            sponsors: sponsor_entries(portfolio),
        }
    }

    /// Records per file: `startups.json` (start-ups), `authors.json`, `incubators.json`
    /// (entries), `sponsors.json`.
    #[must_use]
    pub fn counts(&self) -> BTreeMap<String, usize> {
        BTreeMap::from([
            ("startups.json".to_owned(), self.startups.data.len()),
            ("authors.json".to_owned(), self.authors.len()),
            ("incubators.json".to_owned(), self.incubators.len()),
            ("sponsors.json".to_owned(), self.sponsors.len()),
        ])
    }

    /// Writes the four files into `dir` (two-space indented JSON, final newline) and
    /// returns their names.
    ///
    /// # Errors
    ///
    /// I/O and JSON errors.
    pub fn write(
        &self,
        dir: impl AsRef<Path>,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<PathBuf>> {
        let dir = dir.as_ref();
        let mut files = Vec::new();
        let mut put = |name: &'static str, value: &dyn erased::Json| -> Result<()> {
            let path = dir.join(name);
            let mut text = value.to_pretty().map_err(|source| Error::Json {
                path: path.clone(),
                source,
            })?;
            text.push('\n');
            std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
            files.push(PathBuf::from(name));
            progress(Progress {
                done: files.len(),
                total: FILES.len(),
                label: name,
            });
            Ok(())
        };
        let [startups, authors, incubators, sponsors] = FILES;
        put(startups, &self.startups)?;
        put(authors, &self.authors)?;
        put(incubators, &self.incubators)?;
        put(sponsors, &self.sponsors)?;
        Ok(files)
    }
}

/// The files of an API folder, in write order: everything [`ApiFiles::write`] puts
/// in its folder.
pub const FILES: [&str; 4] = [
    "startups.json",
    "authors.json",
    "incubators.json",
    "sponsors.json",
];

/// Whether an API folder holds the entry at `relative` ([`FILES`] and [`META_FILE`]):
/// the names a forced export may replace.
#[must_use]
pub fn writes(relative: &Path, is_dir: bool) -> bool {
    !is_dir && (FILES.iter().any(|f| relative == Path::new(f)) || relative == Path::new(META_FILE))
}

/// The file of the export's own metadata beside the four API files (the API itself
/// has none; its clients ignore unknown files).
pub const META_FILE: &str = "meta.json";

/// The export's metadata: `generator`, `generated_at`, `as_of`, `source`,
/// `source_revision`, `licence`, and `import` (files read, records, files dropped,
/// errors, warnings) when the data came from files.
#[must_use]
pub fn meta(options: &crate::ExportOptions) -> serde_json::Value {
    let mut meta = serde_json::json!({
        "generator": crate::ExportOptions::generator(),
        "generated_at": options.generated_at_text(),
        "as_of": options.at.format("%Y-%m-%d").to_string(),
        "source": options.source,
        "source_revision": options.source_revision,
        "licence": options.licence.name,
    });
    if let Some(import) = options.import_json() {
        meta["import"] = import;
    }
    meta
}

/// Writes [`META_FILE`] into `dir` and returns its name.
///
/// # Errors
///
/// I/O and JSON errors.
pub fn write_meta(dir: impl AsRef<Path>, options: &crate::ExportOptions) -> Result<PathBuf> {
    let path = dir.as_ref().join(META_FILE);
    let mut text = serde_json::to_string_pretty(&meta(options)).map_err(|source| Error::Json {
        path: path.clone(),
        source,
    })?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(PathBuf::from(META_FILE))
}

mod erased {
    /// Pretty JSON of any serialisable value, object-safe.
    pub(super) trait Json {
        fn to_pretty(&self) -> serde_json::Result<String>;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_pretty(&self) -> serde_json::Result<String> {
            serde_json::to_string_pretty(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use betagouv_portfolio::{
        Event, Extra, Incubator, IncubatorId, OrganisationId, Phase, Sponsor, StartupId, Value,
        Vocabulary,
    };
    use chrono::NaiveDate;
    use serde_json::json;

    fn sample() -> Portfolio {
        let mut p = Portfolio::new(Vocabulary::V2026);
        let mut s = Startup::new(StartupId::new("le-taxi").unwrap(), "le.taxi");
        s.pitch = "Un taxi ".into();
        s.incubator = Some(IncubatorId::new("mtes").unwrap());
        s.links.site = Some("https://le.taxi".into());
        s.links.stats = Some(true);
        s.contact = Some("equipe@le.taxi".into());
        s.body = "a b\n".into();
        s.phases = vec![Phase::new(
            "investigation",
            NaiveDate::from_ymd_opt(2015, 3, 15),
        )];
        s.events = vec![Event {
            name: "fast".into(),
            date: Some(RecordDate::parse("2024-01-01")),
            comment: None,
            extra: Extra::default(),
        }];
        s.sponsors = vec![Sponsor::Organisation {
            id: OrganisationId::new("dgitm").unwrap(),
        }];
        s.extra.insert("analyse_risques", Value::Bool(false));
        s.extra
            .insert("accessibility_status", Value::String("non conforme".into()));
        p.startups.push(s);
        let mut hidden = Incubator::new(IncubatorId::new("mtes").unwrap(), "Fabrique");
        hidden.hidden = true;
        p.incubators.push(hidden);
        p.incubators
            .push(Incubator::new(IncubatorId::new("dinum").unwrap(), "DINUM"));
        p
    }

    #[test]
    fn startups_json_shape_and_quirks() {
        let files = ApiFiles::build(&sample());
        let v = serde_json::to_value(&files.startups).unwrap();
        assert_eq!(
            v["data"][0]["attributes"],
            json!({
                "name": "le.taxi", "pitch": "Un taxi ", "stats_url": "https://le.taxi/stats",
                "link": "https://le.taxi", "contact": "equipe@le.taxi",
                "content_url_encoded_markdown": "a%20b%0A",
                "events": [{"name": "fast", "date": "2024-01-01", "comment": ""}],
                "phases": [{"name": "investigation", "start": "2015-03-15", "end": ""}],
                "sponsors": ["dgitm"], "accessibility_status": "non conforme"
            })
        );
        assert_eq!(
            v["data"][0]["relationships"]["incubator"]["data"],
            json!({"type": "incubator", "id": "mtes"})
        );
        // Hidden incubator left out of `included`; prefix kept.
        assert_eq!(v["included"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["included"][0]["id"], "/incubateurs/dinum");
        assert_eq!(v["included"][0]["attributes"]["owner"], "");
    }

    #[test]
    fn incubators_json_entries() {
        let files = ApiFiles::build(&sample());
        let v = serde_json::to_value(&files.incubators).unwrap();
        // Hidden: only start-ups. Without start-ups: no `startups` key.
        assert_eq!(
            v["mtes"]
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>()),
            Some(vec!["startups".to_owned()])
        );
        assert!(v["dinum"].get("startups").is_none());
        assert_eq!(v["dinum"]["github"], serde_json::Value::Null);
        assert_eq!(
            v["mtes"]["startups"][0]["phases"][0],
            json!({"name": "investigation", "start": "2015-03-15"})
        );
    }

    #[test]
    fn encodes_like_the_site() {
        assert_eq!(
            url_encode("**[L'a](x)** é~"),
            "%2A%2A%5BL%27a%5D%28x%29%2A%2A%20%C3%A9~"
        );
    }
}
