//! Counts pushed down to a real PostgreSQL server (feature `postgres`): the
//! server's counts equal the CSV reader's on the same rows, user queries run as
//! sub-queries in a read-only transaction with a statement timeout, and counts
//! of chunks merge into the whole.
//!
//! The server is `BETAGOUV_TEST_POSTGRES` (a libpq key=value string, e.g.
//! `host=/tmp/sock user=postgres dbname=postgres`; `.ci/run` starts one). Without
//! it the tests skip with a note; with `BETAGOUV_REQUIRE_EXTERNAL` set they fail.
#![allow(clippy::print_stderr)]

use std::collections::BTreeMap;
use std::time::Duration;

use betagouv_impact::sql::{SkippedNulls, SqlSource};
use betagouv_impact::{
    CohortStats, Error, PgOptions, SurvivalTable, aggregate_cohort_csv, aggregate_strata_csv,
    postgres_cohort_stats, postgres_stratum_stats, postgres_survival_tables, read_survival_csv,
};
use postgres::{Client, NoTls};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};

/// A connection to the test server, or `None` (skipped) when there is none.
fn client() -> Option<Client> {
    let conninfo = std::env::var("BETAGOUV_TEST_POSTGRES").unwrap_or_default();
    let required = std::env::var_os("BETAGOUV_REQUIRE_EXTERNAL").is_some_and(|v| !v.is_empty());
    if conninfo.is_empty() {
        assert!(
            !required,
            "BETAGOUV_REQUIRE_EXTERNAL is set but BETAGOUV_TEST_POSTGRES (a PostgreSQL server) is not"
        );
        eprintln!("note: skipped, set BETAGOUV_TEST_POSTGRES to a libpq connection string to run");
        return None;
    }
    Some(Client::connect(&conninfo, NoTls).expect("the test server answers"))
}

/// A fresh schema of this test (dropped first if a previous run left it).
fn schema(client: &mut Client, name: &str) -> String {
    let s = format!("bg_{name}_{}", std::process::id());
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};"
        ))
        .unwrap();
    s
}

fn drop_schema(client: &mut Client, s: &str) {
    client
        .batch_execute(&format!("DROP SCHEMA {s} CASCADE"))
        .unwrap();
}

/// Deterministic rows: (id, group index, outcome, duration).
fn rows(n: u64) -> Vec<(u64, u64, bool, u64)> {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    (0..n)
        .map(|id| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (id, x % 3, (x >> 8).is_multiple_of(3), (x >> 16) % 40)
        })
        .collect()
}

const GROUPS: [&str; 3] = ["control", "encouraged", "other"];

fn options() -> PgOptions {
    PgOptions::new(Duration::from_secs(60), false)
}

/// A table of `rows` with every outcome type, text and integer groups.
fn load(client: &mut Client, table: &str, rows: &[(u64, u64, bool, u64)]) {
    client
        .batch_execute(&format!(
            "CREATE TABLE {table} (id bigint, g text, gi integer, y_bool boolean, \
             y_small smallint, y_int integer, y_big bigint, days integer, days_f float8)"
        ))
        .unwrap();
    if rows.is_empty() {
        return;
    }
    let values: Vec<String> = rows
        .iter()
        .map(|(id, g, y, d)| {
            let yi = u8::from(*y);
            format!(
                "({id}, '{}', {g}, {y}, {yi}, {yi}, {yi}, {d}, {d}.5)",
                GROUPS[*g as usize]
            )
        })
        .collect();
    client
        .batch_execute(&format!("INSERT INTO {table} VALUES {}", values.join(",")))
        .unwrap();
}

fn csv_cohort(rows: &[(u64, u64, bool, u64)], integer_groups: bool) -> CohortStats {
    let mut text = "g,y\n".to_owned();
    for (_, g, y, _) in rows {
        let group = if integer_groups {
            g.to_string()
        } else {
            GROUPS[*g as usize].to_owned()
        };
        text.push_str(&format!("{group},{}\n", u8::from(*y)));
    }
    aggregate_cohort_csv(text.as_bytes(), "g", "y").unwrap()
}

