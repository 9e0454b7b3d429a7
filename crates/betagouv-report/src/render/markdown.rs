//! Markdown for a blog post: headings, tables, the claims check. Charts are left to
//! the HTML output; every chart's data is here as a table.

use std::fmt::Write;

use betagouv_portfolio::Stage;

use crate::error::{Error, Result};
use crate::model::{Report, Section};
use crate::num;

use super::{change, date, figure_value, p_value, quantity, title};

/// Escapes a table cell (`|` and line breaks).
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(o: &mut String, header: &[&str], rows: &[Vec<String>]) -> std::fmt::Result {
    writeln!(
        o,
        "| {} |",
        header
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    )?;
    writeln!(
        o,
        "|{}",
        header
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let numeric = i > 0
                    && !rows.is_empty()
                    && rows.iter().all(|r| {
                        r.get(i).is_none_or(|c| {
                            c.is_empty()
                                || c.chars()
                                    .next()
                                    .is_some_and(|ch| ch.is_ascii_digit() || "+-–€<".contains(ch))
                        })
                    });
                if numeric { "---:|" } else { "---|" }
            })
            .collect::<String>()
    )?;
    for r in rows {
        writeln!(
            o,
            "| {} |",
            r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        )?;
    }
    writeln!(o)
}

/// Renders the report as Markdown.
///
/// # Errors
/// [`Error::Fmt`] on a formatting failure (not expected with a `String`).
pub fn render(r: &Report) -> Result<String> {
    write_md(r).map_err(Error::Fmt)
}

