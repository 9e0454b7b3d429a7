//! Two cohorts: differences, ratios, effect sizes and tests.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::limits::{FISHER_MAX_N, check_alpha};
use crate::proportion::{Counts, Interval, ProportionCiMethod, ProportionCis, ci_unchecked};
use crate::special::{chi2_sf, norm_sf, z_crit};

/// One arm as reported by [`compare`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ArmSummary {
    /// Successes.
    pub successes: u64,
    /// Sample size.
    pub n: u64,
    /// `successes / n`.
    pub proportion: f64,
    /// The five one-proportion intervals.
    pub ci: ProportionCis,
}

/// Intervals for the difference `p_t − p_c`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DifferenceCis {
    /// Wald (unpooled, not clipped, as statsmodels `method="wald"`).
    pub wald: Interval,
    /// Newcombe's hybrid score (method 10; statsmodels `"newcomb"`).
    pub newcombe: Interval,
    /// Agresti-Caffo (one success and one failure added per arm; not clipped).
    pub agresti_caffo: Interval,
}

/// The difference of proportions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// `p_t − p_c`, a fraction (0.021 for 2.1 points).
    pub estimate: f64,
    /// Intervals.
    pub ci: DifferenceCis,
}

/// Risk ratio `p_t / p_c`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RiskRatio {
    /// `None` when `p_c = 0`.
    pub estimate: Option<f64>,
    /// Katz log interval; `None` when a success count is 0.
    pub ci_katz: Option<Interval>,
}

/// Odds ratio `odds_t / odds_c` (the sample odds ratio).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OddsRatio {
    /// `None` when its denominator `x_c·(n_t − x_t)` is 0.
    pub estimate: Option<f64>,
    /// Woolf logit interval; `None` when a cell is 0.
    pub ci_woolf: Option<Interval>,
}

/// A test statistic with its two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    /// The statistic (z, or X²).
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Fisher's exact test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FisherResult {
    /// Two-sided p-value (sum of the table probabilities not above the observed one).
    pub p_value: f64,
}

/// The four tests of [`compare`]; `None` where undefined.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tests {
    /// Pooled two-proportion z-test (score test); `None` when the pooled
    /// variance is 0 (no success or no failure at all).
    pub z_pooled: Option<TestResult>,
    /// Pearson chi-square, 1 df, no continuity correction; `None` when an
    /// expected count is 0.
    pub chi2: Option<TestResult>,
    /// Pearson chi-square with Yates' correction (scipy's: each `|O−E|`
    /// reduced by `min(½, |O−E|)`); `None` when an expected count is 0.
    pub chi2_yates: Option<TestResult>,
    /// Fisher's exact test, two-sided; `None` (JSON `null`) when the total
    /// of the two arms exceeds [`FISHER_MAX_N`], with the reason in
    /// `fisher_exact_not_computed`.
    pub fisher_exact: Option<FisherResult>,
    /// Why Fisher's exact test was not computed; absent from the JSON when
    /// it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fisher_exact_not_computed: Option<&'static str>,
}

/// The serialized form of [`Tests`], whose reason is checked on reading.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTests {
    z_pooled: Option<TestResult>,
    chi2: Option<TestResult>,
    chi2_yates: Option<TestResult>,
    fisher_exact: Option<FisherResult>,
    #[serde(default)]
    fisher_exact_not_computed: Option<String>,
}

