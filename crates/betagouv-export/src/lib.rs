//! Open-data exports of an incubator portfolio that existing clients accept.
//!
//! Administrations and the public read the portfolio with the tools they already
//! have. This crate writes a [`betagouv_portfolio::Portfolio`] (plus budget lines and
//! impact figures when given, see [`Dataset`]) as:
//!
//! - [`ExportFormat::ApiJson`]: the files of the beta.gouv.fr public API in the shapes of
//!   version 2.5, 2.6, 2.7 (the default) or 3 ([`ExportOptions::api_version`], [`api`],
//!   [`api_v3`]);
//! - [`ExportFormat::Json`]: the complete model with its generated JSON Schema ([`json`]);
//! - [`ExportFormat::Csv`]: one CSV file per table and a `datapackage.json` with a Table
//!   Schema per resource, primary and foreign keys included ([`csv`], [`tables`]);
//! - [`ExportFormat::Sqlite`]: one database with the same tables, keys, indexes and a
//!   `meta` table (feature `sqlite`);
//! - [`ExportFormat::Xlsx`]: one workbook, a sheet per table, typed cells (feature `xlsx`).
//!
//! Output is deterministic (rows sorted by id, generation time from
//! [`ExportOptions::generated_at`], never the clock), written under a temporary name
//! and renamed into place (no partial output), and an existing output is refused
//! unless [`ExportOptions::if_exists`] is [`IfExists::Replace`]. Outputs follow the output policy of
//! `betagouv-output`: an output that is, contains or is inside one of
//! [`ExportOptions::inputs`] is refused, and with [`IfExists::Replace`] a folder output replaces
//! only a folder that holds nothing but the names its format writes
//! ([`ApiVersion::writes`], [`json::writes`], [`csv::writes`]). Problems of the data never stop an export:
//! dangling references become NULL keys with the value kept in a `*_raw` column, and
//! come back as diagnostics in the [`ExportReport`].
//!
//! ```
//! use betagouv_export::{export, Dataset, ExportOptions, ExportFormat};
//! use betagouv_portfolio::builtin;
//!
//! let portfolio = builtin::portfolio_2016();
//! let dir = tempfile::tempdir()?;
//! let out = dir.path().join("csv");
//! let options = ExportOptions::new(builtin::as_of_2016(), "builtin:2016");
//! let report = export(&Dataset::new(&portfolio), ExportFormat::Csv, &out, &options)?;
//! assert_eq!(report.rows["startup"], 27);
//! assert!(out.join("datapackage.json").exists());
//! // A second export to the same place is refused unless `if_exists` is `Replace`.
//! assert!(export(&Dataset::new(&portfolio), ExportFormat::Csv, &out, &options).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `sqlite` (off by default): the [`ExportFormat::Sqlite`] writer, through `rusqlite` with
//!   a bundled SQLite.
//! - `xlsx` (off by default): the [`ExportFormat::Xlsx`] writer, through `rust_xlsxwriter`.
//!
//! Without them, a service that needs only JSON or CSV compiles neither; asking for
//! a disabled format returns [`Error::FeatureDisabled`]. The `betagouv` command line
//! enables both.
#![deny(missing_docs)]
// docs.rs builds with `--cfg docsrs` and shows which feature each gated item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
pub mod api_v3;
pub mod csv;
mod error;
pub mod journal;
pub mod json;
mod output;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub mod sqlite;
pub mod tables;
#[cfg(feature = "xlsx")]
#[cfg_attr(docsrs, doc(cfg(feature = "xlsx")))]
pub mod xlsx;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use betagouv_portfolio::{Diagnostic, ImportSummary, Portfolio};

pub use api::ApiVersion;
pub use error::{Error, ImpactValueError, Result};
pub use tables::{BudgetRow, Cell, ImpactMetric, Table};

/// The `chrono` our signatures use ([`ExportOptions::at`], [`BudgetRow::date`]).
pub use chrono;
/// The `rust_decimal` our signatures use ([`BudgetRow::amount_eur`],
/// [`ImpactMetric::value`]).
pub use rust_decimal;

/// The crate's name, as published.
pub const CRATE_NAME: &str = "betagouv-export";

/// Version of the tabular export schema (tables, columns, keys); `PRAGMA user_version`
/// of the SQLite export and `schema_version` in its `meta` table.
pub const SCHEMA_VERSION: u32 = 1;

