//! The page of a dashboard series: each figure over time as lines beside its data table.

use std::fmt::{Result as Written, Write};

use betagouv_portfolio::dashboard::{Counts, Dashboard, YearCounts};
use chrono::Datelike;

use super::SeriesEntry;
use super::chart::{self, Label};
use super::html::{headers, page_close, page_open, pair, table_open};
use super::tables::TABLE_NAMES;
use super::words::{self, WORDS, tr};
use super::{data_lang, rule_line};
use crate::lang::Lang;
use crate::num;
use crate::render::{date, svg::esc};

/// The most lines a chart draws (the CSV files give every key).
const MOST_LINES: usize = 8;

/// A figure's values at one point: a label for people, and the count.
type Values = Vec<(Label, usize)>;

/// The figures of the page, in the order of [`TABLE_NAMES`]: the statistics page and
/// Dashlord side by side (`coverage`); the two-level figures (`incubator_by_phase`,
/// `launches_by_incubator`, ...) and the definitions are in the CSV files only.
fn figure_names() -> impl Iterator<Item = &'static str> {
    TABLE_NAMES.iter().filter_map(|name| match *name {
        // Two-level figures, the definitions, and Dashlord (beside the statistics page).
        "incubator_by_phase"
        | "thematique_by_phase"
        | "launches_by_incubator"
        | "stats_page_by_phase"
        | "dashlord_by_phase"
        | "accessibility_status_by_phase"
        | "members_new_by_status"
        | "dashlord"
        | "definitions" => None,
        "stats_page" => Some("coverage"),
        name => Some(name),
    })
}

fn plain(text: impl Into<String>) -> Label {
    Label {
        text: text.into(),
        lang: "",
    }
}

/// A value of the records (`unknown` and `unspecified` translated).
fn data(key: &str, lang: Lang) -> Label {
    let text = words::term(key, lang);
    let lang = if text == key {
        data_lang(key, lang)
    } else {
        ""
    };
    Label { text, lang }
}

fn of_counts(c: &Counts, lang: Lang) -> Values {
    c.iter().map(|(k, n)| (data(k, lang), *n)).collect()
}

fn of_years(c: &YearCounts) -> Values {
    c.iter().map(|(y, n)| (plain(y.to_string()), *n)).collect()
}

