//! Dates in Europe/Paris: the date at an instant, and the end of a day.
//!
//! The incubator works in Paris: "today" and "known at the end of a day" mean Paris
//! days. Paris is on UTC+1, and on UTC+2 from the last Sunday of March at 01:00 UTC to
//! the last Sunday of October at 01:00 UTC (the European Union's summer time, in force
//! since 1996). That one rule, written here, stands in for a time-zone database (the
//! tests compare it with the database's transitions); instants before 1996 use it too.
//!
//! ```
//! use betagouv_portfolio::paris;
//! use chrono::{DateTime, NaiveDate, Utc};
//! let t: DateTime<Utc> = "2016-12-31T23:30:00Z".parse()?;
//! assert_eq!(paris::date_at(t), NaiveDate::from_ymd_opt(2017, 1, 1).ok_or("date")?);
//! // 2017-04-20 ends at midnight, Paris summer time: 22:00 UTC.
//! let end = paris::end_of_day(NaiveDate::from_ymd_opt(2017, 4, 20).ok_or("date")?);
//! assert_eq!(end, Some("2017-04-20T22:00:00Z".parse()?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeDelta, Utc};

/// The date in Europe/Paris at the instant `t`.
#[must_use]
pub fn date_at(t: DateTime<Utc>) -> NaiveDate {
    let hours = if is_summer_time(t) { 2 } else { 1 };
    t.checked_add_signed(TimeDelta::hours(hours))
        .unwrap_or(t)
        .date_naive()
}

/// The instant `date` ends in Europe/Paris: midnight at the start of the next day, as
/// UTC (an exclusive bound: an instant `t` is on or before `date` in Paris exactly when
/// `t < end_of_day(date)`). `None` past the last representable date.
#[must_use]
pub fn end_of_day(date: NaiveDate) -> Option<DateTime<Utc>> {
    let midnight = date
        .checked_add_days(Days::new(1))?
        .and_time(NaiveTime::MIN)
        .and_utc();
    // Paris midnight is never within an hour of a change (changes are at 02:00 or
    // 03:00 local time), so exactly one of the two offsets is consistent.
    let winter = midnight.checked_sub_signed(TimeDelta::hours(1))?;
    if !is_summer_time(winter) {
        return Some(winter);
    }
    midnight.checked_sub_signed(TimeDelta::hours(2))
}

/// Whether Paris is on summer time (UTC+2) at `t`.
#[must_use]
pub fn is_summer_time(t: DateTime<Utc>) -> bool {
    // Both changes happen at 01:00 UTC, far from the turn of the year: the UTC year is
    // the year whose rule applies.
    let year = t.year();
    match (change(year, 3), change(year, 10)) {
        (Some(start), Some(end)) => start <= t && t < end,
        _ => false,
    }
}

