//! The beta.gouv.fr public API files, versions 2.5, 2.6, 2.7 (this module) and 3
//! ([`crate::api_v3`]), so that the API's existing clients read our export unchanged.
//!
//! [`ApiFiles::build_version`] gives the files of `/api/v2.5/`, `/api/v2.6/` or
//! `/api/v2.7/` ([`ApiVersion`]); [`ApiFiles::build`] those of v2.5:
//!
//! - `startups.json`: a JSON:API-like document `{links, data, included}`. Optional
//!   attributes (`budget_url`, `link`, `repository`, `analyse_risques`,
//!   `analyse_risques_url`, `dashlord_url`, `accessibility_status`; `stats_url` in
//!   v2.5) are left out when absent, never `null`; every value is a string, dates
//!   `YYYY-MM-DD`. v2.6 adds `stats_url` always (`""` when none), `impact_url` where
//!   `link` is set, `thematiques` and `technos`; v2.7 adds
//!   `relationships.incubators.data[]` and writes `included[].id` bare.
//! - `authors.json`: an array of members with their missions; v2.6 adds `link`,
//!   `bio`, `competences` and `missions[].startups`.
//! - `incubators.json`: an object keyed by incubator id, with its start-ups (a
//!   co-incubated start-up under each of its incubators, in every version).
//! - `sponsors.json`: an object keyed by organisation id.
//! - `startups.csv`: one `;`-separated line per start-up ([`CSV_HEADER`]); v2.7 adds an
//!   `incubators` column.
//! - from v2.6, `organisations.json` (an array) and `startups_details.json` (members
//!   of each start-up as of a date, [`DetailsEntry`]).
//!
//! In `incubators.json`, `sponsors.json` and `startups_details.json` absent values
//! are `null`, as in the API. The export adds [`META_FILE`] (`meta.json`), its own
//! metadata ([`meta`]): generator, API version, date, source, licence, and what the
//! import of the source dropped.
//!
//! **Quirks reproduced** because clients depend on them:
//! - up to v2.6, `included[].id` keeps the `/incubateurs/` prefix
//!   (`"/incubateurs/dinum"`) while `relationships.incubator.data.id` does not
//!   (`"dinum"`); v2.7 writes both bare;
//! - an open phase has `"end": ""` in `startups.json` (empty string, not `null`), while
//!   `incubators.json` copies phases whole and leaves `end` out when absent;
//! - an event without comment has `"comment": ""` (from v2.6 its line breaks are
//!   removed, as the site's template does);
//! - `analyse_risques` is the string `"true"`, and only present when true;
//! - `stats_url` in v2.5 is the recorded `stats_url`, else `<link>/stats` when
//!   `stats: true` (plain concatenation); from v2.6 the same with the link trimmed,
//!   `/stats` alone when `stats: true` without a link, and `""` otherwise;
//! - `content_url_encoded_markdown` is the Markdown body, percent-encoded byte by byte
//!   except `A-Z a-z 0-9 - . _ ~` (checked against the published files);
//! - values are written as read: trailing spaces are kept;
//! - hidden incubators are left out of `included` and keep only `startups` in
//!   `incubators.json`, although start-ups still point to them;
//! - the `included[]` attributes of `startups.json` are strings, `""` when absent (the
//!   site prints them through a text template); so are, from v2.6, the texts of
//!   `authors.json` and `organisations.json`.
//!
//! **Not reproduced**: the HTML escaping some text-template fields get on the site
//! (`&amp;`, `&#39;` in `authors.json` roles, `organisations.json`), and JSON broken by
//! a `"` in a title: we write valid JSON with the same values. An empty `''` value in a
//! content file is read as absent by the content reader, so it comes out as absent
//! (left out of `startups.json`, `null` elsewhere) where the site would print `""`.
//! `startups.csv` quotes a value holding `;`, `"` or a line break (inner quotes
//! doubled) where the site's would break the line, and has no empty lines.
//!
//! ```
//! use betagouv_export::api::{ApiFiles, ApiVersion};
//! use betagouv_portfolio::builtin;
//!
//! let files = ApiFiles::build(&builtin::portfolio_2016());
//! let startups = serde_json::to_value(&files.startups)?;
//! assert_eq!(startups["data"].as_array().map(Vec::len), Some(27));
//! assert_eq!(startups["data"][0]["type"], "startup");
//!
//! let v27 = ApiFiles::build_version(&builtin::portfolio_2016(), ApiVersion::V2_7, builtin::as_of_2016())
//!     .ok_or("v2.7 is a v2 version")?;
//! assert!(v27.startups_csv.starts_with("id;name;mission;"));
//! assert_eq!(v27.files().len(), 7);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod authors;
mod csv;
mod details;
mod incubators;
mod startups;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use betagouv_portfolio::{Incubator, Portfolio, RecordDate};

