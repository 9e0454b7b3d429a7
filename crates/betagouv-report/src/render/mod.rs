//! Renderers: text (terminal), Markdown, HTML (self-contained, inline SVG charts) and
//! JSON. Each takes a computed [`Report`] and returns a `String`; none prints.
//!
//! The text, Markdown and HTML renderers share one skeleton: the same sections (header,
//! key figures, portfolio, budget, impact, claims, method), each written by a method of
//! the same name, called in that order by one function. What a section shows (its rows:
//! labels, values, numbers formatted in the report's language) is built once in this
//! module; a renderer only lays the rows out as a table, tiles or a chart. Adding a
//! section is one method that each renderer must write; changing how a figure reads is
//! one function here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use betagouv_impact::{Bound, Period};
use betagouv_portfolio::Stage;

use crate::budget::BudgetSection;
use crate::claims::ClaimRow;
use crate::error::{Error, Result};
use crate::history::{ClaimHistory, ClaimsHistory};
use crate::impact::{ArmRow, EvaluationRow, ImpactSection, KpiRow};
use crate::lang::Lang;
use crate::model::{KeyFigure, Quantity, Report};
use crate::num;

pub mod html;
pub mod markdown;
pub mod svg;
pub mod text;

/// An output format of the report. Its text form ([`Display`](fmt::Display),
/// [`FromStr`], serde) is the command-line name: `text`, `markdown`, `html`, `json`
/// ([`FromStr`] also reads `md`).
///
/// ```
/// use betagouv_report::Format;
/// assert_eq!("html".parse::<Format>()?, Format::Html);
/// assert_eq!(Format::Markdown.to_string(), "markdown");
/// assert!("pdf".parse::<Format>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Format {
    /// Plain text for a terminal.
    #[default]
    Text,
    /// Markdown for a blog post.
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// JSON of the whole report model.
    Json,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Text, Format::Markdown, Format::Html, Format::Json];

    /// The name used on the command line.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Error of [`Format::from_str`]: the text is not a report format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {value:?}; expected text, markdown, html or json")]
#[non_exhaustive]
pub struct ParseFormatError {
    /// The name as given.
    pub value: String,
}

impl FromStr for Format {
    type Err = ParseFormatError;
    fn from_str(s: &str) -> std::result::Result<Self, ParseFormatError> {
        match s {
            "text" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            "json" => Ok(Format::Json),
            other => Err(ParseFormatError {
                value: other.to_owned(),
            }),
        }
    }
}

/// Whether text output is coloured (the caller decides, e.g. when standard output is
/// a terminal). Other formats ignore it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ColorMode {
    /// No escape sequences (the default).
    #[default]
    Plain,
    /// ANSI colour escape sequences.
    Ansi,
}

/// Knobs of [`render`]: [`RenderOptions::default`], then the `with_*` setters.
///
/// ```
/// use betagouv_report::{ColorMode, RenderOptions};
/// let options = RenderOptions::default().with_color(ColorMode::Ansi);
/// assert_eq!(options.color, ColorMode::Ansi);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RenderOptions {
    /// Colours in text output.
    pub color: ColorMode,
}

with_setters!(RenderOptions {
    with_color(color: ColorMode);
});

/// Renders `report` in `format`.
///
/// # Errors
/// [`Error::Json`] if the JSON cannot be written (not expected), [`Error::Fmt`] on a
/// formatting failure.
pub fn render(report: &Report, format: Format, options: RenderOptions) -> Result<String> {
    match format {
        Format::Text => text::render(report, options.color),
        Format::Markdown => markdown::render(report).map(|d| escape_data(&d)),
        Format::Html => html::render(report).map(|d| escape_data(&d)),
        Format::Json => json(report),
    }
}

/// A Markdown or HTML document with every control character but the line ends
/// escaped (`\u{1b}`): the documents' own text has none, so only data read from files
/// (names, phases, the source path) can hold one, and it must not drive the terminal
/// the document is printed on.
pub(crate) fn escape_data(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    for (i, line) in doc.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&betagouv_portfolio::diagnostic::escape_controls(line));
    }
    out
}

/// The JSON of the whole report model (pretty, stable key order, trailing newline):
/// `schema_version` ([`SCHEMA_VERSION`](crate::SCHEMA_VERSION)) first, then the
/// fields of [`Report`] in order.
///
/// # Errors
/// [`Error::Json`] if serialisation fails (not expected).
pub fn json(report: &Report) -> Result<String> {
    let mut s = serde_json::to_string_pretty(report).map_err(Error::Json)?;
    s.push('\n');
    Ok(s)
}

/// A quantity for people.
#[must_use]
pub fn quantity(q: Quantity, lang: Lang) -> String {
    match q {
        Quantity::Count(n) => num::int(n, lang),
        Quantity::Euros(d) => num::euros(d, lang),
        Quantity::Percent(d) => num::percent(&num::decimal(d, lang)),
    }
}

