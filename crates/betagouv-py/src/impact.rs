//! `betagouv.impact`'s native functions (see python/betagouv/impact.py): the
//! computations of `betagouv impact compare|power|mde|encouragement|survival|cohort`
//! (and of `strata|clusters|adjust` in [`designs`]), returning the same dicts as the
//! command line's `--json` (`schema_version` first).
//!
//! Rows come either from a CSV file (read as the command line reads it) or as columns
//! ([`rows`]): key columns (group, stratum, cluster) as codes into a list of names and
//! numeric columns as `float64`, each column one `bytes` object. The Python side makes
//! them from a pandas DataFrame without turning its rows into Python objects (`numpy`
//! arrays' `tobytes()`), or from any iterable of rows (`array.array`). Every read and
//! every count runs with the GIL released.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use betagouv_impact::{
    Arms, CohortStats, Counts, Design, EncouragementArm, HorizonSummary, PowerMethod,
    ProportionCis, SurvivalSummary, SurvivalTable, adjust_family, compare, encouragement, mde,
    mde_users, power, sample_size, summarize_survival, survival_at_horizons,
};
use pyo3::prelude::*;
use serde::Serialize;

use crate::convert::{to_py, to_py_versioned};
use crate::errors::{Kind, Location, error};

mod csv;
mod designs;
mod rows;

use rows::{Columns, KeyInput, NumberInput};

/// The impact commands' JSON contract version (`schema_version` of their `--json`).
pub(crate) const IMPACT_SCHEMA: u32 = 2;

/// Adds the impact functions (`impact_*`) and `IMPACT_SCHEMA` to the native module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("IMPACT_SCHEMA", IMPACT_SCHEMA)?;
    m.add_function(wrap_pyfunction!(impact_compare, m)?)?;
    m.add_function(wrap_pyfunction!(impact_power, m)?)?;
    m.add_function(wrap_pyfunction!(impact_mde, m)?)?;
    m.add_function(wrap_pyfunction!(impact_encouragement, m)?)?;
    m.add_function(wrap_pyfunction!(impact_survival_csv, m)?)?;
    m.add_function(wrap_pyfunction!(impact_survival_columns, m)?)?;
    m.add_function(wrap_pyfunction!(impact_proportion_ci, m)?)?;
    m.add_function(wrap_pyfunction!(impact_adjust_p_values, m)?)?;
    designs::register(m)?;
    Ok(())
}

/// `body` as the dict of the command line's `--json`.
pub(crate) fn versioned<'py, T: Serialize>(
    py: Python<'py>,
    body: &T,
) -> PyResult<Bound<'py, PyAny>> {
    to_py_versioned(py, IMPACT_SCHEMA, body, None::<()>)
}

/// Why a computation failed, made while the GIL is released and raised after.
#[derive(Debug)]
pub(crate) enum Failure {
    /// An error of betagouv-impact.
    Impact(betagouv_impact::Error),
    /// The file could not be opened.
    Open(std::io::Error),
    /// A value of the columns given (row 1-based).
    Row {
        row: usize,
        column: String,
        value: String,
        problem: &'static str,
    },
    /// Anything else, as a message.
    Message(String),
}

impl From<betagouv_impact::Error> for Failure {
    fn from(e: betagouv_impact::Error) -> Self {
        Self::Impact(e)
    }
}

/// The line and column (1-based, 0 when unknown) an error of betagouv-impact names.
fn position(e: &betagouv_impact::Error) -> (usize, usize) {
    use betagouv_impact::Error as E;
    let line = |l: u64| usize::try_from(l).unwrap_or(0);
    match e {
        E::InvalidCell {
            line: l,
            column_number,
            ..
        } => (line(*l), *column_number),
        E::Csv {
            line: l, column, ..
        } => (line(*l), column.unwrap_or(0)),
        E::RecordTooLarge { line: l, .. } => (line(*l), 0),
        E::DuplicateColumn { second, .. } => (1, *second),
        E::MissingColumn { .. } | E::NoDataRows => (1, 0),
        E::ImpactFile { line, column, .. } => (*line, *column),
        _ => (0, 0),
    }
}

/// The Python parameter a library error is about, as the command line names its
/// option (`alpha`, `control_rate`, `horizons`...).
fn parameter(e: &betagouv_impact::Error) -> Option<&'static str> {
    use betagouv_impact::Error as E;
    match e {
        E::InvalidAlpha { .. } => Some("alpha"),
        E::InvalidParameter { name, .. } if *name == "at" => Some("horizons"),
        E::InvalidParameter { name, .. } => Some(name),
        E::UnknownGroup { .. } => Some("control"),
        _ => None,
    }
}

