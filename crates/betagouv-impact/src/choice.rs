//! Which test to report for two cohorts, and why.
//!
//! [`compare`](crate::compare) computes every test; a report shows one p-value, and it
//! must be the right one for the counts. The rule (Cochran 1954, the project's
//! impact-statistics note §4):
//!
//! - every expected count of the 2×2 table at least 5: the pooled z-test (the score test,
//!   equal to Pearson's chi-square), accurate at these sizes and the natural test for
//!   cohorts of thousands;
//! - an expected count under 5: an exact test. Boschloo's unconditional test
//!   ([`boschloo_exact`](crate::boschloo_exact)) for two cohorts of fixed sizes (the
//!   design of a randomised, encouragement or observational comparison alike: only the
//!   row totals are fixed), more powerful than Fisher's; Fisher's conditional test
//!   ([`fisher_exact`](crate::fisher_exact)) when the arms are too large for Boschloo's
//!   (over [`BOSCHLOO_MAX_N`](crate::limits::BOSCHLOO_MAX_N) people), and the pooled
//!   z-test only past Fisher's own bound, said in the reason.
//!
//! The choice also says whether the test agrees with the interval a report shows beside
//! it (Newcombe's hybrid score interval of the difference at the same level): a p-value
//! under α with an interval containing 0, or the reverse, is flagged rather than hidden.
//! The pilot of the issue that asked for this, 12/12 users against 7/10 non-users, has an
//! expected count of 1.4: Boschloo's p-value is 0.063 (Fisher's 0.078) and agrees with a
//! Newcombe interval that contains 0, where the pooled z-test's 0.041 did not.

use serde::{Deserialize, Serialize};

use crate::compare::{Arms, difference_cis, fisher_exact, z_pooled};
use crate::error::Result;
use crate::exact::boschloo_exact;
use crate::limits::check_alpha;
use crate::proportion::{Counts, Interval};
use crate::special::z_crit;

/// The smallest expected count for the pooled z-test (Cochran's rule).
pub const MIN_EXPECTED_COUNT: f64 = 5.0;

/// A test of `p_t = p_c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TestKind {
    /// The pooled two-proportion z-test (score test; `z²` is Pearson's chi-square).
    PooledZ,
    /// Boschloo's unconditional exact test, two-sided.
    Boschloo,
    /// Fisher's exact test, two-sided.
    FisherExact,
}

impl TestKind {
    /// The test's name in English (`pooled z-test`, `Boschloo exact test`, `Fisher exact
    /// test`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            TestKind::PooledZ => "pooled z-test",
            TestKind::Boschloo => "Boschloo exact test",
            TestKind::FisherExact => "Fisher exact test",
        }
    }
}

/// Why [`choose_test`] chose its test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TestReason {
    /// Every expected count is at least [`MIN_EXPECTED_COUNT`]: the pooled z-test.
    LargeExpectedCounts,
    /// An expected count is under [`MIN_EXPECTED_COUNT`]: Boschloo's exact test.
    SmallExpectedCount,
    /// An expected count is under [`MIN_EXPECTED_COUNT`] but the arms are beyond
    /// Boschloo's size bound: Fisher's exact test.
    SmallExpectedCountLargeArms,
    /// An expected count is under [`MIN_EXPECTED_COUNT`] but the arms are beyond both
    /// exact tests' size bounds: the pooled z-test.
    SmallExpectedCountBeyondExactTests,
}

impl TestReason {
    /// The reason in English (`every expected count is at least 5`, ...).
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            TestReason::LargeExpectedCounts => "every expected count is at least 5",
            TestReason::SmallExpectedCount => "an expected count is under 5",
            TestReason::SmallExpectedCountLargeArms => {
                "an expected count is under 5; arms too large for Boschloo's test"
            }
            TestReason::SmallExpectedCountBeyondExactTests => {
                "an expected count is under 5; arms too large for an exact test"
            }
        }
    }
}

/// The test a report shows for two cohorts, with why, and whether it agrees with the
/// difference's interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChosenTest {
    /// The test.
    pub test: TestKind,
    /// Why this test.
    pub reason: TestReason,
    /// The smallest of the four expected counts under `p_t = p_c`.
    pub min_expected_count: f64,
    /// The test's statistic (z for the pooled z-test, the one-sided Fisher p-value for
    /// Boschloo's test); `None` for Fisher's test and where undefined.
    pub statistic: Option<f64>,
    /// Two-sided p-value; `None` where undefined (the pooled z-test when nobody, or
    /// everybody, succeeded).
    pub p_value: Option<f64>,
    /// Newcombe's interval of the difference at the same level.
    pub interval: Interval,
    /// Whether the test and the interval say the same: the p-value is under α exactly
    /// when the interval excludes 0; `None` without a p-value.
    pub agrees_with_interval: Option<bool>,
}

