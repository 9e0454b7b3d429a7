//! Encouragement designs: the intention-to-treat (ITT) effect of the
//! encouragement, the first stage and its F, the complier average causal
//! effect (Wald / IV estimator) with its delta-method SE and its
//! Anderson-Rubin set, the compliers' mean outcomes, and the minimum
//! detectable effect on the users.

use serde::{Deserialize, Serialize};

use crate::compare::Arms;
use crate::error::{ParseCountsError, Result};
use crate::limits::{check_alpha, check_first_stage};
use crate::power::{Design, PowerMethod, mde};
use crate::proportion::{Interval, parse_count};
use crate::special::z_crit;

/// Counts of one arm of an encouragement design. Deserializing validates
/// them as [`EncouragementArm::new`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawArm")]
pub struct EncouragementArm {
    n: u64,
    users: u64,
    successes: u64,
    successes_among_users: u64,
}

impl EncouragementArm {
    /// Validated counts: `n` people, of whom `users` used the service,
    /// `successes` had the outcome, `successes_among_users` both.
    ///
    /// # Errors
    /// [`crate::Error::EmptySample`] when `n = 0`; [`crate::Error::InconsistentCounts`] when
    /// `users > n`, `successes > n`, `successes_among_users` exceeds `users`
    /// or `successes`, or the successes among non-users exceed the non-users.
    pub fn new(
        what: &str,
        n: u64,
        users: u64,
        successes: u64,
        successes_among_users: u64,
    ) -> Result<Self> {
        Self::validated(n, users, successes, successes_among_users).map_err(|e| e.named(what))
    }

    fn validated(
        n: u64,
        users: u64,
        successes: u64,
        successes_among_users: u64,
    ) -> std::result::Result<Self, ParseCountsError> {
        let bad = |detail| Err(ParseCountsError::InconsistentCounts { detail });
        if n == 0 {
            return Err(ParseCountsError::EmptySample);
        }
        if users > n {
            return bad("users exceed n");
        }
        if successes > n {
            return bad("successes exceed n");
        }
        if successes_among_users > users {
            return bad("successes among users exceed users");
        }
        if successes_among_users > successes {
            return bad("successes among users exceed successes");
        }
        if successes - successes_among_users > n - users {
            return bad("successes among non-users exceed non-users");
        }
        Ok(Self {
            n,
            users,
            successes,
            successes_among_users,
        })
    }

    /// Parses the command line's syntax `N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS`
    /// (e.g. `1000,300,250,90`; spaces around each number are allowed),
    /// naming `what` (e.g. `--treated`) in the error: [`str::parse`] (the
    /// [`FromStr`](std::str::FromStr) form, the inverse of
    /// [`Display`](std::fmt::Display)) with its [`ParseCountsError`] as an
    /// [`crate::Error`].
    ///
    /// # Errors
    /// [`crate::Error::CountSyntax`] unless there are exactly four comma-separated
    /// parts, [`crate::Error::InvalidCount`] when a part is not an integer in
    /// [0, u64::MAX], and the errors of [`EncouragementArm::new`]; all name
    /// `what`.
    ///
    /// ```
    /// use betagouv_impact::EncouragementArm;
    /// let a = EncouragementArm::parse("--treated", "1000,300,250,90")?;
    /// assert_eq!(a.to_string(), "1000,300,250,90");
    /// assert_eq!("1000,300,250,90".parse::<EncouragementArm>()?, a);
    /// assert!(EncouragementArm::parse("--treated", "1000,300").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(what: &str, text: &str) -> Result<Self> {
        text.parse().map_err(|e: ParseCountsError| e.named(what))
    }

    /// Arm size.
    #[must_use]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// People who used the service.
    #[must_use]
    pub fn users(&self) -> u64 {
        self.users
    }

    /// People with the outcome.
    #[must_use]
    pub fn successes(&self) -> u64 {
        self.successes
    }

    /// People who used the service and had the outcome.
    #[must_use]
    pub fn successes_among_users(&self) -> u64 {
        self.successes_among_users
    }

    fn rates(&self) -> (f64, f64, f64) {
        let n = self.n as f64;
        (
            self.successes as f64 / n,
            self.users as f64 / n,
            self.successes_among_users as f64 / n,
        )
    }
}