/// A change for people (`+3`, `-1`, `0`), or an empty string.
#[must_use]
pub fn change(q: Option<Quantity>, lang: Lang) -> String {
    match q {
        Some(Quantity::Count(n)) => num::signed_int(n, lang),
        Some(Quantity::Euros(d)) => {
            let s = num::euros(d, lang);
            if d.is_sign_positive() && !d.is_zero() {
                format!("+{s}")
            } else {
                s
            }
        }
        Some(Quantity::Percent(d)) => num::percent(&num::decimal(d, lang)),
        None => String::new(),
    }
}

/// The value of a key figure for people, or "not computable".
#[must_use]
pub fn figure_value(k: &KeyFigure, lang: Lang) -> String {
    k.value.map_or_else(
        || lang.labels().not_computable.to_owned(),
        |v| quantity(v, lang),
    )
}

/// The report's title (`Rapport d'activité 2016`).
#[must_use]
pub fn title(report: &Report) -> String {
    format!("{} {}", report.lang.labels().title, report.year)
}

/// A date for people (`31/12/2016` in French, `2016-12-31` in English).
#[must_use]
pub fn date(d: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// A p-value for people (`< 0.0001` below that).
#[must_use]
pub fn p_value(p: Option<f64>, lang: Lang) -> String {
    match p {
        None => "–".to_owned(),
        Some(p) if p < 1e-4 => format!("<{}{}", num::NBSP, num::fixed(0.0001, 4, lang)),
        Some(p) => num::fixed(p, 4, lang),
    }
}

/// The problem counts for people (`0 erreur, 3 avertissements`).
#[must_use]
pub fn problems(report: &Report) -> String {
    let (e, w) = (report.problems.errors, report.problems.warnings);
    match report.lang {
        Lang::Fr => format!(
            "{e} erreur{}, {w} avertissement{}",
            if e > 1 { "s" } else { "" },
            if w > 1 { "s" } else { "" }
        ),
        Lang::En => format!(
            "{e} error{}, {w} warning{}",
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" }
        ),
    }
}

/// The label of a budget row key: stage keys and `unspecified` are translated, other
/// keys (funder names, start-up ids) are returned as they are.
#[must_use]
pub fn source_label(key: &str, lang: Lang) -> String {
    if key == "unspecified" {
        return match lang {
            Lang::Fr => "partenaires (répartition non publiée)",
            Lang::En => "partners (split not published)",
        }
        .to_owned();
    }
    key.parse::<betagouv_portfolio::Stage>()
        .map_or_else(|_| key.to_owned(), |s| lang.stage(s).to_owned())
}

/// The text of a KPI value for people (`more than 1,000,000 a day`).
#[must_use]
pub fn kpi_value(k: &KpiRow, lang: Lang) -> String {
    let l = lang.labels();
    let bound = match k.bound {
        Bound::MoreThan => format!("{} ", l.more_than),
        Bound::About => format!("{} ", l.about),
        _ => String::new(),
    };
    let v = if k.value.fract() == 0.0 && k.value.abs() < 9e15 {
        num::fixed(k.value, 0, lang)
    } else {
        num::fixed(k.value, 2, lang)
    };
    let period = match k.period {
        Some(Period::Day) => format!(" {}", l.per_day),
        Some(Period::Week) => format!(" {}", l.per_week),
        Some(Period::Month) => format!(" {}", l.per_month),
        Some(Period::Year) => format!(" {}", l.per_year),
        Some(Period::Quarter) => " / quarter".to_owned(),
        Some(_) => " / period".to_owned(),
        None => String::new(),
    };
    format!("{bound}{v}{period}")
}

/// The sections of a report, in the order every renderer writes them. Each renderer
/// (text, Markdown, HTML) implements one method per section; [`write_sections`] calls
/// them in order, so a new section is one method here that each renderer must write.
pub(crate) trait Sections {
    /// Whether `" : "` becomes `": "` in English: the Markdown and HTML renderers write
    /// the French spacing and let [`write_sections`] fix it; the text one writes `": "`.
    const FRENCH_COLONS: bool;
    /// The title and what the figures describe.
    fn header(&self, o: &mut String, r: &Report) -> fmt::Result;
    /// The key figures.
    fn key_figures(&self, o: &mut String, r: &Report) -> fmt::Result;
    /// The portfolio: by stage, by incubator or phase, funnel, timeline, entries.
    fn portfolio(&self, o: &mut String, r: &Report) -> fmt::Result;
    /// The budget, or why it is not computable.
    fn budget(&self, o: &mut String, r: &Report) -> fmt::Result;
    /// The evaluations and usage KPIs, or why they are not computable.
    fn impact(&self, o: &mut String, r: &Report) -> fmt::Result;
    /// The check of the published figures.
    fn claims(&self, o: &mut String, r: &Report) -> fmt::Result;
    /// The method, sources and problem counts.
    fn method(&self, o: &mut String, r: &Report) -> fmt::Result;
    /// What closes the document after the last section (nothing by default).
    fn footer(&self, _o: &mut String, _r: &Report) -> fmt::Result {
        Ok(())
    }
}

/// The report written by `renderer`, section by section.
pub(crate) fn write_sections<S: Sections>(
    renderer: &S,
    r: &Report,
    capacity: usize,
) -> std::result::Result<String, fmt::Error> {
    let mut o = String::with_capacity(capacity);
    renderer.header(&mut o, r)?;
    renderer.key_figures(&mut o, r)?;
    renderer.portfolio(&mut o, r)?;
    renderer.budget(&mut o, r)?;
    renderer.impact(&mut o, r)?;
    renderer.claims(&mut o, r)?;
    renderer.method(&mut o, r)?;
    renderer.footer(&mut o, r)?;
    // French puts a space before a colon, English does not.
    if S::FRENCH_COLONS && r.lang == Lang::En {
        o = o.replace(" : ", ": ");
    }
    Ok(o)
}

// The section rows. Every renderer shows the same sections in the same order: header,
// key figures, portfolio, budget, impact, claims, method. What a section shows (labels,
// values, numbers formatted in the report's language) is built here once; each renderer
// only lays the rows out (a table, tiles, a chart). Strings of the records are given as
// they are: each renderer escapes them its own way.

/// The stages of the incubator charts and tables, and always shown by the HTML stage chart.
pub(crate) const STAGES_SHOWN: [Stage; 4] = [
    Stage::Incubating,
    Stage::InHandover,
    Stage::TakenOver,
    Stage::Stopped,
];

/// A key figure as people read it.
pub(crate) struct FigureRow<'r> {
    /// The figure (label, key, note).
    pub(crate) figure: &'r KeyFigure,
    /// The value, or "not computable".
    pub(crate) value: String,
    /// The previous year's value, when known.
    pub(crate) previous: Option<String>,
    /// The change (`+3`), or empty.
    pub(crate) change: String,
    /// The breakdown, one `label count` each.
    pub(crate) breakdown: Vec<String>,
}

