//! Individual-level data: streaming aggregation into mergeable sufficient
//! statistics per cohort.
//!
//! A binary outcome in a cohort is summarised exactly by `(n, successes)`;
//! a right-censored duration by the counts of events and censorings per
//! distinct time ([`SurvivalTable`]). Both merge by addition, so counts
//! computed elsewhere (a PostgreSQL `GROUP BY`, another machine) combine
//! exactly with local ones. Memory is proportional to the number of groups
//! (and distinct times), never to the number of rows.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::proportion::Counts;
use crate::survival::SurvivalTable;

/// Sufficient statistics of a binary outcome in one cohort.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CohortCounts {
    /// Rows.
    pub n: u64,
    /// Rows with outcome 1.
    pub successes: u64,
}

impl CohortCounts {
    /// Adds another partial count (saturating, so it never panics).
    pub fn merge(&mut self, other: CohortCounts) {
        self.n = self.n.saturating_add(other.n);
        self.successes = self.successes.saturating_add(other.successes);
    }

    /// Validated [`Counts`].
    ///
    /// # Errors
    /// As [`Counts::new`].
    pub fn to_counts(&self, what: &str) -> Result<Counts> {
        Counts::new(what, self.successes, self.n)
    }
}

/// Cohort counts per group, sorted by group name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CohortStats {
    groups: BTreeMap<String, CohortCounts>,
}

impl CohortStats {
    /// Adds one individual.
    pub fn add(&mut self, group: &str, outcome: bool) {
        let c = CohortCounts {
            n: 1,
            successes: u64::from(outcome),
        };
        self.add_counts(group, c);
    }

    /// Adds partial counts of a group (e.g. one row of a SQL `GROUP BY`).
    pub fn add_counts(&mut self, group: &str, counts: CohortCounts) {
        match self.groups.get_mut(group) {
            Some(g) => g.merge(counts),
            None => {
                self.groups.insert(group.to_owned(), counts);
            }
        }
    }

    /// Merges other statistics into these (associative and commutative).
    pub fn merge(&mut self, other: &CohortStats) {
        for (g, c) in &other.groups {
            self.add_counts(g, *c);
        }
    }

    /// Counts of a group, if any row had it.
    #[must_use]
    pub fn get(&self, group: &str) -> Option<CohortCounts> {
        self.groups.get(group).copied()
    }

    /// Groups and counts, sorted by group.
    pub fn iter(&self) -> impl Iterator<Item = (&str, CohortCounts)> {
        self.groups.iter().map(|(g, c)| (g.as_str(), *c))
    }
}

impl<G: AsRef<str>> FromIterator<(G, bool)> for CohortStats {
    fn from_iter<I: IntoIterator<Item = (G, bool)>>(iter: I) -> Self {
        let mut s = Self::default();
        for (g, y) in iter {
            s.add(g.as_ref(), y);
        }
        s
    }
}

fn column_index(headers: &csv::ByteRecord, name: &str) -> Result<usize> {
    headers
        .iter()
        .position(|h| h == name.as_bytes())
        .ok_or_else(|| Error::MissingColumn {
            column: name.to_owned(),
        })
}

fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader)
}

fn line_of(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

fn csv_error(e: csv::Error) -> Error {
    let row = e.position().map_or(0, csv::Position::line);
    Error::Csv { row, source: e }
}

fn cell_error(
    record: &csv::ByteRecord,
    column: &str,
    value: &[u8],
    problem: &'static str,
) -> Error {
    Error::InvalidCell {
        row: line_of(record),
        column: column.to_owned(),
        value: String::from_utf8_lossy(value).into_owned(),
        problem,
    }
}

fn parse_flag(record: &csv::ByteRecord, column: &str, raw: &[u8]) -> Result<bool> {
    match raw.trim_ascii() {
        b"1" => Ok(true),
        b"0" => Ok(false),
        b"" => Err(cell_error(record, column, raw, "missing value")),
        _ => Err(cell_error(record, column, raw, "expected 0 or 1")),
    }
}

fn group_name<'r>(record: &csv::ByteRecord, column: &str, raw: &'r [u8]) -> Result<&'r str> {
    if raw.is_empty() {
        return Err(cell_error(record, column, raw, "missing value"));
    }
    std::str::from_utf8(raw).map_err(|_| cell_error(record, column, raw, "not valid UTF-8"))
}

