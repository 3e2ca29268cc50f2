"""The notices an answer about a procedure ends with (pure functions): the entry was imported from the national
portal (with its date) or is not fully checked yet; an amount comes from a province's fee file not verified yet.
"""

from __future__ import annotations

from collections.abc import Mapping

from procedures_kb.schema import CasesFee, FeeRule, Procedure, ProvinceFee

from .dates import format_date

UNVERIFIED = "Lưu ý: thông tin này đang được rà soát lại; ông/bà nên hỏi cán bộ trước khi nộp hồ sơ."
IMPORTED = (
    "Lưu ý: thông tin lấy theo Cổng Dịch vụ công quốc gia ngày {day}; ông/bà nên hỏi lại cán bộ trước khi nộp hồ sơ."
)
PROVINCE_UNVERIFIED = "Mức thu của tỉnh đang được rà soát lại; ông/bà hỏi cán bộ để biết mức thu hiện hành."


def caveat(procedure: Procedure) -> str | None:
    """The notice an answer about `procedure` ends with: imported from the portal (with its date), or not fully
    checked yet; None for a checked, curated entry."""
    if procedure.imported:
        day = format_date(procedure.imported_on) if procedure.imported_on else format_date(procedure.last_checked)
        return IMPORTED.format(day=day)
    return None if procedure.verified else UNVERIFIED


def province_caveat(procedure: Procedure, province_fees: Mapping[str, FeeRule] | None) -> str | None:
    """When an amount shown comes from the province's fee file and that file is not verified (G1 of the audit)."""
    if province_fees is None or getattr(province_fees, "verified", True):
        return None
    for ch in procedure.channels:
        rules = [c.fee for c in ch.fee.cases] if isinstance(ch.fee, CasesFee) else [ch.fee]
        if any(isinstance(r, ProvinceFee) and r.key in province_fees for r in rules):
            return PROVINCE_UNVERIFIED
    return None