// By hand: a derived impl would borrow the `&'static str` field, and so
// require `'de: 'static`.
impl<'de> Deserialize<'de> for Tests {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Self::try_from(RawTests::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<RawTests> for Tests {
    type Error = String;
    fn try_from(raw: RawTests) -> std::result::Result<Self, String> {
        Ok(Self {
            z_pooled: raw.z_pooled,
            chi2: raw.chi2,
            chi2_yates: raw.chi2_yates,
            fisher_exact: raw.fisher_exact,
            fisher_exact_not_computed: known_reason(
                raw.fisher_exact_not_computed,
                FISHER_NOT_COMPUTED,
            )?,
        })
    }
}

/// The reason given when Fisher's exact test is not computed.
pub const FISHER_NOT_COMPUTED: &str = "the two arms total more than 1000000000 people (the size \
bound of the exact test): use the chi-square test, asymptotically equivalent at this size";

/// A reason read back: `known` (a `&'static str` field cannot hold another
/// text).
pub(crate) fn known_reason(
    text: Option<String>,
    known: &'static str,
) -> std::result::Result<Option<&'static str>, String> {
    match text {
        None => Ok(None),
        Some(text) if text == known => Ok(Some(known)),
        Some(text) => Err(format!("unknown reason {text:?}, expected {known:?}")),
    }
}

/// The two arms of a comparison, named so that they cannot be swapped
/// silently: `Arms { treated, control }`. The pair is closed (two arms), so
/// it is not `#[non_exhaustive]` and is built with a struct literal.
///
/// ```
/// use betagouv_impact::{Arms, Counts, compare};
/// let treated = Counts::new("treated", 22_100, 100_000)?;
/// let control = Counts::new("control", 20_000, 100_000)?;
/// let c = compare(Arms { treated, control }, 0.05)?;
/// assert!(c.difference.estimate > 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Arms<T> {
    /// The treated (encouraged) arm.
    pub treated: T,
    /// The control arm.
    pub control: T,
}

/// Continuity correction of the chi-square test of a 2×2 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Continuity {
    /// No correction (Pearson's statistic).
    #[default]
    Uncorrected,
    /// Yates' correction, as scipy applies it: each `|O − E|` reduced by
    /// `min(½, |O − E|)`.
    Yates,
}

/// Everything about two cohorts, as printed by `betagouv impact compare`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Treated (encouraged) arm.
    pub treated: ArmSummary,
    /// Control arm.
    pub control: ArmSummary,
    /// `p_t − p_c`.
    pub difference: Difference,
    /// `p_t/p_c − 1`; `None` when `p_c = 0`.
    pub relative_lift: Option<f64>,
    /// Risk ratio.
    pub risk_ratio: RiskRatio,
    /// Odds ratio.
    pub odds_ratio: OddsRatio,
    /// Cohen's h, `2·asin(√p_t) − 2·asin(√p_c)`.
    pub cohen_h: f64,
    /// Tests of `p_t = p_c`.
    pub tests: Tests,
}

impl Comparison {
    /// The interval of the relative lift `p_t/p_c − 1`: Katz's log interval of the risk
    /// ratio minus 1 (statsmodels `confint_proportions_2indep(compare="ratio",
    /// method="log")`), at the level of the comparison; `None` where Katz's interval is
    /// (an arm without success). It is not symmetric around the lift: the log scale
    /// stretches the upper side.
    ///
    /// ```
    /// use betagouv_impact::{Arms, Counts, compare};
    /// let treated: Counts = "22100/100000".parse()?;
    /// let control: Counts = "20000/100000".parse()?;
    /// let ci = compare(Arms { treated, control }, 0.05)?.relative_lift_ci().ok_or("defined")?;
    /// // +10.5 %, 95 % CI [+8.6 %, +12.4 %]: it contains the published "+12 %".
    /// assert!((ci.lower - 0.0864).abs() < 1e-4 && (ci.upper - 0.1239).abs() < 1e-4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn relative_lift_ci(&self) -> Option<Interval> {
        self.risk_ratio.ci_katz.map(|ci| Interval {
            lower: ci.lower - 1.0,
            upper: ci.upper - 1.0,
        })
    }
}

