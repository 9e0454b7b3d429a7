//! The report model: every figure of the report, computed from the records.
//!
//! [`Report::compute`] is the one entry point; renderers only read a [`Report`].

use std::collections::{BTreeMap, BTreeSet};

use betagouv_portfolio::builtin::PublishedClaim;
use betagouv_portfolio::snapshot::{Snapshot, SnapshotOptions, StageCounts};
use betagouv_portfolio::{
    Diagnostic, PhaseField, Portfolio, ProblemCounts, RecordDate, Stage, Startup, Vocabulary,
};
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::budget::{self, BudgetData, BudgetOptions, BudgetSection};
use crate::claims::{self, ClaimRow};
use crate::error::{Error, Result};
use crate::history::ClaimsHistory;
use crate::impact::ImpactSection;
use crate::lang::Lang;

/// A section that may not be computable from the data given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Section<T> {
    /// Computed from the data.
    Computed(T),
    /// Not computable, with why.
    NotComputable {
        /// Why (in the report's language).
        reason: String,
    },
}

impl<T> Section<T> {
    /// The computed value, if any.
    #[must_use]
    pub fn computed(&self) -> Option<&T> {
        match self {
            Section::Computed(t) => Some(t),
            Section::NotComputable { .. } => None,
        }
    }
}

/// A quantity with its unit. JSON: `{"unit": "count", "value": 27}`; euros and percents
/// are exact decimals written as strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Quantity {
    /// A count.
    Count(i64),
    /// Euros.
    Euros(#[serde(with = "rust_decimal::serde::str")] Decimal),
    /// A percentage (2 decimals).
    Percent(#[serde(with = "rust_decimal::serde::str")] Decimal),
}

/// One part of a key figure's breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// Stable key as written in the records (`admin`, `independent`...).
    pub key: String,
    /// Label in the report's language.
    pub label: String,
    /// Count.
    pub count: usize,
}

/// One key figure ("tile").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFigure {
    /// Stable key: `members`, `budget_total`, `budget_partners`, `partner_share`,
    /// `services`, `taken_over`, `in_handover`, `stopped`, `partners`.
    pub key: String,
    /// Label in the report's language.
    pub label: String,
    /// The value at the report date; `None` when not computable.
    pub value: Option<Quantity>,
    /// The value one year earlier, when the data allows.
    pub previous: Option<Quantity>,
    /// `value - previous`, same unit.
    pub change: Option<Quantity>,
    /// Breakdown (members by status).
    pub breakdown: Vec<Part>,
    /// Definition of the figure, or why it is not computable.
    pub note: String,
}

/// A count by stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCount {
    /// The stage.
    pub stage: Stage,
    /// Its label.
    pub label: String,
    /// Count.
    pub count: usize,
}

/// A count by current phase name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseCount {
    /// The phase name as written.
    pub phase: String,
    /// Its stage in the portfolio's vocabulary.
    pub stage: Stage,
    /// Count.
    pub count: usize,
}

/// Services of one incubator by stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncubatorRow {
    /// The incubator id; `None` for services without one.
    pub id: Option<String>,
    /// Its title (or the id, or "not given").
    pub label: String,
    /// Counts by stage.
    pub by_stage: StageCounts,
    /// Total.
    pub total: usize,
}

/// One phase of a service on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Phase name as written.
    pub phase: String,
    /// Its stage.
    pub stage: Stage,
    /// Start used for drawing (first day of a partial date).
    pub start: NaiveDate,
    /// Start as written.
    pub start_as_written: String,
    /// Whether the start is a partial date (`2015-01`).
    pub approximate: bool,
    /// End used for drawing: the phase's end, the next phase's start, or the report date.
    pub end: NaiveDate,
    /// Whether the phase was still going on at the report date.
    pub ongoing: bool,
}

/// One service on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRow {
    /// Start-up id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Stage at the report date.
    pub stage: Stage,
    /// Phases started by the report date, oldest first (undated phases are left out).
    pub spans: Vec<Span>,
}

