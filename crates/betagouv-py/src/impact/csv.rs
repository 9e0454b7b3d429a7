//! CSV files read as the command line reads them, by betagouv-impact's `_file` readers:
//! a regular file in parallel line-aligned ranges (`threads` workers), a stream (a named
//! pipe, a device, a shell's `<(zcat rows.csv.gz)`) once from its start; Parquet refused.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use betagouv_impact::{
    CohortStats, CovariateColumns, CovariateRows, CsvOptions, SurvivalTable,
    aggregate_cohort_csv_file, aggregate_strata_csv_file, read_covariate_rows_csv,
    read_survival_csv_file,
};

use super::Failure;

/// The buffer of the covariate rows' reader.
const BUFFER: usize = 1 << 16;

/// Opens `path`, refusing a Parquet file (by its extension, as the command line tells
/// them apart): the package reads CSV only.
fn open(path: &Path) -> Result<File, Failure> {
    let parquet = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("parq"));
    if parquet {
        return Err(Failure::Message(
            "Parquet files are not read by the Python package: read it with pandas.read_parquet and pass the DataFrame".to_owned(),
        ));
    }
    File::open(path).map_err(Failure::Open)
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
    let f = open(path)?;
    Ok(aggregate_cohort_csv_file(
        &f,
        group,
        outcome,
        options(threads),
    )?)
}

/// The survival tables of `path`'s columns (group, duration, event).
pub(super) fn survival(
    path: &Path,
    [group, duration, event]: [&str; 3],
    threads: usize,
) -> Result<BTreeMap<String, SurvivalTable>, Failure> {
    let f = open(path)?;
    Ok(read_survival_csv_file(
        &f,
        group,
        duration,
        event,
        options(threads),
    )?)
}

/// The counts per stratum (or cluster) and group of `path`'s columns (key, group,
/// outcome).
pub(super) fn strata(
    path: &Path,
    [key, group, outcome]: [&str; 3],
    threads: usize,
) -> Result<BTreeMap<String, CohortStats>, Failure> {
    let f = open(path)?;
    Ok(aggregate_strata_csv_file(
        &f,
        key,
        group,
        outcome,
        options(threads),
    )?)
}

/// The rows of `columns`' arms in `path` (read sequentially, as the command line does).
pub(super) fn covariates(
    path: &Path,
    columns: CovariateColumns<'_>,
) -> Result<CovariateRows, Failure> {
    let reader = BufReader::with_capacity(BUFFER, open(path)?);
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
