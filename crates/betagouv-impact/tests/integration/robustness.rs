//! Hostile input: every statistics entry point, fed arbitrary floats (NaN,
//! infinities, subnormals, huge values) and arbitrary counts, never panics
//! and returns either a typed error or results whose numbers are all finite
//! (undefined values being `None`).

use std::collections::BTreeMap;

use betagouv_impact::limits::{ALPHA_MAX, ALPHA_MIN, PROBABILITY_MAX, PROBABILITY_MIN};
use betagouv_impact::{
    Adjustment, Arms, Continuity, Counts, Design, EncouragementArm, Error, KaplanMeier,
    PowerMethod, ProportionCiMethod, ProportionCis, SurvivalTable, adjust_p_values, boschloo_exact,
    chi_square, choose_test, compare, compound_growth_rate, encouragement, fisher_exact,
    growth_rate, logrank, logrank_observed_expected, mde, mde_users, power, proportion_ci,
    sample_size, summarize_survival, survival_at_horizons, z_pooled,
};
use proptest::prelude::*;

/// Any f64, with a good share of values inside the accepted ranges and at
/// their ends, so that the computations run as well as the checks.
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => prop::num::f64::ANY,
        2 => 0.0f64..1.0,
        1 => prop::sample::select(vec![
            0.0, -0.0, 1.0, 0.5, ALPHA_MIN, ALPHA_MAX, PROBABILITY_MIN, PROBABILITY_MAX,
            1e-300, 5e-324, f64::MIN_POSITIVE, 1e15, 1e16, 1e300, f64::MAX, f64::NAN,
            f64::INFINITY, f64::NEG_INFINITY, 1e6, 1e-6,
        ]),
        1 => 1.0f64..1e6,
    ]
}

fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0u64..50,
        2 => any::<u64>(),
        1 => prop::sample::select(vec![
            u64::MAX, u64::MAX - 1, u64::MAX / 2, 1 << 53, 10_000_000, 10_000_001, 1_000_000_001,
            i64::MAX as u64,
        ]),
        1 => 0u64..5_000_000,
    ]
}

/// Valid counts, from tiny to `u64::MAX`.
fn counts() -> impl Strategy<Value = Counts> {
    (count(), count()).prop_filter_map("valid counts", |(a, b)| {
        Counts::new("c", a.min(b), a.max(b)).ok()
    })
}

#[track_caller]
fn finite<T: std::fmt::Debug>(value: &T) -> Result<(), TestCaseError> {
    // Debug prints non-finite floats as NaN, inf or -inf.
    let text = format!("{value:?}");
    prop_assert!(
        !text.contains("NaN") && !text.contains("inf"),
        "non-finite number in {text}"
    );
    Ok(())
}

fn typed(e: &Error) -> Result<(), TestCaseError> {
    // A typed error with a message naming something.
    prop_assert!(!e.to_string().is_empty());
    Ok(())
}

fn check<T: std::fmt::Debug>(r: &Result<T, Error>) -> Result<(), TestCaseError> {
    match r {
        Ok(v) => finite(v),
        Err(e) => typed(e),
    }
}

