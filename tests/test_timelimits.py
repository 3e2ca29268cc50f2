"""Time limits: wording and appointment dates (working days, the after-15:00 rule)."""

from datetime import date, datetime

from procedures_kb.schema import TimeLimit
from procedures_kb.timelimits import add_working_days, appointment_date, describe_time_limit

SAME_DAY = TimeLimit(unit="same_day", cutoff="15:00")
THREE_WD = TimeLimit(unit="working_days", value=3)


def test_wording():
    assert describe_time_limit(SAME_DAY) == (
        "Ngay trong ngày; nếu nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo"
    )
    assert describe_time_limit(THREE_WD) == "3 ngày làm việc"
    marriage = TimeLimit(
        unit="same_day", cutoff="15:00", max_value=5, max_unit="working_days", max_condition="cần xác minh"
    )
    assert describe_time_limit(marriage).endswith("trường hợp cần xác minh không quá 5 ngày làm việc")


def test_same_day_before_and_after_cutoff():
    # Thursday 2026-11-19
    assert appointment_date(SAME_DAY, datetime(2026, 11, 19, 9, 30)) == date(2026, 11, 19)
    assert appointment_date(SAME_DAY, datetime(2026, 11, 19, 15, 5)) == date(2026, 11, 20)
    # Friday after 15:00 → Monday
    assert appointment_date(SAME_DAY, datetime(2026, 11, 20, 16, 0)) == date(2026, 11, 23)


def test_working_days_skip_weekends_and_holidays():
    # Thursday + 3 working days → Tuesday
    assert appointment_date(THREE_WD, datetime(2026, 11, 19, 9, 0)) == date(2026, 11, 24)
    holidays = {date(2026, 11, 23)}
    assert appointment_date(THREE_WD, datetime(2026, 11, 19, 9, 0), holidays) == date(2026, 11, 25)
    # received on Saturday counts from Monday
    assert add_working_days(date(2026, 11, 23), 7) == date(2026, 12, 2)
    assert appointment_date(TimeLimit(unit="working_days", value=7), datetime(2026, 11, 21, 9)) == date(2026, 12, 2)
