//! CSV input (feature `csv`): streaming readers of individual rows into the
//! sufficient statistics of [`crate::cohort`] and [`crate::survival`], with a
//! record size bound and a located error for every problem.
//!
//! Two readers count the same rows: a fast path for unquoted lines
//! ([`fast`]) and the reference reader over the csv crate (here), which takes
//! over at the first line the fast path does not handle, with the counts so
//! far; [`file`] splits a file into line-aligned ranges counted in parallel.
//! A file that is not a regular file (a pipe, a device) cannot seek: it is
//! read once, sequentially (the tests in `stream`).

mod count;
#[cfg(test)]
mod equal;
mod fast;
#[cfg(all(feature = "parallel", unix))]
mod file;
#[cfg(test)]
mod lines;
#[cfg(test)]
#[cfg(unix)]
mod stream;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use count::{CohortCounter, Counter, StrataCounter, SurvivalCounter};
use fast::{FastEnd, Layout};

use crate::cohort::CohortStats;
use crate::error::{Error, Result};
use crate::limits::{DEFAULT_CSV_CHUNK_BYTES, DEFAULT_MAX_RECORD_BYTES};
use crate::survival::SurvivalTable;

/// Options of the CSV readers ([`aggregate_cohort_csv_with`],
/// [`read_survival_csv_with`], [`aggregate_cohort_csv_file`],
/// [`read_survival_csv_file`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub struct CsvOptions {
    /// Largest record (the header or a row), in bytes including its line
    /// ending; default [`DEFAULT_MAX_RECORD_BYTES`] (1 MiB). A larger record
    /// is an [`Error::RecordTooLarge`] naming its line, and the reader's
    /// memory stays below this limit plus 128 KiB plus one buffer of
    /// [`DEFAULT_CSV_CHUNK_BYTES`] (1 MiB) per thread whatever the input.
    pub max_record_bytes: usize,
    /// Worker threads of the file readers ([`aggregate_cohort_csv_file`],
    /// [`read_survival_csv_file`]) with the feature `parallel`: 0 (the
    /// default) is one per core, at most [`crate::limits::MAX_AUTO_THREADS`];
    /// at most [`crate::limits::MAX_CSV_THREADS`]. Readers of a
    /// [`Read`] are sequential.
    pub threads: usize,
    /// Size of each buffer of the fast path (tests use tiny ones).
    chunk_bytes: usize,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            threads: 0,
            chunk_bytes: DEFAULT_CSV_CHUNK_BYTES,
        }
    }
}

impl CsvOptions {
    /// These options with another record size limit.
    #[must_use]
    pub fn with_max_record_bytes(mut self, max_record_bytes: usize) -> Self {
        self.max_record_bytes = max_record_bytes;
        self
    }

    /// These options with another number of worker threads (0 = one per core).
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// These options with another buffer size of the fast path (at least 1
    /// byte; a line longer than the buffer goes to the reference reader).
    /// For tests, which split small files into many buffers and ranges.
    #[doc(hidden)]
    #[must_use]
    pub fn with_chunk_bytes(mut self, chunk_bytes: usize) -> Self {
        self.chunk_bytes = chunk_bytes.max(1);
        self
    }
}

/// Size of the CSV reader's buffer.
const BUFFER_BYTES: usize = 1 << 16;

/// A reader that refuses to hand the CSV parser more than `limit` bytes of
/// one record: the parser only asks for more input once it has consumed all
/// it was given, so the bytes handed since the start of the current record
/// are that record's. `record_start` is updated after every record.
struct Bounded<R> {
    inner: R,
    /// A `\n` to hand before the input.
    prefix: bool,
    handed: u64,
    record_start: u64,
    limit: u64,
    exceeded: bool,
    lines: Lines,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.handed.saturating_sub(self.record_start) > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("CSV record too large"));
        }
        let n = match buf.first_mut() {
            Some(b) if self.prefix => {
                *b = b'\n';
                self.prefix = false;
                1
            }
            _ => self.inner.read(buf)?,
        };
        self.lines
            .handed(buf.get(..n).unwrap_or_default(), self.handed == 0);
        self.handed = self.handed.saturating_add(n as u64);
        Ok(n)
    }
}

/// The UTF-8 byte order mark, which the csv crate skips at the start of its
/// first read.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// The line where each record starts, counted as a text editor counts lines
/// (one more after every `\n`). The csv crate's own count stops where its
/// reading of a record began, before the blank lines it skips (and the `\n`
/// of a `\r\n`, read with the next record): this counts from the bytes it is
/// handed instead. It asks for more input only once it consumed all it was
/// given, so the bytes it has not consumed yet are the end of the last read.
#[derive(Default)]
struct Lines {
    /// A copy of the bytes of the last read (at most [`BUFFER_BYTES`]).
    last: Vec<u8>,
    /// `\n` bytes handed in all.
    newlines: u64,
    /// Line (1-based, in this reader's input) of the first byte after the
    /// last record and the blank lines after it, as far as they were handed.
    next: u64,
    /// The blank lines after the last record may go on in the next read.
    open: bool,
}

