//! Fuzzes the survival CSV reader: arbitrary bytes as a CSV with the columns
//! `g` (group), `d` (duration) and `e` (0/1 event), with a small record limit;
//! then summarises the curves (Kaplan-Meier, intervals, log-rank).
//! Run on stable with `cargo fuzz run -s none survival_csv`.
#![no_main]

use betagouv_impact::{CsvOptions, read_survival_csv_with, summarize_survival};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = CsvOptions::default().with_max_record_bytes(512);
    let Ok(groups) = read_survival_csv_with(data, "g", "d", "e", options) else {
        return;
    };
    assert!(!groups.is_empty(), "a CSV without rows is an error");
    let s = summarize_survival(&groups, &[0.0, 1.0, 30.0, 1e300], 0.05).expect("summarises");
    let text = format!("{s:?}");
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    serde_json::to_string(&s).expect("serialises");
});
