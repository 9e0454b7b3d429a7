//! Return-to-work curves: Kaplan-Meier with right censoring, Greenwood
//! variance, log-log intervals, median and the log-rank test.
//!
//! Conventions: at a tie, events come before censorings (someone censored at
//! `t` is at risk at `t`); `S(t)` is right-continuous and computed as a
//! direct product `Π (n_j − d_j)/n_j`; the median is the smallest event time
//! with `S(t) ≤ 0.5` (lifelines' rule; R takes a midpoint on a flat 0.5).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compare::TestResult;
use crate::error::{Error, Result, check_alpha};
use crate::proportion::Interval;
use crate::special::{chi2_sf, z_crit};

/// Counts at one distinct time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
/// local data).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SurvivalTable {
    rows: Vec<TimeRow>,
}

fn check_time(t: f64) -> Result<()> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name: "duration",
            expected: "finite and >= 0",
            value: t,
        })
    }
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
        for (t, e) in iter.by_ref() {
            check_time(t)?;
            if t.fract() != 0.0 || t >= 4_194_304.0 {
                let mut v = Self::counts_to_rows(&counts).flatten_records();
                v.push((t, e));
                for (t, e) in iter {
                    check_time(t)?;
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

    /// Same as [`SurvivalTable::from_records`] for already validated records.
    pub(crate) fn from_vec(mut v: Vec<(f64, bool)>) -> Self {
        // Fast path: whole-number durations below 2^22 (e.g. days) are
        // counted in an array, in linear time.
        const LIMIT: f64 = 4_194_304.0;
        let max = v.iter().fold(0.0_f64, |m, r| m.max(r.0));
        if max < LIMIT && v.iter().all(|r| r.0.fract() == 0.0) {
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
    /// [`Error::InvalidParameter`] for a negative or non-finite time.
    pub fn add(&mut self, time: f64, events: u64, censored: u64) -> Result<()> {
        check_time(time)?;
        let time = time + 0.0;
        match self.rows.binary_search_by(|r| r.time.total_cmp(&time)) {
            Ok(i) => {
                self.rows[i].events += events;
                self.rows[i].censored += censored;
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

    /// Merges another table into this one.
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
                        events: a.events + b.events,
                        censored: a.censored + b.censored,
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

    /// Number of people.
    #[must_use]
    pub fn n(&self) -> u64 {
        self.rows.iter().map(|r| r.events + r.censored).sum()
    }

    /// Number of events.
    #[must_use]
    pub fn events(&self) -> u64 {
        self.rows.iter().map(|r| r.events).sum()
    }
}

/// A fitted Kaplan-Meier curve (steps at the event times).
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    times: Vec<f64>,
    survival: Vec<f64>,
    /// Cumulative Greenwood sum `Σ d/(n(n−d))` (infinite after S drops to 0).
    greenwood: Vec<f64>,
}

impl KaplanMeier {
    /// Fits the curve.
    ///
    /// ```
    /// use betagouv_impact::{KaplanMeier, SurvivalTable};
    /// let t = SurvivalTable::from_records([(10.0, true), (20.0, false), (30.0, true), (40.0, true)])?;
    /// let km = KaplanMeier::fit(&t);
    /// assert_eq!(km.survival_at(10.0), 0.75);
    /// assert_eq!(km.survival_at(35.0), 0.375);
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
                let (n, d) = (at_risk as f64, r.events as f64);
                s *= (n - d) / n;
                g += if at_risk > r.events {
                    d / (n * (n - d))
                } else {
                    f64::INFINITY
                };
                times.push(r.time);
                survival.push(s);
                greenwood.push(g);
            }
            at_risk -= r.events + r.censored;
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
    #[must_use]
    pub fn survival_at(&self, t: f64) -> f64 {
        self.index_at(t).map_or(1.0, |i| self.survival[i])
    }

    /// `F(t) = 1 − S(t)`, the probability of having returned to work by `t`.
    #[must_use]
    pub fn cumulative_incidence_at(&self, t: f64) -> f64 {
        1.0 - self.survival_at(t)
    }

    /// Greenwood variance of `S(t)`: `S² Σ d/(n(n−d))`; `None` where `S = 0`.
    #[must_use]
    pub fn variance_at(&self, t: f64) -> Option<f64> {
        let Some(i) = self.index_at(t) else {
            return Some(0.0);
        };
        let v = self.survival[i].powi(2) * self.greenwood[i];
        v.is_finite().then_some(v)
    }

    /// Log-log ("exponential Greenwood") interval of `S(t)` at level
    /// `1 − alpha`; `None` where it is undefined (`S(t)` is 0 or 1).
    ///
    /// # Errors
    /// [`Error::InvalidAlpha`] unless `0 < alpha < 1`.
    pub fn ci_at(&self, t: f64, alpha: f64) -> Result<Option<Interval>> {
        check_alpha(alpha)?;
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
/// 1966), chi-square with `k − 1` df. `None` with fewer than two groups or
/// when the variance matrix is singular (e.g. no event at all).
#[must_use]
pub fn logrank(tables: &[&SurvivalTable]) -> Option<TestResult> {
    let k = tables.len();
    if k < 2 {
        return None;
    }
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Log-rank test across all groups; `None` with one group or when undefined.
    pub logrank: Option<TestResult>,
}

/// Summarises groups at the horizons `at`.
///
/// # Errors
/// [`Error::InvalidAlpha`] unless `0 < alpha < 1`.
pub fn summarize_survival(
    groups: &BTreeMap<String, SurvivalTable>,
    at: &[f64],
    alpha: f64,
) -> Result<SurvivalSummary> {
    check_alpha(alpha)?;
    let mut out = BTreeMap::new();
    for (name, table) in groups {
        let km = KaplanMeier::fit(table);
        let mut points = Vec::with_capacity(at.len());
        for &t in at {
            let s = km.survival_at(t);
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn censoring_after_events_at_ties() {
        let t = SurvivalTable::from_records([(5.0, true), (5.0, false), (6.0, true)]).expect("ok");
        let km = KaplanMeier::fit(&t);
        assert!((km.survival_at(5.0) - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(km.survival_at(6.0), 0.0);
        assert_eq!(km.ci_at(6.0, 0.05).expect("alpha"), None);
        assert_eq!(km.ci_at(1.0, 0.05).expect("alpha"), None);
        assert_eq!(km.variance_at(6.0), None);
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
    fn logrank_needs_two_groups_and_events() {
        let t = SurvivalTable::from_records([(1.0, false), (2.0, false)]).expect("ok");
        assert_eq!(logrank(&[&t]), None);
        assert_eq!(logrank(&[&t, &t]), None);
        assert!(SurvivalTable::from_records([(f64::NAN, true)]).is_err());
        assert!(SurvivalTable::from_records([(-1.0, true)]).is_err());
    }
}
