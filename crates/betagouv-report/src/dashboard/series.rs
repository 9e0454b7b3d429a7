//! The page of a dashboard series: each figure over time as lines beside its data table.

use std::fmt::{Result as Written, Write};

use betagouv_portfolio::dashboard::{Counts, Dashboard, YearCounts};

use super::SeriesEntry;
use super::chart::{self, Label};
use super::html::{page_close, page_open, pair, table_open};
use super::words::{self, WORDS, tr};
use super::{data_lang, rule_line};
use crate::lang::Lang;
use crate::num;
use crate::render::{date, svg::esc};

/// The most lines a chart draws (the CSV files give every key).
const MOST_LINES: usize = 8;

/// A figure's values at one point: a label for people, and the count.
type Values = Vec<(Label, usize)>;

/// A figure of the series page: its name (for ids), its title, its values at a point.
struct Figure {
    name: &'static str,
    title: String,
    values: Box<dyn Fn(&Dashboard) -> Values>,
}

fn ours(key: &'static str, lang: Lang) -> Label {
    Label {
        text: words::column(key, lang).to_owned(),
        lang: "",
    }
}

fn data(key: &str, lang: Lang) -> Label {
    Label {
        text: words::term(key, lang),
        lang: if key == "unknown" {
            ""
        } else {
            data_lang(key, lang)
        },
    }
}

fn of_counts(c: &Counts, lang: Lang) -> Values {
    c.iter().map(|(k, n)| (data(k, lang), *n)).collect()
}

fn of_years(c: &YearCounts) -> Values {
    c.iter()
        .map(|(y, n)| {
            (
                Label {
                    text: y.to_string(),
                    lang: "",
                },
                *n,
            )
        })
        .collect()
}

