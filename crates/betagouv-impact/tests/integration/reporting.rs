//! Issue 18 (honest reporting): Boschloo's exact test, the test a report shows, the
//! relative lift's interval, Holm and Benjamini-Hochberg adjustments and survival at
//! fixed horizons, against scipy, statsmodels, lifelines and R survival
//! (scripts/golden_reporting.py); then their invariants.

#![allow(clippy::print_stderr)]

use std::collections::BTreeMap;

use betagouv_impact::{
    Adjustment, Arms, Counts, KaplanMeier, SurvivalTable, TestKind, adjust_p_values,
    boschloo_exact, choose_test, compare, fisher_exact, survival_at_horizons,
};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::golden::{TAIL, check, f, load, u};

fn arms_of(case: &Value) -> Arms<Counts> {
    let (t, c) = (&case["treated"], &case["control"]);
    Arms {
        treated: Counts::new("treated", u(&t[0]), u(&t[1])).expect("valid"),
        control: Counts::new("control", u(&c[0]), u(&c[1])).expect("valid"),
    }
}

#[test]
fn exact_tests_and_the_chosen_test_match_scipy_and_statsmodels() {
    let mut worst = [0.0; 2];
    let cases = load(include_str!("../golden/exact.json"));
    assert!(cases.len() >= 10);
    for case in &cases {
        let arms = arms_of(case);
        let alpha = f(&case["alpha"]);
        let got = json!({
            "boschloo": boschloo_exact(arms).expect("small enough"),
            "fisher_exact": {"p_value": fisher_exact(arms).expect("small enough")},
            "relative_lift_ci": compare(arms, alpha).expect("compare").relative_lift_ci(),
            "chosen": choose_test(arms, alpha).expect("valid alpha"),
        });
        let name = format!("exact {} vs {}", case["treated"], case["control"]);
        check(&name, &got, &case["expected"], TAIL, &mut worst);
    }
    eprintln!("exact: worst relative error {:e} {:e}", worst[0], worst[1]);
}

#[test]
fn the_issues_pilot_no_longer_reports_the_z_test() {
    // 12/12 users against 7/10 non-users: the pooled z-test gives 0.0412 beside a Newcombe
    // interval that contains 0; Fisher gives 0.078 and Boschloo 0.063.
    let arms = Arms {
        treated: Counts::new("users", 12, 12).expect("valid"),
        control: Counts::new("non-users", 7, 10).expect("valid"),
    };
    let c = compare(arms, 0.05).expect("compare");
    let z = c.tests.z_pooled.expect("defined").p_value;
    assert!((z - 0.0412).abs() < 5e-5);
    assert!(c.difference.ci.newcombe.contains(0.0));
    let t = choose_test(arms, 0.05).expect("valid");
    assert_eq!(t.test, TestKind::Boschloo);
    let p = t.p_value.expect("defined");
    assert!((p - 0.0628).abs() < 5e-5, "{p}");
    assert!(p > 0.05 && t.agrees_with_interval == Some(true));
    let fisher = fisher_exact(arms).expect("small");
    assert!((fisher - 0.0779).abs() < 5e-5, "{fisher}");
}

#[test]
fn the_relative_lift_interval_contains_the_published_twelve_percent() {
    let arms = Arms {
        treated: Counts::new("encouraged", 22_100, 100_000).expect("valid"),
        control: Counts::new("control", 20_000, 100_000).expect("valid"),
    };
    let ci = compare(arms, 0.05)
        .expect("compare")
        .relative_lift_ci()
        .expect("defined");
    assert!(
        (ci.lower - 0.086).abs() < 5e-4 && (ci.upper - 0.124).abs() < 5e-4,
        "{ci}"
    );
    assert!(ci.contains(0.12) && ci.contains(0.105));
}

#[test]
fn multiplicity_matches_statsmodels() {
    let mut worst = [0.0; 2];
    for case in load(include_str!("../golden/multiplicity.json")) {
        let p: Vec<f64> = case["p"].as_array().expect("p").iter().map(f).collect();
        let got = json!({
            "holm": adjust_p_values(&p, Adjustment::Holm).expect("valid"),
            "benjamini_hochberg": adjust_p_values(&p, Adjustment::BenjaminiHochberg).expect("valid"),
        });
        check("multiplicity", &got, &case["expected"], TAIL, &mut worst);
    }
    eprintln!("multiplicity: worst relative error {:e}", worst[0]);
}

fn tables(case: &Value) -> BTreeMap<String, SurvivalTable> {
    let mut groups = BTreeMap::new();
    for (name, g) in case["groups"].as_object().expect("groups") {
        let d = g["duration"].as_array().expect("durations");
        let e = g["event"].as_array().expect("events");
        let records = d.iter().zip(e).map(|(d, e)| (f(d), u(e) == 1));
        let table = SurvivalTable::from_records(records).expect("valid");
        groups.insert(name.clone(), table);
    }
    groups
}

