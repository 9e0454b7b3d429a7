//! Hand-written, deterministic, accessible SVG charts.
//!
//! Every chart is an `<svg role="img" aria-labelledby="…">` with a `<title>` and a
//! `<desc>`; bars are labelled directly with their value, series also differ by a
//! pattern, so colour is never the only signal. Colours are those of the State
//! design system that reach 3:1 on white. Charts are 720 units wide and their text is
//! 12 units at least: the HTML page never draws them narrower than 720 px on screen
//! (a scroll box takes over), so that chart text stays at 12 px or more; a label
//! never runs beyond the chart's edge (cut with an ellipsis, or on two lines).
//!
//! ```
//! use betagouv_report::render::svg::{hbar, Bar};
//! let s = hbar("c1", "Services", "Two bars", &[
//!     Bar { label: "a".into(), value: 2.0, text: "2".into(), fill: "#000091" },
//!     Bar { label: "b".into(), value: 1.0, text: "1".into(), fill: "#000091" },
//! ]);
//! assert!(s.starts_with("<svg") && s.contains("role=\"img\"") && s.contains("<title id=\"c1-title\">Services</title>"));
//! ```

use std::fmt::Write;

use betagouv_portfolio::Stage;
use chrono::{Datelike, NaiveDate};

/// Blue France (DSFR).
pub const BLUE_FRANCE: &str = "#000091";
/// Text colour (DSFR).
pub const TEXT: &str = "#161616";
/// Secondary text colour (DSFR).
pub const TEXT_MUTED: &str = "#666666";
/// Red Marianne (DSFR).
pub const RED_MARIANNE: &str = "#E1000F";

/// The colour of a stage (all reach 3:1 on white).
#[must_use]
pub fn stage_color(stage: Stage) -> &'static str {
    match stage {
        Stage::Incubating => BLUE_FRANCE,
        Stage::InHandover => "#B478F1",
        Stage::TakenOver => "#298641",
        Stage::Stopped => "#E91719",
        Stage::NotStarted => TEXT_MUTED,
        // `unknown`, and a stage added later until it has its own colour.
        _ => "#29598F",
    }
}

