//! A CSV file counted in parallel (feature `parallel`, unix): its data split
//! into line-aligned byte ranges, each read with positioned reads into its
//! own buffer and counted by the fast path in a scoped thread; the partial
//! counts merge. If any worker stops (a quote, an error, an unusual line),
//! its results are dropped and the caller reads the whole file sequentially,
//! which gives the reference reader's result or error.

use std::fs::File;
use std::io::Read;
use std::num::NonZeroUsize;
use std::os::unix::fs::FileExt;

use super::count::Counter;
use super::fast::{self, FastEnd, Layout};
use super::{CsvOptions, Header, rewound};
use crate::error::Result;
use crate::limits::{MAX_AUTO_THREADS, MAX_CSV_THREADS};

/// The threads to use when `asked` (0 = one per core).
pub(super) fn threads(asked: usize) -> usize {
    if asked == 0 {
        std::thread::available_parallelism()
            .map_or(1, NonZeroUsize::get)
            .min(MAX_AUTO_THREADS)
    } else {
        asked.min(MAX_CSV_THREADS)
    }
}

/// A byte range of a file, read with positioned reads.
struct Range<'f> {
    file: &'f File,
    pos: u64,
    end: u64,
}

impl Read for Range<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = usize::try_from(self.end.saturating_sub(self.pos)).unwrap_or(usize::MAX);
        let Some(part) = buf.get_mut(..left.min(buf.len())) else {
            return Ok(0);
        };
        if part.is_empty() {
            return Ok(0);
        }
        let n = self.file.read_at(part, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// The counts of a file by `threads(options.threads)` workers; `None` when
/// the sequential reader must do it (one range, a worker stopped, no row).
///
/// # Errors
/// The errors of the header (as the reference reader gives them).
pub(super) fn count_parallel<C: Counter>(
    file: &File,
    names: &[&str],
    options: CsvOptions,
) -> Result<Option<C>> {
    let threads = threads(options.threads);
    if threads <= 1 {
        return Ok(None);
    }
    let (header, _, end) = Header::read(rewound(file)?, names, options)?;
    let Some(layout) = &header.layout else {
        return Ok(None);
    };
    let Ok(meta) = file.metadata() else {
        return Ok(None);
    };
    let (start, len) = (end as u64, meta.len());
    let chunk = options.chunk_bytes as u64;
    let ranges = usize::try_from((len.saturating_sub(start)).div_ceil(chunk))
        .unwrap_or(usize::MAX)
        .min(threads);
    if ranges <= 1 {
        return Ok(None);
    }
    let Some(bounds) = bounds(file, start, len, ranges, options.max_record_bytes) else {
        return Ok(None);
    };
    let parts: Vec<Option<(C, u64)>> = std::thread::scope(|s| {
        let workers: Vec<_> = bounds
            .windows(2)
            .map(|w| {
                let range = Range {
                    file,
                    pos: w[0],
                    end: w[1],
                };
                s.spawn(move || worker::<C>(range, layout, options))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().ok().flatten())
            .collect()
    });
    let mut total = C::default();
    let mut rows = 0u64;
    for part in parts {
        let Some((counter, n)) = part else {
            return Ok(None);
        };
        total.merge(counter);
        rows = rows.saturating_add(n);
    }
    Ok((rows > 0).then_some(total))
}

/// The counts of one range; `None` when the fast path stopped.
fn worker<C: Counter>(range: Range<'_>, layout: &Layout, options: CsvOptions) -> Option<(C, u64)> {
    let mut counter = C::default();
    let mut rows = 0u64;
    let ended = fast::fast_read(
        range,
        layout,
        options.max_record_bytes,
        options.chunk_bytes,
        &mut counter,
        &mut rows,
        0,
    )
    .ok()?;
    matches!(ended, FastEnd::Done).then_some((counter, rows))
}

/// `ranges + 1` offsets from `start` to `len`, each but the ends just after
/// a `\n`; `None` when a line longer than the record limit is in the way.
fn bounds(file: &File, start: u64, len: u64, ranges: usize, limit: usize) -> Option<Vec<u64>> {
    let span = (len - start) / ranges as u64;
    let mut bounds = vec![start];
    let mut probe = vec![0u8; 1 << 16];
    for i in 1..ranges as u64 {
        let last = bounds.last().copied().unwrap_or(start);
        let at = (start + span * i).max(last);
        let mut bound = at;
        if at > start {
            // The first line starting at or after `at`.
            let mut pos = at - 1;
            bound = loop {
                let n = file.read_at(&mut probe, pos).ok()?;
                if n == 0 {
                    break len;
                }
                if let Some(j) = memchr::memchr(b'\n', probe.get(..n)?) {
                    break pos + j as u64 + 1;
                }
                pos += n as u64;
                if pos - at > limit as u64 + 2 {
                    return None;
                }
            };
        }
        bounds.push(bound.max(last).min(len));
    }
    bounds.push(len);
    Some(bounds)
}