/// What to export: a portfolio, and optionally budget lines and impact figures.
///
/// Borrowed views of the caller's data, so neither serialised nor deserialised (its
/// parts are). Built with [`Dataset::new`] and the `with_*` setters.
///
/// ```
/// use betagouv_export::{Dataset, ImpactMetric};
/// use betagouv_portfolio::builtin;
///
/// let portfolio = builtin::portfolio_2016();
/// let metrics = ImpactMetric::from_impact_file(&betagouv_impact::builtin_2016())?;
/// let dataset = Dataset::new(&portfolio).with_impact_metrics(&metrics);
/// assert!(dataset.budget_lines.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Dataset<'a> {
    /// The portfolio.
    pub portfolio: &'a Portfolio,
    /// Budget lines (the `budget_line` table), when a budget file was given.
    pub budget_lines: Option<&'a [BudgetRow]>,
    /// Impact figures (the `impact_metric` table), when an impact file was given.
    pub impact_metrics: Option<&'a [ImpactMetric]>,
    /// The start-up keys written empty (`''`, `null`, `[]`) in their files, by start-up
    /// id, when the portfolio was read from content: API v3 writes them back as the site
    /// does ([`api_v3::ApiV3Files::build_with_empty_keys`]).
    pub empty_keys: Option<&'a api_v3::EmptyKeys>,
}

impl<'a> Dataset<'a> {
    /// A dataset with only a portfolio.
    #[must_use]
    pub fn new(portfolio: &'a Portfolio) -> Self {
        Self {
            portfolio,
            budget_lines: None,
            impact_metrics: None,
            empty_keys: None,
        }
    }

    /// The same dataset with budget lines (the `budget_line` table).
    #[must_use]
    pub fn with_budget_lines(mut self, lines: &'a [BudgetRow]) -> Self {
        self.budget_lines = Some(lines);
        self
    }

    /// The same dataset with impact figures (the `impact_metric` table).
    #[must_use]
    pub fn with_impact_metrics(mut self, metrics: &'a [ImpactMetric]) -> Self {
        self.impact_metrics = Some(metrics);
        self
    }

    /// The same dataset with the start-up keys written empty in their files
    /// ([`Dataset::empty_keys`]).
    #[must_use]
    pub fn with_empty_keys(mut self, empty_keys: &'a api_v3::EmptyKeys) -> Self {
        self.empty_keys = Some(empty_keys);
        self
    }
}

/// What to do with an output that already exists: [`IfExists::Refuse`] (the default,
/// [`Error::OutputExists`]) or [`IfExists::Replace`] (the command line's `--force`): a
/// regular file for `sqlite` and `xlsx`, a folder holding only the format's names
/// otherwise. The same type as `betagouv-output`'s and `betagouv-content`'s writers.
pub use betagouv_output::IfExists;

/// An export format. Its text form ([`Display`](fmt::Display), [`FromStr`], serde) is
/// the command-line name: `api-json`, `json`, `csv`, `sqlite`, `xlsx`.
///
/// ```
/// use betagouv_export::ExportFormat;
/// let f: ExportFormat = "api-json".parse()?;
/// assert_eq!(f, ExportFormat::ApiJson);
/// assert_eq!(f.to_string(), "api-json");
/// assert!("yaml".parse::<ExportFormat>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ExportFormat {
    /// The beta.gouv.fr public API files of [`ExportOptions::api_version`] (a folder).
    ApiJson,
    /// The complete model and its JSON Schema (a folder).
    Json,
    /// CSV files and `datapackage.json` (a folder).
    Csv,
    /// One SQLite database file (feature `sqlite`).
    Sqlite,
    /// One XLSX workbook (feature `xlsx`).
    Xlsx,
}

