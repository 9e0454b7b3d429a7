//! Balances by account and month over 1 million postings.
//!
//! The hledger comparison (same data, exported as a journal) is
//! `crates/betagouv-funding/benches/compare_hledger.sh`; figures in
//! docs/PERFORMANCE.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn balances(c: &mut Criterion) {
    let ledger = betagouv_funding::synthetic::ledger(1_000_000, 42);
    let mut g = c.benchmark_group("ledger");
    g.sample_size(10);
    g.bench_function("balances_by_month_1m_postings", |b| {
        b.iter(|| black_box(&ledger).balances_by_month().len());
    });
    g.bench_function("balances_year_1m_postings", |b| {
        b.iter(|| black_box(&ledger).balances(None, None).len());
    });
    g.finish();
}

criterion_group!(benches, balances);
criterion_main!(benches);
