"""Time limits: wording and appointment dates on Vietnam's working-day calendar (the 15:00 rule, days off, Tết)."""

from datetime import date, datetime

import pytest

from kiosk_api.clock import VN_TZ
from procedures_kb.schema import TimeLimit
from procedures_kb.timelimits import appointment_date, describe_appointment, describe_time_limit, plan_appointment
from procedures_kb.workdays import WorkingCalendar, parse_overrides

SAME_DAY = TimeLimit(unit="same_day", cutoff="15:00")
THREE_WD = TimeLimit(unit="working_days", value=3)
MARRIAGE = TimeLimit(
    unit="same_day", cutoff="15:00", max_value=5, max_unit="working_days", max_condition="cần xác minh"
)
LAW = WorkingCalendar()


def at(y: int, m: int, d: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=VN_TZ)


def test_wording():
    assert describe_time_limit(SAME_DAY) == (
        "Ngay trong ngày; nếu nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo"
    )
    assert describe_time_limit(THREE_WD) == "3 ngày làm việc"
    assert describe_time_limit(MARRIAGE).endswith("trường hợp cần xác minh không quá 5 ngày làm việc")


def test_same_day_before_and_after_the_cutoff():
    assert appointment_date(SAME_DAY, at(2026, 11, 19, 9, 30), LAW) == date(2026, 11, 19)  # Thursday
    assert appointment_date(SAME_DAY, at(2026, 11, 19, 15, 5), LAW) == date(2026, 11, 20)
    assert appointment_date(SAME_DAY, at(2026, 11, 19, 15, 0), LAW) == date(2026, 11, 20)  # 15:00 is "after"
    assert appointment_date(SAME_DAY, at(2026, 11, 20, 16), LAW) == date(2026, 11, 23)  # Friday after 15:00 → Monday


def test_working_days_skip_weekends_and_public_holidays():
    # Thursday 19/11/2026 + 3 working days: Friday 20, Monday 23, (Tuesday 24 is Ngày Văn hóa Việt Nam) Wednesday 25.
    assert appointment_date(THREE_WD, at(2026, 11, 19), LAW) == date(2026, 11, 25)
    # Received on a Saturday: deemed received on Monday 23/11, seven working days after it (24/11 off) → 03/12.
    assert appointment_date(TimeLimit(unit="working_days", value=7), at(2026, 11, 21), LAW) == date(2026, 12, 3)
    # An ordinary week.
    assert appointment_date(THREE_WD, at(2026, 12, 7), LAW) == date(2026, 12, 10)


def test_across_tet_2027():
    # Mùng 1 Tết is Saturday 06/02/2027; the offices are closed from Thursday 04/02 to Wednesday 10/02.
    plan = plan_appointment(THREE_WD, at(2027, 2, 3), LAW)
    assert plan.date == date(2027, 2, 15)
    assert [(b.first, b.last, b.name) for b in plan.breaks] == [(date(2027, 2, 4), date(2027, 2, 10), "Tết Nguyên đán")]
    assert describe_appointment(plan, THREE_WD) == (
        "Nộp thứ Tư 03/02/2027 thì hẹn trả thứ Hai 15/02/2027. "
        "Lưu ý: nghỉ Tết Nguyên đán từ thứ Năm 04/02 đến hết thứ Tư 10/02/2027."
    )
    # Same-day procedures handed in after 15:00 on the last day before Tết are done on the first day after it.
    late = plan_appointment(SAME_DAY, at(2027, 2, 3, 15, 30), LAW)
    assert late.date == date(2027, 2, 11) and late.after_cutoff
    assert "sau 15 giờ thì hồ sơ được tính từ thứ Năm 11/02/2027" in describe_appointment(late, SAME_DAY)
    # Filed online on mùng 1: counted from the first working day.
    online = plan_appointment(THREE_WD, at(2027, 2, 6, 20), LAW)
    assert (online.counted_from, online.date) == (date(2027, 2, 11), date(2027, 2, 16))
    text = describe_appointment(online, THREE_WD, today=date(2027, 2, 6))
    assert text.startswith("Hôm nay (thứ Bảy 06/02/2027) là ngày nghỉ (Tết Nguyên đán), hồ sơ nộp hôm nay được tính")
    # The longest case of a marriage registration that needs verification.
    marriage = plan_appointment(MARRIAGE, at(2027, 2, 3, 10), LAW)
    assert (marriage.date, marriage.latest) == (date(2027, 2, 3), date(2027, 2, 17))


def test_across_new_year():
    # Thursday 31/12/2026 + 3 working days: 1/1 (Friday) and the weekend are off → Wednesday 06/01/2027.
    plan = plan_appointment(THREE_WD, at(2026, 12, 31, 16, 30), LAW)
    assert plan.date == date(2027, 1, 6)
    assert "nghỉ Tết Dương lịch từ thứ Sáu 01/01 đến hết Chủ nhật 03/01/2027" in describe_appointment(plan, THREE_WD)
    assert appointment_date(SAME_DAY, at(2026, 12, 31, 16, 30), LAW) == date(2027, 1, 4)


def test_calendar_days_ending_on_a_day_off_end_on_the_next_working_day():
    fifteen = TimeLimit(unit="days", value=15)
    assert appointment_date(fifteen, at(2027, 1, 21), LAW) == date(2027, 2, 11)  # 05/02 is in Tết
    assert appointment_date(fifteen, at(2026, 12, 1), LAW) == date(2026, 12, 16)
    hours = TimeLimit(unit="hours", value=24)
    assert appointment_date(hours, at(2026, 12, 4, 10), LAW) == date(2026, 12, 7)  # Friday + 24 h is Saturday


def test_an_override_moves_the_appointment():
    worked_saturday = WorkingCalendar(
        parse_overrides(
            {
                "years": {
                    2027: {
                        "days_off": [{"date": "2027-02-11", "name": "Nghỉ Tết (hoán đổi)"}],
                        "workdays": [{"date": "2027-02-20", "name": "Làm bù cho ngày 11/02/2027"}],
                    }
                }
            }
        )
    )
    plan = plan_appointment(THREE_WD, at(2027, 2, 3), worked_saturday)
    assert plan.date == date(2027, 2, 16)  # 11/02 is off now: 12, 15, 16
    assert (plan.breaks[0].first, plan.breaks[0].last) == (date(2027, 2, 4), date(2027, 2, 11))
    assert appointment_date(THREE_WD, at(2027, 2, 18), worked_saturday) == date(2027, 2, 22)  # 19, Sat 20, 22


@pytest.mark.parametrize("hour", [8, 14])
def test_before_the_cutoff_on_an_ordinary_day_is_today(hour):
    plan = plan_appointment(SAME_DAY, at(2026, 12, 7, hour), LAW)
    assert plan.date == date(2026, 12, 7) and not plan.after_cutoff and plan.breaks == ()
    assert describe_appointment(plan, SAME_DAY, today=date(2026, 12, 7)) == (
        "Nộp hôm nay (thứ Hai 07/12/2026) trước 15 giờ thì trả kết quả ngay trong ngày."
    )
