"""The assistant's answers about a procedure, in Vietnamese (pure functions: a Procedure in, text out).

Every answer starts with the procedure's name, is short (numbered lists, at most ~8 items) and stays under
MAX_CHARS so that it fits a Zalo message; longer lists end with MORE. Fees are worded with
procedures_kb.fees (province overrides applied), time limits with procedures_kb.timelimits. The same
functions serve the Rasa actions (through /api/assistant/answer) and the fallback of /api/chat.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from procedures_kb.fees import FeeInputError, compute_fee, describe_rule, resolve_province
from procedures_kb.schema import (
    CasesFee,
    Channel,
    ChannelKind,
    Document,
    Fact,
    FeeRule,
    FixedFee,
    FreeFee,
    Procedure,
    ProvinceFee,
    ReferralTopic,
    TieredPerPageFee,
)
from procedures_kb.timelimits import describe_time_limit
from procedures_kb.workdays import WorkingCalendar

from .appointments import today_text
from .dates import format_date
from .next_steps import RECEIPT
from .status import DossierStatus

MAX_CHARS = 900
MAX_ITEMS = 8
PAPERS_ROOM = 600
"""Room for the list of papers (with its heading) when facts follow it."""
MORE = "… (xem đầy đủ tại quầy hoặc trên màn hình kiosk)"
FREE = "Miễn phí (không mất tiền)"
UNVERIFIED = "Lưu ý: thông tin này đang được rà soát lại; ông/bà nên hỏi cán bộ trước khi nộp hồ sơ."
IMPORTED = (
    "Lưu ý: thông tin lấy theo Cổng Dịch vụ công quốc gia ngày {day}; ông/bà nên hỏi lại cán bộ trước khi nộp hồ sơ."
)
PROVINCE_UNVERIFIED = "Mức thu của tỉnh đang được rà soát lại; ông/bà hỏi cán bộ để biết mức thu hiện hành."
NO_DOCUMENTS = (
    "Cổng Dịch vụ công quốc gia chưa ghi danh sách giấy tờ của thủ tục này; ông/bà vui lòng hỏi cán bộ trước khi "
    "chuẩn bị hồ sơ."
)


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


def referral_line(procedure: Procedure) -> str | None:
    """Who handles a procedure the commune desk does not, and where (referral entries)."""
    ref = procedure.referral
    if ref is None:
        return None
    line = f"Thủ tục này do {ref.agency} giải quyết, không nộp tại xã. Nơi nộp: {_lower_first(ref.where.rstrip('.'))}."
    if ref.online:
        line += f" Trực tuyến: {ref.online.rstrip('.')}."
    return line


def not_offered_text(procedure: Procedure, commune: str) -> str:
    """The answer for a procedure the commune's desk does not handle (its province's list leaves it out)."""
    return _fit(
        [
            f"Thủ tục {title(procedure)} không thực hiện tại {commune}.",
            f"Cơ quan giải quyết theo quy định: {procedure.agency}. Ông/bà liên hệ Trung tâm Phục vụ hành chính công "
            "của tỉnh hoặc hỏi cán bộ để được hướng dẫn nơi nộp.",
        ]
    )


class Aspect(StrEnum):
    OVERVIEW = "overview"
    DOCUMENTS = "documents"
    FEE = "fee"
    TIME = "time"
    WHERE = "where"
    CONDITIONS = "conditions"
    LEGAL = "legal"

    @property
    def label(self) -> str:  # not `title`: str.title() is a method
        return ASPECT_TITLES[self]

    @property
    def intent(self) -> str:
        return ASPECT_INTENTS[self]


ASPECT_TITLES: dict[Aspect, str] = {
    Aspect.OVERVIEW: "Tổng quan",
    Aspect.DOCUMENTS: "Giấy tờ cần nộp",
    Aspect.FEE: "Lệ phí",
    Aspect.TIME: "Thời hạn",
    Aspect.WHERE: "Nơi nộp",
    Aspect.CONDITIONS: "Điều kiện",
    Aspect.LEGAL: "Căn cứ pháp lý",
}
# Rasa intents the buttons trigger (payload "/<intent>{"procedure_code":"…"}").
ASPECT_INTENTS: dict[Aspect, str] = {
    Aspect.OVERVIEW: "ask_procedure",
    Aspect.DOCUMENTS: "ask_documents",
    Aspect.FEE: "ask_fee",
    Aspect.TIME: "ask_time",
    Aspect.WHERE: "ask_where",
    Aspect.CONDITIONS: "ask_conditions",
    Aspect.LEGAL: "ask_legal",
}
BUTTON_ORDER = (
    Aspect.DOCUMENTS,
    Aspect.FEE,
    Aspect.TIME,
    Aspect.WHERE,
    Aspect.CONDITIONS,
    Aspect.LEGAL,
    Aspect.OVERVIEW,
)
MAX_BUTTONS = 5
MAX_RELATED = 2

# How a channel is named inside a sentence ("nộp trực tiếp: …").
CHANNEL_PHRASES: dict[ChannelKind, str] = {
    ChannelKind.IN_PERSON: "nộp trực tiếp",
    ChannelKind.ONLINE_FULL: "nộp trực tuyến",
    ChannelKind.ONLINE_PARTIAL: "nộp trực tuyến",
    ChannelKind.POST: "gửi qua bưu chính",
}
EXACT_CHANNEL_PHRASES = {
    **CHANNEL_PHRASES,
    ChannelKind.ONLINE_FULL: "nộp trực tuyến toàn trình",
    ChannelKind.ONLINE_PARTIAL: "nộp trực tuyến một phần",
}


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Answer:
    text: str
    buttons: list[Button] = field(default_factory=list)


def payload(intent: str, entities: Mapping[str, str] | None = None) -> str:
    """A Rasa button payload: '/ask_fee{"procedure_code":"1.001193"}'."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}" + json.dumps(dict(entities), ensure_ascii=False, separators=(",", ":"))


