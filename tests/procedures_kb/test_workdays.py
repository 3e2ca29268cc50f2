"""The working-day calendar: the law's days off (checked against the holidays library), the yearly swaps, the
override file and its validation, and `kiosk calendar`."""

from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from typer.testing import CliRunner

from kiosk_api.cli import app as cli_app
from procedures_kb.workdays import (
    DEFAULT_OVERRIDES,
    CalendarFileError,
    WorkingCalendar,
    check_overrides,
    describe_break,
    load_overrides,
    parse_overrides,
    year_summary,
)

LAW = WorkingCalendar()


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028])
def test_days_off_are_the_librarys_public_holidays(year):
    library = holidays.Vietnam(years=year)
    assert {d.day for d in LAW.days_off(year)} == set(library)
    for day in library:
        assert not LAW.is_working_day(day), day


def test_the_days_the_law_gives_in_2027():
    off = {d.day for d in LAW.days_off(2027)}
    assert date(2027, 1, 1) in off
    assert {date(2027, 2, d) for d in range(4, 11)} <= off  # Tết: 29 Tết to mùng 5 (mùng 1, 2 on the weekend)
    assert date(2027, 4, 16) in off  # Giỗ Tổ Hùng Vương, 10/3 âm lịch
    assert {date(2027, 4, 30), date(2027, 5, 3)} <= off  # 1/5 is a Saturday: Monday 3/5 in lieu
    assert {date(2027, 9, 2), date(2027, 9, 3)} <= off  # Quốc khánh and the day next to it
    assert date(2027, 11, 24) in off  # Ngày Văn hóa Việt Nam, from 2026
    assert year_summary(LAW, 2027)["working_days"] == 249


def test_weekends_and_ordinary_days():
    assert LAW.is_working_day(date(2026, 12, 7))  # Monday
    assert not LAW.is_working_day(date(2026, 12, 5))  # Saturday
    assert not LAW.is_working_day(date(2026, 12, 6))  # Sunday
    assert LAW.next_working_day(date(2026, 12, 4)) == date(2026, 12, 7)
    assert LAW.working_days_between(date(2026, 12, 4), date(2026, 12, 11)) == 5
    assert LAW.working_days_between(date(2026, 12, 11), date(2026, 12, 4)) == -5


def test_saturdays_worked_in_exchange_are_working_days():
    # 2025: Friday 2/5 off in exchange for Saturday 26/4; 2026: Monday 31/8 off for Saturday 22/8.
    assert LAW.is_working_day(date(2025, 4, 26)) and not LAW.is_working_day(date(2025, 5, 2))
    assert LAW.is_working_day(date(2026, 8, 22)) and not LAW.is_working_day(date(2026, 8, 31))
    assert [d.day for d in LAW.worked_weekends(2026)] == [date(2026, 8, 22)]


def test_breaks_are_named_and_include_the_weekends_around_them():
    tet_2026 = LAW.breaks(date(2026, 2, 1), date(2026, 2, 28))
    assert [(b.first, b.last, b.name, b.days) for b in tet_2026] == [
        (date(2026, 2, 14), date(2026, 2, 22), "Tết Nguyên đán", 9)
    ]
    assert describe_break(tet_2026[0]) == "nghỉ Tết Nguyên đán từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026"
    assert LAW.breaks(date(2026, 12, 7), date(2026, 12, 20)) == []  # ordinary weekends are not breaks
    [new_year] = LAW.breaks(date(2026, 12, 31), date(2027, 1, 1))
    assert (new_year.first, new_year.last, new_year.name) == (date(2027, 1, 1), date(2027, 1, 3), "Tết Dương lịch")
    [summer] = LAW.breaks(date(2027, 4, 29), date(2027, 5, 4))
    assert summer.name == "Ngày Chiến thắng và Ngày Quốc tế Lao động" and summer.days == 4


def test_overrides_add_days_off_worked_saturdays_and_cancel_days():
    calendar = WorkingCalendar(
        parse_overrides(
            {
                "years": {
                    2027: {
                        "days_off": [{"date": date(2027, 2, 11), "name": "Nghỉ Tết (hoán đổi)", "basis": "TB số 1"}],
                        "workdays": [{"date": date(2027, 2, 20), "name": "Làm bù cho ngày 11/02/2027"}],
                        "not_off": [{"date": date(2027, 11, 24), "name": "Không nghỉ năm nay"}],
                    }
                }
            }
        )
    )
    assert not calendar.is_working_day(date(2027, 2, 11))
    assert calendar.holiday_name(date(2027, 2, 11)) == "Nghỉ Tết (hoán đổi)"
    assert calendar.is_working_day(date(2027, 2, 20))
    assert calendar.is_working_day(date(2027, 11, 24))
    assert LAW.is_working_day(date(2027, 2, 11)) and not LAW.is_working_day(date(2027, 2, 20))  # LAW unchanged


