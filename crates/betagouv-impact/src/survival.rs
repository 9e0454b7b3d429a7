//! Return-to-work curves: Kaplan-Meier with right censoring, Greenwood
//! variance, log-log intervals, median and the log-rank test.
//!
//! Conventions: at a tie, events come before censorings (someone censored at
//! `t` is at risk at `t`); `S(t)` is right-continuous and computed as a
//! direct product `Π (n_j − d_j)/n_j`; the median is the smallest event time
//! with `S(t) ≤ 0.5` (lifelines' rule; R takes a midpoint on a flat 0.5).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::compare::{TestResult, known_reason};
use crate::error::{Error, Result};
use crate::limits::{LOGRANK_MAX_GROUPS, check_alpha, check_time};
use crate::proportion::Interval;
use crate::special::{chi2_sf, z_crit};

/// Counts at one distinct time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeRow {
    /// The time (e.g. days since the cohort's start), finite and ≥ 0.
    pub time: f64,
    /// Events (returns to work) at that time.
    pub events: u64,
    /// Censorings at that time.
    pub censored: u64,
}

/// Sufficient statistics of right-censored durations: per distinct time, the
/// number of events and of censorings, sorted by time. Two tables merge
/// exactly (a `GROUP BY group, duration` computed elsewhere combines with
/// local data). Deserializing checks that the times are finite, ≥ 0 and
/// strictly increasing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawTable")]
pub struct SurvivalTable {
    rows: Vec<TimeRow>,
}

/// The serialized form of [`SurvivalTable`], validated on reading.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    rows: Vec<TimeRow>,
}

impl TryFrom<RawTable> for SurvivalTable {
    type Error = Error;
    fn try_from(raw: RawTable) -> Result<Self> {
        let mut previous = None;
        for r in &raw.rows {
            check_time("time", r.time)?;
            if previous.is_some_and(|p: f64| p >= r.time) {
                return Err(Error::InvalidParameter {
                    name: "time",
                    expected: "strictly increasing across the rows",
                    value: r.time,
                });
            }
            previous = Some(r.time);
        }
        // -0 and 0 are one time.
        let rows = raw
            .rows
            .into_iter()
            .map(|r| TimeRow {
                time: r.time + 0.0,
                ..r
            })
            .collect();
        Ok(Self { rows })
    }
}

/// Whole-number durations below this (e.g. days) are counted in an array.
const ARRAY_LIMIT: f64 = 4_194_304.0;

/// Whether a whole time `t` may index the counting array, given `seen`
/// records so far: the array stays proportional to the records.
fn array_fits(t: f64, seen: usize) -> bool {
    t < ARRAY_LIMIT && t <= seen.saturating_mul(16).saturating_add(65_536) as f64
}

impl SurvivalTable {
    /// Builds the table from `(duration, event)` pairs (`event` true = the
    /// person returned to work, false = censored).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite duration.
    pub fn from_records<I: IntoIterator<Item = (f64, bool)>>(records: I) -> Result<Self> {
        // Count whole-number durations (e.g. days) directly in an array;
        // fall back to sorting at the first other value.
        let mut counts: Vec<(u64, u64)> = Vec::new();
        let mut iter = records.into_iter();
        for (seen, (t, e)) in iter.by_ref().enumerate() {
            check_time("duration", t)?;
            if t.fract() != 0.0 || !array_fits(t, seen) {
                let mut v = Self::counts_to_rows(&counts).flatten_records();
                v.push((t, e));
                for (t, e) in iter {
                    check_time("duration", t)?;
                    v.push((t, e));
                }
                return Ok(Self::from_vec(v));
            }
            // 0 <= t < 2^22 and whole: the cast is exact.
            let i = t as usize;
            if i >= counts.len() {
                counts.resize(i + 1, (0, 0));
            }
            if e {
                counts[i].0 += 1;
            } else {
                counts[i].1 += 1;
            }
        }
        Ok(Self::counts_to_rows(&counts))
    }

