//! The dashboard as one self-contained HTML page: inline CSS and SVG, no script, no
//! external request.
//!
//! Accessibility (RGAA 4.1 / WCAG 2.1 AA): `lang` on the page and on every value of
//! the records in the other language, one `h1`, ordered headings, a skip link; each
//! chart an SVG with `role="img"`, `<title>` and a `<desc>` saying what it shows, beside
//! its data table (a unique caption; in a scroll box that is named after the caption,
//! `role="region"` and reachable by keyboard); chart text of 14 px at full width, and
//! on narrow screens the table before the chart; long lists in `<details>`, opened
//! when printed.

use std::fmt::{Result as Written, Write};

use betagouv_portfolio::dashboard::Dashboard;

use super::chart::{self, Bar, Label, PALETTE_SIZE, Share};
use super::tables::{Cell, Table, share, tables};
use super::words::{self, WORDS, tr};
use super::{SeriesEntry, definitions, rule_line, title};
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::num;
use crate::render::escape_data;
use crate::render::svg::esc;

const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;font-family:Arial,sans-serif;color:#161616;background:#fff;line-height:1.5;font-size:16px}
.skip{position:absolute;left:-999px;top:0;background:#000091;color:#fff;padding:.5rem 1rem}
.skip:focus{left:0}
header{border-top:4px solid #000091;border-bottom:1px solid #ddd;padding:1.5rem 1rem 1rem}
.brand{font-weight:bold;margin:0;color:#000091}
h1{font-size:2rem;margin:.25rem 0;line-height:1.2}
.meta{color:#3a3a3a;margin:0}
nav{padding:.5rem 1rem;background:#F6F6F6}
nav ol{margin:0;padding-left:1.5rem;display:flex;flex-wrap:wrap;gap:0 2.5rem}
nav a,main a{color:#000091}
main{padding:0 1rem 2rem;max-width:76rem}
h2{color:#000091;border-bottom:2px solid #000091;padding-bottom:.2rem;margin-top:2rem}
h3{margin:1.75rem 0 .5rem}
.tiles{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(11.5rem,1fr));gap:.75rem}
.tile{background:#F6F6F6;border-left:4px solid #000091;padding:.75rem}
.tile .value{font-size:1.8rem;font-weight:bold;margin:0;color:#000091}
.tile .label,.tile .note{margin:0}
.tile .note{color:#3a3a3a;font-size:.9rem}
.fig{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start}
.chart{flex:0 1 40rem;min-width:0;max-width:100%;overflow-x:auto}
.chart:focus{outline:2px solid #0a76f6;outline-offset:2px}
.chart svg{width:100%;min-width:560px;height:auto;display:block}
.data{flex:1 1 18rem;min-width:0;max-width:100%;overflow-x:auto}
.data:focus{outline:2px solid #0a76f6;outline-offset:2px}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
thead th{background:#F6F6F6}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody th{white-space:nowrap}
.na-box{background:#F6F6F6;border-left:4px solid #666;padding:.5rem 1rem}
details{margin:.5rem 0}
summary{cursor:pointer;color:#000091;font-weight:bold}
.ids{columns:16rem;padding-left:1.5rem}
dt{font-weight:bold;margin-top:.5rem}
dd{margin-left:1rem}
code{font-size:.9em}
footer{border-top:1px solid #ddd;padding:1rem;color:#3a3a3a;font-size:.9rem}
@media (max-width:40rem){.fig{flex-direction:column}.fig>*{flex:none;width:100%}.fig .data{order:-1}h1{font-size:1.5rem}}
@page{size:A4;margin:12mm}
@media print{
 body{font-size:10pt;-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .skip,nav{display:none}
 details::details-content{content-visibility:visible;display:block}
 .fig,tr,.tile{break-inside:avoid}
 h2,h3{break-after:avoid}
 .data,.chart{overflow:visible}
 .chart svg{min-width:0}
}
"#;

/// The order of phase names in charts and tables: the life of a product, then any
/// other name alphabetically.
const PHASE_ORDER: [&str; 12] = [
    "investigation",
    "construction",
    "acceleration",
    "consolidation",
    "passation",
    "opere",
    "transfert",
    "transfer",
    "success",
    "alumni",
    "abandon",
    "unknown",
];

/// The most bars a chart draws (the table gives every row).
const MOST_BARS: usize = 15;

/// The dashboard `d` as one self-contained HTML page in `lang`: the title with the
/// as-of date and the active rule, the key figures, each figure as a chart beside its
/// data table, the coverage figures as percentages with their counts, the `to_fix`
/// lists (collapsible) and the definitions. Control characters of the data are
/// written escaped (`\u{1b}`), as in the report.
///
/// # Errors
/// [`Error::Fmt`] on a formatting failure (not expected with a `String`).
pub fn html(d: &Dashboard, lang: Lang) -> Result<String> {
    let mut o = String::with_capacity(64 * 1024);
    one(&mut o, d, lang).map_err(Error::Fmt)?;
    Ok(escape_data(&o))
}

fn one(o: &mut String, d: &Dashboard, lang: Lang) -> Written {
    let t = title(d, lang);
    let sections = [
        ("chiffres", words::figure("key_figures", lang)),
        ("produits", tr(WORDS.products, lang)),
        ("qualite", tr(WORDS.quality, lang)),
        ("thematiques", tr(WORDS.themes, lang)),
        ("membres", tr(WORDS.members, lang)),
        ("a-corriger", words::figure("to_fix", lang)),
        ("definitions", words::figure("definitions", lang)),
    ];
    page_open(o, lang, &t, &[rule_line(d, lang)], &sections)?;
    tiles(o, d, lang)?;
    let all = tables(d, lang);
    let get = |name: &str| all.iter().find(|t| t.name == name);
    let groups: [(&str, &str, &[&str]); 4] = [
        (
            "produits",
            tr(WORDS.products, lang),
            &[
                "products_by_phase",
                "active_by_incubator",
                "incubator_by_phase",
                "launches_by_year",
                "launches_by_incubator",
                "national_impact_by_year",
            ],
        ),
        (
            "qualite",
            tr(WORDS.quality, lang),
            &[
                "coverage",
                "stats_page_by_phase",
                "dashlord_by_phase",
                "open_source_by_phase",
                "accessibility_status",
                "accessibility_status_by_phase",
            ],
        ),
        (
            "thematiques",
            tr(WORDS.themes, lang),
            &["by_thematique", "thematique_by_phase", "by_sponsor"],
        ),
        (
            "membres",
            tr(WORDS.members, lang),
            &[
                "members_new_by_year",
                "members_new_by_status",
                "members_active_by_domaine",
                "members_active_by_competence",
                "members_active_by_status",
            ],
        ),
    ];
    for (id, heading, names) in groups {
        write!(o, "<section id=\"{id}\"><h2>{}</h2>", esc(heading))?;
        for name in names {
            if *name == "coverage" {
                coverage(o, d, lang)?;
            } else if let Some(t) = get(name) {
                figure(o, t, lang)?;
            }
        }
        o.push_str("</section>\n");
    }
    to_fix(o, d, lang)?;
    definitions_section(o, d, lang)?;
    page_close(o, lang, &crate::render::date(d.as_of, lang))
}

/// The document's head, the skip link, the page header and the table of contents.
pub(super) fn page_open(
    o: &mut String,
    lang: Lang,
    t: &str,
    meta: &[String],
    sections: &[(&str, &str)],
) -> Written {
    write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"betagouv-report\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">{}</a>\n<header><p class=\"brand\">beta.gouv.fr</p><h1>{}</h1>",
        lang.code(),
        esc(t),
        esc(tr(WORDS.skip, lang)),
        esc(t)
    )?;
    for m in meta {
        write!(o, "<p class=\"meta\">{}</p>", esc(m))?;
    }
    write!(
        o,
        "</header>\n<nav aria-label=\"{}\"><ol>",
        esc(tr(WORDS.contents, lang))
    )?;
    for (id, label) in sections {
        write!(o, "<li><a href=\"#{id}\">{}</a></li>", esc(label))?;
    }
    o.push_str("</ol></nav>\n<main id=\"main\">\n");
    Ok(())
}

pub(super) fn page_close(o: &mut String, lang: Lang, at: &str) -> Written {
    write!(
        o,
        "</main>\n<footer>{} · {}</footer>\n</body>\n</html>\n",
        esc(tr(WORDS.generated, lang)),
        esc(at)
    )
}

/// The key figures as tiles.
fn tiles(o: &mut String, d: &Dashboard, lang: Lang) -> Written {
    write!(
        o,
        "<section id=\"chiffres\"><h2>{}</h2><ul class=\"tiles\">",
        esc(words::figure("key_figures", lang))
    )?;
    let counts = [
        ("products_total", d.products.total),
        ("products_active", d.products.active),
        ("members_active", d.members.active),
    ];
    for (key, n) in counts {
        write!(
            o,
            "<li class=\"tile\"><p class=\"value\">{}</p><p class=\"label\">{}</p></li>",
            esc(&num::count(n, lang)),
            esc(words::column(key, lang))
        )?;
    }
    for (key, c) in [("stats_page", d.stats_page), ("dashlord", d.dashlord)] {
        write!(
            o,
            "<li class=\"tile\"><p class=\"value\">{}</p><p class=\"label\">{}</p><p class=\"note\">{} / {}</p></li>",
            esc(&share(c.with, c.total, lang)),
            esc(words::figure(key, lang)),
            esc(&num::count(c.with, lang)),
            esc(&num::count(c.total, lang))
        )?;
    }
    o.push_str("</ul></section>\n");
    Ok(())
}

/// The rank of a row's key for display: years and phases in their order, other keys by
/// count (largest first), then name.
fn ordered(t: &Table) -> Vec<&Vec<Cell>> {
    let mut rows: Vec<&Vec<Cell>> = t.rows.iter().collect();
    let key_col = t.columns.get(1).map_or("", |c| c.key);
    let count = |r: &Vec<Cell>| r.last().and_then(Cell::count).unwrap_or(0);
    let text = |r: &Vec<Cell>| match r.get(1) {
        Some(Cell::Text(s)) => s.clone(),
        _ => String::new(),
    };
    match key_col {
        "year" => {}
        "phase" => rows.sort_by_key(|r| {
            let k = text(r);
            (phase_rank(&k), k)
        }),
        _ => rows.sort_by(|a, b| count(b).cmp(&count(a)).then_with(|| text(a).cmp(&text(b)))),
    }
    rows
}

/// A cell for people, with its `lang` when it is French data in an English page.
fn cell_label(t: &Table, col: usize, cell: &Cell, lang: Lang) -> Label {
    let (text, lang) = t.human(col, cell, lang);
    Label { text, lang }
}

/// The key (second cell) of row `r` for people.
fn key_label(t: &Table, r: &[Cell], lang: Lang) -> Label {
    r.get(1).map_or(
        Label {
            text: String::new(),
            lang: "",
        },
        |c| cell_label(t, 1, c, lang),
    )
}

/// Column headers of our own (by column key), closing the header row.
pub(super) fn headers(o: &mut String, keys: &[&'static str], lang: Lang) -> Written {
    for key in keys {
        write!(
            o,
            "<th scope=\"col\">{}</th>",
            esc(words::column(key, lang))
        )?;
    }
    o.push_str("</tr></thead><tbody>");
    Ok(())
}

/// The description of a bar chart: how many bars, the longest, the sum.
fn bars_desc(t: &Table, bars: &[Bar], all: usize, lang: Lang) -> String {
    let sum = t.sum(t.columns.last().map_or("", |c| c.key));
    let top = bars.iter().max_by_key(|b| b.value);
    let (top_label, top_value) =
        top.map_or((String::new(), 0), |b| (b.label.text.clone(), b.value));
    let shown = if bars.len() < all {
        match lang {
            Lang::Fr => format!(" (les {} plus grandes sur {all})", bars.len()),
            Lang::En => format!(" (the {} largest of {all})", bars.len()),
        }
    } else {
        String::new()
    };
    match lang {
        Lang::Fr => format!(
            "Barres horizontales, une par valeur{shown} ; la plus longue : {top_label}, {top_value} ; somme de toutes les valeurs : {sum}. Le tableau de données donne chaque valeur."
        ),
        Lang::En => format!(
            "Horizontal bars, one per value{shown}; the longest: {top_label}, {top_value}; sum of all values: {sum}. The data table gives every value."
        ),
    }
}

/// A figure of one count column: bars (the largest [`MOST_BARS`]) beside the table;
/// a crosstab chart for the `*_by_phase` matrices; a message when empty.
fn figure(o: &mut String, t: &Table, lang: Lang) -> Written {
    let id = t.name.replace('_', "-");
    write!(o, "<h3 id=\"h-{id}\">{}</h3>", esc(t.title))?;
    if t.rows.is_empty() {
        return write!(
            o,
            "<p class=\"na-box\">{}</p>",
            esc(tr(WORDS.nothing, lang))
        );
    }
    let two_keys = matches!(
        (t.rows.first().map(Vec::as_slice), t.columns.len()),
        (Some([_, Cell::Text(_), Cell::Text(_), Cell::Count(_)]), 4)
    );
    if two_keys {
        return matrix(o, t, &id, lang);
    }
    let rows = ordered(t);
    let value_col = t.columns.len().saturating_sub(1);
    let bars: Vec<Bar> = rows
        .iter()
        .take(MOST_BARS)
        .map(|r| {
            let value = r.get(value_col).and_then(Cell::count).unwrap_or(0);
            Bar {
                label: key_label(t, r, lang),
                value,
                text: num::count(value, lang),
            }
        })
        .collect();
    let desc = bars_desc(t, &bars, rows.len(), lang);
    let svg = if t.column("share_percent").is_some() {
        open_source_chart(t, &rows, &id, &desc, lang)
    } else {
        chart::bars(&format!("c-{id}"), t.title, &desc, &bars)
    };
    let mut table = String::new();
    data_table(&mut table, t, &rows, &id, lang)?;
    pair(o, &svg, &table, rows.len(), lang)
}

fn open_source_chart(t: &Table, rows: &[&Vec<Cell>], id: &str, desc: &str, lang: Lang) -> String {
    let shares: Vec<Share> = rows
        .iter()
        .map(|r| {
            let (with, total) = (
                r.get(2).and_then(Cell::count).unwrap_or(0),
                r.get(3).and_then(Cell::count).unwrap_or(0),
            );
            Share {
                label: key_label(t, r, lang),
                with,
                total,
                text: format!("{} ({with} / {total})", share(with, total, lang)),
            }
        })
        .collect();
    chart::coverage(&format!("c-{id}"), t.title, desc, &shares)
}

/// The (escaped) text of the first `<title>` of `svg`, the chart's name.
fn svg_title(svg: &str) -> &str {
    svg.split_once("<title")
        .and_then(|(_, rest)| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map_or("", |(title, _)| title)
}

/// A chart beside its data table (in a named, focusable scroll box; in a `<details>`
/// when longer than [`MOST_BARS`] rows).
///
/// On screen a chart is never drawn narrower than 560 px, so that its text (14 units of
/// a 640-unit view box) stays at 12 px or more: on a narrow screen it scrolls in its
/// box, named after the chart's title, which the keyboard reaches.
pub(super) fn pair(o: &mut String, svg: &str, table: &str, rows: usize, lang: Lang) -> Written {
    write!(
        o,
        "<div class=\"fig\"><div class=\"chart\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">{svg}</div>",
        svg_title(svg)
    )?;
    if rows > MOST_BARS {
        write!(
            o,
            "<details class=\"data\"><summary>{} ({} {})</summary>{table}</details></div>",
            esc(tr(WORDS.full_table, lang)),
            rows,
            if lang == Lang::Fr { "lignes" } else { "rows" }
        )
    } else {
        write!(o, "{table}</div>")
    }
}

/// The table `t` (rows in the given order, without the date column) in its scroll box.
fn data_table(o: &mut String, t: &Table, rows: &[&Vec<Cell>], id: &str, lang: Lang) -> Written {
    table_open(
        o,
        id,
        &format!("{} : {}", tr(WORDS.data, lang), t.title),
        lang,
    )?;
    for c in t.columns.iter().skip(1) {
        write!(o, "<th scope=\"col\">{}</th>", esc(c.label))?;
    }
    o.push_str("</tr></thead><tbody>");
    for r in rows {
        o.push_str("<tr>");
        for (i, cell) in r.iter().enumerate().skip(1) {
            let l = cell_label(t, i, cell, lang);
            let (tag, class) = match (i, cell) {
                (1, _) => ("th scope=\"row\"", ""),
                (_, Cell::Count(_) | Cell::Share { .. }) => ("td", " class=\"n\""),
                _ => ("td", ""),
            };
            let close = tag.split(' ').next().unwrap_or("td");
            write!(o, "<{tag}{class}{}>{}</{close}>", l.lang, esc(&l.text))?;
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></div>");
    Ok(())
}

/// Opens a scroll box named by the caption of the table it holds, then the table, its
/// caption and the header row (left open for the column headers).
pub(super) fn table_open(o: &mut String, id: &str, caption: &str, lang: Lang) -> Written {
    let caption = if lang == Lang::En {
        caption.replace(" : ", ": ")
    } else {
        caption.to_owned()
    };
    write!(
        o,
        "<div class=\"data\" role=\"region\" tabindex=\"0\" aria-labelledby=\"cap-{id}\"><table><caption id=\"cap-{id}\">{}</caption><thead><tr>",
        esc(&caption)
    )
}

/// A two-level figure (`key -> key -> count`, e.g. incubator x phase): stacked bars
/// (one patterned segment per second key; the row totals as bars when there are more
/// than eight) beside a crosstab.
fn matrix(o: &mut String, t: &Table, id: &str, lang: Lang) -> Written {
    let (columns, keys) = crosstab(t);
    let label = |col: usize, s: &str| cell_label(t, col, &Cell::Text(s.to_owned()), lang);
    let series: Vec<Label> = columns.iter().map(|p| label(2, p)).collect();
    let rows: Vec<(Label, Vec<usize>)> = keys
        .iter()
        .take(MOST_BARS)
        .map(|(k, v)| (label(1, k), v.clone()))
        .collect();
    let total: usize = keys.iter().map(|(_, v)| v.iter().sum::<usize>()).sum();
    let (shown, all, n) = (rows.len(), keys.len(), columns.len());
    let by = t.columns.get(2).map_or("", |c| c.label);
    let stacked = n <= PALETTE_SIZE;
    let desc = match (lang, stacked) {
        (Lang::Fr, true) => format!(
            "Barres empilées, une par valeur ({shown} sur {all}), un segment à motif par {by} ({n} en tout) ; somme : {total}. Le tableau croisé donne chaque nombre."
        ),
        (Lang::Fr, false) => format!(
            "Barres, une par valeur ({shown} sur {all}), de la somme sur les {n} valeurs de {by} ; somme : {total}. Le tableau croisé donne chaque nombre."
        ),
        (Lang::En, true) => format!(
            "Stacked bars, one per value ({shown} of {all}), one patterned segment per {by} ({n} in all); sum: {total}. The crosstab gives every count."
        ),
        (Lang::En, false) => format!(
            "Bars, one per value ({shown} of {all}), of the sum over the {n} values of {by}; sum: {total}. The crosstab gives every count."
        ),
    };
    let svg = if stacked {
        chart::stacked(&format!("c-{id}"), t.title, &desc, &series, &rows)
    } else {
        let bars: Vec<Bar> = rows
            .into_iter()
            .map(|(label, v)| {
                let value = v.iter().sum();
                let text = num::count(value, lang);
                Bar { label, value, text }
            })
            .collect();
        chart::bars(&format!("c-{id}"), t.title, &desc, &bars)
    };
    let mut table = String::new();
    let caption = format!("{} : {}", tr(WORDS.data, lang), t.title);
    table_open(&mut table, id, &caption, lang)?;
    let first = t.columns.get(1).map_or("", |c| c.label);
    write!(table, "<th scope=\"col\">{}</th>", esc(first))?;
    for p in &series {
        write!(table, "<th scope=\"col\"{}>{}</th>", p.lang, esc(&p.text))?;
    }
    headers(&mut table, &["total"], lang)?;
    for (k, v) in &keys {
        let l = label(1, k);
        write!(
            table,
            "<tr><th scope=\"row\"{}>{}</th>",
            l.lang,
            esc(&l.text)
        )?;
        for n in v.iter().chain([&v.iter().sum::<usize>()]) {
            write!(table, "<td class=\"n\">{}</td>", esc(&num::count(*n, lang)))?;
        }
        table.push_str("</tr>");
    }
    table.push_str("</tbody></table></div>");
    pair(o, &svg, &table, keys.len(), lang)
}

/// A two-level table as a crosstab: its second keys (phases in [`PHASE_ORDER`], others
/// in order), and each first key with its count per second key: years and phases in
/// order, other keys largest total first.
fn crosstab(t: &Table) -> (Vec<String>, Vec<(String, Vec<usize>)>) {
    let text = |r: &Vec<Cell>, i: usize| match r.get(i) {
        Some(Cell::Text(p)) => Some(p.clone()),
        _ => None,
    };
    let mut columns: Vec<String> = t.rows.iter().filter_map(|r| text(r, 2)).collect();
    columns.sort_by_key(|k| (phase_rank(k), k.clone()));
    columns.dedup();
    let mut keys: Vec<(String, Vec<usize>)> = Vec::new();
    for r in &t.rows {
        let (Some(k), Some(p), Some(n)) = (text(r, 1), text(r, 2), r.get(3).and_then(Cell::count))
        else {
            continue;
        };
        if keys.last().is_none_or(|(last, _)| *last != k) {
            keys.push((k, vec![0; columns.len()]));
        }
        let i = columns.iter().position(|x| *x == p);
        if let Some(cell) = keys.last_mut().zip(i).and_then(|((_, v), i)| v.get_mut(i)) {
            *cell += n;
        }
    }
    match t.columns.get(1).map_or("", |c| c.key) {
        "year" => {}
        "phase" => keys.sort_by_key(|(k, _)| (phase_rank(k), k.clone())),
        _ => {
            let total = |v: &[usize]| v.iter().sum::<usize>();
            keys.sort_by(|a, b| total(&b.1).cmp(&total(&a.1)).then_with(|| a.0.cmp(&b.0)));
        }
    }
    (columns, keys)
}

/// The rank of a phase name in [`PHASE_ORDER`] (other names after).
fn phase_rank(name: &str) -> usize {
    PHASE_ORDER
        .iter()
        .position(|p| *p == name)
        .unwrap_or(PHASE_ORDER.len())
}

/// The statistics page and Dashlord coverage: shares on a 0–100 % track, and a table.
fn coverage(o: &mut String, d: &Dashboard, lang: Lang) -> Written {
    let title = tr(words::COVERAGE, lang);
    write!(o, "<h3 id=\"h-coverage\">{}</h3>", esc(title))?;
    let rows: Vec<Share> = [("stats_page", d.stats_page), ("dashlord", d.dashlord)]
        .into_iter()
        .map(|(key, c)| Share {
            label: Label {
                text: words::short(key, lang).to_owned(),
                lang: "",
            },
            with: c.with,
            total: c.total,
            text: format!(
                "{} ({} / {})",
                share(c.with, c.total, lang),
                c.with,
                c.total
            ),
        })
        .collect();
    let desc = match lang {
        Lang::Fr => format!(
            "Deux barres sur une échelle de 0 à 100 % : la part des {} produits actifs qui ont une page de statistiques, puis celle des produits actifs suivis par Dashlord.",
            d.stats_page.total
        ),
        Lang::En => format!(
            "Two bars on a 0 to 100 % scale: the share of the {} active products with a statistics page, then the share of active products scanned by Dashlord.",
            d.stats_page.total
        ),
    };
    let svg = chart::coverage("c-coverage", title, &desc, &rows);
    let mut table = String::new();
    table_open(
        &mut table,
        "coverage",
        &format!("{} : {title}", tr(WORDS.data, lang)),
        lang,
    )?;
    headers(
        &mut table,
        &["figure", "with", "total", "share_percent"],
        lang,
    )?;
    for r in &rows {
        write!(
            table,
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&r.label.text),
            esc(&num::count(r.with, lang)),
            esc(&num::count(r.total, lang)),
            esc(&share(r.with, r.total, lang))
        )?;
    }
    table.push_str("</tbody></table></div>");
    pair(o, &svg, &table, rows.len(), lang)
}

/// The `to_fix` lists, each in a `<details>` (opened when printed).
fn to_fix(o: &mut String, d: &Dashboard, lang: Lang) -> Written {
    write!(
        o,
        "<section id=\"a-corriger\"><h2>{}</h2>",
        esc(words::figure("to_fix", lang))
    )?;
    let lists = [
        ("no_stats_page", &d.to_fix.no_stats_page),
        ("no_dashlord", &d.to_fix.no_dashlord),
        ("no_accessibility_status", &d.to_fix.no_accessibility_status),
    ];
    for (key, ids) in lists {
        let label = words::term(key, lang);
        if ids.is_empty() {
            write!(
                o,
                "<h3>{}</h3><p>{}</p>",
                esc(&capitalised(&label)),
                esc(tr(WORDS.none_missing, lang))
            )?;
            continue;
        }
        write!(
            o,
            "<h3>{}</h3><details><summary>{} ({} {})</summary><ul class=\"ids\">",
            esc(&capitalised(&label)),
            esc(tr(WORDS.list, lang)),
            ids.len(),
            esc(words::column("products", lang))
        )?;
        for id in ids {
            write!(o, "<li><code>{}</code></li>", esc(id.as_str()))?;
        }
        o.push_str("</ul></details>");
    }
    o.push_str("</section>\n");
    Ok(())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The definitions as a description list (English ones marked in a French page); in
/// French, the dashboard's own (English) definitions follow, collapsed.
fn definitions_section(o: &mut String, d: &Dashboard, lang: Lang) -> Written {
    write!(
        o,
        "<section id=\"definitions\"><h2>{}</h2>",
        esc(words::figure("definitions", lang))
    )?;
    let dl = |o: &mut String, defs: &[(&str, &str, bool)]| -> Written {
        o.push_str("<dl>");
        for (key, text, english) in defs {
            write!(
                o,
                "<dt><code>{}</code></dt><dd{}>{}</dd>",
                esc(key),
                if *english { " lang=\"en\"" } else { "" },
                esc(text)
            )?;
        }
        o.push_str("</dl>");
        Ok(())
    };
    let defs = definitions(d, lang);
    let shown: Vec<(&str, &str, bool)> = defs
        .iter()
        .map(|x| (x.key.as_str(), x.text.as_str(), x.english))
        .collect();
    dl(o, &shown)?;
    if lang == Lang::Fr && !d.definitions.is_empty() {
        write!(
            o,
            "<details><summary>{}</summary><div lang=\"en\">",
            esc(tr(WORDS.computed, lang))
        )?;
        let theirs: Vec<(&str, &str, bool)> = d
            .definitions
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str(), false))
            .collect();
        dl(o, &theirs)?;
        o.push_str("</div></details>");
    }
    o.push_str("</section>\n");
    Ok(())
}

/// A series of dashboards as one HTML page in `lang`: each figure over time as a line
/// chart (the eight largest keys at the last point) beside its data table
/// (one row per point), and the points (as of, known at, commit, files dropped).
///
/// # Errors
/// [`Error::Fmt`] on a formatting failure (not expected with a `String`).
pub fn series_html(series: &[SeriesEntry<'_>], lang: Lang) -> Result<String> {
    let mut o = String::with_capacity(128 * 1024);
    super::series::page(&mut o, series, lang).map_err(Error::Fmt)?;
    Ok(escape_data(&o))
}
