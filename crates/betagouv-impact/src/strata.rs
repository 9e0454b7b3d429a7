//! Blocked (stratified) randomisation: two arms compared within strata
//! (agencies, regions, profiles) whose 2×2 counts are sufficient
//! statistics, merged by the Cochran-Mantel-Haenszel test, the
//! Mantel-Haenszel pooled odds ratio and the stratum-weighted difference.
//!
//! For stratum `k` with treated successes `a`, treated failures `b`,
//! control successes `c`, control failures `d` and total `n`:
//!
//! - **CMH test** of a common odds ratio of 1 (Mantel & Haenszel 1959, no
//!   continuity correction): `(Σ (a − E a))² / Σ Var a`, with `E a = n_t·m₁/n`
//!   and `Var a = n_t·n_c·m₁·m₀ / (n²·(n − 1))` (`m₁`, `m₀` the successes and
//!   failures of the stratum), χ² on 1 df; statsmodels
//!   `StratifiedTable.test_null_odds(correction=False)`.
//! - **Pooled odds ratio** `Σ (a·d/n) / Σ (b·c/n)` with the Robins, Breslow
//!   & Greenland (1986) variance of its log; statsmodels
//!   `oddsratio_pooled`, `oddsratio_pooled_confint`.
//! - **Stratum-weighted difference** `Σ w_k·(p_tk − p_ck)` with `w_k = n_k/n`
//!   (the average effect over the population of the strata, Imbens & Rubin
//!   2015 ch. 9), and the variance `Σ w_k²·(p_tk(1−p_tk)/(n_tk − 1) +
//!   p_ck(1−p_ck)/(n_ck − 1))`: the HC2 variance of Lin's regression with
//!   the strata as covariates (statsmodels OLS `cov_type="HC2"`).
//!
//! A stratum of one person adds nothing to the CMH sums (its count is fixed
//! by its margins).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cohort::CohortStats;
use crate::compare::{Arms, TestResult};
use crate::encouragement::Estimate;
use crate::error::{Error, Result};
use crate::limits::check_alpha;
use crate::proportion::{Counts, Interval};
use crate::special::{chi2_sf, z_crit};

/// The pooled (Mantel-Haenszel) odds ratio.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PooledOddsRatio {
    /// `Σ (a·d/n) / Σ (b·c/n)`.
    pub estimate: f64,
    /// `exp(ln OR ± z·se)` with the Robins-Breslow-Greenland standard error
    /// of `ln OR`; `None` when a sum is 0 (no concordant or no discordant
    /// pair in any stratum).
    pub ci: Option<Interval>,
}

/// Result of [`stratified`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stratified {
    /// Number of strata.
    pub strata: usize,
    /// People in all strata.
    pub n: u64,
    /// Cochran-Mantel-Haenszel test of a common odds ratio of 1; `None`
    /// when its variance is 0 (no stratum has both outcomes and both arms).
    pub cmh: Option<TestResult>,
    /// Mantel-Haenszel pooled odds ratio; `None` when `Σ b·c/n = 0`.
    pub odds_ratio: Option<PooledOddsRatio>,
    /// The stratum-weighted difference of proportions.
    pub difference: WeightedDifference,
}

/// The stratum-weighted difference `Σ (n_k/n)·(p_tk − p_ck)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WeightedDifference {
    /// The estimate, a fraction.
    pub estimate: f64,
    /// Its standard error; `None` when an arm of a stratum has a single
    /// person (its variance is not estimable).
    pub se: Option<f64>,
    /// `estimate ± z·se`; `None` with `se`.
    pub ci: Option<Interval>,
}

/// Sums over strata.
#[derive(Default)]
struct Sums {
    n: f64,
    o_minus_e: f64,
    var_a: f64,
    r: f64,
    s: f64,
    pr: f64,
    ps_qr: f64,
    qs: f64,
}

impl Sums {
    fn add(&mut self, k: &Arms<Counts>) {
        let (a, nt) = (k.treated.successes() as f64, k.treated.n() as f64);
        let (c, nc) = (k.control.successes() as f64, k.control.n() as f64);
        let (b, d) = (nt - a, nc - c);
        let n = nt + nc;
        let (m1, m0) = (a + c, b + d);
        self.n += n;
        if n >= 2.0 {
            self.o_minus_e += a - nt * m1 / n;
            self.var_a += nt * nc * m1 * m0 / (n * n * (n - 1.0));
        }
        let (r, s) = (a * d / n, b * c / n);
        let (p, q) = ((a + d) / n, (b + c) / n);
        self.r += r;
        self.s += s;
        self.pr += p * r;
        self.ps_qr += p * s + q * r;
        self.qs += q * s;
    }

    fn odds_ratio(&self, z: f64) -> Option<PooledOddsRatio> {
        (self.s > 0.0).then(|| {
            let estimate = self.r / self.s;
            let ci = (self.r > 0.0).then(|| {
                let var = self.pr / (2.0 * self.r * self.r)
                    + self.ps_qr / (2.0 * self.r * self.s)
                    + self.qs / (2.0 * self.s * self.s);
                let (l, h) = (z * var.sqrt(), estimate.ln());
                Interval {
                    lower: (h - l).exp(),
                    upper: (h + l).exp(),
                }
            });
            PooledOddsRatio { estimate, ci }
        })
    }
}

