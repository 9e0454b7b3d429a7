"""The exceptions of betagouv: one base class, one class per crate.

Every exception carries where the problem is, when the Rust error knows it:
``file`` (a path or a ``<commit>:<path>`` name), ``line`` and ``column`` (1-based;
``None`` when unknown, never 0). A content folder whose files give no record raises
:class:`ContentError` with the first such file's location and every problem of those
files in ``diagnostics`` (dicts with ``severity``, ``rule``, ``file``, ``line``,
``column``, ``message``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

__all__ = ["BetagouvError", "ContentError", "GitError", "ImpactError", "FundingError"]


class BetagouvError(Exception):
    """Base class of every error raised by betagouv."""

    def __init__(
        self,
        message: str,
        *,
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        diagnostics: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.diagnostics: List[Dict[str, Any]] = list(diagnostics or [])

    def location(self) -> str:
        """``file:line:column`` as far as known (empty when no file is known)."""
        if self.file is None:
            return ""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class ContentError(BetagouvError):
    """A content folder that cannot be read, or files of it that give no record."""


class GitError(BetagouvError):
    """A repository that cannot be opened, a revision or a date that names no commit."""


class ImpactError(BetagouvError, ValueError):
    """Impact statistics: a parameter out of range, counts that cannot be, an input
    file (CSV, TOML) that cannot be read (with its line and column)."""


class FundingError(BetagouvError, ValueError):
    """Money and budgets: an amount that is not exact to the cent, an allocation that
    cannot be made, a budget file that cannot be read (with its line and column)."""