/// Compares two cohorts at level `1 − alpha`.
///
/// # Errors
/// [`crate::Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5]
/// ([`crate::limits`]).
///
/// Cost: constant, except Fisher's exact test (`O(√N)` steps, `N` at most
/// [`FISHER_MAX_N`]) and the beta quantiles (bounded iterations).
///
/// ```
/// use betagouv_impact::{Arms, Counts, compare};
/// // La Bonne Boîte, 2016: 22.1 % against 20 % of 100,000 job seekers.
/// let treated: Counts = "22100/100000".parse()?;
/// let control: Counts = "20000/100000".parse()?;
/// let c = compare(Arms { treated, control }, 0.05)?;
/// assert!((c.difference.estimate - 0.021).abs() < 1e-12);
/// assert!((c.relative_lift.unwrap_or(0.0) - 0.105).abs() < 1e-12);
/// assert!(c.tests.fisher_exact.is_some_and(|f| f.p_value < 1e-20));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compare(arms: Arms<Counts>, alpha: f64) -> Result<Comparison> {
    let Arms { treated, control } = arms;
    check_alpha(alpha)?;
    let z = z_crit(alpha);
    let arm = |c: Counts| -> Result<ArmSummary> {
        Ok(ArmSummary {
            successes: c.successes(),
            n: c.n(),
            proportion: c.proportion(),
            ci: ProportionCis::new(c, alpha)?,
        })
    };
    let (pt, pc) = (treated.proportion(), control.proportion());
    let rr = (control.successes() > 0).then(|| pt / pc);
    let fisher = fisher_exact(arms);
    Ok(Comparison {
        treated: arm(treated)?,
        control: arm(control)?,
        difference: Difference {
            estimate: pt - pc,
            ci: difference_cis(treated, control, alpha, z),
        },
        relative_lift: rr.map(|r| r - 1.0),
        risk_ratio: risk_ratio(treated, control, rr, z),
        odds_ratio: odds_ratio(treated, control, z),
        cohen_h: 2.0 * pt.sqrt().asin() - 2.0 * pc.sqrt().asin(),
        tests: Tests {
            z_pooled: z_pooled(arms),
            chi2: chi_square(arms, Continuity::Uncorrected),
            chi2_yates: chi_square(arms, Continuity::Yates),
            fisher_exact: fisher.map(|p_value| FisherResult { p_value }),
            fisher_exact_not_computed: fisher.is_none().then_some(FISHER_NOT_COMPUTED),
        },
    })
}

/// The three intervals of the difference of proportions: Wald, Newcombe (hybrid
/// Wilson score) and Agresti-Caffo (one success and one failure added to each arm).
pub(crate) fn difference_cis(
    treated: Counts,
    control: Counts,
    alpha: f64,
    z: f64,
) -> DifferenceCis {
    let (pt, pc) = (treated.proportion(), control.proportion());
    let (nt, nc) = (treated.n() as f64, control.n() as f64);
    let (xt, xc) = (treated.successes() as f64, control.successes() as f64);
    let d = pt - pc;
    let wald = {
        let se = (pt * (1.0 - pt) / nt + pc * (1.0 - pc) / nc).sqrt();
        Interval {
            lower: d - z * se,
            upper: d + z * se,
        }
    };
    let newcombe = {
        let wt = ci_unchecked(treated, alpha, ProportionCiMethod::Wilson);
        let wc = ci_unchecked(control, alpha, ProportionCiMethod::Wilson);
        let dl = ((pt - wt.lower).powi(2) + (wc.upper - pc).powi(2)).sqrt();
        let du = ((wt.upper - pt).powi(2) + (pc - wc.lower).powi(2)).sqrt();
        Interval {
            lower: d - dl,
            upper: d + du,
        }
    };
    let agresti_caffo = {
        let (nt2, nc2) = (nt + 2.0, nc + 2.0);
        let (at, ac) = ((xt + 1.0) / nt2, (xc + 1.0) / nc2);
        let dd = at - ac;
        let se = (at * (1.0 - at) / nt2 + ac * (1.0 - ac) / nc2).sqrt();
        Interval {
            lower: dd - z * se,
            upper: dd + z * se,
        }
    };
    DifferenceCis {
        wald,
        newcombe,
        agresti_caffo,
    }
}

