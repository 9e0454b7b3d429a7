//! Reading the 2025-12-31 shared snapshot (4,068 files) and computing its snapshot.
//! Needs BETAGOUV_SHARED_DATA; without it the bench does nothing.
#![allow(clippy::print_stderr)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use betagouv_content::read::{ReadOptions, read_folder};
use betagouv_portfolio::{Snapshot, SnapshotOptions};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let Some(base) = std::env::var_os("BETAGOUV_SHARED_DATA") else {
        eprintln!("note: set BETAGOUV_SHARED_DATA to run the content bench");
        return;
    };
    let dir = std::path::PathBuf::from(base).join("betagouv-content/2025-12-31");
    let at = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let mut g = c.benchmark_group("content");
    g.sample_size(20);
    for threads in [1, 2] {
        let options = ReadOptions::default().with_threads(threads);
        g.bench_function(format!("read_2025_and_snapshot_{threads}_threads"), |b| {
            b.iter(|| {
                let import = read_folder(&dir, &options).unwrap();
                Snapshot::compute(&import.portfolio, at, &SnapshotOptions::default())
            });
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
