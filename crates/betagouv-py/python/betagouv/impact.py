"""Impact statistics (betagouv-impact): the ``betagouv impact`` commands for notebooks.

Each function takes the parameters of the command of the same name (its flags in
snake_case) and returns a frozen :class:`~betagouv.Result` with the same keys as the
command's ``--json`` output, ``schema_version`` first: intervals are ``(lower, upper)``
tuples (:class:`~betagouv.Interval`), undefined values ``None`` (never NaN). Errors
(a parameter out of range, counts that cannot be, a CSV that cannot be read) raise
:class:`~betagouv.errors.ImpactError`, a ``ValueError`` carrying ``file``, ``line``
and ``column`` when known.

>>> from betagouv import impact
>>> c = impact.compare("22100/100000", "20000/100000")  # La Bonne Boîte, 2016
>>> round(c.difference.estimate, 6), round(c.relative_lift, 6)
(0.021, 0.105)
>>> c.difference.ci.newcombe.lower > 0.017
True

:func:`survival`, :func:`cohort`, :func:`strata`, :func:`clusters` and :func:`adjust`
read their rows from a CSV file (as the command line reads it), a pandas DataFrame
(its columns are handed over whole, never row by row), a dict of columns, or any
iterable of rows: dicts, named tuples, or tuples after a header row (as
:func:`csv.reader` gives them). A bad value is named with its row (1-based position)
and column. The counting and the statistics run with the GIL released.
"""

from __future__ import annotations

import math
import os
from array import array
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._result import Result, to_result
from .errors import ImpactError

__all__ = [
    "compare",
    "power",
    "mde",
    "encouragement",
    "survival",
    "cohort",
    "strata",
    "clusters",
    "adjust",
    "proportion_ci",
    "adjust_p_values",
    "SCHEMA_VERSION",
]

#: The ``schema_version`` of the impact commands' JSON (and of these results).
SCHEMA_VERSION: int = _native.IMPACT_SCHEMA

#: Keys whose values are intervals (``[lower, upper]`` in the command line's JSON).
INTERVAL_KEYS = frozenset(
    {
        "ci",
        "interval",
        "wilson",
        "clopper_pearson",
        "agresti_coull",
        "jeffreys",
        "wald",
        "newcombe",
        "agresti_caffo",
        "ci_katz",
        "ci_woolf",
        "returned_ci",
    }
)

CountsLike = Union[str, Tuple[int, int], Sequence[int], Mapping[str, int]]
PathLike = Union[str, "os.PathLike[str]"]
#: Rows: a CSV path, a pandas DataFrame, a dict of columns, or an iterable of rows
#: (dicts, named tuples, or tuples after a header row).
RowsLike = Union[str, "os.PathLike[str]", Mapping[str, Sequence[Any]], Iterable[Any]]


