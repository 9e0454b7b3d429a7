"""betagouv.impact.survival and cohort: rows from a CSV path, a pandas DataFrame, a
dict of columns or an iterable of rows give the same results, equal to the command
line's JSON and to the golden values of betagouv-impact; CSV errors carry their file,
line and column; pandas is optional.

Golden values: crates/betagouv-impact/tests/golden/survival.json (lifelines'
KaplanMeierFitter and logrank_test, written by crates/betagouv-impact/scripts/golden.py)
and survival_horizon.json (lifelines, statsmodels SurvfuncRight and R survival, written
by scripts/golden_reporting.py), checked for the Rust crate by
tests/integration/golden.rs and reporting.rs.
"""

from __future__ import annotations

import collections
import csv
import json
import random
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from betagouv import impact
from betagouv.errors import ImpactError

from test_impact import as_json, close, golden, no_nan

Rows = List[Tuple[str, float, int]]


def survival_rows(case: Dict[str, Any]) -> Rows:
    """The rows (group, duration, event) of a golden survival case, groups interleaved."""
    rows: Rows = []
    for name, g in case["groups"].items():
        rows.extend((name, d, e) for d, e in zip(g["duration"], g["event"]))
    random.Random(19).shuffle(rows)
    return rows


def write_csv(path: Path, header: Tuple[str, ...], rows: List[Tuple[Any, ...]]) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def cohort_rows(n: int = 3000) -> List[Tuple[str, int]]:
    rng = random.Random(2016)
    rows = []
    for _ in range(n):
        g = rng.choice(["encouraged", "control", "other"])
        p = {"encouraged": 0.221, "control": 0.2, "other": 0.5}[g]
        rows.append((g, int(rng.random() < p)))
    return rows


HEADER3 = ("cohort", "days", "returned")


def inputs(rows: List[Tuple[Any, ...]], header: Tuple[str, ...], tmp_path: Path, pandas: bool) -> Dict[str, Any]:
    """The same rows in every form the functions take."""
    out: Dict[str, Any] = {
        "path": write_csv(tmp_path / "rows.csv", header, rows),
        "path text": str(tmp_path / "rows.csv"),
        "dict rows": [dict(zip(header, r)) for r in rows],
        "header then tuples": [header, *rows],
        "csv.reader": list(csv.reader((tmp_path / "rows.csv").open(newline=""))),
        "named tuples": [collections.namedtuple("Row", header)(*r) for r in rows],  # type: ignore[misc]
        "dict of columns": {h: [r[i] for r in rows] for i, h in enumerate(header)},
        "generator": (x for x in [header, *rows]),
    }
    if pandas:
        import pandas as pd

        out["DataFrame"] = pd.DataFrame(rows, columns=list(header))
        frame = pd.DataFrame(rows, columns=list(header))
        out["DataFrame, categorical groups, bool flags"] = frame.assign(
            **{header[0]: frame[header[0]].astype("category"), header[-1]: frame[header[-1]].astype(bool)}
        )
    return out


# --- survival ---------------------------------------------------------------------


def test_survival_is_the_same_from_every_input_and_equals_the_command_line(
    run_cli: Any, tmp_path: Path, pandas_state: bool
) -> None:
    case = golden("survival")[0]
    rows = survival_rows(case)
    horizons = case["at"]
    forms = inputs(rows, HEADER3, tmp_path, pandas_state)
    want = run_cli(
        "impact", "survival", str(forms["path"]), "--group-column", "cohort",
        "--duration-column", "days", "--event-column", "returned",
        "--horizons", ",".join(str(t) for t in horizons), "--control", "control", "--json",
    )
    for name, data in forms.items():
        got = impact.survival(data, "cohort", "days", "returned", horizons=horizons, control="control")
        assert got.result_kind == "Survival", name
        assert as_json(got.to_dict()) == want, name
        no_nan(got.to_dict())
    assert ("DataFrame" in forms) == pandas_state


def test_survival_matches_the_golden_values_of_lifelines() -> None:
    for case in golden("survival"):
        rows = survival_rows(case)
        got = impact.survival([HEADER3, *rows], "cohort", "days", "returned", horizons=case["at"], alpha=case["alpha"])
        close(got.to_dict(), case["expected"], "survival")


def test_survival_at_horizons_matches_lifelines_statsmodels_and_r() -> None:
    for case in golden("survival_horizon"):
        rows = survival_rows(case)
        got = impact.survival(
            [HEADER3, *rows], "cohort", "days", "returned",
            horizons=case["at"], control=case["reference"], alpha=case["alpha"],
        )
        close(got.horizons.to_dict(), case["expected"], "horizons")


