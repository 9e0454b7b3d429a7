//! `startups.csv` of every v2 version: `;`-separated, one line per start-up.

use std::fmt::Write as _;

use betagouv_portfolio::Startup;

use super::{ApiVersion, date_text};
use crate::tables::extra_str;

/// The header line of `startups.csv` (v2.7 adds `;incubators`).
pub const CSV_HEADER: &str =
    "id;name;mission;start;status;incubator;stats;link;repository;accessibility;contact";

/// `value` between double quotes, inner quotes doubled.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

/// `value` as is, quoted only when it holds a separator, a quote or a line break.
fn bare(value: &str) -> String {
    if value.contains([';', '"', '\n', '\r']) {
        quoted(value)
    } else {
        value.to_owned()
    }
}

/// `value`, or the word `null` when absent.
fn or_null(value: Option<&str>) -> String {
    bare(value.unwrap_or("null"))
}

/// The line of `s` (no line break).
fn line(s: &Startup, version: ApiVersion) -> String {
    let first_start = s.phases.first().and_then(|p| date_text(p.start.as_ref()));
    let mut cells = vec![
        bare(s.id.as_str()),
        quoted(&s.name),
        quoted(&s.pitch),
        bare(first_start.as_deref().unwrap_or_default()),
        bare(s.phases.last().map(|p| p.name.as_str()).unwrap_or_default()),
        bare(s.incubator.as_ref().map(|i| i.as_str()).unwrap_or_default()),
        or_null(s.links.stats_url.as_deref()),
        or_null(s.links.site.as_deref()),
        or_null(s.links.repository.as_deref()),
        quoted(extra_str(s, "accessibility_status").unwrap_or_default()),
        bare(s.contact.as_deref().unwrap_or_default()),
    ];
    if version >= ApiVersion::V2_7 {
        let ids: Vec<&str> = s.incubator_ids().map(|i| i.as_str()).collect();
        cells.push(quoted(&ids.join(",")));
    }
    cells.join(";")
}

/// `startups.csv` of `version` for `startups` (sorted by id): the header, then one
/// line per start-up, every line ending in `\n`.
pub(super) fn startups_csv(startups: &[&Startup], version: ApiVersion) -> String {
    let mut out = String::from(CSV_HEADER);
    if version >= ApiVersion::V2_7 {
        out.push_str(";incubators");
    }
    out.push('\n');
    for s in startups {
        // Writing into a String cannot fail.
        let _ = writeln!(out, "{}", line(s, version));
    }
    out
}
