"""Who may see a dossier: the one use case behind every path that checks the second factor (the last 4 digits of
the phone on the receipt): the lookup API, the kiosk, the assistant (chat and Zalo through the action server).

Failures are counted under two budgets that the caller cannot choose: the client (its address, the kiosk session
the server issued, or the chat user kiosk_api signed for), and the **dossier code itself**, from anywhere. After
KIOSK_LOOKUP_CODE_MAX_FAILURES wrong digits for one code within the window, the code is locked for everyone until
the window passes or an officer lifts the lock; unknown codes lock the same way, so a lock tells nothing. A code
without digits is never checked against the database: the answer is the same for every code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.units import Scope
from ..models import Dossier, LookupAttempt
from ..security import client_key_hash, keyed_hash, short
from ..settings import Settings
from . import throttle
from .dossiers import match_second_factor
from .units import in_scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Locked:
    """No check was made: wait `wait` seconds. `scope` "code" means this dossier code is locked for everyone."""

    wait: int
    scope: str


def code_key(secret: bytes, code: str) -> str:
    return keyed_hash(secret, "lookup-code", code.strip().upper())


def lookup_budgets(settings: Settings, secret: bytes, client: str, code: str) -> list[throttle.Budget]:
    return [
        throttle.Budget(client_key_hash(secret, "lookup", client), settings.lookup_max_failures, "client"),
        throttle.Budget(code_key(secret, code), settings.lookup_code_max_failures, "code"),
    ]


def client_budget(settings: Settings, secret: bytes, client: str) -> throttle.Budget:
    """The client's own budget (also spent by tampered rating tokens)."""
    return throttle.Budget(client_key_hash(secret, "lookup", client), settings.lookup_max_failures, "client")


def check(
    session: Session, *, settings: Settings, secret: bytes, client: str, code: str, digits: str | None, now: datetime
) -> Dossier | Locked | None:
    """The dossier when `digits` are its phone's last 4; None when not (unknown code and wrong digits alike);
    Locked, without checking, when the client or the code has no tries left. The attempt is committed."""
    budgets = lookup_budgets(settings, secret, client, code)
    blocked = throttle.check(session, budgets, window_seconds=settings.lookup_window_seconds, now=now)
    ref = short(keyed_hash(secret, "log-dossier", code.strip()))
    if blocked is not None:
        log.warning("lookup refused (%s locked %ds): client=%s code=%s", blocked.scope, blocked.wait,
                    short(budgets[0].key), ref)  # fmt: skip
        return Locked(blocked.wait, blocked.scope)
    dossier_id, matches = match_second_factor(session, code, digits, secret=secret)
    throttle.record(
        session, budgets, success=matches, now=now, keep_seconds=settings.lookup_window_seconds, dossier_id=dossier_id
    )
    session.commit()
    log.info("lookup %s: client=%s code=%s", "ok" if matches else "failed", short(budgets[0].key), ref)
    return session.get(Dossier, dossier_id) if matches and dossier_id is not None else None


def check_code_only(
    session: Session, *, settings: Settings, secret: bytes, client: str, now: datetime
) -> Locked | None:
    """A question with a code and no digits: nothing is looked up (every code gets the same answer), but it costs
    the client a try, so codes cannot be probed for free. Locked when the client has no tries left."""
    budget = throttle.Budget(client_key_hash(secret, "code-only", client), settings.lookup_max_failures * 4, "client")
    blocked = throttle.check(session, [budget], window_seconds=settings.lookup_window_seconds, now=now)
    if blocked is not None:
        return Locked(blocked.wait, blocked.scope)
    throttle.record(session, [budget], success=False, now=now, keep_seconds=settings.lookup_window_seconds)
    session.commit()
    return None


@dataclass(frozen=True)
class CodeLock:
    dossier_id: int
    code: str
    failures: int
    until: datetime


def locked_dossiers(
    session: Session, *, settings: Settings, secret: bytes, now: datetime, scope: Scope, limit: int = 50
) -> list[CodeLock]:
    """Dossiers of `scope` whose code is locked now (enough wrong digits within the window), the most recent
    first."""
    since = now - timedelta(seconds=settings.lookup_window_seconds)
    rows = session.execute(
        # Dossier.id (not the attempt's nullable dossier_id): the same value through the join, typed as never null
        select(Dossier.id, Dossier.code, func.count())
        .select_from(LookupAttempt)
        .join(Dossier, Dossier.id == LookupAttempt.dossier_id)
        .where(LookupAttempt.success.is_(False), LookupAttempt.at > since, in_scope(Dossier.unit_code, scope))
        .group_by(Dossier.id, Dossier.code)
        .having(func.count() >= settings.lookup_code_max_failures)
        .order_by(func.max(LookupAttempt.at).desc())
        .limit(limit)
    ).all()
    locks = []
    for dossier_id, code, failures in rows:
        wait = throttle.retry_after(
            session,
            code_key(secret, code),
            max_failures=settings.lookup_code_max_failures,
            window_seconds=settings.lookup_window_seconds,
            now=now,
        )
        if wait is not None:
            locks.append(CodeLock(dossier_id, code, failures, now + timedelta(seconds=wait)))
    return locks


def lock_of(session: Session, *, settings: Settings, secret: bytes, code: str, now: datetime) -> datetime | None:
    """When the lock on this dossier code ends, or None when it is not locked."""
    wait = throttle.retry_after(
        session,
        code_key(secret, code),
        max_failures=settings.lookup_code_max_failures,
        window_seconds=settings.lookup_window_seconds,
        now=now,
    )
    return None if wait is None else now + timedelta(seconds=wait)


def unlock(session: Session, *, secret: bytes, code: str) -> bool:
    """Lift the lock on a dossier code (an officer, after checking the citizen's papers); committed by the caller.
    True when there was anything to forget."""
    return throttle.forget(session, code_key(secret, code)) > 0
