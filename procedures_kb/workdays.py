"""Vietnam's working-day calendar: which days the commune desk is closed, from the law and the yearly decisions.

Public holidays come from the maintained `holidays` package (Bộ luật Lao động 2019, Điều 112: 1/1, Tết Nguyên đán,
Giỗ Tổ Hùng Vương 10/3 âm lịch, 30/4, 1/5, 2/9 and its extra day, Ngày Văn hóa Việt Nam 24/11 from 2026; the
substitute days when a holiday falls on a weekend; the days swapped by the Government's yearly notices, with the
Saturday worked in exchange). A per-year override file, edited by an operator without code, adds what a later
decision or a province sets: extra days off, Saturdays (or Sundays) worked in exchange, and library days that are
not off that year. Everything here is pure: no clock, no I/O except `load_overrides`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from threading import Lock
from typing import Any, cast

import holidays
import yaml
from holidays.countries.vietnam import VietnamStaticHolidays
from holidays.holiday_base import SubstitutedHoliday
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
TET = "Tết Nguyên đán"
DEFAULT_OVERRIDES = Path(__file__).parent / "data" / "calendar.yaml"
# The years a calendar answers for; outside them a date is a data error, not a question about the calendar.
MIN_YEAR, MAX_YEAR = 1995, 2099
MAX_RUN = 60  # no run of days off is longer; bounds the walks around a break


def weekday_name(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def format_day(day: date, *, year: bool = True) -> str:
    """'thứ Tư 03/02/2027' (or without the year)."""
    return f"{weekday_name(day)} {day.strftime('%d/%m/%Y' if year else '%d/%m')}"


# ---- the override file ----------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DayEntry(_Strict):
    """One day the override file sets, with why (the notice or resolution that decided it)."""

    date: date
    name: str = Field(min_length=2, max_length=120)
    basis: str | None = Field(default=None, max_length=200)


class YearOverrides(_Strict):
    days_off: list[DayEntry] = []  # extra days off (a yearly decision, a province's own day)
    workdays: list[DayEntry] = []  # weekend days worked in exchange (ngày làm bù)
    not_off: list[DayEntry] = []  # days the library gives that are not off this year


class CalendarOverrides(_Strict):
    """The whole file: `years: {2027: {days_off: [...], workdays: [...], not_off: [...]}}`."""

    years: dict[int, YearOverrides] = {}

    @field_validator("years")
    @classmethod
    def _years_in_range(cls, value: dict[int, YearOverrides]) -> dict[int, YearOverrides]:
        for year, entry in value.items():
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise ValueError(f"năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}")
            for kind in ("days_off", "workdays", "not_off"):
                for item in getattr(entry, kind):
                    if item.date.year != year:
                        raise ValueError(f"ngày {item.date:%d/%m/%Y} ghi dưới năm {year} ({kind})")
        return value

    @model_validator(mode="after")
    def _each_day_once(self) -> CalendarOverrides:
        for year, entry in self.years.items():
            seen: dict[date, str] = {}
            for kind in ("days_off", "workdays", "not_off"):
                for item in getattr(entry, kind):
                    if item.date in seen:
                        raise ValueError(
                            f"năm {year}: ngày {item.date:%d/%m/%Y} ghi hai lần ({seen[item.date]} và {kind})"
                        )
                    seen[item.date] = kind
        return self


# Pydantic's messages, in the operator's language.
_ERROR_WORDS = {
    "missing": "thiếu mục này",
    "extra_forbidden": "mục không được phép (chỉ có days_off, workdays, not_off; mỗi ngày có date, name, basis)",
    "string_too_short": "quá ngắn",
    "string_too_long": "quá dài",
    "string_type": "cần là chữ",
    "date_type": "ngày không hợp lệ (viết YYYY-MM-DD, ví dụ 2027-02-11)",
    "date_from_datetime_parsing": "ngày không hợp lệ (viết YYYY-MM-DD, ví dụ 2027-02-11)",
    "date_parsing": "ngày không hợp lệ (viết YYYY-MM-DD, ví dụ 2027-02-11)",
    "int_parsing": "năm phải là số (ví dụ 2027)",
    "list_type": "cần là một danh sách",
    "dict_type": "cần là một bảng (khóa: giá trị)",
    "model_type": "cần là một bảng (khóa: giá trị)",
}


class CalendarFileError(ValueError):
    """The override file cannot be used; the message is Vietnamese and names the file and the problem."""


def parse_overrides(data: Any, source: str = "calendar.yaml") -> CalendarOverrides:
    if data is None:
        return CalendarOverrides()
    try:
        return CalendarOverrides.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            message = _ERROR_WORDS.get(err["type"]) or err["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise CalendarFileError(f"{source}: " + "; ".join(problems)) from None


def load_overrides(*paths: Path) -> CalendarOverrides:
    """Read and merge override files (later files win for a year's lists, which are concatenated)."""
    merged: dict[int, dict[str, list[DayEntry]]] = {}
    for path in paths:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CalendarFileError(f"{path}: không tìm thấy tệp") from None
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise CalendarFileError(f"{path}: tệp YAML không đọc được ({exc})") from None
        except ValueError as exc:  # YAML reads 2027-02-31 as a date and fails on it
            raise CalendarFileError(f"{path}: có ngày không hợp lệ ({exc})") from None
        parsed = parse_overrides(data, str(path))
        for year, entry in parsed.years.items():
            slot = merged.setdefault(year, {"days_off": [], "workdays": [], "not_off": []})
            for kind in slot:
                slot[kind].extend(getattr(entry, kind))
    return parse_overrides({"years": merged}, " + ".join(str(p) for p in paths) or "calendar")


# ---- the calendar -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayOff:
    day: date
    name: str


@dataclass(frozen=True)
class Break:
    """A run of consecutive days off that holds at least one holiday (weekends around it included)."""

    first: date
    last: date
    name: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _clean_name(name: str) -> str:
    # The library's Vietnamese labels capitalise "Nguyên Đán"; Vietnamese orthography writes "Nguyên đán".
    return name.replace("Nguyên Đán", "Nguyên đán").strip()


# The library's table of swapped days, (off month, off day, worked month, worked day[, worked year]) or a tuple of
# them per year: a plain class attribute, which mypy reads as dict[int, object]; the library's alias is its shape.
_SWAPPED_DAYS = cast(Mapping[int, SubstitutedHoliday], VietnamStaticHolidays.special_public_holidays)


def _library_workdays(year: int) -> dict[date, str]:
    """Weekend days worked in exchange for a day off, as the library's table of the Government's notices gives."""
    days: dict[date, str] = {}
    for y in (year, year + 1):  # a swap may give a day off in January for a Saturday worked in December
        entries = _SWAPPED_DAYS.get(y, ())
        if entries and isinstance(entries[0], int):
            entries = (entries,)
        for entry in entries:
            if len(entry) not in (4, 5):
                continue
            off = date(y, entry[0], entry[1])
            worked = date(entry[4] if len(entry) == 5 else y, entry[2], entry[3])
            if worked.year == year:
                days[worked] = f"Làm bù cho ngày nghỉ {off:%d/%m/%Y}"
    return days


class WorkingCalendar:
    """Which days are working days at a Vietnamese public office.

    A day is a working day when it is a weekday that is not a day off, or a weekend day worked in exchange.
    Years are computed once and kept (thread-safe); a calendar is immutable once built.
    """

    def __init__(self, overrides: CalendarOverrides | None = None) -> None:
        self.overrides = overrides or CalendarOverrides()
        self._years: dict[int, tuple[dict[date, str], dict[date, str]]] = {}
        self._lock = Lock()

    def _year(self, year: int) -> tuple[dict[date, str], dict[date, str]]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._years.get(year)
            if cached is not None:
                return cached
            if MIN_YEAR <= year <= MAX_YEAR:
                library = holidays.Vietnam(years=year, language="vi")
                off = {day: _clean_name(name) for day, name in library.items()}
                worked = _library_workdays(year)
            else:  # outside the years the law's calendar is known for: weekends only
                off, worked = {}, {}
            entry = self.overrides.years.get(year)
            if entry is not None:
                for item in entry.not_off:
                    off.pop(item.date, None)
                for item in entry.days_off:
                    off[item.date] = item.name
                    worked.pop(item.date, None)
                for item in entry.workdays:
                    worked[item.date] = item.name
                    off.pop(item.date, None)
            self._years[year] = (off, worked)
            return off, worked

    # -- single days --
    def holiday_name(self, day: date) -> str | None:
        """The name of the day off on `day` (a holiday, substitute day or decided day off), else None."""
        return self._year(day.year)[0].get(day)

    def is_worked_weekend(self, day: date) -> bool:
        return day in self._year(day.year)[1]

    def is_working_day(self, day: date) -> bool:
        off, worked = self._year(day.year)
        if day in worked:
            return True
        return day.weekday() not in WEEKEND and day not in off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted)."""
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days `end` is after `start` (negative if before)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for d in _days(start + timedelta(days=1), end) if self.is_working_day(d))

    # -- a year, a span --
    def days_off(self, year: int) -> list[DayOff]:
        """Every day off of the year that is not an ordinary weekend day, in date order."""
        off, _ = self._year(year)
        return [DayOff(day, name) for day, name in sorted(off.items())]

    def worked_weekends(self, year: int) -> list[DayOff]:
        _, worked = self._year(year)
        return [DayOff(day, name) for day, name in sorted(worked.items())]

    def breaks(self, start: date, end: date) -> list[Break]:
        """The holiday breaks that touch [start, end], each with its whole run of consecutive days off (weekends
        around a holiday included; an ordinary weekend is not a break)."""
        first, last = start, end
        for _ in range(MAX_RUN if not self.is_working_day(first) else 0):
            if self.is_working_day(first - timedelta(days=1)):
                break
            first -= timedelta(days=1)
        for _ in range(MAX_RUN if not self.is_working_day(last) else 0):
            if self.is_working_day(last + timedelta(days=1)):
                break
            last += timedelta(days=1)
        result: list[Break] = []
        run: list[date] = []
        for day in [*_days(first, last), last + timedelta(days=1)]:
            if not self.is_working_day(day) and day <= last:
                run.append(day)
                continue
            names = [n for d in run if (n := self.holiday_name(d))]
            if names:
                result.append(Break(run[0], run[-1], _break_name(names)))
            run = []
        return result


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


_NAME_NOTES = re.compile(r"\s*\((nghỉ bù|thay cho ngày|dự kiến)[^)]*\)")


def _break_name(names: list[str]) -> str:
    """What a break is called: Tết Nguyên đán when it holds a Tết day, else its holidays' names."""
    if any(("Tết" in n and "Dương lịch" not in n) or "Giao thừa" in n for n in names):
        return TET
    distinct: list[str] = []
    for name in names:
        name = _NAME_NOTES.sub("", name).strip()
        if name and name != "Ngày nghỉ" and name not in distinct:
            distinct.append(name)
    return " và ".join(distinct[:2]) or "bù"