/// The key figures.
pub(crate) fn figure_rows(r: &Report) -> Vec<FigureRow<'_>> {
    let lang = r.lang;
    r.key_figures
        .iter()
        .map(|k| FigureRow {
            figure: k,
            value: figure_value(k, lang),
            previous: k.previous.map(|q| quantity(q, lang)),
            change: change(k.change, lang),
            breakdown: k
                .breakdown
                .iter()
                .map(|p| format!("{} {}", p.label, p.count))
                .collect(),
        })
        .collect()
}

/// The header of the previous year's column (`année précédente (31/12/2015)`).
pub(crate) fn previous_header(r: &Report) -> String {
    let l = r.lang.labels();
    format!("{} ({})", l.previous_year, date(r.previous_as_of, r.lang))
}

/// A count of services (by stage, a funnel step).
pub(crate) struct CountRow {
    /// The label.
    pub(crate) label: String,
    /// The stage (for colours).
    pub(crate) stage: Stage,
    /// The count.
    pub(crate) count: usize,
    /// The count for people.
    pub(crate) text: String,
}

/// Services by stage, the six stages in order (renderers choose which to show).
pub(crate) fn stage_rows(r: &Report) -> Vec<CountRow> {
    r.portfolio
        .by_stage
        .iter()
        .map(|s| CountRow {
            label: s.label.clone(),
            stage: s.stage,
            count: s.count,
            text: num::count(s.count, r.lang),
        })
        .collect()
}

/// The funnel: its steps, then the services stopped.
pub(crate) fn funnel_rows(r: &Report) -> Vec<CountRow> {
    let lang = r.lang;
    let f = &r.portfolio.funnel;
    let mut rows: Vec<CountRow> = f
        .steps
        .iter()
        .map(|s| CountRow {
            label: s.label.clone(),
            stage: s.stage,
            count: s.reached,
            text: num::count(s.reached, lang),
        })
        .collect();
    rows.push(CountRow {
        label: lang.stage(Stage::Stopped).to_owned(),
        stage: Stage::Stopped,
        count: f.stopped,
        text: num::count(f.stopped, lang),
    });
    rows
}

/// Services by current phase as written: phase, stage, count.
pub(crate) fn phase_rows(r: &Report) -> Vec<[String; 3]> {
    let lang = r.lang;
    r.portfolio
        .by_phase
        .iter()
        .map(|p| {
            [
                p.phase.clone(),
                lang.stage(p.stage).to_owned(),
                num::count(p.count, lang),
            ]
        })
        .collect()
}

