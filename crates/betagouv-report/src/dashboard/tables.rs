//! The dashboard as named tables, and their CSV.

use std::collections::BTreeMap;

use betagouv_portfolio::dashboard::{Counts, Coverage, Dashboard, YearCounts};
use chrono::NaiveDate;

use super::SeriesEntry;
use super::words;
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::num;

/// The name (file stem) of every table of [`tables`], in order.
pub const TABLE_NAMES: [&str; 24] = [
    "key_figures",
    "products_by_phase",
    "active_by_incubator",
    "incubator_by_phase",
    "launches_by_year",
    "launches_by_incubator",
    "national_impact_by_year",
    "open_source_by_phase",
    "stats_page",
    "stats_page_by_phase",
    "dashlord",
    "dashlord_by_phase",
    "accessibility_status",
    "accessibility_status_by_phase",
    "by_thematique",
    "thematique_by_phase",
    "by_sponsor",
    "members_new_by_year",
    "members_new_by_status",
    "members_active_by_domaine",
    "members_active_by_competence",
    "members_active_by_status",
    "to_fix",
    "definitions",
];

/// A column: a stable key and its header in the table's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The stable key (`as_of`, `phase`, `products`, ...).
    pub key: &'static str,
    /// The header, in the table's language.
    pub label: &'static str,
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cell {
    /// A value of the records (a phase name, an incubator id, a year), as written.
    Text(String),
    /// A term of ours (a `to_fix` list, an active rule): its key in CSV, its label for
    /// people.
    Term(&'static str),
    /// A count.
    Count(usize),
    /// A share `with / total` in percent: one decimal in CSV (`42.9`), empty when the
    /// total is zero.
    Share {
        /// Those counted that have it.
        with: usize,
        /// All counted.
        total: usize,
    },
    /// A date (`YYYY-MM-DD` in CSV).
    Date(NaiveDate),
    /// Nothing (an empty cell).
    Empty,
}

impl Cell {
    /// The cell in CSV: machine form (keys, plain numbers, ISO dates).
    #[must_use]
    pub fn machine(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Term(k) => (*k).to_owned(),
            Cell::Count(n) => n.to_string(),
            Cell::Share { with, total } => per_mille(*with, *total)
                .map_or_else(String::new, |m| format!("{}.{}", m / 10, m % 10)),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Empty => String::new(),
        }
    }

    /// The cell for people in `lang` (grouped numbers, `42,9 %`, translated terms).
    #[must_use]
    pub fn human(&self, lang: Lang) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Term(k) => words::term(k, lang),
            Cell::Count(n) => num::count(*n, lang),
            Cell::Share { with, total } => share(*with, *total, lang),
            Cell::Date(d) => crate::render::date(*d, lang),
            Cell::Empty => String::new(),
        }
    }

    /// The count, for a [`Cell::Count`].
    #[must_use]
    pub fn count(&self) -> Option<usize> {
        match self {
            Cell::Count(n) => Some(*n),
            _ => None,
        }
    }
}

/// `with / total` in tenths of a percent, rounded half up; `None` when `total` is zero.
pub(crate) fn per_mille(with: usize, total: usize) -> Option<u128> {
    let (w, t) = (with as u128, total as u128);
    (t > 0).then(|| (w * 1000 + t / 2) / t)
}

/// `with / total` as a percentage for people (`42,9 %`), `–` when `total` is zero.
pub(crate) fn share(with: usize, total: usize, lang: Lang) -> String {
    per_mille(with, total).map_or_else(
        || "–".to_owned(),
        |m| {
            let mark = if lang == Lang::Fr { ',' } else { '.' };
            num::percent(&format!("{}{mark}{}", m / 10, m % 10))
        },
    )
}

