//! `impact cohort|survival --postgres CONNINFO --table T | --query SQL`: the
//! counting runs in the server; only the counts come back.
//!
//! The SQL is that of `betagouv_impact::sql` (`--print-sql` prints it and stops
//! without connecting); the connection settings are CONNINFO completed from the
//! libpq environment (see `pgconn`). No TLS: the connection is plain (a local
//! socket, or a network the operator trusts); `sslmode=require` fails.

use std::time::Duration;

use betagouv_impact::sql::{
    SkippedNulls, SqlSource, cohort_counts_sql, stratum_counts_sql, survival_counts_sql,
};
use betagouv_impact::{
    CohortStats, PgOptions, postgres_cohort_stats, postgres_stratum_stats, postgres_survival_tables,
};
use postgres::config::Host;
use postgres::{Client, Config, NoTls};

use super::BoxError;
use super::pgconn::{PgEnv, resolve};
use super::source::{Nested, RowsSource, SurvivalTables};
use crate::out::{errln, outln};

/// `--table` or `--query`.
fn sql_source(source: &RowsSource) -> Result<SqlSource, BoxError> {
    match (&source.table, &source.query) {
        (Some(t), _) => Ok(SqlSource::table(t)),
        (None, Some(q)) => Ok(SqlSource::query(q)),
        (None, None) => Err("--postgres needs --table TABLE or --query SQL".into()),
    }
}

/// Where the connection goes, for error messages (never the password).
fn target(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => config
            .get_hostaddrs()
            .first()
            .map_or_else(String::new, ToString::to_string),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "host {host}, port {port}, user {}, database {}",
        config.get_user().unwrap_or("?"),
        config.get_dbname().or(config.get_user()).unwrap_or("?")
    )
}

/// An error with its causes, `: `-separated.
fn chain(e: &dyn std::error::Error) -> String {
    let mut m = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        m.push_str(&format!(": {s}"));
        source = s.source();
    }
    m
}

/// The connection, CONNINFO completed from the environment.
fn connect(conninfo: &str) -> Result<Client, BoxError> {
    let resolved = resolve(conninfo, &PgEnv::from_process())?;
    for w in &resolved.warnings {
        errln!("warning: {w}");
    }
    let config = resolved.config;
    config.connect(NoTls).map_err(|e| {
        format!(
            "cannot connect to PostgreSQL ({}): {}",
            target(&config),
            chain(&e)
        )
        .into()
    })
}

fn options(source: &RowsSource) -> PgOptions {
    PgOptions::new(
        Duration::from_secs(source.statement_timeout),
        source.skip_null,
    )
}

/// Tells how many rows were skipped for a null, on standard error.
fn note_skipped(skipped: &SkippedNulls, columns: &[(&str, u64)]) {
    if skipped.total() == 0 {
        return;
    }
    let parts: Vec<String> = columns
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| format!("{n} with a null {c:?}"))
        .collect();
    errln!(
        "note: skipped {} rows ({})",
        skipped.total(),
        parts.join(", ")
    );
}

pub(super) fn cohort(
    source: &RowsSource,
    conninfo: &str,
    group: &str,
    outcome: &str,
) -> Result<Option<CohortStats>, BoxError> {
    let sql_source = sql_source(source)?;
    if source.print_sql {
        outln!("{}", cohort_counts_sql(&sql_source, group, outcome))?;
        return Ok(None);
    }
    let mut client = connect(conninfo)?;
    let (stats, skipped) =
        postgres_cohort_stats(&mut client, &sql_source, group, outcome, &options(source))
            .map_err(|e| format!("{}: {e}", source.name()))?;
    note_skipped(
        &skipped,
        &[(group, skipped.group), (outcome, skipped.outcome)],
    );
    Ok(Some(stats))
}

pub(super) fn survival(
    source: &RowsSource,
    conninfo: &str,
    group: &str,
    duration: &str,
    event: &str,
) -> Result<Option<SurvivalTables>, BoxError> {
    let sql_source = sql_source(source)?;
    if source.print_sql {
        outln!(
            "{}",
            survival_counts_sql(&sql_source, group, duration, event)
        )?;
        return Ok(None);
    }
    let mut client = connect(conninfo)?;
    let (tables, skipped) = postgres_survival_tables(
        &mut client,
        &sql_source,
        group,
        duration,
        event,
        &options(source),
    )
    .map_err(|e| format!("{}: {e}", source.name()))?;
    note_skipped(
        &skipped,
        &[
            (group, skipped.group),
            (duration, skipped.duration),
            (event, skipped.outcome),
        ],
    );
    Ok(Some(tables))
}

/// `impact strata|clusters --postgres`: counts per stratum (or cluster) and group.
pub(super) fn strata(
    source: &RowsSource,
    conninfo: &str,
    [stratum, group, outcome]: [&str; 3],
) -> Result<Option<Nested>, BoxError> {
    let sql_source = sql_source(source)?;
    if source.print_sql {
        outln!(
            "{}",
            stratum_counts_sql(&sql_source, stratum, group, outcome)
        )?;
        return Ok(None);
    }
    let mut client = connect(conninfo)?;
    let (strata, skipped) = postgres_stratum_stats(
        &mut client,
        &sql_source,
        stratum,
        group,
        outcome,
        &options(source),
    )
    .map_err(|e| format!("{}: {e}", source.name()))?;
    note_skipped(
        &skipped,
        &[
            (stratum, skipped.stratum),
            (group, skipped.group),
            (outcome, skipped.outcome),
        ],
    );
    Ok(Some(strata))
}