/// One step of the funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelStep {
    /// The stage.
    pub stage: Stage,
    /// Its label.
    pub label: String,
    /// Services that reached it (or a later one) by the report date.
    pub reached: usize,
}

/// The phase funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    /// Incubating, in hand-over, taken over.
    pub steps: Vec<FunnelStep>,
    /// Services that reached a stopped phase.
    pub stopped: usize,
    /// Whether some records keep only their current status (earlier phases unknown).
    pub status_records: bool,
}

/// A service that started during the report year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Start-up id.
    pub id: String,
    /// Name.
    pub name: String,
    /// First phase start.
    pub date: NaiveDate,
}

/// The portfolio section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioSection {
    /// Start-up records.
    pub records: usize,
    /// By stage (the six stages, in order).
    pub by_stage: Vec<StageCount>,
    /// By current phase as written.
    pub by_phase: Vec<PhaseCount>,
    /// By incubator, sorted by id (services without incubator last).
    pub by_incubator: Vec<IncubatorRow>,
    /// Timeline, sorted by first start then id.
    pub timeline: Vec<TimelineRow>,
    /// Funnel.
    pub funnel: Funnel,
    /// Services whose first phase started during the year, by date.
    pub entries: Vec<Entry>,
}

/// What the report was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    /// The portfolio (e.g. "built-in 2016 dataset" or a folder).
    pub portfolio: String,
    /// The budget, when given.
    pub budget: Option<String>,
    /// The impact data, when given.
    pub impact: Option<String>,
}

/// The whole report. Its JSON is the model other tools read: `schema_version` first
/// ([`SCHEMA_VERSION`](crate::SCHEMA_VERSION)), then the fields below in order.
/// It reads back with serde; reading back the statistics (`f64`) bit for bit needs
/// `serde_json`'s `float_roundtrip` feature (without it, a value may differ in its
/// last binary digit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// Version of the JSON contract ([`SCHEMA_VERSION`](crate::SCHEMA_VERSION) when
    /// computed by this version of the crate).
    pub schema_version: u32,
    /// The report's year.
    pub year: i32,
    /// Date of the figures.
    pub as_of: NaiveDate,
    /// Date of the previous year's figures (one year before `as_of`).
    pub previous_as_of: NaiveDate,
    /// Language of labels and notes.
    pub lang: Lang,
    /// The phase vocabulary of the records.
    pub vocabulary: Vocabulary,
    /// What the report was computed from.
    pub sources: Sources,
    /// Key figures.
    pub key_figures: Vec<KeyFigure>,
    /// Portfolio.
    pub portfolio: PortfolioSection,
    /// Budget.
    pub budget: Section<BudgetSection>,
    /// Impact.
    pub impact: Section<ImpactSection>,
    /// Check of the published figures.
    pub claims: Vec<ClaimRow>,
    /// The published figures against the repository's history (`None` when the records
    /// do not come from a repository).
    #[serde(default)]
    pub history: Option<ClaimsHistory>,
    /// Problems found in the records (validation plus the importer's).
    pub problems: ProblemCounts,
}

/// What a report is computed from: [`Inputs::new`], then the `with_*` setters.
///
/// Borrowed views of the caller's data, so neither serialised nor deserialised (its
/// parts are).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Inputs<'a> {
    /// The records.
    pub portfolio: &'a Portfolio,
    /// Where they come from, for the report's sources.
    pub portfolio_source: &'a str,
    /// The importer's diagnostics, added to the problem counts.
    pub diagnostics: &'a [Diagnostic],
    /// The figures the report published (empty when there was no published report).
    pub published: &'a [PublishedClaim],
    /// The year's budget, when there is one.
    pub budget: Option<&'a BudgetData>,
    /// The impact section, computed by the caller from an impact file, when there is one.
    pub impact: Option<&'a ImpactSection>,
    /// The published figures against the repository's history, computed by the caller.
    pub history: Option<&'a ClaimsHistory>,
}

