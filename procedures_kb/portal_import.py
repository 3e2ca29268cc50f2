"""The imported level of the catalogue: from parsed national-portal records (`importer`) to entries a citizen may
be shown, holding facts only.

A record becomes an imported entry when it is a commune-level procedure of the UBND xã or the Công an xã (the
scope file, `data/import_scope.yaml`, says which fields, codes and names are not; BHXH fields are referred to the
social-insurance office by curated entries), when the team has not curated it, and when every text it keeps is
readable (`quality.garbled`). Kept: code, name, field, agency, where to submit, channels with their time limits
and fees, documents (names and form codes), legal basis, result, source link, the day the record was read.
Steps, conditions and notes are descriptive sentences of the record: never kept (the catalogue writes its own).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .catalogue import DATA_DIR, IMPORTED_DIR
from .fields import Fields, load_fields
from .importer import PAPER_WORDS, ImportReport, ParsedRecord
from .quality import MAX_DOCUMENT, garbled, text_problems
from .schema import Procedure
from .text import fold

SCOPE_FILE = DATA_DIR / "import_scope.yaml"
# How the name of a paper starts (folded): anything else in a document table explains rather than lists a paper.
PAPERS = (
    *PAPER_WORDS,
    "phuong an",
    "de xuat",
    "du thao",
    "thuyet minh",
    "ban ve",
    "ban do",
    "so do",
    "hoa don",
    "y kien",
    "to trinh",
    "danh muc",
    "ke hoach",
    "giay phep",
    "phieu",
    "chung thu",
    "du an",
    "ban ke",
    "bien lai",
)
POLICE = "Công an xã, phường"
DESK = "{desk}"
DEFAULT_AGENCY = "Ủy ban nhân dân cấp xã"
_FORM_EXT = re.compile(r"\s*\.(?:docx?|pdf|xlsx?|rtf|odt)$", re.IGNORECASE)


@dataclass(frozen=True)
class ImportScope:
    skip_fields: dict[str, str]
    referral_fields: frozenset[str]
    skip_codes: dict[str, str]
    skip_name_words: tuple[str, ...]

    def decide(self, record: dict[str, Any], code: str) -> tuple[str, str]:
        """("commune" | "skipped" | "referral", why)."""
        field_name = str(record.get("linh_vuc") or "").strip()
        if field_name in self.skip_fields:
            return "skipped", self.skip_fields[field_name]
        national = ".".join(code.split(".")[:2])
        if national in self.skip_codes:
            return "skipped", self.skip_codes[national]
        name = fold(str(record.get("ten_thu_tuc") or ""))
        for words in self.skip_name_words:
            if fold(words) in name:
                return "skipped", f"the name says it is done elsewhere ({words})"
        if field_name in self.referral_fields:
            return "referral", "handled at commune level by Bảo hiểm xã hội cơ sở"
        return "commune", ""


def load_scope(path: Path = SCOPE_FILE) -> ImportScope:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return ImportScope(
        skip_fields={str(k): str(v) for k, v in (data.get("skip_fields") or {}).items()},
        referral_fields=frozenset(str(x) for x in data.get("referral_fields") or []),
        skip_codes={str(k): str(v) for k, v in (data.get("skip_codes") or {}).items()},
        skip_name_words=tuple(str(x) for x in data.get("skip_name_words") or []),
    )


# ---- one entry ----------------------------------------------------------------------------------------------


_CLAUSE = re.compile(
    r"\s(?:được|khi|để|nhằm|trong trường hợp|trường hợp|đối với|trong đó|bao gồm|gồm có|theo đó|mà|thì|nếu|như)\s"
)
_FORM_IN_NAME = re.compile(r"\s*\(\s*((?:theo\s+)?(?:mẫu|Mẫu)[^()]{1,160})\)")


def _document_name(name: str) -> tuple[str | None, str | None]:
    """(the name of a paper, a form code found in it) without the explanation the portal's cell may run on with:
    no leading count ("01 bản sao …"), the "(mẫu …)" part as the form, the text up to a list (":") or the first
    sentence end; (None, None) when what is left is not a readable name."""
    name = re.sub(r"^[.\-\s]*(?:\d{1,2}\s+(?=\D))?", "", name.strip())
    form = None
    m = _FORM_IN_NAME.search(name)
    if m:
        form = m.group(1).strip()
        name = (name[: m.start()] + name[m.end() :]).strip()
    name = re.split(r"(?<=[^\d\s])[.;]\s|\.(?=[A-ZÀ-ỸĐ])", name, maxsplit=1)[0].strip(" .;,")
    head, colon, _ = name.partition(":")
    if colon and len(head.strip()) >= 12:
        name = head.strip()
    # A name runs on into a description ("Phiếu CC01 được tạo lập khi …"): keep the name.
    clause = _CLAUSE.search(name)
    if clause:
        if clause.start() < 8:
            return None, None  # "Phiếu được tạo lập khi …": a description, not a name
        name = name[: clause.start()].strip(" ,")
    if name.count("(") > name.count(")"):
        name = name[: name.rfind("(")].strip(" ,")
    if len(name) > MAX_DOCUMENT:
        cut = name.rfind(", ", 0, MAX_DOCUMENT)
        name = name[:cut] if cut >= 40 else name
    name = name[:1].upper() + name[1:]
    if len(name) < 3 or text_problems(name, limit=MAX_DOCUMENT) or not fold(name).startswith(PAPERS):
        return None, None  # not readable, or an explanation of the table rather than a paper
    return name, form


def _form_code(form: str | None) -> str | None:
    if not form:
        return None
    form = _FORM_EXT.sub("", form).strip(" .")
    return form if len(form) >= 3 and not text_problems(form, limit=MAX_DOCUMENT) else None


def _submit_at(agency: str) -> str:
    return POLICE if "cong an" in fold(agency) else DESK


_COMMUNE_LEVEL = re.compile(r"cấp xã|\bxã\b(?! hội)|\bphường\b", re.IGNORECASE)


def _agency(draft: dict[str, Any], record: dict[str, Any]) -> str:
    """Who the citizen deals with: the record's implementing body when it is a commune-level one (the "competent"
    body is often a central department), the police's commune office for police departments."""
    doing = re.sub(r"\s+", " ", str(record.get("co_quan_thuc_hien") or "")).strip(" .")
    agency = doing if _COMMUNE_LEVEL.search(doing) else (draft.get("agency") or DEFAULT_AGENCY)
    folded = re.sub(r"\s+", " ", fold(agency))
    commune_ubnd = any(w in folded for w in ("ubnd cap xa", "uy ban nhan dan cap xa", "uy ban nhan dan xa", "ubnd xa"))
    if "cong an cap xa" in folded or (
        not _COMMUNE_LEVEL.search(agency) and ("canh sat" in folded or "cong an" in folded)
    ):
        return "Công an cấp xã"
    if commune_ubnd:
        return "Chủ tịch Ủy ban nhân dân cấp xã" if "chu tich" in folded else "Ủy ban nhân dân cấp xã"
    return agency.replace("cấp Xã", "cấp xã")