fn csv_survival(rows: &[(u64, u64, bool, u64)], half: bool) -> BTreeMap<String, SurvivalTable> {
    let mut text = "g,d,e\n".to_owned();
    for (_, g, y, d) in rows {
        let d = if half {
            format!("{d}.5")
        } else {
            d.to_string()
        };
        text.push_str(&format!("{},{d},{}\n", GROUPS[*g as usize], u8::from(*y)));
    }
    read_survival_csv(text.as_bytes(), "g", "d", "e").unwrap()
}

#[test]
fn table_counts_equal_the_csv_reader() {
    let Some(mut c) = client() else { return };
    let s = schema(&mut c, "types");
    let rows = rows(500);
    let odd = format!("{s}.\"my \"\"t\"\"\"");
    load(&mut c, &odd, &rows);
    let table = SqlSource::table(&format!("{s}.my \"t\""));
    let expected = csv_cohort(&rows, false);
    for outcome in ["y_bool", "y_small", "y_int", "y_big"] {
        let (stats, skipped) =
            postgres_cohort_stats(&mut c, &table, "g", outcome, &options()).unwrap();
        assert_eq!(stats, expected, "{outcome}");
        assert_eq!(skipped, SkippedNulls::default());
    }
    let (stats, _) = postgres_cohort_stats(&mut c, &table, "gi", "y_int", &options()).unwrap();
    assert_eq!(stats, csv_cohort(&rows, true));
    for (duration, half) in [("days", false), ("days_f", true)] {
        for event in ["y_bool", "y_small", "y_big"] {
            let (tables, _) =
                postgres_survival_tables(&mut c, &table, "g", duration, event, &options()).unwrap();
            assert_eq!(tables, csv_survival(&rows, half), "{duration} {event}");
        }
    }
    let err = postgres_cohort_stats(
        &mut c,
        &SqlSource::table("no_such_table"),
        "g",
        "y",
        &options(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Postgres { sqlstate: Some(code), .. } if code == "42P01"),
        "{err}"
    );
    drop_schema(&mut c, &s);
}

/// Strata (or clusters) counted by the server equal the CSV reader's: integer
/// and text strata, a table and a query, nulls refused or skipped.
#[test]
fn strata_counts_equal_the_csv_reader() {
    let Some(mut c) = client() else { return };
    let s = schema(&mut c, "strata");
    let rows = rows(400);
    load(&mut c, &format!("{s}.t"), &rows);
    let mut text = "k,g,y\n".to_owned();
    for (id, g, y, _) in &rows {
        text.push_str(&format!(
            "{},{},{}\n",
            id % 5,
            GROUPS[*g as usize],
            u8::from(*y)
        ));
    }
    let expected = aggregate_strata_csv(text.as_bytes(), "k", "g", "y").unwrap();
    let q = SqlSource::query(&format!("SELECT id % 5 AS k, g, y_bool AS y FROM {s}.t"));
    let (strata, skipped) = postgres_stratum_stats(&mut c, &q, "k", "g", "y", &options()).unwrap();
    assert_eq!(strata, expected);
    assert_eq!(skipped, SkippedNulls::default());
    // The group column as the stratum (each a stratum of one group): the cohort counts.
    let t = SqlSource::table(&format!("{s}.t"));
    let (by_g, _) = postgres_stratum_stats(&mut c, &t, "g", "g", "y_int", &options()).unwrap();
    let cohort = csv_cohort(&rows, false);
    for (g, stats) in &by_g {
        assert_eq!(stats.get(g), cohort.get(g));
        assert_eq!(stats.iter().count(), 1);
    }
    c.batch_execute(&format!(
        "INSERT INTO {s}.t (id, g, y_int) VALUES (NULL, 'control', 1), (NULL, 'control', 0)"
    ))
    .unwrap();
    let q = SqlSource::query(&format!("SELECT id % 5 AS k, g, y_int FROM {s}.t"));
    let err = postgres_stratum_stats(&mut c, &q, "k", "g", "y_int", &options()).unwrap_err();
    assert_eq!(err.to_string(), "2 rows have a null \"k\"");
    let skip = PgOptions::new(Duration::from_secs(60), true);
    let (strata, skipped) = postgres_stratum_stats(&mut c, &q, "k", "g", "y_int", &skip).unwrap();
    assert_eq!((skipped.stratum, skipped.total()), (2, 2));
    assert_eq!(strata, expected);
    drop_schema(&mut c, &s);
}