    fn counts_to_rows(counts: &[(u64, u64)]) -> Self {
        let rows = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.0 + c.1 > 0)
            .map(|(t, c)| TimeRow {
                time: t as f64,
                events: c.0,
                censored: c.1,
            })
            .collect();
        Self { rows }
    }

    fn flatten_records(&self) -> Vec<(f64, bool)> {
        let mut v = Vec::new();
        for r in &self.rows {
            v.extend(std::iter::repeat_n((r.time, true), r.events as usize));
            v.extend(std::iter::repeat_n((r.time, false), r.censored as usize));
        }
        v
    }

    /// A table from rows sorted by distinct valid times.
    pub(crate) fn from_sorted_rows(rows: Vec<TimeRow>) -> Self {
        Self { rows }
    }

    /// Tables per group from `(events, censored)` counts keyed by the bits of
    /// valid times (finite, ≥ 0, never -0: such bits sort as the times do).
    pub(crate) fn tables_from_bits(
        per_group: BTreeMap<String, BTreeMap<u64, (u64, u64)>>,
    ) -> BTreeMap<String, Self> {
        per_group
            .into_iter()
            .map(|(g, times)| {
                let rows = times
                    .into_iter()
                    .map(|(bits, (events, censored))| TimeRow {
                        time: f64::from_bits(bits),
                        events,
                        censored,
                    })
                    .collect();
                (g, Self::from_sorted_rows(rows))
            })
            .collect()
    }

    /// Same as [`SurvivalTable::from_records`] for already validated records.
    fn from_vec(mut v: Vec<(f64, bool)>) -> Self {
        // Fast path: whole-number durations below 2^22 (e.g. days) are
        // counted in an array, in linear time, when the array stays
        // proportional to the records.
        let max = v.iter().fold(0.0_f64, |m, r| m.max(r.0));
        if array_fits(max, v.len()) && v.iter().all(|r| r.0.fract() == 0.0) {
            // max < 2^22: the cast is exact and the vector small.
            let mut counts = vec![(0u64, 0u64); max as usize + 1];
            for &(t, e) in &v {
                let c = &mut counts[t as usize];
                if e {
                    c.0 += 1;
                } else {
                    c.1 += 1;
                }
            }
            let rows = counts
                .iter()
                .enumerate()
                .filter(|(_, c)| c.0 + c.1 > 0)
                .map(|(t, c)| TimeRow {
                    time: t as f64,
                    events: c.0,
                    censored: c.1,
                })
                .collect();
            return Self { rows };
        }
        // -0.0 and 0.0 are one time.
        for r in &mut v {
            r.0 += 0.0;
        }
        v.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut rows: Vec<TimeRow> = Vec::new();
        for (t, e) in v {
            match rows.last_mut() {
                Some(last) if last.time == t => {
                    if e {
                        last.events += 1;
                    } else {
                        last.censored += 1;
                    }
                }
                _ => rows.push(TimeRow {
                    time: t,
                    events: u64::from(e),
                    censored: u64::from(!e),
                }),
            }
        }
        Self { rows }
    }

    /// Adds `events` and `censored` counts at `time` (e.g. one row of a SQL
    /// `GROUP BY`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite time;
    /// [`Error::CountOverflow`] when a count at `time` would exceed `u64::MAX`
    /// (totals such as [`SurvivalTable::n`] saturate).
    pub fn add(&mut self, time: f64, events: u64, censored: u64) -> Result<()> {
        check_time("duration", time)?;
        let overflow = || Error::CountOverflow {
            what: "survival table",
        };
        let time = time + 0.0;
        match self.rows.binary_search_by(|r| r.time.total_cmp(&time)) {
            Ok(i) => {
                let row = &mut self.rows[i];
                let e = row.events.checked_add(events).ok_or_else(overflow)?;
                let c = row.censored.checked_add(censored).ok_or_else(overflow)?;
                (row.events, row.censored) = (e, c);
            }
            Err(i) => self.rows.insert(
                i,
                TimeRow {
                    time,
                    events,
                    censored,
                },
            ),
        }
        Ok(())
    }

    /// Merges another table into this one (counts saturate at `u64::MAX`).
    pub fn merge(&mut self, other: &SurvivalTable) {
        let mut out = Vec::with_capacity(self.rows.len() + other.rows.len());
        let (mut i, mut j) = (0, 0);
        while i < self.rows.len() || j < other.rows.len() {
            let next = match (self.rows.get(i), other.rows.get(j)) {
                (Some(a), Some(b)) if a.time == b.time => {
                    i += 1;
                    j += 1;
                    TimeRow {
                        time: a.time,
                        events: a.events.saturating_add(b.events),
                        censored: a.censored.saturating_add(b.censored),
                    }
                }
                (Some(a), Some(b)) if a.time < b.time => {
                    i += 1;
                    *a
                }
                (Some(_), Some(b)) | (None, Some(b)) => {
                    j += 1;
                    *b
                }
                (Some(a), None) => {
                    i += 1;
                    *a
                }
                (None, None) => break,
            };
            out.push(next);
        }
        self.rows = out;
    }

    /// The rows, sorted by time.
    #[must_use]
    pub fn rows(&self) -> &[TimeRow] {
        &self.rows
    }

    /// Number of people (saturating at `u64::MAX`).
    #[must_use]
    pub fn n(&self) -> u64 {
        self.rows.iter().fold(0u64, |s, r| {
            s.saturating_add(r.events).saturating_add(r.censored)
        })
    }

    /// Number of events (saturating at `u64::MAX`).
    #[must_use]
    pub fn events(&self) -> u64 {
        self.rows
            .iter()
            .fold(0u64, |s, r| s.saturating_add(r.events))
    }
}