def parse_payload(text: str) -> tuple[str, dict[str, str]] | None:
    """The intent and entities of a button payload ('/ask_fee{"procedure_code":"1.001193"}'), else None."""
    match = re.fullmatch(r"/([A-Za-z_][\w-]*)(\{.*\})?", text.strip(), flags=re.DOTALL)
    if not match:
        return None
    entities: dict[str, str] = {}
    if match.group(2):
        try:
            raw = json.loads(match.group(2))
        except ValueError:
            return None
        if not isinstance(raw, dict):
            return None
        entities = {str(k): str(v) for k, v in raw.items() if isinstance(v, str | int | float)}
    return match.group(1), entities


TITLE_LIMIT = 160


def title(procedure: Procedure, limit: int = TITLE_LIMIT) -> str:
    """The name as an answer's heading: whole when it is short enough; a long portal name (some run to 400
    characters, listing every case) is cut after its first clause, or at a word boundary."""
    name = " ".join(procedure.name.split())
    if len(name) <= limit:
        return name
    head = name.split(";", 1)[0].rstrip(" ,")
    return head + "…" if len(head) < limit else shorten(name, limit)


def short_name(procedure: Procedure, limit: int = 50) -> str:
    """A button title: the name without a trailing explanation in brackets; a long name is cut at its first
    comma when that leaves a meaningful title, else at a word boundary."""
    name = re.sub(r"\s*\([^()]*\)\s*$", "", procedure.name).strip() or procedure.name
    if len(name) > limit:
        head = name.split(",", 1)[0].strip()
        if 15 <= len(head) <= limit:
            return head
    return shorten(name, limit)


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters (ending with '…' when cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-(")
    return cut + "…"


def _first_sentence(text: str) -> str:
    """The first sentence (the rest is in the detailed answer)."""
    return re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])", text.strip(), maxsplit=1)[0]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…", ")")) else text + "."


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _list_text(header: str, items: Sequence[str], *, footer: Iterable[str] = (), limit: int = MAX_CHARS) -> str:
    """A header, numbered items and footer lines, dropping items (ending with MORE) to stay under `limit`."""
    footer = [f for f in footer if f]
    tail = "\n".join(footer)
    budget = limit - len(header) - (len(tail) + 1 if tail else 0) - len(MORE) - 2
    lines: list[str] = []
    used = 0
    truncated = False
    for i, item in enumerate(items[:MAX_ITEMS], 1):
        line = f"{i}. {item}"
        if used + len(line) + 1 > budget:
            truncated = True
            break
        lines.append(line)
        used += len(line) + 1
    truncated = truncated or len(items) > MAX_ITEMS
    if truncated:
        lines.append(MORE)
    return "\n".join([header, *lines, *footer])