/// The risk ratio `rr` (given: `None` when the control has no success) with Katz's
/// log interval (`None` when an arm has no success or the bounds are not finite).
fn risk_ratio(treated: Counts, control: Counts, rr: Option<f64>, z: f64) -> RiskRatio {
    let (nt, nc) = (treated.n() as f64, control.n() as f64);
    let (xt, xc) = (treated.successes() as f64, control.successes() as f64);
    let ci_katz = (treated.successes() > 0 && control.successes() > 0)
        .then(|| {
            let (Some(r), se) = (rr, (1.0 / xt - 1.0 / nt + 1.0 / xc - 1.0 / nc).sqrt()) else {
                return None;
            };
            let se = se.max(0.0);
            Interval {
                lower: (r.ln() - z * se).exp(),
                upper: (r.ln() + z * se).exp(),
            }
            .finite()
        })
        .flatten();
    RiskRatio {
        estimate: rr,
        ci_katz,
    }
}

/// The odds ratio of the 2x2 table with Woolf's log interval (`None` when a cell is 0
/// or the bounds are not finite).
fn odds_ratio(treated: Counts, control: Counts, z: f64) -> OddsRatio {
    let (nt, nc) = (treated.n() as f64, control.n() as f64);
    let (a, b) = (treated.successes() as f64, nt - treated.successes() as f64);
    let (c, dcell) = (control.successes() as f64, nc - control.successes() as f64);
    let or = (c * b > 0.0).then(|| (a / b) / (c / dcell));
    let ci_woolf = (a > 0.0 && b > 0.0 && c > 0.0 && dcell > 0.0)
        .then(|| {
            let or = or?;
            let se = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / dcell).sqrt();
            Interval {
                lower: (or.ln() - z * se).exp(),
                upper: (or.ln() + z * se).exp(),
            }
            .finite()
        })
        .flatten();
    OddsRatio {
        estimate: or,
        ci_woolf,
    }
}

/// Pooled two-proportion z-test; `None` when the pooled variance is 0.
#[must_use]
pub fn z_pooled(arms: Arms<Counts>) -> Option<TestResult> {
    let Arms { treated, control } = arms;
    let (nt, nc) = (treated.n() as f64, control.n() as f64);
    let pbar = (treated.successes() as f64 + control.successes() as f64) / (nt + nc);
    let var = pbar * (1.0 - pbar) * (1.0 / nt + 1.0 / nc);
    if var.is_nan() || var <= 0.0 {
        return None;
    }
    let z = (treated.proportion() - control.proportion()) / var.sqrt();
    Some(TestResult {
        statistic: z,
        p_value: 2.0 * norm_sf(z.abs()),
    })
}

/// Pearson's chi-square test of the 2×2 table (1 df), with the given
/// continuity correction; `None` when an expected count is 0.
#[must_use]
pub fn chi_square(arms: Arms<Counts>, continuity: Continuity) -> Option<TestResult> {
    let Arms { treated, control } = arms;
    let obs = [
        [treated.successes() as f64, treated.failures() as f64],
        [control.successes() as f64, control.failures() as f64],
    ];
    let rows = [treated.n() as f64, control.n() as f64];
    let cols = [obs[0][0] + obs[1][0], obs[0][1] + obs[1][1]];
    let total = rows[0] + rows[1];
    let mut stat = 0.0;
    for i in 0..2 {
        for j in 0..2 {
            let e = rows[i] * cols[j] / total;
            if e <= 0.0 {
                return None;
            }
            let mut diff = (obs[i][j] - e).abs();
            if continuity == Continuity::Yates {
                diff -= diff.min(0.5);
            }
            stat += diff * diff / e;
        }
    }
    Some(TestResult {
        statistic: stat,
        p_value: chi2_sf(stat, 1.0),
    })
}

