"""The staff dashboard's view: its charts (SVG, each with the table of its numbers for screen readers and print)
and the quarters offered in its period picker, from services.dashboard's figures."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from procedures_kb.text import format_decimal

from ..domain.periods import Period
from ..services import dashboard as dashboard_service
from .charts import Series, bar_chart, line_chart, table_rows

LATE_COLOUR = "#a4262c"  # the pages' "late" red (also used by the badges)


class _ChartSize(TypedDict):
    width: int
    height: int


SIZE: _ChartSize = {"width": 480, "height": 270}  # charts sit in half-width cards beside their tables


def quarter_choices(today: date, count: int = 6) -> list[Period]:
    current = Period.containing_quarter(today)
    out = [current]
    for _ in range(count - 1):
        out.append(out[-1].previous())
    return out


def pct(value) -> str:
    """A share with one decimal, as on Biểu 5a ("7,0 %", "26,7 %")."""
    return "—" if value is None else format_decimal(float(value), 1) + " %"


def charts(board: dashboard_service.Dashboard) -> dict[str, dict]:
    """The dashboard's charts (SVG) with their tables."""
    labels = [m.label for m in board.months]
    span = f"{board.months[0].label} – {board.months[-1].label}" if board.months else ""
    ballots = [Series("Phiếu đánh giá", [m.ballots for m in board.months])]
    satisfied = [Series("Hài lòng, rất hài lòng", [m.satisfied_percent for m in board.months])]
    dossiers = [
        Series("Tiếp nhận", [m.received for m in board.months]),
        Series("Giải quyết", [m.resolved for m in board.months]),
        Series("Trễ hạn", [m.resolved_late for m in board.months], colour=LATE_COLOUR),
    ]
    levels = board.bieu5a.total.levels
    level_series = [Series("Tỷ lệ", [float(lv.percent) if lv.percent is not None else None for lv in levels])]
    level_labels = [lv.label for lv in levels]
    return {
        "ballots": {
            "svg": bar_chart(
                "chart-ballots",
                labels,
                ballots,
                title="Số phiếu đánh giá theo tháng",
                desc=f"Số phiếu đánh giá mức độ hài lòng ghi nhận mỗi tháng, {span}.",
                y_label="Số phiếu",
                **SIZE,
            ),
            "head": ["Tháng", "Số phiếu"],
            "rows": table_rows(labels, ballots),
        },
        "satisfied": {
            "svg": line_chart(
                "chart-satisfied",
                labels,
                satisfied,
                title="Tỷ lệ hài lòng theo tháng",
                desc=f"Phần trăm phiếu đánh giá Hài lòng hoặc Rất hài lòng mỗi tháng, {span}.",
                y_label="%",
                **SIZE,
                y_max=100,
                suffix=" %",
            ),
            "head": ["Tháng", "Hài lòng, rất hài lòng"],
            "rows": table_rows(labels, satisfied, suffix=" %"),
        },
        "dossiers": {
            "svg": bar_chart(
                "chart-dossiers",
                labels,
                dossiers,
                title="Hồ sơ tiếp nhận, giải quyết và trễ hạn theo tháng",
                desc=f"Số hồ sơ tiếp nhận, đã giải quyết và giải quyết trễ hạn mỗi tháng, {span}.",
                y_label="Số hồ sơ",
                **SIZE,
            ),
            "head": ["Tháng", "Tiếp nhận", "Giải quyết", "Trễ hạn"],
            "rows": table_rows(labels, dossiers),
        },
        "levels": {
            "svg": bar_chart(
                "chart-levels",
                level_labels,
                level_series,
                title=f"Mức độ hài lòng, {board.period.label}",
                desc="Tỷ lệ phần trăm phiếu đánh giá theo từng mức độ hài lòng trong kỳ.",
                y_label="%",
                **SIZE,
                y_max=100,
                suffix=" %",
            ),
            "head": ["Mức độ", "Số phiếu", "Tỷ lệ"],
            "rows": [[lv.label, str(lv.count), pct(lv.percent)] for lv in levels],
        },
    }