/// The header of the incubator table: incubator, the [`STAGES_SHOWN`], total.
pub(crate) fn incubator_header(lang: Lang) -> Vec<&'static str> {
    let l = lang.labels();
    let mut header = vec![l.incubator];
    header.extend(STAGES_SHOWN.iter().map(|s| lang.stage(*s)));
    header.push(l.total);
    header
}

/// One incubator's services by stage.
pub(crate) struct IncubatorRow<'r> {
    /// The incubator's label.
    pub(crate) label: &'r str,
    /// Its counts for the [`STAGES_SHOWN`].
    pub(crate) counts: Vec<usize>,
    /// The same for people, then the total.
    pub(crate) cells: Vec<String>,
}

/// Services by incubator and stage.
pub(crate) fn incubator_rows(r: &Report) -> Vec<IncubatorRow<'_>> {
    let lang = r.lang;
    r.portfolio
        .by_incubator
        .iter()
        .map(|i| {
            let counts: Vec<usize> = STAGES_SHOWN.iter().map(|s| i.by_stage.get(*s)).collect();
            let mut cells: Vec<String> = counts.iter().map(|n| num::count(*n, lang)).collect();
            cells.push(num::count(i.total, lang));
            IncubatorRow {
                label: &i.label,
                counts,
                cells,
            }
        })
        .collect()
}

/// One phase of one service on the timeline.
pub(crate) struct SpanRow<'r> {
    /// The service's name.
    pub(crate) service: &'r str,
    /// `phase (stage)`.
    pub(crate) phase: String,
    /// The phase as the record writes it (a key of the content's vocabulary).
    pub(crate) raw_phase: &'r str,
    /// The stage's label in the report's language.
    pub(crate) stage: &'static str,
    /// The start as written.
    pub(crate) start: &'r str,
    /// Whether the start is a partial date.
    pub(crate) approximate: bool,
    /// The end, or "ongoing".
    pub(crate) end: String,
}

/// Every phase of every service on the timeline.
pub(crate) fn span_rows(r: &Report) -> Vec<SpanRow<'_>> {
    let lang = r.lang;
    let l = lang.labels();
    r.portfolio
        .timeline
        .iter()
        .flat_map(|t| {
            t.spans.iter().map(|s| SpanRow {
                service: &t.name,
                phase: format!("{} ({})", s.phase, lang.stage(s.stage)),
                raw_phase: &s.phase,
                stage: lang.stage(s.stage),
                start: &s.start_as_written,
                approximate: s.approximate,
                end: if s.ongoing {
                    l.ongoing.to_owned()
                } else {
                    s.end.to_string()
                },
            })
        })
        .collect()
}

/// A service that started in the year: its date, the date for people, its name.
pub(crate) fn entry_rows(r: &Report) -> Vec<(chrono::NaiveDate, String, &str)> {
    r.portfolio
        .entries
        .iter()
        .map(|e| (e.date, date(e.date, r.lang), e.name.as_str()))
        .collect()
}

/// An amount of the budget.
pub(crate) struct MoneyRow {
    /// The source, service or stage.
    pub(crate) label: String,
    /// The amount for people.
    pub(crate) amount: String,
    /// The amount for drawing.
    pub(crate) value: f64,
    /// Whether it is the incubator's own credits.
    pub(crate) own: bool,
}

/// Amounts of the budget (by source, by start-up or by stage).
pub(crate) fn money_rows(rows: &[crate::budget::AmountRow], lang: Lang) -> Vec<MoneyRow> {
    rows.iter()
        .map(|a| MoneyRow {
            label: source_label(&a.key, lang),
            amount: num::euros(a.amount, lang),
            value: a.amount.to_string().parse().unwrap_or(0.0),
            own: a.kind == Some(crate::budget::FundingKind::Own),
        })
        .collect()
}

/// The partner share for people (`55,27 %`), when there is one.
pub(crate) fn partner_share(b: &BudgetSection, lang: Lang) -> Option<String> {
    b.partner_share_percent
        .map(|s| num::percent(&num::decimal(s, lang)))
}

/// One cohort of an evaluation as people read it.
pub(crate) struct ArmView<'r> {
    /// The cohort.
    pub(crate) arm: &'r ArmRow,
    /// Its label in the report's language.
    pub(crate) label: &'r str,
    /// Its size.
    pub(crate) n: String,
    /// Its rate (`12,3 %`).
    pub(crate) rate: String,
    /// Its interval's bounds, in percent.
    pub(crate) ci: (String, String),
}