/// `failure` as an `ImpactError`, prefixed with the file it is about (as the command
/// line prints it) or the parameter, with the line and column of a CSV error.
pub(crate) fn raise(py: Python<'_>, failure: Failure, file: Option<&Path>) -> PyErr {
    let (text, line, column) = match &failure {
        // A parameter's error names the parameter, not the file (as the command
        // line names its option).
        Failure::Impact(e) if parameter(e).is_some() => {
            let p = parameter(e).unwrap_or_default();
            return error(
                py,
                Kind::Impact,
                format!("{p}: {e}"),
                &Location::default(),
                None,
            );
        }
        Failure::Impact(e) => {
            let (line, column) = position(e);
            (e.to_string(), line, column)
        }
        Failure::Open(e) => (format!("cannot open: {e}"), 0, 0),
        Failure::Row {
            row,
            column,
            value,
            problem,
        } => (
            format!("row {row}, column {column:?}: {problem} (value {value})"),
            0,
            0,
        ),
        Failure::Message(m) => (m.clone(), 0, 0),
    };
    let message = match file {
        Some(p) => format!("{}: {text}", p.display()),
        None => text,
    };
    error(
        py,
        Kind::Impact,
        message,
        &Location::at(file, line, column),
        None,
    )
}

/// Counts as Python gives them: `"SUCCESSES/N"` or `(successes, n)`.
#[derive(Debug, FromPyObject)]
enum CountsInput {
    /// `SUCCESSES/N`, as the command line reads it.
    Text(String),
    /// `(successes, n)`.
    Pair(u64, u64),
}

impl CountsInput {
    fn counts(&self, what: &str) -> betagouv_impact::Result<Counts> {
        match self {
            Self::Text(t) => Counts::parse(what, t),
            Self::Pair(successes, n) => Counts::new(what, *successes, *n),
        }
    }
}

/// An encouragement arm: `"N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS"` or the four
/// counts in that order.
#[derive(Debug, FromPyObject)]
enum ArmInput {
    /// The command line's text.
    Text(String),
    /// `(n, users, successes, successes_among_users)`.
    Four(u64, u64, u64, u64),
}

impl ArmInput {
    fn arm(&self, what: &str) -> betagouv_impact::Result<EncouragementArm> {
        match self {
            Self::Text(t) => EncouragementArm::parse(what, t),
            Self::Four(n, users, s, su) => EncouragementArm::new(what, *n, *users, *s, *su),
        }
    }
}

/// `impact compare`: two cohorts' intervals, lift, ratios and tests.
#[pyfunction]
#[pyo3(signature = (treated, control, alpha=0.05))]
fn impact_compare<'py>(
    py: Python<'py>,
    treated: CountsInput,
    control: CountsInput,
    alpha: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let run = || -> Result<_, Failure> {
        let treated = treated.counts("treated")?;
        let control = control.counts("control")?;
        Ok(compare(Arms { treated, control }, alpha)?)
    };
    let c = py.detach(run).map_err(|f| raise(py, f, None))?;
    versioned(py, &c)
}

/// A figure by power method, keys in the order of the command line's JSON.
#[derive(Debug, Serialize)]
struct ByMethod<T> {
    arcsine: T,
    normal_pooled: T,
}

impl<T> ByMethod<T> {
    /// `f` of both methods.
    fn of(
        mut f: impl FnMut(PowerMethod) -> betagouv_impact::Result<T>,
    ) -> betagouv_impact::Result<Self> {
        Ok(Self {
            arcsine: f(PowerMethod::Arcsine)?,
            normal_pooled: f(PowerMethod::NormalPooled)?,
        })
    }
}

/// The JSON of `impact power --json`: the power, or the arm sizes.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum PowerJson {
    Power {
        power: ByMethod<f64>,
    },
    SampleSize {
        n_control: ByMethod<Option<u64>>,
        n_per_arm: ByMethod<Option<u64>>,
    },
}

/// A planning design as `impact power` and `impact mde` make it.
fn design(control_rate: f64, ratio: f64, alpha: f64, icc: f64, cluster_size: f64) -> Design {
    Design::new(control_rate)
        .with_ratio(ratio)
        .with_alpha(alpha)
        .with_clusters(icc, cluster_size)
}

