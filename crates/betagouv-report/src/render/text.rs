//! Plain text for a terminal, with optional ANSI colours. Colour is never the only
//! signal: verdicts and stages are always written out.

use std::fmt::{Result as Written, Write};

use super::ColorMode;
use crate::budget::{AmountRow, BudgetSection};
use crate::claims::Verdict;
use crate::error::{Error, Result};
use crate::history::ClaimsHistory;
use crate::impact::ImpactSection;
use crate::lang::{Labels, Lang};
use crate::model::{Report, Section};

use super::{
    EvaluationView, Sections, claim_columns, computed, date, entry_rows, evaluation_views,
    figure_rows, funnel_rows, history_rows, history_source, kpi_views, money_rows, partner_share,
    phase_rows, previous_header, stage_rows, statistical, title, write_sections,
};

/// The text renderer; `color` adds ANSI colours.
struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{s}\u{1b}[0m")
        } else {
            s.to_owned()
        }
    }
    fn heading(&self, s: &str) -> String {
        self.paint("1;34", s)
    }
    /// The published figures against the history: what was known at publication and
    /// the equal intervals.
    fn history(&self, o: &mut String, h: &ClaimsHistory, lang: Lang) -> Written {
        let l = lang.labels();
        writeln!(o, "{}", self.heading(l.history))?;
        writeln!(o, "{}", esc(&history_source(h, lang)))?;
        let rows: Vec<Vec<String>> = history_rows(h, lang)
            .into_iter()
            .map(|row| {
                let c = row.claim;
                vec![
                    esc(&c.label),
                    esc(&c.published),
                    esc(&row.at_publication),
                    self.verdict(
                        c.verdict_at_publication,
                        lang.verdict(c.verdict_at_publication),
                    ),
                ]
            })
            .collect();
        table(
            o,
            &[l.claim, l.published, l.at_publication, l.verdict],
            &rows,
        )?;
        writeln!(o, "  {}:", l.equal_intervals)?;
        for row in history_rows(h, lang) {
            writeln!(o, "  · {}: {}", esc(&row.claim.claim), esc(&row.intervals))?;
        }
        writeln!(o)
    }

    fn verdict(&self, v: Verdict, label: &str) -> String {
        let code = match v {
            Verdict::Matches => "32",
            Verdict::Differs => "1;31",
            Verdict::Consistent => "33",
            Verdict::NotComputable => "2",
        };
        self.paint(code, label)
    }
}

/// Display width of a cell: characters, escape sequences excluded.
fn width(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        if in_escape {
            in_escape = c != 'm';
        } else if c == '\u{1b}' {
            in_escape = true;
        } else {
            n += 1;
        }
    }
    n
}

/// A table with aligned columns; numbers (cells starting with a digit, sign or `<`)
/// are right-aligned.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) -> std::fmt::Result {
    let cols = header.len();
    let mut w: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            w[i] = w[i].max(width(c));
        }
    }
    let line = |out: &mut String, cells: &[String]| -> std::fmt::Result {
        out.push_str("  ");
        for (i, c) in cells.iter().enumerate().take(cols) {
            let pad = w[i].saturating_sub(width(c));
            let numeric = i > 0
                && c.chars()
                    .next()
                    .is_some_and(|ch| ch.is_ascii_digit() || "+-<€".contains(ch));
            if numeric {
                write!(out, "{}{c}", " ".repeat(pad))?;
            } else {
                write!(out, "{c}{}", " ".repeat(pad))?;
            }
            if i + 1 < cols {
                out.push_str("  ");
            }
        }
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
        Ok(())
    };
    line(
        out,
        &header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>(),
    )?;
    let rule: Vec<String> = w.iter().map(|n| "─".repeat(*n)).collect();
    line(out, &rule)?;
    for r in rows {
        line(out, r)?;
    }
    Ok(())
}

/// Renders the report as text; [`ColorMode::Ansi`] adds ANSI colours.
///
/// # Errors
/// [`Error::Fmt`] on a formatting failure (not expected with a `String`).
pub fn render(r: &Report, color: ColorMode) -> Result<String> {
    let color = color == ColorMode::Ansi;
    write_sections(&Style { color }, r, 0).map_err(Error::Fmt)
}

impl Sections for Style {
    const FRENCH_COLONS: bool = false;

    /// The title, the subtitle and what the figures describe.
    fn header(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        writeln!(o, "{}", self.heading(&title(r)))?;
        writeln!(o, "{}", l.subtitle)?;
        writeln!(
            o,
            "{} {} · {}",
            l.as_of,
            date(r.as_of, r.lang),
            esc(&r.sources.portfolio)
        )?;
        writeln!(o)
    }