def _fit(lines: Iterable[str], limit: int = MAX_CHARS) -> str:
    """Join lines, shortening the longest ones when the whole would exceed `limit`."""
    lines = [line for line in lines if line]
    text = "\n".join(lines)
    while len(text) > limit:
        # the heading (the procedure's name) is shortened last: it says what the answer is about
        body = range(1, len(lines)) if len(lines) > 1 and max(len(x) for x in lines[1:]) > 40 else range(len(lines))
        longest = max(body, key=lambda i: len(lines[i]))
        excess = len(text) - limit
        lines[longest] = shorten(lines[longest], max(40, len(lines[longest]) - excess - 1))
        new_text = "\n".join(lines)
        if len(new_text) >= len(text):
            return shorten(new_text, limit)
        text = new_text
    return text


# ---- documents ----------------------------------------------------------------------------------


def _short_condition(condition: str, limit: int = 110) -> str:
    first = re.split(r";|\.\s", condition.strip(), maxsplit=1)[0].strip().rstrip(".")
    if len(first) > limit:
        first = re.sub(r"\s*\([^()]*\)", "", first).strip()
    return _lower_first(shorten(first, limit))


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
    notes = [f"Hỏi thêm «{f.questions[0]}»: {_sentence(f.answer)} (Căn cứ: {f.basis.rstrip('.')}.)" for f in facts]
    if not procedure.documents:
        return _fit([header, NO_DOCUMENTS, *notes, caveat(procedure) or ""])
    footer = [referral_line(procedure) or "", *notes, caveat(procedure) or ""]
    # the notes are never cut, and leave the papers at least PAPERS_ROOM
    limit = max(MAX_CHARS, sum(len(n) + 1 for n in notes) + PAPERS_ROOM)
    return _list_text(header, [document_line(d) for d in procedure.documents], footer=footer, limit=limit)


# ---- fee ----------------------------------------------------------------------------------------


def _rule_text(rule: FeeRule, province_fees: Mapping[str, FeeRule] | None) -> str:
    resolved = resolve_province(rule, province_fees)
    if isinstance(resolved, FreeFee):
        return FREE
    return describe_rule(resolved, province_fees)