impl<'a> Inputs<'a> {
    /// Inputs with a portfolio only.
    #[must_use]
    pub fn new(portfolio: &'a Portfolio, portfolio_source: &'a str) -> Self {
        Self {
            portfolio,
            portfolio_source,
            diagnostics: &[],
            published: &[],
            budget: None,
            impact: None,
            history: None,
        }
    }
}

with_setters!(Inputs<'a> {
    with_diagnostics(diagnostics: &'a [Diagnostic]);
    with_published(published: &'a [PublishedClaim]);
    with_budget(budget: Option<&'a BudgetData>);
    with_impact(impact: Option<&'a ImpactSection>);
    with_history(history: Option<&'a ClaimsHistory>);
});

/// Options of [`Report::compute`]: [`ReportOptions::default`] (2016, French), then
/// the `with_*` setters.
///
/// ```
/// use betagouv_report::{Lang, ReportOptions};
/// let options = ReportOptions::default().with_year(2025).with_lang(Lang::En);
/// assert_eq!((options.year, options.as_of), (2025, None));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReportOptions {
    /// The report's year.
    pub year: i32,
    /// Date of the figures, in `year` ([`Report::compute`] refuses another year's
    /// date: [`Error::AsOfOutsideYear`]); 31 December of `year` when `None`.
    pub as_of: Option<NaiveDate>,
    /// Language of labels and notes.
    pub lang: Lang,
    /// Snapshot knobs (phase rule).
    pub snapshot: SnapshotOptions,
    /// Why the budget section is not computable when no budget is given (default: "no
    /// budget data given").
    pub budget_missing: Option<String>,
    /// Why the impact section is not computable when no impact data is given.
    pub impact_missing: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            year: 2016,
            as_of: None,
            lang: Lang::Fr,
            snapshot: SnapshotOptions::default(),
            budget_missing: None,
            impact_missing: None,
        }
    }
}

with_setters!(ReportOptions {
    with_year(year: i32);
    with_as_of(as_of: Option<NaiveDate>);
    with_lang(lang: Lang);
    with_snapshot(snapshot: SnapshotOptions);
    with_budget_missing(budget_missing: Option<String>);
    with_impact_missing(impact_missing: Option<String>);
});

/// The first day of a record date, exact or partial (`2015-01` → 2015-01-01).
#[must_use]
pub fn drawing_date(d: &RecordDate) -> Option<NaiveDate> {
    match d {
        RecordDate::Exact(x) => Some(*x),
        RecordDate::Partial(s) => {
            let y = s.get(0..4)?.parse().ok()?;
            let m = s.get(5..7).map_or(Some(1), |m| m.parse().ok())?;
            NaiveDate::from_ymd_opt(y, m, 1)
        }
        RecordDate::Invalid(_) => None,
    }
}

/// Whether `s` had started (some phase current) at `at`.
fn started(s: &Startup, at: NaiveDate, options: &SnapshotOptions) -> bool {
    s.phase_at(at, options.phase_rule).is_some()
}

fn stage_counts(p: &Portfolio, at: NaiveDate, o: &SnapshotOptions) -> StageCounts {
    let mut c = StageCounts::default();
    for s in &p.startups {
        c.add(p.stage_at(s, at, o.phase_rule));
    }
    c
}

/// The partners at `at`: distinct owners of started services, or, when no record has
/// an owner, distinct sponsors. Returns the count and whether owners were used.
fn partners_at(p: &Portfolio, at: NaiveDate, o: &SnapshotOptions) -> (usize, bool) {
    let live: Vec<&Startup> = p.startups.iter().filter(|s| started(s, at, o)).collect();
    let owners: BTreeSet<&str> = live
        .iter()
        .filter_map(|s| s.owner.as_deref())
        .filter(|o| !o.trim().is_empty())
        .collect();
    if p.owners().is_empty() {
        let sponsors: BTreeSet<&str> = live
            .iter()
            .flat_map(|s| s.sponsors.iter().map(|sp| sp.key()))
            .collect();
        (sponsors.len(), false)
    } else {
        (owners.len(), true)
    }
}

fn count_change(now: usize, before: usize) -> (Option<Quantity>, Option<Quantity>) {
    let n = i64::try_from(now).unwrap_or(i64::MAX);
    let b = i64::try_from(before).unwrap_or(i64::MAX);
    (Some(Quantity::Count(b)), Some(Quantity::Count(n - b)))
}

fn count(n: usize) -> Quantity {
    Quantity::Count(i64::try_from(n).unwrap_or(i64::MAX))
}

impl Report {
    /// Computes the report of `options.year` from `inputs`.
    ///
    /// Key figures of the previous year are taken from the same records one year
    /// before the report date (records of services removed since are not there).
    ///
    /// # Errors
    /// [`Error::YearOutOfRange`] when 31 December of the year is not a date.
    ///
    /// ```
    /// use betagouv_portfolio::builtin;
    /// use betagouv_report::{Inputs, Report, ReportOptions};
    /// let p = builtin::portfolio_2016();
    /// let report = Report::compute(&Inputs::new(&p, "built-in"), &ReportOptions::default())?;
    /// assert_eq!(report.portfolio.records, 27);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compute(inputs: &Inputs<'_>, options: &ReportOptions) -> Result<Report> {
        let (as_of, previous_as_of) = report_dates(options)?;
        let year = options.year;
        let lang = options.lang;
        let p = inputs.portfolio;
        let o = &options.snapshot;

        let mut snap = Snapshot::compute(p, as_of, o);
        snap.add_problems(inputs.diagnostics);
        let prev_snap = Snapshot::compute(p, previous_as_of, o);
        let now = stage_counts(p, as_of, o);
        let before = stage_counts(p, previous_as_of, o);
        let (partners, by_owner) = partners_at(p, as_of, o);
        let (partners_before, _) = partners_at(p, previous_as_of, o);
        let budget = budget_section(inputs, options, as_of);
        let impact = impact_section(inputs, options);

        let mut key_figures = vec![members_figure(&snap, &prev_snap, lang)];
        key_figures.extend(budget_figures(&budget, lang));
        key_figures.extend(stage_figures(&now, &before, lang));
        key_figures.push(partners_figure(partners, partners_before, by_owner, lang));

        let facts = claims::Facts {
            members: snap.members.active,
            services: snap.startups.total,
            services_started: services(&now),
            taken_over: now.taken_over,
            in_handover: now.in_handover,
            partners,
            partners_by_owner: by_owner,
            budget: budget.computed(),
            impact: impact.computed(),
        };
        let claims = claims::check(inputs.published, &facts, lang);
        let portfolio = portfolio_section(p, as_of, year, lang, o, now);

        Ok(Report {
            schema_version: crate::SCHEMA_VERSION,
            year,
            as_of,
            previous_as_of,
            lang,
            vocabulary: p.vocabulary,
            sources: Sources {
                portfolio: inputs.portfolio_source.to_owned(),
                budget: inputs.budget.map(|b| b.source.clone()),
                impact: inputs.impact.map(|i| i.source.clone()),
            },
            key_figures,
            portfolio,
            budget,
            impact,
            claims,
            history: inputs.history.cloned(),
            problems: snap.problems,
        })
    }

    /// The key figure with this key.
    #[must_use]
    pub fn key_figure(&self, key: &str) -> Option<&KeyFigure> {
        self.key_figures.iter().find(|k| k.key == key)
    }

    /// The claim check with this key.
    #[must_use]
    pub fn claim(&self, key: &str) -> Option<&ClaimRow> {
        self.claims.iter().find(|c| c.claim == key)
    }
}