impl ExportFormat {
    /// Every format.
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::ApiJson,
        ExportFormat::Json,
        ExportFormat::Csv,
        ExportFormat::Sqlite,
        ExportFormat::Xlsx,
    ];

    /// The name used on the command line: `api-json`, `json`, `csv`, `sqlite`, `xlsx`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::ApiJson => "api-json",
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::Sqlite => "sqlite",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    /// Whether the output is a folder (`api-json`, `json`, `csv`) rather than one file.
    #[must_use]
    pub fn is_folder(self) -> bool {
        matches!(
            self,
            ExportFormat::ApiJson | ExportFormat::Json | ExportFormat::Csv
        )
    }

    /// Whether this build of the crate can write the format (its feature is enabled).
    #[must_use]
    pub fn is_available(self) -> bool {
        !matches!(
            (self, cfg!(feature = "sqlite"), cfg!(feature = "xlsx")),
            (ExportFormat::Sqlite, false, _) | (ExportFormat::Xlsx, _, false)
        )
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error of [`ExportFormat::from_str`]: the text is not a format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format {0:?}; expected api-json, json, csv, sqlite or xlsx")]
pub struct UnknownFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> std::result::Result<Self, UnknownFormat> {
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// Options of an export: [`ExportOptions::new`] with the date and the source, then
/// the `with_*` setters.
///
/// ```
/// use betagouv_export::{ExportOptions, IfExists};
/// use betagouv_export::chrono::NaiveDate;
///
/// let at = NaiveDate::from_ymd_opt(2025, 12, 31).ok_or("date")?;
/// let options = ExportOptions::new(at, "content/")
///     .with_source_revision("0123abcd")
///     .with_if_exists(IfExists::Replace)
///     .with_inputs(["content/"]);
/// assert_eq!(options.generated_at_text(), "2025-12-31T00:00:00Z");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExportOptions {
    /// The date the date-dependent columns (current phase, active member) are computed at.
    pub at: NaiveDate,
    /// Generation time written in the outputs' metadata. Give a fixed value to get
    /// byte-identical outputs; [`ExportOptions::new`] uses `at` at midnight UTC.
    pub generated_at: DateTime<Utc>,
    /// Where the data came from (a folder, `builtin:2016`, ...).
    pub source: String,
    /// Commit or hash of the inputs, when known.
    pub source_revision: Option<String>,
    /// Licence of the exported data (datapackage `licenses`, SQLite `meta`, JSON `meta`).
    pub licence: csv::Licence,
    /// What to do with an existing output (refuse by default).
    pub if_exists: IfExists,
    /// The paths the data was read from (content folder, budget file, impact file):
    /// the output may not be, contain or be inside any of them.
    pub inputs: Vec<PathBuf>,
    /// What the import of the source made of its files, when the data was read from
    /// files (a content folder): written in every format's metadata (`import` in
    /// `datapackage.json`, the JSON `meta` and the API's `meta.json`; `import_*` rows
    /// of the SQLite `meta` table and the XLSX `meta` sheet), so that a reader of the
    /// export knows how many files were dropped. `None` for the built-in dataset.
    pub import: Option<ImportSummary>,
    /// The version of the public API an [`ExportFormat::ApiJson`] export is shaped
    /// for (2.7 by default; recorded in its `meta.json`). Other formats ignore it.
    #[serde(default)]
    pub api_version: ApiVersion,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident($field:ident: $ty:ty) = $value:expr;)*) => {$(
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, $field: $ty) -> Self {
            self.$field = $value;
            self
        }
    )*};
}

impl ExportOptions {
    /// Options for data as of `at`, from `source`; generated at `at` 00:00 UTC, no
    /// revision, Licence Ouverte 2.0, no overwrite, API version 2.7.
    #[must_use]
    pub fn new(at: NaiveDate, source: impl Into<String>) -> Self {
        Self {
            at,
            generated_at: at.and_time(chrono::NaiveTime::MIN).and_utc(),
            source: source.into(),
            source_revision: None,
            licence: csv::Licence::default(),
            if_exists: IfExists::Refuse,
            inputs: Vec::new(),
            import: None,
            api_version: ApiVersion::default(),
        }
    }

    setters! {
        /// Sets [`ExportOptions::generated_at`].
        with_generated_at(generated_at: DateTime<Utc>) = generated_at;
        /// Sets [`ExportOptions::licence`].
        with_licence(licence: csv::Licence) = licence;
        /// Sets [`ExportOptions::if_exists`].
        with_if_exists(if_exists: IfExists) = if_exists;
        /// Sets [`ExportOptions::import`].
        with_import(import: Option<ImportSummary>) = import;
        /// Sets [`ExportOptions::api_version`].
        with_api_version(api_version: ApiVersion) = api_version;
    }

    /// Sets [`ExportOptions::source_revision`].
    #[must_use]
    pub fn with_source_revision(mut self, revision: impl Into<String>) -> Self {
        self.source_revision = Some(revision.into());
        self
    }

    /// Sets [`ExportOptions::inputs`].
    #[must_use]
    pub fn with_inputs<P: Into<PathBuf>>(mut self, inputs: impl IntoIterator<Item = P>) -> Self {
        self.inputs = inputs.into_iter().map(Into::into).collect();
        self
    }

