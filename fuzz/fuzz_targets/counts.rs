//! Fuzzes the command line's count syntax (`22100/100000` and
//! `N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS`): parse, print, parse again,
//! then compute on what parses.
//! Run on stable with `cargo fuzz run -s none counts`.
#![no_main]

use betagouv_impact::{Arms, Counts, EncouragementArm, compare, encouragement};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = text.parse::<Counts>() {
        assert_eq!(c.to_string().parse::<Counts>().ok(), Some(c));
        assert_eq!(Counts::parse("--treated", text).ok(), Some(c));
        let r = compare(
            Arms {
                treated: c,
                control: c,
            },
            0.05,
        )
        .expect("compares");
        serde_json::to_string(&r).expect("serialises");
    }
    if let Ok(a) = text.parse::<EncouragementArm>() {
        assert_eq!(a.to_string().parse::<EncouragementArm>().ok(), Some(a));
        assert_eq!(EncouragementArm::parse("--treated", text).ok(), Some(a));
        let r = encouragement(
            Arms {
                treated: a,
                control: a,
            },
            0.05,
        )
        .expect("computes");
        serde_json::to_string(&r).expect("serialises");
    }
});
