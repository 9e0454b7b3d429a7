//! The fast path of the CSV readers: unquoted lines split with `memchr` over
//! large buffers. It never reports an error: anything it does not handle
//! exactly as the csv crate does (a `"`, a `\r` not before `\n`, a ragged row,
//! a cell the counters refuse, a line near the record limit or longer than
//! the buffer) stops it at the end of the last record it counted, and the
//! reference reader (the csv crate) takes over from there.

use std::io::{Chain, Cursor, Read};

use crate::error::{Error, Result};

/// Most columns a counter reads (group, duration, event).
pub(super) const MAX_WANTED: usize = 3;

/// The wanted fields of one record, in the order of the counter's columns
/// (unused slots are empty), with the bytes after them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fields<'a> {
    buf: &'a [u8],
    spans: [(usize, usize); MAX_WANTED],
}

impl<'a> Fields<'a> {
    /// Field `i` (empty for an unused slot).
    #[inline(always)]
    pub(super) fn get(&self, i: usize) -> &'a [u8] {
        let (a, b) = self.spans.get(i).copied().unwrap_or_default();
        self.buf.get(a..b).unwrap_or_default()
    }

    /// The 16 bytes from the start of field `i` (the field, then whatever
    /// follows it in the buffer); `None` near the end of the buffer. Lets a
    /// counter read a short field in whole words, without a branch on its
    /// length.
    #[inline(always)]
    pub(super) fn wide(&self, i: usize) -> Option<&'a [u8; 16]> {
        let (a, _) = self.spans.get(i).copied().unwrap_or_default();
        self.buf.get(a..)?.first_chunk::<16>()
    }
}

/// A counter fed by the fast path.
pub(super) trait FastSink {
    /// Counts one record; `false` when a cell is not one the fast path
    /// handles (the reference reader then takes over at this record).
    fn fast(&mut self, fields: &Fields<'_>) -> bool;
}

/// Which columns a counter reads, and how many fields every row has.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    columns: usize,
    /// Per column of the header, its slot in [`Fields`], or `NONE`.
    slot_of: Vec<u8>,
}

const NONE: u8 = u8::MAX;

impl Layout {
    /// The layout of `columns` fields reading the 0-based `wanted` columns;
    /// `None` when one column is wanted twice (the reference reader then does
    /// all the work).
    pub(super) fn new(columns: usize, wanted: &[usize]) -> Option<Self> {
        let mut slot_of = vec![NONE; columns];
        for (slot, &c) in wanted.iter().enumerate().take(MAX_WANTED) {
            let s = slot_of.get_mut(c)?;
            if *s != NONE {
                return None;
            }
            *s = u8::try_from(slot).ok()?;
        }
        Some(Self { columns, slot_of })
    }
}

/// Where a scan of a buffer ended.
struct Scanned {
    /// Offset after the last record counted as the csv crate ends it (after
    /// its `\n`, or at the `\n` of a `\r\n`; before any blank line after it).
    resume: usize,
    /// Line number (1-based, in the whole input) of the line at `resume`.
    line: u64,
    /// Stopped before the end of the buffer (the reference reader must go on
    /// from `resume`).
    stopped: bool,
}

/// The scanner's state over one buffer.
struct Scanner<'a, S> {
    buf: &'a [u8],
    layout: &'a Layout,
    /// Largest span from the last record's end to the end of a line that the
    /// fast path accepts (a margin below the record limit).
    max_span: usize,
    has_cr: bool,
    sink: &'a mut S,
    rows: &'a mut u64,
    resume: usize,
    resume_line: u64,
    line: u64,
}

