//! Pre-aggregated counts: the rows of a counting query (`GROUP BY`) run by any
//! engine (PostgreSQL, DuckDB, Spark, Trino, BigQuery...), turned into the
//! sufficient statistics of [`crate::cohort`] and [`crate::survival`].
//!
//! A cohort counts row is `group, n, successes`; a survival counts row is
//! `group, time, events, censored`. A group (or a group and time) given on
//! several rows is **summed**: partial counts of several partitions, files or
//! machines merge exactly, which is what lets a distributed engine count each
//! partition on its own. The CSV reader of such rows is
//! `read_cohort_counts_csv` / `read_survival_counts_csv` (feature `csv`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::cohort::{CohortCounts, CohortStats};
use crate::error::{Error, Result};
use crate::survival::SurvivalTable;

/// One row of cohort counts: `n` people of `group`, `successes` of whom had the
/// outcome. When deserialized, a count may be a number or a string of digits
/// (BigQuery's JSON export writes `INT64` as strings) and any other field is
/// refused (a `month` column left in would otherwise be summed over);
/// [`cohort_stats_from_counts`] checks the row (a non-empty group,
/// `successes <= n`) and names it when it is invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohortCountsRow {
    /// The group (cohort) name, not empty.
    pub group: String,
    /// People in the group (in this partition).
    #[serde(deserialize_with = "count")]
    pub n: u64,
    /// People with the outcome, at most `n`.
    #[serde(deserialize_with = "count")]
    pub successes: u64,
}

/// One row of survival counts: in `group`, `events` people returned to work at
/// `time` and `censored` people were censored at `time`. Deserialized as
/// [`CohortCountsRow`] (a time may also be a string holding a number);
/// [`survival_tables_from_counts`] checks the row (a non-empty group, a finite
/// time ≥ 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurvivalCountsRow {
    /// The group (cohort) name, not empty.
    pub group: String,
    /// The time (e.g. days), finite and ≥ 0.
    #[serde(deserialize_with = "time")]
    pub time: f64,
    /// Events (returns to work) at `time`.
    #[serde(deserialize_with = "count")]
    pub events: u64,
    /// Censorings at `time`.
    #[serde(deserialize_with = "count")]
    pub censored: u64,
}

/// One row of counts of a blocked randomisation: `n` people of `group` in
/// `stratum`, `successes` of whom had the outcome. Deserialized as
/// [`CohortCountsRow`]; [`stratum_stats_from_counts`] checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StratumCountsRow {
    /// The stratum, not empty.
    pub stratum: String,
    /// The group (arm) name, not empty.
    pub group: String,
    /// People of the group in the stratum (in this partition).
    #[serde(deserialize_with = "count")]
    pub n: u64,
    /// People with the outcome, at most `n`.
    #[serde(deserialize_with = "count")]
    pub successes: u64,
}

/// One row of counts of a cluster randomisation: `n` people of `cluster`
/// (assigned to `group`), `successes` of whom had the outcome. Deserialized as
/// [`CohortCountsRow`]; [`cluster_stats_from_counts`] checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterCountsRow {
    /// The cluster (e.g. an agency), not empty.
    pub cluster: String,
    /// The group (arm) the cluster was assigned to, not empty.
    pub group: String,
    /// People of the cluster (in this partition).
    #[serde(deserialize_with = "count")]
    pub n: u64,
    /// People with the outcome, at most `n`.
    #[serde(deserialize_with = "count")]
    pub successes: u64,
}

/// A count as JSON gives it: an integer, or a string of digits.
fn count<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<u64, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a count: an integer in [0, 18446744073709551615] (or a string of one)")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<u64, E> {
            Ok(v)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<u64, E> {
            v.trim()
                .parse()
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(v), &self))
        }
    }
    d.deserialize_any(V)
}

/// A time as JSON gives it: a number, or a string holding one.
fn time<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = f64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a time: a number (or a string of one)")
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<f64, E> {
            Ok(v)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<f64, E> {
            v.trim()
                .parse()
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(v), &self))
        }
    }
    d.deserialize_any(V)
}

