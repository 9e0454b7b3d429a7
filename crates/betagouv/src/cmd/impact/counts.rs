//! `impact cohort|survival --counts FILE`: counts computed by any engine (a SQL
//! `GROUP BY` in Spark, Trino, BigQuery, DuckDB...), read from CSV or JSON.

use std::path::Path;

use betagouv_impact::CohortStats;

use super::BoxError;
use super::source::SurvivalTables;

pub(super) fn cohort(path: &Path) -> Result<CohortStats, BoxError> {
    Err(format!("{}: --counts is not built yet", path.display()).into())
}

pub(super) fn survival(path: &Path) -> Result<SurvivalTables, BoxError> {
    Err(format!("{}: --counts is not built yet", path.display()).into())
}