def test_survival_default_reference_is_the_first_group_by_name(run_cli: Any, tmp_path: Path) -> None:
    rows = [("b", 3, 1), ("a", 5, 0), ("b", 1, 1), ("a", 2, 1), ("c", 4, 1)]
    got = impact.survival([HEADER3, *rows], "cohort", "days", "returned", horizons=[2, 4])
    assert got.horizons.reference == "a"
    path = write_csv(tmp_path / "s.csv", HEADER3, rows)
    want = run_cli(
        "impact", "survival", str(path), "--group-column", "cohort", "--duration-column", "days",
        "--event-column", "returned", "--horizons", "2,4", "--json",
    )
    assert as_json(got.to_dict()) == want
    assert tuple(got.groups) == ("a", "b", "c")


# --- cohort ------------------------------------------------------------------------


def test_cohort_is_the_same_from_every_input_and_equals_the_command_line(
    run_cli: Any, tmp_path: Path, pandas_state: bool
) -> None:
    rows = cohort_rows()
    header = ("cohort", "found_job")
    forms = inputs(rows, header, tmp_path, pandas_state)
    want = run_cli(
        "impact", "cohort", str(forms["path"]), "--group-column", "cohort", "--outcome-column",
        "found_job", "--treated", "encouraged", "--control", "control", "--json",
    )
    counts = collections.Counter(g for g, _ in rows)
    for name, data in forms.items():
        got = impact.cohort(data, "cohort", "found_job", treated="encouraged", control="control")
        assert got.result_kind == "Cohort", name
        assert as_json(got.to_dict()) == want, name
        assert got.treated.n == counts["encouraged"] and got.control.n == counts["control"]
        no_nan(got.to_dict())


def test_a_large_file_read_in_parallel_ranges_gives_the_sequential_result(tmp_path: Path) -> None:
    # Above the readers' 1 MiB chunk, threads > 1 split the file into ranges.
    rng = random.Random(7)
    rows = [(rng.choice("abc"), rng.randint(0, 400), int(rng.random() < 0.6)) for _ in range(200_000)]
    path = tmp_path / "big.csv"
    path.write_text("cohort,days,returned\n" + "".join(f"{g},{t},{e}\n" for g, t, e in rows))
    assert path.stat().st_size > 1 << 20  # more than one chunk of the readers
    one = impact.survival(path, *HEADER3, horizons=[30, 365], threads=1)
    assert impact.survival(path, *HEADER3, horizons=[30, 365], threads=4) == one
    assert impact.survival([HEADER3, *rows], *HEADER3, horizons=[30, 365]) == one
    c1 = impact.cohort(path, "cohort", "returned", "a", "b", threads=1)
    assert impact.cohort(path, "cohort", "returned", "a", "b", threads=3) == c1
    assert c1.treated.n == sum(1 for g, _, _ in rows if g == "a")


def test_cohort_equals_compare_of_its_counts() -> None:
    rows = cohort_rows()
    got = impact.cohort([("g", "y"), *rows], "g", "y", "encouraged", "control", alpha=0.1)
    t = [y for g, y in rows if g == "encouraged"]
    c = [y for g, y in rows if g == "control"]
    want = impact.compare((sum(t), len(t)), (sum(c), len(c)), alpha=0.1)
    assert got.to_dict() == want.to_dict()


def test_a_dataframe_is_handed_over_by_columns_not_by_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    n = 1_000_000
    rng = np.random.default_rng(19)
    frame = pd.DataFrame(
        {
            "cohort": np.where(rng.random(n) < 0.5, "encouraged", "control"),
            "y": (rng.random(n) < 0.2).astype("int8"),
            "days": rng.integers(0, 365, n).astype("float64"),
        }
    )

    def by_rows(*args: Any) -> Any:
        raise AssertionError("a DataFrame was read row by row")

    monkeypatch.setattr(impact, "_from_cells", by_rows)
    got = impact.cohort(frame, "cohort", "y", "encouraged", "control")
    sums = frame.groupby("cohort")["y"].agg(["sum", "count"])
    assert got.treated.successes == int(sums.loc["encouraged", "sum"])
    assert got.control.n == int(sums.loc["control", "count"])
    s = impact.survival(frame, "cohort", "days", "y", horizons=[30, 180])
    assert s.groups.encouraged.n == int(sums.loc["encouraged", "count"])
    assert s.groups.control.events == int(sums.loc["control", "sum"])


