//! CSV files read as the command line reads them: a regular file in parallel
//! line-aligned ranges (`threads` workers), a stream (a named pipe, a device, a
//! shell's `<(zcat rows.csv.gz)`) once from its start, since it cannot be read at
//! positions; Parquet refused.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use betagouv_impact::{
    CohortStats, CovariateColumns, CovariateRows, CsvOptions, SurvivalTable,
    aggregate_cohort_csv_file, aggregate_cohort_csv_with, aggregate_strata_csv,
    aggregate_strata_csv_file, read_covariate_rows_csv, read_survival_csv_file,
    read_survival_csv_with,
};

use super::Failure;

/// The buffer of a stream's reader.
const STREAM_BUFFER: usize = 1 << 16;

/// A CSV input: a regular file, or a stream read once.
enum Input {
    File(File),
    Stream(BufReader<File>),
}

/// Opens `path`, refusing a Parquet file (by its extension, as the command line tells
/// them apart): the package reads CSV only.
fn open(path: &Path) -> Result<Input, Failure> {
    let parquet = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("parq"));
    if parquet {
        return Err(Failure::Message(
            "Parquet files are not read by the Python package: read it with pandas.read_parquet and pass the DataFrame".to_owned(),
        ));
    }
    let file = File::open(path).map_err(Failure::Open)?;
    let regular = file.metadata().is_ok_and(|m| m.is_file());
    Ok(if regular {
        Input::File(file)
    } else {
        Input::Stream(BufReader::with_capacity(STREAM_BUFFER, file))
    })
}

/// The CSV readers' options: `threads` workers over the file's ranges.
fn options(threads: usize) -> CsvOptions {
    CsvOptions::default().with_threads(threads)
}

/// The cohort counts of `path`'s columns `group` and `outcome`.
pub(super) fn cohort(
    path: &Path,
    group: &str,
    outcome: &str,
    threads: usize,
) -> Result<CohortStats, Failure> {
    let o = options(threads);
    Ok(match open(path)? {
        Input::File(f) => aggregate_cohort_csv_file(&f, group, outcome, o)?,
        Input::Stream(r) => aggregate_cohort_csv_with(r, group, outcome, o)?,
    })
}

/// The survival tables of `path`'s columns (group, duration, event).
pub(super) fn survival(
    path: &Path,
    [group, duration, event]: [&str; 3],
    threads: usize,
) -> Result<BTreeMap<String, SurvivalTable>, Failure> {
    let o = options(threads);
    Ok(match open(path)? {
        Input::File(f) => read_survival_csv_file(&f, group, duration, event, o)?,
        Input::Stream(r) => read_survival_csv_with(r, group, duration, event, o)?,
    })
}

/// The counts per stratum (or cluster) and group of `path`'s columns (key, group,
/// outcome).
pub(super) fn strata(
    path: &Path,
    [key, group, outcome]: [&str; 3],
    threads: usize,
) -> Result<BTreeMap<String, CohortStats>, Failure> {
    Ok(match open(path)? {
        Input::File(f) => aggregate_strata_csv_file(&f, key, group, outcome, options(threads))?,
        Input::Stream(r) => aggregate_strata_csv(r, key, group, outcome)?,
    })
}

/// The rows of `columns`' arms in `path` (read sequentially, as the command line does).
pub(super) fn covariates(
    path: &Path,
    columns: CovariateColumns<'_>,
) -> Result<CovariateRows, Failure> {
    let reader = match open(path)? {
        Input::File(f) => BufReader::with_capacity(STREAM_BUFFER, f),
        Input::Stream(r) => r,
    };
    Ok(read_covariate_rows_csv(reader, columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_is_refused_and_a_missing_file_cannot_be_opened() {
        let parquet = cohort(Path::new("rows.PARQUET"), "g", "y", 0);
        assert!(matches!(parquet, Err(Failure::Message(m)) if m.contains("Parquet")));
        let missing = cohort(Path::new("/nonexistent/rows.csv"), "g", "y", 0);
        assert!(matches!(missing, Err(Failure::Open(_))));
    }
}
