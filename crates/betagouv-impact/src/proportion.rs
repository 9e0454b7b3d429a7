//! One proportion: validated counts and confidence intervals.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_alpha};
use crate::special::{beta_ppf, z_crit};

/// Binomial counts: `successes` out of `n` trials, with `0 <= successes <= n` and `n > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Counts {
    successes: u64,
    n: u64,
}

impl Counts {
    /// Validated counts.
    ///
    /// # Errors
    /// [`Error::EmptySample`] when `n == 0`, [`Error::SuccessesExceedN`] when
    /// `successes > n`. `what` names the sample in the error.
    pub fn new(what: &str, successes: u64, n: u64) -> Result<Self> {
        if n == 0 {
            return Err(Error::EmptySample {
                what: what.to_owned(),
            });
        }
        if successes > n {
            return Err(Error::SuccessesExceedN {
                what: what.to_owned(),
                successes,
                n,
            });
        }
        Ok(Self { successes, n })
    }

    /// Number of successes.
    #[must_use]
    pub fn successes(&self) -> u64 {
        self.successes
    }

    /// Sample size (always > 0).
    #[must_use]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Number of failures, `n − successes`.
    #[must_use]
    pub fn failures(&self) -> u64 {
        self.n - self.successes
    }

    /// The proportion `successes / n`, in [0, 1].
    #[must_use]
    pub fn proportion(&self) -> f64 {
        self.successes as f64 / self.n as f64
    }
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            successes: u64,
            n: u64,
        }
        let raw = Raw::deserialize(d)?;
        Counts::new("counts", raw.successes, raw.n).map_err(serde::de::Error::custom)
    }
}

/// A closed interval `[lower, upper]`, serialized as a two-element array.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

impl Interval {
    /// Whether `x` lies in the interval (bounds included).
    #[must_use]
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }

    /// `Some(self)` when both bounds are finite, `None` otherwise.
    pub(crate) fn finite(self) -> Option<Self> {
        (self.lower.is_finite() && self.upper.is_finite()).then_some(self)
    }

    fn clip01(self) -> Self {
        Self {
            lower: self.lower.clamp(0.0, 1.0),
            upper: self.upper.clamp(0.0, 1.0),
        }
    }
}

impl Serialize for Interval {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        (self.lower, self.upper).serialize(s)
    }
}

/// Interval methods for one proportion (Brown, Cai & DasGupta 2001).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProportionCiMethod {
    /// Wilson score interval, clipped to [0, 1] (the recommended default).
    Wilson,
    /// Clopper-Pearson "exact" interval (beta quantiles; 0 at x = 0, 1 at x = n).
    ClopperPearson,
    /// Agresti-Coull with `z²` pseudo-observations, clipped to [0, 1].
    AgrestiCoull,
    /// Jeffreys: quantiles of Beta(x+½, n−x+½), as statsmodels computes it
    /// (no boundary rule).
    Jeffreys,
    /// Jeffreys with Brown, Cai & DasGupta's boundary rule: lower bound 0
    /// when x = 0, upper bound 1 when x = n.
    JeffreysBoundary,
    /// Wald `p̂ ± z·sqrt(p̂q̂/n)`, clipped to [0, 1]. For comparison only.
    Wald,
}

/// Confidence interval for one proportion at level `1 − alpha`.
///
/// # Errors
/// [`Error::InvalidAlpha`] unless `0 < alpha < 1`.
///
/// ```
/// use betagouv_impact::{Counts, ProportionCiMethod, proportion_ci};
/// let ci = proportion_ci(Counts::new("cohort", 22_100, 100_000)?, 0.05, ProportionCiMethod::Wilson)?;
/// assert!(ci.lower < 0.221 && 0.221 < ci.upper);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn proportion_ci(counts: Counts, alpha: f64, method: ProportionCiMethod) -> Result<Interval> {
    check_alpha(alpha)?;
    Ok(ci_unchecked(counts, alpha, method))
}

