//! Fuzzes the command line's count syntax (`22100/100000` and
//! `N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS`): parse, print, parse again,
//! then compute on what parses.
//! Run on stable with `cargo fuzz run -s none counts`.
#![no_main]

use betagouv_impact::{Counts, EncouragementArm, compare, encouragement};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = Counts::parse("--treated", text) {
        assert_eq!(Counts::parse("--treated", &c.to_string()).ok(), Some(c));
        let r = compare(c, c, 0.05).expect("compares");
        serde_json::to_string(&r).expect("serialises");
    }
    if let Ok(a) = EncouragementArm::parse("--treated", text) {
        assert_eq!(EncouragementArm::parse("--treated", &a.to_string()).ok(), Some(a));
        let r = encouragement(a, a, 0.05).expect("computes");
        serde_json::to_string(&r).expect("serialises");
    }
});
