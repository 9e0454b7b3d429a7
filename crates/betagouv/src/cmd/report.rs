//! `betagouv report`: the annual report, computed from the records and checked
//! against the published figures.
//!
//! Defaults: the built-in 2016 dataset (portfolio, budget, impact), French, text on
//! the terminal (colour only when stdout is a terminal).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use betagouv_impact::ImpactFile;
use betagouv_portfolio::{Portfolio, builtin};
use betagouv_report::budget::BudgetData;
use betagouv_report::impact::ImpactOptions;
use betagouv_report::{ColorMode, Format, Inputs, Lang, RenderOptions, Report, ReportOptions};
use chrono::{Datelike, NaiveDate};
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
    /// Year of the report (default: 2016, the built-in dataset's year, or the year of --at,
    /// or of the commit's date with --git).
    #[arg(long)]
    year: Option<i32>,
    /// The content folder (needs --at) or commit to read the portfolio from.
    #[command(flatten)]
    input: super::input::ContentArgs,
    /// When the figures were published (YYYY-MM-DD; default: the built-in 2016
    /// report's, 2017-04-26). With --git, each published figure is also checked as
    /// known at the end of this day (Europe/Paris), with the intervals of knowledge
    /// over which the repository gave it (a walk of the commit's first-parent chain).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "git")]
    published_at: Option<NaiveDate>,
    /// Date of the figures (YYYY-MM-DD); default 31 December of the year, or with
    /// --git and no --year the --known-at date or the commit's own date.
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
    /// Print the JSON of the whole report model on standard output (the same as
    /// `--format json`).
    #[arg(long, conflicts_with_all = ["format", "out"])]
    json: bool,
    /// Language of the report.
    #[arg(long, value_enum, default_value = "fr")]
    lang: LangArg,
    /// Write to this file instead of standard output (never over an input; an
    /// existing file needs --force).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the --out file if it exists (a regular file that is not an input).
    #[arg(long, requires = "out")]
    force: bool,
}

/// The --out file of `report`, with every file the command reads as inputs.
fn report_output(args: &ReportArgs) -> Option<betagouv_output::Output> {
    args.out.as_ref().map(|path| {
        betagouv_output::Output::file(path)
            .if_exists(betagouv_output::IfExists::replace_when(args.force))
            .inputs(super::input::input_paths(
                &args.input,
                [&args.budget, &args.impact],
            ))
    })
}

/// The year of the report: `--year`, or the year of `at` (`--at`, or a commit's
/// date), or 2016.
///
/// `at` must fall in `--year`: the report's titles name the year, its figures are
/// those at `at` (`--year 2015 --at 2016-12-31` would title 2016 figures as 2015).
fn report_year(args: &ReportArgs, at: Option<NaiveDate>) -> Result<i32, BoxError> {
    let year = args.year.or_else(|| at.map(|d| d.year())).unwrap_or(2016);
    match at {
        Some(at) if at.year() != year => Err(format!(
            "--at {at} is not in --year {year}: the report would title figures of {} as {year}; give an --at in {year}, or leave one of them out",
            at.year()
        )
        .into()),
        _ => Ok(year),
    }
}

