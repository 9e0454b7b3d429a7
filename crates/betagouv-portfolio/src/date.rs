//! Dates as records write them: exact, partial (`2015-01`) or unreadable.
//!
//! A partial date is kept as written and flagged, never guessed into a day.
//!
//! ```
//! use betagouv_portfolio::RecordDate;
//! let d = RecordDate::parse("2015-01");
//! assert!(d.exact().is_none());
//! assert!(d.is_partial());
//! assert_eq!(d.to_string(), "2015-01");
//! let e = RecordDate::parse("2016-12-31");
//! assert_eq!(e.exact(), chrono::NaiveDate::from_ymd_opt(2016, 12, 31));
//! ```

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A date field of a record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum RecordDate {
    /// A calendar date (`YYYY-MM-DD`).
    Exact(NaiveDate),
    /// A partial date, `YYYY` or `YYYY-MM`, kept as written.
    Partial(String),
    /// Anything else, kept as written.
    Invalid(String),
}

impl RecordDate {
    /// Reads a text date: `YYYY-MM-DD` gives [`RecordDate::Exact`], `YYYY-MM` and
    /// `YYYY` give [`RecordDate::Partial`], anything else [`RecordDate::Invalid`].
    /// Surrounding white space is ignored.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let t = text.trim();
        if let Some(d) = parse_iso_date(t) {
            return Self::Exact(d);
        }
        let b = t.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let partial = match b.len() {
            4 => digits(0..4),
            7 => {
                digits(0..4)
                    && b[4] == b'-'
                    && digits(5..7)
                    && matches!(t[5..7].parse::<u32>(), Ok(1..=12))
            }
            _ => false,
        };
        if partial {
            Self::Partial(t.to_owned())
        } else {
            Self::Invalid(text.to_owned())
        }
    }

    /// The calendar date, when exact.
    #[must_use]
    pub fn exact(&self) -> Option<NaiveDate> {
        match self {
            Self::Exact(d) => Some(*d),
            _ => None,
        }
    }

    /// Whether the date is partial (`YYYY` or `YYYY-MM`).
    #[must_use]
    pub fn is_partial(&self) -> bool {
        matches!(self, Self::Partial(_))
    }
}

impl From<NaiveDate> for RecordDate {
    fn from(d: NaiveDate) -> Self {
        Self::Exact(d)
    }
}

impl fmt::Display for RecordDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Self::Partial(s) | Self::Invalid(s) => f.write_str(s),
        }
    }
}

/// Parses exactly `YYYY-MM-DD` (four-digit year, two-digit month and day).
///
/// ```
/// use betagouv_portfolio::date::parse_iso_date;
/// assert!(parse_iso_date("2020-02-29").is_some());
/// assert!(parse_iso_date("2021-02-29").is_none());
/// assert!(parse_iso_date("2020-2-1").is_none());
/// ```
#[must_use]
pub fn parse_iso_date(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = &b[r];
        if s.iter().all(u8::is_ascii_digit) {
            Some(s.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0')))
        } else {
            None
        }
    };
    let y = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(y, num(5..7)?, num(8..10)?)
}

/// The first day of the month of `d`.
#[must_use]
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The last day of the month of `d`.
#[must_use]
pub fn month_end(d: NaiveDate) -> NaiveDate {
    let first = month_start(d);
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

/// Month ends from the month of `from` to the month of `to`, inclusive; empty when `to < from`.
///
/// ```
/// use betagouv_portfolio::date::month_ends;
/// use chrono::NaiveDate;
/// let d = |s: &str| s.parse::<NaiveDate>();
/// let v: Vec<_> = month_ends(d("2016-11-15")?, d("2017-01-02")?).collect();
/// assert_eq!(v, [d("2016-11-30")?, d("2016-12-31")?, d("2017-01-31")?]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn month_ends(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    let last = month_start(to);
    let mut cur = Some(month_start(from)).filter(|f| *f <= last);
    std::iter::from_fn(move || {
        let c = cur?;
        cur = c
            .checked_add_months(chrono::Months::new(1))
            .filter(|n| *n <= last);
        Some(month_end(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert!(matches!(
            RecordDate::parse("2015-01"),
            RecordDate::Partial(_)
        ));
        assert!(matches!(RecordDate::parse("2015"), RecordDate::Partial(_)));
        assert!(matches!(
            RecordDate::parse("2015-13"),
            RecordDate::Invalid(_)
        ));
        assert!(matches!(RecordDate::parse("hier"), RecordDate::Invalid(_)));
        assert!(matches!(
            RecordDate::parse(" 2015-01-02 "),
            RecordDate::Exact(_)
        ));
        assert_eq!(RecordDate::parse("x").to_string(), "x");
    }

    proptest::proptest! {
        #[test]
        fn exact_round_trips(days in 0i64..200_000) {
            let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            let r = RecordDate::from(d);
            proptest::prop_assert_eq!(RecordDate::parse(&r.to_string()), r);
        }

        #[test]
        fn parse_never_panics(s in ".*") {
            let _ = RecordDate::parse(&s);
        }
    }
}
