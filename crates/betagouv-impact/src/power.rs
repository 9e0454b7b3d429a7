//! Planning: power, sample size and minimum detectable effect of the
//! two-sided comparison of two proportions.
//!
//! Conventions: `ratio` is `k = n_c / n_t` (control size over treated size),
//! sizes `n` are the treated arm's. Both tails of the two-sided test are
//! counted (R's `power.prop.test(strict = TRUE)`).
//!
//! Cluster randomisation (whole agencies assigned to an arm): a design with
//! an intra-cluster correlation `ρ` and a mean cluster size `m` has the
//! design effect `1 + (m − 1)·ρ` (Donner & Klar 2000); power and MDE use
//! the effective size `n / (1 + (m − 1)·ρ)`, and the sample size is the
//! individual one times the design effect. Sizes stay counts of people.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::limits::{
    N_PER_ARM_MAX, check_alpha, check_cluster_size, check_icc, check_n_per_arm, check_power,
    check_rate, check_ratio,
};
use crate::special::{norm_cdf, norm_sf, z_crit};

/// Which power approximation. Serialized in snake case (`"normal_pooled"`),
/// as the keys of the command line's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PowerMethod {
    /// Normal approximation, pooled variance under H0 and unpooled under H1
    /// (Fleiss; statsmodels `power_proportions_2indep`).
    NormalPooled,
    /// Arcsine transform with Cohen's h (statsmodels `NormalIndPower` with
    /// `proportion_effectsize`; R `pwr.2p2n.test`).
    Arcsine,
}

/// A design: rates, allocation and level. The ranges are those of
/// [`crate::limits`], checked by the functions that use the design.
///
/// Built with [`Design::new`] (a control rate, a 1:1 allocation, α = 0.05)
/// and the `with_*` setters, so that a field can be added without breaking
/// code.
///
/// ```
/// use betagouv_impact::Design;
/// let d = Design::new(0.20).with_ratio(2.0).with_alpha(0.01);
/// assert_eq!((d.control_rate, d.ratio, d.alpha), (0.20, 2.0, 0.01));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Design {
    /// Expected control rate, in [1e-10, 1 − 1e-10].
    pub control_rate: f64,
    /// `n_c / n_t`, in [1e-6, 1e6].
    pub ratio: f64,
    /// Two-sided level, in [1e-10, 0.5].
    pub alpha: f64,
    /// Intra-cluster correlation `ρ` of the outcome, in [0, 1]; 0 (the
    /// default) for individual randomisation.
    #[serde(default)]
    pub icc: f64,
    /// Mean cluster size `m` (people per randomised cluster), in [1, 1e15];
    /// 1 (the default) for individual randomisation. With unequal cluster
    /// sizes the design effect is larger (Eldridge, Ashby & Kerry 2006:
    /// `1 + ((cv² + 1)·m − 1)·ρ`): pass a larger `m` to allow for it.
    #[serde(default = "one")]
    pub cluster_size: f64,
}

fn one() -> f64 {
    1.0
}

impl Design {
    /// A design with this control rate, a 1:1 allocation (`ratio` 1) and a
    /// two-sided level of 0.05.
    #[must_use]
    pub fn new(control_rate: f64) -> Self {
        Self {
            control_rate,
            ratio: 1.0,
            alpha: 0.05,
            icc: 0.0,
            cluster_size: 1.0,
        }
    }