pub(crate) fn run(args: ReportArgs) -> Result<ExitCode, BoxError> {
    // Refuse a bad --out before reading anything.
    let output = report_output(&args);
    if let Some(o) = &output {
        o.check()?;
    }
    let lang = match args.lang {
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    };
    report_year(&args, args.at)?;
    if args.input.content.is_some() && args.at.is_none() {
        return Err(
            "--content needs --at YYYY-MM-DD: the date of the figures (no hidden today)".into(),
        );
    }
    let records = match args.input.records()? {
        Ok(records) => records,
        Err(code) => return Ok(code),
    };
    // A commit dates its figures itself: without --at or --year, the --known-at date
    // or the commit's own date.
    let at = match records.commit() {
        Some(_) if args.at.is_none() && args.year.is_none() => Some(records.at_or_default(None)),
        _ => args.at,
    };
    let year = report_year(&args, at)?;
    // The built-in budget, impact data and published figures go with the built-in
    // dataset's year only, or the same year read from a repository.
    let builtin_year = year == 2016 && args.input.content.is_none();
    let budget = budget_section(&args, &records.portfolio, year, lang, builtin_year)?;
    let impact_file = impact_file(&args, lang, builtin_year)?;
    let impact = match &impact_file {
        Some((f, source)) => Some(betagouv_report::impact::section(
            f,
            Some(&records.portfolio),
            source,
            ImpactOptions::default(),
        )?),
        None => None,
    };
    let source = match &records.folder {
        Some(folder) => folder.name(),
        None => match lang {
            Lang::Fr => "jeu de données 2016 intégré (betagouv-portfolio)",
            Lang::En => "built-in 2016 dataset (betagouv-portfolio)",
        }
        .to_owned(),
    };
    let published = if builtin_year {
        builtin::published_2016()
    } else {
        &[]
    };
    let history = match records.commit() {
        Some(commit) => Some(super::claims_history::compute(
            &betagouv_history::Repository::open(&commit.repo)?,
            &commit.info,
            published,
            args.published_at.unwrap_or_else(builtin::published_at_2016),
            report_as_of(args.at, year)?,
            lang,
        )?),
        None => None,
    };
    let inputs = Inputs::new(&records.portfolio, &source)
        .with_published(published)
        .with_history(history.as_ref())
        .with_budget(budget.as_ref())
        .with_impact(impact.as_ref())
        .with_diagnostics(records.diagnostics());
    let options = ReportOptions::default()
        .with_year(year)
        .with_as_of(at)
        .with_lang(lang);
    let report = Report::compute(&inputs, &options)?;
    write(&report, &args, output.as_ref())
}

/// The report's date: `--at`, or 31 December of the year.
fn report_as_of(at: Option<NaiveDate>, year: i32) -> Result<NaiveDate, BoxError> {
    match at {
        Some(at) => Ok(at),
        None => NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| format!("--year {year} has no 31 December").into()),
    }
}

/// The budget section's data: `--budget`, or the built-in 2016 budget in the built-in
/// year.
fn budget_section(
    args: &ReportArgs,
    portfolio: &Portfolio,
    year: i32,
    lang: Lang,
    builtin_year: bool,
) -> Result<Option<BudgetData>, BoxError> {
    let (budget, source) = match &args.budget {
        Some(path) => (
            betagouv_funding::file::read_budget(path)?,
            path.display().to_string(),
        ),
        None if builtin_year => (
            betagouv_funding::builtin::builtin_2016()?,
            match lang {
                Lang::Fr => "budget 2016 intégré (betagouv-funding)".to_owned(),
                Lang::En => "built-in 2016 budget (betagouv-funding)".to_owned(),
            },
        ),
        None => return Ok(None),
    };
    Ok(Some(betagouv_report::budget::from_funding(
        &budget,
        Some(portfolio),
        year,
        &source,
    )))
}

/// The impact file and its name: `--impact`, or the built-in 2016 impact data in the
/// built-in year.
fn impact_file(
    args: &ReportArgs,
    lang: Lang,
    builtin_year: bool,
) -> Result<Option<(ImpactFile, String)>, BoxError> {
    Ok(match &args.impact {
        Some(path) => Some((super::input::read_impact(path)?, path.display().to_string())),
        None if builtin_year => Some((
            betagouv_impact::builtin_2016(),
            match lang {
                Lang::Fr => "données d'impact 2016 intégrées (betagouv-impact)".to_owned(),
                Lang::En => "built-in 2016 impact data (betagouv-impact)".to_owned(),
            },
        )),
        None => None,
    })
}

/// Renders the report and writes it to `--out` or standard output (colour only for
/// text on a terminal, unless `NO_COLOR` is set).
fn write(
    report: &Report,
    args: &ReportArgs,
    output: Option<&betagouv_output::Output>,
) -> Result<ExitCode, BoxError> {
    let format = if args.json {
        Format::Json
    } else {
        Format::from(args.format)
    };
    let color = output.is_none()
        && format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let color = if color {
        ColorMode::Ansi
    } else {
        ColorMode::Plain
    };
    let text = betagouv_report::render(report, format, RenderOptions::default().with_color(color))?;
    match output {
        Some(o) => o.write_bytes(text.as_bytes())?,
        None => out!("{text}")?,
    }
    Ok(ExitCode::SUCCESS)
}
