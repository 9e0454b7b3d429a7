"""betagouv: the betagouv-rs crates for Python.

The portfolio of a State start-up incubator read from a beta.gouv.fr content folder
of any era (:func:`read_content`) or from any commit of its git history
(:func:`read_git`), its snapshot and dashboard with the same keys as the command
line's JSON, its tables as pandas DataFrames (when pandas is installed; lists of dicts
otherwise); impact statistics (:mod:`betagouv.impact`); exact money and budgets
(:mod:`betagouv.funding`, amounts as ``decimal.Decimal``).

>>> import betagouv
>>> p = betagouv.builtin_2016()
>>> p.snapshot()["startups"]["total"]
27
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import Any, Dict, List, Optional, Union

from . import _native
from ._dates import to_date
from ._result import Interval, Result
from ._tables import table
from .errors import BetagouvError, ContentError, FundingError, GitError, ImpactError

__version__: str = _native.__version__

__all__ = [
    "Portfolio",
    "read_content",
    "read_git",
    "builtin_2016",
    "today",
    "Result",
    "Interval",
    "BetagouvError",
    "ContentError",
    "GitError",
    "ImpactError",
    "FundingError",
    "impact",
    "funding",
]

PathLike = Union[str, "os.PathLike[str]"]


class Portfolio:
    """The records of a content folder, a commit or the built-in 2016 dataset.

    Made by :func:`read_content`, :func:`read_git` or :func:`builtin_2016`. Tables
    (:meth:`startups`, :meth:`members`, :meth:`missions`, :meth:`phases`) are pandas
    DataFrames when pandas is installed and lists of dicts otherwise; pass
    ``as_frame=False`` for lists of dicts even with pandas.
    """

    __slots__ = ("_native",)

    def __init__(self, native: _native.Portfolio) -> None:
        self._native = native

    @property
    def at(self) -> _dt.date:
        """The default date of the snapshot, the dashboard and the tables."""
        return self._native.at

    @property
    def vocabulary(self) -> str:
        """The phase vocabulary of the records (``2016``, ``2018``, ``2020``...)."""
        return self._native.vocabulary

    @property
    def path(self) -> Optional[str]:
        """The folder or repository read; ``None`` for the built-in dataset."""
        p = self._native.path
        return None if p is None else str(p)

    @property
    def source(self) -> Optional[Dict[str, Any]]:
        """The commit read (``commit``, ``committed_at``, ``known_at``), or ``None``."""
        return self._native.source()

    def summary(self) -> Dict[str, int]:
        """The import's counts: ``files``, ``records``, ``dropped_files``, ``errors``,
        ``warnings``."""
        return self._native.summary()

    def diagnostics(self, as_frame: Optional[bool] = False) -> Any:
        """Every problem of the import, located: dicts with ``severity``, ``rule``,
        ``file``, ``line``, ``column`` (``None`` when unknown) and ``message``; a
        DataFrame with ``as_frame=True`` (or ``None``: when pandas is installed)."""
        rows = self._native.diagnostics()
        if as_frame is False:
            return rows
        names = ["severity", "rule", "file", "line", "column", "message"]
        return table({n: [r[n] for r in rows] for n in names}, as_frame)

    def snapshot(self, at: Any = None, rule: str = "at-date", active: str = "stage") -> Dict[str, Any]:
        """The portfolio at ``at`` (default :attr:`at`) as ``betagouv portfolio
        snapshot --json`` prints it: the same keys, ``schema_version`` first.

        ``rule``: how the current phase is chosen (``at-date``, ``last-listed``,
        ``latest-start``); ``active``: which start-ups the headline count takes
        (``stage`` or ``site``; the dict has both counts)."""
        return self._native.snapshot(to_date(at), rule, active)

    def dashboard(self, at: Any = None, active: str = "site") -> Dict[str, Any]:
        """The incubator's dashboard at ``at`` as ``betagouv dashboard --json`` prints
        it (products, launches, national impact, open source, statistics pages,
        themes, sponsors, members)."""
        return self._native.dashboard(to_date(at), active)

    def startups(self, at: Any = None, rule: str = "at-date", as_frame: Optional[bool] = None) -> Any:
        """One row per start-up, with its phase, the phase's start and its stage at
        ``at``: ``id``, ``name``, ``pitch``, ``incubator``, ``incubators``,
        ``sponsors``, ``phase``, ``phase_start``, ``stage``, ``first_start``, ``end``,
        ``themes``, ``user_types``, ``techno``, ``site``, ``repository``, ``owner``."""
        return table(self._native.startups(to_date(at), rule), as_frame)

    def members(self, at: Any = None, as_frame: Optional[bool] = None) -> Any:
        """One row per member, with the mission at ``at``: ``id``, ``fullname``,
        ``role``, ``domaine``, ``member_type``, ``incubator``, ``active``, ``status``,
        ``employer``, ``startups``, ``previously``, ``competences``, ``teams``,
        ``missions`` (their number)."""
        return table(self._native.members(to_date(at)), as_frame)

    def missions(self, as_frame: Optional[bool] = None) -> Any:
        """One row per mission: ``member``, ``start``, ``end`` (dates when exact),
        ``start_text``, ``end_text`` (as written when not exact), ``status``,
        ``employer``, ``startups``."""
        return table(self._native.missions(), as_frame)

    def phases(self, as_frame: Optional[bool] = None) -> Any:
        """One row per listed phase: ``startup``, ``phase``, ``stage`` (what the phase
        means in the records' vocabulary), ``start``, ``end``, ``start_text``,
        ``end_text``, ``comment``."""
        return table(self._native.phases(), as_frame)

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        where = self.path or "built-in 2016 dataset"
        src = self.source
        if src:
            where = f"{where}@{src['commit'][:12]}"
        s = self.summary()
        return (
            f"Portfolio({where!r}, at={self.at.isoformat()}, startups={len(self)}, "
            f"files={s['files']}, dropped_files={s['dropped_files']}, "
            f"errors={s['errors']}, warnings={s['warnings']})"
        )


def read_content(path: PathLike, at: Any = None, allow_errors: bool = False) -> Portfolio:
    """The records of a beta.gouv.fr content folder (repository root, ``content/``
    or one collection folder) of any era.

    ``at`` is the default date of the snapshot, the dashboard and the tables (today in
    Europe/Paris when absent). Files that give no record (invalid YAML, no front
    matter...) raise :class:`~betagouv.errors.ContentError` naming the first one, with
    every problem of those files in ``diagnostics``, unless ``allow_errors`` is true:
    then the portfolio holds the other records, and :meth:`Portfolio.summary` and
    :meth:`Portfolio.diagnostics` say what was left out. The GIL is released while the
    folder is read.
    """
    return Portfolio(_native.read_content(os.fspath(path), to_date(at), allow_errors))


def read_git(
    repo: PathLike,
    rev: Optional[str] = None,
    known_at: Any = None,
    allow_errors: bool = False,
) -> Portfolio:
    """The records of a commit of a git repository (bare or not), read from its
    objects, with no checkout.

    ``rev``: a hash, a ref, ``main~3`` (default ``HEAD``); ``known_at``: the repository
    as it stood at the end of that date in Europe/Paris (the newest commit of HEAD's
    first-parent chain committed by then), also the portfolio's default date. Dropped
    files as in :func:`read_content`. Errors about the repository or the revision
    raise :class:`~betagouv.errors.GitError`.
    """
    return Portfolio(
        _native.read_git(os.fspath(repo), rev, to_date(known_at, "known_at"), allow_errors)
    )


def builtin_2016() -> Portfolio:
    """The built-in 2016 dataset of the annual report, at 2016-12-31."""
    return Portfolio(_native.builtin_2016())


def today() -> _dt.date:
    """Today in Europe/Paris (the default date of a content folder)."""
    return _native.today()


from . import funding, impact  # noqa: E402  (submodules use the names above)
