//! `betagouv dashboard`: the incubator's dashboard (the figures of beta.gouv.fr's
//! statistics page and community notebook, computed from the records) at a date, or
//! over a git repository's history with `--every`. See docs/dashboard.md.
//!
//! One dashboard reads its records with the one loader ([`super::input`]: the
//! built-in 2016 dataset, `--content DIR`, or `--git REPO [--rev REV | --known-at
//! DATE]`), as `portfolio snapshot` does. A series (`--every`) walks the repository's
//! first-parent chain with betagouv-history's incremental replay, as `history` does:
//! the files a point's commit cannot give are counted in the point, never fatal.

use std::path::PathBuf;
use std::process::ExitCode;

use betagouv_history::{DashboardSeries, Every, SeriesOptions, View, dashboard_series};
use betagouv_portfolio::diagnostic::escape_controls;
use betagouv_portfolio::{ActiveRule, Dashboard, DashboardOptions};
use betagouv_report::Lang;
use betagouv_report::dashboard::{self, SeriesEntry};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::BoxError;
use super::contract::{self, Versioned};
use super::history::ViewArg;
use super::input::{ContentArgs, GitCommit, Records, SourceJson};
use super::report::LangArg;
use crate::out::{errln, out};

/// Output format of `dashboard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DashboardFormat {
    /// Every figure as aligned text tables, for a terminal.
    Text,
    /// The JSON contract: the dashboard's keys (`schema_version` first), or with
    /// --every the series (`points[].dashboard`).
    Json,
    /// One CSV file per figure in the --out folder (long form: the date first; with
    /// --every, one row per point and key).
    Csv,
    /// One self-contained, accessible HTML page (inline SVG charts with their data
    /// tables).
    Html,
}

#[derive(Debug, Args)]
pub(crate) struct DashboardArgs {
    /// The content folder or commit to read instead of the built-in 2016 dataset
    /// (with --every: the repository whose history is walked, from HEAD, --rev or
    /// --known-at).
    #[command(flatten)]
    input: ContentArgs,
    /// Date of the figures (YYYY-MM-DD); 2016-12-31 on the built-in dataset, today in
    /// Europe/Paris with --content, the --known-at date or the commit's own date (in
    /// Europe/Paris) with --git. With --every: one date seen through every point's
    /// knowledge (each point describes its own period's last day otherwise).
    #[arg(long, value_name = "YYYY-MM-DD")]
    at: Option<NaiveDate>,
    /// Which products are active: the site's phase list (the default, the rule of
    /// beta.gouv.fr's own pages), or our stage table, for comparison.
    #[arg(long, value_parser = super::portfolio::active_parser(), default_value_t = ActiveRule::Site)]
    active: ActiveRule,
    /// A series over the history of --git REPO: a point every commit, day, week, month
    /// or year (periods of the Paris calendar, ISO weeks), each as known then.
    #[arg(long, value_name = "PERIOD", value_parser = super::history::every_parser())]
    every: Option<Every>,
    /// First date of the series (its period is the first); default: the date of the
    /// first commit.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "every")]
    from: Option<NaiveDate>,
    /// Last date of the series (the last period is cut there); default: the start
    /// revision's date (the --known-at date, or its commit's Paris date).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "every")]
    to: Option<NaiveDate>,
    /// Which dates of the series move (`retrospective`: knowledge fixed at --rev /
    /// --known-at, the as-of date moving over the periods).
    #[arg(long, value_enum, requires = "every", conflicts_with = "at")]
    view: Option<ViewArg>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DashboardFormat,
    /// Print the JSON contract on standard output (the same as `--format json`).
    #[arg(long, conflicts_with_all = ["format", "out"])]
    json: bool,
    /// Language of the human-readable output (the JSON's definitions are in English).
    #[arg(long, value_enum, default_value = "fr")]
    lang: LangArg,
    /// Write to this file (a folder with --format csv) instead of standard output
    /// (never over an input; an existing output needs --force).
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Replace the --out file if it exists (a regular file that is not an input).
    #[arg(long, requires = "out")]
    force: bool,
}

