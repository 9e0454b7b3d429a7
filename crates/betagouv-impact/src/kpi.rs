//! Usage KPIs: counts per period, conversion between periods, growth rates.

use serde::{Deserialize, Serialize};

/// A reporting period. Lengths in days: day 1, week 7, month 365.25/12,
/// quarter 365.25/4, year 365.25 (average Gregorian lengths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Period {
    /// One day.
    Day,
    /// Seven days.
    Week,
    /// 365.25/12 days.
    Month,
    /// 365.25/4 days.
    Quarter,
    /// 365.25 days.
    Year,
}

impl Period {
    /// Average length in days.
    #[must_use]
    pub fn days(self) -> f64 {
        match self {
            Period::Day => 1.0,
            Period::Week => 7.0,
            Period::Month => 365.25 / 12.0,
            Period::Quarter => 365.25 / 4.0,
            Period::Year => 365.25,
        }
    }
}

/// A count per period (e.g. 2,000 simulations a day).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// Count per period.
    pub value: f64,
    /// The period.
    pub period: Period,
}

impl Rate {
    /// The same rate expressed per `period`, assuming a constant flow.
    ///
    /// ```
    /// use betagouv_impact::{Period, Rate};
    /// let r = Rate { value: 600_000.0, period: Period::Month };
    /// assert_eq!(r.per(Period::Year), 7_200_000.0);
    /// ```
    #[must_use]
    pub fn per(&self, period: Period) -> f64 {
        self.value * period.days() / self.period.days()
    }
}

/// Growth from `previous` to `current`, `current/previous − 1` (a fraction);
/// `None` when `previous` is 0 or either value is not finite.
#[must_use]
pub fn growth_rate(previous: f64, current: f64) -> Option<f64> {
    let g = current / previous - 1.0;
    (previous != 0.0 && g.is_finite()).then_some(g)
}

/// Average growth per period over `periods` periods,
/// `(last/first)^(1/periods) − 1`; `None` when `periods` is 0, `first` is
/// not positive or `last` is negative.
///
/// ```
/// let g = betagouv_impact::compound_growth_rate(100.0, 121.0, 2);
/// assert!((g.unwrap_or(0.0) - 0.1).abs() < 1e-12);
/// ```
#[must_use]
pub fn compound_growth_rate(first: f64, last: f64, periods: u32) -> Option<f64> {
    if periods == 0 || first.is_nan() || last.is_nan() || first <= 0.0 || last < 0.0 {
        return None;
    }
    let g = (last / first).powf(1.0 / f64::from(periods)) - 1.0;
    g.is_finite().then_some(g)
}

/// Period-over-period growth of a series (one fewer value than the series).
#[must_use]
pub fn growth_rates(series: &[f64]) -> Vec<Option<f64>> {
    series.windows(2).map(|w| growth_rate(w[0], w[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        let r = Rate {
            value: 2000.0,
            period: Period::Day,
        };
        assert_eq!(r.per(Period::Year), 730_500.0);
        assert_eq!(r.per(Period::Week), 14_000.0);
        assert_eq!(growth_rates(&[0.0, 1.0, 2.0]), vec![None, Some(1.0)]);
        assert_eq!(compound_growth_rate(0.0, 1.0, 2), None);
    }
}
