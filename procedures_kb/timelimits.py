"""Time limits: Vietnamese wording and the appointment date they give (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .schema import TimeLimit, TimeUnit
from .workdays import Break, WorkingCalendar, describe_break, format_day, weekday_name

OFFICE_OPENS = time(7, 30)  # a file counted from the next working day counts from its opening hour

UNIT_WORDS = {
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    TimeUnit.DAYS: "ngày",
    TimeUnit.HOURS: "giờ",
}


UNKNOWN_TIME = "Chưa có thông tin về thời hạn giải quyết (ông/bà vui lòng hỏi cán bộ)"


class NoTimeLimit(ValueError):
    """The time limit is not known (an imported entry whose record states none): no date can be computed."""


def describe_time_limit(limit: TimeLimit) -> str:
    """E.g. 'Ngay trong ngày; nếu nhận hồ sơ sau 15:00 thì trả trong ngày làm việc tiếp theo'."""
    if limit.unit is TimeUnit.UNKNOWN:
        return UNKNOWN_TIME
    if limit.unit is TimeUnit.SAME_DAY:
        text = "Ngay trong ngày"
        if limit.cutoff:
            hour = limit.cutoff.replace(":00", " giờ") if limit.cutoff.endswith(":00") else limit.cutoff
            text += f"; nếu nhận hồ sơ sau {hour} thì trả kết quả trong ngày làm việc tiếp theo"
    else:
        text = f"{limit.value} {UNIT_WORDS[limit.unit]}"
        if limit.cutoff:
            text += f" (hồ sơ nhận sau {limit.cutoff} được tính từ ngày làm việc tiếp theo)"
    if limit.max_value is not None and limit.max_unit is not None:
        cond = f" {limit.max_condition}" if limit.max_condition else ""
        text += f"; trường hợp{cond} không quá {limit.max_value} {UNIT_WORDS[limit.max_unit]}"
    if limit.note:
        text += f" ({limit.note})"
    return text


def _after_cutoff(limit: TimeLimit, received_at: datetime) -> bool:
    return limit.cutoff is not None and received_at.time() >= time.fromisoformat(limit.cutoff)


def _due(unit: TimeUnit, value: int | None, start: date, received_at: datetime, calendar: WorkingCalendar) -> date:
    """The day a period of `value` `unit`s counted from `start` ends. Periods in days or hours that end on a day
    off end on the next working day (Bộ luật Dân sự 2015, Điều 148)."""
    match unit:
        case TimeUnit.SAME_DAY:
            return start
        case TimeUnit.WORKING_DAYS:
            assert value is not None
            return calendar.add_working_days(start, value)
        case TimeUnit.DAYS:
            assert value is not None
            return calendar.working_day_on_or_after(start + timedelta(days=value))
        case TimeUnit.HOURS:
            assert value is not None
            end = max(start, (received_at + timedelta(hours=value)).date())
            return calendar.working_day_on_or_after(end)
    raise TypeError(unit)  # pragma: no cover


_Day = date  # Appointment's field `date` hides the type inside its class body


@dataclass(frozen=True)
class Appointment:
    """When the result of a file received complete at `received_at` is due, and why."""

    received_at: datetime
    counted_from: date  # the working day the file counts as received
    date: date  # ngày hẹn trả
    latest: _Day | None  # the longest case (e.g. when verification is needed), when the limit has one
    day_off: str | None  # the received day was a day off: its name ("Chủ nhật", "Tết Nguyên đán"…)
    after_cutoff: bool  # received after the cut-off hour: counted from the next working day
    breaks: tuple[Break, ...]  # holiday breaks between the received day and the (latest) appointment


def plan_appointment(limit: TimeLimit, received_at: datetime, calendar: WorkingCalendar) -> Appointment:
    """The appointment date for a file received complete at `received_at` (the commune's local time).

    A file received on a day off, or after the cut-off hour (15:00) where the limit has one, counts as received on
    the next working day. Working days are counted from the day after the day it counts as received; a same-day
    limit gives that day itself.
    """
    if limit.unit is TimeUnit.UNKNOWN or (limit.max_unit is TimeUnit.UNKNOWN):
        raise NoTimeLimit("the procedure's time limit is not known")
    day = received_at.date()
    late = _after_cutoff(limit, received_at)
    day_off = None
    if not calendar.is_working_day(day):
        day_off = calendar.holiday_name(day) or weekday_name(day).capitalize()
    counted_from, effective = day, received_at
    if day_off or late:
        counted_from = calendar.next_working_day(day)
        effective = datetime.combine(counted_from, OFFICE_OPENS, received_at.tzinfo)
    due = _due(limit.unit, limit.value, counted_from, effective, calendar)
    latest = None
    if limit.max_value is not None and limit.max_unit is not None:
        latest = _due(limit.max_unit, limit.max_value, counted_from, effective, calendar)
    return Appointment(
        received_at=received_at,
        counted_from=counted_from,
        date=due,
        latest=latest,
        day_off=day_off,
        after_cutoff=late and not day_off,
        breaks=tuple(calendar.breaks(day, max(due, latest or due))),
    )


def appointment_date(limit: TimeLimit, received_at: datetime, calendar: WorkingCalendar) -> date:
    """The date the result is due, for a file received complete at `received_at` (see `plan_appointment`)."""
    return plan_appointment(limit, received_at, calendar).date


def _hour_words(cutoff: str) -> str:
    """'15:00' → '15 giờ', '16:30' → '16 giờ 30'."""
    hour, minute = cutoff.split(":")
    return f"{int(hour)} giờ" + (f" {minute}" if minute != "00" else "")


def describe_appointment(appt: Appointment, limit: TimeLimit, *, today: date | None = None) -> str:
    """One or two plain sentences: when a file handed in at `appt.received_at` is returned, and the days off that
    push it back. E.g. 'Nộp thứ Tư 03/02/2027 thì hẹn trả thứ Hai 15/02/2027; nghỉ Tết Nguyên đán từ thứ Năm
    04/02 đến hết thứ Tư 10/02/2027.' With `today`, the received day is called "hôm nay" when it is today."""
    received = appt.received_at.date()
    when = format_day(received)
    is_today = today is not None and received == today
    if is_today:
        when = f"hôm nay ({when})"
    if appt.day_off:
        that_day = "hôm nay" if is_today else "hôm đó"
        first = (
            f"{when[0].upper()}{when[1:]} là ngày nghỉ ({appt.day_off}), hồ sơ nộp {that_day} được tính từ "
            f"{format_day(appt.counted_from)}"
        )
        due = f"hẹn trả {format_day(appt.date)}" if appt.date != appt.counted_from else "trả kết quả ngay trong ngày đó"
        text = f"{first}, {due}"
    elif appt.after_cutoff:
        assert limit.cutoff is not None
        first = f"Nộp {when} sau {_hour_words(limit.cutoff)} thì hồ sơ được tính từ {format_day(appt.counted_from)}"
        due = f"hẹn trả {format_day(appt.date)}" if appt.date != appt.counted_from else "trả kết quả trong ngày đó"
        text = f"{first}, {due}"
    elif appt.date == received:
        before = f" trước {_hour_words(limit.cutoff)}" if limit.cutoff else ""
        text = f"Nộp {when}{before} thì trả kết quả ngay trong ngày"
    else:
        text = f"Nộp {when} thì hẹn trả {format_day(appt.date)}"
    if appt.latest is not None and appt.latest != appt.date:
        cond = f" {limit.max_condition}" if limit.max_condition else " phải kéo dài"
        text += f"; trường hợp{cond} thì chậm nhất {format_day(appt.latest)}"
    text += "."
    if appt.breaks:
        text += " Lưu ý: " + "; ".join(describe_break(b) for b in appt.breaks) + "."
    return text
