"""The check that public evaluation sentences never leak into the training data: sentences compared folded, with
dossier codes replaced.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from motcua.codes import DOSSIER_CODE_IN_TEXT
from motcua.text import strip_marks

BOT = Path(__file__).resolve().parents[1]
ROOT = BOT.parent
HANDWRITTEN = BOT / "data" / "nlu" / "handwritten.yml"
# Public evaluation sets (with held-out twins) must never leak into training data: generated examples that
# happen to equal one of their sentences (after folding) are dropped, hand-written ones are reported.
EVAL_DIR = ROOT.parent / "shared" / "eval"

_CODE_RE = re.compile(DOSSIER_CODE_IN_TEXT.pattern + r"|\{code\}")
_ANNOTATION_RE = re.compile(r"\[([^\]]+)\](\{[^}]*\}|\([^)]*\))")


def comparable(text: str) -> str:
    """Folded words only, dossier codes replaced: how two sentences are compared for leaks."""
    text = _CODE_RE.sub(" CODE ", _ANNOTATION_RE.sub(r"\1", text))
    return " ".join(re.findall(r"\w+", strip_marks(text).lower()))


def eval_sentences(directory: Path = EVAL_DIR) -> set[str]:
    out: set[str] = set()
    for path in sorted(directory.glob("*.yml")) if directory.is_dir() else []:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for case in data.get("cases", []) if isinstance(data, dict) else []:
            if isinstance(case, dict) and isinstance(case.get("text"), str):
                out.add(comparable(case["text"]))
    return out


def leaked_handwritten(banned: set[str], path: Path = HANDWRITTEN) -> list[str]:
    if not banned or not path.exists():
        return []
    return [
        line.strip()[2:]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("- ") and comparable(line.strip()[2:]) in banned
    ]