/// The report's date and the date one year before; the date must be in the year.
fn report_dates(options: &ReportOptions) -> Result<(NaiveDate, NaiveDate)> {
    let year = options.year;
    let as_of = match options.as_of {
        Some(d) if chrono::Datelike::year(&d) != year => {
            return Err(Error::AsOfOutsideYear { year, as_of: d });
        }
        Some(d) => d,
        None => NaiveDate::from_ymd_opt(year, 12, 31).ok_or(Error::YearOutOfRange { year })?,
    };
    let previous_as_of = as_of
        .checked_sub_months(Months::new(12))
        .ok_or(Error::YearOutOfRange { year })?;
    Ok((as_of, previous_as_of))
}

/// The budget section, or why there is none.
fn budget_section(
    inputs: &Inputs<'_>,
    options: &ReportOptions,
    as_of: NaiveDate,
) -> Section<BudgetSection> {
    match inputs.budget {
        Some(b) => Section::Computed(budget::section(
            b,
            inputs.portfolio,
            as_of,
            BudgetOptions {
                phase_rule: options.snapshot.phase_rule,
            },
        )),
        None => Section::NotComputable {
            reason: options
                .budget_missing
                .clone()
                .unwrap_or_else(|| no_budget(options.lang).to_owned()),
        },
    }
}

