//! `betagouv export`: open-data exports (API JSON, JSON, CSV, SQLite, XLSX).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;

use betagouv_export::csv::Licence;
use betagouv_export::{Dataset, ExportOptions, Format, ImpactMetric, Progress, tables};
use betagouv_portfolio::{Portfolio, builtin};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use super::BoxError;
use crate::out::{errln, outln};

/// Export format, as named on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    /// beta.gouv.fr public API v2.5 files (a folder).
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

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::ApiJson => Format::ApiJson,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::Sqlite => Format::Sqlite,
            FormatArg::Xlsx => Format::Xlsx,
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
    /// Content folder to read (built-in 2016 dataset when absent).
    #[arg(long, value_name = "DIR")]
    content: Option<PathBuf>,
    /// Date of the date-dependent columns (current phase, active member); 2016-12-31 on
    /// the built-in dataset, today otherwise.
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
    /// Output path: a folder for api-json, json and csv, a file for sqlite and xlsx.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Replace an existing output.
    #[arg(long)]
    force: bool,
    /// Generation time written in the metadata (RFC 3339); the --at date at midnight
    /// UTC by default, so that the same inputs give the same output.
    #[arg(long, value_name = "RFC3339")]
    generated_at: Option<DateTime<Utc>>,
    /// Commit of the content written in the metadata; a digest of the data by default.
    #[arg(long, value_name = "REV")]
    source_revision: Option<String>,
    /// Licence of the exported data; cc-by-nc-sa-4.0 for a content folder, etalab-2.0
    /// for the built-in dataset by default.
    #[arg(long, value_enum)]
    licence: Option<LicenceArg>,
}

fn progress_bar(label: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(label.to_owned());
    Some(bar)
}

fn impact_metrics(path: &std::path::Path) -> Result<Vec<ImpactMetric>, BoxError> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = betagouv_impact::ImpactFile::parse(&text, Some(path))?;
    let name = |v: serde_json::Result<serde_json::Value>| {
        v.ok().and_then(|v| v.as_str().map(str::to_owned))
    };
    let mut out = Vec::new();
    for s in &file.startup {
        for k in &s.kpi {
            // The shortest text that reads back as the same f64, as an exact decimal.
            let value = rust_decimal::Decimal::from_str(&k.value.to_string())
                .or_else(|_| rust_decimal::Decimal::from_scientific(&format!("{:e}", k.value)))
                .map_err(|e| format!("{}: KPI {} of {}: {e}", path.display(), k.metric, s.id))?;
            out.push(ImpactMetric {
                startup_id: s.id.clone(),
                metric: k.metric.clone(),
                value,
                period: k.period.and_then(|p| name(serde_json::to_value(p))),
                bound: name(serde_json::to_value(k.bound)),
                year: k.year,
                source: Some(k.source.clone()),
            });
        }
    }
    Ok(out)
}

pub(crate) fn run(args: ExportArgs) -> Result<ExitCode, BoxError> {
    let format = Format::from(args.format);
    let (portfolio, at, source, default_licence): (Portfolio, NaiveDate, String, Licence) =
        match &args.content {
            None => (
                builtin::portfolio_2016(),
                args.at.unwrap_or_else(builtin::as_of_2016),
                "builtin:2016 (betagouv-portfolio built-in dataset)".to_owned(),
                Licence::default(),
            ),
            Some(dir) => {
                let mut options = betagouv_content::read::ReadOptions::default();
                let bar = progress_bar("read");
                if let Some(bar) = &bar {
                    let b = bar.clone();
                    options.progress = Some(Arc::new(move |done, total| {
                        b.set_length(total as u64);
                        b.set_position(done as u64);
                    }));
                }
                let import = betagouv_content::read::read_folder(dir, &options)?;
                if let Some(bar) = bar {
                    bar.finish_and_clear();
                }
                (
                    import.portfolio,
                    args.at.unwrap_or_else(|| Utc::now().date_naive()),
                    dir.display().to_string(),
                    Licence::cc_by_nc_sa_4(),
                )
            }
        };
    let budget_lines = match &args.budget {
        None => None,
        Some(path) => {
            let budget = betagouv_funding::file::read_budget(path)?;
            let (ledger, _) = betagouv_funding::post::to_ledger(&budget, Some(&portfolio));
            Some(tables::budget_lines(&ledger))
        }
    };
    let metrics = match &args.impact {
        None => None,
        Some(path) => Some(impact_metrics(path)?),
    };
    let dataset = Dataset {
        portfolio: &portfolio,
        budget_lines: budget_lines.as_deref(),
        impact_metrics: metrics.as_deref(),
    };
    let mut options = ExportOptions::new(at, source);
    if let Some(g) = args.generated_at {
        options.generated_at = g;
    }
    options.licence = match args.licence {
        Some(LicenceArg::Etalab) => Licence::default(),
        Some(LicenceArg::CcByNcSa) => Licence::cc_by_nc_sa_4(),
        None => default_licence,
    };
    options.force = args.force;
    options.source_revision = Some(
        args.source_revision
            .unwrap_or_else(|| betagouv_export::input_digest(&dataset)),
    );

    let bar = progress_bar(format.name());
    let mut on_progress = |p: Progress<'_>| {
        if let Some(bar) = &bar {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
            bar.set_message(p.label.to_owned());
        }
    };
    let report = betagouv_export::export_with_progress(
        &dataset,
        format,
        &args.out,
        &options,
        &mut on_progress,
    )?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    outln!("wrote {format} to {}", report.path.display())?;
    for (name, n) in &report.rows {
        outln!("  {name}: {n}")?;
    }
    if !report.diagnostics.is_empty() {
        errln!(
            "note: {} data problems exported by rule (NULL key, value in the *_raw column):",
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
    Ok(ExitCode::SUCCESS)
}
