"""Legal basis, steps, result and conditions of a record."""

from __future__ import annotations

import re

from ..text import fold
from .base import (
    _LEGAL_NUM_RE,
    _LEGAL_TYPES,
    _QH_TYPES,
    LEGAL_HEADER,
    NO_LEGAL_BASIS,
    NO_LEGAL_NUMBER,
    NO_RESULT,
    NO_STEPS,
)
from .text_helpers import _cap, _clean, _Collector, _missing, _one_line, _strip_bullets

# ---- legal basis, steps, result, conditions ----------------------------------------------------------------


def _parse_legal_basis(text: str, col: _Collector) -> list[str]:
    text = _clean(text)
    if text.startswith(LEGAL_HEADER):
        text = text[len(LEGAL_HEADER) :]
    if _missing(text):
        col.problem(NO_LEGAL_BASIS)
        return []
    if re.search(r"/NĐ-C(?!P)", text):
        text = re.sub(r"/NĐ-C(?!P)", "/NĐ-CP", text)
        col.note("A truncated decree number ('NĐ-C') was read as 'NĐ-CP'.")
    out: list[str] = []
    seen: set[str] = set()
    prev_end = 0
    for m in _LEGAL_NUM_RE.finditer(text):
        number = m.group(0)
        title = text[prev_end : m.start()]
        prev_end = m.end()
        if number in seen:
            continue
        seen.add(number)
        suffix = m.group(3)
        if suffix.startswith("QH"):
            t = fold(title.strip())
            kind = next((label for key, label in _QH_TYPES if t.startswith(key)), "Luật")
        else:
            kind = _LEGAL_TYPES[suffix.split("-")[0]]
        out.append(f"{kind} {number}")
    if not out:
        col.problem(NO_LEGAL_NUMBER, _one_line(text)[:60])
    return out


def _parse_steps(text: str, col: _Collector) -> list[str]:
    text = _clean(text)
    if _missing(text):
        col.problem(NO_STEPS)
        return []
    marks = list(re.finditer(r"(?:^|(?<=\s)|(?<=[-+*]))Bước\s*\d+\s*[:.]?", text))
    steps: list[str] = []
    if len(marks) >= 2:
        lead = _strip_bullets(_one_line(text[: marks[0].start()]))
        if len(lead) >= 3:
            steps.append(lead)
        for i, m in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            step = _strip_bullets(_one_line(text[m.end() : end]))
            if step:
                steps.append(_cap(step))
    else:
        lines: list[str] = []
        for line in text.splitlines():
            line = _one_line(line)
            if lines and line[:1].islower():
                lines[-1] += " " + line  # a sentence broken over two lines
            elif line:
                lines.append(line)
        steps = [_cap(s) for s in map(_strip_bullets, lines) if len(s) >= 3]
    if not steps:
        col.problem(NO_STEPS)
    return steps


def _parse_result(text: str, col: _Collector) -> str | None:
    text = _clean(text)
    for junk in ("Từ khóa", "Chọn cơ quan thực hiện"):
        i = text.find(junk)
        if i >= 0:
            text = text[:i]
    items = [_one_line(x).strip(" ;.") for x in re.split(r"Mã:\s*[A-Z]{2}\.[A-Z]\d{2}\.\d+", text)]
    items = [x for x in items if len(x) >= 3 and not _missing(x)]
    if not items:
        col.problem(NO_RESULT)
        return None
    return "; ".join(dict.fromkeys(items))


def _parse_conditions(text: str) -> list[str]:
    text = _clean(text)
    i = text.find("Từ khóa")
    if i >= 0:
        text = text[:i]
    if _missing(text):
        return []
    items = [_strip_bullets(_one_line(line)) for line in text.splitlines()]
    return [_cap(x) for x in items if len(x) >= 3 and not _missing(x)]
