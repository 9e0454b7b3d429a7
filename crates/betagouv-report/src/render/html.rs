//! One self-contained HTML file: inline CSS, inline SVG charts, no external request.
//!
//! Accessibility (RGAA 4.1 / WCAG 2.1 AA; checked with axe-core at 1,280 and 320 px,
//! see docs/report.md): `lang`, and `lang` on text of another language; one `h1`,
//! ordered headings, a skip link; each chart is a `<figure>` with a `<figcaption>`
//! (what it shows), an SVG with `role="img"`, `<title>` and `<desc>` (its data), and a
//! data table beside it whose caption names the chart; every chart and table sits in a
//! scroll box (a named region the keyboard reaches), charts never drawn narrower than
//! 720 px on screen so that their text (12 units at least) stays at 12 px or more;
//! bars are labelled directly and series differ by pattern as well as colour; text
//! colours reach 4.5:1; long parts (a timeline of many services) are collapsible.
//! Print: A4, nothing hidden (collapsed parts print open), charts fit the page and
//! read in greyscale.

use std::fmt::{Result as Written, Write};

use betagouv_portfolio::Stage;

use crate::budget::BudgetSection;
use crate::claims::Verdict;
use crate::error::{Error, Result};
use crate::history::{ClaimHistory, ClaimsHistory};
use crate::impact::ImpactSection;
use crate::lang::{Labels, Lang};
use crate::model::{Report, Section};
use crate::num;

use super::svg::{self, Bar, ErrorPoint, KnownSteps, Series, TimelineBar, esc};
use super::{
    CountRow, EvaluationView, STAGES_SHOWN, Sections, claim_columns, computed, date, entry_rows,
    evaluation_views, figure_rows, funnel_rows, history_rows, history_source, incubator_header,
    incubator_rows, known_at, kpi_views, money_rows, partner_share, short, span_rows, stage_rows,
    statistical, title, write_sections,
};

/// Kept here for callers of `render::html::kpi_value`; it lives in [`super`].
pub use super::kpi_value;

