"""What a citizen reads when looking up a dossier (pure wording): its status, dates and next steps, or that the
lookup went wrong or must wait."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from .answer_text import fit
from .dates import format_date
from .next_steps import RECEIPT
from .status import DossierStatus

NOT_FOUND = (
    "Không tìm thấy hồ sơ với thông tin đã nhập. Ông/bà vui lòng kiểm tra lại mã hồ sơ trên Giấy tiếp nhận "
    "hồ sơ và hẹn trả kết quả và 4 số cuối của số điện thoại đã đăng ký khi nộp hồ sơ."
)
# The answer to a code without the phone digits: the same for every code, known or not.
ASK_DIGITS = (
    "Để xem tình trạng hồ sơ {code}, ông/bà vui lòng cho biết thêm 4 số cuối của số điện thoại đã đăng ký khi "
    "nộp hồ sơ (ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả)."
)


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def too_many_attempts(seconds: int) -> str:
    return (
        "Ông/bà đã nhập sai quá nhiều lần. Vui lòng thử lại sau khoảng "
        f"{_minutes(seconds)} phút, hoặc hỏi cán bộ tại quầy tiếp nhận hồ sơ để được hỗ trợ."
    )


def code_locked(seconds: int) -> str:
    return (
        "Mã hồ sơ này đã bị nhập sai số điện thoại nhiều lần nên tạm khóa tra cứu để bảo vệ thông tin của người nộp. "
        f"Ông/bà vui lòng thử lại sau khoảng {_minutes(seconds)} phút, hoặc mang Giấy tiếp nhận hồ sơ đến quầy "
        "tiếp nhận hồ sơ để cán bộ tra cứu giúp."
    )


def locked_text(seconds: int, scope: str) -> str:
    return code_locked(seconds) if scope == "code" else too_many_attempts(seconds)


def ask_digits(code: str) -> str:
    return ASK_DIGITS.format(code=code.strip()[:64])


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
    return fit(lines)


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
    return fit(lines)
