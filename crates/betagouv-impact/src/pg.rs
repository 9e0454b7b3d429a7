//! Counts pushed down to PostgreSQL (feature `postgres`): the server runs the
//! `GROUP BY` of [`crate::sql`] and only the counts come back.
//!
//! The caller brings the connection (a [`postgres::Client`]): this crate never
//! reads the environment nor a password. Each call runs in one read-only
//! transaction (`START TRANSACTION READ ONLY`) with `statement_timeout` set
//! for that transaction only (`set_config(..., true)`, the `SET LOCAL` of a
//! parameter), and sends the counting query through the extended protocol
//! (Parse/Bind/Execute), which refuses a text holding several statements.
//! The result (one row per group, or per group and distinct duration) is
//! held in memory once, like the statistics built from it.

use std::collections::BTreeMap;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Row, Transaction};

use crate::cohort::CohortStats;
use crate::error::{Error, Result};
use crate::sql::{
    CohortCountsRow, SkippedNulls, SqlSource, StratumCountsRow, SurvivalCountsRow,
    cohort_counts_sql, cohort_stats_from_rows, stratum_counts_sql, stratum_stats_from_rows,
    survival_counts_sql, survival_tables_from_rows,
};
use crate::survival::SurvivalTable;

/// How the counting query runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PgOptions {
    /// Longest run of a statement in the server (`statement_timeout`, rounded
    /// up to the millisecond); zero means no limit, as in PostgreSQL.
    pub statement_timeout: Duration,
    /// Skip the rows with a null group, duration or outcome (and count them)
    /// instead of refusing them.
    pub skip_null: bool,
}

impl Default for PgOptions {
    /// Five minutes, nulls refused.
    fn default() -> Self {
        Self {
            statement_timeout: Duration::from_secs(300),
            skip_null: false,
        }
    }
}

impl PgOptions {
    /// Options with this timeout and null policy.
    #[must_use]
    pub fn new(statement_timeout: Duration, skip_null: bool) -> Self {
        Self {
            statement_timeout,
            skip_null,
        }
    }
}

/// The crate's error for a client or server error, keeping the server's
/// message, detail, hint and SQLSTATE.
fn pg_error(e: postgres::Error) -> Error {
    let (message, sqlstate) = match e.as_db_error() {
        Some(db) => {
            let mut m = db.message().to_owned();
            if let Some(d) = db.detail() {
                m.push_str(&format!(" (detail: {d})"));
            }
            if let Some(h) = db.hint() {
                m.push_str(&format!(" (hint: {h})"));
            }
            (m, Some(db.code().code().to_owned()))
        }
        None => {
            let mut m = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                m.push_str(&format!(": {s}"));
                source = s.source();
            }
            (m, e.code().map(|c| c.code().to_owned()))
        }
    };
    Error::Postgres {
        message,
        sqlstate,
        source: e,
    }
}

/// Starts the read-only transaction and sets its statement timeout.
fn begin<'c>(client: &'c mut Client, options: &PgOptions) -> Result<Transaction<'c>> {
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .start()
        .map_err(pg_error)?;
    let ms = options.statement_timeout.as_nanos().div_ceil(1_000_000);
    let ms = ms.to_string();
    tx.query_one(
        "SELECT set_config('statement_timeout', $1, true)",
        &[&ms.as_str()],
    )
    .map_err(pg_error)?;
    Ok(tx)
}

/// Runs `sql` in the transaction and maps each row as it arrives.
fn collect<T>(
    client: &mut Client,
    options: &PgOptions,
    sql: &str,
    mut map: impl FnMut(&Row) -> std::result::Result<T, postgres::Error>,
) -> Result<Vec<T>> {
    let mut tx = begin(client, options)?;
    let mut out = Vec::new();
    {
        let mut rows = tx
            .query_raw(sql, std::iter::empty::<&dyn ToSql>())
            .map_err(pg_error)?;
        while let Some(row) = rows.next().map_err(pg_error)? {
            out.push(map(&row).map_err(pg_error)?);
        }
    }
    tx.commit().map_err(pg_error)?;
    Ok(out)
}

/// A `bigint` count as `u64` (a count is never negative; clamp anyway).
fn count(row: &Row, i: usize) -> std::result::Result<u64, postgres::Error> {
    let v: i64 = row.try_get(i)?;
    Ok(u64::try_from(v).unwrap_or(0))
}

/// Cohort counts of `source` computed by the server ([`cohort_counts_sql`]),
/// with the rows skipped for a null (all zero unless `options.skip_null`).
///
/// # Errors
/// [`Error::Postgres`] when the server refuses the query (a missing table or
/// column, several statements, a write in the read-only transaction, the
/// statement timeout) or the connection fails; the errors of
/// [`cohort_stats_from_rows`] for null and invalid values.
pub fn postgres_cohort_stats(
    client: &mut Client,
    source: &SqlSource,
    group: &str,
    outcome: &str,
    options: &PgOptions,
) -> Result<(CohortStats, SkippedNulls)> {
    let sql = cohort_counts_sql(source, group, outcome);
    let rows = collect(client, options, &sql, |r| {
        Ok(CohortCountsRow {
            group: r.try_get(0)?,
            outcome: r.try_get(1)?,
            n: count(r, 2)?,
        })
    })?;
    cohort_stats_from_rows(rows, group, outcome, options.skip_null)
}

/// Per stratum (or cluster) and group, the counts of `source` computed by the
/// server ([`stratum_counts_sql`]): the input of [`crate::strata_arms`] or, with
/// the cluster's column as `stratum`, of [`crate::cluster_arms`]; with the rows
/// skipped for a null.
///
/// # Errors
/// As [`postgres_cohort_stats`], and the errors of [`stratum_stats_from_rows`]
/// (a null stratum).
pub fn postgres_stratum_stats(
    client: &mut Client,
    source: &SqlSource,
    stratum: &str,
    group: &str,
    outcome: &str,
    options: &PgOptions,
) -> Result<(BTreeMap<String, CohortStats>, SkippedNulls)> {
    let sql = stratum_counts_sql(source, stratum, group, outcome);
    let rows = collect(client, options, &sql, |r| {
        Ok(StratumCountsRow {
            stratum: r.try_get(0)?,
            group: r.try_get(1)?,
            outcome: r.try_get(2)?,
            n: count(r, 3)?,
        })
    })?;
    stratum_stats_from_rows(rows, stratum, group, outcome, options.skip_null)
}

/// Per group, the survival table of `source` computed by the server
/// ([`survival_counts_sql`]), with the rows skipped for a null.
///
/// # Errors
/// As [`postgres_cohort_stats`], and the errors of
/// [`survival_tables_from_rows`] (a negative or non-finite duration).
pub fn postgres_survival_tables(
    client: &mut Client,
    source: &SqlSource,
    group: &str,
    duration: &str,
    event: &str,
    options: &PgOptions,
) -> Result<(BTreeMap<String, SurvivalTable>, SkippedNulls)> {
    let sql = survival_counts_sql(source, group, duration, event);
    let rows = collect(client, options, &sql, |r| {
        Ok(SurvivalCountsRow {
            group: r.try_get(0)?,
            time: r.try_get(1)?,
            event: r.try_get(2)?,
            n: count(r, 3)?,
        })
    })?;
    survival_tables_from_rows(rows, group, duration, event, options.skip_null)
}
