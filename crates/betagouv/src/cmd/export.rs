//! `betagouv export`: open-data exports (API JSON, JSON, CSV, SQLite, XLSX).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use betagouv_export::csv::Licence;
use betagouv_export::{
    ApiVersion, BudgetRow, Dataset, ExportFormat, ExportOptions, ExportReport, IfExists,
    ImpactMetric, Progress, tables,
};
use betagouv_portfolio::Portfolio;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};

use super::BoxError;
use super::contract::{self, DiagnosticRow, Layout};
use super::input::Records;
use crate::out::{errln, outln};

/// Export format, as named on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    /// beta.gouv.fr public API files, version --api-version (a folder).
    ApiJson,
    /// The complete model and its JSON Schema (a folder).
    Json,
    /// CSV files and datapackage.json (a folder).
    Csv,
    /// One SQLite database.
    Sqlite,
    /// One XLSX workbook.
    Xlsx,
}

impl From<FormatArg> for ExportFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::ApiJson => ExportFormat::ApiJson,
            FormatArg::Json => ExportFormat::Json,
            FormatArg::Csv => ExportFormat::Csv,
            FormatArg::Sqlite => ExportFormat::Sqlite,
            FormatArg::Xlsx => ExportFormat::Xlsx,
        }
    }
}

/// Version of the public API written by `--format api-json`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ApiVersionArg {
    /// v2.5: startups.json, authors.json, incubators.json, sponsors.json, startups.csv.
    #[value(name = "2.5")]
    V25,
    /// v2.6: v2.5's files with more fields, organisations.json, startups_details.json.
    #[value(name = "2.6")]
    V26,
    /// v2.7: v2.6 with co-incubation (relationships.incubators) and bare included ids.
    #[value(name = "2.7")]
    V27,
    /// v3: one `startups/<id>.json` per start-up, as the site writes it.
    #[value(name = "3")]
    V3,
}

impl From<ApiVersionArg> for ApiVersion {
    fn from(v: ApiVersionArg) -> Self {
        match v {
            ApiVersionArg::V25 => ApiVersion::V2_5,
            ApiVersionArg::V26 => ApiVersion::V2_6,
            ApiVersionArg::V27 => ApiVersion::V2_7,
            ApiVersionArg::V3 => ApiVersion::V3,
        }
    }
}

/// Licence written in the outputs' metadata.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LicenceArg {
    /// Licence Ouverte 2.0.
    #[value(name = "etalab-2.0")]
    Etalab,
    /// CC BY-NC-SA 4.0 (the beta.gouv.fr content repository's licence).
    #[value(name = "cc-by-nc-sa-4.0")]
    CcByNcSa,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The content folder or commit to read (built-in 2016 dataset when absent).
    #[command(flatten)]
    input: super::input::ContentArgs,
    /// Date of the date-dependent columns (current phase, active member); 2016-12-31 on
    /// the built-in dataset, the --known-at date or the commit's own date (in
    /// Europe/Paris) with --git, today in Europe/Paris with --content.
    #[arg(long, value_name = "YYYY-MM-DD")]
    at: Option<NaiveDate>,
    /// Budget file (TOML): adds the budget_line table.
    #[arg(long, value_name = "FILE")]
    budget: Option<PathBuf>,
    /// Impact file (TOML): adds the impact_metric table.
    #[arg(long, value_name = "FILE")]
    impact: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Version of the public API written by --format api-json, 2.7 by default
    /// (recorded in the folder's meta.json); refused with the other formats.
    #[arg(long, value_enum, value_name = "VERSION")]
    api_version: Option<ApiVersionArg>,
    /// Output path: a folder for api-json, json and csv, a file for sqlite and xlsx.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Replace an existing output: a regular file for sqlite and xlsx; for the folder
    /// formats, a folder that holds only the names that format writes. Never an input.
    #[arg(long)]
    force: bool,
    /// Generation time written in the metadata (RFC 3339); the --at date at midnight
    /// UTC by default, so that the same inputs give the same output.
    #[arg(long, value_name = "RFC3339")]
    generated_at: Option<DateTime<Utc>>,
    /// Commit of the content written in the metadata; the commit read with --git, a
    /// digest of the data otherwise by default.
    #[arg(long, value_name = "REV", conflicts_with = "git")]
    source_revision: Option<String>,
    /// Licence of the exported data; cc-by-nc-sa-4.0 for a content folder, etalab-2.0
    /// for the built-in dataset by default.
    #[arg(long, value_enum)]
    licence: Option<LicenceArg>,
    /// Print what was written as JSON (`{"schema_version", "format", "out", "tables":
    /// [{"name", "rows"}], "files", "diagnostics"}`) instead of a summary.
    #[arg(long)]
    json: bool,
}

/// The rows of the `impact_metric` table, from an impact file.
fn impact_metrics(path: &Path) -> Result<Vec<ImpactMetric>, BoxError> {
    let file = super::input::read_impact(path)?;
    ImpactMetric::from_impact_file(&file).map_err(|e| {
        format!(
            "{}: KPI {} of {}: {}",
            path.display(),
            e.metric,
            e.startup_id,
            e.source
        )
        .into()
    })
}

/// The rows of the `budget_line` table, from a budget file.
fn budget_lines(path: &Path, portfolio: &Portfolio) -> Result<Vec<BudgetRow>, BoxError> {
    let budget = betagouv_funding::file::read_budget(path)?;
    let (ledger, _) = betagouv_funding::post::to_ledger(&budget, Some(portfolio));
    Ok(tables::budget_lines(&ledger))
}

