//! The Parquet readers (feature `parquet`): files written with the parquet
//! crate's writer (dictionary and plain strings, row groups, nulls, integer and
//! boolean outcomes, codecs), compared with the CSV readers on the same rows;
//! corrupt and truncated files; files written by pyarrow and polars.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float32Array, Float64Array, Int8Array, Int32Array, Int64Array,
    LargeStringArray, RecordBatch, StringArray, UInt16Array,
};
use betagouv_impact::{
    CohortStats, Error, ParquetOptions, SurvivalTable, aggregate_cohort_csv,
    aggregate_cohort_parquet, aggregate_strata_csv, aggregate_strata_parquet, read_survival_csv,
    read_survival_parquet,
};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;
use proptest::prelude::*;

/// A fresh folder for this test's files.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("betagouv-pq-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn props(rows_per_group: usize, compression: Compression, dictionary: bool) -> WriterProperties {
    WriterProperties::builder()
        .set_max_row_group_row_count(Some(rows_per_group.max(1)))
        .set_compression(compression)
        .set_dictionary_enabled(dictionary)
        .build()
}

/// Writes `columns` as one Parquet file.
fn write(path: &Path, columns: Vec<(&str, ArrayRef)>, props: WriterProperties) {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn strings(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

fn opts() -> ParquetOptions {
    ParquetOptions::default()
}

fn cohort(path: &Path, options: &ParquetOptions) -> betagouv_impact::Result<CohortStats> {
    aggregate_cohort_parquet(path, "g", "y", options).map(|(s, _)| s)
}

fn pairs(s: &CohortStats) -> Vec<(String, u64, u64)> {
    s.iter()
        .map(|(g, c)| (g.to_owned(), c.n, c.successes))
        .collect()
}

#[test]
fn outcome_types_codecs_and_row_groups() {
    let d = dir("types");
    let g = strings(&[Some("a"), Some("b"), Some("a"), Some("a"), Some("b")]);
    let outcomes: Vec<ArrayRef> = vec![
        Arc::new(Int8Array::from(vec![1, 0, 0, 1, 1])),
        Arc::new(Int32Array::from(vec![1, 0, 0, 1, 1])),
        Arc::new(Int64Array::from(vec![1, 0, 0, 1, 1])),
        Arc::new(UInt16Array::from(vec![1, 0, 0, 1, 1])),
        Arc::new(BooleanArray::from(vec![true, false, false, true, true])),
    ];
    let codecs = [
        Compression::UNCOMPRESSED,
        Compression::SNAPPY,
        Compression::ZSTD(ZstdLevel::default()),
        Compression::GZIP(GzipLevel::default()),
        Compression::LZ4_RAW,
        Compression::BROTLI(parquet::basic::BrotliLevel::default()),
    ];
    for (i, y) in outcomes.iter().enumerate() {
        for (j, codec) in codecs.iter().enumerate() {
            for (rows, dictionary) in [(2, true), (5, false), (1, true)] {
                let p = d.join(format!("t{i}-{j}-{rows}.parquet"));
                write(
                    &p,
                    vec![("x", Arc::clone(y)), ("g", g.clone()), ("y", y.clone())],
                    props(rows, *codec, dictionary),
                );
                for threads in [1, 3] {
                    let (s, summary) =
                        aggregate_cohort_parquet(&p, "g", "y", &opts().with_threads(threads))
                            .unwrap();
                    assert_eq!(
                        pairs(&s),
                        [("a".to_owned(), 3, 2), ("b".to_owned(), 2, 1)],
                        "{p:?}"
                    );
                    assert_eq!((summary.rows, summary.skipped_null_rows), (5, 0));
                    assert_eq!(summary.row_groups, 5usize.div_ceil(rows));
                }
            }
        }
    }
}

#[test]
fn integer_and_large_string_groups() {
    let d = dir("intgroups");
    let p = d.join("g.parquet");
    let y: ArrayRef = Arc::new(Int8Array::from(vec![1, 0, 1]));
    write(
        &p,
        vec![
            ("g", Arc::new(Int64Array::from(vec![-3, 7, -3])) as ArrayRef),
            ("y", y.clone()),
        ],
        props(2, Compression::SNAPPY, true),
    );
    let s = cohort(&p, &opts()).unwrap();
    assert_eq!(pairs(&s), [("-3".to_owned(), 2, 2), ("7".to_owned(), 1, 0)]);
    let large: ArrayRef = Arc::new(LargeStringArray::from(vec!["é", "b", "é"]));
    write(
        &p,
        vec![("g", large), ("y", y)],
        props(2, Compression::SNAPPY, false),
    );
    let s = cohort(&p, &opts()).unwrap();
    assert_eq!(pairs(&s), [("b".to_owned(), 1, 0), ("é".to_owned(), 2, 2)]);
}

#[test]
fn nulls_are_located_errors_or_skipped() {
    let d = dir("nulls");
    let p = d.join("n.parquet");
    let g = strings(&[Some("a"), Some("a"), None, Some("b"), Some("b")]);
    let y: ArrayRef = Arc::new(Int32Array::from(vec![
        Some(1),
        Some(0),
        Some(1),
        None,
        Some(1),
    ]));
    write(
        &p,
        vec![("g", g), ("y", y)],
        props(2, Compression::SNAPPY, true),
    );
    for threads in [1, 2] {
        let e = cohort(&p, &opts().with_threads(threads)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row group 1, row 3, column \"g\": null (value null)"
        );
        assert!(matches!(
            e,
            Error::InvalidValue {
                row_group: 1,
                row: 3,
                ..
            }
        ));
    }
    let (s, summary) =
        aggregate_cohort_parquet(&p, "g", "y", &opts().with_skip_null(true)).unwrap();
    assert_eq!(pairs(&s), [("a".to_owned(), 2, 1), ("b".to_owned(), 1, 1)]);
    assert_eq!((summary.rows, summary.skipped_null_rows), (3, 2));
}

#[test]
fn invalid_values_and_types_are_named() {
    let d = dir("invalid");
    let p = d.join("i.parquet");
    let g = strings(&[Some("a"), Some("b"), Some("a")]);
    write(
        &p,
        vec![
            ("g", g.clone()),
            ("y", Arc::new(Int64Array::from(vec![1, 0, 2])) as ArrayRef),
            (
                "f",
                Arc::new(Float64Array::from(vec![1.0, 0.0, 1.0])) as ArrayRef,
            ),
            (
                "d",
                Arc::new(Float64Array::from(vec![1.0, -0.0, -1.0])) as ArrayRef,
            ),
        ],
        props(2, Compression::SNAPPY, true),
    );
    let e = cohort(&p, &opts()).unwrap_err().to_string();
    assert_eq!(
        e,
        "row group 1, row 3, column \"y\": expected 0 or 1 (value 2)"
    );
    let e = aggregate_cohort_parquet(&p, "g", "f", &opts()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "column \"f\" has type DOUBLE (no logical type) read as Float64; expected a boolean or an integer holding 0 or 1"
    );
    let e = aggregate_cohort_parquet(&p, "g", "nope", &opts()).unwrap_err();
    assert!(matches!(e, Error::MissingColumn { ref column } if column == "nope"));
    let e = read_survival_parquet(&p, "g", "d", "f", &opts()).unwrap_err();
    assert!(matches!(e, Error::ColumnType { .. }), "{e}");
    let y: ArrayRef = Arc::new(Int8Array::from(vec![1, 0, 1]));
    write(
        &p,
        vec![
            ("g", g),
            (
                "d",
                Arc::new(Float64Array::from(vec![1.0, -0.0, -1.0])) as ArrayRef,
            ),
            ("y", y),
        ],
        props(2, Compression::SNAPPY, true),
    );
    let e = read_survival_parquet(&p, "g", "d", "y", &opts()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "row group 1, row 3, column \"d\": expected a finite number >= 0 (value -1)"
    );
    let e = aggregate_cohort_parquet(&d.join("absent.parquet"), "g", "y", &opts()).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Parquet {
                row_group: None,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn survival_reads_integer_and_float_durations() {
    let d = dir("surv");
    let p = d.join("s.parquet");
    let g = strings(&[Some("a"), Some("a"), Some("b"), Some("a"), Some("b")]);
    let e: ArrayRef = Arc::new(BooleanArray::from(vec![true, false, true, true, false]));
    let csv = "g,d,e\na,3,1\na,0,0\nb,5000.5,1\na,3,1\nb,10000,0\n";
    let want = read_survival_csv(csv.as_bytes(), "g", "d", "e").unwrap();
    let durations: Vec<ArrayRef> = vec![
        Arc::new(Float64Array::from(vec![3.0, -0.0, 5000.5, 3.0, 10000.0])),
        Arc::new(Float32Array::from(vec![3.0, 0.0, 5000.5, 3.0, 10000.0])),
    ];
    for dur in durations {
        write(
            &p,
            vec![("g", g.clone()), ("d", dur), ("e", e.clone())],
            props(2, Compression::ZSTD(ZstdLevel::default()), true),
        );
        let (got, summary) = read_survival_parquet(&p, "g", "d", "e", &opts()).unwrap();
        assert_eq!(got, want);
        assert_eq!(summary.rows, 5);
    }
    let ints: ArrayRef = Arc::new(Int32Array::from(vec![3, 0, 5000, 3, 10000]));
    write(
        &p,
        vec![("g", g), ("d", ints), ("e", e)],
        props(3, Compression::SNAPPY, false),
    );
    let (got, _) = read_survival_parquet(&p, "g", "d", "e", &opts()).unwrap();
    let csv = csv.replace("5000.5", "5000");
    assert_eq!(
        got,
        read_survival_csv(csv.as_bytes(), "g", "d", "e").unwrap()
    );
}

/// A corrupt or truncated file is an error, never a panic, at every offset.
#[test]
fn corrupt_and_truncated_files_are_errors() {
    let d = dir("corrupt");
    let p = d.join("c.parquet");
    let n = 300;
    let g: Vec<Option<&str>> = (0..n).map(|i| Some(["a", "b", "c"][i % 3])).collect();
    let y: ArrayRef = Arc::new(Int64Array::from_iter_values((0..n).map(|i| (i % 2) as i64)));
    let t: ArrayRef = Arc::new(Float64Array::from_iter_values((0..n).map(|i| i as f64)));
    write(
        &p,
        vec![("g", strings(&g)), ("y", y.clone()), ("t", t)],
        props(100, Compression::SNAPPY, true),
    );
    let good = std::fs::read(&p).unwrap();
    let bad = d.join("bad.parquet");
    let step = (good.len() / 400).max(1);
    let mut errors = 0;
    for at in (0..good.len()).step_by(step) {
        std::fs::write(&bad, &good[..at]).unwrap();
        assert!(cohort(&bad, &opts()).is_err(), "truncated at {at}");
        for flip in [0xff_u8, 0x01, 0x80] {
            let mut c = good.clone();
            c[at] ^= flip;
            std::fs::write(&bad, &c).unwrap();
            // Either an error or counts (a flipped bit in a value can stay valid).
            if cohort(&bad, &opts().with_threads(2)).is_err() {
                errors += 1;
            }
            let _ = read_survival_parquet(&bad, "g", "t", "y", &opts());
        }
    }
    assert!(errors > 0);
}

/// One CSV and one Parquet file of the same rows.
fn both(
    d: &Path,
    rows: &[(u8, Option<u8>, u16)],
    group_rows: usize,
    dict: bool,
) -> (String, PathBuf) {
    // Odd `t`: a duration of `t + 0.5`; even: the whole number `t` (dense
    // counters below 4,096, hashed above).
    let duration = |t: u16| f64::from(t) + if t % 2 == 1 { 0.5 } else { 0.0 };
    let mut csv = String::from("g,y,t\n");
    for (g, y, t) in rows {
        csv.push_str(&format!("g{g},{},{}\n", y.unwrap_or(0), duration(*t)));
    }
    let names: Vec<String> = rows.iter().map(|(g, _, _)| format!("g{g}")).collect();
    let g: ArrayRef = Arc::new(StringArray::from_iter_values(names));
    let y: ArrayRef = Arc::new(Int8Array::from_iter_values(
        rows.iter().map(|r| r.1.unwrap_or(0) as i8),
    ));
    let t: ArrayRef = Arc::new(Float64Array::from_iter_values(
        rows.iter().map(|r| duration(r.2)),
    ));
    let p = d.join(format!("{}-{group_rows}.parquet", rows.len()));
    write(
        &p,
        vec![("g", g), ("y", y), ("t", t)],
        props(group_rows, Compression::SNAPPY, dict),
    );
    (csv, p)
}

fn merge_tables(
    into: &mut BTreeMap<String, SurvivalTable>,
    other: BTreeMap<String, SurvivalTable>,
) {
    for (g, t) in other {
        into.entry(g).or_default().merge(&t);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The Parquet and CSV readers give identical statistics on the same rows.
    #[test]
    fn parquet_equals_csv(
        // Up to 20 groups: batches of more than 16 distinct groups are
        // counted per row, the others per dictionary key.
        rows in prop::collection::vec((prop_oneof![4 => 0u8..5, 1 => 0u8..20], Just(Some(0u8)).prop_union(Just(Some(1))), 0u16..5000), 1..400),
        group_rows in 1usize..150,
        dict in any::<bool>(),
        threads in 0usize..4,
    ) {
        let d = dir("prop-csv");
        let (csv, p) = both(&d, &rows, group_rows, dict);
        let o = opts().with_threads(threads).with_batch_rows(group_rows / 2 + 1);
        let want = aggregate_cohort_csv(csv.as_bytes(), "g", "y").unwrap();
        prop_assert_eq!(aggregate_cohort_parquet(&p, "g", "y", &o).unwrap().0, want);
        let want = read_survival_csv(csv.as_bytes(), "g", "t", "y").unwrap();
        prop_assert_eq!(read_survival_parquet(&p, "g", "t", "y", &o).unwrap().0, want);
    }

    /// Rows split into chunks, each its own file, counted and merged: the whole file's statistics.
    #[test]
    fn chunks_merge_to_the_whole(
        rows in prop::collection::vec((0u8..4, Just(Some(1u8)).prop_union(Just(Some(0))), 0u16..3), 1..300),
        cuts in prop::collection::vec(0usize..300, 0..5),
    ) {
        let d = dir("prop-chunks");
        let (_, whole) = both(&d, &rows, 64, true);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % rows.len()).collect();
        cuts.extend([0, rows.len()]);
        cuts.sort_unstable();
        cuts.dedup();
        let (mut stats, mut tables) = (CohortStats::default(), BTreeMap::new());
        for (k, w) in cuts.windows(2).enumerate() {
            let chunk = d.join(format!("chunk{k}"));
            std::fs::create_dir_all(&chunk).unwrap();
            let (_, p) = both(&chunk, &rows[w[0]..w[1]], 7, false);
            stats.merge(&aggregate_cohort_parquet(&p, "g", "y", &opts()).unwrap().0);
            merge_tables(&mut tables, read_survival_parquet(&p, "g", "t", "y", &opts()).unwrap().0);
        }
        prop_assert_eq!(stats, aggregate_cohort_parquet(&whole, "g", "y", &opts()).unwrap().0);
        prop_assert_eq!(tables, read_survival_parquet(&whole, "g", "t", "y", &opts()).unwrap().0);
    }
}

/// Rows of (stratum, group, outcome) as CSV and as Parquet (an integer stratum
/// column, a string group, an integer outcome).
fn strata_both(
    d: &Path,
    rows: &[(u8, u8, bool)],
    group_rows: usize,
    dict: bool,
) -> (String, PathBuf) {
    let mut csv = String::from("k,g,y\n");
    for (k, g, y) in rows {
        csv.push_str(&format!("{k},g{g},{}\n", u8::from(*y)));
    }
    let k: ArrayRef = Arc::new(Int32Array::from_iter_values(
        rows.iter().map(|r| i32::from(r.0)),
    ));
    let names: Vec<String> = rows.iter().map(|r| format!("g{}", r.1)).collect();
    let g: ArrayRef = Arc::new(StringArray::from_iter_values(names));
    let y: ArrayRef = Arc::new(Int8Array::from_iter_values(
        rows.iter().map(|r| i8::from(r.2)),
    ));
    let p = d.join(format!("strata-{}-{group_rows}.parquet", rows.len()));
    write(
        &p,
        vec![("k", k), ("g", g), ("y", y)],
        props(group_rows, Compression::SNAPPY, dict),
    );
    (csv, p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The Parquet and CSV readers of strata give identical counts.
    #[test]
    fn parquet_strata_equal_csv(
        rows in prop::collection::vec((0u8..8, 0u8..3, any::<bool>()), 1..300),
        group_rows in 1usize..100,
        dict in any::<bool>(),
        threads in 0usize..4,
    ) {
        let d = dir("prop-strata");
        let (csv, p) = strata_both(&d, &rows, group_rows, dict);
        let o = opts().with_threads(threads).with_batch_rows(group_rows / 2 + 1);
        let want = aggregate_strata_csv(csv.as_bytes(), "k", "g", "y").unwrap();
        let (got, summary) = aggregate_strata_parquet(&p, "k", "g", "y", &o).unwrap();
        prop_assert_eq!(got, want);
        prop_assert_eq!(summary.rows, rows.len() as u64);
    }
}

#[test]
fn strata_nulls_are_located_or_skipped() {
    let d = dir("strata-nulls");
    let p = d.join("n.parquet");
    write(
        &p,
        vec![
            ("k", strings(&[Some("x"), None, Some("x"), Some("y")])),
            ("g", strings(&[Some("a"), Some("a"), None, Some("b")])),
            ("y", Arc::new(Int8Array::from(vec![1, 0, 1, 0])) as ArrayRef),
        ],
        props(10, Compression::UNCOMPRESSED, true),
    );
    let e = aggregate_strata_parquet(&p, "k", "g", "y", &opts()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "row group 0, row 2, column \"k\": null (value null)"
    );
    let (s, summary) =
        aggregate_strata_parquet(&p, "k", "g", "y", &opts().with_skip_null(true)).unwrap();
    assert_eq!((summary.rows, summary.skipped_null_rows), (2, 2));
    assert_eq!(s["x"].get("a").map(|c| (c.n, c.successes)), Some((1, 1)));
    assert_eq!(s["y"].get("b").map(|c| (c.n, c.successes)), Some((1, 0)));
    assert_eq!(s.len(), 2);
}

const ROWS_CSV: &str = "cohort,returned,days,flag\nencouraged,1,3.0,true\ncontrol,0,10.0,false\nencouraged,0,0.0,true\ncontrol,1,2.0,\nencouraged,1,3.0,false\n";

/// [`ROWS_CSV`] written to Parquet by a Python script (`sys.argv[1]` the CSV,
/// `sys.argv[2]` the Parquet file); `None` (skipped with a note) when python3
/// or the module is missing, unless `BETAGOUV_REQUIRE_EXTERNAL` is set. Checks
/// Runs a Python `script` with the arguments `csv` and `parquet`; fails on its
/// failure, with its standard error.
fn python(script: &str, csv: &Path, parquet: &Path) {
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .args([csv, parquet])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
}

/// that the cohort and survival statistics equal the CSV readers' ones.
fn written_by(module: &str, script: &str) -> Option<PathBuf> {
    if !betagouv_tests::require_tool("python3", &["-c", &format!("import {module}")]) {
        return None;
    }
    let d = dir(module);
    let (csv, p) = (d.join("rows.csv"), d.join("rows.parquet"));
    std::fs::write(&csv, ROWS_CSV).unwrap();
    python(script, &csv, &p);
    let want = aggregate_cohort_csv(ROWS_CSV.as_bytes(), "cohort", "returned").unwrap();
    let got = aggregate_cohort_parquet(&p, "cohort", "returned", &opts()).unwrap();
    assert_eq!(got.0, want);
    let want = read_survival_csv(ROWS_CSV.as_bytes(), "cohort", "days", "returned").unwrap();
    let got = read_survival_parquet(&p, "cohort", "days", "returned", &opts()).unwrap();
    assert_eq!(got.0, want);
    Some(p)
}

#[test]
fn pyarrow_files_read_as_csv() {
    let script = "import sys, pyarrow.csv as c, pyarrow.parquet as pq\n\
        t = c.read_csv(sys.argv[1])\n\
        pq.write_table(t, sys.argv[2], row_group_size=2)\n";
    let Some(p) = written_by("pyarrow", script) else {
        return;
    };
    let summary = aggregate_cohort_parquet(&p, "cohort", "returned", &opts())
        .unwrap()
        .1;
    assert_eq!(summary.row_groups, 3);
    // A nullable boolean column: the null is located, or skipped.
    let e = aggregate_cohort_parquet(&p, "cohort", "flag", &opts()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "row group 1, row 4, column \"flag\": null (value null)"
    );
    let o = opts().with_skip_null(true);
    let (s, summary) = aggregate_cohort_parquet(&p, "cohort", "flag", &o).unwrap();
    assert_eq!(summary.skipped_null_rows, 1);
    assert_eq!(
        s.get("encouraged").map(|c| (c.n, c.successes)),
        Some((3, 2))
    );
}

#[test]
fn polars_zstd_files_read_as_csv() {
    let script = "import sys, polars as pl\n\
        df = pl.read_csv(sys.argv[1]).with_columns(pl.col('cohort').cast(pl.Categorical))\n\
        df.write_parquet(sys.argv[2], compression='zstd', row_group_size=2)\n";
    let p = written_by("polars", script);
    assert!(p.is_none_or(|p| p.exists()));
}

#[test]
fn pyarrow_strata_read_as_csv() {
    if !betagouv_tests::require_tool("python3", &["-c", "import pyarrow"]) {
        return;
    }
    const STRATA_CSV: &str =
        "agency,arm,returned\nlyon,t,1\nlyon,c,0\nnice,t,0\nlyon,t,0\nnice,c,1\nnice,t,1\n";
    let d = dir("pyarrow-strata");
    let (csv, p) = (d.join("rows.csv"), d.join("rows.parquet"));
    std::fs::write(&csv, STRATA_CSV).unwrap();
    // Agencies as a dictionary column, as pyarrow writes categorical data.
    let script = "import sys, pyarrow as pa, pyarrow.csv as c, pyarrow.parquet as pq\n\
        t = c.read_csv(sys.argv[1])\n\
        t = t.set_column(0, 'agency', t.column('agency').dictionary_encode())\n\
        pq.write_table(t, sys.argv[2], row_group_size=4)\n";
    python(script, &csv, &p);
    let want = aggregate_strata_csv(STRATA_CSV.as_bytes(), "agency", "arm", "returned").unwrap();
    let (got, summary) =
        aggregate_strata_parquet(&p, "agency", "arm", "returned", &opts()).unwrap();
    assert_eq!(got, want);
    assert_eq!((summary.rows, summary.row_groups), (6, 2));
    assert_eq!(
        got["nice"].get("t").map(|c| (c.n, c.successes)),
        Some((2, 1))
    );
}