use crate::Progress;
use crate::error::{Error, Result};

pub use authors::{Author, AuthorMission, strip_html};
pub use csv::CSV_HEADER;
pub use details::{DetailsEntry, DetailsRecord};
pub use incubators::{
    IncubatorEntry, IncubatorFields, IncubatorStartup, OrganisationEntry, SponsorEntry, WholePhase,
};
pub use startups::{
    ApiEvent, ApiPhase, IncludedAttributes, IncludedIncubator, RelationshipMany, RelationshipOne,
    Relationships, ResourceId, StartupAttributes, StartupResource, StartupsDocument,
};

/// `links.self` of `startups.json`.
pub const STARTUPS_SELF: &str = "https://beta.gouv.fr/startups";

/// A version of the public API. Its text form ([`Display`](fmt::Display),
/// [`FromStr`], serde) is the command line's: `2.5`, `2.6`, `2.7`, `3`. The default
/// is 2.7, the newest v2 version.
///
/// ```
/// use betagouv_export::ApiVersion;
/// let v: ApiVersion = "2.6".parse()?;
/// assert_eq!(v, ApiVersion::V2_6);
/// assert_eq!(ApiVersion::default().to_string(), "2.7");
/// assert!("2.4".parse::<ApiVersion>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[non_exhaustive]
pub enum ApiVersion {
    /// v2.5 (2022): `startups.json`, `authors.json`, `incubators.json`,
    /// `sponsors.json`, `startups.csv`.
    #[serde(rename = "2.5")]
    V2_5,
    /// v2.6 (2024): v2.5's files, richer, plus `organisations.json` and
    /// `startups_details.json`.
    #[serde(rename = "2.6")]
    V2_6,
    /// v2.7 (2026-08): v2.6 with co-incubation and resolvable `included` ids.
    #[default]
    #[serde(rename = "2.7")]
    V2_7,
    /// v3 (2025-11): one file per start-up ([`crate::api_v3`]).
    #[serde(rename = "3")]
    V3,
}

impl ApiVersion {
    /// Every version.
    pub const ALL: [ApiVersion; 4] = [
        ApiVersion::V2_5,
        ApiVersion::V2_6,
        ApiVersion::V2_7,
        ApiVersion::V3,
    ];