/// The `\n` bytes of `bytes`.
fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// The `\n` bytes of the run of `\r` and `\n` (blank lines, which the csv
/// crate skips before a record) that `bytes` starts with, and whether the
/// run ends within `bytes`.
fn blank_run(bytes: &[u8]) -> (u64, bool) {
    let end = bytes.iter().position(|b| *b != b'\r' && *b != b'\n');
    let run = bytes.get(..end.unwrap_or(bytes.len())).unwrap_or_default();
    (newlines(run), end.is_some())
}

impl Lines {
    /// Before the first record: line 1, blank lines to skip.
    fn new() -> Self {
        Self {
            next: 1,
            open: true,
            ..Self::default()
        }
    }

    /// Notes the bytes of a read (`first`: the reader's first read).
    fn handed(&mut self, bytes: &[u8], first: bool) {
        if bytes.is_empty() {
            return;
        }
        if self.open {
            // The csv crate drops a byte order mark at the start of its
            // first read (of at least 3 bytes), then skips blank lines.
            let skip = if first && bytes.starts_with(BOM) {
                3
            } else {
                0
            };
            let (n, ended) = blank_run(bytes.get(skip..).unwrap_or_default());
            self.next += n;
            self.open = !ended;
        }
        self.newlines += newlines(bytes);
        self.last.clear();
        self.last.extend_from_slice(bytes);
    }

    /// A record ended with `unread` bytes handed but not consumed; `line` is
    /// the csv crate's line there (the fallback, were they not the end of
    /// the last read).
    fn record_ended(&mut self, unread: u64, line: u64) {
        let from = usize::try_from(unread)
            .ok()
            .and_then(|u| self.last.len().checked_sub(u));
        let Some(rest) = from.and_then(|f| self.last.get(f..)) else {
            self.next = line;
            self.open = false;
            return;
        };
        let (n, ended) = blank_run(rest);
        self.next = (1 + self.newlines + n).saturating_sub(newlines(rest));
        self.open = !ended;
    }
}

/// A reader that keeps a copy of the bytes read through it (the header and
/// the csv crate's read-ahead, at most one buffer more).
struct Tee<R> {
    inner: R,
    seen: Vec<u8>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.seen
            .extend_from_slice(buf.get(..n).unwrap_or_default());
        Ok(n)
    }
}

/// A CSV reader with a record size bound, a located error for every problem
/// and the numbers of the columns it reads.
pub(crate) struct CsvSource<R> {
    rdr: csv::Reader<Bounded<R>>,
    limit: usize,
    /// Line of the input where this reader started (1, or where the fast
    /// path stopped).
    base: u64,
    /// Line of the input of the byte after the last record read (the line
    /// the fast path resumes at).
    line: u64,
    /// Line of the input where the last record read starts (its first
    /// byte, after the blank lines before it).
    record_line: u64,
    pub(crate) headers: csv::ByteRecord,
    rows: u64,
}

impl<R: Read> CsvSource<R> {
    /// A reader of `reader`, the input from a record's end on, which starts
    /// at line `base` of the input.
    fn resume(
        reader: R,
        options: CsvOptions,
        headers: csv::ByteRecord,
        base: u64,
        rows: u64,
    ) -> Self {
        let mut source = Self::open(reader, options, headers, base, rows);
        // The csv crate drops a byte order mark at the start of its input,
        // which here would be the start of a record: a blank line first, in
        // neither the record's bytes nor the input's lines, keeps it.
        let bounded = source.rdr.get_mut();
        bounded.prefix = true;
        bounded.record_start = 1;
        source.base = base.saturating_sub(1);
        source
    }

    /// A reader of `reader`, which starts at line `base` of the input.
    fn open(
        reader: R,
        options: CsvOptions,
        headers: csv::ByteRecord,
        base: u64,
        rows: u64,
    ) -> Self {
        let limit = options.max_record_bytes;
        let bounded = Bounded {
            inner: reader,
            prefix: false,
            handed: 0,
            record_start: 0,
            limit: limit as u64,
            exceeded: false,
            lines: Lines::new(),
        };
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(BUFFER_BYTES)
            .from_reader(bounded);
        Self {
            rdr,
            limit,
            base,
            line: base,
            record_line: base,
            headers,
            rows,
        }
    }

