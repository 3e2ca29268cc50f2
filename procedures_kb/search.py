"""Accent-insensitive ranking of procedures for a free-text Vietnamese question."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from .schema import Procedure
from .text import fold


@dataclass(frozen=True)
class SearchHit:
    procedure: Procedure
    score: float  # 0..1, higher is better
    matched: str  # the name or alias that matched best


class SearchIndex:
    def __init__(self, procedures: list[Procedure]):
        self.procedures = procedures

    def search(self, query: str, *, limit: int = 5, field: str | None = None) -> list[SearchHit]:
        q = fold(query)
        hits = []
        for p in self.procedures:
            if field and fold(p.field) != fold(field):
                continue
            best = max(((fuzz.token_set_ratio(q, fold(a)) / 100, a) for a in [p.name, *p.aliases]))
            hits.append(SearchHit(p, best[0], best[1]))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]