    /// The key figures' table, the members by status and the figures' notes.
    fn key_figures(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        writeln!(o, "{}", self.heading(l.key_figures))?;
        let figures = figure_rows(r);
        let rows: Vec<Vec<String>> = figures
            .iter()
            .map(|k| {
                vec![
                    esc(&k.figure.label),
                    k.value.clone(),
                    k.previous.clone().unwrap_or_default(),
                    k.change.clone(),
                ]
            })
            .collect();
        table(o, &["", "", &previous_header(r), l.change], &rows)?;
        if let Some(m) = figures.iter().find(|k| k.figure.key == "members")
            && !m.breakdown.is_empty()
        {
            let parts: Vec<String> = m.breakdown.iter().map(|p| esc(p)).collect();
            writeln!(o, "  {} {}: {}", l.members, l.by_status, parts.join(", "))?;
        }
        for k in &figures {
            if !k.figure.note.is_empty() {
                writeln!(o, "  · {} — {}", esc(&k.figure.label), esc(&k.figure.note))?;
            }
        }
        writeln!(o)
    }

    /// By stage, by phase as written, the funnel and the year's entries.
    fn portfolio(&self, o: &mut String, r: &Report) -> Written {
        writeln!(o, "{}", self.heading(r.lang.labels().portfolio))?;
        by_stage(o, r)?;
        by_phase(o, r)?;
        funnel(o, r, self)?;
        entries(o, r, self)
    }

    /// The budget by source, the partner share and the spending by service.
    fn budget(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        writeln!(o, "{}", self.heading(l.budget))?;
        match &r.budget {
            Section::NotComputable { reason } => not_computable(o, l, reason)?,
            Section::Computed(b) => {
                by_source(o, b, r.lang)?;
                spending(o, b, r.lang)?;
            }
        }
        writeln!(o)
    }

    /// Each evaluation's figures, then the usage KPIs.
    fn impact(&self, o: &mut String, r: &Report) -> Written {
        let l = r.lang.labels();
        writeln!(o, "{}", self.heading(l.impact))?;
        match &r.impact {
            Section::NotComputable { reason } => not_computable(o, l, reason)?,
            Section::Computed(i) => {
                for e in &evaluation_views(i, r.lang) {
                    evaluation(o, e, l)?;
                }
                kpis(o, i, r.lang)?;
            }
        }
        writeln!(o)
    }

    /// Each published figure beside the computed one, its verdict, then the notes.
    fn claims(&self, o: &mut String, r: &Report) -> Written {
        let lang = r.lang;
        let l = lang.labels();
        writeln!(o, "{}", self.heading(l.claims))?;
        let rows: Vec<Vec<String>> = r
            .claims
            .iter()
            .map(|c| {
                vec![
                    esc(&c.label),
                    esc(&c.published),
                    esc(computed(c)),
                    self.verdict(c.verdict, lang.verdict(c.verdict)),
                    statistical(c, lang),
                ]
            })
            .collect();
        table(o, &claim_columns(l)[..5], &rows)?;
        for c in &r.claims {
            writeln!(o, "  · {}: {}", esc(&c.claim), esc(&c.note))?;
        }
        writeln!(o)?;
        if let Some(h) = &r.history {
            self.history(o, h, lang)?;
        }
        Ok(())
    }

    /// The problem counts (the method is in the HTML and Markdown reports).
    fn method(&self, o: &mut String, r: &Report) -> Written {
        writeln!(o, "{}: {}", r.lang.labels().problems, super::problems(r))
    }
}

/// Text from the inputs (names, phases, paths, notes), with its control characters
/// escaped: only the renderer's own colour codes reach the terminal.
fn esc(s: &str) -> String {
    betagouv_portfolio::diagnostic::escape_controls(s).into_owned()
}

fn by_stage(o: &mut String, r: &Report) -> Written {
    let l = r.lang.labels();
    let rows: Vec<Vec<String>> = stage_rows(r)
        .into_iter()
        .filter(|s| s.count > 0)
        .map(|s| vec![s.label, s.text])
        .collect();
    table(o, &[l.stage, l.count], &rows)?;
    writeln!(o)
}

fn by_phase(o: &mut String, r: &Report) -> Written {
    let l = r.lang.labels();
    let rows: Vec<Vec<String>> = phase_rows(r)
        .into_iter()
        .map(|[phase, stage, count]| vec![esc(&phase), stage, count])
        .collect();
    table(o, &[l.phase, l.stage, l.count], &rows)?;
    writeln!(o)
}

fn funnel(o: &mut String, r: &Report, st: &Style) -> Written {
    let l = r.lang.labels();
    writeln!(o, "{}", st.heading(l.funnel))?;
    let rows: Vec<Vec<String>> = funnel_rows(r)
        .into_iter()
        .map(|s| vec![s.label, s.text])
        .collect();
    table(o, &[l.stage, l.reached], &rows)?;
    if r.portfolio.funnel.status_records {
        writeln!(o, "  {}", l.funnel_note)?;
    }
    writeln!(o)
}