const METHODS: [ProportionCiMethod; 6] = [
    ProportionCiMethod::Wilson,
    ProportionCiMethod::ClopperPearson,
    ProportionCiMethod::AgrestiCoull,
    ProportionCiMethod::Jeffreys,
    ProportionCiMethod::JeffreysBoundary,
    ProportionCiMethod::Wald,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn counts_never_panic(a in count(), b in count(), c in count(), d in count()) {
        check(&Counts::new("t", a, b))?;
        check(&EncouragementArm::new("t", a, b, c, d))?;
    }

    #[test]
    fn one_proportion_never_panics(c in counts(), alpha in float()) {
        for m in METHODS {
            let r = proportion_ci(c, alpha, m);
            check(&r)?;
            if let Ok(ci) = r {
                prop_assert!(ci.lower <= ci.upper && ci.lower >= 0.0 && ci.upper <= 1.0, "{m:?} {ci:?}");
            }
        }
        check(&ProportionCis::new(c, alpha))?;
    }

    #[test]
    fn two_cohorts_never_panic(t in counts(), c in counts(), alpha in float()) {
        let arms = Arms { treated: t, control: c };
        check(&compare(arms, alpha))?;
        finite(&z_pooled(arms))?;
        finite(&chi_square(arms, Continuity::Yates))?;
        finite(&fisher_exact(arms))?;
        finite(&boschloo_exact(arms))?;
        let chosen = choose_test(arms, alpha);
        check(&chosen)?;
        if let Ok(t) = chosen {
            prop_assert!(t.p_value.is_none_or(|p| (0.0..=1.0).contains(&p)));
        }
        if let Ok(r) = compare(arms, alpha) {
            finite(&r.relative_lift_ci())?;
            let total = t.n().saturating_add(c.n());
            prop_assert_eq!(r.tests.fisher_exact.is_some(), total <= betagouv_impact::limits::FISHER_MAX_N);
        }
    }

    #[test]
    fn planning_never_panics(
        control_rate in float(), treated_rate in float(), ratio in float(), alpha in float(),
        n in float(), target in float(), icc in float(), size in float(), fs in float(),
    ) {
        let plain = Design::new(control_rate).with_ratio(ratio).with_alpha(alpha);
        for (d, m) in [
            (plain, PowerMethod::NormalPooled),
            (plain, PowerMethod::Arcsine),
            (plain.with_clusters(icc, size), PowerMethod::NormalPooled),
            (plain.with_clusters(icc, size), PowerMethod::Arcsine),
        ] {
            check(&mde_users(&d, n, target, m, fs))?;
            let p = power(&d, treated_rate, n, m);
            check(&p)?;
            if let Ok(p) = p {
                prop_assert!((0.0..=1.0).contains(&p));
            }
            check(&sample_size(&d, treated_rate, target, m))?;
            check(&mde(&d, n, target, m))?;
        }
    }

    #[test]
    fn encouragement_never_panics(
        t in (count(), count(), count(), count()), c in (count(), count(), count(), count()),
        alpha in float(),
    ) {
        let arm = |(n, u, y, yu): (u64, u64, u64, u64)| {
            // Sort so that a good share of the arms is consistent.
            let mut v = [n, u, y, yu];
            v.sort_unstable();
            EncouragementArm::new("a", v[3], v[2], v[1], v[0])
                .or_else(|_| EncouragementArm::new("a", v[3], v[1], v[1], v[0]))
        };
        if let (Ok(t), Ok(c)) = (arm(t), arm(c)) {
            check(&encouragement(Arms { treated: t, control: c }, alpha))?;
        }
    }

    #[test]
    fn survival_never_panics(
        records in prop::collection::vec((float(), any::<bool>(), 0u8..3), 0..40),
        at in prop::collection::vec(float(), 0..4),
        alpha in float(),
        extra in (float(), count(), count()),
    ) {
        let mut groups: BTreeMap<String, SurvivalTable> = BTreeMap::new();
        for g in 0..3u8 {
            let r = SurvivalTable::from_records(
                records.iter().filter(|r| r.2 == g).map(|r| (r.0.abs(), r.1)),
            );
            check(&r)?;
            if let Ok(mut t) = r {
                check(&t.add(extra.0, extra.1, extra.2))?;
                let km = KaplanMeier::fit(&t);
                for &x in &at {
                    check(&km.survival_at(x))?;
                    check(&km.variance_at(x))?;
                    check(&km.ci_at(x, alpha))?;
                    check(&km.rmst(x))?;
                    check(&km.rmst_variance(x))?;
                    check(&km.restricted_time_variance(x))?;
                }
                finite(&km.median())?;
                groups.insert(format!("g{g}"), t);
            }
        }
        let tables: Vec<&SurvivalTable> = groups.values().collect();
        finite(&logrank(&tables))?;
        finite(&logrank_observed_expected(&tables))?;
        check(&summarize_survival(&groups, &at, alpha))?;
        check(&survival_at_horizons(&groups, "g0", &at, alpha))?;
    }

    #[test]
    fn multiplicity_never_panics(p in prop::collection::vec(float(), 0..12)) {
        for m in [Adjustment::Holm, Adjustment::BenjaminiHochberg] {
            let r = adjust_p_values(&p, m);
            check(&r)?;
            prop_assert_eq!(r.is_ok(), p.iter().all(|x| (0.0..=1.0).contains(x)));
        }
    }

    #[test]
    fn kpis_never_panic(a in float(), b in float(), periods in any::<u32>()) {
        finite(&growth_rate(a, b))?;
        finite(&compound_growth_rate(a, b, periods))?;
    }

    #[test]
    fn count_syntax_round_trips(c in counts(), a in (count(), count(), count(), count())) {
        prop_assert_eq!(Counts::parse("--treated", &c.to_string()).ok(), Some(c));
        let mut v = [a.0, a.1, a.2, a.3];
        v.sort_unstable();
        if let Ok(arm) = EncouragementArm::new("a", v[3], v[2], v[1], v[0]) {
            prop_assert_eq!(EncouragementArm::parse("a", &arm.to_string()).ok(), Some(arm));
        }
    }

    #[test]
    fn count_syntax_never_panics(text in ".{0,40}", digits in "[0-9/, ]{0,40}") {
        for t in [&text, &digits] {
            check(&Counts::parse("--treated", t))?;
            check(&EncouragementArm::parse("--treated", t))?;
        }
    }
}
