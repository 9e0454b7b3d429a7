//! Serde both ways on the public result and input types, and the text forms
//! (`Display` / `FromStr`) of counts and intervals.

use std::collections::BTreeMap;

use betagouv_impact::{
    Arms, CohortCounts, CohortStats, Comparison, Continuity, Counts, Design, Encouragement,
    EncouragementArm, Interval, KaplanMeier, LOGRANK_NOT_COMPUTED, ParseCountsError,
    ParseIntervalError, Period, PowerMethod, ProportionCiMethod, Rate, SampleSize, SurvivalSummary,
    SurvivalTable, compare, encouragement, sample_size, summarize_survival,
};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Whether two JSON values are equal, numbers within a few units in the last
/// place: serde_json's default float parser (without its `float_roundtrip`
/// feature, which the workspace does not enable) may be off by an ulp or two.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, x), (ky, y))| kx == ky && same_json(x, y))
        }
        _ => a == b,
    }
}

/// JSON out, back in, and out again: the same JSON (numbers within an ulp,
/// see [`same_json`]).
fn json_round_trips<T: Serialize + DeserializeOwned>(value: &T) -> Result<(), String> {
    let json = serde_json::to_value(value).map_err(|e| e.to_string())?;
    let text = json.to_string();
    let back: T = serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))?;
    let again = serde_json::to_value(&back).map_err(|e| e.to_string())?;
    if same_json(&json, &again) {
        Ok(())
    } else {
        Err(format!("{text}\n!=\n{again}"))
    }
}

#[track_caller]
fn round_trip<T: Serialize + DeserializeOwned>(value: &T) {
    if let Err(e) = json_round_trips(value) {
        panic!("{e}");
    }
}

fn lbb() -> Arms<Counts> {
    Arms {
        treated: Counts::new("treated", 22_100, 100_000).expect("valid"),
        control: Counts::new("control", 20_000, 100_000).expect("valid"),
    }
}

#[test]
fn results_round_trip() {
    let c: Comparison = compare(lbb(), 0.05).expect("compare");
    round_trip(&c);
    // With Fisher's test not computed (its reason is read back).
    let big = Arms {
        treated: Counts::new("t", 1 << 40, 1 << 41).expect("valid"),
        control: Counts::new("c", 1 << 39, 1 << 41).expect("valid"),
    };
    let c = compare(big, 0.05).expect("compare");
    assert!(c.tests.fisher_exact_not_computed.is_some());
    round_trip(&c);
    let mut json = serde_json::to_value(c).expect("json");
    json["tests"]["fisher_exact_not_computed"] = "another reason".into();
    assert!(serde_json::from_value::<Comparison>(json).is_err());

    let treated = EncouragementArm::new("t", 1000, 300, 250, 90).expect("valid");
    let control = EncouragementArm::new("c", 1000, 100, 200, 25).expect("valid");
    round_trip(&treated);
    let e: Encouragement = encouragement(Arms { treated, control }, 0.05).expect("ok");
    round_trip(&e);

    let design = Design::new(0.2).with_ratio(2.0);
    round_trip(&design);
    let s: Option<SampleSize> =
        sample_size(&design, 0.221, 0.8, PowerMethod::NormalPooled).expect("ok");
    round_trip(&s.expect("reachable"));
    round_trip(&lbb());
    round_trip(&Rate {
        value: 2000.0,
        period: Period::Day,
    });
    for m in [PowerMethod::NormalPooled, PowerMethod::Arcsine] {
        round_trip(&m);
    }
    assert_eq!(
        serde_json::to_string(&ProportionCiMethod::ClopperPearson).expect("json"),
        "\"clopper_pearson\""
    );
    round_trip(&ProportionCiMethod::JeffreysBoundary);
    round_trip(&Continuity::Yates);
}

#[test]
fn survival_round_trips() {
    let a = SurvivalTable::from_records([(1.0, true), (2.5, false), (3.0, true), (3.0, true)])
        .expect("valid");
    let b = SurvivalTable::from_records([(0.5, true), (4.0, false)]).expect("valid");
    round_trip(&a);
    round_trip(&KaplanMeier::fit(&a));
    let groups: BTreeMap<String, SurvivalTable> = [("a".to_owned(), a), ("b".to_owned(), b)].into();
    let s: SurvivalSummary = summarize_survival(&groups, &[1.0, 3.0], 0.05).expect("ok");
    round_trip(&s);
    // Too many groups: the reason is read back.
    let many: BTreeMap<String, SurvivalTable> = (0..40)
        .map(|g| {
            let t = SurvivalTable::from_records([(f64::from(g), true)]).expect("valid");
            (format!("g{g}"), t)
        })
        .collect();
    let s = summarize_survival(&many, &[], 0.05).expect("ok");
    assert_eq!(s.logrank_not_computed, Some(LOGRANK_NOT_COMPUTED));
    round_trip(&s);
    // Rows out of order, a negative time, columns of different lengths are refused.
    let bad =
        r#"{"rows":[{"time":2.0,"events":1,"censored":0},{"time":1.0,"events":1,"censored":0}]}"#;
    assert!(serde_json::from_str::<SurvivalTable>(bad).is_err());
    let bad = r#"{"rows":[{"time":-1.0,"events":1,"censored":0}]}"#;
    assert!(serde_json::from_str::<SurvivalTable>(bad).is_err());
    let bad = r#"{"times":[1.0],"survival":[0.5,0.2],"greenwood":[0.1]}"#;
    assert!(serde_json::from_str::<KaplanMeier>(bad).is_err());
}

