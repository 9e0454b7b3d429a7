//! `betagouv report`: the annual report, computed from the records and checked
//! against the published figures.
//!
//! Defaults: the built-in 2016 dataset (portfolio, budget, impact), French, text on
//! the terminal (colour only when stdout is a terminal).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use betagouv_portfolio::builtin;
use betagouv_report::impact::ImpactOptions;
use betagouv_report::{Format, Inputs, Lang, RenderOptions, Report, ReportOptions};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::BoxError;
use crate::out::out;

/// Output format, as named on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    /// Plain text for a terminal.
    Text,
    /// Markdown for a blog post.
    Markdown,
    /// One self-contained HTML file (inline SVG charts).
    Html,
    /// JSON of the whole report model.
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
            FormatArg::Json => Format::Json,
        }
    }
}

/// Language, as named on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LangArg {
    /// French.
    Fr,
    /// English.
    En,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Year of the report (default: 2016, the built-in dataset's year, or the year of --at).
    #[arg(long)]
    year: Option<i32>,
    /// Content folder to read the portfolio from (betagouv-content's reader).
    #[arg(long, value_name = "DIR", requires = "at")]
    content: Option<PathBuf>,
    /// Date of the figures (YYYY-MM-DD); default 31 December of the year.
    #[arg(long, value_name = "YYYY-MM-DD")]
    at: Option<NaiveDate>,
    /// Budget file (TOML, betagouv-funding format); default: the built-in 2016 budget
    /// for the built-in dataset.
    #[arg(long, value_name = "FILE")]
    budget: Option<PathBuf>,
    /// Impact file (TOML, betagouv-impact format); default: the built-in 2016 impact
    /// data for the built-in dataset.
    #[arg(long, value_name = "FILE")]
    impact: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Language of the report.
    #[arg(long, value_enum, default_value = "fr")]
    lang: LangArg,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: ReportArgs) -> Result<ExitCode, BoxError> {
    let lang = match args.lang {
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    };
    let (portfolio, diagnostics, content_source) = match &args.content {
        Some(dir) => {
            let import =
                betagouv_content::read_folder(dir, &betagouv_content::ReadOptions::default())?;
            (
                import.portfolio,
                import.diagnostics,
                Some(dir.display().to_string()),
            )
        }
        None => (builtin::portfolio_2016(), Vec::new(), None),
    };
    let year = args
        .year
        .or_else(|| args.at.map(|d| chrono::Datelike::year(&d)))
        .unwrap_or(2016);
    let builtin_year = year == 2016 && content_source.is_none();

    let budget = match &args.budget {
        Some(path) => {
            let b = betagouv_funding::file::read_budget(path)?;
            Some((b, path.display().to_string()))
        }
        None if builtin_year => Some((
            betagouv_funding::builtin::builtin_2016()?,
            match lang {
                Lang::Fr => "budget 2016 intégré (betagouv-funding)".to_owned(),
                Lang::En => "built-in 2016 budget (betagouv-funding)".to_owned(),
            },
        )),
        None => None,
    };
    let budget_data = budget.as_ref().map(|(b, source)| {
        betagouv_report::budget::from_funding(b, Some(&portfolio), year, source)
    });

    let impact_file = match &args.impact {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Some((
                betagouv_impact::ImpactFile::parse(&text, Some(path))?,
                path.display().to_string(),
            ))
        }
        None if builtin_year => Some((
            betagouv_impact::builtin_2016(),
            match lang {
                Lang::Fr => "données d'impact 2016 intégrées (betagouv-impact)".to_owned(),
                Lang::En => "built-in 2016 impact data (betagouv-impact)".to_owned(),
            },
        )),
        None => None,
    };
    let impact = match &impact_file {
        Some((f, source)) => Some(betagouv_report::impact::section(
            f,
            Some(&portfolio),
            source,
            ImpactOptions::default(),
        )?),
        None => None,
    };

    let source = content_source.unwrap_or_else(|| {
        match lang {
            Lang::Fr => "jeu de données 2016 intégré (betagouv-portfolio)",
            Lang::En => "built-in 2016 dataset (betagouv-portfolio)",
        }
        .to_owned()
    });
    let inputs = Inputs {
        published: if builtin_year {
            builtin::published_2016()
        } else {
            &[]
        },
        budget: budget_data.as_ref(),
        impact: impact.as_ref(),
        diagnostics: &diagnostics,
        ..Inputs::new(&portfolio, &source)
    };
    let options = ReportOptions {
        year,
        as_of: args.at,
        lang,
        ..ReportOptions::default()
    };
    let report = Report::compute(&inputs, &options)?;
    let format = Format::from(args.format);
    let color = args.out.is_none()
        && format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let text = betagouv_report::render(&report, format, RenderOptions { color })?;
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => out!("{text}")?,
    }
    Ok(ExitCode::SUCCESS)
}
