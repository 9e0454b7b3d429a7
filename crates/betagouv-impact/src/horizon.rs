//! Return to work at fixed horizons: each group's share returned by day `t` with its
//! interval, the difference between groups at `t` with its test, the restricted mean
//! survival time, the direction of the log-rank test, and the multiplicity adjustment
//! of the tests at several horizons.
//!
//! - Share returned by `t`: `F(t) = 1 − S(t)` with the log-log interval of `S(t)`
//!   turned over (`[1 − U, 1 − L]`; lifelines' "exponential Greenwood" interval,
//!   `KaplanMeierFitter.confidence_interval_cumulative_density_`).
//! - Difference at `t` against the reference group: `F_g(t) − F_ref(t)`, its variance
//!   the sum of the two Greenwood variances, the interval `± z·√V` and the z-test
//!   `d/√V` (the note's §7: comparing a fixed horizon, not whole curves).
//! - Restricted mean survival time up to `t` (the mean time still searching within the
//!   horizon, [`KaplanMeier::rmst`]) with the estimator's Greenwood-form standard error
//!   (R `survival`), and the difference between groups with its interval and z-test.
//! - The log-rank test's direction: each group's observed and expected events
//!   ([`logrank_observed_expected`]).
//! - The z-tests of the differences (every horizon, every group against the reference)
//!   form one family for the returned shares and one for the RMST: their p-values are
//!   adjusted by Holm and by Benjamini-Hochberg ([`crate::multiplicity`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits::{check_alpha, check_time};
use crate::multiplicity::adjust_family;
use crate::proportion::Interval;
use crate::special::{norm_sf, z_crit};
use crate::survival::{KaplanMeier, ObservedExpected, SurvivalTable, logrank_observed_expected};

/// One group at one horizon.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AtHorizon {
    /// The horizon.
    pub t: f64,
    /// Share returned by `t`, `F(t) = 1 − S(t)`.
    pub returned: f64,
    /// Log-log interval of `F(t)` (`[1 − U, 1 − L]` of `S(t)`'s); `None` where
    /// `S(t)` is 0 or 1.
    pub returned_ci: Option<Interval>,
    /// Greenwood variance of `F(t)` (that of `S(t)`); `None` once `S` reached 0.
    pub variance: Option<f64>,
    /// Restricted mean survival time up to `t`, in `[0, t]`.
    pub rmst: f64,
    /// Its standard error (Greenwood form); `None` where undefined.
    pub rmst_se: Option<f64>,
}

/// A z-test with its p-value adjusted for the tests of the same family.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AdjustedTest {
    /// `z = d/√V`.
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Holm's adjusted p-value over the family.
    pub p_holm: f64,
    /// Benjamini-Hochberg's adjusted p-value over the family.
    pub p_benjamini_hochberg: f64,
}

/// A difference between a group and the reference group at one horizon.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Contrast {
    /// Group minus reference.
    pub estimate: f64,
    /// `± z·√V`; `None` when a variance is undefined.
    pub ci: Option<Interval>,
    /// The z-test, adjusted over its family; `None` when the variance is 0 or undefined.
    pub test: Option<AdjustedTest>,
}

/// One group against the reference at one horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HorizonDifference {
    /// The horizon.
    pub t: f64,
    /// The group compared with the reference.
    pub group: String,
    /// Difference of the shares returned by `t`.
    pub returned: Contrast,
    /// Difference of the restricted mean survival times up to `t` (a negative value: the
    /// group spends less time searching within the horizon).
    pub rmst: Contrast,
}

/// The groups at fixed horizons, as printed by `betagouv impact survival`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HorizonSummary {
    /// The reference group of the differences.
    pub reference: String,
    /// Each group at each horizon, in the horizons' order.
    pub groups: BTreeMap<String, Vec<AtHorizon>>,
    /// Each other group against the reference, horizon by horizon.
    pub differences: Vec<HorizonDifference>,
    /// The log-rank test's direction: each group's observed and expected events; `None`
    /// with one group or more than [`crate::limits::LOGRANK_MAX_GROUPS`].
    pub logrank_observed_expected: Option<BTreeMap<String, ObservedExpected>>,
}

/// The groups at the horizons `at`, each other group against `reference`, at level
/// `1 − alpha`.
///
/// # Errors
/// [`Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5];
/// [`Error::InvalidParameter`] (`at`) unless every horizon is finite and ≥ 0;
/// [`Error::UnknownGroup`] when `reference` is not a group.
///
/// ```
/// use std::collections::BTreeMap;
/// use betagouv_impact::{SurvivalTable, survival_at_horizons};
/// let a = SurvivalTable::from_records([(10.0, true), (20.0, true), (30.0, false), (40.0, true)])?;
/// let b = SurvivalTable::from_records([(15.0, true), (50.0, false), (60.0, false), (70.0, true)])?;
/// let groups = BTreeMap::from([("a".to_owned(), a), ("b".to_owned(), b)]);
/// let s = survival_at_horizons(&groups, "b", &[25.0], 0.05)?;
/// assert_eq!(s.groups["a"][0].returned, 0.5);
/// assert_eq!(s.differences[0].returned.estimate, 0.25);
/// assert!(s.logrank_observed_expected.is_some_and(|d| d["a"].more_than_expected()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn survival_at_horizons(
    groups: &BTreeMap<String, SurvivalTable>,
    reference: &str,
    at: &[f64],
    alpha: f64,
) -> Result<HorizonSummary> {
    check_alpha(alpha)?;
    for &t in at {
        check_time("at", t)?;
    }
    let Some(reference_table) = groups.get(reference) else {
        return Err(Error::UnknownGroup {
            group: reference.to_owned(),
        });
    };
    let reference_points = points(&KaplanMeier::fit(reference_table), at, alpha)?;
    let mut out = BTreeMap::new();
    let mut differences = Vec::new();
    for (name, table) in groups {
        let p = points(&KaplanMeier::fit(table), at, alpha)?;
        if name != reference {
            for (g, r) in p.iter().zip(&reference_points) {
                differences.push(difference(name, g, r, alpha));
            }
        }
        out.insert(name.clone(), p);
    }
    adjust(&mut differences, |d| &mut d.returned)?;
    adjust(&mut differences, |d| &mut d.rmst)?;
    let tables: Vec<&SurvivalTable> = groups.values().collect();
    let direction = logrank_observed_expected(&tables)
        .map(|oe| groups.keys().cloned().zip(oe).collect::<BTreeMap<_, _>>());
    Ok(HorizonSummary {
        reference: reference.to_owned(),
        groups: out,
        differences,
        logrank_observed_expected: direction,
    })
}

