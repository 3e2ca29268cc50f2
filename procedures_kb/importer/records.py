"""One record: from the portal's JSON object to a draft entry and its problems."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ValidationError

from ..schema import CODE_RE, Procedure
from ..text import fold
from .base import (
    BAD_CODE,
    INTERNAL,
    INVALID_DRAFT,
    NO_AGENCY,
    NO_FIELD,
    NO_NAME,
    NOT_OBJECT,
    NOTE_IMPORTED,
    NOTE_NOT_COMMUNE,
    NOTE_SUBMIT_AT,
    OUT_OF_SCOPE,
    OUT_OF_SCOPE_FIELDS,
    ParsedRecord,
)
from .channels import _parse_channels
from .documents import _parse_documents
from .legal import _parse_conditions, _parse_legal_basis, _parse_result, _parse_steps
from .text_helpers import _cap, _clean, _Collector, _missing, _one_line

# ---- records ----------------------------------------------------------------------------------------------


# When a record names no agency, who does it is read from its steps (folded text → the agency's usual name).
AGENCY_CUES: tuple[tuple[str, str], ...] = (
    ("cong an cap xa", "Công an cấp xã"),
    ("cong an xa", "Công an cấp xã"),
    ("bao hiem xa hoi", "Cơ quan Bảo hiểm xã hội"),
    ("chu tich uy ban nhan dan cap xa", "Chủ tịch Ủy ban nhân dân cấp xã"),
    ("chu tich ubnd cap xa", "Chủ tịch Ủy ban nhân dân cấp xã"),
    ("uy ban nhan dan cap xa", "Ủy ban nhân dân cấp xã"),
    ("ubnd cap xa", "Ủy ban nhân dân cấp xã"),
    ("uy ban nhan dan xa", "Ủy ban nhân dân cấp xã"),
    ("ubnd xa", "Ủy ban nhân dân cấp xã"),
    ("co quan dang ky kinh doanh cap xa", "Cơ quan đăng ký kinh doanh cấp xã"),
    ("trung tam phuc vu hanh chinh cong cap xa", "Ủy ban nhân dân cấp xã"),
)


def _agency(rec: dict) -> str | None:
    for key in ("co_quan_co_tham_quyen", "co_quan_thuc_hien"):
        value = _one_line(_clean(rec.get(key)))
        if not _missing(value):
            return value.rstrip(" .")
    return None


def _inferred_agency(rec: dict) -> str | None:
    """The agency the steps name, when the record's agency fields are empty."""
    text = fold(
        " ".join(_clean(rec.get(k)) for k in ("trinh_tu_thuc_hien", "dia_chi_tiep_nhan", "cach_thuc_thuc_hien"))
    )
    hits = [(text.find(cue), name) for cue, name in AGENCY_CUES if cue in text]
    return min(hits)[1] if hits else None


def _name(raw: str) -> str:
    name = _one_line(_clean(raw))
    if fold(name).startswith("thu tuc "):
        name = name[len("Thủ tục ") :]
    return _cap(name.strip())


def parse_record(rec: Any, *, today: date | None = None) -> ParsedRecord:
    """Parse one portal record into a draft catalogue entry and the problems met. Never raises."""
    if not isinstance(rec, dict):
        pr = ParsedRecord(code=None, name=None, draft=None)
        pr.problems.append(NOT_OBJECT)
        pr.problem_kinds.append(NOT_OBJECT)
        return pr
    code = _one_line(_clean(rec.get("ma_thu_tuc"))) or None
    name = _name(rec.get("ten_thu_tuc", "")) or None
    try:
        return _parse(rec, code, name, today or date.today())
    except Exception as exc:  # one bad record must not stop an import
        pr = ParsedRecord(code=code, name=name, draft=None)
        pr.problems.append(f"{INTERNAL}: {type(exc).__name__}: {exc}")
        pr.problem_kinds.append(INTERNAL)
        return pr


def _parse(rec: dict, code: str | None, name: str | None, today: date) -> ParsedRecord:
    col = _Collector()
    field_name = _one_line(_clean(rec.get("linh_vuc")))
    scope = OUT_OF_SCOPE_FIELDS.get(fold(field_name))
    if scope:
        col.problem(OUT_OF_SCOPE, f"field {scope}: a multi-level procedure the commune desk does not handle")
        return ParsedRecord(code=code, name=name, draft=None, problems=col.problems, problem_kinds=col.kinds)

    if not code or not CODE_RE.match(code):
        col.problem(BAD_CODE, repr(code or ""))
    if not name or len(name) < 5:
        col.problem(NO_NAME)
    if len(field_name) < 3:
        col.problem(NO_FIELD)
    agency = _agency(rec)
    if agency is None:
        agency = _inferred_agency(rec)
        if agency is not None:
            col.gap(NO_AGENCY, f"read from the steps: {agency}")
    if agency is None:
        col.problem(NO_AGENCY)
    elif not re.search(r"\b(xã|phường)\b", agency, re.IGNORECASE):
        col.note(NOTE_NOT_COMMUNE)
    submit_at = _one_line(_clean(rec.get("dia_chi_tiep_nhan")))
    if _missing(submit_at) or len(submit_at) < 3:
        submit_at = agency or ""
        if agency:
            col.note(NOTE_SUBMIT_AT)

    channels = _parse_channels(rec.get("cach_thuc_thuc_hien", ""), code or "", field_name, col)
    documents = _parse_documents(rec.get("thanh_phan_ho_so", ""), col)
    steps = _parse_steps(rec.get("trinh_tu_thuc_hien", ""), col)
    result = _parse_result(rec.get("ket_qua_xu_ly", ""), col)
    legal_basis = _parse_legal_basis(rec.get("can_cu_phap_ly", ""), col)
    conditions = _parse_conditions(rec.get("yeu_cau_dieu_kien", ""))
    level = _one_line(_clean(rec.get("cap_thuc_hien"))) or "Cấp xã"
    source_url = _one_line(_clean(rec.get("detail_url")))
    if not re.match(r"^https?://", source_url):
        source_url = ""
        col.note("The record has no portal link.")

    notes = [NOTE_IMPORTED.format(date=today.isoformat())]
    notes += col.notes
    notes += [f"Import problem: {p}" for p in col.problems]
    draft: dict[str, Any] = {
        "code": code,
        "name": name,
        "aliases": [],
        "field": field_name or None,
        "level": level,
        "agency": agency,
        "submit_at": submit_at or None,
        "channels": channels,
        "documents": documents,
        "steps": steps,
        "conditions": conditions,
        "result": result,
        "legal_basis": legal_basis,
        "source_url": source_url or None,
        "last_checked": today,
        "verified": False,
        "unverified_notes": notes,
    }
    if not col.problems:
        try:
            Procedure.model_validate(draft)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            col.problem(INVALID_DRAFT, f"{where}: {first['msg']}")
            draft["unverified_notes"].append(f"Import problem: {col.problems[-1]}")
    return ParsedRecord(
        code=code, name=name, draft=draft, problems=col.problems, problem_kinds=col.kinds, gaps=col.gaps
    )
