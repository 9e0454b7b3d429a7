//! `betagouv impact strata|clusters FILE|-|--postgres`: the counts per stratum or
//! cluster counted from individual rows (CSV, standard input, Parquet, a
//! PostgreSQL table) give the same JSON as the `--counts` of the same counts;
//! `--print-sql` prints the counting query; exactly one source, and the columns
//! only with rows.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::{ArrayRef, Int8Array, RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use postgres::{Client, NoTls};
use serde_json::Value;

use super::impact_designs::fails;
use super::{betagouv, json, stdout};

/// (stratum or cluster, group, n, successes): the counts of the tests.
const STRATA: &[(&str, &str, usize, usize)] = &[
    ("paris", "a", 100, 30),
    ("paris", "b", 100, 20),
    ("lyon", "a", 40, 12),
    ("lyon", "b", 40, 5),
];

const CLUSTERS: &[(&str, &str, usize, usize)] = &[
    ("ag1", "a", 40, 12),
    ("ag2", "a", 50, 20),
    ("ag3", "a", 30, 9),
    ("ag4", "b", 45, 8),
    ("ag5", "b", 40, 10),
    ("ag6", "b", 35, 6),
];

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("betagouv-design-rows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// The individual rows `(key, group, outcome)` of `counts`, interleaved.
fn rows(
    counts: &[(&'static str, &'static str, usize, usize)],
) -> Vec<(&'static str, &'static str, i8)> {
    let longest = counts.iter().map(|c| c.2).max().unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..longest {
        for &(k, g, n, x) in counts {
            if i < n {
                out.push((k, g, i8::from(i < x)));
            }
        }
    }
    out
}

/// The counts as a `--counts` CSV with the key column `key`, and the rows as a CSV
/// (`agency,arm,returned`) and a Parquet file.
fn files(
    name: &str,
    key: &str,
    counts: &[(&'static str, &'static str, usize, usize)],
) -> [PathBuf; 3] {
    let mut c = format!("{key},group,n,successes\n");
    for (k, g, n, x) in counts {
        c.push_str(&format!("{k},{g},{n},{x}\n"));
    }
    let counts_path = temp(&format!("{name}-counts.csv"));
    std::fs::write(&counts_path, c).unwrap();
    let rows = rows(counts);
    let mut csv = String::from("id,agency,arm,returned\n");
    for (i, (k, g, y)) in rows.iter().enumerate() {
        csv.push_str(&format!("{i},{k},{g},{y}\n"));
    }
    let csv_path = temp(&format!("{name}-rows.csv"));
    std::fs::write(&csv_path, csv).unwrap();
    let column = |f: fn(&(&'static str, &'static str, i8)) -> &'static str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
    };
    let y: ArrayRef = Arc::new(Int8Array::from_iter_values(rows.iter().map(|r| r.2)));
    let batch = RecordBatch::try_from_iter([
        ("agency", column(|r| r.0)),
        ("arm", column(|r| r.1)),
        ("returned", y),
    ])
    .unwrap();
    let pq = temp(&format!("{name}-rows.parquet"));
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(64))
        .build();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(&pq).unwrap(),
        batch.schema(),
        Some(props),
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    [counts_path, csv_path, pq]
}

const ARMS: [&str; 5] = ["--treated", "a", "--control", "b", "--json"];
const COLUMNS: [&str; 4] = ["--group-column", "arm", "--outcome-column", "returned"];

/// `impact COMMAND SOURCE... --KEY-column agency --group-column arm ...`.
fn from_rows(command: &str, key_flag: &str, source: &[&str]) -> Value {
    let mut args = vec!["impact", command];
    args.extend(source);
    args.extend([key_flag, "agency"]);
    args.extend(COLUMNS);
    args.extend(ARMS);
    json(&args)
}