fn entries(o: &mut String, r: &Report, st: &Style) -> Written {
    let l = r.lang.labels();
    writeln!(o, "{}", st.heading(l.entries))?;
    let rows = entry_rows(r);
    if rows.is_empty() {
        writeln!(o, "  {}", l.no_entries)?;
    }
    for (_, day, name) in rows {
        writeln!(o, "  {day}  {}", esc(name))?;
    }
    writeln!(o)
}

fn not_computable(o: &mut String, l: &Labels, reason: &str) -> Written {
    writeln!(o, "  {}: {}", l.not_computable, esc(reason))
}

fn money_table(o: &mut String, header: &[&str], rows: &[AmountRow], lang: Lang) -> Written {
    let rows: Vec<Vec<String>> = money_rows(rows, lang)
        .into_iter()
        .map(|a| vec![esc(&a.label), a.amount])
        .collect();
    table(o, header, &rows)
}

fn by_source(o: &mut String, b: &BudgetSection, lang: Lang) -> Written {
    let l = lang.labels();
    money_table(o, &[l.source, l.amount], &b.by_source, lang)?;
    if let Some(share) = partner_share(b, lang) {
        writeln!(o, "  {}: {share}", l.partner_share)?;
    }
    Ok(())
}

fn spending(o: &mut String, b: &BudgetSection, lang: Lang) -> Written {
    let l = lang.labels();
    if b.by_startup.is_empty() {
        return Ok(());
    }
    money_table(o, &[l.service, l.amount], &b.by_startup, lang)
}

fn evaluation(o: &mut String, e: &EvaluationView<'_>, l: &Labels) -> Written {
    writeln!(o, "  {} — {}", esc(e.name), esc(e.outcome))?;
    let [treated, control] = &e.arms;
    writeln!(
        o,
        "    {} {} ({} {}) · {} {} ({} {})",
        esc(treated.label),
        treated.rate,
        l.cohort_size,
        treated.n,
        esc(control.label),
        control.rate,
        l.cohort_size,
        control.n,
    )?;
    writeln!(o, "    {}: {}", l.design, e.design)?;
    if let Some(caveat) = e.caveat {
        writeln!(o, "    {caveat}")?;
    }
    let (lower, upper) = &e.ci;
    writeln!(
        o,
        "    {}: {} ({}: [{lower} ; {upper}])",
        e.difference_label, e.difference, l.interval,
    )?;
    if let Some(relative) = e.relative_with_ci(l, ": ") {
        writeln!(o, "    {}: {relative}", l.relative)?;
    }
    writeln!(o, "    {}: {}", l.test, e.test)?;
    writeln!(o, "    {}: {}", l.p_value, e.p_value)?;
    if let Some(adjusted) = &e.adjusted {
        writeln!(o, "    {}: {adjusted}", l.adjusted_p)?;
    }
    if let Some(disagreement) = e.disagreement {
        writeln!(o, "    {disagreement}")?;
    }
    if let Some(mde) = &e.mde {
        writeln!(o, "    {}: {mde}{}", e.mde_label, e.mde_relative)?;
    }
    for (label, value) in &e.diagnostics {
        writeln!(o, "    {label}: {value}")?;
    }
    Ok(())
}

fn kpis(o: &mut String, i: &ImpactSection, lang: Lang) -> Written {
    let l = lang.labels();
    let rows: Vec<Vec<String>> = kpi_views(i, lang)
        .into_iter()
        .map(|k| vec![esc(k.service), esc(k.metric), esc(&k.value)])
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(o, "  {}", l.kpis)?;
    table(o, &[l.service, l.metric, l.value], &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_skip_escapes() {
        assert_eq!(width("\u{1b}[32mok\u{1b}[0m"), 2);
        assert_eq!(width("été"), 3);
    }

    #[test]
    fn data_escape_codes_are_escaped_but_the_colours_stay() {
        use crate::{Inputs, Report, ReportOptions};
        let mut p = betagouv_portfolio::builtin::portfolio_2016();
        for s in &mut p.startups {
            s.name = format!("{}\u{1b}]0;pwned\u{7}", s.name);
            for ph in &mut s.phases {
                ph.name = format!("\u{1b}[31m{}", ph.name);
            }
        }
        let inputs = Inputs::new(&p, "dir\u{1b}[2J");
        let r = Report::compute(&inputs, &ReportOptions::default()).expect("computes");
        let text = render(&r, ColorMode::Ansi).expect("renders");
        assert!(
            !text.contains("\u{1b}]0;"),
            "a data escape reached the text"
        );
        assert!(!text.contains("\u{1b}[2J"));
        assert!(
            text.contains("dir\\u{1b}[2J"),
            "the source is shown escaped"
        );
        assert!(
            text.contains("\\u{1b}[31m"),
            "phase names are shown escaped"
        );
        // The renderer's own colour codes are kept.
        assert!(text.contains("\u{1b}[1;34m"), "{text}");
    }
}