impl<S: FastSink> Scanner<'_, S> {
    /// Ends the line `[start, end)` whose fields were split at the commas,
    /// the last field starting at `field_start`; `false` to stop before it.
    #[inline]
    fn line_end(
        &mut self,
        start: usize,
        end: usize,
        fields: usize,
        field_start: usize,
        spans: &mut [(usize, usize); MAX_WANTED],
    ) -> bool {
        let next = end + 1;
        let mut stop = end;
        if stop > start && self.buf.get(stop - 1) == Some(&b'\r') {
            stop -= 1;
        }
        if self.has_cr
            && memchr::memchr(b'\r', self.buf.get(start..stop).unwrap_or_default()).is_some()
        {
            return false;
        }
        if stop == start {
            // A blank line: the csv crate skips it.
            self.line += 1;
            return true;
        }
        if fields + 1 != self.layout.columns || next - self.resume > self.max_span {
            return false;
        }
        if let Some(&s) = self.layout.slot_of.get(fields)
            && let Some(span) = spans.get_mut(usize::from(s))
        {
            *span = (field_start, stop.max(field_start));
        }
        let f = Fields {
            buf: self.buf,
            spans: *spans,
        };
        if !self.sink.fast(&f) {
            return false;
        }
        *self.rows += 1;
        if stop < end {
            // The csv crate ends a record at the `\r` of a `\r\n` and counts
            // the `\n` with the next record: resume where it would.
            self.resume = end;
            self.resume_line = self.line;
            self.line += 1;
        } else {
            self.line += 1;
            self.resume = next.min(self.buf.len());
            self.resume_line = self.line;
        }
        true
    }
}

/// Bytes of a word holding `byte`: 0x80 in each such byte, 0 elsewhere
/// (exact: no carry crosses bytes).
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (0x0101_0101_0101_0101 * u64::from(byte));
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// Calls `f(offset, is_newline)` at every `,` and `\n` of `text` in order,
/// eight bytes at a time; stops and returns `false` when `f` does.
fn delimiters(text: &[u8], mut f: impl FnMut(usize, bool) -> bool) -> bool {
    let mut words = text.chunks_exact(8);
    let mut base = 0usize;
    for w in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(w);
        let word = u64::from_le_bytes(bytes);
        let newlines = bytes_equal(word, b'\n');
        let mut all = bytes_equal(word, b',') | newlines;
        while all != 0 {
            let bit = all.trailing_zeros();
            if !f(base + (bit / 8) as usize, (newlines >> bit) & 1 == 1) {
                return false;
            }
            all &= all - 1;
        }
        base += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if (b == b',' || b == b'\n') && !f(base + i, b == b'\n') {
            return false;
        }
    }
    true
}

/// Counts the records of `buf`, whose last line ends with `\n` unless `eof`.
fn scan<S: FastSink>(
    buf: &[u8],
    eof: bool,
    layout: &Layout,
    limit: usize,
    sink: &mut S,
    rows: &mut u64,
    line: u64,
) -> Scanned {
    // A quote: count the lines before the one holding it, then stop there.
    let (region, quoted) = match memchr::memchr(b'"', buf) {
        Some(q) => {
            let before = buf.get(..q).unwrap_or_default();
            (memchr::memrchr(b'\n', before).map_or(0, |i| i + 1), true)
        }
        None => (buf.len(), false),
    };
    let text = buf.get(..region).unwrap_or_default();
    let mut sc = Scanner {
        buf: text,
        layout,
        max_span: limit.saturating_sub(2),
        has_cr: memchr::memchr(b'\r', text).is_some(),
        sink,
        rows,
        resume: 0,
        resume_line: line,
        line,
    };
    let mut spans = [(0usize, 0usize); MAX_WANTED];
    let (mut start, mut fields, mut field_start) = (0usize, 0usize, 0usize);
    let slot_of = &layout.slot_of;
    let complete = delimiters(text, |p, newline| {
        if newline {
            if !sc.line_end(start, p, fields, field_start, &mut spans) {
                return false;
            }
            start = p + 1;
            fields = 0;
        } else {
            if let Some(&s) = slot_of.get(fields)
                && let Some(span) = spans.get_mut(usize::from(s))
            {
                *span = (field_start, p);
            }
            fields += 1;
        }
        field_start = p + 1;
        true
    });
    if !complete || quoted {
        return sc.stopped();
    }
    if eof && start < region && !sc.line_end(start, region, fields, field_start, &mut spans) {
        return sc.stopped();
    }
    Scanned {
        resume: sc.resume,
        line: sc.resume_line,
        stopped: false,
    }
}

