"""The one clock of the service: every "now" and "today" is read from a `Clock` the app is given.

The commune is in Vietnam (UTC+7, no daylight saving): "today" is the date there. Production uses
`SystemClock`; tests give the app a `FixedClock`; a server started for a demo or a test in another process can be
started at a chosen moment with KIOSK_CLOCK_START (the clock then runs on from there, see `StartedClock`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

VN_TZ = timezone(timedelta(hours=7), "ICT")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that says `at` until it is moved (tests)."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.at = at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@dataclass
class StartedClock:
    """A clock that started at `start` and runs at the machine's pace from there (a server started in the past or
    the future, e.g. for the end-to-end tests of another process)."""

    start: datetime
    _origin: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._origin)


def utc_now(clock: Clock) -> datetime:
    return clock.now().astimezone(UTC)


def vn_now(clock: Clock) -> datetime:
    return clock.now().astimezone(VN_TZ)


def vn_today(clock: Clock) -> date:
    return vn_now(clock).date()


def clock_from_setting(start: datetime | None) -> Clock:
    """The clock for KIOSK_CLOCK_START: the system clock when unset."""
    return SystemClock() if start is None else StartedClock(start)
