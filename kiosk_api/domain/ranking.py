"""Ranking communes on a figure: pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Sequence


def ranks(values: Sequence[float | None]) -> list[int | None]:
    """Each value's rank, the highest first, ties sharing a rank and the next rank skipped (1, 1, 3: the way a
    league table counts); a missing value has no rank."""
    present = sorted((v for v in values if v is not None), reverse=True)
    first: dict[float, int] = {}
    for position, value in enumerate(present, start=1):
        first.setdefault(value, position)
    return [first[v] if v is not None else None for v in values]
