"""Phản ánh, kiến nghị: registering a citizen's report or petition with its answer deadline."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from procedures_kb.timelimits import add_working_days

from ..db import utcnow
from ..models import Feedback
from . import audit


def deadline(received: date, working_days: int) -> date:
    """The answer is due `working_days` working days after the day it was received."""
    return add_working_days(received, working_days)


def submit(
    session: Session,
    *,
    kind: str,
    content: str,
    contact: str | None,
    channel: str,
    today: date,
    working_days: int,
) -> Feedback:
    """Store the feedback and an audit entry (without the content or contact) in one transaction."""
    row = Feedback(
        kind=kind,
        content=content,
        contact=contact or None,
        status="moi",
        received_at=utcnow(),
        deadline=deadline(today, working_days),
    )
    try:
        session.add(row)
        session.flush()
        audit.record(
            session,
            f"citizen:{channel}",
            "feedback.create",
            target=str(row.id),
            details={"kind": kind, "channel": channel},
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return row