/// A fitted Kaplan-Meier curve (steps at the event times). Serialized as its
/// three columns (`times`, `survival`, `greenwood`); deserializing checks
/// that they have the same length and reads a `null` Greenwood sum (JSON's
/// form of the infinite sum after `S` reaches 0) as infinite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawKaplanMeier")]
pub struct KaplanMeier {
    times: Vec<f64>,
    survival: Vec<f64>,
    /// Cumulative Greenwood sum `Σ d/(n(n−d))` (infinite after S drops to 0).
    greenwood: Vec<f64>,
}

/// The serialized form of [`KaplanMeier`], validated on reading.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKaplanMeier {
    times: Vec<f64>,
    survival: Vec<f64>,
    greenwood: Vec<Option<f64>>,
}

impl TryFrom<RawKaplanMeier> for KaplanMeier {
    type Error = Error;
    fn try_from(raw: RawKaplanMeier) -> Result<Self> {
        let n = raw.times.len();
        if raw.survival.len() != n || raw.greenwood.len() != n {
            return Err(Error::InvalidParameter {
                name: "survival",
                expected: "as many values as times (and as greenwood)",
                value: raw.survival.len() as f64,
            });
        }
        if raw.times.windows(2).any(|w| w[0].total_cmp(&w[1]).is_ge()) {
            return Err(Error::InvalidParameter {
                name: "times",
                expected: "strictly increasing",
                value: f64::NAN,
            });
        }
        Ok(Self {
            times: raw.times,
            survival: raw.survival,
            greenwood: raw
                .greenwood
                .into_iter()
                .map(|g| g.unwrap_or(f64::INFINITY))
                .collect(),
        })
    }
}