/// The impact section, or why there is none.
fn impact_section(inputs: &Inputs<'_>, options: &ReportOptions) -> Section<ImpactSection> {
    match inputs.impact {
        Some(i) => Section::Computed(i.clone()),
        None => Section::NotComputable {
            reason: options
                .impact_missing
                .clone()
                .unwrap_or_else(|| no_impact(options.lang).to_owned()),
        },
    }
}

/// Services in the portfolio: records whose first phase has started.
fn services(c: &StageCounts) -> usize {
    c.total() - c.not_started
}

/// A key figure without previous value nor breakdown.
fn figure(key: &'static str, label: &str, value: Option<Quantity>, note: String) -> KeyFigure {
    KeyFigure {
        key: key.to_owned(),
        label: label.to_owned(),
        value,
        previous: None,
        change: None,
        breakdown: Vec::new(),
        note,
    }
}

/// A count with its value one year earlier and the change.
fn count_figure(
    key: &'static str,
    label: &str,
    now: usize,
    before: usize,
    note: &str,
) -> KeyFigure {
    let (previous, change) = count_change(now, before);
    KeyFigure {
        previous,
        change,
        ..figure(key, label, Some(count(now)), note.to_owned())
    }
}

/// Active members, by status.
fn members_figure(snap: &Snapshot, prev_snap: &Snapshot, lang: Lang) -> KeyFigure {
    let l = lang.labels();
    let breakdown = snap
        .members
        .active_by_status
        .iter()
        .map(|(k, v)| Part {
            key: k.clone(),
            label: lang.member_status(k).to_owned(),
            count: *v,
        })
        .collect();
    KeyFigure {
        breakdown,
        ..count_figure(
            "members",
            l.members,
            snap.members.active,
            prev_snap.members.active,
            l.members_note,
        )
    }
}

/// The budget's total, partner funding and partner share; the first two as not
/// computable when there is no budget.
fn budget_figures(budget: &Section<BudgetSection>, lang: Lang) -> Vec<KeyFigure> {
    let l = lang.labels();
    match budget {
        Section::Computed(b) => vec![
            figure(
                "budget_total",
                l.budget_total,
                Some(Quantity::Euros(b.total)),
                b.source.clone(),
            ),
            figure(
                "budget_partners",
                l.budget_partners,
                Some(Quantity::Euros(b.partners)),
                b.source.clone(),
            ),
            figure(
                "partner_share",
                l.partner_share,
                b.partner_share_percent.map(Quantity::Percent),
                b.source.clone(),
            ),
        ],
        Section::NotComputable { reason } => vec![
            figure("budget_total", l.budget_total, None, reason.clone()),
            figure("budget_partners", l.budget_partners, None, reason.clone()),
        ],
    }
}

