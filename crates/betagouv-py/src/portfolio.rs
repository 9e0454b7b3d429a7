//! `read_content`, `read_git` and the native `Portfolio`: the records of a content
//! folder or of a commit, read as the command line reads them, and their snapshot,
//! dashboard, tables and diagnostics.

use std::path::PathBuf;

use betagouv_content::Import;
use betagouv_history::{CommitInfo, Repository, Revision};
use betagouv_portfolio::snapshot::{Snapshot, SnapshotOptions};
use betagouv_portfolio::{
    ActiveRule, Dashboard, DashboardOptions, Diagnostic, ImportSummary, PhaseRule, Portfolio,
    RecordDate, builtin,
};
use chrono::{NaiveDate, Utc};
use pyo3::BoundObject;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;

use crate::convert::{to_py, to_py_versioned};
use crate::errors::{Kind, Location, error};

/// `portfolio snapshot --json`'s version (the command line's contract 3).
pub(crate) const PORTFOLIO_SNAPSHOT: u32 = 3;
/// `dashboard --json`'s version (the command line's contract 1).
pub(crate) const DASHBOARD: u32 = 1;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativePortfolio>()?;
    m.add_function(wrap_pyfunction!(read_content, m)?)?;
    m.add_function(wrap_pyfunction!(read_git, m)?)?;
    m.add_function(wrap_pyfunction!(builtin_2016, m)?)?;
    m.add_function(wrap_pyfunction!(today, m)?)?;
    Ok(())
}

/// The commit records were read from.
#[derive(Debug, Clone)]
struct Commit {
    info: CommitInfo,
    known_at: Option<NaiveDate>,
}

/// The `source` object of the command line's JSON outputs read from a commit.
#[derive(Debug, Serialize)]
struct SourceJson {
    commit: String,
    committed_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    known_at: Option<NaiveDate>,
}

impl Commit {
    fn json(&self) -> SourceJson {
        SourceJson {
            commit: self.info.id.to_string(),
            committed_at: self.info.committed_at.to_rfc3339(),
            known_at: self.known_at,
        }
    }
}

/// The records of a content folder, a commit or the built-in 2016 dataset, with the
/// import's counts and problems. Wrapped by `betagouv.Portfolio`.
#[pyclass(frozen, module = "betagouv._native", name = "Portfolio")]
pub(crate) struct NativePortfolio {
    portfolio: Portfolio,
    diagnostics: Vec<Diagnostic>,
    summary: Option<ImportSummary>,
    /// The folder or repository as given; `None` for the built-in dataset.
    path: Option<PathBuf>,
    commit: Option<Commit>,
    /// The default date of the snapshot and the tables.
    at: NaiveDate,
}

/// Today in Europe/Paris (the command line's default date of a content folder).
#[pyfunction]
fn today() -> NaiveDate {
    betagouv_portfolio::paris::date_at(Utc::now())
}

/// The built-in 2016 dataset (the annual report's portfolio), at 2016-12-31 by default.
#[pyfunction]
fn builtin_2016() -> NativePortfolio {
    NativePortfolio {
        portfolio: builtin::portfolio_2016(),
        diagnostics: Vec::new(),
        summary: None,
        path: None,
        commit: None,
        at: builtin::as_of_2016(),
    }
}

/// Checks the import's dropped files: an error naming the first one, with every
/// problem of those files, unless `allow_errors`.
fn refuse_dropped(py: Python<'_>, name: &str, import: &Import, allow_errors: bool) -> PyResult<()> {
    let summary = import.summary();
    if !summary.has_dropped() || allow_errors {
        return Ok(());
    }
    let dropped: Vec<&Diagnostic> = import.dropped_diagnostics().collect();
    let first = dropped.first().map(|d| Location::of(d)).unwrap_or_default();
    let files = match summary.dropped_files {
        1 => "1 file".to_owned(),
        n => format!("{n} files"),
    };
    let detail = dropped
        .first()
        .map(|d| format!(" (first: {d})"))
        .unwrap_or_default();
    let message = format!(
        "{files} of {name} gave no record{detail}; fix them, or pass allow_errors=True to go on without them (Portfolio.diagnostics() lists them)"
    );
    let list = PyList::empty(py);
    for d in dropped {
        list.append(diagnostic_dict(py, d)?)?;
    }
    Err(error(
        py,
        Kind::Content,
        message,
        &first,
        Some(list.into_any()),
    ))
}