impl std::str::FromStr for EncouragementArm {
    type Err = ParseCountsError;
    /// Reads `N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS`, the
    /// [`Display`](std::fmt::Display) form.
    fn from_str(text: &str) -> std::result::Result<Self, ParseCountsError> {
        let mut parts = text.split(',');
        let (Some(n), Some(u), Some(y), Some(yu), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(ParseCountsError::Syntax {
                expected: "N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS",
                text: text.to_owned(),
            });
        };
        Self::validated(
            parse_count("N", n)?,
            parse_count("USERS", u)?,
            parse_count("SUCCESSES", y)?,
            parse_count("SUCCESSES_AMONG_USERS", yu)?,
        )
    }
}

/// The serialized form of [`EncouragementArm`], validated on reading.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArm {
    n: u64,
    users: u64,
    successes: u64,
    successes_among_users: u64,
}

impl TryFrom<RawArm> for EncouragementArm {
    type Error = ParseCountsError;
    fn try_from(r: RawArm) -> std::result::Result<Self, ParseCountsError> {
        Self::validated(r.n, r.users, r.successes, r.successes_among_users)
    }
}

impl std::fmt::Display for EncouragementArm {
    /// `N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS`, the syntax
    /// [`EncouragementArm::parse`] reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{},{},{},{}",
            self.n, self.users, self.successes, self.successes_among_users
        )
    }
}

/// An estimate with its standard error and Wald interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Point estimate.
    pub estimate: f64,
    /// Standard error.
    pub se: f64,
    /// `estimate ± z·se`.
    pub ci: Interval,
}

impl Estimate {
    pub(crate) fn wald(estimate: f64, variance: f64, z: f64) -> Self {
        let se = variance.max(0.0).sqrt();
        Self {
            estimate,
            se,
            ci: Interval {
                lower: estimate - z * se,
                upper: estimate + z * se,
            },
        }
    }
}

/// Below this first-stage F, the first stage is called weak and the Wald
/// interval of the CACE unreliable (Staiger & Stock 1997's rule of thumb).
pub const WEAK_FIRST_STAGE_F: f64 = 10.0;

/// The first stage: extra take-up caused by the encouragement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FirstStage {
    /// `p_D(t) − p_D(c)`.
    pub estimate: f64,
    /// Its standard error.
    pub se: f64,
    /// The first-stage F, `(estimate / se)²`: with one instrument, the
    /// heteroskedasticity-robust (HC0) Wald statistic of the encouragement
    /// in the regression of take-up on it (linearmodels' first-stage
    /// `f.stat` with `cov_type="robust"`). `None` when `se = 0` (take-up is
    /// 0 or 1 in each arm).
    pub f_statistic: Option<f64>,
    /// Whether the first stage is weak: F below [`WEAK_FIRST_STAGE_F`], or a
    /// zero first stage. The CACE's Wald interval is then unreliable: read
    /// the Anderson-Rubin set instead.
    pub weak: bool,
}

/// A confidence set for a real parameter, which need not be an interval:
/// the Anderson-Rubin set of an encouragement design is bounded only when
/// the first stage is significant at the set's level. Serialized with a
/// `kind` tag: `{"kind": "interval", "lower": .., "upper": ..}`.
///
/// ```
/// use betagouv_impact::ConfidenceSet;
/// let s = ConfidenceSet::TwoHalfLines { below: -1.0, above: 2.0 };
/// assert!(s.contains(-5.0) && s.contains(3.0) && !s.contains(0.0));
/// assert!(!s.is_bounded());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConfidenceSet {
    /// The bounded interval `[lower, upper]`.
    Interval {
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
    /// The union of two half-lines `(−∞, below] ∪ [above, +∞)`, `below < above`:
    /// every value except those in between.
    TwoHalfLines {
        /// End of the lower half-line.
        below: f64,
        /// Start of the upper half-line.
        above: f64,
    },
    /// The half-line `[lower, +∞)`.
    AtLeast {
        /// Its start.
        lower: f64,
    },
    /// The half-line `(−∞, upper]`.
    AtMost {
        /// Its end.
        upper: f64,
    },
    /// Every real number: the data do not restrict the parameter at all.
    WholeLine,
    /// No value.
    Empty,
}

impl ConfidenceSet {
    /// Whether `x` is in the set (bounds included).
    #[must_use]
    pub fn contains(&self, x: f64) -> bool {
        match *self {
            Self::Interval { lower, upper } => lower <= x && x <= upper,
            Self::TwoHalfLines { below, above } => x <= below || x >= above,
            Self::AtLeast { lower } => x >= lower,
            Self::AtMost { upper } => x <= upper,
            Self::WholeLine => true,
            Self::Empty => false,
        }
    }

