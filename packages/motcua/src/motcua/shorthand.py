"""Zalo / SMS shorthand and abbreviations citizens type ("dk khai sinh ko"), from shorthand.yaml.

One table for the catalogue search (procedures_kb.search) and the bot's tokenizer (bot/components/vietnamese.py;
scripts/_env.sh puts the file in the trained model's fingerprint), so both understand the same shorthand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SHORTHAND_FILE = Path(__file__).resolve().with_name("shorthand.yaml")


@dataclass(frozen=True)
class Shorthand:
    expand: dict[str, str]
    """Folded shorthand -> the folded words it stands for ("dk" -> "dang ky")."""
    drop: frozenset[str]
    """Filler particles ("a", "nhe", "oi") that carry nothing for the search."""

    def search_table(self) -> dict[str, str]:
        """Token -> replacement for the search: expansions, and particles replaced by nothing."""
        return {**self.expand, **dict.fromkeys(self.drop, "")}


@lru_cache(maxsize=4)
def load_shorthand(path: Path = SHORTHAND_FILE) -> Shorthand:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    expand = {str(k): str(v) for k, v in data["expand"].items()}
    drop = frozenset(str(w) for w in data.get("drop") or [])
    if overlap := drop & expand.keys():
        raise ValueError(f"{path}: words both expanded and dropped: {sorted(overlap)}")
    return Shorthand(expand, drop)
