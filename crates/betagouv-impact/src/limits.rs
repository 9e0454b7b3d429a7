//! The accepted ranges of every statistics parameter and the size bounds of
//! every algorithm and reader, in one place.
//!
//! Every public entry point checks its parameters with the helpers of this
//! module, so a value outside its range is an [`Error::InvalidParameter`] (or
//! [`Error::InvalidAlpha`]) naming the parameter and the range, never a
//! panic, a hang or a NaN. The ranges are where the formulas are defined and
//! the special functions of this crate are accurate (relative error below
//! 1e-9 on the quantiles, checked by the crate's tests and against mpmath):
//!
//! | parameter | range | why |
//! | --- | --- | --- |
//! | `alpha` | [1e-10, 0.5] | the normal quantile `z_{1−α/2}` and the beta quantiles are accurate down to α/2 = 5e-11; a level `1 − α` below 50 % is not a confidence level |
//! | rates (`control_rate`, `treated_rate`) | [1e-10, 1 − 1e-10] | `1 − p` keeps a relative error below 1e-6 |
//! | `power` | [1e-10, 1 − 1e-10] | as the rates (its complement is a normal tail) |
//! | `ratio` (`n_c / n_t`) | [1e-6, 1e6] | allocations beyond a million to one are input errors |
//! | `n_per_arm` | [1, 1e15] | the sample-size search stops at 1e15 too |
//! | `icc` (intra-cluster correlation) | [0, 1] | a correlation; negative values (possible in samples) are not a planning input |
//! | `cluster_size` (mean people per cluster) | [1, 1e15] | as `n_per_arm` |
//! | `first_stage` (expected take-up difference) | [1e-10, 1] | a difference of two rates, positive for the MDE on users |
//! | survival horizon `at` | finite, ≥ 0 | a time |
//! | KPI `value` | finite, in [0, 1e15] | a count; exact as an f64 integer and as a decimal |
//!
//! Size bounds: [`FISHER_MAX_N`] (Fisher's exact test), [`BOSCHLOO_MAX_N`] (Boschloo's
//! exact test), [`EXACT_CI_MAX_N`]
//! (Clopper-Pearson and Jeffreys intervals), [`LOGRANK_MAX_GROUPS`] (log-rank
//! test) and [`DEFAULT_MAX_RECORD_BYTES`] (CSV records, configurable through
//! `CsvOptions` (feature `csv`)). Memory of the CSV readers (feature `csv`):
//! `DEFAULT_CSV_CHUNK_BYTES` per thread, at most `MAX_AUTO_THREADS` threads
//! by default and `MAX_CSV_THREADS` when asked, and the per-group survival
//! arrays bounded by `CSV_DENSE_TIMES` and `CSV_DENSE_GROUPS`.
//!
//! Counts computed by a SQL engine ([`crate::sql`], feature `postgres`): the
//! server reads the rows; the client holds the result of the counting query
//! once (one row per group for a cohort, per group and distinct duration for
//! survival) and the statistics built from it, so its memory is proportional
//! to the groups (and distinct durations), never to the rows. The server's
//! work is bounded by `PgOptions::statement_timeout` (default 300 s, the
//! command line's `--statement-timeout`).
//!
//! Pre-aggregated counts (`cohort_stats_from_counts`, `survival_tables_from_counts`,
//! `read_cohort_counts_csv`, `read_survival_counts_csv`): memory proportional to the
//! distinct groups (and, for survival, distinct (group, time) pairs), never to the
//! rows; a CSV record is bounded by [`DEFAULT_MAX_RECORD_BYTES`]; counts are summed
//! with a check, so a total above `u64::MAX` is an error naming its row, not a
//! wrap-around.
//!
//! Parquet readers (feature `parquet`): [`PARQUET_BATCH_ROWS`] and [`PARQUET_DENSE_TIMES`].

use crate::error::{Error, Result};

/// Smallest accepted significance level.
pub const ALPHA_MIN: f64 = 1e-10;
/// Largest accepted significance level (a 50 % confidence level).
pub const ALPHA_MAX: f64 = 0.5;
/// Smallest accepted rate or power.
pub const PROBABILITY_MIN: f64 = 1e-10;
/// Largest accepted rate or power.
pub const PROBABILITY_MAX: f64 = 1.0 - 1e-10;
/// Smallest accepted allocation ratio `n_c / n_t`.
pub const RATIO_MIN: f64 = 1e-6;
/// Largest accepted allocation ratio `n_c / n_t`.
pub const RATIO_MAX: f64 = 1e6;
/// Smallest accepted arm size in planning (power, MDE).
pub const N_PER_ARM_MIN: f64 = 1.0;
/// Largest accepted arm size in planning, and the largest size the sample-size
/// search returns.
pub const N_PER_ARM_MAX: f64 = 1e15;
/// Largest KPI value.
pub const KPI_VALUE_MAX: f64 = 1e15;

