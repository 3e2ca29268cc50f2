"""Phiếu xin lỗi và hẹn lại ngày trả kết quả: the written apology, with a new appointment date, that an overdue
dossier requires (the one-stop mechanism of Nghị định 61/2018/NĐ-CP; wording after the form of Thông tư
01/2018/TT-VPCP). Pure: the caller supplies the dossier's facts, the reason and the new date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from procedures_kb.workdays import WorkingCalendar, format_day, weekday_name

from .dates import format_date

MAX_REASON = 500


class ApologyError(ValueError):
    """The letter cannot be made; the message (Vietnamese) says what staff must fix."""


@dataclass(frozen=True)
class ApologyLetter:
    agency: str
    title: str
    addressee: str
    paragraphs: list[str]
    place_date: str
    signer: str


def place_name(commune: str) -> str:
    """Where the letter is written, from the agency's name: "UBND xã Thử Nghiệm" → "Xã Thử Nghiệm"."""
    name = commune.strip()
    for prefix in ("Ủy ban nhân dân ", "Uỷ ban nhân dân ", "UBND "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name[:1].upper() + name[1:]


def long_date(day: date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def apology_letter(
    *,
    commune: str,
    applicant_name: str,
    procedure_name: str,
    dossier_code: str,
    received: date,
    appointment: date,
    reason: str,
    new_date: date,
    today: date,
    calendar: WorkingCalendar,
) -> ApologyLetter:
    """The letter for a dossier past its appointment date; ApologyError when it is not overdue, the reason is
    missing or too long, or the new date is not a working day after today."""
    reason = " ".join(reason.split())
    if appointment >= today:
        raise ApologyError(f"Hồ sơ chưa quá hạn (ngày hẹn trả {format_date(appointment)}): chưa cần phiếu xin lỗi.")
    if not reason:
        raise ApologyError("Cần ghi lý do chậm trả kết quả.")
    if len(reason) > MAX_REASON:
        raise ApologyError(f"Lý do dài quá {MAX_REASON} ký tự, xin viết ngắn gọn hơn.")
    if new_date <= today:
        raise ApologyError("Ngày hẹn trả kết quả mới phải sau ngày hôm nay.")
    if not calendar.is_working_day(new_date):
        why = calendar.holiday_name(new_date) or weekday_name(new_date)
        suggestion = format_day(calendar.next_working_day(new_date))
        raise ApologyError(
            f"Ngày {format_date(new_date)} là ngày nghỉ ({why}): xin chọn một ngày làm việc, ví dụ {suggestion}."
        )
    reason = reason.rstrip(".")
    paragraphs = [
        f"Ngày {format_date(received)}, {commune} tiếp nhận giải quyết hồ sơ đề nghị {procedure_name} của "
        f"ông/bà. Mã số hồ sơ: {dossier_code}.",
        f"Thời hạn trả kết quả giải quyết hồ sơ ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả là ngày "
        f"{format_date(appointment)}. Tuy nhiên đến nay, {commune} chưa trả kết quả giải quyết hồ sơ cho ông/bà.",
        f"Lý do: {reason}.",
        "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của ông/bà.",
        f"{commune} xin lỗi ông/bà và sẽ trả kết quả giải quyết hồ sơ cho ông/bà vào {format_day(new_date)}.",
        "Xin trân trọng cảm ơn sự hợp tác của ông/bà!",
    ]
    return ApologyLetter(
        agency=commune.upper(),
        title="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        addressee=f"Kính gửi: Ông/bà {applicant_name}",
        paragraphs=paragraphs,
        place_date=f"{place_name(commune)}, {long_date(today)}",
        signer="THỦ TRƯỞNG CƠ QUAN",
    )


def suggested_new_date(today: date, calendar: WorkingCalendar) -> date:
    """The date the form proposes: the next working day."""
    return calendar.next_working_day(today)
