//! The dashboard's SVG charts: bars, coverage bars, stacked bars and lines over time.
//!
//! Each is drawn at its own width (the `width` attribute is the view box's, the page
//! lets it shrink to 560 px, no less), so its text is 14 px at full width and 12 px at
//! least; on narrow screens the page shows the data table first and the chart scrolls
//! in its box. Every chart has `role="img"`, a `<title>` and a `<desc>`;
//! series differ by pattern or dash as well as by colour, and are labelled directly.

use std::fmt::Write;

use crate::render::svg::{self, BLUE_FRANCE, TEXT, TEXT_MUTED, c, esc};

/// The view box width.
const W: f64 = 640.0;
/// The label column of bar charts.
const LABEL_W: f64 = 210.0;
/// A bar row.
const ROW_H: f64 = 28.0;
/// The longest label written in a chart (the table gives it whole).
const LABEL_CHARS: usize = 22;

/// Series colours (State design system colours that reach 3:1 on white).
const PALETTE: [&str; 8] = [
    BLUE_FRANCE,
    "#E1000F",
    "#18753C",
    "#B34000",
    "#A558A0",
    "#006A6F",
    "#716043",
    "#3A3A3A",
];

/// How many series a chart tells apart by colour.
pub(crate) const PALETTE_SIZE: usize = PALETTE.len();

/// White marks drawn over a series' colour, so colour is never the only signal.
const MARKS: [&str; 6] = [
    "",
    "<path d=\"M0,6 L6,0\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
    "<circle cx=\"3\" cy=\"3\" r=\"1.2\" fill=\"#fff\"/>",
    "<path d=\"M0,3 L6,3\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
    "<path d=\"M3,0 L3,6\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
    "<path d=\"M0,0 L6,6\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
];

/// Line dashes of [`lines`], one per series in turn.
const DASHES: [&str; 4] = ["", "8 4", "2 3", "10 3 2 3"];

/// A label of a chart: its text, and whether it is French data in an English page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Label {
    pub(crate) text: String,
    /// The ` lang="…"` attribute to write on it, or empty.
    pub(crate) lang: &'static str,
}

fn clip(s: &str) -> String {
    svg::clip(s, LABEL_CHARS)
}

fn open(out: &mut String, id: &str, title: &str, desc: &str, h: f64) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"Arial, sans-serif\" font-size=\"14\" fill=\"{TEXT}\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc),
        w = c(W),
        h = c(h)
    );
}

fn patterns(out: &mut String, id: &str, n: usize) {
    out.push_str("<defs>");
    for i in 0..n {
        let _ = write!(
            out,
            "<pattern id=\"{id}-p{i}\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\"><rect width=\"6\" height=\"6\" fill=\"{}\"/>{}</pattern>",
            PALETTE[i % PALETTE.len()],
            MARKS[i % MARKS.len()]
        );
    }
    out.push_str("</defs>");
}

fn row_label(out: &mut String, y: f64, l: &Label) {
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\"{}>{}</text>",
        c(LABEL_W - 8.0),
        c(y + 18.0),
        l.lang,
        esc(&clip(&l.text))
    );
}

/// One bar of [`bars`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bar {
    pub(crate) label: Label,
    pub(crate) value: usize,
    /// The value as written right of the bar.
    pub(crate) text: String,
}

/// Horizontal bars from zero, each labelled with its value.
pub(crate) fn bars(id: &str, title: &str, desc: &str, rows: &[Bar]) -> String {
    let max = rows.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let scale = (W - LABEL_W - 80.0) / max;
    let h = ROW_H * rows.len() as f64 + 8.0;
    let mut out = String::new();
    open(&mut out, id, title, desc, h);
    let _ = write!(
        out,
        "<line x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{}\" stroke=\"{TEXT}\"/>",
        c(h - 4.0),
        x = c(LABEL_W)
    );
    for (i, b) in rows.iter().enumerate() {
        let y = 4.0 + ROW_H * i as f64;
        let w = b.value as f64 * scale;
        row_label(&mut out, y, &b.label);
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{BLUE_FRANCE}\"/><text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>",
            c(LABEL_W),
            c(y + 4.0),
            c(w),
            c(ROW_H - 8.0),
            c(LABEL_W + w + 6.0),
            c(y + 18.0),
            esc(&b.text)
        );
    }
    out.push_str("</svg>");
    out
}

/// One row of [`coverage`]: a share of a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Share {
    pub(crate) label: Label,
    pub(crate) with: usize,
    pub(crate) total: usize,
    /// The share as written right of the bar (`42,9 % (3 / 7)`).
    pub(crate) text: String,
}

