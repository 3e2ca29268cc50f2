"""The answer about one aspect of a procedure (pure functions): the papers to bring, the time limit, where and how
to submit, the conditions and the legal basis. The fee is worded in domain.fee_texts, the overview and the choice of
aspect in domain.answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from procedures_kb.schema import Document, Fact, Procedure
from procedures_kb.timelimits import describe_time_limit

from .answer_text import MAX_CHARS, by_channel, fit, list_text, lower_first, sentence, shorten, title
from .caveats import caveat
from .referrals import referral_line

PAPERS_ROOM = 600
"""Room for the list of papers (with its heading) when facts follow it."""
NO_DOCUMENTS = (
    "Cổng Dịch vụ công quốc gia chưa ghi danh sách giấy tờ của thủ tục này; ông/bà vui lòng hỏi cán bộ trước khi "
    "chuẩn bị hồ sơ."
)


# ---- documents ----------------------------------------------------------------------------------


def _short_condition(condition: str, limit: int = 110) -> str:
    first = re.split(r";|\.\s", condition.strip(), maxsplit=1)[0].strip().rstrip(".")
    if len(first) > limit:
        first = re.sub(r"\s*\([^()]*\)", "", first).strip()
    return lower_first(shorten(first, limit))


def document_line(doc: Document) -> str:
    """'Giấy chứng sinh do cơ sở y tế cấp (bản chính) — không có giấy chứng sinh thì …'."""
    details = [doc.original_or_copy.label]
    if doc.quantity > 1:
        details.append(f"{doc.quantity} bản")
    if doc.form_code:
        details.append("theo mẫu")
    line = f"{doc.name} ({', '.join(details)})"
    if doc.condition:
        line += f" — {_short_condition(doc.condition)}"
    return line


def documents_text(procedure: Procedure, facts: Sequence[Fact] = ()) -> str:
    """The papers to bring, numbered; with `facts` (what else the question touched), each after the list with the
    question it answers."""
    header = f"Thủ tục {title(procedure)} — giấy tờ cần chuẩn bị:"
    notes = [f"Hỏi thêm «{f.questions[0]}»: {sentence(f.answer)} (Căn cứ: {f.basis.rstrip('.')}.)" for f in facts]
    if not procedure.documents:
        return fit([header, NO_DOCUMENTS, *notes, caveat(procedure) or ""])
    footer = [referral_line(procedure) or "", *notes, caveat(procedure) or ""]
    # the notes are never cut, and leave the papers at least PAPERS_ROOM
    limit = max(MAX_CHARS, sum(len(n) + 1 for n in notes) + PAPERS_ROOM)
    return list_text(header, [document_line(d) for d in procedure.documents], footer=footer, limit=limit)


# ---- time, where, conditions, legal -------------------------------------------------------------


def time_summary(procedure: Procedure) -> str:
    return by_channel(procedure, lambda ch: describe_time_limit(ch.time_limit))


def time_text(procedure: Procedure, today: str | None = None) -> str:
    """The time limit; `today` is what handing the file in today gives (see domain.appointments)."""
    lines = [
        f"Thủ tục {title(procedure)} — thời hạn giải quyết:",
        sentence(time_summary(procedure)),
        *([today] if today else []),
        "Thời hạn tính từ ngày hồ sơ hợp lệ được tiếp nhận.",
    ]
    lines.append(caveat(procedure) or "")
    return fit(lines)


def channels_phrase(procedure: Procedure) -> str:
    labels: list[str] = []
    for ch in procedure.channels:
        label = ch.kind.label.lower()
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


def where_text(procedure: Procedure) -> str:
    lines = [f"Thủ tục {title(procedure)} — nơi nộp hồ sơ:"]
    referral = referral_line(procedure)
    if referral:
        lines.append(referral)
    else:
        lines += [
            sentence(procedure.submit_at),
            f"Cách nộp: {channels_phrase(procedure)}.",
            f"Cơ quan giải quyết: {procedure.agency}.",
        ]
    lines.append(caveat(procedure) or "")
    return fit(lines)


def conditions_text(procedure: Procedure) -> str:
    header = f"Thủ tục {title(procedure)} — điều kiện:"
    if not procedure.conditions:
        return fit([header, "Thủ tục này không có điều kiện riêng; ông/bà chỉ cần chuẩn bị đủ giấy tờ theo quy định."])
    footer = [caveat(procedure) or ""]
    return list_text(header, [sentence(shorten(c, 220)) for c in procedure.conditions], footer=footer)


def legal_text(procedure: Procedure) -> str:
    header = f"Thủ tục {title(procedure)} — căn cứ pháp lý:"
    return list_text(header, list(procedure.legal_basis))