/// Labels of ours (column keys, terms) with their counts.
fn of_ours(
    pairs: &[(&'static str, usize)],
    label: fn(&'static str, Lang) -> String,
    lang: Lang,
) -> Values {
    pairs
        .iter()
        .map(|(k, n)| (plain(label(k, lang)), *n))
        .collect()
}

/// The title of figure `name` of the page.
fn figure_title(name: &'static str, lang: Lang) -> String {
    match name {
        "open_source_by_phase" => format!(
            "{} ({})",
            words::figure(name, lang),
            words::column("with_repository", lang)
        ),
        "coverage" => words::tr(words::COVERAGE, lang).to_owned(),
        _ => words::figure(name, lang).to_owned(),
    }
}

/// The values of figure `name` in `d`.
fn values(name: &str, d: &Dashboard, lang: Lang) -> Values {
    let (m, t) = (&d.members, &d.to_fix);
    let column = |k, lang| words::column(k, lang).to_owned();
    let short = |k, lang| words::short(k, lang).to_owned();
    match name {
        "key_figures" => of_ours(
            &[
                ("products_total", d.products.total),
                ("products_active", d.products.active),
                ("members_active", m.active),
            ],
            column,
            lang,
        ),
        "products_by_phase" => of_counts(&d.products.by_phase, lang),
        "active_by_incubator" => of_counts(&d.active_by_incubator, lang),
        "launches_by_year" => of_years(&d.launches_by_year),
        "national_impact_by_year" => of_years(&d.national_impact_by_year),
        "open_source_by_phase" => d
            .open_source_by_phase
            .iter()
            .map(|(k, o)| (data(k, lang), o.with_repository))
            .collect(),
        "coverage" => {
            let mut v = of_ours(&[("products_active", d.stats_page.total)], column, lang);
            v.extend(of_ours(
                &[
                    ("stats_page", d.stats_page.with),
                    ("dashlord", d.dashlord.with),
                ],
                short,
                lang,
            ));
            v
        }
        "accessibility_status" => of_counts(&d.accessibility_status, lang),
        "by_thematique" => of_counts(&d.by_thematique, lang),
        "by_sponsor" => of_counts(&d.by_sponsor, lang),
        "members_new_by_year" => of_years(&m.new_by_year),
        "members_active_by_domaine" => of_counts(&m.active_by_domaine, lang),
        "members_active_by_competence" => of_counts(&m.active_by_competence, lang),
        "members_active_by_status" => m
            .active_by_status
            .iter()
            .map(|(k, n)| (plain(lang.member_status(k)), *n))
            .collect(),
        "to_fix" => of_ours(
            &[
                ("no_stats_page", t.no_stats_page.len()),
                ("no_dashlord", t.no_dashlord.len()),
                ("no_accessibility_status", t.no_accessibility_status.len()),
            ],
            words::term,
            lang,
        ),
        _ => Vec::new(),
    }
}

/// Writes the series page.
pub(super) fn page(o: &mut String, series: &[SeriesEntry<'_>], lang: Lang) -> Written {
    let t = tr(WORDS.series_title, lang).to_owned();
    let (first, last) = (series.first(), series.last());
    let mut meta = Vec::new();
    if let (Some(a), Some(b)) = (first, last) {
        meta.push(match lang {
            Lang::Fr => format!(
                "Du {} au {}, {} points",
                date(a.dashboard.as_of, lang),
                date(b.dashboard.as_of, lang),
                series.len()
            ),
            Lang::En => format!(
                "From {} to {}, {} points",
                date(a.dashboard.as_of, lang),
                date(b.dashboard.as_of, lang),
                series.len()
            ),
        });
        meta.push(rule_line(b.dashboard, lang));
    }
    let mut sections: Vec<(&str, &str)> = vec![("points", tr(WORDS.series_points, lang))];
    sections.push(("figures", tr(WORDS.figures, lang)));
    page_open(o, lang, &t, &meta, &sections)?;
    points(o, series, lang)?;
    write!(
        o,
        "<section id=\"figures\"><h2>{}</h2><p>{}</p>",
        esc(tr(WORDS.figures, lang)),
        esc(tr(WORDS.series_note, lang))
    )?;
    let x = point_labels(series, lang);
    for name in figure_names() {
        figure(o, name, series, &x, lang)?;
    }
    o.push_str("</section>\n");
    let at = last.map_or_else(String::new, |e| date(e.dashboard.as_of, lang));
    page_close(o, lang, &at)
}

/// The label of each point in charts and their tables: the year when every point is a
/// 31 December (a yearly series), else the date.
fn point_labels(series: &[SeriesEntry<'_>], lang: Lang) -> Vec<String> {
    let yearly = series
        .iter()
        .all(|e| (e.dashboard.as_of.month(), e.dashboard.as_of.day()) == (12, 31));
    series
        .iter()
        .map(|e| {
            if yearly {
                e.dashboard.as_of.year().to_string()
            } else {
                date(e.dashboard.as_of, lang)
            }
        })
        .collect()
}

/// The points: as of, known at, commit, files dropped.
fn points(o: &mut String, series: &[SeriesEntry<'_>], lang: Lang) -> Written {
    write!(
        o,
        "<section id=\"points\"><h2>{}</h2>",
        esc(tr(WORDS.series_points, lang))
    )?;
    if series.is_empty() {
        write!(
            o,
            "<p class=\"na-box\">{}</p>",
            esc(tr(WORDS.nothing, lang))
        )?;
        return o.write_str("</section>\n");
    }
    let mut table = String::new();
    table_open(&mut table, "points", tr(WORDS.series_points, lang), lang)?;
    headers(
        &mut table,
        &["as_of", "known_at", "commit", "dropped"],
        lang,
    )?;
    for e in series {
        let commit: String = e
            .commit
            .as_deref()
            .unwrap_or_default()
            .chars()
            .take(12)
            .collect();
        write!(
            table,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td></tr>",
            esc(&date(e.dashboard.as_of, lang)),
            esc(e.known_at.as_deref().unwrap_or_default()),
            esc(&commit),
            esc(&num::count(e.dropped, lang))
        )?;
    }
    table.push_str("</tbody></table></div>");
    if series.len() > 15 {
        write!(
            o,
            "<details><summary>{} ({})</summary>{table}</details>",
            esc(tr(WORDS.full_table, lang)),
            series.len()
        )?;
    } else {
        o.push_str(&table);
    }
    o.push_str("</section>\n");
    Ok(())
}

/// One figure over time: the lines of its largest keys at the last point, and the
/// table of those keys, one row per point.
fn figure(
    o: &mut String,
    name: &'static str,
    series: &[SeriesEntry<'_>],
    x: &[String],
    lang: Lang,
) -> Written {
    let id = format!("s-{}", name.replace('_', "-"));
    let title = figure_title(name, lang);
    write!(o, "<h3 id=\"h-{id}\">{}</h3>", esc(&title))?;
    let at: Vec<Values> = series
        .iter()
        .map(|e| values(name, e.dashboard, lang))
        .collect();
    let (lines, all) = lines_of(name, &at);
    if lines.is_empty() {
        return write!(
            o,
            "<p class=\"na-box\">{}</p>",
            esc(tr(WORDS.nothing_ever, lang))
        );
    }
    let desc = lines_desc(&lines, all, x, lang);
    let svg = chart::lines(&format!("c-{id}"), &title, &desc, x, &lines);
    let mut table = String::new();
    table_open(
        &mut table,
        &id,
        &format!("{} : {}", tr(WORDS.data, lang), title),
        lang,
    )?;
    write!(
        table,
        "<th scope=\"col\">{}</th>",
        esc(words::column("as_of", lang))
    )?;
    for (k, _) in &lines {
        write!(table, "<th scope=\"col\"{}>{}</th>", k.lang, esc(&k.text))?;
    }
    table.push_str("</tr></thead><tbody>");
    for (i, point) in x.iter().enumerate() {
        write!(table, "<tr><th scope=\"row\">{}</th>", esc(point))?;
        for (_, v) in &lines {
            write!(
                table,
                "<td class=\"n\">{}</td>",
                esc(&num::count(v.get(i).copied().unwrap_or(0), lang))
            )?;
        }
        table.push_str("</tr>");
    }
    table.push_str("</tbody></table></div>");
    pair(o, &svg, &table, x.len(), lang)
}

/// The lines to draw from a figure's values at each point, and how many keys there
/// are in all: every key seen, those of our own in their order, the latest years in
/// order, other keys by their value at the last point (then by name), at most
/// [`MOST_LINES`]; a key missing at a point counts 0 there.
fn lines_of(name: &str, at: &[Values]) -> (Vec<(Label, Vec<usize>)>, usize) {
    let mut keys: Vec<(Label, usize)> = Vec::new();
    for (label, _) in at.iter().flatten() {
        if !keys.iter().any(|(k, _)| k.text == label.text) {
            keys.push((label.clone(), 0));
        }
    }
    let value = |values: &Values, k: &Label| {
        values
            .iter()
            .find(|(l, _)| l.text == k.text)
            .map_or(0, |(_, n)| *n)
    };
    if let Some(last) = at.last() {
        for (k, n) in &mut keys {
            *n = value(last, k);
        }
    }
    let all = keys.len();
    match name {
        "key_figures" | "coverage" | "to_fix" => {}
        name if name.ends_with("_by_year") => {
            keys.sort_by(|a, b| a.0.text.cmp(&b.0.text));
            keys.drain(..keys.len().saturating_sub(MOST_LINES));
        }
        _ => keys.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.text.cmp(&b.0.text))),
    }
    keys.truncate(MOST_LINES);
    let lines = keys
        .into_iter()
        .map(|(k, _)| {
            let v = at.iter().map(|values| value(values, &k)).collect();
            (k, v)
        })
        .collect();
    (lines, all)
}

/// What a line chart shows: its span, its lines, the highest at the last point.
fn lines_desc(lines: &[(Label, Vec<usize>)], all: usize, x: &[String], lang: Lang) -> String {
    let (from, to) = (
        x.first().cloned().unwrap_or_default(),
        x.last().cloned().unwrap_or_default(),
    );
    let top = lines
        .iter()
        .filter_map(|(l, v)| v.last().map(|n| (l.text.as_str(), *n)))
        .max_by_key(|(_, n)| *n)
        .unwrap_or(("", 0));
    match lang {
        Lang::Fr => format!(
            "Courbes du {from} au {to} ({} points), une par valeur ({} sur {all}) ; au dernier point, la plus haute : {} ({}). Le tableau de données donne chaque point.",
            x.len(),
            lines.len(),
            top.0,
            top.1
        ),
        Lang::En => format!(
            "Lines from {from} to {to} ({} points), one per value ({} of {all}); at the last point, the highest: {} ({}). The data table gives every point.",
            x.len(),
            lines.len(),
            top.0,
            top.1
        ),
    }
}