impl KaplanMeier {
    /// Fits the curve.
    ///
    /// ```
    /// use betagouv_impact::{KaplanMeier, SurvivalTable};
    /// let t = SurvivalTable::from_records([(10.0, true), (20.0, false), (30.0, true), (40.0, true)])?;
    /// let km = KaplanMeier::fit(&t);
    /// assert_eq!(km.survival_at(10.0)?, 0.75);
    /// assert_eq!(km.survival_at(35.0)?, 0.375);
    /// assert!(km.survival_at(f64::NAN).is_err());
    /// assert_eq!(km.median(), Some(30.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn fit(table: &SurvivalTable) -> Self {
        let mut at_risk = table.n();
        let (mut times, mut survival, mut greenwood) = (Vec::new(), Vec::new(), Vec::new());
        let (mut s, mut g) = (1.0_f64, 0.0_f64);
        for r in &table.rows {
            if r.events > 0 {
                // at_risk >= events unless counts saturated at u64::MAX.
                let (n, d) = (at_risk.max(r.events) as f64, r.events as f64);
                s *= (n - d) / n;
                g += if at_risk > r.events && n > d {
                    d / (n * (n - d))
                } else {
                    f64::INFINITY
                };
                times.push(r.time);
                survival.push(s);
                greenwood.push(g);
            }
            at_risk = at_risk.saturating_sub(r.events).saturating_sub(r.censored);
        }
        Self {
            times,
            survival,
            greenwood,
        }
    }

    fn index_at(&self, t: f64) -> Option<usize> {
        let k = self.times.partition_point(|&x| x <= t);
        k.checked_sub(1)
    }

    /// `S(t)`, the probability of still searching after `t` (1 before the
    /// first event).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (`at`) unless `t` is finite and ≥ 0.
    pub fn survival_at(&self, t: f64) -> Result<f64> {
        check_time("at", t)?;
        Ok(self.index_at(t).map_or(1.0, |i| self.survival[i]))
    }

    /// `F(t) = 1 − S(t)`, the probability of having returned to work by `t`.
    ///
    /// # Errors
    /// As [`KaplanMeier::survival_at`].
    pub fn cumulative_incidence_at(&self, t: f64) -> Result<f64> {
        Ok(1.0 - self.survival_at(t)?)
    }

    /// Greenwood variance of `S(t)`: `S² Σ d/(n(n−d))`; `None` where `S = 0`.
    ///
    /// # Errors
    /// As [`KaplanMeier::survival_at`].
    pub fn variance_at(&self, t: f64) -> Result<Option<f64>> {
        check_time("at", t)?;
        let Some(i) = self.index_at(t) else {
            return Ok(Some(0.0));
        };
        let v = self.survival[i].powi(2) * self.greenwood[i];
        Ok(v.is_finite().then_some(v))
    }

    /// Log-log ("exponential Greenwood") interval of `S(t)` at level
    /// `1 − alpha`; `None` where it is undefined (`S(t)` is 0 or 1).
    ///
    /// # Errors
    /// [`Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5];
    /// [`Error::InvalidParameter`] (`at`) unless `t` is finite and ≥ 0.
    pub fn ci_at(&self, t: f64, alpha: f64) -> Result<Option<Interval>> {
        check_alpha(alpha)?;
        check_time("at", t)?;
        let Some(i) = self.index_at(t) else {
            return Ok(None);
        };
        let s = self.survival[i];
        if s <= 0.0 || s >= 1.0 || s.is_nan() || !self.greenwood[i].is_finite() {
            return Ok(None);
        }
        let z = z_crit(alpha);
        let v = s.ln();
        let sigma = self.greenwood[i].sqrt();
        let a = (-(((-v).ln() - z * sigma / v).exp())).exp();
        let b = (-(((-v).ln() + z * sigma / v).exp())).exp();
        Ok(Interval {
            lower: a.min(b),
            upper: a.max(b),
        }
        .finite())
    }

    /// The restricted mean survival time up to `t`, `∫_0^t S(u) du` (the mean time
    /// still searching within the horizon; `t − rmst` is the mean time lost before
    /// returning to work), as lifelines `restricted_mean_survival_time(kmf, t)`. In
    /// `[0, t]`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (`at`) unless `t` is finite and ≥ 0.
    ///
    /// ```
    /// use betagouv_impact::{KaplanMeier, SurvivalTable};
    /// let t = SurvivalTable::from_records([(10.0, true), (20.0, false), (30.0, true), (40.0, true)])?;
    /// let km = KaplanMeier::fit(&t);
    /// // 10 days at S = 1, 20 at 0.75, 5 at 0.375.
    /// assert_eq!(km.rmst(35.0)?, 10.0 + 15.0 + 1.875);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rmst(&self, t: f64) -> Result<f64> {
        check_time("at", t)?;
        // At most t, also when rounding of the pieces' sum would pass it.
        let area: f64 = self.pieces(t).map(|(a, b, s)| s * (b - a)).sum();
        Ok(area.min(t))
    }

    /// The pieces `[a, b)` of `[0, t)` on which `S` is constant, with its value.
    fn pieces(&self, t: f64) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
        let steps = self.index_at(t).map_or(0, |i| i + 1);
        let starts = std::iter::once((0.0, 1.0)).chain(self.steps().take(steps));
        let ends = self.times[..steps]
            .iter()
            .copied()
            .chain(std::iter::once(t));
        starts
            .zip(ends)
            .map(move |((a, s), b)| (a.min(t), b.min(t), s))
            .filter(|(a, b, _)| b > a)
    }

    /// The variance of the restricted survival time `min(T, t)` under the fitted curve,
    /// `2∫_0^t u·S(u) du − rmst(t)²`: what lifelines returns as the variance of
    /// `restricted_mean_survival_time(kmf, t, return_variance=True)`. It describes the
    /// spread of the times, not the uncertainty of [`KaplanMeier::rmst`] (for that, see
    /// [`KaplanMeier::rmst_variance`]).
    ///
    /// `None` when it overflows (horizons beyond about 1e154).
    ///
    /// # Errors
    /// As [`KaplanMeier::rmst`].
    pub fn restricted_time_variance(&self, t: f64) -> Result<Option<f64>> {
        let mean = self.rmst(t)?;
        let second: f64 = self.pieces(t).map(|(a, b, s)| s * (b * b - a * a)).sum();
        let variance = second - mean * mean;
        Ok(variance.is_finite().then_some(variance.max(0.0)))
    }

    /// The variance of the estimator [`KaplanMeier::rmst`] (Greenwood's form, as R
    /// `survival`'s `print(fit, rmean = t)` and Klein & Moeschberger §4.5):
    /// `Σ_{t_j ≤ t} A_j²·d_j/(n_j(n_j − d_j))`, `A_j = ∫_{t_j}^t S(u) du`. `None` when a
    /// term is infinite (the curve reached 0 before `t` with counts that saturated).
    ///
    /// # Errors
    /// As [`KaplanMeier::rmst`].
    pub fn rmst_variance(&self, t: f64) -> Result<Option<f64>> {
        let total = self.rmst(t)?;
        let Some(last) = self.index_at(t) else {
            return Ok(Some(0.0));
        };
        let (mut before, mut variance) = (0.0, 0.0);
        let (mut previous_time, mut previous_s, mut previous_g) = (0.0, 1.0, 0.0);
        for j in 0..=last {
            before += previous_s * (self.times[j] - previous_time);
            let after = (total - before).max(0.0);
            let increment = self.greenwood[j] - previous_g;
            if after > 0.0 {
                if !increment.is_finite() {
                    return Ok(None);
                }
                variance += after * after * increment;
            }
            (previous_time, previous_s, previous_g) =
                (self.times[j], self.survival[j], self.greenwood[j]);
        }
        Ok(variance.is_finite().then_some(variance))
    }

    /// Median time: the smallest event time with `S(t) ≤ 0.5`; `None` when
    /// the curve never reaches 0.5.
    #[must_use]
    pub fn median(&self) -> Option<f64> {
        self.survival
            .iter()
            .position(|&s| s <= 0.5)
            .map(|i| self.times[i])
    }

    /// The event times and `S` just after each.
    pub fn steps(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.times
            .iter()
            .copied()
            .zip(self.survival.iter().copied())
    }
}