    /// The text form: `2.5`, `2.6`, `2.7`, `3`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ApiVersion::V2_5 => "2.5",
            ApiVersion::V2_6 => "2.6",
            ApiVersion::V2_7 => "2.7",
            ApiVersion::V3 => "3",
        }
    }

    /// The files [`ApiFiles::write`] puts in a folder of this version, in write
    /// order (empty for v3, whose files depend on the start-ups: see
    /// [`crate::api_v3::writes`]).
    #[must_use]
    pub fn files(self) -> &'static [&'static str] {
        match self {
            ApiVersion::V2_5 => &FILES,
            ApiVersion::V2_6 | ApiVersion::V2_7 => &FILES_V2_6,
            ApiVersion::V3 => &[],
        }
    }

    /// Whether a folder of this version holds the entry at `relative` (its files and
    /// [`META_FILE`]): the names a forced export may replace.
    #[must_use]
    pub fn writes(self) -> fn(&Path, bool) -> bool {
        match self {
            ApiVersion::V2_5 => writes,
            ApiVersion::V2_6 | ApiVersion::V2_7 => writes_v2_6,
            ApiVersion::V3 => writes_v3,
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error of [`ApiVersion::from_str`]: the text is not a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown API version {0:?}; expected 2.5, 2.6, 2.7 or 3")]
pub struct UnknownApiVersion(pub String);

impl FromStr for ApiVersion {
    type Err = UnknownApiVersion;
    fn from_str(s: &str) -> std::result::Result<Self, UnknownApiVersion> {
        ApiVersion::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| UnknownApiVersion(s.to_owned()))
    }
}

/// The files of a v2 API version, built in memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiFiles {
    /// The version the files are shaped for (never [`ApiVersion::V3`]).
    pub version: ApiVersion,
    /// `startups.json`.
    pub startups: StartupsDocument,
    /// `authors.json`.
    pub authors: Vec<Author>,
    /// `incubators.json`.
    pub incubators: BTreeMap<String, IncubatorEntry>,
    /// `sponsors.json`.
    pub sponsors: BTreeMap<String, SponsorEntry>,
    /// `organisations.json` (v2.6 on).
    pub organisations: Option<Vec<OrganisationEntry>>,
    /// `startups_details.json` (v2.6 on), keyed by start-up id.
    pub startups_details: Option<BTreeMap<String, DetailsEntry>>,
    /// `startups.csv`, the text of the file.
    pub startups_csv: String,
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

fn sorted<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<&T> {
    let mut v: Vec<&T> = items.iter().collect();
    v.sort_by(|a, b| id(a).cmp(id(b)));
    // First record of a duplicated id wins, as in the tabular exports.
    v.dedup_by(|b, a| id(a) == id(b));
    v
}

impl ApiFiles {
    /// The v2.5 files of `portfolio`, every list sorted by id.
    #[must_use]
    pub fn build(portfolio: &Portfolio) -> Self {
        Self::build_v2(portfolio, ApiVersion::V2_5, NaiveDate::MIN)
    }

    /// The files of `version` for `portfolio`, members of `startups_details.json`
    /// worked out as of `as_of`; `None` for [`ApiVersion::V3`] (see
    /// [`crate::api_v3::ApiV3Files`]).
    #[must_use]
    pub fn build_version(
        portfolio: &Portfolio,
        version: ApiVersion,
        as_of: NaiveDate,
    ) -> Option<Self> {
        (version != ApiVersion::V3).then(|| Self::build_v2(portfolio, version, as_of))
    }

    fn build_v2(portfolio: &Portfolio, version: ApiVersion, as_of: NaiveDate) -> Self {
        let v2_6 = version >= ApiVersion::V2_6;
        let startups = sorted(&portfolio.startups, |s| s.id.as_str());
        let members = sorted(&portfolio.members, |m| m.id.as_str());
        let incubators: Vec<&Incubator> = sorted(&portfolio.incubators, |i| i.id.as_str())
            .into_iter()
            .filter(|i| !i.hidden)
            .collect();
        Self {
            version,
            startups: startups::document(&startups, &incubators, version),
            authors: members
                .iter()
                .map(|m| authors::author(m, version))
                .collect(),
            incubators: incubators::incubator_entries(&incubators, &startups),
            sponsors: incubators::sponsor_entries(portfolio),
            organisations: v2_6.then(|| incubators::organisation_entries(portfolio)),
            startups_details: v2_6.then(|| details::details(&members, &startups, as_of)),
            startups_csv: csv::startups_csv(&startups, version),
        }
    }

    /// The files [`ApiFiles::write`] writes, in order ([`ApiVersion::files`]).
    #[must_use]
    pub fn files(&self) -> &'static [&'static str] {
        self.version.files()
    }

    /// Records per file: `startups.json` and `startups.csv` (start-ups),
    /// `authors.json`, `incubators.json` (entries), `sponsors.json`, and from v2.6
    /// `organisations.json` and `startups_details.json` (entries).
    #[must_use]
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::from([
            ("startups.json".to_owned(), self.startups.data.len()),
            ("authors.json".to_owned(), self.authors.len()),
            ("incubators.json".to_owned(), self.incubators.len()),
            ("sponsors.json".to_owned(), self.sponsors.len()),
            ("startups.csv".to_owned(), self.startups.data.len()),
        ]);
        if let Some(o) = &self.organisations {
            counts.insert("organisations.json".to_owned(), o.len());
        }
        if let Some(d) = &self.startups_details {
            counts.insert("startups_details.json".to_owned(), d.len());
        }
        counts
    }

    /// Writes the files into `dir` (JSON indented by two spaces, final newline) and
    /// returns their names ([`ApiFiles::files`]).
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
        let total = self.files().len();
        let mut files = Vec::new();
        let mut put = |name: &'static str, text: Option<String>, value: &dyn erased::Json| {
            let path = dir.join(name);
            let text = match text {
                Some(t) => t,
                None => {
                    let mut t = value.to_pretty().map_err(|source| Error::Json {
                        path: path.clone(),
                        source,
                    })?;
                    t.push('\n');
                    t
                }
            };
            std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
            files.push(PathBuf::from(name));
            progress(Progress {
                done: files.len(),
                total,
                label: name,
            });
            Ok::<(), Error>(())
        };
        put("startups.json", None, &self.startups)?;
        put("authors.json", None, &self.authors)?;
        put("incubators.json", None, &self.incubators)?;
        put("sponsors.json", None, &self.sponsors)?;
        put("startups.csv", Some(self.startups_csv.clone()), &())?;
        if let Some(o) = &self.organisations {
            put("organisations.json", None, o)?;
        }
        if let Some(d) = &self.startups_details {
            put("startups_details.json", None, d)?;
        }
        Ok(files)
    }
}

