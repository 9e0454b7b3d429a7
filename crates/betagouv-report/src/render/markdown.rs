//! Markdown for a blog post: headings, tables, the claims check. Charts are left to
//! the HTML output; every chart's data is here as a table.

use std::fmt::{Result as Written, Write};

use crate::budget::BudgetSection;
use crate::error::{Error, Result};
use crate::history::ClaimsHistory;
use crate::impact::ImpactSection;
use crate::lang::{Labels, Lang};
use crate::model::{Report, Section};

use super::{
    EvaluationView, Sections, claim_columns, computed, date, entry_rows, evaluation_views,
    figure_rows, funnel_rows, history_rows, history_source, incubator_header, incubator_rows,
    kpi_views, money_rows, partner_share, previous_header, span_rows, stage_rows, statistical,
    title, write_sections,
};

/// The Markdown renderer.
struct Markdown;

/// Escapes a table cell (`|` and line breaks).
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(o: &mut String, header: &[&str], rows: &[Vec<String>]) -> Written {
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
    write_sections(&Markdown, r, 0).map_err(Error::Fmt)
}

impl Sections for Markdown {
    const FRENCH_COLONS: bool = true;

    /// The title and what the figures describe.
    fn header(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        writeln!(o, "# {}\n", title(r))?;
        writeln!(
            o,
            "{}. {} {} ({}).\n",
            l.subtitle,
            l.as_of,
            date(r.as_of, r.lang),
            r.sources.portfolio
        )
    }

    /// The key figures' table and the members by status.
    fn key_figures(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        writeln!(o, "## {}\n", l.key_figures)?;
        let figures = figure_rows(r);
        let rows: Vec<Vec<String>> = figures
            .iter()
            .map(|k| {
                vec![
                    k.figure.label.clone(),
                    k.value.clone(),
                    k.previous.clone().unwrap_or_default(),
                    k.change.clone(),
                    k.figure.note.clone(),
                ]
            })
            .collect();
        let previous = previous_header(r);
        table(o, &[l.claim, l.value, &previous, l.change, l.note], &rows)?;
        if let Some(m) = figures.iter().find(|k| k.figure.key == "members")
            && !m.breakdown.is_empty()
        {
            let parts = m.breakdown.join(", ");
            writeln!(o, "{} {} : {parts}.\n", l.members, l.by_status)?;
        }
        Ok(())
    }

    /// By stage, by incubator, the funnel, the timeline and the year's entries.
    fn portfolio(&self, o: &mut String, r: &Report) -> Written {
        writeln!(o, "## {}\n", r.lang.labels().portfolio)?;
        by_stage(o, r)?;
        by_incubator(o, r)?;
        funnel(o, r)?;
        timeline(o, r)?;
        entries(o, r)
    }

    /// The budget by source and the partner share.
    fn budget(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        writeln!(o, "## {}\n", l.budget)?;
        match &r.budget {
            Section::NotComputable { reason } => not_computable(o, l, reason),
            Section::Computed(b) => by_source(o, b, r.lang),
        }
    }

    /// Each evaluation's cohorts and figures, then the usage KPIs.
    fn impact(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        writeln!(o, "## {}\n", l.impact)?;
        match &r.impact {
            Section::NotComputable { reason } => not_computable(o, l, reason),
            Section::Computed(i) => {
                for e in &evaluation_views(i, r.lang) {
                    evaluation(o, e, l)?;
                }
                kpis(o, i, r.lang)
            }
        }
    }

    /// Each published figure beside the computed one, with its verdict and note.
    fn claims(&self, o: &mut String, r: &Report) -> Written {
        let lang = r.lang;
        let l = lang.labels();
        writeln!(o, "## {}\n", l.claims)?;
        writeln!(o, "{}\n", l.claims_intro)?;
        let rows: Vec<Vec<String>> = r
            .claims
            .iter()
            .map(|c| {
                vec![
                    c.label.clone(),
                    c.published.clone(),
                    computed(c).to_owned(),
                    format!("**{}**", lang.verdict(c.verdict)),
                    statistical(c, lang),
                    c.note.clone(),
                ]
            })
            .collect();
        table(o, &claim_columns(l), &rows)?;
        match &r.history {
            Some(h) => history(o, h, lang),
            None => Ok(()),
        }
    }

    /// The method and the problem counts.
    fn method(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        writeln!(o, "## {}\n", l.method)?;
        writeln!(o, "{}\n", l.method_text)?;
        writeln!(o, "{} : {}.", l.problems, super::problems(r))
    }
}

/// The published figures against the history.
fn history(o: &mut String, h: &ClaimsHistory, lang: Lang) -> Written {
    let l = lang.labels();
    writeln!(o, "\n### {}\n", l.history)?;
    writeln!(o, "{}\n", l.history_intro)?;
    writeln!(o, "{}\n", history_source(h, lang))?;
    let rows: Vec<Vec<String>> = history_rows(h, lang)
        .into_iter()
        .map(|row| {
            let c = row.claim;
            vec![
                c.label.clone(),
                c.published.clone(),
                row.at_publication,
                format!("**{}**", lang.verdict(c.verdict_at_publication)),
                row.intervals,
            ]
        })
        .collect();
    table(
        o,
        &[
            l.claim,
            l.published,
            l.at_publication,
            l.verdict,
            l.equal_intervals,
        ],
        &rows,
    )
}

