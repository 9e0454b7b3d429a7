"""Dates as the native module takes them."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Optional

__all__ = ["to_date"]


def to_date(value: Any, name: str = "at") -> Optional[_dt.date]:
    """``value`` as a ``datetime.date``: a date, a datetime (its date), a pandas
    Timestamp, or an ISO ``YYYY-MM-DD`` text; ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{name}: {value!r} is not a YYYY-MM-DD date") from None
    to_pydatetime = getattr(value, "to_pydatetime", None)
    if callable(to_pydatetime):
        date: _dt.date = to_pydatetime().date()
        return date
    raise TypeError(f"{name}: expected a date or a YYYY-MM-DD text, got {type(value).__name__}")