    /// Whether the set is a bounded interval (or empty).
    #[must_use]
    pub fn is_bounded(&self) -> bool {
        matches!(self, Self::Interval { .. } | Self::Empty)
    }

    /// The set `{x : a·x² + b·x + c ≤ 0}`, with the roots computed stably.
    fn quadratic(a: f64, b: f64, c: f64) -> Self {
        let linear = || {
            let root = -c / b;
            if b > 0.0 && root.is_finite() {
                Self::AtMost { upper: root }
            } else if b < 0.0 && root.is_finite() {
                Self::AtLeast { lower: root }
            } else if c <= 0.0 {
                // b = 0, or a root beyond the f64 range: the sign of c decides.
                Self::WholeLine
            } else {
                Self::Empty
            }
        };
        if a == 0.0 {
            return linear();
        }
        let disc = b * b - 4.0 * a * c;
        if disc < 0.0 || (disc == 0.0 && a < 0.0) {
            return if a > 0.0 {
                Self::Empty
            } else {
                Self::WholeLine
            };
        }
        let q = -0.5 * (b + b.signum() * disc.sqrt());
        let (r1, r2) = if q == 0.0 { (0.0, 0.0) } else { (q / a, c / q) };
        let (lo, hi) = (r1.min(r2), r1.max(r2));
        if !(lo.is_finite() && hi.is_finite()) {
            // |a| so small that a root overflows: the set is that of the
            // linear part, to the precision of an f64.
            return linear();
        }
        if a > 0.0 {
            Self::Interval {
                lower: lo,
                upper: hi,
            }
        } else {
            Self::TwoHalfLines {
                below: lo,
                above: hi,
            }
        }
    }
}

/// The compliers' mean outcomes (Imbens & Rubin 1997), identified under
/// the CACE's assumptions (randomised encouragement, exclusion,
/// monotonicity): with the service `E[Y(1) | complier] = (p_YD(t) −
/// p_YD(c)) / fs`, without it `E[Y(0) | complier] = (p_Y(1−D)(c) −
/// p_Y(1−D)(t)) / fs`; their difference is the CACE. Each is a Wald / IV
/// estimate (of `Y·D` on `D`, and of `Y·(1−D)` on `1 − D`, with the
/// encouragement as instrument) with its HC0 standard error. Sample values
/// may fall outside [0, 1] when the first stage is weak or an assumption
/// fails.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Compliers {
    /// Mean outcome of the compliers with the service.
    pub with_service: Estimate,
    /// Mean outcome of the compliers without the service.
    pub without_service: Estimate,
    /// The CACE relative to `without_service` (`CACE / E[Y(0) | complier]`,
    /// a fraction), not to the control arm's rate; `None` unless that mean
    /// is positive. A point estimate, without interval.
    pub relative_cace: Option<f64>,
}

/// Result of [`encouragement`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Encouragement {
    /// The intention-to-treat (ITT) effect: the effect of the encouragement,
    /// `p_Y(t) − p_Y(c)` (unpooled SE). Its test is valid whatever the
    /// compliance; it is not the effect of using the service.
    pub itt: Estimate,
    /// Take-up difference, with its F and whether it is weak.
    pub first_stage: FirstStage,
    /// `itt / first_stage`, with the delta-method SE including the
    /// covariance of outcome and take-up (equal to the HC0 SE of
    /// just-identified 2SLS); `None` when the first stage is 0. Its Wald
    /// interval is unreliable when `first_stage.weak`.
    pub cace: Option<Estimate>,
    /// The Anderson-Rubin confidence set of the CACE at the same level:
    /// every `β` with `(ITT − β·fs)² ≤ z²·(V_itt − 2β·Cov + β²·V_fs)`, the
    /// values not rejected by the robust test of the encouragement in the
    /// regression of `Y − β·D` on it. Valid however weak the first stage;
    /// bounded only when the first stage is significant (F above `z²`), the
    /// whole line or two half-lines otherwise. It excludes 0 exactly when
    /// the ITT interval does.
    pub anderson_rubin: ConfidenceSet,
    /// The compliers' mean outcomes with and without the service; `None`
    /// when the first stage is 0.
    pub compliers: Option<Compliers>,
}

/// Per-arm plug-in moments (divisor n) of an encouragement design.
struct Moments {
    itt: f64,
    v_itt: f64,
    fs: f64,
    v_fs: f64,
    cov: f64,
}