/// Sums cohort counts rows per group (checked: a sum above `u64::MAX` is an error).
#[derive(Default)]
pub(crate) struct CohortAccumulator {
    groups: BTreeMap<String, CohortCounts>,
    rows: u64,
}

impl CohortAccumulator {
    /// Adds one row; the problem when it is invalid or a sum overflows.
    pub(crate) fn add(&mut self, group: &str, n: u64, successes: u64) -> Option<&'static str> {
        if group.is_empty() {
            return Some("the group is empty");
        }
        if successes > n {
            return Some("successes exceed n");
        }
        self.rows += 1;
        let c = match self.groups.get_mut(group) {
            Some(c) => c,
            None => self.groups.entry(group.to_owned()).or_default(),
        };
        match (c.n.checked_add(n), c.successes.checked_add(successes)) {
            (Some(n), Some(s)) => {
                (c.n, c.successes) = (n, s);
                None
            }
            _ => Some("the group's total exceeds 18446744073709551615"),
        }
    }

    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    pub(crate) fn finish(self) -> CohortStats {
        let mut stats = CohortStats::default();
        for (g, c) in self.groups {
            stats.add_counts(&g, c);
        }
        stats
    }
}

/// Sums survival counts rows per group and time.
#[derive(Default)]
pub(crate) struct SurvivalAccumulator {
    // The bits of a finite f64 >= 0 (after + 0.0) sort as the number does.
    groups: BTreeMap<String, BTreeMap<u64, (u64, u64)>>,
    rows: u64,
}

impl SurvivalAccumulator {
    /// Adds one row; the problem when it is invalid or a sum overflows. A row
    /// without events or censorings adds nothing.
    pub(crate) fn add(
        &mut self,
        group: &str,
        time: f64,
        events: u64,
        censored: u64,
    ) -> Option<&'static str> {
        if group.is_empty() {
            return Some("the group is empty");
        }
        if !(time.is_finite() && time >= 0.0) {
            return Some("the time must be a finite number >= 0");
        }
        self.rows += 1;
        let times = match self.groups.get_mut(group) {
            Some(t) => t,
            None => self.groups.entry(group.to_owned()).or_default(),
        };
        if events == 0 && censored == 0 {
            return None;
        }
        let c = times.entry((time + 0.0).to_bits()).or_insert((0, 0));
        match (c.0.checked_add(events), c.1.checked_add(censored)) {
            (Some(e), Some(k)) => {
                *c = (e, k);
                None
            }
            _ => Some("the counts at this time exceed 18446744073709551615"),
        }
    }

    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    pub(crate) fn finish(self) -> BTreeMap<String, SurvivalTable> {
        SurvivalTable::tables_from_bits(self.groups)
    }
}

/// The error of the `index`-th row (0-based) given to a builder.
fn row_error(index: usize, group: &str, problem: &'static str) -> Error {
    Error::CountsRow {
        row: index as u64 + 1,
        group: group.to_owned(),
        problem,
    }
}

/// Cohort statistics from counts rows (e.g. a SQL `GROUP BY` read from any
/// engine); a group given on several rows is summed.
///
/// ```
/// use betagouv_impact::{CohortCountsRow, cohort_stats_from_counts};
/// let row = |g: &str, n, successes| CohortCountsRow { group: g.into(), n, successes };
/// // Two partitions of the encouraged cohort, one of the control.
/// let stats = cohort_stats_from_counts([
///     row("encouraged", 60_000, 13_300),
///     row("control", 100_000, 20_000),
///     row("encouraged", 40_000, 8_800),
/// ])?;
/// assert_eq!(stats.get("encouraged").map(|c| (c.successes, c.n)), Some((22_100, 100_000)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::CountsRow`] (naming the 1-based row and its group) for an empty
/// group, successes above n, or a group whose total exceeds `u64::MAX`;
/// [`Error::NoCountsRows`] when there is no row.
pub fn cohort_stats_from_counts<I>(rows: I) -> Result<CohortStats>
where
    I: IntoIterator<Item = CohortCountsRow>,
{
    let mut acc = CohortAccumulator::default();
    for (i, r) in rows.into_iter().enumerate() {
        if let Some(p) = acc.add(&r.group, r.n, r.successes) {
            return Err(row_error(i, &r.group, p));
        }
    }
    if acc.rows() == 0 {
        return Err(Error::NoCountsRows);
    }
    Ok(acc.finish())
}

