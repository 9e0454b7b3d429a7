//! Benchmarks of the report: compute and render the built-in 2016 report.
#![allow(missing_docs)]

use betagouv_portfolio::builtin;
use betagouv_report::{Format, Inputs, RenderOptions, Report, ReportOptions, render};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let portfolio = builtin::portfolio_2016();
    let inputs = Inputs {
        published: builtin::published_2016(),
        ..Inputs::new(&portfolio, "built-in 2016 dataset")
    };
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

criterion_group!(benches, bench);
criterion_main!(benches);
