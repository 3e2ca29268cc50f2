"""The assistant's answers about a procedure, in Vietnamese (pure functions: a Procedure in, text out).

Every answer starts with the procedure's name, is short (numbered lists, at most ~8 items) and stays under
MAX_CHARS so that it fits a Zalo message; longer lists end with MORE. Fees are worded with
procedures_kb.fees (province overrides applied), time limits with procedures_kb.timelimits. The same
functions serve the Rasa actions (through /api/assistant/answer) and the fallback of /api/chat.

This module holds the short card, the overview, the direct answer with a fact and the choice of aspect; each
aspect's text is in domain.aspect_texts and domain.fee_texts, the notices in domain.caveats and domain.referrals,
the buttons in domain.buttons, the shared phrasing in domain.answer_text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from procedures_kb.schema import Fact, FeeRule, Procedure
from procedures_kb.workdays import WorkingCalendar

from .answer_text import MAX_CHARS, first_sentence, fit, lower_first, sentence, shorten, title
from .appointments import today_text
from .aspect_texts import conditions_text, documents_text, legal_text, time_summary, time_text, where_text
from .buttons import MAX_BUTTONS, MAX_RELATED, Answer, Aspect, aspect_buttons, procedure_button
from .caveats import caveat, province_caveat
from .fee_texts import fee_summary, fee_text
from .referrals import not_offered_text, referral_line


def key_documents(procedure: Procedure, n: int = 3) -> str:
    """The first papers by name ('Tờ khai …; Giấy chứng sinh …; Căn cước … và 4 giấy tờ khác tùy trường hợp'):
    the required ones, then the others in the catalogue's order (which puts the usual ones first)."""
    if not procedure.documents:
        return "chưa có danh sách (hỏi cán bộ)"
    ordered = sorted(procedure.documents, key=lambda d: bool(d.condition))
    names = [shorten(re.sub(r"\s*\([^()]*\)", "", d.name), 70) for d in ordered[:n]]
    rest = len(procedure.documents) - len(names)
    return "; ".join(names) + (f" và {rest} giấy tờ khác tùy trường hợp" if rest > 0 else "")


def card_lines(procedure: Procedure, province_fees: Mapping[str, FeeRule] | None = None) -> list[str]:
    """The short card: papers by name, fee, time limit, where (one line each)."""
    referral = referral_line(procedure)
    return [
        f"• Giấy tờ: {key_documents(procedure)}.",
        f"• Lệ phí: {shorten(fee_summary(procedure, province_fees), 200)}.",
        f"• Thời hạn: {lower_first(shorten(time_summary(procedure), 200))}.",
        f"• Nơi nộp: {shorten(referral or first_sentence(procedure.submit_at), 200).rstrip('.')}.",
    ]


def fact_text(
    procedure: Procedure, facts: Fact | Sequence[Fact], province_fees: Mapping[str, FeeRule] | None = None
) -> str:
    """The direct answer(s) with their legal basis, then the procedure's name and short card (each line cut to the
    room left, so the answers are never cut; without room for the card, the name alone), then its notices."""
    facts = [facts] if isinstance(facts, Fact) else list(facts)
    head = [f"{sentence(f.answer)} (Căn cứ: {f.basis.rstrip('.')}.)" for f in facts]
    notices = [province_caveat(procedure, province_fees) or "", caveat(procedure) or ""]
    heading = f"Thủ tục {title(procedure, 120)}:"
    room = MAX_CHARS - sum(len(x) + 1 for x in [*head, *notices, heading] if x)
    card = [shorten(line, room // 4) for line in card_lines(procedure, province_fees)] if room >= 4 * 50 else []
    # without room for the card, the procedure's name still says which procedure to ask for at the desk
    return fit([*head, *([heading] if room >= 0 else []), *card, *notices])


def overview_text(procedure: Procedure, province_fees: Mapping[str, FeeRule] | None = None) -> str:
    referral = referral_line(procedure)
    lines = [
        f"Thủ tục {title(procedure)} (lĩnh vực {procedure.field}):",
        f"1. Giấy tờ: {key_documents(procedure)}.",
        f"2. Lệ phí: {shorten(fee_summary(procedure, province_fees), 220)}.",
        f"3. Thời hạn: {lower_first(shorten(time_summary(procedure), 220))}.",
        f"4. Nơi nộp: {shorten(referral or first_sentence(procedure.submit_at), 220).rstrip('.')}.",
        province_caveat(procedure, province_fees) or "",
        caveat(procedure) or "",
    ]
    return fit(lines)


def answer(
    procedure: Procedure,
    aspect: Aspect | str,
    province_fees: Mapping[str, FeeRule] | None = None,
    *,
    pages: int | None = None,
    copies: int | None = None,
    now: datetime | None = None,
    calendar: WorkingCalendar | None = None,
    offered: bool = True,
    commune: str = "xã",
    fact: Fact | Sequence[Fact] | None = None,
    also: Aspect | str | None = None,
    related: Sequence[Procedure] = (),
) -> Answer:
    """The reply about one aspect of a procedure, with buttons for the other aspects. With `now` and the working-day
    `calendar`, the time-limit answer also says when a file handed in today would be ready. A procedure the
    commune's desk does not handle (`offered` false) is answered "not done here" and who does it. With the `fact`
    that answers the citizen's question (see domain.qa), the reply is that fact, then the short card; `also` is a
    second aspect the question asks about, answered after the first. `related` are procedures the fact sends the
    citizen on to: a button each comes first (at most MAX_RELATED)."""
    aspect = Aspect(aspect)
    if not offered:
        return Answer(not_offered_text(procedure, commune), [])
    facts = [fact] if isinstance(fact, Fact) else list(fact or [])
    if facts and aspect is Aspect.DOCUMENTS:
        # "phải chuẩn bị những giấy tờ gì?" with a fact touching it: the papers first, the fact after them
        return Answer(documents_text(procedure, facts), aspect_buttons(procedure, aspect))
    if facts:
        onward = [procedure_button(p) for p in related[:MAX_RELATED]]
        buttons = onward + aspect_buttons(procedure, Aspect.OVERVIEW)[: MAX_BUTTONS - len(onward)]
        return Answer(fact_text(procedure, facts, province_fees), buttons)
    text = aspect_text(procedure, aspect, province_fees, pages=pages, copies=copies, now=now, calendar=calendar)
    if also is not None and Aspect(also) not in (aspect, Aspect.OVERVIEW):
        # "hết bao lâu, mất bao nhiêu tiền": both asked, both answered
        more = aspect_text(
            procedure, Aspect(also), province_fees, pages=pages, copies=copies, now=now, calendar=calendar
        )
        text = f"{text}\n\n{more}"
    return Answer(text, aspect_buttons(procedure, aspect))


def aspect_text(
    procedure: Procedure,
    aspect: Aspect,
    province_fees: Mapping[str, FeeRule] | None = None,
    *,
    pages: int | None = None,
    copies: int | None = None,
    now: datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> str:
    """The text of one aspect of a procedure's card (overview for any other)."""
    match aspect:
        case Aspect.DOCUMENTS:
            return documents_text(procedure)
        case Aspect.FEE:
            return fee_text(procedure, province_fees, pages=pages, copies=copies)
        case Aspect.TIME:
            return time_text(procedure, today_text(procedure, now, calendar))
        case Aspect.WHERE:
            return where_text(procedure)
        case Aspect.CONDITIONS:
            return conditions_text(procedure)
        case Aspect.LEGAL:
            return legal_text(procedure)
        case _:
            return overview_text(procedure, province_fees)
