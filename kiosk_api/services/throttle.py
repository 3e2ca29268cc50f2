"""Throttling repeated failures per client, with the state in the database (works across replicas)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import LookupAttempt


def retry_after(
    session: Session, client_key: str, *, max_failures: int, window_seconds: int, now: datetime
) -> int | None:
    """Seconds until this client may try again, or None when it is not blocked.

    Blocked while it has `max_failures` or more failures within the last `window_seconds`; successes do
    not reset the count (for this or any other client).
    """
    since = now - timedelta(seconds=window_seconds)
    recent = session.scalars(
        select(LookupAttempt.at)
        .where(
            LookupAttempt.client_key_hash == client_key,
            LookupAttempt.success.is_(False),
            LookupAttempt.at > since,
        )
        .order_by(LookupAttempt.at.desc())
        .limit(max_failures)
    ).all()
    if len(recent) < max_failures:
        return None
    # Unblocked when the max_failures-th most recent failure leaves the window.
    unblock_at = recent[-1] + timedelta(seconds=window_seconds)
    return max(1, math.ceil((unblock_at - now).total_seconds()))


def recent_count(session: Session, client_key: str, *, window_seconds: int, now: datetime) -> int:
    """Attempts (failed or not) recorded for this client within the last `window_seconds`."""
    since = now - timedelta(seconds=window_seconds)
    return session.scalar(
        select(func.count()).where(LookupAttempt.client_key_hash == client_key, LookupAttempt.at > since)
    )


def record_attempt(session: Session, client_key: str, *, success: bool, now: datetime, keep_seconds: int) -> None:
    """Store one attempt and forget attempts older than `keep_seconds` (committed by the caller)."""
    session.execute(delete(LookupAttempt).where(LookupAttempt.at < now - timedelta(seconds=keep_seconds)))
    session.add(LookupAttempt(client_key_hash=client_key, at=now, success=success))