def imported_entry(
    parsed: ParsedRecord, *, today: date, fields: Fields | None = None
) -> tuple[dict[str, Any] | None, list[str]]:
    """The imported entry for a parsed record (None when it cannot be shown), and what was left out or refused.
    The portal's field is replaced by the catalogue field that gathers it (`data/fields.yaml`)."""
    draft = parsed.draft
    if draft is None:
        return None, ["no draft"]
    fields = fields or load_fields()
    field_name = fields.for_portal(draft.get("field") or "")
    if field_name is None:
        return None, [f"refused: the portal field {draft.get('field')!r} is not in fields.yaml"]
    dropped: list[str] = []
    agency = _agency(draft, parsed.record or {})
    documents = []
    for doc in draft.get("documents") or []:
        name, form_in_name = _document_name(doc["name"])
        if name is None:
            dropped.append(f"document left out (not a readable name): {doc['name'][:60]!r}")
            continue
        documents.append(
            {
                "name": name,
                **({"form_code": f} if (f := _form_code(doc.get("form_code")) or _form_code(form_in_name)) else {}),
                "quantity": doc.get("quantity", 1),
                "original_or_copy": doc.get("original_or_copy", "ban_chinh"),
            }
        )
    channels = []
    for ch in draft.get("channels") or []:
        time_limit = ch.get("time_limit") or {"unit": "unknown"}
        fee = ch.get("fee") or {"kind": "unknown"}
        channels.append({"kind": ch["kind"], "time_limit": _facts_time(time_limit), "fee": _facts_fee(fee)})
    result = (draft.get("result") or "").split(";")[0].strip() or "Kết quả giải quyết thủ tục"
    entry = {
        "code": draft["code"],
        "name": draft["name"],
        "field": field_name,
        "level": "Cấp xã",
        "agency": agency,
        "submit_at": _submit_at(agency),
        "channels": channels,
        "documents": documents,
        "result": result,
        "legal_basis": draft.get("legal_basis") or [],
        "source_url": draft.get("source_url"),
        "last_checked": today,
        "status": "imported",
        "imported_on": today,
        "verified": False,
    }
    try:
        procedure = Procedure.model_validate(entry)
    except ValidationError as exc:
        first = exc.errors()[0]
        return None, [*dropped, f"refused: {'.'.join(str(x) for x in first['loc'])}: {first['msg']}"]
    unreadable = garbled(procedure)
    if unreadable:
        return None, [*dropped, *(f"refused: {problem}" for problem in unreadable)]
    return entry, dropped


def _facts_time(limit: dict[str, Any]) -> dict[str, Any]:
    """A time limit without the free-text note (a sentence of the record)."""
    return {k: v for k, v in limit.items() if k != "note"}