impl DashboardArgs {
    fn format(&self) -> DashboardFormat {
        if self.json {
            DashboardFormat::Json
        } else {
            self.format
        }
    }

    fn options(&self) -> DashboardOptions {
        DashboardOptions::default().with_active_rule(self.active)
    }

    /// The series of `--every`, as betagouv-history takes it.
    fn series(&self, every: Every) -> SeriesOptions {
        let view = match (self.at, self.view) {
            (Some(at), _) => View::At(at),
            (None, Some(ViewArg::Retrospective)) => View::Retrospective,
            (None, _) => View::Live,
        };
        SeriesOptions::default()
            .with_every(every)
            .with_from(self.from)
            .with_to(self.to)
            .with_view(view)
            .with_start(self.input.git.revision())
    }
}

pub(crate) fn run(args: &DashboardArgs) -> Result<ExitCode, BoxError> {
    let format = args.format();
    if format == DashboardFormat::Csv && args.out.is_none() {
        return Err(
            "--format csv writes one file per figure: give the folder with --out DIR".into(),
        );
    }
    // Refuse a bad --out, or a series without a history, before reading anything.
    let output = args.out.as_ref().map(|p| {
        let o = if format == DashboardFormat::Csv {
            betagouv_output::Output::folder(p, CSV_FOLDER)
        } else {
            betagouv_output::Output::file(p)
        };
        o.if_exists(betagouv_output::IfExists::replace_when(args.force))
            .inputs(super::input::input_paths(&args.input, []))
    });
    if let Some(o) = &output {
        o.check()?;
    }
    let rendered = match args.every {
        Some(every) => series_rendered(args, every)?,
        None => {
            let records = match args.input.records()? {
                Ok(records) => records,
                Err(code) => return Ok(code),
            };
            let at = records.at_or_default(args.at);
            let dashboard = Dashboard::compute(&records.portfolio, at, &args.options());
            one_rendered(args, &records, &dashboard)?
        }
    };
    match (rendered, &output) {
        (Rendered::Text(text), Some(o)) => o.write_bytes(text.as_bytes())?,
        (Rendered::Text(text), None) => out!("{text}")?,
        (Rendered::Tables(tables), Some(o)) => write_tables(o, &tables)?,
        (Rendered::Tables(_), None) => return Err("--format csv needs --out DIR".into()),
    }
    Ok(ExitCode::SUCCESS)
}

/// What the command writes: one text (text, JSON, HTML), or one CSV file per table.
enum Rendered {
    Text(String),
    Tables(Vec<dashboard::Table>),
}

/// The entries a `dashboard --format csv` folder may hold (replaced with --force).
const CSV_FOLDER: betagouv_output::FolderNames = betagouv_output::FolderNames {
    what: "a dashboard csv output",
    accepts: |relative, is_dir| {
        !is_dir
            && relative.parent() == Some(std::path::Path::new(""))
            && relative
                .to_str()
                .and_then(|n| n.strip_suffix(".csv"))
                .is_some_and(|stem| dashboard::TABLE_NAMES.contains(&stem))
    },
};

/// Writes one CSV file per table into the --out folder (all or nothing).
fn write_tables(o: &betagouv_output::Output, tables: &[dashboard::Table]) -> Result<(), BoxError> {
    o.write_folder(|dir| -> Result<(), BoxError> {
        for t in tables {
            let path = dir.join(t.file_name());
            std::fs::write(&path, t.to_csv()?)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    })?;
    errln!("wrote {} CSV files to {}", tables.len(), o.path().display());
    Ok(())
}

fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    }
}

