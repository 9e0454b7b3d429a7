//! `impact cohort|survival --counts FILE`: counts computed by any engine (a SQL
//! `GROUP BY` in Spark, Trino, BigQuery, DuckDB...), read from CSV or JSON.
//!
//! The format is the extension's: `.json`, `.jsonl` and `.ndjson` are JSON (an
//! array of row objects, or one object per line as Spark, BigQuery and DuckDB
//! export them), anything else CSV. A group (or a group and time) on several
//! rows is summed: partial counts of several partitions merge.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use betagouv_impact::{
    ClusterCountsRow, CohortCountsRow, CohortStats, StratumCountsRow, SurvivalCountsRow,
    cluster_stats_from_counts, cohort_stats_from_counts, stratum_stats_from_counts,
    survival_tables_from_counts,
};
use serde::de::DeserializeOwned;

use super::source::{Nested, SurvivalTables};
use super::{BoxError, in_file};

pub(super) fn cohort(path: &Path) -> Result<CohortStats, BoxError> {
    let reader = open(path)?;
    if is_json(path) {
        let rows: Vec<CohortCountsRow> = json_rows(path, reader)?;
        return cohort_stats_from_counts(rows).map_err(|e| in_file(path, e));
    }
    betagouv_impact::read_cohort_counts_csv(reader).map_err(|e| in_file(path, e))
}

pub(super) fn survival(path: &Path) -> Result<SurvivalTables, BoxError> {
    let reader = open(path)?;
    if is_json(path) {
        let rows: Vec<SurvivalCountsRow> = json_rows(path, reader)?;
        let tables: BTreeMap<_, _> =
            survival_tables_from_counts(rows).map_err(|e| in_file(path, e))?;
        return Ok(tables);
    }
    betagouv_impact::read_survival_counts_csv(reader).map_err(|e| in_file(path, e))
}

/// Counts per stratum (`impact strata --counts`), CSV or JSON.
pub(super) fn strata(path: &Path) -> Result<Nested, BoxError> {
    nested::<StratumCountsRow>(
        path,
        stratum_stats_from_counts,
        betagouv_impact::read_stratum_counts_csv,
    )
}

/// Counts per cluster (`impact clusters --counts`), CSV or JSON.
pub(super) fn clusters(path: &Path) -> Result<Nested, BoxError> {
    nested::<ClusterCountsRow>(
        path,
        cluster_stats_from_counts,
        betagouv_impact::read_cluster_counts_csv,
    )
}

/// Counts by stratum or cluster and group: JSON rows of type `R`, or CSV.
fn nested<R: DeserializeOwned>(
    path: &Path,
    from_rows: fn(Vec<R>) -> betagouv_impact::Result<Nested>,
    from_csv: fn(BufReader<File>) -> betagouv_impact::Result<Nested>,
) -> Result<Nested, BoxError> {
    let reader = open(path)?;
    let stats = if is_json(path) {
        from_rows(json_rows(path, reader)?)
    } else {
        from_csv(reader)
    };
    stats.map_err(|e| in_file(path, e))
}

fn open(path: &Path) -> Result<BufReader<File>, BoxError> {
    let f = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    Ok(BufReader::with_capacity(1 << 16, f))
}

fn is_json(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["json", "jsonl", "ndjson"]
            .iter()
            .any(|j| e.eq_ignore_ascii_case(j))
    })
}

/// The rows of a JSON counts file: an array of objects, or JSON lines (one
/// object per line, blank lines skipped). Syntax and type errors name the line
/// and column, as the CSV errors do (`counts.json: line 3, column 31: invalid
/// type: floating point `1.5`, expected u64`); the rows' checks come after, in
/// `cohort_stats_from_counts`, and name the row (`counts row 2 (group "a"):
/// successes exceed n`).
fn json_rows<T: DeserializeOwned>(
    path: &Path,
    mut reader: BufReader<File>,
) -> Result<Vec<T>, BoxError> {
    let read_error =
        |e: std::io::Error| -> BoxError { format!("cannot read {}: {e}", path.display()).into() };
    // An array opens with `[` in the first buffer (64 KiB); nothing is consumed,
    // so serde_json's line numbers are the file's.
    let buf = reader.fill_buf().map_err(read_error)?;
    if buf.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        // In memory: counts are small.
        let mut text = Vec::new();
        reader.read_to_end(&mut text).map_err(read_error)?;
        return serde_json::from_slice(&text).map_err(|e| located(path, None, &e));
    }
    let mut rows = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(read_error)?;
        if !line.trim().is_empty() {
            rows.push(serde_json::from_str(&line).map_err(|e| located(path, Some(i + 1), &e))?);
        }
    }
    Ok(rows)
}

/// A JSON error as `FILE: line L, column C: message`; `line` is the file's line
/// when the error's own is within a single line of JSON lines.
fn located(path: &Path, line: Option<usize>, e: &serde_json::Error) -> BoxError {
    let message = e.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m);
    let line = line.unwrap_or(e.line());
    let column = match e.column() {
        0 => String::new(),
        c => format!(", column {c}"),
    };
    format!("{}: line {line}{column}: {message}", path.display()).into()
}
