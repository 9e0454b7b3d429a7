//! Fuzzes the cohort CSV reader: arbitrary bytes as a CSV with the columns
//! `g` (group) and `y` (0/1 outcome), with a small record limit so that the
//! bound is exercised; then compares the first two groups.
//! Run on stable with `cargo fuzz run -s none cohort_csv`.
#![no_main]

use betagouv_impact::{Arms, CsvOptions, aggregate_cohort_csv_with, compare};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = CsvOptions::default().with_max_record_bytes(512);
    let Ok(stats) = aggregate_cohort_csv_with(data, "g", "y", options) else {
        return;
    };
    let groups: Vec<_> = stats.iter().collect();
    assert!(!groups.is_empty(), "a CSV without rows is an error");
    let treated = groups[0]
        .1
        .to_counts("t")
        .expect("n > 0 and successes <= n");
    let control = groups[groups.len() - 1].1.to_counts("c").expect("valid");
    let r = compare(Arms { treated, control }, 0.05).expect("compares");
    serde_json::to_string(&r).expect("serialises");
});