/// `impact power`: the power at `n_per_arm` treated, or the arm sizes reaching `power`.
#[pyfunction]
#[pyo3(signature = (control_rate, treated_rate, n_per_arm=None, power=None, ratio=1.0, alpha=0.05, icc=0.0, cluster_size=1.0))]
#[allow(clippy::too_many_arguments)]
fn impact_power<'py>(
    py: Python<'py>,
    control_rate: f64,
    treated_rate: f64,
    n_per_arm: Option<f64>,
    power: Option<f64>,
    ratio: f64,
    alpha: f64,
    icc: f64,
    cluster_size: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let d = design(control_rate, ratio, alpha, icc, cluster_size);
    let run = || -> Result<PowerJson, Failure> {
        match (n_per_arm, power) {
            (Some(n), None) => Ok(PowerJson::Power {
                power: ByMethod::of(|m| self::power_of(&d, treated_rate, n, m))?,
            }),
            (None, Some(target)) => {
                let sizes = ByMethod::of(|m| sample_size(&d, treated_rate, target, m))?;
                Ok(PowerJson::SampleSize {
                    n_control: ByMethod {
                        arcsine: sizes.arcsine.map(|s| s.n_control),
                        normal_pooled: sizes.normal_pooled.map(|s| s.n_control),
                    },
                    n_per_arm: ByMethod {
                        arcsine: sizes.arcsine.map(|s| s.n_treated),
                        normal_pooled: sizes.normal_pooled.map(|s| s.n_treated),
                    },
                })
            }
            _ => Err(Failure::Message(
                "give n_per_arm (to get the power) or power (to get the arm sizes), exactly one"
                    .to_owned(),
            )),
        }
    };
    let v = py.detach(run).map_err(|f| raise(py, f, None))?;
    versioned(py, &v)
}

/// The power of the test at `n` treated (the library's `power`, which the
/// parameter named `power` shadows in [`impact_power`]).
fn power_of(d: &Design, treated_rate: f64, n: f64, m: PowerMethod) -> betagouv_impact::Result<f64> {
    power(d, treated_rate, n, m)
}

/// The JSON of `impact mde --json`.
#[derive(Debug, Serialize)]
struct MdeJson {
    mde: ByMethod<Option<f64>>,
    /// With `first_stage`: the MDE on the users.
    #[serde(skip_serializing_if = "Option::is_none")]
    mde_users: Option<ByMethod<Option<f64>>>,
}

/// `impact mde`: the minimum detectable increase, and on the users with a first stage.
#[pyfunction]
#[pyo3(signature = (control_rate, n_per_arm, power, ratio=1.0, alpha=0.05, icc=0.0, cluster_size=1.0, first_stage=None))]
#[allow(clippy::too_many_arguments)]
fn impact_mde<'py>(
    py: Python<'py>,
    control_rate: f64,
    n_per_arm: f64,
    power: f64,
    ratio: f64,
    alpha: f64,
    icc: f64,
    cluster_size: f64,
    first_stage: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let d = design(control_rate, ratio, alpha, icc, cluster_size);
    let run = || -> Result<MdeJson, Failure> {
        let m = ByMethod::of(|m| mde(&d, n_per_arm, power, m))?;
        let users = first_stage
            .map(|fs| ByMethod::of(|m| mde_users(&d, n_per_arm, power, m, fs)))
            .transpose()?;
        Ok(MdeJson {
            mde: m,
            mde_users: users,
        })
    };
    let v = py.detach(run).map_err(|f| raise(py, f, None))?;
    versioned(py, &v)
}

/// `impact encouragement`: ITT, first stage, CACE and its Anderson-Rubin set.
#[pyfunction]
#[pyo3(signature = (treated, control, alpha=0.05))]
fn impact_encouragement<'py>(
    py: Python<'py>,
    treated: ArmInput,
    control: ArmInput,
    alpha: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let run = || -> Result<_, Failure> {
        let treated = treated.arm("treated")?;
        let control = control.arm("control")?;
        Ok(encouragement(Arms { treated, control }, alpha)?)
    };
    let e = py.detach(run).map_err(|f| raise(py, f, None))?;
    versioned(py, &e)
}

/// The JSON of `impact survival --json`: the summary's keys, then `horizons`.
#[derive(Serialize)]
struct SurvivalJson<'a> {
    #[serde(flatten)]
    summary: &'a SurvivalSummary,
    horizons: Option<&'a HorizonSummary>,
}

/// The survival summary of `groups` as `impact survival --json` prints it: the
/// differences against `control`, else the first group by name.
fn survival_dict<'py>(
    py: Python<'py>,
    groups: &BTreeMap<String, SurvivalTable>,
    horizons: &[f64],
    control: Option<&str>,
    alpha: f64,
    file: Option<&Path>,
) -> PyResult<Bound<'py, PyAny>> {
    let run = || -> Result<_, Failure> {
        let summary = summarize_survival(groups, horizons, alpha)?;
        let reference = control.or(groups.keys().next().map(String::as_str));
        let at = reference
            .map(|r| survival_at_horizons(groups, r, horizons, alpha))
            .transpose()?;
        Ok((summary, at))
    };
    let (summary, at) = py.detach(run).map_err(|f| raise(py, f, file))?;
    versioned(
        py,
        &SurvivalJson {
            summary: &summary,
            horizons: at.as_ref(),
        },
    )
}