/// Fisher's exact test is computed only when the total of the two arms is at
/// most this: its walk over the tables takes `O(√N)` steps (about 3e5 at the
/// bound) and needs the counts exact in an f64 with room to spare. Above it,
/// the comparison reports it as not computed; the chi-square test,
/// asymptotically equivalent at such sizes, remains.
pub const FISHER_MAX_N: u64 = 1_000_000_000;

/// Boschloo's exact test is computed only when the two arms total at most this many
/// people: it sums the `(n_t + 1)·(n_c + 1)` tables once (about 6e6 at the bound) and
/// searches the maximum over the nuisance rate on `O(√N)` grid points of `O(N)` terms
/// each. Above it, the test a report shows for small expected counts is Fisher's
/// ([`FISHER_MAX_N`]).
pub const BOSCHLOO_MAX_N: u64 = 5_000;

/// The Clopper-Pearson and Jeffreys intervals (beta quantiles) are computed
/// only for samples of at most this size: the incomplete beta function's
/// continued fraction takes `O(√n)` steps (about 3e4 at the bound, for each
/// of the solver's few Newton steps), and its shapes stay exact in an f64
/// with room to spare. Above it they are `None` (the Wilson, Agresti-Coull
/// and Wald intervals remain, and agree with them to far better than the
/// sampling error).
pub const EXACT_CI_MAX_N: u64 = 1_000_000_000;

/// The log-rank test is computed for at most this many groups (its cost is
/// quadratic in the groups per distinct time, and its matrix cubic).
pub const LOGRANK_MAX_GROUPS: usize = 32;

/// Default largest CSV record (header or row), in bytes including its line
/// ending: 1 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 1 << 20;

/// Size of each buffer of the CSV readers' fast path: 1 MiB, one per thread.
/// A line longer than this (or a run of blank lines) is read by the csv
/// crate's reader, with its own 64 KiB buffer (and a copy of it). The readers' memory is this
/// times the threads, plus the per-group counts (below), whatever the rows.
#[cfg(feature = "csv")]
pub const DEFAULT_CSV_CHUNK_BYTES: usize = 1 << 20;

/// Threads of the parallel CSV file readers when `CsvOptions::threads` is 0
/// (one per core, at most this many): at most 8 MiB of buffers.
#[cfg(feature = "csv")]
pub const MAX_AUTO_THREADS: usize = 8;

/// Most threads of the parallel CSV file readers, whatever is asked.
#[cfg(feature = "csv")]
pub const MAX_CSV_THREADS: usize = 64;

/// The survival readers count whole-number durations below this in an array
/// per group (16 bytes per duration, at most 16 KiB per group), for the
/// first [`CSV_DENSE_GROUPS`] groups of each thread; other durations and
/// groups go to a map whose memory is proportional to the distinct
/// (group, duration) pairs.
#[cfg(feature = "csv")]
pub const CSV_DENSE_TIMES: u64 = 1024;

/// Groups per thread whose durations may be counted in an array (at most
/// 1 MiB per thread).
#[cfg(feature = "csv")]
pub const CSV_DENSE_GROUPS: usize = 64;

/// Rows a Parquet reader decodes at once per worker thread (default of
/// `ParquetOptions::batch_rows`, feature `parquet`): 65,536.
///
/// Memory of a Parquet read, whatever the rows: per worker thread (at most
/// `ParquetOptions::threads`, never more than the row groups), one batch of
/// the columns read (`batch_rows` × 4 bytes of dictionary keys for a string
/// group, × the width of the outcome, duration and event types, plus 13
/// bytes of per-row buffers: under 2 MiB at the default), one decompressed
/// page per column read and the dictionary page of each column (bounded by
/// the writer: 1 MiB by default in pyarrow and the parquet crate), and the
/// group names and counters; plus the file's footer (metadata), read once.
/// A row group is streamed page by page, never loaded whole, so its size
/// does not matter.
pub const PARQUET_BATCH_ROWS: usize = 1 << 16;

