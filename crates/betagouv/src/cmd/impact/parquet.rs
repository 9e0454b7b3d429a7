//! `impact cohort|survival FILE.parquet`: rows read from Parquet (feature
//! `parquet` of betagouv-impact): only the named columns, row groups in
//! parallel (`--threads`), nulls refused or skipped (`--skip-null`, the count
//! said on standard error).

use std::path::Path;

use betagouv_impact::{CohortStats, ParquetOptions, ParquetSummary};

use super::source::{Nested, RowsSource, SurvivalTables, is_stdin};
use super::{BoxError, in_file};
use crate::out::errln;

/// Parquet needs a file: its footer is at the end.
fn not_stdin(file: &Path) -> Result<(), BoxError> {
    if is_stdin(file) {
        return Err("Parquet cannot be read from standard input: give a file".into());
    }
    Ok(())
}

fn options(source: &RowsSource) -> ParquetOptions {
    ParquetOptions::default()
        .with_threads(source.threads)
        .with_skip_null(source.skip_null)
}

/// Says on standard error how many rows were skipped for a null, if any.
fn report(file: &Path, summary: &ParquetSummary) {
    if summary.skipped_null_rows > 0 {
        errln!(
            "{}: skipped {} rows with a null (--skip-null); {} rows counted",
            file.display(),
            summary.skipped_null_rows,
            summary.rows
        );
    }
}

pub(super) fn cohort(
    source: &RowsSource,
    file: &Path,
    group: &str,
    outcome: &str,
) -> Result<CohortStats, BoxError> {
    not_stdin(file)?;
    let (stats, summary) =
        betagouv_impact::aggregate_cohort_parquet(file, group, outcome, &options(source))
            .map_err(|e| in_file(file, e))?;
    report(file, &summary);
    Ok(stats)
}

pub(super) fn survival(
    source: &RowsSource,
    file: &Path,
    group: &str,
    duration: &str,
    event: &str,
) -> Result<SurvivalTables, BoxError> {
    not_stdin(file)?;
    let (tables, summary) =
        betagouv_impact::read_survival_parquet(file, group, duration, event, &options(source))
            .map_err(|e| in_file(file, e))?;
    report(file, &summary);
    Ok(tables)
}

/// `impact strata|clusters FILE.parquet`: counts per stratum (or cluster) and group.
pub(super) fn strata(
    source: &RowsSource,
    file: &Path,
    [stratum, group, outcome]: [&str; 3],
) -> Result<Nested, BoxError> {
    not_stdin(file)?;
    let options = options(source);
    let (strata, summary) =
        betagouv_impact::aggregate_strata_parquet(file, stratum, group, outcome, &options)
            .map_err(|e| in_file(file, e))?;
    report(file, &summary);
    Ok(strata)
}