/// Services, taken over, in hand-over, stopped.
fn stage_figures(now: &StageCounts, before: &StageCounts, lang: Lang) -> Vec<KeyFigure> {
    let l = lang.labels();
    vec![
        count_figure(
            "services",
            l.services,
            services(now),
            services(before),
            l.services_note,
        ),
        count_figure(
            "taken_over",
            l.taken_over,
            now.taken_over,
            before.taken_over,
            "",
        ),
        count_figure(
            "in_handover",
            l.in_handover,
            now.in_handover,
            before.in_handover,
            "",
        ),
        count_figure("stopped", l.stopped, now.stopped, before.stopped, ""),
    ]
}

/// Distinct partners (owners, or sponsors when no record has an owner).
fn partners_figure(now: usize, before: usize, by_owner: bool, lang: Lang) -> KeyFigure {
    let l = lang.labels();
    let note = if by_owner {
        l.partners_note_owners
    } else {
        l.partners_note_sponsors
    };
    count_figure("partners", l.partners, now, before, note)
}

fn no_budget(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "aucune donnée budgétaire fournie",
        Lang::En => "no budget data given",
    }
}

fn no_impact(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "aucune donnée d'impact fournie",
        Lang::En => "no impact data given",
    }
}

fn portfolio_section(
    p: &Portfolio,
    as_of: NaiveDate,
    year: i32,
    lang: Lang,
    o: &SnapshotOptions,
    now: StageCounts,
) -> PortfolioSection {
    let by_stage = Stage::ALL
        .iter()
        .map(|s| StageCount {
            stage: *s,
            label: lang.stage(*s).to_owned(),
            count: now.get(*s),
        })
        .collect();
    PortfolioSection {
        records: p.startups.len(),
        by_stage,
        by_phase: by_phase(p, as_of, o),
        by_incubator: by_incubator(p, as_of, lang, o),
        timeline: timeline(p, as_of, o),
        funnel: funnel(p, as_of, lang, o),
        entries: entries(p, as_of, year),
    }
}

/// Services by current phase as written, by name.
fn by_phase(p: &Portfolio, as_of: NaiveDate, o: &SnapshotOptions) -> Vec<PhaseCount> {
    let mut phases: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &p.startups {
        if let Some(ph) = s.phase_at(as_of, o.phase_rule) {
            *phases.entry(ph.name.as_str()).or_default() += 1;
        }
    }
    phases
        .into_iter()
        .map(|(name, count)| PhaseCount {
            phase: name.to_owned(),
            stage: p.vocabulary.stage_of(name),
            count,
        })
        .collect()
}

/// Services by incubator and stage, by incubator id; services without one last.
fn by_incubator(
    p: &Portfolio,
    as_of: NaiveDate,
    lang: Lang,
    o: &SnapshotOptions,
) -> Vec<IncubatorRow> {
    let mut incubators: BTreeMap<Option<&str>, StageCounts> = BTreeMap::new();
    for s in &p.startups {
        let stage = p.stage_at(s, as_of, o.phase_rule);
        let ids: Vec<Option<&str>> = {
            let v: Vec<_> = s.incubator_ids().map(|i| Some(i.as_str())).collect();
            if v.is_empty() { vec![None] } else { v }
        };
        for id in ids {
            incubators.entry(id).or_default().add(stage);
        }
    }
    let mut rows: Vec<IncubatorRow> = incubators
        .into_iter()
        .map(|(id, c)| IncubatorRow {
            id: id.map(str::to_owned),
            label: match id {
                Some(id) => p
                    .incubator(id)
                    .map_or_else(|| id.to_owned(), |i| i.title.clone()),
                None => lang.labels().no_incubator.to_owned(),
            },
            total: c.total(),
            by_stage: c,
        })
        .collect();
    // Services without incubator last.
    rows.sort_by(|a, b| (a.id.is_none(), &a.id).cmp(&(b.id.is_none(), &b.id)));
    rows
}

