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

/// Group names in order of appearance, found by a branch-free scan of their
/// keys, or a last-hit cache, a short scan, then a hash index.
#[derive(Debug, Default)]
pub(super) struct Groups {
    names: Vec<Box<[u8]>>,
    /// Per name, its [`Key`]: names of at most [`SHORT_NAME`] bytes are
    /// told apart (or found equal) without a call to `memcmp`.
    keys: Vec<Key>,
    index: HashMap<Box<[u8]>, usize>,
    last: usize,
}

/// Longest name that its [`Key`] holds whole.
const SHORT_NAME: usize = 16;

/// The first [`SHORT_NAME`] bytes of a name (zero past its end) and its
/// length: two names with different keys differ; equal keys of names of at
/// most 16 bytes mean equal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key {
    lo: u64,
    hi: u64,
    len: usize,
}

/// The bytes of a word below byte `n`: all of them from 8, none at 0.
#[inline(always)]
fn below(n: usize) -> u64 {
    let bits = 8 * n.min(8) as u32;
    u64::MAX.checked_shr(64 - bits).unwrap_or(0)
}

/// The two little-endian words of 16 bytes.
#[inline(always)]
fn words(bytes: &[u8; 16]) -> (u64, u64) {
    let (lo, hi) = bytes.split_at(8);
    let word = |b: &[u8]| u64::from_le_bytes(b.first_chunk::<8>().copied().unwrap_or_default());
    (word(lo), word(hi))
}

impl Key {
    /// The key of a name of `len` bytes that `wide` starts with.
    #[inline(always)]
    fn from_wide(wide: &[u8; 16], len: usize) -> Self {
        let (lo, hi) = words(wide);
        Self {
            lo: lo & below(len),
            hi: hi & below(len.saturating_sub(8)),
            len,
        }
    }

    fn of(name: &[u8]) -> Self {
        let mut wide = [0u8; 16];
        let n = name.len().min(SHORT_NAME);
        if let (Some(to), Some(from)) = (wide.get_mut(..n), name.get(..n)) {
            to.copy_from_slice(from);
        }
        Self::from_wide(&wide, name.len())
    }

    /// The key of field `i` of a record.
    #[inline(always)]
    fn of_field(f: &Fields<'_>, i: usize) -> Self {
        let name = f.get(i);
        match f.wide(i) {
            Some(wide) => Self::from_wide(wide, name.len()),
            None => Self::of(name),
        }
    }
}

/// Groups scanned before the hash index is asked.
const SCANNED_GROUPS: usize = 8;

