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

from .base import (
    BAD_CODE,
    BAD_JSON,
    CHANNEL_WORDS,
    DOCS_HEADER,
    DUPLICATE_CHANNEL,
    FEE_IMPLAUSIBLE,
    FEE_MISMATCH,
    FEE_ONE_CASE,
    FEE_UNIT_UNKNOWN,
    FEE_UNITS,
    FEE_UNKNOWN,
    INTERNAL,
    INVALID_DRAFT,
    LEGAL_HEADER,
    MISSING_VALUES,
    NO_AGENCY,
    NO_CHANNELS,
    NO_DOCUMENTS,
    NO_FEE,
    NO_FIELD,
    NO_LEGAL_BASIS,
    NO_LEGAL_NUMBER,
    NO_NAME,
    NO_RESULT,
    NO_STEPS,
    NO_TIME,
    NOT_OBJECT,
    NOTE_BOTH_FORMS,
    NOTE_IMPORTED,
    NOTE_NOT_COMMUNE,
    NOTE_ONLINE,
    NOTE_SUBMIT_AT,
    OUT_OF_SCOPE,
    OUT_OF_SCOPE_FIELDS,
    PAPER_WORDS,
    TABLE_HEADER,
    TIERS_UNPARSED,
    TIME_FEE_JOINED,
    TIME_NO_UNIT,
    TIME_NOT_SET,
    TIME_UNITS,
    TIME_UNKNOWN,
    ImportReport,
    ParsedRecord,
)
from .channels import OTHER_CASES
from .files import import_file, write_drafts
from .records import parse_record

__all__ = [
    "OTHER_CASES",
    "BAD_CODE",
    "BAD_JSON",
    "CHANNEL_WORDS",
    "DOCS_HEADER",
    "DUPLICATE_CHANNEL",
    "FEE_IMPLAUSIBLE",
    "FEE_MISMATCH",
    "FEE_ONE_CASE",
    "FEE_UNITS",
    "FEE_UNIT_UNKNOWN",
    "FEE_UNKNOWN",
    "INTERNAL",
    "INVALID_DRAFT",
    "ImportReport",
    "LEGAL_HEADER",
    "MISSING_VALUES",
    "NOTE_BOTH_FORMS",
    "NOTE_IMPORTED",
    "NOTE_NOT_COMMUNE",
    "NOTE_ONLINE",
    "NOTE_SUBMIT_AT",
    "NOT_OBJECT",
    "NO_AGENCY",
    "NO_CHANNELS",
    "NO_DOCUMENTS",
    "NO_FEE",
    "NO_FIELD",
    "NO_LEGAL_BASIS",
    "NO_LEGAL_NUMBER",
    "NO_NAME",
    "NO_RESULT",
    "NO_STEPS",
    "NO_TIME",
    "OUT_OF_SCOPE",
    "OUT_OF_SCOPE_FIELDS",
    "PAPER_WORDS",
    "ParsedRecord",
    "TABLE_HEADER",
    "TIERS_UNPARSED",
    "TIME_FEE_JOINED",
    "TIME_NOT_SET",
    "TIME_NO_UNIT",
    "TIME_UNITS",
    "TIME_UNKNOWN",
    "import_file",
    "parse_record",
    "write_drafts",
]
