"""Import national-portal procedure records (JSONL) into draft catalogue entries.

The records come from a crawl of the national public service portal (dichvucong.gov.vn) whose collector
flattened the portal's tables into run-on strings, e.g. the channel table becomes
"Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phíTrực tiếp7 Ngày làm việc20,000 Việt Nam Đồng(…)…".

`parse_record` turns one record into a draft entry shaped like `procedures_kb.schema.Procedure` plus the
list of things it could not parse reliably. A record is *clean* when nothing went wrong; clean drafts validate
against `Procedure`. Drafts always keep `verified: false`: an editor reviews them before they enter the
catalogue.

Only what can be read reliably is parsed: codes, names, fields, agencies, channels with their time limits
and fees, the document list, legal document numbers, steps, conditions and results. Everything doubtful is
reported as a problem (in English) instead of being guessed, and the importer never raises on bad input.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .schema import CODE_RE, ChannelKind, DocumentForm, Procedure, TimeUnit
from .text import fold

# ---- problem kinds (counted in the summary) ---------------------------------------------------------------

OUT_OF_SCOPE = "outside commune competence"
BAD_JSON = "not valid JSON"
NOT_OBJECT = "not a JSON object"
BAD_CODE = "procedure code missing or not in X.YYYYYY format"
NO_NAME = "no procedure name"
NO_FIELD = "no field (lĩnh vực)"
NO_AGENCY = "no competent agency"
NO_CHANNELS = "no submission channel found"
DUPLICATE_CHANNEL = "channel listed twice with different values"
NO_TIME = "no time limit stated"
TIME_NOT_SET = "portal says the time limit is not set"
TIME_NO_UNIT = "time limit has no unit"
TIME_UNKNOWN = "time limit not understood"
TIME_FEE_JOINED = "time limit and fee run together"
NO_FEE = "no fee stated"
FEE_UNKNOWN = "fee not understood"
FEE_MISMATCH = "fee amount disagrees with the fee note"
FEE_IMPLAUSIBLE = "implausible fee amount"
FEE_UNIT_UNKNOWN = "fee unit not recognised"
FEE_ONE_CASE = "fee given for one case only"
TIERS_UNPARSED = "page tiers mentioned but not parsed"
NO_DOCUMENTS = "no document list"
NO_LEGAL_BASIS = "no legal basis"
NO_LEGAL_NUMBER = "no legal document number found"
NO_STEPS = "no steps"
NO_RESULT = "no result"
INVALID_DRAFT = "draft does not validate"
INTERNAL = "internal error while parsing"

# Fields whose procedures are multi-level and handled by customs / tax offices, not the commune desk.
OUT_OF_SCOPE_FIELDS = {"hai quan": "Hải quan", "thue": "Thuế"}

MISSING_VALUES = {"", "khong co thong tin", "khong", "khong co", "khong quy dinh", "khong co thong tin."}

TABLE_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCS_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"

CHANNEL_WORDS = {
    "Trực tuyến": ChannelKind.ONLINE_FULL,
    "Dịch vụ bưu chính": ChannelKind.POST,
    "Trực tiếp": ChannelKind.IN_PERSON,
}
# A table row starts with a channel word glued to its time cell (never followed by a space or ':').
_ROW_RE = re.compile(r"(Trực tuyến|Dịch vụ bưu chính|Trực tiếp)(?=[^\s:;,.)\-])")
_TIME_RE = re.compile(
    r"(?:(?P<num>\d+)(?:\s?(?P<unit>Ngày làm việc|Ngày|Giờ|Tháng|Năm|Phút))?"
    r"|(?P<none>Không có thông tin)|(?P<notset>Không quy định))"
)
_AMOUNT = r"\d{1,3}(?:[,.]\d{3})+|\d+"
_FEE_RE = re.compile(
    rf"(?:(?P<free>Miễn phí)|(?P<none>Không có thông tin)"
    rf"|(?P<amount>{_AMOUNT})\s?(?P<currency>Việt Nam Đồng|VNĐ|VND|đồng|USD))"
)
TIME_UNITS = {
    "Ngày làm việc": TimeUnit.WORKING_DAYS,
    "Ngày": TimeUnit.DAYS,
    "Giờ": TimeUnit.HOURS,
}
# Amounts written in a note: "10.000 đồng", "20.000đ", "8.000 VNĐ".
_NOTE_AMOUNT_RE = re.compile(
    rf"(?<![\d.,/])({_AMOUNT})\s?(?:đồng|Đồng|đ|Đ|vnđ|VNĐ|VND)(?![^\W\d_])(?:\s?/\s?([^\d.;,)(:+\-]{{1,30}}))?"
)
# Per-unit words (folded) → FeeUnit.
FEE_UNITS = {
    "trang": "page",
    "ban": "copy",
    "ban sao": "copy",
    "giay": "copy",
    "giay chung nhan": "copy",
    "giay thong hanh": "copy",
    "the": "copy",
    "the can cuoc": "copy",
    "giao dich": "transaction",
    "hop dong": "transaction",
    "truong hop": "case",
    "ho so": "case",
    "viec": "case",
    "lan": "case",
    "co so": "case",
    "lan dang ky": "registration",
    "nguoi": "person",
    "van ban": "document",
    "di chuc": "document",
    "to khai": "document",
}
_PROVINCE_RE = re.compile(r"(hoi dong nhan dan|hdnd)[^.;]{0,80}(quyet dinh|quy dinh)|quyet dinh cua hoi dong nhan dan")

# Quantity cell of the document table: "1 bản chính", "0 bản chính,1 bản sao", "1 bản sao". The cell is glued
# to the document text, so a quantity preceded by a space or a digit belongs to the text ("nộp 01 bản chính").
_QTY_RE = re.compile(r"(?<![\s\d])(\d) bản chính(?:,\s?(\d) bản sao)?|(?<![\s\d])(\d) bản sao")
_FORM_EXT_RE = re.compile(r"\.(?:docx?|pdf|xlsx?|rtf|odt)$", re.IGNORECASE)
_BULLET_RE = re.compile(r"^(?:[-+*•●–]+|\(?[a-zđ0-9]{1,2}[.)](?!\d))\s*")
# How the name of a paper starts (folded): rows without a quantity count as documents only when they name one.
PAPER_WORDS = (
    "giay",
    "van ban",
    "ban ",
    "to khai",
    "don ",
    "ho chieu",
    "the ",
    "so ",
    "bien ban",
    "quyet dinh",
    "hop dong",
    "phieu",
    "danh sach",
    "bao cao",
    "chung tu",
    "ho so",
    "trich luc",
    "bang ",
    "can cuoc",
    "mau ",
    "tai lieu",
    "anh ",
    "02 anh",
    "01 anh",
    "hai anh",
    "chung chi",
    "chung nhan",
    "xac nhan",
    "cam ket",
    "cam doan",
)
_CONDITION_START_RE = re.compile(r"^(trong truong hop|truong hop|doi voi|neu)\b")

_LEGAL_TYPES = {
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "NQLT": "Nghị quyết liên tịch",
    "CT": "Chỉ thị",
    "PL": "Pháp lệnh",
    "VBHN": "Văn bản hợp nhất",
}
_ISSUERS = sorted(
    """CP TTg BTC BCA BTP BYT BXD BNV BQP BCT BKHĐT BLĐTBXH BGTVT BNNMT BNNPTNT BTNMT BTTTT BGDĐT
    BVHTTDL BKHCN BNG BDTTG UBDT NHNN VPCP TANDTC VKSNDTC HĐND UBND BHXH KTNN TLĐ UBTƯMTTQVN
    TCHQ TCT""".split(),
    key=len,
    reverse=True,
)
_ISSUER = r"(?:UBTVQH\d{2}|" + "|".join(_ISSUERS) + r")"
_LEGAL_NUM_RE = re.compile(
    r"(?<![\d/])(\d{1,5}(?:\.\d{1,3})?)/(\d{4})/"
    r"(QH\d{2}|(?:NĐ|TTLT|TT|QĐ|NQLT|NQ|CT|PL|VBHN)-" + _ISSUER + r"(?:-(?:" + _ISSUER + r"|QH\d{2}))*)"
)


_QH_TYPES = (("bo luat", "Bộ luật"), ("nghi quyet", "Nghị quyết"), ("hien phap", "Hiến pháp"))
_LEAD_VERB_RE = re.compile(r"^(phải |cần )?(nộp |có |xuất trình |kèm theo |gửi kèm theo )?")

# ---- notes for the editor (English; the draft's unverified_notes) ---------------------------------------

NOTE_IMPORTED = (
    "Imported from the national portal record on {date}; check every field against the portal page "
    "before setting verified: true."
)
NOTE_ONLINE = "The portal does not say whether online submission is end-to-end or partial; drafted as toàn trình."
NOTE_BOTH_FORMS = (
    "Where the portal lists both an original and a copy, the document is drafted as 'bản chính hoặc bản sao'."
)
NOTE_NOT_COMMUNE = (
    "The competent agency named by the portal is not a commune-level body; "
    "check that the commune desk receives this procedure."
)
NOTE_SUBMIT_AT = "The portal gives no submission address; submit_at is drafted from the competent agency."

# ---- results ----------------------------------------------------------------------------------------------


@dataclass
class ParsedRecord:
    """One portal record: the draft entry (None when skipped or unreadable) and what went wrong."""

    code: str | None
    name: str | None
    draft: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)
    problem_kinds: list[str] = field(default_factory=list)  # the kind of each problem, for counting
    line: int | None = None  # line number in the JSONL file (1-based)
    gaps: list[str] = field(default_factory=list)  # what the record does not state (no fee, no time limit…)
    record: dict[str, Any] | None = None  # the raw record (to decide its scope)

    @property
    def clean(self) -> bool:
        return self.draft is not None and not self.problems

    @property
    def key(self) -> str:
        return self.code or (f"line {self.line}" if self.line is not None else "?")


@dataclass
class ImportReport:
    records: list[ParsedRecord]
    source: Path | None = None

    @property
    def total(self) -> int:
        return len(self.records)

    @property
    def clean_count(self) -> int:
        return sum(1 for r in self.records if r.clean)

    @property
    def problems(self) -> dict[str, list[str]]:
        """Problems per procedure code (or "line N" for lines that are not a readable record)."""
        out: dict[str, list[str]] = {}
        for rec in self.records:
            if rec.problems:
                out.setdefault(rec.key, []).extend(rec.problems)
        return out

    def problem_counts(self) -> Counter[str]:
        """How many records have each kind of problem."""
        counts: Counter[str] = Counter()
        for rec in self.records:
            counts.update(set(rec.problem_kinds))
        return counts

    def summary(self, top: int = 5) -> str:
        with_problems = self.total - self.clean_count
        text = f"{self.total} records: {self.clean_count} parsed cleanly, {with_problems} with problems"
        common = self.problem_counts().most_common(top)
        if common:
            text += "; top problems: " + ", ".join(f"{kind} ({n})" for kind, n in common)
        return text


# ---- text helpers -----------------------------------------------------------------------------------------


def _clean(text: Any) -> str:
    """NFC, no invisible marks, single spaces (newlines kept)."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u200e", "").replace("\u200b", "").replace("\ufeff", "").replace("\xa0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip()


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _missing(text: str) -> bool:
    return fold(text).strip(" .:-") in MISSING_VALUES


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _strip_bullets(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        text = _BULLET_RE.sub("", text.strip())
    return text.strip(" ;,:")


def _amount(text: str) -> int:
    return int(re.sub(r"[,.]", "", text))


def _matching_paren(text: str, start: int) -> int:
    """Index just after the parenthesis closing the one at `start` (or len(text) when unbalanced)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


class _Collector:
    """Problems (what could not be read), gaps (what the record does not state) and editor notes gathered while
    parsing one record."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.kinds: list[str] = []
        self.gaps: list[str] = []
        self.notes: list[str] = []

    def problem(self, kind: str, detail: str = "") -> None:
        self.problems.append(f"{kind}: {detail}" if detail else kind)
        self.kinds.append(kind)

    def gap(self, kind: str, detail: str = "") -> None:
        text = f"{kind}: {detail}" if detail else kind
        if text not in self.gaps:
            self.gaps.append(text)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


# ---- channels, time limits and fees -----------------------------------------------------------------------


UNKNOWN_TIME_LIMIT = {"unit": TimeUnit.UNKNOWN.value}


def _parse_time(row: str, label: str, col: _Collector) -> tuple[dict | None, str]:
    """Parse the time cell at the start of a row; return (time_limit or None, rest of the row). A record that
    states no time limit gives the `unknown` limit (a gap, not a problem)."""
    m = _TIME_RE.match(row)
    if m is None:
        col.problem(TIME_UNKNOWN, f"{label}: {row[:60]!r}")
        # free text up to a fee cell, if any
        fee = re.search(r"Miễn phí|Không có thông tin|(?:" + _AMOUNT + r")\s?(?:Việt Nam Đồng|VNĐ)", row)
        return None, row[fee.start() :] if fee else ""
    rest = row[m.end() :]
    if m.group("none"):
        col.gap(NO_TIME, label)
        return dict(UNKNOWN_TIME_LIMIT), rest
    if m.group("notset"):
        col.gap(TIME_NOT_SET, label)
        return dict(UNKNOWN_TIME_LIMIT), rest
    value = int(m.group("num"))
    unit_word = m.group("unit")
    if unit_word is None:
        if not _FEE_RE.match(rest) and _FEE_RE.match(row):
            # "120 VNĐ": a bare time glued to an amount; where one ends is unknowable.
            col.problem(TIME_FEE_JOINED, f"{label}: {row[:40]!r}")
            return None, ""
        # A bare number: the unit is taken from the row's description when it says so ("… 3 ngày làm việc").
        folded = fold(rest)
        if re.search(rf"(?<!\d)0?{value} ngay lam viec", folded):
            return {"unit": TimeUnit.WORKING_DAYS.value, "value": value}, rest
        if re.search(rf"(?<!\d)0?{value} ngay(?! lam)", folded):
            return {"unit": TimeUnit.DAYS.value, "value": value}, rest
        col.problem(TIME_NO_UNIT, f"{label}: a bare {value}, left unknown")
        return dict(UNKNOWN_TIME_LIMIT), rest
    unit = TIME_UNITS.get(unit_word)
    if unit is None or value < 1:
        col.problem(TIME_UNKNOWN, f"{label}: {value} {unit_word}")
        return None, rest
    return {"unit": unit.value, "value": value}, rest


def _split_fee_cell(rest: str) -> tuple[re.Match | None, str, str]:
    """The fee match, the fee note (parenthesised text right after it) and the row's description."""
    m = _FEE_RE.match(rest)
    if m is None:
        return None, "", rest
    after = rest[m.end() :]
    note = ""
    if after.startswith("("):
        end = _matching_paren(after, 0)
        closed = after[end - 1] == ")"
        note, after = (after[1 : end - 1] if closed else after[1:end]), after[end:]
    return m, note.strip(), after.strip()


def _fee_unit(text: str) -> str | None:
    """'trang' → page; 'lần đăng ký' → registration (the most specific known segment, last first); a charge per
    person ('người/lần đăng ký') is counted per person."""
    segments = [re.sub(r"\s+", " ", fold(seg)).strip(" ./;:,") for seg in text.split("/")]
    if "nguoi" in segments:
        return "person"
    for seg in reversed([s for s in segments if s]):
        words = seg.split(" ")
        for n in (3, 2, 1):
            unit = FEE_UNITS.get(" ".join(words[:n]))
            if unit:
                return unit
    return None


def _note_amounts(text: str) -> list[tuple[int, str | None]]:
    return [(_amount(m.group(1)), m.group(2)) for m in _NOTE_AMOUNT_RE.finditer(text)]


def _page_tiers(text: str) -> dict | None | bool:
    """Per-page tiers from a note like '2.000 đồng/trang; từ trang thứ 3 trở lên thu 1.000 đồng/trang, tối
    đa … 200.000 đồng/bản'. Returns the rule, None when no tiers are mentioned, False when they are mentioned
    but unreadable."""
    f = fold(text)
    if "trang thu" not in f:
        return None
    base = re.search(rf"({_AMOUNT})\s?(?:dong|d)\s?/\s?trang", f)
    nxt = re.search(rf"tu trang thu (\d+) tro (?:len|di)\D{{0,20}}?({_AMOUNT})\s?(?:dong|d)\s?/\s?trang", f)
    if not base or not nxt or base.start() > nxt.start():
        return False
    start = int(nxt.group(1))
    if start < 2:
        return False
    rule: dict[str, Any] = {
        "kind": "per_page_tiered",
        "tiers": [
            {"from_page": 1, "to_page": start - 1, "amount": _amount(base.group(1))},
            {"from_page": start, "amount": _amount(nxt.group(2))},
        ],
    }
    cap = re.search(rf"toi da[^.;]{{0,40}}?({_AMOUNT})\s?(?:dong|d)\s?/\s?ban", f)
    if cap:
        rule["cap_per_copy"] = _amount(cap.group(1))
    return rule


def _note_text(note: str) -> str | None:
    note = _one_line(note).strip(" ()")
    return note or None


def _parse_fee(rest: str, label: str, province_key: str, col: _Collector) -> tuple[dict | None, bool]:
    """Parse the fee cell; return (fee rule or None, is_foreign_currency)."""
    m, note, desc = _split_fee_cell(rest)
    if m is None:
        if not rest.strip():
            col.gap(NO_FEE, label)
            return {"kind": "unknown"}, False
        col.problem(FEE_UNKNOWN, f"{label}: {rest[:60]!r}")
        return None, False
    if m.group("none"):
        col.gap(NO_FEE, label)
        return {"kind": "unknown"}, False
    if m.group("currency") == "USD":
        return None, True

    note_f = fold(note)
    all_text = note + " " + desc
    province = bool(_PROVINCE_RE.search(note_f))
    fee_note = _note_text(note)
    # a bare "(/trang)" note is a unit, not a note for citizens
    per_word = None
    if note.startswith("/"):
        per_word = note[1:]
        fee_note = None

    if m.group("free"):
        if province:
            col.note(f"{label}: the table says free but the note leaves the amount to the province (HĐND).")
            return _drop_none({"kind": "province", "key": province_key, "note": fee_note}), False
        return _drop_none({"kind": "free", "note": fee_note}), False

    amount = _amount(m.group("amount"))
    tiers = _page_tiers(all_text)
    if tiers is False:
        col.problem(TIERS_UNPARSED, label)
        return None, False
    if isinstance(tiers, dict):
        base = tiers["tiers"][0]["amount"]
        if base != amount:
            col.problem(FEE_MISMATCH, f"{label}: table {amount}, page tiers start at {base}")
            return None, False
        if fee_note:
            tiers["note"] = fee_note
        return tiers, False

    mentioned = _note_amounts(all_text)
    if amount < 1000:
        col.problem(FEE_IMPLAUSIBLE, f"{label}: {amount} đồng" + (f" (note: {note[:50]!r})" if note else ""))
        return None, False
    if mentioned and amount not in {a for a, _ in mentioned} and not province:
        shown = ", ".join(f"{a:,}" for a, _ in mentioned[:3])
        col.problem(FEE_MISMATCH, f"{label}: table {amount:,}, note {shown}")
        return None, False

    per = None
    if per_word is None:
        per_word = next((u for a, u in mentioned if a == amount and u), None)
    if per_word:
        per = _fee_unit(per_word)
        if per is None:
            col.problem(FEE_UNIT_UNKNOWN, f"{label}: '/{per_word}'")
            return None, False
    else:
        col.note(f"{label}: the portal gives no unit for the {amount:,} đồng fee; drafted per case.")
    fixed = _drop_none({"kind": "fixed", "amount": amount, "per": per or "case"})
    if province:
        col.note(f"{label}: the note leaves the amount to the province (HĐND); {amount:,} đồng is the default.")
        return _drop_none({"kind": "province", "key": province_key, "default": fixed, "note": fee_note}), False
    if fee_note:
        fixed["note"] = fee_note
    return fixed, False


def _online_kind(desc: str) -> ChannelKind | None:
    f = fold(desc)
    if "mot phan" in f:
        return ChannelKind.ONLINE_PARTIAL
    if "toan trinh" in f:
        return ChannelKind.ONLINE_FULL
    return None


def _province_key(field_name: str, code: str) -> str:
    """A fee key for province files, from the field and the national code: 'ho_tich.1_004827'."""
    field_slug = re.sub(r"[^a-z0-9]+", "_", fold(field_name)).strip("_") or "tthc"
    code_slug = re.sub(r"[^a-z0-9]+", "_", fold(".".join(code.split(".")[:2]))).strip("_") or "unknown"
    return f"{field_slug}.{code_slug}"


# Case labels for rows of one channel, from words in the row (folded) → the label we show (our own wording).
CASE_WORDS: tuple[tuple[str, str], ...] = (
    ("theo danh sach", "đăng ký theo danh sách"),
    ("ho gia dinh", "cá nhân, hộ gia đình"),
    ("ca nhan", "cá nhân, hộ gia đình"),
    ("to chuc", "tổ chức"),
    ("cap lai", "cấp lại"),
    ("cap doi", "cấp đổi"),
    ("lan dau", "lần đầu"),
    ("thanh pho truc thuoc trung uong", "thành phố trực thuộc trung ương"),
    ("khu vuc i", "khu vực I"),
    ("khu vuc ii", "khu vực II"),
    ("khu vuc iii", "khu vực III"),
    ("nong thon", "nông thôn"),
    ("do thi", "đô thị"),
    ("xac minh", "cần xác minh"),
)


# Case labels that never cover every applicant: a channel whose single row is one of these lacks the others.
PARTIAL_CASES = frozenset({"đăng ký theo danh sách"})
OTHER_CASES = "các trường hợp khác"


def _case_label(row: str, used: set[str], n: int) -> str:
    f = fold(row)
    for word, label in CASE_WORDS:
        if word in f and label not in used:
            return label
    return f"trường hợp {n}"


def _merge_rows(kind: ChannelKind, rows: list[tuple[dict | None, dict | None, str]], col: _Collector) -> dict:
    """One channel from its table rows: the same values once; different fees become cases (labelled from the
    rows' words), different time limits a range (the longest case as the maximum)."""
    distinct: list[tuple[dict | None, dict | None, str]] = []
    for row in rows:
        if all((row[0], row[1]) != (d[0], d[1]) for d in distinct):
            distinct.append(row)
    if len(distinct) == 1:
        time_limit, fee, text = distinct[0]
        label = _case_label(text, set(), 1)
        if fee is not None and label in PARTIAL_CASES:
            # The crawl kept one row of several: a fee for one case only must not read as the fee for everyone.
            col.gap(FEE_ONE_CASE, f"{kind.label}: {label}; the fee of the other cases is not in the record")
            others = {"label": OTHER_CASES, "fee": {"kind": "unknown"}}
            fee = {"kind": "cases", "cases": [{"label": label, "fee": fee}, others]}
        return {"kind": kind.value, "time_limit": time_limit, "fee": fee}
    used: set[str] = set()
    labels = []
    for n, (_, _, text) in enumerate(distinct, 1):
        label = _case_label(text, used, n)
        used.add(label)
        labels.append(label)
    fees = [fee for _, fee, _ in distinct]
    if any(f is None for f in fees):
        col.problem(DUPLICATE_CHANNEL, f"{kind.label}: a row's fee could not be read")
        return {"kind": kind.value, "time_limit": distinct[0][0], "fee": None}
    unique_fees = {json.dumps(f, sort_keys=True) for f in fees}
    if len(unique_fees) == 1:
        fee = fees[0]
    elif any(f.get("kind") == "cases" for f in fees):  # type: ignore[union-attr]
        col.problem(DUPLICATE_CHANNEL, f"{kind.label}: nested cases")
        fee = None
    else:
        fee = {"kind": "cases", "cases": [{"label": lbl, "fee": f} for lbl, f in zip(labels, fees, strict=True)]}
        col.note(f"{kind.label}: {len(fees)} fee rows, kept as cases ({', '.join(labels)}).")
    times = [t for t, _, _ in distinct]
    known = [t for t in times if t and t.get("unit") not in (None, TimeUnit.UNKNOWN.value)]
    time_limit = times[0]
    if len({json.dumps(t, sort_keys=True) for t in known}) > 1:
        units = {t["unit"] for t in known}
        if len(units) == 1 and all("value" in t for t in known):
            shortest = min(known, key=lambda t: t["value"])
            longest = max(known, key=lambda t: t["value"])
            longest_label = labels[times.index(longest)]
            time_limit = {
                **shortest,
                "max_value": longest["value"],
                "max_unit": longest["unit"],
                "max_condition": longest_label,
            }
        else:
            col.problem(DUPLICATE_CHANNEL, f"{kind.label}: time limits in different units")
    return {"kind": kind.value, "time_limit": time_limit, "fee": fee}


def _parse_channels(text: str, code: str, field_name: str, col: _Collector) -> list[dict]:
    text = _clean(text)
    if text.startswith(TABLE_HEADER):
        text = text[len(TABLE_HEADER) :]
    starts = list(_ROW_RE.finditer(text))
    if not starts:
        col.problem(NO_CHANNELS)
        return []
    province_key = _province_key(field_name, code)
    rows: dict[ChannelKind, list[tuple[dict | None, dict | None, str]]] = {}
    online_assumed = False
    for i, m in enumerate(starts):
        word = m.group(1)
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        row = text[m.end() : end]
        label = word
        before = len(col.problems)
        time_limit, rest = _parse_time(row, label, col)
        if time_limit is not None and time_limit["unit"] == TimeUnit.DAYS.value:
            n = time_limit["value"]
            if re.search(rf"(?<!\d)0?{n} ngày làm việc", row):
                col.note(f"{label}: the table says {n} Ngày but the description says {n} ngày làm việc.")
        fee, foreign = _parse_fee(rest, label, province_key, col) if rest or time_limit else (None, False)
        if foreign:
            col.note(f"{label}: a row priced in USD (for missions abroad) was left out.")
            del col.problems[before:]
            del col.kinds[before:]
            continue
        kind = CHANNEL_WORDS[word]
        if kind is ChannelKind.ONLINE_FULL:
            detected = _online_kind(rest)
            if detected is None:
                online_assumed = True
            else:
                kind = detected
        rows.setdefault(kind, []).append((time_limit, fee, row))
    channels = [_merge_rows(kind, kind_rows, col) for kind, kind_rows in rows.items()]
    if any((c["fee"] or {}).get("kind") == "province" for c in channels):
        col.note(f"Province fee key '{province_key}' is derived from the code; rename it to the catalogue's style.")
    if online_assumed:
        col.note(NOTE_ONLINE)
    if not channels:
        col.problem(NO_CHANNELS)
    return channels


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


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


# ---- files ------------------------------------------------------------------------------------------------


def import_file(path: Path, *, today: date | None = None) -> ImportReport:
    """Read a JSONL file of portal records. Unreadable lines become records with a problem naming the line."""
    path = Path(path)
    records: list[ParsedRecord] = []
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                why = f"{exc.msg}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
                pr = ParsedRecord(code=None, name=None, draft=None, line=lineno)
                pr.problems.append(f"{BAD_JSON}: line {lineno}: {why}")
                pr.problem_kinds.append(BAD_JSON)
                records.append(pr)
                continue
            pr = parse_record(obj, today=today)
            pr.line = lineno
            pr.record = obj if isinstance(obj, dict) else None
            records.append(pr)
    return ImportReport(records=records, source=path)


def write_drafts(report: ImportReport, out: Path, only_clean: bool = False) -> int:
    """Write the drafts as a YAML list for an editor to review; returns how many were written."""
    drafts = [r.draft for r in report.records if r.draft is not None and (r.clean or not only_clean)]
    header = (
        "# Draft catalogue entries imported from the national portal"
        + (f" ({report.source.name})" if report.source else "")
        + ".\n# Every entry is unverified: review it against its source_url, write the text in the"
        " catalogue's own words,\n# fix the notes in unverified_notes, then move it into a catalogue file.\n"
    )
    body = yaml.safe_dump(drafts, allow_unicode=True, sort_keys=False, width=110) if drafts else "[]\n"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + body, encoding="utf-8")
    return len(drafts)
