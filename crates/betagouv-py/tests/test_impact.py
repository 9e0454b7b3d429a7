"""betagouv.impact: compare, power, mde, encouragement, proportion_ci and
adjust_p_values against the command line's JSON and the golden values of
betagouv-impact; results frozen, printable, without NaN; parameter errors.

The golden values are read from crates/betagouv-impact/tests/golden/*.json, where
crates/betagouv-impact/scripts/golden.py (compare.json: statsmodels and scipy;
power.json: statsmodels; encouragement.json: linearmodels' IV2SLS),
scripts/golden_designs.py (iv.json: linearmodels; cluster.json "power": statsmodels at
the effective size) and scripts/golden_reporting.py (multiplicity.json: statsmodels
multipletests) wrote them;
crates/betagouv-impact/tests/integration/golden.rs checks the Rust crate against the
same files with the same tolerances (1e-9 relative on closed forms, 1e-8 on p-values,
1e-6 on p-values at n >= 1e6).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, List

import pytest

import betagouv
from betagouv import Interval, Result, impact
from betagouv.errors import ImpactError

WORKSPACE = Path(__file__).resolve().parents[3]
GOLDEN = WORKSPACE / "crates" / "betagouv-impact" / "tests" / "golden"

CLOSED = 1e-9
TAIL = 1e-8
TAIL_LARGE = 1e-6


def golden(name: str) -> List[Dict[str, Any]]:
    """The cases of one golden file of betagouv-impact."""
    cases = json.loads((GOLDEN / f"{name}.json").read_text())["cases"]
    assert cases, name
    return cases


def as_json(value: Any) -> Any:
    """Plain data as JSON has it: tuples (intervals, lists) as lists."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    return value


def close(got: Any, want: Any, path: str = "", tail: float = TAIL) -> None:
    """``got`` agrees with ``want`` on ``want``'s keys: numbers to the golden tests'
    relative tolerances, everything else exactly."""
    if isinstance(want, dict):
        assert isinstance(got, dict), path
        for k, w in want.items():
            assert k in got, f"{path}.{k} missing"
            close(got[k], w, f"{path}.{k}", tail)
    elif isinstance(want, list):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            close(g, w, f"{path}[{i}]", tail)
    elif isinstance(want, (int, float)) and not isinstance(want, bool):
        assert isinstance(got, (int, float)), f"{path}: {got!r}"
        tol = tail if "p_value" in path else CLOSED
        scale = max(abs(got), abs(want))
        assert abs(got - want) <= tol * scale + 1e-15, f"{path}: got {got!r}, want {want!r}"
    else:
        assert got == want, f"{path}: got {got!r}, want {want!r}"