/// Escapes text for HTML and SVG (`& < > " '`).
#[must_use]
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` cut to `max` characters with an ellipsis (the full text stays in the data table).
pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// `s` escaped, on two lines (`<tspan>`s at `x`, the first a line up) when longer than
/// `max` characters, each line cut to `max` with an ellipsis (the full text stays in the
/// data table): a long label is never cut by the chart's edge.
fn two_lines(s: &str, max: usize, x: f64) -> String {
    if s.chars().count() <= max {
        return esc(s);
    }
    let words: Vec<&str> = s.split(' ').collect();
    let mut split = words.len();
    while split > 1 && words[..split].join(" ").chars().count() > max {
        split -= 1;
    }
    let (first, second) = (words[..split].join(" "), words[split..].join(" "));
    format!(
        "<tspan x=\"{x}\" dy=\"-7\">{}</tspan><tspan x=\"{x}\" dy=\"14\">{}</tspan>",
        esc(&clip(&first, max)),
        esc(&clip(&second, max)),
        x = c(x)
    )
}

/// Formats a coordinate with at most one decimal, deterministically.
pub(crate) fn c(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

fn open(out: &mut String, id: &str, title: &str, desc: &str, w: f64, h: f64) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {} {}\" width=\"100%\" font-family=\"Arial, sans-serif\" font-size=\"13\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        c(w),
        c(h),
        esc(title),
        esc(desc)
    );
}

/// One bar of [`hbar`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Category label, written left of the bar.
    pub label: String,
    /// Value (bars start at zero).
    pub value: f64,
    /// The value as written right of the bar.
    pub text: String,
    /// Fill colour.
    pub fill: &'static str,
}

const LABEL_W: f64 = 230.0;
const CHART_W: f64 = 720.0;
const ROW_H: f64 = 26.0;

/// Horizontal bars with long labels, zero-based, each labelled with its value.
#[must_use]
pub fn hbar(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let scale = if max > 0.0 {
        (CHART_W - LABEL_W - 90.0) / max
    } else {
        0.0
    };
    let h = ROW_H * bars.len() as f64 + 10.0;
    let mut out = String::new();
    open(&mut out, id, title, desc, CHART_W, h);
    let _ = write!(
        out,
        "<line x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{}\" stroke=\"{TEXT}\" stroke-width=\"1\"/>",
        c(h - 5.0),
        x = c(LABEL_W)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 5.0 + ROW_H * i as f64;
        let w = (b.value * scale).max(0.0);
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{TEXT}\">{}</text><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" fill=\"{TEXT}\" font-weight=\"bold\">{}</text>",
            c(LABEL_W - 8.0),
            c(y + 16.0),
            esc(&clip(&b.label, 30)),
            c(LABEL_W),
            c(y + 3.0),
            c(w),
            c(ROW_H - 8.0),
            b.fill,
            c(LABEL_W + w + 6.0),
            c(y + 16.0),
            esc(&b.text)
        );
    }
    out.push_str("</svg>");
    out
}

/// One series of [`stacked_hbar`].
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Name, shown in the legend.
    pub name: String,
    /// Stage, for its colour and pattern.
    pub stage: Stage,
}

fn pattern_defs(out: &mut String, id: &str, stages: &[Stage]) {
    out.push_str("<defs>");
    for s in stages {
        let color = stage_color(*s);
        let mark = match s {
            Stage::Incubating => String::new(),
            Stage::InHandover => {
                "<path d=\"M0,6 L6,0\" stroke=\"#fff\" stroke-width=\"1.5\"/>".to_owned()
            }
            Stage::TakenOver => "<circle cx=\"3\" cy=\"3\" r=\"1.2\" fill=\"#fff\"/>".to_owned(),
            Stage::Stopped => {
                "<path d=\"M0,3 L6,3\" stroke=\"#fff\" stroke-width=\"1.5\"/>".to_owned()
            }
            // Not started, unknown, and a stage added later.
            _ => "<path d=\"M3,0 L3,6\" stroke=\"#fff\" stroke-width=\"1.5\"/>".to_owned(),
        };
        let _ = write!(
            out,
            "<pattern id=\"{id}-p-{}\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\"><rect width=\"6\" height=\"6\" fill=\"{color}\"/>{mark}</pattern>",
            s.key()
        );
    }
    out.push_str("</defs>");
}

/// Where each legend item goes: (line, x). An item that would run beyond the chart's
/// edge starts the next line.
fn legend_places(series: &[Series]) -> Vec<(usize, f64)> {
    let mut places = Vec::with_capacity(series.len());
    let (mut line, mut x) = (0, LABEL_W);
    for s in series {
        let w = 28.0 + 7.5 * s.name.chars().count() as f64;
        if x > LABEL_W && x + w - 9.0 > CHART_W {
            line += 1;
            x = LABEL_W;
        }
        places.push((line, x));
        x += w;
    }
    places
}

/// The height the legend adds beyond its first line.
fn legend_extra(series: &[Series]) -> f64 {
    legend_places(series)
        .last()
        .map_or(0.0, |(line, _)| 18.0 * *line as f64)
}

fn legend(out: &mut String, id: &str, series: &[Series], y: f64) {
    for (s, (line, x)) in series.iter().zip(legend_places(series)) {
        let y = y + 18.0 * line as f64;
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"url(#{id}-p-{})\" stroke=\"{TEXT}\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\" fill=\"{TEXT}\">{}</text>",
            c(x),
            c(y),
            s.stage.key(),
            c(x + 19.0),
            c(y + 12.0),
            esc(&s.name)
        );
    }
}

/// Stacked horizontal bars: one row per category, one segment per series (with a
/// pattern and a legend); each row ends with its total.
#[must_use]
pub fn stacked_hbar(
    id: &str,
    title: &str,
    desc: &str,
    series: &[Series],
    rows: &[(String, Vec<f64>)],
) -> String {
    let max = rows
        .iter()
        .map(|(_, v)| v.iter().sum::<f64>())
        .fold(0.0_f64, f64::max);
    let scale = if max > 0.0 {
        (CHART_W - LABEL_W - 60.0) / max
    } else {
        0.0
    };
    let h = ROW_H * rows.len() as f64 + 40.0 + legend_extra(series);
    let mut out = String::new();
    open(&mut out, id, title, desc, CHART_W, h);
    let stages: Vec<Stage> = series.iter().map(|s| s.stage).collect();
    pattern_defs(&mut out, id, &stages);
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = 5.0 + ROW_H * i as f64;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{TEXT}\">{}</text>",
            c(LABEL_W - 8.0),
            c(y + 16.0),
            esc(&clip(label, 30))
        );
        let mut x = LABEL_W;
        for (s, v) in series.iter().zip(values) {
            if *v <= 0.0 {
                continue;
            }
            let w = v * scale;
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{id}-p-{})\" stroke=\"#fff\" stroke-width=\"1\"><title>{}: {}</title></rect>",
                c(x),
                c(y + 3.0),
                c(w),
                c(ROW_H - 8.0),
                s.stage.key(),
                esc(&s.name),
                v
            );
            x += w;
        }
        let total: f64 = values.iter().sum();
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{TEXT}\" font-weight=\"bold\">{}</text>",
            c(x + 6.0),
            c(y + 16.0),
            total
        );
    }
    legend(&mut out, id, series, h - 24.0 - legend_extra(series));
    out.push_str("</svg>");
    out
}

/// One row of [`timeline`].
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineBar {
    /// The service's name.
    pub label: String,
    /// Segments: start, end, stage.
    pub segments: Vec<(NaiveDate, NaiveDate, Stage)>,
    /// Text written after the last segment (current phase).
    pub tail: String,
}

/// A Gantt chart of phases: one row per service, one segment per phase, a year axis
/// from the year of the earliest start to the year after `to`.
#[must_use]
pub fn timeline(
    id: &str,
    title: &str,
    desc: &str,
    series: &[Series],
    rows: &[TimelineBar],
    to: NaiveDate,
) -> String {
    let from = rows
        .iter()
        .flat_map(|r| r.segments.iter().map(|s| s.0))
        .min()
        .unwrap_or(to);
    timeline_between(id, title, desc, series, rows, (from, to))
}

/// [`timeline`] on a given axis, `from`'s year to the year after `to`: the charts of
/// one long timeline cut into parts share one axis.
#[must_use]
pub fn timeline_between(
    id: &str,
    title: &str,
    desc: &str,
    series: &[Series],
    rows: &[TimelineBar],
    (from, to): (NaiveDate, NaiveDate),
) -> String {
    let row_h = 18.0;
    let first_year = from.year();
    let last_year = to.year() + 1;
    let x0 = NaiveDate::from_ymd_opt(first_year, 1, 1).unwrap_or(from);
    let x1 = NaiveDate::from_ymd_opt(last_year, 1, 1).unwrap_or(to);
    let days = (x1 - x0).num_days().max(1) as f64;
    let plot_w = CHART_W - LABEL_W - 110.0;
    let xd = |d: NaiveDate| LABEL_W + (d - x0).num_days() as f64 / days * plot_w;
    let top = 24.0;
    let h = top + row_h * rows.len() as f64 + 40.0 + legend_extra(series);
    let mut out = String::new();
    open(&mut out, id, title, desc, CHART_W, h);
    let stages: Vec<Stage> = series.iter().map(|s| s.stage).collect();
    pattern_defs(&mut out, id, &stages);
    // A grid line every year; a label every `every` years, so that labels (about 32
    // units wide) never touch.
    let years = f64::from((last_year - first_year).max(1));
    let every = ((40.0 * years / plot_w).ceil() as i32).max(1);
    for y in first_year..=last_year {
        if let Some(d) = NaiveDate::from_ymd_opt(y, 1, 1) {
            let x = xd(d);
            let _ = write!(
                out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#929292\" stroke-width=\"0.5\"/>",
                c(top - 4.0),
                c(top + row_h * rows.len() as f64),
                x = c(x)
            );
            if (y - first_year) % every == 0 {
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"14\" text-anchor=\"middle\" fill=\"{TEXT}\">{y}</text>",
                    c(x)
                );
            }
        }
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{TEXT}\" font-size=\"12\">{}</text>",
            c(LABEL_W - 8.0),
            c(y + 13.0),
            esc(&clip(&r.label, 34))
        );
        let mut last_x = LABEL_W;
        for (s, e, stage) in &r.segments {
            let xa = xd(*s);
            let xb = xd(*e).max(xa + 2.0);
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{id}-p-{})\"/>",
                c(xa),
                c(y + 3.0),
                c(xb - xa),
                c(row_h - 6.0),
                stage.key()
            );
            last_x = xb;
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{TEXT}\" font-size=\"12\">{}</text>",
            c(last_x + 4.0),
            c(y + 13.0),
            esc(&r.tail)
        );
    }
    legend(&mut out, id, series, h - 24.0 - legend_extra(series));
    out.push_str("</svg>");
    out
}

/// One point of [`error_bars`].
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorPoint {
    /// Label.
    pub label: String,
    /// Estimate.
    pub value: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Text written right of the point.
    pub text: String,
}

/// Points with error bars on a zero-based axis (`unit` is appended to tick labels).
#[must_use]
pub fn error_bars(id: &str, title: &str, desc: &str, points: &[ErrorPoint], unit: &str) -> String {
    let max = points.iter().map(|p| p.upper).fold(0.0_f64, f64::max);
    let step = nice_step(max / 5.0);
    let top_value = (max / step).ceil() * step;
    let plot_w = CHART_W - LABEL_W - 190.0;
    let scale = if top_value > 0.0 {
        plot_w / top_value
    } else {
        0.0
    };
    let row_h = 34.0;
    let h = row_h * points.len() as f64 + 30.0;
    let mut out = String::new();
    open(&mut out, id, title, desc, CHART_W, h);
    let axis_y = row_h * points.len() as f64 + 4.0;
    let mut t = 0.0;
    while t <= top_value + step / 2.0 {
        let x = LABEL_W + t * scale;
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{}\" stroke=\"#929292\" stroke-width=\"0.5\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" fill=\"{TEXT}\" font-size=\"12\">{}{}</text>",
            c(axis_y),
            c(axis_y + 16.0),
            c(t),
            esc(unit),
            x = c(x)
        );
        t += step;
    }
    for (i, p) in points.iter().enumerate() {
        let y = row_h * i as f64 + row_h / 2.0;
        let (xl, xv, xu) = (
            LABEL_W + p.lower * scale,
            LABEL_W + p.value * scale,
            LABEL_W + p.upper * scale,
        );
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{TEXT}\">{}</text><line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{TEXT}\" stroke-width=\"2\"/><line x1=\"{xl}\" y1=\"{}\" x2=\"{xl}\" y2=\"{}\" stroke=\"{TEXT}\" stroke-width=\"2\"/><line x1=\"{xu}\" y1=\"{}\" x2=\"{xu}\" y2=\"{}\" stroke=\"{TEXT}\" stroke-width=\"2\"/><circle cx=\"{}\" cy=\"{y}\" r=\"5\" fill=\"{BLUE_FRANCE}\"/><text x=\"{}\" y=\"{}\" fill=\"{TEXT}\" font-weight=\"bold\">{}</text>",
            c(LABEL_W - 8.0),
            c(y + 4.0),
            two_lines(&p.label, 30, LABEL_W - 8.0),
            c(xl),
            c(xu),
            c(y - 6.0),
            c(y + 6.0),
            c(y - 6.0),
            c(y + 6.0),
            c(xv),
            c(xu + 10.0),
            c(y + 4.0),
            esc(&p.text),
            y = c(y),
            xl = c(xl),
            xu = c(xu),
        );
    }
    out.push_str("</svg>");
    out
}

/// A figure as known over time: one step line (each value holds until the next
/// change), the published value as a dashed line labelled with its text, and a dotted
/// vertical line at the publication (when given). Times are plotted by their instant;
/// the axis is labelled by year.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownSteps<'a> {
    /// The change points, oldest first: instant and value.
    pub points: &'a [(chrono::DateTime<chrono::FixedOffset>, f64)],
    /// Where the last value's step ends (the last commit walked).
    pub end: chrono::DateTime<chrono::FixedOffset>,
    /// The published value.
    pub published: f64,
    /// Its label, written at the dashed line's end.
    pub published_text: &'a str,
    /// The publication instant, and its label.
    pub publication: Option<(chrono::DateTime<chrono::FixedOffset>, &'a str)>,
}

/// The chart of a figure as known over time ([`KnownSteps`]).
#[must_use]
pub fn known_steps(id: &str, title: &str, desc: &str, k: &KnownSteps<'_>) -> String {
    let mut out = String::new();
    let Some(first) = k.points.first().map(|p| p.0) else {
        open(&mut out, id, title, desc, CHART_W, 244.0);
        out.push_str("</svg>");
        return out;
    };
    let max = k
        .points
        .iter()
        .map(|p| p.1)
        .fold(k.published, f64::max)
        .max(1.0);
    let step = nice_step(max / 4.0);
    let plot = Plot {
        left: 60.0,
        right: CHART_W - 150.0,
        top: 24.0,
        height: 180.0,
        t0: first.timestamp() as f64,
        span: (k.end.timestamp() as f64 - first.timestamp() as f64).max(1.0),
        top_value: (max / step).ceil() * step,
    };
    open(
        &mut out,
        id,
        title,
        desc,
        CHART_W,
        plot.top + plot.height + 40.0,
    );
    plot.axes(&mut out, step, first, k.end);
    // The published value, and the publication.
    let yp = plot.y(k.published);
    let _ = write!(
        out,
        "<line x1=\"{}\" y1=\"{yp}\" x2=\"{}\" y2=\"{yp}\" stroke=\"{RED_MARIANNE}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/><text x=\"{}\" y=\"{}\" fill=\"{TEXT}\" font-weight=\"bold\">{}</text>",
        c(plot.left),
        c(plot.right),
        c(plot.right + 6.0),
        c(plot.y(k.published) + 4.0),
        esc(k.published_text),
        yp = c(yp)
    );
    if let Some((at, label)) = k.publication {
        let x = c(plot.x(at));
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{TEXT_MUTED}\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" fill=\"{TEXT}\" font-size=\"12\">{}</text>",
            c(plot.top - 4.0),
            c(plot.top + plot.height),
            c(plot.top - 8.0),
            esc(label)
        );
    }
    plot.steps(&mut out, k, yp);
    out.push_str("</svg>");
    out
}

/// The plotting area of [`known_steps`]: instants along x, values along y from zero.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    height: f64,
    /// The first instant (seconds) and the span to the last.
    t0: f64,
    span: f64,
    /// The value at the top of the axis.
    top_value: f64,
}

impl Plot {
    fn x(&self, t: chrono::DateTime<chrono::FixedOffset>) -> f64 {
        self.left
            + ((t.timestamp() as f64 - self.t0) / self.span).clamp(0.0, 1.0)
                * (self.right - self.left)
    }

    fn y(&self, v: f64) -> f64 {
        self.top + self.height - v / self.top_value * self.height
    }

    /// Value ticks with grid lines every `step`, and the years below.
    fn axes(
        &self,
        out: &mut String,
        step: f64,
        first: chrono::DateTime<chrono::FixedOffset>,
        end: chrono::DateTime<chrono::FixedOffset>,
    ) {
        let mut t = 0.0;
        while t <= self.top_value + step / 2.0 {
            let _ = write!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#929292\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{TEXT}\" font-size=\"12\">{}</text>",
                c(self.left),
                c(self.right),
                c(self.left - 6.0),
                c(self.y(t) + 4.0),
                c(t),
                y = c(self.y(t))
            );
            t += step;
        }
        // A year at its 1 January, when that falls on the axis; else the first year
        // at the axis' start.
        let mut labelled = false;
        for year in first.year()..=end.year() {
            let Some(d) = NaiveDate::from_ymd_opt(year, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
            else {
                continue;
            };
            let at = d.and_utc().fixed_offset();
            if at < first && (labelled || year != end.year()) {
                continue;
            }
            labelled = true;
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{TEXT}\" font-size=\"12\">{year}</text>",
                c(self.x(at).max(self.left)),
                c(self.top + self.height + 16.0)
            );
        }
    }

    /// The figure as known: a step line to `k.end`, its last value written at the
    /// right (moved down when it would overlap the published value's label at `yp`).
    fn steps(&self, out: &mut String, k: &KnownSteps<'_>, yp: f64) {
        let mut d = String::new();
        for (i, (at, v)) in k.points.iter().enumerate() {
            let next = k.points.get(i + 1).map_or(k.end, |p| p.0);
            let _ = write!(
                d,
                "{}{},{} L{},{} ",
                if i == 0 { "M" } else { "L" },
                c(self.x(*at)),
                c(self.y(*v)),
                c(self.x(next)),
                c(self.y(*v))
            );
        }
        let _ = write!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{BLUE_FRANCE}\" stroke-width=\"2.5\"/>",
            d.trim_end()
        );
        if let Some((_, v)) = k.points.last() {
            let y = self.y(*v);
            let shift = if (y - yp).abs() < 14.0 { 14.0 } else { 0.0 };
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{BLUE_FRANCE}\"/><text x=\"{}\" y=\"{}\" fill=\"{TEXT}\" font-weight=\"bold\">{}</text>",
                c(self.x(k.end)),
                c(y),
                c(self.right + 6.0),
                c(y + 4.0 + shift),
                v
            );
        }
    }
}

/// A round step (1, 2 or 5 times a power of ten) at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= raw {
            return m * mag;
        }
    }
    10.0 * mag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            esc("a<b & \"c\" 'd'"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;"
        );
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(4.4), 5.0);
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(12.0), 20.0);
    }

    #[test]
    fn long_labels_are_clipped() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
        assert_eq!(two_lines("a b", 4, 1.0), "a b");
        assert_eq!(
            two_lines("ab cd ef", 5, 1.0),
            "<tspan x=\"1\" dy=\"-7\">ab cd</tspan><tspan x=\"1\" dy=\"14\">ef</tspan>"
        );
    }

    #[test]
    fn legends_wrap_inside_the_chart() {
        let series: Vec<Series> = Stage::ALL
            .iter()
            .map(|s| Series {
                name: "a long stage name".into(),
                stage: *s,
            })
            .collect();
        let places = legend_places(&series);
        let width = 28.0 + 7.5 * 17.0 - 9.0;
        assert!(
            places.iter().all(|(_, x)| x + width <= CHART_W),
            "{places:?}"
        );
        assert!(legend_extra(&series) >= 18.0);
        assert_eq!(legend_extra(&series[..1]), 0.0);
    }

    #[test]
    fn coordinates_are_short() {
        assert_eq!(c(1.0), "1");
        assert_eq!(c(1.26), "1.3");
    }

    #[test]
    fn empty_charts_do_not_panic() {
        assert!(hbar("a", "t", "d", &[]).ends_with("</svg>"));
        assert!(stacked_hbar("b", "t", "d", &[], &[]).ends_with("</svg>"));
        let d = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap_or_default();
        assert!(timeline("c", "t", "d", &[], &[], d).ends_with("</svg>"));
        assert!(error_bars("e", "t", "d", &[], " %").ends_with("</svg>"));
        let k = KnownSteps {
            points: &[],
            end: chrono::DateTime::default(),
            published: 3.0,
            published_text: "3",
            publication: None,
        };
        assert!(known_steps("k", "t", "d", &k).ends_with("</svg>"));
    }
}