/// The figures of the page, in order (the `*_by_phase` matrices and the definitions
/// are in the CSV files only).
fn figures(lang: Lang) -> Vec<Figure> {
    let title = |name| words::figure(name, lang).to_owned();
    let counts = |name: &'static str, get: fn(&Dashboard) -> &Counts| Figure {
        name,
        title: title(name),
        values: Box::new(move |d| of_counts(get(d), lang)),
    };
    let years = |name: &'static str, get: fn(&Dashboard) -> &YearCounts| Figure {
        name,
        title: title(name),
        values: Box::new(move |d| of_years(get(d))),
    };
    let coverage_title = match lang {
        Lang::Fr => "Page de statistiques et Dashlord (produits actifs)",
        Lang::En => "Statistics page and Dashlord (active products)",
    };
    vec![
        Figure {
            name: "key_figures",
            title: title("key_figures"),
            values: Box::new(move |d| {
                vec![
                    (ours("products_total", lang), d.products.total),
                    (ours("products_active", lang), d.products.active),
                    (ours("members_active", lang), d.members.active),
                ]
            }),
        },
        counts("products_by_phase", |d| &d.products.by_phase),
        counts("active_by_incubator", |d| &d.active_by_incubator),
        years("launches_by_year", |d| &d.launches_by_year),
        years("national_impact_by_year", |d| &d.national_impact_by_year),
        Figure {
            name: "open_source_by_phase",
            title: format!(
                "{} ({})",
                title("open_source_by_phase"),
                words::column("with_repository", lang)
            ),
            values: Box::new(move |d| {
                d.open_source_by_phase
                    .iter()
                    .map(|(k, o)| (data(k, lang), o.with_repository))
                    .collect()
            }),
        },
        Figure {
            name: "coverage",
            title: coverage_title.to_owned(),
            values: Box::new(move |d| {
                vec![
                    (ours("products_active", lang), d.stats_page.total),
                    (
                        Label {
                            text: words::short("stats_page", lang).to_owned(),
                            lang: "",
                        },
                        d.stats_page.with,
                    ),
                    (
                        Label {
                            text: words::short("dashlord", lang).to_owned(),
                            lang: "",
                        },
                        d.dashlord.with,
                    ),
                ]
            }),
        },
        counts("accessibility_status", |d| &d.accessibility_status),
        counts("by_thematique", |d| &d.by_thematique),
        counts("by_sponsor", |d| &d.by_sponsor),
        years("members_new_by_year", |d| &d.members.new_by_year),
        counts("members_active_by_domaine", |d| {
            &d.members.active_by_domaine
        }),
        counts("members_active_by_competence", |d| {
            &d.members.active_by_competence
        }),
        Figure {
            name: "members_active_by_status",
            title: title("members_active_by_status"),
            values: Box::new(move |d| {
                d.members
                    .active_by_status
                    .iter()
                    .map(|(k, n)| {
                        (
                            Label {
                                text: lang.member_status(k).to_owned(),
                                lang: "",
                            },
                            *n,
                        )
                    })
                    .collect()
            }),
        },
        Figure {
            name: "to_fix",
            title: title("to_fix"),
            values: Box::new(move |d| {
                let t = &d.to_fix;
                [
                    ("no_stats_page", t.no_stats_page.len()),
                    ("no_dashlord", t.no_dashlord.len()),
                    ("no_accessibility_status", t.no_accessibility_status.len()),
                ]
                .into_iter()
                .map(|(k, n)| {
                    (
                        Label {
                            text: words::term(k, lang),
                            lang: "",
                        },
                        n,
                    )
                })
                .collect()
            }),
        },
    ]
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
    let figures = figures(lang);
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
    let x: Vec<String> = series
        .iter()
        .map(|e| date(e.dashboard.as_of, lang))
        .collect();
    for f in &figures {
        figure(o, f, series, &x, lang)?;
    }
    o.push_str("</section>\n");
    let at = last.map_or_else(String::new, |e| date(e.dashboard.as_of, lang));
    page_close(o, lang, &at)
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
    for key in ["as_of", "known_at", "commit", "dropped"] {
        write!(
            table,
            "<th scope=\"col\">{}</th>",
            esc(words::column(key, lang))
        )?;
    }
    table.push_str("</tr></thead><tbody>");
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
    f: &Figure,
    series: &[SeriesEntry<'_>],
    x: &[String],
    lang: Lang,
) -> Written {
    let id = format!("s-{}", f.name.replace('_', "-"));
    write!(o, "<h3 id=\"h-{id}\">{}</h3>", esc(&f.title))?;
    let at: Vec<Values> = series.iter().map(|e| (f.values)(e.dashboard)).collect();
    // Every key seen, ranked by its value at the last point, then by name.
    let mut keys: Vec<(Label, usize)> = Vec::new();
    for values in &at {
        for (label, _) in values {
            if !keys.iter().any(|(k, _)| k.text == label.text) {
                keys.push((label.clone(), 0));
            }
        }
    }
    if let Some(last) = at.last() {
        for (k, n) in &mut keys {
            *n = last
                .iter()
                .find(|(l, _)| l.text == k.text)
                .map_or(0, |(_, v)| *v);
        }
    }
    if keys.is_empty() {
        return write!(
            o,
            "<p class=\"na-box\">{}</p>",
            esc(tr(WORDS.nothing_ever, lang))
        );
    }
    let all = keys.len();
    match f.name {
        "key_figures" | "coverage" | "to_fix" => {}
        // The latest years, in order.
        name if name.ends_with("_by_year") => {
            keys.sort_by(|a, b| a.0.text.cmp(&b.0.text));
            keys.drain(..keys.len().saturating_sub(MOST_LINES));
        }
        _ => keys.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.text.cmp(&b.0.text))),
    }
    keys.truncate(MOST_LINES);
    let lines: Vec<(Label, Vec<usize>)> = keys
        .iter()
        .map(|(k, _)| {
            let v = at
                .iter()
                .map(|values| {
                    values
                        .iter()
                        .find(|(l, _)| l.text == k.text)
                        .map_or(0, |(_, n)| *n)
                })
                .collect();
            (k.clone(), v)
        })
        .collect();
    let desc = lines_desc(&lines, all, x, lang);
    let svg = chart::lines(&format!("c-{id}"), &f.title, &desc, x, &lines);
    let mut table = String::new();
    table_open(
        &mut table,
        &id,
        &format!("{} : {}", tr(WORDS.data, lang), f.title),
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