def no_nan(value: Any, path: str = "") -> None:
    """No float in ``value`` is NaN or infinite."""
    if isinstance(value, dict):
        for k, v in value.items():
            no_nan(v, f"{path}.{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            no_nan(v, f"{path}[{i}]")
    elif isinstance(value, float):
        assert math.isfinite(value), path


# --- compare ----------------------------------------------------------------------


def test_la_bonne_boite_is_plus_2_1_points_and_10_5_percent() -> None:
    # The motivating example of the impact-statistics note and of betagouv-impact's
    # lib.rs doctest: 22.1 % against 20.0 %, +2.1 points, +10.5 % (not +12 %).
    c = impact.compare("22100/100000", "20000/100000")
    assert c.result_kind == "Comparison"
    assert c.schema_version == impact.SCHEMA_VERSION == 2
    assert c.difference.estimate == pytest.approx(0.021, abs=1e-12)
    assert c.relative_lift == pytest.approx(0.105, abs=1e-12)
    newcombe = c.difference.ci.newcombe
    assert isinstance(newcombe, Interval) and isinstance(newcombe, tuple)
    assert 0.017 < newcombe.lower < newcombe.upper < 0.025
    assert newcombe == (newcombe.lower, newcombe.upper)
    assert c["treated"]["n"] == 100000


@pytest.mark.parametrize(
    "treated, control",
    [
        ("22100/100000", "20000/100000"),
        ((22100, 100000), (20000, 100000)),
        ([22100, 100000], [20000, 100000]),
        ({"successes": 22100, "n": 100000}, {"n": 100000, "successes": 20000}),
    ],
)
def test_compare_takes_text_tuples_and_dicts(treated: Any, control: Any) -> None:
    want = impact.compare("22100/100000", "20000/100000")
    assert impact.compare(treated, control) == want


@pytest.mark.parametrize(
    "treated, control, alpha",
    [
        ("22100/100000", "20000/100000", 0.05),
        ("7/20", "2/18", 0.1),
        ("0/10", "0/12", 0.05),  # nothing defined but the intervals
        ("10/10", "0/12", 0.01),
        ("3/5", "0/4", 0.05),
        ("600000000/1000000000", "500000001/1000000000", 0.05),  # Fisher not computed
    ],
)
def test_compare_equals_the_command_line(run_cli: Any, treated: str, control: str, alpha: float) -> None:
    got = impact.compare(treated, control, alpha=alpha)
    want = run_cli(
        "impact", "compare", "--treated", treated, "--control", control,
        "--alpha", str(alpha), "--json",
    )
    assert as_json(got.to_dict()) == want
    assert list(got) == list(want)  # same keys, same order, schema_version first
    no_nan(got.to_dict())


def test_compare_matches_the_golden_values_of_statsmodels_and_scipy() -> None:
    cases = golden("compare")
    assert len(cases) >= 15
    for case in cases:
        (xt, nt), (xc, nc) = case["treated"], case["control"]
        got = impact.compare((xt, nt), (xc, nc), alpha=case["alpha"])
        tail = TAIL_LARGE if max(nt, nc) >= 1_000_000 else TAIL
        close(got.to_dict(), case["expected"], f"compare {xt}/{nt} vs {xc}/{nc}", tail)
        no_nan(got.to_dict())


def test_undefined_values_are_none() -> None:
    c = impact.compare("0/10", "0/12")
    assert c.relative_lift is None
    assert c.risk_ratio.estimate is None and c.risk_ratio.ci_katz is None
    assert c.tests.z_pooled is None
    no_nan(c.to_dict())


# --- power, mde -----------------------------------------------------------------


def test_power_and_sizes_match_the_golden_values_of_statsmodels() -> None:
    for case in golden("power"):
        common = dict(ratio=case["ratio"], alpha=case["alpha"])
        p = impact.power(case["control_rate"], case["treated_rate"], n_per_arm=case["n_per_arm"], **common)
        s = impact.power(case["control_rate"], case["treated_rate"], power=case["target_power"], **common)
        m = impact.mde(case["control_rate"], case["n_per_arm"], case["target_power"], **common)
        assert (p.result_kind, s.result_kind, m.result_kind) == ("Power", "Power", "Mde")
        got = {
            "power": p.power.to_dict(),
            "n_per_arm": s.n_per_arm.to_dict(),
            "n_control": s.n_control.to_dict(),
            "mde": m.mde.to_dict(),
        }
        close(got, case["expected"], f"power {case}")


def test_cluster_planning_matches_statsmodels_at_the_effective_size() -> None:
    # cluster.json's "power" cases (scripts/golden_designs.py: statsmodels at the
    # effective size n / (1 + (m - 1) ICC)), checked for the crate by golden_designs.rs.
    cases = json.loads((GOLDEN / "cluster.json").read_text())["cases"]["power"]
    assert len(cases) >= 3
    for case in cases:
        common = dict(ratio=case["ratio"], alpha=case["alpha"], icc=case["icc"], cluster_size=case["cluster_size"])
        rates = (case["control_rate"], case["treated_rate"])
        got = {
            "power": impact.power(*rates, n_per_arm=case["n_per_arm"], **common).power.to_dict(),
            "n_per_arm": impact.power(*rates, power=case["target_power"], **common).n_per_arm.to_dict(),
            "mde": impact.mde(case["control_rate"], case["n_per_arm"], case["target_power"], **common).mde.to_dict(),
        }
        want = {k: v for k, v in case["expected"].items() if k != "design_effect"}
        close(got, want, f"cluster power {case}")


@pytest.mark.parametrize(
    "kwargs, flags",
    [
        (dict(n_per_arm=5000), ["--n-per-arm", "5000"]),
        (dict(power=0.8), ["--power", "0.8"]),
        (dict(power=0.9, ratio=2.0, alpha=0.01), ["--power", "0.9", "--ratio", "2", "--alpha", "0.01"]),
        (dict(n_per_arm=20000, icc=0.02, cluster_size=50), ["--n-per-arm", "20000", "--icc", "0.02", "--cluster-size", "50"]),
        (dict(power=0.8, icc=0.01, cluster_size=30), ["--power", "0.8", "--icc", "0.01", "--cluster-size", "30"]),
        (dict(power=0.999999), ["--power", "0.999999"]),
    ],
)
def test_power_equals_the_command_line(run_cli: Any, kwargs: Dict[str, Any], flags: List[str]) -> None:
    got = impact.power(0.20, 0.221, **kwargs)
    want = run_cli("impact", "power", "--control-rate", "0.2", "--treated-rate", "0.221", *flags, "--json")
    assert as_json(got.to_dict()) == want
    no_nan(got.to_dict())


@pytest.mark.parametrize(
    "kwargs, flags",
    [
        (dict(), []),
        (dict(first_stage=0.3), ["--first-stage", "0.3"]),
        (dict(ratio=3.0, alpha=0.1), ["--ratio", "3", "--alpha", "0.1"]),
        (dict(icc=0.05, cluster_size=20, first_stage=0.25), ["--icc", "0.05", "--cluster-size", "20", "--first-stage", "0.25"]),
    ],
)
def test_mde_equals_the_command_line(run_cli: Any, kwargs: Dict[str, Any], flags: List[str]) -> None:
    got = impact.mde(0.20, 5000, 0.8, **kwargs)
    want = run_cli(
        "impact", "mde", "--control-rate", "0.2", "--n-per-arm", "5000", "--power", "0.8", *flags, "--json"
    )
    assert as_json(got.to_dict()) == want
    assert ("mde_users" in got) == ("first_stage" in kwargs)


def test_mde_on_the_users_is_the_itt_mde_over_the_first_stage() -> None:
    m = impact.mde(0.20, 5000, 0.8, first_stage=0.25)
    assert m.mde_users.normal_pooled == pytest.approx(m.mde.normal_pooled / 0.25, rel=1e-15)
    assert m.mde_users.arcsine == pytest.approx(m.mde.arcsine / 0.25, rel=1e-15)


def test_cluster_randomisation_needs_more_people() -> None:
    individual = impact.power(0.20, 0.221, power=0.8)
    clusters = impact.power(0.20, 0.221, power=0.8, icc=0.01, cluster_size=30)
    # Design effect 1 + 29 * 0.01 = 1.29.
    assert clusters.n_per_arm.normal_pooled >= math.ceil(individual.n_per_arm.normal_pooled * 1.29) - 1
    assert clusters.n_per_arm.normal_pooled > individual.n_per_arm.normal_pooled


# --- encouragement --------------------------------------------------------------


def test_encouragement_matches_the_golden_values_of_linearmodels() -> None:
    for case in golden("encouragement"):
        got = impact.encouragement(tuple(case["treated"]), tuple(case["control"]), alpha=case["alpha"])
        assert got.result_kind == "Encouragement"
        close(got.to_dict(), case["expected"], f"encouragement {case['treated']}")
        no_nan(got.to_dict())


def test_encouragement_diagnostics_match_the_golden_values_of_linearmodels() -> None:
    # iv.json (scripts/golden_designs.py: linearmodels IV2SLS, its first-stage F and
    # Anderson-Rubin set), checked for the crate by golden_designs.rs.
    cases = golden("iv")
    assert len(cases) >= 8
    kinds = set()
    for case in cases:
        got = impact.encouragement(tuple(case["treated"]), tuple(case["control"]), alpha=case["alpha"])
        close(got.to_dict(), case["expected"], f"iv {case['treated']} {case['control']}")
        assert list(got.to_dict())[1:] == list(case["expected"])
        kinds.add(got.anderson_rubin.kind)
    assert len(kinds) >= 2  # bounded and unbounded Anderson-Rubin sets


@pytest.mark.parametrize(
    "treated, control, alpha",
    [
        ("1000,300,250,90", "1000,100,200,25", 0.05),
        ("2000,800,520,260", "1800,90,400,30", 0.05),
        ("500,500,140,140", "520,0,120,0", 0.1),
        ("1000,110,250,30", "1000,100,200,25", 0.05),  # weak first stage
        ("1000,100,250,30", "1000,100,200,25", 0.05),  # no first stage: no CACE
    ],
)
def test_encouragement_equals_the_command_line(run_cli: Any, treated: str, control: str, alpha: float) -> None:
    got = impact.encouragement(treated, control, alpha=alpha)
    want = run_cli(
        "impact", "encouragement", "--treated", treated, "--control", control,
        "--alpha", str(alpha), "--json",
    )
    assert as_json(got.to_dict()) == want
    no_nan(got.to_dict())
    keys = ("n", "users", "successes", "successes_among_users")
    as_dict = dict(zip(keys, (int(x) for x in treated.split(","))))
    assert impact.encouragement(as_dict, control, alpha=alpha) == got


# --- proportion_ci, adjust_p_values ---------------------------------------------


def test_proportion_ci_is_each_arm_of_compare() -> None:
    c = impact.compare("7/20", "2/18", alpha=0.1)
    assert impact.proportion_ci("7/20", alpha=0.1).to_dict() == c.treated.ci.to_dict()
    assert impact.proportion_ci((2, 18), alpha=0.1) == Result(c.control.ci._data, "ProportionCis")


def test_adjust_p_values_matches_the_golden_values_of_statsmodels() -> None:
    for case in golden("multiplicity"):
        got = impact.adjust_p_values(case["p"])
        close(got.to_dict(), case["expected"], f"adjust {case['p']}")


# --- results: frozen, printable, no NaN ------------------------------------------


def all_results() -> List[Result]:
    return [
        impact.compare("0/10", "3/12"),
        impact.power(0.2, 0.221, n_per_arm=100),
        impact.power(0.2, 0.2000001, power=0.8),
        impact.mde(0.2, 100, 0.8, first_stage=0.3),
        impact.encouragement("1000,100,250,30", "1000,100,200,25"),
        impact.proportion_ci("0/1"),
        impact.adjust_p_values([0.5, 0.01]),
        impact.survival(
            [("g", "t", "e"), ("a", 1, 1), ("a", 4, 0), ("b", 2, 1), ("b", 3, 1)], "g", "t", "e",
            horizons=[0, 2, 10],
        ),
        impact.cohort([("g", "y"), ("a", 1), ("b", 0)], "g", "y", "a", "b"),
        impact.strata([("s", "g", "y"), ("1", "a", 1), ("1", "b", 0)], "s", "g", "y", "a", "b"),
        impact.clusters([("k", "g", "y"), ("1", "a", 1), ("2", "b", 0), ("3", "b", 1)], "k", "g", "y", "a", "b"),
        impact.adjust([("g", "y"), ("a", 1), ("a", 0), ("b", 0), ("b", 1)], "g", "y", [], "a", "b"),
    ]


def test_results_are_frozen_and_print_as_tables() -> None:
    for r in all_results():
        with pytest.raises(AttributeError):
            r.schema_version = 3  # type: ignore[misc]
        with pytest.raises(AttributeError):
            del r.result_kind  # type: ignore[misc]
        with pytest.raises(TypeError):
            r["x"] = 1  # type: ignore[index]
        html = r._repr_html_()
        assert html.startswith('<table class="betagouv-result">')
        assert f"<caption>{r.result_kind}</caption>" in html
        assert "<th scope=\"row\">" in html
        no_nan(r.to_dict())
    c = impact.compare("22100/100000", "20000/100000")
    assert '<th scope="row">difference.ci.newcombe</th>' in c._repr_html_()
    s = all_results()[7]
    assert '<th scope="row">groups.a.at[1].survival</th>' in s._repr_html_()
    assert "relative_lift=0.105" in repr(c)


# --- parameter errors ------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: impact.compare("1/2", "3/4", alpha=0.7), "alpha: alpha must be in"),
        (lambda: impact.compare("30/20", "3/4"), "treated: successes (30) exceed the sample size (20)"),
        (lambda: impact.compare("3/0", "3/4"), "treated"),
        (lambda: impact.compare("12", "3/4"), "treated: expected SUCCESSES/N"),
        (lambda: impact.compare("a/b", "3/4"), "treated: SUCCESSES must be an integer"),
        (lambda: impact.compare((-1, 4), "3/4"), "treated successes must be >= 0"),
        (lambda: impact.compare((1.0, 4), "3/4"), "must be an integer"),  # type: ignore[arg-type]
        (lambda: impact.compare((True, 4), "3/4"), "must be an integer"),
        (lambda: impact.compare({"n": 4}, "3/4"), "treated: missing successes"),
        (lambda: impact.compare((1, 2, 3), "3/4"), "expected 'SUCCESSES/N'"),
        (lambda: impact.power(0.2, 0.22), "exactly one"),
        (lambda: impact.power(0.2, 0.22, n_per_arm=10, power=0.8), "exactly one"),
        (lambda: impact.power(1.5, 0.22, n_per_arm=10), "control_rate"),
        (lambda: impact.mde(0.2, 100, 1.5), "power"),
        (lambda: impact.mde(0.2, 100, 0.8, first_stage=0.0), "first_stage"),
        (lambda: impact.encouragement("10,20,1,1", "10,1,1,1"), "treated"),
        (lambda: impact.encouragement((10, 1, 1), "10,1,1,1"), "expected 'N,USERS"),
        (lambda: impact.adjust_p_values([0.5, 1.5]), "p_value"),
    ],
)
def test_parameter_errors_are_impact_errors(call: Any, message: str) -> None:
    with pytest.raises(ImpactError) as e:
        call()
    assert isinstance(e.value, ValueError)
    assert isinstance(e.value, betagouv.BetagouvError)
    assert message in str(e.value)
    assert e.value.file is None and e.value.line is None and e.value.column is None
