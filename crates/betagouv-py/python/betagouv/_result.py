"""Results as frozen, dataclass-like objects.

Every key is an attribute, except where a key is named like one of the methods
(``keys``, ``items``, ``values``, ``get``, ``to_dict``, ``result_kind``): ``result[key]``
always works. The tests check that no key of the command line's contracts is named so.

A :class:`Result` holds the keys of a JSON contract of the command line as attributes
(``result.difference.estimate``), nested objects as nested results, lists as tuples and
intervals (a ``{"lower", "upper"}`` pair) as ``(lower, upper)`` tuples. Undefined values
are ``None``, never NaN. It cannot be changed, compares equal to a result of the same
kind and values, converts back with :meth:`Result.to_dict`, and prints as a table in a
notebook (``_repr_html_``).
"""

from __future__ import annotations

import html
import math
from typing import Any, Callable, Dict, Iterator, Mapping, NamedTuple, Optional

__all__ = ["Interval", "Result", "to_result", "plain"]


class Interval(NamedTuple):
    """An interval: a ``(lower, upper)`` tuple; a bound is ``None`` when undefined."""

    lower: Any
    upper: Any


def _is_interval(value: Mapping[str, Any]) -> bool:
    return set(value) == {"lower", "upper"}


def _convert(value: Any, leaf: Optional[Callable[[str, Any], Any]], key: str) -> Any:
    if isinstance(value, dict):
        if _is_interval(value):
            return Interval(
                _convert(value["lower"], leaf, "lower"),
                _convert(value["upper"], leaf, "upper"),
            )
        return Result({k: _convert(v, leaf, k) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_convert(v, leaf, key) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if leaf is not None:
        return leaf(key, value)
    return value


def to_result(
    data: Mapping[str, Any],
    kind: str = "Result",
    leaf: Optional[Callable[[str, Any], Any]] = None,
) -> "Result":
    """``data`` (a JSON-like dict) as a :class:`Result` named ``kind``; ``leaf`` maps
    each scalar (with its key) on the way, e.g. amounts to ``decimal.Decimal``."""
    converted = {k: _convert(v, leaf, k) for k, v in data.items()}
    return Result(converted, kind)


def plain(value: Any) -> Any:
    """A result, tuple or scalar back as plain Python data (dicts, lists, tuples for
    intervals); amounts stay ``decimal.Decimal``."""
    return _plain_value(value)


class Result(Mapping[str, Any]):
    """A frozen result: attributes and mapping access to the same keys."""

    __slots__ = ("_data", "_kind")

    def __init__(self, data: Dict[str, Any], kind: str = "Result") -> None:
        object.__setattr__(self, "_data", dict(data))
        object.__setattr__(self, "_kind", kind)

    # Frozen: no attribute can be set or deleted.
    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._kind} is frozen: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._kind} is frozen: cannot delete {name!r}")

    def __getattr__(self, name: str) -> Any:
        data = object.__getattribute__(self, "_data")
        try:
            return data[name]
        except KeyError:
            raise AttributeError(
                f"{object.__getattribute__(self, '_kind')} has no attribute {name!r}"
            ) from None

    def __dir__(self) -> Any:
        return sorted(set(super().__dir__()) | set(self._data))

    # Mapping
    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Result):
            same: bool = self._kind == other._kind and self._data == other._data
            return same
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._kind, tuple(self._data)))

    @property
    def result_kind(self) -> str:
        """The result's kind (``Comparison``, ``Power``, ``BudgetReport``...). Named so
        that it cannot hide a key: results have keys named ``kind``."""
        kind: str = object.__getattribute__(self, "_kind")
        return kind

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain data: dicts, lists, ``(lower, upper)`` tuples for
        intervals, scalars (amounts stay ``decimal.Decimal``)."""
        return {k: _plain_value(v) for k, v in self._data.items()}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={_short(v)}" for k, v in self._data.items())
        return f"{self._kind}({inner})"

    def _repr_html_(self) -> str:
        return (
            f'<table class="betagouv-result"><caption>{html.escape(self._kind)}</caption>'
            f"<tbody>{_html_rows(self, '')}</tbody></table>"
        )


def _plain_value(v: Any) -> Any:
    if isinstance(v, Result):
        return v.to_dict()
    if isinstance(v, Interval):
        return (v.lower, v.upper)
    if isinstance(v, tuple):
        return [_plain_value(x) for x in v]
    return v


def _short(v: Any) -> str:
    if isinstance(v, Result):
        return f"{v.result_kind if v.result_kind != 'Result' else ''}(…)"
    if isinstance(v, tuple) and len(v) > 4:
        return f"({len(v)} items)"
    if isinstance(v, float):
        return f"{v:.6g}"
    return repr(v)


def _cell(v: Any) -> str:
    if v is None:
        return "<em>undefined</em>"
    if isinstance(v, float):
        return html.escape(f"{v:.6g}")
    if isinstance(v, Interval):
        return html.escape("[" + ", ".join(_cell_text(x) for x in v) + "]")
    return html.escape(_cell_text(v))


def _cell_text(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _html_rows(result: "Result", prefix: str) -> str:
    out = []
    for k, v in result.items():
        name = f"{prefix}{k}"
        if isinstance(v, Result):
            out.append(_html_rows(v, name + "."))
        elif isinstance(v, tuple) and v and all(isinstance(x, Result) for x in v):
            for i, x in enumerate(v):
                out.append(_html_rows(x, f"{name}[{i}]."))
        else:
            out.append(
                f'<tr><th scope="row">{html.escape(name)}</th><td>{_cell(v)}</td></tr>'
            )
    return "".join(out)