pub(crate) fn ci_unchecked(counts: Counts, alpha: f64, method: ProportionCiMethod) -> Interval {
    let x = counts.successes as f64;
    let n = counts.n as f64;
    let p = x / n;
    let z = z_crit(alpha);
    match method {
        ProportionCiMethod::Wald => {
            let d = z * (p * (1.0 - p) / n).sqrt();
            Interval {
                lower: p - d,
                upper: p + d,
            }
            .clip01()
        }
        ProportionCiMethod::Wilson => {
            let z2 = z * z;
            let denom = 1.0 + z2 / n;
            let center = (p + z2 / (2.0 * n)) / denom;
            let dist = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
            Interval {
                lower: center - dist,
                upper: center + dist,
            }
            .clip01()
        }
        ProportionCiMethod::AgrestiCoull => {
            let z2 = z * z;
            let nc = n + z2;
            let pc = (x + z2 / 2.0) / nc;
            let d = z * (pc * (1.0 - pc) / nc).sqrt();
            Interval {
                lower: pc - d,
                upper: pc + d,
            }
            .clip01()
        }
        ProportionCiMethod::ClopperPearson => {
            let lower = if counts.successes == 0 {
                0.0
            } else {
                beta_ppf(alpha / 2.0, x, n - x + 1.0)
            };
            let upper = if counts.successes == counts.n {
                1.0
            } else {
                beta_ppf(1.0 - alpha / 2.0, x + 1.0, n - x)
            };
            Interval { lower, upper }
        }
        ProportionCiMethod::Jeffreys | ProportionCiMethod::JeffreysBoundary => {
            let (a, b) = (x + 0.5, n - x + 0.5);
            let mut ci = Interval {
                lower: beta_ppf(alpha / 2.0, a, b),
                upper: beta_ppf(1.0 - alpha / 2.0, a, b),
            };
            if method == ProportionCiMethod::JeffreysBoundary {
                if counts.successes == 0 {
                    ci.lower = 0.0;
                }
                if counts.successes == counts.n {
                    ci.upper = 1.0;
                }
            }
            ci
        }
    }
}

/// The five one-proportion intervals of the `compare` output.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProportionCis {
    /// Wilson score.
    pub wilson: Interval,
    /// Clopper-Pearson.
    pub clopper_pearson: Interval,
    /// Agresti-Coull.
    pub agresti_coull: Interval,
    /// Jeffreys (statsmodels' convention, no boundary rule).
    pub jeffreys: Interval,
    /// Wald, clipped.
    pub wald: Interval,
}

impl ProportionCis {
    /// All five intervals at level `1 − alpha`.
    ///
    /// # Errors
    /// [`Error::InvalidAlpha`] unless `0 < alpha < 1`.
    pub fn new(counts: Counts, alpha: f64) -> Result<Self> {
        check_alpha(alpha)?;
        Ok(Self {
            wilson: ci_unchecked(counts, alpha, ProportionCiMethod::Wilson),
            clopper_pearson: ci_unchecked(counts, alpha, ProportionCiMethod::ClopperPearson),
            agresti_coull: ci_unchecked(counts, alpha, ProportionCiMethod::AgrestiCoull),
            jeffreys: ci_unchecked(counts, alpha, ProportionCiMethod::Jeffreys),
            wald: ci_unchecked(counts, alpha, ProportionCiMethod::Wald),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_validated() {
        assert!(matches!(
            Counts::new("t", 1, 0),
            Err(Error::EmptySample { .. })
        ));
        assert!(matches!(
            Counts::new("t", 3, 2),
            Err(Error::SuccessesExceedN { .. })
        ));
        assert_eq!(
            Counts::new("t", 0, 2).map(|c| c.proportion()).ok(),
            Some(0.0)
        );
    }

    #[test]
    fn alpha_is_validated() {
        let c = Counts::new("t", 1, 2).expect("valid");
        for alpha in [0.0, 1.0, f64::NAN, -0.1] {
            assert!(proportion_ci(c, alpha, ProportionCiMethod::Wilson).is_err());
        }
    }

    #[test]
    fn boundaries() {
        let c = Counts::new("t", 0, 10).expect("valid");
        let cp = proportion_ci(c, 0.05, ProportionCiMethod::ClopperPearson).expect("ci");
        assert_eq!(cp.lower, 0.0);
        // 1 − 0.025^(1/10)
        assert!((cp.upper - 0.308_497_107_818_760_83).abs() < 1e-12);
        let j = proportion_ci(c, 0.05, ProportionCiMethod::JeffreysBoundary).expect("ci");
        assert_eq!(j.lower, 0.0);
        let j = proportion_ci(c, 0.05, ProportionCiMethod::Jeffreys).expect("ci");
        assert!(j.lower > 0.0);
    }
}
