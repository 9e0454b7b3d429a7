//! Benchmark of the Parquet readers: 10 million rows of the cohort benchmark
//! (cohort as a dictionary-encoded string, returned as int8, days as float64),
//! snappy, row groups of 1 Mi rows (pyarrow's defaults), written at bench
//! time in a temporary directory. Peers: scripts/run_peers_parquet.sh.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benches fail loudly

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int8Array, RecordBatch, StringArray};
use betagouv_impact::{ParquetOptions, aggregate_cohort_parquet, read_survival_parquet};
use criterion::{Criterion, criterion_group, criterion_main};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

const ROWS: usize = 10_000_000;
const CHUNK: usize = 1 << 20;

fn cohort_parquet() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("betagouv-impact-pq-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("cohort.parquet");
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(CHUNK))
        .build();
    let mut state = 2016u64;
    let mut next = move || {
        // SplitMix64.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut writer = None;
    let mut done = 0;
    while done < ROWS {
        let n = CHUNK.min(ROWS - done);
        let (mut g, mut y, mut d) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for _ in 0..n {
            let treated = next() < 0.5;
            g.push(if treated { "encouraged" } else { "control" });
            y.push(i8::from(next() < if treated { 0.221 } else { 0.2 }));
            d.push((next() * 180.0).ceil());
        }
        let batch = RecordBatch::try_from_iter([
            ("cohort", Arc::new(StringArray::from(g)) as ArrayRef),
            ("returned", Arc::new(Int8Array::from(y)) as ArrayRef),
            ("days", Arc::new(Float64Array::from(d)) as ArrayRef),
        ])
        .unwrap();
        let w = writer.get_or_insert_with(|| {
            let file = std::fs::File::create(&path).unwrap();
            ArrowWriter::try_new(file, batch.schema(), Some(props.clone())).unwrap()
        });
        w.write(&batch).unwrap();
        done += n;
    }
    writer.unwrap().close().unwrap();
    path
}

fn bench(c: &mut Criterion) {
    let path = cohort_parquet();
    let options = ParquetOptions::default();
    let mut g = c.benchmark_group("impact");
    g.sample_size(10);
    g.bench_function("cohort_parquet_10m_rows", |b| {
        b.iter(|| aggregate_cohort_parquet(&path, "cohort", "returned", &options).unwrap());
    });
    g.bench_function("survival_parquet_10m_rows", |b| {
        b.iter(|| read_survival_parquet(&path, "cohort", "days", "returned", &options).unwrap());
    });
    g.finish();
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

criterion_group!(benches, bench);
criterion_main!(benches);
