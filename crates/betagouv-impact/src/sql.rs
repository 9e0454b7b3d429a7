//! The counting queries of a SQL engine holding individual rows, and the
//! interpretation of their result as sufficient statistics.
//!
//! [`cohort_counts_sql`], [`stratum_counts_sql`] and [`survival_counts_sql`]
//! give the exact text the
//! `postgres` feature sends (and the command line's `--print-sql` prints), so
//! that it can also be read, audited or run elsewhere. The rows come from a
//! [`SqlSource`]: a table (each part of `schema.name` quoted as an identifier)
//! or a user query run as a sub-query.
//!
//! The outcome (or event) column may be `boolean` or an integer type: it is
//! converted to text once per row and classified by a simple `CASE`, so
//! `1`/`true` is a success (class 1), `0`/`false` a failure (class 0), `NULL`
//! is counted apart, and anything else (`2`, `-1`, `'yes'`, `1.0`) is counted
//! as invalid (class -1), never silently as a failure. The server groups by
//! group and class (and duration): at most four rows per group come back. The group is read as text
//! (`"g"::text`: integer groups become `"1"`, `"2"`, ...), the duration as
//! `float8` (integers, `numeric`, `real`, `double precision`; integers above
//! 2^53 lose precision).
//!
//! [`cohort_stats_from_rows`], [`stratum_stats_from_rows`] and
//! [`survival_tables_from_rows`] turn the rows of those queries into
//! [`CohortStats`] (per stratum or cluster for the second) and
//! [`SurvivalTable`]s: null values
//! are an error naming the column and how many rows, or are skipped and
//! counted in [`SkippedNulls`]; invalid values are always an error.

use std::collections::BTreeMap;

use crate::cohort::{CohortCounts, CohortStats};
use crate::error::{Error, Result};
use crate::survival::SurvivalTable;

/// Where the rows are: a table (or view) or a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlSource {
    /// A table or view, optionally in a schema. Both names are taken as they
    /// are stored (quoted: case-sensitive, any character).
    Table {
        /// The schema, if any (else the server's `search_path` decides).
        schema: Option<String>,
        /// The table's name.
        name: String,
    },
    /// One query returning the rows, run as a sub-query: trailing semicolons
    /// and whitespace are removed, nothing else is rewritten.
    Query(String),
}

impl SqlSource {
    /// A table given as `name` or `schema.name` (split at the first `.`; for a
    /// schema or name holding a `.`, build [`SqlSource::Table`] directly).
    #[must_use]
    pub fn table(qualified: &str) -> Self {
        match qualified.split_once('.') {
            Some((schema, name)) => Self::Table {
                schema: Some(schema.to_owned()),
                name: name.to_owned(),
            },
            None => Self::Table {
                schema: None,
                name: qualified.to_owned(),
            },
        }
    }

    /// A user query.
    #[must_use]
    pub fn query(sql: &str) -> Self {
        Self::Query(sql.to_owned())
    }

    /// The `FROM` item of the counting query: the quoted table, or the query
    /// between parentheses on lines of its own (so that a trailing `--`
    /// comment cannot swallow the closing parenthesis) named `rows`.
    #[must_use]
    pub fn from_item(&self) -> String {
        match self {
            Self::Table {
                schema: Some(schema),
                name,
            } => format!("{}.{}", quote_ident(schema), quote_ident(name)),
            Self::Table { schema: None, name } => quote_ident(name),
            Self::Query(sql) => {
                let sql = sql.trim_end_matches(|c: char| c == ';' || c.is_whitespace());
                format!("(\n{sql}\n) AS rows")
            }
        }
    }
}

/// `name` as a quoted SQL identifier: between double quotes, inner double
/// quotes doubled (`my "t"` becomes `"my ""t"""`).
#[must_use]
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The outcome (or event) column as 1, 0, -1 (invalid) or NULL, its text
/// computed once per row (a simple `CASE`).
fn binary_case(column: &str) -> String {
    let c = quote_ident(column);
    format!(
        "CASE WHEN {c} IS NULL THEN NULL ELSE CASE {c}::text \
         WHEN '1' THEN 1 WHEN 'true' THEN 1 WHEN '0' THEN 0 WHEN 'false' THEN 0 \
         ELSE -1 END END"
    )
}

