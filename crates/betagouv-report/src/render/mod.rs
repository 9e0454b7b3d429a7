//! Renderers: text (terminal), Markdown, HTML (self-contained, inline SVG charts) and
//! JSON. Each takes a computed [`Report`] and returns a `String`; none prints.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::model::{KeyFigure, Quantity, Report};
use crate::num;

pub mod html;
pub mod markdown;
pub mod svg;
pub mod text;

/// An output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text for a terminal.
    #[default]
    Text,
    /// Markdown for a blog post.
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// JSON of the whole report model.
    Json,
}

impl Format {
    /// The name used on the command line.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "text" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            "json" => Ok(Format::Json),
            other => Err(Error::UnknownFormat {
                value: other.to_owned(),
            }),
        }
    }
}

/// Knobs of [`render`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours in text output (the caller decides, e.g. when stdout is a terminal).
    pub color: bool,
}

/// Renders `report` in `format`.
///
/// # Errors
/// [`Error::Json`] if the JSON cannot be written (not expected), [`Error::Fmt`] on a
/// formatting failure.
pub fn render(report: &Report, format: Format, options: RenderOptions) -> Result<String> {
    match format {
        Format::Text => text::render(report, options.color),
        Format::Markdown => markdown::render(report).map(|d| escape_data(&d)),
        Format::Html => html::render(report).map(|d| escape_data(&d)),
        Format::Json => json(report),
    }
}

/// A Markdown or HTML document with every control character but the line ends
/// escaped (`\u{1b}`): the documents' own text has none, so only data read from files
/// (names, phases, the source path) can hold one, and it must not drive the terminal
/// the document is printed on.
fn escape_data(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    for (i, line) in doc.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&betagouv_portfolio::diagnostic::escape_controls(line));
    }
    out
}

/// The JSON of the whole report model (pretty, stable key order, trailing newline).
///
/// # Errors
/// [`Error::Json`] if serialisation fails (not expected).
pub fn json(report: &Report) -> Result<String> {
    let mut s = serde_json::to_string_pretty(report).map_err(Error::Json)?;
    s.push('\n');
    Ok(s)
}

/// A quantity for people.
#[must_use]
pub fn quantity(q: Quantity, lang: Lang) -> String {
    match q {
        Quantity::Count(n) => num::int(n, lang),
        Quantity::Euros(d) => num::euros(d, lang),
        Quantity::Percent(d) => num::percent(&num::decimal(d, lang)),
    }
}

/// A change for people (`+3`, `-1`, `0`), or an empty string.
#[must_use]
pub fn change(q: Option<Quantity>, lang: Lang) -> String {
    match q {
        Some(Quantity::Count(n)) => num::signed_int(n, lang),
        Some(Quantity::Euros(d)) => {
            let s = num::euros(d, lang);
            if d.is_sign_positive() && !d.is_zero() {
                format!("+{s}")
            } else {
                s
            }
        }
        Some(Quantity::Percent(d)) => num::percent(&num::decimal(d, lang)),
        None => String::new(),
    }
}

/// The value of a key figure for people, or "not computable".
#[must_use]
pub fn figure_value(k: &KeyFigure, lang: Lang) -> String {
    k.value.map_or_else(
        || lang.labels().not_computable.to_owned(),
        |v| quantity(v, lang),
    )
}

/// The report's title (`Rapport d'activité 2016`).
#[must_use]
pub fn title(report: &Report) -> String {
    format!("{} {}", report.lang.labels().title, report.year)
}

/// A date for people (`31/12/2016` in French, `2016-12-31` in English).
#[must_use]
pub fn date(d: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// A p-value for people (`< 0.0001` below that).
#[must_use]
pub fn p_value(p: Option<f64>, lang: Lang) -> String {
    match p {
        None => "–".to_owned(),
        Some(p) if p < 1e-4 => format!("<{}{}", num::NBSP, num::fixed(0.0001, 4, lang)),
        Some(p) => num::fixed(p, 4, lang),
    }
}

/// The problem counts for people (`0 erreur, 3 avertissements`).
#[must_use]
pub fn problems(report: &Report) -> String {
    let (e, w) = (report.problems.errors, report.problems.warnings);
    match report.lang {
        Lang::Fr => format!(
            "{e} erreur{}, {w} avertissement{}",
            if e > 1 { "s" } else { "" },
            if w > 1 { "s" } else { "" }
        ),
        Lang::En => format!(
            "{e} error{}, {w} warning{}",
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" }
        ),
    }
}

/// The label of a budget row key: stage keys and `unspecified` are translated, other
/// keys (funder names, start-up ids) are returned as they are.
#[must_use]
pub fn source_label(key: &str, lang: Lang) -> String {
    if key == "unspecified" {
        return match lang {
            Lang::Fr => "partenaires (répartition non publiée)",
            Lang::En => "partners (split not published)",
        }
        .to_owned();
    }
    key.parse::<betagouv_portfolio::Stage>()
        .map_or_else(|_| key.to_owned(), |s| lang.stage(s).to_owned())
}

#[cfg(test)]
mod escape_tests {
    use super::*;
    use crate::{Inputs, ReportOptions};

    #[test]
    fn markdown_and_html_escape_control_characters_of_the_data() {
        let mut p = betagouv_portfolio::builtin::portfolio_2016();
        for s in &mut p.startups {
            s.name = format!("{}\u{1b}]0;pwned\u{7}", s.name);
        }
        let inputs = Inputs::new(&p, "dir\u{1b}[2J");
        let r = Report::compute(&inputs, &ReportOptions::default()).expect("computes");
        for format in [Format::Markdown, Format::Html] {
            let doc = render(&r, format, RenderOptions { color: false }).expect("renders");
            assert!(
                !doc.chars().any(|c| c.is_control() && c != '\n'),
                "{format:?}: a control character reached the document"
            );
            assert!(doc.contains("\\u{1b}]0;pwned"), "{format:?}: shown escaped");
            assert!(doc.lines().count() > 20, "{format:?}: line ends kept");
        }
    }
}
