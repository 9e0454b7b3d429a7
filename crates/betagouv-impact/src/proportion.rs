//! One proportion: validated counts and confidence intervals.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ParseCountsError, ParseIntervalError, Result};
use crate::limits::{EXACT_CI_MAX_N, check_alpha};
use crate::special::{beta_ppf, z_crit};

/// Parses one count of a count syntax: an integer in [0, u64::MAX],
/// surrounded by optional spaces.
pub(crate) fn parse_count(
    part: &'static str,
    text: &str,
) -> std::result::Result<u64, ParseCountsError> {
    let t = text.trim();
    let invalid = || ParseCountsError::InvalidCount {
        part,
        text: text.to_owned(),
    };
    // `u64::from_str` accepts a leading `+`; a count is digits only.
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    t.parse().map_err(|_| invalid())
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
        Self::validated(successes, n).map_err(|e| e.named(what))
    }

    fn validated(successes: u64, n: u64) -> std::result::Result<Self, ParseCountsError> {
        if n == 0 {
            return Err(ParseCountsError::EmptySample);
        }
        if successes > n {
            return Err(ParseCountsError::SuccessesExceedN { successes, n });
        }
        Ok(Self { successes, n })
    }

    /// Parses the command line's count syntax `SUCCESSES/N` (e.g.
    /// `22100/100000`; spaces around each number are allowed), naming
    /// `what` (e.g. `--treated`) in the error: [`str::parse`] (the
    /// [`FromStr`](std::str::FromStr) form, the inverse of
    /// [`Display`](std::fmt::Display)) with its [`ParseCountsError`] as an
    /// [`Error`].
    ///
    /// # Errors
    /// [`Error::CountSyntax`] without a `/`, [`Error::InvalidCount`] when a
    /// part is not an integer in [0, u64::MAX], and the errors of
    /// [`Counts::new`]; all name `what`.
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
        text.parse().map_err(|e: ParseCountsError| e.named(what))
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
    type Err = ParseCountsError;
    /// Reads `SUCCESSES/N` (spaces around each number allowed), the
    /// [`Display`](std::fmt::Display) form.
    ///
    /// ```
    /// use betagouv_impact::{Counts, ParseCountsError};
    /// let c: Counts = "22100/100000".parse()?;
    /// assert_eq!(c.to_string().parse::<Counts>()?, c);
    /// assert_eq!(
    ///     "5/3".parse::<Counts>(),
    ///     Err(ParseCountsError::SuccessesExceedN { successes: 5, n: 3 })
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn from_str(text: &str) -> std::result::Result<Self, ParseCountsError> {
        let (x, n) = text
            .split_once('/')
            .ok_or_else(|| ParseCountsError::Syntax {
                expected: "SUCCESSES/N",
                text: text.to_owned(),
            })?;
        Self::validated(parse_count("SUCCESSES", x)?, parse_count("N", n)?)
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
        Counts::validated(raw.successes, raw.n).map_err(serde::de::Error::custom)
    }
}

/// A closed interval `[lower, upper]`, serialized as a two-element array.
///
/// Its text form ([`Display`](std::fmt::Display) and
/// [`FromStr`](std::str::FromStr)) is `[LOWER, UPPER]` with each bound in
/// Rust's shortest round-trip notation (`{:?}`: `[0.0123, 0.0456]`,
/// `[1e-300, 1.0]`), so that reading it back gives the same `f64` values,
/// bit for bit (NaN aside).
///
/// ```
/// use betagouv_impact::Interval;
/// let ci = Interval { lower: 0.218_439_087_831_605_3, upper: 0.223_582_346_685_216_07 };
/// assert_eq!(ci.to_string(), "[0.2184390878316053, 0.22358234668521607]");
/// assert_eq!(ci.to_string().parse::<Interval>()?, ci);
/// assert!("0.1, 0.2".parse::<Interval>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let (lower, upper) = <(f64, f64)>::deserialize(d)?;
        Ok(Self { lower, upper })
    }
}

impl std::fmt::Display for Interval {
    /// `[LOWER, UPPER]`, each bound in shortest round-trip notation.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{:?}, {:?}]", self.lower, self.upper)
    }
}

impl std::str::FromStr for Interval {
    type Err = ParseIntervalError;
    /// Reads `[LOWER, UPPER]` (spaces allowed around the bounds); any two
    /// `f64` in Rust's notation, in the order given.
    fn from_str(text: &str) -> std::result::Result<Self, ParseIntervalError> {
        let syntax = || ParseIntervalError::Syntax {
            text: text.to_owned(),
        };
        let inner = text
            .trim()
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .ok_or_else(syntax)?;
        let (lower, upper) = inner.split_once(',').ok_or_else(syntax)?;
        let bound = |bound: &'static str, t: &str| {
            t.trim()
                .parse::<f64>()
                .map_err(|_| ParseIntervalError::InvalidBound {
                    bound,
                    text: t.trim().to_owned(),
                })
        };
        Ok(Self {
            lower: bound("lower", lower)?,
            upper: bound("upper", upper)?,
        })
    }
}

/// Interval methods for one proportion (Brown, Cai & DasGupta 2001).
/// Serialized in snake case (`"clopper_pearson"`), as the keys of
/// [`ProportionCis`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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
        assert_eq!(
            "3".parse::<Counts>(),
            Err(ParseCountsError::Syntax {
                expected: "SUCCESSES/N",
                text: "3".to_owned()
            })
        );
        assert_eq!("0/0".parse::<Counts>(), Err(ParseCountsError::EmptySample));
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
