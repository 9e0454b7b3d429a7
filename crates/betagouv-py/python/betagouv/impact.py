"""Impact statistics (betagouv-impact)."""

from __future__ import annotations

__all__: list = []
