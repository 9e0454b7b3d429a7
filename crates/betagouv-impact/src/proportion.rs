//! One proportion: validated counts and confidence intervals.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits::{EXACT_CI_MAX_N, check_alpha};
use crate::special::{beta_ppf, z_crit};

/// Parses one count of a count syntax: an integer in [0, u64::MAX],
/// surrounded by optional spaces.
pub(crate) fn parse_count(what: &str, part: &'static str, text: &str) -> Result<u64> {
    let t = text.trim();
    // `u64::from_str` accepts a leading `+`; a count is digits only.
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid_count(what, part, text));
    }
    t.parse().map_err(|_| invalid_count(what, part, text))
}

fn invalid_count(what: &str, part: &'static str, text: &str) -> Error {
    Error::InvalidCount {
        what: what.to_owned(),
        part,
        text: text.to_owned(),
    }
}

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

    /// Parses the command line's count syntax `SUCCESSES/N` (e.g.
    /// `22100/100000`; spaces around each number are allowed). The inverse of
    /// the [`Display`](std::fmt::Display) form.
    ///
    /// # Errors
    /// [`Error::CountSyntax`] without a `/`, [`Error::InvalidCount`] when a
    /// part is not an integer in [0, u64::MAX], and the errors of
    /// [`Counts::new`]; all name `what` (e.g. `--treated`).
    ///
    /// ```
    /// use betagouv_impact::Counts;
    /// let c = Counts::parse("--treated", "22100/100000")?;
    /// assert_eq!((c.successes(), c.n()), (22_100, 100_000));
    /// assert_eq!(c.to_string(), "22100/100000");
    /// assert!(Counts::parse("--treated", "22100").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(what: &str, text: &str) -> Result<Self> {
        let (x, n) = text.split_once('/').ok_or_else(|| Error::CountSyntax {
            what: what.to_owned(),
            expected: "SUCCESSES/N",
            text: text.to_owned(),
        })?;
        let x = parse_count(what, "SUCCESSES", x)?;
        let n = parse_count(what, "N", n)?;
        Self::new(what, x, n)
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

impl std::fmt::Display for Counts {
    /// `SUCCESSES/N`, the syntax [`Counts::parse`] reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.successes, self.n)
    }
}

impl std::str::FromStr for Counts {
    type Err = Error;
    /// [`Counts::parse`] with `what` = "counts".
    fn from_str(s: &str) -> Result<Self> {
        Self::parse("counts", s)
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
/// [`Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5];
/// [`Error::InvalidParameter`] (`n`) for the beta-quantile methods
/// (Clopper-Pearson, Jeffreys) when `n` exceeds [`EXACT_CI_MAX_N`].
///
/// ```
/// use betagouv_impact::{Counts, ProportionCiMethod, proportion_ci};
/// let ci = proportion_ci(Counts::new("cohort", 22_100, 100_000)?, 0.05, ProportionCiMethod::Wilson)?;
/// assert!(ci.lower < 0.221 && 0.221 < ci.upper);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn proportion_ci(counts: Counts, alpha: f64, method: ProportionCiMethod) -> Result<Interval> {
    check_alpha(alpha)?;
    let beta_method = matches!(
        method,
        ProportionCiMethod::ClopperPearson
            | ProportionCiMethod::Jeffreys
            | ProportionCiMethod::JeffreysBoundary
    );
    if beta_method && counts.n > EXACT_CI_MAX_N {
        return Err(Error::InvalidParameter {
            name: "n",
            expected: "at most 1e9 for the Clopper-Pearson and Jeffreys intervals",
            value: counts.n as f64,
        });
    }
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
    /// Clopper-Pearson; `None` when `n` exceeds [`EXACT_CI_MAX_N`].
    pub clopper_pearson: Option<Interval>,
    /// Agresti-Coull.
    pub agresti_coull: Interval,
    /// Jeffreys (statsmodels' convention, no boundary rule); `None` when `n`
    /// exceeds [`EXACT_CI_MAX_N`].
    pub jeffreys: Option<Interval>,
    /// Wald, clipped.
    pub wald: Interval,
}

impl ProportionCis {
    /// All five intervals at level `1 − alpha`.
    ///
    /// # Errors
    /// [`Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5].
    pub fn new(counts: Counts, alpha: f64) -> Result<Self> {
        check_alpha(alpha)?;
        let exact = |m| (counts.n <= EXACT_CI_MAX_N).then(|| ci_unchecked(counts, alpha, m));
        Ok(Self {
            wilson: ci_unchecked(counts, alpha, ProportionCiMethod::Wilson),
            clopper_pearson: exact(ProportionCiMethod::ClopperPearson),
            agresti_coull: ci_unchecked(counts, alpha, ProportionCiMethod::AgrestiCoull),
            jeffreys: exact(ProportionCiMethod::Jeffreys),
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
        for alpha in [0.0, 1.0, f64::NAN, -0.1, 1e-300, 0.7] {
            assert!(proportion_ci(c, alpha, ProportionCiMethod::Wilson).is_err());
        }
    }

    #[test]
    fn count_syntax() {
        let c = Counts::parse("--treated", " 3 / 10 ").expect("valid");
        assert_eq!((c.successes(), c.n()), (3, 10));
        let err = |t: &str| Counts::parse("--treated", t).err().map(|e| e.to_string());
        assert_eq!(
            err("3").as_deref(),
            Some("--treated: expected SUCCESSES/N, got \"3\"")
        );
        assert_eq!(
            err("+3/10").as_deref(),
            Some(
                "--treated: SUCCESSES must be an integer in [0, 18446744073709551615], got \"+3\""
            )
        );
        assert!(err("3/18446744073709551616").is_some_and(|e| e.contains("N must be")));
        assert!(err("3/1/2").is_some());
        assert!(err("11/10").is_some_and(|e| e.starts_with("--treated: successes (11)")));
        assert_eq!("5/7".parse::<Counts>().ok(), Counts::new("c", 5, 7).ok());
    }

    #[test]
    fn exact_intervals_are_bounded() {
        let huge = Counts::new("t", 1, u64::MAX).expect("valid");
        assert!(proportion_ci(huge, 0.05, ProportionCiMethod::ClopperPearson).is_err());
        let cis = ProportionCis::new(huge, 0.05).expect("cis");
        assert_eq!((cis.clopper_pearson, cis.jeffreys), (None, None));
        assert!(cis.wilson.lower >= 0.0 && cis.wilson.upper <= 1.0);
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