/// Every service with a dated phase, by first start then id.
fn timeline(p: &Portfolio, as_of: NaiveDate, o: &SnapshotOptions) -> Vec<TimelineRow> {
    let mut timeline: Vec<TimelineRow> = p
        .startups
        .iter()
        .map(|s| timeline_row(s, p.vocabulary, as_of, o))
        .filter(|r| !r.spans.is_empty())
        .collect();
    timeline.sort_by(|a, b| {
        (a.spans.first().map(|s| s.start), &a.id).cmp(&(b.spans.first().map(|s| s.start), &b.id))
    });
    timeline
}

/// The stages a service went through by `as_of`: every dated phase's, or only the
/// current one for a record that keeps its status alone.
fn stages_reached(
    s: &Startup,
    vocabulary: Vocabulary,
    as_of: NaiveDate,
    o: &SnapshotOptions,
) -> Vec<Stage> {
    match s.phase_field {
        PhaseField::Phases => s
            .phases
            .iter()
            .filter(|ph| {
                ph.start
                    .as_ref()
                    .and_then(RecordDate::exact)
                    .is_some_and(|d| d <= as_of)
            })
            .map(|ph| vocabulary.stage_of(&ph.name))
            .collect(),
        // `status` (and a field added later): the current phase alone.
        _ => s
            .phase_at(as_of, o.phase_rule)
            .map(|ph| vocabulary.stage_of(&ph.name))
            .into_iter()
            .collect(),
    }
}

/// How many services reached incubation, hand-over, take-over (a stage reached counts
/// for the earlier ones too), and how many were stopped.
fn funnel(p: &Portfolio, as_of: NaiveDate, lang: Lang, o: &SnapshotOptions) -> Funnel {
    let mut reached = [0usize; 3];
    let mut stopped = 0;
    let mut status_records = false;
    for s in &p.startups {
        status_records |= s.phase_field == PhaseField::Status;
        let stages = stages_reached(s, p.vocabulary, as_of, o);
        let rank = stages
            .iter()
            .filter_map(|st| match st {
                Stage::Incubating => Some(0),
                Stage::InHandover => Some(1),
                Stage::TakenOver => Some(2),
                _ => None,
            })
            .max();
        if let Some(r) = rank {
            for slot in reached.iter_mut().take(r + 1) {
                *slot += 1;
            }
        }
        if stages.contains(&Stage::Stopped) {
            stopped += 1;
        }
    }
    Funnel {
        steps: [Stage::Incubating, Stage::InHandover, Stage::TakenOver]
            .iter()
            .zip(reached)
            .map(|(s, n)| FunnelStep {
                stage: *s,
                label: lang.stage(*s).to_owned(),
                reached: n,
            })
            .collect(),
        stopped,
        status_records,
    }
}

/// Services whose first dated phase started in `year`, by `as_of`; by date then id.
fn entries(p: &Portfolio, as_of: NaiveDate, year: i32) -> Vec<Entry> {
    let mut entries: Vec<Entry> = p
        .startups
        .iter()
        .filter_map(|s| {
            let first = s
                .phases
                .iter()
                .filter_map(|ph| ph.start.as_ref().and_then(RecordDate::exact))
                .min()?;
            (first.year() == year && first <= as_of).then(|| Entry {
                id: s.id.as_str().to_owned(),
                name: s.name.clone(),
                date: first,
            })
        })
        .collect();
    entries.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    entries
}

