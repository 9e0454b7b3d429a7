//! The dashboard for a terminal: plain text, columns aligned, no colour.

use std::fmt::Write;

use betagouv_portfolio::dashboard::Dashboard;
use betagouv_portfolio::diagnostic::escape_controls;

use super::SeriesEntry;
use super::tables::{Cell, Table, series_tables, share, tables};
use super::words::{self, WORDS, tr};
use super::{definitions, rule_line, title};
use crate::lang::Lang;
use crate::num;

/// The dashboard `d` as plain text in `lang`: the title and active rule, the key figures,
/// then every figure as an aligned table (under its title; "nothing to count" when
/// empty), then the definitions. No colour; control characters of the data are
/// written escaped (`\u{1b}`), so the text is safe to print on a terminal.
///
/// ```
/// use betagouv_portfolio::{ActiveRule, dashboard::Dashboard};
/// use betagouv_report::{Lang, dashboard};
/// let mut d = Dashboard::empty(chrono::NaiveDate::from_ymd_opt(2016, 12, 31).unwrap_or_default(), ActiveRule::Site);
/// d.products.by_phase.insert("construction".into(), 12);
/// let text = dashboard::text(&d, Lang::En);
/// assert!(text.starts_with("The incubator's dashboard as of 2016-12-31\n"));
/// assert!(text.contains("Products by phase\n  phase          products\n  construction         12\n"));
/// ```
#[must_use]
pub fn text(d: &Dashboard, lang: Lang) -> String {
    let mut o = String::with_capacity(8 * 1024);
    let t = title(d, lang);
    let _ = writeln!(
        o,
        "{t}\n{}\n{}\n",
        "=".repeat(t.chars().count()),
        rule_line(d, lang)
    );
    key_figures(&mut o, d, lang);
    for table in tables(d, lang) {
        if matches!(table.name, "key_figures" | "definitions" | "to_fix") {
            continue;
        }
        titled(&mut o, &table, 1, lang);
    }
    to_fix(&mut o, d, lang);
    let _ = writeln!(o, "{}", words::figure("definitions", lang));
    for def in definitions(d, lang) {
        let _ = writeln!(o, "  {} : {}", def.key, escape_controls(&def.text));
    }
    if lang == Lang::En {
        o = o.replace(" : ", ": ");
    }
    o
}

fn key_figures(o: &mut String, d: &Dashboard, lang: Lang) {
    let count = |key, n| (words::column(key, lang).to_owned(), num::count(n, lang));
    let rows = [
        count("products_total", d.products.total),
        count("products_active", d.products.active),
        count("products_no_phase_started", d.products.no_phase_started),
        count("members_total", d.members.total),
        count("members_active", d.members.active),
        count("members_no_dated_mission", d.members.no_dated_mission),
        coverage_row("stats_page", d.stats_page.with, d.stats_page.total, lang),
        coverage_row("dashlord", d.dashlord.with, d.dashlord.total, lang),
    ];
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let _ = writeln!(o, "{}", words::figure("key_figures", lang));
    for (label, value) in rows {
        let pad = width.saturating_sub(label.chars().count());
        let _ = writeln!(o, "  {label}{}  {value}", " ".repeat(pad));
    }
    o.push('\n');
}

fn coverage_row(name: &'static str, with: usize, total: usize, lang: Lang) -> (String, String) {
    (
        words::figure(name, lang).to_owned(),
        format!(
            "{} / {} ({})",
            num::count(with, lang),
            num::count(total, lang),
            share(with, total, lang)
        ),
    )
}

/// `table` under its title ([`aligned`]), or "nothing to count".
fn titled(o: &mut String, table: &Table, from: usize, lang: Lang) {
    let _ = writeln!(o, "{}", table.title);
    if table.rows.is_empty() {
        let _ = writeln!(o, "  {}\n", tr(WORDS.nothing, lang));
    } else {
        aligned(o, table, from, lang);
    }
}