pub(crate) fn run(args: ExportArgs) -> Result<ExitCode, BoxError> {
    let format = ExportFormat::from(args.format);
    if args.api_version.is_some() && format != ExportFormat::ApiJson {
        return Err(format!(
            "--api-version applies to --format api-json only, not to --format {format}"
        )
        .into());
    }
    let api_version = args.api_version.map(ApiVersion::from).unwrap_or_default();
    // Every path read is an input that the output may not touch; refuse a bad --out
    // before reading anything.
    let inputs = super::input::input_paths(&args.input, [&args.budget, &args.impact]);
    {
        let early = ExportOptions::new(NaiveDate::MIN, "")
            .with_api_version(api_version)
            .with_if_exists(IfExists::replace_when(args.force))
            .with_inputs(inputs.iter().cloned());
        betagouv_export::check_output(format, &args.out, &early)?;
    }
    let records = match args.input.records()? {
        Ok(records) => records,
        Err(code) => return Ok(code),
    };
    let budget_lines = match &args.budget {
        Some(path) => Some(budget_lines(path, &records.portfolio)?),
        None => None,
    };
    let metrics = match &args.impact {
        Some(path) => Some(impact_metrics(path)?),
        None => None,
    };
    let mut dataset = Dataset::new(&records.portfolio);
    dataset.budget_lines = budget_lines.as_deref();
    dataset.impact_metrics = metrics.as_deref();
    dataset.empty_keys = records.folder.as_ref().map(|f| &f.empty_keys);
    let mut options = export_options(&args, &records, &dataset);
    options.inputs = inputs;
    options.api_version = api_version;
    let bar = super::progress::Bar::new(format.name());
    let report = betagouv_export::export_with_progress(
        &dataset,
        format,
        &args.out,
        &options,
        &mut |p: Progress<'_>| bar.update(p.done, p.total, p.label),
    );
    bar.finish();
    let report = report?;
    if args.json {
        print_json(format, &report)?;
    } else {
        print_summary(format, &report)?;
    }
    print_problems(&report);
    Ok(ExitCode::SUCCESS)
}

/// The options of the export (but its inputs): the date, the source and its licence,
/// the metadata.
fn export_options(args: &ExportArgs, records: &Records, dataset: &Dataset<'_>) -> ExportOptions {
    let (source, default_licence) = match &records.folder {
        None => (
            "builtin:2016 (betagouv-portfolio built-in dataset)".to_owned(),
            Licence::default(),
        ),
        Some(folder) => (folder.name(), Licence::cc_by_nc_sa_4()),
    };
    let mut options = ExportOptions::new(records.at_or_default(args.at), source);
    if let Some(g) = args.generated_at {
        options.generated_at = g;
    }
    options.licence = match args.licence {
        Some(LicenceArg::Etalab) => Licence::default(),
        Some(LicenceArg::CcByNcSa) => Licence::cc_by_nc_sa_4(),
        None => default_licence,
    };
    options.if_exists = IfExists::replace_when(args.force);
    options.import = records.folder.as_ref().map(|f| f.summary);
    options.source_revision = Some(match (&args.source_revision, records.commit()) {
        (Some(rev), _) => rev.clone(),
        (None, Some(commit)) => commit.info.id.to_string(),
        (None, None) => betagouv_export::input_digest(dataset),
    });
    options
}

/// What was written, on standard output.
fn print_summary(format: ExportFormat, report: &ExportReport) -> Result<(), BoxError> {
    outln!("wrote {format} to {}", report.path.display())?;
    for (name, n) in &report.rows {
        outln!("  {name}: {n}")?;
    }
    Ok(())
}

/// What was written, as the JSON contract of `export --json`, on standard output.
fn print_json(format: ExportFormat, report: &ExportReport) -> Result<(), BoxError> {
    /// The JSON of `export --json`, keys in this order.
    #[derive(serde::Serialize)]
    struct ExportJson<'a> {
        schema_version: u32,
        format: String,
        out: String,
        tables: Vec<TableJson<'a>>,
        files: Vec<String>,
        diagnostics: Vec<DiagnosticRow<'a>>,
    }
    /// A table and its rows (a file and its records for api-json).
    #[derive(serde::Serialize)]
    struct TableJson<'a> {
        name: &'a str,
        rows: usize,
    }
    let out = ExportJson {
        schema_version: contract::EXPORT,
        format: format.to_string(),
        out: report.path.display().to_string(),
        tables: report
            .rows
            .iter()
            .map(|(name, &rows)| TableJson { name, rows })
            .collect(),
        files: report
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect(),
        diagnostics: contract::diagnostic_rows(&report.diagnostics),
    };
    contract::print(&out, Layout::Pretty)
}

/// The data problems met while exporting, counted by rule on standard error.
fn print_problems(report: &ExportReport) {
    if !report.diagnostics.is_empty() {
        errln!(
            "note: {} data problems met while exporting, by rule (a dangling reference is a NULL key with the value in the *_raw column; a value its column cannot hold is an empty cell):",
            report.diagnostics.len()
        );
        let mut by_rule = std::collections::BTreeMap::<&str, usize>::new();
        for d in &report.diagnostics {
            *by_rule.entry(d.rule.as_str()).or_default() += 1;
        }
        for (rule, n) in by_rule {
            errln!("  {rule}: {n}");
        }
    }
}