/// Shares as bars on a 0–100 % track (the track outlined, the share filled).
pub(crate) fn coverage(id: &str, title: &str, desc: &str, rows: &[Share]) -> String {
    let track = W - LABEL_W - 190.0;
    let h = ROW_H * rows.len() as f64 + 8.0;
    let mut out = String::new();
    open(&mut out, id, title, desc, h);
    for (i, s) in rows.iter().enumerate() {
        let y = 4.0 + ROW_H * i as f64;
        let w = if s.total == 0 {
            0.0
        } else {
            track * s.with.min(s.total) as f64 / s.total as f64
        };
        row_label(&mut out, y, &s.label);
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"{ty}\" width=\"{}\" height=\"{th}\" fill=\"#fff\" stroke=\"{TEXT_MUTED}\"/><rect x=\"{x}\" y=\"{ty}\" width=\"{}\" height=\"{th}\" fill=\"{BLUE_FRANCE}\"/><text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>",
            c(track),
            c(w),
            c(LABEL_W + track + 8.0),
            c(y + 18.0),
            esc(&s.text),
            x = c(LABEL_W),
            ty = c(y + 4.0),
            th = c(ROW_H - 8.0),
        );
    }
    out.push_str("</svg>");
    out
}

fn legend(out: &mut String, id: &str, names: &[Label], y: f64) -> f64 {
    let (mut x, mut y) = (LABEL_W, y);
    for (i, n) in names.iter().enumerate() {
        let text = clip(&n.text);
        let step = 30.0 + 8.0 * text.chars().count() as f64;
        if x + step > W && x > LABEL_W {
            x = LABEL_W;
            y += 22.0;
        }
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"url(#{id}-p{i})\" stroke=\"{TEXT}\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\"{}>{}</text>",
            c(x),
            c(y),
            c(x + 19.0),
            c(y + 12.0),
            n.lang,
            esc(&text)
        );
        x += step;
    }
    y + 22.0
}

/// Legend rows [`legend`] needs for `names` (to size the chart first).
fn legend_rows(names: &[Label]) -> usize {
    let (mut x, mut rows) = (LABEL_W, 1);
    for n in names {
        let step = 30.0 + 8.0 * clip(&n.text).chars().count() as f64;
        if x + step > W && x > LABEL_W {
            x = LABEL_W;
            rows += 1;
        }
        x += step;
    }
    rows
}

/// Stacked horizontal bars: one row per category, one segment per series (patterned,
/// with a legend), each row ended by its total.
pub(crate) fn stacked(
    id: &str,
    title: &str,
    desc: &str,
    series: &[Label],
    rows: &[(Label, Vec<usize>)],
) -> String {
    let max = rows
        .iter()
        .map(|(_, v)| v.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let scale = (W - LABEL_W - 60.0) / max;
    let top = ROW_H * rows.len() as f64 + 12.0;
    let h = top + 22.0 * legend_rows(series) as f64 + 4.0;
    let mut out = String::new();
    open(&mut out, id, title, desc, h);
    patterns(&mut out, id, series.len());
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = 4.0 + ROW_H * i as f64;
        row_label(&mut out, y, label);
        let mut x = LABEL_W;
        for (s, v) in values.iter().enumerate().filter(|(_, v)| **v > 0) {
            let w = *v as f64 * scale;
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{id}-p{s})\" stroke=\"#fff\"/>",
                c(x),
                c(y + 4.0),
                c(w),
                c(ROW_H - 8.0)
            );
            x += w;
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>",
            c(x + 6.0),
            c(y + 18.0),
            values.iter().sum::<usize>()
        );
    }
    legend(&mut out, id, series, top);
    out.push_str("</svg>");
    out
}

/// A round step (1, 2 or 5 times a power of ten) at least `raw`, at least 1.
fn nice_step(raw: usize) -> usize {
    let mut mag = 1usize;
    loop {
        for m in [1, 2, 5] {
            let s = m * mag;
            if s >= raw {
                return s;
            }
        }
        mag = mag.saturating_mul(10);
        if mag == usize::MAX {
            return mag;
        }
    }
}