/// `read_content(path, at=None, allow_errors=False)`: the records of a content folder
/// (repository root, `content/`, or one collection folder) of any era.
#[pyfunction]
#[pyo3(signature = (path, at=None, allow_errors=false))]
fn read_content(
    py: Python<'_>,
    path: PathBuf,
    at: Option<NaiveDate>,
    allow_errors: bool,
) -> PyResult<NativePortfolio> {
    let options = betagouv_content::ReadOptions::default();
    let read = py.detach(|| betagouv_content::read_folder(&path, &options));
    let import = read.map_err(|e| {
        let at = Location::at(Some(&path), 0, 0);
        error(py, Kind::Content, e.to_string(), &at, None)
    })?;
    refuse_dropped(py, &path.display().to_string(), &import, allow_errors)?;
    let at = at.unwrap_or_else(today);
    Ok(NativePortfolio::of_import(import, path, None, at))
}

/// `read_git(repo, rev=None, known_at=None, allow_errors=False)`: the records of a
/// commit, read from the repository's objects (no checkout).
#[pyfunction]
#[pyo3(signature = (repo, rev=None, known_at=None, allow_errors=false))]
fn read_git(
    py: Python<'_>,
    repo: PathBuf,
    rev: Option<String>,
    known_at: Option<NaiveDate>,
    allow_errors: bool,
) -> PyResult<NativePortfolio> {
    let revision = match (known_at, rev) {
        (Some(date), None) => Revision::KnownAt { date, from: None },
        (None, Some(rev)) => Revision::Rev(rev),
        (None, None) => Revision::default(),
        (Some(_), Some(_)) => {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "give rev or known_at, not both",
            ));
        }
    };
    let git_error = |e: &dyn std::fmt::Display| {
        error(
            py,
            Kind::Git,
            e.to_string(),
            &Location::at(Some(&repo), 0, 0),
            None,
        )
    };
    let read = py.detach(|| -> Result<_, betagouv_history::Error> {
        let repository = Repository::open(&repo)?;
        let info = repository.revision(&revision)?;
        let options = betagouv_content::ReadOptions::default();
        let import = repository.read_commit(&info.id, &options)?;
        Ok((info, import))
    });
    let (info, import) = read.map_err(|e| git_error(&e))?;
    let commit = Commit { info, known_at };
    let name = format!("{}@{}", repo.display(), commit.info.id.short());
    refuse_dropped(py, &name, &import, allow_errors)?;
    let at = known_at.unwrap_or_else(|| commit.info.committed_date());
    Ok(NativePortfolio::of_import(import, repo, Some(commit), at))
}

/// A phase rule by its key (`at-date`, `last-listed`, `latest-start`).
fn phase_rule(key: &str) -> PyResult<PhaseRule> {
    key.parse::<PhaseRule>()
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// An active rule by its key (`stage`, `site`).
fn active_rule(key: &str) -> PyResult<ActiveRule> {
    key.parse::<ActiveRule>()
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// A diagnostic as a dict: `severity`, `rule`, `file`, `line`, `column`, `message`
/// (the rows of the command line's JSON; `file` is `None` without a file, `line` and
/// `column` `None` when unknown).
pub(crate) fn diagnostic_dict<'py>(
    py: Python<'py>,
    d: &Diagnostic,
) -> PyResult<Bound<'py, PyDict>> {
    let at = Location::of(d);
    let dict = PyDict::new(py);
    dict.set_item("severity", d.severity.to_string())?;
    dict.set_item("rule", &d.rule)?;
    dict.set_item("file", at.file)?;
    dict.set_item("line", at.line)?;
    dict.set_item("column", at.column)?;
    dict.set_item("message", &d.message)?;
    Ok(dict)
}

/// The date of a record field as `(date, text)`: the calendar date when exact, and
/// the text as written when it is not (partial `YYYY-MM`, or invalid).
fn date_parts(d: Option<&RecordDate>) -> (Option<NaiveDate>, Option<&str>) {
    match d {
        None => (None, None),
        Some(RecordDate::Exact(date)) => (Some(*date), None),
        Some(RecordDate::Partial(t) | RecordDate::Invalid(t)) => (None, Some(t.as_str())),
    }
}

/// Columns being built: a name and its values, in order.
struct Columns<'py> {
    py: Python<'py>,
    columns: Vec<(&'static str, Bound<'py, PyList>)>,
}

impl<'py> Columns<'py> {
    fn new(py: Python<'py>, names: &[&'static str]) -> Self {
        Self {
            py,
            columns: names.iter().map(|n| (*n, PyList::empty(py))).collect(),
        }
    }

    /// Appends one row, its values in the columns' order.
    fn push(&self, row: Vec<Bound<'py, PyAny>>) -> PyResult<()> {
        for ((_, column), value) in self.columns.iter().zip(row) {
            column.append(value)?;
        }
        Ok(())
    }

    fn into_dict(self) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(self.py);
        for (name, column) in self.columns {
            dict.set_item(name, column)?;
        }
        Ok(dict)
    }
}

