//! The counters of the CSV readers: per group, the cohort counts or the
//! events and censorings per duration. One counter is fed by the fast path
//! and the reference reader alike, and partial counters merge.

use std::collections::{BTreeMap, HashMap};

use super::Column;
use super::fast::{FastSink, Fields};
use crate::cohort::{CohortCounts, CohortStats};
use crate::error::Result;
use crate::survival::{SurvivalTable, TimeRow};

/// A counter of rows, fed by both readers.
pub(super) trait Counter: FastSink + Default + Send {
    /// Counts one record of the reference reader (its `columns` in the
    /// counter's order), with the located error of a bad cell.
    fn reference(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        columns: &[Column<'_>],
    ) -> Result<()>;
    /// Adds the counts of `other` (associative and commutative); used by the
    /// parallel file readers.
    #[cfg_attr(not(all(feature = "parallel", unix)), allow(dead_code))]
    fn merge(&mut self, other: Self);
}

/// Group names in order of appearance, found by a last-hit cache, a short
/// scan, then a hash index.
#[derive(Debug, Default)]
pub(super) struct Groups {
    names: Vec<Box<[u8]>>,
    /// Per name, its [`short_key`]: most names are told apart (or found
    /// equal) without a call to `memcmp`.
    keys: Vec<u64>,
    index: HashMap<Box<[u8]>, usize>,
    last: usize,
}

/// The first 7 bytes of a name (zero-padded) and its length (capped at 255)
/// in one word: two names with different keys differ; equal keys of names
/// of at most 7 bytes mean equal names.
#[inline]
fn short_key(name: &[u8]) -> u64 {
    let mut key = u64::from(u8::try_from(name.len()).unwrap_or(u8::MAX)) << 56;
    for (i, &c) in name.iter().take(7).enumerate() {
        key |= u64::from(c) << (8 * i);
    }
    key
}

/// Groups scanned before the hash index is asked.
const SCANNED_GROUPS: usize = 8;

impl Groups {
    /// The slot of a known group.
    #[inline(always)]
    fn find(&mut self, name: &[u8]) -> Option<usize> {
        let key = short_key(name);
        let same = |i: usize| {
            self.keys.get(i) == Some(&key)
                && (name.len() <= 7
                    || self
                        .names
                        .get(i)
                        .is_some_and(|n| n.get(7..) == name.get(7..)))
        };
        if same(self.last) {
            return Some(self.last);
        }
        let found = if self.names.len() <= SCANNED_GROUPS {
            (0..self.names.len()).find(|&i| same(i))
        } else {
            self.index.get(name).copied()
        };
        if let Some(i) = found {
            self.last = i;
        }
        found
    }

    /// The slot of a new group.
    fn insert(&mut self, name: &[u8]) -> usize {
        let i = self.names.len();
        self.names.push(name.into());
        self.keys.push(short_key(name));
        self.index.insert(name.into(), i);
        self.last = i;
        i
    }

    /// The slot of a group, known or new; `None` for a new group that is
    /// empty or not UTF-8 (the fast path stops there).
    #[inline]
    fn fast_slot(&mut self, name: &[u8]) -> Option<usize> {
        if let Some(i) = self.find(name) {
            return Some(i);
        }
        if name.is_empty() || std::str::from_utf8(name).is_err() {
            return None;
        }
        Some(self.insert(name))
    }

    /// The slot of a group, known or new (checked by the caller).
    fn slot(&mut self, name: &[u8]) -> usize {
        match self.find(name) {
            Some(i) => i,
            None => self.insert(name),
        }
    }

    /// The name of slot `i` as bytes (merging counters).
    #[cfg_attr(not(all(feature = "parallel", unix)), allow(dead_code))]
    fn bytes(&self, i: usize) -> &[u8] {
        self.names.get(i).map(|n| &**n).unwrap_or_default()
    }