/// One evaluation as people read it.
pub(crate) struct EvaluationView<'r> {
    /// The evaluation.
    pub(crate) row: &'r EvaluationRow,
    /// The service's name, or its id.
    pub(crate) name: &'r str,
    /// What counts as a success, in the report's language.
    pub(crate) outcome: &'r str,
    /// Treated, then control.
    pub(crate) arms: [ArmView<'r>; 2],
    /// What the difference is: the ITT effect of the encouragement for an
    /// encouragement design, the difference otherwise.
    pub(crate) difference_label: &'static str,
    /// The difference (`+2,1 points`).
    pub(crate) difference: String,
    /// Its interval's bounds, in points.
    pub(crate) ci: (String, String),
    /// The relative lift (`+10,5 %`).
    pub(crate) relative: Option<String>,
    /// Its interval's bounds (`+8,6 %`, `+12,4 %`).
    pub(crate) relative_ci: Option<(String, String)>,
    /// The design (`incitation tirée au sort`).
    pub(crate) design: &'static str,
    /// For an observational design: the difference is not an effect.
    pub(crate) caveat: Option<&'static str>,
    /// The test and why (`test exact de Boschloo, bilatéral (un effectif attendu est
    /// inférieur à 5)`).
    pub(crate) test: String,
    /// When the test and the interval disagree: say so.
    pub(crate) disagreement: Option<&'static str>,
    /// The p-value.
    pub(crate) p_value: String,
    /// The adjusted p-values of a service with several evaluations
    /// (`0,0123 ; 0,0100 (2 évaluations du service)`).
    pub(crate) adjusted: Option<String>,
    /// The minimum detectable effect's label, with its power and level.
    pub(crate) mde_label: String,
    /// The minimum detectable effect (`1,23 points`).
    pub(crate) mde: Option<String>,
    /// The same relative to the control rate (` (+7,0 %)`), or empty.
    pub(crate) mde_relative: String,
    /// The encouragement diagnostics, as (label, value) lines (none for other designs).
    pub(crate) diagnostics: Vec<(&'static str, String)>,
}

/// A confidence set of the CACE in points, in the report's language.
fn confidence_set(set: betagouv_impact::ConfidenceSet, lang: Lang) -> String {
    use betagouv_impact::ConfidenceSet as S;
    let p = |x: f64| num::signed(x * 100.0, 2, lang);
    let pts = lang.labels().points;
    match (set, lang) {
        (S::Interval { lower, upper }, _) => format!("[{} ; {}] {pts}", p(lower), p(upper)),
        (S::TwoHalfLines { below, above }, Lang::Fr) => {
            format!("]−∞ ; {}] ∪ [{} ; +∞[ {pts}", p(below), p(above))
        }
        (S::TwoHalfLines { below, above }, Lang::En) => {
            format!("(−∞ ; {}] ∪ [{} ; +∞) {pts}", p(below), p(above))
        }
        (S::AtLeast { lower }, _) => format!("≥ {} {pts}", p(lower)),
        (S::AtMost { upper }, _) => format!("≤ {} {pts}", p(upper)),
        (S::WholeLine, _) => lang.labels().every_value.to_owned(),
        _ => "∅".to_owned(),
    }
}

/// The encouragement diagnostics of an evaluation, as (label, value) lines.
fn diagnostics(e: &EvaluationRow, lang: Lang) -> Vec<(&'static str, String)> {
    let l = lang.labels();
    let Some(d) = &e.encouragement else {
        return Vec::new();
    };
    let points = |x: f64| format!("{} {}", num::signed(x, 2, lang), l.points);
    let percent = |x: f64| format!("{} %", num::fixed(x, 1, lang));
    let f = d
        .first_stage_f
        .map(|f| format!(" (F = {})", num::fixed(f, 2, lang)))
        .unwrap_or_default();
    let mut out = vec![(
        l.first_stage,
        format!("{}{f}", points(d.first_stage_points)),
    )];
    if d.weak_first_stage {
        out.push((l.warning, l.weak_first_stage.to_owned()));
    }
    let optional = [
        (l.cace, d.cace_points.map(points)),
        (
            l.anderson_rubin,
            Some(confidence_set(d.anderson_rubin, lang)),
        ),
        (l.compliers_with, d.compliers_with_percent.map(percent)),
        (
            l.compliers_without,
            d.compliers_without_percent.map(percent),
        ),
        (
            l.relative_cace,
            d.relative_cace_percent
                .map(|x| format!("{} %", num::signed(x, 1, lang))),
        ),
        (l.mde_users, d.mde_users_points.map(points)),
    ];
    out.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
    out
}

impl EvaluationView<'_> {
    /// The relative lift with its interval (`+10,5 % (intervalle de confiance à 95 % :
    /// [+8,6 % ; +12,4 %])`), `colon` between the label and the bounds (`: ` in text,
    /// ` : ` in French typography).
    pub(crate) fn relative_with_ci(&self, l: &crate::lang::Labels, colon: &str) -> Option<String> {
        let relative = self.relative.as_ref()?;
        Some(match &self.relative_ci {
            Some((lo, hi)) => format!("{relative} ({}{colon}[{lo} ; {hi}])", l.interval),
            None => relative.clone(),
        })
    }
}