impl Groups {
    /// The slot of a known group whose key is `key`.
    #[inline(always)]
    fn find(&mut self, name: &[u8], key: Key) -> Option<usize> {
        if name.len() <= SHORT_NAME && self.keys.len() <= SCANNED_GROUPS {
            // Keys of short names are the names: look at every key, without
            // a branch on which one matches (groups interleave at random in
            // most files).
            let mut found = usize::MAX;
            for (i, k) in self.keys.iter().enumerate() {
                found = if *k == key { i } else { found };
            }
            return (found != usize::MAX).then_some(found);
        }
        let same = |i: usize| {
            self.keys.get(i) == Some(&key)
                && (name.len() <= SHORT_NAME
                    || self
                        .names
                        .get(i)
                        .is_some_and(|n| n.get(SHORT_NAME..) == name.get(SHORT_NAME..)))
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
        self.keys.push(Key::of(name));
        self.index.insert(name.into(), i);
        self.last = i;
        i
    }

    /// The slot of a group, known or new; `None` for a new group that is
    /// empty or not UTF-8 (the fast path stops there).
    #[inline]
    fn fast_slot(&mut self, name: &[u8], key: Key) -> Option<usize> {
        if let Some(i) = self.find(name, key) {
            return Some(i);
        }
        if name.is_empty() || std::str::from_utf8(name).is_err() {
            return None;
        }
        Some(self.insert(name))
    }

    /// The slot of a group, known or new (checked by the caller).
    fn slot(&mut self, name: &[u8]) -> usize {
        match self.find(name, Key::of(name)) {
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
    if let [b] = raw {
        // Without a branch on the value (0 and 1 come at random).
        let d = b.wrapping_sub(b'0');
        if d <= 1 {
            return Some(d == 1);
        }
    }
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

impl CohortCounter {
    /// The fast path's counting of a record whose group is field `g` and
    /// outcome field `g + 1`.
    #[inline]
    fn fast_at(&mut self, f: &Fields<'_>, g: usize) -> bool {
        let Some(y) = fast_flag(f.get(g + 1)) else {
            return false;
        };
        let Some(slot) = self.groups.fast_slot(f.get(g), Key::of_field(f, g)) else {
            return false;
        };
        self.add(slot, y);
        true
    }

    /// The reference reader's counting of a record, its group in column `gc`
    /// and outcome in `yc`.
    fn reference_at(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        gc: &Column<'_>,
        yc: &Column<'_>,
    ) -> Result<()> {
        let y = yc.flag(record, line)?;
        let name = gc.get(record);
        let slot = match self.groups.find(name, Key::of(name)) {
            Some(i) => i,
            None => self.groups.slot(gc.group(record, line)?.as_bytes()),
        };
        self.add(slot, y);
        Ok(())
    }
}

impl FastSink for CohortCounter {
    #[inline]
    fn fast(&mut self, f: &Fields<'_>) -> bool {
        self.fast_at(f, 0)
    }
}

/// The error for a reader that passed `got` columns to a counter that reads `want`
/// (the readers always pass them all: this is a guard, not a path of the data).
fn columns_missing(got: usize, want: usize) -> crate::error::Error {
    crate::error::Error::MissingColumn {
        column: format!("{want} columns expected by the counter, {got} given"),
    }
}

impl Counter for CohortCounter {
    fn reference(&mut self, record: &csv::ByteRecord, line: u64, c: &[Column<'_>]) -> Result<()> {
        let [gc, yc, ..] = c else {
            return Err(columns_missing(c.len(), 2));
        };
        self.reference_at(record, line, gc, yc)
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

/// Cohort counts per stratum (or cluster) and group: the strata's names
/// found as the groups' are, and one [`CohortCounter`] per stratum.
#[derive(Debug, Default)]
pub(super) struct StrataCounter {
    strata: Groups,
    counters: Vec<CohortCounter>,
}

impl StrataCounter {
    /// The counter of stratum `slot`, made when the slot is new.
    fn counter(&mut self, slot: usize) -> Option<&mut CohortCounter> {
        if slot == self.counters.len() {
            self.counters.push(CohortCounter::default());
        }
        self.counters.get_mut(slot)
    }

    /// The counts per stratum; a stratum met only on a record the fast path
    /// handed over (and the reference reader refused) has no count and is left
    /// out.
    pub(super) fn into_strata(self) -> BTreeMap<String, CohortStats> {
        let mut out = BTreeMap::new();
        for (i, c) in self.counters.into_iter().enumerate() {
            let stats = c.into_stats();
            if stats.iter().next().is_some() {
                out.insert(self.strata.name(i), stats);
            }
        }
        out
    }
}

impl FastSink for StrataCounter {
    #[inline]
    fn fast(&mut self, f: &Fields<'_>) -> bool {
        let Some(slot) = self.strata.fast_slot(f.get(0), Key::of_field(f, 0)) else {
            return false;
        };
        self.counter(slot).is_some_and(|c| c.fast_at(f, 1))
    }
}

impl Counter for StrataCounter {
    fn reference(&mut self, record: &csv::ByteRecord, line: u64, c: &[Column<'_>]) -> Result<()> {
        // The readers pass the three columns named (stratum, group, outcome).
        let [sc, gc, yc, ..] = c else {
            return Err(columns_missing(c.len(), 3));
        };
        let name = sc.get(record);
        let slot = match self.strata.find(name, Key::of(name)) {
            Some(i) => i,
            None => self.strata.slot(sc.group(record, line)?.as_bytes()),
        };
        match self.counter(slot) {
            Some(counter) => counter.reference_at(record, line, gc, yc),
            None => Ok(()),
        }
    }

    fn merge(&mut self, other: Self) {
        for (i, c) in other.counters.into_iter().enumerate() {
            let slot = self.strata.slot(other.strata.bytes(i));
            if let Some(mine) = self.counter(slot) {
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
    /// Counts at a whole-number duration.
    #[inline(always)]
    fn add_whole(&mut self, dense: bool, time: u64, n: Tally) {
        if dense && time < DENSE_TIMES {
            // Below 1024: the cast is exact.
            let i = time as usize;
            if i >= self.dense.len() {
                self.dense.resize(i + 1, (0, 0));
            }
            if let Some(t) = self.dense.get_mut(i) {
                tally(t, n);
            }
            return;
        }
        // At most 15 digits (see `Duration`): exact as an f64.
        tally(self.sparse.entry((time as f64).to_bits()).or_default(), n);
    }

    /// Counts at a duration (finite, >= 0, not -0).
    fn add(&mut self, dense: bool, time: f64, n: Tally) {
        if (0.0..DENSE_TIMES as f64).contains(&time) && (time as u64) as f64 == time {
            // A whole number below 1024: the array if `dense`, as above.
            self.add_whole(dense, time as u64, n);
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

/// A duration as the fast path reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Duration {
    /// A whole number of at most 15 digits (exact as an f64).
    Whole(u64),
    /// Any other finite duration >= 0 (never -0).
    Real(f64),
}

impl Duration {
    #[cfg(test)]
    fn value(self) -> f64 {
        match self {
            Self::Whole(v) => v as f64,
            Self::Real(v) => v,
        }
    }
}

/// Most digits of a [`Duration::Whole`].
const WHOLE_DIGITS: usize = 15;

/// `raw` as a whole number written with digits only, or with a `.` and
/// zeros after them ("150", "150." and "150.0" are 150).
#[inline(always)]
fn whole(raw: &[u8]) -> Option<u64> {
    let mut v = 0u64;
    let mut digits = 0usize;
    for &b in raw {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        v = v.wrapping_mul(10).wrapping_add(u64::from(d));
        digits += 1;
    }
    if !(1..=WHOLE_DIGITS).contains(&digits) {
        return None;
    }
    match raw.get(digits..)? {
        [] => Some(v),
        [b'.', zeros @ ..] if zeros.iter().all(|&b| b == b'0') => Some(v),
        _ => None,
    }
}

/// Each byte `'0'`.
const ZEROS: u64 = 0x3030_3030_3030_3030;

/// [`whole`] of a cell of `len <= 8` bytes held in `w` (little-endian, zero
/// past the cell), eight bytes at once and without a branch on the digits.
#[inline(always)]
fn whole_word(w: u64, len: usize) -> Option<u64> {
    let t = w ^ ZEROS;
    // 0x80 in each byte that is not a digit (its `t` above 9), exact: no
    // carry crosses bytes. The zero past the cell is not a digit.
    let not_digit =
        (((t & 0x7f7f_7f7f_7f7f_7f7f) + 0x7676_7676_7676_7676) | t) & 0x8080_8080_8080_8080;
    let d = (not_digit.trailing_zeros() / 8) as usize;
    if d == 0 || len > 8 {
        return None;
    }
    // After the digits: nothing, or a `.` then zeros.
    let tail = below(len) & !below(d);
    let dot = (u64::from(b'.') << (8 * d.min(7))) & tail;
    if w & tail != dot | (ZEROS & tail & !below(d + 1)) {
        return None;
    }
    // The digits at the top of the word (leading zeros below), then summed
    // in pairs, fours and eights.
    let v = (t & below(d)) << (8 * (8 - d));
    let v = ((v & 0x0f0f_0f0f_0f0f_0f0f).wrapping_mul(2561)) >> 8;
    let v = ((v & 0x00ff_00ff_00ff_00ff).wrapping_mul(6_553_601)) >> 16;
    Some(((v & 0x0000_ffff_0000_ffff).wrapping_mul(42_949_672_960_001)) >> 32)
}

/// A duration cell: the fast path's reading (`None` when the reference
/// reader must say what is wrong). `wide`: the 16 bytes from the cell's
/// start, when the buffer has them.
#[inline(always)]
fn fast_duration(raw: &[u8], wide: Option<&[u8; 16]>) -> Option<Duration> {
    if raw.len() <= 8
        && let Some(wide) = wide
        && let Some(v) = whole_word(words(wide).0 & below(raw.len()), raw.len())
    {
        return Some(Duration::Whole(v));
    }
    if let Some(v) = whole(raw) {
        return Some(Duration::Whole(v));
    }
    let t = raw.trim_ascii();
    if let Some(v) = whole(t) {
        return Some(Duration::Whole(v));
    }
    let v: f64 = std::str::from_utf8(t).ok()?.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(Duration::Real(v + 0.0))
}

/// Survival counts per group and duration.
#[derive(Debug, Default)]
pub(super) struct SurvivalCounter {
    groups: Groups,
    times: Vec<Times>,
}

impl SurvivalCounter {
    #[inline(always)]
    fn add_duration(&mut self, slot: usize, time: Duration, n: Tally) {
        if slot == self.times.len() {
            self.times.push(Times::default());
        }
        if let Some(t) = self.times.get_mut(slot) {
            match time {
                Duration::Whole(v) => t.add_whole(slot < DENSE_GROUPS, v, n),
                Duration::Real(v) => t.add(slot < DENSE_GROUPS, v, n),
            }
        }
    }

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
    (u64::from(event), u64::from(!event))
}

impl FastSink for SurvivalCounter {
    #[inline]
    fn fast(&mut self, f: &Fields<'_>) -> bool {
        let (Some(e), Some(t)) = (fast_flag(f.get(2)), fast_duration(f.get(1), f.wide(1))) else {
            return false;
        };
        let Some(slot) = self.groups.fast_slot(f.get(0), Key::of_field(f, 0)) else {
            return false;
        };
        self.add_duration(slot, t, one(e));
        true
    }
}

impl Counter for SurvivalCounter {
    fn reference(&mut self, record: &csv::ByteRecord, line: u64, c: &[Column<'_>]) -> Result<()> {
        let [gc, dc, ec, ..] = c else {
            return Err(columns_missing(c.len(), 3));
        };
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
            let got = fast_duration(raw.as_bytes(), None).map(Duration::value);
            let mut wide = [b'9'; 16];
            if let Some(to) = wide.get_mut(..raw.len()) {
                to.copy_from_slice(raw.as_bytes());
            }
            let swar = fast_duration(raw.as_bytes(), Some(&wide)).map(Duration::value);
            assert_eq!(swar.map(f64::to_bits), got.map(f64::to_bits), "{raw:?}");
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{raw:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn whole_word_reads_as_whole(
            cell in proptest::collection::vec(
                proptest::sample::select(b"0123456789. 0a\x00-e".to_vec()), 0..=8),
            after in proptest::sample::select(b"0123456789.,\n".to_vec()),
        ) {
            let mut w = [after; 8];
            if let Some(to) = w.get_mut(..cell.len()) {
                to.copy_from_slice(&cell);
            }
            let word = u64::from_le_bytes(w) & below(cell.len());
            proptest::prop_assert_eq!(whole_word(word, cell.len()), whole(&cell));
        }

        #[test]
        fn keys_are_names(
            a in proptest::collection::vec(proptest::sample::select(b"ab\x00".to_vec()), 0..20),
            b in proptest::collection::vec(proptest::sample::select(b"ab\x00".to_vec()), 0..20),
            after in proptest::collection::vec(proptest::num::u8::ANY, 16),
        ) {
            let (ka, kb) = (Key::of(&a), Key::of(&b));
            if a.len() <= SHORT_NAME {
                proptest::prop_assert_eq!(ka == kb, a == b);
            } else if ka != kb {
                proptest::prop_assert_ne!(a.clone(), b.clone());
            }
            // The key read from a buffer ignores what follows the name.
            let mut buf = a.clone();
            buf.extend_from_slice(&after);
            let wide = buf.first_chunk::<16>().copied().unwrap_or_default();
            proptest::prop_assert_eq!(Key::from_wide(&wide, a.len()), ka);
        }
    }

    #[test]
    fn groups_are_found_by_key() {
        let mut g = Groups::default();
        let names: Vec<Vec<u8>> = (0..20)
            .map(|i| format!("group-{i:02}-{}", "x".repeat(i)).into_bytes())
            .collect();
        for (i, n) in names.iter().enumerate() {
            assert_eq!(g.slot(n), i);
        }
        for (i, n) in names.iter().enumerate().rev() {
            assert_eq!(g.fast_slot(n, Key::of(n)), Some(i));
        }
        assert_eq!(g.fast_slot(b"", Key::of(b"")), None);
    }

    #[test]
    fn flags() {
        assert_eq!(fast_flag(b"1"), Some(true));
        assert_eq!(fast_flag(b" 0\t"), Some(false));
        assert_eq!(fast_flag(b"2"), None);
        assert_eq!(fast_flag(b""), None);
    }
}