/// Relative tolerance under which two table probabilities count as equal in
/// Fisher's two-sided test (R uses 1e-7; scipy 1e-14).
const FISHER_TIE_TOLERANCE: f64 = 1e-7;

/// Fisher's exact test, two-sided: the sum of the hypergeometric
/// probabilities of all tables with the observed margins whose probability is
/// at most the observed one (times `1 + 1e-7`). In [0, 1].
///
/// Probabilities are computed by walking from the mode with the exact ratio
/// `P(k+1)/P(k)` in log space, so there is no `ln Γ` cancellation at large N.
/// The walk stops once the p-value is certain to underflow to 0, so it takes
/// `O(√N)` steps; `None` when the total `N` exceeds [`FISHER_MAX_N`] (where
/// the counts stop being exact in the walk's arithmetic).
#[must_use]
pub fn fisher_exact(arms: Arms<Counts>) -> Option<f64> {
    let Arms { treated, control } = arms;
    if treated.n().saturating_add(control.n()) > FISHER_MAX_N {
        return None;
    }
    Some(fisher_exact_unbounded(treated, control))
}

fn fisher_exact_unbounded(treated: Counts, control: Counts) -> f64 {
    // Table [[a, r1 − a], [c1 − a, ...]]: r1 = n_t, c1 = total successes.
    // Both totals are at most FISHER_MAX_N: the sums do not overflow.
    let r1 = treated.n() as f64;
    let c1 = treated.successes() as f64 + control.successes() as f64;
    let total = treated.n() as f64 + control.n() as f64;
    let c2 = total - c1;
    let a_obs = treated.successes() as f64;
    let lo = (r1 - c2).max(0.0);
    let hi = r1.min(c1);
    if hi <= lo {
        return 1.0;
    }
    // ln P(k+1) − ln P(k)
    let step_up = |k: f64| (((r1 - k) * (c1 - k)) / ((k + 1.0) * (c2 - r1 + k + 1.0))).ln();
    let mode = (((r1 + 1.0) * (c1 + 1.0)) / (total + 2.0))
        .floor()
        .clamp(lo, hi);
    // ln P(a_obs) − ln P(mode). The p-value is at most
    // P(a_obs)/P(mode) × (N + 1) × (1 + 1e-7) (every table counted is at most
    // as probable as the observed one, and the mode's weight alone is 1), so
    // once ln P(a_obs)/P(mode) < −800 it is below e^−779 with N <= 1e9: it
    // rounds to 0. Stopping there bounds the walk by about 40 standard
    // deviations (log-concavity), i.e. O(√N) steps.
    const UNDERFLOW: f64 = -800.0;
    let mut lw_obs = 0.0;
    if a_obs > mode {
        let mut k = mode;
        while k < a_obs {
            lw_obs += step_up(k);
            k += 1.0;
            if lw_obs < UNDERFLOW {
                return 0.0;
            }
        }
    } else {
        let mut k = mode;
        while k > a_obs {
            lw_obs -= step_up(k - 1.0);
            k -= 1.0;
            if lw_obs < UNDERFLOW {
                return 0.0;
            }
        }
    }
    let threshold = lw_obs + FISHER_TIE_TOLERANCE.ln_1p();
    // Sums of exp(lw) over all k (normaliser) and exp(lw − lw_obs) over the
    // tables not more probable than the observed one.
    let mut sum_all = 1.0;
    let mut sum_tail = if 0.0 <= threshold {
        (-lw_obs).exp()
    } else {
        0.0
    };
    for dir in [1.0, -1.0] {
        let mut k = mode;
        let mut lw = 0.0;
        loop {
            if (dir > 0.0 && k >= hi) || (dir < 0.0 && k <= lo) {
                break;
            }
            if dir > 0.0 {
                lw += step_up(k);
                k += 1.0;
            } else {
                lw -= step_up(k - 1.0);
                k -= 1.0;
            }
            let w = lw.exp();
            sum_all += w;
            if lw <= threshold {
                let t = (lw - lw_obs).exp();
                sum_tail += t;
                // Log-concave: the remaining terms decrease geometrically.
                if t <= 1e-18 * sum_tail && w <= 1e-18 * sum_all {
                    break;
                }
            }
        }
    }
    let p = (lw_obs + sum_tail.ln() - sum_all.ln()).exp();
    p.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(x: u64, n: u64) -> Counts {
        Counts::new("test", x, n).expect("valid counts")
    }

    fn arms(treated: Counts, control: Counts) -> Arms<Counts> {
        Arms { treated, control }
    }

    #[test]
    fn fisher_small_tables() {
        // scipy.stats.fisher_exact([[3, 1], [1, 3]]) -> 0.48571428571428527
        let f = |t, c| fisher_exact(arms(t, c)).unwrap_or(f64::NAN);
        assert!((f(counts(3, 4), counts(1, 4)) - 0.485_714_285_714_285_27).abs() < 1e-14);
        // [[8, 2], [1, 5]] -> 0.034965034965034975
        assert!((f(counts(8, 10), counts(1, 6)) - 0.034_965_034_965_034_975).abs() < 1e-15);
        assert_eq!(f(counts(0, 5), counts(0, 7)), 1.0);
        assert_eq!(f(counts(2, 4), counts(2, 4)), 1.0);
    }

    #[test]
    fn fisher_is_bounded() {
        let half = FISHER_MAX_N / 2;
        assert!(fisher_exact(arms(counts(0, half), counts(half, half))).is_some());
        assert!(fisher_exact(arms(counts(0, half + 1), counts(half, half))).is_none());
        // Counts near u64::MAX: no overflow, a prompt answer without Fisher.
        let big = counts(u64::MAX / 3, u64::MAX);
        let c = compare(arms(big, counts(u64::MAX / 2, u64::MAX)), 0.05).expect("compare");
        assert_eq!(c.tests.fisher_exact, None);
        assert_eq!(c.tests.fisher_exact_not_computed, Some(FISHER_NOT_COMPUTED));
        assert!(c.tests.z_pooled.is_some() && c.tests.chi2.is_some());
        let json = serde_json::to_value(c).expect("json");
        assert!(json["tests"]["fisher_exact"].is_null());
        let small = compare(arms(counts(1, 2), counts(1, 2)), 0.05).expect("compare");
        let json = serde_json::to_value(small).expect("json");
        assert!(json["tests"].get("fisher_exact_not_computed").is_none());
    }

    #[test]
    fn undefined_is_none() {
        let c = compare(arms(counts(0, 10), counts(0, 12)), 0.05).expect("compare");
        assert!(c.tests.z_pooled.is_none());
        assert!(c.tests.chi2.is_none());
        assert!(c.relative_lift.is_none());
        assert!(c.odds_ratio.estimate.is_none());
        assert_eq!(c.tests.fisher_exact.map(|f| f.p_value), Some(1.0));
        let c = compare(arms(counts(0, 10), counts(3, 12)), 0.05).expect("compare");
        assert_eq!(c.risk_ratio.estimate, Some(0.0));
        assert!(c.risk_ratio.ci_katz.is_none());
        assert_eq!(c.odds_ratio.estimate, Some(0.0));
        assert!(c.odds_ratio.ci_woolf.is_none());
    }

    #[test]
    fn z_squared_is_pearson() {
        let a = arms(counts(221, 1000), counts(200, 1000));
        let z = z_pooled(a).expect("defined");
        let x2 = chi_square(a, Continuity::Uncorrected).expect("defined");
        assert!((z.statistic.powi(2) - x2.statistic).abs() < 1e-12 * x2.statistic);
        assert!((z.p_value - x2.p_value).abs() < 1e-14);
    }
}