/// Counts by an outer key (stratum, cluster) and group, summed.
fn nested_from_counts<I>(rows: I, empty: &'static str) -> Result<BTreeMap<String, CohortStats>>
where
    I: IntoIterator<Item = (String, String, u64, u64)>,
{
    let mut accs: BTreeMap<String, CohortAccumulator> = BTreeMap::new();
    let mut seen = 0usize;
    for (i, (key, group, n, successes)) in rows.into_iter().enumerate() {
        seen += 1;
        if key.is_empty() {
            return Err(row_error(i, &group, empty));
        }
        if let Some(p) = accs.entry(key).or_default().add(&group, n, successes) {
            return Err(row_error(i, &group, p));
        }
    }
    if seen == 0 {
        return Err(Error::NoCountsRows);
    }
    Ok(accs.into_iter().map(|(k, a)| (k, a.finish())).collect())
}

/// The statistics of each stratum from counts rows (a stratum and group on
/// several rows is summed), the input of [`crate::strata_arms`].
///
/// ```
/// use betagouv_impact::{StratumCountsRow, stratum_stats_from_counts};
/// let row = |s: &str, g: &str, n, successes| StratumCountsRow {
///     stratum: s.into(), group: g.into(), n, successes,
/// };
/// let strata = stratum_stats_from_counts([row("paris", "a", 100, 30), row("paris", "b", 100, 20)])?;
/// assert_eq!(strata.get("paris").and_then(|s| s.get("b")).map(|c| c.successes), Some(20));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`cohort_stats_from_counts`], and [`Error::CountsRow`] for an empty
/// stratum.
pub fn stratum_stats_from_counts<I>(rows: I) -> Result<BTreeMap<String, CohortStats>>
where
    I: IntoIterator<Item = StratumCountsRow>,
{
    nested_from_counts(
        rows.into_iter()
            .map(|r| (r.stratum, r.group, r.n, r.successes)),
        "the stratum is empty",
    )
}

/// The statistics of each cluster from counts rows (a cluster and group on
/// several rows is summed), the input of [`crate::cluster_arms`].
///
/// # Errors
/// As [`cohort_stats_from_counts`], and [`Error::CountsRow`] for an empty
/// cluster.
pub fn cluster_stats_from_counts<I>(rows: I) -> Result<BTreeMap<String, CohortStats>>
where
    I: IntoIterator<Item = ClusterCountsRow>,
{
    nested_from_counts(
        rows.into_iter()
            .map(|r| (r.cluster, r.group, r.n, r.successes)),
        "the cluster is empty",
    )
}

/// Survival tables per group from counts rows; a (group, time) given on several
/// rows is summed, and a row with no event and no censoring adds nothing (its
/// group still appears, with an empty table if it has no other row).
///
/// ```
/// use betagouv_impact::{SurvivalCountsRow, SurvivalTable, survival_tables_from_counts};
/// let row = |t, events, censored| SurvivalCountsRow { group: "a".into(), time: t, events, censored };
/// let tables = survival_tables_from_counts([row(30.0, 2, 0), row(10.0, 1, 1), row(30.0, 0, 1)])?;
/// let expected = SurvivalTable::from_records([
///     (10.0, true), (10.0, false), (30.0, true), (30.0, true), (30.0, false),
/// ])?;
/// assert_eq!(tables.get("a"), Some(&expected));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::CountsRow`] for an empty group, a time that is negative or not
/// finite, or counts at one time exceeding `u64::MAX`; [`Error::NoCountsRows`]
/// when there is no row.
pub fn survival_tables_from_counts<I>(rows: I) -> Result<BTreeMap<String, SurvivalTable>>
where
    I: IntoIterator<Item = SurvivalCountsRow>,
{
    let mut acc = SurvivalAccumulator::default();
    for (i, r) in rows.into_iter().enumerate() {
        if let Some(p) = acc.add(&r.group, r.time, r.events, r.censored) {
            return Err(row_error(i, &r.group, p));
        }
    }
    if acc.rows() == 0 {
        return Err(Error::NoCountsRows);
    }
    Ok(acc.finish())
}

#[cfg(feature = "csv")]
mod csv_counts {
    use std::collections::BTreeMap;
    use std::io::Read;

    use super::{CohortAccumulator, SurvivalAccumulator};
    use crate::cohort::CohortStats;
    use crate::csv_input::{Column, CsvOptions, CsvSource};
    use crate::error::{Error, Result};
    use crate::survival::SurvivalTable;

    /// Refuses a column other than `expected`: a column left in the counting
    /// query (a month, a region) would otherwise be summed over silently.
    fn only<R: Read>(src: &CsvSource<R>, expected: &[&str]) -> Result<()> {
        for (i, h) in src.headers.iter().enumerate() {
            if !expected.iter().any(|e| e.as_bytes() == h) {
                return Err(Error::Csv {
                    line: 1,
                    column: Some(i + 1),
                    reason: format!(
                        "unexpected column {:?}: a counts file has exactly the columns {} (one file per value of any other column)",
                        String::from_utf8_lossy(h),
                        expected.join(", ")
                    ),
                    source: None,
                });
            }
        }
        Ok(())
    }

    /// A count cell: an integer in [0, u64::MAX].
    fn count(col: &Column<'_>, record: &csv::ByteRecord, line: u64) -> Result<u64> {
        let raw = col.get(record);
        let t = raw.trim_ascii();
        if t.is_empty() {
            return Err(col.error(line, raw, "missing value"));
        }
        std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| col.error(line, raw, "expected an integer >= 0"))
    }

    /// Reads a CSV of cohort counts with the columns `group`, `n` and
    /// `successes` (in any order, and no other) and sums them per
    /// group: a group on several rows (partial counts of several partitions)
    /// is summed. Memory is proportional to the groups.
    ///
    /// ```
    /// let csv = "group,n,successes\nencouraged,60000,13300\ncontrol,100000,20000\nencouraged,40000,8800\n";
    /// let stats = betagouv_impact::read_cohort_counts_csv(csv.as_bytes())?;
    /// assert_eq!(stats.get("encouraged").map(|c| (c.successes, c.n)), Some((22_100, 100_000)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`crate::aggregate_cohort_csv`] (missing or duplicate column,
    /// malformed record, record above 1 MiB, no data row), and
    /// [`crate::Error::InvalidCell`] naming the line, the column and its value for an
    /// empty group, a count that is not an integer in [0, 2^64 − 1],
    /// `successes` above `n` (on the `successes` cell), or a group whose total
    /// exceeds 2^64 − 1 (on the `n` cell).
    #[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
    pub fn read_cohort_counts_csv<R: Read>(reader: R) -> Result<CohortStats> {
        let mut src = CsvSource::new(reader, CsvOptions::default())?;
        let gc = src.column("group")?;
        let nc = src.column("n")?;
        let sc = src.column("successes")?;
        only(&src, &["group", "n", "successes"])?;
        let mut acc = CohortAccumulator::default();
        let mut record = csv::ByteRecord::new();
        while src.next_record(&mut record)? {
            let line = src.record_line();
            let group = gc.group(&record, line)?;
            let n = count(&nc, &record, line)?;
            let successes = count(&sc, &record, line)?;
            if let Some(problem) = acc.add(group, n, successes) {
                let col = if successes > n { &sc } else { &nc };
                return Err(col.error(line, col.get(&record), problem));
            }
        }
        src.finish()?;
        Ok(acc.finish())
    }

    /// Reads a CSV of counts by `outer` (stratum or cluster) and group: the
    /// columns `OUTER`, `group`, `n`, `successes` (in any order, and no
    /// other), summed per (outer, group).
    fn read_nested_counts_csv<R: Read>(
        reader: R,
        outer: &'static str,
    ) -> Result<BTreeMap<String, CohortStats>> {
        let mut src = CsvSource::new(reader, CsvOptions::default())?;
        let oc = src.column(outer)?;
        let gc = src.column("group")?;
        let nc = src.column("n")?;
        let sc = src.column("successes")?;
        only(&src, &[outer, "group", "n", "successes"])?;
        let mut accs: BTreeMap<String, CohortAccumulator> = BTreeMap::new();
        let mut record = csv::ByteRecord::new();
        while src.next_record(&mut record)? {
            let line = src.record_line();
            let key = oc.group(&record, line)?;
            let group = gc.group(&record, line)?;
            let n = count(&nc, &record, line)?;
            let successes = count(&sc, &record, line)?;
            let acc = match accs.get_mut(key) {
                Some(a) => a,
                None => accs.entry(key.to_owned()).or_default(),
            };
            if let Some(problem) = acc.add(group, n, successes) {
                let col = if successes > n { &sc } else { &nc };
                return Err(col.error(line, col.get(&record), problem));
            }
        }
        src.finish()?;
        Ok(accs.into_iter().map(|(k, a)| (k, a.finish())).collect())
    }

    /// Reads a CSV of counts per stratum of a blocked randomisation: the
    /// columns `stratum`, `group`, `n`, `successes` (in any order, and no
    /// other), summed per stratum and group; the statistics of each stratum
    /// by its name. [`crate::strata_arms`] turns them into the input of
    /// [`crate::stratified`].
    ///
    /// ```
    /// let csv = "stratum,group,n,successes\nparis,a,100,30\nparis,b,100,20\nlyon,a,40,12\nlyon,b,40,5\n";
    /// let strata = betagouv_impact::read_stratum_counts_csv(csv.as_bytes())?;
    /// assert_eq!(strata.get("lyon").and_then(|s| s.get("a")).map(|c| c.successes), Some(12));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`read_cohort_counts_csv`], with the `stratum` column too.
    #[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
    pub fn read_stratum_counts_csv<R: Read>(reader: R) -> Result<BTreeMap<String, CohortStats>> {
        read_nested_counts_csv(reader, "stratum")
    }

    /// Reads a CSV of counts per cluster of a cluster randomisation: the
    /// columns `cluster`, `group`, `n`, `successes` (in any order, and no
    /// other), summed per cluster and group; the statistics of each cluster
    /// by its name. [`crate::cluster_arms`] turns them into the input of
    /// [`crate::cluster_difference`].
    ///
    /// ```
    /// let csv = "cluster,group,n,successes\nagency-1,a,40,12\nagency-2,b,45,8\n";
    /// let clusters = betagouv_impact::read_cluster_counts_csv(csv.as_bytes())?;
    /// assert_eq!(clusters.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`read_cohort_counts_csv`], with the `cluster` column too.
    #[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
    pub fn read_cluster_counts_csv<R: Read>(reader: R) -> Result<BTreeMap<String, CohortStats>> {
        read_nested_counts_csv(reader, "cluster")
    }

    /// Reads a CSV of survival counts with the columns `group`, `time`,
    /// `events` and `censored` (in any order, and no other) into
    /// one [`SurvivalTable`] per group; a (group, time) on several rows is
    /// summed. Memory is proportional to the distinct (group, time) pairs.
    ///
    /// ```
    /// let csv = "group,time,events,censored\na,10,1,1\na,30,2,0\na,30,0,1\n";
    /// let tables = betagouv_impact::read_survival_counts_csv(csv.as_bytes())?;
    /// assert_eq!(tables.get("a").map(|t| (t.n(), t.events())), Some((5, 3)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`read_cohort_counts_csv`], and [`crate::Error::InvalidCell`] for a time
    /// that is missing, not a number, negative or not finite, or counts at one
    /// time exceeding 2^64 − 1 (on the `events` cell).
    #[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
    pub fn read_survival_counts_csv<R: Read>(reader: R) -> Result<BTreeMap<String, SurvivalTable>> {
        let mut src = CsvSource::new(reader, CsvOptions::default())?;
        let gc = src.column("group")?;
        let tc = src.column("time")?;
        let ec = src.column("events")?;
        let cc = src.column("censored")?;
        only(&src, &["group", "time", "events", "censored"])?;
        let mut acc = SurvivalAccumulator::default();
        let mut record = csv::ByteRecord::new();
        while src.next_record(&mut record)? {
            let line = src.record_line();
            let group = gc.group(&record, line)?;
            let time = tc.duration(&record, line)?;
            let events = count(&ec, &record, line)?;
            let censored = count(&cc, &record, line)?;
            if let Some(problem) = acc.add(group, time, events, censored) {
                return Err(ec.error(line, ec.get(&record), problem));
            }
        }
        src.finish()?;
        Ok(acc.finish())
    }
}