/// The smallest expected count of the 2×2 table of `arms` under `p_t = p_c`.
#[must_use]
pub fn min_expected_count(arms: Arms<Counts>) -> f64 {
    let Arms { treated, control } = arms;
    let total = treated.n() as f64 + control.n() as f64;
    let successes = treated.successes() as f64 + control.successes() as f64;
    let failures = total - successes;
    let smaller_arm = (treated.n().min(control.n())) as f64;
    smaller_arm * successes.min(failures) / total
}

/// Chooses the test of `p_t = p_c` a report shows (see the module's rule) and computes
/// it, with Newcombe's interval at level `1 − alpha` to check that they agree.
///
/// # Errors
/// [`crate::Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5].
///
/// ```
/// use betagouv_impact::{Arms, Counts, TestKind, choose_test};
/// let arms = Arms { treated: Counts::new("users", 12, 12)?, control: Counts::new("others", 7, 10)? };
/// let t = choose_test(arms, 0.05)?;
/// assert_eq!(t.test, TestKind::Boschloo);
/// assert!(t.p_value.is_some_and(|p| (p - 0.0628).abs() < 1e-4));
/// assert_eq!(t.agrees_with_interval, Some(true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn choose_test(arms: Arms<Counts>, alpha: f64) -> Result<ChosenTest> {
    check_alpha(alpha)?;
    let min_expected = min_expected_count(arms);
    let (test, reason, statistic, p_value) = if min_expected >= MIN_EXPECTED_COUNT {
        let z = z_pooled(arms);
        (
            TestKind::PooledZ,
            TestReason::LargeExpectedCounts,
            z.map(|t| t.statistic),
            z.map(|t| t.p_value),
        )
    } else if let Some(b) = boschloo_exact(arms) {
        (
            TestKind::Boschloo,
            TestReason::SmallExpectedCount,
            Some(b.statistic),
            Some(b.p_value),
        )
    } else if let Some(p) = fisher_exact(arms) {
        (
            TestKind::FisherExact,
            TestReason::SmallExpectedCountLargeArms,
            None,
            Some(p),
        )
    } else {
        let z = z_pooled(arms);
        (
            TestKind::PooledZ,
            TestReason::SmallExpectedCountBeyondExactTests,
            z.map(|t| t.statistic),
            z.map(|t| t.p_value),
        )
    };
    let interval = difference_cis(arms.treated, arms.control, alpha, z_crit(alpha)).newcombe;
    let excludes_zero = interval.lower > 0.0 || interval.upper < 0.0;
    Ok(ChosenTest {
        test,
        reason,
        min_expected_count: min_expected,
        statistic,
        p_value,
        interval,
        agrees_with_interval: p_value.map(|p| (p < alpha) == excludes_zero),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::tests::arms;

    #[test]
    fn the_issues_pilot_gets_an_exact_test() {
        let a = arms(12, 12, 7, 10);
        let t = choose_test(a, 0.05).expect("valid alpha");
        assert_eq!(t.test, TestKind::Boschloo);
        assert_eq!(t.reason, TestReason::SmallExpectedCount);
        assert!((t.min_expected_count - 10.0 * 3.0 / 22.0).abs() < 1e-12);
        // The pooled z-test's p-value, 0.0412, would contradict the interval.
        let z = z_pooled(a).expect("defined").p_value;
        assert!((z - 0.041_184_163_155_389_37).abs() < 1e-12);
        assert!(t.interval.contains(0.0));
        assert_eq!(t.agrees_with_interval, Some(true));
    }

    #[test]
    fn large_counts_keep_the_pooled_z_test() {
        let t = choose_test(arms(22_100, 100_000, 20_000, 100_000), 0.05).expect("valid");
        assert_eq!(t.test, TestKind::PooledZ);
        assert_eq!(t.reason, TestReason::LargeExpectedCounts);
        assert!(t.statistic.is_some_and(|z| z > 10.0));
        assert_eq!(t.agrees_with_interval, Some(true));
    }

    #[test]
    fn large_arms_with_few_events_fall_back_to_fisher() {
        let t = choose_test(arms(3, 50_000, 0, 50_000), 0.05).expect("valid");
        assert_eq!(t.test, TestKind::FisherExact);
        assert_eq!(t.reason, TestReason::SmallExpectedCountLargeArms);
        // scipy.stats.fisher_exact([[3, 49997], [0, 50000]]) -> 0.25
        assert!(t.p_value.is_some_and(|p| (p - 0.25).abs() < 1e-4));
        let t = choose_test(arms(0, 600_000_000, 1, 600_000_000), 0.05).expect("valid");
        assert_eq!(t.reason, TestReason::SmallExpectedCountBeyondExactTests);
        assert!(choose_test(arms(1, 2, 1, 2), 0.7).is_err());
    }

    #[test]
    fn nobody_succeeded() {
        let t = choose_test(arms(0, 4, 0, 6), 0.05).expect("valid");
        assert_eq!(t.test, TestKind::Boschloo);
        assert_eq!(t.p_value, Some(1.0));
        assert_eq!(t.min_expected_count, 0.0);
    }
}