def test_group_values_are_matched_as_text() -> None:
    rows = [("g", "y"), (1, 1), (1, 0), (2, 0), (2, 0)]
    assert impact.cohort(rows, "g", "y", treated=1, control="2").treated.proportion == 0.5


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        ("cohort,y\na,1\nb,x\n", 3, 2, 'line 3, column 2 ("y"): expected 0 or 1 (value "x")'),
        ("cohort,y\na,1\nb,1,2\n", 3, 3, "line 3, column 3"),
        ("cohort,y\na,1\n,1\n", 3, 1, "missing value"),
        ("group,y\na,1\n", 1, None, 'missing column "cohort"'),
        ("cohort,y,cohort\na,1,b\n", 1, 3, "appears twice"),
        ("cohort,y\n", 1, None, "no data row"),
    ],
)
def test_csv_errors_carry_file_line_and_column(
    tmp_path: Path, text: str, line: int, column: Any, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ImpactError) as e:
        impact.cohort(path, "cohort", "y", "a", "b")
    err = e.value
    assert message in str(err)
    assert str(err).startswith(f"{path}: ")
    assert (err.file, err.line, err.column) == (str(path), line, column)
    assert err.location() == ":".join(str(x) for x in (path, line, column) if x is not None)


def test_survival_csv_errors_carry_their_line(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("cohort,days,returned\na,3,1\na,-2,0\nb,1,1\n")
    with pytest.raises(ImpactError) as e:
        impact.survival(path, "cohort", "days", "returned")
    assert (e.value.file, e.value.line, e.value.column) == (str(path), 3, 2)
    assert "expected a finite number >= 0" in str(e.value)


@pytest.mark.parametrize(
    "text", ["g,y\r\na,1\r\na,x\r\n", "g,y\na,1\n\na,x\n", "g,y\r\na,1\r\n\r\na,x\r\n"]
)
def test_csv_error_lines_after_crlf_or_blank_lines(tmp_path: Path, text: str) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes(text.encode())
    with pytest.raises(ImpactError) as e:
        impact.cohort(path, "g", "y", "a", "b")
    assert e.value.line == text.count("\n")


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(ImpactError) as e:
        impact.cohort(missing, "cohort", "y", "a", "b")
    assert e.value.file == str(missing) and e.value.line is None
    assert "cannot open" in str(e.value)
    with pytest.raises(ImpactError, match="Parquet"):
        impact.survival(tmp_path / "rows.parquet", "g", "t", "e")


def test_unknown_arms_are_errors(tmp_path: Path) -> None:
    rows: List[Tuple[Any, ...]] = [("g", "y"), ("a", 1), ("b", 0)]
    with pytest.raises(ImpactError, match=r"no row has \"g\" = \"c\" \(control\)"):
        impact.cohort(rows, "g", "y", "a", "c")
    path = write_csv(tmp_path / "r.csv", ("g", "y"), rows[1:])
    with pytest.raises(ImpactError) as e:
        impact.cohort(path, "g", "y", "z", "a")
    assert "(treated)" in str(e.value) and e.value.file == str(path)
    with pytest.raises(ImpactError, match='control: no group is named "z"'):
        impact.survival([HEADER3, ("a", 1, 1)], *HEADER3, horizons=[1], control="z")


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("a", 1, 1), ("a", 2, 2)], 'row 2, column "returned": expected 0 or 1 (value 2'),
        ([("a", 1, 1), ("a", -1, 0)], 'row 2, column "days": expected a finite number >= 0'),
        ([("a", 1, 1), ("a", None, 0)], 'row 2, column "days": missing value'),
        ([("a", 1, 1), (None, 1, 0)], 'row 2, column "cohort": missing value'),
        ([("a", 1, 1), ("", 1, 0)], 'row 2, column "cohort": missing value'),
        ([("a", "x", 1)], 'row 1, column "days": expected a finite number'),
        ([("a", "1", "1.0")], 'row 1, column "returned": expected 0 or 1'),
    ],
)
def test_bad_values_of_rows_are_named_with_their_row(rows: Rows, message: str, pandas_state: bool) -> None:
    with pytest.raises(ImpactError) as e:
        impact.survival([HEADER3, *rows], *HEADER3, horizons=[1])
    assert message in str(e.value)
    assert e.value.file is None and e.value.line is None


