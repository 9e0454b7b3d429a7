"""Exact money and budgets (betagouv-funding)."""

from __future__ import annotations

__all__: list = []