/// One curve at the horizons.
fn points(km: &KaplanMeier, at: &[f64], alpha: f64) -> Result<Vec<AtHorizon>> {
    at.iter()
        .map(|&t| {
            let s = km.survival_at(t)?;
            Ok(AtHorizon {
                t,
                returned: 1.0 - s,
                returned_ci: km.ci_at(t, alpha)?.map(|ci| Interval {
                    lower: 1.0 - ci.upper,
                    upper: 1.0 - ci.lower,
                }),
                variance: km.variance_at(t)?,
                rmst: km.rmst(t)?,
                rmst_se: km.rmst_variance(t)?.map(f64::sqrt),
            })
        })
        .collect()
}

/// A group against the reference at one horizon (tests not yet adjusted).
fn difference(name: &str, g: &AtHorizon, r: &AtHorizon, alpha: f64) -> HorizonDifference {
    let z = z_crit(alpha);
    let variance = g.variance.zip(r.variance).map(|(a, b)| a + b);
    let rmst_variance = g.rmst_se.zip(r.rmst_se).map(|(a, b)| a * a + b * b);
    HorizonDifference {
        t: g.t,
        group: name.to_owned(),
        returned: contrast(g.returned - r.returned, variance, z),
        rmst: contrast(g.rmst - r.rmst, rmst_variance, z),
    }
}

fn contrast(estimate: f64, variance: Option<f64>, z: f64) -> Contrast {
    let se = variance.filter(|v| v.is_finite()).map(f64::sqrt);
    let test = se.filter(|&se| se > 0.0).map(|se| {
        let statistic = estimate / se;
        let p_value = (2.0 * norm_sf(statistic.abs())).min(1.0);
        AdjustedTest {
            statistic,
            p_value,
            p_holm: p_value,
            p_benjamini_hochberg: p_value,
        }
    });
    Contrast {
        estimate,
        ci: se.map(|se| Interval {
            lower: estimate - z * se,
            upper: estimate + z * se,
        }),
        test,
    }
}

/// Adjusts the defined tests of one family (the contrasts `pick` chooses).
fn adjust(
    differences: &mut [HorizonDifference],
    pick: impl Fn(&mut HorizonDifference) -> &mut Contrast,
) -> Result<()> {
    let p: Vec<f64> = differences
        .iter_mut()
        .filter_map(|d| pick(d).test.map(|t| t.p_value))
        .collect();
    let adjusted = adjust_family(&p)?;
    let mut k = 0;
    for d in differences.iter_mut() {
        if let Some(t) = pick(d).test.as_mut() {
            if let (Some(&holm), Some(&bh)) =
                (adjusted.holm.get(k), adjusted.benjamini_hochberg.get(k))
            {
                t.p_holm = holm;
                t.p_benjamini_hochberg = bh;
            }
            k += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups() -> BTreeMap<String, SurvivalTable> {
        let a = SurvivalTable::from_records([
            (1.0, true),
            (2.0, true),
            (2.0, false),
            (3.0, true),
            (5.0, false),
        ])
        .expect("valid");
        let b = SurvivalTable::from_records([(2.0, true), (4.0, true), (6.0, false), (7.0, true)])
            .expect("valid");
        BTreeMap::from([("a".to_owned(), a), ("b".to_owned(), b)])
    }

    #[test]
    fn horizons_and_differences() {
        let s = survival_at_horizons(&groups(), "b", &[0.5, 2.5, 10.0], 0.05).expect("valid");
        assert_eq!(s.differences.len(), 3);
        let first = &s.differences[0];
        assert_eq!(first.returned.estimate, 0.0);
        assert!(
            first.returned.test.is_none(),
            "no variance before any event"
        );
        // At 2.5: a has S = 0.8 × 3/4, b has S = 0.75.
        let a = &s.groups["a"][1];
        assert!((a.returned - 0.4).abs() < 1e-15);
        assert!(a.returned_ci.is_some_and(|ci| ci.contains(a.returned)));
        assert!(a.rmst <= 2.5 && a.rmst > 0.0);
        // Two defined tests per family: the adjusted p-values are at least the raw ones.
        for d in &s.differences {
            if let Some(t) = d.returned.test {
                assert!(t.p_holm >= t.p_value && t.p_benjamini_hochberg >= t.p_value);
            }
        }
    }

    #[test]
    fn reference_must_be_a_group() {
        let e = survival_at_horizons(&groups(), "c", &[1.0], 0.05).err();
        assert!(e.is_some_and(|e| e.to_string().contains("\"c\"")));
        assert!(survival_at_horizons(&groups(), "a", &[f64::NAN], 0.05).is_err());
    }
}