/// `num / den` with the delta-method variance, `None` when `den = 0`.
fn ratio(num: f64, v_num: f64, cov: f64, den: f64, v_den: f64, z: f64) -> Option<Estimate> {
    (den != 0.0).then(|| {
        let beta = num / den;
        let var = (v_num - 2.0 * beta * cov + beta * beta * v_den) / (den * den);
        Estimate::wald(beta, var, z)
    })
}

/// Sum over the two arms of `f(rates, n)`.
fn both(arms: &Arms<EncouragementArm>, f: impl Fn((f64, f64, f64), f64) -> f64) -> f64 {
    f(arms.treated.rates(), arms.treated.n as f64) + f(arms.control.rates(), arms.control.n as f64)
}

fn compliers(arms: &Arms<EncouragementArm>, m: &Moments, z: f64) -> Option<Compliers> {
    let (t, c) = (arms.treated.rates(), arms.control.rates());
    // With the service: W = Y·D, instrumented take-up D.
    let w1 = |(_, _, yd): (f64, f64, f64)| yd;
    let v_w1 = both(arms, |r, n| w1(r) * (1.0 - w1(r)) / n);
    let cov1 = both(arms, |r, n| w1(r) * (1.0 - r.1) / n);
    let with_service = ratio(w1(t) - w1(c), v_w1, cov1, m.fs, m.v_fs, z)?;
    // Without it: W = Y·(1 − D), instrumented non-take-up 1 − D. Its rate
    // comes from the integer count, so that equal counts give exactly 0.
    let w0 = |a: &EncouragementArm| {
        a.successes.saturating_sub(a.successes_among_users) as f64 / a.n as f64
    };
    let (w0t, w0c) = (w0(&arms.treated), w0(&arms.control));
    let v_w0 =
        w0t * (1.0 - w0t) / arms.treated.n as f64 + w0c * (1.0 - w0c) / arms.control.n as f64;
    let cov0 = w0t * t.1 / arms.treated.n as f64 + w0c * c.1 / arms.control.n as f64;
    let without_service = ratio(w0t - w0c, v_w0, cov0, -m.fs, m.v_fs, z)?;
    let cace = m.itt / m.fs;
    Some(Compliers {
        with_service,
        without_service,
        relative_cace: (without_service.estimate > 0.0).then(|| cace / without_service.estimate),
    })
}

/// ITT, first stage (with its F), CACE with its Wald interval and its
/// Anderson-Rubin set, and the compliers' mean outcomes, at level
/// `1 − alpha`. Plug-in variances use the divisor n (HC0).
///
/// # Errors
/// [`crate::Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5].
///
/// ```
/// use betagouv_impact::{Arms, ConfidenceSet, EncouragementArm, encouragement};
/// let treated = EncouragementArm::new("treated", 1000, 300, 250, 90)?;
/// let control = EncouragementArm::new("control", 1000, 100, 200, 25)?;
/// let e = encouragement(Arms { treated, control }, 0.05)?;
/// assert!((e.cace.map(|c| c.estimate).unwrap_or(0.0) - 0.25).abs() < 1e-12);
/// assert!(!e.first_stage.weak);
/// assert!(matches!(e.anderson_rubin, ConfidenceSet::Interval { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encouragement(arms: Arms<EncouragementArm>, alpha: f64) -> Result<Encouragement> {
    check_alpha(alpha)?;
    let z = z_crit(alpha);
    let m = Moments {
        itt: arms.treated.rates().0 - arms.control.rates().0,
        v_itt: both(&arms, |(y, _, _), n| y * (1.0 - y) / n),
        fs: arms.treated.rates().1 - arms.control.rates().1,
        v_fs: both(&arms, |(_, d, _), n| d * (1.0 - d) / n),
        cov: both(&arms, |(y, d, yd), n| (yd - y * d) / n),
    };
    let f_statistic = (m.v_fs > 0.0).then(|| m.fs * m.fs / m.v_fs);
    let z2 = z * z;
    Ok(Encouragement {
        itt: Estimate::wald(m.itt, m.v_itt, z),
        first_stage: FirstStage {
            estimate: m.fs,
            se: m.v_fs.max(0.0).sqrt(),
            f_statistic,
            weak: f_statistic.map_or(m.fs == 0.0, |f| f < WEAK_FIRST_STAGE_F),
        },
        cace: ratio(m.itt, m.v_itt, m.cov, m.fs, m.v_fs, z),
        anderson_rubin: ConfidenceSet::quadratic(
            m.fs * m.fs - z2 * m.v_fs,
            -2.0 * (m.itt * m.fs - z2 * m.cov),
            m.itt * m.itt - z2 * m.v_itt,
        ),
        compliers: compliers(&arms, &m, z),
    })
}

