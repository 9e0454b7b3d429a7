//! Property tests of the evaluation designs of issue 18: encouragement
//! diagnostics, clusters, strata, covariate adjustment.

use betagouv_impact::{
    Arms, Counts, CovariateRows, Design, EncouragementArm, cluster_difference, encouragement,
    lin_adjusted, stratified,
};
use proptest::prelude::*;

/// A valid encouragement arm: n, users, successes among users and among
/// non-users.
fn arm() -> impl Strategy<Value = EncouragementArm> {
    (1u64..5_000)
        .prop_flat_map(|n| (Just(n), 0..=n))
        .prop_flat_map(|(n, users)| (Just(n), Just(users), 0..=users, 0..=n - users))
        .prop_map(|(n, users, su, sn)| {
            EncouragementArm::new("arm", n, users, su + sn, su).expect("valid by construction")
        })
}

proptest! {
    #[test]
    fn encouragement_diagnostics_hold(treated in arm(), control in arm(), alpha in 0.001f64..0.5) {
        let e = encouragement(Arms { treated, control }, alpha).expect("valid alpha");
        // Finite everywhere (serde_json refuses NaN and infinities).
        serde_json::to_string(&e).expect("serialises");
        if let Some(f) = e.first_stage.f_statistic {
            prop_assert!(f >= 0.0);
            prop_assert_eq!(e.first_stage.weak, f < 10.0);
        }
        if let (Some(cace), Some(c)) = (e.cace, e.compliers) {
            // The compliers' means differ by the CACE.
            let gap = c.with_service.estimate - c.without_service.estimate;
            prop_assert!((gap - cace.estimate).abs() <= 1e-9 * cace.estimate.abs().max(1.0));
            // The CACE is in its own Anderson-Rubin set (its statistic is 0 there),
            // up to the rounding of the roots.
            let near = [cace.estimate, cace.estimate * (1.0 + 1e-9), cace.estimate * (1.0 - 1e-9)];
            prop_assert!(near.iter().any(|&b| e.anderson_rubin.contains(b)), "{:?} {:?}", cace, e.anderson_rubin);
            // A strong first stage gives a bounded set.
            if e.first_stage.f_statistic.is_some_and(|f| f > 100.0) {
                prop_assert!(e.anderson_rubin.is_bounded());
            }
        }
        // The AR test of 0 is the ITT test: 0 is in the set iff in the ITT's interval
        // (away from the boundary, where rounding decides).
        let itt = e.itt;
        let z = (itt.ci.upper - itt.estimate) / itt.se;
        if itt.se > 0.0 && ((itt.estimate.abs() / itt.se) - z).abs() > 1e-6 {
            prop_assert_eq!(e.anderson_rubin.contains(0.0), itt.ci.contains(0.0));
        }
    }
}

fn counts() -> impl Strategy<Value = Counts> {
    (1u64..300)
        .prop_flat_map(|n| (0..=n, Just(n)))
        .prop_map(|(x, n)| Counts::new("c", x, n).expect("valid by construction"))
}

proptest! {
    #[test]
    fn design_effect_is_at_least_one(icc in 0.0f64..=1.0, m in 1.0f64..1e6) {
        let d = Design::new(0.2).with_clusters(icc, m);
        prop_assert!(d.design_effect() >= 1.0);
    }

    #[test]
    fn cluster_se_is_finite_and_cr1_covers_the_estimate(
        treated in prop::collection::vec(counts(), 1..12),
        control in prop::collection::vec(counts(), 1..12),
    ) {
        let d = cluster_difference(Arms { treated: &treated, control: &control }, 0.05)
            .expect("valid clusters");
        serde_json::to_string(&d).expect("finite");
        prop_assert!(d.cr1.se >= 0.0 && d.cr1.ci.contains(d.cr1.estimate));
        prop_assert_eq!(d.cr2.is_some(), treated.len() >= 2 && control.len() >= 2);
    }

    #[test]
    fn mantel_haenszel_odds_ratio_lies_between_the_strata(
        strata in prop::collection::vec((counts(), counts()), 1..8),
    ) {
        let strata: Vec<Arms<Counts>> =
            strata.into_iter().map(|(treated, control)| Arms { treated, control }).collect();
        let s = stratified(&strata, 0.05).expect("valid strata");
        serde_json::to_string(&s).expect("finite");
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for k in &strata {
            let (a, c) = (k.treated.successes() as f64, k.control.successes() as f64);
            let (b, d) = (k.treated.failures() as f64, k.control.failures() as f64);
            if b * c > 0.0 {
                let or = a * d / (b * c);
                (lo, hi) = (lo.min(or), hi.max(or));
            } else if a * d > 0.0 {
                hi = f64::INFINITY;
            }
        }
        if let Some(or) = s.odds_ratio {
            prop_assert!(or.estimate >= lo * (1.0 - 1e-12) && or.estimate <= hi * (1.0 + 1e-12),
                "{} not in [{lo}, {hi}]", or.estimate);
        }
        if let Some(t) = s.cmh {
            prop_assert!(t.statistic >= 0.0 && (0.0..=1.0).contains(&t.p_value));
        }
    }

    #[test]
    fn lin_without_covariates_is_the_difference_in_means(
        rows in prop::collection::vec((any::<bool>(), any::<bool>()), 4..200),
    ) {
        let mut data = CovariateRows::new(vec![]).expect("no covariate");
        for &(y, t) in &rows {
            data.push(f64::from(u8::from(y)), t, &[]).expect("finite");
        }
        let n_t = rows.iter().filter(|r| r.1).count();
        prop_assume!(n_t >= 2 && rows.len() - n_t >= 2);
        let r = lin_adjusted(&data, 0.05).expect("two rows per arm");
        prop_assert!((r.estimate - r.unadjusted).abs() < 1e-12);
        prop_assert!(r.se >= 0.0 && r.se.is_finite());
    }

    #[test]
    fn lin_never_panics(
        rows in prop::collection::vec((-1e6f64..1e6, any::<bool>(), -1e3f64..1e3, 0u8..3), 0..60),
    ) {
        let mut data = CovariateRows::new(vec!["x".into(), "level".into()]).expect("two");
        for &(y, t, x, l) in &rows {
            data.push(y, t, &[x, f64::from(l)]).expect("finite");
        }
        // An error (empty arm, singular design) or a finite result.
        if let Ok(r) = lin_adjusted(&data, 0.05) {
            prop_assert!(r.se.is_finite() && r.estimate.is_finite());
        }
    }
}