/// The cohort counting query: one row per group and outcome class, with the
/// columns `group` (text, `NULL` for the rows whose group is null), `outcome`
/// (`1` for 1/true, `0` for 0/false, `-1` for any other value, `NULL` for
/// null) and `n` (`bigint`). Each row's outcome is classified once; the
/// result has at most four rows per group.
#[must_use]
pub fn cohort_counts_sql(source: &SqlSource, group: &str, outcome: &str) -> String {
    outcome_counts_sql(source, &[("group", group)], outcome)
}

/// The counting query of a blocked (or cluster) randomisation: one row per
/// stratum (or cluster), group and outcome class, with the columns `stratum`
/// (text, `NULL` for the rows whose stratum is null), then those of
/// [`cohort_counts_sql`].
#[must_use]
pub fn stratum_counts_sql(source: &SqlSource, stratum: &str, group: &str, outcome: &str) -> String {
    outcome_counts_sql(source, &[("stratum", stratum), ("group", group)], outcome)
}

/// The counts of `outcome`'s classes per value of the `keys` (each read as
/// text under its alias).
fn outcome_counts_sql(source: &SqlSource, keys: &[(&str, &str)], outcome: &str) -> String {
    let mut select = String::new();
    for (alias, column) in keys {
        select.push_str(&format!(
            "{}::text AS {},\n       ",
            quote_ident(column),
            quote_ident(alias)
        ));
    }
    let columns = (1..=keys.len() + 1)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {select}{} AS outcome,\n       \
         count(*) AS n\n\
         FROM {}\n\
         GROUP BY {columns}\n\
         ORDER BY {columns}",
        binary_case(outcome),
        source.from_item()
    )
}

/// The survival counting query: one row per group, duration and event class,
/// with the columns `group` (text), `time` (`float8`), `event` (`1`, `0`,
/// `-1` for any other value, `NULL`) and `n` (`bigint`); a null group or
/// duration is `NULL`.
#[must_use]
pub fn survival_counts_sql(source: &SqlSource, group: &str, duration: &str, event: &str) -> String {
    format!(
        "SELECT {}::text AS \"group\",\n       \
         {}::float8 AS \"time\",\n       \
         {} AS event,\n       \
         count(*) AS n\n\
         FROM {}\n\
         GROUP BY 1, 2, 3\n\
         ORDER BY 1, 2, 3",
        quote_ident(group),
        quote_ident(duration),
        binary_case(event),
        source.from_item()
    )
}

/// One row of [`cohort_counts_sql`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CohortCountsRow {
    /// The group (`None`: the rows whose group is null).
    pub group: Option<String>,
    /// The outcome class: `Some(1)` success, `Some(0)` failure, any other
    /// value invalid, `None` null.
    pub outcome: Option<i32>,
    /// How many rows.
    pub n: u64,
}

/// One row of [`stratum_counts_sql`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StratumCountsRow {
    /// The stratum or cluster (`None`: the rows whose stratum is null).
    pub stratum: Option<String>,
    /// The group (`None`: the rows whose group is null).
    pub group: Option<String>,
    /// The outcome class: `Some(1)` success, `Some(0)` failure, any other
    /// value invalid, `None` null.
    pub outcome: Option<i32>,
    /// How many rows.
    pub n: u64,
}

/// One row of [`survival_counts_sql`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SurvivalCountsRow {
    /// The group (`None`: the rows whose group is null).
    pub group: Option<String>,
    /// The duration (`None`: the rows whose duration is null).
    pub time: Option<f64>,
    /// The event class: `Some(1)` the event happened at `time`, `Some(0)`
    /// censored at `time`, any other value invalid, `None` null.
    pub event: Option<i32>,
    /// How many rows.
    pub n: u64,
}

/// Rows left out because of a null, each counted once, under the first
/// column found null in the order stratum, group, duration, outcome (or
/// event).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SkippedNulls {
    /// Rows whose stratum (or cluster) is null (strata and clusters).
    pub stratum: u64,
    /// Rows whose group is null.
    pub group: u64,
    /// Rows whose duration is null (survival).
    pub duration: u64,
    /// Rows whose outcome (cohort) or event (survival) is null.
    pub outcome: u64,
}

impl SkippedNulls {
    /// All the rows skipped.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.stratum
            .saturating_add(self.group)
            .saturating_add(self.duration)
            .saturating_add(self.outcome)
    }

    /// The first null column of the rows skipped and how many rows, in the
    /// order stratum, group, duration, outcome; `None` when nothing was
    /// skipped. `columns` names them in that order.
    fn first<'c>(&self, columns: [&'c str; 4]) -> Option<(&'c str, u64)> {
        let [stratum, group, duration, outcome] = columns;
        [
            (stratum, self.stratum),
            (group, self.group),
            (duration, self.duration),
            (outcome, self.outcome),
        ]
        .into_iter()
        .find(|(_, n)| *n > 0)
    }
}

