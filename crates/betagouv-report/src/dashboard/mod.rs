//! The incubator's dashboard for people and spreadsheets: a
//! [`Dashboard`] (computed by `betagouv-portfolio`) as named tables and CSV
//! ([`tables`], [`Table::to_csv`]), as text for a terminal ([`text()`]) and as one
//! self-contained HTML page with accessible charts ([`html()`]); a series of dashboards
//! over time as tables ([`series_tables`]), as text ([`series_text`]) and as a page of
//! charts over time ([`series_html`]). French by default, English with [`Lang::En`].
//!
//! Every figure is one [`Table`] with a stable file stem ([`Table::name`]:
//! `products_by_phase`, `launches_by_year`, `to_fix`, ...; [`TABLE_NAMES`] lists them
//! in order), the same set at every date, empty tables included. Tables are in long
//! form: the first column is the as-of date, then the figure's keys, then its counts,
//! so that the files of several dates concatenate; a CSV header holds the columns'
//! stable keys (`as_of`, `phase`, `products`, ...) whatever the language. A series adds the point's columns
//! after the date (known at, commit, files dropped): one row per point and key.
//!
//! ```
//! use betagouv_portfolio::{ActiveRule, dashboard::Dashboard};
//! use betagouv_report::{Lang, dashboard};
//!
//! let at = chrono::NaiveDate::from_ymd_opt(2016, 12, 31).unwrap_or_default();
//! let mut d = Dashboard::empty(at, ActiveRule::Site);
//! d.products.total = 3;
//! d.products.by_phase.insert("construction".into(), 2);
//! let tables = dashboard::tables(&d, Lang::En);
//! let phases = tables.iter().find(|t| t.name == "products_by_phase");
//! let csv = phases.map(|t| t.to_csv()).transpose()?;
//! assert_eq!(csv.as_deref(), Some("as_of,phase,products\r\n2016-12-31,construction,2\r\n"));
//! let page = dashboard::html(&d, Lang::Fr)?;
//! assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here reads a repository: the caller builds each [`SeriesEntry`] from its own
//! series (e.g. `betagouv-history`'s points).

use betagouv_portfolio::dashboard::Dashboard;

use crate::lang::Lang;

mod chart;
mod html;
mod series;
mod tables;
mod text;
mod words;

pub use html::{html, series_html};
pub use tables::{Cell, Column, TABLE_NAMES, Table, series_tables, tables};
pub use text::{series_text, text};

/// One point of a dashboard series: the dashboard, and how its records were known.
///
/// ```
/// use betagouv_portfolio::{ActiveRule, dashboard::Dashboard};
/// use betagouv_report::dashboard::SeriesEntry;
/// let d = Dashboard::empty(chrono::NaiveDate::MIN, ActiveRule::Site);
/// let e = SeriesEntry::new(&d).with_commit(Some("693fb7c4".into())).with_dropped(2);
/// assert_eq!((e.commit.as_deref(), e.dropped), (Some("693fb7c4"), 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeriesEntry<'a> {
    /// When the records were known, as the caller writes it (a date, or a commit's
    /// instant in RFC 3339); `None` for a folder read as it is.
    pub known_at: Option<String>,
    /// The commit read, in hexadecimal, when the records come from a repository.
    pub commit: Option<String>,
    /// Files of that point that gave no record (counted, never fatal).
    pub dropped: usize,
    /// The figures of the point (its date is [`Dashboard::as_of`]).
    pub dashboard: &'a Dashboard,
}

impl<'a> SeriesEntry<'a> {
    /// A point with no known-at date, no commit and nothing dropped.
    #[must_use]
    pub fn new(dashboard: &'a Dashboard) -> Self {
        Self {
            known_at: None,
            commit: None,
            dropped: 0,
            dashboard,
        }
    }
}

with_setters!(SeriesEntry<'a> {
    with_known_at(known_at: Option<String>);
    with_commit(commit: Option<String>);
    with_dropped(dropped: usize);
});

/// Whether a value of the records is a French word to mark `lang="fr"` in an English
/// page: phase names, themes, domains, competences, accessibility statuses and
/// sponsors are written in French in the records, but for the few English phase names.
pub(crate) fn french_data(value: &str) -> bool {
    !matches!(value, "success" | "transfer" | "unknown" | "") && !value.starts_with("http")
}

/// The `lang` attribute (with its leading space) for a value of the records in a page
/// written in `lang`: ` lang="fr"` for French data in an English page, else nothing.
pub(crate) fn data_lang(value: &str, lang: Lang) -> &'static str {
    if lang == Lang::En && french_data(value) {
        " lang=\"fr\""
    } else {
        ""
    }
}

/// One definition as shown: the figure's key, the text, and whether the text is in
/// English while the page is not.
pub(crate) struct Definition {
    pub(crate) key: String,
    pub(crate) text: String,
    pub(crate) english: bool,
}

/// The definitions to show in `lang`: in English, the dashboard's own
/// ([`Dashboard::definitions`], written with the figures; they name the phases of the
/// records' vocabulary) when it has any; else, and always in French, ours (then the
/// dashboard's for a key we have no words for).
pub(crate) fn definitions(d: &Dashboard, lang: Lang) -> Vec<Definition> {
    let theirs = |keep: &dyn Fn(&str) -> bool| {
        d.definitions
            .iter()
            .filter(|(k, _)| keep(k))
            .map(|(k, v)| Definition {
                key: k.clone(),
                text: v.clone(),
                english: lang != Lang::En,
            })
            .collect::<Vec<_>>()
    };
    if lang == Lang::En && !d.definitions.is_empty() {
        return theirs(&|_| true);
    }
    let mut out: Vec<Definition> = words::DEFINITIONS
        .iter()
        .map(|(k, t)| Definition {
            key: (*k).to_owned(),
            text: words::tr(*t, lang).to_owned(),
            english: false,
        })
        .collect();
    out.extend(theirs(&|k| words::definition(k, lang).is_none()));
    out
}

/// The page's title: `Tableau de bord de l'incubateur au 31/12/2016`.
pub(crate) fn title(d: &Dashboard, lang: Lang) -> String {
    let w = &words::WORDS;
    format!(
        "{} {} {}",
        words::tr(w.title, lang),
        words::tr(w.at, lang),
        crate::render::date(d.as_of, lang)
    )
}

/// The active rule line: `Produits actifs selon la règle : site (…)`.
pub(crate) fn rule_line(d: &Dashboard, lang: Lang) -> String {
    let colon = if lang == Lang::Fr { " : " } else { ": " };
    format!(
        "{}{colon}{}",
        words::tr(words::WORDS.rule, lang),
        words::term(d.active_rule.key(), lang)
    )
}

#[cfg(test)]
mod tests;