/// The claims table's columns: claim, published, computed, verdict, statistical verdict,
/// note (the text renderer leaves the note for a list under the table).
pub(crate) fn claim_columns(l: &crate::lang::Labels) -> [&'static str; 6] {
    [
        l.claim,
        l.published,
        l.computed,
        l.verdict,
        l.statistical_verdict,
        l.note,
    ]
}

fn arm_view(a: &ArmRow, lang: Lang) -> ArmView<'_> {
    ArmView {
        arm: a,
        label: lang.pick(&a.label, a.label_fr.as_deref()),
        n: num::int(i64::try_from(a.n).unwrap_or(i64::MAX), lang),
        rate: format!("{} %", num::fixed(a.rate_percent, 1, lang)),
        ci: (
            num::fixed(a.ci_lower_percent, 2, lang),
            num::fixed(a.ci_upper_percent, 2, lang),
        ),
    }
}

/// Every evaluation of the impact section.
pub(crate) fn evaluation_views(i: &ImpactSection, lang: Lang) -> Vec<EvaluationView<'_>> {
    i.evaluations
        .iter()
        .map(|e| evaluation_view(e, lang))
        .collect()
}

fn evaluation_view(e: &EvaluationRow, lang: Lang) -> EvaluationView<'_> {
    let l = lang.labels();
    let signed_percent = |x: f64| format!("{} %", num::signed(x, 1, lang));
    let (test, why) = lang.test(e.test, e.test_reason);
    EvaluationView {
        row: e,
        name: e.startup_name.as_deref().unwrap_or(&e.startup),
        outcome: lang.pick(&e.outcome, e.outcome_fr.as_deref()),
        arms: [arm_view(&e.treated, lang), arm_view(&e.control, lang)],
        difference_label: if e.design == betagouv_impact::EvaluationDesign::Encouragement {
            l.itt_difference
        } else {
            l.difference
        },
        difference: format!("{} {}", num::signed(e.difference_points, 1, lang), l.points),
        ci: (
            num::fixed(e.ci_lower_points, 2, lang),
            num::fixed(e.ci_upper_points, 2, lang),
        ),
        relative: e.relative_percent.map(signed_percent),
        relative_ci: e
            .relative_ci_lower_percent
            .zip(e.relative_ci_upper_percent)
            .map(|(lo, hi)| (signed_percent(lo), signed_percent(hi))),
        design: lang.design(e.design),
        caveat: (lang.design(e.design) == l.design_observational).then_some(l.observational_caveat),
        test: format!("{test} ({why})"),
        disagreement: (e.test_agrees_with_interval == Some(false)).then_some(l.test_disagrees),
        p_value: p_value(e.p_value, lang),
        adjusted: e.adjusted.map(|a| {
            format!(
                "{} ; {} ({} {})",
                p_value(Some(a.holm), lang),
                p_value(Some(a.benjamini_hochberg), lang),
                a.family_size,
                l.adjusted_family
            )
        }),
        mde_label: lang.mde_label(e.power, 1.0 - e.confidence),
        mde: e
            .mde_points
            .map(|m| format!("{} {}", num::fixed(m, 2, lang), l.points)),
        mde_relative: e
            .mde_relative_percent
            .map(|x| format!(" ({} %)", num::signed(x, 1, lang)))
            .unwrap_or_default(),
        diagnostics: diagnostics(e, lang),
    }
}

/// One usage KPI as people read it.
pub(crate) struct KpiView<'r> {
    /// The service's name, or its id.
    pub(crate) service: &'r str,
    /// What is counted, in the report's language.
    pub(crate) metric: &'r str,
    /// The value ([`kpi_value`]).
    pub(crate) value: String,
    /// Where it comes from.
    pub(crate) source: &'r str,
}

/// Every usage KPI of the impact section.
pub(crate) fn kpi_views(i: &ImpactSection, lang: Lang) -> Vec<KpiView<'_>> {
    i.kpis
        .iter()
        .map(|k| KpiView {
            service: k.startup_name.as_deref().unwrap_or(&k.startup),
            metric: lang.pick(&k.metric, k.metric_fr.as_deref()),
            value: kpi_value(k, lang),
            source: &k.source,
        })
        .collect()
}

/// One published figure against the history, as the renderers show it.
pub(crate) struct HistoryRow<'a> {
    /// The claim's history.
    pub(crate) claim: &'a ClaimHistory,
    /// The figure as known at publication, with its commit and instant, or "–".
    pub(crate) at_publication: String,
    /// The equal intervals, or "never".
    pub(crate) intervals: String,
}

