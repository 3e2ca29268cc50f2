"""Indicator 8 of Biểu 5a (handling of phản ánh, kiến nghị): the report's rule (scoring.petition_points, default
thresholds 100 % / 90 %) and the counts over seeded rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial

import pytest

from kiosk_api.domain.scoring import petition_points
from kiosk_api.domain.units import EVERY_UNIT
from kiosk_api.models import Petition
from kiosk_api.petitions import service as petition_service
from kiosk_api.petitions.service import Timeliness
from tests.support.constants import TODAY

timeliness = partial(petition_service.timeliness, scope=EVERY_UNIT)  # the whole register, as the report of one unit


def points(due: int, on_time: int, partial_percent: float = 90) -> int:
    return petition_points(due, on_time, full_percent=100, partial_percent=partial_percent)


def timeliness_points(t: Timeliness) -> int:
    return points(t.due, t.on_time)


@pytest.mark.parametrize(
    ("due", "on_time", "expected"),
    [
        (0, 0, 2),  # none received: full points
        (1, 1, 2),
        (10, 10, 2),
        (10, 9, 1),  # exactly 90 %
        (20, 18, 1),
        (100, 90, 1),
        (1000, 899, 0),  # 89,9 %
        (10, 8, 0),
        (3, 0, 0),
    ],
)
def test_indicator8_rule(due, on_time, expected):
    assert points(due, on_time) == expected


def test_indicator8_rule_is_configurable_and_checks_counts():
    assert points(20, 19, partial_percent=95) == 1
    assert points(20, 18, partial_percent=95) == 0
    assert points(0, 0, partial_percent=95) == 2
    for due, on_time in ((2, 3), (-1, 0), (2, -1)):
        with pytest.raises(ValueError):
            points(due, on_time)


def test_timeliness_share_and_points():
    t = Timeliness(date(2026, 10, 1), date(2026, 12, 31), due=7, on_time=6, late=1, late_unanswered=0, pending=2)
    assert t.on_time_share == 85.7 and timeliness_points(t) == 0
    assert Timeliness(date(2026, 10, 1), date(2026, 12, 31), 0, 0, 0, 0, 3).on_time_share is None
    assert timeliness_points(Timeliness(date(2026, 10, 1), date(2026, 12, 31), 0, 0, 0, 0, 3)) == 2


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def add(session, deadline: date, status: str, answered_at: datetime | None = None) -> None:
    session.add(
        Petition(
            kind="phan_anh",
            content="x",
            status=status,
            received_at=utc(2026, 9, 1),
            deadline=deadline,
            answer="Đã trả lời." if answered_at else None,
            answered_at=answered_at,
            closed_at=answered_at if status == "da_dong" else None,
        )
    )


pytestmark = pytest.mark.db


def test_timeliness_counts_the_petitions_due_in_the_period(session):
    q4 = (date(2026, 10, 1), date(2026, 12, 31))
    # Due before the period (received in Q3, answered late): not counted in Q4.
    add(session, date(2026, 9, 30), "da_dong", utc(2026, 10, 2, 3))
    # Due on the period's first day, answered that day: on time.
    add(session, date(2026, 10, 1), "da_tra_loi", utc(2026, 10, 1, 2))
    # Answered at 23:30 Vietnam time on the deadline (16:30 UTC): on time.
    add(session, date(2026, 10, 15), "da_dong", utc(2026, 10, 15, 16, 30))
    # Answered at 00:30 Vietnam time the day after the deadline (17:30 UTC on the deadline): late.
    add(session, date(2026, 10, 20), "da_dong", utc(2026, 10, 20, 17, 30))
    # Never answered, deadline passed (TODAY = 20/11/2026): late.
    add(session, date(2026, 11, 19), "dang_xu_ly")
    add(session, date(2026, 11, 2), "moi")
    # Open, deadline today or later: pending, not counted as due.
    add(session, TODAY, "dang_xu_ly")
    add(session, date(2026, 12, 31), "moi")
    # Answered early although due at the end of the period: on time, and due (its outcome is known).
    add(session, date(2026, 12, 31), "da_tra_loi", utc(2026, 11, 18, 8))
    # Due after the period: not counted.
    add(session, date(2027, 1, 4), "moi")
    session.commit()

    t = timeliness(session, *q4, today=TODAY)
    assert (t.due, t.on_time, t.late, t.late_unanswered, t.pending) == (6, 3, 3, 2, 2)
    assert t.on_time_share == 50.0 and timeliness_points(t) == 0
    assert (t.start, t.end) == q4

    # Once the quarter is over the open ones are late too, and the figure no longer changes.
    after = timeliness(session, *q4, today=date(2027, 1, 5))
    assert (after.due, after.on_time, after.late, after.pending) == (8, 3, 5, 0)
    assert timeliness(session, *q4, today=date(2027, 6, 1)) == after

    # October alone: boundaries inclusive.
    october = timeliness(session, date(2026, 10, 1), date(2026, 10, 31), today=TODAY)
    assert (october.due, october.on_time, october.late) == (3, 2, 1)
    assert timeliness_points(october) == 0


def test_timeliness_full_and_partial_points(session):
    for day in range(1, 11):
        answered = utc(2026, 10, day, 3) if day != 10 else utc(2026, 10, 12, 3)
        add(session, date(2026, 10, day), "da_dong", answered)
    session.commit()
    t = timeliness(session, date(2026, 10, 1), date(2026, 10, 31), today=TODAY)
    assert (t.due, t.on_time, t.late) == (10, 9, 1) and timeliness_points(t) == 1
    assert timeliness_points(timeliness(session, date(2026, 10, 1), date(2026, 10, 9), today=TODAY)) == 2
    empty = timeliness(session, date(2026, 7, 1), date(2026, 9, 30), today=TODAY)
    assert (empty.due, empty.pending, timeliness_points(empty)) == (0, 0, 2)
    with pytest.raises(ValueError):
        timeliness(session, date(2026, 10, 2), date(2026, 10, 1))