    /// This design randomised by clusters of mean size `cluster_size` with
    /// an intra-cluster correlation `icc`.
    ///
    /// ```
    /// use betagouv_impact::{Design, PowerMethod, power};
    /// // Agencies of 50 job seekers, ρ = 0.02: design effect 1.98.
    /// let d = Design::new(0.20).with_clusters(0.02, 50.0);
    /// assert!((d.design_effect() - 1.98).abs() < 1e-12);
    /// let clustered = power(&d, 0.221, 5000.0, PowerMethod::NormalPooled)?;
    /// let individual = power(&Design::new(0.20), 0.221, 5000.0 / 1.98, PowerMethod::NormalPooled)?;
    /// assert!((clustered - individual).abs() < 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_clusters(mut self, icc: f64, cluster_size: f64) -> Self {
        self.icc = icc;
        self.cluster_size = cluster_size;
        self
    }

    /// The design effect `1 + (m − 1)·ρ`: how many people a cluster design
    /// needs for the precision of one individually randomised person (1 for
    /// individual randomisation, at least 1 whenever `ρ ≥ 0`).
    #[must_use]
    pub fn design_effect(&self) -> f64 {
        1.0 + (self.cluster_size - 1.0) * self.icc
    }

    /// The number of clusters holding `n` people: `ceil(n / m)`.
    #[must_use]
    pub fn clusters(&self, n: u64) -> u64 {
        // A count of at most 1e15 over m >= 1: the cast back is exact enough
        // and saturates rather than wraps.
        (n as f64 / self.cluster_size.max(1.0)).ceil() as u64
    }

    /// The size of an individually randomised arm with the precision of
    /// `n` people in this design.
    fn effective(&self, n: f64) -> f64 {
        n / self.design_effect()
    }

    /// This design with another control rate.
    #[must_use]
    pub fn with_control_rate(mut self, control_rate: f64) -> Self {
        self.control_rate = control_rate;
        self
    }

    /// This design with another allocation ratio `n_c / n_t`.
    #[must_use]
    pub fn with_ratio(mut self, ratio: f64) -> Self {
        self.ratio = ratio;
        self
    }

    /// This design with another two-sided level.
    #[must_use]
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    fn check(&self) -> Result<()> {
        check_alpha(self.alpha)?;
        check_rate("control_rate", self.control_rate)?;
        check_ratio(self.ratio)?;
        check_icc(self.icc)?;
        check_cluster_size(self.cluster_size)?;
        Ok(())
    }
}

fn power_unchecked(design: &Design, treated_rate: f64, n_t: f64, method: PowerMethod) -> f64 {
    let (pc, pt, k) = (design.control_rate, treated_rate, design.ratio);
    let n_t = design.effective(n_t);
    let z = z_crit(design.alpha);
    match method {
        PowerMethod::NormalPooled => {
            let d = pt - pc;
            let pbar = (pt + k * pc) / (1.0 + k);
            let s0 = (pbar * (1.0 - pbar) * (1.0 + 1.0 / k)).sqrt();
            let s1 = (pt * (1.0 - pt) + pc * (1.0 - pc) / k).sqrt();
            let shift = d * n_t.sqrt() / s1;
            norm_sf(z * s0 / s1 - shift) + norm_cdf(-z * s0 / s1 - shift)
        }
        PowerMethod::Arcsine => {
            let h = 2.0 * pt.sqrt().asin() - 2.0 * pc.sqrt().asin();
            let n_eff = n_t * k / (1.0 + k);
            arcsine_power_of(h.abs() * n_eff.sqrt(), z)
        }
    }
}

fn arcsine_power_of(x: f64, z: f64) -> f64 {
    norm_sf(z - x) + norm_cdf(-z - x)
}

/// Power of the two-sided test with `n_t` treated units and `ratio·n_t` controls.
///
/// # Errors
/// [`crate::Error::InvalidAlpha`] or [`crate::Error::InvalidParameter`] when
/// `alpha`, a rate, `ratio` or `n_t` (named `n_per_arm`) is outside its range
/// ([`crate::limits`]).
///
/// ```
/// use betagouv_impact::{Design, PowerMethod, power};
/// let d = Design::new(0.20);
/// let p = power(&d, 0.221, 100_000.0, PowerMethod::NormalPooled)?;
/// assert!(p > 0.999);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn power(design: &Design, treated_rate: f64, n_t: f64, method: PowerMethod) -> Result<f64> {
    design.check()?;
    check_rate("treated_rate", treated_rate)?;
    check_n_per_arm(n_t)?;
    Ok(power_unchecked(design, treated_rate, n_t, method))
}

/// Arm sizes reaching a target power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SampleSize {
    /// Smallest treated-arm size whose power reaches the target.
    pub n_treated: u64,
    /// `ceil(n_treated × ratio)`.
    pub n_control: u64,
}