impl<S> Scanner<'_, S> {
    fn stopped(&self) -> Scanned {
        Scanned {
            resume: self.resume,
            line: self.resume_line,
            stopped: true,
        }
    }
}

/// The input left to the reference reader: the unread bytes of the buffer,
/// then the rest of the input.
pub(super) type Rest<R> = Chain<Cursor<Vec<u8>>, R>;

/// How the fast path ended.
pub(super) enum FastEnd<R> {
    /// The whole input was counted.
    Done,
    /// Stopped at a record the reference reader must read, at `line`.
    Stopped { rest: Rest<R>, line: u64 },
}

/// Reads `buf` full (or to the end of the input); `true` at the end.
fn fill<R: Read>(input: &mut R, buf: &mut [u8], filled: &mut usize) -> std::io::Result<bool> {
    while let Some(free) = buf.get_mut(*filled..) {
        if free.is_empty() {
            return Ok(false);
        }
        match input.read(free) {
            Ok(0) => return Ok(true),
            Ok(n) => *filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// The fast path over `input`, whose first byte starts line `line`, with a
/// buffer of `chunk` bytes. `rows` counts the records counted.
///
/// # Errors
/// [`Error::Csv`] ("read error") when the input cannot be read.
pub(super) fn fast_read<R: Read, S: FastSink>(
    mut input: R,
    layout: &Layout,
    limit: usize,
    chunk: usize,
    sink: &mut S,
    rows: &mut u64,
    mut line: u64,
) -> Result<FastEnd<R>> {
    let mut buf = vec![0u8; chunk.max(1)];
    let mut filled = 0usize;
    loop {
        let eof = fill(&mut input, &mut buf, &mut filled).map_err(|e| Error::Csv {
            line,
            column: None,
            reason: "read error".to_owned(),
            source: Some(e),
        })?;
        let data = buf.get(..filled).unwrap_or_default();
        let region = if eof {
            filled
        } else {
            memchr::memrchr(b'\n', data).map_or(0, |i| i + 1)
        };
        let s = scan(
            data.get(..region).unwrap_or_default(),
            eof,
            layout,
            limit,
            sink,
            rows,
            line,
        );
        line = s.line;
        // No progress on a full buffer: a line (or a run of blank lines)
        // longer than the buffer.
        if s.stopped || (!eof && s.resume == 0) {
            buf.truncate(filled);
            buf.drain(..s.resume);
            return Ok(FastEnd::Stopped {
                rest: Cursor::new(buf).chain(input),
                line,
            });
        }
        if eof {
            return Ok(FastEnd::Done);
        }
        buf.copy_within(s.resume..filled, 0);
        filled -= s.resume;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_found_in_order() {
        let text = b"ab,c\n,,\n0123456789,abcdefghij\nxyz,\n,";
        let mut seen = Vec::new();
        assert!(delimiters(text, |p, nl| {
            seen.push((p, nl));
            true
        }));
        let want: Vec<(usize, bool)> = text
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b',' || **b == b'\n')
            .map(|(i, b)| (i, *b == b'\n'))
            .collect();
        assert_eq!(seen, want);
        // Every byte value next to a delimiter: no false match.
        let all: Vec<u8> = (0..=255u8).collect();
        let mut n = 0;
        delimiters(&all, |_, _| {
            n += 1;
            true
        });
        assert_eq!(n, 2);
        assert!(!delimiters(text, |p, _| p < 5));
    }
}