    /// A reader of `reader` from its start, with its header read.
    pub(crate) fn new(reader: R, options: CsvOptions) -> Result<Self> {
        let mut source = Self::open(reader, options, csv::ByteRecord::new(), 1, 0);
        let mut headers = csv::ByteRecord::new();
        source.next_record(&mut headers)?;
        source.headers = headers;
        Ok(source)
    }

    /// The line of the input of a line of this reader.
    fn at(&self, line: u64) -> u64 {
        (self.base + line).saturating_sub(1)
    }

    /// The line of the input where the last record read starts.
    pub(crate) fn record_line(&self) -> u64 {
        self.record_line
    }

    /// Reads the next record; `false` at the end of the input.
    pub(crate) fn next_record(&mut self, record: &mut csv::ByteRecord) -> Result<bool> {
        let start = self.rdr.get_ref().record_start;
        let read = self.rdr.read_byte_record(record);
        // The blank lines before the record were read with it.
        self.record_line = self.at(self.rdr.get_ref().lines.next);
        let line = self.record_line;
        let got = match read {
            Ok(got) => got,
            Err(_) if self.rdr.get_ref().exceeded => {
                return Err(Error::RecordTooLarge {
                    line,
                    limit: self.limit,
                });
            }
            Err(e) => return Err(self.csv_error(e)),
        };
        let end = self.rdr.position().byte();
        if end.saturating_sub(start) > self.limit as u64 {
            return Err(Error::RecordTooLarge {
                line,
                limit: self.limit,
            });
        }
        let csv_line = self.rdr.position().line();
        let bounded = self.rdr.get_mut();
        bounded.record_start = end;
        let unread = bounded.handed.saturating_sub(end);
        bounded.lines.record_ended(unread, csv_line);
        self.line = self.at(csv_line);
        if got && !self.headers.is_empty() {
            let (expected, found) = (self.headers.len(), record.len());
            if expected != found {
                return Err(Error::Csv {
                    line,
                    column: Some(expected.min(found) + 1),
                    reason: format!("expected {expected} fields as in the header, found {found}"),
                    source: None,
                });
            }
            self.rows += 1;
        }
        Ok(got)
    }

    fn csv_error(&self, e: csv::Error) -> Error {
        let line = self.record_line;
        let message = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::Csv {
                line,
                column: None,
                reason: "read error".to_owned(),
                source: Some(io),
            },
            _ => Error::Csv {
                line,
                column: None,
                reason: message,
                source: None,
            },
        }
    }

    /// The column named `name`, refusing a name given twice.
    pub(crate) fn column<'n>(&self, name: &'n str) -> Result<Column<'n>> {
        let mut found = self
            .headers
            .iter()
            .enumerate()
            .filter(|(_, h)| *h == name.as_bytes())
            .map(|(i, _)| i);
        let first = found.next().ok_or_else(|| Error::MissingColumn {
            column: name.to_owned(),
        })?;
        if let Some(second) = found.next() {
            return Err(Error::DuplicateColumn {
                column: name.to_owned(),
                first: first + 1,
                second: second + 1,
            });
        }
        Ok(Column { name, index: first })
    }

    /// Counts every remaining record into `counter`, then refuses a CSV
    /// without any data row.
    fn count_rest<C: Counter>(&mut self, counter: &mut C, columns: &[Column<'_>]) -> Result<()> {
        let mut record = csv::ByteRecord::new();
        while self.next_record(&mut record)? {
            counter.reference(&record, self.record_line, columns)?;
        }
        self.finish()
    }

    /// The error for a CSV without any data row.
    pub(crate) fn finish(&self) -> Result<()> {
        if self.rows == 0 {
            return Err(Error::NoDataRows);
        }
        Ok(())
    }
}

/// A column the readers use: its name and 0-based index.
#[derive(Clone, Copy)]
pub(crate) struct Column<'a> {
    name: &'a str,
    index: usize,
}

