//! `impact cohort|survival --postgres CONNINFO --table T | --query SQL`: the
//! counting runs in the server; only the counts come back.

use betagouv_impact::CohortStats;

use super::BoxError;
use super::source::{RowsSource, SurvivalTables};

pub(super) fn cohort(
    _source: &RowsSource,
    _conninfo: &str,
    _group: &str,
    _outcome: &str,
) -> Result<Option<CohortStats>, BoxError> {
    Err("--postgres is not built yet".into())
}

pub(super) fn survival(
    _source: &RowsSource,
    _conninfo: &str,
    _group: &str,
    _duration: &str,
    _event: &str,
) -> Result<Option<SurvivalTables>, BoxError> {
    Err("--postgres is not built yet".into())
}
