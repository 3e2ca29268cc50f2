"""Throttling repeated failures, with the state in the database (it holds across replicas).

An attempt is recorded under one or more budgets: a keyed hash of what is throttled (a client, a dossier code, a
staff account…) with how many failures it may have within the window. `check` says how long the caller must wait
when any budget is spent; `record` stores one attempt under every budget. Successes never reset a count. The same
table counts things that are not failures (kiosk sessions issued, petitions sent) with `recent_count`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..db import rows_affected
from ..models import LookupAttempt


@dataclass(frozen=True)
class Budget:
    key: str  # keyed hash (never the clear value)
    max_failures: int
    scope: str  # what it throttles, for logs and messages: "client", "code", "account", …


@dataclass(frozen=True)
class Blocked:
    wait: int  # seconds until an attempt is allowed again
    scope: str


def retry_after(
    session: Session, client_key: str, *, max_failures: int, window_seconds: int, now: datetime
) -> int | None:
    """Seconds until this key may try again, or None when it is not blocked.

    Blocked while it has `max_failures` or more failures within the last `window_seconds`; the block ends when the
    max_failures-th most recent failure leaves the window.
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
    unblock_at = recent[-1] + timedelta(seconds=window_seconds)
    return max(1, math.ceil((unblock_at - now).total_seconds()))


def check(session: Session, budgets: Sequence[Budget], *, window_seconds: int, now: datetime) -> Blocked | None:
    """The longest wait among the spent budgets, or None when every budget allows an attempt."""
    worst: Blocked | None = None
    for budget in budgets:
        wait = retry_after(
            session, budget.key, max_failures=budget.max_failures, window_seconds=window_seconds, now=now
        )
        if wait is not None and (worst is None or wait > worst.wait):
            worst = Blocked(wait, budget.scope)
    return worst


def recent_count(session: Session, client_key: str, *, window_seconds: int, now: datetime) -> int:
    """Attempts (failed or not) recorded for this key within the last `window_seconds`."""
    since = now - timedelta(seconds=window_seconds)
    return (
        session.scalar(
            select(func.count()).where(LookupAttempt.client_key_hash == client_key, LookupAttempt.at > since)
        )
        or 0
    )


def recent_failures(session: Session, key: str, *, window_seconds: int, now: datetime) -> int:
    since = now - timedelta(seconds=window_seconds)
    return (
        session.scalar(
            select(func.count()).where(
                LookupAttempt.client_key_hash == key, LookupAttempt.success.is_(False), LookupAttempt.at > since
            )
        )
        or 0
    )


def record_attempt(
    session: Session,
    client_key: str,
    *,
    success: bool,
    now: datetime,
    keep_seconds: int,
    dossier_id: int | None = None,
) -> None:
    """Store one attempt and forget attempts older than `keep_seconds` (committed by the caller)."""
    session.execute(delete(LookupAttempt).where(LookupAttempt.at < now - timedelta(seconds=keep_seconds)))
    session.add(LookupAttempt(client_key_hash=client_key, at=now, success=success, dossier_id=dossier_id))


def record(
    session: Session,
    budgets: Sequence[Budget],
    *,
    success: bool,
    now: datetime,
    keep_seconds: int,
    dossier_id: int | None = None,
) -> None:
    """Store one attempt under every budget (committed by the caller). `dossier_id` ties a dossier-code budget's
    attempts to the dossier, so staff can see which dossier is locked."""
    session.execute(delete(LookupAttempt).where(LookupAttempt.at < now - timedelta(seconds=keep_seconds)))
    for budget in budgets:
        session.add(
            LookupAttempt(
                client_key_hash=budget.key,
                at=now,
                success=success,
                dossier_id=dossier_id if budget.scope == "code" else None,
            )
        )


def forget(session: Session, key: str) -> int:
    """Remove every attempt of a key (an officer unlocks it); the number removed. Committed by the caller."""
    return rows_affected(session, delete(LookupAttempt).where(LookupAttempt.client_key_hash == key))


def take(session: Session, key: str, *, limit: int, window_seconds: int, now: datetime) -> bool:
    """Count one more use of an allowance (`limit` per `window_seconds`): False, and nothing recorded, when it is
    used up. Committed by the caller."""
    if recent_count(session, key, window_seconds=window_seconds, now=now) >= limit:
        return False
    record_attempt(session, key, success=True, now=now, keep_seconds=window_seconds)
    return True
