//! `impact strata`, `impact clusters` and `impact adjust` for Python: blocked and
//! cluster randomisation from individual rows (a CSV file or columns), and Lin's
//! covariate adjustment, with the keys of the command line's `--json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use betagouv_impact::{
    Arms, CohortStats, CovariateColumns, cluster_arms, cluster_difference, lin_adjusted,
    strata_arms, stratified,
};
use pyo3::prelude::*;

use super::rows::{self, Columns, KeyInput, NumberInput};
use super::{Failure, cohort_dict, csv, raise, versioned};

/// Adds `impact_arms_csv` and `impact_arms_columns` to the native module.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(impact_arms_csv, m)?)?;
    m.add_function(wrap_pyfunction!(impact_arms_columns, m)?)?;
    Ok(())
}

/// How the rows were randomised: by blocks (strata) or by whole clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Randomised {
    /// `impact strata`: Cochran-Mantel-Haenszel, pooled odds ratio, weighted difference.
    Strata,
    /// `impact clusters`: the difference with CR1 and CR2 standard errors.
    Clusters,
}

impl Randomised {
    fn of(name: &str) -> Result<Self, Failure> {
        match name {
            "strata" => Ok(Self::Strata),
            "clusters" => Ok(Self::Clusters),
            other => Err(Failure::Message(format!(
                "no command {other:?} (cohort, strata, clusters, adjust)"
            ))),
        }
    }
}

/// The result of a design on its counts per stratum (or cluster) and group, as the
/// command's `--json` prints it.
fn design_dict<'py>(
    py: Python<'py>,
    design: Randomised,
    nested: &BTreeMap<String, CohortStats>,
    arms: (&str, &str),
    alpha: f64,
    file: Option<&Path>,
) -> PyResult<Bound<'py, PyAny>> {
    let (treated, control) = arms;
    match design {
        Randomised::Strata => {
            let run = || -> Result<_, Failure> {
                let strata = strata_arms(nested, treated, control)?;
                Ok(stratified(&strata, alpha)?)
            };
            let s = py.detach(run).map_err(|f| raise(py, f, file))?;
            versioned(py, &s)
        }
        Randomised::Clusters => {
            let run = || -> Result<_, Failure> {
                let split = cluster_arms(nested, treated, control)?;
                let arms = Arms {
                    treated: &split.treated[..],
                    control: &split.control[..],
                };
                Ok(cluster_difference(arms, alpha)?)
            };
            let d = py.detach(run).map_err(|f| raise(py, f, file))?;
            versioned(py, &d)
        }
    }
}

/// `impact cohort|strata|clusters|adjust FILE.csv`: `command`'s columns (the group
/// and the outcome; the stratum or cluster first for `strata` and `clusters`; the
/// covariates last for `adjust`) read as the command line reads them, then its
/// statistics. `threads`: workers reading the file (not for `adjust`).
#[pyfunction]
#[pyo3(signature = (command, path, columns, treated, control, alpha=0.05, threads=0))]
#[allow(clippy::too_many_arguments)]
fn impact_arms_csv<'py>(
    py: Python<'py>,
    command: &str,
    path: PathBuf,
    columns: Vec<String>,
    treated: &str,
    control: &str,
    alpha: f64,
    threads: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
    let (arms, file) = ((treated, control), Some(path.as_path()));
    let fail = |f| raise(py, f, file);
    match (command, cols.as_slice()) {
        ("cohort", &[group, outcome]) => {
            let read = || csv::cohort(&path, group, outcome, threads);
            let stats = py.detach(read).map_err(fail)?;
            cohort_dict(py, &stats, group, arms, alpha, file)
        }
        ("adjust", &[group, outcome, ref covariates @ ..]) => {
            let read = || -> Result<_, Failure> {
                let columns = CovariateColumns {
                    group,
                    treated,
                    control,
                    outcome,
                    covariates,
                };
                let rows = csv::covariates(&path, columns)?;
                Ok(lin_adjusted(&rows, alpha)?)
            };
            let r = py.detach(read).map_err(fail)?;
            versioned(py, &r)
        }
        (design, &[key, group, outcome]) => {
            let d = Randomised::of(design).map_err(fail)?;
            let read = || csv::strata(&path, [key, group, outcome], threads);
            let nested = py.detach(read).map_err(fail)?;
            design_dict(py, d, &nested, arms, alpha, file)
        }
        _ => Err(raise(
            py,
            Failure::Message(format!(
                "{command}: unknown command, or not its columns: {columns:?}"
            )),
            None,
        )),
    }
}

/// `impact cohort|strata|clusters|adjust` of columns (see [`rows`]): `command`'s
/// key columns (the group; for `strata` and `clusters` the stratum or cluster
/// first) and numeric columns (the outcome; for `adjust` then the covariates), and
/// the arms.
#[pyfunction]
#[pyo3(signature = (command, keys, numbers, treated, control, alpha=0.05))]
fn impact_arms_columns<'py>(
    py: Python<'py>,
    command: &str,
    keys: Vec<KeyInput<'py>>,
    numbers: Vec<NumberInput<'py>>,
    treated: &str,
    control: &str,
    alpha: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let c = Columns::of(&keys, &numbers);
    let arms = (treated, control);
    match command {
        "cohort" => {
            let stats = py
                .detach(|| rows::cohort_stats(&c))
                .map_err(|f| raise(py, f, None))?;
            let group = keys.first().map_or("", |k| k.0.as_str());
            cohort_dict(py, &stats, group, arms, alpha, None)
        }
        "adjust" => {
            let run = || -> Result<_, Failure> {
                let rows = rows::covariate_rows(&c, arms)?;
                Ok(lin_adjusted(&rows, alpha)?)
            };
            let r = py.detach(run).map_err(|f| raise(py, f, None))?;
            versioned(py, &r)
        }
        design => {
            let d = Randomised::of(design).map_err(|f| raise(py, f, None))?;
            let nested = py
                .detach(|| rows::nested_stats(&c))
                .map_err(|f| raise(py, f, None))?;
            design_dict(py, d, &nested, arms, alpha, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn designs_are_named_as_the_commands() {
        assert_eq!(Randomised::of("strata").ok(), Some(Randomised::Strata));
        assert_eq!(Randomised::of("clusters").ok(), Some(Randomised::Clusters));
        assert!(matches!(Randomised::of("blocks"), Err(Failure::Message(_))));
    }
}
