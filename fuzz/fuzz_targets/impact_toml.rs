//! Fuzzes the impact file reader: arbitrary text as an impact TOML file, then
//! the computations the report's impact section makes on what parses.
//! Run on stable with `cargo fuzz run -s none impact_toml`.
#![no_main]

use betagouv_impact::{Design, ImpactFile, Period, PowerMethod, mde};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = ImpactFile::parse(text) else {
        return;
    };
    for s in &file.startup {
        for e in &s.evaluation {
            // Counts are validated on reading: every evaluation compares.
            let c = e.compare(0.05).expect("a parsed evaluation compares");
            serde_json::to_string(&c).expect("serialises");
            let n_t = c.treated.n as f64;
            let design = Design::new(c.control.proportion)
                .with_ratio(c.control.n as f64 / n_t.max(1.0))
                .with_alpha(0.05);
            if let Ok(Some(d)) = mde(&design, n_t, 0.8, PowerMethod::NormalPooled) {
                assert!(d.is_finite());
            }
        }
        for k in &s.kpi {
            assert!(k.value.is_finite() && k.value >= 0.0);
            if let Some(r) = k.rate() {
                assert!(r.per(Period::Year).is_finite());
            }
        }
    }
});