fn sqlstate(err: &Error) -> String {
    match err {
        Error::Postgres { sqlstate, .. } => sqlstate.clone().unwrap_or_default(),
        other => panic!("not a server error: {other}"),
    }
}

#[test]
fn queries_run_as_read_only_sub_queries() {
    let Some(mut c) = client() else { return };
    let s = schema(&mut c, "queries");
    let rows = rows(100);
    load(&mut c, &format!("{s}.t"), &rows);
    let expected = csv_cohort(&rows, false);
    for q in [
        format!("SELECT g, y_int FROM {s}.t ; \n"),
        format!("SELECT g, y_int FROM {s}.t -- every row"),
    ] {
        let (stats, _) =
            postgres_cohort_stats(&mut c, &SqlSource::query(&q), "g", "y_int", &options()).unwrap();
        assert_eq!(stats, expected, "{q}");
    }
    // Two statements: refused by the extended protocol (42601), whatever the parentheses.
    let two = format!(
        "SELECT g, y_int FROM {s}.t) AS rows GROUP BY 1, 2; DELETE FROM {s}.t; SELECT 1 FROM (SELECT 1"
    );
    let err = postgres_cohort_stats(&mut c, &SqlSource::query(&two), "g", "y_int", &options())
        .unwrap_err();
    assert_eq!(sqlstate(&err), "42601", "{err}");
    assert!(
        err.to_string().contains("cannot insert multiple commands"),
        "{err}"
    );
    // A data-modifying CTE cannot be a sub-query (0A000).
    let cte = format!("WITH d AS (DELETE FROM {s}.t RETURNING *) SELECT g, y_int FROM d");
    let err = postgres_cohort_stats(&mut c, &SqlSource::query(&cte), "g", "y_int", &options())
        .unwrap_err();
    assert_eq!(sqlstate(&err), "0A000", "{err}");
    // A write hidden in a function is refused by the read-only transaction (25006).
    c.batch_execute(&format!(
        "CREATE FUNCTION {s}.w() RETURNS integer LANGUAGE sql AS \
         'DELETE FROM {s}.t; SELECT 1'; CREATE SEQUENCE {s}.q"
    ))
    .unwrap();
    for q in [
        format!("SELECT g, {s}.w() AS y FROM {s}.t"),
        format!("SELECT g, nextval('{s}.q') % 2 AS y FROM {s}.t"),
    ] {
        let err =
            postgres_cohort_stats(&mut c, &SqlSource::query(&q), "g", "y", &options()).unwrap_err();
        assert_eq!(sqlstate(&err), "25006", "{err}");
    }
    let n: i64 = c
        .query_one(&format!("SELECT count(*) FROM {s}.t"), &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 100, "no row was deleted");
    // The statement timeout (57014); the connection is usable after.
    let before: String = c.query_one("SHOW statement_timeout", &[]).unwrap().get(0);
    let slow = PgOptions::new(Duration::from_millis(200), false);
    let q = SqlSource::query("SELECT 'a' AS g, 1 AS y FROM pg_sleep(10)");
    let err = postgres_cohort_stats(&mut c, &q, "g", "y", &slow).unwrap_err();
    assert_eq!(sqlstate(&err), "57014", "{err}");
    let timeout: String = c.query_one("SHOW statement_timeout", &[]).unwrap().get(0);
    assert_eq!(
        timeout, before,
        "SET LOCAL: the session's timeout is unchanged"
    );
    drop_schema(&mut c, &s);
}

