//! Encouragement designs: intent-to-treat, first stage and the complier
//! average causal effect (Wald / IV estimator) with its delta-method SE.

use serde::{Deserialize, Serialize};

use crate::compare::Arms;
use crate::error::{ParseCountsError, Result};
use crate::limits::check_alpha;
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

/// The first stage: extra take-up caused by the encouragement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FirstStage {
    /// `p_D(t) − p_D(c)`.
    pub estimate: f64,
    /// Its standard error.
    pub se: f64,
}

/// Result of [`encouragement`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Encouragement {
    /// Intent-to-treat effect `p_Y(t) − p_Y(c)` (unpooled SE).
    pub itt: Estimate,
    /// Take-up difference.
    pub first_stage: FirstStage,
    /// `itt / first_stage`, with the delta-method SE including the
    /// covariance of outcome and take-up (equal to the HC0 SE of
    /// just-identified 2SLS); `None` when the first stage is 0.
    pub cace: Option<Estimate>,
}

/// ITT, first stage and CACE at level `1 − alpha`. Plug-in variances use
/// the divisor n.
///
/// # Errors
/// [`crate::Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5].
///
/// ```
/// use betagouv_impact::{Arms, EncouragementArm, encouragement};
/// let treated = EncouragementArm::new("treated", 1000, 300, 250, 90)?;
/// let control = EncouragementArm::new("control", 1000, 100, 200, 25)?;
/// let e = encouragement(Arms { treated, control }, 0.05)?;
/// assert!((e.cace.map(|c| c.estimate).unwrap_or(0.0) - 0.25).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encouragement(arms: Arms<EncouragementArm>, alpha: f64) -> Result<Encouragement> {
    let Arms { treated, control } = arms;
    check_alpha(alpha)?;
    let z = z_crit(alpha);
    let (yt, dt, ydt) = treated.rates();
    let (yc, dc, ydc) = control.rates();
    let (nt, nc) = (treated.n as f64, control.n as f64);
    let itt = yt - yc;
    let v_itt = yt * (1.0 - yt) / nt + yc * (1.0 - yc) / nc;
    let fs = dt - dc;
    let v_fs = dt * (1.0 - dt) / nt + dc * (1.0 - dc) / nc;
    let cov = (ydt - yt * dt) / nt + (ydc - yc * dc) / nc;
    let se_itt = v_itt.max(0.0).sqrt();
    let cace = (fs != 0.0).then(|| {
        let beta = itt / fs;
        let var = ((v_itt - 2.0 * beta * cov + beta * beta * v_fs) / (fs * fs)).max(0.0);
        let se = var.sqrt();
        Estimate {
            estimate: beta,
            se,
            ci: Interval {
                lower: beta - z * se,
                upper: beta + z * se,
            },
        }
    });
    Ok(Encouragement {
        itt: Estimate {
            estimate: itt,
            se: se_itt,
            ci: Interval {
                lower: itt - z * se_itt,
                upper: itt + z * se_itt,
            },
        },
        first_stage: FirstStage {
            estimate: fs,
            se: v_fs.max(0.0).sqrt(),
        },
        cace,
    })
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
    }
}