fn by_stage(o: &mut String, r: &Report) -> Written {
    let l = r.lang.labels();
    writeln!(o, "### {}\n", l.by_stage)?;
    let rows: Vec<Vec<String>> = stage_rows(r)
        .into_iter()
        .filter(|s| s.count > 0)
        .map(|s| vec![s.label, s.text])
        .collect();
    table(o, &[l.stage, l.count], &rows)
}

fn by_incubator(o: &mut String, r: &Report) -> Written {
    writeln!(o, "### {}\n", r.lang.labels().by_incubator)?;
    let rows: Vec<Vec<String>> = incubator_rows(r)
        .into_iter()
        .map(|i| {
            let mut cells = vec![i.label.to_owned()];
            cells.extend(i.cells);
            cells
        })
        .collect();
    table(o, &incubator_header(r.lang), &rows)
}

fn funnel(o: &mut String, r: &Report) -> Written {
    let l = r.lang.labels();
    writeln!(o, "### {}\n", l.funnel)?;
    let rows: Vec<Vec<String>> = funnel_rows(r)
        .into_iter()
        .map(|s| vec![s.label, s.text])
        .collect();
    table(o, &[l.stage, l.reached], &rows)?;
    if r.portfolio.funnel.status_records {
        writeln!(o, "{}\n", l.funnel_note)?;
    }
    Ok(())
}

fn timeline(o: &mut String, r: &Report) -> Written {
    let l = r.lang.labels();
    writeln!(o, "### {}\n", l.timeline)?;
    let rows: Vec<Vec<String>> = span_rows(r)
        .into_iter()
        .map(|s| vec![s.service.to_owned(), s.phase, s.start.to_owned(), s.end])
        .collect();
    table(o, &[l.service, l.phase, l.start, l.end], &rows)
}

fn entries(o: &mut String, r: &Report) -> Written {
    let l = r.lang.labels();
    writeln!(o, "### {}\n", l.entries)?;
    let rows = entry_rows(r);
    if rows.is_empty() {
        return writeln!(o, "{}\n", l.no_entries);
    }
    for (_, day, name) in rows {
        writeln!(o, "- {day} — {name}")?;
    }
    writeln!(o)
}

fn not_computable(o: &mut String, l: &Labels, reason: &str) -> Written {
    writeln!(o, "*{}* : {reason}\n", l.not_computable)
}

fn by_source(o: &mut String, b: &BudgetSection, lang: Lang) -> Written {
    let l = lang.labels();
    let rows: Vec<Vec<String>> = money_rows(&b.by_source, lang)
        .into_iter()
        .map(|a| vec![a.label, a.amount])
        .collect();
    table(o, &[l.source, l.amount], &rows)?;
    if let Some(share) = partner_share(b, lang) {
        writeln!(o, "{} : {share}.\n", l.partner_share)?;
    }
    Ok(())
}

fn evaluation(o: &mut String, e: &EvaluationView<'_>, l: &Labels) -> Written {
    writeln!(o, "### {} — {}\n", e.name, l.evaluation)?;
    writeln!(o, "{}.\n", e.outcome)?;
    let rows: Vec<Vec<String>> = e
        .arms
        .iter()
        .map(|a| vec![a.label.to_owned(), a.n.clone(), a.rate.clone()])
        .collect();
    table(o, &[l.cohort, l.cohort_size, l.rate], &rows)?;
    writeln!(o, "- {} : {}", l.design, e.design)?;
    if let Some(caveat) = e.caveat {
        writeln!(o, "- **{caveat}**")?;
    }
    let (lower, upper) = &e.ci;
    writeln!(
        o,
        "- {} : **{}** ({} : [{lower} ; {upper}])",
        e.difference_label, e.difference, l.interval
    )?;
    if let Some(relative) = e.relative_with_ci(l, " : ") {
        writeln!(o, "- {} : {relative}", l.relative)?;
    }
    writeln!(o, "- {} : {}", l.test, e.test)?;
    writeln!(o, "- {} : {}", l.p_value, e.p_value)?;
    if let Some(adjusted) = &e.adjusted {
        writeln!(o, "- {} : {adjusted}", l.adjusted_p)?;
    }
    if let Some(disagreement) = e.disagreement {
        writeln!(o, "- {disagreement}")?;
    }
    if let Some(mde) = &e.mde {
        writeln!(o, "- {} : {mde}", e.mde_label)?;
    }
    for (label, value) in &e.diagnostics {
        writeln!(o, "- {label} : {value}")?;
    }
    writeln!(o, "- {} : {}\n", l.source, e.row.source)
}

fn kpis(o: &mut String, i: &ImpactSection, lang: Lang) -> Written {
    let l = lang.labels();
    let rows: Vec<Vec<String>> = kpi_views(i, lang)
        .into_iter()
        .map(|k| vec![k.service.to_owned(), k.metric.to_owned(), k.value])
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(o, "### {}\n", l.kpis)?;
    table(o, &[l.service, l.metric, l.value], &rows)
}
