//! Fuzzes the front-matter reader: arbitrary bytes as a file of every kind.
//! Run on stable with `cargo fuzz run -s none front_matter`.
#![no_main]

use std::path::Path;

use betagouv_content::read::{ReadOptions, read_bytes};
use betagouv_portfolio::RecordKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions::default();
    for kind in [
        RecordKind::Startup,
        RecordKind::Member,
        RecordKind::Incubator,
        RecordKind::Organisation,
    ] {
        let r = read_bytes(kind, Path::new("fuzz.md"), data, &options);
        assert!(r.record.is_some() || !r.diagnostics.is_empty());
    }
});