def _by_channel(procedure: Procedure, describe) -> str:
    """'X' when every channel has the same value, else 'Nộp trực tiếp: X; nộp trực tuyến: Y'."""
    groups: dict[str, list[Channel]] = {}
    for ch in procedure.channels:
        groups.setdefault(describe(ch), []).append(ch)
    if len(groups) == 1:
        return next(iter(groups))
    parts = []
    for value, channels in groups.items():
        phrases: list[str] = []
        for ch in channels:
            phrase = CHANNEL_PHRASES[ch.kind]
            if phrase not in phrases:
                phrases.append(phrase)
        parts.append(f"{' hoặc '.join(phrases)}: {value}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def fee_summary(procedure: Procedure, province_fees: Mapping[str, FeeRule] | None = None) -> str:
    """'Miễn phí (không mất tiền)', '10.000 đồng/trường hợp' or the amount per channel."""
    return _by_channel(procedure, lambda ch: _rule_text(ch.fee, province_fees))


def _case_lines(procedure: Procedure, province_fees: Mapping[str, FeeRule] | None) -> list[str] | None:
    """A fee with several cases, one line per case under each channel ('• Cá nhân, hộ gia đình: 15.000 đồng/…');
    None when no channel's fee has cases."""
    if not any(isinstance(ch.fee, CasesFee) for ch in procedure.channels):
        return None
    groups: dict[str, list[Channel]] = {}
    for ch in procedure.channels:
        groups.setdefault(_rule_text(ch.fee, province_fees), []).append(ch)
    lines: list[str] = []
    heads = [tuple(dict.fromkeys(CHANNEL_PHRASES[ch.kind] for ch in chs)) for chs in groups.values()]
    names = EXACT_CHANNEL_PHRASES if len(set(heads)) < len(heads) else CHANNEL_PHRASES
    for channels in groups.values():
        phrases = list(dict.fromkeys(names[ch.kind] for ch in channels))
        head = " hoặc ".join(phrases)
        head = head[0].upper() + head[1:] + ":" if len(groups) > 1 else ""
        rule = channels[0].fee
        if isinstance(rule, CasesFee):
            if head:
                lines.append(head)
            lines += [f"• {c.label[0].upper() + c.label[1:]}: {_rule_text(c.fee, province_fees)}." for c in rule.cases]
        else:
            lines.append(_sentence(f"{head} {_rule_text(rule, province_fees)}".strip()))
    return lines


def _uses_quantities(rule: FeeRule) -> bool:
    return isinstance(rule, TieredPerPageFee) or (isinstance(rule, FixedFee) and rule.per in ("copy", "page"))


def _fee_notes(procedure: Procedure, province_fees: Mapping[str, FeeRule] | None) -> list[str]:
    notes: list[str] = []
    for ch in procedure.channels:
        rule = ch.fee
        note = rule.note
        resolved = resolve_province(rule, province_fees)
        if resolved is not rule and getattr(resolved, "note", None):
            note = resolved.note
        if note:
            note = _sentence(note[0].upper() + note[1:])
            if note not in notes and not any(note.rstrip(".") in n for n in notes):
                notes.append(note)
    return notes[:1]


def exemption_line(procedure: Procedure, limit: int = 160) -> str | None:
    """One short line naming who is exempt, or None."""
    if not procedure.fee_exemptions:
        return None
    who = "; ".join(_lower_first(e.who.strip().rstrip(".")) for e in procedure.fee_exemptions)
    return shorten(f"Được miễn lệ phí: {who}.", limit)


def fee_text(
    procedure: Procedure,
    province_fees: Mapping[str, FeeRule] | None = None,
    *,
    pages: int | None = None,
    copies: int | None = None,
) -> str:
    lines = [f"Thủ tục {title(procedure)} — lệ phí:"]
    lines += _case_lines(procedure, province_fees) or [_sentence(fee_summary(procedure, province_fees))]
    lines += _fee_notes(procedure, province_fees)
    default = procedure.default_channel
    resolved = resolve_province(default.fee, province_fees)
    if isinstance(resolved, ProvinceFee):
        lines.append("Mức thu cụ thể do tỉnh quy định: ông/bà vui lòng hỏi cán bộ tại quầy tiếp nhận hồ sơ.")
    elif _uses_quantities(resolved):
        per_page = isinstance(resolved, TieredPerPageFee) or (isinstance(resolved, FixedFee) and resolved.per == "page")
        if per_page and pages is None:
            lines.append(
                "Cho biết số trang của bản chính và số bản cần làm (ví dụ: «10 trang 2 bản») để tính tổng tiền."
            )
        elif pages is not None or copies is not None:
            try:
                quote = compute_fee(resolved, pages=pages, copies=copies or 1, province_fees=province_fees)
            except FeeInputError as exc:
                lines.append(str(exc))
            else:
                asked = ", ".join(
                    part for part in (f"{pages} trang" if pages and per_page else "", f"{copies or 1} bản") if part
                )
                channel = f" ({CHANNEL_PHRASES[default.kind]})" if len(procedure.channels) > 1 else ""
                lines.append(f"Với {asked}{channel}: tổng cộng {quote.formatted}.")
                lines.append("Cách tính: " + quote.explanation)
    lines.append(exemption_line(procedure) or "")
    lines.append(province_caveat(procedure, province_fees) or "")
    lines.append(caveat(procedure) or "")
    return _fit(lines)


# ---- time, where, conditions, legal -------------------------------------------------------------


def time_summary(procedure: Procedure) -> str:
    return _by_channel(procedure, lambda ch: describe_time_limit(ch.time_limit))


def time_text(procedure: Procedure, today: str | None = None) -> str:
    """The time limit; `today` is what handing the file in today gives (see domain.appointments)."""
    lines = [
        f"Thủ tục {title(procedure)} — thời hạn giải quyết:",
        _sentence(time_summary(procedure)),
        *([today] if today else []),
        "Thời hạn tính từ ngày hồ sơ hợp lệ được tiếp nhận.",
    ]
    lines.append(caveat(procedure) or "")
    return _fit(lines)


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
            _sentence(procedure.submit_at),
            f"Cách nộp: {channels_phrase(procedure)}.",
            f"Cơ quan giải quyết: {procedure.agency}.",
        ]
    lines.append(caveat(procedure) or "")
    return _fit(lines)


