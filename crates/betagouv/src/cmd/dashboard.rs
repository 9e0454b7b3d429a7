//! `betagouv dashboard`: the incubator's dashboard (the figures of beta.gouv.fr's
//! statistics page and community notebook, computed from the records) at a date, or
//! over a git repository's history with `--every`. See docs/dashboard.md.
//!
//! One dashboard reads its records with the one loader ([`super::input`]: the
//! built-in 2016 dataset, `--content DIR`, or `--git REPO [--rev REV | --known-at
//! DATE]`), as `portfolio snapshot` does. A series (`--every`) walks the repository's
//! first-parent chain with betagouv-history's incremental replay, as `history` does:
//! the files a point's commit cannot give are counted in the point, never fatal.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use betagouv_history::{DashboardSeries, Every, Repository, SeriesOptions, View, dashboard_series};
use betagouv_portfolio::diagnostic::escape_controls;
use betagouv_portfolio::{ActiveRule, Dashboard, DashboardOptions};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
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
    /// A short text summary.
    Text,
    /// The JSON contract: the dashboard's keys (`schema_version` first), or with
    /// --every the series (`points[].dashboard`).
    Json,
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
    /// Write to this file instead of standard output (never over an input; an
    /// existing file needs --force).
    #[arg(long, value_name = "FILE")]
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
    // Refuse a bad --out, or a series without a history, before reading anything.
    let output = args.out.as_ref().map(|p| {
        betagouv_output::Output::file(p)
            .if_exists(betagouv_output::IfExists::replace_when(args.force))
            .inputs(super::input::input_paths(&args.input, []))
    });
    if let Some(o) = &output {
        o.check()?;
    }
    let text = match args.every {
        Some(every) => series_text(args, every)?,
        None => {
            let records = match args.input.records()? {
                Ok(records) => records,
                Err(code) => return Ok(code),
            };
            let at = records.at_or_default(args.at);
            let dashboard = Dashboard::compute(&records.portfolio, at, &args.options());
            one_text(args, &records, &dashboard)?
        }
    };
    match &output {
        Some(o) => o.write_bytes(text.as_bytes())?,
        None => out!("{text}")?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The output of one dashboard in the format asked for.
fn one_text(
    args: &DashboardArgs,
    records: &Records,
    dashboard: &Dashboard,
) -> Result<String, BoxError> {
    // The renderings of betagouv-report are added here (text, csv, html).
    match args.format() {
        DashboardFormat::Json => {
            let body = DashboardJson {
                dashboard,
                source: records.commit().map(GitCommit::json),
            };
            contract::pretty(&Versioned::new(contract::DASHBOARD, &body))
        }
        DashboardFormat::Text => Ok(summary(dashboard, records, args.lang)),
    }
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
fn series_text(args: &DashboardArgs, every: Every) -> Result<String, BoxError> {
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
    let repo = Repository::open(path)?;
    let bar = super::progress::Bar::new("dashboard");
    let series = dashboard_series(
        &repo,
        &args.series(every),
        &args.options(),
        |done, total| {
            bar.update(done, total, "points");
        },
    );
    bar.finish();
    let series = series?;
    if let Some(t) = series.truncated_at {
        errln!(
            "warning: the history of {} stops at commit {t} (shallow clone?): no point before it",
            path.display()
        );
    }
    let dropped = series.points.iter().filter(|p| p.dropped_files > 0).count();
    if dropped > 0 {
        errln!(
            "note: {dropped} of {} points have files that gave no record (left out of their figures, counted in dropped_files)",
            series.points.len()
        );
    }
    // The renderings of betagouv-report are added here (text, csv, html).
    match args.format() {
        DashboardFormat::Json => super::history::json(contract::DASHBOARD_SERIES, &series, path),
        DashboardFormat::Text => Ok(series_summary(&series, args.active, args.lang)),
    }
}

/// The labels of the text summaries.
struct Labels {
    title: &'static str,
    builtin: &'static str,
    products: &'static str,
    active: &'static str,
    stats_page: &'static str,
    dashlord: &'static str,
    members: &'static str,
    phase: &'static str,
    count: &'static str,
    to_fix: &'static str,
}

impl Labels {
    fn of(lang: LangArg) -> Self {
        match lang {
            LangArg::Fr => Self {
                title: "Tableau de bord au",
                builtin: "source : jeu de données 2016 intégré",
                products: "produits",
                active: "actifs",
                stats_page: "page de statistiques",
                dashlord: "Dashlord",
                members: "membres actifs",
                phase: "phase",
                count: "nombre",
                to_fix: "à corriger (actifs sans page de statistiques / sans Dashlord / sans statut d'accessibilité)",
            },
            LangArg::En => Self {
                title: "Dashboard at",
                builtin: "source: built-in 2016 dataset",
                products: "products",
                active: "active",
                stats_page: "statistics page",
                dashlord: "Dashlord",
                members: "active members",
                phase: "phase",
                count: "count",
                to_fix: "to fix (active without a statistics page / without Dashlord / without an accessibility status)",
            },
        }
    }
}

fn table<const N: usize>(header: [&str; N]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(header);
    t
}

/// A short text summary of one dashboard (the full rendering is betagouv-report's).
fn summary(d: &Dashboard, records: &Records, lang: LangArg) -> String {
    let l = Labels::of(lang);
    let mut text = format!("{} {} (--active {})\n", l.title, d.as_of, d.active_rule);
    let source = match (&records.folder, records.commit()) {
        (_, Some(commit)) => commit.source_line(),
        (Some(folder), None) => format!("source: {}", escape_controls(&folder.name())),
        (None, None) => l.builtin.to_owned(),
    };
    let _ = writeln!(text, "{source}");
    let _ = writeln!(
        text,
        "{}: {}, {}: {}",
        l.products, d.products.total, l.active, d.products.active
    );
    let mut t = table([l.phase, l.count]);
    // Phase names come from the files: escaped, so they cannot drive the terminal.
    for (phase, n) in &d.products.by_phase {
        t.add_row([escape_controls(phase).into_owned(), n.to_string()]);
    }
    let _ = writeln!(text, "{t}");
    let _ = writeln!(
        text,
        "{}: {}/{}, {}: {}/{}, {}: {}",
        l.stats_page,
        d.stats_page.with,
        d.stats_page.total,
        l.dashlord,
        d.dashlord.with,
        d.dashlord.total,
        l.members,
        d.members.active
    );
    let _ = writeln!(
        text,
        "{}: {} / {} / {}",
        l.to_fix,
        d.to_fix.no_stats_page.len(),
        d.to_fix.no_dashlord.len(),
        d.to_fix.no_accessibility_status.len()
    );
    text
}

/// A short text table of a series, one row per point.
fn series_summary(s: &DashboardSeries, active: ActiveRule, lang: LangArg) -> String {
    let l = Labels::of(lang);
    let mut t = table([
        "known at",
        "commit",
        "as of",
        l.products,
        l.active,
        l.stats_page,
        l.dashlord,
        l.members,
        "dropped",
    ]);
    for p in &s.points {
        let d = &p.dashboard;
        t.add_row([
            p.known_at.to_string(),
            p.commit.short(),
            p.as_of.to_string(),
            d.products.total.to_string(),
            d.products.active.to_string(),
            format!("{}/{}", d.stats_page.with, d.stats_page.total),
            format!("{}/{}", d.dashlord.with, d.dashlord.total),
            d.members.active.to_string(),
            p.dropped_files.to_string(),
        ]);
    }
    format!(
        "Dashboard from {} ({}), every {}, view {}, {} to {}, --active {active}: {} points\n{t}\n",
        s.start.id.short(),
        s.start.committed_at.to_rfc3339(),
        s.every,
        s.view,
        s.from,
        s.to,
        s.points.len()
    )
}