impl Column<'_> {
    pub(crate) fn get<'r>(&self, record: &'r csv::ByteRecord) -> &'r [u8] {
        // Every record has as many fields as the header (checked on reading).
        record.get(self.index).unwrap_or_default()
    }

    pub(crate) fn error(&self, line: u64, value: &[u8], problem: &'static str) -> Error {
        Error::InvalidCell {
            line,
            column_number: self.index + 1,
            column: self.name.to_owned(),
            value: String::from_utf8_lossy(value).into_owned(),
            problem,
        }
    }

    fn flag(&self, record: &csv::ByteRecord, line: u64) -> Result<bool> {
        let raw = self.get(record);
        match raw.trim_ascii() {
            b"1" => Ok(true),
            b"0" => Ok(false),
            b"" => Err(self.error(line, raw, "missing value")),
            _ => Err(self.error(line, raw, "expected 0 or 1")),
        }
    }

    pub(crate) fn group<'r>(&self, record: &'r csv::ByteRecord, line: u64) -> Result<&'r str> {
        let raw = self.get(record);
        if raw.is_empty() {
            return Err(self.error(line, raw, "missing value"));
        }
        std::str::from_utf8(raw).map_err(|_| self.error(line, raw, "not valid UTF-8"))
    }

    /// A finite number, of any sign.
    pub(crate) fn number(&self, record: &csv::ByteRecord, line: u64) -> Result<f64> {
        let raw = self.get(record);
        let t = raw.trim_ascii();
        if t.is_empty() {
            return Err(self.error(line, raw, "missing value"));
        }
        std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .ok_or_else(|| self.error(line, raw, "expected a finite number"))
    }

    pub(crate) fn duration(&self, record: &csv::ByteRecord, line: u64) -> Result<f64> {
        let raw = self.get(record);
        let t = raw.trim_ascii();
        if t.is_empty() {
            return Err(self.error(line, raw, "missing value"));
        }
        let t: f64 = std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| self.error(line, raw, "expected a number"))?;
        if !(t.is_finite() && t >= 0.0) {
            return Err(self.error(line, raw, "expected a finite number >= 0"));
        }
        // -0 and 0 are one time.
        Ok(t + 0.0)
    }
}

/// The header of an input read by the reference reader, and where its data
/// start.
struct Header<'n> {
    headers: csv::ByteRecord,
    columns: Vec<Column<'n>>,
    /// The fast path's layout; `None` when a column is wanted twice.
    layout: Option<Layout>,
    /// Line where the data start.
    line: u64,
}

impl<'n> Header<'n> {
    /// Reads the header of `reader` and finds the columns `names`; returns
    /// the bytes the csv crate read beyond the header, which come first in
    /// the data.
    fn read<R: Read>(
        reader: R,
        names: &[&'n str],
        options: CsvOptions,
    ) -> Result<(Self, Tee<R>, usize)> {
        let mut tee = Tee {
            inner: reader,
            seen: Vec::new(),
        };
        let src = CsvSource::new(&mut tee, options)?;
        let columns = names
            .iter()
            .map(|n| src.column(n))
            .collect::<Result<Vec<_>>>()?;
        let wanted: Vec<usize> = columns.iter().map(|c| c.index).collect();
        let header = Header {
            layout: Layout::new(src.headers.len(), &wanted),
            headers: src.headers.clone(),
            columns,
            line: src.line,
        };
        let end = usize::try_from(src.rdr.position().byte()).unwrap_or(usize::MAX);
        drop(src);
        Ok((header, tee, end))
    }
}

/// Counts the rows of `reader` with the fast path, the reference reader
/// taking over at the first line the fast path does not handle.
fn count_read<C: Counter, R: Read>(reader: R, names: &[&str], options: CsvOptions) -> Result<C> {
    let (header, tee, end) = Header::read(reader, names, options)?;
    let Tee { inner, mut seen } = tee;
    seen.drain(..end.min(seen.len()));
    let data = Cursor::new(seen).chain(inner);
    let mut counter = C::default();
    let mut rows = 0u64;
    let Some(layout) = &header.layout else {
        let mut src = CsvSource::resume(data, options, header.headers, header.line, 0);
        src.count_rest(&mut counter, &header.columns)?;
        return Ok(counter);
    };
    let limit = options.max_record_bytes;
    let ended = fast::fast_read(
        data,
        layout,
        limit,
        options.chunk_bytes,
        &mut counter,
        &mut rows,
        header.line,
    )?;
    match ended {
        FastEnd::Done if rows > 0 => Ok(counter),
        FastEnd::Done => Err(Error::NoDataRows),
        FastEnd::Stopped { rest, line } => {
            let mut src = CsvSource::resume(rest, options, header.headers, line, rows);
            src.count_rest(&mut counter, &header.columns)?;
            Ok(counter)
        }
    }
}

/// Streams a CSV with a header row and aggregates the 0/1 column `outcome`
/// per value of the column `group`. Memory does not grow with the rows.
/// [`aggregate_cohort_csv_with`] with the default [`CsvOptions`].
///
/// Unquoted lines are counted by a fast path; the csv crate reads from the
/// first quoted or otherwise unusual line on, so the result and the errors
/// are those of the csv crate's reading of the whole input.
///
/// # Errors
/// [`Error::MissingColumn`] when a column is absent from the header,
/// [`Error::DuplicateColumn`] when it is named twice; [`Error::InvalidCell`]
/// (with the file's line, the column's number and name) for a missing group
/// or an outcome other than 0 or 1; [`Error::Csv`] (with the line, the field
/// number when known and the reason) for I/O errors and malformed records;
/// [`Error::RecordTooLarge`] for a record above 1 MiB; [`Error::NoDataRows`]
/// when there is no row after the header.
///
/// ```
/// let csv = "id,cohort,returned\n1,a,1\n2,b,0\n3,a,0\n";
/// let stats = betagouv_impact::aggregate_cohort_csv(csv.as_bytes(), "cohort", "returned")?;
/// assert_eq!(stats.get("a").map(|c| (c.successes, c.n)), Some((1, 2)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn aggregate_cohort_csv<R: Read>(reader: R, group: &str, outcome: &str) -> Result<CohortStats> {
    aggregate_cohort_csv_with(reader, group, outcome, CsvOptions::default())
}