    fn name(&self, i: usize) -> String {
        // Names are checked as UTF-8 before they are inserted.
        self.names
            .get(i)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default()
    }
}

/// A 0/1 cell: the fast path's reading (`None` when the reference reader
/// must say what is wrong).
#[inline]
fn fast_flag(raw: &[u8]) -> Option<bool> {
    match raw {
        b"1" => Some(true),
        b"0" => Some(false),
        _ => match raw.trim_ascii() {
            b"1" => Some(true),
            b"0" => Some(false),
            _ => None,
        },
    }
}

/// Cohort counts per group.
#[derive(Debug, Default)]
pub(super) struct CohortCounter {
    groups: Groups,
    counts: Vec<CohortCounts>,
}

impl CohortCounter {
    #[inline]
    fn add(&mut self, slot: usize, y: bool) {
        if slot == self.counts.len() {
            self.counts.push(CohortCounts::default());
        }
        if let Some(c) = self.counts.get_mut(slot) {
            c.n = c.n.saturating_add(1);
            c.successes = c.successes.saturating_add(u64::from(y));
        }
    }

    /// The counts as [`CohortStats`].
    pub(super) fn into_stats(self) -> CohortStats {
        let mut stats = CohortStats::default();
        for (i, c) in self.counts.into_iter().enumerate() {
            stats.add_counts(&self.groups.name(i), c);
        }
        stats
    }
}

impl FastSink for CohortCounter {
    #[inline]
    fn fast(&mut self, f: &Fields<'_>) -> bool {
        let Some(y) = fast_flag(f[1]) else {
            return false;
        };
        let Some(slot) = self.groups.fast_slot(f[0]) else {
            return false;
        };
        self.add(slot, y);
        true
    }
}

impl Counter for CohortCounter {
    fn reference(&mut self, record: &csv::ByteRecord, line: u64, c: &[Column<'_>]) -> Result<()> {
        let (gc, yc) = (&c[0], &c[1]);
        let y = yc.flag(record, line)?;
        let slot = match self.groups.find(gc.get(record)) {
            Some(i) => i,
            None => self.groups.slot(gc.group(record, line)?.as_bytes()),
        };
        self.add(slot, y);
        Ok(())
    }

    fn merge(&mut self, other: Self) {
        for (i, c) in other.counts.into_iter().enumerate() {
            let slot = self.groups.slot(other.groups.bytes(i));
            if slot == self.counts.len() {
                self.counts.push(CohortCounts::default());
            }
            if let Some(mine) = self.counts.get_mut(slot) {
                mine.merge(c);
            }
        }
    }
}

use crate::limits::{CSV_DENSE_GROUPS as DENSE_GROUPS, CSV_DENSE_TIMES as DENSE_TIMES};

/// (events, censorings) at one duration.
type Tally = (u64, u64);

/// Events and censorings per duration of one group.
#[derive(Debug, Default)]
struct Times {
    /// Per whole-number duration below [`DENSE_TIMES`] (groups below
    /// [`DENSE_GROUPS`] only).
    dense: Vec<Tally>,
    /// Per duration (its bits: those of a finite f64 >= 0 sort as it does).
    sparse: HashMap<u64, Tally>,
}

fn tally(t: &mut Tally, n: Tally) {
    t.0 = t.0.saturating_add(n.0);
    t.1 = t.1.saturating_add(n.1);
}

impl Times {
    fn add(&mut self, dense: bool, time: f64, n: Tally) {
        if dense && time.fract() == 0.0 && time < DENSE_TIMES as f64 {
            // A whole number below 1024: the cast is exact.
            let i = time as usize;
            if i >= self.dense.len() {
                self.dense.resize(i + 1, (0, 0));
            }
            if let Some(t) = self.dense.get_mut(i) {
                tally(t, n);
            }
            return;
        }
        tally(self.sparse.entry(time.to_bits()).or_default(), n);
    }

