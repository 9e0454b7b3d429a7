//! Cluster randomisation: the difference of proportions between two arms
//! whose units of assignment are clusters (agencies, towns), with
//! cluster-robust standard errors computed from per-cluster counts.
//!
//! The difference `p_t − p_c` is the coefficient of the arm in the linear
//! probability regression `y ~ 1 + treated` on the people. With the arm
//! constant within a cluster, the sandwich variances reduce to sums over
//! clusters of the residual totals `s_g = x_g − n_g·p_arm`:
//!
//! - CR1 (Liang & Zeger 1986 with the small-sample factor of Stata and
//!   statsmodels' `cov_type="cluster"`): `G/(G−1)·(N−1)/(N−2)·Σ_arms
//!   Σ_g s_g² / n_arm²`, `G` clusters and `N` people in all;
//! - CR2 (Bell & McCaffrey 2002): each cluster's residuals rescaled by
//!   `(I − H_gg)^(−1/2)`, which here gives `Σ_arms Σ_g s_g² / (1 −
//!   n_g/n_arm) / n_arm²`; it needs at least two clusters per arm, and is
//!   less biased than CR1 when clusters are few.
//!
//! Intervals use the normal quantile (as statsmodels does by default); with
//! fewer than about 40 clusters a t reference with `G − 2` degrees of
//! freedom is more prudent, and the estimate itself is then fragile.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cohort::CohortStats;
use crate::compare::Arms;
use crate::encouragement::Estimate;
use crate::error::{Error, Result};
use crate::limits::check_alpha;
use crate::proportion::Counts;
use crate::special::z_crit;

/// Result of [`cluster_difference`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClusterDifference {
    /// Clusters in each arm.
    pub clusters: Arms<u64>,
    /// People in each arm.
    pub n: Arms<u64>,
    /// The proportion of each arm (people with the outcome over people).
    pub proportion: Arms<f64>,
    /// `p_t − p_c` with its CR1 standard error and interval.
    pub cr1: Estimate,
    /// The same with the CR2 standard error; `None` unless each arm has at
    /// least two clusters.
    pub cr2: Option<Estimate>,
}

/// Totals of one arm: clusters, people, successes, and the sums of
/// `s_g²` (CR1) and `s_g² / (1 − n_g/n)` (CR2, `None` when a cluster is the
/// whole arm).
struct ArmTotals {
    clusters: u64,
    n: u64,
    p: f64,
    cr1: f64,
    cr2: Option<f64>,
}

fn arm_totals(what: &str, clusters: &[Counts]) -> Result<ArmTotals> {
    let overflow = || Error::CountOverflow {
        what: "cluster counts",
    };
    let (mut n, mut x) = (0u64, 0u64);
    for c in clusters {
        n = n.checked_add(c.n()).ok_or_else(overflow)?;
        x = x.checked_add(c.successes()).ok_or_else(overflow)?;
    }
    if n == 0 {
        return Err(Error::EmptySample {
            what: what.to_owned(),
        });
    }
    let (nf, p) = (n as f64, x as f64 / n as f64);
    let (mut cr1, mut cr2) = (0.0, Some(0.0));
    for c in clusters {
        let s = c.successes() as f64 - c.n() as f64 * p;
        cr1 += s * s;
        let keep = 1.0 - c.n() as f64 / nf;
        cr2 = cr2.and_then(|v| (keep > 0.0).then(|| v + s * s / keep));
    }
    Ok(ArmTotals {
        clusters: clusters.len() as u64,
        n,
        p,
        cr1: cr1 / (nf * nf),
        cr2: cr2.map(|v| v / (nf * nf)),
    })
}

/// The clusters of counts read by cluster and group (e.g. by
/// `read_cluster_counts_csv`, feature `csv`) as the input of
/// [`cluster_difference`]: the clusters of `treated` and those of `control`,
/// in name order. Clusters of other groups are ignored.
///
/// # Errors
/// [`Error::DesignCounts`] naming a cluster with people in both arms.
pub fn cluster_arms(
    clusters: &BTreeMap<String, CohortStats>,
    treated: &str,
    control: &str,
) -> Result<Arms<Vec<Counts>>> {
    let mut arms = Arms {
        treated: Vec::new(),
        control: Vec::new(),
    };
    for (name, stats) in clusters {
        let t = stats.get(treated).and_then(|c| c.to_counts(treated).ok());
        let c = stats.get(control).and_then(|c| c.to_counts(control).ok());
        match (t, c) {
            (Some(_), Some(_)) => {
                return Err(Error::DesignCounts {
                    kind: "cluster",
                    name: name.clone(),
                    problem: "people in both arms: a cluster is randomised whole",
                });
            }
            (Some(t), None) => arms.treated.push(t),
            (None, Some(c)) => arms.control.push(c),
            (None, None) => {}
        }
    }
    Ok(arms)
}

