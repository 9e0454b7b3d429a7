//! `impact cohort|survival FILE.parquet`: rows read from Parquet (feature
//! `parquet` of betagouv-impact).

use std::path::Path;

use betagouv_impact::CohortStats;

use super::BoxError;
use super::source::{RowsSource, SurvivalTables};

pub(super) fn cohort(
    _source: &RowsSource,
    file: &Path,
    _group: &str,
    _outcome: &str,
) -> Result<CohortStats, BoxError> {
    Err(format!("{}: Parquet input is not built yet", file.display()).into())
}

pub(super) fn survival(
    _source: &RowsSource,
    file: &Path,
    _group: &str,
    _duration: &str,
    _event: &str,
) -> Result<SurvivalTables, BoxError> {
    Err(format!("{}: Parquet input is not built yet", file.display()).into())
}
