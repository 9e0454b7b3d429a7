//! CSV input (feature `csv`): streaming readers of individual rows into the
//! sufficient statistics of [`crate::cohort`] and [`crate::survival`], with a
//! record size bound and a located error for every problem.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use crate::cohort::{CohortCounts, CohortStats};
use crate::error::{Error, Result};
use crate::limits::DEFAULT_MAX_RECORD_BYTES;
use crate::survival::{SurvivalTable, TimeRow};

/// Options of the CSV readers ([`aggregate_cohort_csv_with`],
/// [`read_survival_csv_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub struct CsvOptions {
    /// Largest record (the header or a row), in bytes including its line
    /// ending; default [`DEFAULT_MAX_RECORD_BYTES`] (1 MiB). A larger record
    /// is an [`Error::RecordTooLarge`] naming its line, and the reader's
    /// memory stays below this limit plus 64 KiB whatever the input.
    pub max_record_bytes: usize,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
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
}

/// Size of the CSV reader's buffer.
const BUFFER_BYTES: usize = 1 << 16;

/// A reader that refuses to hand the CSV parser more than `limit` bytes of
/// one record: the parser only asks for more input once it has consumed all
/// it was given, so the bytes handed since the start of the current record
/// are that record's. `record_start` is updated after every record.
struct Bounded<R> {
    inner: R,
    handed: u64,
    record_start: u64,
    limit: u64,
    exceeded: bool,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.handed.saturating_sub(self.record_start) > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("CSV record too large"));
        }
        let n = self.inner.read(buf)?;
        self.handed = self.handed.saturating_add(n as u64);
        Ok(n)
    }
}

/// A CSV reader with a record size bound, a located error for every problem
/// and the numbers of the columns it reads.
struct CsvSource<R> {
    rdr: csv::Reader<Bounded<R>>,
    limit: usize,
    /// Line where the next record starts.
    line: u64,
    headers: csv::ByteRecord,
    rows: u64,
}

impl<R: Read> CsvSource<R> {
    fn new(reader: R, options: CsvOptions) -> Result<Self> {
        let limit = options.max_record_bytes;
        let bounded = Bounded {
            inner: reader,
            handed: 0,
            record_start: 0,
            limit: limit as u64,
            exceeded: false,
        };
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(BUFFER_BYTES)
            .from_reader(bounded);
        let mut source = Self {
            rdr,
            limit,
            line: 1,
            headers: csv::ByteRecord::new(),
            rows: 0,
        };
        let mut headers = csv::ByteRecord::new();
        source.next_record(&mut headers)?;
        source.headers = headers;
        Ok(source)
    }

    /// Reads the next record; `false` at the end of the input.
    fn next_record(&mut self, record: &mut csv::ByteRecord) -> Result<bool> {
        let start = self.rdr.get_ref().record_start;
        let read = self.rdr.read_byte_record(record);
        let line = self.line;
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
        self.rdr.get_mut().record_start = end;
        self.line = self.rdr.position().line();
        if got && !self.headers.is_empty() {
            let (expected, found) = (self.headers.len(), record.len());
            if expected != found {
                return Err(Error::Csv {
                    line: record.position().map_or(line, csv::Position::line),
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
        let line = e.position().map_or(self.line, csv::Position::line);
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
    fn column<'n>(&self, name: &'n str) -> Result<Column<'n>> {
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

    /// The error for a CSV without any data row.
    fn finish(&self) -> Result<()> {
        if self.rows == 0 {
            return Err(Error::NoDataRows);
        }
        Ok(())
    }
}

fn line_of(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

/// A column the readers use: its name and 0-based index.
#[derive(Clone, Copy)]
struct Column<'a> {
    name: &'a str,
    index: usize,
}

impl Column<'_> {
    fn get<'r>(&self, record: &'r csv::ByteRecord) -> &'r [u8] {
        // Every record has as many fields as the header (checked on reading).
        record.get(self.index).unwrap_or_default()
    }

    fn error(&self, record: &csv::ByteRecord, value: &[u8], problem: &'static str) -> Error {
        Error::InvalidCell {
            line: line_of(record),
            column_number: self.index + 1,
            column: self.name.to_owned(),
            value: String::from_utf8_lossy(value).into_owned(),
            problem,
        }
    }

    fn flag(&self, record: &csv::ByteRecord) -> Result<bool> {
        let raw = self.get(record);
        match raw.trim_ascii() {
            b"1" => Ok(true),
            b"0" => Ok(false),
            b"" => Err(self.error(record, raw, "missing value")),
            _ => Err(self.error(record, raw, "expected 0 or 1")),
        }
    }

    fn group<'r>(&self, record: &'r csv::ByteRecord) -> Result<&'r str> {
        let raw = self.get(record);
        if raw.is_empty() {
            return Err(self.error(record, raw, "missing value"));
        }
        std::str::from_utf8(raw).map_err(|_| self.error(record, raw, "not valid UTF-8"))
    }

    fn duration(&self, record: &csv::ByteRecord) -> Result<f64> {
        let raw = self.get(record);
        let t = raw.trim_ascii();
        if t.is_empty() {
            return Err(self.error(record, raw, "missing value"));
        }
        let t: f64 = std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| self.error(record, raw, "expected a number"))?;
        if !(t.is_finite() && t >= 0.0) {
            return Err(self.error(record, raw, "expected a finite number >= 0"));
        }
        // -0 and 0 are one time.
        Ok(t + 0.0)
    }
}