#[cfg(feature = "csv")]
pub use csv_counts::{
    read_cluster_counts_csv, read_cohort_counts_csv, read_stratum_counts_csv,
    read_survival_counts_csv,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort_row(group: &str, n: u64, successes: u64) -> CohortCountsRow {
        CohortCountsRow {
            group: group.to_owned(),
            n,
            successes,
        }
    }

    #[test]
    fn repeated_groups_are_summed_and_checked() {
        let s = cohort_stats_from_counts([cohort_row("a", 3, 1), cohort_row("a", 2, 2)])
            .expect("valid");
        assert_eq!(s.get("a"), Some(CohortCounts { n: 5, successes: 3 }));
        let e = cohort_stats_from_counts([cohort_row("a", 1, 0), cohort_row("b", 1, 2)]).err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("counts row 2 (group \"b\"): successes exceed n")
        );
        let e = cohort_stats_from_counts([cohort_row("a", u64::MAX, 0), cohort_row("a", 1, 0)]);
        assert!(matches!(e, Err(Error::CountsRow { row: 2, .. })));
        assert!(matches!(
            cohort_stats_from_counts([cohort_row("", 1, 0)]),
            Err(Error::CountsRow { row: 1, .. })
        ));
        assert!(matches!(
            cohort_stats_from_counts([]),
            Err(Error::NoCountsRows)
        ));
    }

    #[test]
    fn survival_rows_sum_per_time_and_check_the_time() {
        let row = |time: f64, events, censored| SurvivalCountsRow {
            group: "g".to_owned(),
            time,
            events,
            censored,
        };
        let t = survival_tables_from_counts([
            row(2.0, 1, 0),
            row(-0.0, 0, 1),
            row(2.0, 0, 3),
            row(5.0, 0, 0),
        ])
        .expect("valid");
        let expected = SurvivalTable::from_records([
            (0.0, false),
            (2.0, true),
            (2.0, false),
            (2.0, false),
            (2.0, false),
        ])
        .expect("valid");
        assert_eq!(t.get("g"), Some(&expected));
        for bad in [f64::NAN, -1.0, f64::INFINITY] {
            let e = survival_tables_from_counts([row(bad, 1, 0)]).err();
            assert!(matches!(e, Some(Error::CountsRow { row: 1, .. })), "{bad}");
        }
        assert!(matches!(
            survival_tables_from_counts([row(1.0, u64::MAX, 0), row(1.0, 1, 0)]),
            Err(Error::CountsRow { row: 2, .. })
        ));
    }

    #[test]
    fn json_rows_are_validated_when_read() {
        let ok: CohortCountsRow =
            serde_json::from_str(r#"{"group":"a","n":"12","successes":3}"#).expect("valid");
        assert_eq!(ok, cohort_row("a", 12, 3));
        for bad in [
            r#"{"group":"a","n":-1,"successes":0}"#,
            r#"{"group":"a","n":"x","successes":0}"#,
            r#"{"n":1,"successes":0}"#,
            r#"{"group":"a","month":1,"n":1,"successes":0}"#,
        ] {
            assert!(
                serde_json::from_str::<CohortCountsRow>(bad).is_err(),
                "{bad}"
            );
        }
        let ok: SurvivalCountsRow =
            serde_json::from_str(r#"{"group":"a","time":"1.5","events":"1","censored":0}"#)
                .expect("valid");
        assert_eq!(ok.time, 1.5);
    }

    #[cfg(feature = "csv")]
    #[test]
    fn csv_errors_are_located() {
        let err = |text: &str| {
            read_cohort_counts_csv(text.as_bytes())
                .err()
                .map(|e| e.to_string())
        };
        assert_eq!(
            err("group,n,successes\na,1,x\n").as_deref(),
            Some("line 2, column 3 (\"successes\"): expected an integer >= 0 (value \"x\")")
        );
        assert_eq!(
            err("group,n,successes\na,1,0\nb,,0\n").as_deref(),
            Some("line 3, column 2 (\"n\"): missing value (value \"\")")
        );
        assert_eq!(
            err(&format!("group,n,successes\na,{},0\na,1,0\n", u64::MAX)).as_deref(),
            Some(
                "line 3, column 2 (\"n\"): the group's total exceeds 18446744073709551615 (value \"1\")"
            )
        );
        assert_eq!(
            err("group,month,n,successes\na,1,1,0\n").as_deref(),
            Some(
                "line 1, column 2: unexpected column \"month\": a counts file has exactly the columns group, n, successes (one file per value of any other column)"
            )
        );
        assert_eq!(
            err("").as_deref(),
            Some("missing column \"group\" in the header")
        );
        let e = read_survival_counts_csv("group,time,events,censored\na,x,1,0\n".as_bytes())
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("line 2, column 2 (\"time\"): expected a number (value \"x\")")
        );
        // After blank lines and `\r\n` endings, the line of the record's
        // first byte.
        assert_eq!(
            err("group,n,successes\r\na,1,0\r\n\r\nb,2,x\r\n").as_deref(),
            Some("line 4, column 3 (\"successes\"): expected an integer >= 0 (value \"x\")")
        );
        let shown = |e: Option<crate::Error>| e.map(|e| e.to_string());
        let e = read_stratum_counts_csv("stratum,group,n,successes\n\n\nx,,1,0\n".as_bytes());
        assert_eq!(
            shown(e.err()).as_deref(),
            Some("line 4, column 2 (\"group\"): missing value (value \"\")")
        );
        let e =
            read_cluster_counts_csv("cluster,group,n,successes\r\nc,a,1,0\r\nc,a,2\r\n".as_bytes());
        assert_eq!(
            shown(e.err()).as_deref(),
            Some("line 3, column 4: expected 4 fields as in the header, found 3")
        );
        let e = read_survival_counts_csv("group,time,events,censored\n\r\n\na,-1,1,0\n".as_bytes());
        assert_eq!(
            shown(e.err()).as_deref(),
            Some("line 4, column 2 (\"time\"): expected a finite number >= 0 (value \"-1\")")
        );
    }

    #[test]
    fn nested_counts_are_summed_and_checked() {
        let row = |s: &str, g: &str, n, successes| StratumCountsRow {
            stratum: s.to_owned(),
            group: g.to_owned(),
            n,
            successes,
        };
        let strata =
            stratum_stats_from_counts([row("x", "a", 10, 3), row("x", "a", 5, 1)]).expect("ok");
        let a = strata.get("x").and_then(|s| s.get("a"));
        assert_eq!(a.map(|c| (c.n, c.successes)), Some((15, 4)));
        let err = |rows: Vec<StratumCountsRow>| {
            stratum_stats_from_counts(rows).err().map(|e| e.to_string())
        };
        assert_eq!(
            err(vec![row("x", "a", 1, 0), row("", "a", 1, 0)]).as_deref(),
            Some("counts row 2 (group \"a\"): the stratum is empty")
        );
        assert_eq!(
            err(vec![row("x", "a", 1, 2)]).as_deref(),
            Some("counts row 1 (group \"a\"): successes exceed n")
        );
        assert_eq!(err(vec![]).as_deref(), Some("no counts row"));
        let cluster = ClusterCountsRow {
            cluster: "ag1".to_owned(),
            group: "b".to_owned(),
            n: 4,
            successes: 1,
        };
        let clusters = cluster_stats_from_counts([cluster]).expect("ok");
        assert!(clusters.get("ag1").and_then(|c| c.get("b")).is_some());
    }
}