/// One dashboard in the format asked for.
fn one_rendered(
    args: &DashboardArgs,
    records: &Records,
    dashboard: &Dashboard,
) -> Result<Rendered, BoxError> {
    let lang = lang(args.lang);
    Ok(match args.format() {
        DashboardFormat::Json => {
            let body = DashboardJson {
                dashboard,
                source: records.commit().map(GitCommit::json),
            };
            Rendered::Text(contract::pretty(&Versioned::new(
                contract::DASHBOARD,
                &body,
            ))?)
        }
        DashboardFormat::Text => {
            let source = match (&records.folder, records.commit()) {
                (_, Some(commit)) => commit.source_line(),
                (Some(folder), None) => format!("source: {}", escape_controls(&folder.name())),
                (None, None) => match lang {
                    Lang::En => "source: built-in 2016 dataset".to_owned(),
                    _ => "source : jeu de données 2016 intégré".to_owned(),
                },
            };
            Rendered::Text(format!("{}\n{source}\n", dashboard::text(dashboard, lang)))
        }
        DashboardFormat::Csv => Rendered::Tables(dashboard::tables(dashboard, lang)),
        DashboardFormat::Html => Rendered::Text(dashboard::html(dashboard, lang)?),
    })
}

/// The JSON of `dashboard --json`: the dashboard's keys, then `source` when the
/// records were read from a commit.
#[derive(Debug, Serialize)]
struct DashboardJson<'a> {
    #[serde(flatten)]
    dashboard: &'a Dashboard,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<SourceJson>,
}

/// Computes the series of `--every` over `--git` and gives its output.
fn series_rendered(args: &DashboardArgs, every: Every) -> Result<Rendered, BoxError> {
    let Some(path) = &args.input.git.git else {
        return Err(format!(
            "--every {every} needs --git REPO: a series reads the states of a repository's history ({})",
            if args.input.content.is_some() {
                "a --content folder is one state"
            } else {
                "the built-in dataset is one state"
            }
        )
        .into());
    };
    if args.input.policy.verbose {
        return Err("--verbose lists the problems of one read: a series counts the files each point leaves out (dropped_files)".into());
    }
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        return Err(format!("--from {from} is after --to {to}").into());
    }
    let series = super::history::walk("dashboard", path, |repo, progress| {
        dashboard_series(repo, &args.series(every), &args.options(), progress)
    })?;
    let dropped = series.points.iter().filter(|p| p.dropped_files > 0).count();
    if dropped > 0 {
        errln!(
            "note: {dropped} of {} points have files that gave no record (left out of their figures, counted in dropped_files)",
            series.points.len()
        );
    }
    let entries: Vec<SeriesEntry<'_>> = series
        .points
        .iter()
        .map(|p| {
            SeriesEntry::new(&p.dashboard)
                .with_known_at(Some(p.known_at.to_string()))
                .with_commit(Some(p.commit.to_string()))
                .with_dropped(p.dropped_files)
        })
        .collect();
    let lang = lang(args.lang);
    Ok(match args.format() {
        DashboardFormat::Json => Rendered::Text(super::history::json(
            contract::DASHBOARD_SERIES,
            &series,
            path,
        )?),
        DashboardFormat::Text => Rendered::Text(format!(
            "{}\n{}",
            series_heading(&series, args.active),
            dashboard::series_text(&entries, lang)
        )),
        DashboardFormat::Csv => Rendered::Tables(dashboard::series_tables(&entries, lang)),
        DashboardFormat::Html => Rendered::Text(dashboard::series_html(&entries, lang)?),
    })
}

/// The first line of a series' text: where it starts, its periods and view.
fn series_heading(s: &DashboardSeries, active: ActiveRule) -> String {
    format!(
        "Dashboard from {} ({}), every {}, view {}, {} to {}, --active {active}: {} points",
        s.start.id.short(),
        s.start.committed_at.to_rfc3339(),
        s.every,
        s.view,
        s.from,
        s.to,
        s.points.len()
    )
}
