"""betagouv._result: frozen results, intervals, plain data, notebook display."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Iterator, Tuple

import pytest

import betagouv
from betagouv import Interval, Result, funding, impact
from betagouv._result import to_result

METHODS = {"keys", "items", "values", "get", "to_dict", "result_kind"}


def _walk(value: Any, path: str = "") -> Iterator[Tuple[str, Any]]:
    yield path, value
    if isinstance(value, Result):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, tuple):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")


def _results() -> Iterator[Result]:
    yield impact.compare("22100/100000", "20000/100000")
    yield impact.compare((12, 12), (7, 10))
    yield impact.power(control_rate=0.20, treated_rate=0.22, power=0.8)
    yield impact.mde(control_rate=0.2, n_per_arm=1000, power=0.8)
    yield impact.encouragement("1000,300,250,90", (1000, 100, 200, 25))
    yield impact.proportion_ci("22100/100000")
    yield impact.adjust_p_values([0.01, 0.04, 0.03])
    rows = [("g", "t", "e")] + [("a" if i % 2 else "b", 1 + i % 7, i % 3 != 0) for i in range(60)]
    yield impact.survival(rows, "g", "t", "e", horizons=(3, 5), control="b")
    yield impact.cohort([("g", "y")] + [("a" if i % 2 else "b", i % 3 == 0) for i in range(60)], "g", "y", "a", "b")
    yield funding.budget_report()
    yield funding.budget_balances()


def test_no_key_of_a_contract_is_hidden_by_a_method():
    """Every key of every result (nested too) reads as an attribute: no key of the
    command line's contracts is named like a method of Result."""
    checked = 0
    for result in _results():
        for path, value in _walk(result):
            if isinstance(value, Result):
                for k in value:
                    assert k not in METHODS, f"{path}.{k} is hidden by a method"
                    got = getattr(value, k)
                    assert got is value[k] or got == value[k], f"{path}.{k}"
                    checked += 1
            # Never NaN anywhere.
            assert not (isinstance(value, float) and math.isnan(value)), path
    assert checked > 100


def test_frozen_and_comparable():
    r = to_result({"a": 1, "b": {"lower": 0.1, "upper": 0.2}, "c": [1, 2]}, "Thing")
    with pytest.raises(AttributeError, match="frozen"):
        r.a = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="frozen"):
        del r.a
    with pytest.raises(AttributeError, match="has no attribute 'zzz'"):
        r.zzz
    assert r == to_result({"a": 1, "b": {"lower": 0.1, "upper": 0.2}, "c": [1, 2]}, "Thing")
    assert r != to_result({"a": 1, "b": {"lower": 0.1, "upper": 0.2}, "c": [1, 2]}, "Other")
    assert hash(r) == hash(to_result({"a": 1, "b": {}, "c": []}, "Thing"))
    assert r.result_kind == "Thing" and len(r) == 3 and list(r) == ["a", "b", "c"]


def test_intervals_tuples_and_plain_data():
    r = to_result({"ci": {"lower": None, "upper": 0.5}, "xs": [{"lower": 1, "upper": 2}], "n": float("nan")})
    assert isinstance(r.ci, Interval) and r.ci == (None, 0.5) and r.ci.upper == 0.5
    assert r.xs == (Interval(1, 2),)
    assert r.n is None
    # Lists back as lists, intervals as tuples.
    assert r.to_dict() == {"ci": (None, 0.5), "xs": [(1, 2)], "n": None}
    # A dict with more keys than lower/upper stays a result.
    assert isinstance(to_result({"x": {"lower": 1, "upper": 2, "method": "wilson"}}).x, Result)


def test_leaf_maps_scalars_with_their_key():
    r = to_result({"total": "1.50", "id": "1.50"}, leaf=lambda k, v: Decimal(v) if k == "total" else v)
    assert r.total == Decimal("1.50") and r.id == "1.50"


def test_repr_and_html_escape_text():
    r = to_result({"name": "<b>x</b>", "ci": {"lower": 0.1234567, "upper": None}, "n": 3}, "Thing")
    text = repr(r)
    assert text.startswith("Thing(") and "name='<b>x</b>'" in text
    html = r._repr_html_()
    assert "<caption>Thing</caption>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert "[0.123457, —]" in html
    assert html.count("<tr>") == 3


def test_result_is_exported():
    assert betagouv.Result is Result and betagouv.Interval is Interval