/// `table` from its column `from` (1: without the date): a header row, then the rows,
/// numbers on the right.
fn aligned(o: &mut String, table: &Table, from: usize, lang: Lang) {
    let cells: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .skip(from)
                .map(|(i, c)| escape_controls(&table.human(i, c, lang).0).into_owned())
                .collect()
        })
        .collect();
    let header: Vec<&str> = table.columns.iter().skip(from).map(|c| c.label).collect();
    let right: Vec<bool> = table
        .rows
        .first()
        .map(|r| {
            r.iter()
                .skip(from)
                .map(|c| matches!(c, Cell::Count(_) | Cell::Share { .. }))
                .collect()
        })
        .unwrap_or_default();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            cells
                .iter()
                .filter_map(|r| r.get(i))
                .map(|s| s.chars().count())
                .chain([header.get(i).map_or(0, |h| h.chars().count())])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |o: &mut String, row: &[&str]| {
        let mut s = String::from(" ");
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(
                widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(cell.chars().count()),
            );
            if right.get(i).copied().unwrap_or(false) {
                let _ = write!(s, " {pad}{cell}");
            } else {
                let _ = write!(s, " {cell}{pad}");
            }
            if i + 1 < row.len() {
                s.push_str("  ");
            }
        }
        let _ = writeln!(o, "{}", s.trim_end());
    };
    line(o, &header);
    for r in &cells {
        line(o, &r.iter().map(String::as_str).collect::<Vec<_>>());
    }
    o.push('\n');
}

/// The lists to fix, each as one wrapped paragraph of ids.
fn to_fix(o: &mut String, d: &Dashboard, lang: Lang) {
    let _ = writeln!(o, "{}", words::figure("to_fix", lang));
    let lists = [
        ("no_stats_page", &d.to_fix.no_stats_page),
        ("no_dashlord", &d.to_fix.no_dashlord),
        ("no_accessibility_status", &d.to_fix.no_accessibility_status),
    ];
    for (key, ids) in lists {
        let colon = if lang == Lang::Fr { " :" } else { ":" };
        let _ = writeln!(o, "  {} ({}){colon}", words::term(key, lang), ids.len());
        let mut line = String::from("   ");
        for id in ids {
            if line.len() > 3 && line.len() + id.as_str().len() > 86 {
                let _ = writeln!(o, "{}", line.trim_end_matches(','));
                line = String::from("   ");
            }
            let _ = write!(line, " {},", id.as_str());
        }
        if line.len() > 3 {
            let _ = writeln!(o, "{}", line.trim_end_matches(','));
        }
    }
    o.push('\n');
}

/// A series of dashboards as plain text in `lang`: the key figures and the two coverage
/// figures at each point, one row per point (with its known-at date, commit and files
/// dropped); every other figure over time is in [`series_tables`](super::series_tables).
///
/// ```
/// use betagouv_portfolio::{ActiveRule, dashboard::Dashboard};
/// use betagouv_report::{Lang, dashboard::{self, SeriesEntry}};
/// let d = Dashboard::empty(chrono::NaiveDate::from_ymd_opt(2016, 12, 31).unwrap_or_default(), ActiveRule::Site);
/// let text = dashboard::series_text(&[SeriesEntry::new(&d)], Lang::En);
/// assert!(text.starts_with("The incubator's dashboard over time\n"));
/// assert!(text.contains("2016-12-31"));
/// ```
#[must_use]
pub fn series_text(series: &[SeriesEntry<'_>], lang: Lang) -> String {
    let mut o = String::with_capacity(4 * 1024);
    let t = tr(WORDS.series_title, lang);
    let _ = writeln!(o, "{t}\n{}\n", "=".repeat(t.chars().count()));
    for table in series_tables(series, lang) {
        if !matches!(table.name, "key_figures" | "stats_page" | "dashlord") {
            continue;
        }
        titled(&mut o, &table, 0, lang);
    }
    o
}