fn timeline_row(
    s: &Startup,
    vocabulary: Vocabulary,
    as_of: NaiveDate,
    o: &SnapshotOptions,
) -> TimelineRow {
    let mut dated: Vec<(NaiveDate, bool, &betagouv_portfolio::Phase)> = s
        .phases
        .iter()
        .filter_map(|ph| {
            let start = ph.start.as_ref()?;
            Some((drawing_date(start)?, start.is_partial(), ph))
        })
        .filter(|(d, _, _)| *d <= as_of)
        .collect();
    dated.sort_by_key(|(d, _, _)| *d);
    let mut spans = Vec::with_capacity(dated.len());
    for (i, (start, approximate, ph)) in dated.iter().enumerate() {
        let next = dated.get(i + 1).map(|(d, _, _)| *d);
        let own_end = ph
            .end
            .as_ref()
            .and_then(RecordDate::exact)
            .filter(|e| *e <= as_of);
        let (end, ongoing) = match (own_end, next) {
            (Some(e), _) => (e, false),
            (None, Some(n)) => (n, false),
            (None, None) => (as_of, true),
        };
        spans.push(Span {
            phase: ph.name.clone(),
            stage: vocabulary.stage_of(&ph.name),
            start: *start,
            start_as_written: ph
                .start
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            approximate: *approximate,
            end: end.max(*start),
            ongoing,
        });
    }
    TimelineRow {
        id: s.id.as_str().to_owned(),
        name: s.name.clone(),
        stage: s.stage_at(as_of, vocabulary, o.phase_rule),
        spans,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use betagouv_portfolio::builtin;

    fn report() -> Report {
        let p = builtin::portfolio_2016();
        let inputs = Inputs {
            published: builtin::published_2016(),
            ..Inputs::new(&p, "built-in")
        };
        Report::compute(&inputs, &ReportOptions::default()).expect("2016 is a valid year")
    }

    #[test]
    fn key_figures_2016() {
        let r = report();
        let v = |k: &str| r.key_figure(k).and_then(|f| f.value);
        assert_eq!(v("members"), Some(Quantity::Count(27)));
        assert_eq!(v("services"), Some(Quantity::Count(27)));
        assert_eq!(v("taken_over"), Some(Quantity::Count(1)));
        assert_eq!(v("in_handover"), Some(Quantity::Count(1)));
        assert_eq!(v("partners"), Some(Quantity::Count(14)));
        assert_eq!(v("budget_total"), None);
        assert_eq!(
            r.previous_as_of,
            NaiveDate::from_ymd_opt(2015, 12, 31).unwrap()
        );
        assert!(
            r.key_figure("members")
                .is_some_and(|f| f.previous.is_some())
        );
    }

    #[test]
    fn a_date_of_figures_outside_the_year_is_refused() {
        let p = builtin::portfolio_2016();
        let inputs = Inputs::new(&p, "built-in");
        let at = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let options = |year, as_of| ReportOptions {
            year,
            as_of,
            ..ReportOptions::default()
        };
        let r = Report::compute(&inputs, &options(2015, at(2016, 12, 31)));
        assert!(
            matches!(r, Err(Error::AsOfOutsideYear { year: 2015, as_of }) if as_of == at(2016, 12, 31).unwrap())
        );
        for (year, as_of) in [
            (2016, at(2016, 1, 1)),
            (2016, at(2016, 12, 31)),
            (2015, None),
        ] {
            let r = Report::compute(&inputs, &options(year, as_of)).expect("in the year");
            assert_eq!(r.as_of.year(), year);
        }
    }

    #[test]
    fn funnel_and_timeline() {
        let r = report();
        let reached: Vec<usize> = r.portfolio.funnel.steps.iter().map(|s| s.reached).collect();
        assert_eq!(reached, [27, 2, 1]);
        assert!(r.portfolio.funnel.status_records);
        assert_eq!(r.portfolio.timeline.len(), 27);
        let oa = r.portfolio.timeline.iter().find(|t| t.id == "openacademie");
        assert!(oa.is_some_and(|t| t.spans[0].approximate));
        assert_eq!(r.portfolio.by_incubator.len(), 1);
        assert!(r.portfolio.entries.iter().all(|e| e.date.year() == 2016));
    }

    #[test]
    fn partial_dates_draw_from_the_first_day() {
        let d = drawing_date(&RecordDate::parse("2015-03"));
        assert_eq!(d, NaiveDate::from_ymd_opt(2015, 3, 1));
        assert_eq!(
            drawing_date(&RecordDate::parse("2015")),
            NaiveDate::from_ymd_opt(2015, 1, 1)
        );
        assert_eq!(drawing_date(&RecordDate::parse("x")), None);
    }
}