/// One figure of the dashboard as a table: one row per key, the as-of date first.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Table {
    /// The stable name, the CSV file's stem (one of [`TABLE_NAMES`]).
    pub name: &'static str,
    /// The figure's title in the table's language.
    pub title: &'static str,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each as long as [`Table::columns`].
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new(name: &'static str, lang: Lang, keys: &[&'static str]) -> Self {
        Self {
            name,
            title: words::figure(name, lang),
            columns: keys
                .iter()
                .map(|k| Column {
                    key: k,
                    label: words::column(k, lang),
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Cell `cell` of column `col` for people in `lang`, and the ` lang="fr"` to write
    /// on it when it is French data in an English page (else empty): member statuses
    /// and `unknown` / `unspecified` translated, other values of the records as written.
    #[must_use]
    pub(crate) fn human(&self, col: usize, cell: &Cell, lang: Lang) -> (String, &'static str) {
        let key = self.columns.get(col).map_or("", |c| c.key);
        match cell {
            Cell::Text(s) if key == "status" && self.name.starts_with("members_") => {
                (lang.member_status(s).to_owned(), "")
            }
            Cell::Text(s) if s == "unknown" || s == "unspecified" => (words::term(s, lang), ""),
            Cell::Text(s) if matches!(key, "year" | "known_at" | "commit" | "startup") => {
                (s.clone(), "")
            }
            Cell::Text(s) => (s.clone(), super::data_lang(s, lang)),
            other => (other.human(lang), ""),
        }
    }

    /// The CSV file name (`<name>.csv`).
    #[must_use]
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }

    /// The index of the column `key`.
    #[must_use]
    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// The sum of the counts of column `key` (0 when there is no such column).
    #[must_use]
    pub fn sum(&self, key: &str) -> usize {
        self.column(key).map_or(0, |i| {
            self.rows
                .iter()
                .filter_map(|r| r.get(i).and_then(Cell::count))
                .sum()
        })
    }

    /// The table as CSV (RFC 4180: UTF-8, comma, quotes only where needed, CRLF line
    /// ends; the dialect of `betagouv-export`). The header row holds the columns' stable
    /// keys (`as_of`, `phase`, `products`, ...), the same in every language, so that files
    /// written in French and in English read and concatenate alike; the cells are machine
    /// values (ISO dates, plain integers, shares in percent with a point).
    ///
    /// # Errors
    /// [`Error::Csv`] if the writer fails (it does not on in-memory output).
    pub fn to_csv(&self) -> Result<String> {
        let fail = |source| Error::Csv {
            table: self.name.to_owned(),
            source,
        };
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(Vec::new());
        w.write_record(self.columns.iter().map(|c| c.key))
            .map_err(fail)?;
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::machine))
                .map_err(fail)?;
        }
        let bytes = w.into_inner().map_err(|e| fail(e.into_error().into()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Rows of `(key, count)`, after the date.
fn counts_rows<'a>(
    at: NaiveDate,
    counts: impl IntoIterator<Item = (String, &'a usize)>,
) -> Vec<Vec<Cell>> {
    counts
        .into_iter()
        .map(|(k, n)| vec![Cell::Date(at), Cell::Text(k), Cell::Count(*n)])
        .collect()
}

fn counts(
    name: &'static str,
    lang: Lang,
    at: NaiveDate,
    [key, count]: [&'static str; 2],
    c: &Counts,
) -> Table {
    let mut t = Table::new(name, lang, &["as_of", key, count]);
    t.rows = counts_rows(at, c.iter().map(|(k, n)| (k.clone(), n)));
    t
}

fn years(
    name: &'static str,
    lang: Lang,
    at: NaiveDate,
    count_key: &'static str,
    c: &YearCounts,
) -> Table {
    let mut t = Table::new(name, lang, &["as_of", "year", count_key]);
    t.rows = counts_rows(at, c.iter().map(|(y, n)| (y.to_string(), n)));
    t
}

/// A two-level figure (`key -> key -> count`), keyed by text or by year.
fn matrix<K: ToString>(
    name: &'static str,
    lang: Lang,
    at: NaiveDate,
    keys: [&'static str; 3],
    m: &BTreeMap<K, Counts>,
) -> Table {
    let mut t = Table::new(name, lang, &["as_of", keys[0], keys[1], keys[2]]);
    for (k, inner) in m {
        for (k2, n) in inner {
            t.rows.push(vec![
                Cell::Date(at),
                Cell::Text(k.to_string()),
                Cell::Text(k2.clone()),
                Cell::Count(*n),
            ]);
        }
    }
    t
}

/// A share by phase (`phase -> with / total`); `with_key` names the `with` column.
fn shares_by_phase<'a>(
    name: &'static str,
    lang: Lang,
    at: NaiveDate,
    with_key: &'static str,
    m: impl IntoIterator<Item = (&'a String, usize, usize)>,
) -> Table {
    let mut t = Table::new(
        name,
        lang,
        &["as_of", "phase", with_key, "total", "share_percent"],
    );
    for (phase, with, total) in m {
        t.rows.push(vec![
            Cell::Date(at),
            Cell::Text(phase.clone()),
            Cell::Count(with),
            Cell::Count(total),
            Cell::Share { with, total },
        ]);
    }
    t
}

/// A coverage by phase.
fn coverage_by_phase(
    name: &'static str,
    lang: Lang,
    at: NaiveDate,
    m: &BTreeMap<String, Coverage>,
) -> Table {
    shares_by_phase(
        name,
        lang,
        at,
        "with",
        m.iter().map(|(p, c)| (p, c.with, c.total)),
    )
}

fn coverage(name: &'static str, lang: Lang, at: NaiveDate, with: usize, total: usize) -> Table {
    let mut t = Table::new(name, lang, &["as_of", "with", "total", "share_percent"]);
    t.rows.push(vec![
        Cell::Date(at),
        Cell::Count(with),
        Cell::Count(total),
        Cell::Share { with, total },
    ]);
    t
}

fn key_figures(d: &Dashboard, lang: Lang) -> Table {
    let mut t = Table::new(
        "key_figures",
        lang,
        &[
            "as_of",
            "active_rule",
            "products_total",
            "products_active",
            "products_no_phase_started",
            "members_total",
            "members_active",
            "members_no_dated_mission",
            "members_starting_later",
        ],
    );
    t.rows.push(vec![
        Cell::Date(d.as_of),
        Cell::Term(words::rule_key(d.active_rule)),
        Cell::Count(d.products.total),
        Cell::Count(d.products.active),
        Cell::Count(d.products.no_phase_started),
        Cell::Count(d.members.total),
        Cell::Count(d.members.active),
        Cell::Count(d.members.no_dated_mission),
        Cell::Count(d.members.starting_later),
    ]);
    t
}

fn open_source(d: &Dashboard, lang: Lang) -> Table {
    let m = &d.open_source_by_phase;
    let rows = m.iter().map(|(p, o)| (p, o.with_repository, o.total));
    shares_by_phase(
        "open_source_by_phase",
        lang,
        d.as_of,
        "with_repository",
        rows,
    )
}

fn to_fix(d: &Dashboard, lang: Lang) -> Table {
    let mut t = Table::new("to_fix", lang, &["as_of", "missing", "startup"]);
    let lists = [
        ("no_stats_page", &d.to_fix.no_stats_page),
        ("no_dashlord", &d.to_fix.no_dashlord),
        ("no_accessibility_status", &d.to_fix.no_accessibility_status),
    ];
    for (key, ids) in lists {
        for id in ids {
            t.rows.push(vec![
                Cell::Date(d.as_of),
                Cell::Term(key),
                Cell::Text(id.to_string()),
            ]);
        }
    }
    t
}

fn definitions(d: &Dashboard, lang: Lang) -> Table {
    let mut t = Table::new("definitions", lang, &["as_of", "figure", "definition"]);
    for (key, text) in &d.definitions {
        t.rows.push(vec![
            Cell::Date(d.as_of),
            Cell::Text(key.clone()),
            Cell::Text(text.clone()),
        ]);
    }
    t
}

/// Every figure of `d` as a table, in the order of [`TABLE_NAMES`], headers in `lang`.
/// Every table is there, with no row when nothing counts. `definitions` holds the
/// dashboard's own definitions (in English, as computed).
#[must_use]
pub fn tables(d: &Dashboard, lang: Lang) -> Vec<Table> {
    let at = d.as_of;
    let (stats, dashlord) = (d.stats_page, d.dashlord);
    let (incubators, themes) = (&d.incubator_by_phase, &d.thematique_by_phase);
    let (p, n) = ("phase", "products");
    let mut out = vec![
        key_figures(d, lang),
        matrix(
            "incubator_by_phase",
            lang,
            at,
            ["incubator", p, n],
            incubators,
        ),
        matrix(
            "thematique_by_phase",
            lang,
            at,
            ["thematique", p, n],
            themes,
        ),
        matrix(
            "launches_by_incubator",
            lang,
            at,
            ["year", "incubator", n],
            &d.launches_by_incubator,
        ),
        matrix(
            "accessibility_status_by_phase",
            lang,
            at,
            [p, "status", n],
            &d.accessibility_status_by_phase,
        ),
        matrix(
            "members_new_by_status",
            lang,
            at,
            ["year", "status", "members"],
            &d.members.new_by_status,
        ),
        coverage_by_phase("stats_page_by_phase", lang, at, &d.stats_page_by_phase),
        coverage_by_phase("dashlord_by_phase", lang, at, &d.dashlord_by_phase),
        open_source(d, lang),
        coverage("stats_page", lang, at, stats.with, stats.total),
        coverage("dashlord", lang, at, dashlord.with, dashlord.total),
        to_fix(d, lang),
        definitions(d, lang),
    ];
    out.extend(by_key(d).map(|(name, keys, c)| counts(name, lang, at, keys, c)));
    out.extend(by_year(d).map(|(name, key, c)| years(name, lang, at, key, c)));
    out.sort_by_key(|t| TABLE_NAMES.iter().position(|n| *n == t.name));
    out
}

/// The figures counted by a key of the records: table name, column keys, counts.
fn by_key(d: &Dashboard) -> [(&'static str, [&'static str; 2], &Counts); 8] {
    let m = &d.members;
    let (products, active, members) = ("products", "products_active", "members_active");
    [
        (
            "products_by_phase",
            ["phase", products],
            &d.products.by_phase,
        ),
        (
            "active_by_incubator",
            ["incubator", active],
            &d.active_by_incubator,
        ),
        (
            "accessibility_status",
            ["status", active],
            &d.accessibility_status,
        ),
        ("by_thematique", ["thematique", active], &d.by_thematique),
        ("by_sponsor", ["sponsor", active], &d.by_sponsor),
        (
            "members_active_by_domaine",
            ["domaine", members],
            &m.active_by_domaine,
        ),
        (
            "members_active_by_competence",
            ["competence", members],
            &m.active_by_competence,
        ),
        (
            "members_active_by_status",
            ["status", members],
            &m.active_by_status,
        ),
    ]
}

/// The figures counted by year: table name, count column key, counts.
fn by_year(d: &Dashboard) -> [(&'static str, &'static str, &YearCounts); 3] {
    [
        ("launches_by_year", "products", &d.launches_by_year),
        (
            "national_impact_by_year",
            "products",
            &d.national_impact_by_year,
        ),
        ("members_new_by_year", "members", &d.members.new_by_year),
    ]
}

/// Every figure of a series as a table, one per name of [`TABLE_NAMES`]: the rows of
/// each point's [`tables`], oldest point first, with the point's `known_at`, `commit`
/// and `dropped` columns after the date (long form: one row per point and key; a
/// point where nothing counts has no row in that table but its `key_figures` row).
#[must_use]
pub fn series_tables(series: &[SeriesEntry<'_>], lang: Lang) -> Vec<Table> {
    let point = ["known_at", "commit", "dropped"];
    let mut out: Vec<Table> = tables(&Dashboard::empty(NaiveDate::MIN, Default::default()), lang)
        .into_iter()
        .map(|mut t| {
            let keys: Vec<&'static str> = t.columns.iter().map(|c| c.key).collect();
            let (date, figure) = keys.split_at(keys.len().min(1));
            let mut with_point = date.to_vec();
            with_point.extend(point);
            with_point.extend(figure);
            t = Table::new(t.name, lang, &with_point);
            t
        })
        .collect();
    for e in series {
        let cells = [
            e.known_at.clone().map_or(Cell::Empty, Cell::Text),
            e.commit.clone().map_or(Cell::Empty, Cell::Text),
            Cell::Count(e.dropped),
        ];
        for (t, one) in out.iter_mut().zip(tables(e.dashboard, lang)) {
            for row in one.rows {
                let mut r = Vec::with_capacity(row.len() + cells.len());
                let mut it = row.into_iter();
                r.extend(it.next());
                r.extend(cells.iter().cloned());
                r.extend(it);
                t.rows.push(r);
            }
        }
    }
    out
}