/// The files of any version, as the export builds and writes them.
pub(crate) enum Built {
    /// v2.5, v2.6 or v2.7.
    V2(Box<ApiFiles>),
    /// v3.
    V3(crate::api_v3::ApiV3Files),
}

impl Built {
    /// The files of `version` for `dataset` as of `as_of` (v3 writes the dataset's
    /// empty keys back).
    pub(crate) fn build(
        dataset: &crate::Dataset<'_>,
        version: ApiVersion,
        as_of: NaiveDate,
    ) -> Self {
        let portfolio = dataset.portfolio;
        match ApiFiles::build_version(portfolio, version, as_of) {
            Some(files) => Self::V2(Box::new(files)),
            None => Self::V3(match dataset.empty_keys {
                Some(empty) => {
                    crate::api_v3::ApiV3Files::build_with_empty_keys(portfolio, as_of, empty)
                }
                None => crate::api_v3::ApiV3Files::build(portfolio, as_of),
            }),
        }
    }

    /// Records per file.
    pub(crate) fn counts(&self) -> BTreeMap<String, usize> {
        match self {
            Self::V2(f) => f.counts(),
            Self::V3(f) => f.counts(),
        }
    }

    /// Writes the files into `dir`; returns their paths relative to `dir`.
    pub(crate) fn write(
        &self,
        dir: &Path,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<PathBuf>> {
        match self {
            Self::V2(f) => f.write(dir, progress),
            Self::V3(f) => f.write(dir, progress),
        }
    }
}

/// The files of an API v2.5 folder, in write order: everything [`ApiFiles::write`]
/// puts in it.
pub const FILES: [&str; 5] = [
    "startups.json",
    "authors.json",
    "incubators.json",
    "sponsors.json",
    "startups.csv",
];

/// The files of an API v2.6 or v2.7 folder, in write order.
pub const FILES_V2_6: [&str; 7] = [
    "startups.json",
    "authors.json",
    "incubators.json",
    "sponsors.json",
    "startups.csv",
    "organisations.json",
    "startups_details.json",
];

fn holds(files: &[&str], relative: &Path, is_dir: bool) -> bool {
    !is_dir && (files.iter().any(|f| relative == Path::new(f)) || relative == Path::new(META_FILE))
}

/// Whether an API v2.5 folder holds the entry at `relative` ([`FILES`] and
/// [`META_FILE`]): the names a forced export may replace.
#[must_use]
pub fn writes(relative: &Path, is_dir: bool) -> bool {
    holds(&FILES, relative, is_dir)
}

/// Whether an API v2.6 or v2.7 folder holds the entry at `relative` ([`FILES_V2_6`]
/// and [`META_FILE`]).
#[must_use]
pub fn writes_v2_6(relative: &Path, is_dir: bool) -> bool {
    holds(&FILES_V2_6, relative, is_dir)
}

/// Whether an API v3 folder holds the entry at `relative` ([`crate::api_v3::writes`]
/// and [`META_FILE`]).
#[must_use]
pub fn writes_v3(relative: &Path, is_dir: bool) -> bool {
    crate::api_v3::writes(relative, is_dir) || (!is_dir && relative == Path::new(META_FILE))
}

/// The file of the export's own metadata beside the API files (the API itself
/// has none; its clients ignore unknown files).
pub const META_FILE: &str = "meta.json";

/// The export's metadata: `generator`, `api_version`, `generated_at`, `as_of`, `source`,
/// `source_revision`, `licence`, and `import` (files read, records, files dropped,
/// errors, warnings) when the data came from files.
#[must_use]
pub fn meta(options: &crate::ExportOptions) -> serde_json::Value {
    let mut meta = serde_json::json!({
        "generator": crate::ExportOptions::generator(),
        "api_version": options.api_version.name(),
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
mod tests;
