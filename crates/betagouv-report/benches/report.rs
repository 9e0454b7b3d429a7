//! Benchmarks of the report: compute and render the built-in 2016 report.
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use betagouv_portfolio::builtin;
use betagouv_report::{Format, Inputs, RenderOptions, Report, ReportOptions, render};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let portfolio = builtin::portfolio_2016();
    let inputs =
        Inputs::new(&portfolio, "built-in 2016 dataset").with_published(builtin::published_2016());
    let options = ReportOptions::default();
    c.bench_function("report_2016_compute", |b| {
        b.iter(|| Report::compute(&inputs, &options))
    });
    c.bench_function("report_2016_html", |b| {
        b.iter(|| {
            Report::compute(&inputs, &options)
                .and_then(|r| render(&r, Format::Html, RenderOptions::default()))
        })
    });
}

/// The 2025 shared snapshot (`BETAGOUV_SHARED_DATA/betagouv-content/2025-12-31`), read
/// once; the HTML report (compute + render) is measured. Skipped when the data is absent.
fn bench_2025(c: &mut Criterion) {
    let Some(base) = std::env::var_os("BETAGOUV_SHARED_DATA") else {
        return;
    };
    let dir = std::path::Path::new(&base).join("betagouv-content/2025-12-31");
    let Ok(import) = betagouv_content::read_folder(&dir, &betagouv_content::ReadOptions::default())
    else {
        return;
    };
    let inputs = Inputs::new(&import.portfolio, "2025-12-31").with_diagnostics(&import.diagnostics);
    let options = ReportOptions::default().with_year(2025);
    c.bench_function("report_2025_html", |b| {
        b.iter(|| {
            Report::compute(&inputs, &options)
                .and_then(|r| render(&r, Format::Html, RenderOptions::default()))
        })
    });
}

criterion_group!(benches, bench, bench_2025);
criterion_main!(benches);
