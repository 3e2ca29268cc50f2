"""Date parsing and Vietnamese date wording."""

from __future__ import annotations

import re
from datetime import date

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text: str) -> date:
    """Parse `dd/mm/yyyy` (day first, as written in Vietnam) or ISO `yyyy-mm-dd`; raise ValueError."""
    text = text.strip()
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise ValueError(f"bad date {text!r} (expected dd/mm/yyyy or yyyy-mm-dd)")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"bad date {text!r} (no such day)") from None


def format_date(day: date) -> str:
    """2026-03-05 → '05/03/2026'."""
    return day.strftime("%d/%m/%Y")
