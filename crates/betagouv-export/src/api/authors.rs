//! `authors.json` of every v2 version.

use serde::Serialize;

use betagouv_portfolio::Member;

use super::startups::strip;
use super::{ApiVersion, date_text};

/// A member of `authors.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    /// Member id.
    pub id: String,
    /// Display name.
    pub fullname: String,
    /// Job title.
    pub role: String,
    /// Field of work (v2.5: `null` when absent; from v2.6 `""`).
    pub domaine: Option<String>,
    /// Personal page (front-matter `link`, `""` when absent), from v2.6.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// The Markdown body without HTML tags, trimmed, from v2.6.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
    /// GitHub handle, only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub github: Option<String>,
    /// Missions, in file order.
    pub missions: Vec<AuthorMission>,
    /// Skills, from v2.6, only when non-empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub competences: Vec<String>,
    /// Legacy current start-ups, only when non-empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub startups: Vec<String>,
    /// Legacy past start-ups, only when non-empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub previously: Vec<String>,
}

/// A mission of `authors.json` (v2.5: `null` when absent; from v2.6 `""`).
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
    /// Start-ups of the mission, from v2.6, only when non-empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startups: Option<Vec<String>>,
}

/// Where a block the site's HTML stripping removes whole ends, by how it starts.
const BLOCKS: [(&str, &str); 3] = [
    ("<script", "</script>"),
    ("<!--", "-->"),
    ("<style", "</style>"),
];

/// `text` without HTML: `<script>` and `<style>` elements and comments removed with
/// their content, then every `<...>` tag (across lines; an unclosed `<` is kept).
///
/// ```
/// use betagouv_export::api::strip_html;
/// assert_eq!(strip_html("<p>Dev <b>web</b></p><!-- x -->\n<br/>"), "Dev web\n");
/// assert_eq!(strip_html("a < b"), "a < b");
/// ```
#[must_use]
pub fn strip_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let block = BLOCKS.iter().find_map(|(open, close)| {
            tail.starts_with(open)
                .then(|| {
                    tail[open.len()..]
                        .find(close)
                        .map(|j| open.len() + j + close.len())
                })
                .flatten()
        });
        match block.or_else(|| tail.find('>').map(|j| j + 1)) {
            Some(len) => rest = &tail[len..],
            None => {
                out.push_str(tail);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A text the site prints through a template: `""` when absent from v2.6, `null` in
/// v2.5 (our earlier output).
fn text(value: Option<&str>, version: ApiVersion) -> Option<String> {
    match (value, version >= ApiVersion::V2_6) {
        (Some(v), _) => Some(v.to_owned()),
        (None, true) => Some(String::new()),
        (None, false) => None,
    }
}

/// The entry of `m` in `authors.json` of `version`.
pub(super) fn author(m: &Member, version: ApiVersion) -> Author {
    let v2_6 = version >= ApiVersion::V2_6;
    let ids = |v: &[betagouv_portfolio::StartupId]| v.iter().map(ToString::to_string).collect();
    Author {
        id: m.id.to_string(),
        fullname: m.fullname.clone(),
        role: m.role.clone(),
        domaine: text(m.domaine.as_deref(), version),
        link: v2_6.then(|| extra_text(m, "link").unwrap_or_default().to_owned()),
        bio: v2_6.then(|| strip(&strip_html(&m.body)).to_owned()),
        github: extra_text(m, "github").map(str::to_owned),
        missions: m
            .missions
            .iter()
            .map(|mi| AuthorMission {
                start: text(date_text(mi.start.as_ref()).as_deref(), version),
                end: text(date_text(mi.end.as_ref()).as_deref(), version),
                status: text(mi.status.as_deref(), version),
                employer: text(mi.employer.as_deref(), version),
                startups: (v2_6 && !mi.startups.is_empty()).then(|| ids(&mi.startups)),
            })
            .collect(),
        competences: if v2_6 {
            m.competences.clone()
        } else {
            Vec::new()
        },
        startups: ids(&m.startups),
        previously: ids(&m.previously),
    }
}

/// A text value of an unmodelled member key (`github`, `link`).
fn extra_text<'a>(m: &'a Member, key: &str) -> Option<&'a str> {
    m.extra.get(key).and_then(betagouv_portfolio::Value::as_str)
}