/// [`aggregate_cohort_csv`] with explicit [`CsvOptions`].
///
/// # Errors
/// As [`aggregate_cohort_csv`], with the record limit of `options`.
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn aggregate_cohort_csv_with<R: Read>(
    reader: R,
    group: &str,
    outcome: &str,
    options: CsvOptions,
) -> Result<CohortStats> {
    count_read::<CohortCounter, R>(reader, &[group, outcome], options)
        .map(CohortCounter::into_stats)
}

/// Streams a CSV of individual rows and aggregates the 0/1 column `outcome`
/// per value of the column `stratum` and, within it, of the column `group`:
/// the counts of a blocked randomisation (the input of
/// [`crate::strata_arms`]) or, with the cluster's column as `stratum`, of a
/// cluster randomisation (the input of [`crate::cluster_arms`]). The rows are
/// read as [`aggregate_cohort_csv`] reads them (fast path, same errors); memory
/// grows with the (stratum, group) pairs, not with the rows.
///
/// # Errors
/// As [`aggregate_cohort_csv`], and [`Error::InvalidCell`] for a missing or
/// non-UTF-8 stratum.
///
/// ```
/// let csv = "agency,arm,returned\nlyon,t,1\nlyon,c,0\nnice,t,0\nlyon,t,0\n";
/// let strata = betagouv_impact::aggregate_strata_csv(csv.as_bytes(), "agency", "arm", "returned")?;
/// let lyon_t = strata.get("lyon").and_then(|s| s.get("t"));
/// assert_eq!(lyon_t.map(|c| (c.successes, c.n)), Some((1, 2)));
/// assert_eq!(strata.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn aggregate_strata_csv<R: Read>(
    reader: R,
    stratum: &str,
    group: &str,
    outcome: &str,
) -> Result<BTreeMap<String, CohortStats>> {
    count_read::<StrataCounter, R>(reader, &[stratum, group, outcome], CsvOptions::default())
        .map(StrataCounter::into_strata)
}

/// [`aggregate_strata_csv`] over a file with explicit [`CsvOptions`], counted
/// in parallel as [`aggregate_cohort_csv_file`] does; a file that is not a
/// regular file (a named pipe, a character device) is read once,
/// sequentially, as there.
///
/// # Errors
/// As [`aggregate_strata_csv`], with the record limit of `options`.
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn aggregate_strata_csv_file(
    file: &std::fs::File,
    stratum: &str,
    group: &str,
    outcome: &str,
    options: CsvOptions,
) -> Result<BTreeMap<String, CohortStats>> {
    count_file::<StrataCounter>(file, &[stratum, group, outcome], options)
        .map(StrataCounter::into_strata)
}

/// Streams a CSV of individual durations and aggregates a [`SurvivalTable`]
/// per group. `event` is 1 (returned to work) or 0 (censored); `duration`
/// a finite number ≥ 0. Memory is proportional to the distinct
/// (group, duration) pairs, not to the rows. [`read_survival_csv_with`]
/// with the default [`CsvOptions`].
///
/// # Errors
/// As [`aggregate_cohort_csv`], and [`Error::InvalidCell`] for a duration
/// that is missing, not a number, negative or not finite.
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_survival_csv<R: Read>(
    reader: R,
    group: &str,
    duration: &str,
    event: &str,
) -> Result<BTreeMap<String, SurvivalTable>> {
    read_survival_csv_with(reader, group, duration, event, CsvOptions::default())
}

/// [`read_survival_csv`] with explicit [`CsvOptions`].
///
/// # Errors
/// As [`read_survival_csv`], with the record limit of `options`.
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_survival_csv_with<R: Read>(
    reader: R,
    group: &str,
    duration: &str,
    event: &str,
    options: CsvOptions,
) -> Result<BTreeMap<String, SurvivalTable>> {
    count_read::<SurvivalCounter, R>(reader, &[group, duration, event], options)
        .map(SurvivalCounter::into_tables)
}