/// `value` as a Python object.
fn obj<'py, T>(py: Python<'py>, value: T) -> PyResult<Bound<'py, PyAny>>
where
    T: IntoPyObject<'py>,
{
    value
        .into_pyobject(py)
        .map(BoundObject::into_any)
        .map(BoundObject::into_bound)
        .map_err(Into::into)
}

impl NativePortfolio {
    fn of_import(import: Import, path: PathBuf, commit: Option<Commit>, at: NaiveDate) -> Self {
        let summary = import.summary();
        Self {
            portfolio: import.portfolio,
            diagnostics: import.diagnostics,
            summary: Some(summary),
            path: Some(path),
            commit,
            at,
        }
    }
}

#[pymethods]
impl NativePortfolio {
    /// The default date of `snapshot`, `dashboard` and the tables: the `at` given to
    /// the read, today in Europe/Paris for a folder, the `known_at` date or the
    /// commit's own date (Europe/Paris) for a commit, 2016-12-31 for the built-in data.
    #[getter]
    fn at(&self) -> NaiveDate {
        self.at
    }

    /// The vocabulary of the phases (`2016`, `2018`, `2020`...).
    #[getter]
    fn vocabulary(&self) -> String {
        self.portfolio.vocabulary.to_string()
    }

    /// The folder or repository read, as given; `None` for the built-in dataset.
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.path.clone()
    }

    /// The commit read (`{"commit", "committed_at", "known_at"}`), or `None`.
    fn source<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.commit {
            Some(c) => to_py(py, &c.json()),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The import's counts: `files`, `records`, `dropped_files`, `errors`,
    /// `warnings` (all 0 for the built-in dataset).
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.summary.unwrap_or_default();
        let dict = PyDict::new(py);
        dict.set_item("files", s.files)?;
        dict.set_item("records", s.records)?;
        dict.set_item("dropped_files", s.dropped_files)?;
        dict.set_item("errors", s.errors)?;
        dict.set_item("warnings", s.warnings)?;
        Ok(dict)
    }

    /// Every problem of the import, located (see `diagnostic_dict`).
    fn diagnostics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for d in &self.diagnostics {
            list.append(diagnostic_dict(py, d)?)?;
        }
        Ok(list)
    }

    /// The snapshot at `at` as `portfolio snapshot --json` gives it (same keys,
    /// `schema_version` first, the import's problems counted, `source` for a commit).
    #[pyo3(signature = (at=None, rule="at-date", active="stage"))]
    fn snapshot<'py>(
        &self,
        py: Python<'py>,
        at: Option<NaiveDate>,
        rule: &str,
        active: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = SnapshotOptions::default()
            .with_phase_rule(phase_rule(rule)?)
            .with_active_rule(active_rule(active)?);
        let at = at.unwrap_or(self.at);
        let snap = py.detach(|| {
            let mut snap = Snapshot::compute(&self.portfolio, at, &options);
            snap.add_problems(&self.diagnostics);
            snap
        });
        to_py_versioned(
            py,
            PORTFOLIO_SNAPSHOT,
            &snap,
            self.commit.as_ref().map(Commit::json),
        )
    }

    /// The dashboard at `at` as `dashboard --json` gives it.
    #[pyo3(signature = (at=None, active="site"))]
    fn dashboard<'py>(
        &self,
        py: Python<'py>,
        at: Option<NaiveDate>,
        active: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = DashboardOptions::default().with_active_rule(active_rule(active)?);
        let at = at.unwrap_or(self.at);
        let dashboard = py.detach(|| Dashboard::compute(&self.portfolio, at, &options));
        to_py_versioned(
            py,
            DASHBOARD,
            &dashboard,
            self.commit.as_ref().map(Commit::json),
        )
    }

    /// The start-ups, one row each, with their phase and stage at `at` under `rule`,
    /// as a dict of columns.
    #[pyo3(signature = (at=None, rule="at-date"))]
    fn startups<'py>(
        &self,
        py: Python<'py>,
        at: Option<NaiveDate>,
        rule: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let rule = phase_rule(rule)?;
        let at = at.unwrap_or(self.at);
        let p = &self.portfolio;
        let cols = Columns::new(
            py,
            &[
                "id",
                "name",
                "pitch",
                "incubator",
                "incubators",
                "sponsors",
                "phase",
                "phase_start",
                "stage",
                "first_start",
                "end",
                "themes",
                "user_types",
                "techno",
                "site",
                "repository",
                "owner",
            ],
        );
        for s in &p.startups {
            let phase = s.phase_at(at, rule);
            let (end, _) = date_parts(s.end.as_ref());
            cols.push(vec![
                obj(py, s.id.as_str())?,
                obj(py, &s.name)?,
                obj(py, &s.pitch)?,
                obj(py, s.incubator.as_ref().map(|i| i.as_str()))?,
                obj(
                    py,
                    s.incubators.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
                )?,
                obj(py, s.sponsors.iter().map(|x| x.key()).collect::<Vec<_>>())?,
                obj(py, phase.map(|ph| ph.name.as_str()))?,
                obj(
                    py,
                    phase
                        .and_then(|ph| ph.start.as_ref())
                        .and_then(RecordDate::exact),
                )?,
                obj(py, p.stage_at(s, at, rule).key())?,
                obj(py, s.first_start())?,
                obj(py, end)?,
                obj(py, &s.themes)?,
                obj(py, &s.user_types)?,
                obj(py, &s.techno)?,
                obj(py, s.links.site.as_deref())?,
                obj(py, s.links.repository.as_deref())?,
                obj(py, s.owner.as_deref())?,
            ])?;
        }
        cols.into_dict()
    }

    /// The members, one row each, with their status at `at`, as a dict of columns.
    #[pyo3(signature = (at=None))]
    fn members<'py>(&self, py: Python<'py>, at: Option<NaiveDate>) -> PyResult<Bound<'py, PyDict>> {
        let at = at.unwrap_or(self.at);
        let cols = Columns::new(
            py,
            &[
                "id",
                "fullname",
                "role",
                "domaine",
                "member_type",
                "incubator",
                "active",
                "status",
                "employer",
                "startups",
                "previously",
                "competences",
                "teams",
                "missions",
            ],
        );
        for m in &self.portfolio.members {
            let mission = m.mission_at(at);
            cols.push(vec![
                obj(py, m.id.as_str())?,
                obj(py, &m.fullname)?,
                obj(py, &m.role)?,
                obj(py, m.domaine.as_deref())?,
                obj(py, m.member_type.as_deref())?,
                obj(py, m.incubator.as_ref().map(|i| i.as_str()))?,
                obj(py, m.is_active_at(at))?,
                obj(py, m.status_at(at))?,
                obj(py, mission.and_then(|x| x.employer.as_deref()))?,
                obj(
                    py,
                    m.startups.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
                )?,
                obj(
                    py,
                    m.previously.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
                )?,
                obj(py, &m.competences)?,
                obj(py, &m.teams)?,
                obj(py, m.missions.len())?,
            ])?;
        }
        cols.into_dict()
    }

    /// The members' missions, one row each (`start`/`end` as dates when exact, the
    /// written text in `start_text`/`end_text` when not), as a dict of columns.
    fn missions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let cols = Columns::new(
            py,
            &[
                "member",
                "start",
                "end",
                "start_text",
                "end_text",
                "status",
                "employer",
                "startups",
            ],
        );
        for m in &self.portfolio.members {
            for x in &m.missions {
                let (start, start_text) = date_parts(x.start.as_ref());
                let (end, end_text) = date_parts(x.end.as_ref());
                cols.push(vec![
                    obj(py, m.id.as_str())?,
                    obj(py, start)?,
                    obj(py, end)?,
                    obj(py, start_text)?,
                    obj(py, end_text)?,
                    obj(py, x.status.as_deref())?,
                    obj(py, x.employer.as_deref())?,
                    obj(
                        py,
                        x.startups.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
                    )?,
                ])?;
            }
        }
        cols.into_dict()
    }

    /// The start-ups' phases as listed, one row each, with the stage each phase
    /// means in the portfolio's vocabulary, as a dict of columns.
    fn phases<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = &self.portfolio;
        let cols = Columns::new(
            py,
            &[
                "startup",
                "phase",
                "stage",
                "start",
                "end",
                "start_text",
                "end_text",
                "comment",
            ],
        );
        for s in &p.startups {
            for ph in &s.phases {
                let (start, start_text) = date_parts(ph.start.as_ref());
                let (end, end_text) = date_parts(ph.end.as_ref());
                cols.push(vec![
                    obj(py, s.id.as_str())?,
                    obj(py, &ph.name)?,
                    obj(py, p.stage_of_phase(Some(ph)).key())?,
                    obj(py, start)?,
                    obj(py, end)?,
                    obj(py, start_text)?,
                    obj(py, end_text)?,
                    obj(py, ph.comment.as_deref())?,
                ])?;
            }
        }
        cols.into_dict()
    }

    fn __len__(&self) -> usize {
        self.portfolio.startups.len()
    }
}