/// Adds `n` to a count without overflowing.
fn bump(count: &mut u64, n: u64) {
    *count = count.saturating_add(n);
}

/// The error for invalid values, or for nulls unless they are skipped.
fn check_nulls(
    invalid: (&str, u64),
    skipped: &SkippedNulls,
    skip_null: bool,
    columns: [&str; 4],
) -> Result<()> {
    if invalid.1 > 0 {
        return Err(Error::SqlInvalidValues {
            column: invalid.0.to_owned(),
            rows: invalid.1,
        });
    }
    if skip_null {
        return Ok(());
    }
    match skipped.first(columns) {
        Some((column, rows)) => Err(Error::SqlNullValues {
            column: column.to_owned(),
            rows,
        }),
        None => Ok(()),
    }
}

/// [`CohortStats`] from the rows of [`cohort_counts_sql`] (in any order;
/// several rows of one group add up). `group` and `outcome` name the columns
/// in errors.
///
/// # Errors
/// [`Error::SqlInvalidValues`] when some outcome is neither 0 nor 1 (whatever
/// `skip_null`); [`Error::SqlNullValues`] when some group or outcome is null
/// and `skip_null` is false.
pub fn cohort_stats_from_rows<I: IntoIterator<Item = CohortCountsRow>>(
    rows: I,
    group: &str,
    outcome: &str,
    skip_null: bool,
) -> Result<(CohortStats, SkippedNulls)> {
    // One stratum, named "": the counting of the strata, not repeated here.
    let rows = rows.into_iter().map(|r| StratumCountsRow {
        stratum: Some(String::new()),
        group: r.group,
        outcome: r.outcome,
        n: r.n,
    });
    let (mut strata, skipped) = stratum_stats_from_rows(rows, "", group, outcome, skip_null)?;
    Ok((strata.remove("").unwrap_or_default(), skipped))
}

/// Per stratum (or cluster), the [`CohortStats`] from the rows of
/// [`stratum_counts_sql`] (in any order; several rows of one stratum and group
/// add up): the input of [`crate::strata_arms`] or [`crate::cluster_arms`].
/// `stratum`, `group` and `outcome` name the columns in errors.
///
/// # Errors
/// As [`cohort_stats_from_rows`], and [`Error::SqlNullValues`] when some
/// stratum is null and `skip_null` is false.
pub fn stratum_stats_from_rows<I: IntoIterator<Item = StratumCountsRow>>(
    rows: I,
    stratum: &str,
    group: &str,
    outcome: &str,
    skip_null: bool,
) -> Result<(BTreeMap<String, CohortStats>, SkippedNulls)> {
    let mut strata: BTreeMap<String, CohortStats> = BTreeMap::new();
    let mut skipped = SkippedNulls::default();
    let mut invalid = 0u64;
    for r in rows {
        match (&r.stratum, &r.group, r.outcome) {
            (_, _, Some(y)) if y != 0 && y != 1 => bump(&mut invalid, r.n),
            (None, _, _) => bump(&mut skipped.stratum, r.n),
            (Some(_), None, _) => bump(&mut skipped.group, r.n),
            (Some(_), Some(_), None) => bump(&mut skipped.outcome, r.n),
            (Some(k), Some(g), Some(y)) => {
                let successes = if y == 1 { r.n } else { 0 };
                let stats = match strata.get_mut(k.as_str()) {
                    Some(s) => s,
                    None => strata.entry(k.clone()).or_default(),
                };
                stats.add_counts(g, CohortCounts { n: r.n, successes });
            }
        }
    }
    check_nulls(
        (outcome, invalid),
        &skipped,
        skip_null,
        [stratum, group, "", outcome],
    )?;
    Ok((strata, skipped))
}

