"""The fee of a procedure in the citizen's words (pure functions): the amount per channel or per case with the
province's overrides applied (procedures_kb.fees), who is exempt, and the total for a number of pages and copies.
"""

from __future__ import annotations

from collections.abc import Mapping

from procedures_kb.fees import FeeInputError, compute_fee, describe_rule, resolve_province
from procedures_kb.schema import (
    CasesFee,
    Channel,
    FeeRule,
    FixedFee,
    FreeFee,
    Procedure,
    ProvinceFee,
    TieredPerPageFee,
)

from .answer_text import CHANNEL_PHRASES, EXACT_CHANNEL_PHRASES, by_channel, fit, lower_first, sentence, shorten, title
from .caveats import caveat, province_caveat

FREE = "Miễn phí (không mất tiền)"


def _rule_text(rule: FeeRule, province_fees: Mapping[str, FeeRule] | None) -> str:
    resolved = resolve_province(rule, province_fees)
    if isinstance(resolved, FreeFee):
        return FREE
    return describe_rule(resolved, province_fees)


def fee_summary(procedure: Procedure, province_fees: Mapping[str, FeeRule] | None = None) -> str:
    """'Miễn phí (không mất tiền)', '10.000 đồng/trường hợp' or the amount per channel."""
    return by_channel(procedure, lambda ch: _rule_text(ch.fee, province_fees))


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
            lines.append(sentence(f"{head} {_rule_text(rule, province_fees)}".strip()))
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
            note = sentence(note[0].upper() + note[1:])
            if note not in notes and not any(note.rstrip(".") in n for n in notes):
                notes.append(note)
    return notes[:1]


def exemption_line(procedure: Procedure, limit: int = 160) -> str | None:
    """One short line naming who is exempt, or None."""
    if not procedure.fee_exemptions:
        return None
    who = "; ".join(lower_first(e.who.strip().rstrip(".")) for e in procedure.fee_exemptions)
    return shorten(f"Được miễn lệ phí: {who}.", limit)


def fee_text(
    procedure: Procedure,
    province_fees: Mapping[str, FeeRule] | None = None,
    *,
    pages: int | None = None,
    copies: int | None = None,
) -> str:
    lines = [f"Thủ tục {title(procedure)} — lệ phí:"]
    lines += _case_lines(procedure, province_fees) or [sentence(fee_summary(procedure, province_fees))]
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
    return fit(lines)