#[test]
fn nulls_are_refused_or_skipped_and_invalid_values_refused() {
    let Some(mut c) = client() else { return };
    let s = schema(&mut c, "nulls");
    c.batch_execute(&format!(
        "CREATE TABLE {s}.t (g text, y smallint, d float8);
         INSERT INTO {s}.t VALUES ('a', 1, 1), ('a', 0, 2), ('a', NULL, 3), (NULL, 1, 4),
                                  ('b', 1, NULL), ('b', 0, 5);"
    ))
    .unwrap();
    let t = SqlSource::table(&format!("{s}.t"));
    let err = postgres_cohort_stats(&mut c, &t, "g", "y", &options()).unwrap_err();
    assert_eq!(err.to_string(), "1 rows have a null \"g\"");
    let skip = PgOptions::new(Duration::from_secs(60), true);
    let (stats, skipped) = postgres_cohort_stats(&mut c, &t, "g", "y", &skip).unwrap();
    assert_eq!((skipped.group, skipped.outcome), (1, 1));
    assert_eq!(stats.get("a").map(|a| (a.n, a.successes)), Some((2, 1)));
    assert_eq!(stats.get("b").map(|b| (b.n, b.successes)), Some((2, 1)));
    let (tables, skipped) = postgres_survival_tables(&mut c, &t, "g", "d", "y", &skip).unwrap();
    assert_eq!(
        skipped,
        SkippedNulls {
            stratum: 0,
            group: 1,
            duration: 1,
            outcome: 1
        }
    );
    assert_eq!((tables["a"].n(), tables["b"].n()), (2, 1));
    let err = postgres_survival_tables(&mut c, &t, "g", "d", "y", &options()).unwrap_err();
    assert_eq!(err.to_string(), "1 rows have a null \"g\"");
    c.batch_execute(&format!(
        "INSERT INTO {s}.t VALUES ('a', 2, 1), ('a', 1, -3)"
    ))
    .unwrap();
    let err = postgres_cohort_stats(&mut c, &t, "g", "y", &skip).unwrap_err();
    assert_eq!(
        err.to_string(),
        "1 rows have a value of \"y\" other than 0, 1, false or true"
    );
    let q = SqlSource::query(&format!("SELECT * FROM {s}.t WHERE y < 2"));
    let err = postgres_survival_tables(&mut c, &q, "g", "d", "y", &skip).unwrap_err();
    assert!(
        matches!(err, Error::SqlInvalidDuration { rows: 1, .. }),
        "{err}"
    );
    let q = SqlSource::query("SELECT 'a' AS g, 'NaN'::float8 AS d, true AS y");
    let err = postgres_survival_tables(&mut c, &q, "g", "d", "y", &skip).unwrap_err();
    assert!(matches!(err, Error::SqlInvalidDuration { .. }), "{err}");
    drop_schema(&mut c, &s);
}

#[test]
fn counts_of_chunks_merge_into_the_whole() {
    let Some(mut c) = client() else { return };
    let s = schema(&mut c, "chunks");
    let mut runner = TestRunner::new(ProptestConfig::with_cases(16));
    let strategy = (1u64..300, prop::collection::vec(0u64..300, 0..6));
    // The runner takes a `Fn`: the connection and the case number live in cells.
    let cell = std::cell::RefCell::new(c);
    let case = std::cell::Cell::new(0);
    runner
        .run(&strategy, |(n, mut cuts)| {
            let c = &mut *cell.borrow_mut();
            case.set(case.get() + 1);
            let table = format!("{s}.t{}", case.get());
            let rows = rows(n);
            load(c, &table, &rows);
            let whole = SqlSource::table(&table);
            let (all, _) = postgres_cohort_stats(c, &whole, "g", "y_bool", &options()).unwrap();
            let (all_s, _) =
                postgres_survival_tables(c, &whole, "g", "days", "y_small", &options()).unwrap();
            cuts.push(0);
            cuts.push(n);
            cuts.sort_unstable();
            let mut merged = CohortStats::default();
            let mut merged_s: BTreeMap<String, SurvivalTable> = BTreeMap::new();
            for w in cuts.windows(2) {
                let q = SqlSource::query(&format!(
                    "SELECT * FROM {table} WHERE id >= {} AND id < {}",
                    w[0], w[1]
                ));
                let (part, _) = postgres_cohort_stats(c, &q, "g", "y_bool", &options()).unwrap();
                merged.merge(&part);
                let (parts, _) =
                    postgres_survival_tables(c, &q, "g", "days", "y_small", &options()).unwrap();
                for (g, t) in parts {
                    merged_s.entry(g).or_default().merge(&t);
                }
            }
            prop_assert_eq!(&merged, &all);
            prop_assert_eq!(&all, &csv_cohort(&rows, false));
            prop_assert_eq!(&merged_s, &all_s);
            prop_assert_eq!(&all_s, &csv_survival(&rows, false));
            Ok(())
        })
        .unwrap();
    drop_schema(&mut cell.borrow_mut(), &s);
}