def _intervals(value: Any, key: str = "") -> Any:
    """JSON-like data with every interval as a ``{"lower", "upper"}`` dict."""
    if isinstance(value, dict):
        return {k: _intervals(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key in INTERVAL_KEYS and len(value) == 2 and not any(
            isinstance(x, (list, dict)) for x in value
        ):
            return {"lower": value[0], "upper": value[1]}
        return [_intervals(v, key) for v in value]
    return value


def _result(data: Mapping[str, Any], kind: str) -> Result:
    return to_result(_intervals(dict(data)), kind)


def _count(value: Any, what: str) -> int:
    """A count: an ``int`` >= 0 (not a bool, not a float)."""
    if isinstance(value, bool) or not isinstance(value, int):
        index = getattr(value, "__index__", None)
        if isinstance(value, bool) or index is None:
            raise ImpactError(f"{what} must be an integer, got {value!r}")
        value = index()
    if value < 0:
        raise ImpactError(f"{what} must be >= 0, got {value}")
    return int(value)


def _counts(value: Any, what: str) -> Union[str, Tuple[int, int]]:
    """``"SUCCESSES/N"``, ``(successes, n)`` or ``{"successes", "n"}`` as the native
    module takes them."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        missing = {"successes", "n"} - set(value)
        if missing:
            raise ImpactError(f"{what}: missing {', '.join(sorted(missing))}")
        return (_count(value["successes"], f"{what}.successes"), _count(value["n"], f"{what}.n"))
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return (_count(value[0], f"{what} successes"), _count(value[1], f"{what} n"))
    raise ImpactError(
        f"{what}: expected 'SUCCESSES/N', (successes, n) or a dict with successes and n, got {value!r}"
    )


_ARM_KEYS = ("n", "users", "successes", "successes_among_users")


def _arm(value: Any, what: str) -> Union[str, Tuple[int, int, int, int]]:
    """An encouragement arm: ``"N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS"``, a tuple of
    those four counts, or a dict with those keys."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        missing = set(_ARM_KEYS) - set(value)
        if missing:
            raise ImpactError(f"{what}: missing {', '.join(sorted(missing))}")
        n, u, s, su = (_count(value[k], f"{what}.{k}") for k in _ARM_KEYS)
        return (n, u, s, su)
    if isinstance(value, (tuple, list)) and len(value) == 4:
        n, u, s, su = (_count(v, f"{what} {k}") for k, v in zip(_ARM_KEYS, value))
        return (n, u, s, su)
    raise ImpactError(
        f"{what}: expected 'N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS', a tuple of those four "
        f"counts or a dict with those keys, got {value!r}"
    )


def compare(treated: CountsLike, control: CountsLike, alpha: float = 0.05) -> Result:
    """Compares two cohorts (``betagouv impact compare``): each arm's five intervals,
    the difference (Wald, Newcombe, Agresti-Caffo), the relative lift, the risk and odds
    ratios, Cohen's h, the pooled z, chi-square (with and without Yates) and Fisher
    tests.

    ``treated`` and ``control``: ``"SUCCESSES/N"`` text, a ``(successes, n)`` tuple or
    a dict with ``successes`` and ``n``. ``alpha``: the two-sided level (0.05 for 95 %
    intervals). Returns a ``Comparison``.

    >>> compare((22100, 100000), {"successes": 20000, "n": 100000}).risk_ratio.estimate
    1.105
    """
    data = _native.impact_compare(_counts(treated, "treated"), _counts(control, "control"), alpha)
    return _result(data, "Comparison")


def power(
    control_rate: float,
    treated_rate: float,
    n_per_arm: Optional[float] = None,
    power: Optional[float] = None,
    ratio: float = 1.0,
    alpha: float = 0.05,
    icc: float = 0.0,
    cluster_size: float = 1.0,
) -> Result:
    """The power of the two-sided test with ``n_per_arm`` treated people, or the
    smallest arm sizes reaching the target ``power`` (give exactly one), by the normal
    (pooled H0 variance) and arcsine methods (``betagouv impact power``).

    ``ratio``: control size over treated size; ``icc`` and ``cluster_size``: cluster
    randomisation (sizes are people, divided by the design effect 1 + (m - 1)·ICC).
    Returns a ``Power`` with ``power`` (by method), or ``n_control`` and ``n_per_arm``
    (by method, ``None`` when unreachable).

    >>> power(0.20, 0.221, power=0.8).n_per_arm.normal_pooled
    5915
    """
    data = _native.impact_power(
        control_rate, treated_rate, n_per_arm, power, ratio, alpha, icc, cluster_size
    )
    return _result(data, "Power")


def mde(
    control_rate: float,
    n_per_arm: float,
    power: float,
    ratio: float = 1.0,
    alpha: float = 0.05,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    first_stage: Optional[float] = None,
) -> Result:
    """The minimum detectable increase of the proportion over ``control_rate`` with
    ``n_per_arm`` treated people at the target ``power`` (``betagouv impact mde``), by
    method (``None`` when unreachable); with ``first_stage`` (the take-up difference
    an encouragement causes), also ``mde_users``: the MDE on the users. Returns an
    ``Mde``.

    >>> round(mde(0.20, 100000, 0.8).mde.normal_pooled, 6)
    0.005035
    """
    data = _native.impact_mde(
        control_rate, n_per_arm, power, ratio, alpha, icc, cluster_size, first_stage
    )
    return _result(data, "Mde")


def encouragement(treated: Any, control: Any, alpha: float = 0.05) -> Result:
    """An encouragement design (``betagouv impact encouragement``): the ITT effect of
    the encouragement, the first stage and its F (weak below 10), the CACE (the effect
    on compliers) with its Wald interval and its Anderson-Rubin set, the compliers'
    mean outcomes.

    Each arm: ``"N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS"``, a tuple of those four
    counts, or a dict with keys ``n``, ``users``, ``successes``,
    ``successes_among_users``. Returns an ``Encouragement``.

    >>> e = encouragement("1000,300,250,90", (1000, 100, 200, 25))
    >>> round(e.cace.estimate, 6), e.first_stage.weak
    (0.25, False)
    """
    data = _native.impact_encouragement(_arm(treated, "treated"), _arm(control, "control"), alpha)
    return _result(data, "Encouragement")


def proportion_ci(counts: CountsLike, alpha: float = 0.05) -> Result:
    """The five intervals of one proportion (Wilson, Clopper-Pearson, Agresti-Coull,
    Jeffreys, Wald), as each arm of :func:`compare` has them; ``None`` where a method
    is not computed. Returns a ``ProportionCis``.

    >>> proportion_ci("0/10").wilson.lower
    0.0
    """
    return _result(_native.impact_proportion_ci(_counts(counts, "counts"), alpha), "ProportionCis")


def adjust_p_values(p_values: Iterable[float]) -> Result:
    """Holm's (family-wise error rate) and Benjamini-Hochberg's (false discovery rate)
    adjustments of one family of p-values, in the order given. Returns an
    ``Adjusted`` with ``holm`` and ``benjamini_hochberg`` tuples.

    >>> adjust_p_values([0.01, 0.04, 0.03]).holm
    (0.03, 0.06, 0.06)
    """
    values = [float(p) for p in p_values]
    return _result(_native.impact_adjust_p_values(values), "Adjusted")


# --- rows: a path, a DataFrame, a dict of columns, an iterable of rows ---------------


def _is_frame(data: Any) -> bool:
    """Whether ``data`` is a pandas DataFrame (without importing pandas)."""
    return type(data).__module__.split(".")[0] == "pandas" and hasattr(data, "columns")


def _missing_column(name: str) -> ImpactError:
    return ImpactError(f'missing column "{name}" in the columns given')


def _bad_cell(row: int, column: str, problem: str, value: Any) -> ImpactError:
    """The error of a bad value, worded as the native module's (and the CSV reader's)."""
    return ImpactError(f'row {row}, column "{column}": {problem} (value {value!r})')


def _code_bytes(codes: List[int]) -> bytes:
    return array("q", codes).tobytes() if _LITTLE else _swap(array("q", codes))


def _swap(a: "array[Any]") -> bytes:
    a.byteswap()
    return a.tobytes()


_LITTLE = array("H", [1]).tobytes() == b"\x01\x00"


def _number(value: Any, row: int, column: str, flag: bool) -> float:
    """A cell as a float: a number, or text as the CSV reader reads it (a flag only
    as ``0`` or ``1``); missing (``None``, empty text) is NaN, which the native
    module refuses with its row."""
    if value is None:
        return math.nan
    if isinstance(value, (bool, int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return math.nan
        if flag:
            if text in ("0", "1"):
                return float(text)
            raise _bad_cell(row, column, "expected 0 or 1", value)
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            return number
        raise _bad_cell(row, column, "expected a finite number", value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _bad_cell(row, column, "expected a number", value) from None


def _group_name(value: Any) -> Optional[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


class _Coder:
    """Group values as codes into a list of names (missing: -1)."""

    def __init__(self) -> None:
        self.names: List[str] = []
        self.index: Dict[str, int] = {}
        self.codes: List[int] = []

    def add(self, value: Any) -> None:
        name = _group_name(value)
        if name is None:
            self.codes.append(-1)
            return
        code = self.index.get(name)
        if code is None:
            code = self.index[name] = len(self.names)
            self.names.append(name)
        self.codes.append(code)


Keys = List[Tuple[str, List[str], bytes]]
Numbers = List[Tuple[str, bytes]]


def _from_cells(
    cells: Iterable[Sequence[Any]], keys: Sequence[str], numbers: Sequence[Tuple[str, bool]]
) -> Tuple[Keys, Numbers]:
    """Rows of cells (the key columns, then the numeric columns) as the native
    module's columns."""
    coders = [_Coder() for _ in keys]
    values: List["array[float]"] = [array("d") for _ in numbers]
    nk = len(keys)
    for row, cells_of_row in enumerate(cells, start=1):
        for k, coder in enumerate(coders):
            coder.add(cells_of_row[k])
        for k, col in enumerate(values):
            name, flag = numbers[k]
            col.append(_number(cells_of_row[nk + k], row, name, flag))
    packed_keys = [(name, c.names, _code_bytes(c.codes)) for name, c in zip(keys, coders)]
    packed = [(name, c.tobytes() if _LITTLE else _swap(c)) for (name, _), c in zip(numbers, values)]
    return packed_keys, packed


def _frame_columns(
    frame: Any, keys: Sequence[str], numbers: Sequence[Tuple[str, bool]]
) -> Tuple[Keys, Numbers]:
    """A DataFrame's columns as the native module's columns, column by column (numpy
    and pandas, never row by row)."""
    import numpy as np
    import pandas as pd

    for name in [*keys, *(n for n, _ in numbers)]:
        if name not in frame.columns:
            raise _missing_column(name)
    packed_keys = []
    for name in keys:
        codes, uniques = pd.factorize(frame[name], sort=False)
        packed_keys.append(
            (name, [str(u) for u in uniques], np.ascontiguousarray(codes, dtype="<i8").tobytes())
        )
    packed = []
    for name, flag in numbers:
        series = frame[name]
        try:
            values = series.to_numpy(dtype="float64", na_value=np.nan)
        except (TypeError, ValueError):
            # Text cells: read one by one, so that the bad one is named with its row.
            values = np.array(
                [_number(v, i + 1, name, flag) for i, v in enumerate(series.tolist())],
                dtype="float64",
            )
        packed.append((name, np.ascontiguousarray(values, dtype="<f8").tobytes()))
    return packed_keys, packed


def _row_cells(rows: Iterable[Any], columns: Sequence[str]) -> Iterable[Sequence[Any]]:
    """The cells of ``columns`` in each row: dicts, named tuples, or tuples after a
    header row."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return
    if isinstance(first, Mapping):
        for row, r in enumerate(_chain(first, iterator), start=1):
            try:
                yield [r[c] for c in columns]
            except KeyError as e:
                raise ImpactError(f'row {row}: missing column "{e.args[0]}"') from None
        return
    fields = getattr(first, "_fields", None)
    if fields is not None:
        rest: Iterable[Any] = _chain(first, iterator)
        header = list(fields)
    else:
        rest = iterator
        header = [str(h) for h in first]
    positions = []
    for name in columns:
        if name not in header:
            raise _missing_column(name)
        positions.append(header.index(name))
    for r in rest:
        yield [r[p] for p in positions]


def _chain(first: Any, rest: Iterable[Any]) -> Iterable[Any]:
    yield first
    yield from rest


def _columns(
    data: Any, keys: Sequence[str], numbers: Sequence[Tuple[str, bool]]
) -> Tuple[Keys, Numbers]:
    """The key columns (names and codes) and numeric columns (``(name, is_flag)``) of
    ``data``: a DataFrame, a dict of columns, or an iterable of rows."""
    names = [*keys, *(n for n, _ in numbers)]
    if _is_frame(data):
        out = _frame_columns(data, keys, numbers)
    elif isinstance(data, Mapping):
        for name in names:
            if name not in data:
                raise _missing_column(name)
        out = _from_cells(zip(*(data[c] for c in names)), keys, numbers)
    else:
        out = _from_cells(_row_cells(data, names), keys, numbers)
    if not out[0][0][2]:
        raise ImpactError("no data row")
    return out


def survival(
    data: RowsLike,
    group_column: str,
    duration_column: str,
    event_column: str,
    horizons: Iterable[float] = (),
    control: Optional[str] = None,
    alpha: float = 0.05,
    threads: int = 0,
) -> Result:
    """Return-to-work curves (``betagouv impact survival``): Kaplan-Meier per group
    (medians, survival and its interval at each horizon), the log-rank test, and at the
    horizons the share returned and the restricted mean time of each group and their
    differences with ``control`` (default: the first group by name), with Holm and
    Benjamini-Hochberg adjusted p-values.

    ``data``: a CSV path, a pandas DataFrame, a dict of columns or an iterable of rows
    (see the module). The event is 1 (returned to work) or 0 (censored); durations
    are finite and >= 0, in any unit (the horizons' unit). ``threads``: workers
    reading a CSV file (0: one per core). Returns a ``Survival``.

    >>> rows = [{"cohort": "a", "days": 10, "returned": 1}, {"cohort": "a", "days": 40, "returned": 0},
    ...         {"cohort": "b", "days": 20, "returned": 1}, {"cohort": "b", "days": 30, "returned": 1}]
    >>> s = survival(rows, "cohort", "days", "returned", horizons=[25])
    >>> s.groups.a.at[0].survival, s.groups.b.median, s.horizons.reference
    (0.5, 20.0, 'a')
    """
    times = [float(t) for t in horizons]
    if isinstance(data, (str, os.PathLike)):
        out = _native.impact_survival_csv(
            os.fspath(data),
            group_column,
            duration_column,
            event_column,
            times,
            control,
            alpha,
            threads,
        )
    else:
        keys, numbers = _columns(data, [group_column], [(duration_column, False), (event_column, True)])
        out = _native.impact_survival_columns(keys, numbers, times, control, alpha)
    return _result(out, "Survival")


def cohort(
    data: RowsLike,
    group_column: str,
    outcome_column: str,
    treated: Any,
    control: Any,
    alpha: float = 0.05,
    threads: int = 0,
) -> Result:
    """Counts individual rows into two cohorts by ``group_column`` (the groups named
    ``treated`` and ``control``; other groups are counted and left out) and compares
    them as :func:`compare` does (``betagouv impact cohort``). The outcome is 0 or 1.

    ``data``: a CSV path, a pandas DataFrame, a dict of columns or an iterable of rows
    (see the module). Returns a ``Cohort`` with the keys of a ``Comparison``.

    >>> rows = [("group", "y"), ("a", 1), ("a", 0), ("b", 0), ("b", 0)]
    >>> cohort(rows, "group", "y", treated="a", control="b").treated.proportion
    0.5
    """
    treated, control = str(treated), str(control)
    if isinstance(data, (str, os.PathLike)):
        out = _native.impact_arms_csv(
            "cohort", os.fspath(data), [group_column, outcome_column], treated, control, alpha, threads
        )
    else:
        keys, numbers = _columns(data, [group_column], [(outcome_column, True)])
        out = _native.impact_arms_columns("cohort", keys, numbers, treated, control, alpha)
    return _result(out, "Cohort")


def _design(
    design: str,
    data: RowsLike,
    key_column: str,
    group_column: str,
    outcome_column: str,
    treated: Any,
    control: Any,
    alpha: float,
    threads: int,
) -> Dict[str, Any]:
    treated, control = str(treated), str(control)
    if isinstance(data, (str, os.PathLike)):
        columns = [key_column, group_column, outcome_column]
        return _native.impact_arms_csv(design, os.fspath(data), columns, treated, control, alpha, threads)
    keys, numbers = _columns(data, [key_column, group_column], [(outcome_column, True)])
    return _native.impact_arms_columns(design, keys, numbers, treated, control, alpha)


def strata(
    data: RowsLike,
    stratum_column: str,
    group_column: str,
    outcome_column: str,
    treated: Any,
    control: Any,
    alpha: float = 0.05,
    threads: int = 0,
) -> Result:
    """Blocked (stratified) randomisation (``betagouv impact strata``): the rows
    counted per stratum and group, then the Cochran-Mantel-Haenszel test, the
    Mantel-Haenszel pooled odds ratio and the stratum-weighted difference. Every
    stratum must hold both arms. ``data`` as for :func:`cohort`. Returns a
    ``Strata``.

    >>> rows = [("agency", "g", "y")] + [("A", "t", 1), ("A", "c", 0)] * 5 + [("B", "t", 1), ("B", "c", 1), ("B", "c", 0)] * 4
    >>> strata(rows, "agency", "g", "y", treated="t", control="c").strata
    2
    """
    out = _design(
        "strata", data, stratum_column, group_column, outcome_column, treated, control, alpha, threads
    )
    return _result(out, "Strata")


def clusters(
    data: RowsLike,
    cluster_column: str,
    group_column: str,
    outcome_column: str,
    treated: Any,
    control: Any,
    alpha: float = 0.05,
    threads: int = 0,
) -> Result:
    """Cluster randomisation (``betagouv impact clusters``): the rows counted per
    cluster and group, then the difference between the arms with cluster-robust (CR1,
    CR2) standard errors. A cluster belongs to one arm. ``data`` as for
    :func:`cohort`. Returns a ``Clusters``.

    >>> columns = {"agency": ["A", "A", "B", "B", "C", "C", "D", "D"],
    ...            "arm": ["t", "t", "t", "t", "c", "c", "c", "c"],
    ...            "y": [1, 1, 1, 0, 0, 1, 0, 0]}
    >>> d = clusters(columns, "agency", "arm", "y", treated="t", control="c")
    >>> d.clusters.treated, d.cr1.estimate
    (2, 0.5)
    """
    out = _design(
        "clusters", data, cluster_column, group_column, outcome_column, treated, control, alpha, threads
    )
    return _result(out, "Clusters")


def adjust(
    data: RowsLike,
    group_column: str,
    outcome_column: str,
    covariates: Sequence[str],
    treated: Any,
    control: Any,
    alpha: float = 0.05,
) -> Result:
    """Covariate adjustment (``betagouv impact adjust``, Lin 2013): the difference of
    the arms' mean outcomes adjusted for ``covariates`` (numeric columns; a category
    as 0/1 columns), with its HC2 standard error and interval, and the unadjusted
    difference. Rows of other groups are left out. ``data`` as for :func:`cohort`.
    Returns a ``LinAdjusted``.

    >>> rows = [("cohort", "returned", "age"), ("a", 1, 30), ("a", 0, 52), ("a", 1, 41),
    ...         ("b", 0, 35), ("b", 1, 28), ("b", 0, 60)]
    >>> r = adjust(rows, "cohort", "returned", ["age"], treated="a", control="b")
    >>> r.n_treated, round(r.unadjusted, 6)
    (3, 0.333333)
    """
    treated, control = str(treated), str(control)
    if isinstance(covariates, str):
        covariates = [c for c in covariates.split(",") if c]
    covs = list(covariates)
    if isinstance(data, (str, os.PathLike)):
        columns = [group_column, outcome_column, *covs]
        out = _native.impact_arms_csv("adjust", os.fspath(data), columns, treated, control, alpha)
    else:
        keys, numbers = _columns(
            data, [group_column], [(outcome_column, False), *((c, False) for c in covs)]
        )
        out = _native.impact_arms_columns("adjust", keys, numbers, treated, control, alpha)
    return _result(out, "LinAdjusted")