/// [`aggregate_cohort_csv_with`] over a file, counted by
/// [`CsvOptions::threads`] workers over line-aligned ranges read with
/// positioned reads (feature `parallel` on unix; sequential otherwise). When
/// a worker meets a line the fast path does not handle, the whole file is
/// read again by the sequential reader, so the result and the errors are
/// those of [`aggregate_cohort_csv_with`] on the same bytes.
///
/// A `file` that is not a regular file (by the opened file's metadata: a
/// named pipe such as `/dev/stdin` on a pipe or a shell's `<(zcat
/// rows.csv.gz)`, a character device), which cannot be read at positions,
/// is read once, sequentially, from where it is (its start, for a stream
/// just opened), as [`aggregate_cohort_csv_with`] over a buffered reader of
/// it: the same result and the same errors, whatever the threads.
///
/// # Errors
/// As [`aggregate_cohort_csv`].
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn aggregate_cohort_csv_file(
    file: &std::fs::File,
    group: &str,
    outcome: &str,
    options: CsvOptions,
) -> Result<CohortStats> {
    count_file::<CohortCounter>(file, &[group, outcome], options).map(CohortCounter::into_stats)
}

/// [`read_survival_csv_with`] over a file, counted in parallel as
/// [`aggregate_cohort_csv_file`] does; a file that is not a regular file (a
/// named pipe, a character device) is read once, sequentially, as there.
///
/// # Errors
/// As [`read_survival_csv`].
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_survival_csv_file(
    file: &std::fs::File,
    group: &str,
    duration: &str,
    event: &str,
    options: CsvOptions,
) -> Result<BTreeMap<String, SurvivalTable>> {
    count_file::<SurvivalCounter>(file, &[group, duration, event], options)
        .map(SurvivalCounter::into_tables)
}

/// Counts a file: in parallel when built so, else sequentially from its
/// start; a file that is not a regular file (a named pipe, a character
/// device, a shell's `<(...)`), which cannot seek, sequentially from where
/// it is, once.
fn count_file<C: Counter>(file: &std::fs::File, names: &[&str], options: CsvOptions) -> Result<C> {
    if !is_regular(file) {
        let stream = std::io::BufReader::with_capacity(BUFFER_BYTES, file);
        return count_read::<C, _>(stream, names, options);
    }
    #[cfg(all(feature = "parallel", unix))]
    if let Some(counter) = file::count_parallel::<C>(file, names, options)? {
        return Ok(counter);
    }
    count_read::<C, _>(rewound(file)?, names, options)
}

/// Whether the opened `file` is a regular file, which can be read at any
/// position (its metadata, not its path's, which may have changed since).
/// Unknown is not regular: a stream reader reads anything that can be read.
fn is_regular(file: &std::fs::File) -> bool {
    file.metadata().is_ok_and(|m| m.is_file())
}

