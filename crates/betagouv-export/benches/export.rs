//! Every export format of the 2025 snapshot (target: under 1 s for all formats on the
//! 2-core machine). Reading the content folder is not measured; each format writes to a
//! fresh path in a temporary folder.
//!
//! Needs `BETAGOUV_SHARED_DATA` (absolute path of shared/data); falls back to the
//! built-in 2016 dataset without it.
//!
//! ```sh
//! BETAGOUV_SHARED_DATA=/abs/shared/data cargo bench -p betagouv-export --all-features --bench export
//! ```
#![allow(
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use betagouv_export::{Dataset, ExportFormat, ExportOptions, export, tables};
use betagouv_portfolio::{Portfolio, builtin};
use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};

fn load() -> (Portfolio, NaiveDate, &'static str) {
    let dir = std::env::var_os("BETAGOUV_SHARED_DATA")
        .map(|d| PathBuf::from(d).join("betagouv-content/2025-12-31"))
        .filter(|d| d.exists());
    match dir {
        Some(d) => {
            let import = betagouv_content::read::read_folder(
                &d,
                &betagouv_content::read::ReadOptions::default(),
            )
            .unwrap();
            (
                import.portfolio,
                NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
                "2025",
            )
        }
        None => {
            eprintln!("note: BETAGOUV_SHARED_DATA not set, benchmarking the built-in 2016 dataset");
            (builtin::portfolio_2016(), builtin::as_of_2016(), "2016")
        }
    }
}

fn bench(c: &mut Criterion) {
    let (portfolio, at, label) = load();
    let dataset = Dataset::new(&portfolio);
    let options = ExportOptions::new(at, "bench");
    let tmp = tempfile::tempdir().unwrap();
    let n = AtomicUsize::new(0);
    let mut group = c.benchmark_group(format!("export_{label}"));
    group.sample_size(10);
    group.bench_function("tables", |b| {
        b.iter(|| black_box(tables::build(&dataset, at)))
    });
    let formats: Vec<ExportFormat> = ExportFormat::ALL
        .into_iter()
        .filter(|f| f.is_available())
        .collect();
    for &format in &formats {
        group.bench_function(format.name(), |b| {
            b.iter(|| {
                let out = tmp.path().join(format!(
                    "{}-{}",
                    format.name(),
                    n.fetch_add(1, Ordering::Relaxed)
                ));
                black_box(export(&dataset, format, &out, &options).unwrap())
            });
        });
    }
    group.bench_function("all_formats", |b| {
        b.iter(|| {
            for &format in &formats {
                let out = tmp
                    .path()
                    .join(format!("all-{}", n.fetch_add(1, Ordering::Relaxed)));
                black_box(export(&dataset, format, &out, &options).unwrap());
            }
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