/// The difference of proportions between two cluster-randomised arms, each
/// given as one [`Counts`] per cluster (its people and those with the
/// outcome), with CR1 and CR2 cluster-robust standard errors and Wald
/// intervals at level `1 − alpha`.
///
/// # Errors
/// [`Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5];
/// [`Error::EmptySample`] (naming `treated` or `control`) when an arm has no
/// cluster; [`Error::InvalidParameter`] (named `clusters`) when there are
/// fewer than two clusters or three people in all; [`Error::CountOverflow`]
/// when an arm's total exceeds `u64::MAX`.
///
/// ```
/// use betagouv_impact::{Arms, Counts, cluster_difference};
/// let c = |x, n| Counts::new("agency", x, n);
/// let treated = [c(12, 40)?, c(20, 50)?, c(9, 30)?];
/// let control = [c(8, 45)?, c(10, 40)?, c(6, 35)?];
/// let d = cluster_difference(Arms { treated: &treated, control: &control }, 0.05)?;
/// assert!((d.cr1.estimate - (41.0 / 120.0 - 24.0 / 120.0)).abs() < 1e-15);
/// assert!(d.cr2.is_some_and(|cr2| cr2.se > 0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cluster_difference(arms: Arms<&[Counts]>, alpha: f64) -> Result<ClusterDifference> {
    check_alpha(alpha)?;
    let z = z_crit(alpha);
    let t = arm_totals("treated", arms.treated)?;
    let c = arm_totals("control", arms.control)?;
    let g = (t.clusters + c.clusters) as f64;
    let n = t.n as f64 + c.n as f64;
    if g < 2.0 || n < 3.0 {
        return Err(Error::InvalidParameter {
            name: "clusters",
            expected: "at least 2 clusters and 3 people in all",
            value: g.min(n),
        });
    }
    let estimate = t.p - c.p;
    let factor = g / (g - 1.0) * (n - 1.0) / (n - 2.0);
    let cr2 = match (t.cr2, c.cr2) {
        (Some(a), Some(b)) if t.clusters >= 2 && c.clusters >= 2 => {
            Some(Estimate::wald(estimate, a + b, z))
        }
        _ => None,
    };
    Ok(ClusterDifference {
        clusters: Arms {
            treated: t.clusters,
            control: c.clusters,
        },
        n: Arms {
            treated: t.n,
            control: c.n,
        },
        proportion: Arms {
            treated: t.p,
            control: c.p,
        },
        cr1: Estimate::wald(estimate, factor * (t.cr1 + c.cr1), z),
        cr2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: u64, n: u64) -> Counts {
        Counts::new("c", x, n).expect("valid")
    }

    #[test]
    fn one_person_clusters_give_the_wald_variance_up_to_the_factor() {
        // Clusters of one: CR0 is the unpooled (HC0) variance of the difference.
        let treated: Vec<Counts> = (0..10).map(|i| c(u64::from(i < 4), 1)).collect();
        let control: Vec<Counts> = (0..12).map(|i| c(u64::from(i < 3), 1)).collect();
        let d = cluster_difference(
            Arms {
                treated: &treated,
                control: &control,
            },
            0.05,
        )
        .expect("ok");
        let hc0 = 0.4 * 0.6 / 10.0 + 0.25 * 0.75 / 12.0;
        let factor = 22.0 / 21.0 * 21.0 / 20.0;
        assert!((d.cr1.se.powi(2) - factor * hc0).abs() < 1e-15);
        // CR2 with clusters of one is HC2: p(1 − p)/(n − 1) per arm.
        let hc2 = 0.4 * 0.6 / 9.0 + 0.25 * 0.75 / 11.0;
        assert!(d.cr2.is_some_and(|e| (e.se.powi(2) - hc2).abs() < 1e-15));
    }

    #[test]
    fn refusals() {
        let one = [c(1, 2)];
        let none: [Counts; 0] = [];
        let run = |t: &[Counts], k: &[Counts]| {
            cluster_difference(
                Arms {
                    treated: t,
                    control: k,
                },
                0.05,
            )
        };
        assert!(matches!(run(&none, &one), Err(Error::EmptySample { .. })));
        assert!(run(&one, &one).is_ok_and(|d| d.cr2.is_none()));
        assert!(matches!(
            run(&[c(0, 1)], &[c(0, 1)]),
            Err(Error::InvalidParameter { .. })
        ));
    }
}
