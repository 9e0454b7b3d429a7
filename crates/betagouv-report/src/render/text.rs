//! Plain text for a terminal, with optional ANSI colours. Colour is never the only
//! signal: verdicts and stages are always written out.

use std::fmt::Write;

use crate::claims::Verdict;
use crate::error::{Error, Result};
use crate::model::{Report, Section};
use crate::num;

use super::{change, date, figure_value, p_value, title};

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

/// Renders the report as text; `color` adds ANSI colours.
///
/// # Errors
/// [`Error::Fmt`] on a formatting failure (not expected with a `String`).
pub fn render(r: &Report, color: bool) -> Result<String> {
    write_report(r, &Style { color }).map_err(Error::Fmt)
}

/// Text from the inputs (names, phases, paths, notes), with its control characters
/// escaped: only the renderer's own colour codes reach the terminal.
fn esc(s: &str) -> String {
    betagouv_portfolio::diagnostic::escape_controls(s).into_owned()
}

fn write_report(r: &Report, st: &Style) -> std::result::Result<String, std::fmt::Error> {
    let lang = r.lang;
    let l = lang.labels();
    let mut o = String::new();
    writeln!(o, "{}", st.heading(&title(r)))?;
    writeln!(o, "{}", l.subtitle)?;
    writeln!(
        o,
        "{} {} · {}",
        l.as_of,
        date(r.as_of, lang),
        esc(&r.sources.portfolio)
    )?;
    writeln!(o)?;

    writeln!(o, "{}", st.heading(l.key_figures))?;
    let prev = format!("{} ({})", l.previous_year, date(r.previous_as_of, lang));
    let rows: Vec<Vec<String>> = r
        .key_figures
        .iter()
        .map(|k| {
            vec![
                esc(&k.label),
                figure_value(k, lang),
                k.previous
                    .map(|q| super::quantity(q, lang))
                    .unwrap_or_default(),
                change(k.change, lang),
            ]
        })
        .collect();
    table(&mut o, &["", "", &prev, l.change], &rows)?;
    if let Some(m) = r.key_figure("members")
        && !m.breakdown.is_empty()
    {
        let parts: Vec<String> = m
            .breakdown
            .iter()
            .map(|p| format!("{} {}", esc(&p.label), p.count))
            .collect();
        writeln!(o, "  {} {}: {}", l.members, l.by_status, parts.join(", "))?;
    }
    for k in &r.key_figures {
        if !k.note.is_empty() {
            writeln!(o, "  · {} — {}", esc(&k.label), esc(&k.note))?;
        }
    }
    writeln!(o)?;

    writeln!(o, "{}", st.heading(l.portfolio))?;
    let rows: Vec<Vec<String>> = r
        .portfolio
        .by_stage
        .iter()
        .filter(|s| s.count > 0)
        .map(|s| vec![s.label.clone(), num::count(s.count, lang)])
        .collect();
    table(&mut o, &[l.stage, l.count], &rows)?;
    writeln!(o)?;
    let rows: Vec<Vec<String>> = r
        .portfolio
        .by_phase
        .iter()
        .map(|p| {
            vec![
                esc(&p.phase),
                lang.stage(p.stage).to_owned(),
                num::count(p.count, lang),
            ]
        })
        .collect();
    table(&mut o, &[l.phase, l.stage, l.count], &rows)?;
    writeln!(o)?;
    writeln!(o, "{}", st.heading(l.funnel))?;
    let mut rows: Vec<Vec<String>> = r
        .portfolio
        .funnel
        .steps
        .iter()
        .map(|s| vec![s.label.clone(), num::count(s.reached, lang)])
        .collect();
    rows.push(vec![
        lang.stage(betagouv_portfolio::Stage::Stopped).to_owned(),
        num::count(r.portfolio.funnel.stopped, lang),
    ]);
    table(&mut o, &[l.stage, l.reached], &rows)?;
    if r.portfolio.funnel.status_records {
        writeln!(o, "  {}", l.funnel_note)?;
    }
    writeln!(o)?;
    writeln!(o, "{}", st.heading(l.entries))?;
    if r.portfolio.entries.is_empty() {
        writeln!(o, "  {}", l.no_entries)?;
    }
    for e in &r.portfolio.entries {
        writeln!(o, "  {}  {}", date(e.date, lang), esc(&e.name))?;
    }
    writeln!(o)?;

    writeln!(o, "{}", st.heading(l.budget))?;
    match &r.budget {
        Section::NotComputable { reason } => {
            writeln!(o, "  {}: {}", l.not_computable, esc(reason))?;
        }
        Section::Computed(b) => {
            let rows: Vec<Vec<String>> = b
                .by_source
                .iter()
                .map(|a| {
                    vec![
                        esc(&super::source_label(&a.key, lang)),
                        num::euros(a.amount, lang),
                    ]
                })
                .collect();
            table(&mut o, &[l.source, l.amount], &rows)?;
            if let Some(s) = b.partner_share_percent {
                writeln!(
                    o,
                    "  {}: {}",
                    l.partner_share,
                    num::percent(&num::decimal(s, lang))
                )?;
            }
            if !b.by_startup.is_empty() {
                let rows: Vec<Vec<String>> = b
                    .by_startup
                    .iter()
                    .map(|a| {
                        vec![
                            esc(&super::source_label(&a.key, lang)),
                            num::euros(a.amount, lang),
                        ]
                    })
                    .collect();
                table(&mut o, &[l.service, l.amount], &rows)?;
            }
        }
    }
    writeln!(o)?;

    writeln!(o, "{}", st.heading(l.impact))?;
    match &r.impact {
        Section::NotComputable { reason } => {
            writeln!(o, "  {}: {}", l.not_computable, esc(reason))?;
        }
        Section::Computed(i) => {
            for e in &i.evaluations {
                let name = e.startup_name.as_deref().unwrap_or(&e.startup);
                writeln!(
                    o,
                    "  {} — {}",
                    esc(name),
                    esc(lang.pick(&e.outcome, e.outcome_fr.as_deref()))
                )?;
                writeln!(
                    o,
                    "    {} {} % ({} {}) · {} {} % ({} {})",
                    esc(lang.pick(&e.treated.label, e.treated.label_fr.as_deref())),
                    num::fixed(e.treated.rate_percent, 1, lang),
                    l.cohort_size,
                    num::int(i64::try_from(e.treated.n).unwrap_or(i64::MAX), lang),
                    esc(lang.pick(&e.control.label, e.control.label_fr.as_deref())),
                    num::fixed(e.control.rate_percent, 1, lang),
                    l.cohort_size,
                    num::int(i64::try_from(e.control.n).unwrap_or(i64::MAX), lang),
                )?;
                writeln!(
                    o,
                    "    {}: {} {} ({}: [{} ; {}])",
                    l.difference,
                    num::signed(e.difference_points, 1, lang),
                    l.points,
                    l.interval,
                    num::fixed(e.ci_lower_points, 2, lang),
                    num::fixed(e.ci_upper_points, 2, lang),
                )?;
                if let Some(rel) = e.relative_percent {
                    writeln!(o, "    {}: {} %", l.relative, num::signed(rel, 1, lang))?;
                }
                writeln!(o, "    {}: {}", l.p_value, p_value(e.p_value, lang))?;
                if let Some(m) = e.mde_points {
                    writeln!(
                        o,
                        "    {}: {} {}{}",
                        l.mde,
                        num::fixed(m, 2, lang),
                        l.points,
                        e.mde_relative_percent
                            .map(|x| format!(" ({} %)", num::signed(x, 1, lang)))
                            .unwrap_or_default()
                    )?;
                }
            }
            if !i.kpis.is_empty() {
                writeln!(o, "  {}", l.kpis)?;
                let rows: Vec<Vec<String>> = i
                    .kpis
                    .iter()
                    .map(|k| {
                        vec![
                            esc(k.startup_name.as_deref().unwrap_or(&k.startup)),
                            esc(lang.pick(&k.metric, k.metric_fr.as_deref())),
                            esc(&super::html::kpi_value(k, lang)),
                        ]
                    })
                    .collect();
                table(&mut o, &[l.service, l.metric, l.value], &rows)?;
            }
        }
    }
    writeln!(o)?;

    writeln!(o, "{}", st.heading(l.claims))?;
    let rows: Vec<Vec<String>> = r
        .claims
        .iter()
        .map(|c| {
            vec![
                esc(&c.label),
                esc(&c.published),
                c.computed.as_deref().map_or_else(|| "–".to_owned(), esc),
                st.verdict(c.verdict, lang.verdict(c.verdict)),
            ]
        })
        .collect();
    table(
        &mut o,
        &[l.claim, l.published, l.computed, l.verdict],
        &rows,
    )?;
    for c in &r.claims {
        writeln!(o, "  · {}: {}", esc(&c.claim), esc(&c.note))?;
    }
    writeln!(o)?;
    writeln!(o, "{}: {}", l.problems, super::problems(r))?;
    Ok(o)
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
        let text = render(&r, true).expect("renders");
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
