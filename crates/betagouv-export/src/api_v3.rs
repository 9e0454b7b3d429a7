//! The beta.gouv.fr public API v3 files (`/api/v3/`): `startups.json`, `authors.json`
//! and one `startups/<id>.json` per start-up.
//!
//! Work in progress (issue 14): the shapes are filled in by the v3 work; until then
//! [`ApiV3Files::build`] gives empty documents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use betagouv_portfolio::Portfolio;

use crate::Progress;
use crate::error::Result;

/// The files of API v3, built in memory by [`ApiV3Files::build`].
#[derive(Debug, Clone, PartialEq)]
pub struct ApiV3Files {
    /// `startups.json`.
    pub startups: serde_json::Value,
    /// `authors.json`.
    pub authors: serde_json::Value,
    /// `startups/<id>.json`, by start-up id.
    pub details: BTreeMap<String, serde_json::Value>,
}

impl ApiV3Files {
    /// The v3 files of `portfolio` as of `as_of` (the date members are active on).
    #[must_use]
    pub fn build(portfolio: &Portfolio, as_of: NaiveDate) -> Self {
        let _ = (portfolio, as_of);
        Self {
            startups: serde_json::Value::Array(Vec::new()),
            authors: serde_json::Value::Array(Vec::new()),
            details: BTreeMap::new(),
        }
    }

    /// Records per file (`startups.json`, `authors.json`, `startups/` for the
    /// per-start-up files).
    #[must_use]
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let len = |v: &serde_json::Value| v.as_array().map_or(0, Vec::len);
        BTreeMap::from([
            ("startups.json".to_owned(), len(&self.startups)),
            ("authors.json".to_owned(), len(&self.authors)),
            ("startups/".to_owned(), self.details.len()),
        ])
    }

    /// Writes the files into `dir` and returns their paths relative to `dir`.
    ///
    /// # Errors
    ///
    /// I/O and JSON errors.
    pub fn write(
        &self,
        dir: impl AsRef<Path>,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<PathBuf>> {
        let _ = (dir.as_ref(), progress);
        Ok(Vec::new())
    }
}

/// Whether a v3 API folder holds the entry at `relative` (the names a forced export
/// may replace).
#[must_use]
pub fn writes(relative: &Path, is_dir: bool) -> bool {
    let name = relative.to_string_lossy();
    if is_dir {
        return name == "startups";
    }
    name == "startups.json"
        || name == "authors.json"
        || (name.starts_with("startups/") && name.ends_with(".json"))
}