#[test]
fn inputs_round_trip_and_are_validated() {
    let c = Counts::new("c", 3, 10).expect("valid");
    round_trip(&c);
    assert_eq!(
        serde_json::from_str::<Counts>(r#"{"successes":3,"n":10}"#).ok(),
        Some(c)
    );
    assert!(serde_json::from_str::<Counts>(r#"{"successes":11,"n":10}"#).is_err());
    assert!(
        serde_json::from_str::<EncouragementArm>(
            r#"{"n":10,"users":11,"successes":0,"successes_among_users":0}"#
        )
        .is_err()
    );
    let stats: CohortStats = [("a", true), ("b", false), ("a", false)]
        .into_iter()
        .collect();
    round_trip(&stats);
    round_trip(&CohortCounts { n: 3, successes: 1 });
}

#[cfg(feature = "toml")]
#[test]
fn the_impact_file_round_trips() {
    round_trip(&betagouv_impact::builtin_2016());
}

#[test]
fn parse_errors_are_typed() {
    assert_eq!(
        "12/x".parse::<Counts>(),
        Err(ParseCountsError::InvalidCount {
            part: "N",
            text: "x".to_owned()
        })
    );
    assert_eq!(
        "1,2,3"
            .parse::<EncouragementArm>()
            .err()
            .map(|e| e.to_string()),
        Some("expected N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS, got \"1,2,3\"".to_owned())
    );
    assert_eq!(
        "[0.1, x]".parse::<Interval>(),
        Err(ParseIntervalError::InvalidBound {
            bound: "upper",
            text: "x".to_owned()
        })
    );
    for bad in ["0.1, 0.2", "[0.1 0.2]", "[0.1, 0.2", ""] {
        assert!(
            matches!(
                bad.parse::<Interval>(),
                Err(ParseIntervalError::Syntax { .. })
            ),
            "{bad}"
        );
    }
    assert_eq!(
        Interval {
            lower: 0.0123,
            upper: 0.0456
        }
        .to_string(),
        "[0.0123, 0.0456]"
    );
    assert_eq!(
        " [ 1e-300 ,1 ] ".parse::<Interval>().ok(),
        Some(Interval {
            lower: 1e-300,
            upper: 1.0
        })
    );
}

proptest! {
    #[test]
    fn counts_text_round_trips(n in 1u64.., k in any::<u64>()) {
        let c = Counts::new("c", k % n.saturating_add(1).max(1), n).expect("valid");
        let text = c.to_string();
        prop_assert_eq!(text.parse::<Counts>(), Ok(c));
    }

    #[test]
    fn encouragement_arm_text_round_trips(v in prop::array::uniform4(0u64..1_000_000)) {
        let mut v = v;
        v.sort_unstable();
        if let Ok(a) = EncouragementArm::new("a", v[3], v[2], v[1], v[0]) {
            prop_assert_eq!(a.to_string().parse::<EncouragementArm>(), Ok(a));
        }
    }

    #[test]
    fn interval_text_round_trips_bit_for_bit(lower in any::<f64>(), upper in any::<f64>()) {
        let ci = Interval { lower, upper };
        let back: Interval = ci.to_string().parse().expect("parses");
        // Bit for bit, except NaN's payload (it reads back as NaN).
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        prop_assert!(same(back.lower, lower) && same(back.upper, upper), "{}", ci);
    }

    #[test]
    fn comparisons_round_trip(xt in 0u64..10_000, nt in 1u64..10_000, xc in 0u64..10_000, nc in 1u64..10_000) {
        let arms = Arms {
            treated: Counts::new("t", xt.min(nt), nt).expect("valid"),
            control: Counts::new("c", xc.min(nc), nc).expect("valid"),
        };
        let c = compare(arms, 0.05).expect("compare");
        prop_assert!(json_round_trips(&c).is_ok(), "{:?}", json_round_trips(&c));
    }
}
