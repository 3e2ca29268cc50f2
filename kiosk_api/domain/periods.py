"""Report periods (kỳ báo cáo): a date range with quarter, month and year shortcuts.

A period is always a closed range of calendar days in Vietnam time, [start, end], both included.
`Period.parse` accepts the spellings used by the reports API and CLI: "2026-Q3", "2026-07" (a month) and "2026".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import format_date

_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")

MIN_YEAR = 2000
MAX_YEAR = 2100


class PeriodError(ValueError):
    """A period that cannot be understood (bad spelling, end before start, …)."""


def _check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"year {year} is out of range ({MIN_YEAR}..{MAX_YEAR})")
    return year


def _month_end(year: int, month: int) -> date:
    first_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_next - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A closed range of days [start, end] with a short Vietnamese label ("Quý III/2026", "Năm 2026", …)."""

    start: date
    end: date
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"the period ends ({self.end.isoformat()}) before it starts ({self.start.isoformat()})")
        if not self.label:
            object.__setattr__(self, "label", f"Từ ngày {format_date(self.start)} đến ngày {format_date(self.end)}")

    # ---- constructors ------------------------------------------------------------------------

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        _check_year(year)
        if quarter not in (1, 2, 3, 4):
            raise PeriodError(f"quarter {quarter} is not 1..4")
        first_month = 3 * (quarter - 1) + 1
        roman = ("I", "II", "III", "IV")[quarter - 1]
        return cls(date(year, first_month, 1), _month_end(year, first_month + 2), f"Quý {roman}/{year}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        _check_year(year)
        if not 1 <= month <= 12:
            raise PeriodError(f"month {month} is not 1..12")
        return cls(date(year, month, 1), _month_end(year, month), f"Tháng {month:02d}/{year}")

    @classmethod
    def year(cls, year: int) -> Period:
        _check_year(year)
        return cls(date(year, 1, 1), date(year, 12, 31), f"Năm {year}")

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        """The range [start, end], labelled as a year, quarter or month when it is exactly one."""
        candidates = (cls.year(start.year), cls.containing_quarter(start), cls.month(start.year, start.month))
        for candidate in candidates:
            if (candidate.start, candidate.end) == (start, end):
                return candidate
        return cls(start, end)

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026-Q3" / "2026Q3" → a quarter, "2026-07" → a month, "2026" → a year; PeriodError otherwise."""
        text = text.strip()
        if m := _QUARTER.match(text):
            return cls.quarter(int(m.group(1)), int(m.group(2)))
        if m := _MONTH.match(text):
            return cls.month(int(m.group(1)), int(m.group(2)))
        if m := _YEAR.match(text):
            return cls.year(int(m.group(1)))
        raise PeriodError(f"bad period {text!r} (expected e.g. 2026-Q3, 2026-07 or 2026)")

    @classmethod
    def containing_quarter(cls, day: date) -> Period:
        """The quarter that contains `day`."""
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    # ---- helpers -----------------------------------------------------------------------------

    @property
    def key(self) -> str:
        """A stable text key: "2026-Q3", "2026-07", "2026" for the shortcuts, else "2026-07-01_2026-09-30"."""
        s, e = self.start, self.end
        if s.day == 1 and s.month == 1 and e == date(s.year, 12, 31):
            return f"{s.year}"
        if s.day == 1 and (s.month - 1) % 3 == 0 and e == _month_end(s.year, s.month + 2):
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        if s.day == 1 and e == _month_end(s.year, s.month):
            return f"{s.year}-{s.month:02d}"
        return f"{s.isoformat()}_{e.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one (a quarter's previous quarter, etc.)."""
        key = self.key
        if _QUARTER.match(key):
            y, q = self.start.year, (self.start.month - 1) // 3 + 1
            return Period.quarter(y - 1, 4) if q == 1 else Period.quarter(y, q - 1)
        if _YEAR.match(key):
            return Period.year(self.start.year - 1)
        if _MONTH.match(key):
            y, m = self.start.year, self.start.month
            return Period.month(y - 1, 12) if m == 1 else Period.month(y, m - 1)
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)


def resolve_period(
    *,
    start: date | None = None,
    end: date | None = None,
    quarter: str | None = None,
    year: int | None = None,
    month: str | None = None,
) -> Period:
    """The period named by exactly one of: start+end, quarter ("2026-Q3"), month ("2026-07") or year (2026)."""
    given = [name for name, value in (("quarter", quarter), ("year", year), ("month", month)) if value is not None]
    has_range = start is not None or end is not None
    if has_range:
        given.append("from/to")
    if len(given) != 1:
        raise PeriodError("give exactly one of: from and to, quarter, month, year")
    if has_range:
        if start is None or end is None:
            raise PeriodError("give both from and to")
        return Period.between(start, end)
    if quarter is not None:
        if not _QUARTER.match(quarter.strip()):
            raise PeriodError(f"bad quarter {quarter!r} (expected e.g. 2026-Q3)")
        return Period.parse(quarter)
    if month is not None:
        if not _MONTH.match(month.strip()):
            raise PeriodError(f"bad month {month!r} (expected e.g. 2026-07)")
        return Period.parse(month)
    assert year is not None
    return Period.year(year)
