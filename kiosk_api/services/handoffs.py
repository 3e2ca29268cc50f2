"""Requests to talk to an officer: created by citizens (kiosk, chat, Zalo), taken and closed by staff.

A sender with an open request gets that request back instead of a second one. Staff changes are
compare-and-set updates (UPDATE … WHERE status = <the status read>), so two officers taking the same
request at once cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Sequence

from motcua.vocabulary import HandoffStatus
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..db import rows_affected, session_now
from ..domain.redact import redact
from ..domain.units import Scope
from ..models import HandoffRequest, StaffUser
from . import audit, throttle
from .units import in_scope

OPEN = (HandoffStatus.WAITING, HandoffStatus.HELPING)
STATUS_LABELS: dict[str, str] = {
    HandoffStatus.WAITING: "Đang chờ",
    HandoffStatus.HELPING: "Đang hỗ trợ",
    HandoffStatus.DONE: "Đã xong",
}
ALLOWED: dict[str, set[str]] = {
    HandoffStatus.WAITING: {HandoffStatus.HELPING, HandoffStatus.DONE},
    HandoffStatus.HELPING: {HandoffStatus.WAITING, HandoffStatus.DONE},
    HandoffStatus.DONE: set(),
}


class HandoffNotFound(LookupError):
    pass


class HandoffConflict(Exception):
    """The change is not allowed from the request's current status (which may have just changed)."""


class TooManyRequests(Exception):
    """This client has asked for an officer too often within the hour."""


HOUR = 3600


def request_officer(
    session: Session,
    *,
    channel: str,
    sender_hash: str,
    topic: str | None,
    client_key: str | None = None,
    per_hour: int | None = None,
) -> tuple[HandoffRequest, bool]:
    """The sender's open request, or a new one. Returns (request, created). With `client_key` (a keyed hash of who
    asks), new requests are limited to `per_hour` per client: TooManyRequests beyond."""
    existing = session.scalar(
        select(HandoffRequest)
        .where(
            HandoffRequest.sender_hash == sender_hash,
            HandoffRequest.channel == channel,
            HandoffRequest.status.in_(OPEN),
        )
        .order_by(HandoffRequest.id)
        .limit(1)
    )
    if existing is not None:
        return existing, False
    if client_key is not None and per_hour is not None:
        allowed = throttle.take(session, client_key, limit=per_hour, window_seconds=HOUR, now=session_now(session))
        if not allowed:
            raise TooManyRequests(client_key)
    row = HandoffRequest(
        channel=channel,
        sender_hash=sender_hash,
        topic=redact(topic)[:200] if topic else None,
        status=HandoffStatus.WAITING,
    )
    session.add(row)
    session.commit()
    return row, True


def list_requests(
    session: Session, statuses: Sequence[str] = OPEN, limit: int = 200, *, scope: Scope
) -> list[HandoffRequest]:
    """Requests in these statuses within `scope`, oldest first (the one waiting longest is served first)."""
    rows = session.scalars(
        select(HandoffRequest)
        .where(
            HandoffRequest.status.in_(list(statuses)),
            HandoffRequest.spam.is_(False),
            in_scope(HandoffRequest.unit_code, scope),
        )
        .order_by(HandoffRequest.created_at, HandoffRequest.id)
        .limit(limit)
    )
    return list(rows)


def _get(session: Session, request_id: int, scope: Scope) -> HandoffRequest:
    """The request; HandoffNotFound, or OutOfScope when it belongs to a unit outside `scope`."""
    row = session.get(HandoffRequest, request_id)
    if row is None:
        raise HandoffNotFound(request_id)
    scope.check(row.unit_code)
    return row


def change_status(session: Session, request_id: int, status: str, *, user: StaffUser, scope: Scope) -> HandoffRequest:
    row = _get(session, request_id, scope)
    current = row.status
    if status == current:
        if status == HandoffStatus.HELPING and row.handled_by != user.username:
            raise HandoffConflict(f"cán bộ {row.handled_by} đang hỗ trợ yêu cầu này")
        return row
    if status not in ALLOWED[current]:
        raise HandoffConflict(f"không thể chuyển từ «{STATUS_LABELS[current]}» sang «{STATUS_LABELS[status]}»")
    now = session_now(session)
    try:
        changed = rows_affected(
            session,
            update(HandoffRequest)
            .where(HandoffRequest.id == request_id, HandoffRequest.status == current)
            .values(
                status=status,
                handled_by=None if status == HandoffStatus.WAITING else user.username,
                handled_at=None if status == HandoffStatus.WAITING else now,
            ),
        )
        if changed != 1:
            session.rollback()
            raise HandoffConflict("yêu cầu vừa được cán bộ khác cập nhật; vui lòng tải lại danh sách")
        audit.record(
            session, user.username, "handoff.status", target=str(request_id), details={"from": current, "to": status}
        )
        session.commit()
    except HandoffConflict:
        raise
    except Exception:
        session.rollback()
        raise
    session.refresh(row)
    return row


def mark_spam(session: Session, request_id: int, *, user: StaffUser, scope: Scope) -> HandoffRequest:
    """Mark a request as spam: it leaves the queue (audit-logged; purge deletes it)."""
    row = _get(session, request_id, scope)
    row.spam = True
    audit.record(session, user.username, "handoff.spam", target=str(request_id))
    session.commit()
    return row


def purge_spam(session: Session, *, user: StaffUser, scope: Scope) -> int:
    """Delete every request marked as spam within `scope`; how many (audit-logged with the count only)."""
    removed = rows_affected(
        session, delete(HandoffRequest).where(HandoffRequest.spam.is_(True), in_scope(HandoffRequest.unit_code, scope))
    )
    audit.record(session, user.username, "handoff.purge_spam", details={"removed": removed})
    session.commit()
    return removed
