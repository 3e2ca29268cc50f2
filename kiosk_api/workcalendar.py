"""The working-day calendar the service counts with: the law's (procedures_kb.workdays) plus the override files
(the packaged calendar.yaml, then KIOSK_CALENDAR_FILE)."""

from __future__ import annotations

from procedures_kb.workdays import WorkingCalendar, load_overrides

from .settings import Settings


def load_calendar(settings: Settings) -> WorkingCalendar:
    """The calendar for `settings`; CalendarFileError (Vietnamese, naming the file) when an override file is bad."""
    return WorkingCalendar(load_overrides(*settings.calendar_files()))