/// An instant of knowledge in the report's language, at its own offset, to the minute.
pub(crate) fn known_at(t: chrono::DateTime<chrono::FixedOffset>, lang: Lang) -> String {
    match lang {
        Lang::Fr => t.format("%d/%m/%Y %H:%M").to_string(),
        Lang::En => t.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A commit's first 12 hexadecimal digits (as in diagnostic locations).
pub(crate) fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// The rows of the history section, in the published order.
pub(crate) fn history_rows(h: &ClaimsHistory, lang: Lang) -> Vec<HistoryRow<'_>> {
    let l = lang.labels();
    h.claims
        .iter()
        .map(|c| HistoryRow {
            claim: c,
            at_publication: c.at_publication.as_ref().map_or_else(
                || "–".to_owned(),
                |p| {
                    format!(
                        "{} ({}, {})",
                        p.value,
                        short(&p.commit),
                        known_at(p.known_at, lang)
                    )
                },
            ),
            intervals: if c.equal.is_empty() {
                l.never_equal.to_owned()
            } else {
                c.equal
                    .iter()
                    .map(|i| {
                        format!(
                            "{} → {} ({}…{})",
                            known_at(i.from, lang),
                            i.to.map_or_else(|| l.until_now.to_owned(), |t| known_at(t, lang)),
                            short(&i.first_commit),
                            short(&i.last_commit)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(match lang {
                        Lang::Fr => " ; ",
                        Lang::En => "; ",
                    })
            },
        })
        .collect()
}

/// What the history section says it read: the repository, the commits walked, the
/// publication date and the date described.
pub(crate) fn history_source(h: &ClaimsHistory, lang: Lang) -> String {
    let last = h.last.as_ref().map_or_else(String::new, |p| {
        format!(" ({}, {})", short(&p.commit), known_at(p.known_at, lang))
    });
    let (repository, commits) = (&h.repository, h.commits);
    let (as_of, published_at) = (date(h.as_of, lang), date(h.published_at, lang));
    match lang {
        Lang::Fr => format!(
            "{repository} : {commits} commits jusqu'au dernier{last} ; chiffres au {as_of}, publiés le {published_at}."
        ),
        Lang::En => format!(
            "{repository}: {commits} commits up to the last{last}; figures as of {as_of}, published on {published_at}."
        ),
    }
}

/// A computed value for people, `–` when there is none.
pub(crate) fn computed(c: &ClaimRow) -> &str {
    c.computed.as_deref().unwrap_or("–")
}

/// A claim's statistical verdict for people (`dans l'IC 95 % [+8,6 % ; +12,4 %]`), or "–".
pub(crate) fn statistical(c: &ClaimRow, lang: Lang) -> String {
    let Some(s) = &c.statistical else {
        return "–".to_owned();
    };
    let l = lang.labels();
    let verdict = match s.verdict {
        crate::claims::IntervalVerdict::Outside => l.outside_interval,
        crate::claims::IntervalVerdict::Inside => l.inside_interval,
    };
    // Points with two decimals, as the difference's interval; a relative figure as the
    // lift's interval (`+8,6 %`).
    let bound = |b: &str| match (b.parse::<f64>(), c.unit) {
        (Ok(x), betagouv_portfolio::builtin::ClaimUnit::Percent) => {
            format!("{} %", num::signed(x, 1, lang))
        }
        (Ok(x), _) => num::fixed(x, 2, lang),
        (Err(_), _) => b.to_owned(),
    };
    format!("{verdict} [{} ; {}]", bound(&s.lower), bound(&s.upper))
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn formats_and_languages_round_trip_their_names() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>(), Ok(f));
            let json = serde_json::to_string(&f).expect("serialises");
            assert_eq!(json, format!("\"{f}\""));
            assert_eq!(serde_json::from_str::<Format>(&json).ok(), Some(f));
        }
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        let e = "pdf".parse::<Format>().expect_err("not a format");
        assert_eq!(e.value, "pdf");
        assert_eq!(
            e.to_string(),
            "unknown format \"pdf\"; expected text, markdown, html or json"
        );
        for l in Lang::ALL {
            assert_eq!(l.to_string().parse::<Lang>(), Ok(l));
            let json = serde_json::to_string(&l).expect("serialises");
            assert_eq!(json, format!("\"{l}\""));
            assert_eq!(serde_json::from_str::<Lang>(&json).ok(), Some(l));
        }
        let e = "de".parse::<Lang>().expect_err("not a language");
        assert_eq!(e.to_string(), "unknown language \"de\"; expected fr or en");
    }

    #[test]
    fn options_read_back_from_json() {
        let r = RenderOptions::default().with_color(ColorMode::Ansi);
        let json = serde_json::to_string(&r).expect("serialises");
        assert_eq!(json, r#"{"color":"ansi"}"#);
        assert_eq!(serde_json::from_str::<RenderOptions>(&json).ok(), Some(r));
        let o = crate::ReportOptions::default()
            .with_year(2025)
            .with_as_of(chrono::NaiveDate::from_ymd_opt(2025, 6, 30))
            .with_lang(Lang::En)
            .with_budget_missing(Some("none".into()));
        let json = serde_json::to_string(&o).expect("serialises");
        assert_eq!(
            serde_json::from_str::<crate::ReportOptions>(&json).ok(),
            Some(o)
        );
        let i = crate::impact::ImpactOptions::default()
            .with_alpha(0.1)
            .with_power(0.9);
        let json = serde_json::to_string(&i).expect("serialises");
        assert_eq!(
            serde_json::from_str::<crate::impact::ImpactOptions>(&json).ok(),
            Some(i)
        );
        let b = crate::budget::BudgetOptions::default();
        let json = serde_json::to_string(&b).expect("serialises");
        assert_eq!(
            serde_json::from_str::<crate::budget::BudgetOptions>(&json).ok(),
            Some(b)
        );
    }
}

#[cfg(test)]
mod escape_tests {
    use super::*;
    use crate::{Inputs, ReportOptions};

    #[test]
    fn markdown_and_html_escape_control_characters_of_the_data() {
        let mut p = betagouv_portfolio::builtin::portfolio_2016();
        for s in &mut p.startups {
            s.name = format!("{}\u{1b}]0;pwned\u{7}", s.name);
        }
        let inputs = Inputs::new(&p, "dir\u{1b}[2J");
        let r = Report::compute(&inputs, &ReportOptions::default()).expect("computes");
        for format in [Format::Markdown, Format::Html] {
            let doc = render(&r, format, RenderOptions::default()).expect("renders");
            assert!(
                !doc.chars().any(|c| c.is_control() && c != '\n'),
                "{format:?}: a control character reached the document"
            );
            assert!(doc.contains("\\u{1b}]0;pwned"), "{format:?}: shown escaped");
            assert!(doc.lines().count() > 20, "{format:?}: line ends kept");
        }
    }
}

#[cfg(test)]
mod section_tests {
    use super::*;
    use crate::{Inputs, ReportOptions};

    #[test]
    fn every_format_writes_the_sections_in_the_same_order() {
        let p = betagouv_portfolio::builtin::portfolio_2016();
        for lang in [Lang::Fr, Lang::En] {
            let options = ReportOptions {
                lang,
                ..ReportOptions::default()
            };
            let r = Report::compute(&Inputs::new(&p, "built-in"), &options).expect("computes");
            let l = lang.labels();
            let headings = [l.key_figures, l.portfolio, l.budget, l.impact, l.claims];
            for format in [Format::Text, Format::Markdown, Format::Html] {
                let doc = render(&r, format, RenderOptions::default()).expect("renders");
                // Where each heading is written as a heading: on its own line in text,
                // after `## ` in Markdown, in an `h2` in HTML.
                let at: Vec<Option<usize>> = headings
                    .iter()
                    .map(|h| match format {
                        Format::Text => doc.find(&format!("\n{h}\n")),
                        Format::Markdown => doc.find(&format!("\n## {h}\n")),
                        _ => doc.find(&format!("<h2>{h}</h2>")),
                    })
                    .collect();
                assert!(at.iter().all(Option::is_some), "{format:?} {lang}: {at:?}");
                assert!(at.is_sorted(), "{format:?} {lang}: sections out of order");
                let problems = doc.rfind(l.problems).expect("problem counts");
                assert!(at.iter().flatten().all(|a| *a < problems), "{format:?}");
            }
        }
    }

    fn kpi(value: f64, period: Option<Period>, bound: Bound) -> KpiRow {
        KpiRow {
            startup: "lbb".to_owned(),
            startup_name: None,
            metric: "visits".to_owned(),
            metric_fr: None,
            value,
            period,
            bound,
            year: Some(2016),
            source: "s".to_owned(),
        }
    }

    #[test]
    fn kpi_values_read_the_bound_and_period() {
        let v = |value, period, bound, lang| kpi_value(&kpi(value, period, bound), lang);
        assert_eq!(
            v(1e6, Some(Period::Day), Bound::MoreThan, Lang::En),
            "more than 1,000,000 a day"
        );
        assert_eq!(
            v(12.5, Some(Period::Month), Bound::About, Lang::Fr),
            "environ 12,50 par mois"
        );
        assert_eq!(v(3.0, None, Bound::Exact, Lang::En), "3");
        assert_eq!(
            v(3.0, Some(Period::Quarter), Bound::Exact, Lang::En),
            "3 / quarter"
        );
    }

    #[test]
    fn kpi_rows_keep_the_impact_files_json_words() {
        let json = serde_json::to_value(kpi(1.0, Some(Period::Quarter), Bound::MoreThan))
            .expect("serialises");
        assert_eq!(json["period"], "quarter");
        assert_eq!(json["bound"], "more-than");
        let json = serde_json::to_value(kpi(1.0, None, Bound::Exact)).expect("serialises");
        assert_eq!(json["period"], serde_json::Value::Null);
        assert_eq!(json["bound"], "exact");
    }
}