/// Streams a CSV with a header row and aggregates the 0/1 column `outcome`
/// per value of the column `group`. Memory does not grow with the rows.
/// [`aggregate_cohort_csv_with`] with the default [`CsvOptions`].
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
    let mut src = CsvSource::new(reader, options)?;
    let gc = src.column(group)?;
    let yc = src.column(outcome)?;
    // Few groups in practice: a small vector with a last-hit cache, backed by
    // a hash index when groups are many.
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut counts: Vec<CohortCounts> = Vec::new();
    let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut last = usize::MAX;
    let mut record = csv::ByteRecord::new();
    while src.next_record(&mut record)? {
        let g = gc.get(&record);
        let y = yc.flag(&record)?;
        let slot = match names.get(last) {
            Some(name) if name.as_slice() == g => last,
            _ => {
                if let Some(&i) = index.get(g) {
                    i
                } else {
                    gc.group(&record)?;
                    names.push(g.to_vec());
                    counts.push(CohortCounts::default());
                    index.insert(g.to_vec(), names.len() - 1);
                    names.len() - 1
                }
            }
        };
        last = slot;
        if let Some(c) = counts.get_mut(slot) {
            c.merge(CohortCounts {
                n: 1,
                successes: u64::from(y),
            });
        }
    }
    src.finish()?;
    let mut stats = CohortStats::default();
    for (name, c) in names.iter().zip(counts) {
        // Names were checked as UTF-8 when first seen.
        stats.add_counts(&String::from_utf8_lossy(name), c);
    }
    Ok(stats)
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
    let mut src = CsvSource::new(reader, options)?;
    let gc = src.column(group)?;
    let dc = src.column(duration)?;
    let ec = src.column(event)?;
    // Per group, (events, censorings) per time; the bits of a finite f64 >= 0
    // sort as the number does.
    let mut per_group: BTreeMap<String, BTreeMap<u64, (u64, u64)>> = BTreeMap::new();
    let mut record = csv::ByteRecord::new();
    while src.next_record(&mut record)? {
        let e = ec.flag(&record)?;
        let t = dc.duration(&record)?;
        let name = gc.group(&record)?;
        let times = match per_group.get_mut(name) {
            Some(times) => times,
            None => per_group.entry(name.to_owned()).or_default(),
        };
        let c = times.entry(t.to_bits()).or_insert((0, 0));
        if e {
            c.0 = c.0.saturating_add(1);
        } else {
            c.1 = c.1.saturating_add(1);
        }
    }
    src.finish()?;
    Ok(per_group
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
            (g, SurvivalTable::from_sorted_rows(rows))
        })
        .collect())
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
}