/// Per group, the [`SurvivalTable`] from the rows of [`survival_counts_sql`]
/// (in any order; rows of one group and time add up). `group`, `duration` and
/// `event` name the columns in errors.
///
/// # Errors
/// [`Error::SqlInvalidValues`] when some event is neither 0 nor 1 (whatever
/// `skip_null`); [`Error::SqlInvalidDuration`] for a negative or non-finite
/// duration; [`Error::SqlNullValues`] when some group, duration or event is
/// null and `skip_null` is false; [`Error::CountOverflow`] when counts at one
/// time exceed `u64::MAX`.
pub fn survival_tables_from_rows<I: IntoIterator<Item = SurvivalCountsRow>>(
    rows: I,
    group: &str,
    duration: &str,
    event: &str,
    skip_null: bool,
) -> Result<(BTreeMap<String, SurvivalTable>, SkippedNulls)> {
    let mut tables: BTreeMap<String, SurvivalTable> = BTreeMap::new();
    let mut skipped = SkippedNulls::default();
    let mut invalid = 0u64;
    for r in rows {
        let (g, t, e) = match (&r.group, r.time, r.event) {
            (_, _, Some(e)) if e != 0 && e != 1 => {
                bump(&mut invalid, r.n);
                continue;
            }
            (None, _, _) => {
                bump(&mut skipped.group, r.n);
                continue;
            }
            (Some(_), None, _) => {
                bump(&mut skipped.duration, r.n);
                continue;
            }
            (Some(g), Some(t), e) => (g, t, e),
        };
        if !(t.is_finite() && t >= 0.0) {
            return Err(Error::SqlInvalidDuration {
                column: duration.to_owned(),
                group: g.clone(),
                value: t,
                rows: r.n,
            });
        }
        let Some(e) = e else {
            bump(&mut skipped.outcome, r.n);
            continue;
        };
        let table = match tables.get_mut(g.as_str()) {
            Some(t) => t,
            None => tables.entry(g.clone()).or_default(),
        };
        let (events, censored) = if e == 1 { (r.n, 0) } else { (0, r.n) };
        table.add(t, events, censored)?;
    }
    check_nulls(
        (event, invalid),
        &skipped,
        skip_null,
        ["", group, duration, event],
    )?;
    Ok((tables, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_queries_wrapped() {
        assert_eq!(quote_ident(r#"my "t""#), r#""my ""t""""#);
        assert_eq!(
            SqlSource::table(r#"s.my "t""#).from_item(),
            r#""s"."my ""t""""#
        );
        assert_eq!(SqlSource::table("T").from_item(), "\"T\"");
        assert_eq!(
            SqlSource::query("select 1 ; \n;\n").from_item(),
            "(\nselect 1\n) AS rows"
        );
        assert_eq!(
            SqlSource::query("select 1 -- the rows").from_item(),
            "(\nselect 1 -- the rows\n) AS rows"
        );
    }

    #[test]
    fn cohort_sql_is_stable() {
        let sql = cohort_counts_sql(&SqlSource::table("public.t"), "cohort", "returned");
        assert_eq!(
            sql,
            "SELECT \"cohort\"::text AS \"group\",\n       \
             CASE WHEN \"returned\" IS NULL THEN NULL ELSE CASE \"returned\"::text \
             WHEN '1' THEN 1 WHEN 'true' THEN 1 WHEN '0' THEN 0 WHEN 'false' THEN 0 \
             ELSE -1 END END AS outcome,\n       count(*) AS n\n\
             FROM \"public\".\"t\"\nGROUP BY 1, 2\nORDER BY 1, 2"
        );
        let s = survival_counts_sql(&SqlSource::query("select 1;"), "g", "d", "e");
        assert!(
            s.contains("\"d\"::float8 AS \"time\"") && s.contains("FROM (\nselect 1\n) AS rows\n")
        );
        assert!(s.ends_with("GROUP BY 1, 2, 3\nORDER BY 1, 2, 3"));
    }

    fn crow(group: Option<&str>, outcome: Option<i32>, n: u64) -> CohortCountsRow {
        CohortCountsRow {
            group: group.map(str::to_owned),
            outcome,
            n,
        }
    }

    #[test]
    fn cohort_rows_nulls_and_invalid_values() {
        let rows = vec![
            crow(Some("a"), Some(0), 2),
            crow(Some("a"), Some(1), 1),
            crow(Some("a"), None, 2),
            crow(None, Some(0), 4),
            crow(None, None, 1),
            crow(Some("a"), Some(1), 1),
        ];
        let err = cohort_stats_from_rows(rows.clone(), "g", "y", false).unwrap_err();
        assert_eq!(err.to_string(), "5 rows have a null \"g\"");
        let (stats, skipped) = cohort_stats_from_rows(rows, "g", "y", true).unwrap();
        assert_eq!(stats.get("a"), Some(CohortCounts { n: 4, successes: 2 }));
        assert_eq!(stats.iter().count(), 1);
        assert_eq!((skipped.group, skipped.outcome, skipped.total()), (5, 2, 7));
        let err =
            cohort_stats_from_rows(vec![crow(Some("a"), Some(-1), 2)], "g", "y", true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "2 rows have a value of \"y\" other than 0, 1, false or true"
        );
        let err =
            cohort_stats_from_rows(vec![crow(Some("a"), None, 3)], "g", "y", false).unwrap_err();
        assert_eq!(err.to_string(), "3 rows have a null \"y\"");
    }

    fn srow(
        group: Option<&str>,
        time: Option<f64>,
        event: Option<i32>,
        n: u64,
    ) -> SurvivalCountsRow {
        SurvivalCountsRow {
            group: group.map(str::to_owned),
            time,
            event,
            n,
        }
    }

    #[test]
    fn survival_rows_build_tables() {
        let rows = vec![
            srow(Some("b"), Some(3.0), Some(1), 1),
            srow(Some("a"), Some(2.0), Some(1), 1),
            srow(Some("a"), Some(2.0), Some(0), 1),
            srow(Some("a"), Some(1.0), Some(0), 2),
            srow(Some("a"), Some(1.0), None, 1),
            srow(Some("a"), None, Some(1), 1),
        ];
        let err = survival_tables_from_rows(rows.clone(), "g", "d", "e", false).unwrap_err();
        assert_eq!(err.to_string(), "1 rows have a null \"d\"");
        let (tables, skipped) = survival_tables_from_rows(rows, "g", "d", "e", true).unwrap();
        assert_eq!(
            skipped,
            SkippedNulls {
                stratum: 0,
                group: 0,
                duration: 1,
                outcome: 1
            }
        );
        let a = &tables["a"];
        assert_eq!((a.n(), a.events(), a.rows().len()), (4, 1, 2));
        assert_eq!(tables["b"].n(), 1);
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let rows = vec![srow(Some("a"), Some(bad), Some(1), 1)];
            let err = survival_tables_from_rows(rows, "g", "d", "e", true).unwrap_err();
            assert!(
                matches!(err, Error::SqlInvalidDuration { rows: 1, .. }),
                "{err}"
            );
        }
        let rows = vec![srow(Some("a"), Some(1.0), Some(-1), 1)];
        let err = survival_tables_from_rows(rows, "g", "d", "e", true).unwrap_err();
        assert!(
            matches!(err, Error::SqlInvalidValues { rows: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn stratum_sql_and_rows() {
        let sql = stratum_counts_sql(&SqlSource::table("t"), "agency", "arm", "y");
        assert_eq!(
            sql,
            "SELECT \"agency\"::text AS \"stratum\",\n       \
             \"arm\"::text AS \"group\",\n       \
             CASE WHEN \"y\" IS NULL THEN NULL ELSE CASE \"y\"::text \
             WHEN '1' THEN 1 WHEN 'true' THEN 1 WHEN '0' THEN 0 WHEN 'false' THEN 0 \
             ELSE -1 END END AS outcome,\n       count(*) AS n\n\
             FROM \"t\"\nGROUP BY 1, 2, 3\nORDER BY 1, 2, 3"
        );
        let row = |k: Option<&str>, g: Option<&str>, y: Option<i32>, n| StratumCountsRow {
            stratum: k.map(str::to_owned),
            group: g.map(str::to_owned),
            outcome: y,
            n,
        };
        let rows = vec![
            row(Some("x"), Some("a"), Some(1), 3),
            row(Some("x"), Some("a"), Some(0), 2),
            row(Some("y"), Some("a"), Some(1), 1),
            row(None, Some("a"), Some(1), 4),
            row(Some("x"), None, Some(1), 5),
            row(Some("x"), Some("a"), Some(1), 1),
        ];
        let err = stratum_stats_from_rows(rows.clone(), "k", "g", "y", false).unwrap_err();
        assert_eq!(err.to_string(), "4 rows have a null \"k\"");
        let (strata, skipped) = stratum_stats_from_rows(rows, "k", "g", "y", true).unwrap();
        assert_eq!((skipped.stratum, skipped.group, skipped.total()), (4, 5, 9));
        assert_eq!(
            strata["x"].get("a"),
            Some(CohortCounts { n: 6, successes: 4 })
        );
        assert_eq!(
            strata["y"].get("a"),
            Some(CohortCounts { n: 1, successes: 1 })
        );
        assert_eq!(strata.len(), 2);
        let err = stratum_stats_from_rows(
            vec![row(Some("x"), Some("a"), Some(2), 1)],
            "k",
            "g",
            "y",
            true,
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::SqlInvalidValues { rows: 1, .. }),
            "{err}"
        );
    }
}