/// The weighted difference and its variance (`None` when an arm of a stratum
/// has one person).
fn weighted_difference(strata: &[Arms<Counts>], total: f64) -> (f64, Option<f64>) {
    let mut estimate = 0.0;
    let mut var = Some(0.0);
    for k in strata {
        let (pt, pc) = (k.treated.proportion(), k.control.proportion());
        let (nt, nc) = (k.treated.n() as f64, k.control.n() as f64);
        let w = (nt + nc) / total;
        estimate += w * (pt - pc);
        var = var.and_then(|v| {
            (nt >= 2.0 && nc >= 2.0)
                .then(|| v + w * w * (pt * (1.0 - pt) / (nt - 1.0) + pc * (1.0 - pc) / (nc - 1.0)))
        });
    }
    (estimate, var)
}

/// The strata of counts read by stratum and group (e.g. by
/// `read_stratum_counts_csv`, feature `csv`) as the input of [`stratified`]:
/// for each stratum, in name order, the counts of `treated` and `control`.
/// Other groups are ignored.
///
/// # Errors
/// [`Error::DesignCounts`] naming a stratum without a row of `treated` or
/// `control` (or with 0 people in it); [`Error::NoCountsRows`] when there is
/// no stratum.
pub fn strata_arms(
    strata: &BTreeMap<String, CohortStats>,
    treated: &str,
    control: &str,
) -> Result<Vec<Arms<Counts>>> {
    if strata.is_empty() {
        return Err(Error::NoCountsRows);
    }
    strata
        .iter()
        .map(|(name, stats)| {
            let arm = |group: &str, problem| {
                stats
                    .get(group)
                    .and_then(|c| c.to_counts(group).ok())
                    .ok_or_else(|| Error::DesignCounts {
                        kind: "stratum",
                        name: name.clone(),
                        problem,
                    })
            };
            Ok(Arms {
                treated: arm(treated, "no person of the treated group")?,
                control: arm(control, "no person of the control group")?,
            })
        })
        .collect()
}

/// The CMH test, the pooled odds ratio and the stratum-weighted difference
/// of two arms compared within `strata` (one [`Arms`] of counts each), at
/// level `1 − alpha`.
///
/// # Errors
/// [`Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5];
/// [`Error::NoCountsRows`] when there is no stratum; [`Error::CountOverflow`]
/// when the people of all strata exceed `u64::MAX`.
///
/// ```
/// use betagouv_impact::{Arms, Counts, stratified};
/// let k = |xt, nt, xc, nc| -> Result<_, betagouv_impact::Error> {
///     Ok(Arms { treated: Counts::new("t", xt, nt)?, control: Counts::new("c", xc, nc)? })
/// };
/// let s = stratified(&[k(30, 100, 20, 100)?, k(12, 40, 5, 40)?], 0.05)?;
/// assert!(s.cmh.is_some_and(|t| t.p_value < 0.05));
/// assert!((s.difference.estimate - (200.0 * 0.1 + 80.0 * 0.175) / 280.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stratified(strata: &[Arms<Counts>], alpha: f64) -> Result<Stratified> {
    check_alpha(alpha)?;
    if strata.is_empty() {
        return Err(Error::NoCountsRows);
    }
    let z = z_crit(alpha);
    let mut sums = Sums::default();
    let mut n = 0u64;
    for k in strata {
        sums.add(k);
        n = n
            .checked_add(k.treated.n())
            .and_then(|n| n.checked_add(k.control.n()))
            .ok_or(Error::CountOverflow {
                what: "stratum counts",
            })?;
    }
    let cmh = (sums.var_a > 0.0).then(|| {
        let statistic = sums.o_minus_e * sums.o_minus_e / sums.var_a;
        TestResult {
            statistic,
            p_value: chi2_sf(statistic, 1.0),
        }
    });
    let (estimate, var) = weighted_difference(strata, sums.n);
    Ok(Stratified {
        strata: strata.len(),
        n,
        cmh,
        odds_ratio: sums.odds_ratio(z),
        difference: {
            let e = var.map(|v| Estimate::wald(estimate, v, z));
            WeightedDifference {
                estimate,
                se: e.map(|e| e.se),
                ci: e.map(|e| e.ci),
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(xt: u64, nt: u64, xc: u64, nc: u64) -> Arms<Counts> {
        Arms {
            treated: Counts::new("t", xt, nt).expect("valid"),
            control: Counts::new("c", xc, nc).expect("valid"),
        }
    }

    #[test]
    fn one_stratum_is_the_two_by_two_table() {
        let s = stratified(&[k(30, 100, 20, 100)], 0.05).expect("ok");
        // CMH with one stratum: Pearson's X² times (n − 1)/n.
        let chi2 = 200.0 * (30.0 * 80.0 - 70.0 * 20.0_f64).powi(2) / (100.0 * 100.0 * 50.0 * 150.0);
        let cmh = s.cmh.expect("defined").statistic;
        assert!((cmh - chi2 * 199.0 / 200.0).abs() < 1e-12);
        let or = s.odds_ratio.expect("defined").estimate;
        assert!((or - 30.0 * 80.0 / (70.0 * 20.0)).abs() < 1e-12);
        assert!((s.difference.estimate - 0.1).abs() < 1e-15);
    }

    #[test]
    fn degenerate_strata() {
        assert!(stratified(&[], 0.05).is_err());
        // Nobody succeeds: no test, no odds ratio, a zero difference.
        let s = stratified(&[k(0, 10, 0, 10)], 0.05).expect("ok");
        assert!(s.cmh.is_none() && s.odds_ratio.is_none());
        assert_eq!(s.difference.estimate, 0.0);
        assert_eq!(s.difference.se, Some(0.0));
        // An arm of one person: no variance for the weighted difference.
        let s = stratified(&[k(1, 1, 3, 10)], 0.05).expect("ok");
        assert!(s.difference.se.is_none() && s.difference.ci.is_none());
    }
}