/// Smallest treated-arm size whose two-sided power (both tails) reaches
/// `target_power`; the power is evaluated with `n_c = ratio·n_t`.
///
/// Returns `None` when the rates are equal (no size is enough) or an arm's
/// size would exceed 10^15 ([`crate::limits::N_PER_ARM_MAX`]). Cost: at most about
/// 150 power evaluations (doubling steps then bisection below 10^15).
///
/// # Errors
/// As [`power`], and when `target_power` is outside [1e-10, 1 − 1e-10].
pub fn sample_size(
    design: &Design,
    treated_rate: f64,
    target_power: f64,
    method: PowerMethod,
) -> Result<Option<SampleSize>> {
    design.check()?;
    check_rate("treated_rate", treated_rate)?;
    check_power(target_power)?;
    let (pc, pt, k) = (design.control_rate, treated_rate, design.ratio);
    if pt == pc {
        return Ok(None);
    }
    let za = z_crit(design.alpha);
    let zb = crate::special::norm_isf(1.0 - target_power);
    // Closed form (one tail) as a starting point.
    let start = match method {
        PowerMethod::NormalPooled => {
            let pbar = (pt + k * pc) / (1.0 + k);
            let s0 = (pbar * (1.0 - pbar) * (1.0 + 1.0 / k)).sqrt();
            let s1 = (pt * (1.0 - pt) + pc * (1.0 - pc) / k).sqrt();
            ((za * s0 + zb * s1) / (pt - pc)).powi(2)
        }
        PowerMethod::Arcsine => {
            let h = 2.0 * pt.sqrt().asin() - 2.0 * pc.sqrt().asin();
            ((za + zb) / h).powi(2) * (1.0 + k) / k
        }
    } * design.design_effect();
    const MAX_N: f64 = N_PER_ARM_MAX;
    if !start.is_finite() || start > MAX_N {
        return Ok(None);
    }
    let reaches = |n: f64| power_unchecked(design, pt, n, method) >= target_power;
    let n = start.ceil().max(1.0);
    // Power increases with n. The closed form is within a few units of the
    // answer; bracket it by doubling steps (lo does not reach, hi does; lo = 0
    // stands for "no size"), then bisect on integers.
    let (mut lo, mut hi);
    if reaches(n) {
        hi = n;
        let mut step = 1.0;
        loop {
            let l = hi - step;
            if l < 1.0 {
                lo = 0.0;
                break;
            }
            if !reaches(l) {
                lo = l;
                break;
            }
            hi = l;
            step *= 2.0;
        }
    } else {
        lo = n;
        let mut step = 1.0;
        loop {
            let h = lo + step;
            if h > MAX_N {
                return Ok(None);
            }
            if reaches(h) {
                hi = h;
                break;
            }
            lo = h;
            step *= 2.0;
        }
    }
    while hi - lo > 1.0 {
        let mid = ((lo + hi) / 2.0).floor();
        if reaches(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let n = hi;
    let n_c = (n * k).ceil();
    if n_c > MAX_N {
        return Ok(None);
    }
    // n and n_c are integer-valued floats of at most 1e15: the casts are exact.
    let n_treated = n as u64;
    let n_control = n_c as u64;
    Ok(Some(SampleSize {
        n_treated,
        n_control,
    }))
}

/// Minimum detectable effect: the smallest increase `Δ = p_t − p_c > 0` whose
/// two-sided power with `n_t` treated units reaches `target_power`.
///
/// Returns `None` when even `p_t → 1` does not reach the target. Cost: at
/// most 200 bisection steps.
///
/// # Errors
/// As [`sample_size`], and when `n_t` is outside [1, 1e15].
pub fn mde(
    design: &Design,
    n_t: f64,
    target_power: f64,
    method: PowerMethod,
) -> Result<Option<f64>> {
    design.check()?;
    check_n_per_arm(n_t)?;
    check_power(target_power)?;
    let pc = design.control_rate;
    if target_power <= design.alpha {
        // Power at Δ = 0 is alpha; a smaller target is reached by any Δ.
        return Ok(Some(0.0));
    }
    match method {
        PowerMethod::NormalPooled => {
            let f = |d: f64| power_unchecked(design, pc + d, n_t, method) - target_power;
            let (mut lo, mut hi) = (0.0, 1.0 - pc);
            // Evaluate just below p_t = 1 (the formula needs p_t < 1).
            let top = hi * (1.0 - 1e-15);
            if f(top) < 0.0 {
                return Ok(None);
            }
            hi = top;
            for _ in 0..200 {
                let mid = 0.5 * (lo + hi);
                if mid <= lo || mid >= hi {
                    break;
                }
                if f(mid) >= 0.0 {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            Ok(Some(0.5 * (lo + hi)))
        }
        PowerMethod::Arcsine => {
            let z = z_crit(design.alpha);
            let g = |x: f64| arcsine_power_of(x, z) - target_power;
            let (mut lo, mut hi) = (0.0, z + 40.0);
            for _ in 0..200 {
                let mid = 0.5 * (lo + hi);
                if mid <= lo || mid >= hi {
                    break;
                }
                if g(mid) >= 0.0 {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            let x = 0.5 * (lo + hi);
            let n_eff = design.effective(n_t) * design.ratio / (1.0 + design.ratio);
            let h = x / n_eff.sqrt();
            let angle = pc.sqrt().asin() + h / 2.0;
            if angle >= std::f64::consts::FRAC_PI_2 {
                return Ok(None);
            }
            Ok(Some(angle.sin().powi(2) - pc))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Design = Design {
        control_rate: 0.20,
        ratio: 1.0,
        alpha: 0.05,
        icc: 0.0,
        cluster_size: 1.0,
    };

    #[test]
    fn design_builder() {
        assert_eq!(Design::new(0.20), D);
        let d = D.with_control_rate(0.3).with_ratio(2.0).with_alpha(0.01);
        assert_eq!((d.control_rate, d.ratio, d.alpha), (0.3, 2.0, 0.01));
    }

    #[test]
    fn sample_size_is_smallest() {
        for method in [PowerMethod::NormalPooled, PowerMethod::Arcsine] {
            let s = sample_size(&D, 0.221, 0.8, method)
                .expect("ok")
                .expect("some");
            let n = s.n_treated as f64;
            assert!(power(&D, 0.221, n, method).expect("ok") >= 0.8);
            assert!(power(&D, 0.221, n - 1.0, method).expect("ok") < 0.8);
            assert_eq!(s.n_control, s.n_treated);
        }
        assert_eq!(
            sample_size(&D, 0.2, 0.8, PowerMethod::Arcsine).expect("ok"),
            None
        );
    }

    #[test]
    fn mde_reaches_power() {
        for method in [PowerMethod::NormalPooled, PowerMethod::Arcsine] {
            let m = mde(&D, 10_000.0, 0.8, method).expect("ok").expect("some");
            let p = power(&D, 0.2 + m, 10_000.0, method).expect("ok");
            assert!((p - 0.8).abs() < 1e-9, "{p}");
        }
        assert_eq!(
            mde(&D, 1.0, 0.999_999, PowerMethod::NormalPooled).expect("ok"),
            None
        );
    }

    #[test]
    fn bad_parameters() {
        assert!(power(&D, 1.0, 10.0, PowerMethod::Arcsine).is_err());
        assert!(power(&D, 0.3, 0.0, PowerMethod::Arcsine).is_err());
        let bad = Design { ratio: 0.0, ..D };
        assert!(power(&bad, 0.3, 10.0, PowerMethod::Arcsine).is_err());
        let e = sample_size(&D, 0.3, f64::NAN, PowerMethod::Arcsine).err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("power must be in [1e-10, 1 - 1e-10], got NaN")
        );
        let e = mde(&D, 1e300, 0.8, PowerMethod::Arcsine).err();
        assert!(e.is_some_and(|e| e.to_string().starts_with("n_per_arm must be in [1, 1e15]")));
        // A control arm beyond 1e15 is not a size either.
        let wide = Design { ratio: 1e6, ..D };
        assert_eq!(
            sample_size(&wide, 0.200_01, 0.99, PowerMethod::NormalPooled).expect("ok"),
            None
        );
    }

    #[test]
    fn clusters_inflate_sizes_by_the_design_effect() {
        let c = D.with_clusters(0.05, 21.0);
        assert!((c.design_effect() - 2.0).abs() < 1e-15);
        for method in [PowerMethod::NormalPooled, PowerMethod::Arcsine] {
            let p = power(&c, 0.25, 2000.0, method).expect("ok");
            let q = power(&D, 0.25, 1000.0, method).expect("ok");
            assert!((p - q).abs() < 1e-15);
            let s = sample_size(&c, 0.25, 0.8, method)
                .expect("ok")
                .expect("some");
            let n = s.n_treated as f64;
            assert!(power(&c, 0.25, n, method).expect("ok") >= 0.8);
            assert!(power(&c, 0.25, n - 1.0, method).expect("ok") < 0.8);
            let m = mde(&c, 2000.0, 0.8, method).expect("ok").expect("some");
            let m1 = mde(&D, 1000.0, 0.8, method).expect("ok").expect("some");
            assert!((m - m1).abs() < 1e-12);
        }
        assert_eq!(c.clusters(2000), 96);
        assert!(
            power(
                &D.with_clusters(-0.1, 10.0),
                0.25,
                10.0,
                PowerMethod::Arcsine
            )
            .is_err()
        );
        assert!(power(&D.with_clusters(0.1, 0.5), 0.25, 10.0, PowerMethod::Arcsine).is_err());
    }
}