#[test]
fn survival_at_horizons_matches_lifelines_statsmodels_and_r() {
    let mut worst = [0.0; 2];
    for case in load(include_str!("../golden/survival_horizon.json")) {
        let groups = tables(&case);
        let at: Vec<f64> = case["at"].as_array().expect("at").iter().map(f).collect();
        let reference = case["reference"].as_str().expect("reference");
        let got = survival_at_horizons(&groups, reference, &at, f(&case["alpha"])).expect("ok");
        let got = serde_json::to_value(got).expect("json");
        check("horizons", &got, &case["expected"], TAIL, &mut worst);
        // lifelines' variance of min(T, t): its own value, integrated by quad over a step
        // function with 50 subdivisions (up to 2e-3 relative off), and the same integral
        // with the jump times given to quad (1e-9).
        for (name, want) in case["restricted_time_variance"].as_object().expect("map") {
            let km = KaplanMeier::fit(&groups[name]);
            for (t, w) in at.iter().zip(want.as_array().expect("values")) {
                let got = km
                    .restricted_time_variance(*t)
                    .expect("valid")
                    .expect("finite");
                for (key, tol) in [("exact", 1e-9), ("lifelines", 5e-3)] {
                    let w = f(&w[key]);
                    let ok = (got - w).abs() <= tol * w.abs() + 1e-10;
                    assert!(ok, "{name} {t} {key}: {got} {w}");
                }
            }
        }
    }
    eprintln!(
        "horizons: worst relative error {:e} {:e}",
        worst[0], worst[1]
    );
}

fn small_counts() -> impl Strategy<Value = (u64, u64)> {
    (1u64..40).prop_flat_map(|n| (0..=n, Just(n)))
}

fn durations() -> impl Strategy<Value = Vec<(f64, bool)>> {
    prop::collection::vec((0u32..60, any::<bool>()), 1..40)
        .prop_map(|v| v.into_iter().map(|(t, e)| (f64::from(t), e)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn exact_p_values_are_probabilities((xt, nt) in small_counts(), (xc, nc) in small_counts()) {
        let arms = Arms {
            treated: Counts::new("t", xt, nt).expect("valid"),
            control: Counts::new("c", xc, nc).expect("valid"),
        };
        let b = boschloo_exact(arms).expect("small");
        prop_assert!((0.0..=1.0).contains(&b.p_value) && (0.0..=1.0).contains(&b.statistic));
        // Swapping the arms is the same two-sided test.
        let swapped = boschloo_exact(Arms { treated: arms.control, control: arms.treated }).expect("small");
        prop_assert!((swapped.p_value - b.p_value).abs() <= 1e-9);
        let chosen = choose_test(arms, 0.05).expect("valid");
        prop_assert!(chosen.p_value.is_none_or(|p| (0.0..=1.0).contains(&p)));
        prop_assert!(chosen.interval.contains(arms.treated.proportion() - arms.control.proportion()));
    }

    #[test]
    fn adjusted_p_values_are_ordered_and_bounded(p in prop::collection::vec(0.0f64..=1.0, 0..30)) {
        let holm = adjust_p_values(&p, Adjustment::Holm).expect("valid");
        let bh = adjust_p_values(&p, Adjustment::BenjaminiHochberg).expect("valid");
        for i in 0..p.len() {
            prop_assert!(holm[i] >= p[i] && holm[i] <= 1.0);
            prop_assert!(bh[i] >= p[i] && bh[i] <= 1.0);
            prop_assert!(bh[i] <= holm[i] + 1e-15);
            for j in 0..p.len() {
                if p[i] <= p[j] {
                    prop_assert!(holm[i] <= holm[j] && bh[i] <= bh[j]);
                }
            }
        }
    }

    #[test]
    fn relative_lift_interval_contains_the_lift((xt, nt) in small_counts(), (xc, nc) in small_counts(), alpha in 0.001f64..0.5) {
        let arms = Arms {
            treated: Counts::new("t", xt, nt).expect("valid"),
            control: Counts::new("c", xc, nc).expect("valid"),
        };
        let c = compare(arms, alpha).expect("compare");
        if let (Some(ci), Some(lift)) = (c.relative_lift_ci(), c.relative_lift) {
            prop_assert!(ci.lower >= -1.0 && ci.lower <= lift + 1e-12 && lift <= ci.upper + 1e-12, "{ci} {lift}");
        }
    }

    #[test]
    fn horizons_are_consistent(a in durations(), b in durations(), t in 0.0f64..80.0) {
        let groups = BTreeMap::from([
            ("a".to_owned(), SurvivalTable::from_records(a).expect("valid")),
            ("b".to_owned(), SurvivalTable::from_records(b).expect("valid")),
        ]);
        let s = survival_at_horizons(&groups, "a", &[t, t + 10.0], 0.05).expect("valid");
        for points in s.groups.values() {
            for p in points {
                prop_assert!(p.rmst >= 0.0 && p.rmst <= p.t + 1e-9, "{p:?}");
                prop_assert!(p.returned_ci.is_none_or(|ci| ci.contains(p.returned)));
                prop_assert!(p.rmst_se.is_none_or(|se| se >= 0.0 && se.is_finite()));
            }
            prop_assert!(points[0].rmst <= points[1].rmst);
        }
        for d in &s.differences {
            for c in [&d.returned, &d.rmst] {
                prop_assert!(c.ci.is_none_or(|ci| ci.contains(c.estimate)));
                prop_assert!(c.test.is_none_or(|t| t.p_value <= t.p_holm && t.p_holm <= 1.0));
            }
        }
        let oe = s.logrank_observed_expected.as_ref().expect("two groups");
        let (o, e): (f64, f64) = oe.values().fold((0.0, 0.0), |(o, e), x| (o + x.observed, e + x.expected));
        prop_assert!((o - e).abs() <= 1e-9 * o.max(1.0));
        let _ = serde_json::to_string(&s).expect("finite");
    }
}