/// Lines over time: one per series, x the points (labelled by their date text, some
/// skipped when crowded), y from zero; each line marked at every point, dashed in its
/// own way and labelled at its end.
pub(crate) fn lines(
    id: &str,
    title: &str,
    desc: &str,
    x_labels: &[String],
    series: &[(Label, Vec<usize>)],
) -> String {
    let (left, right, top, height) = (56.0, W - 190.0, 16.0, 220.0);
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0);
    let step = nice_step(max.div_ceil(4));
    let top_value = (max.div_ceil(step) * step).max(step) as f64;
    let n = x_labels.len();
    let x = |i: usize| {
        if n <= 1 {
            (left + right) / 2.0
        } else {
            left + (right - left) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: usize| top + height - v as f64 / top_value * height;
    let mut out = String::new();
    let mut t = 0;
    while t as f64 <= top_value {
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{yy}\" x2=\"{}\" y2=\"{yy}\" stroke=\"#929292\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{t}</text>",
            c(left),
            c(right),
            c(left - 6.0),
            c(y(t) + 5.0),
            yy = c(y(t))
        );
        t += step;
    }
    // Every `every`-th point is labelled, counted from the last, so that labels of
    // about 8 px a character do not overlap.
    let widest = x_labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0) as f64;
    let spacing = (right - left) / (n.max(2) - 1) as f64;
    let every = ((widest * 8.0 + 12.0) / spacing).ceil().max(1.0) as usize;
    for (i, l) in x_labels.iter().enumerate() {
        if (n - 1 - i).is_multiple_of(every) {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                c(x(i)),
                c(top + height + 22.0),
                esc(l)
            );
        }
    }
    for (s, (_, values)) in series.iter().enumerate() {
        line(&mut out, s, values, &x, &y);
    }
    let lowest = end_labels(&mut out, series, &y, right, top + height + 5.0);
    let mut svg = String::with_capacity(out.len() + 512);
    open(
        &mut svg,
        id,
        title,
        desc,
        (top + height + 34.0).max(lowest + 8.0),
    );
    svg.push_str(&out);
    svg.push_str("</svg>");
    svg
}

/// One line of [`lines`]: its path and a mark at each point.
fn line(
    out: &mut String,
    s: usize,
    values: &[usize],
    x: &dyn Fn(usize) -> f64,
    y: &dyn Fn(usize) -> f64,
) {
    let colour = PALETTE[s % PALETTE.len()];
    let dash = DASHES[s % DASHES.len()];
    let mut d = String::new();
    for (i, v) in values.iter().enumerate() {
        let _ = write!(
            d,
            "{}{},{} ",
            if i == 0 { "M" } else { "L" },
            c(x(i)),
            c(y(*v))
        );
    }
    let _ = write!(
        out,
        "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{}/>",
        d.trim_end(),
        if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        }
    );
    for (i, v) in values.iter().enumerate() {
        let _ = write!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{colour}\"/>",
            c(x(i)),
            c(y(*v))
        );
    }
}

/// Each line's name and last value right of the plot, at the line's end height, moved
/// apart so that no two overlap; returns the lowest label's baseline.
fn end_labels(
    out: &mut String,
    series: &[(Label, Vec<usize>)],
    y: &dyn Fn(usize) -> f64,
    right: f64,
    bottom: f64,
) -> f64 {
    let mut ends: Vec<(usize, usize, f64)> = series
        .iter()
        .enumerate()
        .filter_map(|(s, (_, v))| v.last().map(|last| (s, *last, y(*last) + 5.0)))
        .collect();
    ends.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut floor = f64::MIN;
    for end in &mut ends {
        end.2 = end.2.max(floor);
        floor = end.2 + 17.0;
    }
    // Moved up when they would reach the axis labels below the plot.
    let over = ends.last().map_or(0.0, |e| e.2 - bottom).max(0.0);
    for end in &mut ends {
        end.2 -= over;
    }
    let lowest = ends.last().map_or(0.0, |e| e.2);
    for (s, last, at) in ends {
        let Some((label, _)) = series.get(s) else {
            continue;
        };
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{}\" font-weight=\"bold\"{}>{} {}</text>",
            c(right + 8.0),
            c(at),
            PALETTE[s % PALETTE.len()],
            label.lang,
            esc(&svg::clip(&label.text, 16)),
            last
        );
    }
    lowest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(s: &str) -> Label {
        Label {
            text: s.to_owned(),
            lang: "",
        }
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0), 1);
        assert_eq!(nice_step(3), 5);
        assert_eq!(nice_step(11), 20);
    }

    #[test]
    fn charts_are_accessible_and_do_not_panic_when_empty() {
        let charts = [
            bars("a", "T", "D", &[]),
            coverage("b", "T", "D", &[]),
            stacked("c", "T", "D", &[], &[]),
            lines("d", "T", "D", &[], &[]),
            lines("e", "T", "D", &["2016".into()], &[(label("x"), vec![0])]),
        ];
        for s in charts {
            assert!(s.starts_with("<svg") && s.ends_with("</svg>"), "{s}");
            assert!(s.contains("role=\"img\"") && s.contains("<title") && s.contains("<desc"));
            assert!(!s.contains("NaN") && !s.contains("inf"), "{s}");
        }
    }

    #[test]
    fn labels_are_clipped_and_escaped() {
        let long = "a".repeat(40);
        let s = bars(
            "a",
            "T",
            "D",
            &[Bar {
                label: label(&format!("<{long}")),
                value: 3,
                text: "3".into(),
            }],
        );
        assert!(s.contains("&lt;aaaa") && s.contains('…') && !s.contains(&long));
    }
}
