"""betagouv.impact.strata, clusters and adjust: the evaluation designs of individual
rows, equal to the command line's JSON and to the golden values of betagouv-impact.

Golden values: crates/betagouv-impact/tests/golden/strata.json (statsmodels
StratifiedTable: Cochran-Mantel-Haenszel, Mantel-Haenszel odds ratio), cluster.json
("difference": statsmodels OLS with cluster-robust CR1 covariance, and CR2 by hand)
and lin.json (statsmodels OLS with HC2 on Lin's interacted design), written by
crates/betagouv-impact/scripts/golden_designs.py and checked for the Rust crate by
tests/integration/golden_designs.rs. The golden cases are counts; here they are
expanded to the individual rows they count.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from betagouv import impact
from betagouv.errors import ImpactError

from test_impact import GOLDEN, as_json, close, golden, no_nan


def expand(key: str, group: str, successes: int, n: int) -> List[Tuple[str, str, int]]:
    return [(key, group, int(i < successes)) for i in range(n)]


def write_csv(path: Path, header: Tuple[str, ...], rows: List[Tuple[Any, ...]]) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def design_rows(seed: int = 18) -> List[Tuple[str, str, int]]:
    """Rows of 6 agencies, each randomised within (strata)."""
    rng = random.Random(seed)
    rows = []
    for k in range(6):
        for _ in range(rng.randint(20, 60)):
            g = rng.choice(["t", "c", "x"])
            rows.append((f"agency{k}", g, int(rng.random() < 0.2 + 0.05 * k + (0.1 if g == "t" else 0))))
    return rows


def cluster_rows(seed: int = 18) -> List[Tuple[str, str, int]]:
    """Rows of 8 agencies, each randomised whole (clusters)."""
    rng = random.Random(seed)
    rows = []
    for k in range(8):
        g = "t" if k % 2 else "c"
        for _ in range(rng.randint(20, 60)):
            rows.append((f"agency{k}", g, int(rng.random() < 0.25 + (0.1 if g == "t" else 0))))
    return rows


HEADER = ("agency", "arm", "found_job")


def forms(rows: List[Tuple[Any, ...]], header: Tuple[str, ...], tmp_path: Path, pandas: bool) -> dict:
    out = {
        "path": write_csv(tmp_path / "rows.csv", header, rows),
        "rows": [header, *rows],
        "dicts": [dict(zip(header, r)) for r in rows],
        "columns": {h: [r[i] for r in rows] for i, h in enumerate(header)},
    }
    if pandas:
        import pandas as pd

        out["DataFrame"] = pd.DataFrame(rows, columns=list(header))
    return out


# --- strata ------------------------------------------------------------------------


def test_strata_matches_the_golden_values_of_statsmodels() -> None:
    for case in golden("strata"):
        rows = []
        for k, (xt, nt, xc, nc) in enumerate(case["strata"]):
            rows += expand(f"s{k}", "t", xt, nt) + expand(f"s{k}", "c", xc, nc)
        got = impact.strata([HEADER, *rows], *HEADER, treated="t", control="c", alpha=case["alpha"])
        assert got.result_kind == "Strata"
        close(got.to_dict(), case["expected"], f"strata {case['strata']}")
        no_nan(got.to_dict())


# --- clusters ----------------------------------------------------------------------


def test_clusters_match_the_golden_values_of_statsmodels() -> None:
    for case in cluster_cases():
        rows = []
        for arm in ("treated", "control"):
            for k, (x, n) in enumerate(case[arm]):
                rows += expand(f"{arm}{k}", arm, x, n)
        got = impact.clusters([HEADER, *rows], *HEADER, treated="treated", control="control", alpha=case["alpha"])
        assert got.result_kind == "Clusters"
        close(got.to_dict(), case["expected"], f"clusters {case['treated']}")


def cluster_cases() -> List[dict]:
    """The cases of cluster.json's "difference" (its "power" cases are planning)."""
    cases = json.loads((GOLDEN / "cluster.json").read_text())["cases"]["difference"]
    assert len(cases) >= 5
    return cases


