//! `betagouv impact cohort|survival FILE.parquet`: the same statistics as the
//! CSV of the same rows, nulls refused with their row or skipped and counted.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int8Array, RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

use super::betagouv;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("betagouv-impact-pq-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// Writes the rows (group, outcome or event, days) as a Parquet file of row
/// groups of 2 rows and as a CSV file; returns both paths.
fn files(name: &str, rows: &[(Option<&str>, Option<i8>, f64)]) -> (PathBuf, PathBuf) {
    let g: ArrayRef = Arc::new(StringArray::from(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
    ));
    let y: ArrayRef = Arc::new(Int8Array::from(
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
    ));
    let d: ArrayRef = Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.2)));
    let batch = RecordBatch::try_from_iter([("cohort", g), ("returned", y), ("days", d)]).unwrap();
    let pq = temp(name);
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(2))
        .build();
    let file = std::fs::File::create(&pq).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let mut csv = String::from("cohort,returned,days\n");
    for (g, y, d) in rows {
        csv.push_str(&format!("{},{},{d}\n", g.unwrap_or(""), y.unwrap_or(0)));
    }
    let csv_path = pq.with_extension("csv");
    std::fs::write(&csv_path, csv).unwrap();
    (pq, csv_path)
}

const ROWS: &[(Option<&str>, Option<i8>, f64)] = &[
    (Some("a"), Some(1), 10.0),
    (Some("b"), Some(0), 20.0),
    (Some("a"), Some(0), 30.0),
    (Some("b"), Some(1), 5.0),
    (Some("b"), Some(0), 15.0),
];

fn cohort_args(path: &str) -> Vec<&str> {
    vec![
        "impact",
        "cohort",
        path,
        "--group-column",
        "cohort",
        "--outcome-column",
        "returned",
        "--treated",
        "a",
        "--control",
        "b",
        "--json",
    ]
}

fn survival_args(path: &str) -> Vec<&str> {
    vec![
        "impact",
        "survival",
        path,
        "--group-column",
        "cohort",
        "--duration-column",
        "days",
        "--event-column",
        "returned",
        "--at",
        "0,15,150",
        "--json",
    ]
}

fn json(args: &[&str]) -> Value {
    super::contract(args, 2)
}

#[test]
fn parquet_gives_the_statistics_of_the_same_csv() {
    let (pq, csv) = files("rows.parquet", ROWS);
    let (pq, csv) = (pq.to_str().unwrap(), csv.to_str().unwrap());
    let want = json(&cohort_args(csv));
    assert_eq!(want["treated"]["n"].as_u64(), Some(2));
    assert_eq!(json(&cohort_args(pq)), want);
    let mut threads = cohort_args(pq);
    threads.extend(["--threads", "2"]);
    assert_eq!(json(&threads), want);
    assert_eq!(json(&survival_args(pq)), json(&survival_args(csv)));
    // Another extension: --input-format says it is Parquet.
    let other = temp("rows.data");
    std::fs::copy(pq, &other).unwrap();
    let mut args = cohort_args(other.to_str().unwrap());
    args.extend(["--input-format", "parquet"]);
    assert_eq!(json(&args), want);
}

#[test]
fn nulls_are_refused_with_their_row_or_skipped() {
    let mut rows = ROWS.to_vec();
    rows.push((None, Some(1), 1.0));
    rows.push((Some("a"), None, 1.0));
    let (pq, _) = files("nulls.parquet", &rows);
    let p = pq.to_str().unwrap();
    let out = betagouv().args(cohort_args(p)).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains(&format!(
            "{p}: row group 2, row 6, column \"cohort\": null (value null)"
        )),
        "{e}"
    );
    let mut args = cohort_args(p);
    args.push("--skip-null");
    let out = betagouv().args(&args).output().unwrap();
    assert!(out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("skipped 2 rows with a null (--skip-null); 5 rows counted"),
        "{e}"
    );
    let (full, _) = files("full.parquet", ROWS);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, json(&cohort_args(full.to_str().unwrap())));
}

#[test]
fn parquet_errors_name_the_file() {
    let (pq, _) = files("err.parquet", ROWS);
    let p = pq.to_str().unwrap();
    let mut args = cohort_args(p);
    args[4] = "nope";
    let out = betagouv().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains(&format!("{p}: missing column \"nope\"")), "{e}");
    let mut args = cohort_args("-");
    args.extend(["--input-format", "parquet"]);
    let out = betagouv().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("Parquet cannot be read from standard input"),
        "{e}"
    );
    let bad = temp("bad.parquet");
    std::fs::write(&bad, b"PAR1 not a parquet file").unwrap();
    let out = betagouv()
        .args(cohort_args(bad.to_str().unwrap()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
