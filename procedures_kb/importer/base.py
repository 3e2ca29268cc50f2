"""What every part of the importer shares: the problem kinds counted in the summary, the notes for the editor,
the result types, and the portal's table headers and patterns."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..schema import ChannelKind, TimeUnit

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