fn write_md(r: &Report) -> std::result::Result<String, std::fmt::Error> {
    let lang = r.lang;
    let l = lang.labels();
    let mut o = String::new();
    writeln!(o, "# {}\n", title(r))?;
    writeln!(
        o,
        "{}. {} {} ({}).\n",
        l.subtitle,
        l.as_of,
        date(r.as_of, lang),
        r.sources.portfolio
    )?;

    writeln!(o, "## {}\n", l.key_figures)?;
    let prev = format!("{} ({})", l.previous_year, date(r.previous_as_of, lang));
    let rows: Vec<Vec<String>> = r
        .key_figures
        .iter()
        .map(|k| {
            vec![
                k.label.clone(),
                figure_value(k, lang),
                k.previous.map(|q| quantity(q, lang)).unwrap_or_default(),
                change(k.change, lang),
                k.note.clone(),
            ]
        })
        .collect();
    table(&mut o, &[l.claim, l.value, &prev, l.change, l.note], &rows)?;
    if let Some(m) = r.key_figure("members")
        && !m.breakdown.is_empty()
    {
        let parts: Vec<String> = m
            .breakdown
            .iter()
            .map(|p| format!("{} {}", p.label, p.count))
            .collect();
        writeln!(o, "{} {} : {}.\n", l.members, l.by_status, parts.join(", "))?;
    }

    writeln!(o, "## {}\n", l.portfolio)?;
    writeln!(o, "### {}\n", l.by_stage)?;
    let rows: Vec<Vec<String>> = r
        .portfolio
        .by_stage
        .iter()
        .filter(|s| s.count > 0)
        .map(|s| vec![s.label.clone(), num::count(s.count, lang)])
        .collect();
    table(&mut o, &[l.stage, l.count], &rows)?;
    writeln!(o, "### {}\n", l.by_incubator)?;
    let stages = [
        Stage::Incubating,
        Stage::InHandover,
        Stage::TakenOver,
        Stage::Stopped,
    ];
    let mut header = vec![l.incubator];
    header.extend(stages.iter().map(|s| lang.stage(*s)));
    header.push(l.total);
    let rows: Vec<Vec<String>> = r
        .portfolio
        .by_incubator
        .iter()
        .map(|i| {
            let mut v = vec![i.label.clone()];
            v.extend(stages.iter().map(|s| num::count(i.by_stage.get(*s), lang)));
            v.push(num::count(i.total, lang));
            v
        })
        .collect();
    table(&mut o, &header, &rows)?;
    writeln!(o, "### {}\n", l.funnel)?;
    let mut rows: Vec<Vec<String>> = r
        .portfolio
        .funnel
        .steps
        .iter()
        .map(|s| vec![s.label.clone(), num::count(s.reached, lang)])
        .collect();
    rows.push(vec![
        lang.stage(Stage::Stopped).to_owned(),
        num::count(r.portfolio.funnel.stopped, lang),
    ]);
    table(&mut o, &[l.stage, l.reached], &rows)?;
    if r.portfolio.funnel.status_records {
        writeln!(o, "{}\n", l.funnel_note)?;
    }
    writeln!(o, "### {}\n", l.timeline)?;
    let rows: Vec<Vec<String>> = r
        .portfolio
        .timeline
        .iter()
        .flat_map(|t| {
            t.spans.iter().map(|s| {
                vec![
                    t.name.clone(),
                    format!("{} ({})", s.phase, lang.stage(s.stage)),
                    s.start_as_written.clone(),
                    if s.ongoing {
                        l.ongoing.to_owned()
                    } else {
                        s.end.to_string()
                    },
                ]
            })
        })
        .collect();
    table(&mut o, &[l.service, l.phase, l.start, l.end], &rows)?;
    writeln!(o, "### {}\n", l.entries)?;
    if r.portfolio.entries.is_empty() {
        writeln!(o, "{}\n", l.no_entries)?;
    } else {
        for e in &r.portfolio.entries {
            writeln!(o, "- {} — {}", date(e.date, lang), e.name)?;
        }
        writeln!(o)?;
    }

    writeln!(o, "## {}\n", l.budget)?;
    match &r.budget {
        Section::NotComputable { reason } => writeln!(o, "*{}* : {reason}\n", l.not_computable)?,
        Section::Computed(b) => {
            let rows: Vec<Vec<String>> = b
                .by_source
                .iter()
                .map(|a| {
                    vec![
                        super::source_label(&a.key, lang),
                        num::euros(a.amount, lang),
                    ]
                })
                .collect();
            table(&mut o, &[l.source, l.amount], &rows)?;
            if let Some(s) = b.partner_share_percent {
                writeln!(
                    o,
                    "{} : {}.\n",
                    l.partner_share,
                    num::percent(&num::decimal(s, lang))
                )?;
            }
        }
    }

    writeln!(o, "## {}\n", l.impact)?;
    match &r.impact {
        Section::NotComputable { reason } => writeln!(o, "*{}* : {reason}\n", l.not_computable)?,
        Section::Computed(i) => {
            for e in &i.evaluations {
                let name = e.startup_name.as_deref().unwrap_or(&e.startup);
                writeln!(o, "### {name} — {}\n", l.evaluation)?;
                writeln!(o, "{}.\n", lang.pick(&e.outcome, e.outcome_fr.as_deref()))?;
                let rows: Vec<Vec<String>> = [&e.treated, &e.control]
                    .iter()
                    .map(|a| {
                        vec![
                            lang.pick(&a.label, a.label_fr.as_deref()).to_owned(),
                            num::int(i64::try_from(a.n).unwrap_or(i64::MAX), lang),
                            format!("{} %", num::fixed(a.rate_percent, 1, lang)),
                        ]
                    })
                    .collect();
                table(&mut o, &[l.cohort, l.cohort_size, l.rate], &rows)?;
                writeln!(
                    o,
                    "- {} : **{} {}** ({} : [{} ; {}])",
                    l.difference,
                    num::signed(e.difference_points, 1, lang),
                    l.points,
                    l.interval,
                    num::fixed(e.ci_lower_points, 2, lang),
                    num::fixed(e.ci_upper_points, 2, lang)
                )?;
                if let Some(rel) = e.relative_percent {
                    writeln!(o, "- {} : {} %", l.relative, num::signed(rel, 1, lang))?;
                }
                writeln!(o, "- {} : {}", l.p_value, p_value(e.p_value, lang))?;
                if let Some(m) = e.mde_points {
                    writeln!(o, "- {} : {} {}", l.mde, num::fixed(m, 2, lang), l.points)?;
                }
                writeln!(o, "- {} : {}\n", l.source, e.source)?;
            }
            if !i.kpis.is_empty() {
                writeln!(o, "### {}\n", l.kpis)?;
                let rows: Vec<Vec<String>> = i
                    .kpis
                    .iter()
                    .map(|k| {
                        vec![
                            k.startup_name.clone().unwrap_or_else(|| k.startup.clone()),
                            lang.pick(&k.metric, k.metric_fr.as_deref()).to_owned(),
                            super::html::kpi_value(k, lang),
                        ]
                    })
                    .collect();
                table(&mut o, &[l.service, l.metric, l.value], &rows)?;
            }
        }
    }

    writeln!(o, "## {}\n", l.claims)?;
    writeln!(o, "{}\n", l.claims_intro)?;
    let rows: Vec<Vec<String>> = r
        .claims
        .iter()
        .map(|c| {
            vec![
                c.label.clone(),
                c.published.clone(),
                c.computed.clone().unwrap_or_else(|| "–".to_owned()),
                format!("**{}**", lang.verdict(c.verdict)),
                c.note.clone(),
            ]
        })
        .collect();
    table(
        &mut o,
        &[l.claim, l.published, l.computed, l.verdict, l.note],
        &rows,
    )?;

    writeln!(o, "## {}\n", l.method)?;
    writeln!(o, "{}\n", l.method_text)?;
    writeln!(o, "{} : {}.", l.problems, super::problems(r))?;
    // French puts a space before a colon, English does not.
    if lang == crate::Lang::En {
        o = o.replace(" : ", ": ");
    }
    Ok(o)
}
