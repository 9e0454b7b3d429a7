//! `betagouv impact cohort|survival --postgres`: the SQL printed by `--print-sql`
//! (golden, no server), then against the real server of `BETAGOUV_TEST_POSTGRES`
//! (started by `.ci/run`; skipped with a note without it, a failure without it
//! when `BETAGOUV_REQUIRE_EXTERNAL` is set): the counts equal the CSV path's, the
//! libpq environment completes an empty CONNINFO, server errors keep their
//! SQLSTATE, nulls are refused or skipped.

use std::io::Write as _;

use postgres::{Client, NoTls};

use super::{betagouv, json, stdout};

const COHORT: [&str; 10] = [
    "--group-column",
    "cohort",
    "--outcome-column",
    "returned",
    "--treated",
    "encouraged",
    "--control",
    "control",
    "--alpha",
    "0.05",
];

const SURVIVAL: [&str; 8] = [
    "--group-column",
    "cohort",
    "--duration-column",
    "days",
    "--event-column",
    "returned",
    "--at",
    "10,20",
];

#[test]
fn print_sql_prints_the_exact_query_without_connecting() {
    let mut args = vec![
        "impact",
        "cohort",
        "--postgres",
        "host=/nonexistent password=never-shown",
        "--table",
        "eval.my \"t\"",
        "--print-sql",
    ];
    args.extend(COHORT);
    assert_eq!(
        stdout(&args),
        "SELECT \"cohort\"::text AS \"group\",
       CASE WHEN \"returned\" IS NULL THEN NULL ELSE CASE \"returned\"::text WHEN '1' THEN 1 WHEN 'true' THEN 1 WHEN '0' THEN 0 WHEN 'false' THEN 0 ELSE -1 END END AS outcome,
       count(*) AS n
FROM \"eval\".\"my \"\"t\"\"\"
GROUP BY 1, 2
ORDER BY 1, 2
"
    );
    let mut args = vec![
        "impact",
        "survival",
        "--postgres",
        "",
        "--query",
        "SELECT * FROM rows_2025 WHERE region = 'Bretagne' -- the panel\n;\n",
        "--print-sql",
    ];
    args.extend(SURVIVAL);
    assert_eq!(
        stdout(&args),
        "SELECT \"cohort\"::text AS \"group\",
       \"days\"::float8 AS \"time\",
       CASE WHEN \"returned\" IS NULL THEN NULL ELSE CASE \"returned\"::text WHEN '1' THEN 1 WHEN 'true' THEN 1 WHEN '0' THEN 0 WHEN 'false' THEN 0 ELSE -1 END END AS event,
       count(*) AS n
FROM (
SELECT * FROM rows_2025 WHERE region = 'Bretagne' -- the panel
) AS rows
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
"
    );
    let out = betagouv()
        .args(["impact", "cohort", "--postgres", "", "--print-sql"])
        .args(COHORT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--table TABLE or --query SQL"));
}

#[test]
fn connection_errors_name_the_server_never_the_password() {
    let out = betagouv()
        .args([
            "impact",
            "cohort",
            "--postgres",
            "host=/nonexistent/socket user=ann password=hunter2 connect_timeout=2",
            "--table",
            "t",
        ])
        .args(COHORT)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot connect to PostgreSQL (host /nonexistent/socket, port 5432, user ann"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

/// The test server's connection string, or `None` (skipped).
#[allow(clippy::print_stderr)] // the skip note of the workspace's convention
pub(super) fn server() -> Option<String> {
    let conninfo = std::env::var("BETAGOUV_TEST_POSTGRES").unwrap_or_default();
    if conninfo.is_empty() {
        assert!(
            !betagouv_tests::external_required(),
            "BETAGOUV_REQUIRE_EXTERNAL is set but BETAGOUV_TEST_POSTGRES (a PostgreSQL server) is not"
        );
        eprintln!("note: skipped, set BETAGOUV_TEST_POSTGRES to a libpq connection string to run");
        return None;
    }
    Some(conninfo)
}

const ROWS: &str = "id,cohort,days,returned
1,encouraged,5,1
2,encouraged,12,0
3,encouraged,12,1
4,control,7,0
5,control,20,1
6,control,30,0
7,encouraged,3,1
8,control,9,1
";

/// The rows of `ROWS` in table `{schema}.rows` (returned as boolean), and as a CSV file.
fn load(conninfo: &str, name: &str) -> (Client, String, tempfile::NamedTempFile) {
    let mut c = Client::connect(conninfo, NoTls).unwrap();
    let s = format!("bg_cli_{name}_{}", std::process::id());
    c.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};
         CREATE TABLE {s}.rows (id integer, cohort text, days integer, returned boolean);"
    ))
    .unwrap();
    let mut csv = tempfile::NamedTempFile::new().unwrap();
    csv.write_all(ROWS.as_bytes()).unwrap();
    for line in ROWS.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        c.execute(
            &format!("INSERT INTO {s}.rows VALUES ($1, $2, $3, $4)"),
            &[
                &f[0].parse::<i32>().unwrap(),
                &f[1],
                &f[2].parse::<i32>().unwrap(),
                &(f[3] == "1"),
            ],
        )
        .unwrap();
    }
    (c, s, csv)
}