    fn into_rows(self) -> Vec<TimeRow> {
        let mut v: Vec<(u64, Tally)> = self.sparse.into_iter().collect();
        v.extend(
            self.dense
                .into_iter()
                .enumerate()
                .filter(|(_, t)| *t != (0, 0))
                .map(|(i, t)| ((i as f64).to_bits(), t)),
        );
        v.sort_unstable_by_key(|&(bits, _)| bits);
        v.into_iter()
            .map(|(bits, (events, censored))| TimeRow {
                time: f64::from_bits(bits),
                events,
                censored,
            })
            .collect()
    }
}

/// A duration cell: the fast path's reading (`None` when the reference
/// reader must say what is wrong).
#[inline]
fn fast_duration(raw: &[u8]) -> Option<f64> {
    let t = raw.trim_ascii();
    let digits = t.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=15).contains(&digits) {
        let (int, tail) = t.split_at(digits);
        // "150", "150." and "150.0" are the whole number 150.
        let whole = match tail {
            [] => true,
            [b'.', zeros @ ..] => zeros.iter().all(|&b| b == b'0'),
            _ => false,
        };
        if whole {
            let v = int.iter().fold(0u64, |v, &d| v * 10 + u64::from(d - b'0'));
            // At most 15 digits: exact as an f64.
            return Some(v as f64);
        }
    }
    let v: f64 = std::str::from_utf8(t).ok()?.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v + 0.0)
}

/// Survival counts per group and duration.
#[derive(Debug, Default)]
pub(super) struct SurvivalCounter {
    groups: Groups,
    times: Vec<Times>,
}

impl SurvivalCounter {
    fn add(&mut self, slot: usize, time: f64, n: Tally) {
        if slot == self.times.len() {
            self.times.push(Times::default());
        }
        if let Some(t) = self.times.get_mut(slot) {
            t.add(slot < DENSE_GROUPS, time, n);
        }
    }

    /// The survival table of every group.
    pub(super) fn into_tables(self) -> BTreeMap<String, SurvivalTable> {
        let groups = self.groups;
        self.times
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    groups.name(i),
                    SurvivalTable::from_sorted_rows(t.into_rows()),
                )
            })
            .collect()
    }
}

fn one(event: bool) -> Tally {
    if event { (1, 0) } else { (0, 1) }
}

impl FastSink for SurvivalCounter {
    #[inline]
    fn fast(&mut self, f: &Fields<'_>) -> bool {
        let (Some(e), Some(t)) = (fast_flag(f[2]), fast_duration(f[1])) else {
            return false;
        };
        let Some(slot) = self.groups.fast_slot(f[0]) else {
            return false;
        };
        self.add(slot, t, one(e));
        true
    }
}

impl Counter for SurvivalCounter {
    fn reference(&mut self, record: &csv::ByteRecord, line: u64, c: &[Column<'_>]) -> Result<()> {
        let (gc, dc, ec) = (&c[0], &c[1], &c[2]);
        let e = ec.flag(record, line)?;
        let t = dc.duration(record, line)?;
        let slot = self.groups.slot(gc.group(record, line)?.as_bytes());
        self.add(slot, t, one(e));
        Ok(())
    }

    fn merge(&mut self, other: Self) {
        for (i, times) in other.times.into_iter().enumerate() {
            let slot = self.groups.slot(other.groups.bytes(i));
            for (d, n) in times.dense.into_iter().enumerate() {
                if n != (0, 0) {
                    self.add(slot, d as f64, n);
                }
            }
            for (bits, n) in times.sparse {
                self.add(slot, f64::from_bits(bits), n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_the_reference_does() {
        for (raw, want) in [
            ("150", Some(150.0)),
            (" 7 ", Some(7.0)),
            ("150.", Some(150.0)),
            ("150.000", Some(150.0)),
            ("1.5", Some(1.5)),
            ("-0", Some(0.0)),
            ("1e3", Some(1000.0)),
            ("0150", Some(150.0)),
            ("1234567890123456789", Some(1.234_567_890_123_456_8e18)),
            ("-1", None),
            ("inf", None),
            ("NaN", None),
            ("", None),
            (".", None),
            ("1,5", None),
        ] {
            let got = fast_duration(raw.as_bytes());
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{raw:?}");
        }
    }

    #[test]
    fn flags() {
        assert_eq!(fast_flag(b"1"), Some(true));
        assert_eq!(fast_flag(b" 0\t"), Some(false));
        assert_eq!(fast_flag(b"2"), None);
        assert_eq!(fast_flag(b""), None);
    }
}