def describe_break(brk: Break) -> str:
    """'nghỉ Tết Nguyên đán từ thứ Năm 04/02 đến hết thứ Tư 10/02/2027'."""
    if brk.first == brk.last:
        return f"nghỉ {brk.name} ngày {format_day(brk.first)}"
    same_year = brk.first.year == brk.last.year
    return f"nghỉ {brk.name} từ {format_day(brk.first, year=not same_year)} đến hết {format_day(brk.last)}"


def year_summary(calendar: WorkingCalendar, year: int) -> Mapping[str, Any]:
    """What `kiosk calendar show` prints: days off, weekend days worked, breaks and the count of working days."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return {
        "year": year,
        "days_off": calendar.days_off(year),
        "workdays": calendar.worked_weekends(year),
        "breaks": calendar.breaks(first, last),
        "working_days": sum(1 for d in _days(first, last) if calendar.is_working_day(d)),
    }


def check_overrides(overrides: CalendarOverrides) -> list[str]:
    """Problems the schema cannot see because they need the law's calendar (Vietnamese, one per problem)."""
    base = WorkingCalendar()
    problems: list[str] = []
    for _year, entry in sorted(overrides.years.items()):
        for item in entry.days_off:
            if base.holiday_name(item.date):
                problems.append(
                    f"{item.date:%d/%m/%Y}: đã là ngày nghỉ theo luật ({base.holiday_name(item.date)}), không cần ghi"
                )
            elif item.date.weekday() in WEEKEND and not base.is_worked_weekend(item.date):
                problems.append(f"{item.date:%d/%m/%Y} là {weekday_name(item.date)}, vốn đã là ngày nghỉ")
        for item in entry.workdays:
            if base.is_working_day(item.date):
                problems.append(
                    f"{item.date:%d/%m/%Y} ({weekday_name(item.date)}) vốn là ngày làm việc: "
                    "chỉ ghi ngày nghỉ được đổi thành ngày làm bù"
                )
        for item in entry.not_off:
            if base.holiday_name(item.date) is None:
                problems.append(f"{item.date:%d/%m/%Y}: không phải ngày nghỉ theo luật, không cần bỏ")
    return problems