#[test]
fn rows_give_the_counts_results() {
    for (command, key, key_flag, counts) in [
        ("strata", "stratum", "--stratum-column", STRATA),
        ("clusters", "cluster", "--cluster-column", CLUSTERS),
    ] {
        let [counts_path, csv, pq] = files(command, key, counts);
        let counts_path = counts_path.to_str().unwrap();
        let mut args = vec!["impact", command, "--counts", counts_path];
        args.extend(ARMS);
        let want = json(&args);
        assert_eq!(want["schema_version"], 2, "{want}");
        let (csv, pq) = (csv.to_str().unwrap(), pq.to_str().unwrap());
        assert_eq!(from_rows(command, key_flag, &[csv]), want, "{command} CSV");
        assert_eq!(
            from_rows(command, key_flag, &[csv, "--threads", "2"]),
            want,
            "{command} CSV, 2 threads"
        );
        assert_eq!(
            from_rows(command, key_flag, &[pq]),
            want,
            "{command} Parquet"
        );
        // Standard input.
        let mut args = vec!["impact", command, "-", key_flag, "agency"];
        args.extend(COLUMNS);
        args.extend(ARMS);
        let out = betagouv()
            .args(&args)
            .write_stdin(std::fs::read(csv).unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(got, want, "{command} stdin");
    }
    // The figures of the counts (tests/cli/impact_designs.rs), from rows.
    let [_, csv, _] = files("strata", "stratum", STRATA);
    let v = from_rows("strata", "--stratum", &[csv.to_str().unwrap()]);
    assert!((v["cmh"]["statistic"].as_f64().unwrap() - 5.639_530_106_289_62).abs() < 1e-9);
}

#[test]
fn one_source_and_the_columns_with_rows_only() {
    let [counts, csv, _] = files("sources", "stratum", STRATA);
    let (counts, csv) = (counts.to_str().unwrap(), csv.to_str().unwrap());
    let err = fails(&["impact", "strata", csv, "--treated", "a", "--control", "b"]);
    assert!(err.contains("--stratum-column"), "{err}");
    let err = fails(&[
        "impact",
        "strata",
        "--counts",
        counts,
        "--stratum-column",
        "agency",
        "--treated",
        "a",
        "--control",
        "b",
    ]);
    assert!(err.contains("cannot be used with"), "{err}");
    let err = fails(&[
        "impact",
        "strata",
        csv,
        "--counts",
        counts,
        "--treated",
        "a",
        "--control",
        "b",
    ]);
    assert!(err.contains("cannot be used with"), "{err}");
    // A bad cell names the file, line and column.
    let bad = temp("bad.csv");
    std::fs::write(&bad, "agency,arm,returned\nparis,a,1\n,b,0\n").unwrap();
    let mut args = vec![
        "impact",
        "clusters",
        bad.to_str().unwrap(),
        "--cluster-column",
        "agency",
    ];
    args.extend(COLUMNS);
    args.extend(ARMS);
    let err = fails(&args);
    assert!(
        err.contains("line 3, column 1 (\"agency\"): missing value"),
        "{err}"
    );
    // --skip-null has no nulls to skip in a CSV.
    args.push("--skip-null");
    assert!(fails(&args).contains("--skip-null"));
}

#[test]
fn print_sql_prints_the_strata_query() {
    for (command, flag) in [
        ("strata", "--stratum-column"),
        ("clusters", "--cluster-column"),
    ] {
        let mut args = vec![
            "impact",
            command,
            "--postgres",
            "host=/nonexistent",
            "--table",
            "eval.rows",
            "--print-sql",
            flag,
            "agency",
        ];
        args.extend(COLUMNS);
        args.extend(ARMS);
        assert_eq!(
            stdout(&args),
            "SELECT \"agency\"::text AS \"stratum\",
       \"arm\"::text AS \"group\",
       CASE WHEN \"returned\" IS NULL THEN NULL ELSE CASE \"returned\"::text WHEN '1' THEN 1 WHEN 'true' THEN 1 WHEN '0' THEN 0 WHEN 'false' THEN 0 ELSE -1 END END AS outcome,
       count(*) AS n
FROM \"eval\".\"rows\"
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
"
        );
    }
}

#[test]
fn pushdown_gives_the_counts_results() {
    let Some(conninfo) = super::impact_postgres::server() else {
        return;
    };
    let mut c = Client::connect(&conninfo, NoTls).unwrap();
    let s = format!("bg_cli_design_rows_{}", std::process::id());
    c.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};
         CREATE TABLE {s}.rows (agency text, arm text, returned boolean);"
    ))
    .unwrap();
    for (command, key, key_flag, counts) in [
        ("strata", "stratum", "--stratum-column", STRATA),
        ("clusters", "cluster", "--cluster-column", CLUSTERS),
    ] {
        c.batch_execute(&format!("TRUNCATE {s}.rows")).unwrap();
        let mut copy = c
            .copy_in(&format!("COPY {s}.rows FROM STDIN (FORMAT csv)"))
            .unwrap();
        for (k, g, y) in rows(counts) {
            writeln!(copy, "{k},{g},{}", y == 1).unwrap();
        }
        copy.finish().unwrap();
        let [counts_path, _, _] = files(&format!("pg-{command}"), key, counts);
        let mut args = vec!["impact", command, "--counts", counts_path.to_str().unwrap()];
        args.extend(ARMS);
        let want = json(&args);
        let table = format!("{s}.rows");
        let got = from_rows(
            command,
            key_flag,
            &["--postgres", &conninfo, "--table", &table],
        );
        assert_eq!(got, want, "{command}");
    }
    c.batch_execute(&format!("DROP SCHEMA {s} CASCADE"))
        .unwrap();
}