/// The file read from its start.
fn rewound(file: &std::fs::File) -> Result<&std::fs::File> {
    use std::io::Seek;
    let mut f = file;
    f.seek(std::io::SeekFrom::Start(0))
        .map_err(|e| Error::Csv {
            line: 0,
            column: None,
            reason: "read error".to_owned(),
            source: Some(e),
        })?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn err(csv: &str) -> String {
        match aggregate_cohort_csv(csv.as_bytes(), "g", "y") {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn errors_name_line_column_and_reason() {
        assert_eq!(
            err("g,y\na,1\nb,x\n"),
            "line 3, column 2 (\"y\"): expected 0 or 1 (value \"x\")"
        );
        assert_eq!(
            err("g,y\na,1\nb,\n"),
            "line 3, column 2 (\"y\"): missing value (value \"\")"
        );
        assert_eq!(
            err("g,y\n,1\n"),
            "line 2, column 1 (\"g\"): missing value (value \"\")"
        );
        assert_eq!(err("g,z\na,1\n"), "missing column \"y\" in the header");
        assert_eq!(
            err("g,y\na,1\nb\n"),
            "line 3, column 2: expected 2 fields as in the header, found 1"
        );
        assert_eq!(
            err("g,y\na,1\n\"b\",1,2\n"),
            "line 3, column 3: expected 2 fields as in the header, found 3"
        );
        // A quoted field spanning lines: the record's first line is named.
        assert_eq!(
            err("g,y\n\"a\nb\",1\nc\n"),
            "line 4, column 2: expected 2 fields as in the header, found 1"
        );
    }

    #[test]
    fn lines_count_blank_lines_and_crlf() {
        let cell =
            |line: u64| format!("line {line}, column 2 (\"y\"): expected 0 or 1 (value \"x\")");
        // The line of the record's first byte, as a text editor counts it.
        assert_eq!(err("g,y\na,1\n\na,x\n"), cell(4));
        assert_eq!(err("g,y\r\na,1\r\na,x\r\n"), cell(3));
        assert_eq!(err("g,y\r\na,1\r\n\r\n\na,x\r\n"), cell(5));
        assert_eq!(err("\n\ng,y\na,x\n"), cell(4));
        assert_eq!(err("\u{feff}\r\ng,y\r\n\r\na,x"), cell(4));
        // A lone `\r` ends a record, not a line.
        assert_eq!(err("g,y\na,1\ra,x\n"), cell(2));
        // Quoted newlines: the line where the record starts.
        assert_eq!(err("g,y\n\"a\n\nb\",1\n\n\"c\r\nd\",x\n"), cell(6));
        assert_eq!(
            err("g,y\r\na,1\r\n\r\nb\r\n"),
            "line 4, column 2: expected 2 fields as in the header, found 1"
        );
        let options = CsvOptions::default().with_max_record_bytes(16);
        let long = format!("g,y\r\na,1\r\n\r\n{},1\r\n", "x".repeat(20));
        let e = aggregate_cohort_csv_with(long.as_bytes(), "g", "y", options).err();
        assert!(
            matches!(e, Some(Error::RecordTooLarge { line: 4, .. })),
            "{e:?}"
        );
        let e = read_survival_csv("g,d,e\r\n\r\na,-2,0\r\n".as_bytes(), "g", "d", "e");
        assert_eq!(
            e.err().map(|e| e.to_string()).as_deref(),
            Some("line 3, column 2 (\"d\"): expected a finite number >= 0 (value \"-2\")")
        );
        let e = aggregate_strata_csv("s,g,y\n\n\nx,a,2\n".as_bytes(), "s", "g", "y");
        assert_eq!(
            e.err().map(|e| e.to_string()).as_deref(),
            Some("line 4, column 3 (\"y\"): expected 0 or 1 (value \"2\")")
        );
    }

    #[test]
    fn lines_fall_back_to_the_csv_crates_line() {
        let mut lines = Lines::new();
        lines.handed(b"\n\nab\ncd\n", true);
        assert_eq!((lines.next, lines.open), (3, false));
        // 3 bytes unread (`cd\n`): the next record starts on line 4.
        lines.record_ended(3, 9);
        assert_eq!((lines.next, lines.open), (4, false));
        // Blank lines to the end of the read go on in the next one.
        lines.record_ended(1, 9);
        assert_eq!((lines.next, lines.open), (5, true));
        lines.handed(b"\r\n\nx", false);
        assert_eq!((lines.next, lines.open), (7, false));
        // More unread bytes than the last read holds: the csv crate's line.
        lines.record_ended(10, 9);
        assert_eq!((lines.next, lines.open), (9, false));
        // A byte order mark is skipped in the first read only.
        let mut lines = Lines::new();
        lines.handed(b"\xef\xbb\xbf\n\na", true);
        assert_eq!(lines.next, 3);
        let mut lines = Lines::new();
        lines.handed(b"\xef\xbb\xbf\n\na", false);
        assert_eq!(lines.next, 1);
    }

    #[test]
    fn duplicate_columns_are_refused() {
        assert_eq!(
            err("g,y,x,y\na,1,2,0\n"),
            "line 1: column \"y\" appears twice in the header (columns 2 and 4)"
        );
        // A duplicate the computation does not read is harmless.
        assert!(aggregate_cohort_csv("g,y,x,x\na,1,2,3\n".as_bytes(), "g", "y").is_ok());
    }

    #[test]
    fn header_only_is_refused_by_both_readers() {
        assert_eq!(err("g,y\n"), "no data row after the header (line 1)");
        let e = read_survival_csv("g,d,e\n".as_bytes(), "g", "d", "e").err();
        assert!(matches!(e, Some(Error::NoDataRows)));
    }

    #[test]
    fn records_are_bounded() {
        let options = CsvOptions::default().with_max_record_bytes(64);
        let long = format!("g,y\na,1\n{},1\n", "x".repeat(100));
        let e = aggregate_cohort_csv_with(long.as_bytes(), "g", "y", options).err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("line 3: the record is larger than 64 bytes (the limit of a CSV record)")
        );
        // Records at the limit pass.
        let ok = format!("g,y\n{},1\n", "x".repeat(60));
        assert!(aggregate_cohort_csv_with(ok.as_bytes(), "g", "y", options).is_ok());
        // The header is a record too.
        let wide = format!("g,y,{}\na,1,2\n", "h".repeat(100));
        let e = aggregate_cohort_csv_with(wide.as_bytes(), "g", "y", options).err();
        assert!(matches!(e, Some(Error::RecordTooLarge { line: 1, .. })));
    }

    /// A reader that counts the bytes taken from it.
    struct Counting<R> {
        inner: R,
        taken: usize,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.taken += n;
            Ok(n)
        }
    }

    #[test]
    fn a_long_line_stops_at_the_limit() {
        // 8 MiB without a newline: reading stops soon after the 1 MiB limit,
        // so the memory held is bounded by the limit, not by the line.
        let line = std::iter::repeat_n(b'x', 8 << 20).collect::<Vec<u8>>();
        let mut input = Counting {
            inner: std::io::Cursor::new(line),
            taken: 0,
        };
        let e = read_survival_csv(&mut input, "g", "d", "e").err();
        assert!(matches!(
            e,
            Some(Error::RecordTooLarge {
                line: 1,
                limit: DEFAULT_MAX_RECORD_BYTES
            })
        ));
        assert!(
            input.taken <= DEFAULT_MAX_RECORD_BYTES + 2 * BUFFER_BYTES,
            "{}",
            input.taken
        );
        // Same after a valid header, on a data row.
        let mut text = b"g,d,e\na,1,1\n".to_vec();
        text.extend(std::iter::repeat_n(b'9', 8 << 20));
        let mut input = Counting {
            inner: std::io::Cursor::new(text),
            taken: 0,
        };
        let e = read_survival_csv(&mut input, "g", "d", "e").err();
        assert!(
            matches!(e, Some(Error::RecordTooLarge { line: 3, .. })),
            "{e:?}"
        );
        assert!(input.taken <= DEFAULT_MAX_RECORD_BYTES + 2 * BUFFER_BYTES + 20);
    }

    #[test]
    fn survival_csv_errors() {
        let e = read_survival_csv("g,d,e\na,1.5,1\na,-2,0\n".as_bytes(), "g", "d", "e")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("line 3, column 2 (\"d\"): expected a finite number >= 0 (value \"-2\")")
        );
        let e = read_survival_csv("g,d,e\na,abc,1\n".as_bytes(), "g", "d", "e")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("line 2, column 2 (\"d\"): expected a number (value \"abc\")")
        );
    }

    #[test]
    fn survival_tables_count_per_time() {
        let t = read_survival_csv(
            "g,d,e\na,2,1\na,1.5,0\nb,3,1\na,2,0\na,-0,1\n".as_bytes(),
            "g",
            "d",
            "e",
        )
        .expect("ok");
        let a = SurvivalTable::from_records([(2.0, true), (1.5, false), (2.0, false), (0.0, true)])
            .expect("ok");
        assert_eq!(t.get("a"), Some(&a));
        assert_eq!(t.get("b").map(SurvivalTable::n), Some(1));
    }

    #[test]
    fn counts_and_groups() {
        let s = aggregate_cohort_csv("g,y\na,1\nb,0\na,1\nc,0\nb,1\n".as_bytes(), "g", "y")
            .expect("ok");
        let v: Vec<_> = s
            .iter()
            .map(|(g, c)| (g.to_owned(), c.n, c.successes))
            .collect();
        assert_eq!(
            v,
            [("a".into(), 2, 2), ("b".into(), 2, 1), ("c".into(), 1, 0)]
        );
    }

    #[test]
    fn strata_count_per_stratum_and_group() {
        let csv = "s,g,y\nx,a,1\ny,a,0\nx,b,0\nx,a,0\ny,b,1\n";
        let strata = aggregate_strata_csv(csv.as_bytes(), "s", "g", "y").expect("ok");
        let v: Vec<_> = strata
            .iter()
            .flat_map(|(s, st)| {
                st.iter()
                    .map(move |(g, c)| (s.clone(), g.to_owned(), c.n, c.successes))
            })
            .collect();
        assert_eq!(
            v,
            [
                ("x".into(), "a".into(), 2, 1),
                ("x".into(), "b".into(), 1, 0),
                ("y".into(), "a".into(), 1, 0),
                ("y".into(), "b".into(), 1, 1),
            ]
        );
        let e = aggregate_strata_csv("s,g,y\nx,a,1\n,a,0\n".as_bytes(), "s", "g", "y").err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("line 3, column 1 (\"s\"): missing value (value \"\")")
        );
        let e = aggregate_strata_csv("s,g,y\nx,a,2\n".as_bytes(), "s", "g", "y").err();
        assert!(
            matches!(
                e,
                Some(Error::InvalidCell {
                    line: 2,
                    column_number: 3,
                    ..
                })
            ),
            "{e:?}"
        );
        let e = aggregate_strata_csv("s,g,y\nx,a,1\n".as_bytes(), "t", "g", "y").err();
        assert!(matches!(e, Some(Error::MissingColumn { .. })));
    }
}