def _facts_fee(fee: dict[str, Any]) -> dict[str, Any]:
    """A fee rule without its notes (sentences of the record); cases keep their labels (our wording)."""
    fee = {k: v for k, v in fee.items() if k != "note"}
    if fee.get("kind") == "cases":
        fee["cases"] = [{"label": c["label"], "fee": _facts_fee(c["fee"])} for c in fee["cases"]]
    if isinstance(fee.get("default"), dict):
        fee["default"] = _facts_fee(fee["default"])
    return fee


# ---- the whole import ---------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    report: ImportReport
    entries: list[dict[str, Any]] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # code → why
    referral: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # code → the code kept for the same page
    curated: list[str] = field(default_factory=list)  # commune procedures the team curates (not imported)
    refused: dict[str, list[str]] = field(default_factory=dict)  # code → why it cannot be shown
    left_out: dict[str, list[str]] = field(default_factory=dict)  # code → parts left out of a written entry
    commune: list[ParsedRecord] = field(default_factory=list)
    new_fields: dict[str, list[str]] = field(default_factory=dict)  # portal field not in fields.yaml → codes

    def summary(self) -> str:
        commune = len(self.commune)
        clean = sum(1 for r in self.commune if r.clean)
        skipped = Counter(self.skipped.values())
        lines = [
            f"{self.report.total} records: {commune} commune-level procedures of the UBND xã / Công an xã "
            f"({clean} parsed cleanly, {commune - clean} with problems), {len(self.referral)} handled by "
            f"Bảo hiểm xã hội cơ sở (referral), {len(self.duplicates)} duplicates of another record, "
            f"{len(self.skipped)} not done at the commune desk.",
            f"Imported entries: {len(self.entries)} written ({len(self.curated)} more are curated by the team; "
            f"{len(self.refused)} refused as unreadable).",
        ]
        if skipped:
            lines.append("Not at the commune desk: " + "; ".join(f"{why} ({n})" for why, n in skipped.most_common()))
        for portal_field, codes in sorted(self.new_fields.items()):
            lines.append(
                f"New portal field {portal_field!r} ({len(codes)} procedures, e.g. {codes[0]}): add it under a "
                "catalogue field in procedures_kb/data/fields.yaml, then import again."
            )
        return "\n".join(lines)


def build(
    report: ImportReport, *, curated_codes: set[str], today: date, scope: ImportScope | None = None
) -> ImportOutcome:
    scope = scope or load_scope()
    fields = load_fields()
    outcome = ImportOutcome(report=report)
    first_for_url: dict[str, str] = {}
    for parsed in report.records:
        if parsed.record is None or not parsed.code:
            continue
        code = parsed.code
        decision, why = scope.decide(parsed.record, code)
        if decision == "skipped":
            outcome.skipped[code] = why
            continue
        if decision == "referral":
            outcome.referral.append(code)
            continue
        url = str(parsed.record.get("detail_url") or "")
        if url and url in first_for_url:
            outcome.duplicates[code] = first_for_url[url]
            continue
        if url:
            first_for_url[url] = code
        outcome.commune.append(parsed)
        if ".".join(code.split(".")[:2]) in curated_codes:
            outcome.curated.append(code)
            continue
        portal_field = str(parsed.record.get("linh_vuc") or "").strip()
        if fields.for_portal(portal_field) is None:
            outcome.new_fields.setdefault(portal_field, []).append(code)
        entry, notes = imported_entry(parsed, today=today, fields=fields)
        if entry is None:
            outcome.refused[code] = [*parsed.problems, *notes]
            continue
        if notes:
            outcome.left_out[code] = notes
        outcome.entries.append(entry)
    return outcome


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")[:60] or "khac"


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


HEADER = (
    "# Imported from the national public-service portal ({source}) on {day} by `kiosk catalogue import`.\n"
    "# Facts only (names, documents and form codes, time limits, fees, legal references, source links); citizens\n"
    "# are told the entry follows the portal as of that day. Do not edit by hand: re-run the import, or curate the\n"
    "# procedure in data/procedures/ (a curated entry replaces the imported one).\n"
)


def write(outcome: ImportOutcome, out_dir: Path = IMPORTED_DIR, *, source: str, today: date) -> list[Path]:
    """Write the entries as one YAML file per field (replacing the directory's previous files)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.yaml"):
        old.unlink()
    by_field: dict[str, list[dict[str, Any]]] = {}
    for entry in outcome.entries:
        by_field.setdefault(entry["field"], []).append(entry)
    written = []
    for field_name, entries in sorted(by_field.items()):
        path = out_dir / f"{_slug(field_name)}.yaml"
        entries.sort(key=lambda e: e["code"])
        body = yaml.dump(entries, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=118)
        path.write_text(HEADER.format(source=source, day=today.isoformat()) + body, encoding="utf-8")
        written.append(path)
    return written