/// `impact survival FILE.csv`: Kaplan-Meier per group, log-rank, differences at the
/// horizons.
#[pyfunction]
#[pyo3(signature = (path, group_column, duration_column, event_column, horizons, control=None, alpha=0.05, threads=0))]
#[allow(clippy::too_many_arguments)]
fn impact_survival_csv<'py>(
    py: Python<'py>,
    path: PathBuf,
    group_column: &str,
    duration_column: &str,
    event_column: &str,
    horizons: Vec<f64>,
    control: Option<&str>,
    alpha: f64,
    threads: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let columns = [group_column, duration_column, event_column];
    let read = || csv::survival(&path, columns, threads);
    let groups = py.detach(read).map_err(|f| raise(py, f, Some(&path)))?;
    survival_dict(py, &groups, &horizons, control, alpha, Some(&path))
}

/// `impact survival` of columns (see [`rows`]): the group; the duration and the event.
#[pyfunction]
#[pyo3(signature = (keys, numbers, horizons, control=None, alpha=0.05))]
fn impact_survival_columns<'py>(
    py: Python<'py>,
    keys: Vec<KeyInput<'py>>,
    numbers: Vec<NumberInput<'py>>,
    horizons: Vec<f64>,
    control: Option<&str>,
    alpha: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let c = Columns::of(&keys, &numbers);
    let tables = py
        .detach(|| rows::survival_tables(&c))
        .map_err(|f| raise(py, f, None))?;
    survival_dict(py, &tables, &horizons, control, alpha, None)
}

/// The comparison of the groups `treated` and `control` of `stats`, read from
/// `source` (a file, or `None` for columns), by column `group_column`.
pub(crate) fn cohort_dict<'py>(
    py: Python<'py>,
    stats: &CohortStats,
    group_column: &str,
    arms: (&str, &str),
    alpha: f64,
    file: Option<&Path>,
) -> PyResult<Bound<'py, PyAny>> {
    let arm = |name: &str, what: &str| -> Result<Counts, Failure> {
        let c = stats.get(name).ok_or_else(|| {
            Failure::Message(format!("no row has {group_column:?} = {name:?} ({what})"))
        })?;
        Ok(c.to_counts(name)?)
    };
    let run = || -> Result<_, Failure> {
        let treated = arm(arms.0, "treated")?;
        let control = arm(arms.1, "control")?;
        Ok(compare(Arms { treated, control }, alpha)?)
    };
    let c = py.detach(run).map_err(|f| raise(py, f, file))?;
    versioned(py, &c)
}

/// The five intervals of one proportion (as each arm of `impact compare --json`).
#[pyfunction]
#[pyo3(signature = (counts, alpha=0.05))]
fn impact_proportion_ci<'py>(
    py: Python<'py>,
    counts: CountsInput,
    alpha: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let run = || -> Result<_, Failure> { Ok(ProportionCis::new(counts.counts("counts")?, alpha)?) };
    let cis = py.detach(run).map_err(|f| raise(py, f, None))?;
    to_py(py, &cis)
}

/// Holm's and Benjamini-Hochberg's adjustments of one family of p-values.
#[pyfunction]
fn impact_adjust_p_values<'py>(py: Python<'py>, p_values: Vec<f64>) -> PyResult<Bound<'py, PyAny>> {
    let adjusted = py
        .detach(|| adjust_family(&p_values).map_err(Failure::from))
        .map_err(|f| raise(py, f, None))?;
    to_py(py, &adjusted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_errors_keep_their_line_and_column() {
        let e = betagouv_impact::Error::InvalidCell {
            line: 3,
            column_number: 2,
            column: "y".to_owned(),
            value: "x".to_owned(),
            problem: "expected 0 or 1",
        };
        assert_eq!(position(&e), (3, 2));
        assert_eq!(position(&betagouv_impact::Error::NoDataRows), (1, 0));
        let alpha = betagouv_impact::Error::InvalidAlpha { alpha: 2.0 };
        assert_eq!(parameter(&alpha), Some("alpha"));
        let at = betagouv_impact::Error::InvalidParameter {
            name: "at",
            expected: "finite",
            value: -1.0,
        };
        assert_eq!(parameter(&at), Some("horizons"));
    }
}