def test_dataframe_bad_values_and_missing_columns() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"cohort": ["a", "b", None], "days": [1.0, 2.0, 3.0], "returned": [1, 0, 1]})
    with pytest.raises(ImpactError, match='row 3, column "cohort": missing value'):
        impact.survival(frame, *HEADER3)
    frame = pd.DataFrame({"cohort": ["a", "b"], "days": ["1", "soon"], "returned": [1, 0]})
    with pytest.raises(ImpactError, match='row 2, column "days": expected a finite number'):
        impact.survival(frame, *HEADER3)
    with pytest.raises(ImpactError, match='missing column "event"'):
        impact.survival(frame, "cohort", "days", "event")
    nullable = pd.DataFrame(
        {"cohort": ["a", "b"], "days": [1.0, 2.0], "returned": pd.array([1, None], dtype="Int64")}
    )
    with pytest.raises(ImpactError, match='row 2, column "returned": missing value'):
        impact.survival(nullable, *HEADER3)


def test_rows_errors_for_missing_columns_and_empty_input() -> None:
    with pytest.raises(ImpactError, match='missing column "days"'):
        impact.survival([("cohort", "d", "returned"), ("a", 1, 1)], *HEADER3)
    with pytest.raises(ImpactError, match='row 2: missing column "days"'):
        impact.survival([{"cohort": "a", "days": 1, "returned": 1}, {"cohort": "a"}], *HEADER3)
    with pytest.raises(ImpactError, match="no data row"):
        impact.survival([], *HEADER3)
    with pytest.raises(ImpactError, match='missing column "y"'):
        impact.cohort({"g": ["a"]}, "g", "y", "a", "b")


def test_parameters_of_row_functions_are_checked() -> None:
    rows = [HEADER3, ("a", 1, 1), ("b", 2, 0)]
    with pytest.raises(ImpactError, match="alpha: alpha must be in"):
        impact.survival(rows, *HEADER3, alpha=0.9)
    with pytest.raises(ImpactError, match="horizons: "):
        impact.survival(rows, *HEADER3, horizons=[-1])
    with pytest.raises(ImpactError, match="alpha"):
        impact.cohort([("g", "y"), ("a", 1), ("b", 0)], "g", "y", "a", "b", alpha=0)


def test_survival_json_output_has_no_nan(tmp_path: Path) -> None:
    # Undefined intervals (S = 1 at t = 0, S = 0 after the last event) are None.
    rows = [("a", 1, 1), ("a", 2, 1), ("b", 5, 0)]
    got = impact.survival([HEADER3, *rows], *HEADER3, horizons=[0, 1, 3, 10])
    no_nan(got.to_dict())
    assert got.groups.a.at[0].ci is None
    assert got.groups.b.median is None
    json.dumps(as_json(got.to_dict()), allow_nan=False)


# --- streams and the GIL -------------------------------------------------------------

GIL_SCRIPT = r"""
import os, sys, tempfile, threading
from betagouv import impact

fifo = os.path.join(tempfile.mkdtemp(), "rows.csv")
os.mkfifo(fifo)
fd = os.open(fifo, os.O_RDWR)  # a writer is there: the reader's open does not block
out = {}

def work():
    out["result"] = impact.{call}

worker = threading.Thread(target=work)
worker.start()
# The worker is (or soon will be) blocked reading the pipe inside the native module.
# This thread can write the rows only if that read released the GIL; otherwise the
# process hangs, and the parent's timeout fails the test.
worker.join(0.2)
os.write(fd, {rows!r})
os.close(fd)
worker.join()
print(out["result"].to_dict()["{key}"])
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize(
    "call, rows, key, want",
    [
        ('cohort(fifo, "g", "y", "a", "b")', b"g,y\na,1\na,0\nb,0\n", "treated", "'n': 2"),
        ('survival(fifo, "g", "t", "e", horizons=[1])', b"g,t,e\na,1,1\nb,2,0\n", "groups", "'n': 1"),
        ('strata(fifo, "s", "g", "y", "a", "b")', b"s,g,y\n1,a,1\n1,b,0\n", "strata", "1"),
        ('adjust(fifo, "g", "y", [], "a", "b")', b"g,y\na,1\na,0\nb,0\nb,1\n", "n_treated", "2"),
    ],
)
def test_a_named_pipe_is_read_with_the_gil_released(call: str, rows: bytes, key: str, want: str) -> None:
    import subprocess
    import sys

    script = GIL_SCRIPT.replace("{call}", call).replace("{rows!r}", repr(rows)).replace("{key}", key)
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the native read held the GIL: the writing thread never ran")
    assert done.returncode == 0, done.stderr
    assert want in done.stdout
