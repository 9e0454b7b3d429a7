//! Benchmarks: a 10-million-row cohort CSV (streamed from a reader, and
//! through the file reader: fast path over parallel ranges), a 10-million-row
//! survival CSV, and Kaplan-Meier on one million rows. The data are generated in a temporary directory at
//! bench time (never committed). Peers: scripts/run_peers.sh.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use betagouv_impact::{
    Counts, CsvOptions, KaplanMeier, SurvivalTable, aggregate_cohort_csv,
    aggregate_cohort_csv_file, fisher_exact, logrank, read_survival_csv_file,
};
use criterion::{Criterion, criterion_group, criterion_main};

/// Small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn cohort_csv(rows: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("betagouv-impact-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("cohort.csv");
    let mut w = BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut rng = Rng(2016);
    writeln!(w, "id,cohort,returned,age").expect("write");
    for i in 0..rows {
        let treated = rng.uniform() < 0.5;
        let p = if treated { 0.221 } else { 0.2 };
        let y = u8::from(rng.uniform() < p);
        let age = 18 + rng.next() % 47;
        let c = if treated { "encouraged" } else { "control" };
        writeln!(w, "{i},{c},{y},{age}").expect("write");
    }
    w.flush().expect("flush");
    path
}

/// `id,cohort,days,returned` beside `cohort.csv`.
fn survival_csv(cohort: &std::path::Path, rows: u64) -> PathBuf {
    let path = cohort.with_file_name("survival.csv");
    let mut w = BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut rng = Rng(7);
    writeln!(w, "id,cohort,days,returned").expect("write");
    for i in 0..rows {
        let treated = rng.uniform() < 0.5;
        let t = (-(1.0 - rng.uniform()).ln() * if treated { 150.0 } else { 170.0 }).ceil();
        let c = (-(1.0 - rng.uniform()).ln() * 400.0).ceil().min(180.0);
        let g = if treated { "encouraged" } else { "control" };
        writeln!(w, "{i},{g},{},{}", t.min(c), u8::from(t <= c)).expect("write");
    }
    w.flush().expect("flush");
    path
}

type Records = Vec<(f64, bool)>;

fn survival_records(rows: usize) -> (Records, Records) {
    let mut rng = Rng(7);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rows {
        let treated = rng.uniform() < 0.5;
        let t = (-(1.0 - rng.uniform()).ln() * if treated { 150.0 } else { 170.0 }).ceil();
        let c = (-(1.0 - rng.uniform()).ln() * 400.0).ceil().min(180.0);
        let rec = (t.min(c), t <= c);
        if treated { a.push(rec) } else { b.push(rec) }
    }
    (a, b)
}

fn bench(c: &mut Criterion) {
    let path = cohort_csv(10_000_000);
    let mut g = c.benchmark_group("impact");
    g.sample_size(10);
    g.bench_function("cohort_csv_10m_rows", |b| {
        b.iter(|| {
            let f = std::fs::File::open(&path).expect("open");
            aggregate_cohort_csv(f, "cohort", "returned").expect("aggregate")
        });
    });
    g.bench_function("cohort_csv_10m_rows_file", |b| {
        let f = std::fs::File::open(&path).expect("open");
        b.iter(|| {
            aggregate_cohort_csv_file(&f, "cohort", "returned", CsvOptions::default())
                .expect("aggregate")
        });
    });
    g.bench_function("cohort_csv_10m_rows_file_1_thread", |b| {
        let f = std::fs::File::open(&path).expect("open");
        let options = CsvOptions::default().with_threads(1);
        b.iter(|| aggregate_cohort_csv_file(&f, "cohort", "returned", options).expect("aggregate"));
    });
    let surv = survival_csv(&path, 10_000_000);
    g.bench_function("survival_csv_10m_rows_file", |b| {
        let f = std::fs::File::open(&surv).expect("open");
        b.iter(|| {
            read_survival_csv_file(&f, "cohort", "days", "returned", CsvOptions::default())
                .expect("read")
        });
    });
    let (a, bb) = survival_records(1_000_000);
    g.bench_function("kaplan_meier_1m_rows", |b| {
        b.iter(|| {
            let ta = SurvivalTable::from_records(a.iter().copied()).expect("valid");
            let tb = SurvivalTable::from_records(bb.iter().copied()).expect("valid");
            let (ka, kb) = (KaplanMeier::fit(&ta), KaplanMeier::fit(&tb));
            let ci = (ka.ci_at(150.0, 0.05), kb.ci_at(150.0, 0.05));
            (ka.median(), kb.median(), ci, logrank(&[&ta, &tb]))
        });
    });
    // Fisher's exact test at its size bound (10^9 people), in its worst case:
    // an observed table about 39 standard deviations from the mode, just
    // before the p-value underflows to 0 (the walk then stops).
    let half = betagouv_impact::limits::FISHER_MAX_N / 2;
    let xt = half / 2 - 309_000;
    let arms = betagouv_impact::Arms {
        treated: Counts::new("t", xt, half).expect("valid"),
        control: Counts::new("c", half - xt, half).expect("valid"),
    };
    g.bench_function("fisher_exact_worst_at_bound", |b| {
        b.iter(|| fisher_exact(arms));
    });
    g.finish();
    let _ = std::fs::remove_dir_all(path.parent().expect("temp dir"));
}

criterion_group!(benches, bench);
criterion_main!(benches);
