//! One self-contained HTML file: inline CSS, inline SVG charts, no external request.
//!
//! Accessibility (RGAA 4.1 / WCAG 2.1 AA): `lang`, one `h1`, ordered headings, a skip
//! link; each chart is a `<figure>` with a `<figcaption>`, an SVG with `role="img"`,
//! `<title>` and `<desc>`, and a data table beside it; bars are labelled directly and
//! series differ by pattern as well as colour; text colours reach 4.5:1. Print: A4,
//! nothing hidden, charts readable in greyscale.

use std::fmt::Write;

use betagouv_portfolio::Stage;

use crate::claims::Verdict;
use crate::error::{Error, Result};
use crate::impact::KpiRow;
use crate::lang::Lang;
use crate::model::{Report, Section};
use crate::num;

use super::svg::{self, Bar, ErrorPoint, Series, TimelineBar, esc};
use super::{change, date, figure_value, p_value, quantity, title};

const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;font-family:Arial,sans-serif;color:#161616;background:#fff;line-height:1.5;font-size:16px}
.skip{position:absolute;left:-999px;top:0;background:#000091;color:#fff;padding:.5rem 1rem}
.skip:focus{left:0}
header{border-top:4px solid #000091;border-bottom:1px solid #ddd;padding:1.5rem 2rem 1rem}
.brand{font-weight:bold;margin:0;color:#000091;letter-spacing:.02em}
.brand span{color:#E1000F}
h1{font-size:2rem;margin:.25rem 0;color:#161616}
.meta{color:#666;margin:0}
nav{padding:.5rem 2rem;background:#F6F6F6}
nav ol{margin:0;padding-left:1.2rem;columns:2}
nav a{color:#000091}
main{padding:0 2rem 2rem}
.pair>div{overflow-x:auto}
h2{color:#000091;border-bottom:2px solid #000091;padding-bottom:.2rem;margin-top:2rem}
h3{margin-top:1.5rem}
.tiles{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:.75rem}
.tile{background:#F6F6F6;border-left:4px solid #000091;padding:.75rem}
.tile .value{font-size:1.8rem;font-weight:bold;margin:0;color:#000091}
.tile .label{margin:0;font-weight:bold}
.tile .change,.tile .note{margin:.25rem 0 0;color:#666;font-size:.85rem}
.tile.na .value{font-size:1.1rem;color:#666}
.pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1.5rem;align-items:start}
.pair.wide{grid-template-columns:1fr}
figure{margin:0}
figcaption{color:#3a3a3a;margin-bottom:.25rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#F6F6F6}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.v-matches{color:#18753C;font-weight:bold}
.v-differs{color:#CE0500;font-weight:bold}
.v-consistent{color:#716043;font-weight:bold}
.v-not_computable{color:#666}
.na-box{background:#F6F6F6;border-left:4px solid #666;padding:.5rem 1rem}
.card{border:1px solid #ddd;border-top:4px solid #000091;padding:0 1rem 1rem;margin:1rem 0}
footer{border-top:1px solid #ddd;padding:1rem 2rem;color:#666;font-size:.85rem}
@media (max-width:800px){.pair{grid-template-columns:1fr}}
@page{size:A4;margin:12mm}
@media print{
 body{font-size:10pt;-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .skip{display:none}
 header,main,nav,footer{padding-left:0;padding-right:0}
 .pair{grid-template-columns:1fr}
 figure,table,.tile,.card{break-inside:avoid}
 h2,h3{break-after:avoid}
 a{color:#161616;text-decoration:none}
}
"#;

/// The text of a KPI value for people (`more than 1,000,000 a day`).
#[must_use]
pub fn kpi_value(k: &KpiRow, lang: Lang) -> String {
    let l = lang.labels();
    let bound = match k.bound.as_str() {
        "more-than" => format!("{} ", l.more_than),
        "about" => format!("{} ", l.about),
        _ => String::new(),
    };
    let v = if k.value.fract() == 0.0 && k.value.abs() < 9e15 {
        num::fixed(k.value, 0, lang)
    } else {
        num::fixed(k.value, 2, lang)
    };
    let period = match k.period.as_deref() {
        Some("day") => format!(" {}", l.per_day),
        Some("week") => format!(" {}", l.per_week),
        Some("month") => format!(" {}", l.per_month),
        Some("year") => format!(" {}", l.per_year),
        Some(other) => format!(" / {other}"),
        None => String::new(),
    };
    format!("{bound}{v}{period}")
}

fn verdict_icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Matches => "✓",
        Verdict::Differs => "✗",
        Verdict::Consistent => "≈",
        Verdict::NotComputable => "?",
    }
}

/// Renders the report as one self-contained HTML page.
///
/// # Errors
/// [`Error::Fmt`] on a formatting failure (not expected with a `String`).
pub fn render(r: &Report) -> Result<String> {
    write_page(r).map_err(Error::Fmt)
}

fn table_open(o: &mut String, caption: &str, header: &[&str]) -> std::fmt::Result {
    write!(o, "<table><caption>{}</caption><thead><tr>", esc(caption))?;
    for h in header {
        write!(o, "<th scope=\"col\">{}</th>", esc(h))?;
    }
    o.push_str("</tr></thead><tbody>");
    Ok(())
}

fn row(o: &mut String, head: &str, cells: &[String]) -> std::fmt::Result {
    write!(o, "<tr><th scope=\"row\">{}</th>", esc(head))?;
    for c in cells {
        write!(o, "<td class=\"n\">{}</td>", esc(c))?;
    }
    o.push_str("</tr>");
    Ok(())
}

fn figure(o: &mut String, caption: &str, svg: &str, table: &str, wide: bool) {
    // The caption repeats the chart's description (its heading is the h3 above).
    let _ = write!(
        o,
        "<div class=\"pair{}\"><figure><figcaption>{}</figcaption>{svg}</figure><div>{table}</div></div>",
        if wide { " wide" } else { "" },
        esc(caption)
    );
}

const STAGES_SHOWN: [Stage; 4] = [
    Stage::Incubating,
    Stage::InHandover,
    Stage::TakenOver,
    Stage::Stopped,
];

fn write_page(r: &Report) -> std::result::Result<String, std::fmt::Error> {
    let lang = r.lang;
    let l = lang.labels();
    let mut o = String::with_capacity(64 * 1024);
    let t = title(r);
    write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"betagouv-report\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">{}</a>\n",
        lang.code(),
        esc(&t),
        esc(l.skip_link)
    )?;
    writeln!(
        o,
        "<header><p class=\"brand\">beta<span>.</span>gouv<span>.</span>fr</p><h1>{}</h1><p class=\"meta\">{}</p><p class=\"meta\">{} {} · {}</p></header>",
        esc(&t),
        esc(l.subtitle),
        esc(l.as_of),
        esc(&date(r.as_of, lang)),
        esc(&r.sources.portfolio)
    )?;
    let sections = [
        ("chiffres", l.key_figures),
        ("portefeuille", l.portfolio),
        ("budget", l.budget),
        ("impact", l.impact),
        ("verification", l.claims),
        ("methode", l.method),
    ];
    write!(o, "<nav aria-label=\"{}\"><ol>", esc(l.summary))?;
    for (id, label) in sections {
        write!(o, "<li><a href=\"#{id}\">{}</a></li>", esc(label))?;
    }
    o.push_str("</ol></nav>\n<main id=\"main\">\n");

    // Key figures.
    write!(
        o,
        "<section id=\"chiffres\"><h2>{}</h2><ul class=\"tiles\">",
        esc(l.key_figures)
    )?;
    for k in &r.key_figures {
        let na = k.value.is_none();
        write!(
            o,
            "<li class=\"tile{}\"><p class=\"value\">{}</p><p class=\"label\">{}</p>",
            if na { " na" } else { "" },
            esc(&figure_value(k, lang)),
            esc(&k.label)
        )?;
        if let Some(p) = k.previous {
            write!(
                o,
                "<p class=\"change\">{} : {} ({})</p>",
                esc(l.previous_year),
                esc(&quantity(p, lang)),
                esc(&change(k.change, lang))
            )?;
        }
        if !k.breakdown.is_empty() {
            let parts: Vec<String> = k
                .breakdown
                .iter()
                .map(|p| format!("{} {}", p.label, p.count))
                .collect();
            write!(o, "<p class=\"note\">{}</p>", esc(&parts.join(" · ")))?;
        }
        if !k.note.is_empty() {
            write!(o, "<p class=\"note\">{}</p>", esc(&k.note))?;
        }
        o.push_str("</li>");
    }
    o.push_str("</ul></section>\n");

    // Portfolio.
    write!(
        o,
        "<section id=\"portefeuille\"><h2>{}</h2>",
        esc(l.portfolio)
    )?;
    let stage_rows: Vec<_> = r
        .portfolio
        .by_stage
        .iter()
        .filter(|s| s.count > 0 || STAGES_SHOWN.contains(&s.stage))
        .collect();
    let bars: Vec<Bar> = stage_rows
        .iter()
        .map(|s| Bar {
            label: s.label.clone(),
            value: s.count as f64,
            text: num::count(s.count, lang),
            fill: svg::stage_color(s.stage),
        })
        .collect();
    let chart = svg::hbar("c-stage", l.by_stage, l.by_stage_desc, &bars);
    let mut tb = String::new();
    table_open(&mut tb, l.data_table, &[l.stage, l.count])?;
    for s in &stage_rows {
        row(&mut tb, &s.label, &[num::count(s.count, lang)])?;
    }
    row(&mut tb, l.total, &[num::count(r.portfolio.records, lang)])?;
    tb.push_str("</tbody></table>");
    write!(o, "<h3>{}</h3>", esc(l.by_stage))?;
    figure(&mut o, l.by_stage_desc, &chart, &tb, false);

    let series: Vec<Series> = STAGES_SHOWN
        .iter()
        .map(|s| Series {
            name: lang.stage(*s).to_owned(),
            stage: *s,
        })
        .collect();
    let rows: Vec<(String, Vec<f64>)> = r
        .portfolio
        .by_incubator
        .iter()
        .map(|i| {
            (
                i.label.clone(),
                STAGES_SHOWN
                    .iter()
                    .map(|s| i.by_stage.get(*s) as f64)
                    .collect(),
            )
        })
        .collect();
    let chart = svg::stacked_hbar(
        "c-incubator",
        l.by_incubator,
        l.by_incubator_desc,
        &series,
        &rows,
    );
    let mut tb = String::new();
    let mut header = vec![l.incubator];
    header.extend(STAGES_SHOWN.iter().map(|s| lang.stage(*s)));
    header.push(l.total);
    table_open(&mut tb, l.data_table, &header)?;
    for i in &r.portfolio.by_incubator {
        let mut cells: Vec<String> = STAGES_SHOWN
            .iter()
            .map(|s| num::count(i.by_stage.get(*s), lang))
            .collect();
        cells.push(num::count(i.total, lang));
        row(&mut tb, &i.label, &cells)?;
    }
    tb.push_str("</tbody></table>");
    write!(o, "<h3>{}</h3>", esc(l.by_incubator))?;
    figure(&mut o, l.by_incubator_desc, &chart, &tb, false);

    // Funnel.
    let mut bars: Vec<Bar> = r
        .portfolio
        .funnel
        .steps
        .iter()
        .map(|s| Bar {
            label: s.label.clone(),
            value: s.reached as f64,
            text: num::count(s.reached, lang),
            fill: svg::stage_color(s.stage),
        })
        .collect();
    bars.push(Bar {
        label: lang.stage(Stage::Stopped).to_owned(),
        value: r.portfolio.funnel.stopped as f64,
        text: num::count(r.portfolio.funnel.stopped, lang),
        fill: svg::stage_color(Stage::Stopped),
    });
    let chart = svg::hbar("c-funnel", l.funnel, l.funnel_desc, &bars);
    let mut tb = String::new();
    table_open(&mut tb, l.data_table, &[l.stage, l.reached])?;
    for b in &bars {
        row(&mut tb, &b.label, std::slice::from_ref(&b.text))?;
    }
    tb.push_str("</tbody></table>");
    if r.portfolio.funnel.status_records {
        write!(tb, "<p>{}</p>", esc(l.funnel_note))?;
    }
    write!(o, "<h3>{}</h3>", esc(l.funnel))?;
    figure(&mut o, l.funnel_desc, &chart, &tb, false);

    // Timeline.
    let bars: Vec<TimelineBar> = r
        .portfolio
        .timeline
        .iter()
        .map(|t| TimelineBar {
            label: t.name.clone(),
            segments: t.spans.iter().map(|s| (s.start, s.end, s.stage)).collect(),
            tail: t.spans.last().map(|s| s.phase.clone()).unwrap_or_default(),
        })
        .collect();
    let tseries: Vec<Series> = Stage::ALL
        .iter()
        .filter(|s| {
            r.portfolio
                .timeline
                .iter()
                .any(|t| t.spans.iter().any(|sp| sp.stage == **s))
        })
        .map(|s| Series {
            name: lang.stage(*s).to_owned(),
            stage: *s,
        })
        .collect();
    let chart = svg::timeline(
        "c-timeline",
        l.timeline,
        l.timeline_desc,
        &tseries,
        &bars,
        r.as_of,
    );
    let mut tb = String::new();
    table_open(&mut tb, l.data_table, &[l.service, l.phase, l.start, l.end])?;
    for t in &r.portfolio.timeline {
        for s in &t.spans {
            write!(
                tb,
                "<tr><th scope=\"row\">{}</th><td>{} ({})</td><td class=\"n\">{}{}</td><td class=\"n\">{}</td></tr>",
                esc(&t.name),
                esc(&s.phase),
                esc(lang.stage(s.stage)),
                esc(&s.start_as_written),
                if s.approximate {
                    format!(" ({})", esc(l.approximate))
                } else {
                    String::new()
                },
                if s.ongoing {
                    esc(l.ongoing)
                } else {
                    esc(&s.end.to_string())
                }
            )?;
        }
    }
    tb.push_str("</tbody></table>");
    write!(o, "<h3>{}</h3>", esc(l.timeline))?;
    figure(&mut o, l.timeline_desc, &chart, &tb, true);

    write!(o, "<h3>{}</h3>", esc(l.entries))?;
    if r.portfolio.entries.is_empty() {
        write!(o, "<p>{}</p>", esc(l.no_entries))?;
    } else {
        o.push_str("<ul>");
        for e in &r.portfolio.entries {
            write!(
                o,
                "<li><time datetime=\"{}\">{}</time> — {}</li>",
                e.date,
                esc(&date(e.date, lang)),
                esc(&e.name)
            )?;
        }
        o.push_str("</ul>");
    }
    o.push_str("</section>\n");

    // Budget.
    write!(o, "<section id=\"budget\"><h2>{}</h2>", esc(l.budget))?;
    match &r.budget {
        Section::NotComputable { reason } => {
            write!(
                o,
                "<p class=\"na-box\"><strong>{}</strong> : {}</p>",
                esc(l.not_computable),
                esc(reason)
            )?;
        }
        Section::Computed(b) => {
            let bars: Vec<Bar> = b
                .by_source
                .iter()
                .map(|a| Bar {
                    label: super::source_label(&a.key, lang),
                    value: a.amount.to_string().parse().unwrap_or(0.0),
                    text: num::euros(a.amount, lang),
                    fill: match a.kind {
                        Some(crate::budget::FundingKind::Own) => svg::BLUE_FRANCE,
                        _ => "#29598F",
                    },
                })
                .collect();
            let chart = svg::hbar("c-budget", l.by_source, l.by_source_desc, &bars);
            let mut tb = String::new();
            table_open(&mut tb, l.data_table, &[l.source, l.amount])?;
            for bar in &bars {
                row(&mut tb, &bar.label, std::slice::from_ref(&bar.text))?;
            }
            row(&mut tb, l.total, &[num::euros(b.total, lang)])?;
            tb.push_str("</tbody></table>");
            if let Some(s) = b.partner_share_percent {
                write!(
                    tb,
                    "<p>{} : {}</p>",
                    esc(l.partner_share),
                    esc(&num::percent(&num::decimal(s, lang)))
                )?;
            }
            write!(o, "<h3>{}</h3>", esc(l.by_source))?;
            figure(&mut o, l.by_source_desc, &chart, &tb, false);
            for (caption, rows) in [
                (l.by_startup, &b.by_startup),
                (l.by_phase_budget, &b.by_stage),
            ] {
                if rows.is_empty() {
                    continue;
                }
                write!(o, "<h3>{}</h3>", esc(caption))?;
                table_open(&mut o, caption, &[l.service, l.amount])?;
                for a in rows {
                    row(
                        &mut o,
                        &super::source_label(&a.key, lang),
                        &[num::euros(a.amount, lang)],
                    )?;
                }
                o.push_str("</tbody></table>");
            }
        }
    }
    o.push_str("</section>\n");

    // Impact.
    write!(o, "<section id=\"impact\"><h2>{}</h2>", esc(l.impact))?;
    match &r.impact {
        Section::NotComputable { reason } => {
            write!(
                o,
                "<p class=\"na-box\"><strong>{}</strong> : {}</p>",
                esc(l.not_computable),
                esc(reason)
            )?;
        }
        Section::Computed(i) => {
            for (n, e) in i.evaluations.iter().enumerate() {
                let name = e.startup_name.as_deref().unwrap_or(&e.startup);
                write!(
                    o,
                    "<div class=\"card\"><h3>{} — {}</h3><p>{}</p>",
                    esc(name),
                    esc(l.evaluation),
                    esc(lang.pick(&e.outcome, e.outcome_fr.as_deref()))
                )?;
                let pct = |x: f64| format!("{} %", num::fixed(x, 1, lang));
                let points = [&e.treated, &e.control]
                    .iter()
                    .map(|a| ErrorPoint {
                        label: lang.pick(&a.label, a.label_fr.as_deref()).to_owned(),
                        value: a.rate_percent,
                        lower: a.ci_lower_percent,
                        upper: a.ci_upper_percent,
                        text: pct(a.rate_percent),
                    })
                    .collect::<Vec<_>>();
                let chart = svg::error_bars(
                    &format!("c-impact-{n}"),
                    &format!("{name} — {}", l.evaluation),
                    l.evaluation_desc,
                    &points,
                    " %",
                );
                let mut tb = String::new();
                table_open(
                    &mut tb,
                    l.data_table,
                    &[l.cohort, l.cohort_size, l.rate, l.interval],
                )?;
                for a in [&e.treated, &e.control] {
                    write!(
                        tb,
                        "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">[{} ; {}]</td></tr>",
                        esc(lang.pick(&a.label, a.label_fr.as_deref())),
                        esc(&num::int(i64::try_from(a.n).unwrap_or(i64::MAX), lang)),
                        esc(&pct(a.rate_percent)),
                        esc(&num::fixed(a.ci_lower_percent, 2, lang)),
                        esc(&num::fixed(a.ci_upper_percent, 2, lang)),
                    )?;
                }
                tb.push_str("</tbody></table><dl>");
                let mut dl = |k: &str, v: String| {
                    let _ = write!(tb, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(&v));
                };
                dl(
                    l.difference,
                    format!(
                        "{} {} ({} : [{} ; {}])",
                        num::signed(e.difference_points, 1, lang),
                        l.points,
                        l.interval,
                        num::fixed(e.ci_lower_points, 2, lang),
                        num::fixed(e.ci_upper_points, 2, lang)
                    ),
                );
                if let Some(rel) = e.relative_percent {
                    dl(l.relative, format!("{} %", num::signed(rel, 1, lang)));
                }
                dl(l.p_value, p_value(e.p_value, lang));
                if let Some(m) = e.mde_points {
                    dl(
                        l.mde,
                        format!(
                            "{} {}{}",
                            num::fixed(m, 2, lang),
                            l.points,
                            e.mde_relative_percent
                                .map(|x| format!(" ({} %)", num::signed(x, 1, lang)))
                                .unwrap_or_default()
                        ),
                    );
                }
                dl(l.source, e.source.clone());
                if let Some(note) = &e.note {
                    dl(l.note, note.clone());
                }
                tb.push_str("</dl>");
                figure(&mut o, l.evaluation_desc, &chart, &tb, false);
                o.push_str("</div>");
            }
            if !i.kpis.is_empty() {
                write!(o, "<h3>{}</h3>", esc(l.kpis))?;
                table_open(&mut o, l.kpis, &[l.service, l.metric, l.value, l.source])?;
                for k in &i.kpis {
                    write!(
                        o,
                        "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                        esc(k.startup_name.as_deref().unwrap_or(&k.startup)),
                        esc(lang.pick(&k.metric, k.metric_fr.as_deref())),
                        esc(&kpi_value(k, lang)),
                        esc(&k.source)
                    )?;
                }
                o.push_str("</tbody></table>");
            }
        }
    }
    o.push_str("</section>\n");

    // Claims.
    write!(
        o,
        "<section id=\"verification\"><h2>{}</h2><p>{}</p>",
        esc(l.claims),
        esc(l.claims_intro)
    )?;
    table_open(
        &mut o,
        l.claims,
        &[l.claim, l.published, l.computed, l.verdict, l.note],
    )?;
    for c in &r.claims {
        write!(
            o,
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"v-{}\"><span aria-hidden=\"true\">{} </span>{}</td><td>{}</td></tr>",
            esc(&c.label),
            esc(&c.published),
            esc(c.computed.as_deref().unwrap_or("–")),
            c.verdict.key(),
            verdict_icon(c.verdict),
            esc(lang.verdict(c.verdict)),
            esc(&c.note)
        )?;
    }
    o.push_str("</tbody></table></section>\n");

    // Method.
    write!(
        o,
        "<section id=\"methode\"><h2>{}</h2><p>{}</p><ul><li>{}</li>",
        esc(l.method),
        esc(l.method_text),
        esc(&r.sources.portfolio)
    )?;
    for s in [&r.sources.budget, &r.sources.impact].into_iter().flatten() {
        write!(o, "<li>{}</li>", esc(s))?;
    }
    write!(
        o,
        "</ul><p>{} : {}</p></section>\n</main>\n<footer>{} · {} {}</footer>\n</body>\n</html>\n",
        esc(l.problems),
        esc(&super::problems(r)),
        esc(l.generated_by),
        esc(l.as_of),
        esc(&date(r.as_of, lang))
    )?;
    // French puts a space before a colon, English does not.
    if lang == Lang::En {
        o = o.replace(" : ", ": ");
    }
    Ok(o)
}
