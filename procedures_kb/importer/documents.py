"""The document list: names, copies, form codes."""

from __future__ import annotations

import re
from typing import Any

from ..schema import DocumentForm
from ..text import fold
from .base import (
    _CONDITION_START_RE,
    _FORM_EXT_RE,
    _LEAD_VERB_RE,
    _QTY_RE,
    DOCS_HEADER,
    NO_DOCUMENTS,
    NOTE_BOTH_FORMS,
    PAPER_WORDS,
)
from .channels import _drop_none
from .text_helpers import _cap, _clean, _Collector, _missing, _one_line, _strip_bullets

# ---- documents --------------------------------------------------------------------------------------------


def _glued(word: str, i: int) -> bool:
    """Whether the collector glued two texts together at word[i]: 'địnhMau', 'CPMẫu', ');Mau', 'chính.Mẫu'
    (but not '02.7.2025' or 'TT14.2024.BCA')."""
    a, b = word[i - 1], word[i]
    nxt = word[i + 1] if i + 1 < len(word) else ""
    if (a.islower() or a.isdigit()) and b.isupper():
        return True
    if a in ");":
        return not b.isspace() and b not in ");.,"
    if a in ".,":
        return b.isupper() and (nxt.islower() or nxt.isspace() or not nxt)
    return False


def _split_form(text: str) -> tuple[str, str | None]:
    """Separate an attached form's file name glued to the end of a document text.

    '…theo quy địnhMauon (2).docx' → ('…theo quy định', 'Mauon (2).docx'). Walking back from the extension,
    the file name starts at the first glue point (see `_glued`) of the nearest word that has one. A best
    effort: the portal's attachment names are themselves often mangled."""
    ext = _FORM_EXT_RE.search(text)
    if ext is None:
        return text, None
    head = text[: ext.start()]
    words = head.split(" ")
    for back in range(1, min(len(words), 16) + 1):
        word = words[-back]
        # inside a name like 'MauBankekhai', the first glue point is the one that matters
        cut = next((i for i in range(1, len(word)) if _glued(word, i)), None)
        if cut is not None:
            name = " ".join(words[:-back] + [word[:cut]]).strip()
            form = " ".join([word[cut:]] + words[len(words) - back + 1 :]) + ext.group(0)
            if len(name) >= 3:
                return name, form.strip()
    return text, None


def _document(text: str, counts: tuple[int, int | None], section: dict, col: _Collector) -> dict | None:
    n_orig, n_copy = counts
    text = _one_line(text)
    name, form = _split_form(text)
    name = _strip_bullets(name).rstrip(" .")
    if len(name) < 3:
        return None
    condition = None
    f = fold(name)
    if _CONDITION_START_RE.match(f):
        m = re.search(r"\s(thì|thi)\s", name)
        if m and len(name[m.end() :].strip()) >= 3:
            condition = name[: m.start()].strip(" ,")
            rest = _LEAD_VERB_RE.sub("", name[m.end() :].strip())
            name = _cap(rest.strip().rstrip(" ."))
        else:
            condition = re.split(r"[,;:]", name, maxsplit=1)[0].strip()
    elif re.search(r"\(\s*nếu có\s*\)", name, re.IGNORECASE):
        condition = "Nếu có"
    else:
        paren = re.search(r"\(\s*((?:đối với |trong )?trường hợp [^()]{3,200})\)", name, re.IGNORECASE)
        if paren:
            condition = _cap(paren.group(1).strip())
    if section.get("condition"):
        condition = f"{section['condition']}; {condition}" if condition else section["condition"]

    if section.get("present") and not fold(name).startswith("ban sao"):
        form_kind = DocumentForm.PRESENT
        quantity = max(n_orig, n_copy or 0, 1)
    elif n_orig and n_copy:
        form_kind = DocumentForm.ORIGINAL_OR_COPY
        quantity = max(n_orig, n_copy)
        col.note(NOTE_BOTH_FORMS)
    elif n_copy:
        form_kind, quantity = DocumentForm.COPY, n_copy
    elif n_orig:
        form_kind, quantity = DocumentForm.ORIGINAL, n_orig
    else:
        form_kind = DocumentForm.COPY if fold(name).startswith("ban sao") else DocumentForm.ORIGINAL
        quantity = 1
        col.note("Some document rows have no quantity on the portal (0); drafted as 1.")
    return _drop_none(
        {
            "name": name,
            "form_code": form,
            "quantity": quantity,
            "original_or_copy": form_kind.value,
            "condition": condition,
        }
    )


def _names_a_paper(name: str, entry: str) -> bool:
    f = fold(name)
    return f.startswith(PAPER_WORDS) and "khong phai" not in fold(entry) and not entry.rstrip().endswith(":")


def _section_context(heading: str) -> dict:
    heading = _strip_bullets(_one_line(heading)).strip(" -*:")
    f = fold(heading)
    ctx: dict[str, Any] = {"heading": heading}
    if "luu y" in f[:12]:
        ctx["notes_only"] = True
    if "xuat trinh" in f and "nop" not in f.replace("xuat trinh", ""):
        ctx["present"] = True
    if _CONDITION_START_RE.match(f) or re.match(r"^\(?\d", f):
        ctx["condition"] = heading
    return ctx


def _parse_documents(text: str, col: _Collector) -> list[dict]:
    text = _clean(text)
    if _missing(text) or DOCS_HEADER not in text:
        col.problem(NO_DOCUMENTS, "no document table" if text else "empty")
        return []
    parts = text.split(DOCS_HEADER)
    heading = parts[0]
    docs: list[dict] = []
    seen: set[tuple[str, str | None]] = set()
    notes = 0
    for part in parts[1:]:
        section = _section_context(heading)
        pos = 0
        for m in _QTY_RE.finditer(part):
            entry = part[pos : m.start()]
            pos = m.end()
            if m.group(3) is not None:
                counts: tuple[int, int | None] = (0, int(m.group(3)))
            else:
                counts = (int(m.group(1)), int(m.group(2)) if m.group(2) else None)
            if section.get("notes_only"):
                notes += 1
                continue
            doc = _document(entry, counts, section, col)
            if doc is None:
                continue
            if counts[0] == 0 and not counts[1] and not _names_a_paper(doc["name"], entry):
                # rows without a quantity are usually explanations ("… thì không phải nộp …")
                notes += 1
                continue
            key = (doc["name"], doc.get("form_code"))
            if key in seen:
                continue
            seen.add(key)
            docs.append(doc)
        heading = part[pos:]
    if notes:
        col.note(f"{notes} rows of the portal's document table explain rather than list a paper; left out.")
    if not docs:
        col.problem(NO_DOCUMENTS, "the table has no readable row")
    return docs