/// Log-rank test of equal survival curves across `k ≥ 2` groups (Mantel
/// 1966), chi-square with `k − 1` df. `None` with fewer than two groups,
/// more than [`LOGRANK_MAX_GROUPS`], or when the variance matrix is singular
/// (e.g. no event at all). Cost: `O(T·k²)` for `T` distinct times.
#[must_use]
pub fn logrank(tables: &[&SurvivalTable]) -> Option<TestResult> {
    let k = tables.len();
    if !(2..=LOGRANK_MAX_GROUPS).contains(&k) {
        return None;
    }
    let (u, v) = scores_and_covariance(tables);
    quadratic_form(&u, &v)
}

/// Observed and expected events of one group under equal curves (log-rank).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ObservedExpected {
    /// Events observed in the group.
    pub observed: f64,
    /// Events expected if every group had the pooled curve: `Σ n_gj·d_j/n_j`.
    pub expected: f64,
}

impl ObservedExpected {
    /// Whether the group had more events than expected (returns to work sooner than
    /// under equal curves).
    #[must_use]
    pub fn more_than_expected(&self) -> bool {
        self.observed > self.expected
    }
}

/// The direction of the log-rank test: each group's observed and expected events, in the
/// order given (R `survdiff`'s `obs` and `exp`). `None` with fewer than two groups or more
/// than [`LOGRANK_MAX_GROUPS`].
#[must_use]
pub fn logrank_observed_expected(tables: &[&SurvivalTable]) -> Option<Vec<ObservedExpected>> {
    if !(2..=LOGRANK_MAX_GROUPS).contains(&tables.len()) {
        return None;
    }
    let (u, _) = scores_and_covariance(tables);
    Some(
        tables
            .iter()
            .zip(u)
            .map(|(t, u)| {
                let observed = t.events() as f64;
                ObservedExpected {
                    observed,
                    expected: observed - u,
                }
            })
            .collect(),
    )
}