const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;font-family:Arial,sans-serif;color:#161616;background:#fff;line-height:1.5;font-size:16px;overflow-wrap:break-word}
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
h2{color:#000091;border-bottom:2px solid #000091;padding-bottom:.2rem;margin-top:2rem}
h3{margin-top:1.5rem}
.tiles{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:.75rem}
.tile{background:#F6F6F6;border-left:4px solid #000091;padding:.75rem}
.tile .value{font-size:1.8rem;font-weight:bold;margin:0;color:#000091}
.tile .label{margin:0;font-weight:bold}
.tile .change,.tile .note{margin:.25rem 0 0;color:#666;font-size:.85rem}
.tile.na .value{font-size:1.1rem;color:#666}
.pair{display:grid;grid-template-columns:minmax(0,1fr);gap:1.5rem;align-items:start}
figure{margin:0}
.scroll,.chart{overflow-x:auto;max-width:100%}
.scroll:focus,.chart:focus{outline:2px solid #000091;outline-offset:2px}
.chart svg{display:block;width:100%;min-width:720px;max-width:960px;height:auto}
details{margin:.5rem 0}
summary{cursor:pointer;font-weight:bold;color:#000091;padding:.25rem 0}
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
@media (min-width:1240px){.pair{grid-template-columns:720px minmax(0,1fr)}.pair.wide{grid-template-columns:minmax(0,1fr)}}
@page{size:A4;margin:12mm}
@media print{
 body{font-size:10pt;-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .skip{display:none}
 header,main,nav,footer{padding-left:0;padding-right:0}
 .pair{grid-template-columns:minmax(0,1fr)}
 .chart svg{min-width:0}
 .scroll,.chart{overflow:visible}
 details::details-content{content-visibility:visible;display:contents}
 figure,.tile{break-inside:avoid}
 tr{break-inside:avoid}
 h2,h3{break-after:avoid}
 a{color:#161616;text-decoration:none}
}
"#;

/// The HTML renderer.
struct Html;

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
    write_sections(&Html, r, 64 * 1024).map_err(Error::Fmt)
}

impl Sections for Html {
    const FRENCH_COLONS: bool = true;

    /// The document's head, the page header and the table of contents.
    fn header(&self, o: &mut String, r: &Report) -> Written {
        let lang = r.lang;
        let l = lang.labels();
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
        Ok(())
    }

    /// One tile per key figure.
    fn key_figures(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        write!(
            o,
            "<section id=\"chiffres\"><h2>{}</h2><ul class=\"tiles\">",
            esc(l.key_figures)
        )?;
        for k in figure_rows(r) {
            let f = k.figure;
            write!(
                o,
                "<li class=\"tile{}\"><p class=\"value\">{}</p><p class=\"label\">{}</p>",
                if f.value.is_none() { " na" } else { "" },
                esc(&k.value),
                esc(&f.label)
            )?;
            if let Some(previous) = &k.previous {
                write!(
                    o,
                    "<p class=\"change\">{} : {} ({})</p>",
                    esc(l.previous_year),
                    esc(previous),
                    esc(&k.change)
                )?;
            }
            if !k.breakdown.is_empty() {
                write!(o, "<p class=\"note\">{}</p>", esc(&k.breakdown.join(" · ")))?;
            }
            if !f.note.is_empty() {
                write!(o, "<p class=\"note\">{}</p>", esc(&f.note))?;
            }
            o.push_str("</li>");
        }
        o.push_str("</ul></section>\n");
        Ok(())
    }

    /// Charts by stage, by incubator, the funnel, the timeline, and the year's entries.
    fn portfolio(&self, o: &mut String, r: &Report) -> Written {
        write!(
            o,
            "<section id=\"portefeuille\"><h2>{}</h2>",
            esc(r.lang.labels().portfolio)
        )?;
        by_stage(o, r)?;
        by_incubator(o, r)?;
        funnel(o, r)?;
        timeline(o, r)?;
        entries(o, r)?;
        o.push_str("</section>\n");
        Ok(())
    }

    /// The chart by source, then the tables by start-up and by stage.
    fn budget(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        write!(o, "<section id=\"budget\"><h2>{}</h2>", esc(l.budget))?;
        match &r.budget {
            Section::NotComputable { reason } => not_computable(o, l, reason)?,
            Section::Computed(b) => {
                by_source(o, b, r.lang)?;
                spending(o, b, r.lang)?;
            }
        }
        o.push_str("</section>\n");
        Ok(())
    }

    /// One card per evaluation, then the usage KPIs.
    fn impact(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        write!(o, "<section id=\"impact\"><h2>{}</h2>", esc(l.impact))?;
        match &r.impact {
            Section::NotComputable { reason } => not_computable(o, l, reason)?,
            Section::Computed(i) => {
                for (n, e) in evaluation_views(i, r.lang).iter().enumerate() {
                    evaluation(o, n, e, r.lang)?;
                }
                kpis(o, i, r.lang)?;
            }
        }
        o.push_str("</section>\n");
        Ok(())
    }

    /// Each published figure beside the computed one, with its verdict.
    fn claims(&self, o: &mut String, r: &Report) -> Written {
        let lang = r.lang;
        let l = lang.labels();
        write!(
            o,
            "<section id=\"verification\"><h2>{}</h2><p>{}</p>",
            esc(l.claims),
            esc(l.claims_intro)
        )?;
        if r.claims.is_empty() {
            let none = match lang {
                Lang::Fr => "Aucun chiffre publié à vérifier pour cette année.",
                Lang::En => "No published figure to check for this year.",
            };
            write!(o, "<p class=\"na-box\">{}</p>", esc(none))?;
        } else {
            claims_table(o, r)?;
        }
        if let Some(h) = &r.history {
            history(o, r, h)?;
        }
        o.push_str("</section>\n");
        Ok(())
    }

    /// The method, the sources and the problem counts.
    fn method(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
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
        writeln!(
            o,
            "</ul><p>{} : {}</p></section>",
            esc(l.problems),
            esc(&super::problems(r))
        )
    }

    fn footer(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        write!(
            o,
            "</main>\n<footer>{} · {} {}</footer>\n</body>\n</html>\n",
            esc(l.generated_by),
            esc(l.as_of),
            esc(&date(r.as_of, r.lang))
        )
    }
}

/// Each published figure beside the computed one, with its verdict.
fn claims_table(o: &mut String, r: &Report) -> Written {
    let lang = r.lang;
    let l = lang.labels();
    table_open(o, l.claims, &claim_columns(l))?;
    for c in &r.claims {
        write!(
            o,
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"v-{}\"><span aria-hidden=\"true\">{} </span>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.label),
            esc(&c.published),
            esc(computed(c)),
            c.verdict.key(),
            verdict_icon(c.verdict),
            esc(lang.verdict(c.verdict)),
            esc(&statistical(c, lang)),
            esc(&c.note)
        )?;
    }
    table_close(o);
    Ok(())
}

/// The published figures against the history: the table, then a chart of each figure
/// that differs today, as known over time against the published value.
fn history(o: &mut String, r: &Report, h: &ClaimsHistory) -> Written {
    let lang = r.lang;
    let l = lang.labels();
    write!(
        o,
        "<h3 id=\"historique\">{}</h3><p>{}</p><p>{}</p>",
        esc(l.history),
        esc(l.history_intro),
        esc(&history_source(h, lang))
    )?;
    table_open(
        o,
        l.history,
        &[
            l.claim,
            l.published,
            l.at_publication,
            l.verdict,
            l.equal_intervals,
        ],
    )?;
    for row in history_rows(h, lang) {
        let v = row.claim.verdict_at_publication;
        write!(
            o,
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"v-{}\"><span aria-hidden=\"true\">{} </span>{}</td><td>{}</td></tr>",
            esc(&row.claim.label),
            esc(&row.claim.published),
            esc(&row.at_publication),
            v.key(),
            verdict_icon(v),
            esc(lang.verdict(v)),
            esc(&row.intervals)
        )?;
    }
    table_close(o);
    let differing = h.claims.iter().filter(|c| {
        !c.series.is_empty()
            && r.claim(&c.claim)
                .is_some_and(|today| today.verdict == Verdict::Differs)
    });
    for c in differing {
        history_chart(o, h, c, lang)?;
    }
    Ok(())
}

/// One figure as known over time against its published value, beside its data table
/// (the change points).
fn history_chart(o: &mut String, h: &ClaimsHistory, c: &ClaimHistory, lang: Lang) -> Written {
    let l = lang.labels();
    let Ok(published) = c.published.trim_start_matches('+').parse::<f64>() else {
        return Ok(());
    };
    let Some(end) = h.last.as_ref().map(|p| p.known_at) else {
        return Ok(());
    };
    let points: Vec<_> = c
        .series
        .iter()
        .map(|p| (p.known_at, p.value as f64))
        .collect();
    let published_text = format!("{} : {}", l.published, c.published);
    let publication = h
        .publication_commit
        .as_ref()
        .and(c.at_publication.as_ref())
        .map(|p| (p.known_at, l.at_publication));
    let steps = KnownSteps {
        points: &points,
        end,
        published,
        published_text: &published_text,
        publication,
    };
    let (label, published) = (&c.label, &c.published);
    let last = c.series.last().map_or(0, |p| p.value);
    let changes = c.series.len().saturating_sub(1);
    let as_of = date(h.as_of, lang);
    let from = known_at(points.first().map_or(end, |p| p.0), lang);
    let to = known_at(end, lang);
    let desc = match lang {
        Lang::Fr => format!(
            "{label} au {as_of} selon l'état des fiches, de {from} à {to} : {changes} changements, {last} aujourd'hui, {published} publié ; le tableau donne chaque changement."
        ),
        Lang::En => format!(
            "{label} as of {as_of} by the state of the records, from {from} to {to}: {changes} changes, {last} now, {published} published; the table gives every change."
        ),
    };
    let svg = svg::known_steps(
        &format!("c-history-{}", c.claim),
        &format!("{} — {}", l.history_chart, c.label),
        &desc,
        &steps,
    );
    let mut table = String::new();
    let heading = format!("{} — {}", l.history_chart, c.label);
    table_open(
        &mut table,
        &data_caption(&heading, lang),
        &[l.known_at, l.commit, l.value],
    )?;
    for p in &c.series {
        write!(
            table,
            "<tr><th scope=\"row\">{}</th><td><code>{}</code></td><td class=\"n\">{}</td></tr>",
            esc(&known_at(p.known_at, lang)),
            esc(short(&p.commit)),
            p.value
        )?;
    }
    table_close(&mut table);
    let caption = match lang {
        Lang::Fr => {
            "Ligne en escalier : le chiffre selon l'état des fiches à chaque changement ; en tirets rouges : le chiffre publié ; en pointillés : la publication."
        }
        Lang::En => {
            "Step line: the figure by the state of the records at each change; red dashes: the published figure; dotted: the publication."
        }
    };
    titled_figure(o, &heading, caption, &svg, &table, true)
}

/// Opens a table in its own scroll box (a region named by the table's caption that
/// the keyboard reaches: a wide table scrolls inside it, never the page), up to its
/// body; [`table_close`] closes both. Captions are unique in a page.
fn table_open(o: &mut String, caption: &str, header: &[&str]) -> Written {
    write!(
        o,
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{c}\"><table><caption>{c}</caption><thead><tr>",
        c = esc(caption)
    )?;
    for h in header {
        write!(o, "<th scope=\"col\">{}</th>", esc(h))?;
    }
    o.push_str("</tr></thead><tbody>");
    Ok(())
}

/// Closes what [`table_open`] opened.
fn table_close(o: &mut String) {
    o.push_str("</tbody></table></div>");
}

/// The caption of a chart's data table: unique, it names the chart.
fn data_caption(title: &str, lang: Lang) -> String {
    let l = lang.labels();
    match lang {
        Lang::Fr => format!("{} : {title}", l.data_table),
        Lang::En => format!("{}: {title}", l.data_table),
    }
}

/// `text`, escaped, in a `<span lang>` when its language is not the page's.
fn in_lang(text: &str, text_lang: Lang, page: Lang) -> String {
    if text_lang == page {
        esc(text)
    } else {
        format!("<span lang=\"{}\">{}</span>", text_lang.code(), esc(text))
    }
}

/// The language of a text of the data that has no translation: the name of a phase
/// (a key of the content's vocabulary: English words, but for the French keys), or a
/// title as written in an impact file (French when it has a letter or an elision only
/// French writes, else the page's language).
fn data_lang(text: &str, page: Lang, phase: bool) -> Lang {
    const FRENCH_PHASES: [&str; 4] = ["passation", "transfert", "perennisation", "opere"];
    if phase {
        return if FRENCH_PHASES.contains(&text) {
            Lang::Fr
        } else {
            Lang::En
        };
    }
    let french = text.chars().any(|c| "éèêàâçôîûùœÉÈÀÇ".contains(c))
        || [" d'", " l'", " d’", " l’"]
            .iter()
            .any(|e| text.contains(e));
    if french { Lang::Fr } else { page }
}

/// The language of `fr.unwrap_or(en)` as [`Lang::pick`] picks it.
fn picked(lang: Lang, fr: Option<&String>) -> Lang {
    if fr.is_some() { lang } else { Lang::En }
}

/// A short description of a chart's data: each label with its value (the first
/// eight, then how many more the table gives).
fn described(items: &[(String, String)], lang: Lang) -> String {
    const SHOWN: usize = 8;
    let sep = if lang == Lang::Fr { " : " } else { ": " };
    let mut text = items
        .iter()
        .take(SHOWN)
        .map(|(label, value)| format!("{label}{sep}{value}"))
        .collect::<Vec<_>>()
        .join(if lang == Lang::Fr { " ; " } else { "; " });
    if items.len() > SHOWN {
        let more = items.len() - SHOWN;
        text.push_str(&match lang {
            Lang::Fr => format!(" ; et {more} autres dans le tableau"),
            Lang::En => format!("; and {more} more in the table"),
        });
    }
    text.push('.');
    text
}

fn row(o: &mut String, head: &str, cells: &[String]) -> Written {
    write!(o, "<tr><th scope=\"row\">{}</th>", esc(head))?;
    for c in cells {
        write!(o, "<td class=\"n\">{}</td>", esc(c))?;
    }
    o.push_str("</tr>");
    Ok(())
}

/// A chart (in a scroll box named `title`: it keeps its legible width, 720 px, on a
/// narrow screen) with its caption (what the chart shows; the SVG's own description
/// gives the data), beside its data table.
fn figure(
    o: &mut String,
    title: &str,
    caption: &str,
    svg: &str,
    table: &str,
    wide: bool,
) -> Written {
    write!(
        o,
        "<div class=\"pair{}\"><figure><figcaption>{}</figcaption>",
        if wide { " wide" } else { "" },
        esc(caption)
    )?;
    chart_box(o, title, svg)?;
    write!(o, "</figure><div>{table}</div></div>")
}

/// The scroll box of a chart.
fn chart_box(o: &mut String, title: &str, svg: &str) -> Written {
    write!(
        o,
        "<div class=\"chart\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">{svg}</div>",
        esc(title)
    )
}

/// A chart under its own heading.
fn titled_figure(
    o: &mut String,
    heading: &str,
    caption: &str,
    svg: &str,
    table: &str,
    wide: bool,
) -> Written {
    write!(o, "<h3>{}</h3>", esc(heading))?;
    figure(o, heading, caption, svg, table, wide)
}

/// [`described`] for bars of counts.
fn count_desc(rows: &[CountRow], lang: Lang) -> String {
    let items: Vec<_> = rows
        .iter()
        .map(|c| (c.label.clone(), c.text.clone()))
        .collect();
    described(&items, lang)
}

fn bar(c: &CountRow) -> Bar {
    Bar {
        label: c.label.clone(),
        value: c.count as f64,
        text: c.text.clone(),
        fill: svg::stage_color(c.stage),
    }
}

fn not_computable(o: &mut String, l: &Labels, reason: &str) -> Written {
    write!(
        o,
        "<p class=\"na-box\"><strong>{}</strong> : {}</p>",
        esc(l.not_computable),
        esc(reason)
    )
}

fn by_stage(o: &mut String, r: &Report) -> Written {
    let l = r.lang.labels();
    let rows: Vec<CountRow> = stage_rows(r)
        .into_iter()
        .filter(|s| s.count > 0 || STAGES_SHOWN.contains(&s.stage))
        .collect();
    let bars: Vec<Bar> = rows.iter().map(bar).collect();
    let chart = svg::hbar("c-stage", l.by_stage, &count_desc(&rows, r.lang), &bars);
    let mut tb = String::new();
    table_open(
        &mut tb,
        &data_caption(l.by_stage, r.lang),
        &[l.stage, l.count],
    )?;
    for s in &rows {
        row(&mut tb, &s.label, std::slice::from_ref(&s.text))?;
    }
    row(&mut tb, l.total, &[num::count(r.portfolio.records, r.lang)])?;
    table_close(&mut tb);
    titled_figure(o, l.by_stage, l.by_stage_desc, &chart, &tb, false)
}

fn by_incubator(o: &mut String, r: &Report) -> Written {
    let lang = r.lang;
    let l = lang.labels();
    let series: Vec<Series> = STAGES_SHOWN
        .iter()
        .map(|s| Series {
            name: lang.stage(*s).to_owned(),
            stage: *s,
        })
        .collect();
    let rows = incubator_rows(r);
    let data: Vec<(String, Vec<f64>)> = rows
        .iter()
        .map(|i| {
            let counts = i.counts.iter().map(|n| *n as f64).collect();
            (i.label.to_owned(), counts)
        })
        .collect();
    let totals: Vec<_> = rows
        .iter()
        .map(|i| {
            (
                i.label.to_owned(),
                i.cells.last().cloned().unwrap_or_default(),
            )
        })
        .collect();
    let chart = svg::stacked_hbar(
        "c-incubator",
        l.by_incubator,
        &described(&totals, lang),
        &series,
        &data,
    );
    let mut tb = String::new();
    table_open(
        &mut tb,
        &data_caption(l.by_incubator, lang),
        &incubator_header(lang),
    )?;
    for i in &rows {
        row(&mut tb, i.label, &i.cells)?;
    }
    table_close(&mut tb);
    titled_figure(o, l.by_incubator, l.by_incubator_desc, &chart, &tb, false)
}

fn funnel(o: &mut String, r: &Report) -> Written {
    let l = r.lang.labels();
    let rows = funnel_rows(r);
    let bars: Vec<Bar> = rows.iter().map(bar).collect();
    let chart = svg::hbar("c-funnel", l.funnel, &count_desc(&rows, r.lang), &bars);
    let mut tb = String::new();
    table_open(
        &mut tb,
        &data_caption(l.funnel, r.lang),
        &[l.stage, l.reached],
    )?;
    for s in &rows {
        row(&mut tb, &s.label, std::slice::from_ref(&s.text))?;
    }
    table_close(&mut tb);
    if r.portfolio.funnel.status_records {
        write!(tb, "<p>{}</p>", esc(l.funnel_note))?;
    }
    titled_figure(o, l.funnel, l.funnel_desc, &chart, &tb, false)
}

/// Services per part of a long timeline: each part is a chart of its own with its own
/// year axis (printed on about one A4 page), in a collapsible `<details>`. A table or a
/// list longer than this is collapsible too.
const TIMELINE_PART: usize = 40;

/// The phases of every service: one chart (or one per [`TIMELINE_PART`] services, the
/// first open, each with its axis), then the data table (collapsible when long; its
/// header repeats on every printed page).
fn timeline(o: &mut String, r: &Report) -> Written {
    let lang = r.lang;
    let l = lang.labels();
    let services = &r.portfolio.timeline;
    let bars: Vec<TimelineBar> = services
        .iter()
        .map(|t| TimelineBar {
            label: t.name.clone(),
            segments: t.spans.iter().map(|s| (s.start, s.end, s.stage)).collect(),
            tail: t.spans.last().map(|s| s.phase.clone()).unwrap_or_default(),
        })
        .collect();
    let series: Vec<Series> = Stage::ALL
        .iter()
        .filter(|s| {
            services
                .iter()
                .any(|t| t.spans.iter().any(|sp| sp.stage == **s))
        })
        .map(|s| Series {
            name: lang.stage(*s).to_owned(),
            stage: *s,
        })
        .collect();
    let from = bars
        .iter()
        .flat_map(|b| b.segments.iter().map(|s| s.0))
        .min()
        .unwrap_or(r.as_of);
    write!(o, "<h3>{}</h3>", esc(l.timeline))?;
    let total = bars.len();
    let parts = bars.chunks(TIMELINE_PART.max(1)).enumerate();
    for (k, part) in parts {
        let first = k * TIMELINE_PART + 1;
        let last = first + part.len() - 1;
        let (title, desc) = timeline_texts(lang, (first, last, total), (from, r.as_of));
        let chart = svg::timeline_between(
            &format!(
                "c-timeline{}",
                if k == 0 {
                    String::new()
                } else {
                    format!("-{k}")
                }
            ),
            &title,
            &desc,
            &series,
            part,
            (from, r.as_of),
        );
        if total > TIMELINE_PART {
            write!(
                o,
                "<details{}><summary>{}</summary>",
                if k == 0 { " open" } else { "" },
                esc(&title)
            )?;
        }
        write!(
            o,
            "<div class=\"pair wide\"><figure><figcaption>{}</figcaption>",
            esc(l.timeline_desc)
        )?;
        chart_box(o, &title, &chart)?;
        o.push_str("</figure></div>");
        if total > TIMELINE_PART {
            o.push_str("</details>");
        }
    }
    timeline_table(o, r)
}

/// The title and the description of the chart of services `first` to `last` of
/// `total` on the axis `from`..`to`.
fn timeline_texts(
    lang: Lang,
    (first, last, total): (usize, usize, usize),
    (from, to): (chrono::NaiveDate, chrono::NaiveDate),
) -> (String, String) {
    use chrono::Datelike;
    let l = lang.labels();
    let (y0, y1) = (from.year(), to.year());
    let whole = first == 1 && last == total;
    match lang {
        Lang::Fr => (
            if whole {
                l.timeline.to_owned()
            } else {
                format!("{} — services {first} à {last} sur {total}", l.timeline)
            },
            format!(
                "{} services, de {y0} à {y1} ; le tableau des données donne chaque phase avec ses dates.",
                last + 1 - first
            ),
        ),
        Lang::En => (
            if whole {
                l.timeline.to_owned()
            } else {
                format!("{} — services {first} to {last} of {total}", l.timeline)
            },
            format!(
                "{} services, from {y0} to {y1}; the data table gives each phase with its dates.",
                last + 1 - first
            ),
        ),
    }
}

/// The timeline's data table; in a `<details>` when it has more rows than a part.
fn timeline_table(o: &mut String, r: &Report) -> Written {
    let lang = r.lang;
    let l = lang.labels();
    let rows = span_rows(r);
    let caption = data_caption(l.timeline, lang);
    let long = rows.len() > TIMELINE_PART;
    if long {
        let n = num::count(rows.len(), lang);
        let summary = match lang {
            Lang::Fr => format!("{caption} ({n} lignes)"),
            Lang::En => format!("{caption} ({n} rows)"),
        };
        write!(o, "<details><summary>{}</summary>", esc(&summary))?;
    }
    table_open(o, &caption, &[l.service, l.phase, l.start, l.end])?;
    for s in rows {
        write!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{} ({})</td><td class=\"n\">{}{}</td><td class=\"n\">{}</td></tr>",
            esc(s.service),
            in_lang(s.raw_phase, data_lang(s.raw_phase, lang, true), lang),
            esc(s.stage),
            esc(s.start),
            if s.approximate {
                format!(" ({})", esc(l.approximate))
            } else {
                String::new()
            },
            esc(&s.end)
        )?;
    }
    table_close(o);
    if long {
        o.push_str("</details>");
    }
    Ok(())
}

fn entries(o: &mut String, r: &Report) -> Written {
    let l = r.lang.labels();
    write!(o, "<h3>{}</h3>", esc(l.entries))?;
    let rows = entry_rows(r);
    if rows.is_empty() {
        return write!(o, "<p>{}</p>", esc(l.no_entries));
    }
    // A long list is collapsible (printed open).
    let long = rows.len() > TIMELINE_PART;
    if long {
        let n = num::count(rows.len(), r.lang);
        let summary = match r.lang {
            Lang::Fr => format!("{n} services entrés dans l'année"),
            Lang::En => format!("{n} services that started during the year"),
        };
        write!(o, "<details><summary>{}</summary>", esc(&summary))?;
    }
    o.push_str("<ul>");
    for (day, text, name) in rows {
        write!(
            o,
            "<li><time datetime=\"{day}\">{}</time> — {}</li>",
            esc(&text),
            esc(name)
        )?;
    }
    o.push_str("</ul>");
    if long {
        o.push_str("</details>");
    }
    Ok(())
}

fn by_source(o: &mut String, b: &BudgetSection, lang: Lang) -> Written {
    let l = lang.labels();
    let rows = money_rows(&b.by_source, lang);
    let bars: Vec<Bar> = rows
        .iter()
        .map(|a| Bar {
            label: a.label.clone(),
            value: a.value,
            text: a.amount.clone(),
            fill: if a.own { svg::BLUE_FRANCE } else { "#29598F" },
        })
        .collect();
    let items: Vec<_> = rows
        .iter()
        .map(|a| (a.label.clone(), a.amount.clone()))
        .collect();
    let chart = svg::hbar("c-budget", l.by_source, &described(&items, lang), &bars);
    let mut tb = String::new();
    table_open(
        &mut tb,
        &data_caption(l.by_source, lang),
        &[l.source, l.amount],
    )?;
    for a in &rows {
        row(&mut tb, &a.label, std::slice::from_ref(&a.amount))?;
    }
    row(&mut tb, l.total, &[num::euros(b.total, lang)])?;
    table_close(&mut tb);
    if let Some(share) = partner_share(b, lang) {
        write!(tb, "<p>{} : {}</p>", esc(l.partner_share), esc(&share))?;
    }
    titled_figure(o, l.by_source, l.by_source_desc, &chart, &tb, false)
}

fn spending(o: &mut String, b: &BudgetSection, lang: Lang) -> Written {
    let l = lang.labels();
    for (caption, rows) in [
        (l.by_startup, &b.by_startup),
        (l.by_phase_budget, &b.by_stage),
    ] {
        if rows.is_empty() {
            continue;
        }
        write!(o, "<h3>{}</h3>", esc(caption))?;
        table_open(o, caption, &[l.service, l.amount])?;
        for a in money_rows(rows, lang) {
            row(o, &a.label, &[a.amount])?;
        }
        table_close(o);
    }
    Ok(())
}

fn evaluation(o: &mut String, n: usize, e: &EvaluationView<'_>, lang: Lang) -> Written {
    let l = lang.labels();
    write!(
        o,
        "<div class=\"card\"><h3>{} — {}</h3><p>{}</p>",
        esc(e.name),
        esc(l.evaluation),
        in_lang(e.outcome, picked(lang, e.row.outcome_fr.as_ref()), lang)
    )?;
    let points: Vec<ErrorPoint> = e
        .arms
        .iter()
        .map(|a| ErrorPoint {
            label: a.label.to_owned(),
            value: a.arm.rate_percent,
            lower: a.arm.ci_lower_percent,
            upper: a.arm.ci_upper_percent,
            text: a.rate.clone(),
        })
        .collect();
    let title = format!("{} — {}", e.name, l.evaluation);
    let items: Vec<_> = e
        .arms
        .iter()
        .map(|a| {
            (
                a.label.to_owned(),
                format!("{} [{} ; {}]", a.rate, a.ci.0, a.ci.1),
            )
        })
        .collect();
    let chart = svg::error_bars(
        &format!("c-impact-{n}"),
        &title,
        &described(&items, lang),
        &points,
        " %",
    );
    let mut tb = String::new();
    table_open(
        &mut tb,
        &data_caption(&title, lang),
        &[l.cohort, l.cohort_size, l.rate, l.interval],
    )?;
    for a in &e.arms {
        write!(
            tb,
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">[{} ; {}]</td></tr>",
            in_lang(a.label, picked(lang, a.arm.label_fr.as_ref()), lang),
            esc(&a.n),
            esc(&a.rate),
            esc(&a.ci.0),
            esc(&a.ci.1),
        )?;
    }
    table_close(&mut tb);
    evaluation_terms(&mut tb, e, lang)?;
    figure(o, &title, l.evaluation_desc, &chart, &tb, false)?;
    o.push_str("</div>");
    Ok(())
}

/// An evaluation's figures as a description list: design, difference (or ITT effect),
/// relative lift, test, p-values, minimum detectable effect, source, note and the
/// encouragement diagnostics.
fn evaluation_terms(tb: &mut String, e: &EvaluationView<'_>, lang: Lang) -> Written {
    let l = lang.labels();
    tb.push_str("<dl>");
    let (lower, upper) = &e.ci;
    let difference = format!("{} ({} : [{lower} ; {upper}])", e.difference, l.interval);
    let relative = e.relative_with_ci(l, " : ");
    let design = match e.caveat {
        Some(caveat) => format!("{}. {caveat}", e.design),
        None => e.design.to_owned(),
    };
    let p_value = match e.disagreement {
        Some(d) => format!("{} ({d})", e.p_value),
        None => e.p_value.clone(),
    };
    let mde = e.mde.as_ref().map(|m| format!("{m}{}", e.mde_relative));
    // The note of an impact file is in English (its format has no French field); a
    // source is a title as written.
    let source_lang = data_lang(&e.row.source, lang, false);
    for (term, value, text_lang) in [
        (l.design, Some(&design), lang),
        (e.difference_label, Some(&difference), lang),
        (l.relative, relative.as_ref(), lang),
        (l.test, Some(&e.test), lang),
        (l.p_value, Some(&p_value), lang),
        (l.adjusted_p, e.adjusted.as_ref(), lang),
        (e.mde_label.as_str(), mde.as_ref(), lang),
        (l.source, Some(&e.row.source), source_lang),
        (l.note, e.row.note.as_ref(), Lang::En),
    ] {
        if let Some(value) = value {
            write!(
                tb,
                "<dt>{}</dt><dd>{}</dd>",
                esc(term),
                in_lang(value, text_lang, lang)
            )?;
        }
    }
    for (term, value) in &e.diagnostics {
        write!(tb, "<dt>{}</dt><dd>{}</dd>", esc(term), esc(value))?;
    }
    tb.push_str("</dl>");
    Ok(())
}

fn kpis(o: &mut String, i: &ImpactSection, lang: Lang) -> Written {
    let l = lang.labels();
    let rows = kpi_views(i, lang);
    if rows.is_empty() {
        return Ok(());
    }
    write!(o, "<h3>{}</h3>", esc(l.kpis))?;
    table_open(o, l.kpis, &[l.service, l.metric, l.value, l.source])?;
    for (k, row) in rows.iter().zip(&i.kpis) {
        write!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(k.service),
            in_lang(k.metric, picked(lang, row.metric_fr.as_ref()), lang),
            esc(&k.value),
            in_lang(k.source, data_lang(k.source, lang, false), lang)
        )?;
    }
    table_close(o);
    Ok(())
}