/// Integer durations below this bound are counted in a dense array per group
/// by the Parquet survival reader (at most 16 bytes per time below the
/// largest seen: 64 KiB per group and worker); other durations in a hash map
/// (memory proportional to the distinct (group, duration) pairs). A batch
/// whose group is a dictionary of at most 16 values is first counted per
/// dictionary key in an array of the same kind (at most 1 MiB per worker).
pub const PARQUET_DENSE_TIMES: usize = 4096;

fn in_range(
    name: &'static str,
    expected: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
) -> Result<f64> {
    if value >= lo && value <= hi {
        Ok(value)
    } else {
        Err(Error::InvalidParameter {
            name,
            expected,
            value,
        })
    }
}

/// Checks a two-sided significance level.
pub(crate) fn check_alpha(alpha: f64) -> Result<f64> {
    if (ALPHA_MIN..=ALPHA_MAX).contains(&alpha) {
        Ok(alpha)
    } else {
        Err(Error::InvalidAlpha { alpha })
    }
}

/// Checks a rate (a probability of success), named `name`.
pub(crate) fn check_rate(name: &'static str, p: f64) -> Result<f64> {
    in_range(
        name,
        "in [1e-10, 1 - 1e-10]",
        p,
        PROBABILITY_MIN,
        PROBABILITY_MAX,
    )
}

/// Checks a target power.
pub(crate) fn check_power(power: f64) -> Result<f64> {
    in_range(
        "power",
        "in [1e-10, 1 - 1e-10]",
        power,
        PROBABILITY_MIN,
        PROBABILITY_MAX,
    )
}

/// Checks an allocation ratio.
pub(crate) fn check_ratio(ratio: f64) -> Result<f64> {
    in_range("ratio", "in [1e-6, 1e6]", ratio, RATIO_MIN, RATIO_MAX)
}

/// Checks a planned arm size.
pub(crate) fn check_n_per_arm(n: f64) -> Result<f64> {
    in_range("n_per_arm", "in [1, 1e15]", n, N_PER_ARM_MIN, N_PER_ARM_MAX)
}

/// Checks an expected first stage (a take-up difference) of an encouragement
/// design.
pub(crate) fn check_first_stage(fs: f64) -> Result<f64> {
    in_range("first_stage", "in [1e-10, 1]", fs, PROBABILITY_MIN, 1.0)
}

/// Checks an intra-cluster correlation.
pub(crate) fn check_icc(icc: f64) -> Result<f64> {
    in_range("icc", "in [0, 1]", icc, 0.0, 1.0)
}

/// Checks a mean cluster size.
pub(crate) fn check_cluster_size(m: f64) -> Result<f64> {
    in_range("cluster_size", "in [1, 1e15]", m, 1.0, N_PER_ARM_MAX)
}

/// Checks a time (a duration or a horizon), named `name`.
pub(crate) fn check_time(name: &'static str, t: f64) -> Result<f64> {
    in_range(name, "finite and >= 0", t, 0.0, f64::MAX)
}

/// Checks a KPI value.
pub(crate) fn check_kpi_value(v: f64) -> Result<f64> {
    in_range(
        "value",
        "a finite number in [0, 1e15]",
        v,
        0.0,
        KPI_VALUE_MAX,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_refuse_nan_infinities_and_ends() {
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.1,
            0.0,
            1e-300,
            0.6,
            1.0,
        ] {
            assert!(check_alpha(bad).is_err(), "{bad}");
            if bad != 0.6 {
                assert!(check_rate("r", bad).is_err(), "{bad}");
                assert!(check_power(bad).is_err(), "{bad}");
            }
        }
        assert!(check_alpha(ALPHA_MIN).is_ok() && check_alpha(ALPHA_MAX).is_ok());
        assert!(check_ratio(0.0).is_err() && check_ratio(1e7).is_err() && check_ratio(1.0).is_ok());
        assert!(check_n_per_arm(0.5).is_err() && check_n_per_arm(2e15).is_err());
        assert!(check_time("at", f64::NAN).is_err() && check_time("at", -1.0).is_err());
        assert!(check_time("at", f64::INFINITY).is_err() && check_time("at", 0.0).is_ok());
        assert!(check_kpi_value(f64::NEG_INFINITY).is_err() && check_kpi_value(-1.0).is_err());
        assert_eq!(
            check_ratio(f64::NAN).err().map(|e| e.to_string()),
            Some("ratio must be in [1e-6, 1e6], got NaN".to_owned())
        );
        assert_eq!(
            check_alpha(1e-300).err().map(|e| e.to_string()),
            Some("alpha must be in [1e-10, 0.5], got 1e-300".to_owned())
        );
    }
}