def conditions_text(procedure: Procedure) -> str:
    header = f"Thủ tục {title(procedure)} — điều kiện:"
    if not procedure.conditions:
        return _fit([header, "Thủ tục này không có điều kiện riêng; ông/bà chỉ cần chuẩn bị đủ giấy tờ theo quy định."])
    footer = [caveat(procedure) or ""]
    return _list_text(header, [_sentence(shorten(c, 220)) for c in procedure.conditions], footer=footer)


def legal_text(procedure: Procedure) -> str:
    header = f"Thủ tục {title(procedure)} — căn cứ pháp lý:"
    return _list_text(header, list(procedure.legal_basis))


# ---- overview and buttons -----------------------------------------------------------------------


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
        f"• Thời hạn: {_lower_first(shorten(time_summary(procedure), 200))}.",
        f"• Nơi nộp: {shorten(referral or _first_sentence(procedure.submit_at), 200).rstrip('.')}.",
    ]


def fact_text(
    procedure: Procedure, facts: Fact | Sequence[Fact], province_fees: Mapping[str, FeeRule] | None = None
) -> str:
    """The direct answer(s) with their legal basis, then the procedure's name and short card (each line cut to the
    room left, so the answers are never cut; without room for the card, the name alone), then its notices."""
    facts = [facts] if isinstance(facts, Fact) else list(facts)
    head = [f"{_sentence(f.answer)} (Căn cứ: {f.basis.rstrip('.')}.)" for f in facts]
    notices = [province_caveat(procedure, province_fees) or "", caveat(procedure) or ""]
    heading = f"Thủ tục {title(procedure, 120)}:"
    room = MAX_CHARS - sum(len(x) + 1 for x in [*head, *notices, heading] if x)
    card = [shorten(line, room // 4) for line in card_lines(procedure, province_fees)] if room >= 4 * 50 else []
    # without room for the card, the procedure's name still says which procedure to ask for at the desk
    return _fit([*head, *([heading] if room >= 0 else []), *card, *notices])


def referral_topic_text(topic: ReferralTopic) -> str:
    """What the commune does not do: who does it, where, online (the referral table)."""
    lines = [
        _sentence(topic.answer),
        f"Cơ quan giải quyết: {topic.agency.rstrip('.')}.",
        f"Nơi làm: {topic.where.rstrip('.')}.",
        f"Trực tuyến: {topic.online.rstrip('.')}." if topic.online else "",
        f"(Căn cứ: {topic.basis.rstrip('.')}.)",
    ]
    return _fit(lines)


def overview_text(procedure: Procedure, province_fees: Mapping[str, FeeRule] | None = None) -> str:
    referral = referral_line(procedure)
    lines = [
        f"Thủ tục {title(procedure)} (lĩnh vực {procedure.field}):",
        f"1. Giấy tờ: {key_documents(procedure)}.",
        f"2. Lệ phí: {shorten(fee_summary(procedure, province_fees), 220)}.",
        f"3. Thời hạn: {_lower_first(shorten(time_summary(procedure), 220))}.",
        f"4. Nơi nộp: {shorten(referral or _first_sentence(procedure.submit_at), 220).rstrip('.')}.",
        province_caveat(procedure, province_fees) or "",
        caveat(procedure) or "",
    ]
    return _fit(lines)


def aspect_buttons(procedure: Procedure, current: Aspect) -> list[Button]:
    """Buttons for the other aspects of the same procedure."""
    entities = {"procedure_code": procedure.code}
    aspects = [a for a in BUTTON_ORDER if a is not current and (a is not Aspect.CONDITIONS or procedure.conditions)]
    return [Button(a.label, payload(a.intent, entities)) for a in aspects[:MAX_BUTTONS]]


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


# ---- menu and choices ---------------------------------------------------------------------------

MENU_INTRO = (
    "Xin chào! Tôi là Trợ lý Một cửa của {commune}. Tôi có thể giúp ông/bà:\n"
    "1. Tìm hiểu thủ tục: giấy tờ cần chuẩn bị, lệ phí, thời hạn, nơi nộp.\n"
    "2. Tra cứu tình trạng hồ sơ đã nộp (cần mã hồ sơ trên giấy hẹn).\n"
    "3. Đánh giá mức độ hài lòng, gửi phản ánh, kiến nghị.\n"
    "4. Gặp cán bộ khi cần hỗ trợ trực tiếp.\n"
    "Ông/bà có thể gõ câu hỏi (có dấu hoặc không dấu), ví dụ «làm giấy khai sinh cần gì», "
    "hoặc chọn một thủ tục thường gặp dưới đây."
)
MENU_ACTIONS = (
    Button("Tra cứu hồ sơ", "/lookup_dossier"),
    Button("Đánh giá", "/rate_service"),
    Button("Gặp cán bộ", "/request_officer"),
)
MENU_PROCEDURES = 6


def popular(procedures: Iterable[Procedure], n: int = MENU_PROCEDURES) -> list[Procedure]:
    return sorted(procedures, key=lambda p: (-p.popularity, p.name))[:n]


def procedure_button(procedure: Procedure) -> Button:
    return Button(short_name(procedure), payload(Aspect.OVERVIEW.intent, {"procedure_code": procedure.code}))


def menu(procedures: Iterable[Procedure], commune_name: str) -> Answer:
    """Help text, the most common procedures and the other services as buttons."""
    buttons = [procedure_button(p) for p in popular(procedures)] + list(MENU_ACTIONS)
    return Answer(MENU_INTRO.format(commune=commune_name), buttons)


def choices(procedures: Sequence[Procedure]) -> Answer:
    """'Which of these did you mean?' for an unsure resolution ('Is it this one?' when there is one)."""
    if len(procedures) == 1:
        lines = [f"Có phải ông/bà hỏi về thủ tục «{shorten(procedures[0].name, 120)}»?"]
        return Answer(_fit(lines), [procedure_button(procedures[0])])
    lines = ["Ông/bà muốn hỏi thủ tục nào dưới đây?"]
    lines += [f"{i}. {shorten(p.name, 120)}" for i, p in enumerate(procedures, 1)]
    return Answer(_fit(lines), [procedure_button(p) for p in procedures])


# ---- dossiers -----------------------------------------------------------------------------------

DOSSIER_UNKNOWN = (
    "Không tìm thấy hồ sơ có mã này. Ông/bà vui lòng kiểm tra lại mã hồ sơ ghi trên Giấy tiếp nhận hồ sơ "
    "và hẹn trả kết quả (ví dụ 000.00.06.H56-261105-0003)."
)
ASK_PHONE = (
    "Để xem ngày hẹn trả kết quả và hướng dẫn chi tiết, ông/bà vui lòng nhập 4 số cuối của số điện thoại "
    "đã đăng ký khi nộp hồ sơ."
)


def _status_phrase(status: DossierStatus, days_overdue: int) -> str:
    phrase = f"«{status.label}»"
    if days_overdue > 0:
        phrase += f", đã quá hạn trả kết quả {days_overdue} ngày"
    return phrase


def dossier_status_text(code: str, status: DossierStatus, *, days_overdue: int = 0) -> str:
    """The public status of a dossier (code only): its status label, whether it is overdue, and how to see more."""
    lines = [f"Hồ sơ {code} hiện ở trạng thái {_status_phrase(status, days_overdue)}.", status.description]
    if days_overdue > 0:
        lines.append("Chúng tôi thành thật xin lỗi ông/bà vì sự chậm trễ này.")
    lines.append(ASK_PHONE)
    return _fit(lines)


def dossier_full_text(
    code: str,
    status: DossierStatus,
    *,
    procedure_name: str | None,
    received_date: date,
    appointment_date: date,
    result_date: date | None,
    days_overdue: int,
    next_steps: Sequence[str],
    commune_name: str,
) -> str:
    """Everything the citizen may know about their dossier: status, dates, apology when overdue, next steps."""
    title = f"Hồ sơ {code}" + (f" — {procedure_name}" if procedure_name else "") + ":"
    lines = [
        title,
        f"Trạng thái: {_status_phrase(status, days_overdue)}. {status.description}",
        f"Ngày tiếp nhận: {format_date(received_date)}. Ngày hẹn trả kết quả: {format_date(appointment_date)}.",
    ]
    if result_date is not None:
        lines.append(f"Ngày có kết quả: {format_date(result_date)}.")
    if days_overdue > 0:
        lines.append(f"{commune_name} thành thật xin lỗi ông/bà vì hồ sơ đã quá hạn trả kết quả.")
    lines += [f"- {step}" for step in next_steps]
    if days_overdue > 0:
        lines.append(f"- Khi đến nhận kết quả, ông/bà mang theo {RECEIPT} và căn cước.")
    return _fit(lines)