    /// `generated_at` as RFC 3339 UTC (`2025-12-31T00:00:00Z`).
    #[must_use]
    pub fn generated_at_text(&self) -> String {
        self.generated_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// The key/value pairs of the SQLite `meta` table (and the workbook's `meta` sheet),
    /// sorted by key: `as_of`, `generated_at`, `generator`, then with
    /// [`ExportOptions::import`] `import_dropped_files`, `import_errors`, `import_files`,
    /// `import_records`, `import_warnings`, then `licence`, `schema_version`, `source`,
    /// `source_revision` (`unknown` when not given).
    #[must_use]
    pub fn meta_rows(&self) -> Vec<(&'static str, String)> {
        let mut rows = vec![
            ("as_of", self.at.format("%Y-%m-%d").to_string()),
            ("generated_at", self.generated_at_text()),
            ("generator", Self::generator()),
            ("licence", self.licence.name.clone()),
            ("schema_version", SCHEMA_VERSION.to_string()),
            ("source", self.source.clone()),
            (
                "source_revision",
                self.source_revision
                    .clone()
                    .unwrap_or_else(|| "unknown".into()),
            ),
        ];
        if let Some(i) = &self.import {
            rows.extend([
                ("import_dropped_files", i.dropped_files.to_string()),
                ("import_errors", i.errors.to_string()),
                ("import_files", i.files.to_string()),
                ("import_records", i.records.to_string()),
                ("import_warnings", i.warnings.to_string()),
            ]);
            rows.sort_by_key(|(k, _)| *k);
        }
        rows
    }

    /// The `import` object of the JSON metadata (datapackage, JSON `meta`, API
    /// `meta.json`): `{files, records, dropped_files, errors, warnings}`, or `None`.
    #[must_use]
    pub fn import_json(&self) -> Option<serde_json::Value> {
        self.import.as_ref().map(|i| {
            serde_json::json!({
                "files": i.files,
                "records": i.records,
                "dropped_files": i.dropped_files,
                "errors": i.errors,
                "warnings": i.warnings,
            })
        })
    }

    /// `generator`: crate name and version.
    #[must_use]
    pub fn generator() -> String {
        format!("{CRATE_NAME} {}", env!("CARGO_PKG_VERSION"))
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExportReport {
    /// The output path.
    pub path: PathBuf,
    /// Files written, relative to `path` for folder formats (empty for one-file formats).
    pub files: Vec<PathBuf>,
    /// Rows per table (tabular formats) or records per file (API JSON).
    pub rows: BTreeMap<String, usize>,
    /// Problems of the data met while exporting (dangling references, duplicate ids).
    pub diagnostics: Vec<Diagnostic>,
}

/// A step of a running export, for progress display: the one progress type of the
/// workspace, shared with the content reader.
pub use betagouv_output::Progress;

/// Checks, without writing, that `format` may be written at `out` with `options`
/// (overlap with [`ExportOptions::inputs`], parent folder, an existing output): call
/// it before reading large inputs to fail early. [`export`] checks again.
///
/// # Errors
///
/// [`Error::OutputExists`] and [`Error::Output`].
pub fn check_output(
    format: ExportFormat,
    out: impl AsRef<Path>,
    options: &ExportOptions,
) -> Result<()> {
    Ok(output::output(format, out.as_ref(), options).check()?)
}

/// Exports `dataset` as `format` to `out` (a folder for `api-json`, `json` and `csv`,
/// a file otherwise).
///
/// # Errors
///
/// [`Error::OutputExists`] when `out` exists and `options.if_exists` is
/// [`IfExists::Refuse`];
/// [`Error::Output`] when the output policy refuses `out` (see [`check_output`]);
/// [`Error::FeatureDisabled`] for a format whose feature is off; I/O and format
/// errors while writing. On error nothing is left at `out` (an existing output is
/// kept as it was).
pub fn export(
    dataset: &Dataset<'_>,
    format: ExportFormat,
    out: impl AsRef<Path>,
    options: &ExportOptions,
) -> Result<ExportReport> {
    export_with_progress(dataset, format, out, options, &mut |_| {})
}

/// [`export`], calling `progress` after each table or file.
///
/// # Errors
///
/// As [`export`].
pub fn export_with_progress(
    dataset: &Dataset<'_>,
    format: ExportFormat,
    out: impl AsRef<Path>,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<ExportReport> {
    let out = out.as_ref();
    let mut report = ExportReport {
        path: out.to_path_buf(),
        ..ExportReport::default()
    };
    match format {
        ExportFormat::ApiJson => {
            export_api(dataset, out, options, progress, &mut report)?;
        }
        ExportFormat::Json => {
            output::write_dir(format, out, options, |dir| {
                report.files = json::write(dataset, options, dir)?;
                progress(Progress {
                    done: 1,
                    total: 1,
                    label: json::DATA_FILE,
                });
                Ok(())
            })?;
            report.rows = json::counts(dataset);
        }
        ExportFormat::Csv => {
            let (tables, diagnostics) = tables::build(dataset, options.at);
            report.diagnostics = diagnostics;
            report.rows = row_counts(&tables);
            output::write_dir(format, out, options, |dir| {
                report.files = csv::write(&tables, options, dir, progress)?;
                Ok(())
            })?;
        }
        ExportFormat::Sqlite => {
            #[cfg(feature = "sqlite")]
            {
                let (tables, diagnostics) = tables::build(dataset, options.at);
                report.diagnostics = diagnostics;
                report.rows = row_counts(&tables);
                output::write_file(format, out, options, |tmp| {
                    sqlite::write(&tables, options, tmp.path(), progress)
                })?;
            }
            #[cfg(not(feature = "sqlite"))]
            return Err(Error::FeatureDisabled {
                format,
                feature: "sqlite",
            });
        }
        ExportFormat::Xlsx => {
            #[cfg(feature = "xlsx")]
            {
                let (tables, diagnostics) = tables::build(dataset, options.at);
                report.diagnostics = diagnostics;
                report.rows = row_counts(&tables);
                output::write_file(format, out, options, |tmp| {
                    xlsx::write_to(&tables, options, tmp.file_mut(), progress)
                })?;
            }
            #[cfg(not(feature = "xlsx"))]
            return Err(Error::FeatureDisabled {
                format,
                feature: "xlsx",
            });
        }
    }
    Ok(report)
}

/// The `api-json` export: the v2 files of [`ExportOptions::api_version`] or the v3
/// files, then `meta.json`.
fn export_api(
    dataset: &Dataset<'_>,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress<'_>),
    report: &mut ExportReport,
) -> Result<()> {
    let files = api::Built::build(dataset, options.api_version, options.at);
    report.rows = files.counts();
    output::write_dir(ExportFormat::ApiJson, out, options, |dir| {
        report.files = files.write(dir, progress)?;
        report.files.push(api::write_meta(dir, options)?);
        Ok(())
    })
}

/// FNV-1a (64 bits): a tiny, stable, non-cryptographic digest.
struct Fnv(u64);

impl std::io::Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A digest of the data to export, `fnv1a64:<16 hex digits>`: FNV-1a over the JSON of
/// the portfolio (records sorted by id) and of the budget and impact rows. The same
/// data gives the same digest whatever the file order; use it as
/// [`ExportOptions::source_revision`] when no commit is known.
///
/// ```
/// use betagouv_export::{input_digest, Dataset};
/// use betagouv_portfolio::builtin;
/// let p = builtin::portfolio_2016();
/// let d = input_digest(&Dataset::new(&p));
/// assert!(d.starts_with("fnv1a64:") && d.len() == 24);
/// let mut q = p.clone();
/// q.startups.reverse();
/// assert_eq!(input_digest(&Dataset::new(&q)), d);
/// ```
#[must_use]
pub fn input_digest(dataset: &Dataset<'_>) -> String {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    // Writing into the hasher cannot fail.
    let _ = serde_json::to_writer(&mut h, &json::sorted_portfolio(dataset.portfolio));
    for l in dataset.budget_lines.unwrap_or_default() {
        let _ = serde_json::to_writer(&mut h, &json::budget_json(l));
    }
    for m in dataset.impact_metrics.unwrap_or_default() {
        let _ = serde_json::to_writer(&mut h, &json::impact_json(m));
    }
    format!("fnv1a64:{:016x}", h.0)
}

fn row_counts(tables: &[Table]) -> BTreeMap<String, usize> {
    tables
        .iter()
        .map(|t| (t.name.to_owned(), t.rows.len()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_their_names() {
        for f in ExportFormat::ALL {
            assert_eq!(f.name().parse::<ExportFormat>(), Ok(f));
            assert_eq!(f.to_string().parse::<ExportFormat>(), Ok(f));
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{f}\""));
            assert_eq!(serde_json::from_str::<ExportFormat>(&json).unwrap(), f);
        }
        assert_eq!(
            "yaml".parse::<ExportFormat>(),
            Err(UnknownFormat("yaml".into()))
        );
    }

    proptest::proptest! {
        #[test]
        fn a_parsed_format_displays_as_the_text_it_came_from(s in "[a-z-]{0,9}") {
            if let Ok(f) = s.parse::<ExportFormat>() {
                proptest::prop_assert_eq!(f.to_string(), s);
            }
        }
    }

    #[test]
    fn options_and_reports_read_back_from_json() {
        let o = ExportOptions::new(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(), "x")
            .with_source_revision("abc")
            .with_licence(csv::Licence::cc_by_nc_sa_4())
            .with_if_exists(IfExists::Replace)
            .with_inputs(["content", "budget.toml"])
            .with_import(Some(ImportSummary {
                files: 3,
                records: 2,
                dropped_files: 1,
                errors: 1,
                warnings: 0,
            }));
        let json = serde_json::to_string(&o).unwrap();
        assert!(json.contains("\"if_exists\":\"replace\""), "{json}");
        assert_eq!(serde_json::from_str::<ExportOptions>(&json).unwrap(), o);
        // The API version reads back, and options written before it existed read as 2.7.
        let v26 = o.clone().with_api_version(ApiVersion::V2_6);
        let json = serde_json::to_string(&v26).unwrap();
        assert!(json.contains("\"api_version\":\"2.6\""), "{json}");
        assert_eq!(serde_json::from_str::<ExportOptions>(&json).unwrap(), v26);
        let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
        old.as_object_mut().unwrap().remove("api_version");
        let old: ExportOptions = serde_json::from_value(old).unwrap();
        assert_eq!(old.api_version, ApiVersion::V2_7);
        let p = betagouv_portfolio::builtin::portfolio_2016();
        let dir = tempfile::tempdir().unwrap();
        let report = export(
            &Dataset::new(&p),
            ExportFormat::Csv,
            dir.path().join("csv"),
            &ExportOptions::new(betagouv_portfolio::builtin::as_of_2016(), "b"),
        )
        .unwrap();
        assert!(!report.files.is_empty());
        let json = serde_json::to_string(&report).unwrap();
        assert_eq!(serde_json::from_str::<ExportReport>(&json).unwrap(), report);
    }

    #[test]
    fn an_io_failure_keeps_its_cause_in_the_chain_only() {
        use std::error::Error as _;
        let e = Error::io("out/x.csv", std::io::Error::other("disk full"));
        assert_eq!(e.to_string(), "out/x.csv: i/o failure");
        assert_eq!(
            e.source().map(ToString::to_string).as_deref(),
            Some("disk full")
        );
        let refused: Error =
            betagouv_output::Error::io("out", std::io::Error::other("boom")).into();
        assert!(matches!(refused, Error::Output(_)));
    }

    #[test]
    fn options_are_reproducible() {
        let o = ExportOptions::new(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(), "x");
        assert_eq!(o.generated_at_text(), "2025-12-31T00:00:00Z");
    }

    #[test]
    fn every_format_s_metadata_records_what_the_import_dropped() {
        let mut o = ExportOptions::new(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(), "x");
        let without = o.meta_rows();
        assert!(without.iter().all(|(k, _)| !k.starts_with("import_")));
        assert!(o.import_json().is_none());
        o.import = Some(ImportSummary {
            files: 4068,
            records: 4066,
            dropped_files: 2,
            errors: 2,
            warnings: 15,
        });
        let rows = o.meta_rows();
        assert!(rows.windows(2).all(|w| w[0].0 < w[1].0), "sorted: {rows:?}");
        let get = |k: &str| rows.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("import_dropped_files"), Some("2"));
        assert_eq!(get("import_warnings"), Some("15"));
        assert_eq!(rows.len(), without.len() + 5);
        let p = Portfolio::new(betagouv_portfolio::Vocabulary::V2026);
        let tables = tables::build(&Dataset::new(&p), o.at).0;
        assert_eq!(csv::datapackage(&tables, &o)["import"]["dropped_files"], 2);
        assert_eq!(json::meta(&o)["import"]["records"], 4066);
        assert_eq!(api::meta(&o)["import"]["files"], 4068);
        assert_eq!(api::meta(&o)["api_version"], "2.7");
    }
}

// The crate README's examples are doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