/// Streams a CSV with a header row and aggregates the 0/1 column `outcome`
/// per value of the column `group`. Memory does not grow with the rows.
///
/// # Errors
/// [`Error::MissingColumn`] when a column is absent from the header;
/// [`Error::InvalidCell`] (with the file's line number and the column name)
/// for a missing group or an outcome other than 0 or 1; [`Error::Csv`] for
/// I/O errors and malformed records.
///
/// ```
/// let csv = "id,cohort,returned\n1,a,1\n2,b,0\n3,a,0\n";
/// let stats = betagouv_impact::aggregate_cohort_csv(csv.as_bytes(), "cohort", "returned")?;
/// assert_eq!(stats.get("a").map(|c| (c.successes, c.n)), Some((1, 2)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn aggregate_cohort_csv<R: Read>(reader: R, group: &str, outcome: &str) -> Result<CohortStats> {
    let mut rdr = csv_reader(reader);
    let headers = rdr.byte_headers().map_err(csv_error)?.clone();
    let gi = column_index(&headers, group)?;
    let yi = column_index(&headers, outcome)?;
    // Few groups in practice: a small vector with a last-hit cache, backed by
    // a hash index when groups are many.
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut counts: Vec<CohortCounts> = Vec::new();
    let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut last = usize::MAX;
    let mut record = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut record).map_err(csv_error)? {
        let (Some(g), Some(y)) = (record.get(gi), record.get(yi)) else {
            return Err(cell_error(&record, group, b"", "missing value"));
        };
        let y = parse_flag(&record, outcome, y)?;
        let slot = if last < names.len() && names[last] == g {
            last
        } else if let Some(&i) = index.get(g) {
            i
        } else {
            group_name(&record, group, g)?;
            names.push(g.to_vec());
            counts.push(CohortCounts::default());
            index.insert(g.to_vec(), names.len() - 1);
            names.len() - 1
        };
        last = slot;
        counts[slot].n += 1;
        counts[slot].successes += u64::from(y);
    }
    let mut stats = CohortStats::default();
    for (name, c) in names.iter().zip(counts) {
        // Names were checked as UTF-8 when first seen.
        stats.add_counts(&String::from_utf8_lossy(name), c);
    }
    Ok(stats)
}

/// Streams a CSV of individual durations and aggregates a [`SurvivalTable`]
/// per group. `event` is 1 (returned to work) or 0 (censored); `duration`
/// a finite number ≥ 0.
///
/// # Errors
/// As [`aggregate_cohort_csv`], and [`Error::InvalidCell`] for a duration
/// that is missing, not a number, negative or not finite.
pub fn read_survival_csv<R: Read>(
    reader: R,
    group: &str,
    duration: &str,
    event: &str,
) -> Result<BTreeMap<String, SurvivalTable>> {
    let mut rdr = csv_reader(reader);
    let headers = rdr.byte_headers().map_err(csv_error)?.clone();
    let gi = column_index(&headers, group)?;
    let di = column_index(&headers, duration)?;
    let ei = column_index(&headers, event)?;
    let mut per_group: BTreeMap<String, Vec<(f64, bool)>> = BTreeMap::new();
    let mut record = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut record).map_err(csv_error)? {
        let (Some(g), Some(d), Some(e)) = (record.get(gi), record.get(di), record.get(ei)) else {
            return Err(cell_error(&record, group, b"", "missing value"));
        };
        let e = parse_flag(&record, event, e)?;
        let dt = d.trim_ascii();
        if dt.is_empty() {
            return Err(cell_error(&record, duration, d, "missing value"));
        }
        let t: f64 = std::str::from_utf8(dt)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| cell_error(&record, duration, d, "expected a number"))?;
        if !(t.is_finite() && t >= 0.0) {
            return Err(cell_error(
                &record,
                duration,
                d,
                "expected a finite number >= 0",
            ));
        }
        let name = group_name(&record, group, g)?;
        match per_group.get_mut(name) {
            Some(v) => v.push((t, e)),
            None => {
                per_group.insert(name.to_owned(), vec![(t, e)]);
            }
        }
    }
    Ok(per_group
        .into_iter()
        .map(|(g, v)| (g, SurvivalTable::from_vec(v)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn err(csv: &str) -> String {
        match aggregate_cohort_csv(csv.as_bytes(), "g", "y") {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn errors_name_row_and_column() {
        assert_eq!(
            err("g,y\na,1\nb,x\n"),
            "row 3, column \"y\": expected 0 or 1 (value \"x\")"
        );
        assert_eq!(
            err("g,y\na,1\nb,\n"),
            "row 3, column \"y\": missing value (value \"\")"
        );
        assert_eq!(
            err("g,y\n,1\n"),
            "row 2, column \"g\": missing value (value \"\")"
        );
        assert_eq!(err("g,z\na,1\n"), "missing column \"y\" in the CSV header");
        assert!(err("g,y\na,1\nb\n").starts_with("CSV error at row 3"));
    }

    #[test]
    fn survival_csv_errors() {
        let e = read_survival_csv("g,d,e\na,1.5,1\na,-2,0\n".as_bytes(), "g", "d", "e")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("row 3, column \"d\": expected a finite number >= 0 (value \"-2\")")
        );
        let e = read_survival_csv("g,d,e\na,abc,1\n".as_bytes(), "g", "d", "e")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("row 2, column \"d\": expected a number (value \"abc\")")
        );
    }

    #[test]
    fn counts_and_groups() {
        let s = aggregate_cohort_csv("g,y\na,1\nb,0\na,1\nc,0\nb,1\n".as_bytes(), "g", "y")
            .expect("ok");
        let v: Vec<_> = s
            .iter()
            .map(|(g, c)| (g.to_owned(), c.n, c.successes))
            .collect();
        assert_eq!(
            v,
            [("a".into(), 2, 2), ("b".into(), 2, 1), ("c".into(), 1, 0)]
        );
    }
}