def test_override_files_merge_and_the_packaged_one_is_valid(tmp_path: Path):
    first = tmp_path / "a.yaml"
    first.write_text("years:\n  2027:\n    days_off:\n      - {date: 2027-02-11, name: Nghỉ thêm}\n", "utf-8")
    second = tmp_path / "b.yaml"
    second.write_text("years:\n  2027:\n    workdays:\n      - {date: 2027-02-20, name: Làm bù}\n", "utf-8")
    merged = load_overrides(first, second)
    assert [d.date for d in merged.years[2027].days_off] == [date(2027, 2, 11)]
    assert [d.date for d in merged.years[2027].workdays] == [date(2027, 2, 20)]
    assert check_overrides(merged) == []
    assert check_overrides(load_overrides(DEFAULT_OVERRIDES)) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("years:\n  2027:\n    days_off:\n      - {date: 2026-02-11, name: Sai năm}\n", "ghi dưới năm 2027"),
        ("years:\n  2027:\n    days_off:\n      - {date: 2027-02-31, name: Không có}\n", "ngày không hợp lệ"),
        ("years:\n  2027:\n    days_off:\n      - {date: 2027-02-11}\n", "thiếu mục này"),
        ("years:\n  2027:\n    holidays: []\n", "mục không được phép"),
        (
            "years:\n  2027:\n    days_off:\n      - {date: 2027-02-11, name: Nghỉ}\n"
            "    workdays:\n      - {date: 2027-02-11, name: Hai lần}\n",
            "ghi hai lần",
        ),
        ("years: [1, 2\n", "YAML không đọc được"),
    ],
)
def test_bad_override_files_are_refused_in_vietnamese(tmp_path: Path, text, message):
    path = tmp_path / "calendar.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(CalendarFileError, match=message):
        load_overrides(path)


def test_entries_that_change_nothing_are_reported():
    overrides = parse_overrides(
        {
            "years": {
                2027: {
                    "days_off": [
                        {"date": "2027-02-08", "name": "Đã là Tết"},
                        {"date": "2027-03-06", "name": "Thứ Bảy"},
                    ],
                    "workdays": [{"date": "2027-03-10", "name": "Thứ Tư"}],
                    "not_off": [{"date": "2027-03-11", "name": "Không phải ngày nghỉ"}],
                }
            }
        }
    )
    problems = check_overrides(overrides)
    assert len(problems) == 4
    assert "đã là ngày nghỉ theo luật" in problems[0] and "vốn đã là ngày nghỉ" in problems[1]
    assert "vốn là ngày làm việc" in problems[2] and "không phải ngày nghỉ theo luật" in problems[3]


def test_years_outside_the_known_range_have_weekends_only():
    far = date(2150, 1, 1)
    assert LAW.is_working_day(far) == (far.weekday() < 5)
    assert LAW.next_working_day(far) - far <= timedelta(days=3)


def test_kiosk_calendar_show_and_validate(tmp_path: Path, monkeypatch):
    runner = CliRunner()
    monkeypatch.delenv("KIOSK_CALENDAR_FILE", raising=False)
    shown = runner.invoke(cli_app, ["calendar", "show", "2027"])
    assert shown.exit_code == 0, shown.output
    assert "Năm 2027: 249 ngày làm việc" in shown.output
    assert "nghỉ Tết Nguyên đán từ thứ Năm 04/02 đến hết thứ Tư 10/02/2027 (7 ngày)" in shown.output
    assert "thứ Sáu 16/04/2027" in shown.output and "Ngày Giỗ Tổ Hùng Vương" in shown.output

    ok = runner.invoke(cli_app, ["calendar", "validate"])
    assert ok.exit_code == 0 and "Lịch hợp lệ" in ok.output

    local = tmp_path / "tinh.yaml"
    local.write_text(
        "years:\n  2027:\n    days_off:\n      - {date: 2027-02-11, name: Nghỉ Tết (hoán đổi)}\n"
        "    workdays:\n      - {date: 2027-02-20, name: Làm bù cho ngày 11/02/2027}\n",
        "utf-8",
    )
    assert runner.invoke(cli_app, ["calendar", "validate", str(local)]).exit_code == 0
    monkeypatch.setenv("KIOSK_CALENDAR_FILE", str(local))
    shown = runner.invoke(cli_app, ["calendar", "show", "2027"])
    assert "nghỉ Tết Nguyên đán từ thứ Năm 04/02 đến hết thứ Năm 11/02/2027 (8 ngày)" in shown.output
    assert "thứ Bảy 20/02/2027" in shown.output and "Năm 2027: 249 ngày làm việc" in shown.output

    bad = tmp_path / "bad.yaml"
    bad.write_text("years:\n  2027:\n    workdays:\n      - {date: 2027-03-10, name: Thứ Tư}\n", "utf-8")
    refused = runner.invoke(cli_app, ["calendar", "validate", str(bad)])
    assert refused.exit_code == 1 and "vốn là ngày làm việc" in refused.output