/// The log-rank scores `U` (observed minus expected events of each group) and their
/// covariance `V`, accumulated over the distinct times of all groups.
fn scores_and_covariance(tables: &[&SurvivalTable]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let k = tables.len();
    let mut at_risk: Vec<f64> = tables.iter().map(|t| t.n() as f64).collect();
    let mut pos = vec![0usize; k];
    let mut u = vec![0.0; k];
    let mut v = vec![vec![0.0; k]; k];
    let mut d_g = vec![0.0; k];
    let mut c_g = vec![0.0; k];
    loop {
        // Next time across groups.
        let mut t = f64::INFINITY;
        for (g, table) in tables.iter().enumerate() {
            if let Some(r) = table.rows.get(pos[g]) {
                t = t.min(r.time);
            }
        }
        if !t.is_finite() {
            break;
        }
        for (g, table) in tables.iter().enumerate() {
            match table.rows.get(pos[g]) {
                Some(r) if r.time == t => {
                    d_g[g] = r.events as f64;
                    c_g[g] = r.censored as f64;
                    pos[g] += 1;
                }
                _ => {
                    d_g[g] = 0.0;
                    c_g[g] = 0.0;
                }
            }
        }
        let d: f64 = d_g.iter().sum();
        let n: f64 = at_risk.iter().sum();
        if d > 0.0 && n > 0.0 {
            for g in 0..k {
                u[g] += d_g[g] - at_risk[g] * d / n;
            }
            if n > 1.0 {
                let f = d * (n - d) / (n - 1.0);
                for g in 0..k {
                    let pg = at_risk[g] / n;
                    for h in 0..k {
                        let ph = at_risk[h] / n;
                        v[g][h] += f * pg * (if g == h { 1.0 } else { 0.0 } - ph);
                    }
                }
            }
        }
        for g in 0..k {
            at_risk[g] -= d_g[g] + c_g[g];
        }
    }
    (u, v)
}