/// The minimum detectable effect on the users (the compliers) of an
/// encouragement design: the ITT's minimum detectable effect ([`mde`]) over
/// the expected first stage (the take-up difference the encouragement
/// causes). With a first stage of 0.1, an encouragement design needs ten
/// times the effect on users that a design assigning the service would.
///
/// Returns `None` when the ITT's MDE is not reachable. A value above
/// `1 − control_rate` means that no effect on the users can be detected.
///
/// # Errors
/// As [`mde`], and [`crate::Error::InvalidParameter`] (named `first_stage`)
/// unless `first_stage` is in [1e-10, 1].
///
/// ```
/// use betagouv_impact::{Design, PowerMethod, mde, mde_users};
/// let d = Design::new(0.20);
/// let itt = mde(&d, 5000.0, 0.8, PowerMethod::NormalPooled)?.unwrap_or(0.0);
/// let users = mde_users(&d, 5000.0, 0.8, PowerMethod::NormalPooled, 0.25)?.unwrap_or(0.0);
/// assert!((users - itt / 0.25).abs() < 1e-15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn mde_users(
    design: &Design,
    n_t: f64,
    target_power: f64,
    method: PowerMethod,
    first_stage: f64,
) -> Result<Option<f64>> {
    check_first_stage(first_stage)?;
    Ok(mde(design, n_t, target_power, method)?.map(|m| m / first_stage))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert!(EncouragementArm::new("t", 10, 11, 0, 0).is_err());
        assert!(EncouragementArm::new("t", 10, 2, 5, 3).is_err());
        assert!(EncouragementArm::new("t", 10, 2, 9, 0).is_err());
        assert!(EncouragementArm::new("t", 0, 0, 0, 0).is_err());
        assert!(EncouragementArm::new("t", 10, 2, 9, 1).is_ok());
    }

    #[test]
    fn arm_syntax() {
        let a = EncouragementArm::parse("--control", " 10, 2 ,9,1").expect("valid");
        assert_eq!(a, EncouragementArm::new("c", 10, 2, 9, 1).expect("valid"));
        let err = |t: &str| {
            EncouragementArm::parse("--control", t)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(err("10,2,9").starts_with("--control: expected N,USERS,SUCCESSES,"));
        assert!(err("10,2,9,1,0").starts_with("--control: expected N,USERS,"));
        assert!(err("10,x,9,1").starts_with("--control: USERS must be an integer"));
        assert_eq!(err("10,11,0,0"), "--control: users exceed n");
    }

    #[test]
    fn zero_first_stage() {
        let a = EncouragementArm::new("t", 100, 10, 20, 5).expect("valid");
        let e = encouragement(
            Arms {
                treated: a,
                control: a,
            },
            0.05,
        )
        .expect("ok");
        assert!(e.cace.is_none());
        assert_eq!(e.itt.estimate, 0.0);
        // fs = 0, ITT = 0, F = 0: weak, and the AR set is the whole line.
        assert!(e.first_stage.weak && e.compliers.is_none());
        assert_eq!(e.first_stage.f_statistic, Some(0.0));
        assert_eq!(e.anderson_rubin, ConfidenceSet::WholeLine);
    }

    fn issue_example(treated_users: u64) -> Encouragement {
        let arms = Arms {
            treated: EncouragementArm::new("t", 5000, treated_users, 1080, 90).expect("valid"),
            control: EncouragementArm::new("c", 5000, 250, 1000, 50).expect("valid"),
        };
        encouragement(arms, 0.05).expect("ok")
    }

    #[test]
    fn weak_first_stage_of_the_issue() {
        // Take-up 300 vs 250 of 5,000: F about 4.8, CACE +160 points whose
        // Wald interval includes 0 while the ITT's excludes it.
        let e = issue_example(300);
        let f = e.first_stage.f_statistic.expect("defined");
        assert!((f - 4.812_319_538_017_319).abs() < 1e-9, "{f}");
        assert!(e.first_stage.weak);
        let cace = e.cace.expect("defined");
        assert!((cace.estimate - 1.6).abs() < 1e-12);
        assert!(cace.ci.contains(0.0) && !e.itt.ci.contains(0.0));
        // F > z²: the Anderson-Rubin set is bounded, and excludes 0 as the ITT does.
        let ConfidenceSet::Interval { lower, upper } = e.anderson_rubin else {
            panic!("{:?}", e.anderson_rubin)
        };
        assert!((lower - 0.009_509_970_747_960_84).abs() < 1e-12, "{lower}");
        assert!((upper - 15.468_238_685_069_638).abs() < 1e-9, "{upper}");
        // Compliers: 80 % with the service, −80 % without: no relative CACE.
        let c = e.compliers.expect("defined");
        assert!((c.with_service.estimate - 0.8).abs() < 1e-12);
        assert!((c.without_service.estimate + 0.8).abs() < 1e-12);
        assert_eq!(c.relative_cace, None);
    }

    #[test]
    fn very_weak_first_stage_warns() {
        // Take-up 260 vs 250: F about 0.2, CACE +800 points.
        let e = issue_example(260);
        assert!(
            e.first_stage
                .f_statistic
                .is_some_and(|f| (f - 0.2066).abs() < 1e-4)
        );
        assert!(e.first_stage.weak);
        assert!(e.cace.is_some_and(|c| (c.estimate - 8.0).abs() < 1e-9));
        let ConfidenceSet::TwoHalfLines { below, above } = e.anderson_rubin else {
            panic!("{:?}", e.anderson_rubin)
        };
        assert!(below < 0.0 && above > 0.0 && !e.anderson_rubin.contains(0.0));
        assert!(e.anderson_rubin.contains(8.0));
    }

    #[test]
    fn strong_first_stage_and_relative_cace() {
        let arms = Arms {
            treated: EncouragementArm::new("t", 1000, 300, 250, 90).expect("valid"),
            control: EncouragementArm::new("c", 1000, 100, 200, 25).expect("valid"),
        };
        let e = encouragement(arms, 0.05).expect("ok");
        assert!(!e.first_stage.weak);
        let c = e.compliers.expect("defined");
        let cace = e.cace.expect("defined").estimate;
        assert!((c.with_service.estimate - c.without_service.estimate - cace).abs() < 1e-12);
        // (0.09 − 0.025)/0.2 and ((0.2 − 0.025) − (0.25 − 0.09))/0.2.
        assert!((c.with_service.estimate - 0.325).abs() < 1e-12);
        assert!((c.without_service.estimate - 0.075).abs() < 1e-12);
        let rel = c.relative_cace.expect("positive base");
        assert!((rel - 0.25 / 0.075).abs() < 1e-9);
    }

    #[test]
    fn quadratic_sets() {
        use ConfidenceSet as S;
        assert_eq!(
            S::quadratic(1.0, 0.0, -4.0),
            S::Interval {
                lower: -2.0,
                upper: 2.0
            }
        );
        assert_eq!(
            S::quadratic(-1.0, 0.0, 4.0),
            S::TwoHalfLines {
                below: -2.0,
                above: 2.0
            }
        );
        assert_eq!(S::quadratic(1.0, 0.0, 1.0), S::Empty);
        assert_eq!(S::quadratic(-1.0, 0.0, -1.0), S::WholeLine);
        assert_eq!(S::quadratic(0.0, 2.0, -4.0), S::AtMost { upper: 2.0 });
        assert_eq!(S::quadratic(0.0, -2.0, -4.0), S::AtLeast { lower: -2.0 });
        assert_eq!(S::quadratic(0.0, 0.0, 0.0), S::WholeLine);
        assert_eq!(S::quadratic(0.0, 0.0, 1.0), S::Empty);
        // A root that overflows falls back on the linear part.
        assert_eq!(S::quadratic(1e-320, 1.0, -1.0), S::AtMost { upper: 1.0 });
    }

    #[test]
    fn mde_on_users() {
        let d = Design::new(0.2);
        let itt = mde(&d, 5000.0, 0.8, PowerMethod::NormalPooled)
            .expect("ok")
            .expect("some");
        let users = mde_users(&d, 5000.0, 0.8, PowerMethod::NormalPooled, 0.1)
            .expect("ok")
            .expect("some");
        assert!((users - 10.0 * itt).abs() < 1e-12);
        for bad in [0.0, -0.1, 1.5, f64::NAN] {
            assert!(mde_users(&d, 5000.0, 0.8, PowerMethod::NormalPooled, bad).is_err());
        }
    }
}
