"""Tables as pandas DataFrames when pandas is installed, lists of dicts otherwise."""

from __future__ import annotations

import importlib
from typing import Any, Dict, List

__all__ = ["table", "has_pandas", "rows"]


def has_pandas() -> bool:
    """Whether pandas can be imported (it is optional, never required)."""
    try:
        importlib.import_module("pandas")
    except ImportError:
        return False
    return True


def rows(columns: Dict[str, List[Any]]) -> List[Dict[str, Any]]:
    """The rows of a dict of columns, as dicts in the columns' order."""
    names = list(columns)
    return [dict(zip(names, values)) for values in zip(*columns.values())]


def table(columns: Dict[str, List[Any]], as_frame: "bool | None" = None) -> Any:
    """A dict of columns as a pandas DataFrame (``as_frame`` None: when pandas is
    installed; True: pandas required; False: never) or as a list of dicts."""
    if as_frame is None:
        as_frame = has_pandas()
    if as_frame:
        import pandas as pd

        return pd.DataFrame(columns, columns=list(columns))
    return rows(columns)