/// `U' V⁻¹ U` on the first `k − 1` groups, with its chi-square p-value (`k − 1`
/// degrees of freedom); `None` when `V` is singular or the statistic not finite.
fn quadratic_form(u: &[f64], v: &[Vec<f64>]) -> Option<TestResult> {
    let k = u.len();
    // Drop the last group: U' V⁻¹ U on k − 1 dimensions.
    let m = k - 1;
    let mut a: Vec<Vec<f64>> = (0..m).map(|i| v[i][..m].to_vec()).collect();
    let mut b: Vec<f64> = u[..m].to_vec();
    let scale = (0..m).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    if scale.is_nan() || scale <= 0.0 {
        return None;
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..m {
        let piv = (col..m).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() <= 1e-12 * scale {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        for row in col + 1..m {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col].clone();
            for (x, p) in a[row].iter_mut().zip(&pivot_row).skip(col) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; m];
    for row in (0..m).rev() {
        let s: f64 = (row + 1..m).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    let stat: f64 = (0..m).map(|i| u[i] * x[i]).sum::<f64>().max(0.0);
    if !stat.is_finite() {
        return None;
    }
    Some(TestResult {
        statistic: stat,
        p_value: chi2_sf(stat, m as f64),
    })
}

/// One point of a curve in [`SurvivalSummary`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AtPoint {
    /// The horizon.
    pub t: f64,
    /// `S(t)`.
    pub survival: f64,
    /// Log-log interval of `S(t)`; `None` where `S(t)` is 0 or 1.
    pub ci: Option<Interval>,
    /// `1 − S(t)`.
    pub cumulative_incidence: f64,
}

/// One group in [`SurvivalSummary`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSurvival {
    /// People.
    pub n: u64,
    /// Events.
    pub events: u64,
    /// Median time; `None` when S never reaches 0.5.
    pub median: Option<f64>,
    /// The curve at the requested horizons.
    pub at: Vec<AtPoint>,
}

/// Curves per group and the log-rank test, as printed by `betagouv impact survival`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalSummary {
    /// Groups by name.
    pub groups: BTreeMap<String, GroupSurvival>,
    /// Log-rank test across all groups; `None` with one group, when
    /// undefined, or with more than [`LOGRANK_MAX_GROUPS`] groups.
    pub logrank: Option<TestResult>,
    /// Why the log-rank test was not computed although there are at least
    /// two groups (too many groups); absent from the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logrank_not_computed: Option<&'static str>,
}

/// The serialized form of [`SurvivalSummary`], whose reason is checked on
/// reading.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSummary {
    groups: BTreeMap<String, GroupSurvival>,
    logrank: Option<TestResult>,
    #[serde(default)]
    logrank_not_computed: Option<String>,
}

