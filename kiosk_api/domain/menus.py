"""The assistant's menu and its question between candidates (pure): the help text with the most common
procedures and the other services as buttons, and "which of these did you mean?" for an unsure resolution.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from procedures_kb.schema import Procedure

from .answer_text import fit, shorten
from .buttons import Answer, Button, procedure_button

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


def menu(procedures: Iterable[Procedure], commune_name: str) -> Answer:
    """Help text, the most common procedures and the other services as buttons."""
    buttons = [procedure_button(p) for p in popular(procedures)] + list(MENU_ACTIONS)
    return Answer(MENU_INTRO.format(commune=commune_name), buttons)


def choices(procedures: Sequence[Procedure]) -> Answer:
    """'Which of these did you mean?' for an unsure resolution ('Is it this one?' when there is one)."""
    if len(procedures) == 1:
        lines = [f"Có phải ông/bà hỏi về thủ tục «{shorten(procedures[0].name, 120)}»?"]
        return Answer(fit(lines), [procedure_button(procedures[0])])
    lines = ["Ông/bà muốn hỏi thủ tục nào dưới đây?"]
    lines += [f"{i}. {shorten(p.name, 120)}" for i, p in enumerate(procedures, 1)]
    return Answer(fit(lines), [procedure_button(p) for p in procedures])