/// The instant of the change of `month` (March or October) in `year`: its last
/// Sunday at 01:00 UTC.
fn change(year: i32, month: u32) -> Option<DateTime<Utc>> {
    // March and October both have 31 days.
    let last = NaiveDate::from_ymd_opt(year, month, 31)?;
    let back = u64::from(last.weekday().num_days_from_sunday());
    let sunday = last.checked_sub_days(Days::new(back))?;
    Some(sunday.and_time(NaiveTime::from_hms_opt(1, 0, 0)?).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// (year, day of March, day of October) of the changes, from the IANA time-zone
    /// database (`zdump -v -c 1996,2038 Europe/Paris`).
    const CHANGES: [(i32, u32, u32); 42] = [
        (1996, 31, 27),
        (1997, 30, 26),
        (1998, 29, 25),
        (1999, 28, 31),
        (2000, 26, 29),
        (2001, 25, 28),
        (2002, 31, 27),
        (2003, 30, 26),
        (2004, 28, 31),
        (2005, 27, 30),
        (2006, 26, 29),
        (2007, 25, 28),
        (2008, 30, 26),
        (2009, 29, 25),
        (2010, 28, 31),
        (2011, 27, 30),
        (2012, 25, 28),
        (2013, 31, 27),
        (2014, 30, 26),
        (2015, 29, 25),
        (2016, 27, 30),
        (2017, 26, 29),
        (2018, 25, 28),
        (2019, 31, 27),
        (2020, 29, 25),
        (2021, 28, 31),
        (2022, 27, 30),
        (2023, 26, 29),
        (2024, 31, 27),
        (2025, 30, 26),
        (2026, 29, 25),
        (2027, 28, 31),
        (2028, 26, 29),
        (2029, 25, 28),
        (2030, 31, 27),
        (2031, 30, 26),
        (2032, 28, 31),
        (2033, 27, 30),
        (2034, 26, 29),
        (2035, 25, 28),
        (2036, 30, 26),
        (2037, 29, 25),
    ];

    #[test]
    fn every_change_is_a_sunday() {
        for year in 1996..=2100 {
            for month in [3, 10] {
                let c = change(year, month).unwrap();
                assert_eq!(c.weekday(), chrono::Weekday::Sun, "{c}");
                assert_eq!((c.month(), c.day() + 7 > 31), (month, true), "{c}");
            }
        }
    }

    #[test]
    fn the_changes_are_those_of_the_time_zone_database() {
        for (year, march, october) in CHANGES {
            let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d).unwrap();
            let one = NaiveTime::from_hms_opt(1, 0, 0).unwrap();
            assert_eq!(change(year, 3), Some(ymd(3, march).and_time(one).and_utc()));
            assert_eq!(
                change(year, 10),
                Some(ymd(10, october).and_time(one).and_utc())
            );
            // One second before and at each change.
            let start = ymd(3, march).and_time(one).and_utc();
            let end = ymd(10, october).and_time(one).and_utc();
            let second = TimeDelta::seconds(1);
            assert!(!is_summer_time(start - second), "{start}");
            assert!(is_summer_time(start), "{start}");
            assert!(is_summer_time(end - second), "{end}");
            assert!(!is_summer_time(end), "{end}");
        }
    }

    #[test]
    fn paris_is_already_on_the_next_day() {
        // Winter, UTC+1: from 23:00 UTC on.
        assert_eq!(date_at(at("2026-03-28T22:59:59Z")), date("2026-03-28"));
        assert_eq!(date_at(at("2026-03-28T23:00:00Z")), date("2026-03-29"));
        assert_eq!(date_at(at("2026-03-28T23:30:00Z")), date("2026-03-29"));
        // Summer, UTC+2: from 22:00 UTC on.
        assert_eq!(date_at(at("2026-07-13T21:59:59Z")), date("2026-07-13"));
        assert_eq!(date_at(at("2026-07-13T22:00:00Z")), date("2026-07-14"));
        // New year's eve.
        assert_eq!(date_at(at("2026-12-31T22:59:59Z")), date("2026-12-31"));
        assert_eq!(date_at(at("2026-12-31T23:00:00Z")), date("2027-01-01"));
    }

    #[test]
    fn around_the_changes() {
        // 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST, the same day.
        assert_eq!(date_at(at("2026-03-29T00:59:59Z")), date("2026-03-29"));
        assert_eq!(date_at(at("2026-03-29T21:59:59Z")), date("2026-03-29"));
        assert_eq!(date_at(at("2026-03-29T22:00:00Z")), date("2026-03-30"));
        // The evening before the October change is still summer time.
        assert_eq!(date_at(at("2026-10-24T21:59:59Z")), date("2026-10-24"));
        assert_eq!(date_at(at("2026-10-24T22:00:00Z")), date("2026-10-25"));
        // 2026-10-25 01:00 UTC: 03:00 CEST becomes 02:00 CET; that evening is winter time.
        assert_eq!(date_at(at("2026-10-25T22:30:00Z")), date("2026-10-25"));
        assert_eq!(date_at(at("2026-10-25T23:00:00Z")), date("2026-10-26"));
    }

    #[test]
    fn days_end_at_paris_midnight() {
        // Winter (UTC+1) and summer (UTC+2), and the days of the changes.
        assert_eq!(
            end_of_day(date("2016-12-31")),
            Some(at("2016-12-31T23:00:00Z"))
        );
        assert_eq!(
            end_of_day(date("2017-04-20")),
            Some(at("2017-04-20T22:00:00Z"))
        );
        assert_eq!(
            end_of_day(date("2026-03-28")),
            Some(at("2026-03-28T23:00:00Z"))
        );
        assert_eq!(
            end_of_day(date("2026-03-29")),
            Some(at("2026-03-29T22:00:00Z"))
        );
        assert_eq!(
            end_of_day(date("2026-10-24")),
            Some(at("2026-10-24T22:00:00Z"))
        );
        assert_eq!(
            end_of_day(date("2026-10-25")),
            Some(at("2026-10-25T23:00:00Z"))
        );
        assert_eq!(end_of_day(NaiveDate::MAX), None);
        // The end of a day is the first instant of the next day in Paris.
        for d in ["2016-01-01", "2017-03-26", "2017-10-29", "2026-08-20"] {
            let end = end_of_day(date(d)).unwrap();
            assert_eq!(date_at(end), date(d).succ_opt().unwrap());
            assert_eq!(date_at(end - TimeDelta::seconds(1)), date(d));
        }
    }

    #[test]
    fn extreme_instants_give_a_date() {
        assert_eq!(
            date_at(DateTime::<Utc>::MAX_UTC),
            DateTime::<Utc>::MAX_UTC.date_naive()
        );
        assert_eq!(date_at(DateTime::<Utc>::MIN_UTC), NaiveDate::MIN);
    }
}
