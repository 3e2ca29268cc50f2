"""Time limits: Vietnamese wording and the appointment date they give (pure functions)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from .schema import TimeLimit, TimeUnit

UNIT_WORDS = {
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    TimeUnit.DAYS: "ngày",
    TimeUnit.HOURS: "giờ",
}


def describe_time_limit(limit: TimeLimit) -> str:
    """E.g. 'Ngay trong ngày; nếu nhận hồ sơ sau 15:00 thì trả trong ngày làm việc tiếp theo'."""
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


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: Collection[date] = ()) -> date:
    day += timedelta(days=1)
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, n: int, holidays: Collection[date] = ()) -> date:
    day = start
    for _ in range(n):
        day = next_working_day(day, holidays)
    return day


def appointment_date(
    limit: TimeLimit, received_at: datetime, holidays: Collection[date] = ()
) -> date:
    """The date the result is due, for a file received complete at `received_at`.

    Working days are counted from the next working day; same-day limits roll over to the next
    working day after the cut-off (15:00) or when received on a non-working day.
    """
    day = received_at.date()
    late = limit.cutoff is not None and received_at.time() >= time.fromisoformat(limit.cutoff)
    if not is_working_day(day, holidays) or late:
        start = next_working_day(day, holidays)
        if limit.unit is TimeUnit.SAME_DAY:
            return start
    else:
        start = day
        if limit.unit is TimeUnit.SAME_DAY:
            return day
    match limit.unit:
        case TimeUnit.WORKING_DAYS:
            assert limit.value is not None
            return add_working_days(start, limit.value, holidays)
        case TimeUnit.DAYS:
            assert limit.value is not None
            return start + timedelta(days=limit.value)
        case TimeUnit.HOURS:
            assert limit.value is not None
            return (received_at + timedelta(hours=limit.value)).date()
    raise TypeError(limit.unit)  # pragma: no cover