@pytest.mark.parametrize(
    "design, make_rows, count",
    [
        ("strata", design_rows, lambda want: want["strata"] == 6),
        ("clusters", cluster_rows, lambda want: want["clusters"] == {"treated": 4, "control": 4}),
    ],
)
def test_designs_are_the_same_from_every_input_and_equal_the_command_line(
    run_cli: Any, tmp_path: Path, pandas_state: bool, design: str, make_rows: Any, count: Any
) -> None:
    inputs = forms(make_rows(), HEADER, tmp_path, pandas_state)
    key_flag = "--stratum-column" if design == "strata" else "--cluster-column"
    want = run_cli(
        "impact", design, str(inputs["path"]), key_flag, "agency", "--group-column", "arm",
        "--outcome-column", "found_job", "--treated", "t", "--control", "c", "--alpha", "0.1", "--json",
    )
    function = getattr(impact, design)
    for name, data in inputs.items():
        got = function(data, *HEADER, treated="t", control="c", alpha=0.1)
        assert got.result_kind == design.capitalize()
        assert as_json(got.to_dict()) == want, name
        no_nan(got.to_dict())
    assert count(want)


def test_a_cluster_in_both_arms_is_an_error(tmp_path: Path) -> None:
    rows = [("a", "t", 1), ("a", "c", 0), ("b", "c", 1)]
    with pytest.raises(ImpactError, match='cluster "a"'):
        impact.clusters([HEADER, *rows], *HEADER, treated="t", control="c")
    path = write_csv(tmp_path / "c.csv", HEADER, rows)
    with pytest.raises(ImpactError) as e:
        impact.clusters(path, *HEADER, treated="t", control="c")
    assert e.value.file == str(path) and 'cluster "a"' in str(e.value)


def test_a_stratum_without_an_arm_is_an_error() -> None:
    rows = [("a", "t", 1), ("a", "c", 0), ("b", "c", 1)]
    with pytest.raises(ImpactError, match='stratum "b"'):
        impact.strata([HEADER, *rows], *HEADER, treated="t", control="c")


# --- adjust ------------------------------------------------------------------------


def test_adjust_matches_the_golden_values_of_statsmodels_hc2() -> None:
    for case in golden("lin"):
        names = case["covariates"]
        header = ("arm", "y", *names)
        rows = [("t" if r[1] == 1 else "c", r[0], *r[2:]) for r in case["rows"]]
        got = impact.adjust([header, *rows], "arm", "y", names, treated="t", control="c", alpha=case["alpha"])
        assert got.result_kind == "LinAdjusted"
        close(got.to_dict(), case["expected"], f"lin {names}")


def test_adjust_is_the_same_from_every_input_and_equals_the_command_line(
    run_cli: Any, tmp_path: Path, pandas_state: bool
) -> None:
    rng = random.Random(13)
    header = ("cohort", "returned", "age", "months")
    rows = []
    for _ in range(300):
        g = rng.choice(["a", "b", "other"])
        age = rng.randint(18, 64)
        rows.append((g, int(rng.random() < 0.3 + (0.1 if g == "a" else 0) - age / 400), age, rng.randint(0, 36)))
    inputs = forms(rows, header, tmp_path, pandas_state)
    want = run_cli(
        "impact", "adjust", str(inputs["path"]), "--group-column", "cohort", "--outcome-column", "returned",
        "--covariates", "age,months", "--treated", "a", "--control", "b", "--json",
    )
    for name, data in inputs.items():
        got = impact.adjust(data, "cohort", "returned", ["age", "months"], treated="a", control="b")
        assert as_json(got.to_dict()) == want, name
        assert impact.adjust(data, "cohort", "returned", "age,months", "a", "b") == got
    assert want["covariates"] == ["age", "months"]


def test_adjust_names_a_bad_covariate_with_its_row(tmp_path: Path) -> None:
    header = ("cohort", "y", "age")
    rows = [("a", 1, 30), ("b", 0, 40), ("a", 0, None), ("other", 1, None)]
    with pytest.raises(ImpactError, match='row 3, column "age": missing value'):
        impact.adjust([header, *rows], "cohort", "y", ["age"], "a", "b")
    path = tmp_path / "a.csv"
    path.write_text("cohort,y,age\na,1,30\nb,0,40\na,0,old\n")
    with pytest.raises(ImpactError) as e:
        impact.adjust(path, "cohort", "y", ["age"], "a", "b")
    assert (e.value.file, e.value.line, e.value.column) == (str(path), 4, 3)
