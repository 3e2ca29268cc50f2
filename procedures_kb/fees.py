"""Fee calculation: pure functions over structured fee rules, with a Vietnamese explanation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .schema import CasesFee, FeeRule, FixedFee, FreeFee, ProvinceFee, TieredPerPageFee, UnknownFee
from .text import format_vnd

UNIT_LABELS = {
    "case": "trường hợp",
    "copy": "bản",
    "document": "văn bản",
    "page": "trang",
    "transaction": "giao dịch",
    "registration": "lần đăng ký",
    "person": "người",
}


@dataclass(frozen=True)
class FeeQuote:
    """The computed fee. `amount` is None when it cannot be known (province amount not configured)."""

    amount: int | None
    lines: list[str] = field(default_factory=list)
    exempt: bool = False

    @property
    def explanation(self) -> str:
        return " ".join(self.lines)

    @property
    def formatted(self) -> str:
        if self.amount is None:
            return "chưa xác định"
        return "Miễn phí" if self.amount == 0 else format_vnd(self.amount)


UNKNOWN_FEE = "Chưa có thông tin về lệ phí (ông/bà vui lòng hỏi cán bộ)"


class FeeInputError(ValueError):
    """Inputs that make no sense for the rule (e.g. 0 pages)."""


def describe_rule(rule: FeeRule, province_fees: Mapping[str, FeeRule] | None = None) -> str:
    """A short Vietnamese description of the rule, e.g. '2.000 đồng/trang (…), tối đa 200.000 đồng/bản'."""
    rule = resolve_province(rule, province_fees)
    match rule:
        case FreeFee():
            return "Miễn phí" + (f" ({rule.note})" if rule.note else "")
        case FixedFee():
            return f"{format_vnd(rule.amount)}/{UNIT_LABELS[rule.per]}"
        case TieredPerPageFee():
            parts = []
            for t in rule.tiers:
                if t.to_page is None:
                    rng = f"từ trang thứ {t.from_page} trở đi" if t.from_page > 1 else "mỗi trang"
                elif t.from_page == t.to_page:
                    rng = f"trang {t.from_page}"
                else:
                    rng = f"trang {t.from_page}–{t.to_page}"
                parts.append(f"{format_vnd(t.amount)}/trang ({rng})")
            text = "; ".join(parts)
            if rule.cap_per_copy is not None:
                text += f"; tối đa {format_vnd(rule.cap_per_copy)}/bản"
            return text
        case ProvinceFee():
            return "Theo mức do Hội đồng nhân dân tỉnh quy định"
        case CasesFee():
            return "; ".join(f"{describe_rule(c.fee, province_fees)} ({c.label})" for c in rule.cases)
        case UnknownFee():
            return UNKNOWN_FEE
    raise TypeError(rule)  # pragma: no cover


def resolve_province(rule: FeeRule, province_fees: Mapping[str, FeeRule] | None) -> FeeRule:
    """Replace a province-set rule by the configured province's amount (or the rule's default)."""
    if isinstance(rule, ProvinceFee):
        override = (province_fees or {}).get(rule.key)
        if override is not None and not isinstance(override, ProvinceFee):
            return override
        if rule.default is not None:
            return rule.default
    return rule


def compute_fee(
    rule: FeeRule,
    *,
    pages: int | None = None,
    copies: int = 1,
    quantity: int = 1,
    exempt_reason: str | None = None,
    province_fees: Mapping[str, FeeRule] | None = None,
    case: int | None = None,
) -> FeeQuote:
    """Compute the fee for concrete inputs and explain it in Vietnamese.

    pages: pages of the original (per-page rules); copies: copies requested (per-copy and per-page rules);
    quantity: number of cases / documents / transactions for other fixed rules;
    exempt_reason: when the citizen belongs to an exempt group, the reason to cite;
    case: which case of a fee with several cases (default: the first, the usual one).
    """
    if isinstance(rule, CasesFee):
        index = 0 if case is None else case
        if not 0 <= index < len(rule.cases):
            raise FeeInputError(f"Không có trường hợp số {index + 1} (có {len(rule.cases)} trường hợp).")
        chosen = rule.cases[index]
        quote = compute_fee(
            chosen.fee,
            pages=pages,
            copies=copies,
            quantity=quantity,
            exempt_reason=exempt_reason,
            province_fees=province_fees,
        )
        others = "; ".join(
            f"{describe_rule(c.fee, province_fees)} ({c.label})" for i, c in enumerate(rule.cases) if i != index
        )
        lines = [f"Trường hợp {chosen.label}: " + quote.lines[0], *quote.lines[1:]]
        if others:
            lines.append(f"Trường hợp khác: {others}.")
        return FeeQuote(quote.amount, lines, quote.exempt)
    if copies < 1:
        raise FeeInputError("Số bản phải từ 1 trở lên.")
    if quantity < 1:
        raise FeeInputError("Số lượng phải từ 1 trở lên.")
    if pages is not None and pages < 1:
        raise FeeInputError("Số trang phải từ 1 trở lên.")

    province_rule = isinstance(rule, ProvinceFee)
    rule = resolve_province(rule, province_fees)

    if exempt_reason:
        return FeeQuote(0, [f"Được miễn phí, lệ phí: {exempt_reason}."], exempt=True)

    match rule:
        case FreeFee():
            lines = ["Miễn phí."]
            if rule.note:
                lines.append(rule.note.rstrip(".") + ".")
            return FeeQuote(0, lines)

        case FixedFee():
            n = {"copy": copies, "page": pages or 1}.get(rule.per, quantity)
            total = rule.amount * n
            unit = UNIT_LABELS[rule.per]
            origin = " (mức do tỉnh quy định)" if province_rule else ""
            if n == 1:
                lines = [f"{format_vnd(rule.amount)}/{unit}{origin}: tổng {format_vnd(total)}."]
            else:
                lines = [f"{format_vnd(rule.amount)}/{unit}{origin} × {n} {unit} = {format_vnd(total)}."]
            return FeeQuote(total, lines)

        case TieredPerPageFee():
            if pages is None:
                raise FeeInputError("Cần biết số trang của bản chính để tính lệ phí.")
            per_copy = 0
            parts: list[str] = []
            for t in rule.tiers:
                last = pages if t.to_page is None else min(pages, t.to_page)
                n = last - t.from_page + 1
                if n <= 0:
                    break
                per_copy += n * t.amount
                label = f"trang {t.from_page}" if n == 1 else f"trang {t.from_page}–{last}"
                parts.append(f"{label}: {n} × {format_vnd(t.amount)} = {format_vnd(n * t.amount)}")
            lines = [f"Bản chính {pages} trang. " + "; ".join(parts) + "."]
            if rule.cap_per_copy is not None and per_copy > rule.cap_per_copy:
                lines.append(
                    f"Mỗi bản tính {format_vnd(per_copy)} nhưng chỉ thu tối đa {format_vnd(rule.cap_per_copy)}/bản."
                )
                per_copy = rule.cap_per_copy
            else:
                lines.append(f"Mỗi bản: {format_vnd(per_copy)}.")
            total = per_copy * copies
            if copies > 1:
                lines.append(f"{copies} bản × {format_vnd(per_copy)} = {format_vnd(total)}.")
            lines.append(f"Tổng cộng: {format_vnd(total)}.")
            return FeeQuote(total, lines)

        case UnknownFee():
            return FeeQuote(None, [UNKNOWN_FEE + "."])

        case ProvinceFee():
            return FeeQuote(
                None,
                [
                    "Mức lệ phí do Hội đồng nhân dân tỉnh quy định; tỉnh đang dùng chưa được cấu hình "
                    "mức thu. Ông/bà vui lòng hỏi cán bộ tại quầy tiếp nhận hồ sơ."
                ],
            )
    raise TypeError(rule)  # pragma: no cover