// By hand: a derived impl would borrow the `&'static str` field, and so
// require `'de: 'static`.
impl<'de> Deserialize<'de> for SurvivalSummary {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Self::try_from(RawSummary::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<RawSummary> for SurvivalSummary {
    type Error = String;
    fn try_from(raw: RawSummary) -> std::result::Result<Self, String> {
        Ok(Self {
            groups: raw.groups,
            logrank: raw.logrank,
            logrank_not_computed: known_reason(raw.logrank_not_computed, LOGRANK_NOT_COMPUTED)?,
        })
    }
}

/// The reason given when the log-rank test is not computed.
pub const LOGRANK_NOT_COMPUTED: &str =
    "more than 32 groups (the size bound of the log-rank test in this crate)";

/// Summarises groups at the horizons `at`. Cost: linear in the rows of the
/// tables and in `at`, plus the log-rank test.
///
/// # Errors
/// [`Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5];
/// [`Error::InvalidParameter`] (`at`) unless every horizon is finite and ≥ 0.
pub fn summarize_survival(
    groups: &BTreeMap<String, SurvivalTable>,
    at: &[f64],
    alpha: f64,
) -> Result<SurvivalSummary> {
    check_alpha(alpha)?;
    for &t in at {
        check_time("at", t)?;
    }
    let mut out = BTreeMap::new();
    for (name, table) in groups {
        let km = KaplanMeier::fit(table);
        let mut points = Vec::with_capacity(at.len());
        for &t in at {
            let s = km.survival_at(t)?;
            points.push(AtPoint {
                t,
                survival: s,
                ci: km.ci_at(t, alpha)?,
                cumulative_incidence: 1.0 - s,
            });
        }
        out.insert(
            name.clone(),
            GroupSurvival {
                n: table.n(),
                events: table.events(),
                median: km.median(),
                at: points,
            },
        );
    }
    let tables: Vec<&SurvivalTable> = groups.values().collect();
    Ok(SurvivalSummary {
        groups: out,
        logrank: logrank(&tables),
        logrank_not_computed: (tables.len() > LOGRANK_MAX_GROUPS).then_some(LOGRANK_NOT_COMPUTED),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn censoring_after_events_at_ties() {
        let t = SurvivalTable::from_records([(5.0, true), (5.0, false), (6.0, true)]).expect("ok");
        let km = KaplanMeier::fit(&t);
        assert!((km.survival_at(5.0).expect("t") - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(km.survival_at(6.0).ok(), Some(0.0));
        assert_eq!(km.ci_at(6.0, 0.05).expect("alpha"), None);
        assert_eq!(km.ci_at(1.0, 0.05).expect("alpha"), None);
        assert_eq!(km.variance_at(6.0).ok(), Some(None));
    }

    #[test]
    fn merge_equals_one_pass() {
        let a = [(1.0, true), (3.0, false), (2.0, true)];
        let b = [(3.0, true), (0.5, false)];
        let mut ta = SurvivalTable::from_records(a).expect("ok");
        ta.merge(&SurvivalTable::from_records(b).expect("ok"));
        let all = SurvivalTable::from_records(a.into_iter().chain(b)).expect("ok");
        assert_eq!(ta, all);
        let mut tc = SurvivalTable::default();
        tc.add(3.0, 1, 1).expect("ok");
        assert_eq!(tc.n(), 2);
    }

    #[test]
    fn horizons_are_validated() {
        let t = SurvivalTable::from_records([(1.0, true), (2.0, false)]).expect("ok");
        let groups: BTreeMap<String, SurvivalTable> = [("a".to_owned(), t)].into();
        for bad in [f64::NAN, f64::INFINITY, -1.0] {
            let e = summarize_survival(&groups, &[30.0, bad], 0.05).err();
            assert!(e.is_some_and(|e| e.to_string().starts_with("at must be finite and >= 0")));
        }
        assert!(summarize_survival(&groups, &[0.0, 1e300], 0.05).is_ok());
    }

    #[test]
    fn counts_never_overflow() {
        let mut t = SurvivalTable::default();
        t.add(1.0, u64::MAX, 0).expect("fits");
        assert!(matches!(t.add(1.0, 1, 0), Err(Error::CountOverflow { .. })));
        t.add(1.0, 0, 1).expect("another count");
        t.add(2.0, 1, 0).expect("another time");
        assert_eq!(t.n(), u64::MAX);
        let mut u = t.clone();
        u.merge(&t);
        assert_eq!(u.n(), u64::MAX);
        let km = KaplanMeier::fit(&u);
        assert_eq!(km.survival_at(1.0).ok(), Some(0.0));
    }

    #[test]
    fn logrank_is_bounded_in_groups() {
        let groups: BTreeMap<String, SurvivalTable> = (0..=LOGRANK_MAX_GROUPS)
            .map(|g| {
                let t = SurvivalTable::from_records([(g as f64, true), (1.0, false)]).expect("ok");
                (format!("g{g}"), t)
            })
            .collect();
        let s = summarize_survival(&groups, &[], 0.05).expect("summary");
        assert_eq!(s.logrank, None);
        assert_eq!(s.logrank_not_computed, Some(LOGRANK_NOT_COMPUTED));
        let few: Vec<&SurvivalTable> = groups.values().take(LOGRANK_MAX_GROUPS).collect();
        assert!(logrank(&few).is_some());
    }

    #[test]
    fn array_path_stays_proportional() {
        // One record at a large whole time goes through the sorted path.
        let t = SurvivalTable::from_records([(4_000_000.0, true)]).expect("ok");
        assert_eq!(t.rows().len(), 1);
        assert!(!array_fits(4_000_000.0, 1) && array_fits(100.0, 1));
    }

    #[test]
    fn logrank_needs_two_groups_and_events() {
        let t = SurvivalTable::from_records([(1.0, false), (2.0, false)]).expect("ok");
        assert_eq!(logrank(&[&t]), None);
        assert_eq!(logrank(&[&t, &t]), None);
        assert!(SurvivalTable::from_records([(f64::NAN, true)]).is_err());
        assert!(SurvivalTable::from_records([(-1.0, true)]).is_err());
    }
}