/// `KEY` of a key=value connection string without quotes.
fn key<'a>(conninfo: &'a str, key: &str) -> &'a str {
    conninfo
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_default()
}

#[test]
fn pushdown_equals_the_csv_path_and_the_environment_completes_conninfo() {
    let Some(conninfo) = server() else { return };
    let (mut c, s, csv) = load(&conninfo, "same");
    let file = csv.path().to_str().unwrap();
    let table = format!("{s}.rows");
    let run = |source: &[&str], rest: &[&str]| {
        let mut args = vec!["impact"];
        args.extend(source);
        args.extend(rest);
        args.push("--json");
        json(&args)
    };
    for (cmd, rest) in [("cohort", &COHORT[..]), ("survival", &SURVIVAL[..])] {
        let from_csv = run(&[cmd, file], rest);
        let pushed = run(&[cmd, "--postgres", &conninfo, "--table", &table], rest);
        assert_eq!(pushed, from_csv, "{cmd}");
        for q in [
            format!("SELECT * FROM {s}.rows WHERE id > 0 -- all"),
            format!("SELECT * FROM {s}.rows WHERE id > 0 ;\n"),
        ] {
            let queried = run(&[cmd, "--postgres", &conninfo, "--query", &q], rest);
            assert_eq!(queried, from_csv, "{cmd} --query {q}");
        }
    }
    // An empty CONNINFO: PGHOST, PGUSER and PGDATABASE say where the server is.
    let out = betagouv()
        .env_remove("PGSERVICE")
        .env_remove("PGPORT")
        .env("PGHOST", key(&conninfo, "host"))
        .env("PGUSER", key(&conninfo, "user"))
        .env("PGDATABASE", key(&conninfo, "dbname"))
        .env("PGPASSFILE", "/nonexistent")
        .args([
            "impact",
            "cohort",
            "--postgres",
            "",
            "--table",
            &table,
            "--json",
        ])
        .args(COHORT)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_env: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(from_env, run(&["cohort", file], &COHORT));
    c.batch_execute(&format!("DROP SCHEMA {s} CASCADE"))
        .unwrap();
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn fails(args: &[&str]) -> String {
    let out = betagouv().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    err
}

#[test]
fn server_refusals_keep_their_sqlstate_and_nulls_are_explained() {
    let Some(conninfo) = server() else { return };
    let (mut c, s, _csv) = load(&conninfo, "errors");
    let cohort = |source: &[&str]| {
        let mut args = vec!["impact", "cohort", "--postgres", &conninfo];
        args.extend(source);
        args.extend(COHORT);
        args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>()
    };
    let two = format!(
        "SELECT * FROM {s}.rows) AS rows GROUP BY 1, 2; DELETE FROM {s}.rows; SELECT 1 FROM (SELECT 1"
    );
    let args = cohort(&["--query", &two]);
    let err = fails(&refs(&args));
    assert!(
        err.contains("SQLSTATE 42601") && err.contains("cannot insert multiple commands"),
        "{err}"
    );
    let args = cohort(&[
        "--query",
        "SELECT 'a' AS cohort, 1 AS returned FROM pg_sleep(5)",
        "--statement-timeout",
        "1",
    ]);
    let err = fails(&refs(&args));
    assert!(
        err.contains("SQLSTATE 57014") && err.contains("statement timeout"),
        "{err}"
    );
    c.batch_execute(&format!(
        "INSERT INTO {s}.rows VALUES (9, 'control', 4, NULL), (10, NULL, 2, true)"
    ))
    .unwrap();
    let table = format!("{s}.rows");
    let args = cohort(&["--table", &table]);
    let err = fails(&refs(&args));
    assert!(
        err.contains(&format!("table {table}: 1 rows have a null \"cohort\"")),
        "{err}"
    );
    let mut args = cohort(&["--table", &table, "--skip-null"]);
    args.push("--json".to_owned());
    let out = betagouv().args(refs(&args)).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("note: skipped 2 rows (1 with a null \"cohort\", 1 with a null \"returned\")"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["control"]["n"].as_u64(), Some(4));
    c.batch_execute(&format!("DROP SCHEMA {s} CASCADE"))
        .unwrap();
}
