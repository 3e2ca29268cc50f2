"""Is a text readable enough to show a citizen? Checks for the marks the portal crawl leaves in flattened records
(words run together, table headers, file names, bullets, placeholders), applied to every imported entry before it
is served. Pure functions; messages in English for the editor."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .schema import Procedure

MAX_NAME = 500
MAX_DOCUMENT = 250
MAX_SHORT = 400


def _glued(text: str) -> str | None:
    """Where a lower-case letter inside a word is glued to an upper-case letter starting a new word, or to a digit
    ("tiếpKhông", "Trực tiếp7"): the crawl ran two cells together. ("m2", "CT01", "TT-BCA" are fine.)"""
    for i in range(1, len(text) - 1):
        a, b, c = text[i - 1], text[i], text[i + 1]
        if not a.islower() or (i >= 2 and not text[i - 2].isalpha()):
            continue  # a one-letter word ("m2") or the start of a word
        if b.isdigit():
            start = i
            while start > 0 and text[start - 1].isalpha():
                start -= 1
            if text[start:i] in _UNITS:
                continue
            return text[i - 1 : i + 2]
        if b.isupper() and c.islower():
            return text[i - 1 : i + 2]
    return None


_UNITS = {"m", "km", "cm", "mm", "ha", "m2", "km2"}
_TABLE_WORDS = (
    "Hình thức nộp",
    "Thời gianPhí",
    "Tên giấy tờ",
    "Mẫu đơn, tờ khai",
    "Số lượng",
    "Tên văn bản pháp lý",
    "Mã văn bản",
    "Chọn cơ quan thực hiện",
    "Không có thông tin",
    "Từ khóa",
)
_FILE = re.compile(r"\.(?:docx?|pdf|xlsx?|rtf|odt)\b", re.IGNORECASE)
_BULLET = re.compile(r"(?:^[-+•●]\s|\s[+•●]\s|Bước \d+\s*:)")
_BROKEN = re.compile(r"[\ufffd\x00-\x08\x0b-\x1f]")


def text_problems(text: str, *, limit: int) -> list[str]:
    """What makes `text` unfit to be shown as it is (empty list: fine)."""
    problems = []
    if _BROKEN.search(text):
        problems.append("broken characters")
    glued = _glued(text)
    if glued:
        problems.append(f"words run together ({glued!r})")
    if any(word in text for word in _TABLE_WORDS):
        problems.append("table header or placeholder text")
    if _FILE.search(text):
        problems.append("a file name")
    if _BULLET.search(text):
        problems.append("list bullets or step numbers")
    if len(text) > limit:
        problems.append(f"longer than {limit} characters (a sentence, not a name)")
    return problems


def _texts(p: Procedure) -> Iterator[tuple[str, str, int]]:
    yield "name", p.name, MAX_NAME
    yield "agency", p.agency, MAX_SHORT
    yield "submit_at", p.submit_at, MAX_SHORT
    yield "result", p.result, MAX_SHORT
    for i, doc in enumerate(p.documents, 1):
        yield f"document {i}", doc.name, MAX_DOCUMENT
        if doc.form_code:
            yield f"document {i} form", doc.form_code, MAX_DOCUMENT
        if doc.condition:
            yield f"document {i} condition", doc.condition, MAX_DOCUMENT
    for i, law in enumerate(p.legal_basis, 1):
        yield f"legal basis {i}", law, MAX_DOCUMENT


def garbled(p: Procedure) -> list[str]:
    """The unreadable texts of an entry, one message each ("document 3: words run together ('ếp7')")."""
    return [f"{where}: {problem}" for where, text, limit in _texts(p) for problem in text_problems(text, limit=limit)]
