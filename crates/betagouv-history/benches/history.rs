//! The series of the whole shared history (14,615 commits): a point every commit, and
//! every month; the dashboard series every year (the statistics page's yearly series,
//! 2015 to HEAD) and every month. Needs BETAGOUV_SHARED_DATA and `git` (the bundle is cloned into the
//! temporary folder once); without them the bench does nothing.
//! `scripts/history-peers.sh` times the command line against `git log` and PyYAML.
#![allow(clippy::print_stderr)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benches fail loudly

use betagouv_history::{Every, Repository, SeriesOptions, dashboard_series, series};
use betagouv_portfolio::DashboardOptions;
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    if std::env::var_os("BETAGOUV_SHARED_DATA").is_none() {
        eprintln!("note: set BETAGOUV_SHARED_DATA to run the history bench");
        return;
    }
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    let mut g = c.benchmark_group("history");
    g.sample_size(10);
    for every in [Every::Month, Every::Commit] {
        let options = SeriesOptions::default().with_every(every);
        g.bench_function(format!("series_every_{every}"), |b| {
            b.iter(|| series(&repo, &options, |_, _| {}).unwrap().points.len());
        });
    }
    let dashboard = DashboardOptions::default();
    for every in [Every::Year, Every::Month] {
        let options = SeriesOptions::default().with_every(every);
        g.bench_function(format!("dashboard_every_{every}"), |b| {
            b.iter(|| {
                dashboard_series(&repo, &options, &dashboard, |_, _| {})
                    .unwrap()
                    .points
                    .len()
            });
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
